package node_test

import (
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
		if err := node.Init(home, node.InitOptions{ChainID: node.DevChainID, Genesis: g, RPCListen: rpc, P2PListen: freeAddr(t), BlockTime: 100 * time.Millisecond, NoPeerExchange: true}); err != nil {
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

func connect(t testing.TB, rpc string) *subtensor.CometBFTClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := subtensor.ConnectCometBFT(ctx, rpc, subtensor.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func waitHeight(t *testing.T, c *subtensor.CometBFTClient, h uint64) {
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

func TestFaucet(t *testing.T) {
	_, rpc := startDev(t, t.TempDir())
	c := connect(t, rpc)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	waitHeight(t, c, 2)
	cold := mustKey(t, "//FaucetUser")
	who := types.AccountID(cold.PublicKey())
	is0, _ := c.TotalIssuance(ctx, 0)
	var progress []subtensor.PowProgress
	res, err := c.Faucet(ctx, cold, subtensor.PowOptions{Batch: 10_000, Progress: func(p subtensor.PowProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Params(ctx)
	if got, _ := c.GetBalance(ctx, who, 0); got.RAO() != p.Faucet.Amount {
		t.Errorf("balance after faucet %s", got)
	}
	if is1, _ := c.TotalIssuance(ctx, res.Height); is1.RAO() != is0.RAO()+p.Faucet.Amount {
		t.Errorf("issuance %d → %d, faucet paid %d", is0, is1, p.Faucet.Amount)
	}
	// The same work cannot be spent twice.
	tx, _ := types.DecodeTx(mustRaw(t, c, res))
	args, _ := tx.Call.DecodeArgs()
	_, err = c.Submit(ctx, cold, args, subtensor.WaitInclusion)
	if !errors.Is(err, types.ErrWorkAlreadyUsed) && !errors.Is(err, types.ErrInvalidWorkBlock) {
		t.Errorf("replayed work: %v", err)
	}
	t.Logf("faucet solved; %d progress reports", len(progress))
}

// mustRaw fetches the bytes of a committed transaction.
func mustRaw(t *testing.T, c *subtensor.CometBFTClient, res *subtensor.TxResult) []byte {
	t.Helper()
	txs, err := c.GetBlockTxs(context.Background(), res.Height)
	if err != nil {
		t.Fatal(err)
	}
	for _, bt := range txs {
		if bt.Hash == res.Hash {
			return bt.Raw
		}
	}
	t.Fatalf("tx %s not in block %d", res.Hash, res.Height)
	return nil
}
