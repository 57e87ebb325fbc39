package subnets

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// RegisterOptions are the options of `subnets register`.
type RegisterOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Netuid    cmdutil.NetuidFlag
	JSON      bool
}

// NewCmdRegister returns `subnets register` (registration by burn, which
// Bittensor calls recycle).
func NewCmdRegister(f *cmdutil.Factory, runF func(*RegisterOptions) error) *cobra.Command {
	opts := &RegisterOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "register --netuid <netuid>",
		Short: "Register the wallet's hotkey on a subnet by burning TAO",
		Long: `Register the wallet's hotkey on a subnet, paying the subnet's current burn
from the coldkey (the TAO is recycled). The price is shown and confirmed
first; if it rises before the transaction lands, nothing is paid. A hotkey
already registered there is reported with its uid and nothing is sent.`,
		Example: `  btcli subnets register --netuid 1 --wallet.name alice --wallet.hotkey miner1`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return registerRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// registerResult is the --json output of both registrations.
type registerResult struct {
	Netuid            uint16          `json:"netuid"`
	UID               uint16          `json:"uid"`
	Hotkey            types.AccountID `json:"hotkey"`
	Coldkey           types.AccountID `json:"coldkey"`
	AlreadyRegistered bool            `json:"already_registered"`
	Burn              uint64          `json:"burn,omitempty"` // RAO paid (burn registration)
	Block             uint64          `json:"block,omitempty"`
	Tx                string          `json:"tx,omitempty"`
}

// registered reports an existing registration: as success, like Bittensor.
func reportRegistered(f *cmdutil.Factory, asJSON bool, r registerResult) error {
	if asJSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, r)
	}
	if r.AlreadyRegistered {
		fmt.Fprintf(f.IOStreams.Out, "Already registered on netuid %d as uid %d\n", r.Netuid, r.UID)
		return nil
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Included in block %d (tx %s)\n", r.Block, r.Tx)
	fmt.Fprintf(f.IOStreams.Out, "Registered on netuid %d with UID %d", r.Netuid, r.UID)
	if r.Burn > 0 {
		fmt.Fprintf(f.IOStreams.Out, " for %s", balance.Balance(r.Burn))
	}
	fmt.Fprintln(f.IOStreams.Out)
	return nil
}

// registration is what both register commands establish before paying: the
// wallet, the subnet and its terms, and whether the hotkey is already on it.
type registration struct {
	wallet *wallet.Wallet
	client subtensor.Chain
	info   types.SubnetInfo
	out    registerResult // netuid, hotkey, coldkey; UID when already registered
}

// prepareRegistration resolves the wallet and netuid (refusing root), reads
// the keys' addresses, connects, and checks the subnet exists and whether
// the hotkey is already registered on it.
func prepareRegistration(ctx context.Context, f *cmdutil.Factory, wf *cmdutil.WalletFlags, sf *cmdutil.SubtensorFlags, nf *cmdutil.NetuidFlag) (*registration, error) {
	w, err := wf.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return nil, err
	}
	netuid, err := nf.Resolve(f, 1)
	if err != nil {
		return nil, err
	}
	if netuid == 0 {
		return nil, cmdutil.FlagErrorf("--netuid 0 is the root network: use btcli root register")
	}
	cpub, err := w.ColdkeyPub()
	if err != nil {
		return nil, err
	}
	hpub, err := w.HotkeyPub()
	if err != nil {
		return nil, err
	}
	cold, hot := types.AccountID(cpub.PublicKey()), types.AccountID(hpub.PublicKey())
	c, err := f.Connect(ctx, *sf)
	if err != nil {
		return nil, err
	}
	info, err := cmdutil.RequireSubnet(ctx, c, netuid)
	if err != nil {
		return nil, err
	}
	r := &registration{wallet: w, client: c, info: info, out: registerResult{Netuid: netuid, Hotkey: hot, Coldkey: cold}}
	uid, ok, err := c.UIDForHotkey(ctx, netuid, hot, 0)
	if err != nil {
		return nil, err
	}
	if ok {
		r.out.UID, r.out.AlreadyRegistered = uid, true
	}
	return r, nil
}

func registerRun(ctx context.Context, opts *RegisterOptions) error {
	f := opts.Factory
	r, err := prepareRegistration(ctx, f, &opts.Wallet, &opts.Subtensor, &opts.Netuid)
	if err != nil {
		return err
	}
	if r.out.AlreadyRegistered {
		return reportRegistered(f, opts.JSON, r.out)
	}
	w, c, info, netuid, cold, hot, out := r.wallet, r.client, r.info, r.out.Netuid, r.out.Coldkey, r.out.Hotkey, r.out
	burn := balance.Balance(info.Hyperparameters.Burn)
	free, err := c.GetBalance(ctx, cold, 0)
	if err != nil {
		return err
	}
	// The chain checks the registration (open, affordable, the burn not
	// above the quote) before anything is asked.
	var uid uint16
	maxBurn := burn
	chk, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: "registration", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (res *subtensor.TxResult, err error) {
			uid, res, err = c.BurnedRegister(ctx, s, netuid, hot, maxBurn, wait)
			return res, err
		}})
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Your balance is: %s\nThe cost to register by recycle is %s%s\nDo you want to continue? [y/n]: ", free, burn, cmdutil.FeeClause(" (and a fee of %s)", chk.Fee))
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return err
	}
	key, err := cmdutil.UnlockColdkey(f, w)()
	if err != nil {
		return err
	}
	// Unlocking can take a while: the burn may have moved meanwhile.
	if maxBurn, err = requote(ctx, f, c, netuid, burn); err != nil {
		return err
	}
	res, err := chk.Send(ctx, key)
	if err != nil {
		return err
	}
	paid := maxBurn.RAO()
	if v, ok := res.Event("NeuronRegistered", "burn"); ok {
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			paid = n // what the chain charged: at most the quote
		}
	}
	out.UID, out.Burn, out.Block, out.Tx = uid, paid, res.Height, res.Hash
	if err := reportRegistered(f, opts.JSON, out); err != nil {
		return err
	}
	if !opts.JSON {
		if after, err := c.GetBalance(ctx, cold, res.Height); err == nil {
			fmt.Fprintf(f.IOStreams.Out, "Balance: %s ➡ %s\n", free, after)
		}
	}
	return nil
}

// requote reads the subnet's burn again once the coldkey is unlocked and
// returns the most to pay. If the burn rose above the quote, the user at a
// terminal is asked again and the new burn is the limit; otherwise (no
// terminal, --no_prompt, or the burn did not rise) the quote stays the
// limit, and a chain whose burn is above it refuses the registration
// (BurnAboveMaximum) without charging anything. A lower burn is what the
// chain charges either way.
func requote(ctx context.Context, f *cmdutil.Factory, c subtensor.Chain, netuid uint16, quoted balance.Balance) (balance.Balance, error) {
	info, err := cmdutil.RequireSubnet(ctx, c, netuid)
	if err != nil {
		return 0, err
	}
	now := balance.Balance(info.Hyperparameters.Burn)
	if now <= quoted || !f.CanPrompt() {
		return quoted, nil
	}
	q := fmt.Sprintf("The burn rose from %s to %s while the key was unlocked.\nRegister for %s? [y/n]: ", quoted, now, now)
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return 0, err
	}
	return now, nil
}
