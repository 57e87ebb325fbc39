package chain

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
	"github.com/go-bittensor/bittensor/wallet"
)

// BenchmarkProposalExecution compares the two ways a node executes a
// decided block: FinalizeBlock executing it on the tree (a node that did
// not see the proposal: replay, catch-up), and ProcessProposal executing it
// on a journal whose writes FinalizeBlock then applies to the tree (every
// validator in consensus). Each is timed through the app hash, then rolled
// back. Blocks: a subnet epoch of 4096 neurons, and 1000 transfers.
func BenchmarkProposalExecution(b *testing.B) {
	const tempo = 360
	epochBlock := uint64(tempo - 2) // blocksUntilNextEpoch(1, 360, 358) == 0
	g := DefaultGenesis()
	g.Subnets = []GenesisSubnet{benchSubnet(1, 4096, 256, 4096, tempo)}
	var senders []*wallet.Keypair
	for i := range 100 {
		k, err := wallet.KeypairFromURI(fmt.Sprintf("//bench/%d", i))
		if err != nil {
			b.Fatal(err)
		}
		senders = append(senders, k)
		g.Balances = append(g.Balances, GenesisBalance{Address: types.AccountID(k.PublicKey()), Free: 1_000_000_000_000})
	}
	tree := benchTree(b, g, 2)
	up, err := newUpgrader(firstAppVersion) // benchTree writes the genesis as the first release did
	if err != nil {
		b.Fatal(err)
	}
	a := &App{log: slog.New(slog.DiscardHandler), tree: tree, verified: map[[32]byte]*types.Tx{}, up: up}
	a.step = stepper{ws: new(yuma.Workspace)}
	var transfers [][]byte
	for n := range uint64(10) {
		for i, k := range senders {
			tx, err := types.NewTx("bench", types.AccountID(k.PublicKey()), n, 0, &types.Transfer{Dest: types.AccountID(senders[(i+1)%len(senders)].PublicKey()), Value: 1_000_000})
			if err != nil {
				b.Fatal(err)
			}
			if err := g.Params.SetFee(tx); err != nil {
				b.Fatal(err)
			}
			if err := tx.Sign(k); err != nil {
				b.Fatal(err)
			}
			raw, _ := tx.Encode()
			transfers = append(transfers, raw)
		}
	}
	// As for transactions this node's CheckTx verified: decoded once, the
	// signature not checked again.
	decoded := make(map[[32]byte]*types.Tx, len(transfers))
	for _, raw := range transfers {
		tx, err := types.DecodeTx(raw)
		if err != nil {
			b.Fatal(err)
		}
		decoded[types.TxHash(raw)] = tx
	}
	trusted := func(raw []byte) *types.Tx { return decoded[types.TxHash(raw)] }
	for _, blk := range []struct {
		name   string
		height uint64
		txs    [][]byte
	}{
		{"epoch n=4096", epochBlock, nil},
		{"1000 transfers", epochBlock + 1, transfers},
	} {
		check := func(outs []txOutcome) {
			for _, o := range outs {
				if o.code != 0 {
					b.Fatalf("%s: %s", blk.name, o.log)
				}
			}
		}
		b.Run(blk.name+"/finalize", func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				run, err := a.executeBlock(treeKV{tree}, blk.height, nil, blk.txs, trusted, false)
				if err != nil {
					b.Fatal(err)
				}
				check(run.outcomes)
				tree.WorkingHash()
				tree.Rollback()
			}
		})
		b.Run(blk.name+"/process+replay", func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				j := newJournal(treeKV{tree})
				run, err := a.executeBlock(j, blk.height, nil, blk.txs, trusted, true)
				if err != nil {
					b.Fatal(err)
				}
				check(run.outcomes)
				j.replay(treeKV{tree})
				tree.WorkingHash()
				tree.Rollback()
			}
		})
	}
}
