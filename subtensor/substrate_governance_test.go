package subtensor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
)

// TestSubstrateGovernance: the sudo key seats a triumvirate member and a
// senator, the member proposes a runtime call, the senator votes with the
// hotkey its coldkey owns, anyone closes; a second proposal is vetoed.
func TestSubstrateGovernance(t *testing.T) {
	c, ch := connectSubstrate(t)
	ctx := context.Background()
	alice := key(t, "//Alice")
	// The senator's hotkey needs an owner: it comes with a subnet.
	net := subnettest.New(t, ctx, c, ch, "//Gov//Owner", nil)
	owner, senator, stranger := net.Owner, net.OwnerHot, key(t, "//Gov//Stranger")
	subnettest.Fund(t, ctx, ch, stranger, balance.FromTAO(1000).RAO())

	if _, err := c.AddMember(ctx, owner, types.Triumvirate, id(owner), subtensor.WaitInclusion); !errors.Is(err, types.ErrBadOrigin) {
		t.Errorf("a non-sudo key seating itself: %v, want BadOrigin", err)
	}
	// The genesis fills the triumvirate: make room for //Alice.
	tri, err := c.Triumvirate(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tri.Members) > 0 && uint32(len(tri.Members)) >= tri.MaxMembers {
		if _, err := c.RemoveMember(ctx, alice, types.Triumvirate, tri.Members[0], subtensor.WaitInclusion); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []struct {
		col types.Collective
		who types.AccountID
	}{{types.Triumvirate, id(alice)}, {types.Senate, id(senator)}} {
		if _, err := c.AddMember(ctx, alice, m.col, m.who, subtensor.WaitInclusion); err != nil {
			t.Fatalf("seating %s in %s: %v", m.who, m.col, err)
		}
	}
	tri, err = c.Triumvirate(ctx, 0)
	if err != nil || !slices.Contains(tri.Members, id(alice)) {
		t.Fatalf("triumvirate %+v, %v", tri, err)
	}
	// One senator alone: a single aye decides (the threshold is half the
	// senate plus one, fixed when the proposal is made).
	senate, err := c.Senate(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range senate.Members {
		if m.Hotkey != id(senator) {
			if _, err := c.RemoveMember(ctx, alice, types.Senate, m.Hotkey, subtensor.WaitInclusion); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ok, err := c.IsSenateMember(ctx, id(senator), 0); err != nil || !ok {
		t.Fatalf("senator seated: %v %v", ok, err)
	}

	// The runtime's shortest motion (12 hours of blocks) is not in its
	// metadata (it depends on the block time the runtime was built for); a
	// million blocks is above it.
	const duration = 1_000_000
	rt, err := c.Substrate().Runtime(ctx, [32]byte{})
	if err != nil {
		t.Fatal(err)
	}
	remark, err := rt.EncodeCall("System", "remark", []byte("go-bittensor"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Propose(ctx, alice, &types.DissolveNetwork{Netuid: 1}, duration, subtensor.WaitInclusion); !errors.Is(err, subtensor.ErrNotSupported) {
		t.Errorf("Propose with a dev-chain call: %v, want ErrNotSupported", err)
	}
	if _, _, err := c.ProposeCall(ctx, stranger, remark, duration, subtensor.WaitInclusion); err == nil || !strings.Contains(err.Error(), "NotMember") {
		t.Errorf("a stranger proposing: %v, want NotMember", err)
	}
	ref, res, err := c.ProposeCall(ctx, alice, remark, duration, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	props, err := c.Proposals(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if props.SenateSize != 1 || len(props.Proposals) == 0 {
		t.Fatalf("proposals %+v", props)
	}
	p, err := c.Proposal(ctx, ref.Hash, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Index != ref.Index || p.Call.Name != "System.remark" || p.End != res.Height+duration || p.Threshold != 1 || len(p.Ayes) != 0 {
		t.Errorf("proposal %+v; want index %d, System.remark, end %d", p, ref.Index, res.Height+duration)
	}

	if _, err := c.Vote(ctx, stranger, id(senator), ref, true, subtensor.WaitInclusion); err == nil {
		t.Errorf("a coldkey voting with a hotkey it does not own: accepted")
	}
	if _, err := c.Vote(ctx, owner, id(senator), ref, true, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if p, err = c.Proposal(ctx, ref.Hash, 0); err != nil || len(p.Ayes) != 1 || p.Ayes[0] != id(senator) {
		t.Fatalf("after the vote: %+v %v", p, err)
	}
	out, _, err := c.CloseProposal(ctx, stranger, ref, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Approved || out.Yes != 1 || out.No != 0 || out.Err != nil {
		t.Errorf("close: %+v; want approved by one aye, the remark run", out)
	}
	if _, err := c.Proposal(ctx, ref.Hash, 0); !errors.Is(err, types.ErrNotFound) {
		t.Errorf("a closed proposal: %v, want ErrNotFound", err)
	}

	remark2, err := rt.EncodeCall("System", "remark", []byte("vetoed"))
	if err != nil {
		t.Fatal(err)
	}
	ref2, _, err := c.ProposeCall(ctx, alice, remark2, duration, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisapproveProposal(ctx, alice, ref2.Hash, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Proposal(ctx, ref2.Hash, 0); !errors.Is(err, types.ErrNotFound) {
		t.Errorf("a vetoed proposal: %v, want ErrNotFound", err)
	}
	if _, err := c.RemoveMember(ctx, alice, types.Senate, id(senator), subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.IsSenateMember(ctx, id(senator), 0); err != nil || ok {
		t.Errorf("senator after removal: %v %v", ok, err)
	}
}
