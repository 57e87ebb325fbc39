package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// load drives an axon with closed-loop workers. Requests are signed before
// the clock starts, so the load generator spends no CPU on signatures while
// measuring; each worker has its own uuid and sends its nonces in order.
func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8091", "axon base URL")
	scheme := fs.String("scheme", "sr25519", "signature scheme: sr25519 (Go axon) or ed25519 (Python baseline)")
	axonHotkey := fs.String("axon-hotkey", mustKey("//Bob").SS58Address(), "the axon's hotkey (signed into each request)")
	conns := fs.Int("c", 32, "concurrent workers (connections)")
	dur := fs.Duration("d", 10*time.Second, "measured duration")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured warm-up before it")
	total := fs.Int("n", 200000, "requests to pre-sign (a worker stops when it runs out)")
	label := fs.String("label", "", "label for the report")
	_ = fs.Parse(args)

	s, err := newSigner(*scheme, "//Alice")
	if err != nil {
		return err
	}
	per := *total / *conns
	type req struct {
		h    map[string]string
		body []byte
	}
	reqs := make([][]req, *conns)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for w := range *conns {
		reqs[w] = make([]req, per)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			uuid := "load-" + strconv.Itoa(w)
			for i := range per {
				h, b := presigned(s, *axonHotkey, i, int64(i+1), uuid)
				reqs[w][i] = req{h, b}
			}
		})
	}
	wg.Wait()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}}
	start := time.Now()
	measureFrom := start.Add(*warmup)
	end := measureFrom.Add(*dur)
	lat := make([][]time.Duration, *conns)
	statuses := make([]map[int]int, *conns)
	exhausted := 0
	var mu sync.Mutex
	for w := range *conns {
		statuses[w] = map[int]int{}
		wg.Go(func() {
			for i, r := range reqs[w] {
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				hr, _ := http.NewRequest(http.MethodPost, *url+"/dummy", bytes.NewReader(r.body))
				for k, v := range r.h {
					hr.Header[k] = []string{v}
				}
				resp, err := client.Do(hr)
				code := -1
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				t1 := time.Now()
				if t0.After(measureFrom) && t1.Before(end) {
					lat[w] = append(lat[w], t1.Sub(t0))
					statuses[w][code]++
				}
				if i == len(reqs[w])-1 {
					mu.Lock()
					exhausted++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	var all []time.Duration
	merged := map[string]int{}
	for w := range *conns {
		all = append(all, lat[w]...)
		for k, v := range statuses[w] {
			merged[strconv.Itoa(k)] += v
		}
	}
	sortDurations(all)
	ok := merged["200"]
	report(map[string]any{
		"bench": "load", "label": *label, "scheme": *scheme, "conns": *conns, "seconds": dur.Seconds(),
		"requests": len(all), "ok_rps": float64(ok) / dur.Seconds(),
		"p50_ms": ms(percentile(all, 50)), "p99_ms": ms(percentile(all, 99)), "statuses": merged,
		"workers_out_of_requests": exhausted,
	})
	if exhausted > 0 {
		return fmt.Errorf("%d workers ran out of pre-signed requests; raise -n", exhausted)
	}
	return nil
}
