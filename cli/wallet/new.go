package wallet

import (
	"fmt"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// NewKeyOptions are the options of new_coldkey and new_hotkey.
type NewKeyOptions struct {
	Factory   *cmdutil.Factory
	Kind      string // "coldkey" or "hotkey"
	Wallet    cmdutil.WalletFlags
	NWords    int
	Encrypt   bool
	Overwrite bool
}

// NewCmdNewColdkey returns `wallet new_coldkey`.
func NewCmdNewColdkey(f *cmdutil.Factory, runF func(*NewKeyOptions) error) *cobra.Command {
	return newKeyCmd(f, coldkey, runF)
}

// NewCmdNewHotkey returns `wallet new_hotkey`.
func NewCmdNewHotkey(f *cmdutil.Factory, runF func(*NewKeyOptions) error) *cobra.Command {
	return newKeyCmd(f, hotkey, runF)
}

func newKeyCmd(f *cmdutil.Factory, kind keyKind, runF func(*NewKeyOptions) error) *cobra.Command {
	opts := &NewKeyOptions{Factory: f, Kind: string(kind)}
	var pw passwordFlags
	cmd := &cobra.Command{
		Use:   "new_" + string(kind),
		Short: fmt.Sprintf("Create a new %s from a fresh mnemonic", kind),
		Long: fmt.Sprintf(`Create a new %[1]s from a fresh BIP39 mnemonic and show the mnemonic once.

The %[1]s is written to the wallet with its public key file. An existing %[1]s
is replaced only with --overwrite_%[1]s or after you confirm.`, kind),
		Example: fmt.Sprintf("  btcli wallet new_%s --wallet.name miner --n_words 24", kind),
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkNWords(opts.NWords); err != nil {
				return err
			}
			enc, err := pw.encrypt()
			if err != nil {
				return err
			}
			opts.Encrypt = enc
			if runF != nil {
				return runF(opts)
			}
			return newKeyRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	addNWordsFlag(cmd, &opts.NWords)
	addPasswordFlags(cmd, &pw, kind == coldkey)
	cmd.Flags().BoolVar(&opts.Overwrite, "overwrite_"+string(kind), false, fmt.Sprintf("Replace an existing %s without asking", kind))
	return cmd
}

func newKeyRun(opts *NewKeyOptions) error {
	f := opts.Factory
	kind := keyKind(opts.Kind)
	ask := cmdutil.PromptName
	if kind == hotkey {
		ask = cmdutil.PromptHotkey
	}
	w, err := opts.Wallet.Resolve(f, ask)
	if err != nil {
		return err
	}
	replace, err := confirmReplace(f, w, kind, opts.Overwrite)
	if err != nil {
		return err
	}
	kp, err := wallet.GenerateKeypair(opts.NWords)
	if err != nil {
		return err
	}
	if err := writeKey(f, w, kind, kp, opts.Encrypt, replace); err != nil {
		return err
	}
	showMnemonic(f.IOStreams, kind, kp)
	return nil
}

// CreateOptions are the options of `wallet create`.
type CreateOptions struct {
	Factory          *cmdutil.Factory
	Wallet           cmdutil.WalletFlags
	NWords           int
	EncryptColdkey   bool
	EncryptHotkey    bool
	OverwriteColdkey bool
	OverwriteHotkey  bool
}

// NewCmdCreate returns `wallet create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	var pw passwordFlags
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a wallet: a new coldkey and hotkey where they are missing",
		Long: `Create a wallet: a new coldkey (encrypted unless --no_password) if the wallet has
neither coldkey nor coldkeypub.txt, and a new hotkey (not encrypted) if it has
none of that name. Existing keys are kept unless --overwrite_coldkey or
--overwrite_hotkey is given. --use_password / --no_password apply to the
coldkey.`,
		Example: "  btcli wallet create --wallet.name miner --wallet.hotkey h1",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkNWords(opts.NWords); err != nil {
				return err
			}
			enc, err := pw.encrypt()
			if err != nil {
				return err
			}
			opts.EncryptColdkey = enc
			if runF != nil {
				return runF(opts)
			}
			return createRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	addNWordsFlag(cmd, &opts.NWords)
	addPasswordFlags(cmd, &pw, true)
	cmd.Flags().BoolVar(&opts.OverwriteColdkey, "overwrite_coldkey", false, "Replace an existing coldkey without asking")
	cmd.Flags().BoolVar(&opts.OverwriteHotkey, "overwrite_hotkey", false, "Replace an existing hotkey without asking")
	return cmd
}

func createRun(opts *CreateOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return err
	}
	type step struct {
		kind      keyKind
		encrypt   bool
		overwrite bool
		exists    bool
	}
	steps := []step{
		{coldkey, opts.EncryptColdkey, opts.OverwriteColdkey, fileExists(w.ColdkeyPath()) || fileExists(w.ColdkeyPubPath())},
		{hotkey, opts.EncryptHotkey, opts.OverwriteHotkey, fileExists(w.HotkeyPath())},
	}
	for _, s := range steps {
		if s.exists && !s.overwrite {
			fmt.Fprintf(f.IOStreams.ErrOut, "The wallet already has a %s; kept it (use --overwrite_%s to replace it)\n", s.kind, s.kind)
			continue
		}
		kp, err := wallet.GenerateKeypair(opts.NWords)
		if err != nil {
			return err
		}
		if err := writeKey(f, w, s.kind, kp, s.encrypt, s.overwrite); err != nil {
			return err
		}
		showMnemonic(f.IOStreams, s.kind, kp)
	}
	return nil
}
