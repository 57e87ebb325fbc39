package localnet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/cli"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
)

// TestMain lets the test binary stand in for btcli: `localnet up` starts
// its neurons by re-executing its own program, which here is the test
// binary, so with BTCLI_AS_MAIN=1 (set below for every child) it runs btcli
// instead of the tests. The chain runs as the subtensor program, which
// TestMain builds from this checkout and puts first on PATH, as `go
// install ./cmd/...` would.
func TestMain(m *testing.M) {
	if os.Getenv("BTCLI_AS_MAIN") == "1" {
		os.Exit(cli.Main(context.Background(), cmdutil.NewFactory("test"), os.Args[1:]))
	}
	os.Setenv("BTCLI_AS_MAIN", "1")
	bin, err := os.MkdirTemp("", "localnet-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "subtensor"), "github.com/go-bittensor/bittensor/cmd/subtensor")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the subtensor program for the localnet tests:", err)
		os.RemoveAll(bin)
		os.Exit(1)
	}
	os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	code := m.Run()
	os.RemoveAll(bin)
	os.Exit(code)
}

// btcli runs btcli in this process with args and returns its exit code and
// output.
func btcli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, AppVersion: "test", Getenv: func(string) string { return "" }}
	code := cli.Main(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

// network is a localnet home and RPC address for one test; it is stopped
// when the test ends.
type network struct {
	home, rpc string
}

func newNetwork(t *testing.T) *network {
	t.Helper()
	rpc, err := node.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	n := &network{home: filepath.Join(t.TempDir(), "ln"), rpc: rpc}
	t.Cleanup(func() {
		btcli(t, "localnet", "down", "--home", n.home)
		if t.Failed() {
			logs, _ := filepath.Glob(filepath.Join(n.home, "logs", "*.log"))
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				if len(b) > 4000 {
					b = b[len(b)-4000:]
				}
				t.Logf("%s:\n%s", filepath.Base(l), b)
			}
		}
	})
	return n
}

// up runs `localnet up --detach` with the network's home and RPC.
func (n *network) up(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return btcli(t, append([]string{"localnet", "up", "--detach", "--home", n.home, "--rpc", n.rpc, "--block_time", "100ms"}, args...)...)
}

// status is `localnet status --json`.
type status struct {
	Block     uint64 `json:"block"`
	Netuid    uint16 `json:"netuid"`
	Protocol  string `json:"protocol"`
	Chain     bool   `json:"chain_reachable"`
	Processes []struct {
		Name    string `json:"name"`
		PID     int    `json:"pid"`
		Running bool   `json:"running"`
	} `json:"processes"`
	Neurons []struct {
		UID       uint16  `json:"uid"`
		Name      string  `json:"name"`
		Role      string  `json:"role"`
		Wrong     bool    `json:"wrong"`
		Hotkey    string  `json:"hotkey"`
		Stake     float64 `json:"stake_tao"`
		Incentive float64 `json:"incentive"`
		Dividends float64 `json:"dividends"`
		VPermit   bool    `json:"validator_permit"`
		Axon      string  `json:"axon"`
		// LastUpdate is the block of the neuron's last weights.
		LastUpdate uint64 `json:"last_update"`
	} `json:"neurons"`
}

func (n *network) status(t *testing.T) status {
	t.Helper()
	code, out, errOut := btcli(t, "localnet", "status", "--json", "--home", n.home)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	var s status
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	return s
}

func (s status) running() map[string]bool {
	out := map[string]bool{}
	for _, p := range s.Processes {
		out[p.Name] = p.Running
	}
	return out
}

// TestUpTwiceAndResume: a running network is not touched by a second up;
// down stops it; up resumes it with the same keys and chain; --reset makes
// a new one; a directory that is not a localnet is never taken over.
func TestUpTwiceAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a local network")
	}
	n := newNetwork(t)
	if code, _, errOut := n.up(t, "--miners", "2"); code != 0 {
		t.Fatalf("up: exit %d: %s", code, errOut)
	}
	s := n.status(t)
	if !s.Chain || len(s.Neurons) != 3 {
		t.Fatalf("status after up: %+v", s)
	}
	for name, ok := range s.running() {
		if !ok {
			t.Errorf("%s is not running", name)
		}
	}
	hotkeys := map[string]string{}
	for _, nr := range s.Neurons {
		hotkeys[nr.Name] = nr.Hotkey
		if nr.Role == "miner" && !strings.HasPrefix(nr.Axon, "127.0.0.2:") {
			t.Errorf("%s serves %q, want 127.0.0.2:<port>", nr.Name, nr.Axon)
		}
		if nr.Role == "validator" && nr.Stake < 1000 {
			t.Errorf("%s has stake %v, want 1000", nr.Name, nr.Stake)
		}
	}
	if s.Neurons[0].Name != "validator1" || s.Neurons[2].Name != "miner2" || !s.Neurons[2].Wrong || s.Neurons[1].Wrong {
		t.Errorf("uids: %+v; want validator1, miner1, miner2 (wrong)", s.Neurons)
	}

	code, _, errOut := n.up(t)
	if code != 1 || !strings.Contains(errOut, "already running") || !strings.Contains(errOut, "--reset") {
		t.Errorf("second up: exit %d: %s", code, errOut)
	}
	if s2 := n.status(t); len(s2.Neurons) != 3 || s2.Neurons[0].Hotkey != hotkeys["validator1"] {
		t.Errorf("second up changed the network: %+v", s2)
	}

	if code, _, errOut := btcli(t, "localnet", "down", "--home", n.home); code != 0 {
		t.Fatalf("down: exit %d: %s", code, errOut)
	}
	stopped := n.status(t)
	for name, ok := range stopped.running() {
		if ok {
			t.Errorf("%s still running after down", name)
		}
	}

	code, _, errOut = n.up(t, "--miners", "5", "--subnet", "text")
	if code != 1 || !strings.Contains(errOut, "--subnet text, --miners 5") || !strings.Contains(errOut, "--reset --subnet text --miners 5") {
		t.Fatalf("up after down with other options: exit %d: %s", code, errOut)
	}
	code, _, errOut = n.up(t, "--miners", "2", "--subnet", "tensor")
	if code != 0 || !strings.Contains(errOut, "resuming a tensor subnet with 1 validator and 2 miners (1 answering wrongly)") {
		t.Fatalf("up after down: exit %d: %s", code, errOut)
	}
	// The resumed chain starts from its stored height (never below it) and
	// goes on producing blocks; right after up it may not have made one yet.
	s3 := n.status(t)
	if s3.Block < s.Block || len(s3.Neurons) != 3 {
		t.Errorf("resumed at block %d with %d neurons; was at %d with 3", s3.Block, len(s3.Neurons), s.Block)
	}
	for deadline := time.Now().Add(30 * time.Second); s3.Block <= s.Block; s3 = n.status(t) {
		if time.Now().After(deadline) {
			t.Fatalf("resumed chain stayed at block %d (was at %d before down)", s3.Block, s.Block)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, nr := range s3.Neurons {
		if hotkeys[nr.Name] != nr.Hotkey {
			t.Errorf("%s has a new hotkey after resuming", nr.Name)
		}
	}

	if code, _, errOut := n.up(t, "--reset", "--miners", "1"); code != 0 {
		t.Fatalf("up --reset: exit %d: %s", code, errOut)
	}
	s4 := n.status(t)
	if len(s4.Neurons) != 2 || s4.Neurons[0].Hotkey == hotkeys["validator1"] || s4.Neurons[1].Wrong {
		t.Errorf("after --reset with one miner: %+v", s4.Neurons)
	}

	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "precious.txt"), []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"--reset"}} {
		code, _, errOut := btcli(t, append([]string{"localnet", "up", "--detach", "--home", other, "--rpc", n.rpc}, args...)...)
		if code != 1 || !strings.Contains(errOut, "no local network") && !strings.Contains(errOut, "holds no local network") {
			t.Errorf("up %v in a foreign directory: exit %d: %s", args, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(other, "precious.txt")); err != nil {
		t.Errorf("a foreign directory was touched: %v", err)
	}
}

// TestUpFlags checks up's flag validation.
func TestUpFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--subnet", "vision"}, `--subnet "vision"`},
		{[]string{"--validators", "0"}, "at least one validator"},
		{[]string{"--miners", "0"}, "at least one miner"},
		{[]string{"--miners", "300"}, "at most 256"},
		{[]string{"--wrong", "4"}, "--wrong 4"},
		{[]string{"--tempo", "0"}, "--tempo"},
		{[]string{"--rpc", "nowhere"}, "--rpc"},
		{[]string{"--protocol", "grpc"}, `--protocol "grpc": the tensor subnet speaks synapse, btauth, epistula`},
		{[]string{"--subnet", "text", "--protocol", "btauth"}, "the text subnet speaks synapse"},
		{[]string{"extra"}, "takes no arguments"},
	}
	for _, tc := range tests {
		code, _, errOut := btcli(t, append([]string{"localnet", "up", "--home", t.TempDir()}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("up %v: exit %d, %q; want exit 2 naming %q", tc.args, code, errOut, tc.want)
		}
	}
	if code, _, errOut := btcli(t, "localnet", "status", "--home", t.TempDir()); code != 1 || !strings.Contains(errOut, "localnet up") {
		t.Errorf("status of nothing: exit %d: %s", code, errOut)
	}
}

// TestUpWithoutSubtensor: with no subtensor program next to btcli or on
// PATH, up says how to install it and makes nothing.
func TestUpWithoutSubtensor(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	home := filepath.Join(t.TempDir(), "ln")
	code, _, errOut := btcli(t, "localnet", "up", "--detach", "--home", home)
	if code == 0 || !strings.Contains(errOut, "subtensor program") || !strings.Contains(errOut, "go install ./cmd/...") {
		t.Fatalf("exit %d: %s; want a failure naming the subtensor program and go install ./cmd/...", code, errOut)
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Errorf("up made %s without a chain to run: %v", home, err)
	}
}

// TestUpForeground: without --detach, up shows the metagraph until its
// context ends (Ctrl-C), then stops every process and keeps the network.
// It runs the text subnet (the other tests run the tensor one).
func TestUpForeground(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a local network")
	}
	n := newNetwork(t)
	ios, _, out, errOut := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, AppVersion: "test", Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, f, []string{"localnet", "up", "--home", n.home, "--rpc", n.rpc, "--block_time", "100ms", "--tempo", "4", "--miners", "1", "--subnet", "text"})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(n.home, "localnet.json")); err == nil {
			if s := n.status(t); len(s.Neurons) == 2 && s.Neurons[1].Axon != "" && s.running()["miner1"] {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("network not up: %s", errOut)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a few epochs of views
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("up: exit %d: %s", code, errOut)
	}
	for name, ok := range n.status(t).running() {
		if ok {
			t.Errorf("%s still running after up ended", name)
		}
	}
	if !strings.Contains(out.String(), "text subnet, netuid 1") || !strings.Contains(out.String(), "UID\tNAME\tSTAKE(τ)") || !strings.Contains(out.String(), "validator1\t10") {
		t.Errorf("no metagraph view in the output:\n%s", out)
	}
	if !strings.Contains(errOut.String(), "stopped; the network is kept") {
		t.Errorf("stderr: %s", errOut)
	}
}

// TestEndToEnd is the whole loop on a local network of real processes:
// after a few epochs the honest miners hold nearly all incentive and the
// validator earns dividends, as the metagraph says; a miner killed then
// loses its weight and its incentive to the honest miner left.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a local network for several epochs")
	}
	n := newNetwork(t)
	if code, _, errOut := n.up(t, "--validators", "1", "--miners", "3", "--wrong", "1", "--tempo", "6"); code != 0 {
		t.Fatalf("up: exit %d: %s", code, errOut)
	}
	c, err := subtensor.ConnectCometBFT(context.Background(), n.rpc, subtensor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := n.status(t).Block
	// uids: 0 validator1, 1 miner1, 2 miner2, 3 miner3 (wrong).
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := n.status(t)
		honest := s.Neurons[1].Incentive + s.Neurons[2].Incentive
		if honest >= 0.9 && s.Neurons[0].Dividends > 0 && s.Neurons[1].Incentive > 0.3 && s.Neurons[2].Incentive > 0.3 {
			t.Logf("block %d: honest incentive %.3f (%.3f + %.3f), wrong miner %.3f, validator dividends %.3f",
				s.Block, honest, s.Neurons[1].Incentive, s.Neurons[2].Incentive, s.Neurons[3].Incentive, s.Neurons[0].Dividends)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d blocks: %+v", s.Block-start, s.Neurons)
		}
		time.Sleep(250 * time.Millisecond)
	}

	pid := readPid(t, n.home, "miner1")
	if err := killProcess(pid); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		nr, err := c.Neuron(context.Background(), n.status(t).Netuid, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		w := map[uint16]uint16{}
		for _, p := range nr.Weights {
			w[p[0]] = p[1]
		}
		s := n.status(t)
		if w[1] < w[2]/4 && s.Neurons[2].Incentive > 0.8 {
			t.Logf("block %d: killed miner's weight %d vs %d, incentive %.3f vs %.3f", s.Block, w[1], w[2], s.Neurons[1].Incentive, s.Neurons[2].Incentive)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed miner kept its place: weights %v, neurons %+v", w, s.Neurons)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if s := n.status(t); s.running()["miner1"] || !s.running()["validator1"] {
		t.Errorf("processes after the kill: %v", s.running())
	}

	// Stop and resume the network: the validator goes on from its scores
	// (miner1 low, miner2 high) instead of starting again from zero, so the
	// first weights it sets after the restart still rank miner1 far below.
	before := n.status(t)
	if code, _, errOut := btcli(t, "localnet", "down", "--home", n.home); code != 0 {
		t.Fatalf("down: %s", errOut)
	}
	if code, _, errOut := n.up(t); code != 0 {
		t.Fatalf("up (resume): exit %d: %s", code, errOut)
	}
	ctx := context.Background()
	restart, netuid := resumedAt(t, n.rpc, before.Block), before.Netuid
	deadline = time.Now().Add(30 * time.Second)
	for h := restart; ; {
		head, err := c.GetCurrentBlock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h > head {
			if time.Now().After(deadline) {
				t.Fatalf("the validator set no weights after its restart at block %d", restart)
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		nr, err := c.Neuron(ctx, netuid, 0, h)
		if err != nil {
			t.Fatal(err)
		}
		if nr.LastUpdate < restart {
			h++
			continue
		}
		w := map[uint16]uint16{}
		for _, p := range nr.Weights {
			w[p[0]] = p[1]
		}
		t.Logf("first weights after the restart, block %d: %v", h, w)
		if w[1] >= w[2]/2 {
			t.Errorf("the restarted validator weighs miner1 %d against miner2's %d: it forgot its scores", w[1], w[2])
		}
		break
	}
}

// TestEndToEndBtauth runs the tensor subnet with btauth/1 signed HTTP
// instead of synapses (`localnet up --protocol btauth`): the validator,
// which serves nothing, finds the miners' endpoints in the metagraph and
// pays the honest miner, as Yuma's incentive shows; resumed, the network
// keeps its protocol and the validator sets weights again.
func TestEndToEndBtauth(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a local network for several epochs")
	}
	n := newNetwork(t)
	if code, _, errOut := n.up(t, "--protocol", "btauth", "--miners", "2", "--wrong", "1", "--tempo", "4"); code != 0 {
		t.Fatalf("up: exit %d: %s", code, errOut)
	}
	// uids: 0 validator1, 1 miner1, 2 miner2 (wrong).
	waitIncentive := func(what string, weightsAfter uint64) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			s := n.status(t)
			if s.Protocol != "btauth" {
				t.Fatalf("status says protocol %q", s.Protocol)
			}
			if len(s.Neurons) == 3 && s.Neurons[1].Incentive >= 0.9 && s.Neurons[0].Dividends > 0 && s.Neurons[0].LastUpdate > weightsAfter {
				t.Logf("%s: block %d: honest incentive %.3f, wrong miner %.3f, validator dividends %.3f",
					what, s.Block, s.Neurons[1].Incentive, s.Neurons[2].Incentive, s.Neurons[0].Dividends)
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %+v", what, s.Neurons)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	waitIncentive("started", 0)

	if code, _, errOut := btcli(t, "localnet", "down", "--home", n.home); code != 0 {
		t.Fatalf("down: %s", errOut)
	}
	if code, _, errOut := n.up(t); code != 0 {
		t.Fatalf("up (resume): exit %d: %s", code, errOut)
	}
	waitIncentive("resumed", n.status(t).Block)
	logs, err := os.ReadFile(filepath.Join(n.home, "logs", "miner1.log"))
	if err != nil || strings.Count(string(logs), "protocol=btauth") != 2 {
		t.Fatalf("miner1 did not run btauth twice (%v):\n%s", err, logs)
	}
}

// resumedAt returns the first block the chain made after it was stopped
// and started again (after block from): the block after the longest pause
// between two consecutive blocks, read from CometBFT's block headers.
func resumedAt(t *testing.T, rpc string, from uint64) uint64 {
	t.Helper()
	blockTime := func(h uint64) time.Time {
		resp, err := http.Get("http://" + rpc + "/block?height=" + strconv.FormatUint(h, 10))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b struct {
			Result struct {
				Block struct {
					Header struct {
						Time time.Time `json:"time"`
					} `json:"header"`
				} `json:"block"`
			} `json:"result"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Result.Block.Header.Time
	}
	best, gap := from+1, time.Duration(0)
	prev := blockTime(from)
	for h := from + 1; h <= from+60; h++ {
		cur := blockTime(h)
		if cur.IsZero() {
			break
		}
		if d := cur.Sub(prev); d > gap {
			best, gap = h, d
		}
		prev = cur
	}
	return best
}

func readPid(t *testing.T, home, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(home, "run", name+".pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func killProcess(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
