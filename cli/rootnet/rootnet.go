// Package rootnet is btcli's root group (aliases r, roots): the root
// network (list, register, weights, get_weights, boost, slash), governance
// (senate, proposals, senate_vote, and propose and close for the
// triumvirate and anyone), and delegation (list_delegates, my_delegates,
// delegate, undelegate, nominate), as Bittensor 6.x's `btcli root`.
package rootnet

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// NewCmdRoot returns the root group.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "root <command>",
		Aliases: []string{"r", "roots"},
		Short:   "Root network: weights, senate, delegation",
		Long: `Commands of the root network (netuid 0), whose validators weigh the subnets
and hold the senate seats, of governance (the triumvirate proposes, the senate
votes, anyone closes) and of delegation.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdList(f, nil),
		NewCmdRegister(f, nil),
		NewCmdWeights(f, nil),
		NewCmdGetWeights(f, nil),
		NewCmdBoost(f, nil),
		NewCmdSlash(f, nil),
		NewCmdSenate(f, nil),
		NewCmdProposals(f, nil),
		NewCmdSenateVote(f, nil),
		NewCmdPropose(f, nil),
		NewCmdClose(f, nil),
		NewCmdListDelegates(f, nil),
		NewCmdMyDelegates(f, nil),
		NewCmdDelegate(f, nil),
		NewCmdUndelegate(f, nil),
		NewCmdNominate(f, nil),
	)
	return cmd
}

// chainFlags are the flags every root command has: the wallet, the chain
// and --json.
type chainFlags struct {
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	JSON      bool
}

func addChainFlags(cmd *cobra.Command, c *chainFlags) {
	cmdutil.AddWalletFlags(cmd, &c.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &c.Subtensor)
	cmdutil.JSONFlag(cmd, &c.JSON)
}

// openHotkey resolves the wallet (asking for its name and hotkey when it
// may), reads its hotkey's address and connects to the chain.
func (cf *chainFlags) openHotkey(ctx context.Context, f *cmdutil.Factory) (*wallet.Wallet, types.AccountID, subtensor.Chain, error) {
	return cf.open(ctx, f, cmdutil.PromptHotkey, hotkeyID)
}

// openColdkey is openHotkey for the wallet's coldkey address.
func (cf *chainFlags) openColdkey(ctx context.Context, f *cmdutil.Factory) (*wallet.Wallet, types.AccountID, subtensor.Chain, error) {
	return cf.open(ctx, f, cmdutil.PromptName, coldkeyID)
}

func (cf *chainFlags) open(ctx context.Context, f *cmdutil.Factory, ask cmdutil.WalletPrompt, key func(*wallet.Wallet) (types.AccountID, error)) (*wallet.Wallet, types.AccountID, subtensor.Chain, error) {
	w, err := cf.Wallet.Resolve(f, ask)
	if err != nil {
		return nil, types.AccountID{}, nil, err
	}
	id, err := key(w)
	if err != nil {
		return nil, types.AccountID{}, nil, err
	}
	c, err := f.Connect(ctx, cf.Subtensor)
	if err != nil {
		return nil, types.AccountID{}, nil, err
	}
	return w, id, c, nil
}

// hotkeyID is the wallet's hotkey address (from its public file).
func hotkeyID(w *wallet.Wallet) (types.AccountID, error) {
	kp, err := w.HotkeyPub()
	if err != nil {
		return types.AccountID{}, err
	}
	return types.AccountID(kp.PublicKey()), nil
}

// coldkeyID is the wallet's coldkey address (from its public file).
func coldkeyID(w *wallet.Wallet) (types.AccountID, error) {
	kp, err := w.ColdkeyPub()
	if err != nil {
		return types.AccountID{}, err
	}
	return types.AccountID(kp.PublicKey()), nil
}

// hashRef names a proposal by its hash or, as a shortened table shows it,
// by a prefix of it (at least minHashPrefix hex characters).
type hashRef struct {
	hash   types.Hash
	prefix string // lower-case hex without 0x; "" when hash is whole
}

// minHashPrefix is the fewest hex characters a hash prefix may have.
const minHashPrefix = 8

// parseHashFlag reads a proposal hash, whole or a prefix ("0x" optional,
// "…" and what follows it ignored, so a shortened cell can be pasted).
func parseHashFlag(flag, v string) (hashRef, error) {
	if v == "" {
		return hashRef{}, cmdutil.FlagErrorf("--%s is required (see btcli root proposals)", flag)
	}
	if h, err := types.ParseHash(v); err == nil {
		return hashRef{hash: h}, nil
	}
	t, _, _ := strings.Cut(strings.TrimSpace(v), "…")
	t = strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(t, "0x"), "0X"))
	if _, err := hex.DecodeString(t + strings.Repeat("0", len(t)%2)); err != nil || len(t) < minHashPrefix || len(t) >= 64 {
		return hashRef{}, cmdutil.FlagErrorf("--%s %q: want a proposal hash, 64 hex characters or the first %d or more of them", flag, v, minHashPrefix)
	}
	return hashRef{prefix: t}, nil
}

// proposalRef finds the open proposal ref names.
func proposalRef(ctx context.Context, c subtensor.Chain, ref hashRef) (types.ProposalInfo, error) {
	if ref.prefix == "" {
		p, err := c.Proposal(ctx, ref.hash, 0)
		if errors.Is(err, types.ErrNotFound) {
			return p, fmt.Errorf("no open proposal has hash %s (see btcli root proposals)", ref.hash)
		}
		return p, err
	}
	ps, err := c.Proposals(ctx, 0)
	if err != nil {
		return types.ProposalInfo{}, err
	}
	var found []types.ProposalInfo
	for _, p := range ps.Proposals {
		if strings.HasPrefix(strings.TrimPrefix(p.Hash.String(), "0x"), ref.prefix) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return types.ProposalInfo{}, fmt.Errorf("no open proposal's hash starts with 0x%s (see btcli root proposals)", ref.prefix)
	case 1:
		return found[0], nil
	}
	return types.ProposalInfo{}, cmdutil.FlagErrorf("0x%s is the start of %d open proposals' hashes; give more of it", ref.prefix, len(found))
}

// parseUint16List reads "1,2,3".
func parseUint16List(flag, s string) ([]uint16, error) {
	var out []uint16
	for _, part := range splitList(s) {
		v, err := strconv.ParseUint(part, 10, 16)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--%s: %q is not a netuid", flag, part)
		}
		out = append(out, uint16(v))
	}
	return out, nil
}

// parseFloatList reads "0.5,10".
func parseFloatList(flag, s string) ([]float64, error) {
	var out []float64
	for _, part := range splitList(s) {
		v, err := strconv.ParseFloat(part, 64)
		if err != nil || v < 0 || v != v || v > 1e300 {
			return nil, cmdutil.FlagErrorf("--%s: %q is not a weight (a number of 0 or more)", flag, part)
		}
		out = append(out, v)
	}
	return out, nil
}

// splitList splits a comma- or space-separated list, with optional
// brackets as Python prints lists ("[1, 2]").
func splitList(s string) []string {
	s = strings.Trim(strings.TrimSpace(s), "[]")
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
