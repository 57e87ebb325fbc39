package stake

// Staking on a dynamic-TAO chain (Bittensor's Substrate networks): stake is
// per subnet, in the subnet's alpha, bought and sold through the subnet's
// pool. Every move is quoted from the pool's reserves first, with the
// runtime's own swap arithmetic (subtensor.SubnetPool), and shows the
// price, the alpha or TAO expected and the slippage before it is confirmed.
//
// --tolerance bounds the price a move may fill at. Where the runtime has
// add_stake_limit / remove_stake_limit the bound goes to the chain, which
// enforces it when the transaction runs. Where it has not (spec 218, the
// first dynamic-TAO runtime), btcli refuses a move whose quoted price moves
// beyond the tolerance and says that the chain cannot enforce it: the
// price may still move between the quote and the block.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// SafetyFlags are the price protection of a stake move on a dynamic-TAO
// chain.
type SafetyFlags struct {
	// Tolerance is the price change accepted, as a fraction (0.005: 0.5%).
	Tolerance float64
	// AllowPartial fills what fits within the tolerance (the limit calls
	// only) instead of refusing the whole move.
	AllowPartial bool
	// Unsafe skips the price check.
	Unsafe bool
}

// DefaultTolerance is btcli's default rate tolerance.
const DefaultTolerance = 0.005

func addSafetyFlags(cmd *cobra.Command, s *SafetyFlags) {
	fs := cmd.Flags()
	fs.Float64Var(&s.Tolerance, "tolerance", DefaultTolerance, "Dynamic-TAO subnets: the price change accepted, as a fraction (0.005 is 0.5%)")
	fs.BoolVar(&s.AllowPartial, "allow_partial", false, "Dynamic-TAO subnets: fill what fits within --tolerance instead of refusing (runtimes with the *_stake_limit calls)")
	fs.BoolVar(&s.Unsafe, "unsafe", false, "Dynamic-TAO subnets: no price check (fill at whatever price the pool gives)")
	cmdutil.AliasFlag(cmd, "rate_tolerance", "tolerance")
	cmdutil.AliasFlag(cmd, "allow-partial", "allow_partial")
	cmdutil.AliasFlag(cmd, "partial", "allow_partial")
}

func (s *SafetyFlags) check() error {
	if s.Tolerance < 0 || s.Tolerance > 1 {
		return cmdutil.FlagErrorf("--tolerance %v: a fraction from 0 to 1 (0.005 is 0.5%%)", s.Tolerance)
	}
	return nil
}

// dynamicStep is one planned move on a dynamic-TAO chain.
type dynamicStep struct {
	target target
	netuid uint16
	quote  subtensor.StakeQuote
	limit  *subtensor.PriceLimit // sent to the chain; nil without the limit calls or with --unsafe
	have   uint64                // alpha staked before (unstake)
	out    subtensor.StakeOutcome
	// unregistered: the hotkey has no uid on the subnet (its stake there
	// earns no dividends until it has).
	unregistered bool
}

// dynamicStepResult is one move done, for --json.
type dynamicStepResult struct {
	Hotkey      types.AccountID      `json:"hotkey"`
	Name        string               `json:"name,omitempty"`
	Netuid      uint16               `json:"netuid"`
	Tao         uint64               `json:"tao"`   // RAO paid (stake) or received (unstake)
	Alpha       uint64               `json:"alpha"` // alpha received (stake) or sold (unstake)
	Quote       subtensor.StakeQuote `json:"quote"`
	LimitPrice  uint64               `json:"limit_price,omitempty"` // RAO per alpha, when the chain enforced one
	StakeAfter  uint64               `json:"stake_after"`           // this coldkey's alpha on the hotkey in the subnet
	Block       uint64               `json:"block"`
	Tx          string               `json:"tx"`
	ChainLimits bool                 `json:"chain_limits"` // the runtime enforced the limit
}

// dynamicResult is the --json output of stake add and remove on a
// dynamic-TAO chain.
type dynamicResult struct {
	Coldkey       types.AccountID     `json:"coldkey"`
	Steps         []dynamicStepResult `json:"steps"`
	BalanceBefore uint64              `json:"balance_before"` // RAO
	BalanceAfter  uint64              `json:"balance_after"`  // RAO
}

// dynamicPlan is stake add's or remove's plan on a dynamic-TAO chain.
type dynamicPlan struct {
	f        *cmdutil.Factory
	c        subtensor.Chain
	d        subtensor.DynamicStaking
	w        *wallet.Wallet
	coldkey  types.AccountID
	free     balance.Balance
	json     bool
	stake    bool // stake (else unstake)
	safety   SafetyFlags
	limits   bool // the runtime has the *_limit call
	callName string
	steps    []*dynamicStep
}

// resolveNetuid is --netuid, asked for when it can be; on a dynamic-TAO
// chain every stake move names its subnet.
func resolveNetuid(ctx context.Context, f *cmdutil.Factory, n *cmdutil.NetuidFlag, d subtensor.DynamicStaking) (subtensor.SubnetPool, error) {
	if !n.Given() && !f.CanPrompt() {
		return subtensor.SubnetPool{}, cmdutil.FlagErrorf("--netuid is required: on a dynamic-TAO chain stake is per subnet (0 is the root network, in TAO)")
	}
	netuid, err := n.Resolve(f, 0)
	if err != nil {
		return subtensor.SubnetPool{}, err
	}
	p, err := d.SubnetPool(ctx, netuid, 0)
	if errors.Is(err, types.ErrNetworkDoesNotExist) {
		return p, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist (btcli subnets list shows the subnets)", netuid)
	}
	if err != nil {
		return p, cmdutil.QueryError("stake", err)
	}
	return p, nil
}

// quoteStep quotes one move and applies it to the pool, so that the next
// move on the same pool is quoted after it.
func (p *dynamicPlan) quoteStep(pool *subtensor.SubnetPool, s *dynamicStep, amount uint64) {
	if p.stake {
		s.quote = pool.QuoteStake(amount)
		if pool.Dynamic() {
			pool.TaoIn += s.quote.In
			pool.AlphaIn -= min(s.quote.Out, pool.AlphaIn)
		}
	} else {
		s.quote = pool.QuoteUnstake(amount)
		if pool.Dynamic() {
			pool.AlphaIn += s.quote.In
			pool.TaoIn -= min(s.quote.Out, pool.TaoIn)
		}
	}
	if p.safety.Unsafe {
		return
	}
	limit := subtensor.LimitFor(s.quote.PriceBefore, p.safety.Tolerance, p.stake)
	if p.limits {
		s.limit = &subtensor.PriceLimit{Price: limit, AllowPartial: p.safety.AllowPartial}
	}
}

// beyond reports whether a step's quoted price passes the tolerance.
func (p *dynamicPlan) beyond(s *dynamicStep) bool {
	if p.safety.Unsafe {
		return false
	}
	limit := subtensor.LimitFor(s.quote.PriceBefore, p.safety.Tolerance, p.stake)
	if p.stake {
		return s.quote.PriceAfter > limit
	}
	return s.quote.PriceAfter < limit
}

// line describes a step for the confirmation.
func (p *dynamicPlan) line(s *dynamicStep) string {
	q := s.quote
	if p.stake {
		note := ""
		if s.unregistered {
			note = fmt.Sprintf("; the hotkey is not registered on subnet %d, so this stake earns no dividends until it is", s.netuid)
		}
		return fmt.Sprintf("    - %s on subnet %d: %s for about %s at %s (slippage %s, price after %s%s)",
			s.target, s.netuid, balance.Balance(q.In), cmdutil.Alpha(q.Out), cmdutil.Price(q.PriceBefore), cmdutil.Percent(q.Slippage), cmdutil.Price(q.PriceAfter), note)
	}
	return fmt.Sprintf("    - %s on subnet %d: %s of %s for about %s at %s (slippage %s, price after %s)",
		s.target, s.netuid, cmdutil.Alpha(q.In), cmdutil.Alpha(s.have), balance.Balance(q.Out), cmdutil.Price(q.PriceBefore), cmdutil.Percent(q.Slippage), cmdutil.Price(q.PriceAfter))
}

// run checks the plan against the tolerance and the chain, confirms it,
// and sends each move.
func (p *dynamicPlan) run(ctx context.Context) error {
	f := p.f
	verb := "stake"
	if !p.stake {
		verb = "unstake"
	}
	// Refuse what the tolerance does not accept before asking anything.
	if !p.limits || !p.safety.AllowPartial {
		for _, s := range p.steps {
			if p.beyond(s) {
				return fmt.Errorf("%s on subnet %d with %s: the price would move from %s to %s (slippage %s), beyond --tolerance %s; nothing was sent. Move less, raise --tolerance, or pass --unsafe to accept any price",
					verb, s.netuid, s.target, cmdutil.Price(s.quote.PriceBefore), cmdutil.Price(s.quote.PriceAfter), cmdutil.Percent(s.quote.Slippage), cmdutil.Percent(p.safety.Tolerance))
			}
		}
	}
	checked := make([]*cmdutil.Checked, len(p.steps))
	var fees balance.Balance
	var lines []string
	for i, s := range p.steps {
		s := s
		ch, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: fmt.Sprintf("%s on subnet %d with %s", verb, s.netuid, s.target), Signer: p.coldkey,
			Call: func(ctx context.Context, sg subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
				var res *subtensor.TxResult
				var err error
				if p.stake {
					s.out, res, err = p.d.AddSubnetStake(ctx, sg, s.target.Hotkey, s.netuid, balance.Balance(s.quote.In), s.limit, wait)
				} else {
					s.out, res, err = p.d.RemoveSubnetStake(ctx, sg, s.target.Hotkey, s.netuid, s.quote.In, s.limit, wait)
				}
				return res, err
			}})
		if err != nil {
			return err
		}
		checked[i] = ch
		fees += ch.Fee
		lines = append(lines, p.line(s))
	}
	var safety string
	switch {
	case p.safety.Unsafe:
		safety = "  --unsafe: no price limit; the moves fill at whatever price the pools give."
	case p.limits:
		safety = fmt.Sprintf("  Price limit: tolerance %s, enforced by the chain (SubtensorModule.%s)%s.", cmdutil.Percent(p.safety.Tolerance), p.callName,
			map[bool]string{true: ", filling partly if need be", false: ""}[p.safety.AllowPartial])
	default:
		safety = fmt.Sprintf("  Price limit: tolerance %s, checked by btcli against the price now. This runtime has no SubtensorModule.%s,\n"+
			"  so the chain cannot enforce the limit: if the price moves before the transaction is in a block, it fills at the new price.",
			cmdutil.Percent(p.safety.Tolerance), p.callName)
	}
	from := "from " + p.w.Name
	if !p.stake {
		from = "to " + p.w.Name
	}
	question := fmt.Sprintf("Do you want to %s %s:\n%s\n%s\n%s[y/n]: ", verb, from, strings.Join(lines, "\n"), safety, cmdutil.FeeClause("  fees: %s\n", fees))
	if err := cmdutil.ConfirmAction(f, question); err != nil {
		return err
	}
	kp, err := p.w.Coldkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	out := dynamicResult{Coldkey: p.coldkey, Steps: []dynamicStepResult{}, BalanceBefore: p.free.RAO()}
	for i, s := range p.steps {
		res, err := checked[i].Send(ctx, kp)
		if err != nil {
			return err
		}
		after, err := alphaOf(ctx, p.d, p.coldkey, s.target.Hotkey, s.netuid, res.Height)
		if err != nil {
			return err
		}
		r := dynamicStepResult{Hotkey: s.target.Hotkey, Name: s.target.Name, Netuid: s.netuid, Tao: s.out.Tao, Alpha: s.out.Alpha,
			Quote: s.quote, StakeAfter: after, Block: res.Height, Tx: res.Hash, ChainLimits: s.limit != nil}
		if s.limit != nil {
			r.LimitPrice = s.limit.Price
		}
		out.Steps = append(out.Steps, r)
		if !p.json {
			if p.stake {
				fmt.Fprintf(f.IOStreams.Out, "Staked %s for %s on %s in subnet %d (block %d): stake now %s\n",
					balance.Balance(s.out.Tao), cmdutil.Alpha(s.out.Alpha), s.target, s.netuid, res.Height, cmdutil.Alpha(after))
			} else {
				fmt.Fprintf(f.IOStreams.Out, "Unstaked %s for %s from %s in subnet %d (block %d): stake now %s\n",
					cmdutil.Alpha(s.out.Alpha), balance.Balance(s.out.Tao), s.target, s.netuid, res.Height, cmdutil.Alpha(after))
			}
		}
	}
	bal, err := p.c.GetBalance(ctx, p.coldkey, 0)
	if err != nil {
		return err
	}
	out.BalanceAfter = bal.RAO()
	if p.json {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	fmt.Fprintf(f.IOStreams.Out, "Balance: %s ➡ %s\n", p.free, bal)
	return nil
}

// alphaOf is coldkey's alpha on hotkey in netuid at a block.
func alphaOf(ctx context.Context, d subtensor.DynamicStaking, coldkey, hotkey types.AccountID, netuid uint16, block uint64) (uint64, error) {
	stakes, err := d.AlphaStakes(ctx, coldkey, block)
	if err != nil {
		return 0, err
	}
	for _, s := range stakes {
		if s.Hotkey == hotkey && s.Netuid == netuid {
			return s.Alpha, nil
		}
	}
	return 0, nil
}

// limitsCall reports whether the runtime has the limit variant of a stake
// call.
func limitsCall(ctx context.Context, d subtensor.DynamicStaking, call string) (bool, error) {
	return d.HasCall(ctx, "SubtensorModule", call)
}

// addDynamic is stake add on a dynamic-TAO chain.
func addDynamic(ctx context.Context, opts *AddOptions, c subtensor.Chain, d subtensor.DynamicStaking, w *wallet.Wallet, cold types.AccountID) error {
	f := opts.Factory
	if opts.MaxStake != "" {
		return cmdutil.FlagErrorf("--max_stake tops up a global stake; on a dynamic-TAO chain stake is per subnet: give --amount or --all with --netuid")
	}
	pool, err := resolveNetuid(ctx, f, &opts.Netuid, d)
	if err != nil {
		return err
	}
	netuid := pool.Netuid
	var targets []target
	if opts.UID >= 0 {
		n, err := c.Neuron(ctx, netuid, uint16(opts.UID), 0)
		if err != nil {
			return fmt.Errorf("uid %d of subnet %d: %w", opts.UID, netuid, cmdutil.QueryError("stake", err))
		}
		targets = []target{{Hotkey: n.Hotkey}}
	} else if targets, err = opts.Targets.resolve(f, w, opts.cmd, "Enter hotkey name or ss58_address to stake to"); err != nil {
		return err
	}
	if opts.Amount == "" && !opts.All {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("give --amount or --all")
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
	limits, err := limitsCall(ctx, d, "add_stake_limit")
	if err != nil {
		return err
	}
	p := &dynamicPlan{f: f, c: c, d: d, w: w, coldkey: cold, free: free, json: opts.JSON, stake: true, safety: opts.Safety,
		limits: limits, callName: "add_stake_limit"}
	amount := opts.amount
	if opts.All {
		ed, err := c.ExistentialDeposit(ctx)
		if err != nil {
			return err
		}
		_, quote, err := d.AddSubnetStake(ctx, subtensor.Unsigned(cold), targets[0].Hotkey, netuid, 1, nil, subtensor.FeeOnly)
		if err != nil {
			return err
		}
		spendable := int64(free.RAO()) - int64(ed.RAO()) - int64(quote.Fee.RAO())*int64(len(targets))
		if spendable <= 0 {
			return fmt.Errorf("nothing to stake: %s has %s free and must keep %s", cold, free, ed)
		}
		amount = balance.Balance(uint64(spendable) / uint64(len(targets)))
	}
	for _, t := range targets {
		s := &dynamicStep{target: t, netuid: netuid}
		if netuid != 0 {
			ok, err := c.IsHotkeyRegistered(ctx, netuid, t.Hotkey, 0)
			if err != nil {
				return err
			}
			s.unregistered = !ok
		}
		p.quoteStep(&pool, s, amount.RAO())
		p.steps = append(p.steps, s)
	}
	return p.run(ctx)
}

// removeDynamic is stake remove on a dynamic-TAO chain: --amount is alpha.
func removeDynamic(ctx context.Context, opts *RemoveOptions, c subtensor.Chain, d subtensor.DynamicStaking, w *wallet.Wallet, cold types.AccountID, targets []target) error {
	f := opts.Factory
	if opts.MaxStake != "" {
		return cmdutil.FlagErrorf("--max_stake is a global stake in TAO; on a dynamic-TAO chain give --amount (alpha) or --all with --netuid")
	}
	pool, err := resolveNetuid(ctx, f, &opts.Netuid, d)
	if err != nil {
		return err
	}
	netuid := pool.Netuid
	stakes, err := d.AlphaStakes(ctx, cold, 0)
	if err != nil {
		return err
	}
	free, err := c.GetBalance(ctx, cold, 0)
	if err != nil {
		return err
	}
	limits, err := limitsCall(ctx, d, "remove_stake_limit")
	if err != nil {
		return err
	}
	p := &dynamicPlan{f: f, c: c, d: d, w: w, coldkey: cold, free: free, json: opts.JSON, safety: opts.Safety,
		limits: limits, callName: "remove_stake_limit"}
	for _, t := range targets {
		var have uint64
		for _, s := range stakes {
			if s.Hotkey == t.Hotkey && s.Netuid == netuid {
				have = s.Alpha
			}
		}
		amount := opts.amount.RAO()
		if opts.All {
			amount = have
		}
		if amount == 0 {
			fmt.Fprintf(f.IOStreams.ErrOut, "Skipping %s: nothing staked on subnet %d\n", t, netuid)
			continue
		}
		if amount > have {
			return fmt.Errorf("%s has %s staked by %s on subnet %d, less than the %s to unstake; nothing was sent", t, cmdutil.Alpha(have), w.Name, netuid, cmdutil.Alpha(amount))
		}
		s := &dynamicStep{target: t, netuid: netuid, have: have}
		p.quoteStep(&pool, s, amount)
		p.steps = append(p.steps, s)
	}
	if len(p.steps) == 0 {
		return fmt.Errorf("nothing to unstake on subnet %d", netuid)
	}
	return p.run(ctx)
}
