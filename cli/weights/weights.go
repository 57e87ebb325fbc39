// Package weights holds the `btcli weights` command group (alias wt):
// setting a validator's weights on a subnet from the command line.
// Bittensor 6.x has no such group (validators set weights from code, and
// `btcli root weights` sets root weights); this one uses the SDK's
// normalisation, so what it sends is what a Python validator would send.
package weights

import (
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdWeights returns the weights group (alias wt).
func NewCmdWeights(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "weights <command>",
		Aliases: []string{"wt"},
		Short:   "Set a hotkey's weights on a subnet",
		Long: `Set a hotkey's weights on a subnet.

Weights are a validator's scores of the subnet's neurons; the subnet's
epoch turns them into incentive and dividends. Only neurons with a validator
permit may set weights on others; any registered neuron may set a weight on
its own uid.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdSet(f, nil), NewCmdCommit(f, nil), NewCmdReveal(f, nil))
	return cmd
}
