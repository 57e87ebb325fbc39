package wallet

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// parseOpts runs a command's flag parsing and returns the options its run
// function would get, or the error.
func parseOpts[T any](t *testing.T, newCmd func(*cmdutil.Factory, func(*T) error) *cobra.Command, args ...string) (*T, error) {
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

func wantFlagError(t *testing.T, err error, want string) {
	t.Helper()
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want a usage error with %q", err, want)
	}
}

func TestParseBalance(t *testing.T) {
	o, err := parseOpts(t, NewCmdBalance, "--ss58", alice+","+bob, "--json", "--block", "3")
	if err != nil || !slices.Equal(o.SS58, []string{alice, bob}) || !o.JSON || o.Block != 3 {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := parseOpts(t, NewCmdBalance, "--all"); err != nil || !o.All {
		t.Errorf("--all: %+v, %v", o, err)
	}
	_, err = parseOpts(t, NewCmdBalance, "--ss58", "5Grw")
	wantFlagError(t, err, `--ss58 "5Grw"`)
	_, err = parseOpts(t, NewCmdBalance, "--ss58", alice, "--all")
	wantFlagError(t, err, "cannot be used together")
}

func TestParseOverview(t *testing.T) {
	o, err := parseOpts(t, NewCmdOverview, "--all", "--width", "120", "--wallet.sort_by", "STAKE", "--sort_order", "desc",
		"--exclude_hotkeys", "a,b", "--wallet.all_hotkeys", "--netuid", "1", "--netuid", "3,4")
	if err != nil || !o.All || o.Width != 120 || o.SortBy != "STAKE" || o.SortOrder != "desc" || !slices.Equal(o.Hotkeys, []string{"a", "b"}) ||
		!o.AllHotkeys || !slices.Equal(o.Netuids, []int{1, 3, 4}) {
		t.Fatalf("%+v, %v", o, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sort_by", "nosuch"}, `--sort_by "nosuch": choose one of coldkey, hotkey, uid`},
		{[]string{"--sort_order", "up"}, `--sort_order "up"`},
		{[]string{"--netuid", "70000"}, "--netuid 70000"},
	} {
		_, err := parseOpts(t, NewCmdOverview, tt.args...)
		wantFlagError(t, err, tt.want)
	}
}

func TestParseInspectAndSwapHotkey(t *testing.T) {
	if o, err := parseOpts(t, NewCmdInspect, "--all", "--json"); err != nil || !o.All || !o.JSON {
		t.Errorf("inspect: %+v, %v", o, err)
	}
	o, err := parseOpts(t, NewCmdSwapHotkey, "--wallet.name", "w", "--wallet.hotkey", "old", "--wallet.hotkey_b", "new")
	if err != nil || o.Wallet.Hotkey != "old" || o.HotkeyB != "new" {
		t.Errorf("swap_hotkey: %+v, %v", o, err)
	}
}

func TestOverviewFormatting(t *testing.T) {
	for _, tt := range []struct {
		v    uint64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1_000"}, {1234567, "1_234_567"}} {
		if got := group(tt.v); got != tt.want {
			t.Errorf("group(%d) = %q, want %q", tt.v, got, tt.want)
		}
	}
	ns := []overviewNeuron{{UID: 2, Stake: 5}, {UID: 0, Stake: 5}, {UID: 1, Stake: 9}}
	sortNeurons(ns, "stake", true)
	if ns[0].UID != 1 || ns[1].UID != 2 || ns[2].UID != 0 {
		t.Errorf("by stake, descending: %v", ns)
	}
	sortNeurons(ns, "", false)
	if ns[0].UID != 0 || ns[2].UID != 2 {
		t.Errorf("by uid: %v", ns)
	}
}
