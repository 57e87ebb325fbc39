package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"testing"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestFourValidatorGovernance runs the root network and a governance round
// on a 4-validator network of separate processes, each transaction sent to
// a different validator: three dev accounts register root hotkeys (filling
// the senate) and stake on them, one sets root weights, the dev
// triumvirate's proposal is approved by two senators and closed (applied on
// every node), a second is rejected (applied nowhere), and every validator
// has the same app hash at every height.
func TestFourValidatorGovernance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four node processes")
	}
	out := filepath.Join(t.TempDir(), "net")
	p2p, rpc := freePorts(t, 4), freePorts(t, 4)
	cmd := newRootCmd()
	cmd.SetArgs([]string{"testnet", "--validators", "4", "--output", out, "--chain-id", "testnet-gov",
		"--p2p-port", strconv.Itoa(p2p), "--rpc-port", strconv.Itoa(rpc), "--block-time", "200ms"})
	cmd.SetOut(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	clients := make([]*subtensor.CometBFTClient, 4)
	for i := range clients {
		startProcess(t, "start", "--home", filepath.Join(out, "node"+strconv.Itoa(i)))
	}
	for i := range clients {
		clients[i] = connectWait(t, "127.0.0.1:"+strconv.Itoa(rpc+i))
	}
	ctx := context.Background()
	keyOf := func(uri string) *wallet.Keypair {
		k, err := wallet.KeypairFromURI(uri)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	must := func(what string, res *subtensor.TxResult, err error) *subtensor.TxResult {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return res
	}

	netuid, _, err := clients[0].RegisterNetwork(ctx, keyOf("//Alice"), types.AccountID{}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	type senator struct {
		cold *wallet.Keypair
		hot  *wallet.Keypair
	}
	var senators []senator
	for i, name := range []string{"//Dave", "//Eve", "//Ferdie"} {
		s := senator{keyOf(name), keyOf(name + "//root")}
		hot := types.AccountID(s.hot.PublicKey())
		c := clients[i+1]
		_, res, err := c.RootRegister(ctx, s.cold, hot, subtensor.WaitInclusion)
		must("root register "+name, res, err)
		res, err = c.AddStake(ctx, s.cold, hot, balance.FromTAO(uint64(100*(i+1))), subtensor.WaitInclusion)
		must("stake "+name, res, err)
		senators = append(senators, s)
	}
	res, err := clients[1].RootSetWeights(ctx, senators[0].hot, []uint16{netuid}, []float64{1}, subtensor.WaitInclusion)
	weightsAt := must("root weights", res, err).Height

	// Approved: the subnet limit becomes 20 everywhere.
	limit, _ := types.NewSudoSet(types.CallSudoSetSubnetLimit, 0, 20)
	p, res, err := clients[2].Propose(ctx, keyOf("//Bob"), limit, 0, subtensor.WaitInclusion)
	must("propose", res, err)
	for i, s := range senators[:2] {
		res, err := clients[3-i].Vote(ctx, s.cold, types.AccountID(s.hot.PublicKey()), p, true, subtensor.WaitInclusion)
		must("vote", res, err)
	}
	outcome, res, err := clients[0].CloseProposal(ctx, keyOf("//Charlie"), p, subtensor.WaitInclusion)
	must("close", res, err)
	if !outcome.Approved || outcome.Err != nil {
		t.Fatalf("close: %+v", outcome)
	}
	closedAt := res.Height

	// Rejected: two nays; the tempo of the subnet stays.
	tempo, _ := types.NewSudoSet(types.CallSudoSetTempo, netuid, 77)
	p, res, err = clients[1].Propose(ctx, keyOf("//Alice"), tempo, 0, subtensor.WaitInclusion)
	must("propose", res, err)
	for i, s := range []senator{senators[0], senators[2]} {
		res, err := clients[i+2].Vote(ctx, s.cold, types.AccountID(s.hot.PublicKey()), p, false, subtensor.WaitInclusion)
		must("vote", res, err)
	}
	outcome, res, err = clients[3].CloseProposal(ctx, keyOf("//Alice"), p, subtensor.WaitInclusion)
	must("close", res, err)
	if outcome.Approved {
		t.Fatalf("rejected proposal approved: %+v", outcome)
	}
	rejectedAt := res.Height

	// The root epoch (every 11 blocks with the dev root tempo of 10) turns
	// the root weights into the subnet's emission value.
	target := max(rejectedAt, weightsAt+25)
	for i, c := range clients {
		waitFor(t, c, target)
		params, err := c.Params(ctx)
		if err != nil || params.Subtensor.SubnetLimit != 20 {
			t.Errorf("node %d: subnet limit %d (%v)", i, params.Subtensor.SubnetLimit, err)
		}
		var before types.Params
		if err := c.Query(ctx, types.QueryParams, nil, closedAt-1, &before); err != nil || before.Subtensor.SubnetLimit == 20 {
			t.Errorf("node %d: subnet limit before the close %d (%v)", i, before.Subtensor.SubnetLimit, err)
		}
		if hp, err := c.GetHyperparameters(ctx, netuid, 0); err != nil || hp.Tempo == 77 {
			t.Errorf("node %d: the rejected tempo was applied (%v)", i, err)
		}
		sn, err := c.GetSubnet(ctx, netuid, target)
		if err != nil {
			t.Fatal(err)
		}
		if sn.EmissionValue == 0 {
			t.Errorf("node %d: subnet %d's emission value is 0 %d blocks after root weights on it", i, netuid, target-weightsAt)
		}
	}

	r := make([]*rpchttp.HTTP, 4)
	for i := range r {
		r[i], _ = rpchttp.New("http://127.0.0.1:"+strconv.Itoa(rpc+i), "/websocket")
	}
	for h := int64(1); h <= int64(target); h++ {
		a, err := r[0].Header(ctx, &h)
		if err != nil {
			t.Fatalf("node 0 height %d: %v", h, err)
		}
		for i := 1; i < 4; i++ {
			b, err := r[i].Header(ctx, &h)
			if err != nil || !bytes.Equal(a.Header.AppHash, b.Header.AppHash) {
				t.Fatalf("height %d: node %d's app hash differs from node 0's (%v)", h, i, err)
			}
		}
	}
}
