package rootnet

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestRootOnDevChain drives the root group against a real dev node: three
// dev accounts register root hotkeys (and so fill the senate), one sets,
// boosts and slashes root weights, the dev triumvirate proposes a
// hyperparameter change that the senate approves and anyone closes (it is
// applied), a second proposal is rejected (not applied), bad governance
// input is refused by name, and a coldkey delegates and undelegates.
func TestRootOnDevChain(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	ctx := context.Background()
	h := newHarness(t, dev.RPC, false, "")
	_, aliceHot := h.addWallet("alice", "//Alice", "//Alice//hot")
	h.addWallet("bob", "//Bob", "//Bob//hot")
	charlie, charlieHot := h.addWallet("charlie", "//Charlie", "//Charlie//hot")
	senators := []string{"dave", "eve", "ferdie"}
	senatorHot := map[string]types.AccountID{}
	for _, name := range senators {
		uri := "//" + strings.ToUpper(name[:1]) + name[1:]
		_, senatorHot[name] = h.addWallet(name, uri, uri+"//root")
	}
	alice, _ := wallet.KeypairFromURI("//Alice")
	netuid, _, err := c.RegisterNetwork(ctx, alice, types.AccountID{}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}

	// root register: the first three take the senate's seats.
	for i, name := range senators {
		var r registerResult
		h.json(&r, "register", "--wallet.name", name)
		if r.UID != uint16(i) || !r.Senator || r.AlreadyRegistered || r.Hotkey != senatorHot[name] {
			t.Errorf("register %s: %+v", name, r)
		}
	}
	var again registerResult
	h.json(&again, "register", "--wallet.name", "dave")
	if !again.AlreadyRegistered || again.UID != 0 || again.Tx != "" {
		t.Errorf("second register: %+v", again)
	}
	h.must("list")
	if !strings.HasPrefix(h.out.String(), "UID\tNAME\tADDRESS\tSTAKE(τ)\tSENATOR\n0\t\t"+senatorHot["dave"].String()+"\tτ0.000000000\tYes\n") {
		t.Errorf("root list:\n%s", h.out)
	}
	h.must("senate")
	if lines := strings.Split(strings.TrimSpace(h.out.String()), "\n"); len(lines) != 4 || lines[0] != "NAME\tADDRESS" {
		t.Errorf("root senate:\n%s", h.out)
	}

	// Root weights: set (normalised preview on stderr), boost, slash.
	var wr weightsResult
	h.json(&wr, "weights", "--wallet.name", "dave", "--netuids", "0,"+itoa(netuid), "--weights", "1,3")
	if len(wr.Values) != 2 || wr.Values[0] != 21845 || wr.Values[1] != 65535 || wr.Weights[0] != 0.25 {
		t.Errorf("weights result %+v", wr)
	}
	if !strings.Contains(h.errOut.String(), "0\t0.250000\t21845") {
		t.Errorf("weights preview %q", h.errOut)
	}
	h.must("get_weights")
	if !strings.Contains(h.out.String(), "UID\t0\t"+itoa(netuid)+"\n0\t25.00%\t75.00%\n1\t-\t-\n") {
		t.Errorf("get_weights:\n%s", h.out)
	}
	h.must("boost", "--wallet.name", "dave", "--netuid", itoa(netuid), "--increase", "0.25")
	if row := rootRow(t, c, 0); len(row) != 2 || row[0] != [2]uint16{0, 16384} || row[1] != [2]uint16{netuid, 65535} {
		t.Errorf("after boost: %v", row)
	}
	h.must("slash", "--wallet.name", "dave", "--netuid", "0", "--amount", "1")
	if row := rootRow(t, c, 0); len(row) != 1 || row[0] != [2]uint16{netuid, 65535} {
		t.Errorf("after slash: %v", row)
	}
	if err := h.run("weights", "--wallet.name", "dave", "--netuids", "77", "--weights", "1"); !errors.Is(err, types.ErrInvalidUID) {
		t.Errorf("root weights on a missing subnet: %v", err)
	}
	if err := h.run("boost", "--wallet.name", "charlie", "--netuid", "0", "--increase", "1"); !errors.Is(err, types.ErrNotRegistered) || !strings.Contains(err.Error(), "root weights not sent") {
		t.Errorf("boost by a hotkey not on root: %v", err)
	}

	// A governance round: Alice proposes tempo 33, two of three senators
	// vote aye, Charlie (not a member of anything) closes: applied.
	var prop proposeResult
	h.json(&prop, "propose", "--wallet.name", "alice", "--param", "tempo", "--netuid", itoa(netuid), "--value", "33")
	if prop.Call != "AdminUtils.sudo_set_tempo(netuid: "+itoa(netuid)+", value: 33)" {
		t.Errorf("propose: %+v", prop)
	}
	var ps types.ProposalsInfo
	h.json(&ps, "proposals")
	if len(ps.Proposals) != 1 || ps.Proposals[0].Hash != prop.Hash || ps.Proposals[0].Threshold != 2 || ps.SenateSize != 3 {
		t.Fatalf("proposals %+v", ps)
	}
	hash := prop.Hash.String()
	if err := h.run("close", "--wallet.name", "charlie", "--proposal", hash); !errors.Is(err, types.ErrTooEarly) {
		t.Errorf("early close: %v", err)
	}
	var v voteResult
	h.json(&v, "senate_vote", "--wallet.name", "dave", "--proposal", hash, "--vote", "aye")
	if v.Vote != "aye" || v.Ayes != 1 || v.Index != prop.Index {
		t.Errorf("vote %+v", v)
	}
	if err := h.run("senate_vote", "--wallet.name", "dave", "--proposal", hash, "--vote", "aye"); !errors.Is(err, types.ErrDuplicateVote) {
		t.Errorf("same vote twice: %v", err)
	}
	if err := h.run("senate_vote", "--wallet.name", "charlie", "--proposal", hash, "--vote", "aye"); !errors.Is(err, types.ErrNotSenateMember) {
		t.Errorf("vote by a non-senator: %v", err)
	}
	h.must("proposals")
	if !strings.Contains(h.out.String(), senatorHot["dave"].String()+": Aye") || !strings.Contains(h.out.String(), prop.Call) {
		t.Errorf("proposals table:\n%s", h.out)
	}
	h.must("senate_vote", "--wallet.name", "eve", "--proposal", hash[:12]+"…", "--vote", "yes") // a prefix, as a narrow table shows it
	var cr closeResult
	h.json(&cr, "close", "--wallet.name", "charlie", "--proposal", hash)
	if !cr.Approved || !cr.Executed || cr.Ayes != 2 || cr.Error != "" {
		t.Errorf("close: %+v", cr)
	}
	if hp, _ := c.GetHyperparameters(ctx, netuid, 0); hp.Tempo != 33 {
		t.Errorf("tempo %d after the approved proposal", hp.Tempo)
	}
	if err := h.run("senate_vote", "--wallet.name", "ferdie", "--proposal", hash, "--vote", "nay"); err == nil || !strings.Contains(err.Error(), "no open proposal") {
		t.Errorf("vote after close: %v", err)
	}

	// A rejected proposal: two nays; closing shows it, nothing applied.
	h.json(&prop, "propose", "--wallet.name", "bob", "--param", "tempo", "--netuid", itoa(netuid), "--value", "44")
	hash = prop.Hash.String()
	h.must("senate_vote", "--wallet.name", "dave", "--proposal", hash, "--vote", "nay")
	h.must("senate_vote", "--wallet.name", "ferdie", "--proposal", hash, "--vote", "nay")
	h.must("close", "--wallet.name", "alice", "--proposal", hash)
	if !strings.Contains(h.out.String(), "closed with 0 ayes and 2 nays: disapproved") {
		t.Errorf("rejected close: %s", h.out)
	}
	if hp, _ := c.GetHyperparameters(ctx, netuid, 0); hp.Tempo != 33 {
		t.Errorf("tempo %d after the rejected proposal", hp.Tempo)
	}

	// Bad input, refused by name with nothing sent.
	for _, tt := range []struct {
		args []string
		want *types.Error
	}{
		{[]string{"propose", "--wallet.name", "dave", "--param", "tempo", "--netuid", itoa(netuid), "--value", "50"}, types.ErrNotMember},
		{[]string{"propose", "--wallet.name", "alice", "--param", "tempo", "--netuid", itoa(netuid), "--value", "50", "--duration", "5"}, types.ErrWrongDuration},
	} {
		if err := h.run(tt.args...); !errors.Is(err, tt.want) {
			t.Errorf("%v: %v, want %s", tt.args, err, tt.want.Name)
		}
	}
	if err := h.run("close", "--wallet.name", "alice", "--proposal", types.Hash{7}.String()); err == nil || !strings.Contains(err.Error(), "no open proposal") {
		t.Errorf("close of an unknown proposal: %v", err)
	}
	if ps, _ := c.Proposals(ctx, 0); len(ps.Proposals) != 0 {
		t.Errorf("proposals left open: %+v", ps)
	}

	// Without --no_prompt and without a terminal nothing is sent; at a
	// terminal, "n" sends nothing.
	h.f.NoPrompt = false
	if err := h.run("propose", "--wallet.name", "alice", "--param", "tempo", "--netuid", itoa(netuid), "--value", "50"); err == nil || !strings.Contains(err.Error(), "--no_prompt") {
		t.Errorf("propose without a terminal: %v", err)
	}
	ht := newHarness(t, dev.RPC, true, "n\n")
	ht.dir = h.dir
	if err := ht.run("weights", "--wallet.name", "dave", "--wallet.hotkey", "default", "--netuids", "0", "--weights", "1"); !errors.Is(err, cmdutil.ErrCancel) {
		t.Errorf("declined weights: %v", err)
	}
	if row := rootRow(t, c, 0); len(row) != 1 || row[0][0] != netuid {
		t.Errorf("declined weights were set: %v", row)
	}
	h.f.NoPrompt = true

	// Delegation: root validators are delegates; Charlie nominates Dave's.
	daveHot := senatorHot["dave"].String()
	var rows []delegateRow
	h.json(&rows, "list_delegates")
	if len(rows) != 3 || rows[0].Take != 11796 {
		t.Errorf("list_delegates %+v", rows)
	}
	var dr delegateResult
	h.json(&dr, "delegate", "--wallet.name", "charlie", "--delegate_ss58key", daveHot, "--amount", "10")
	if dr.Amount != balance.FromTAO(10).RAO() || dr.Stake != dr.Amount || dr.Coldkey != charlie {
		t.Errorf("delegate %+v", dr)
	}
	var mine []myDelegateRow
	h.json(&mine, "my_delegates", "--all")
	if len(mine) != 1 || mine[0].Wallet != "charlie" || mine[0].Amount != dr.Amount || mine[0].Delegate != senatorHot["dave"] {
		t.Errorf("my_delegates --all %+v", mine)
	}
	h.must("list_delegates")
	if lines := strings.Split(h.out.String(), "\n"); !strings.HasPrefix(lines[1], "0\t\t"+daveHot+"\t1\tτ0.000000000\tτ10.000000000\t") {
		t.Errorf("list_delegates table:\n%s", h.out)
	}
	h.json(&dr, "undelegate", "--wallet.name", "charlie", "--delegate_ss58key", daveHot, "--all")
	if dr.Stake != 0 || dr.Amount != balance.FromTAO(10).RAO() {
		t.Errorf("undelegate --all %+v", dr)
	}
	if err := h.run("delegate", "--wallet.name", "charlie", "--delegate_ss58key", charlieHot.String(), "--amount", "1"); !errors.Is(err, types.ErrNotRegistered) || !strings.Contains(err.Error(), "delegate not sent") {
		t.Errorf("delegate to a non-delegate: %v", err)
	}

	// nominate: Alice's hotkey, registered on the subnet, becomes a delegate.
	if _, _, err := c.BurnedRegister(ctx, alice, netuid, aliceHot, 0, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	h.must("nominate", "--wallet.name", "alice")
	if d, err := c.GetDelegate(ctx, aliceHot, 0); err != nil || d.Take != 11796 {
		t.Errorf("after nominate: %+v %v", d, err)
	}
	if err := h.run("nominate", "--wallet.name", "alice"); !errors.Is(err, types.ErrAlreadyDelegate) {
		t.Errorf("nominate twice: %v", err)
	}
}

// rootRow is the stored root weights of root uid.
func rootRow(t *testing.T, c *subtensor.CometBFTClient, uid uint16) types.Row {
	t.Helper()
	rw, err := c.GetRootWeights(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rw.Rows {
		if r.UID == uid {
			return r.Weights
		}
	}
	t.Fatalf("no root uid %d", uid)
	return nil
}

func itoa(n uint16) string { return strconv.Itoa(int(n)) }
