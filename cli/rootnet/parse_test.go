package rootnet

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// parse runs a command built by newCmd with args, its runF capturing the
// options; it returns the error (a FlagError for misuse).
func parse(t *testing.T, newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) error {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	cmd := newCmd(&cmdutil.Factory{IOStreams: ios, NoPrompt: true})
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

func TestParseWeights(t *testing.T) {
	var got *WeightsOptions
	newCmd := func(f *cmdutil.Factory) *cobra.Command {
		return NewCmdWeights(f, func(o *WeightsOptions) error { got = o; return nil })
	}
	if err := parse(t, newCmd, "--netuids", "[1, 2]", "--weights", "0.5,10"); err != nil {
		t.Fatal(err)
	}
	if len(got.netuids) != 2 || got.netuids[1] != 2 || got.weights[0] != 0.5 || got.weights[1] != 10 {
		t.Errorf("parsed %v %v", got.netuids, got.weights)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--netuids", "1,2", "--weights", "1"}, "2 netuids but 1 weights"},
		{[]string{"--netuids", "1,x", "--weights", "1,1"}, `"x" is not a netuid`},
		{[]string{"--netuids", "1", "--weights", "-1"}, `"-1" is not a weight`},
		{[]string{"--netuids", "1,1", "--weights", "1,1"}, "netuid 1 twice"},
		{[]string{"--netuids", "1"}, "required"},
	} {
		err := parse(t, newCmd, tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want a flag error saying %q", tt.args, err, tt.want)
		}
	}
}

func TestParseGovernance(t *testing.T) {
	var prop *ProposeOptions
	newPropose := func(f *cmdutil.Factory) *cobra.Command {
		return NewCmdPropose(f, func(o *ProposeOptions) error { prop = o; return nil })
	}
	if err := parse(t, newPropose, "--param", "tempo", "--netuid", "3", "--value", "20", "--duration", "40"); err != nil {
		t.Fatal(err)
	}
	if s, ok := prop.call.(*types.SudoSet); !ok || s.CallName() != types.CallSudoSetTempo || s.Netuid != 3 || s.Value != 20 || prop.Duration != 40 {
		t.Errorf("propose --param: %#v", prop.call)
	}
	if err := parse(t, newPropose, "--param", "network_registration_allowed", "--netuid", "1", "--value", "false"); err != nil {
		t.Fatal(err)
	}
	if err := parse(t, newPropose, "--param", "subnet_limit", "--value", "20"); err != nil {
		t.Fatal(err)
	}
	if s := prop.call.(*types.SudoSet); s.CallName() != types.CallSudoSetSubnetLimit || s.Value != 20 {
		t.Errorf("propose a chain-wide parameter: %#v", s)
	}
	who := "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"
	if err := parse(t, newPropose, "--call", types.CallTriumvirateAddMember, "--args", `{"who": "`+who+`"}`); err != nil {
		t.Fatal(err)
	}
	if m, ok := prop.call.(*types.AddMember); !ok || m.Who.String() != who || m.Collective() != types.Triumvirate {
		t.Errorf("propose --call: %#v", prop.call)
	}
	var vote *SenateVoteOptions
	newVote := func(f *cmdutil.Factory) *cobra.Command {
		return NewCmdSenateVote(f, func(o *SenateVoteOptions) error { vote = o; return nil })
	}
	hash := types.Hash{0xab}.String()
	if err := parse(t, newVote, "--proposal", hash, "--vote", "Nay"); err != nil {
		t.Fatal(err)
	}
	if vote.hash.hash != (types.Hash{0xab}) || vote.approve == nil || *vote.approve {
		t.Errorf("senate_vote: %+v", vote)
	}
	var del *DelegateOptions
	newUndelegate := func(f *cmdutil.Factory) *cobra.Command {
		return NewCmdUndelegate(f, func(o *DelegateOptions) error { del = o; return nil })
	}
	if err := parse(t, newUndelegate, "--delegate_ss58", who, "--all"); err != nil {
		t.Fatal(err)
	}
	if !del.Undelegate || !del.All || del.delegate.String() != who {
		t.Errorf("undelegate: %+v", del)
	}

	noop := func(o any) error { return nil }
	for _, tt := range []struct {
		newCmd func(*cmdutil.Factory) *cobra.Command
		args   []string
		want   string
	}{
		{newPropose, []string{"--param", "tempo", "--value", "1"}, "--netuid is required"},
		{newPropose, []string{"--param", "nope", "--value", "1"}, "no such parameter"},
		{newPropose, []string{"--param", "tempo", "--netuid", "1", "--value", "x"}, "want a whole number"},
		{newPropose, []string{"--param", "tempo", "--call", "x"}, "not both"},
		{newPropose, []string{"--call", "Nope.nope"}, "UnknownCall"},
		{newPropose, []string{"--call", types.CallSudoSetTempo, "--args", `{"netuid": 1, "velue": 2}`}, "unknown field"},
		{newPropose, nil, "give --param"},
		{newVote, []string{"--vote", "aye"}, "--proposal is required"},
		{newVote, []string{"--proposal", "0x12", "--vote", "aye"}, "64 hex"},
		{newVote, []string{"--proposal", hash, "--vote", "maybe"}, "want aye or nay"},
		{func(f *cmdutil.Factory) *cobra.Command {
			return NewCmdClose(f, func(o *CloseOptions) error { return noop(o) })
		}, nil, "--proposal is required"},
		{newUndelegate, []string{"--amount", "1"}, "--delegate_ss58key is required"},
		{newUndelegate, []string{"--delegate_ss58key", who, "--amount", "1", "--all"}, "not both"},
		{newUndelegate, []string{"--delegate_ss58key", who, "--amount", "0"}, "more than 0"},
		{func(f *cmdutil.Factory) *cobra.Command {
			return NewCmdBoost(f, func(o *BoostOptions) error { return noop(o) })
		}, []string{"--netuid", "1"}, "--increase must be more than 0"},
		{func(f *cmdutil.Factory) *cobra.Command {
			return NewCmdSlash(f, func(o *BoostOptions) error { return noop(o) })
		}, []string{"--decrease", "0.1"}, "--netuid is required"},
	} {
		err := parse(t, tt.newCmd, tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want a flag error saying %q", tt.args, err, tt.want)
		}
	}
}

func TestFormatCall(t *testing.T) {
	call, err := types.EncodeCall(types.NewSwapMember(types.Senate, types.AccountID{1}, types.AccountID{2}))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := types.NewProposalCall(call)
	if err != nil {
		t.Fatal(err)
	}
	want := "SenateMembers.swap_member(remove: " + types.AccountID{1}.String() + ", add: " + types.AccountID{2}.String() + ")"
	if got := formatCall(pc); got != want {
		t.Errorf("formatCall = %q, want %q", got, want)
	}
	set, _ := types.NewSudoSet(types.CallSudoSetTempo, 1, 33)
	call, _ = types.EncodeCall(set)
	pc, _ = types.NewProposalCall(call)
	if got := formatCall(pc); got != "AdminUtils.sudo_set_tempo(netuid: 1, value: 33)" {
		t.Errorf("formatCall = %q", got)
	}
}

// TestHashPrefix: --proposal takes a whole hash or, as a fitted table
// shows it, its first characters (a pasted "…" and what follows it
// ignored).
func TestHashPrefix(t *testing.T) {
	whole := types.Hash{0xab, 0xcd}.String()
	tests := []struct {
		in, prefix string
		err        bool
	}{
		{whole, "", false},
		{"0xabcd0000", "abcd0000", false},
		{"0xABCD00001…", "abcd00001", false},
		{"abcd0000ff", "abcd0000ff", false},
		{"0xabcd", "", true},
		{"0xnothex00", "", true},
	}
	for _, tt := range tests {
		ref, err := parseHashFlag("proposal", tt.in)
		if (err != nil) != tt.err || err == nil && ref.prefix != tt.prefix {
			t.Errorf("%q: %+v, %v; want prefix %q, error %v", tt.in, ref, err, tt.prefix, tt.err)
		}
	}
}
