package subtensor_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// chain is one Bittensor Substrate chain (chopsticks) for this package's
// Substrate tests, started by the first test that needs it.
var chain = substratetest.NewShared(substratetest.Options{})

func TestMain(m *testing.M) { os.Exit(chain.Run(m)) }

// connectSubstrate connects through subtensor.Connect, which must find a
// Substrate node at the chain's plain endpoint by asking it.
func connectSubstrate(t *testing.T) (*subtensor.SubstrateClient, *substratetest.Chain) {
	t.Helper()
	ch := chain.Chain(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := subtensor.Connect(ctx, ch.URL, subtensor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sc, ok := c.(*subtensor.SubstrateClient)
	if !ok {
		t.Fatalf("Connect(%s) gave a %T, want a *SubstrateClient", ch.URL, c)
	}
	// chopsticks cannot dry-run on its genesis block.
	if n, err := c.GetCurrentBlock(ctx); err == nil && n == 0 {
		if _, err := ch.NewBlocks(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	return sc, ch
}

func key(t *testing.T, uri string) *wallet.Keypair { return substratetest.Keypair(t, uri) }

func id(k *wallet.Keypair) types.AccountID { return types.AccountID(k.PublicKey()) }

func TestSubstrateBalancesAndTransfer(t *testing.T) {
	c, ch := connectSubstrate(t)
	ctx := context.Background()
	alice, dest := key(t, "//Alice"), key(t, "//Subtensor//Transfer")
	ed, err := c.ExistentialDeposit(ctx)
	if err != nil || ed != 500 {
		t.Fatalf("existential deposit %s, %v", ed, err)
	}
	before, err := c.GetAccount(ctx, id(alice), 0)
	if err != nil {
		t.Fatal(err)
	}
	if before.Free == 0 || before.Height == 0 {
		t.Fatalf("alice %+v", before)
	}
	amount := balance.FromTAO(3)

	quote, err := c.Transfer(ctx, subtensor.Unsigned(id(alice)), id(dest), amount, true, subtensor.FeeOnly)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transfer(ctx, subtensor.Unsigned(id(alice)), id(dest), amount, true, subtensor.DryRun); !errors.Is(err, subtensor.ErrNoSecret) {
		t.Errorf("an unsigned dry run on Substrate: %v, want ErrNoSecret", err)
	}
	dry, err := c.Transfer(ctx, alice, id(dest), amount, true, subtensor.DryRun)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Fee != quote.Fee || dry.Nonce != before.Nonce {
		t.Errorf("dry run %+v, fee quote %s, nonce %d", dry, quote.Fee, before.Nonce)
	}
	res, err := c.Transfer(ctx, alice, id(dest), amount, true, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil || res.Height == 0 || res.Fee != quote.Fee {
		t.Errorf("transfer result %+v, quoted fee %s", res, quote.Fee)
	}
	if got, err := c.GetBalance(ctx, id(dest), 0); err != nil || got != amount {
		t.Errorf("destination holds %s, %v; want %s", got, err, amount)
	}
	after, err := c.GetAccount(ctx, id(alice), res.Height)
	if err != nil {
		t.Fatal(err)
	}
	if after.Free != before.Free-amount.RAO()-res.Fee.RAO() || after.Nonce != before.Nonce+1 {
		t.Errorf("alice %+v → %+v after sending %s with fee %s", before, after, amount, res.Fee)
	}
	// The balance before the transfer, at its block.
	if old, err := c.GetBalance(ctx, id(alice), before.Height); err != nil || old.RAO() != before.Free {
		t.Errorf("alice at block %d: %s, %v; want %d", before.Height, old, err, before.Free)
	}
	// polkadot-js reads the same balances.
	var pj struct{ Dest, Alice string }
	err = ch.PolkadotJS(ctx, `const api = await env.api();
		const d = await api.query.system.account(env.args.dest), a = await api.query.system.account(env.args.alice);
		return { Dest: d.data.free.toString(), Alice: a.data.free.toString() };`,
		map[string]string{"dest": dest.SS58Address(), "alice": alice.SS58Address()}, &pj)
	if err != nil {
		t.Fatal(err)
	}
	if pj.Dest != "3000000000" || pj.Alice != strconv.FormatUint(after.Free, 10) {
		t.Errorf("polkadot-js reads dest %s alice %s; we read %s and %d", pj.Dest, pj.Alice, amount, after.Free)
	}
}

// The chain's refusals arrive as chain/types sentinels, with the runtime's
// own name and documentation in the message.
func TestSubstrateRefusalsAreNamed(t *testing.T) {
	c, _ := connectSubstrate(t)
	ctx := context.Background()
	alice, pauper := key(t, "//Alice"), key(t, "//Subtensor//Pauper")
	_, err := c.Transfer(ctx, pauper, id(alice), balance.FromTAO(1), true, subtensor.WaitInclusion)
	if !errors.Is(err, types.ErrCannotPayFee) {
		t.Errorf("transfer by an unfunded account: %v, want ErrCannotPayFee", err)
	}
	_, _, err = c.BurnedRegister(ctx, alice, 999, id(pauper), 0, subtensor.DryRun)
	if !errors.Is(err, types.ErrNetworkDoesNotExist) {
		t.Errorf("dry run of a registration on subnet 999: %v, want ErrNetworkDoesNotExist", err)
	}
	var ce *types.ChainError
	if !errors.As(err, &ce) || ce.Module != "SubtensorModule" || ce.Name != "SubNetworkDoesNotExist" {
		t.Errorf("the refusal %#v does not carry the runtime's name", ce)
	}
	_, _, err = c.BurnedRegister(ctx, alice, 999, id(pauper), 0, subtensor.WaitInclusion)
	if !errors.Is(err, types.ErrNetworkDoesNotExist) {
		t.Errorf("registration on subnet 999 in a block: %v, want ErrNetworkDoesNotExist", err)
	}
	if _, err := c.GetHyperparameters(ctx, 999, 0); !errors.Is(err, types.ErrNetworkDoesNotExist) {
		t.Errorf("hyperparameters of subnet 999: %v", err)
	}
	if _, err := c.NeuronForHotkey(ctx, 1, id(pauper), 0); !errors.Is(err, types.ErrNotRegistered) {
		t.Errorf("neuron of an unregistered hotkey: %v", err)
	}
}

// A subnet's life on the real runtime: created, a neuron registered by
// burn, its axon served, weights set; read back through the runtime APIs.
func TestSubstrateSubnetLifecycle(t *testing.T) {
	c, ch := connectSubstrate(t)
	ctx := context.Background()
	alice, owner := key(t, "//Alice"), key(t, "//Subtensor//Owner")
	miner := key(t, "//Subtensor//Miner")
	for _, k := range []*wallet.Keypair{owner, miner} {
		if _, err := c.Transfer(ctx, alice, id(k), balance.FromTAO(1000), true, subtensor.WaitInclusion); err != nil {
			t.Fatal(err)
		}
	}
	// Subnet registration is rate limited per block: let the chain move on.
	lc, err := c.GetLockCost(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := c.GetCurrentBlock(ctx); cur < lc.NextAllowedBlock {
		if _, err := ch.NewBlocks(ctx, int(lc.NextAllowedBlock-cur)+1); err != nil {
			t.Fatal(err)
		}
	}
	ownerHot := key(t, "//Subtensor//Owner//hot")
	paid, err := c.GetBalance(ctx, id(owner), 0)
	if err != nil {
		t.Fatal(err)
	}
	netuid, res, err := c.RegisterNetwork(ctx, owner, id(ownerHot), 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	left, err := c.GetBalance(ctx, id(owner), 0)
	if err != nil {
		t.Fatal(err)
	}
	// The lock cost decays block by block after a registration (earlier
	// tests may have registered subnets): the runtime locks what it costs
	// in the registration's block, at most what was quoted before, and
	// records it as the last lock cost.
	after, err := c.GetLockCost(ctx, res.Height)
	if err != nil {
		t.Fatal(err)
	}
	locked := after.LastLockCost
	if paid-left != balance.Balance(locked)+res.Fee || locked > lc.LockCost || locked == 0 {
		t.Errorf("registering subnet %d cost %s; it locked %s (quoted %s) and the fee was %s", netuid, paid-left, balance.Balance(locked), balance.Balance(lc.LockCost), res.Fee)
	}
	info, err := c.GetSubnet(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.Owner != id(owner) || info.RegisteredAt != res.Height || info.N != 1 {
		t.Errorf("subnet %d: owner %s registered %d n %d; want %s, %d, 1 (the owner's hotkey)", netuid, info.Owner, info.RegisteredAt, info.N, id(owner), res.Height)
	}
	subnets, err := c.GetSubnets(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range subnets {
		found = found || s.Netuid == netuid
	}
	if !found {
		t.Errorf("subnet %d not among %d subnets", netuid, len(subnets))
	}

	minerHot := key(t, "//Subtensor//Miner//hot")
	uid, res, err := c.BurnedRegister(ctx, miner, netuid, id(minerHot), 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.NeuronsLite(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	var me *types.NeuronInfo
	for i := range ns.Neurons {
		if ns.Neurons[i].Hotkey == id(minerHot) {
			me = &ns.Neurons[i]
		}
	}
	if me == nil || me.UID != uid || me.Coldkey != id(miner) || me.RegisteredAt != res.Height {
		t.Fatalf("registered uid %d at %d; neurons %+v", uid, res.Height, ns.Neurons)
	}
	if got, ok, err := c.UIDForHotkey(ctx, netuid, id(minerHot), 0); err != nil || !ok || got != uid {
		t.Errorf("uid for hotkey: %d %v %v", got, ok, err)
	}

	if _, err := c.ServeAxon(ctx, minerHot, netuid, subtensor.AxonEndpoint{IP: "203.0.113.7", Port: 8091, Protocol: 4, Version: 901}, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	n, err := c.NeuronForHotkey(ctx, netuid, id(minerHot), 0)
	if err != nil {
		t.Fatal(err)
	}
	if n.Axon.IP != "203.0.113.7" || n.Axon.Port != 8091 || n.Axon.Version != 901 || n.Axon.IPType != 4 {
		t.Errorf("served axon reads back as %+v", n.Axon)
	}
	// The owner sets an owner hyperparameter (weights may be set at once);
	// the sudo key a root one.
	if _, err := c.SetHyperparameter(ctx, owner, netuid, "weights_set_rate_limit", 0, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetHyperparameter(ctx, alice, netuid, "tempo", 7, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetHyperparameter(ctx, owner, netuid, "tempo", 8, subtensor.WaitInclusion); !errors.Is(err, types.ErrBadOrigin) {
		t.Errorf("the owner setting a root hyperparameter: %v, want BadOrigin", err)
	}
	if _, err := c.SetWeights(ctx, minerHot, netuid, []uint16{uid}, []uint16{65535}, 0, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	full, err := c.Neurons(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, nr := range full.Neurons {
		if nr.UID == uid && (len(nr.Weights) != 1 || nr.Weights[0] != [2]uint16{uid, 65535}) {
			t.Errorf("weights of uid %d read back as %v", uid, nr.Weights)
		}
	}
	// polkadot-js reads the same weights.
	var w [][2]int
	if err := ch.PolkadotJS(ctx, `const api = await env.api();
		return (await api.query.subtensorModule.weights(env.args.netuid, env.args.uid)).toJSON();`,
		map[string]int{"netuid": int(netuid), "uid": int(uid)}, &w); err != nil {
		t.Fatal(err)
	}
	if len(w) != 1 || w[0] != [2]int{int(uid), 65535} {
		t.Errorf("polkadot-js reads weights %v", w)
	}

	h, err := c.GetHyperparameters(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.Tempo != 7 || h.WeightsSetRateLimit != 0 {
		t.Errorf("hyperparameters after setting: tempo %d rate limit %d", h.Tempo, h.WeightsSetRateLimit)
	}
}
