package node

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/go-bittensor/bittensor/chain"
)

// TestnetOptions describe a multi-validator network on one machine.
type TestnetOptions struct {
	Validators int           // number of validator homes (≥ 1)
	OutputDir  string        // homes are created as OutputDir/node0 … nodeN-1
	ChainID    string        // network name
	Genesis    chain.Genesis // app state shared by all
	Host       string        // address peers use to reach each other (default 127.0.0.1)
	P2PPort    int           // node i listens for peers on P2PPort+i (default 26656)
	RPCPort    int           // node i serves RPC on RPCPort+i (default 9944)
	BlockTime  time.Duration // default 1s
	AppVersion uint64        // the network's first app version (0: this binary's); see InitOptions.AppVersion
}

// Testnet creates one home per validator, all with the same genesis (every
// validator with equal power) and each listing the others as persistent
// peers, and returns the homes. Each is started with `subtensor start`.
func Testnet(o TestnetOptions) ([]string, error) {
	if o.Validators < 1 {
		return nil, fmt.Errorf("node: testnet needs at least one validator, got %d", o.Validators)
	}
	if o.ChainID == "" {
		return nil, fmt.Errorf("node: testnet needs a chain id")
	}
	if err := o.Genesis.Validate(); err != nil {
		return nil, err
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.P2PPort == 0 {
		o.P2PPort = 26656
	}
	if o.RPCPort == 0 {
		o.RPCPort = 9944
	}
	homes := make([]string, o.Validators)
	cfgs := make([]*cmtcfg.Config, o.Validators)
	ids := make([]string, o.Validators)
	var vals []cmttypes.GenesisValidator
	for i := range homes {
		home := filepath.Join(o.OutputDir, "node"+strconv.Itoa(i))
		if IsHome(home) {
			return nil, fmt.Errorf("%w: %s", ErrHomeExists, home)
		}
		homes[i] = home
		cfg := newConfig(home, InitOptions{
			Moniker:   "node" + strconv.Itoa(i),
			RPCListen: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.RPCPort+i)),
			P2PListen: net.JoinHostPort(listenHost(o.Host), strconv.Itoa(o.P2PPort+i)),
			BlockTime: o.BlockTime,
		})
		cfg.P2P.AllowDuplicateIP = true
		cfg.P2P.AddrBookStrict = false
		// Every peer is listed; peer exchange would only add an address book
		// that is written in the background after the node stops.
		cfg.P2P.PexReactor = false
		cfgs[i] = cfg
		for _, dir := range []string{"config", "data"} {
			if err := os.MkdirAll(filepath.Join(home, dir), 0o700); err != nil {
				return nil, fmt.Errorf("node: %w", err)
			}
		}
		pv := privval.LoadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
		nk, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
		if err != nil {
			return nil, fmt.Errorf("node: node key: %w", err)
		}
		ids[i] = string(nk.ID())
		pub, err := pv.GetPubKey()
		if err != nil {
			return nil, fmt.Errorf("node: validator key: %w", err)
		}
		vals = append(vals, cmttypes.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: 10, Name: cfg.Moniker})
	}
	for i, cfg := range cfgs {
		var peers []string
		for j := range cfgs {
			if j != i {
				peers = append(peers, fmt.Sprintf("%s@%s", ids[j], net.JoinHostPort(o.Host, strconv.Itoa(o.P2PPort+j))))
			}
		}
		cfg.P2P.PersistentPeers = strings.Join(peers, ",")
		if err := writeGenesis(cfg.GenesisFile(), o.ChainID, o.Genesis, vals, o.AppVersion); err != nil {
			return nil, err
		}
		cmtcfg.WriteConfigFile(filepath.Join(homes[i], "config", "config.toml"), cfg)
	}
	return homes, nil
}

// listenHost is the address to bind for peers: loopback stays loopback,
// anything else binds all interfaces.
func listenHost(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return host
	}
	return "0.0.0.0"
}
