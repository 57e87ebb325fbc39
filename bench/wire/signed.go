package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
	"github.com/go-bittensor/bittensor/signedhttp/epistula"
)

// Signed HTTP (btauth/1, Epistula v2) beside the 6.x axon: `signed-serve`
// runs a server of either kind for hotkey //Bob with the dummy work, and
// `signed-load` drives it with pre-signed requests and reports accepted
// requests per second of the server's CPU time, read from /proc, so that
// figures do not depend on how much of the core the server got.

type dummyIn struct {
	DummyInput int `json:"dummy_input"`
}
type dummyOut struct {
	DummyOutput int `json:"dummy_output"`
}

// signedServe runs a btauth/1 or Epistula guard around POST /dummy (the
// dummy work as JSON), or with -proto axon the axon as `serve` does.
func signedServe(args []string) error {
	fs := flag.NewFlagSet("signed-serve", flag.ExitOnError)
	proto := fs.String("proto", "btauth", "btauth, epistula or axon")
	port := fs.Int("port", 8091, "port")
	maxAge := fs.Duration("max-age", 10*time.Minute, "freshness window (requests are signed before the run starts)")
	_ = fs.Parse(args)
	if *proto == "axon" {
		return serve([]string{"-port", strconv.Itoa(*port)})
	}
	var p signedhttp.Protocol
	switch *proto {
	case "btauth":
		p = btauth.Protocol{}
	case "epistula":
		p = epistula.Protocol{}
	default:
		return fmt.Errorf("unknown protocol %q", *proto)
	}
	g, err := signedhttp.NewGuard(p, mustKey("//Bob").SS58Address(), signedhttp.GuardOptions{
		MaxAge: *maxAge, FailureRate: -1, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /dummy", signedhttp.JSON(func(_ context.Context, _ signedhttp.Caller, in *dummyIn) (*dummyOut, error) {
		return &dummyOut{DummyOutput: 2 * in.DummyInput}, nil
	}))
	srv := &http.Server{Addr: "127.0.0.1:" + strconv.Itoa(*port), Handler: g.Wrap(mux), ReadHeaderTimeout: 5 * time.Second}
	fmt.Println("ready", srv.Addr)
	go func() { _ = srv.ListenAndServe() }()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// cpuSeconds is the user+system CPU time of process pid, from /proc.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	const ticks = 100 // USER_HZ on Linux
	return (utime + stime) / ticks, nil
}

// signedLoad drives a server with closed-loop workers, each sending its
// own pre-signed requests in order, and reports accepted requests per
// wall second and per second of the server's CPU time (-pid).
func signedLoad(args []string) error {
	fs := flag.NewFlagSet("signed-load", flag.ExitOnError)
	proto := fs.String("proto", "btauth", "btauth, epistula or axon")
	url := fs.String("url", "http://127.0.0.1:8091", "server base URL")
	pid := fs.Int("pid", 0, "server process id, for its CPU time")
	conns := fs.Int("c", 32, "concurrent workers (connections)")
	dur := fs.Duration("d", 10*time.Second, "measured duration")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured warm-up before it")
	total := fs.Int("n", 200000, "requests to pre-sign (a worker stops when it runs out)")
	label := fs.String("label", "", "label for the report")
	_ = fs.Parse(args)
	if *pid == 0 {
		return fmt.Errorf("-pid is required")
	}

	alice, bob := mustKey("//Alice"), mustKey("//Bob").SS58Address()
	type req struct {
		h    http.Header
		body []byte
	}
	per := *total / *conns
	reqs := make([][]req, *conns)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var rs signedhttp.RequestSigner // signed HTTP
	var axonSigner signer           // 6.x synapses
	switch *proto {
	case "btauth":
		rs = &btauth.Signer{Key: alice}
	case "epistula":
		rs = &epistula.Signer{Key: alice, NoSecretSignatures: true}
	case "axon":
		s, err := newSigner("sr25519", "//Alice")
		if err != nil {
			return err
		}
		axonSigner = s
	default:
		return fmt.Errorf("unknown protocol %q", *proto)
	}
	path := "/dummy"
	for w := range *conns {
		reqs[w] = make([]req, per)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for i := range per {
				if rs == nil {
					h, b := presigned(axonSigner, bob, i, int64(i+1), "load-"+strconv.Itoa(w))
					hh := http.Header{}
					for k, v := range h {
						hh[k] = []string{v}
					}
					reqs[w][i] = req{hh, b}
					continue
				}
				body := []byte(`{"dummy_input": ` + strconv.Itoa(i) + `}`)
				r, _ := http.NewRequest(http.MethodPost, *url+path, nil)
				if err := rs.SignRequest(r, body, bob); err != nil {
					panic(err)
				}
				r.Header.Set("Content-Type", "application/json")
				reqs[w][i] = req{r.Header, body}
			}
		})
	}
	wg.Wait()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}}
	start := time.Now()
	measureFrom := start.Add(*warmup)
	end := measureFrom.Add(*dur)
	var cpu0, cpu1 float64
	var cpuErr error
	cpuDone := make(chan struct{})
	go func() {
		defer close(cpuDone)
		time.Sleep(time.Until(measureFrom))
		if cpu0, cpuErr = cpuSeconds(*pid); cpuErr != nil {
			return
		}
		time.Sleep(time.Until(end))
		cpu1, cpuErr = cpuSeconds(*pid)
	}()
	oks := make([]int, *conns)
	lats := make([][]time.Duration, *conns)
	others := make([]map[int]int, *conns)
	exhausted := 0
	var mu sync.Mutex
	for w := range *conns {
		others[w] = map[int]int{}
		wg.Go(func() {
			for i, r := range reqs[w] {
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				hr, _ := http.NewRequest(http.MethodPost, *url+path, bytes.NewReader(r.body))
				hr.Header = r.h
				resp, err := client.Do(hr)
				code := -1
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				if t1 := time.Now(); t0.After(measureFrom) && t1.Before(end) {
					if code == http.StatusOK {
						oks[w]++
						lats[w] = append(lats[w], t1.Sub(t0))
					} else {
						others[w][code]++
					}
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
	<-cpuDone
	if cpuErr != nil {
		return cpuErr
	}
	ok, statuses := 0, map[string]int{}
	var all []time.Duration
	for w := range *conns {
		ok += oks[w]
		all = append(all, lats[w]...)
		for k, v := range others[w] {
			statuses[strconv.Itoa(k)] += v
		}
	}
	cpu := cpu1 - cpu0
	sortDurations(all)
	report(map[string]any{
		"p50_ms": ms(percentile(all, 50)), "p99_ms": ms(percentile(all, 99)),
		"bench": "signed-load", "label": *label, "proto": *proto, "conns": *conns, "seconds": dur.Seconds(),
		"ok": ok, "ok_per_s": float64(ok) / dur.Seconds(), "server_cpu_s": cpu, "ok_per_server_cpu_s": float64(ok) / cpu,
		"other_statuses": statuses, "workers_out_of_requests": exhausted,
	})
	if exhausted > 0 {
		return fmt.Errorf("%d workers ran out of pre-signed requests; raise -n", exhausted)
	}
	return nil
}
