package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// NewCmdNotAvailable returns a placeholder for a command this build does not
// have yet. It shows in help (marked "not available yet"), accepts any
// arguments and flags, and fails with an error wrapping ErrNotAvailable.
// Subcommands, if given, are listed in its help the same way.
//
// To build the real command, replace the placeholder where the command
// tree is wired (cli/root.go for groups, the group's package for verbs).
func NewCmdNotAvailable(use, short string, aliases []string, subcommands ...string) *cobra.Command {
	cmd := &cobra.Command{
		Use:                use,
		Short:              short + " (not available yet)",
		Aliases:            aliases,
		DisableFlagParsing: true,
		Args:               cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
				return cmd.Help()
			}
			path := cmd.CommandPath()
			if cmd.HasParent() {
				path = strings.TrimPrefix(path, cmd.Root().Name()+" ")
			}
			return fmt.Errorf("%s: %w in this build of btcli", path, ErrNotAvailable)
		},
	}
	if len(subcommands) > 0 {
		cmd.Long = fmt.Sprintf("%s\n\nThis group is not available yet in this build of btcli. Its commands will be: %s.",
			short, strings.Join(subcommands, ", "))
	}
	return cmd
}

// GroupRunE is the RunE of a command group: with no arguments it shows the
// group's help; an argument that is not one of its commands is a usage
// error naming it.
func GroupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	return FlagErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
}
