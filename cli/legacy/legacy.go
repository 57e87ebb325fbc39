// Package legacy holds the `btcli legacy` group: commands kept for users of
// older Bittensor releases.
package legacy

import (
	"fmt"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	walletcmd "github.com/go-bittensor/bittensor/cli/wallet"
	"github.com/spf13/cobra"
)

// NewCmdLegacy returns the legacy group (alias l).
func NewCmdLegacy(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "legacy <command>",
		Aliases: []string{"l"},
		Short:   "Legacy commands: update btcli, faucet",
		Args:    cobra.ArbitraryArgs,
		RunE:    cmdutil.GroupRunE,
	}
	cmd.AddCommand(walletcmd.NewCmdFaucet(f, nil), newCmdUpdate(f))
	return cmd
}

// newCmdUpdate tells how to update btcli. Bittensor's runs pip; a Go binary
// is replaced by installing the new release.
func newCmdUpdate(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "update",
		Short: "Show how to update btcli",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(f.IOStreams.Out, `btcli %s
To update, install the latest release:
  go install github.com/go-bittensor/bittensor/cmd/btcli@latest
`, f.AppVersion)
			return nil
		},
	}
}
