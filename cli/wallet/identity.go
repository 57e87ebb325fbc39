package wallet

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

// identityFlags are set_identity's field flags, Bittensor's names, in the
// order it asks for them, with its prompts.
var identityFlags = []struct{ flag, prompt string }{
	{"display", "Enter display name"},
	{"legal", "Enter legal string"},
	{"web", "Enter web url"},
	{"pgp_fingerprint", "Enter pgp fingerprint (must be 20 bytes)"},
	{"riot", "Enter riot"},
	{"email", "Enter email address"},
	{"image", "Enter image url"},
	{"twitter", "Enter twitter url"},
	{"info", "Enter info"},
}

// SetIdentityOptions are the options of `wallet set_identity`.
type SetIdentityOptions struct {
	Factory    *cmdutil.Factory
	Wallet     cmdutil.WalletFlags
	Subtensor  cmdutil.SubtensorFlags
	Identified string            // hotkey, coldkey or an SS58 address; "" to ask
	Fields     map[string]string // by flag name
	JSON       bool

	given func(flag string) bool
}

// NewCmdSetIdentity returns `wallet set_identity`.
func NewCmdSetIdentity(f *cmdutil.Factory, runF func(*SetIdentityOptions) error) *cobra.Command {
	opts := &SetIdentityOptions{Factory: f, Fields: map[string]string{}}
	vals := make([]string, len(identityFlags))
	cmd := &cobra.Command{
		Use:   "set_identity",
		Short: "Set the on-chain identity of the wallet's hotkey or coldkey",
		Long: `Set the on-chain identity (display name, web site, contacts) of the wallet's
hotkey, when it is a root validator, or of its coldkey, when it owns a subnet.
The coldkey signs either way. Explorers and btcli get_identity show it.

The identity holds a deposit from the coldkey's free balance (0.1 TAO on
Bittensor's networks, and as much again for --info), returned when the
identity is cleared; setting it again adjusts the deposit. Each field is text
of at most 64 bytes; --pgp_fingerprint is 40 hex characters. Fields not given
are asked for at a terminal and left empty otherwise. Without --identified
the question is Bittensor's: "Are you updating a validator hotkey identity?".`,
		Example: `  btcli wallet set_identity --wallet.name owner --identified coldkey --display "Owner's subnet" --web https://example.org
  btcli wallet set_identity --wallet.name validator --identified hotkey --display "My validator" --no_prompt`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for i, fl := range identityFlags {
				opts.Fields[fl.flag] = vals[i]
			}
			opts.given = func(name string) bool { return cmd.Flags().Changed(name) }
			if _, err := identityInfo(opts.Fields); err != nil {
				return cmdutil.FlagErrorf("%v", err)
			}
			if runF != nil {
				return runF(opts)
			}
			return setIdentityRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	for i, fl := range identityFlags {
		usage := "The identity's " + strings.ReplaceAll(fl.flag, "_", " ")
		switch fl.flag {
		case "pgp_fingerprint":
			usage = "The identity's PGP key fingerprint, 40 hex characters"
		case "info":
			usage = "More about the identity (an additional field, with its own deposit)"
		}
		cmd.Flags().StringVar(&vals[i], fl.flag, "", usage)
	}
	cmd.Flags().StringVar(&opts.Identified, "identified", "", "Whose identity: hotkey (a root validator's), coldkey (a subnet owner's) or an SS58 address")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// identityInfo builds the chain's IdentityInfo from the field flags and
// checks each field as the chain will (types.IdentityInfo.Check).
func identityInfo(fields map[string]string) (types.IdentityInfo, error) {
	pgp, err := types.ParsePGPFingerprint(fields["pgp_fingerprint"])
	if err != nil {
		return types.IdentityInfo{}, fmt.Errorf("--pgp_fingerprint: %w", err)
	}
	info := types.IdentityInfo{Display: fields["display"], Legal: fields["legal"], Web: fields["web"], Riot: fields["riot"],
		Email: fields["email"], PGPFingerprint: pgp, Image: fields["image"], Twitter: fields["twitter"]}
	if v := fields["info"]; v != "" {
		info.Additional = []types.IdentityField{{Key: "info", Value: v}}
	}
	if err := info.Check(1); err != nil {
		return info, fmt.Errorf("%w", err)
	}
	return info, nil
}

// identityResult is set_identity's --json output.
type identityResult struct {
	types.IdentityRecord
	Block uint64 `json:"block"`
	Tx    string `json:"tx"`
}

func setIdentityRun(ctx context.Context, opts *SetIdentityOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return err
	}
	cpub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	cold := types.AccountID(cpub.PublicKey())
	which := strings.ToLower(opts.Identified)
	if which == "" {
		which = "hotkey"
		if f.CanPrompt() {
			yes, err := f.Prompter().Confirm("Are you updating a validator hotkey identity? [y/n]: ")
			if err != nil {
				return err
			}
			if !yes {
				which = "coldkey"
			}
		}
	}
	var identified types.AccountID
	switch which {
	case "coldkey":
		identified = cold
	case "hotkey":
		hpub, err := w.HotkeyPub()
		if err != nil {
			return err
		}
		identified = types.AccountID(hpub.PublicKey())
	default:
		if identified, err = types.ParseAccountID(opts.Identified); err != nil {
			return cmdutil.FlagErrorf("--identified %q: want hotkey, coldkey or an SS58 address", opts.Identified)
		}
	}
	if f.CanPrompt() {
		p := f.Prompter()
		for _, fl := range identityFlags {
			if opts.given(fl.flag) {
				continue
			}
			v, err := p.Input(fl.prompt, "")
			if err != nil {
				return err
			}
			opts.Fields[fl.flag] = v
		}
	}
	info, err := identityInfo(opts.Fields)
	if err != nil {
		return cmdutil.FlagErrorf("%v", err)
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	ic, err := identities(c)
	if err != nil {
		return err
	}
	params, err := c.Params(ctx)
	if err != nil {
		return err
	}
	deposit := balance.Balance(params.Registry.Deposit(len(info.Additional)))
	// The chain checks the identity (who may set it, the deposit) before
	// anything is asked.
	fmt.Fprintf(f.IOStreams.ErrOut, "Identity of %s:\n%s", identified, identityLines(info))
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "identity", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return ic.SetIdentity(ctx, s, identified, info, wait)
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("It holds a deposit of %s (returned when cleared)%s. Continue? [y/n]: ", deposit, cmdutil.FeeClause(" and costs a fee of %s", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	rec, _, err := ic.Identity(ctx, identified, res.Height)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, identityResult{IdentityRecord: rec, Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Included in block %d (tx %s)\n", res.Height, res.Hash)
	return printIdentity(f, rec)
}

// identityChain is what the identity commands need of a chain: its
// identity registry (a go-bittensor node has one).
type identityChain interface {
	Identity(ctx context.Context, who types.AccountID, atBlock uint64) (types.IdentityRecord, bool, error)
	SetIdentity(ctx context.Context, signer subtensor.Signer, identified types.AccountID, info types.IdentityInfo, wait subtensor.Wait) (*subtensor.TxResult, error)
}

// identities returns c's identity registry, or an error matching
// subtensor.ErrNotSupported.
func identities(c subtensor.Chain) (identityChain, error) {
	ic, ok := c.(identityChain)
	if !ok {
		return nil, fmt.Errorf("%w: the identity registry, on %s", subtensor.ErrNotSupported, c.Network())
	}
	return ic, nil
}

// identityLines lists the fields that are set, one a line.
func identityLines(info types.IdentityInfo) string {
	var b strings.Builder
	for _, f := range info.Fields() {
		if f[1] != "" {
			fmt.Fprintf(&b, "  %s: %s\n", f[0], f[1])
		}
	}
	if len(info.PGPFingerprint) > 0 {
		fmt.Fprintf(&b, "  pgp_fingerprint: %x\n", []byte(info.PGPFingerprint))
	}
	for _, a := range info.Additional {
		fmt.Fprintf(&b, "  %s: %s\n", a.Key, a.Value)
	}
	if b.Len() == 0 {
		b.WriteString("  (every field empty)\n")
	}
	return b.String()
}

// printIdentity prints an identity as Bittensor's get_identity: a table of
// items and values.
func printIdentity(f *cmdutil.Factory, rec types.IdentityRecord) error {
	tp := cmdutil.NewTablePrinter(f.IOStreams, "ITEM", "VALUE")
	tp.SetTitle("On-Chain Identity")
	tp.AddRow("address", rec.Identified.String())
	for _, fl := range rec.Info.Fields() {
		tp.AddRow(fl[0], fl[1])
	}
	pgp := ""
	if len(rec.Info.PGPFingerprint) > 0 {
		pgp = fmt.Sprintf("%x", []byte(rec.Info.PGPFingerprint))
	}
	tp.AddRow("pgp_fingerprint", pgp)
	for _, a := range rec.Info.Additional {
		tp.AddRow(a.Key, a.Value)
	}
	tp.AddRow("deposit", balance.Balance(rec.Deposit).String())
	tp.AddRow("depositor", rec.Depositor.String())
	return tp.Render()
}

// GetIdentityOptions are the options of `wallet get_identity`.
type GetIdentityOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Key       string
	Block     uint64
	JSON      bool

	byWallet, byHotkey bool // --wallet.name, --wallet.hotkey given
}

// NewCmdGetIdentity returns `wallet get_identity`.
func NewCmdGetIdentity(f *cmdutil.Factory, runF func(*GetIdentityOptions) error) *cobra.Command {
	opts := &GetIdentityOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "get_identity --key <ss58>",
		Short: "Show the on-chain identity of a key",
		Long: `Show the on-chain identity of a coldkey or hotkey (btcli wallet set_identity
sets one): its fields, and the deposit it holds and from whom. Without --key,
the identity of the wallet --wallet.name names: its coldkey's, or its hotkey's
when --wallet.hotkey is given too. With --json the answer is the chain's
(null for a key without an identity).`,
		Example: `  btcli wallet get_identity --key 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Key != "" {
				if _, err := types.ParseAccountID(opts.Key); err != nil {
					return cmdutil.FlagErrorf("--key %q: %v", opts.Key, err)
				}
			}
			opts.byWallet = cmd.Flags().Changed("wallet.name")
			opts.byHotkey = cmd.Flags().Changed("wallet.hotkey")
			if runF != nil {
				return runF(opts)
			}
			return getIdentityRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().StringVar(&opts.Key, "key", "", "SS58 address of the coldkey or hotkey")
	cmd.Flags().Uint64Var(&opts.Block, "block", 0, "Read the identity at this block (default: latest)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func getIdentityRun(ctx context.Context, opts *GetIdentityOptions) error {
	f := opts.Factory
	if opts.Key == "" && opts.byWallet {
		w, err := opts.Wallet.Resolve(f, cmdutil.PromptNone)
		if err != nil {
			return err
		}
		pub, err := w.ColdkeyPub()
		if opts.byHotkey {
			pub, err = w.HotkeyPub()
		}
		if err != nil {
			return err
		}
		opts.Key = pub.SS58Address()
	}
	if opts.Key == "" {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("--key is required (the SS58 address of a coldkey or hotkey), or --wallet.name")
		}
		v, err := f.Prompter().Input("Enter coldkey or hotkey ss58 address", "")
		if err != nil {
			return err
		}
		opts.Key = v
	}
	who, err := types.ParseAccountID(opts.Key)
	if err != nil {
		return cmdutil.FlagErrorf("--key %q: %v", opts.Key, err)
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	ic, err := identities(c)
	if err != nil {
		return err
	}
	rec, ok, err := ic.Identity(ctx, who, opts.Block)
	if err != nil {
		return cmdutil.QueryError("get_identity", err)
	}
	if opts.JSON {
		if !ok {
			return cmdutil.PrintJSON(f.IOStreams.Out, nil)
		}
		return cmdutil.PrintJSON(f.IOStreams.Out, rec)
	}
	if !ok {
		fmt.Fprintf(f.IOStreams.Out, "%s has no on-chain identity.\n", who)
		return nil
	}
	return printIdentity(f, rec)
}
