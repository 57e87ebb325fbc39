package cmdutil

import (
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// WalletFlags are the --wallet.* flags of every command that uses keys.
type WalletFlags struct {
	Name   string // --wallet.name, env BT_WALLET_NAME
	Hotkey string // --wallet.hotkey, env BT_WALLET_HOTKEY
	Path   string // --wallet.path, env BT_WALLET_PATH

	cmd *cobra.Command
}

// AddWalletFlags registers --wallet.name, --wallet.hotkey and --wallet.path
// on cmd with Bittensor's defaults and environment variables.
func AddWalletFlags(cmd *cobra.Command, w *WalletFlags) {
	fs := cmd.Flags()
	fs.StringVar(&w.Name, "wallet.name", wallet.DefaultName, "Name of the wallet (its coldkey directory)")
	fs.StringVar(&w.Hotkey, "wallet.hotkey", wallet.DefaultHotkey, "Name of the hotkey in the wallet")
	fs.StringVar(&w.Path, "wallet.path", wallet.DefaultPath, "Directory holding the wallets")
	BindEnv(cmd, "wallet.name", "BT_WALLET_NAME")
	BindEnv(cmd, "wallet.hotkey", "BT_WALLET_HOTKEY")
	BindEnv(cmd, "wallet.path", "BT_WALLET_PATH")
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
// accepted; env BT_SUBTENSOR_CHAIN_ENDPOINT). Factory.Connect turns them
// into a connection.
type SubtensorFlags struct {
	Network       string
	ChainEndpoint string
}

// DefaultNetwork is the network chain-talking commands use by default: a
// node on this machine (`subtensor dev`). Bittensor's default, finney, is
// a Substrate chain this client cannot talk to.
const DefaultNetwork = subtensor.DefaultNetwork

// Target is what to connect to: the endpoint if given, else the network.
func (s SubtensorFlags) Target() string {
	if s.ChainEndpoint != "" {
		return s.ChainEndpoint
	}
	return s.Network
}

// AddSubtensorFlags registers the --subtensor.* flags on cmd.
func AddSubtensorFlags(cmd *cobra.Command, s *SubtensorFlags) {
	fs := cmd.Flags()
	fs.StringVar(&s.Network, "subtensor.network", DefaultNetwork, "Network to use: local (a node on this machine), or an endpoint")
	fs.StringVar(&s.ChainEndpoint, "subtensor.chain_endpoint", "", "Chain endpoint to connect to, host:port or a URL (overrides --subtensor.network)")
	BindEnv(cmd, "subtensor.network", "BT_SUBTENSOR_NETWORK")
	BindEnv(cmd, "subtensor.chain_endpoint", "BT_SUBTENSOR_CHAIN_ENDPOINT")
}

// AddWalletPathFlag registers only --wallet.path (env BT_WALLET_PATH), for
// commands that look at all wallets.
func AddWalletPathFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "wallet.path", wallet.DefaultPath, "Directory holding the wallets")
	BindEnv(cmd, "wallet.path", "BT_WALLET_PATH")
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
