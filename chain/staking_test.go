package chain

import (
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

func TestStakeAndDelegate(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob", "//Charlie"))
	bob, charlie := key(t, "//Bob"), key(t, "//Charlie")
	c.run()
	netuid := c.createSubnet(bob)
	hot := id(t, "//Bob/hot")
	c.burnRegister(bob, netuid, hot)
	is := c.issuance()

	before := c.account(bob).Free
	evs := c.must(bob, &types.AddStake{Hotkey: hot, Amount: 40 * tao})
	mustEqual(t, "StakeAdded amount", eventInt(t, evs, "StakeAdded", "amount"), 40*tao)
	mustEqual(t, "bob's balance", c.account(bob).Free, before-40*tao)
	mustEqual(t, "issuance (stake still exists)", c.issuance(), is)
	c.must(bob, &types.RemoveStake{Hotkey: hot, Amount: 15 * tao})
	mustEqual(t, "bob's balance", c.account(bob).Free, before-25*tao)

	// Charlie cannot stake on Bob's hotkey until it is a delegate.
	c.failsCleanly(charlie, &types.AddStake{Hotkey: hot, Amount: tao}, types.ErrNonAssociatedColdKey)
	evs = c.must(bob, &types.BecomeDelegate{Hotkey: hot})
	mustEqual(t, "take", eventInt(t, evs, "DelegateAdded", "take"), 11796)
	c.must(charlie, &types.AddStake{Hotkey: hot, Amount: 10 * tao})

	var d types.DelegateInfo
	c.query(types.QueryDelegate+"/"+hot.String(), 0, &d)
	if d.Owner != id(t, "//Bob") || d.Take != 11796 || d.TotalStake != 35*tao || len(d.Nominators) != 2 ||
		len(d.Registrations) != 1 || d.Registrations[0] != netuid || len(d.ValidatorPermits) != 0 {
		t.Errorf("delegate = %+v", d)
	}
	var all []types.DelegateInfo
	c.query(types.QueryDelegates, 0, &all)
	if len(all) != 1 || all[0].Hotkey != hot {
		t.Errorf("delegates = %+v", all)
	}
	var delegated []types.DelegatedInfo
	c.query(types.QueryDelegated+"/"+id(t, "//Charlie").String(), 0, &delegated)
	if len(delegated) != 1 || delegated[0].Amount != 10*tao || delegated[0].Delegate.Hotkey != hot {
		t.Errorf("charlie's delegated = %+v", delegated)
	}
	c.query(types.QueryDelegated+"/"+id(t, "//Bob").String(), 0, &delegated)
	if len(delegated) != 0 {
		t.Errorf("bob's own hotkey counted as delegated: %+v", delegated)
	}
	var si types.StakeInfo
	c.query(types.QueryStake+"/"+id(t, "//Charlie").String()+"/"+hot.String(), 0, &si)
	mustEqual(t, "charlie's stake", si.Amount, 10*tao)
	var cs types.ColdkeyStake
	c.query(types.QueryStake+"/"+id(t, "//Bob").String(), 0, &cs)
	if cs.TotalStake != 25*tao || len(cs.Stakes) != 1 || len(cs.OwnedHotkeys) != 1 || cs.OwnedHotkeys[0] != hot || cs.LastTxBlock != uint64(c.height-1) {
		t.Errorf("bob's stake = %+v", cs)
	}
	var ts types.TotalStakeInfo
	c.query(types.QueryTotalStake, 0, &ts)
	mustEqual(t, "total stake", ts.TotalStake, 35*tao)
	// Unstaking everything removes the entry.
	c.must(charlie, &types.RemoveStake{Hotkey: hot, Amount: 10 * tao})
	c.query(types.QueryStake+"/"+id(t, "//Charlie").String(), 0, &cs)
	if cs.TotalStake != 0 || len(cs.Stakes) != 0 {
		t.Errorf("charlie after unstaking all = %+v", cs)
	}
}

func TestStakeFailures(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie")
	g.Balances = append(g.Balances, GenesisBalance{Address: id(t, "//Poor"), Free: tao})
	// //Empty has 100 RAO staked on its hotkey and no free balance.
	g.Subnets = []GenesisSubnet{{Netuid: 5, Owner: id(t, "//Alice"), Neurons: []GenesisNeuron{
		{Hotkey: id(t, "//Empty/hot"), Coldkey: id(t, "//Empty"), Stake: 100},
	}}}
	c := newSubtensorChain(t, g)
	bob, charlie, poor := key(t, "//Bob"), key(t, "//Charlie"), key(t, "//Poor")
	c.run()
	netuid := c.createSubnet(bob)
	hot, stranger := id(t, "//Bob/hot"), id(t, "//Nobody/hot")
	c.burnRegister(bob, netuid, hot)
	c.must(bob, &types.AddStake{Hotkey: hot, Amount: 5 * tao})

	c.failsCleanly(bob, &types.AddStake{Hotkey: hot, Amount: 20_000 * tao}, types.ErrNotEnoughBalanceToStake)
	c.failsCleanly(bob, &types.AddStake{Hotkey: stranger, Amount: tao}, types.ErrNotRegistered)
	c.failsCleanly(charlie, &types.AddStake{Hotkey: hot, Amount: tao}, types.ErrNonAssociatedColdKey)
	poorHot := id(t, "//Poor/hot")
	c.must(bob, &types.Transfer{Dest: id(t, "//Poor"), Value: tao})
	c.burnRegister(poor, netuid, poorHot)
	err := c.failsCleanly(poor, &types.AddStake{Hotkey: poorHot, Amount: c.account(poor).Free}, types.ErrBalanceWithdrawalError)
	mustContain(t, err, "existential deposit")

	c.failsCleanly(bob, &types.RemoveStake{Hotkey: stranger, Amount: tao}, types.ErrNotRegistered)
	c.failsCleanly(charlie, &types.RemoveStake{Hotkey: hot, Amount: tao}, types.ErrNonAssociatedColdKey)
	c.failsCleanly(bob, &types.RemoveStake{Hotkey: hot, Amount: 0}, types.ErrNotEnoughStakeToWithdraw)
	c.failsCleanly(bob, &types.RemoveStake{Hotkey: hot, Amount: 5*tao + 1}, types.ErrNotEnoughStakeToWithdraw)

	c.failsCleanly(bob, &types.BecomeDelegate{Hotkey: stranger}, types.ErrNotRegistered)
	c.failsCleanly(charlie, &types.BecomeDelegate{Hotkey: hot}, types.ErrNonAssociatedColdKey)
	c.must(bob, &types.BecomeDelegate{Hotkey: hot})
	c.failsCleanly(bob, &types.BecomeDelegate{Hotkey: hot}, types.ErrAlreadyDelegate)

	// A stake below the existential deposit cannot be unstaked into an
	// empty coldkey (the reference would destroy it).
	empty := key(t, "//Empty")
	err = c.failsCleanly(empty, &types.RemoveStake{Hotkey: id(t, "//Empty/hot"), Amount: 100}, types.ErrExistentialDeposit)
	mustContain(t, err, "would be lost", "unstake at least 500 RAO")

	// The per-coldkey rate limit covers add_stake, remove_stake and
	// become_delegate.
	c.setGlobal(types.CallSudoSetTxRateLimit, 5)
	c.must(charlie, &types.AddStake{Hotkey: hot, Amount: tao})
	err = c.failsCleanly(charlie, &types.AddStake{Hotkey: hot, Amount: tao}, types.ErrTxRateLimitExceeded)
	mustContain(t, err, "wait 5 more blocks (rate limit 5)")
	c.failsCleanly(charlie, &types.RemoveStake{Hotkey: hot, Amount: tao}, types.ErrTxRateLimitExceeded)
	ch := id(t, "//Charlie/hot")
	c.burnRegister(charlie, netuid, ch)
	c.failsCleanly(charlie, &types.BecomeDelegate{Hotkey: ch}, types.ErrTxRateLimitExceeded)
	for i := 0; i < 3; i++ {
		c.run()
	}
	c.must(charlie, &types.BecomeDelegate{Hotkey: ch})
}
