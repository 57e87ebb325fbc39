package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestMain lets the test binary stand in for the subtensor command: run with
// SUBTENSOR_AS_MAIN=1 it is the real program, so tests can start it as a
// separate process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("SUBTENSOR_AS_MAIN") == "1" {
		// SUBTENSOR_APP_VERSION runs the binary as the release of that app
		// version (the one before an upgrade).
		v, _ := strconv.ParseUint(os.Getenv("SUBTENSOR_APP_VERSION"), 10, 64)
		os.Exit(run(newRootCmdAt(v)))
	}
	os.Exit(m.Run())
}

// startProcess runs `subtensor args…` as a child process.
func startProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SUBTENSOR_AS_MAIN=1")
	logf, err := os.Create(filepath.Join(t.TempDir(), "node.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("node log:\n%s", b)
		}
	})
	return cmd
}

func connectWait(t *testing.T, rpc string) *subtensor.CometBFTClient {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := subtensor.ConnectCometBFT(ctx, rpc, subtensor.Options{Retries: -1, PollInterval: 20 * time.Millisecond})
		cancel()
		if err == nil {
			if h, err := c.GetCurrentBlock(context.Background()); err == nil && h > 0 {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node at %s did not come up: %v", rpc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKillNineUnderLoad kills a dev node with SIGKILL while transfers are
// flowing, restarts it on the same home, and checks that it resumes at the
// next height and that every balance equals what the committed blocks say.
func TestKillNineUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node process under load")
	}
	home := filepath.Join(t.TempDir(), "dev")
	rpc, err := node.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p2p, _ := node.FreeAddr()
	args := []string{"dev", "--home", home, "--rpc", rpc, "--p2p", p2p, "--block-time", "100ms"}
	proc := startProcess(t, args...)
	c := connectWait(t, rpc)

	senders := make([]*wallet.Keypair, len(node.DevAccounts))
	for i, uri := range node.DevAccounts {
		senders[i], _ = wallet.KeypairFromURI(uri)
	}
	receivers := make([]types.AccountID, 8)
	for i := range receivers {
		k, _ := wallet.KeypairFromURI(fmt.Sprintf("//Receiver%d", i))
		receivers[i] = types.AccountID(k.PublicKey())
	}

	// Load: every dev account sends transfers as fast as the node takes them.
	ctx, stopLoad := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				dest := receivers[(i+n)%len(receivers)]
				_, err := c.Transfer(ctx, s, dest, balance.Balance(1_000_000+n), false, subtensor.WaitNone)
				if err != nil && ctx.Err() == nil {
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(2 * time.Second)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	stopLoad()
	wg.Wait()

	proc = startProcess(t, args...)
	c = connectWait(t, rpc)
	bctx := context.Background()
	head, err := c.GetCurrentBlock(bctx)
	if err != nil {
		t.Fatal(err)
	}
	// Keep going: new blocks come after the restart.
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, _ := c.GetCurrentBlock(bctx)
		if h >= head+3 {
			head = h
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chain stuck at %d after restart", h)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Recompute every balance from the committed blocks.
	want := map[types.AccountID]uint64{}
	for _, s := range senders {
		want[types.AccountID(s.PublicKey())] = node.DevAccountBalance
	}
	txs := 0
	for h := uint64(1); h <= head; h++ {
		block, err := c.GetBlockTxs(bctx, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, bt := range block {
			if bt.Tx == nil {
				t.Fatalf("block %d holds undecodable tx %s", h, bt.Hash)
			}
			txs++
			want[bt.Tx.Signer] -= bt.Tx.Fee
			if bt.Err != nil {
				continue
			}
			args, err := bt.Tx.Call.DecodeArgs()
			if err != nil {
				t.Fatal(err)
			}
			tr := args.(*types.Transfer)
			want[bt.Tx.Signer] -= tr.Value
			want[tr.Dest] += tr.Value
		}
	}
	if txs < 50 {
		t.Fatalf("only %d transactions were committed; the load did not run", txs)
	}
	var total uint64
	for acct, bal := range want {
		got, err := c.GetBalance(bctx, acct, head)
		if err != nil {
			t.Fatal(err)
		}
		if got.RAO() != bal {
			t.Errorf("%s: node says %d, blocks say %d", acct, got.RAO(), bal)
		}
		total += bal
	}
	is, err := c.TotalIssuance(bctx, head)
	if err != nil || is.RAO() != total {
		t.Errorf("total issuance %d, balances sum to %d (%v)", is.RAO(), total, err)
	}
	t.Logf("%d transactions in %d blocks verified after kill -9", txs, head)

	// And the node still takes transactions.
	res, err := c.Transfer(bctx, senders[0], receivers[0], balance.FromTAO(1), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer after restart: %v %v", err, res)
	}
	proc.Process.Signal(syscall.SIGTERM)
	if err := proc.Wait(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Errorf("clean shutdown: %v", err)
		}
		t.Errorf("node exited with %v after SIGTERM", err)
	}
}
