package chain

import (
	"errors"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

func sudo(t *testing.T, call string, netuid uint16, v uint64) *types.SudoSet {
	t.Helper()
	a, err := types.NewSudoSet(call, netuid, v)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Every setter of the table sets its parameter, readable in the subnet's
// hyperparameters or the chain's params.
func TestEverySetterSetsItsParameter(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	c.run()
	netuid := c.createSubnet(bob)
	for _, s := range types.ParamSetters() {
		var before uint64
		var h types.Hyperparams
		c.query(types.QueryHyperparams+"/1", 0, &h)
		p := c.state().Params()
		if s.Param == "rao_recycled" {
			before = 0
		} else if v, ok := s.Get(&h, &p.Subtensor); ok {
			before = v
		} else {
			t.Fatalf("%s: no value", s.Call)
		}
		v := before + 1
		if before == s.Max {
			v = before - 1
		}
		if s.Call == types.CallSudoSetMaxAllowedValidators {
			v = 2
		}
		c.must(alice, sudo(t, s.Call, netuid, v))
		c.query(types.QueryHyperparams+"/1", 0, &h)
		p = c.state().Params()
		var got uint64
		if s.Param == "rao_recycled" {
			var info types.SubnetInfo
			c.query(types.QuerySubnet+"/1", 0, &info)
			got = info.RAORecycledForRegistration
		} else {
			got, _ = s.Get(&h, &p.Subtensor)
		}
		if got != v {
			t.Errorf("%s: %s = %d after setting %d", s.Call, s.Param, got, v)
		}
	}
}

func TestSetterOrigins(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob", "//Charlie"))
	bob, charlie := key(t, "//Bob"), key(t, "//Charlie")
	c.run()
	netuid := c.createSubnet(bob)
	// The owner may set owner-settable parameters, not root-only ones;
	// another coldkey may set neither.
	c.must(bob, sudo(t, types.CallSudoSetImmunityPeriod, netuid, 77))
	c.failsCleanly(bob, sudo(t, types.CallSudoSetTempo, netuid, 5), types.ErrBadOrigin)
	c.failsCleanly(charlie, sudo(t, types.CallSudoSetImmunityPeriod, netuid, 5), types.ErrBadOrigin)
	c.failsCleanly(bob, sudo(t, types.CallSudoSetTxRateLimit, 0, 5), types.ErrBadOrigin)
	c.failsCleanly(bob, sudo(t, types.CallSudoSetImmunityPeriod, 0, 5), types.ErrBadOrigin)
	c.failsCleanly(bob, sudo(t, types.CallSudoSetImmunityPeriod, 7, 5), types.ErrBadOrigin)
	c.failsCleanly(key(t, "//Alice"), sudo(t, types.CallSudoSetImmunityPeriod, 7, 5), types.ErrAdminNetworkDoesNotExist)
	var h types.Hyperparams
	c.query(types.QueryHyperparams+"/1", 0, &h)
	mustEqual(t, "immunity period", h.ImmunityPeriod, 77)

	// A chain without a sudo key has no Root but governance.
	g := subtensorGenesis(t, "//Alice")
	g.Sudo = nil
	c2 := newSubtensorChain(t, g)
	c2.run()
	c2.failsCleanly(key(t, "//Alice"), sudo(t, types.CallSudoSetTxRateLimit, 0, 5), types.ErrBadOrigin)
}

func TestSetterRanges(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	c.run()
	netuid := c.createSubnet(bob)
	c.burnRegister(bob, netuid, id(t, "//Bob/1"))
	c.burnRegister(bob, netuid, id(t, "//Bob/2"))
	out := types.ErrAdminStorageValueOutOfRange
	for _, tt := range []struct {
		call   string
		netuid uint16
		v      uint64
		want   *types.Error
		says   string
	}{
		{types.CallSudoSetTempo, netuid, 0, out, "tempo 0"},
		{types.CallSudoSetTempo, netuid, 65536, out, "above its largest value 65535"},
		{types.CallSudoSetTargetRegistrationsPerInterval, netuid, 0, out, "1 to 32767"},
		{types.CallSudoSetTargetRegistrationsPerInterval, netuid, 32768, out, "1 to 32767"},
		{types.CallSudoSetAdjustmentInterval, netuid, 0, out, "at least 1"},
		{types.CallSudoSetBondsMovingAverage, netuid, 1_000_001, out, "at most 1000000"},
		{types.CallSudoSetNetworkRegistrationAllowed, netuid, 2, out, "largest value 1"},
		{types.CallSudoSetMaxAllowedUids, netuid, 2, types.ErrAdminMaxAllowedUIDsNotAllowed, "has 2 neurons"},
		{types.CallSudoSetMaxAllowedValidators, netuid, 257, out, "above max_allowed_uids 256"},
		{types.CallSudoSetRho, 0, 100, out, "overflows the root epoch's sigmoid"},
		{types.CallSudoSetLockReductionInterval, 0, 0, out, "at least 1 block"},
		{types.CallSudoSetNetworkMinLockCost, 0, 499, out, "below the existential deposit"},
		{types.CallSudoSetDefaultTake, 0, 65536, out, "largest value 65535"},
	} {
		err := c.failsCleanly(alice, sudo(t, tt.call, tt.netuid, tt.v), tt.want)
		mustContain(t, err, tt.says)
	}
	// Rho 60 is fine on root with kappa 0.5 (|x| ≤ 30), not with kappa 1.0;
	// a large rho is fine on a subnet, where no sigmoid runs.
	c.must(alice, sudo(t, types.CallSudoSetRho, 0, 60))
	err := c.failsCleanly(alice, sudo(t, types.CallSudoSetKappa, 0, 65535), out)
	mustContain(t, err, "overflows")
	c.must(alice, sudo(t, types.CallSudoSetRho, netuid, 1000))
	c.must(alice, sudo(t, types.CallSudoSetMaxAllowedUids, netuid, 3))
}

// runAsRoot is how governance will act: admin calls succeed with Root
// origin, and all or nothing; signed-only calls refuse it.
func TestRunAsRoot(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob")
	g.Sudo = nil
	st := NewState(newCache(emptyKV{}))
	g.apply(st, "root-test")
	evs, err := runAsRoot(st, 5, sudo(t, types.CallSudoSetTxRateLimit, 0, 42))
	if err != nil || len(evs) != 1 || evs[0].Type != "ParameterSet" {
		t.Fatalf("root setter: %v %v", evs, err)
	}
	mustEqual(t, "tx rate limit", st.Params().Subtensor.TxRateLimit, 42)
	if _, err := runAsRoot(st, 5, sudo(t, types.CallSudoSetTempo, 0, 0)); !errors.Is(err, types.ErrAdminStorageValueOutOfRange) {
		t.Errorf("bad value as root: %v", err)
	}
	mustEqual(t, "root tempo unchanged", st.Hyperparams(0).Tempo, g.Root.Tempo)
	if _, err := runAsRoot(st, 5, &types.AddStake{Hotkey: id(t, "//Bob"), Amount: 1}); !errors.Is(err, types.ErrBadOrigin) {
		t.Errorf("signed-only call as root: %v", err)
	}
	if _, err := runAsRoot(st, 5, &types.RegisterNetwork{}); !errors.Is(err, types.ErrBadOrigin) {
		t.Errorf("register_network as root: %v", err)
	}
}
