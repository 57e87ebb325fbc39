package stake

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// AddOptions are the options of `stake add`.
type AddOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Targets   HotkeyFlags
	Amount    string // TAO
	All       bool
	MaxStake  string // TAO
	UID       int    // -1: not given
	Netuid    cmdutil.NetuidFlag
	Safety    SafetyFlags
	JSON      bool

	cmd      *cobra.Command
	amount   balance.Balance
	maxStake balance.Balance
}

// NewCmdAdd returns `stake add`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Stake TAO from the wallet's coldkey on hotkeys",
		Long: `Stake TAO from the wallet's coldkey on one or more hotkeys: the wallet's
hotkey (asked for: a name or an address), --hotkeys, every hotkey of the
wallet with --all_hotkeys, or the hotkey at --uid of --netuid. A hotkey the
coldkey does not own must be a delegate.

How much: --amount TAO on each hotkey; --max_stake TAO tops each hotkey's
stake from this coldkey up to that much; --all stakes the whole free balance
(less the existential deposit), split evenly. The plan is shown and confirmed
before anything is sent.

On a dynamic-TAO chain (Bittensor's networks) stake is per subnet: --netuid
names it (0 is the root network, in TAO), and the TAO buys the subnet's alpha
through its pool. Each move is quoted first (alpha expected, price, slippage)
and refused when the price would move beyond --tolerance (default 0.005,
0.5%); the runtime's add_stake_limit enforces the limit on chain where it
exists.`,
		Example: `  btcli stake add --wallet.name alice --wallet.hotkey miner1 --amount 10
  btcli stake add --wallet.name alice --all_hotkeys --max_stake 100
  btcli stake add --wallet.name bob --hotkeys 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY --amount 5
  btcli stake add --wallet.name alice --netuid 2 --amount 10 --tolerance 0.01   # a dynamic-TAO subnet`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	opts.cmd = cmd
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	addHotkeyFlags(cmd, &opts.Targets)
	fs := cmd.Flags()
	fs.StringVar(&opts.Amount, "amount", "", "TAO to stake on each hotkey, e.g. 1.5")
	fs.BoolVar(&opts.All, "all", false, "Stake the whole free balance")
	fs.StringVar(&opts.MaxStake, "max_stake", "", "Stake up to this much TAO on each hotkey (counting what this coldkey has there)")
	fs.IntVar(&opts.UID, "uid", -1, "Stake on the hotkey at this uid of --netuid")
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	addSafetyFlags(cmd, &opts.Safety)
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func (o *AddOptions) parse() error {
	if err := o.Targets.check(); err != nil {
		return err
	}
	if err := o.Safety.check(); err != nil {
		return err
	}
	if err := o.Netuid.Check(); err != nil {
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
	if o.UID >= 0 {
		if !o.Netuid.Given() {
			return cmdutil.FlagErrorf("--uid needs --netuid")
		}
		if o.UID > 65535 {
			return cmdutil.FlagErrorf("--uid %d: a uid is from 0 to 65535", o.UID)
		}
		if len(o.Targets.Hotkeys) > 0 || o.Targets.AllHotkeys {
			return cmdutil.FlagErrorf("--uid cannot be used with --hotkeys or --all_hotkeys")
		}
	} else if o.cmd != nil && o.cmd.Flags().Changed("uid") {
		return cmdutil.FlagErrorf("--uid %d: a uid is from 0 to 65535", o.UID)
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

// parseAmount reads a positive TAO amount exactly.
func parseAmount(flag, s string) (balance.Balance, error) {
	a, err := balance.ParseTAO(strings.TrimSpace(s))
	if err != nil {
		return 0, cmdutil.FlagErrorf("%s: %v", flag, err)
	}
	if a == 0 {
		return 0, cmdutil.FlagErrorf("%s must be more than 0", flag)
	}
	return a, nil
}

// stakeStep is one stake or unstake done, for --json.
type stakeStep struct {
	Hotkey types.AccountID `json:"hotkey"`
	Name   string          `json:"name,omitempty"`
	Amount uint64          `json:"amount"` // RAO
	Stake  uint64          `json:"stake"`  // RAO this coldkey has on the hotkey after
	Block  uint64          `json:"block"`
	Tx     string          `json:"tx"`
}

// stakeResult is the --json output of stake add and remove.
type stakeResult struct {
	Coldkey       types.AccountID `json:"coldkey"`
	Steps         []stakeStep     `json:"steps"`
	BalanceBefore uint64          `json:"balance_before"` // RAO
	BalanceAfter  uint64          `json:"balance_after"`  // RAO
}

func addRun(ctx context.Context, opts *AddOptions) error {
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
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	if d, ok := cmdutil.Dynamic(c); ok {
		return addDynamic(ctx, opts, c, d, w, cold)
	}
	var targets []target
	if opts.UID >= 0 {
		netuid := uint16(opts.Netuid.Value)
		if _, err := cmdutil.RequireSubnet(ctx, c, netuid); err != nil {
			return err
		}
		n, err := c.Neuron(ctx, netuid, uint16(opts.UID), 0)
		if err != nil {
			return fmt.Errorf("uid %d of subnet %d: %w", opts.UID, netuid, cmdutil.QueryError("stake", err))
		}
		targets = []target{{Hotkey: n.Hotkey}}
	} else if targets, err = opts.Targets.resolve(f, w, opts.cmd, "Enter hotkey name or ss58_address to stake to"); err != nil {
		return err
	}
	if opts.Amount == "" && !opts.All && opts.MaxStake == "" {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("give --amount, --all or --max_stake")
		}
		s, err := f.Prompter().Input("Enter Tao amount to stake", "")
		if err != nil {
			return err
		}
		if opts.amount, err = parseAmount("amount", s); err != nil {
			return err
		}
	}
	free, err := c.GetBalance(ctx, cold, 0)
	if err != nil {
		return err
	}
	ed, err := c.ExistentialDeposit(ctx)
	if err != nil {
		return err
	}
	quote, err := c.AddStake(ctx, subtensor.Unsigned(cold), targets[0].Hotkey, 1, subtensor.FeeOnly)
	if err != nil {
		return err
	}
	fee := quote.Fee
	// What stays spendable: the free balance less the existential deposit
	// and every transaction's fee.
	spendable := int64(free.RAO()) - int64(ed.RAO()) - int64(fee.RAO())*int64(len(targets))
	amounts := make([]balance.Balance, len(targets))
	switch {
	case opts.All:
		if spendable <= 0 {
			return fmt.Errorf("nothing to stake: %s has %s free and must keep %s", cold, free, ed)
		}
		each := balance.Balance(uint64(spendable) / uint64(len(targets)))
		if each == 0 {
			return fmt.Errorf("nothing to stake: %s split %d ways is 0", balance.Balance(spendable), len(targets))
		}
		for i := range amounts {
			amounts[i] = each
		}
	case opts.MaxStake != "":
		left := max(spendable, 0)
		for i, t := range targets {
			have, err := c.GetStake(ctx, cold, t.Hotkey, 0)
			if err != nil {
				return err
			}
			if have >= opts.maxStake {
				fmt.Fprintf(f.IOStreams.ErrOut, "Skipping %s: its stake of %s is already at least --max_stake %s\n", t, have, opts.maxStake)
				continue
			}
			amounts[i] = min(opts.maxStake-have, balance.Balance(left))
			left -= int64(amounts[i])
		}
	default:
		for i := range amounts {
			amounts[i] = opts.amount
		}
	}
	var total balance.Balance
	var plan []string
	for i, t := range targets {
		if amounts[i] > 0 {
			total += amounts[i]
			plan = append(plan, fmt.Sprintf("    - %s: %s", t, amounts[i]))
		}
	}
	if total == 0 {
		return fmt.Errorf("nothing to stake")
	}
	// The chain checks each move on its own (Preflight, in applyPlan);
	// whether their sum fits is the plan's question, which no single dry
	// run answers.
	if len(plan) > 1 && int64(total.RAO()) > spendable {
		fees := ""
		if f := balance.Balance(fee.RAO() * uint64(len(plan))); f > 0 {
			fees = " plus fees of " + f.String()
		}
		return fmt.Errorf("not enough balance: %s has %s free; staking %s in %d moves needs that much%s, keeping the existential deposit of %s",
			cold, free, total, len(plan), fees, ed)
	}
	return applyPlan(ctx, planRun{
		factory: f, wallet: w, coldkey: cold, free: free, json: opts.JSON,
		question: fmt.Sprintf("Do you want to stake to the following keys from %s:\n%s", w.Name, strings.Join(plan, "\n")),
		targets:  targets, amounts: amounts,
		what:   func(t target) string { return "stake on " + t.String() },
		done:   func(a balance.Balance, t target) string { return fmt.Sprintf("Staked %s on %s", a, t) },
		send:   c.AddStake,
		client: c,
	})
}
