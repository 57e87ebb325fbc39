package subtensor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/subtensor"
)

// Stake per subnet on the dynamic-TAO runtime, without building a block
// (the package's chain is shared; btcli's end-to-end test in package cli
// stakes and unstakes): the pools, the runtime's lack of the limit calls
// named, and the child-key reads.
func TestSubstrateSubnetStake(t *testing.T) {
	c, _ := connectSubstrate(t)
	ctx := context.Background()
	alice := key(t, "//Alice")
	pools, err := c.SubnetPools(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pools) < 2 || pools[0].Netuid != 0 || !pools[0].Stable || pools[1].Stable || pools[0].Height == 0 {
		t.Fatalf("pools %+v", pools)
	}
	if q := pools[0].QuoteStake(balance.FromTAO(3).RAO()); q.Out != 3*balance.RAOPerTAO || q.Slippage != 0 {
		t.Errorf("the root network's stable pool quotes %+v", q)
	}
	one, err := c.SubnetPool(ctx, pools[1].Netuid, pools[0].Height)
	if err != nil || one.TaoIn != pools[1].TaoIn || one.AlphaIn != pools[1].AlphaIn {
		t.Errorf("subnet %d's pool alone: %+v, %v; among all: %+v", pools[1].Netuid, one, err, pools[1])
	}
	if _, err := c.SubnetPool(ctx, 999, 0); err == nil || !strings.Contains(err.Error(), "subnet 999 does not exist") {
		t.Errorf("an unknown subnet's pool: %v", err)
	}
	if ok, err := c.HasCall(ctx, "SubtensorModule", "add_stake_limit"); ok || err != nil {
		t.Errorf("spec 218 has add_stake_limit: %v %v", ok, err)
	}
	if ok, err := c.HasCall(ctx, "SubtensorModule", "move_stake"); !ok || err != nil {
		t.Errorf("spec 218 lacks move_stake: %v %v", ok, err)
	}
	_, _, err = c.AddSubnetStake(ctx, alice, id(alice), 0, balance.FromTAO(1), &subtensor.PriceLimit{Price: 1}, subtensor.WaitInclusion)
	if !errors.Is(err, subtensor.ErrNotSupported) || !strings.Contains(err.Error(), "SubtensorModule.add_stake_limit") {
		t.Errorf("a limit on a runtime without add_stake_limit: %v", err)
	}
	_, _, err = c.RemoveSubnetStake(ctx, alice, id(alice), 0, 1, &subtensor.PriceLimit{Price: 1}, subtensor.WaitInclusion)
	if !errors.Is(err, subtensor.ErrNotSupported) || !strings.Contains(err.Error(), "SubtensorModule.remove_stake_limit") {
		t.Errorf("a limit on a runtime without remove_stake_limit: %v", err)
	}
	if kids, err := c.Children(ctx, id(alice), pools[1].Netuid, 0); err != nil || len(kids) != 0 {
		t.Errorf("children %v, %v", kids, err)
	}
	if _, err := c.Children(ctx, id(alice), 999, 0); err == nil {
		t.Errorf("children on an unknown subnet: no error")
	}
}
