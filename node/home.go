package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/viper"

	"github.com/go-bittensor/bittensor/chain"
)

// ErrHomeExists is returned by Init when the home already holds a node.
var ErrHomeExists = errors.New("node: home already initialised")

// Defaults for the listening addresses of a node.
const (
	DefaultRPCListen = "127.0.0.1:9944"
	DefaultP2PListen = "0.0.0.0:26656"
)

// InitOptions describe a new node home.
type InitOptions struct {
	// ChainID names the network (required unless GenesisFile is set).
	ChainID string
	// Genesis is the chain's initial state, used when GenesisFile is empty;
	// the new node becomes the network's only validator.
	Genesis chain.Genesis
	// GenesisFile is an existing network's genesis.json to join.
	GenesisFile string
	// Moniker is the node's name on the network (default: the home's base name).
	Moniker string
	// RPCListen and P2PListen are host:port listening addresses.
	RPCListen, P2PListen string
	// BlockTime is the pause after each block before the next (CometBFT's
	// timeout_commit): the chain's block interval. Default 1s.
	BlockTime time.Duration
	// NoPeerExchange turns off peer discovery (for a node with no peers,
	// such as a dev chain, or one whose peers are all listed).
	NoPeerExchange bool
	// AppVersion is the app version a new network starts at, written in
	// its genesis (0: this binary's, chain.LatestAppVersion); see
	// StartOptions.AppVersion.
	AppVersion uint64
}

// Init creates a node home: CometBFT configuration, a validator key, a node
// key and the genesis file. It refuses to touch a home that already has a
// configuration.
func Init(home string, o InitOptions) error {
	cfgPath := filepath.Join(home, "config", "config.toml")
	if _, err := os.Stat(cfgPath); err == nil {
		return fmt.Errorf("%w: %s", ErrHomeExists, cfgPath)
	}
	if o.GenesisFile == "" && o.ChainID == "" {
		return errors.New("node: init needs a chain id or a genesis file")
	}
	if err := o.Genesis.Validate(); o.GenesisFile == "" && err != nil {
		return err
	}
	cfg := newConfig(home, o)
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(home, "data"), 0o700); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	pv := privval.LoadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	if _, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile()); err != nil {
		return fmt.Errorf("node: node key: %w", err)
	}
	if o.GenesisFile != "" {
		doc, err := cmttypes.GenesisDocFromFile(o.GenesisFile)
		if err != nil {
			return fmt.Errorf("node: genesis %s: %w", o.GenesisFile, err)
		}
		if _, err := chain.ParseGenesis(doc.AppState); err != nil {
			return err
		}
		if err := doc.SaveAs(cfg.GenesisFile()); err != nil {
			return fmt.Errorf("node: write genesis: %w", err)
		}
	} else {
		pub, err := pv.GetPubKey()
		if err != nil {
			return fmt.Errorf("node: validator key: %w", err)
		}
		vals := []cmttypes.GenesisValidator{{Address: pub.Address(), PubKey: pub, Power: 10, Name: cfg.Moniker}}
		if err := writeGenesis(cfg.GenesisFile(), o.ChainID, o.Genesis, vals, o.AppVersion); err != nil {
			return err
		}
	}
	cmtcfg.WriteConfigFile(cfgPath, cfg)
	return nil
}

// newConfig is the CometBFT configuration of a subtensor node.
func newConfig(home string, o InitOptions) *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(home)
	cfg.Moniker = o.Moniker
	if cfg.Moniker == "" {
		cfg.Moniker = filepath.Base(home)
	}
	cfg.DBBackend = "goleveldb"
	cfg.LogLevel = "info"
	cfg.RPC.ListenAddress = "tcp://" + orDefault(o.RPCListen, DefaultRPCListen)
	cfg.P2P.ListenAddress = "tcp://" + orDefault(o.P2PListen, DefaultP2PListen)
	bt := o.BlockTime
	if bt <= 0 {
		bt = time.Second
	}
	cfg.Consensus.TimeoutCommit = bt
	cfg.Consensus.TimeoutPropose = max(bt, time.Second)
	cfg.Consensus.CreateEmptyBlocks = true
	cfg.Mempool.Size = 20_000
	cfg.Mempool.CacheSize = 100_000
	cfg.Mempool.MaxTxBytes = 256 << 10
	cfg.RPC.MaxBodyBytes = 2 << 20
	cfg.RPC.TimeoutBroadcastTxCommit = 30 * time.Second
	cfg.TxIndex.Indexer = "kv"
	if o.NoPeerExchange {
		cfg.P2P.PexReactor = false
	}
	return cfg
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// writeGenesis writes a CometBFT genesis.json whose app_state is g, for a
// network starting at appVersion (0: chain.LatestAppVersion), which the
// consensus parameters record (and every block header carries).
func writeGenesis(path, chainID string, g chain.Genesis, vals []cmttypes.GenesisValidator, appVersion uint64) error {
	app, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("node: encode genesis: %w", err)
	}
	doc := &cmttypes.GenesisDoc{
		GenesisTime:     time.Now().UTC().Truncate(time.Second),
		ChainID:         chainID,
		InitialHeight:   1,
		ConsensusParams: cmttypes.DefaultConsensusParams(),
		Validators:      vals,
		AppState:        app,
	}
	// Blocks carry up to 4 MiB of transactions.
	doc.ConsensusParams.Block.MaxBytes = 4 << 20
	doc.ConsensusParams.Version.App = appVersion
	if appVersion == 0 {
		doc.ConsensusParams.Version.App = chain.LatestAppVersion()
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return fmt.Errorf("node: genesis: %w", err)
	}
	if err := doc.SaveAs(path); err != nil {
		return fmt.Errorf("node: write genesis: %w", err)
	}
	return nil
}

// loadConfig reads a home's config.toml.
func loadConfig(home string) (*cmtcfg.Config, error) {
	path := filepath.Join(home, "config", "config.toml")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("node: %s is not a node home (no config/config.toml); run `subtensor init` first", home)
	}
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("node: read %s: %w", path, err)
	}
	cfg := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("node: parse %s: %w", path, err)
	}
	cfg.SetRoot(home)
	if err := cfg.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("node: %s: %w", path, err)
	}
	return cfg, nil
}

// ReadGenesis returns the chain id and app state of a home's genesis.
func ReadGenesis(home string) (string, chain.Genesis, error) {
	doc, err := cmttypes.GenesisDocFromFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		return "", chain.Genesis{}, fmt.Errorf("node: %w", err)
	}
	g, err := chain.ParseGenesis(doc.AppState)
	return doc.ChainID, g, err
}

// IsHome reports whether dir holds an initialised node.
func IsHome(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "config", "config.toml"))
	return err == nil
}

// nodeID reads a home's p2p node id.
func nodeID(home string) (string, error) {
	nk, err := p2p.LoadNodeKey(filepath.Join(home, "config", "node_key.json"))
	if err != nil {
		return "", fmt.Errorf("node: node key: %w", err)
	}
	return string(nk.ID()), nil
}

func hostPort(laddr string) string { return strings.TrimPrefix(laddr, "tcp://") }
