// Package stake holds the `btcli stake` command group: staking TAO from a
// coldkey on hotkeys (its own, or delegates'), unstaking it, and showing a
// wallet's stake.
package stake

import (
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// NewCmdStake returns the stake group (aliases st, stakes).
func NewCmdStake(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "stake <command>",
		Aliases: []string{"st", "stakes"},
		Short:   "Stake and unstake TAO on hotkeys",
		Long: `Stake and unstake TAO on hotkeys.

Stake moves TAO from a coldkey's free balance onto a hotkey, which the
coldkey owns or which is a delegate; it gives the hotkey's neurons weight in
their subnets and earns a share of their emission. Unstaking moves it back.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdShow(f, nil), NewCmdAdd(f, nil), NewCmdRemove(f, nil), NewCmdMove(f, nil), NewCmdChild(f), NewCmdChildkeyTake(f, nil))
	return cmd
}

// HotkeyFlags choose the hotkeys a stake command acts on.
type HotkeyFlags struct {
	// Hotkeys are names of the wallet's hotkeys or SS58 addresses. Without
	// AllHotkeys they are the hotkeys; with it, they are left out.
	Hotkeys    []string
	AllHotkeys bool
	// SS58 is one hotkey address (stake remove's --hotkey_ss58address).
	SS58 string
}

// target is a hotkey to act on: its name in the wallet ("" for an address
// given on the command line) and its key.
type target struct {
	Name   string
	Hotkey types.AccountID
}

// String is "name:address", or the address of a hotkey given by address.
func (t target) String() string {
	if t.Name == "" {
		return t.Hotkey.String()
	}
	return t.Name + ":" + t.Hotkey.String()
}

// check validates the flags' addresses.
func (h *HotkeyFlags) check() error {
	if h.SS58 != "" {
		if _, err := types.ParseAccountID(h.SS58); err != nil {
			return cmdutil.FlagErrorf("--hotkey_ss58address %q: %v", h.SS58, err)
		}
		if len(h.Hotkeys) > 0 || h.AllHotkeys {
			return cmdutil.FlagErrorf("--hotkey_ss58address cannot be used with --hotkeys or --all_hotkeys")
		}
	}
	for _, k := range h.Hotkeys {
		if looksLikeAddress(k) {
			if _, err := types.ParseAccountID(k); err != nil {
				return cmdutil.FlagErrorf("--hotkeys %q: %v", k, err)
			}
		}
	}
	return nil
}

// looksLikeAddress tells an SS58 address or hex key from a hotkey name:
// hotkey names are short, addresses 47–48 characters from 5….
func looksLikeAddress(s string) bool {
	return strings.HasPrefix(s, "0x") && len(s) == 66 || len(s) >= 46 && len(s) <= 48 && strings.HasPrefix(s, "5")
}

// resolve returns the hotkeys to act on: --hotkey_ss58address; the wallet's
// hotkeys with --all_hotkeys (minus --hotkeys); --hotkeys; or else the
// wallet's hotkey, which the user may be asked for (a name or an address,
// question). Duplicates are dropped, order kept.
func (h *HotkeyFlags) resolve(f *cmdutil.Factory, w *wallet.Wallet, cmd *cobra.Command, question string) ([]target, error) {
	var out []target
	seen := map[types.AccountID]bool{}
	add := func(t target) {
		if !seen[t.Hotkey] {
			seen[t.Hotkey] = true
			out = append(out, t)
		}
	}
	byName := func(name string) (target, error) {
		kp, err := wallet.New(w.Name, name, w.Path).HotkeyPub()
		if err != nil {
			return target{}, fmt.Errorf("hotkey %q of wallet %s: %w", name, w.Name, err)
		}
		return target{Name: name, Hotkey: types.AccountID(kp.PublicKey())}, nil
	}
	byEither := func(s string) (target, error) {
		if looksLikeAddress(s) {
			id, err := types.ParseAccountID(s)
			return target{Hotkey: id}, err
		}
		return byName(s)
	}
	switch {
	case h.SS58 != "":
		t, err := byEither(h.SS58)
		if err != nil {
			return nil, err
		}
		add(t)
	case h.AllHotkeys:
		names, err := w.HotkeyNames()
		if err != nil {
			return nil, err
		}
		skip := map[types.AccountID]bool{}
		for _, k := range h.Hotkeys {
			t, err := byEither(k)
			if err != nil {
				return nil, err
			}
			skip[t.Hotkey] = true
		}
		for _, n := range names {
			t, err := byName(n)
			if err != nil {
				fmt.Fprintf(f.IOStreams.ErrOut, "skipping %v\n", err)
				continue
			}
			if !skip[t.Hotkey] {
				add(t)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("wallet %s has no hotkeys to act on", w.Name)
		}
	case len(h.Hotkeys) > 0:
		for _, k := range h.Hotkeys {
			t, err := byEither(k)
			if err != nil {
				return nil, err
			}
			add(t)
		}
	default:
		name := w.HotkeyName
		if f.CanPrompt() && !cmd.Flags().Changed("wallet.hotkey") {
			s, err := f.Prompter().Input(question, name)
			if err != nil {
				return nil, err
			}
			name = strings.TrimSpace(s)
		}
		t, err := byEither(name)
		if err != nil {
			return nil, err
		}
		add(t)
	}
	return out, nil
}

func addHotkeyFlags(cmd *cobra.Command, h *HotkeyFlags) {
	fs := cmd.Flags()
	fs.StringSliceVar(&h.Hotkeys, "hotkeys", nil, "Hotkeys (names in the wallet or SS58 addresses); with --all_hotkeys, the ones to leave out")
	fs.BoolVar(&h.AllHotkeys, "all_hotkeys", false, "Every hotkey of the wallet (but those in --hotkeys)")
	cmdutil.AliasFlag(cmd, "wallet.hotkeys", "hotkeys")
	cmdutil.AliasFlag(cmd, "exclude_hotkeys", "hotkeys")
	cmdutil.AliasFlag(cmd, "wallet.exclude_hotkeys", "hotkeys")
	cmdutil.AliasFlag(cmd, "wallet.all_hotkeys", "all_hotkeys")
}
