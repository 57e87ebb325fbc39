// Package subnets holds the `btcli subnets` command group: listing subnets
// and their hyperparameters, a subnet's metagraph, creating a subnet, and
// registering a hotkey on one by burn or by proof of work.
package subnets

import (
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdSubnets returns the subnets group (aliases s, subnet).
func NewCmdSubnets(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "subnets <command>",
		Aliases: []string{"s", "subnet"},
		Short:   "Create, list and register on subnets",
		Long: `Create, list and register on subnets.

A subnet (netuid 1 and up; 0 is the root network) is a set of neurons, each a
hotkey with a uid, scored by the subnet's validators every tempo blocks.
Registering a hotkey costs the subnet's burn (register) or a proof of work
(pow_register).`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdList(f, nil),
		NewCmdMetagraph(f, nil),
		NewCmdLockCost(f, nil),
		NewCmdCreate(f, nil),
		NewCmdRegister(f, nil),
		NewCmdPowRegister(f, nil),
		NewCmdHyperparameters(f, nil),
		NewCmdSimulate(f, nil),
	)
	return cmd
}
