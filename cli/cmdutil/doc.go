// Package cmdutil is what every btcli command shares: the Factory of
// dependencies, IOStreams, the Prompter, the config file and BT_*
// environment defaults, the wallet and subtensor flags, typed errors with
// their exit codes, and JSON, table and tree output.
//
// A command follows one shape (see cli/wallet for examples):
//
//	type ListOptions struct {        // its dependencies and flags
//		IO   *cmdutil.IOStreams
//		Path string
//		JSON bool
//	}
//
//	func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
//		opts := &ListOptions{IO: f.IOStreams}
//		cmd := &cobra.Command{
//			Use:  "list",
//			Args: cmdutil.NoArgs,
//			RunE: func(cmd *cobra.Command, args []string) error {
//				// validate flags only; return cmdutil.FlagErrorf(...) on misuse
//				if runF != nil {
//					return runF(opts) // tests capture the parsed options
//				}
//				return listRun(opts)
//			},
//		}
//		cmdutil.AddWalletPathFlag(cmd, &opts.Path)
//		cmdutil.JSONFlag(cmd, &opts.JSON)
//		return cmd
//	}
//
//	func listRun(opts *ListOptions) error { … } // the work; output via opts.IO
//
// Rules the shared code relies on:
//   - Results go to IOStreams.Out; notices, prompts and errors to ErrOut.
//     Errors are returned, not printed: cli.Main prints them as one line.
//   - Ask the user only through Factory.Prompter (or UnlockPassword,
//     NewPassword, ConfirmOverwrite), never by reading In directly, so that
//     --no_prompt holds: with it nothing waits on the terminal and a value
//     that would have been asked for is an error naming it.
//   - Register flags that have an environment variable with BindEnv. Any
//     flag's default can also come from the config file under its name.
//     Do not set PersistentPreRunE on a command: the root's applies those
//     defaults.
//   - Commands that talk to the chain add SubtensorFlags; see Factory for
//     where the chain client will plug in.
//   - Commands that write send through Preflight and Checked.Send (or
//     Write): the chain checks the transaction before anything is asked,
//     and its refusal is the error. A command never restates a chain rule
//     to refuse early; a better sentence for a refusal goes in chainerr.go's
//     hints.
//   - Secrets (passwords, seeds, private keys) are never printed; a new
//     key's mnemonic is printed once, to Out, because the user needs it.
package cmdutil
