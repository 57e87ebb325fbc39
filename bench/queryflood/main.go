// Command queryflood measures how a node's ordinary queries answer while it
// is flooded with huge ones (account addresses of megabytes in query
// paths, which once took seconds each to decode while every other query
// waited).
//
// It runs two windows of the same length against one node: first the
// ordinary queries alone (the baseline), then the same queries while
// --flooders connections each send huge queries back to back. The ordinary
// queries, sent one after another by one prober, are /next_nonce and
// /account of a dev account (what a client asks before and after sending a
// transaction); each window reports their latency percentiles, how many
// did not answer within --timeout, and how many huge queries the node
// answered and how fast.
//
//	go run ./bench/queryflood --endpoint 127.0.0.1:9944 --duration 20s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type config struct {
	endpoint string
	flooders int
	size     int
	duration time.Duration
	timeout  time.Duration
	account  string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.endpoint, "endpoint", "127.0.0.1:9944", "node RPC endpoint (host:port)")
	flag.IntVar(&cfg.flooders, "flooders", 16, "connections sending huge queries back to back")
	flag.IntVar(&cfg.size, "size", 1_500_000, "length of the huge account address in each flood query, in bytes")
	flag.DurationVar(&cfg.duration, "duration", 20*time.Second, "length of each window (baseline, then flood)")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "how long the prober waits for one ordinary query")
	flag.StringVar(&cfg.account, "account", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "account of the ordinary queries (default //Alice)")
	flag.Parse()
	if err := run(cfg); err != nil {
		log.Fatal(err)
	}
}

// query sends one abci_query as a JSON-RPC POST and reports whether the
// node answered it (with an answer or a query error) and how long it took.
func query(ctx context.Context, hc *http.Client, url, path string) (time.Duration, error) {
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "abci_query", "params": map[string]any{"path": path}})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return time.Since(t0), err
	}
	defer resp.Body.Close()
	var out struct {
		Result *json.RawMessage `json:"result"`
		Error  *json.RawMessage `json:"error"`
	}
	raw, err := io.ReadAll(resp.Body)
	d := time.Since(t0)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return d, fmt.Errorf("answer is not JSON-RPC: %.80s", raw)
	}
	if out.Result == nil {
		return d, fmt.Errorf("RPC error: %.200s", *out.Error)
	}
	return d, nil
}

// window is what one measurement window saw.
type window struct {
	probes    []time.Duration // ordinary queries that answered
	timeouts  int             // ordinary queries that did not answer in time
	failures  int             // ordinary queries that failed otherwise
	flood     atomic.Int64    // huge queries answered
	floodTime atomic.Int64    // their total latency, ns
	floodErrs atomic.Int64    // huge queries that got no answer
}

func run(cfg config) error {
	url := "http://" + cfg.endpoint
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.flooders + 4}}
	ctx := context.Background()
	paths := []string{"/next_nonce/" + cfg.account, "/account/" + cfg.account}
	for _, p := range paths {
		if _, err := query(ctx, hc, url, p); err != nil {
			return fmt.Errorf("the node does not answer %s: %w", p, err)
		}
	}
	huge := "/account/" + strings.Repeat("5", cfg.size)
	fmt.Printf("node %s; ordinary queries %s; flood: %d connections of %d-byte paths; windows of %s\n",
		cfg.endpoint, strings.Join(paths, ", "), cfg.flooders, len(huge), cfg.duration)

	measure := func(flooders int) *window {
		w := &window{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range flooders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					qctx, cancel := context.WithTimeout(ctx, 60*time.Second)
					d, err := query(qctx, hc, url, huge)
					cancel()
					if err != nil && !strings.Contains(err.Error(), "RPC error") {
						w.floodErrs.Add(1)
						continue
					}
					w.flood.Add(1)
					w.floodTime.Add(int64(d))
				}
			}()
		}
		end := time.Now().Add(cfg.duration)
		for i := 0; time.Now().Before(end); i++ {
			qctx, cancel := context.WithTimeout(ctx, cfg.timeout)
			d, err := query(qctx, hc, url, paths[i%len(paths)])
			cancel()
			switch {
			case err == nil:
				w.probes = append(w.probes, d)
			case qctx.Err() != nil:
				w.timeouts++
			default:
				w.failures++
			}
			time.Sleep(10 * time.Millisecond)
		}
		close(stop)
		wg.Wait()
		return w
	}
	base := measure(0)
	report("baseline (no flood)", base)
	flood := measure(cfg.flooders)
	report(fmt.Sprintf("flood (%d connections)", cfg.flooders), flood)
	b, f := pct(base.probes, 0.5), pct(flood.probes, 0.5)
	b99, f99 := pct(base.probes, 0.99), pct(flood.probes, 0.99)
	if b > 0 && f > 0 {
		fmt.Printf("flood/baseline: p50 %.2fx, p99 %.2fx\n", float64(f)/float64(b), float64(f99)/float64(b99))
	}
	return nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1))]
}

func report(label string, w *window) {
	floodAvg := time.Duration(0)
	if n := w.flood.Load(); n > 0 {
		floodAvg = time.Duration(w.floodTime.Load() / n)
	}
	fmt.Printf("%s: ordinary queries answered %d, p50 %s, p99 %s, max %s; not answered within the timeout %d, failed %d; huge queries answered %d (mean %s), unanswered %d\n",
		label, len(w.probes), pct(w.probes, 0.5).Round(10*time.Microsecond), pct(w.probes, 0.99).Round(10*time.Microsecond),
		pct(w.probes, 1).Round(10*time.Microsecond), w.timeouts, w.failures, w.flood.Load(), floodAvg.Round(time.Microsecond), w.floodErrs.Load())
}
