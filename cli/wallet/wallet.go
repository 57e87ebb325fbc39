// Package wallet holds the `btcli wallet` command group: creating,
// regenerating, listing and updating wallets on disk, signing and verifying
// messages with their keys (offline), and the commands that read or change
// the chain for a wallet: balance, overview, inspect, transfer, faucet,
// swap_hotkey, history, and the on-chain identity (set_identity,
// get_identity).
package wallet

import (
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdWallet returns the wallet group (aliases w, wallets).
func NewCmdWallet(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "wallet <command>",
		Aliases: []string{"w", "wallets"},
		Short:   "Create, regenerate, list and use wallets",
		Long: `Create, regenerate, list and use wallets.

A wallet is a directory under --wallet.path (default ~/.bittensor/wallets/)
holding an encrypted coldkey, its public key in coldkeypub.txt, and hotkeys
in hotkeys/. Wallets made by Bittensor's Python SDK or btwallet open here,
and wallets made here open there.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdList(f, nil),
		NewCmdCreate(f, nil),
		NewCmdNewColdkey(f, nil),
		NewCmdNewHotkey(f, nil),
		NewCmdRegenColdkey(f, nil),
		NewCmdRegenColdkeypub(f, nil),
		NewCmdRegenHotkey(f, nil),
		NewCmdUpdate(f, nil),
		NewCmdSign(f, nil),
		NewCmdVerify(f, nil),
		NewCmdTransfer(f, nil),
		NewCmdFaucet(f, nil),
		NewCmdBalance(f, nil),
		NewCmdOverview(f, nil),
		NewCmdInspect(f, nil),
		NewCmdSwapHotkey(f, nil),
		NewCmdSetIdentity(f, nil),
		NewCmdGetIdentity(f, nil),
		NewCmdHistory(f, nil),
	)
	return cmd
}
