package config

import (
	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// Wallet is the --wallet.* flags of every program that uses keys, as
// Bittensor names them: which wallet (coldkey directory), which of its
// hotkeys, and where wallets are kept.
type Wallet struct {
	Name   string // --wallet.name, env BT_WALLET_NAME
	Hotkey string // --wallet.hotkey, env BT_WALLET_HOTKEY
	Path   string // --wallet.path, env BT_WALLET_PATH
}

// AddFlags registers --wallet.name, --wallet.hotkey and --wallet.path on fs
// with w's values as defaults (Bittensor's, default/default in
// ~/.bittensor/wallets/, for a zero Wallet) and their environment
// variables.
func (w *Wallet) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&w.Name, "wallet.name", or(w.Name, wallet.DefaultName), "Name of the wallet (its coldkey directory)")
	fs.StringVar(&w.Hotkey, "wallet.hotkey", or(w.Hotkey, wallet.DefaultHotkey), "Name of the hotkey in the wallet")
	BindEnv(fs, "wallet.name", "BT_WALLET_NAME")
	BindEnv(fs, "wallet.hotkey", "BT_WALLET_HOTKEY")
	AddWalletPathFlag(fs, &w.Path)
}

// AddWalletPathFlag registers only --wallet.path (env BT_WALLET_PATH) into
// path, for programs that look at every wallet.
func AddWalletPathFlag(fs *pflag.FlagSet, path *string) {
	fs.StringVar(path, "wallet.path", or(*path, wallet.DefaultPath), "Directory holding the wallets")
	BindEnv(fs, "wallet.path", "BT_WALLET_PATH")
}

// Subtensor is the --subtensor.* flags of every program that talks to the
// chain: a network name, or an endpoint that overrides it.
type Subtensor struct {
	Network       string // --subtensor.network, env BT_SUBTENSOR_NETWORK
	ChainEndpoint string // --subtensor.chain_endpoint, env BT_SUBTENSOR_CHAIN_ENDPOINT
}

// AddFlags registers --subtensor.network (default s.Network, or
// subtensor.DefaultNetwork) and --subtensor.chain_endpoint on fs, with
// their environment variables.
func (s *Subtensor) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.Network, "subtensor.network", or(s.Network, subtensor.DefaultNetwork), "Network to use: local (a node on this machine), or an endpoint")
	fs.StringVar(&s.ChainEndpoint, "subtensor.chain_endpoint", s.ChainEndpoint, "Chain endpoint to connect to, host:port or a URL (overrides --subtensor.network)")
	BindEnv(fs, "subtensor.network", "BT_SUBTENSOR_NETWORK")
	BindEnv(fs, "subtensor.chain_endpoint", "BT_SUBTENSOR_CHAIN_ENDPOINT")
}

// Target is what to connect to: the endpoint if given, else the network.
func (s Subtensor) Target() string {
	if s.ChainEndpoint != "" {
		return s.ChainEndpoint
	}
	return s.Network
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
