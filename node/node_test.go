package node_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

func mustKey(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func freeAddr(t *testing.T) string {
	t.Helper()
	a, err := node.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startDev initialises and starts a single-validator dev node in a temp home.
func startDev(t *testing.T, home string) (*node.Node, string) {
	t.Helper()
	rpc := freeAddr(t)
	if !node.IsHome(home) {
		g, err := node.DevGenesis()
		if err != nil {
			t.Fatal(err)
		}
		if err := node.Init(home, node.InitOptions{ChainID: node.DevChainID, Genesis: g, RPCListen: rpc, P2PListen: freeAddr(t), BlockTime: 100 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := node.Start(context.Background(), home, node.StartOptions{RPCListen: rpc, P2PListen: freeAddr(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Stop() })
	return n, rpc
}

func connect(t *testing.T, rpc string) *subtensor.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := subtensor.Connect(ctx, rpc, subtensor.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func waitHeight(t *testing.T, c *subtensor.Client, h uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cur, err := c.GetCurrentBlock(context.Background()); err == nil && cur >= h {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("chain did not reach height %d", h)
}

func TestDevNodeTransferAndRestart(t *testing.T) {
	home := t.TempDir()
	n, rpc := startDev(t, home)
	c := connect(t, rpc)
	ctx := context.Background()
	if c.ChainID() != node.DevChainID || c.Network() != "local" {
		t.Errorf("chain id %q network %q", c.ChainID(), c.Network())
	}
	alice := mustKey(t, "//Alice")
	dave := types.AccountID(mustKey(t, "//Dave").PublicKey())
	newcomer := types.AccountID(mustKey(t, "//Newcomer").PublicKey())

	waitHeight(t, c, 2)
	fee, err := c.EstimateFee(ctx, types.AccountID(alice.PublicKey()), &types.Transfer{Dest: newcomer, Value: uint64(balance.FromTAO(3))})
	if err != nil || fee == 0 {
		t.Fatalf("fee estimate %d, %v", fee, err)
	}
	res, err := c.Transfer(ctx, alice, newcomer, balance.FromTAO(3), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer: %v %v", err, res)
	}
	if res.Fee != fee {
		t.Errorf("charged fee %s, estimated %s", res.Fee, fee)
	}
	if len(res.Events) == 0 || res.Events[0].Type != "transfer" || res.Events[0].Attrs["to"] != newcomer.String() {
		t.Errorf("events %+v", res.Events)
	}
	got, err := c.GetBalance(ctx, newcomer, 0)
	if err != nil || got != balance.FromTAO(3) {
		t.Fatalf("newcomer balance %s, %v", got, err)
	}
	// Before the transfer's block, the newcomer had nothing.
	if old, err := c.GetBalance(ctx, newcomer, res.Height-1); err != nil || old != 0 {
		t.Errorf("balance before block %d = %s, %v", res.Height, old, err)
	}

	// Bad input is rejected by the node with a named error; nothing changes.
	_, err = c.Transfer(ctx, alice, dave, balance.FromTAO(10_000_000), false, subtensor.WaitInclusion)
	if !errors.Is(err, types.ErrInsufficientBalance) {
		t.Errorf("overspend: %v", err)
	}
	_, err = c.Transfer(ctx, alice, types.AccountID(mustKey(t, "//Nobody").PublicKey()), 499, false, subtensor.WaitInclusion)
	if !errors.Is(err, types.ErrExistentialDeposit) {
		t.Errorf("below ED: %v", err)
	}

	// Blocks arrive through the subscription.
	sctx, cancel := context.WithCancel(ctx)
	blocks, err := c.SubscribeBlocks(sctx)
	if err != nil {
		t.Fatal(err)
	}
	b1, b2 := <-blocks, <-blocks
	cancel()
	if b2.Height != b1.Height+1 || b1.Hash == ([32]byte{}) {
		t.Errorf("blocks %+v then %+v", b1, b2)
	}

	// Stop and start again on the same home: the state is still there and the
	// chain continues from where it stopped.
	h := n.Height()
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	_, rpc2 := startDev(t, home)
	c2 := connect(t, rpc2)
	waitHeight(t, c2, uint64(h)+2)
	if got, _ := c2.GetBalance(ctx, newcomer, 0); got != balance.FromTAO(3) {
		t.Errorf("after restart newcomer has %s", got)
	}
}

func TestFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four nodes")
	}
	out := t.TempDir()
	g, err := node.DevGenesis()
	if err != nil {
		t.Fatal(err)
	}
	p2pBase, rpcBase := freePortRange(t, 4), freePortRange(t, 4)
	homes, err := node.Testnet(node.TestnetOptions{Validators: 4, OutputDir: out, ChainID: "testnet-4", Genesis: g, P2PPort: p2pBase, RPCPort: rpcBase, BlockTime: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	nodes := make([]*node.Node, 4)
	for i, home := range homes {
		n, err := node.Start(context.Background(), home, node.StartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = n
		t.Cleanup(func() { n.Stop() })
	}
	clients := make([]*subtensor.Client, 4)
	for i, n := range nodes {
		clients[i] = connect(t, n.RPCAddr())
	}
	waitHeight(t, clients[0], 3)
	ctx := context.Background()
	alice, bob := mustKey(t, "//Alice"), types.AccountID(mustKey(t, "//Bob").PublicKey())

	// A transfer sent to node 1 lands and every node sees it.
	res, err := clients[1].Transfer(ctx, alice, bob, balance.FromTAO(1), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer: %v %v", err, res)
	}
	for i, c := range clients {
		waitHeight(t, c, res.Height)
		if b, _ := c.GetBalance(ctx, bob, res.Height); b != node.DevAccountBalance+balance.FromTAO(1) {
			t.Errorf("node %d: bob has %s at %d", i, b, res.Height)
		}
	}

	// Stop node 3: three of four validators (75% > 2/3) keep making blocks.
	stoppedAt := nodes[3].Height()
	if err := nodes[3].Stop(); err != nil {
		t.Fatal(err)
	}
	h0, _ := clients[0].GetCurrentBlock(ctx)
	waitHeight(t, clients[0], h0+5)
	res, err = clients[0].Transfer(ctx, alice, bob, balance.FromTAO(1), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer with one validator down: %v %v", err, res)
	}

	// Restarted, node 3 catches up to the same state.
	n3, err := node.Start(context.Background(), homes[3], node.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n3.Stop() })
	c3 := connect(t, n3.RPCAddr())
	target, _ := clients[0].GetCurrentBlock(ctx)
	waitHeight(t, c3, target+1)
	if n3.Height() <= stoppedAt {
		t.Fatalf("node 3 did not advance past %d", stoppedAt)
	}
	for h := int64(2); h <= int64(target)+1; h++ {
		want, ok0 := nodes[0].HeaderAppHash(h)
		got, ok3 := n3.HeaderAppHash(h)
		if !ok0 || !ok3 || !bytes.Equal(want, got) {
			t.Fatalf("height %d: app hash %x on node 0, %x on node 3", h, want, got)
		}
	}
	if b, _ := c3.GetBalance(ctx, bob, 0); b != node.DevAccountBalance+balance.FromTAO(2) {
		t.Errorf("node 3 after catch-up: bob has %s", b)
	}
}

// freePortRange finds n consecutive free loopback ports.
func freePortRange(t *testing.T, n int) int {
	t.Helper()
	for attempt := 0; attempt < 50; attempt++ {
		base := 20000 + int(time.Now().UnixNano()%20000)
		if portsFree(base, n) {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}
