package cmdutil

import (
	"github.com/spf13/cobra"
)

// GroupRunE is the RunE of a command group: with no arguments it shows the
// group's help; an argument that is not one of its commands is a usage
// error naming it.
func GroupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	return FlagErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
}
