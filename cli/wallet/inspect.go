package wallet

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/cli/stake"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// InspectOptions are the options of `wallet inspect`.
type InspectOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	All       bool
	Block     uint64
	Netuids   []int
	JSON      bool
}

// NewCmdInspect returns `wallet inspect`.
func NewCmdInspect(f *cmdutil.Factory, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Show the wallet's balance, delegations and neurons",
		Long: `Show the wallet coldkey's free balance, the delegates it stakes to (its
stake and what that stake earned in the delegate's last epochs), and the
neurons of its hotkeys (netuid, hotkey, the neuron's stake and last-epoch
emission; only those of --netuids when given); with --all, for every wallet
under --wallet.path.

With --json the amounts are integers in RAO.

On a dynamic-TAO chain (Bittensor's networks) stake is per subnet: the
delegations are the coldkey's stakes, one per hotkey and subnet, in the
subnet's alpha with their value at its price, and a neuron's stake is its
hotkey's alpha in its subnet.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, n := range opts.Netuids {
				if n < 0 || n > 65535 {
					return cmdutil.FlagErrorf("--netuids %d: a netuid is from 0 to 65535", n)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return inspectRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().BoolVar(&opts.All, "all", false, "Inspect every wallet under --wallet.path")
	cmd.Flags().Uint64Var(&opts.Block, "block", 0, "Read the chain at this block (default: latest)")
	cmd.Flags().IntSliceVar(&opts.Netuids, "netuids", nil, "Only the neurons on these subnets (default: all)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

type inspectDelegation struct {
	Delegate types.AccountID `json:"delegate"`
	Stake    uint64          `json:"stake"`    // RAO this coldkey has on it
	Emission uint64          `json:"emission"` // RAO that stake earned in the last epochs
}

type inspectNeuron struct {
	Netuid     uint16          `json:"netuid"`
	UID        uint16          `json:"uid"`
	HotkeyName string          `json:"hotkey_name"`
	Hotkey     types.AccountID `json:"hotkey"`
	Stake      uint64          `json:"stake"`    // RAO, the hotkey's total
	Emission   uint64          `json:"emission"` // RAO in the last epoch
}

type inspectWallet struct {
	Wallet    string              `json:"wallet"`
	Coldkey   types.AccountID     `json:"coldkey"`
	Balance   uint64              `json:"balance"` // free, RAO
	Delegated []inspectDelegation `json:"delegated"`
	Neurons   []inspectNeuron     `json:"neurons"`
	// Stakes are a dynamic-TAO chain's stakes (in place of Delegated).
	Stakes []cmdutil.SubnetStake `json:"stakes,omitempty"`
}

func inspectRun(ctx context.Context, opts *InspectOptions) error {
	f := opts.Factory
	wallets, err := cmdutil.SelectWallets(f, &opts.Wallet, opts.All)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	block := opts.Block
	if block == 0 {
		if block, err = c.GetCurrentBlock(ctx); err != nil {
			return err
		}
	}
	out, err := inspectWallets(ctx, f, c, wallets, block, opts.Netuids)
	if err != nil {
		return cmdutil.QueryError("inspect", err)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	tao := func(v uint64) string { return balance.Balance(v).String() }
	if _, ok := cmdutil.Dynamic(c); ok {
		tp := cmdutil.NewTablePrinter(f.IOStreams, "Coldkey", "Balance", "Hotkey", "Netuid", "Stake", "Value", "Neuron", "Emission")
		tp.SetTitle("Wallets")
		for _, iw := range out {
			tp.AddRow(iw.Wallet, tao(iw.Balance), "", "", "", "", "", "")
			for _, s := range iw.Stakes {
				tp.AddRow("", "", cmp.Or(s.Name, s.Hotkey.String()), strconv.Itoa(int(s.Netuid)), cmdutil.Alpha(s.Alpha), tao(s.Value), "", cmdutil.Alpha(s.Emission))
			}
			for _, n := range iw.Neurons {
				tp.AddRow("", "", n.HotkeyName, strconv.Itoa(int(n.Netuid)), cmdutil.Alpha(n.Stake), "", "uid "+strconv.Itoa(int(n.UID)), cmdutil.Alpha(n.Emission))
			}
		}
		return tp.Render()
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "Coldkey", "Balance", "Delegate", "Stake", "Emission", "Netuid", "Hotkey", "Stake", "Emission")
	tp.SetTitle("Wallets")
	for _, iw := range out {
		tp.AddRow(iw.Wallet, tao(iw.Balance), "", "", "", "", "", "", "")
		for _, d := range iw.Delegated {
			tp.AddRow("", "", d.Delegate.String(), tao(d.Stake), tao(d.Emission), "", "", "", "")
		}
		for _, n := range iw.Neurons {
			tp.AddRow("", "", "", "", "", strconv.Itoa(int(n.Netuid)), n.HotkeyName, tao(n.Stake), tao(n.Emission))
		}
	}
	return tp.Render()
}

// inspectWallets reads each wallet's balance, delegations and neurons at
// block.
// With netuids, only neurons on those subnets are read.
func inspectWallets(ctx context.Context, f *cmdutil.Factory, c subtensor.Chain, wallets []cmdutil.OwnedWallet, block uint64, netuids []int) ([]inspectWallet, error) {
	out := []inspectWallet{}
	for _, w := range wallets {
		iw := inspectWallet{Wallet: w.Name, Coldkey: w.Coldkey, Delegated: []inspectDelegation{}, Neurons: []inspectNeuron{}}
		free, err := c.GetBalance(ctx, w.Coldkey, block)
		if err != nil {
			return nil, err
		}
		iw.Balance = free.RAO()
		keys, err := cmdutil.WalletHotkeys(f, w.Wallet)
		if err != nil {
			return nil, err
		}
		dyn, isDynamic := cmdutil.Dynamic(c)
		var ds []types.DelegatedInfo
		if isDynamic {
			if iw.Stakes, _, err = cmdutil.SubnetStakes(ctx, dyn, w.Coldkey, block); err != nil {
				return nil, err
			}
			for i := range iw.Stakes {
				for _, k := range keys {
					if k.Key == iw.Stakes[i].Hotkey {
						iw.Stakes[i].Name = k.Name
					}
				}
			}
		} else if ds, err = c.GetDelegated(ctx, w.Coldkey, block); err != nil {
			return nil, err
		}
		for _, d := range ds {
			earned, err := stake.Earned(ctx, c, d.Delegate.Hotkey, d.Amount, block)
			if err != nil {
				return nil, err
			}
			iw.Delegated = append(iw.Delegated, inspectDelegation{Delegate: d.Delegate.Hotkey, Stake: d.Amount, Emission: earned})
		}
		for _, k := range keys {
			h, err := c.GetHotkey(ctx, k.Key, block)
			if err != nil {
				return nil, err
			}
			for _, r := range h.Registrations {
				if len(netuids) > 0 && !slices.Contains(netuids, int(r.Netuid)) {
					continue
				}
				n, err := c.Neuron(ctx, r.Netuid, r.UID, block)
				if err != nil {
					return nil, err
				}
				in := inspectNeuron{Netuid: r.Netuid, UID: r.UID, HotkeyName: k.Name, Hotkey: k.Key, Stake: n.TotalStake, Emission: n.Emission}
				if isDynamic {
					if in.Stake, err = dyn.HotkeyAlpha(ctx, k.Key, r.Netuid, block); err != nil {
						return nil, err
					}
				}
				iw.Neurons = append(iw.Neurons, in)
			}
		}
		out = append(out, iw)
	}
	return out, nil
}
