package rootnet

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// blocksPer4h is four hours of 12-second blocks: the window of
// list_delegates' CHANGE/(4h) column.
const blocksPer4h = 1200

// ListDelegatesOptions are the options of `root list_delegates`.
type ListDelegatesOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdListDelegates returns `root list_delegates`.
func NewCmdListDelegates(f *cmdutil.Factory, runF func(*ListDelegatesOptions) error) *cobra.Command {
	opts := &ListDelegatesOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "list_delegates",
		Short: "List the delegates, most stake first",
		Long: `List every delegate, most total stake first: its nominators, its owner's
stake, the total, the change over the last 1,200 blocks (four hours), the
subnets where it holds a validator permit, its take, and what it earned a day
at its last epochs per 1,000 TAO staked and for itself.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listDelegatesRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

// delegateRow is one delegate as list_delegates shows it (--json).
type delegateRow struct {
	types.DelegateInfo
	// OwnerStake is the owner's stake on the delegate, RAO.
	OwnerStake uint64 `json:"owner_stake"`
	// ActiveNominators counts the stakes above 0 (the owner's included).
	ActiveNominators int `json:"active_nominators"`
	// StakeChange4h is the relative change of the total stake over the last
	// 1,200 blocks (0 when unknown); ReturnPer1000 the RAO a day per 1,000
	// TAO staked.
	StakeChange4h float64 `json:"stake_change_4h"`
	ReturnPer1000 float64 `json:"return_per_1000"`
}

func listDelegatesRun(ctx context.Context, opts *ListDelegatesOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	head, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return err
	}
	ds, err := c.GetDelegates(ctx, head)
	if err != nil {
		return err
	}
	prev := map[types.AccountID]uint64{}
	if head > 1 {
		// A node that no longer keeps that height gives no comparison.
		if old, err := c.GetDelegates(ctx, max(1, head-min(head, blocksPer4h))); err == nil {
			for _, d := range old {
				prev[d.Hotkey] = d.TotalStake
			}
		}
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].TotalStake > ds[j].TotalStake })
	rows := make([]delegateRow, len(ds))
	for i, d := range ds {
		r := delegateRow{DelegateInfo: d}
		for _, n := range d.Nominators {
			if n.Amount > 0 {
				r.ActiveNominators++
			}
			if n.Coldkey == d.Owner {
				r.OwnerStake = n.Amount
			}
		}
		if p, ok := prev[d.Hotkey]; ok && p > 0 {
			r.StakeChange4h = (float64(d.TotalStake) - float64(p)) / float64(p)
		} else if ok {
			r.StakeChange4h = 1
		}
		r.ReturnPer1000 = float64(d.TotalDailyReturn) * 1000 / (0.001 + float64(d.TotalStake)/1e9)
		rows[i] = r
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, rows)
	}
	t := cmdutil.NewTablePrinter(f.IOStreams, "INDEX", "DELEGATE", "SS58", "NOMINATORS", "DELEGATE STAKE(τ)", "TOTAL STAKE(τ)",
		"CHANGE/(4h)", "VPERMIT", "TAKE", "NOMINATOR/(24h)/kτ", "DELEGATE/(24h)", "Desc")
	t.SetDropOrder("DELEGATE", "Desc", "INDEX", "CHANGE/(4h)", "DELEGATE/(24h)", "NOMINATOR/(24h)/kτ", "VPERMIT", "NOMINATORS", "TAKE")
	t.SetTitle(fmt.Sprintf("Delegates (block %d)", head))
	for i, r := range rows {
		t.AddRow(strconv.Itoa(i), "", r.Hotkey.String(), strconv.Itoa(r.ActiveNominators), balance.Balance(r.OwnerStake).String(),
			balance.Balance(r.TotalStake).String(), fmt.Sprintf("%.2f%%", 100*r.StakeChange4h), netuidList(r.ValidatorPermits),
			takePercent(r.Take), shortTAO(r.ReturnPer1000), shortTAO(float64(r.TotalDailyReturn)*float64(r.Take)/65535), "")
	}
	return t.Render()
}

func netuidList(ns []uint16) string {
	if len(ns) == 0 {
		return "-"
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(int(n))
	}
	return strings.Join(s, ",")
}

func takePercent(take uint16) string { return fmt.Sprintf("%.1f%%", 100*float64(take)/65535) }

// shortTAO formats RAO (possibly fractional) as TAO with four decimals.
func shortTAO(rao float64) string { return fmt.Sprintf("τ%.4f", rao/1e9) }

// MyDelegatesOptions are the options of `root my_delegates`.
type MyDelegatesOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	All bool
}

// NewCmdMyDelegates returns `root my_delegates`.
func NewCmdMyDelegates(f *cmdutil.Factory, runF func(*MyDelegatesOptions) error) *cobra.Command {
	opts := &MyDelegatesOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "my_delegates",
		Short: "List the delegates the wallet's coldkey stakes to",
		Long: `List the delegates the wallet's coldkey nominates (its stake on delegate hotkeys
it does not own), or those of every wallet under --wallet.path with --all.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return myDelegatesRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	cmd.Flags().BoolVar(&opts.All, "all", false, "Every wallet under --wallet.path")
	return cmd
}

// myDelegateRow is one of a wallet's delegations (--json).
type myDelegateRow struct {
	Wallet   string          `json:"wallet"`
	Coldkey  types.AccountID `json:"coldkey"`
	Delegate types.AccountID `json:"delegate"`
	// Amount is the wallet's stake on the delegate, RAO; DailyReturn its
	// share of the delegate's daily return after the take, RAO.
	Amount      uint64             `json:"amount"`
	DailyReturn float64            `json:"daily_return"`
	Info        types.DelegateInfo `json:"info"`
}

func myDelegatesRun(ctx context.Context, opts *MyDelegatesOptions) error {
	f := opts.Factory
	var wallets []*wallet.Wallet
	if opts.All {
		names, err := wallet.List(opts.Wallet.Path)
		if err != nil {
			return err
		}
		for _, n := range names {
			wallets = append(wallets, wallet.New(n, opts.Wallet.Hotkey, opts.Wallet.Path))
		}
	} else {
		w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
		if err != nil {
			return err
		}
		wallets = append(wallets, w)
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	rows := []myDelegateRow{}
	for _, w := range wallets {
		cold, err := coldkeyID(w)
		if err != nil {
			if opts.All {
				continue // a wallet without a readable coldkey
			}
			return err
		}
		ds, err := c.GetDelegated(ctx, cold, 0)
		if err != nil {
			return err
		}
		for _, d := range ds {
			share := 0.0
			if d.Delegate.TotalStake > 0 {
				share = float64(d.Amount) / float64(d.Delegate.TotalStake) * float64(d.Delegate.TotalDailyReturn) * (1 - float64(d.Delegate.Take)/65535)
			}
			rows = append(rows, myDelegateRow{Wallet: w.Name, Coldkey: cold, Delegate: d.Delegate.Hotkey, Amount: d.Amount, DailyReturn: share, Info: d.Delegate})
		}
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, rows)
	}
	t := cmdutil.NewTablePrinter(f.IOStreams, "Wallet", "OWNER", "SS58", "Delegation", "τ/24h", "NOMS", "OWNER STAKE(τ)",
		"TOTAL STAKE(τ)", "SUBNETS", "VPERMIT", "24h/kτ", "Desc")
	t.SetDropOrder("OWNER", "Desc", "NOMS", "OWNER STAKE(τ)", "SUBNETS", "VPERMIT", "24h/kτ", "τ/24h")
	for _, r := range rows {
		d := r.Info
		var owner uint64
		noms := 0
		for _, n := range d.Nominators {
			if n.Amount > 0 {
				noms++
			}
			if n.Coldkey == d.Owner {
				owner = n.Amount
			}
		}
		perK := float64(d.TotalDailyReturn) * 1000 / (0.001 + float64(d.TotalStake)/1e9)
		t.AddRow(r.Wallet, "", r.Delegate.String(), balance.Balance(r.Amount).String(), shortTAO(r.DailyReturn), strconv.Itoa(noms),
			balance.Balance(owner).String(), balance.Balance(d.TotalStake).String(), netuidList(d.Registrations),
			netuidList(d.ValidatorPermits), shortTAO(perK), "")
	}
	return t.Render()
}

// DelegateOptions are the options of `root delegate` and `root undelegate`.
type DelegateOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	Delegate string
	Amount   string
	All      bool
	// Undelegate is true for `root undelegate`.
	Undelegate bool

	delegate types.AccountID
	amount   balance.Balance
}

// NewCmdDelegate returns `root delegate`.
func NewCmdDelegate(f *cmdutil.Factory, runF func(*DelegateOptions) error) *cobra.Command {
	return newCmdDelegate(f, runF, false)
}

// NewCmdUndelegate returns `root undelegate`.
func NewCmdUndelegate(f *cmdutil.Factory, runF func(*DelegateOptions) error) *cobra.Command {
	return newCmdDelegate(f, runF, true)
}

func newCmdDelegate(f *cmdutil.Factory, runF func(*DelegateOptions) error, undelegate bool) *cobra.Command {
	opts := &DelegateOptions{Factory: f, Undelegate: undelegate}
	use, short, long, all := "delegate", "Stake TAO on a delegate (nominate it)",
		`Stake TAO from the wallet's coldkey on a delegate's hotkey. --all stakes the
whole free balance but the existential deposit.`, "Stake all the free balance"
	if undelegate {
		use, short, long, all = "undelegate", "Take stake back from a delegate",
			`Move the wallet coldkey's stake on a delegate back to its free balance. --all
takes all of it.`, "Take back all the stake on the delegate"
	}
	cmd := &cobra.Command{
		Use:     use + " --delegate_ss58key <ss58> (--amount <TAO> | --all)",
		Short:   short,
		Long:    long + " The amount is confirmed before it is sent.",
		Example: `  btcli root ` + use + ` --delegate_ss58key 5C4hrfjw9DjXZTzV3MwzrrAr9P1MJhSrvWGWqi1eSuyUpnhM --amount 10`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return delegateRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	cmd.Flags().StringVar(&opts.Delegate, "delegate_ss58key", "", "The delegate's hotkey (required)")
	cmd.Flags().StringVar(&opts.Amount, "amount", "", "TAO to "+use+", e.g. 10.5")
	cmd.Flags().BoolVar(&opts.All, "all", false, all)
	cmdutil.AliasFlag(cmd, "delegate_ss58", "delegate_ss58key")
	return cmd
}

func (o *DelegateOptions) parse() error {
	if o.Delegate == "" {
		return cmdutil.FlagErrorf("--delegate_ss58key is required (see btcli root list_delegates)")
	}
	d, err := types.ParseAccountID(o.Delegate)
	if err != nil {
		return cmdutil.FlagErrorf("--delegate_ss58key %q: %v", o.Delegate, err)
	}
	o.delegate = d
	switch {
	case o.All && o.Amount != "":
		return cmdutil.FlagErrorf("give --amount or --all, not both")
	case o.All:
		return nil
	case o.Amount == "":
		return cmdutil.FlagErrorf("--amount or --all is required")
	}
	a, err := balance.ParseTAO(o.Amount)
	if err != nil {
		return cmdutil.FlagErrorf("--amount: %v", err)
	}
	if a == 0 {
		return cmdutil.FlagErrorf("--amount must be more than 0")
	}
	o.amount = a
	return nil
}

// delegateResult is the --json output of `root delegate` and `undelegate`.
type delegateResult struct {
	Coldkey  types.AccountID `json:"coldkey"`
	Delegate types.AccountID `json:"delegate"`
	Amount   uint64          `json:"amount"` // RAO moved
	Stake    uint64          `json:"stake"`  // the coldkey's stake on the delegate after, RAO
	Balance  uint64          `json:"balance"`
	Block    uint64          `json:"block"`
	Tx       string          `json:"tx"`
}

func delegateRun(ctx context.Context, opts *DelegateOptions) error {
	f := opts.Factory
	w, cold, c, err := opts.openColdkey(ctx, f)
	if err != nil {
		return err
	}
	free, err := c.GetBalance(ctx, cold, 0)
	if err != nil {
		return err
	}
	staked, err := c.GetStake(ctx, cold, opts.delegate, 0)
	if err != nil {
		return err
	}
	amount := opts.amount
	if opts.All {
		if opts.Undelegate {
			amount = staked
		} else {
			ed, err := c.ExistentialDeposit(ctx)
			if err != nil {
				return err
			}
			amount, _ = free.Sub(ed)
		}
		if amount == 0 {
			return fmt.Errorf("nothing to %s: %s has %s free and %s staked on %s", verbOf(opts), cold, free, staked, opts.delegate)
		}
	}
	// The chain checks the move (a delegate, enough balance or stake)
	// before anything is asked.
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: verbOf(opts), Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			if opts.Undelegate {
				return c.RemoveStake(ctx, s, opts.delegate, amount, wait)
			}
			return c.Nominate(ctx, s, opts.delegate, amount, wait)
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Do you want to %s %s %s delegate %s%s? [y/n]: ", verbOf(opts), amount, map[bool]string{false: "to", true: "from"}[opts.Undelegate], opts.delegate, cmdutil.FeeClause(", for a fee of %s", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, strings.ToUpper(verbOf(opts)[:1])+verbOf(opts)[1:], res); err != nil {
		return err
	}
	after, err := c.GetStake(ctx, cold, opts.delegate, res.Height)
	if err != nil {
		return err
	}
	bal, err := c.GetBalance(ctx, cold, res.Height)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, delegateResult{Coldkey: cold, Delegate: opts.delegate, Amount: amount.RAO(), Stake: after.RAO(), Balance: bal.RAO(), Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.Out, "Balance: %s ➡ %s\nStake on %s: %s ➡ %s\n", free, bal, opts.delegate, staked, after)
	return nil
}

func verbOf(opts *DelegateOptions) string {
	if opts.Undelegate {
		return "undelegate"
	}
	return "delegate"
}

// NominateOptions are the options of `root nominate`.
type NominateOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdNominate returns `root nominate`.
func NewCmdNominate(f *cmdutil.Factory, runF func(*NominateOptions) error) *cobra.Command {
	opts := &NominateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "nominate",
		Short: "Make the wallet's hotkey a delegate",
		Long: `Make the wallet's hotkey (registered on some subnet) a delegate that others may
stake to, with the chain's default take, signed by its coldkey.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return nominateRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

func nominateRun(ctx context.Context, opts *NominateOptions) error {
	f := opts.Factory
	w, hk, c, err := opts.openHotkey(ctx, f)
	if err != nil {
		return err
	}
	cold, err := coldkeyID(w)
	if err != nil {
		return err
	}
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "nominate", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.BecomeDelegate(ctx, s, hk, wait)
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Make hotkey %s a delegate%s? [y/n]: ", hk, cmdutil.FeeClause(", for a fee of %s", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Nominate", res); err != nil {
		return err
	}
	take, _ := res.Event("DelegateAdded", "take")
	t, _ := strconv.Atoi(take)
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, map[string]any{"hotkey": hk, "take": t, "block": res.Height, "tx": res.Hash})
	}
	fmt.Fprintf(f.IOStreams.Out, "Hotkey %s is now a delegate with take %s.\n", hk, takePercent(uint16(t)))
	return nil
}
