package node_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
)

// On a real dev node, through the client: create a subnet, register three
// hotkeys (by burn and by proof of work), stake, become a delegate,
// nominate, set weights, serve an axon, and read it all back at the latest
// block and at an earlier one.
func TestDevNodeSubnetLifecycle(t *testing.T) {
	_, rpc := startDev(t, t.TempDir())
	c := connect(t, rpc)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	waitHeight(t, c, 2)
	alice, bob := mustKey(t, "//Alice"), mustKey(t, "//Bob")
	aliceID, bobID := types.AccountID(alice.PublicKey()), types.AccountID(bob.PublicKey())
	h1, h2, h3 := mustKey(t, "//Alice/h1"), mustKey(t, "//Bob/h2"), mustKey(t, "//Bob/h3")
	h1ID, h2ID, h3ID := types.AccountID(h1.PublicKey()), types.AccountID(h2.PublicKey()), types.AccountID(h3.PublicKey())

	quote, err := c.GetLockCost(ctx, 0)
	if err != nil || quote.LockCost == 0 {
		t.Fatalf("lock cost %+v, %v", quote, err)
	}
	netuid, res, err := c.RegisterNetwork(ctx, alice, types.AccountID{}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatalf("register network: %v", err)
	}
	created := res.Height
	if netuid != 1 {
		t.Fatalf("netuid %d", netuid)
	}
	// A tempo long enough that no epoch grants validator permits while the
	// test checks weights without one.
	if _, err := c.SetHyperparameter(ctx, alice, netuid, "tempo", 1000, subtensor.WaitInclusion); err != nil {
		t.Fatalf("set tempo: %v", err)
	}

	// Burned registrations; a maximum below the burn fails cleanly.
	hp, err := c.GetHyperparameters(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.BurnedRegister(ctx, alice, netuid, h1ID, balance.Balance(hp.Burn-1), subtensor.WaitInclusion); !errors.Is(err, types.ErrBurnAboveMaximum) {
		t.Fatalf("register above the maximum burn: %v", err)
	}
	uid1, res, err := c.BurnedRegister(ctx, alice, netuid, h1ID, 0, subtensor.WaitInclusion)
	if err != nil || uid1 != 0 {
		t.Fatalf("burned register h1: uid %d, %v", uid1, err)
	}
	firstReg := res.Height
	uid2, _, err := c.BurnedRegister(ctx, bob, netuid, h2ID, 0, subtensor.WaitInclusion)
	if err != nil || uid2 != 1 {
		t.Fatalf("burned register h2: uid %d, %v", uid2, err)
	}
	// Proof of work, signed by the hotkey, solved on every core.
	var progress []subtensor.PowProgress
	uid3, _, err := c.Register(ctx, h3, bobID, netuid, subtensor.RegisterOptions{Attempts: 10,
		Pow: subtensor.PowOptions{Batch: 20_000, Progress: func(p subtensor.PowProgress) { progress = append(progress, p) }}})
	if err != nil || uid3 != 2 {
		t.Fatalf("PoW register h3: uid %d, %v", uid3, err)
	}
	if len(progress) > 0 {
		t.Logf("PoW progress: %s", progress[len(progress)-1])
	}
	if _, _, err := c.Register(ctx, h3, bobID, netuid, subtensor.RegisterOptions{}); !errors.Is(err, types.ErrAlreadyRegistered) {
		t.Errorf("registering h3 again: %v", err)
	}

	// Stake, delegate, nominate.
	if _, err := c.AddStake(ctx, alice, h1ID, balance.FromTAO(10), subtensor.WaitInclusion); err != nil {
		t.Fatalf("add stake: %v", err)
	}
	if _, err := c.Nominate(ctx, bob, h1ID, balance.FromTAO(5), subtensor.WaitInclusion); !errors.Is(err, types.ErrNonAssociatedColdKey) {
		t.Fatalf("nominating a non-delegate: %v", err)
	}
	if _, err := c.BecomeDelegate(ctx, alice, h1ID, subtensor.WaitInclusion); err != nil {
		t.Fatalf("become delegate: %v", err)
	}
	if _, err := c.Nominate(ctx, bob, h1ID, balance.FromTAO(5), subtensor.WaitInclusion); err != nil {
		t.Fatalf("nominate: %v", err)
	}
	// Weights (a neuron without a validator permit sets its self-weight)
	// and an axon.
	if _, err := c.SetWeights(ctx, h2, netuid, []uint16{uid2}, []uint16{1}, 0, subtensor.WaitInclusion); err != nil {
		t.Fatalf("set weights: %v", err)
	}
	if _, err := c.SetWeights(ctx, h2, netuid, []uint16{0, 2}, []uint16{1, 1}, 0, subtensor.WaitInclusion); !errors.Is(err, types.ErrNoValidatorPermit) {
		t.Errorf("weights without a permit: %v", err)
	}
	res, err = c.ServeAxon(ctx, h1, netuid, subtensor.AxonEndpoint{IP: "203.0.113.1", Port: 8091, Protocol: 4, Version: 650}, subtensor.WaitInclusion)
	if err != nil {
		t.Fatalf("serve axon: %v", err)
	}
	served := res.Height

	// Everything reads back at the latest block.
	all, err := c.Neurons(ctx, netuid, 0)
	if err != nil || len(all.Neurons) != 3 {
		t.Fatalf("neurons: %+v, %v", all, err)
	}
	n1 := all.Neurons[0]
	if n1.Hotkey != h1ID || n1.Coldkey != aliceID || n1.TotalStake != balance.FromTAO(15).RAO() || len(n1.Stake) != 2 ||
		n1.Axon.IP != "203.0.113.1" || n1.Axon.Port != 8091 || n1.Axon.Block != served {
		t.Errorf("neuron 0 = %+v", n1)
	}
	if n2 := all.Neurons[1]; len(n2.Weights) != 1 || n2.Weights[0] != [2]uint16{1, 65535} || n2.Coldkey != bobID {
		t.Errorf("neuron 1 = %+v", n2)
	}
	if n3 := all.Neurons[2]; n3.Hotkey != h3ID || n3.Coldkey != bobID {
		t.Errorf("neuron 2 = %+v", n3)
	}
	if s, err := c.GetStake(ctx, bobID, h1ID, 0); err != nil || s != balance.FromTAO(5) {
		t.Errorf("bob's stake on h1: %s, %v", s, err)
	}
	ds, err := c.GetDelegates(ctx, 0)
	if err != nil || len(ds) != 1 || ds[0].Hotkey != h1ID || len(ds[0].Nominators) != 2 || ds[0].Registrations[0] != netuid {
		t.Errorf("delegates %+v, %v", ds, err)
	}
	if d, err := c.GetDelegated(ctx, bobID, 0); err != nil || len(d) != 1 || d[0].Amount != balance.FromTAO(5).RAO() {
		t.Errorf("bob's delegated %+v, %v", d, err)
	}
	info, err := c.GetSubnet(ctx, netuid, 0)
	if err != nil || info.Owner != aliceID || info.N != 3 || info.RegisteredAt != created {
		t.Errorf("subnet %+v, %v", info, err)
	}
	if n, err := c.NeuronForHotkey(ctx, netuid, h3ID, 0); err != nil || n.UID != 2 {
		t.Errorf("neuron for h3: %+v, %v", n, err)
	}

	// And as it was when only h1 was registered.
	old, err := c.Neurons(ctx, netuid, firstReg)
	if err != nil || old.Height != firstReg || len(old.Neurons) != 1 || old.Neurons[0].TotalStake != 0 || old.Neurons[0].Axon.Block != 0 {
		t.Errorf("neurons at block %d: %+v, %v", firstReg, old, err)
	}
	if ds, err := c.GetDelegates(ctx, firstReg); err != nil || len(ds) != 0 {
		t.Errorf("delegates at block %d: %+v, %v", firstReg, ds, err)
	}
	if ok, err := c.SubnetExists(ctx, netuid, created-1); err != nil || ok {
		t.Errorf("subnet before its registration: %v, %v", ok, err)
	}
}
