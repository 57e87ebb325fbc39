// Package substratetest runs a real Substrate chain with Bittensor's runtime
// for tests, as net/http/httptest runs real servers and node/nodetest real
// go-bittensor nodes.
//
// The chain is chopsticks (npm @acala-network/chopsticks, ChopsticksVersion)
// executing the runtime WebAssembly of the chain spec in testdata (Bittensor's
// public raonet spec, runtime spec version 218; see testdata/NOTICE.md), with
// //Alice funded and sudo. It serves Substrate's JSON-RPC over websocket and
// HTTP on a free loopback port, and builds a block for every extrinsic
// (Instant, the default) or only when asked (Manual: NewBlocks).
//
// Starting it takes 10-30 s (chopsticks compiles the runtime), so a test
// package starts one chain, when its first test needs it, and shares it:
//
//	var chain = substratetest.NewShared(substratetest.Options{})
//
//	func TestMain(m *testing.M) { os.Exit(chain.Run(m)) }
//
//	func TestBalance(t *testing.T) {
//		c := chain.Chain(t) // started on first use; skips only when Node.js is absent
//		client, err := rpc.Dial(ctx, c.URL, rpc.Options{})
//		…
//	}
//
// A test that kills, pauses or restarts the chain, or needs Manual blocks,
// starts its own with New(t, opts).
//
// # Node.js and chopsticks
//
// Node.js (node and npm on PATH) is required; without it every test that
// asks for a chain is skipped with ErrNoNode's message, the only skip. The
// chopsticks install lives outside the repository, in Dir() (override with
// $SUBSTRATETEST_CHOPSTICKS_DIR). When it is missing the harness runs npm
// install there (once, under a file lock, so that parallel test packages
// do not race), or fails the test saying how to install it. .ci/run installs
// it before the tests. The same folder holds @polkadot/api, which PolkadotJS
// uses as a second, independent client for cross-checks.
package substratetest

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The chain spec and the storage imported at start-up (see testdata/NOTICE.md).
var (
	//go:embed testdata/subtensor-spec218.json
	chainSpec []byte
	//go:embed testdata/dev-accounts.yml
	devAccounts []byte
)

// BlockMode is how chopsticks builds blocks.
type BlockMode string

const (
	// Instant builds one block for each extrinsic submitted, at once.
	Instant BlockMode = "Instant"
	// Manual builds blocks only when asked (Chain.NewBlocks, dev_newBlock).
	Manual BlockMode = "Manual"
)

// Options configure a chain. The zero value is a chain in Instant mode.
type Options struct {
	// BlockMode is Instant (default) or Manual.
	BlockMode BlockMode
	// StartTimeout bounds start-up, from launching chopsticks to the first
	// answered call (default 3 minutes; it does not include installing
	// chopsticks).
	StartTimeout time.Duration
}

// Chain is a running chopsticks chain. Its methods are safe for concurrent
// use.
type Chain struct {
	// URL is the websocket JSON-RPC endpoint, ws://127.0.0.1:Port.
	URL string
	// HTTPURL is the same RPC over HTTP POST, http://127.0.0.1:Port.
	HTTPURL string
	// Port is the loopback port chopsticks listens on (the one it reported:
	// it moves to another when the one asked for is taken).
	Port int
	// LogPath is the file chopsticks' output goes to.
	LogPath string

	opts Options
	tc   toolchain
	dir  string // temporary folder: spec, storage, config, log

	mu   sync.Mutex
	proc *process // nil after Kill or Stop
}

// process is one chopsticks process and the goroutine copying its output.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	err    error         // its exit status, once exited
}

// portLine is chopsticks' start-up line naming its port, e.g.
// "bittensor RPC listening on http://127.0.0.1:9944 and ws://127.0.0.1:9944".
var portLine = regexp.MustCompile(`RPC listening on http://\S+:(\d+) and ws://`)

// Start installs chopsticks if needed and starts a chain; Stop ends it. The
// error is ErrNoNode when Node.js is absent; otherwise it says what failed
// and quotes chopsticks' log.
func Start(ctx context.Context, opts Options) (*Chain, error) {
	if opts.BlockMode == "" {
		opts.BlockMode = Instant
	}
	if opts.BlockMode != Instant && opts.BlockMode != Manual {
		return nil, fmt.Errorf("substratetest: block mode %q (want Instant or Manual)", opts.BlockMode)
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 3 * time.Minute
	}
	tc, err := ensureInstalled(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "substratetest-")
	if err != nil {
		return nil, fmt.Errorf("substratetest: %w", err)
	}
	c := &Chain{opts: opts, tc: tc, dir: dir, LogPath: filepath.Join(dir, "chopsticks.log")}
	if err := os.WriteFile(filepath.Join(dir, "storage.yml"), devAccounts, 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("substratetest: %w", err)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.launch(ctx, port, false); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// New starts a chain for one test and stops it when the test ends. It skips
// the test when Node.js is absent and fails it when the chain cannot start.
func New(t testing.TB, opts Options) *Chain {
	t.Helper()
	c, err := Start(context.Background(), opts)
	if errors.Is(err, ErrNoNode) {
		t.Skipf("%v: install Node.js 20 to run the tests against a real Substrate chain", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("chopsticks log %s, last lines:\n%s", c.LogPath, c.LogTail(40))
			c.kill()
			return // keep the folder for a look
		}
		c.Stop()
	})
	return c
}

// freePort returns a loopback port nobody listens on at this moment.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("substratetest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launch starts chopsticks asking for port, reads the port it reports and
// waits until RPC answers. samePort refuses another port.
//
// The chain lives in chopsticks' memory. (Its --db and --resume do not bring
// a chain started from a genesis back: at every start chopsticks builds a
// new block 1, which replaces the saved one under the later blocks.)
func (c *Chain) launch(ctx context.Context, port int, samePort bool) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.StartTimeout)
	defer cancel()
	spec, err := withGenesisTimestamp(chainSpec, time.Now())
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.dir, "spec.json"), spec, 0o644); err != nil {
		return fmt.Errorf("substratetest: %w", err)
	}
	cfg := fmt.Sprintf("genesis: %s\nhost: 127.0.0.1\nport: %d\nbuild-block-mode: %s\nimport-storage: %s\n",
		filepath.Join(c.dir, "spec.json"), port, c.opts.BlockMode, filepath.Join(c.dir, "storage.yml"))
	cfgPath := filepath.Join(c.dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return fmt.Errorf("substratetest: %w", err)
	}
	logf, err := os.OpenFile(c.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("substratetest: %w", err)
	}
	fmt.Fprintf(logf, "=== chopsticks %s, asking for port %d\n", ChopsticksVersion, port)

	cmd := exec.Command(c.tc.node, c.tc.chopsticksJS(), "--config", cfgPath)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "HOME="+c.dir) // chopsticks keeps nothing in the user's home
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,            // its own process group: Kill ends every process it started
		Pdeathsig: syscall.SIGKILL, // and it dies with the test binary, even on a crash
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return fmt.Errorf("substratetest: %w", err)
	}
	cmd.Stderr = cmd.Stdout // one stream, in order
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("substratetest: start chopsticks: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	ports := make(chan int, 1)
	go func() {
		copyLog(out, logf, ports)
		p.err = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	c.mu.Lock()
	c.proc = p
	c.mu.Unlock()

	fail := func(format string, args ...any) error {
		c.kill()
		return fmt.Errorf("substratetest: chopsticks: "+format+"; log %s ends:\n%s", append(args, c.LogPath, c.LogTail(30))...)
	}
	var got int
	select {
	case got = <-ports:
	case <-p.exited:
		return fail("exited during start-up (%v)", p.err)
	case <-ctx.Done():
		return fail("no port reported within %s", c.opts.StartTimeout)
	}
	if samePort && got != port {
		return fail("port %d was taken by another process while the chain was down (it moved to %d)", port, got)
	}
	c.Port = got
	c.URL = "ws://127.0.0.1:" + strconv.Itoa(got)
	c.HTTPURL = "http://127.0.0.1:" + strconv.Itoa(got)
	for {
		// Ready when block 1 (which holds the imported storage) is built.
		var head struct {
			Number string `json:"number"`
		}
		err := c.Call(ctx, &head, "chain_getHeader")
		if err == nil {
			if n, perr := strconv.ParseUint(strings.TrimPrefix(head.Number, "0x"), 16, 64); perr == nil && n >= 1 {
				return nil
			}
			err = fmt.Errorf("head is block %s, block 1 not built", head.Number)
		}
		select {
		case <-p.exited:
			return fail("exited during start-up (%v)", p.err)
		case <-ctx.Done():
			return fail("RPC on port %d did not answer within %s (%v)", got, c.opts.StartTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// timestampNowKey is the storage key of Timestamp.Now (the pallet's and the
// item's names, each hashed with twox128).
const timestampNowKey = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb"

// withGenesisTimestamp returns the raw chain spec with Timestamp.Now set to
// now (rounded down to a 12 s slot) in its genesis storage.
//
// Without it chopsticks builds block 1 from two readings of the wall clock,
// one for the Aura slot in the block's digest and one for the timestamp
// inherent; when a 12 s slot boundary passes between them (building takes
// seconds on a busy machine) the runtime panics ("Timestamp slot must match
// CurrentSlot") and the chain never gets past its genesis. With a genesis
// timestamp both come from storage.
func withGenesisTimestamp(spec []byte, now time.Time) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber() // keep every number of the spec exactly
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("substratetest: chain spec: %w", err)
	}
	genesis, _ := m["genesis"].(map[string]any)
	raw, _ := genesis["raw"].(map[string]any)
	top, _ := raw["top"].(map[string]any)
	if top == nil {
		return nil, errors.New("substratetest: chain spec has no genesis.raw.top")
	}
	ms := uint64(now.UnixMilli()) / 12000 * 12000
	var le [8]byte
	binary.LittleEndian.PutUint64(le[:], ms)
	top[timestampNowKey] = "0x" + hex.EncodeToString(le[:])
	return json.Marshal(m)
}

// copyLog copies chopsticks' output to the log file and reports the port of
// its start-up line.
func copyLog(out io.Reader, logf io.Writer, ports chan<- int) {
	r := bufio.NewReader(out)
	reported := false
	for {
		line, err := r.ReadBytes('\n')
		logf.Write(line)
		if !reported {
			if m := portLine.FindSubmatch(line); m != nil {
				if p, err := strconv.Atoi(string(m[1])); err == nil {
					ports <- p
					reported = true
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// Kill ends chopsticks at once (SIGKILL to its process group), as a crash
// would. Restart starts it again.
func (c *Chain) Kill() { c.kill() }

func (c *Chain) kill() {
	c.mu.Lock()
	p := c.proc
	c.proc = nil
	c.mu.Unlock()
	if p == nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// Restart starts chopsticks again after Kill, on the same port, for clients
// to reconnect to. The chain starts afresh from its genesis (and imported
// storage): blocks and state of the killed one are gone, as with a node
// whose database was lost. It fails if another process took the port
// meanwhile.
func (c *Chain) Restart(ctx context.Context) error {
	c.mu.Lock()
	running := c.proc != nil
	c.mu.Unlock()
	if running {
		return errors.New("substratetest: Restart of a running chain (Kill it first)")
	}
	return c.launch(ctx, c.Port, true)
}

// Pause freezes chopsticks (SIGSTOP): its sockets stay open but nothing
// answers, as with a hung node or a dead route. Resume thaws it.
func (c *Chain) Pause() error { return c.signal(syscall.SIGSTOP) }

// Resume thaws a paused chain (SIGCONT).
func (c *Chain) Resume() error { return c.signal(syscall.SIGCONT) }

func (c *Chain) signal(sig syscall.Signal) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return errors.New("substratetest: chain not running")
	}
	if err := syscall.Kill(-c.proc.cmd.Process.Pid, sig); err != nil {
		return fmt.Errorf("substratetest: %v: %w", sig, err)
	}
	return nil
}

// Stop ends chopsticks (its whole process group) and removes its folder,
// log included. It is idempotent.
func (c *Chain) Stop() {
	c.kill()
	os.RemoveAll(c.dir)
}

// LogTail returns the last n lines of chopsticks' log.
func (c *Chain) LogTail(n int) string {
	b, err := os.ReadFile(c.LogPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return tail(string(b), n)
}

// Call makes one JSON-RPC call over HTTP POST and decodes the result into
// result (nil discards it). It is the harness's own way to drive the chain
// (dev_newBlock, dev_setStorage…), independent of package rpc.
func (c *Chain) Call(ctx context.Context, result any, method string, params ...any) error {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return fmt.Errorf("substratetest: %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.HTTPURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("substratetest: %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("substratetest: %s: %w", method, err)
	}
	defer resp.Body.Close()
	var m struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return fmt.Errorf("substratetest: %s: HTTP %d, %w", method, resp.StatusCode, err)
	}
	if m.Error != nil {
		return fmt.Errorf("substratetest: %s: error %d: %s", method, m.Error.Code, m.Error.Message)
	}
	if result == nil {
		return nil
	}
	return json.Unmarshal(m.Result, result)
}

// NewBlocks builds n blocks now (dev_newBlock), with whatever extrinsics are
// pending, and returns the hash of the last.
func (c *Chain) NewBlocks(ctx context.Context, n int) (string, error) {
	var hash string
	err := c.Call(ctx, &hash, "dev_newBlock", map[string]int{"count": n})
	return hash, err
}

// Fund sets the free balance of the account with SS58 address addr to rao
// (dev_setStorage on System.Account). The head block's state is changed in
// place; no block is built.
func (c *Chain) Fund(ctx context.Context, addr string, rao uint64) error {
	storage := map[string]any{"System": map[string]any{"Account": []any{
		[]any{[]any{addr}, map[string]any{"providers": 1, "data": map[string]any{"free": strconv.FormatUint(rao, 10)}}},
	}}}
	return c.Call(ctx, nil, "dev_setStorage", storage)
}
