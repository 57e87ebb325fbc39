package subtensor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/subtensor"
)

// Stake per subnet on the dynamic-TAO runtime: the root network's stable
// pool, the runtime's own refusal of the limit calls it lacks, and the
// child-key reads.
func TestSubstrateSubnetStake(t *testing.T) {
	c, _ := connectSubstrate(t)
	ctx := context.Background()
	alice, staker := key(t, "//Alice"), key(t, "//Subtensor//Staker")
	if _, err := c.Transfer(ctx, alice, id(staker), balance.FromTAO(50), true, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	pools, err := c.SubnetPools(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pools) < 2 || pools[0].Netuid != 0 || !pools[0].Stable || pools[1].Stable || pools[0].Height == 0 {
		t.Fatalf("pools %+v", pools)
	}
	if _, err := c.SubnetPool(ctx, 999, 0); err == nil || !strings.Contains(err.Error(), "subnet 999 does not exist") {
		t.Errorf("an unknown subnet's pool: %v", err)
	}
	if ok, err := c.HasCall(ctx, "SubtensorModule", "add_stake_limit"); ok || err != nil {
		t.Errorf("spec 218 has add_stake_limit: %v %v", ok, err)
	}
	_, _, err = c.AddSubnetStake(ctx, staker, id(alice), 0, balance.FromTAO(1), &subtensor.PriceLimit{Price: 1}, subtensor.WaitInclusion)
	if !errors.Is(err, subtensor.ErrNotSupported) || !strings.Contains(err.Error(), "SubtensorModule.add_stake_limit") {
		t.Errorf("a limit on a runtime without add_stake_limit: %v", err)
	}

	// A hotkey registered on subnet 1 by burn, staked on root: one TAO
	// buys one alpha, as the quote says.
	hot := key(t, "//Subtensor//Staker//hot")
	if _, _, err := c.BurnedRegister(ctx, staker, 1, id(hot), 0, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	root, err := c.SubnetPool(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	q := root.QuoteStake(balance.FromTAO(3).RAO())
	out, res, err := c.AddSubnetStake(ctx, staker, id(hot), 0, balance.FromTAO(3), nil, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if out.Tao != 3*balance.RAOPerTAO || out.Alpha != q.Out || q.Slippage != 0 {
		t.Errorf("staked %+v, quoted %+v", out, q)
	}
	stakes, err := c.AlphaStakes(ctx, id(staker), res.Height)
	if err != nil {
		t.Fatal(err)
	}
	var got uint64
	for _, s := range stakes {
		if s.Hotkey == id(hot) && s.Netuid == 0 {
			got = s.Alpha
		}
	}
	// At least what was bought: an epoch in the same block may add the
	// root network's dividends.
	if got < out.Alpha {
		t.Errorf("root stake %d after buying %d (%+v)", got, out.Alpha, stakes)
	}
	if total, err := c.HotkeyAlpha(ctx, id(hot), 0, res.Height); err != nil || total != got {
		t.Errorf("hotkey alpha %d, %v; the coldkey's %d", total, err, got)
	}
	back, _, err := c.RemoveSubnetStake(ctx, staker, id(hot), 0, balance.RAOPerTAO, nil, subtensor.WaitInclusion)
	if err != nil || back.Alpha != balance.RAOPerTAO || back.Tao != balance.RAOPerTAO {
		t.Errorf("unstaked %+v, %v", back, err)
	}

	kids, err := c.Children(ctx, id(hot), 1, 0)
	if err != nil || len(kids) != 0 {
		t.Errorf("children %v, %v", kids, err)
	}
	if _, err := c.Children(ctx, id(hot), 999, 0); err == nil {
		t.Errorf("children on an unknown subnet: no error")
	}
}
