// Command txload measures a subtensor network's sustained throughput of
// signed transfers and their submit-to-commit latency.
//
// It funds --accounts fresh accounts from a dev account, then has each send
// transfers to the others as fast as the node accepts them (each with its
// own nonce sequence, signed locally, broadcast over one pooled HTTP
// client), and watches committed blocks to count transactions and time
// them. Results cover only the measurement window after a warm-up.
//
// With --baseline-kvstore it instead starts an in-process CometBFT node
// running CometBFT's example key-value application (no signatures, no
// state rules) with the same consensus and mempool settings and loads it
// the same way: the engine's own ceiling on this machine, for comparison.
//
//	go run ./bench/txload --endpoint 127.0.0.1:9944 --duration 30s
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

type config struct {
	endpoints []string
	accounts  int
	duration  time.Duration
	warmup    time.Duration
	funder    string
	pid       int   // the node whose memory is reported
	pids      []int // the nodes whose CPU time is counted (pid, then --cpu-pids)
	baseline  bool
	blockTime time.Duration
	rate      float64
}

func main() {
	var cfg config
	var eps string
	flag.StringVar(&eps, "endpoint", "127.0.0.1:9944", "node RPC endpoint(s), comma-separated; senders are spread over them")
	flag.IntVar(&cfg.accounts, "accounts", 64, "number of sending accounts (concurrent senders)")
	flag.DurationVar(&cfg.duration, "duration", 30*time.Second, "measurement window")
	flag.DurationVar(&cfg.warmup, "warmup", 5*time.Second, "load before measuring")
	flag.StringVar(&cfg.funder, "funder", "//Alice", "dev account URI that funds the senders")
	flag.IntVar(&cfg.pid, "pid", 0, "node process id, to report its memory (VmRSS, VmHWM) and CPU time")
	var cpuPids string
	flag.StringVar(&cpuPids, "cpu-pids", "", "more node process ids, comma-separated, whose CPU time counts with --pid's (the other validators)")
	flag.BoolVar(&cfg.baseline, "baseline-kvstore", false, "measure CometBFT's example kvstore app in-process instead")
	flag.DurationVar(&cfg.blockTime, "block-time", 250*time.Millisecond, "block interval of the --baseline-kvstore node")
	flag.Float64Var(&cfg.rate, "rate", 0, "total offered load in tx/s (0 = as fast as the node accepts)")
	flag.Parse()
	cfg.endpoints = strings.Split(eps, ",")
	if cfg.pid != 0 {
		cfg.pids = append(cfg.pids, cfg.pid)
	}
	for _, f := range strings.FieldsFunc(cpuPids, func(r rune) bool { return r == ',' }) {
		p, err := strconv.Atoi(f)
		if err != nil {
			log.Fatalf("--cpu-pids: %q is not a process id", f)
		}
		cfg.pids = append(cfg.pids, p)
	}
	var err error
	if cfg.baseline {
		err = runBaseline(cfg)
	} else {
		err = runSubtensor(cfg)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// stats collects send times and block-inclusion latencies.
type stats struct {
	mu        sync.Mutex
	sent      map[string]time.Time // tx hash → send time
	latencies []time.Duration
	committed int
	rejected  atomic.Int64
	accepted  atomic.Int64
	measuring atomic.Bool
	heights   []int64 // blocks counted in the window, for failures
	// failed, if set, counts the failed transactions in the window's
	// blocks; it runs after the window, before the report.
	failed func(heights []int64) int
}

func newStats() *stats { return &stats{sent: make(map[string]time.Time)} }

func (s *stats) onSent(hash string) {
	s.accepted.Add(1)
	s.mu.Lock()
	s.sent[hash] = time.Now()
	s.mu.Unlock()
}

func (s *stats) onBlock(height int64, hashes []string, seen time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.measuring.Load() && len(hashes) > 0 {
		s.heights = append(s.heights, height)
	}
	for _, h := range hashes {
		t0, ok := s.sent[h]
		delete(s.sent, h)
		if !s.measuring.Load() {
			continue
		}
		s.committed++
		if ok {
			s.latencies = append(s.latencies, seen.Sub(t0))
		}
	}
}

// measure lets the load warm up, counts commits over the window, then stops
// the senders and prints the figures.
func (s *stats) measure(cfg config, stop context.CancelFunc, senders *sync.WaitGroup, label string) {
	time.Sleep(cfg.warmup)
	cpu0 := nodesCPU(cfg.pids)
	self0, _ := cpuSeconds(os.Getpid())
	s.measuring.Store(true)
	t0 := time.Now()
	time.Sleep(cfg.duration)
	s.measuring.Store(false)
	window := time.Since(t0)
	cpu1 := nodesCPU(cfg.pids)
	self1, _ := cpuSeconds(os.Getpid())
	stop()
	senders.Wait()
	if s.failed != nil {
		s.mu.Lock()
		heights := slices.Clone(s.heights)
		s.mu.Unlock()
		n := s.failed(heights)
		s.mu.Lock()
		s.committed -= n
		s.mu.Unlock()
		fmt.Printf("failed transactions in the window's blocks (not counted): %d\n", n)
	}
	s.report(window, label)
	s.mu.Lock()
	defer s.mu.Unlock()
	self := self1 - self0 // the load generator, and the in-process node of the baseline
	if cfg.pid == 0 {
		fmt.Printf("CPU in the window: %.2f s (node and load generator, one process): %.0f committed tx per CPU-second\n", self, float64(s.committed)/self)
		return
	}
	node := cpu1 - cpu0
	fmt.Printf("CPU in the window: %d node(s) %.2f s, load generator %.2f s: %.0f committed tx per node CPU-second, %.0f per CPU-second of both\n",
		len(cfg.pids), node, self, float64(s.committed)/node, float64(s.committed)/(node+self))
}

// nodesCPU is the CPU time of the given processes together.
func nodesCPU(pids []int) float64 {
	total := 0.0
	for _, p := range pids {
		c, err := cpuSeconds(p)
		if err != nil {
			log.Fatalf("CPU time of node %d: %v", p, err)
		}
		total += c
	}
	return total
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

func (s *stats) report(window time.Duration, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
	pct := func(p float64) time.Duration {
		if len(s.latencies) == 0 {
			return 0
		}
		return s.latencies[int(p*float64(len(s.latencies)-1))]
	}
	fmt.Printf("%s: %d txs committed in %s = %.0f tx/s; submit-to-commit p50 %s p99 %s (n=%d); mempool rejections %d\n",
		label, s.committed, window, float64(s.committed)/window.Seconds(),
		pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), len(s.latencies), s.rejected.Load())
}

func runSubtensor(cfg config) error {
	ctx := context.Background()
	clients := make([]*subtensor.CometBFTClient, len(cfg.endpoints))
	for i, ep := range cfg.endpoints {
		c, err := subtensor.ConnectCometBFT(ctx, ep, subtensor.Options{PollInterval: 10 * time.Millisecond})
		if err != nil {
			return err
		}
		clients[i] = c
	}
	c := clients[0]
	params, err := c.Params(ctx)
	if err != nil {
		return err
	}
	funder, err := wallet.KeypairFromURI(cfg.funder)
	if err != nil {
		return err
	}
	keys := make([]*wallet.Keypair, cfg.accounts)
	ids := make([]types.AccountID, cfg.accounts)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i := range keys {
		keys[i], _ = wallet.KeypairFromURI(fmt.Sprintf("//txload/%s/%d", run, i))
		ids[i] = types.AccountID(keys[i].PublicKey())
	}
	// Fund the senders: plenty for fees and transfers.
	var last *subtensor.TxResult
	for i := range keys {
		last, err = c.Transfer(ctx, funder, ids[i], balance.FromTAO(20), false, subtensor.WaitNone)
		if err != nil {
			return fmt.Errorf("fund sender %d: %w", i, err)
		}
	}
	if _, err := c.WaitTx(ctx, last); err != nil {
		return err
	}
	fmt.Printf("funded %d senders from %s; chain %s at %s\n", cfg.accounts, cfg.funder, c.ChainID(), strings.Join(cfg.endpoints, ","))

	st := newStats()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sendLoop(ctx, clients[i%len(clients)], params, keys[i], ids, i, st, pace(cfg))
		}()
	}
	start, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return err
	}
	rpc, err := rpchttp.New("http://"+cfg.endpoints[0], "/websocket")
	if err != nil {
		return err
	}
	st.failed = func(heights []int64) int { return countFailed(rpc, heights) }
	go watchBlocks(ctx, rpc, int64(start)+1, st)
	st.measure(cfg, cancel, &wg, "subtensor transfers")
	if cfg.pid != 0 {
		fmt.Println(memory(cfg.pid))
	}
	return nil
}

// sendLoop sends transfers from one account with consecutive nonces.
func sendLoop(ctx context.Context, c *subtensor.CometBFTClient, p types.Params, k *wallet.Keypair, ids []types.AccountID, me int, st *stats, gap time.Duration) {
	var ni types.NonceInfo
	if err := c.Query(ctx, types.QueryNextNonce+"/"+ids[me].String(), nil, 0, &ni); err != nil {
		return
	}
	nonce := ni.NextNonce
	next := time.Now()
	for n := 1; ctx.Err() == nil; n++ {
		if gap > 0 {
			next = next.Add(gap)
			time.Sleep(time.Until(next))
		}
		dest := ids[(me+n)%len(ids)]
		if dest == ids[me] {
			continue
		}
		tx, _ := types.NewTx(c.ChainID(), ids[me], nonce, 0, &types.Transfer{Dest: dest, Value: 1_000_000})
		if err := p.SetFee(tx); err != nil {
			return
		}
		if err := tx.Sign(k); err != nil {
			return
		}
		raw, _ := tx.Encode()
		res, err := c.Broadcast(ctx, raw)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			st.rejected.Add(1)
			// Mempool full or a nonce gap: resynchronise and slow down a little.
			time.Sleep(20 * time.Millisecond)
			if err := c.Query(ctx, types.QueryNextNonce+"/"+ids[me].String(), nil, 0, &ni); err == nil {
				nonce = ni.NextNonce
			}
			continue
		}
		st.onSent(res.Hash)
		nonce++
	}
}

// pace is the pause between one sender's transactions for the offered
// rate (0 = none).
func pace(cfg config) time.Duration {
	if cfg.rate <= 0 {
		return 0
	}
	return time.Duration(float64(cfg.accounts) / cfg.rate * float64(time.Second))
}

// watchBlocks reads every new block and reports its transactions. It reads
// only the blocks (/block), as the kvstore baseline's watcher does, so that
// both nodes serve the same work to the load tool; whether the transactions
// succeeded is read once the window is over (countFailed).
func watchBlocks(ctx context.Context, rpc *rpchttp.HTTP, next int64, st *stats) {
	for ctx.Err() == nil {
		b, err := rpc.Block(ctx, &next)
		if err != nil {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		seen := time.Now()
		hashes := make([]string, len(b.Block.Txs))
		for i, raw := range b.Block.Txs {
			hashes[i] = types.TxHashHex(raw)
		}
		st.onBlock(next, hashes, seen)
		next++
	}
}

// countFailed counts the transactions that failed in the given blocks.
func countFailed(rpc *rpchttp.HTTP, heights []int64) int {
	n := 0
	for _, h := range heights {
		r, err := rpc.BlockResults(context.Background(), &h)
		if err != nil {
			log.Fatalf("block %d results: %v", h, err)
		}
		for _, res := range r.TxsResults {
			if res.Code != 0 {
				n++
			}
		}
	}
	return n
}

// memory reports a process's resident memory from /proc.
func memory(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "memory: " + err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "VmHWM") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return "node memory: " + strings.Join(out, ", ")
}
