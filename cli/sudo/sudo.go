// Package sudo holds the `btcli sudo` command group: reading a subnet's
// hyperparameters and changing them as the subnet's owner (or, for the
// parameters only Root may change, with the chain's sudo key).
package sudo

import (
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/cli/subnets"
	"github.com/spf13/cobra"
)

// NewCmdSudo returns the sudo group (aliases su, sudos).
func NewCmdSudo(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "sudo <command>",
		Aliases: []string{"su", "sudos"},
		Short:   "Set and get subnet hyperparameters as the subnet owner",
		Args:    cobra.ArbitraryArgs,
		RunE:    cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdSet(f, nil), NewCmdGet(f, nil))
	return cmd
}

// NewCmdGet returns `sudo get`: a subnet's hyperparameters, as
// `subnets hyperparameters` shows them.
func NewCmdGet(f *cmdutil.Factory, runF func(*subnets.HyperparametersOptions) error) *cobra.Command {
	cmd := subnets.NewCmdHyperparameters(f, runF)
	cmd.Use = "get --netuid <netuid>"
	cmd.Short = "Show a subnet's hyperparameters (as btcli subnets hyperparameters)"
	return cmd
}
