package metagraph_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
	"github.com/go-bittensor/bittensor/wallet"
)

// chopsticks is the Bittensor Substrate chain of this package's tests,
// started by the first test that needs it.
var chopsticks = substratetest.NewShared(substratetest.Options{})

func TestMain(m *testing.M) { os.Exit(chopsticks.Run(m)) }

func connectSubstrate(t *testing.T) (*subtensor.SubstrateClient, *substratetest.Chain) {
	t.Helper()
	ch := chopsticks.Chain(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := subtensor.ConnectSubstrate(ctx, ch.URL, subtensor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, ch
}

// TestSyncOnSubstrate syncs a subnet made on the real runtime, lite and
// full, now and at an earlier block, and checks the arrays against the
// runtime's own neurons and polkadot-js's reading of storage.
func TestSyncOnSubstrate(t *testing.T) {
	c, ch := connectSubstrate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	net := subnettest.New(t, ctx, c, ch, "//Metagraph", subnettest.Fast)
	cold := substratetest.Keypair(t, "//Metagraph//cold")
	hot := []*wallet.Keypair{substratetest.Keypair(t, "//Metagraph//h1"), substratetest.Keypair(t, "//Metagraph//h2")}
	for _, h := range hot {
		net.Register(t, ctx, cold, h)
	}
	net.SeedPool(t, ctx, balance.FromTAO(1000).RAO(), balance.FromTAO(1000).RAO())
	before, err := c.GetCurrentBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	net.Stake(t, ctx, cold, hot[0], balance.FromTAO(50))
	if _, err := c.ServeAxon(ctx, hot[1], net.Netuid, subtensor.AxonEndpoint{IP: "203.0.113.9", Port: 8091, Protocol: 4, Version: 7}, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}

	m := metagraph.New(net.Netuid, c)
	if err := m.Sync(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if m.N != 3 || m.Pool == nil || len(m.AlphaStake) != 3 || m.W != nil {
		t.Fatalf("lite sync: %v pool %v alpha %v", m, m.Pool, m.AlphaStake)
	}
	if m.Axons[2].IP != "203.0.113.9" || m.Axons[2].Port != 8091 || m.Axons[0].IP != "0.0.0.0" {
		t.Errorf("axons %+v", m.Axons)
	}
	if m.Hotkeys[0] != net.OwnerHot.SS58Address() || m.Hotkeys[1] != hot[0].SS58Address() || m.Coldkeys[2] != cold.SS58Address() {
		t.Errorf("hotkeys %v coldkeys %v", m.Hotkeys, m.Coldkeys)
	}
	t.Logf("alpha %v TAO %v weight %v pool %+v price %v", m.AlphaStake, m.TaoStake, m.StakeWeight, *m.Pool, m.Pool.Price())
	if m.AlphaStake[1] == 0 || m.AlphaStake[2] != 0 || m.StakeWeight[1] < m.AlphaStake[1] || m.Stake[1] != m.StakeWeight[1] {
		t.Errorf("alpha %v stake weight %v stake %v: want alpha on uid 1 only", m.AlphaStake, m.StakeWeight, m.Stake)
	}
	if m.Pool.Netuid != net.Netuid || m.Pool.TaoIn == 0 || m.Pool.AlphaIn == 0 || m.Pool.Price() <= 0 || m.Pool.Tempo != 10 {
		t.Errorf("pool %+v price %v", m.Pool, m.Pool.Price())
	}
	for uid := range m.N {
		if m.RegisteredAt[uid] == 0 || m.RegisteredAt[uid] > m.Block {
			t.Errorf("uid %d registered at %d (metagraph block %d)", uid, m.RegisteredAt[uid], m.Block)
		}
	}

	// The same arrays as the runtime's neurons, and polkadot-js reads the
	// same alpha and pool from storage.
	ns, err := c.NeuronsLite(ctx, net.Netuid, m.Block)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range ns.Neurons {
		want := n.Axon.IP
		if want == "" {
			want = "0.0.0.0"
		}
		if a := m.Axons[i]; a.IP != want || a.Port != int(n.Axon.Port) || a.Version != int(n.Axon.Version) {
			t.Errorf("uid %d: axon %+v, neurons %+v", i, a, n.Axon)
		}
		if m.Active[i] != n.Active || m.ValidatorPermit[i] != n.ValidatorPermit || m.Emission[i] != n.Emission || m.PruningScore[i] != n.PruningScore {
			t.Errorf("uid %d: metagraph active %v permit %v emission %d pruning %d, neurons %+v", i, m.Active[i], m.ValidatorPermit[i], m.Emission[i], m.PruningScore[i], n)
		}
		if m.Hotkeys[i] != n.Hotkey.String() || m.LastUpdate[i] != n.LastUpdate || m.RegisteredAt[i] != n.RegisteredAt {
			t.Errorf("uid %d: metagraph %s/%d/%d, neurons %s/%d/%d", i, m.Hotkeys[i], m.LastUpdate[i], m.RegisteredAt[i], n.Hotkey, n.LastUpdate, n.RegisteredAt)
		}
	}
	var pj struct{ Alpha, TaoIn, AlphaIn string }
	err = ch.PolkadotJS(ctx, `const api = await env.api();
		const at = await api.at(await api.rpc.chain.getBlockHash(env.args.block));
		const a = await at.query.subtensorModule.totalHotkeyAlpha(env.args.hotkey, env.args.netuid);
		const t = await at.query.subtensorModule.subnetTAO(env.args.netuid);
		const ai = await at.query.subtensorModule.subnetAlphaIn(env.args.netuid);
		return { Alpha: a.toString(), TaoIn: t.toString(), AlphaIn: ai.toString() };`,
		map[string]any{"block": m.Block, "hotkey": hot[0].SS58Address(), "netuid": net.Netuid}, &pj)
	if err != nil {
		t.Fatal(err)
	}
	if pj.Alpha != strconv.FormatUint(m.AlphaStake[1], 10) || pj.TaoIn != strconv.FormatUint(m.Pool.TaoIn, 10) || pj.AlphaIn != strconv.FormatUint(m.Pool.AlphaIn, 10) {
		t.Errorf("polkadot-js reads alpha %s, pool %s TAO / %s alpha; the metagraph %d, %d / %d",
			pj.Alpha, pj.TaoIn, pj.AlphaIn, m.AlphaStake[1], m.Pool.TaoIn, m.Pool.AlphaIn)
	}

	// Full, with weights; at the earlier block, before the stake.
	if _, err := c.SetWeights(ctx, net.OwnerHot, net.Netuid, []uint16{1, 2}, []uint16{1, 3}, 0, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	full := metagraph.New(net.Netuid, c)
	full.Lite = false
	if err := full.Sync(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if full.W == nil || full.W[0][2] != 0.75 || full.W[0][1] != 0.25 || full.Pool == nil {
		t.Errorf("full sync: W %v", full.W)
	}
	old := metagraph.New(net.Netuid, c)
	if err := old.Sync(ctx, before); err != nil {
		t.Fatal(err)
	}
	if old.Block != before || old.AlphaStake[1] != 0 {
		t.Errorf("sync at %d: block %d alpha %v", before, old.Block, old.AlphaStake)
	}

	// Save and load keep the dynamic-TAO arrays.
	dir := t.TempDir()
	if _, err := full.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := metagraph.Load(dir, full.Network, net.Netuid)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.AlphaStake, full.AlphaStake) || !slices.Equal(back.Stake, full.Stake) || *back.Pool != *full.Pool || back.W[0][2] != 0.75 {
		t.Errorf("loaded alpha %v stake %v pool %+v; saved %v %v %+v", back.AlphaStake, back.Stake, back.Pool, full.AlphaStake, full.Stake, full.Pool)
	}

	// A subnet that does not exist.
	if err := metagraph.New(999, c).Sync(ctx, 0); !errors.Is(err, types.ErrNetworkDoesNotExist) {
		t.Errorf("sync of subnet 999: %v", err)
	}
}
