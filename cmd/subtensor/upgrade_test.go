package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// node is a `subtensor start` process of the test and its log.
type nodeProc struct {
	cmd *exec.Cmd
	log string
}

// startVersion runs `subtensor args…` as a child process whose chain runs
// at appVersion (0: the binary's newest; 1 stands in for the release
// before neuron-record-v2, 2 for the one before identity-registry).
func startVersion(t *testing.T, appVersion uint64, args ...string) *nodeProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SUBTENSOR_AS_MAIN=1", "SUBTENSOR_APP_VERSION="+strconv.FormatUint(appVersion, 10))
	logf, err := os.CreateTemp(t.TempDir(), "node-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &nodeProc{cmd: cmd, log: logf.Name()}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			t.Logf("log of %v:\n%s", args, lastLines(b, 40))
		}
	})
	return p
}

func lastLines(b []byte, n int) []byte {
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, []byte("\n"))
}

// exited waits for the process to end on its own and returns its log.
func (p *nodeProc) exited(t *testing.T, within time.Duration) (int, string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(within):
		t.Fatalf("node %v did not stop within %s", p.cmd.Args[1:], within)
	}
	b, _ := os.ReadFile(p.log)
	return p.cmd.ProcessState.ExitCode(), string(b)
}

// TestUpgradeFourValidators upgrades a running 4-validator network twice:
// through neuron-record-v2 (a new layout of neuron records) and then
// identity-registry (new calls). The validators start on the release of app
// version 1; the sudo key schedules each upgrade; every validator stops
// after the block before its height (and the old release will not start
// again); the next release takes over there. All four compute the same app
// hash at every height, and the app version in the block headers goes from
// 1 to 2 and from 2 to 3 at the block after each upgrade. The registry's
// set_identity is refused, costing nothing, until identity-registry, and
// works from it on.
func TestUpgradeFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four node processes, three times")
	}
	out := filepath.Join(t.TempDir(), "net")
	p2p, rpc := freePorts(t, 4), freePorts(t, 4)
	cmd := newRootCmdAt(1)
	cmd.SetArgs([]string{"testnet", "--validators", "4", "--output", out, "--chain-id", "upgrade-4",
		"--p2p-port", strconv.Itoa(p2p), "--rpc-port", strconv.Itoa(rpc), "--block-time", "200ms"})
	cmd.SetOut(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	home := func(i int) string { return filepath.Join(out, "node"+strconv.Itoa(i)) }
	addr := func(i int) string { return "127.0.0.1:" + strconv.Itoa(rpc+i) }
	procs := make([]*nodeProc, 4)
	clients := make([]*subtensor.CometBFTClient, 4)
	// startAll starts every validator as the release of appVersion.
	startAll := func(appVersion uint64) {
		for i := range procs {
			procs[i] = startVersion(t, appVersion, "start", "--home", home(i))
		}
		for i := range clients {
			clients[i] = connectWait(t, addr(i))
		}
	}
	startAll(1)
	ctx := context.Background()
	c := clients[0]
	alice := mustKeypair(t, "//Alice")

	// upgrade schedules the upgrade name a few blocks ahead, checks that
	// every validator running the release of app version from stops after
	// the block before it and that the release will not start again, then
	// starts the release of app version to on every validator. It returns
	// the upgrade's height.
	upgrade := func(name string, from, to uint64) uint64 {
		t.Helper()
		cur, _ := c.GetCurrentBlock(ctx)
		H := cur + 8
		res, err := c.ScheduleUpgrade(ctx, alice, name, H, fmt.Sprintf("install release %d", to), subtensor.WaitInclusion)
		if err != nil || res.Err != nil {
			t.Fatalf("schedule upgrade %s: %v %v", name, err, res)
		}
		if res.Height >= H {
			t.Fatalf("the schedule landed at %d, not before the upgrade's height %d", res.Height, H)
		}
		for i, p := range procs {
			code, log := p.exited(t, 60*time.Second)
			if code == 0 || !strings.Contains(log, fmt.Sprintf(`UpgradeNeeded: upgrade %q at height %d is due`, name, H)) ||
				!strings.Contains(log, fmt.Sprintf("stopped after block %d", H-1)) {
				t.Fatalf("node %d: exit %d, log does not say it stopped after block %d for %s:\n%s", i, code, H-1, name, lastLines([]byte(log), 15))
			}
		}
		code, log := startVersion(t, from, "start", "--home", home(0)).exited(t, 30*time.Second)
		if code == 0 || !strings.Contains(log, "UpgradeNeeded") {
			t.Fatalf("the release of app version %d restarted: exit %d\n%s", from, code, lastLines([]byte(log), 15))
		}
		startAll(to)
		c = clients[0]
		for _, cl := range clients {
			waitFor(t, cl, H+1)
		}
		return H
	}

	// A subnet whose neurons serve IPv4 and IPv6 endpoints: records that
	// neuron-record-v2 rewrites.
	netuid, res, err := c.RegisterNetwork(ctx, alice, types.AccountID{}, balance.FromTAO(100), subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("register network: %v %v", err, res)
	}
	hot := []*wallet.Keypair{mustKeypair(t, "//Alice/h1"), mustKeypair(t, "//Alice/h2")}
	for _, h := range hot {
		if _, res, err := c.BurnedRegister(ctx, alice, netuid, types.AccountID(h.PublicKey()), balance.FromTAO(10), subtensor.WaitInclusion); err != nil || res.Err != nil {
			t.Fatalf("register: %v %v", err, res)
		}
	}
	for i, ip := range []string{"203.0.113.5", "2001:db8::7"} {
		if res, err := c.ServeAxon(ctx, hot[i], netuid, subtensor.AxonEndpoint{IP: ip, Port: 8091, Protocol: 4, Version: 650}, subtensor.WaitInclusion); err != nil || res.Err != nil {
			t.Fatalf("serve axon: %v %v", err, res)
		}
	}
	res, err = c.ServePrometheus(ctx, hot[0], netuid, "2001:db8::8", 7091, 1, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("serve prometheus: %v %v", err, res)
	}
	h0 := res.Height
	waitFor(t, c, h0)
	before, err := c.Neurons(ctx, netuid, h0)
	if err != nil {
		t.Fatal(err)
	}

	H := upgrade("neuron-record-v2", 1, 2)
	// The new release goes on writing the new layout.
	res, err = c.ServeAxon(ctx, hot[0], netuid, subtensor.AxonEndpoint{IP: "203.0.113.6", Port: 8093, Protocol: 4, Version: 651}, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("serve axon after the upgrade: %v %v", err, res)
	}

	// Before identity-registry the registry's calls do not exist: refused
	// as unknown, with nothing charged.
	aliceID := types.AccountID(alice.PublicKey())
	ident := types.IdentityInfo{Display: "Alice's subnet", Web: "https://example.org"}
	was, err := c.GetAccount(ctx, aliceID, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SetIdentity(ctx, alice, aliceID, ident, subtensor.WaitInclusion)
	if !errors.Is(err, types.ErrUnknownCall) || !strings.Contains(err.Error(), `upgrade "identity-registry"`) {
		t.Fatalf("set_identity at app version 2: %v, want UnknownCall naming the upgrade", err)
	}
	cur, _ := c.GetCurrentBlock(ctx)
	waitFor(t, c, cur+1)
	if is, err := c.GetAccount(ctx, aliceID, 0); err != nil || is.Free != was.Free || is.Nonce != was.Nonce {
		t.Fatalf("a refused set_identity charged alice: %+v → %+v (%v)", was, is, err)
	}

	H2 := upgrade("identity-registry", 2, 3)
	res, err = c.SetIdentity(ctx, alice, aliceID, ident, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("set_identity after identity-registry: %v %v", err, res)
	}
	setAt := res.Height
	last := setAt + 1
	for _, cl := range clients {
		waitFor(t, cl, last)
	}

	// Every header from every validator: the same app hash at each height,
	// app version 1 up to the first upgrade's block, 2 up to the second's,
	// 3 after it.
	rpcs := make([]*rpchttp.HTTP, 4)
	for i := range rpcs {
		if rpcs[i], err = rpchttp.New("http://"+addr(i), "/websocket"); err != nil {
			t.Fatal(err)
		}
	}
	for h := int64(1); h <= int64(last); h++ {
		var first []byte
		wantApp := uint64(1)
		switch {
		case h > int64(H2):
			wantApp = 3
		case h > int64(H):
			wantApp = 2
		}
		for i, r := range rpcs {
			hdr, err := r.Header(ctx, &h)
			if err != nil {
				t.Fatalf("node %d header %d: %v", i, h, err)
			}
			if hdr.Header.Version.App != wantApp {
				t.Errorf("node %d header %d: app version %d, want %d", i, h, hdr.Header.Version.App, wantApp)
			}
			if i == 0 {
				first = hdr.Header.AppHash
			} else if !bytes.Equal(first, hdr.Header.AppHash) {
				t.Fatalf("height %d: node %d's app hash %X differs from node 0's %X", h, i, hdr.Header.AppHash, first)
			}
		}
	}
	applied := []types.AppliedUpgrade{{Name: "neuron-record-v2", AppVersion: 2, Height: H}, {Name: "identity-registry", AppVersion: 3, Height: H2}}
	for i, cl := range clients {
		info, err := cl.UpgradeInfo(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if info.AppVersion != 3 || info.Plan != nil || len(info.Applied) != 2 || info.Applied[0] != applied[0] || info.Applied[1] != applied[1] {
			t.Errorf("node %d after the upgrades: %+v", i, info)
		}
		// Every validator holds the identity, and none before it was set.
		rec, ok, err := cl.Identity(ctx, aliceID, 0)
		if err != nil || !ok || rec.Info.Display != ident.Display {
			t.Errorf("node %d: alice's identity %+v, %v, %v", i, rec, ok, err)
		}
		if _, ok, err := cl.Identity(ctx, aliceID, setAt-1); err != nil || ok {
			t.Errorf("node %d: an identity at %d, before it was set: %v %v", i, setAt-1, ok, err)
		}
	}
	// The new releases read the state before the first upgrade as the first
	// release answered it, and the endpoints came through.
	again, err := c.Neurons(ctx, netuid, h0)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, before), mustJSON(t, again); !bytes.Equal(a, b) {
		t.Errorf("neurons at %d: the old release answered\n%s\nthe new one\n%s", h0, a, b)
	}
	now, err := c.Neurons(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := now.Neurons[1].Axon; got.IP != "2001:db8::7" || got.Port != 8091 {
		t.Errorf("IPv6 axon after the upgrade: %+v", got)
	}
	if got := now.Neurons[0]; got.Axon.IP != "203.0.113.6" || got.Prometheus.IP != "2001:db8::8" {
		t.Errorf("endpoints served across the upgrade: %+v %+v", got.Axon, got.Prometheus)
	}
}

func mustKeypair(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
