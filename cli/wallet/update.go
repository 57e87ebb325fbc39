package wallet

import (
	"fmt"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// UpdateOptions are the options of `wallet update`.
type UpdateOptions struct {
	Factory *cmdutil.Factory
	Wallet  cmdutil.WalletFlags
	All     bool
}

// NewCmdUpdate returns `wallet update`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Re-encrypt keyfiles in legacy formats as $NACL",
		Long: `Re-encrypt the wallet's keyfiles that use a legacy encryption (Ansible Vault or
the old Fernet format) in the current $NACL format, with the same password.
The keyfile's content, including a stored mnemonic, is kept as it is. With
--all every wallet under --wallet.path is updated. You are asked before each
file is changed unless --no_prompt is given; passwords come from the
environment (BT_COLD_PW_<NAME>) or a prompt.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return updateRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmd.Flags().BoolVar(&opts.All, "all", false, "Update every wallet under --wallet.path")
	return cmd
}

func updateRun(opts *UpdateOptions) error {
	f := opts.Factory
	var wallets []*wallet.Wallet
	if opts.All {
		names, err := wallet.List(opts.Wallet.Path)
		if err != nil {
			return err
		}
		for _, n := range names {
			wallets = append(wallets, wallet.New(n, "", opts.Wallet.Path))
		}
	} else {
		w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
		if err != nil {
			return err
		}
		wallets = append(wallets, w)
	}

	out := f.IOStreams.Out
	for _, w := range wallets {
		paths := []string{w.ColdkeyPath()}
		hotkeys, err := w.HotkeyNames()
		if err != nil {
			return err
		}
		for _, h := range hotkeys {
			paths = append(paths, wallet.New(w.Name, h, w.Path).HotkeyPath())
		}
		for _, p := range paths {
			data, err := wallet.ReadKeyfileData(p)
			if err != nil {
				if p == w.ColdkeyPath() {
					fmt.Fprintf(out, "%s: no coldkey\n", p)
					continue
				}
				return err
			}
			format := wallet.DetectFormat(data)
			switch format {
			case wallet.FormatNaCl:
				fmt.Fprintf(out, "%s: already NaCl\n", p)
				continue
			case wallet.FormatPlain:
				fmt.Fprintf(out, "%s: not encrypted, left as it is\n", p)
				continue
			}
			if !f.NoPrompt {
				yes, err := f.Prompter().Confirm(fmt.Sprintf("%s uses the %s encryption. Re-encrypt it as NaCl with the same password? (y/N) ", p, format))
				if err != nil {
					return err
				}
				if !yes {
					fmt.Fprintf(out, "%s: left as %s\n", p, format)
					continue
				}
			}
			if _, err := wallet.UpdateEncryption(p, cmdutil.UnlockPassword(f)); err != nil {
				return err
			}
			fmt.Fprintf(out, "%s: updated from %s to NaCl\n", p, format)
		}
	}
	return nil
}
