package rootnet

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// ListOptions are the options of `root list`.
type ListOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdList returns `root list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the root network's validators",
		Long: `List the root network's validators by uid with their stake and whether they
hold a senate seat.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	rn, err := c.RootNeurons(ctx, 0)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, rn)
	}
	t := cmdutil.NewTablePrinter(f.IOStreams, "UID", "NAME", "ADDRESS", "STAKE(τ)", "SENATOR")
	t.SetTitle(fmt.Sprintf("Root Network (block %d, %d of %d uids)", rn.Height, len(rn.Neurons), rn.MaxAllowedUids))
	for _, n := range rn.Neurons {
		senator := "No"
		if n.Senator {
			senator = "Yes"
		}
		t.AddRow(strconv.Itoa(int(n.UID)), "", n.Hotkey.String(), balance.Balance(n.Stake).String(), senator)
	}
	return t.Render()
}

// RegisterOptions are the options of `root register`.
type RegisterOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdRegister returns `root register`.
func NewCmdRegister(f *cmdutil.Factory, runF func(*RegisterOptions) error) *cobra.Command {
	opts := &RegisterOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register the wallet's hotkey on the root network",
		Long: `Register the wallet's hotkey on the root network, signed by its coldkey. It
is free. While the root network has room the hotkey gets a new uid; once it is
full, only a hotkey with more stake than the least-staked validator gets in,
in that validator's place. The hotkey becomes a delegate, and takes a senate
seat if one is free or it has more stake than the least-staked senator.`,
		Example: `  btcli root register --wallet.name alice --wallet.hotkey default`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return registerRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

// registerResult is the --json output of `root register`.
type registerResult struct {
	Hotkey  types.AccountID `json:"hotkey"`
	UID     uint16          `json:"uid"`
	Senator bool            `json:"senator"`
	Block   uint64          `json:"block"`
	Tx      string          `json:"tx,omitempty"`
	// AlreadyRegistered is true when the hotkey was on the root network
	// before (nothing was sent).
	AlreadyRegistered bool `json:"already_registered"`
}

func registerRun(ctx context.Context, opts *RegisterOptions) error {
	f := opts.Factory
	w, hk, c, err := opts.openHotkey(ctx, f)
	if err != nil {
		return err
	}
	out := registerResult{Hotkey: hk}
	if uid, ok, err := c.UIDForHotkey(ctx, 0, hk, 0); err != nil {
		return err
	} else if ok {
		fmt.Fprintf(f.IOStreams.ErrOut, "Already registered on the root network as uid %d.\n", uid)
		out.UID, out.AlreadyRegistered = uid, true
		out.Senator, err = c.IsSenateMember(ctx, hk, 0)
		if err != nil {
			return err
		}
		if opts.JSON {
			return cmdutil.PrintJSON(f.IOStreams.Out, out)
		}
		return nil
	}
	cold, err := coldkeyID(w)
	if err != nil {
		return err
	}
	var uid uint16
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "root register", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (res *subtensor.TxResult, err error) {
			uid, res, err = c.RootRegister(ctx, s, hk, wait)
			return res, err
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Register hotkey %s to the root network%s? [y/n]: ", hk, cmdutil.FeeClause(", for a fee of %s", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Root registration", res); err != nil {
		return err
	}
	out.UID, out.Block, out.Tx = uid, res.Height, res.Hash
	_, out.Senator = res.Event("MemberAdded", "who")
	if _, swapped := res.Event("MembersSwapped", "added"); swapped {
		out.Senator = true
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	seat := "no senate seat (the senate is full of validators with at least as much stake)"
	if out.Senator {
		seat = "a senate seat"
	}
	fmt.Fprintf(f.IOStreams.Out, "Registered on the root network as uid %d, with %s.\n", uid, seat)
	return nil
}
