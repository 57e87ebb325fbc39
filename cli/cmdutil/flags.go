package cmdutil

import (
	"github.com/go-bittensor/bittensor/config"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// WalletFlags are the --wallet.* flags of every command that uses keys
// (config.Wallet, shared with the neuron programs).
type WalletFlags struct {
	config.Wallet

	cmd *cobra.Command
}

// AddWalletFlags registers --wallet.name, --wallet.hotkey and --wallet.path
// on cmd with Bittensor's defaults and environment variables.
func AddWalletFlags(cmd *cobra.Command, w *WalletFlags) {
	w.Wallet.AddFlags(cmd.Flags())
	w.cmd = cmd
}

// WalletPrompt says which wallet names Resolve may ask for.
type WalletPrompt int

// What Resolve may prompt for.
const (
	PromptNone   WalletPrompt = iota // never prompt
	PromptName                       // the wallet name
	PromptHotkey                     // the wallet name and the hotkey name
)

// Resolve returns the wallet the flags name. When a name was given by no
// flag, environment variable or config file and the user can be asked,
// Bittensor's prompts "Enter wallet name" and "Enter hotkey name" offer the
// default; without a terminal, or with --no_prompt, the defaults are used.
func (w *WalletFlags) Resolve(f *Factory, ask WalletPrompt) (*wallet.Wallet, error) {
	name, hotkey := w.Name, w.Hotkey
	if f.CanPrompt() && w.cmd != nil {
		p := f.Prompter()
		var err error
		if ask >= PromptName && !w.cmd.Flags().Changed("wallet.name") {
			if name, err = p.Input("Enter wallet name", name); err != nil {
				return nil, err
			}
		}
		if ask >= PromptHotkey && !w.cmd.Flags().Changed("wallet.hotkey") {
			if hotkey, err = p.Input("Enter hotkey name", hotkey); err != nil {
				return nil, err
			}
		}
	}
	if err := checkName("wallet.name", name); err != nil {
		return nil, err
	}
	if err := checkName("wallet.hotkey", hotkey); err != nil {
		return nil, err
	}
	return wallet.New(name, hotkey, w.Path), nil
}

// checkName rejects names that would leave the wallet directory.
func checkName(flag, v string) error {
	switch {
	case v == "":
		return FlagErrorf("--%s must not be empty", flag)
	case v == "." || v == "..":
		return FlagErrorf("--%s %q is not a usable name", flag, v)
	}
	for _, r := range v {
		if r == '/' || r == '\\' || r == 0 {
			return FlagErrorf("--%s %q must not contain path separators", flag, v)
		}
	}
	return nil
}

// SubtensorFlags are the flags of commands that talk to the chain:
// --subtensor.network (env BT_SUBTENSOR_NETWORK) and
// --subtensor.chain_endpoint (overrides the network; a bare host:port is
// accepted; env BT_SUBTENSOR_CHAIN_ENDPOINT), as config.Subtensor defines
// them for every program. Factory.Connect turns them into a connection.
type SubtensorFlags = config.Subtensor

// DefaultNetwork is the network chain-talking commands use by default: a
// node on this machine (`subtensor dev`). Bittensor's default, finney, is
// a Substrate chain this client cannot talk to.
const DefaultNetwork = subtensor.DefaultNetwork

// AddSubtensorFlags registers the --subtensor.* flags on cmd.
func AddSubtensorFlags(cmd *cobra.Command, s *SubtensorFlags) { s.AddFlags(cmd.Flags()) }

// AddWalletPathFlag registers only --wallet.path (env BT_WALLET_PATH), for
// commands that look at all wallets.
func AddWalletPathFlag(cmd *cobra.Command, path *string) {
	*path = ""
	config.AddWalletPathFlag(cmd.Flags(), path)
}

// AliasFlag registers name as a hidden alias of the already registered
// flag target: both set the same value. Bittensor accepts several spellings
// of many flags (--cuda and --faucet.cuda.use_cuda, …).
func AliasFlag(cmd *cobra.Command, name, target string) {
	fs := cmd.Flags()
	t := fs.Lookup(target)
	if t == nil {
		panic("cmdutil: alias of unknown flag " + target)
	}
	a := *t
	a.Name, a.Shorthand, a.Usage = name, "", "Same as --"+target
	a.Hidden = true
	fs.AddFlag(&a)
}
