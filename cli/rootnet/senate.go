package rootnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// SenateOptions are the options of `root senate`.
type SenateOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdSenate returns `root senate`.
func NewCmdSenate(f *cmdutil.Factory, runF func(*SenateOptions) error) *cobra.Command {
	opts := &SenateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "senate",
		Short: "List the senate's members",
		Long:  `List the senators: the root hotkeys that vote on the triumvirate's proposals.`,
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return senateRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

func senateRun(ctx context.Context, opts *SenateOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	s, err := c.Senate(ctx, 0)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, s)
	}
	t := cmdutil.NewTablePrinter(f.IOStreams, "NAME", "ADDRESS")
	t.SetTitle(fmt.Sprintf("Senate (%d of %d seats)", len(s.Members), s.MaxMembers))
	for _, m := range s.Members {
		t.AddRow("", m.Hotkey.String())
	}
	return t.Render()
}

// ProposalsOptions are the options of `root proposals`.
type ProposalsOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdProposals returns `root proposals`.
func NewCmdProposals(f *cmdutil.Factory, runF func(*ProposalsOptions) error) *cobra.Command {
	opts := &ProposalsOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "proposals",
		Short: "List the open proposals and their votes",
		Long: `List the triumvirate's open proposals: hash, the ayes needed (fixed when
proposed), the votes so far, the block from which an undecided proposal can be
closed, and the call it would run.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return proposalsRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

func proposalsRun(ctx context.Context, opts *ProposalsOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	ps, err := c.Proposals(ctx, 0)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, ps)
	}
	sep := ", "
	if f.IOStreams.IsStdoutTTY() {
		sep = "\n"
	}
	t := cmdutil.NewTablePrinter(f.IOStreams, "HASH", "THRESHOLD", "AYES", "NAYS", "VOTES", "END", "CALLDATA")
	t.SetKeepStart("HASH") // senate_vote and close take a hash's first characters
	t.SetDropOrder("VOTES", "THRESHOLD", "NAYS", "AYES")
	t.SetTitle(fmt.Sprintf("Proposals\t\tActive Proposals: %d\t\tSenate Size: %d", len(ps.Proposals), ps.SenateSize))
	for _, p := range ps.Proposals {
		var votes []string
		for _, a := range p.Ayes {
			votes = append(votes, a.String()+": Aye")
		}
		for _, a := range p.Nays {
			votes = append(votes, a.String()+": Nay")
		}
		t.AddRow(p.Hash.String(), strconv.Itoa(int(p.Threshold)), strconv.Itoa(len(p.Ayes)), strconv.Itoa(len(p.Nays)),
			strings.Join(votes, sep), strconv.FormatUint(p.End, 10), formatCall(p.Call))
	}
	return t.Render()
}

// formatCall writes a proposal's call as Bittensor does:
// "AdminUtils.sudo_set_tempo(netuid: 1, value: 33)".
func formatCall(c types.ProposalCall) string {
	var parts []string
	dec := json.NewDecoder(bytes.NewReader(c.Args))
	if tok, err := dec.Token(); err == nil && tok == json.Delim('{') {
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				break
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				break
			}
			val := string(v)
			if s, err := strconv.Unquote(val); err == nil {
				val = s
			}
			parts = append(parts, snake(fmt.Sprint(key))+": "+val)
		}
	}
	return c.Name + "(" + strings.Join(parts, ", ") + ")"
}

// snake turns a Go field name into snake case ("NewHotkey" → "new_hotkey");
// names already in snake case are kept.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SenateVoteOptions are the options of `root senate_vote`.
type SenateVoteOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	Proposal string
	Vote     string

	hash    hashRef
	approve *bool
}

// NewCmdSenateVote returns `root senate_vote`.
func NewCmdSenateVote(f *cmdutil.Factory, runF func(*SenateVoteOptions) error) *cobra.Command {
	opts := &SenateVoteOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "senate_vote --proposal <hash> --vote aye|nay",
		Short: "Vote on a proposal as a senator",
		Long: `Vote aye or nay on an open proposal with the wallet's hotkey, which must hold a
senate seat; the coldkey that owns it signs. A senator may change its vote; the
same vote twice is refused. A vote pays the transaction fee. Without --vote the
vote is asked for.`,
		Example: `  btcli root senate_vote --proposal 0x5ac1… --vote aye --wallet.name dave`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return senateVoteRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	cmd.Flags().StringVar(&opts.Proposal, "proposal", "", "Hash of the proposal (see btcli root proposals)")
	cmd.Flags().StringVar(&opts.Vote, "vote", "", "aye (yes) or nay (no)")
	cmdutil.AliasFlag(cmd, "proposal_hash", "proposal")
	return cmd
}

func (o *SenateVoteOptions) parse(f *cmdutil.Factory) error {
	if o.Proposal == "" && f.CanPrompt() {
		v, err := f.Prompter().Input("Enter proposal hash", "")
		if err != nil {
			return err
		}
		o.Proposal = v
	}
	var err error
	if o.hash, err = parseHashFlag("proposal", o.Proposal); err != nil {
		return err
	}
	switch strings.ToLower(o.Vote) {
	case "":
	case "aye", "yes", "y", "true", "approve":
		yes := true
		o.approve = &yes
	case "nay", "no", "n", "false", "reject":
		no := false
		o.approve = &no
	default:
		return cmdutil.FlagErrorf("--vote %q: want aye or nay", o.Vote)
	}
	return nil
}

// voteResult is the --json output of `root senate_vote`.
type voteResult struct {
	Proposal types.Hash      `json:"proposal"`
	Index    uint32          `json:"index"`
	Hotkey   types.AccountID `json:"hotkey"`
	Vote     string          `json:"vote"`
	Ayes     int             `json:"ayes"`
	Nays     int             `json:"nays"`
	Block    uint64          `json:"block"`
	Tx       string          `json:"tx"`
}

func senateVoteRun(ctx context.Context, opts *SenateVoteOptions) error {
	f := opts.Factory
	w, hk, c, err := opts.openHotkey(ctx, f)
	if err != nil {
		return err
	}
	p, err := proposalRef(ctx, c, opts.hash)
	if err != nil {
		return err
	}
	if opts.approve == nil {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("--vote is required (aye or nay)")
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "Proposal %d: %s\n", p.Index, formatCall(p.Call))
		yes, err := f.Prompter().Confirm("Desired vote for proposal (y = aye, n = nay)")
		if err != nil {
			return err
		}
		opts.approve = &yes
	}
	cold, err := coldkeyID(w)
	if err != nil {
		return err
	}
	ref := subtensor.ProposalRef{Hash: p.Hash, Index: p.Index}
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "vote", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.Vote(ctx, s, hk, ref, *opts.approve, wait)
		}}, nil, cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Vote", res); err != nil {
		return err
	}
	out := voteResult{Proposal: p.Hash, Index: p.Index, Hotkey: hk, Vote: "nay", Block: res.Height, Tx: res.Hash}
	if *opts.approve {
		out.Vote = "aye"
	}
	yes, _ := res.Event("Voted", "yes")
	no, _ := res.Event("Voted", "no")
	out.Ayes, _ = strconv.Atoi(yes)
	out.Nays, _ = strconv.Atoi(no)
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	fmt.Fprintf(f.IOStreams.Out, "Voted %s on proposal %d (%s): %d ayes, %d nays of threshold %d.\n", out.Vote, p.Index, p.Hash, out.Ayes, out.Nays, p.Threshold)
	return nil
}

// ProposeOptions are the options of `root propose`.
type ProposeOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	Param    string
	Netuid   int
	Value    string
	Call     string
	Args     string
	Duration uint64

	call types.CallArgs
}

// NewCmdPropose returns `root propose`.
func NewCmdPropose(f *cmdutil.Factory, runF func(*ProposeOptions) error) *cobra.Command {
	opts := &ProposeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "propose (--param <name> --value <v> [--netuid <n>] | --call <Pallet.call> --args <json>)",
		Short: "Propose a call for the senate to approve (triumvirate members)",
		Long: `Propose a call that runs with Root authority if the senate approves it, signed by
the wallet's coldkey, which must be a triumvirate member. Either set a
parameter (--param: a hyperparameter of --netuid, or a chain-wide parameter,
as sudo set does) or give any call by name with its arguments as a JSON object
(--call, --args). Senators may vote until the proposal is closed; it can be
closed as soon as the senate has decided it, or by anyone once --duration
blocks (at least, and by default, the chain's motion duration) have passed,
abstentions then counting as nays.`,
		Example: `  btcli root propose --param tempo --netuid 1 --value 20 --wallet.name alice
  btcli root propose --call TriumvirateMembers.add_member --args '{"who": "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return proposeRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	fs := cmd.Flags()
	fs.StringVar(&opts.Param, "param", "", "Parameter to set (e.g. tempo, subnet_limit)")
	fs.IntVar(&opts.Netuid, "netuid", -1, "Subnet of a per-subnet --param")
	fs.StringVar(&opts.Value, "value", "", "New value of --param (true/false for flags)")
	fs.StringVar(&opts.Call, "call", "", "Any call by name, e.g. AdminUtils.sudo_set_subnet_limit")
	fs.StringVar(&opts.Args, "args", "{}", "The --call's arguments as a JSON object")
	fs.Uint64Var(&opts.Duration, "duration", 0, "Blocks until the proposal may be closed undecided (default: the chain's motion duration)")
	return cmd
}

func (o *ProposeOptions) parse() error {
	switch {
	case o.Param != "" && o.Call != "":
		return cmdutil.FlagErrorf("give --param or --call, not both")
	case o.Param != "":
		s, ok := types.SetterForParam(o.Param)
		if !ok {
			return cmdutil.FlagErrorf("--param %q: no such parameter (e.g. tempo, immunity_period, subnet_limit)", o.Param)
		}
		v, err := parseValue(o.Value)
		if err != nil {
			return err
		}
		netuid := 0
		if s.Subnet {
			if o.Netuid < 0 || o.Netuid > 65535 {
				return cmdutil.FlagErrorf("--netuid is required for %s (a per-subnet parameter)", o.Param)
			}
			netuid = o.Netuid
		}
		args, err := types.NewSudoSet(s.Call, uint16(netuid), v)
		if err != nil {
			return cmdutil.FlagErrorf("%v", err)
		}
		o.call = args
	case o.Call != "":
		args, err := types.DecodeCallJSON(o.Call, []byte(o.Args))
		if err != nil {
			return cmdutil.FlagErrorf("--call %s --args: %v", o.Call, err)
		}
		o.call = args
	default:
		return cmdutil.FlagErrorf("give --param and --value, or --call and --args")
	}
	return nil
}

// parseValue reads a parameter value: a whole number, or true/false.
func parseValue(s string) (uint64, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, cmdutil.FlagErrorf("--value is required")
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, cmdutil.FlagErrorf("--value %q: want a whole number, true or false", s)
	}
	return v, nil
}

// proposeResult is the --json output of `root propose`.
type proposeResult struct {
	Hash     types.Hash      `json:"hash"`
	Index    uint32          `json:"index"`
	Proposer types.AccountID `json:"proposer"`
	Call     string          `json:"call"`
	End      uint64          `json:"end"`
	Block    uint64          `json:"block"`
	Tx       string          `json:"tx"`
}

func proposeRun(ctx context.Context, opts *ProposeOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	who, err := coldkeyID(w)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	enc, err := types.EncodeCall(opts.call)
	if err != nil {
		return err
	}
	pc, err := types.NewProposalCall(enc)
	if err != nil {
		return err
	}
	duration := opts.Duration
	if duration == 0 {
		p, err := c.Params(ctx)
		if err != nil {
			return err
		}
		duration = p.Governance.MotionDuration
	}
	var ref subtensor.ProposalRef
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "propose", Signer: who,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (res *subtensor.TxResult, err error) {
			ref, res, err = c.Propose(ctx, s, opts.call, duration, wait)
			return res, err
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Propose %s as %s (closable undecided after %d blocks)%s? [y/n]: ", formatCall(pc), who, duration, cmdutil.FeeClause(", for a fee of %s", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Proposal", res); err != nil {
		return err
	}
	end, _ := res.Event("Proposed", "end")
	out := proposeResult{Hash: ref.Hash, Index: ref.Index, Proposer: who, Call: formatCall(pc), Block: res.Height, Tx: res.Hash}
	out.End, _ = strconv.ParseUint(end, 10, 64)
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	fmt.Fprintf(f.IOStreams.Out, "Proposal %d: %s\n  hash %s\n  votes count until it is closed: once decided, or by anyone from block %d\n", ref.Index, out.Call, ref.Hash, out.End)
	return nil
}

// CloseOptions are the options of `root close`.
type CloseOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	Proposal string

	hash hashRef
}

// NewCmdClose returns `root close`.
func NewCmdClose(f *cmdutil.Factory, runF func(*CloseOptions) error) *cobra.Command {
	opts := &CloseOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "close --proposal <hash>",
		Short: "Close a decided (or ended) proposal; anyone may",
		Long: `Close an open proposal, signed by the wallet's coldkey (anyone may; it is free).
A proposal closes as soon as its ayes reach the threshold (approved: its call
runs with Root authority) or its nays make that impossible (disapproved), and
otherwise from its end block on (btcli root proposals shows it), when
abstentions count as nays; until it is closed senators may still vote. The
close succeeds even when an approved call fails; the output says which.`,
		Example: `  btcli root close --proposal 0x5ac1…`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.hash, err = parseHashFlag("proposal", opts.Proposal); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return closeRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	cmd.Flags().StringVar(&opts.Proposal, "proposal", "", "Hash of the proposal (required)")
	return cmd
}

// closeResult is the --json output of `root close`.
type closeResult struct {
	Proposal types.Hash `json:"proposal"`
	Index    uint32     `json:"index"`
	Ayes     uint32     `json:"ayes"`
	Nays     uint32     `json:"nays"`
	Approved bool       `json:"approved"`
	// Executed reports whether an approved call ran successfully; Error is
	// why it did not.
	Executed bool   `json:"executed"`
	Error    string `json:"error,omitempty"`
	Block    uint64 `json:"block"`
	Tx       string `json:"tx"`
}

func closeRun(ctx context.Context, opts *CloseOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	p, err := proposalRef(ctx, c, opts.hash)
	if err != nil {
		return err
	}
	cold, err := coldkeyID(w)
	if err != nil {
		return err
	}
	var out *subtensor.CloseOutcome
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "close", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (res *subtensor.TxResult, err error) {
			out, res, err = c.CloseProposal(ctx, s, subtensor.ProposalRef{Hash: p.Hash, Index: p.Index}, wait)
			return res, err
		}}, nil, cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Close", res); err != nil {
		return err
	}
	r := closeResult{Proposal: p.Hash, Index: p.Index, Ayes: out.Yes, Nays: out.No, Approved: out.Approved,
		Executed: out.Approved && out.Err == nil, Block: res.Height, Tx: res.Hash}
	if out.Err != nil {
		r.Error = out.Err.Error()
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, r)
	}
	writeCloseOutcome(f.IOStreams.Out, p, r)
	return nil
}

func writeCloseOutcome(w io.Writer, p types.ProposalInfo, r closeResult) {
	fmt.Fprintf(w, "Proposal %d (%s) closed with %d ayes and %d nays: ", p.Index, formatCall(p.Call), r.Ayes, r.Nays)
	switch {
	case !r.Approved:
		fmt.Fprintln(w, "disapproved, nothing was run.")
	case r.Executed:
		fmt.Fprintln(w, "approved and executed.")
	default:
		fmt.Fprintf(w, "approved, but its call failed: %s\n", r.Error)
	}
}
