package chain

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// signTx builds and signs a transaction, then lets edit change it (after
// signing, so that edits the signature does not cover can be made too).
func signTx(t *testing.T, chainID string, k *wallet.Keypair, nonce uint64, args types.CallArgs, before, after func(*types.Tx)) []byte {
	t.Helper()
	tx, err := types.NewTx(chainID, types.AccountID(k.PublicKey()), nonce, 0, args)
	if err != nil {
		t.Fatal(err)
	}
	if err := types.DefaultParams().SetFee(tx); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(tx)
	}
	if err := tx.Sign(k); err != nil {
		t.Fatal(err)
	}
	if after != nil {
		after(tx)
	}
	raw, err := tx.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (c *testChain) processProposal(txs ...[]byte) abci.ResponseProcessProposal_ProposalStatus {
	c.t.Helper()
	hash := bytes.Repeat([]byte{byte(c.height + 1)}, 32)
	resp, err := c.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: c.height + 1, Txs: txs, Hash: hash})
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.Status
}

func (c *testChain) prepareProposal(txs ...[]byte) [][]byte {
	c.t.Helper()
	resp, err := c.app.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Height: c.height + 1, Txs: txs, MaxTxBytes: 1 << 20})
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.Txs
}

// TestProposalsCarryNoFreeJunk: a block with a transaction that would fail
// before its call (and so pay nothing) is rejected, and a proposal leaves
// such transactions out; a transaction whose call fails pays, and is
// welcome. The checks see what earlier transactions of the block did.
func TestProposalsCarryNoFreeJunk(t *testing.T) {
	c := newTestChain(t, devGenesis(t, 1000*tao, "//Alice", "//Bob"))
	alice, charlie, dave := key(t, "//Alice"), key(t, "//Charlie"), key(t, "//Dave")
	toCharlie := func(v uint64) types.CallArgs {
		return &types.Transfer{Dest: types.AccountID(charlie.PublicKey()), Value: v}
	}
	c.block(c.tx(alice, 0, toCharlie(tao))) // alice's next nonce is 1
	good := c.tx(alice, 1, toCharlie(tao))

	// Each junk transaction is proposed before good, which is alice's
	// transaction with nonce 1; the last one comes after it.
	junk := []struct {
		name string
		tx   []byte
		want *types.Error // what CheckTx says of it alone
	}{
		{"undecodable", []byte{0xa1, 0x01}, types.ErrTxDecode},
		{"wrong chain", signTx(t, "another-chain", alice, 1, toCharlie(tao), nil, nil), types.ErrWrongChain},
		{"bad signature", signTx(t, testChainID, alice, 1, toCharlie(tao), nil, func(tx *types.Tx) { tx.Signature[0] ^= 1 }), types.ErrBadSignature},
		{"stale nonce", c.tx(alice, 0, toCharlie(tao)), types.ErrStaleNonce},
		{"nonce used earlier in the block", c.tx(alice, 1, toCharlie(2*tao)), nil}, // alone, it is good
		{"future nonce", c.tx(alice, 9, toCharlie(tao)), types.ErrFutureNonce},
		{"fee too low", signTx(t, testChainID, alice, 1, toCharlie(tao), func(tx *types.Tx) { tx.Fee-- }, nil), types.ErrFeeTooLow},
		{"cannot pay the fee", c.tx(key(t, "//Eve"), 0, toCharlie(tao)), types.ErrCannotPayFee},
		{"unknown call", signTx(t, testChainID, alice, 1, toCharlie(tao), func(tx *types.Tx) { tx.Call.Name = "Balances.mint" }, nil), types.ErrUnknownCall},
	}
	before := c.account(alice)
	for _, tt := range junk {
		t.Run(tt.name, func(t *testing.T) {
			block := [][]byte{tt.tx, good}
			if tt.want == nil {
				block = [][]byte{good, tt.tx}
			}
			if got := c.processProposal(block...); got != abci.ResponseProcessProposal_REJECT {
				t.Errorf("a block carrying it: %v, want REJECT", got)
			}
			if kept := c.prepareProposal(block...); len(kept) != 1 || !bytes.Equal(kept[0], good) {
				t.Errorf("the proposal kept %d transactions, want only the good one", len(kept))
			}
			// It is the same refusal CheckTx gives.
			if tt.want != nil {
				resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tt.tx})
				if err != nil || resp.Code != tt.want.Code {
					t.Errorf("CheckTx: code %d (%s), want %s", resp.Code, resp.Log, tt.want.Name)
				}
			}
		})
	}
	if after := c.account(alice); after != before {
		t.Errorf("rejected proposals changed state: %+v → %+v", before, after)
	}

	toDave := c.tx(alice, 1, &types.Transfer{Dest: types.AccountID(dave.PublicKey()), Value: tao})
	daveSends := c.tx(dave, 0, &types.Transfer{Dest: types.AccountID(alice.PublicKey()), Value: tao / 2})
	welcome := []struct {
		name string
		txs  [][]byte
	}{
		{"good", [][]byte{good}},
		{"call fails but pays", [][]byte{c.tx(alice, 1, toCharlie(1_000_000*tao))}},
		{"fee paid with funds from earlier in the block", [][]byte{toDave, daveSends}},
		{"empty", nil},
	}
	for _, tt := range welcome {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.processProposal(tt.txs...); got != abci.ResponseProcessProposal_ACCEPT {
				t.Errorf("%v, want ACCEPT", got)
			}
			if kept := c.prepareProposal(tt.txs...); len(kept) != len(tt.txs) {
				t.Errorf("the proposal kept %d of %d transactions", len(kept), len(tt.txs))
			}
		})
	}
	// Dave's transaction before the transfer that funds it cannot pay.
	if got := c.processProposal(daveSends, toDave); got != abci.ResponseProcessProposal_REJECT {
		t.Errorf("unfunded first: %v, want REJECT", got)
	}
	if kept := c.prepareProposal(daveSends, toDave); len(kept) != 1 || !bytes.Equal(kept[0], toDave) {
		t.Errorf("unfunded first: the proposal kept %d transactions", len(kept))
	}
}

// TestProposalExecutionIsReused drives random blocks, with junk among their
// transactions, through PrepareProposal, ProcessProposal (which must accept
// what PrepareProposal built) and FinalizeBlock, which applies the writes
// ProcessProposal made; a twin chain executes the same blocks directly in
// FinalizeBlock. Both must have the same app hash at every height and the
// same transaction results. Sometimes ProcessProposal first sees another
// block (a round that failed), so FinalizeBlock must not reuse it.
func TestProposalExecutionIsReused(t *testing.T) {
	blocks := 60
	if testing.Short() {
		blocks = 20
	}
	c := newEmissionChain(t, func(g *Genesis) {
		g.Root.Tempo = 1
		for i := range g.Subnets {
			if g.Subnets[i].Netuid == 1 {
				h := *g.Subnets[i].Hyperparams
				h.Tempo, h.MaxAllowedUids, h.ImmunityPeriod, h.MinBurn, h.Burn = 2, 6, 3, 1000, 1000
				g.Subnets[i].Hyperparams = &h
			}
		}
	})
	r := rand.New(rand.NewPCG(3, 5))
	colds := []*wallet.Keypair{c.alice, c.bob, c.charlie}
	hots := []*wallet.Keypair{c.v, c.m1, c.m2, key(t, "//h1"), key(t, "//h2")}
	pick := func(ks []*wallet.Keypair) *wallet.Keypair { return ks[r.IntN(len(ks))] }
	var results [][]*abci.ExecTxResult
	reused, leftOut := 0, 0
	for b := 0; b < blocks; b++ {
		nonces := map[*wallet.Keypair]uint64{}
		var txs [][]byte
		sign := func(k *wallet.Keypair, args types.CallArgs) {
			n, ok := nonces[k]
			if !ok {
				n = c.account(k).Nonce
			}
			switch r.IntN(8) {
			case 0: // a stale or future nonce: junk
				n += uint64(r.IntN(3)) + 1
				if r.IntN(2) == 0 && n > 3 {
					n -= 3
				}
			default:
				nonces[k] = n + 1
			}
			txs = append(txs, c.tx(k, n, args))
		}
		for range 1 + r.IntN(5) {
			hk := types.AccountID(pick(hots).PublicKey())
			switch r.IntN(6) {
			case 0:
				sign(pick(colds), &types.BurnedRegister{Netuid: 1, Hotkey: hk})
			case 1:
				sign(pick(colds), &types.AddStake{Hotkey: hk, Amount: r.Uint64N(50 * tao)})
			case 2:
				sign(pick(colds), &types.RemoveStake{Hotkey: hk, Amount: r.Uint64N(50 * tao)})
			case 3:
				sign(pick(hots), &types.SetWeights{Netuid: 1, Dests: []uint16{0, 1, 2}, Weights: []uint16{uint16(r.IntN(65536)), 9, 1}})
			case 4:
				// A transfer to a hotkey, which may then pay fees.
				sign(pick(colds), &types.Transfer{Dest: hk, Value: r.Uint64N(3 * tao)})
			case 5:
				sign(pick(hots), &types.Transfer{Dest: types.AccountID(c.alice.PublicKey()), Value: r.Uint64N(tao)})
			}
		}
		kept := c.prepareProposal(txs...)
		leftOut += len(txs) - len(kept)
		height := c.height + 1
		hash := bytes.Repeat([]byte{byte(height), 0xcc}, 16)
		if r.IntN(4) == 0 && len(kept) > 0 {
			// A failed round: this node accepted another block first.
			other := kept[:len(kept)-1]
			if _, err := c.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: height, Txs: other, Hash: bytes.Repeat([]byte{0xdd}, 32)}); err != nil {
				t.Fatal(err)
			}
		} else {
			resp, err := c.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: height, Txs: kept, Hash: hash})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != abci.ResponseProcessProposal_ACCEPT {
				t.Fatalf("block %d: ProcessProposal rejected what PrepareProposal built", height)
			}
			reused++
		}
		c.height = height
		resp, err := c.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height, Txs: kept, Hash: hash})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
		c.blocks = append(c.blocks, kept)
		results = append(results, resp.TxResults)
	}

	tw := newSubtensorChain(t, c.genesis)
	for i, txs := range c.blocks {
		height := int64(i + 1)
		resp, err := tw.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height, Txs: txs, Hash: bytes.Repeat([]byte{byte(height), 0xcc}, 16)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tw.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(resp.TxResults), fmt.Sprint(results[i]); got != want {
			t.Fatalf("block %d: results differ:\n direct %s\n reused %s", height, got, want)
		}
		a, err := c.app.tree.GetImmutable(height)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tw.app.tree.Hash(), a.Hash(); !bytes.Equal(got, want) {
			t.Fatalf("block %d: app hash %X executed directly, %X reused", height, got, want)
		}
	}
	if reused < blocks/2 {
		t.Errorf("only %d of %d blocks reused their proposal's execution", reused, blocks)
	}
	ran, failedCalls := 0, 0
	for _, rs := range results {
		ran += len(rs)
		failedCalls += len(slices.DeleteFunc(slices.Clone(rs), func(r *abci.ExecTxResult) bool { return r.Code == 0 }))
	}
	if ran == 0 || failedCalls == 0 || leftOut == 0 {
		t.Errorf("the random run is too tame: %d transactions ran, %d calls failed, %d left out of proposals", ran, failedCalls, leftOut)
	}
}

// TestProposalReuseThroughUpgrade: a block that runs an upgrade's migration,
// executed in ProcessProposal and applied from its journal by
// FinalizeBlock, gives the app hash, events and app version report of the
// same block executed in FinalizeBlock.
func TestProposalReuseThroughUpgrade(t *testing.T) {
	direct, reused := runUpgrade(t), runUpgradeWith(t, true)
	for h := int64(1); h <= direct.h; h++ {
		a, err := direct.c.app.tree.GetImmutable(h)
		if err != nil {
			t.Fatal(err)
		}
		b, err := reused.c.app.tree.GetImmutable(h)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Hash(), b.Hash()) {
			t.Fatalf("height %d: app hash %X executed directly, %X reused", h, a.Hash(), b.Hash())
		}
	}
	if got, want := fmt.Sprint(reused.resp.Events, reused.resp.ConsensusParamUpdates), fmt.Sprint(direct.resp.Events, direct.resp.ConsensusParamUpdates); got != want {
		t.Errorf("the upgrade block's report: reused %s, direct %s", got, want)
	}
}
