// Package cli wires the btcli command tree: the root command, its global
// flags, version and shell completion, and the command groups. Each group
// lives in its own package under cli/ (cli/wallet, cli/subnets, …) and
// everything commands share is in cli/cmdutil.
//
// To add a group, write cli/<group> with a NewCmd<Group>(f) constructor and
// add it to groups below.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	legacycmd "github.com/go-bittensor/bittensor/cli/legacy"
	localnetcmd "github.com/go-bittensor/bittensor/cli/localnet"
	rootcmd "github.com/go-bittensor/bittensor/cli/rootnet"
	stakecmd "github.com/go-bittensor/bittensor/cli/stake"
	subnetscmd "github.com/go-bittensor/bittensor/cli/subnets"
	sudocmd "github.com/go-bittensor/bittensor/cli/sudo"
	walletcmd "github.com/go-bittensor/bittensor/cli/wallet"
	weightscmd "github.com/go-bittensor/bittensor/cli/weights"
	"github.com/spf13/cobra"
)

// groups returns the command groups of btcli in the order help lists them (as
// Bittensor 6.x's bittensor/cli.py lists them), then this build's own, which
// Bittensor 6.x does not have: weights (alias wt) and localnet.
func groups(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{
		subnetscmd.NewCmdSubnets(f),
		rootcmd.NewCmdRoot(f),
		walletcmd.NewCmdWallet(f),
		stakecmd.NewCmdStake(f),
		sudocmd.NewCmdSudo(f),
		weightscmd.NewCmdWeights(f),
		legacycmd.NewCmdLegacy(f),
		localnetcmd.NewCmdLocalnet(f),
		newCmdInfo(),
	}
}

// NewRootCmd returns the btcli root command over f. Global flags fill f
// (NoPrompt, ConfigPath); before any command runs, flags not given on the
// command line take their values from BT_* environment variables and the
// config file (cmdutil.ApplyDefaults). Commands must not set their own
// PersistentPreRunE, which would replace that step.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	var printCompletion string
	cmd := &cobra.Command{
		Use:   "btcli <command> <command args>",
		Short: "bittensor cli v" + f.AppVersion,
		Long: "bittensor cli v" + f.AppVersion + `

btcli manages Bittensor wallets, subnets, stake, weights, the root network
and its governance.

Flags can also be set by BT_* environment variables (BT_WALLET_NAME,
BT_WALLET_HOTKEY, BT_WALLET_PATH, …) and by a YAML config file
(~/.bittensor/config.yml, or --config) whose keys are flag names; the
command line wins over the environment, which wins over the file.`,
		Version:       f.AppVersion,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			return cmdutil.ApplyDefaults(cmd, cfg, f.Getenv)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if printCompletion != "" {
				return writeCompletion(cmd, printCompletion)
			}
			return cmdutil.GroupRunE(cmd, args)
		},
	}
	cmd.SetVersionTemplate("btcli {{.Version}}\n")
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.ConfigPath, "config", "", "YAML file of flag defaults (default "+cmdutil.DefaultConfigPath+")")
	pf.BoolVar(&f.NoPrompt, "no_prompt", false, "Never ask questions; a value that would be asked for is an error")
	var strict, noVersionCheck bool
	pf.BoolVar(&strict, cmdutil.StrictFlag, false, "Refuse flags the command does not take (without it they are ignored, as Bittensor's btcli does)")
	pf.BoolVar(&noVersionCheck, "no_version_checking", false, "Accepted for compatibility (no version check is made)")
	_ = pf.MarkHidden("no_version_checking")
	cmd.Flags().StringVar(&printCompletion, "print-completion", "", "Print the shell completion script for bash, zsh, fish or powershell")

	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return cmdutil.UnknownFlagError(c, err) })
	cmd.AddCommand(groups(f)...)
	acceptBittensorFlags(cmd)
	cmd.CompletionOptions.HiddenDefaultCmd = false
	return cmd
}

// acceptBittensorFlags lets the commands of Bittensor 6.x's groups take the
// flags 6.x declares on them (the --wallet.* and --subtensor.* flags on
// every command), used or not, so that scripts passing one set of flags to
// every command work; see cmdutil.DropForeignFlags for the rest.
func acceptBittensorFlags(root *cobra.Command) {
	for _, g := range root.Commands() {
		switch g.Name() {
		case "subnets", "root", "wallet", "stake", "sudo", "legacy", "weights":
		default:
			continue
		}
		for _, c := range g.Commands() {
			if !c.Hidden && c.Runnable() {
				cmdutil.AcceptFlags(c, cmdutil.Bittensor6CommonFlags...)
			}
		}
	}
}

// writeCompletion prints the completion script of a shell.
func writeCompletion(root *cobra.Command, shell string) error {
	out := root.OutOrStdout()
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(out, true)
	case "zsh":
		return root.GenZshCompletion(out)
	case "fish":
		return root.GenFishCompletion(out, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(out)
	case "tcsh":
		return cmdutil.FlagErrorf("--print-completion tcsh is not supported; use bash, zsh, fish or powershell")
	}
	return cmdutil.FlagErrorf("--print-completion %q: want bash, zsh, fish or powershell", shell)
}

// newCmdInfo is the info group: how to turn on shell completion.
func newCmdInfo() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "info <command>",
		Aliases: []string{"i"},
		Short:   "Information about btcli",
		Args:    cobra.ArbitraryArgs,
		RunE:    cmdutil.GroupRunE,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "autocomplete",
		Short: "Show how to turn on shell completion",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprint(cmd.OutOrStdout(), `To complete btcli commands and flags in your shell, add to its startup file:

  bash:  source <(btcli completion bash)
  zsh:   source <(btcli completion zsh)
  fish:  btcli completion fish | source

(btcli --print-completion <shell> prints the same scripts.)
`)
			return nil
		},
	})
	return cmd
}

// Main runs btcli with args over f and returns the process exit code.
// Errors are printed as one line, "btcli: <error>", on standard error;
// usage errors add a hint to --help.
func Main(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := NewRootCmd(f)
	root.SetArgs(cmdutil.DropForeignFlags(root, args))
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if strings.HasPrefix(err.Error(), "unknown command ") || strings.HasPrefix(err.Error(), "unknown flag") {
		err = &cmdutil.FlagError{Err: err}
	}
	err = cmdutil.MissingKeyError(err)
	if !errors.Is(err, cmdutil.ErrSilent) {
		fmt.Fprintf(f.IOStreams.ErrOut, "btcli: %s\n", oneLine(err.Error()))
		var fe *cmdutil.FlagError
		if errors.As(err, &fe) && cmd != nil {
			fmt.Fprintf(f.IOStreams.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return cmdutil.ExitCode(err)
}

// oneLine folds a multi-line error into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
