package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptrace"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/synapse"
)

// fanout starts n axons in this process, each on its own loopback port
// with its own hotkey, and times whole dendrite rounds (one query to every
// axon, all answers in) against them, next to rounds to a single axon.
func fanout(args []string) error {
	fs := flag.NewFlagSet("fanout", flag.ExitOnError)
	n := fs.Int("axons", 256, "number of axons")
	rounds := fs.Int("rounds", 200, "measured rounds")
	warm := fs.Int("warmup", 20, "unmeasured rounds first")
	timeout := fs.Duration("timeout", 12*time.Second, "query timeout")
	cold := fs.Bool("cold", false, "drop every idle connection before each round (each round dials afresh)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured 256-axon rounds to this file")
	verbose := fs.Bool("v", false, "print every round: new connections, GC, slowest call")
	_ = fs.Parse(args)
	infos := make([]synapse.AxonInfo, *n)
	var axons []*axon.Axon
	defer func() {
		for _, a := range axons {
			_ = a.Stop(context.Background())
		}
	}()
	for i := range *n {
		a, err := axon.New(mustKey("//Miner"+strconv.Itoa(i)), axon.Options{IP: "127.0.0.1", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		if err := axon.Attach(a, forwardDummy, nil, nil, nil); err != nil {
			return err
		}
		if err := a.Start(); err != nil {
			return err
		}
		axons = append(axons, a)
		infos[i] = a.Info()
		infos[i].IP = "127.0.0.1"
	}
	d, err := dendrite.New(mustKey("//Alice"), dendrite.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	var dials, reused atomic.Int64
	trace := &httptrace.ClientTrace{
		GotConn: func(ci httptrace.GotConnInfo) {
			if ci.Reused {
				reused.Add(1)
			}
		},
		ConnectStart: func(string, string) { dials.Add(1) },
	}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	newDials := 0 // connections dialled in measured rounds
	run := func(targets []synapse.AxonInfo) ([]time.Duration, []time.Duration, int, int) {
		var times, cpus []time.Duration
		ok, calls := 0, 0
		for r := range *warm + *rounds {
			d0, r0 := dials.Load(), reused.Load()
			var ms0 runtime.MemStats
			if *verbose {
				runtime.ReadMemStats(&ms0)
			}
			if *cold {
				d.Close()
			}
			cpu0 := processCPU()
			start := time.Now()
			res := dendrite.Forward(ctx, d, targets, &dummy{DummyInput: r}, *timeout)
			el := time.Since(start)
			cpu := processCPU() - cpu0
			if *verbose {
				var ms1 runtime.MemStats
				runtime.ReadMemStats(&ms1)
				var slowest float64
				for _, x := range res {
					if pt := x.Base().Dendrite.ProcessTime; pt != nil && *pt > slowest {
						slowest = *pt
					}
				}
				fmt.Printf("round %d n=%d %.1fms dials=%d reused=%d gc=%d pause=%v slowest=%.1fms\n", r, len(targets), ms(el), dials.Load()-d0, reused.Load()-r0,
					ms1.NumGC-ms0.NumGC, time.Duration(ms1.PauseTotalNs-ms0.PauseTotalNs), slowest*1000)
			}
			if r < *warm {
				continue
			}
			times = append(times, el)
			cpus = append(cpus, cpu)
			newDials += int(dials.Load() - d0)
			for _, x := range res {
				calls++
				if x.IsSuccess() {
					ok++
				}
			}
		}
		sortDurations(times)
		sortDurations(cpus)
		return times, cpus, ok, calls
	}
	one, _, ok1, c1 := run(infos[:1])
	newDials = 0
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	all, cpus, okN, cN := run(infos)
	pprof.StopCPUProfile()
	report(map[string]any{"bench": "fanout", "axons": 1, "rounds": *rounds,
		"p50_ms": ms(percentile(one, 50)), "p99_ms": ms(percentile(one, 99)), "success": float64(ok1) / float64(c1)})
	report(map[string]any{"bench": "fanout", "axons": *n, "rounds": *rounds,
		"p50_ms": ms(percentile(all, 50)), "p99_ms": ms(percentile(all, 99)), "max_ms": ms(all[len(all)-1]), "success": float64(okN) / float64(cN),
		"p99_over_p50": float64(percentile(all, 99)) / float64(percentile(all, 50)), "new_connections": newDials,
		"cpu_p50_ms": ms(percentile(cpus, 50)), "cpu_p99_ms": ms(percentile(cpus, 99)), "cpu_p99_over_p50": float64(percentile(cpus, 99)) / float64(percentile(cpus, 50))})
	return nil
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
