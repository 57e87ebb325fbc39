package stake

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

func parse[T any](t *testing.T, newCmd func(*cmdutil.Factory, func(*T) error) *cobra.Command, args ...string) (*T, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *T
	cmd := newCmd(f, func(o *T) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	return got, cmd.Execute()
}

func isFlagError(err error, want string) bool {
	var fe *cmdutil.FlagError
	return errors.As(err, &fe) && strings.Contains(err.Error(), want)
}

const alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"

func TestParseAdd(t *testing.T) {
	o, err := parse(t, NewCmdAdd, "--wallet.name", "w", "--hotkeys", "h1,"+alice, "--hotkeys", "h2", "--amount", "1.000000001", "--json")
	if err != nil || o.Wallet.Name != "w" || strings.Join(o.Targets.Hotkeys, " ") != "h1 "+alice+" h2" || o.amount != 1_000_000_001 || !o.JSON || o.UID != -1 {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdAdd, "--all_hotkeys", "--exclude_hotkeys", "h3", "--max_stake", "100"); err != nil ||
		!o.Targets.AllHotkeys || o.Targets.Hotkeys[0] != "h3" || o.maxStake != balance.FromTAO(100) {
		t.Errorf("all hotkeys: %+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdAdd, "--uid", "4", "--netuid", "1", "--all"); err != nil || o.UID != 4 || o.Netuid.Value != 1 || !o.All {
		t.Errorf("uid: %+v, %v", o, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--amount", "1", "--all"}, "only one of"},
		{[]string{"--max_stake", "1", "--amount", "2"}, "only one of"},
		{[]string{"--amount", "0"}, "--amount must be more than 0"},
		{[]string{"--amount", "-3"}, "--amount"},
		{[]string{"--amount", "1e3"}, "--amount"},
		{[]string{"--amount", "0.0000000001"}, "--amount"},
		{[]string{"--max_stake", "x"}, "--max_stake"},
		{[]string{"--uid", "1"}, "--uid needs --netuid"},
		{[]string{"--uid", "70000", "--netuid", "1"}, "--uid 70000"},
		{[]string{"--uid", "-5"}, "--uid -5"},
		{[]string{"--uid", "1", "--netuid", "1", "--hotkeys", "h"}, "cannot be used with"},
		{[]string{"--hotkeys", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"}, "--hotkeys"},
	} {
		if _, err := parse(t, NewCmdAdd, tt.args...); !isFlagError(err, tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestParseRemove(t *testing.T) {
	o, err := parse(t, NewCmdRemove, "--hotkey_ss58address", alice, "--all")
	if err != nil || o.Targets.SS58 != alice || !o.All {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdRemove, "--hotkey_ss58", alice, "--max_stake", "2.5"); err != nil || o.maxStake != 2_500_000_000 {
		t.Errorf("alias: %+v, %v", o, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--hotkey_ss58address", "5Grw"}, "--hotkey_ss58address"},
		{[]string{"--hotkey_ss58address", alice, "--all_hotkeys"}, "cannot be used with"},
		{[]string{"--all", "--max_stake", "1"}, "only one of"},
		{[]string{"--amount", "abc"}, "--amount"},
	} {
		if _, err := parse(t, NewCmdRemove, tt.args...); !isFlagError(err, tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestParseShow(t *testing.T) {
	if o, err := parse(t, NewCmdShow, "--all", "--json", "--block", "9"); err != nil || !o.All || !o.JSON || o.Block != 9 {
		t.Errorf("%+v, %v", o, err)
	}
}

func TestMulDiv(t *testing.T) {
	for _, tt := range []struct{ a, b, c, want uint64 }{
		{10, 1, 2, 5}, {7, 3, 3, 7}, {1 << 63, 1 << 62, 1 << 63, 1 << 62}, {^uint64(0), ^uint64(0) - 1, ^uint64(0), ^uint64(0) - 1}, {5, 9, 3, 5},
	} {
		if got := mulDiv(tt.a, tt.b, tt.c); got != tt.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, want %d", tt.a, tt.b, tt.c, got, tt.want)
		}
	}
}

func TestParseDynamicFlags(t *testing.T) {
	o, err := parse(t, NewCmdAdd, "--netuid", "2", "--amount", "10", "--tolerance", "0.05", "--allow_partial")
	if err != nil || o.Netuid.Value != 2 || o.Safety.Tolerance != 0.05 || !o.Safety.AllowPartial || o.Safety.Unsafe {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdAdd, "--amount", "1"); err != nil || o.Safety.Tolerance != DefaultTolerance {
		t.Errorf("default tolerance: %+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdRemove, "--netuid", "3", "--amount", "1", "--rate_tolerance", "0.01", "--unsafe"); err != nil ||
		o.Netuid.Value != 3 || o.Safety.Tolerance != 0.01 || !o.Safety.Unsafe {
		t.Errorf("remove: %+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdMove, "--origin_netuid", "1", "--dest_netuid", "0", "--all"); err != nil || o.FromNetuid != 1 || o.ToNetuid != 0 || !o.All {
		t.Errorf("move: %+v, %v", o, err)
	}
	for _, tt := range []struct {
		newCmd func(*cmdutil.Factory) *cobra.Command
		args   []string
		want   string
	}{
		{func(f *cmdutil.Factory) *cobra.Command { return NewCmdAdd(f, func(*AddOptions) error { return nil }) }, []string{"--amount", "1", "--tolerance", "2"}, "--tolerance 2"},
		{func(f *cmdutil.Factory) *cobra.Command {
			return NewCmdRemove(f, func(*RemoveOptions) error { return nil })
		}, []string{"--amount", "1", "--tolerance", "-0.1"}, "--tolerance -0.1"},
		{func(f *cmdutil.Factory) *cobra.Command { return NewCmdMove(f, func(*MoveOptions) error { return nil }) }, []string{"--dest_netuid", "0", "--all"}, "--origin_netuid is required"},
		{func(f *cmdutil.Factory) *cobra.Command { return NewCmdMove(f, func(*MoveOptions) error { return nil }) }, []string{"--origin_netuid", "1", "--dest_netuid", "0"}, "one of --amount and --all"},
	} {
		ios, _, _, _ := cmdutil.Test()
		cmd := tt.newCmd(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }})
		cmd.SetArgs(tt.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if err := cmd.Execute(); !isFlagError(err, tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
}
