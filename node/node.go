package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain"
)

// StartOptions adjust a node at start, over its config.toml.
type StartOptions struct {
	// Logger receives the node's logs; nil discards them.
	Logger *slog.Logger
	// RPCListen overrides the RPC listening address (host:port).
	RPCListen string
	// P2PListen overrides the p2p listening address (host:port).
	P2PListen string
	// KeepVersions is how many recent heights of application state to keep
	// for queries (0 = all).
	KeepVersions int64
	// BlockTime, if set, overrides the block interval (timeout_commit).
	BlockTime time.Duration
	// QueryTimeout is how long one query may run before it is stopped and
	// answered with QueryTimeout (0 = DefaultQueryTimeout).
	QueryTimeout time.Duration
	// MaxPendingPerSigner is how many transactions of one signer the
	// mempool may hold (0 = chain.DefaultMaxPendingPerSigner; negative: no
	// limit).
	MaxPendingPerSigner int
	// Config, if set, adjusts CometBFT's configuration (as read from
	// config.toml, with the overrides above) before the node starts: for
	// tests and tools that need other mempool or RPC limits.
	Config func(*cmtcfg.Config)
	// AppVersion caps the chain's app version (0: this binary's newest), so
	// that the node runs as the release before an upgrade would: for tests
	// of upgrades (chain.Options.AppVersion).
	AppVersion uint64
}

// DefaultQueryTimeout is the default time one query may run: far more than
// the heaviest query needs (the neurons of a full subnet, an epoch's input),
// little enough that abusive queries cannot pile up.
const DefaultQueryTimeout = 5 * time.Second

// Node is a running subtensor node: CometBFT with the chain application
// embedded.
type Node struct {
	home string
	cfg  *cmtcfg.Config
	cmt  *nm.Node
	app  *chain.App
	log  *slog.Logger

	appDB *iavldb.GoLevelDB
	dbs   *dbSet

	rpcListen string       // the RPC listen address, CometBFT's form
	rpc       net.Listener // the node's RPC server (rpc.go)

	stopOnce sync.Once
	stopErr  error

	haltOnce sync.Once
	halted   chan struct{} // closed when the chain refuses the next block
	haltErr  error         // why; set before halted closes
}

// dbSet opens CometBFT's databases and remembers them, so that Stop can close
// every one (CometBFT leaves some open) and the home can be reopened in the
// same process.
type dbSet struct {
	mu  sync.Mutex
	dbs []dbm.DB
}

func (s *dbSet) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.dbs = append(s.dbs, db)
	s.mu.Unlock()
	return db, nil
}

func (s *dbSet) closeAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, db := range s.dbs {
		if err := db.Close(); err != nil && !strings.Contains(err.Error(), "closed") {
			errs = append(errs, err)
		}
	}
	s.dbs = nil
	return errors.Join(errs...)
}

// Start opens the node in home and starts it: it replays any blocks the
// application has not applied, then joins consensus and serves RPC.
func Start(ctx context.Context, home string, o StartOptions) (*Node, error) {
	return start(ctx, home, o, nil)
}

// start is Start with the application CometBFT calls passed through wrap,
// when given (tests: a proposer that misbehaves).
func start(ctx context.Context, home string, o StartOptions, wrap func(abci.Application) abci.Application) (*Node, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := loadConfig(home)
	if err != nil {
		return nil, err
	}
	if o.RPCListen != "" {
		cfg.RPC.ListenAddress = "tcp://" + o.RPCListen
	}
	if o.P2PListen != "" {
		cfg.P2P.ListenAddress = "tcp://" + o.P2PListen
	}
	if o.BlockTime > 0 {
		cfg.Consensus.TimeoutCommit = o.BlockTime
	}
	if o.Config != nil {
		o.Config(cfg)
		if err := cfg.ValidateBasic(); err != nil {
			return nil, fmt.Errorf("node: config: %w", err)
		}
	}
	nodeKey, err := p2p.LoadNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node: node key: %w", err)
	}
	pv := privval.LoadFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())

	appDB, err := iavldb.NewGoLevelDB("application", cfg.DBDir())
	if err != nil {
		return nil, fmt.Errorf("node: open application state in %s: %w", cfg.DBDir(), err)
	}
	n := &Node{home: home, cfg: cfg, log: logger, appDB: appDB, halted: make(chan struct{})}
	queryTimeout := o.QueryTimeout
	if queryTimeout <= 0 {
		queryTimeout = DefaultQueryTimeout
	}
	app, err := chain.NewApp(appDB, chain.Options{
		Logger:              logger.With("module", "chain"),
		KeepVersions:        o.KeepVersions,
		AppVersion:          o.AppVersion,
		OnHalt:              n.halt,
		MaxPendingPerSigner: o.MaxPendingPerSigner,
		QueryContext: func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, queryTimeout)
		},
	})
	if err != nil {
		appDB.Close()
		return nil, err
	}
	var abciApp abci.Application = app
	if wrap != nil {
		abciApp = wrap(app)
	}
	dbs := &dbSet{}
	n.app, n.dbs = app, dbs
	// The node serves the RPC itself (rpc.go), not CometBFT.
	n.rpcListen, cfg.RPC.ListenAddress = cfg.RPC.ListenAddress, ""
	cmtLogger := newCmtLogger(logger.With("module", "cometbft"))
	cmt, err := nm.NewNodeWithContext(ctx, cfg, pv, nodeKey,
		concurrentQueries{abciApp},
		nm.DefaultGenesisDocProviderFunc(cfg),
		dbs.provider,
		nm.DefaultMetricsProvider(cfg.Instrumentation),
		cmtLogger,
	)
	if err != nil {
		n.closeStores()
		return nil, fmt.Errorf("node: %w", err)
	}
	n.cmt = cmt
	if err := cmt.Start(); err != nil {
		n.closeStores()
		return nil, fmt.Errorf("node: start: %w", err)
	}
	if n.rpcListen != "" {
		if n.rpc, err = serveRPC(cmt, cfg, n.rpcListen, cmtLogger); err != nil {
			n.Stop()
			return nil, err
		}
	}
	logger.Info("node started", "home", home, "chain_id", cmt.GenesisDoc().ChainID, "rpc", n.RPCAddr(), "node_id", nodeKey.ID())
	return n, nil
}

// halt records why the chain cannot go on and signals Halted. It is called
// from the consensus connection and does not block.
func (n *Node) halt(err error) {
	n.haltOnce.Do(func() {
		n.haltErr = err
		close(n.halted)
	})
}

// Halted is closed when the chain refuses to execute the next block: an
// upgrade this binary does not have is due (see chain's upgrade.go). The
// node has committed the block before; its owner should Stop it and report
// HaltErr, which says what to install.
func (n *Node) Halted() <-chan struct{} { return n.halted }

// HaltErr is why the node halted (nil until Halted is closed).
func (n *Node) HaltErr() error {
	select {
	case <-n.halted:
		return n.haltErr
	default:
		return nil
	}
}

// RPCAddr is the host:port the node's RPC listens on.
func (n *Node) RPCAddr() string {
	return hostPort(n.rpcListen)
}

// ChainID is the network's chain id.
func (n *Node) ChainID() string { return n.cmt.GenesisDoc().ChainID }

// Height is the last block the node has committed.
func (n *Node) Height() int64 { return n.cmt.BlockStore().Height() }

// HeaderAppHash is the app hash recorded in the header of block height: the
// state after block height−1. Every honest node has the same one.
func (n *Node) HeaderAppHash(height int64) ([]byte, bool) {
	meta := n.cmt.BlockStore().LoadBlockMeta(height)
	if meta == nil {
		return nil, false
	}
	return meta.Header.AppHash, true
}

// Query asks the node's application a query at the latest height (see the
// Query* paths of chain/types) and returns the raw answer.
func (n *Node) Query(path string) ([]byte, error) {
	resp, err := n.app.Query(context.Background(), &abci.RequestQuery{Path: path})
	if err != nil {
		return nil, err
	}
	if resp.Code != 0 {
		return nil, fmt.Errorf("node: query %s: %s", path, resp.Log)
	}
	return resp.Value, nil
}

// NodeID is the node's p2p identity.
func (n *Node) NodeID() string { return string(n.cmt.NodeInfo().ID()) }

// Home is the node's home directory.
func (n *Node) Home() string { return n.home }

// Stop stops the node and closes its stores. It is safe to call more than
// once.
func (n *Node) Stop() error {
	n.stopOnce.Do(func() {
		if n.rpc != nil {
			n.rpc.Close()
		}
		if n.cmt != nil && n.cmt.IsRunning() {
			if err := n.cmt.Stop(); err != nil {
				n.stopErr = fmt.Errorf("node: stop: %w", err)
			}
			n.cmt.Wait()
		}
		n.closeStores()
		n.log.Info("node stopped", "home", n.home)
	})
	return n.stopErr
}

func (n *Node) closeStores() {
	if err := n.dbs.closeAll(); err != nil {
		n.log.Warn("closing block stores", "err", err)
	}
	if err := n.app.Close(); err != nil {
		n.log.Warn("closing application state", "err", err)
	}
	if err := n.appDB.Close(); err != nil {
		n.log.Warn("closing application database", "err", err)
	}
}

// FreeAddr returns a loopback host:port that was free a moment ago, for tests
// and tools that start nodes side by side.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// DataDir is where a home keeps its databases.
func DataDir(home string) string { return filepath.Join(home, "data") }
