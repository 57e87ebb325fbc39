package stake

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// RemoveOptions are the options of `stake remove`.
type RemoveOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Targets   HotkeyFlags
	Amount    string // TAO
	All       bool
	MaxStake  string // TAO
	Netuid    cmdutil.NetuidFlag
	Safety    SafetyFlags
	JSON      bool

	cmd      *cobra.Command
	amount   balance.Balance
	maxStake balance.Balance
}

// NewCmdRemove returns `stake remove`.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "remove",
		Short: "Unstake TAO from hotkeys back to the wallet's coldkey",
		Long: `Move the wallet coldkey's stake on hotkeys back to its free balance: the
wallet's hotkey (asked for: a name or an address), --hotkey_ss58address,
--hotkeys, or every hotkey of the wallet with --all_hotkeys.

How much: --amount TAO from each hotkey; --all of this coldkey's stake on
each; --max_stake TAO leaves at most that much on each. The plan is shown
and confirmed before anything is sent.

On a dynamic-TAO chain (Bittensor's networks) stake is per subnet: --netuid
names it, --amount is in the subnet's alpha, and the alpha is sold through
the subnet's pool. Each move is quoted first (TAO expected, price, slippage)
and refused when the price would move beyond --tolerance (default 0.005);
the runtime's remove_stake_limit enforces the limit on chain where it
exists.`,
		Example: `  btcli stake remove --wallet.name alice --wallet.hotkey miner1 --amount 2
  btcli stake remove --wallet.name bob --hotkey_ss58address 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY --all`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
	opts.cmd = cmd
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	addHotkeyFlags(cmd, &opts.Targets)
	fs := cmd.Flags()
	fs.StringVar(&opts.Targets.SS58, "hotkey_ss58address", "", "Unstake from this hotkey address")
	cmdutil.AliasFlag(cmd, "hotkey_ss58", "hotkey_ss58address")
	fs.StringVar(&opts.Amount, "amount", "", "TAO to unstake from each hotkey, e.g. 1.5")
	fs.BoolVar(&opts.All, "all", false, "Unstake all of this coldkey's stake on each hotkey")
	fs.StringVar(&opts.MaxStake, "max_stake", "", "Leave at most this much TAO staked on each hotkey")
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	addSafetyFlags(cmd, &opts.Safety)
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func (o *RemoveOptions) parse() error {
	if err := o.Targets.check(); err != nil {
		return err
	}
	if err := o.Netuid.Check(); err != nil {
		return err
	}
	if err := o.Safety.check(); err != nil {
		return err
	}
	n := 0
	for _, set := range []bool{o.Amount != "", o.All, o.MaxStake != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return cmdutil.FlagErrorf("give only one of --amount, --all and --max_stake")
	}
	var err error
	if o.Amount != "" {
		if o.amount, err = parseAmount("--amount", o.Amount); err != nil {
			return err
		}
	}
	if o.MaxStake != "" {
		if o.maxStake, err = balance.ParseTAO(o.MaxStake); err != nil {
			return cmdutil.FlagErrorf("--max_stake: %v", err)
		}
	}
	return nil
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	cold := types.AccountID(pub.PublicKey())
	targets, err := opts.Targets.resolve(f, w, opts.cmd, "Enter hotkey name or ss58_address to unstake from")
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	d, dynamic := cmdutil.Dynamic(c)
	if opts.Amount == "" && !opts.All && opts.MaxStake == "" {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("give --amount, --all or --max_stake")
		}
		question := "Enter Tao amount to unstake"
		if dynamic {
			question = "Enter alpha amount to unstake" // a subnet's stake is in its alpha
		}
		s, err := f.Prompter().Input(question, "")
		if err != nil {
			return err
		}
		if opts.amount, err = parseAmount("amount", s); err != nil {
			return err
		}
	}
	if dynamic {
		return removeDynamic(ctx, opts, c, d, w, cold, targets)
	}
	amounts := make([]balance.Balance, len(targets))
	var plan []string
	for i, t := range targets {
		have, err := c.GetStake(ctx, cold, t.Hotkey, 0)
		if err != nil {
			return err
		}
		switch {
		case opts.All:
			amounts[i] = have
		case opts.MaxStake != "":
			if have > opts.maxStake {
				amounts[i] = have - opts.maxStake
			}
		default:
			amounts[i] = opts.amount
		}
		if amounts[i] == 0 {
			fmt.Fprintf(f.IOStreams.ErrOut, "Skipping %s: nothing to unstake (stake %s)\n", t, have)
			continue
		}
		plan = append(plan, fmt.Sprintf("    - %s: %s of %s", t, amounts[i], have))
	}
	if len(plan) == 0 {
		return fmt.Errorf("nothing to unstake")
	}
	free, err := c.GetBalance(ctx, cold, 0)
	if err != nil {
		return err
	}
	return applyPlan(ctx, planRun{
		factory: f, wallet: w, coldkey: cold, free: free, json: opts.JSON,
		question: fmt.Sprintf("Do you want to unstake from the following keys to %s:\n%s", w.Name, strings.Join(plan, "\n")),
		targets:  targets, amounts: amounts,
		what:   func(t target) string { return "unstake from " + t.String() },
		done:   func(a balance.Balance, t target) string { return fmt.Sprintf("Unstaked %s from %s", a, t) },
		send:   c.RemoveStake,
		client: c,
	})
}
