package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestFourValidatorNetwork creates a network with `subtensor testnet`, runs
// each validator as its own `subtensor start` process, and checks that
// transfers land, that the chain goes on with one validator stopped, and
// that the stopped validator, restarted, catches up to the same app hashes.
func TestFourValidatorNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four node processes")
	}
	out := filepath.Join(t.TempDir(), "net")
	p2p, rpc := freePorts(t, 4), freePorts(t, 4)
	cmd := newRootCmd()
	cmd.SetArgs([]string{"testnet", "--validators", "4", "--output", out, "--chain-id", "testnet-4",
		"--p2p-port", strconv.Itoa(p2p), "--rpc-port", strconv.Itoa(rpc), "--block-time", "200ms"})
	cmd.SetOut(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	procs := make([]*exec.Cmd, 4)
	clients := make([]*subtensor.CometBFTClient, 4)
	for i := range procs {
		procs[i] = startProcess(t, "start", "--home", filepath.Join(out, "node"+strconv.Itoa(i)))
	}
	for i := range clients {
		clients[i] = connectWait(t, "127.0.0.1:"+strconv.Itoa(rpc+i))
	}
	ctx := context.Background()
	alice, _ := wallet.KeypairFromURI("//Alice")
	bobKey, _ := wallet.KeypairFromURI("//Bob")
	bob := types.AccountID(bobKey.PublicKey())

	res, err := clients[1].Transfer(ctx, alice, bob, balance.FromTAO(1), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer: %v %v", err, res)
	}
	for i, c := range clients {
		waitFor(t, c, res.Height)
		if b, _ := c.GetBalance(ctx, bob, res.Height); b != node.DevAccountBalance+balance.FromTAO(1) {
			t.Errorf("node %d: bob has %s at %d", i, b, res.Height)
		}
	}

	// Stop node 3 (SIGTERM): three of four validators still make blocks.
	procs[3].Process.Signal(syscall.SIGTERM)
	if err := procs[3].Wait(); err != nil {
		t.Fatalf("node 3 did not stop cleanly: %v", err)
	}
	h0, _ := clients[0].GetCurrentBlock(ctx)
	waitFor(t, clients[0], h0+4)
	res, err = clients[0].Transfer(ctx, alice, bob, balance.FromTAO(1), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer with a validator down: %v %v", err, res)
	}

	// Restart node 3: it catches up, with the same app hash at every height.
	startProcess(t, "start", "--home", filepath.Join(out, "node3"))
	c3 := connectWait(t, "127.0.0.1:"+strconv.Itoa(rpc+3))
	target, _ := clients[0].GetCurrentBlock(ctx)
	waitFor(t, c3, target+1)
	r0, _ := rpchttp.New("http://127.0.0.1:"+strconv.Itoa(rpc), "/websocket")
	r3, _ := rpchttp.New("http://127.0.0.1:"+strconv.Itoa(rpc+3), "/websocket")
	for h := int64(1); h <= int64(target)+1; h++ {
		a, err0 := r0.Header(ctx, &h)
		b, err3 := r3.Header(ctx, &h)
		if err0 != nil || err3 != nil || !bytes.Equal(a.Header.AppHash, b.Header.AppHash) {
			t.Fatalf("height %d: app hashes differ or missing (%v, %v)", h, err0, err3)
		}
	}
	if b, _ := c3.GetBalance(ctx, bob, 0); b != node.DevAccountBalance+balance.FromTAO(2) {
		t.Errorf("node 3 after catch-up: bob has %s", b)
	}
}

func waitFor(t *testing.T, c *subtensor.CometBFTClient, h uint64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if cur, err := c.GetCurrentBlock(context.Background()); err == nil && cur >= h {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("node did not reach height %d", h)
}

// freePorts finds n consecutive free loopback ports.
func freePorts(t *testing.T, n int) int {
	t.Helper()
	for attempt := 0; attempt < 100; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if base+n > 65000 {
			continue
		}
		ok := true
		var ls []net.Listener
		for i := 0; i < n; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+i))
			if err != nil {
				ok = false
				break
			}
			ls = append(ls, l)
		}
		for _, l := range ls {
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}
