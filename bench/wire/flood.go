package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/synapse"
)

// valid measures a dendrite querying an axon in a closed loop (one query
// at a time) for a while: its success rate and latency. run.sh runs it
// alone, then beside "junk", each in its own process so that the operating
// system, not the Go scheduler of the junk sender, shares the client core.
func valid(args []string) error {
	fs := flag.NewFlagSet("valid", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8091", "axon base URL")
	dur := fs.Duration("d", 10*time.Second, "duration")
	label := fs.String("label", "", "label for the report")
	_ = fs.Parse(args)

	hostPort := strings.TrimPrefix(*url, "http://")
	host, portS, err := net.SplitHostPort(hostPort)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(portS)
	bob := mustKey("//Bob").SS58Address()
	target := []synapse.AxonInfo{{IP: host, Port: port, Hotkey: bob, IPType: 4}}
	d, err := dendrite.New(mustKey("//Alice"), dendrite.Options{})
	if err != nil {
		return err
	}
	defer d.Close()

	var lat []time.Duration
	ok, n := 0, 0
	end := time.Now().Add(*dur)
	for i := 0; time.Now().Before(end); i++ {
		start := time.Now()
		r := dendrite.Forward(context.Background(), d, target, &dummy{DummyInput: i}, 2*time.Second)[0]
		lat = append(lat, time.Since(start))
		n++
		if r.IsSuccess() && r.DummyOutput != nil && *r.DummyOutput == 2*i {
			ok++
		}
	}
	sortDurations(lat)
	report(map[string]any{"bench": "valid", "label": *label, "valid_requests": n, "valid_success": float64(ok) / float64(n),
		"valid_rps": float64(n) / dur.Seconds(), "p50_ms": ms(percentile(lat, 50)), "p99_ms": ms(percentile(lat, 99)), "max_ms": ms(lat[len(lat)-1])})
	return nil
}

// junk sends junk to an axon from c workers as fast as they can for a
// while: unknown synapse names, malformed headers, replays of a valid
// request, oversized headers, and forgeries that claim a real dendrite's
// hotkey (//Alice) with a wrong signature (the costly kind: each needs a
// signature check), one kind of them with a 1 MiB body.
func junk(args []string) error {
	fs := flag.NewFlagSet("junk", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8091", "axon base URL")
	junkC := fs.Int("c", 64, "junk workers")
	dur := fs.Duration("d", 12*time.Second, "duration")
	_ = fs.Parse(args)
	bob := mustKey("//Bob").SS58Address()
	alice, _ := newSigner("sr25519", "//Alice")
	goodH, goodB := presigned(alice, bob, 1, 1, "replayed")
	// Send the replayed request once so its nonce is stored.
	if _, err := send(http.DefaultClient, *url+"/dummy", goodH, goodB); err != nil {
		return err
	}
	forged := func(body []byte) (map[string]string, []byte) {
		h := make(map[string]string, len(goodH))
		for k, v := range goodH {
			h[k] = v
		}
		sig := make([]byte, 64)
		_, _ = rand.Read(sig)
		h["bt_header_dendrite_signature"] = "0x" + hex.EncodeToString(sig)
		h["bt_header_dendrite_nonce"] = "99999999999999999"
		h["bt_header_dendrite_uuid"] = "junk"
		if body != nil {
			return h, body
		}
		return h, goodB
	}
	malformed := map[string]string{}
	for k, v := range goodH {
		malformed[k] = v
	}
	malformed["bt_header_dendrite_nonce"] = "not-a-number"
	bigHeader := map[string]string{"x-junk": strings.Repeat("j", 64<<10)}
	type junk struct {
		path string
		h    map[string]string
		body []byte
	}
	fh, fb := forged(nil)
	bh, bb := forged(bytes.Repeat([]byte(" "), 1<<20))
	kinds := []junk{
		{"/Nope", nil, []byte("{}")},
		{"/dummy", malformed, goodB},
		{"/dummy", goodH, goodB}, // replay
		{"/dummy", bigHeader, nil},
		{"/dummy", fh, fb},
		{"/dummy", bh, bb},
	}
	var sent atomic.Int64
	var codes sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *junkC, DisableCompression: true}, Timeout: 5 * time.Second}
	for w := range *junkC {
		wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := kinds[i%len(kinds)]
				code, _ := send(client, *url+k.path, k.h, k.body)
				sent.Add(1)
				c, _ := codes.LoadOrStore(code, new(atomic.Int64))
				c.(*atomic.Int64).Add(1)
			}
		})
	}
	time.Sleep(*dur)
	close(stop)
	after := sent.Load()
	wg.Wait()
	byCode := map[string]int64{}
	codes.Range(func(k, v any) bool { byCode[strconv.Itoa(k.(int))] = v.(*atomic.Int64).Load(); return true })
	report(map[string]any{"bench": "flood", "phase": "junk", "junk_workers": *junkC, "junk_rps": float64(after) / dur.Seconds(), "junk_statuses": byCode})
	return nil
}

// send posts body with headers h and returns the status (-1 on error).
func send(c *http.Client, url string, h map[string]string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return -1, err
	}
	for k, v := range h {
		req.Header[k] = []string{v}
	}
	resp, err := c.Do(req)
	if err != nil {
		return -1, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
