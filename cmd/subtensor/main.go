// Command subtensor runs a node of the subtensor chain: a development chain
// in one command (subtensor dev), or a validator of a named network
// (subtensor init, subtensor start), or a whole multi-validator network on
// one machine (subtensor testnet). subtensor export writes a stopped node's
// state as the genesis of a network that continues from it.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/cli/localnet/localchain"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/version"
)

func main() { os.Exit(run(newRootCmd())) }

// run executes the command and returns the exit status.
func run(cmd *cobra.Command) int {
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "subtensor:", err)
		return 1
	}
	return 0
}

type globalOptions struct {
	logLevel string
	// appVersion caps the chain's app version (0: this binary's newest):
	// tests run the binary as the release before an upgrade with it.
	appVersion uint64
}

func newRootCmd() *cobra.Command { return newRootCmdAt(0) }

// newRootCmdAt is the command tree of a binary that runs the chain at
// appVersion (0: its newest); see chain.Options.AppVersion.
func newRootCmdAt(appVersion uint64) *cobra.Command {
	g := &globalOptions{appVersion: appVersion}
	root := &cobra.Command{
		Use:           "subtensor",
		Short:         "Run a subtensor node (the Bittensor chain on CometBFT)",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.String(),
	}
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "log level: debug, info, warn or error")
	root.AddCommand(newDevCmd(g), newInitCmd(g), newStartCmd(g), newTestnetCmd(g), newExportCmd(), newVersionCmd(),
		localchain.NewCmd()) // hidden: the chain of a btcli localnet

	return root
}

func (g *globalOptions) logger() (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", g.logLevel)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})), nil
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			ups := chain.Upgrades()
			fmt.Fprintf(cmd.OutOrStdout(), "%s\nchain app version %d (newest upgrade: %s)\n", version.String(), chain.LatestAppVersion(), ups[len(ups)-1].Name)
		},
	}
}

func defaultHome(network string) string {
	dir, err := os.UserHomeDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, ".bittensor", "subtensor", network)
}

// haltGrace is how long a node that halted for an upgrade goes on serving
// its peers before it stops: a validator a moment behind it still gets the
// last block from it (the chain refuses the next one, so none is made).
const haltGrace = 5 * time.Second

// runUntilSignal runs a started node until SIGINT or SIGTERM, then stops it
// cleanly. A node that halts for an upgrade it does not have stops too
// (after haltGrace), and the error says what to install.
func runUntilSignal(n *node.Node, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "stopping…")
		return n.Stop()
	case <-n.Halted():
		h := n.Height()
		fmt.Fprintf(os.Stderr, "halted after block %d: %v\nstopping in %s…\n", h, n.HaltErr(), haltGrace)
		select {
		case <-ctx.Done():
		case <-time.After(haltGrace):
		}
		if err := n.Stop(); err != nil {
			log.Warn("stopping the node", "err", err)
		}
		return fmt.Errorf("the node stopped after block %d: %w", h, n.HaltErr())
	}
}

type devOptions struct {
	home       string
	rpc        string
	p2p        string
	blockTime  time.Duration
	reset      bool
	appVersion uint64
	limits     limitOptions
}

// limitOptions are the limits a node enforces on requests (docs/operations.md).
type limitOptions struct {
	queryTimeout        time.Duration
	maxPendingPerSigner int
}

func (l *limitOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&l.queryTimeout, "query-timeout", node.DefaultQueryTimeout, "how long one query may run before it is answered with QueryTimeout")
	cmd.Flags().IntVar(&l.maxPendingPerSigner, "mempool-max-per-signer", chain.DefaultMaxPendingPerSigner, "how many transactions of one signer the mempool holds at once (-1: no limit)")
}

func (l *limitOptions) apply(o *node.StartOptions) error {
	if l.queryTimeout <= 0 {
		return fmt.Errorf("--query-timeout must be positive, got %s", l.queryTimeout)
	}
	if l.maxPendingPerSigner == 0 || l.maxPendingPerSigner < -1 {
		return fmt.Errorf("--mempool-max-per-signer must be positive or -1 (no limit), got %d", l.maxPendingPerSigner)
	}
	o.QueryTimeout, o.MaxPendingPerSigner = l.queryTimeout, l.maxPendingPerSigner
	return nil
}

func newDevCmd(g *globalOptions) *cobra.Command {
	o := &devOptions{appVersion: g.appVersion}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run a single-validator development chain with funded dev accounts",
		Long: `Run a development chain in one process: one validator, fast blocks, the dev
accounts //Alice … //Ferdie funded with 100,000 TAO each, //Alice as sudo, and
the faucet enabled. Subnets can be created at once for a 10 TAO lock, with
registration by burn or by a proof of work a CPU solves in about a second,
short tempos and no staking rate limit. //Alice, //Bob and //Charlie are the
triumvirate, and proposals can be closed after 20 blocks. RPC listens on
127.0.0.1:9944 (the "local" network of btcli).
State is kept in --home and survives restarts unless --reset is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := g.logger()
			if err != nil {
				return err
			}
			return runDev(o, log)
		},
	}
	cmd.Flags().StringVar(&o.home, "home", defaultHome("dev"), "node home directory")
	cmd.Flags().StringVar(&o.rpc, "rpc", node.DefaultRPCListen, "RPC listen address (host:port)")
	cmd.Flags().StringVar(&o.p2p, "p2p", "127.0.0.1:26656", "p2p listen address (host:port)")
	cmd.Flags().DurationVar(&o.blockTime, "block-time", 250*time.Millisecond, "block interval")
	cmd.Flags().BoolVar(&o.reset, "reset", false, "delete the chain in --home and start a new one")
	o.limits.addFlags(cmd)
	return cmd
}

func runDev(o *devOptions, log *slog.Logger) error {
	if o.blockTime <= 0 {
		return fmt.Errorf("--block-time must be positive, got %s", o.blockTime)
	}
	if o.reset && node.IsHome(o.home) {
		if err := os.RemoveAll(o.home); err != nil {
			return fmt.Errorf("reset %s: %w", o.home, err)
		}
	}
	start := node.StartOptions{Logger: log, RPCListen: o.rpc, P2PListen: o.p2p, BlockTime: o.blockTime, AppVersion: o.appVersion}
	if err := o.limits.apply(&start); err != nil {
		return err
	}
	fresh := !node.IsHome(o.home)
	if fresh {
		g, err := node.DevGenesis()
		if err != nil {
			return err
		}
		if err := node.Init(o.home, node.InitOptions{ChainID: node.DevChainID, Genesis: g, Moniker: "dev", RPCListen: o.rpc, P2PListen: o.p2p, BlockTime: o.blockTime, NoPeerExchange: true, AppVersion: o.appVersion}); err != nil {
			return err
		}
	}
	n, err := node.Start(context.Background(), o.home, start)
	if err != nil {
		return err
	}
	state := "resumed"
	if fresh {
		state = "new chain"
	}
	how := "btcli --subtensor.network local"
	if n.RPCAddr() != node.DefaultRPCListen {
		how = "btcli --subtensor.chain_endpoint " + n.RPCAddr()
	}
	fmt.Fprintf(os.Stderr, `subtensor dev (%s): chain %s, home %s
  RPC        http://%s   (%s)
  block time %s
  accounts   %s funded; //Alice is sudo; faucet on
Press Ctrl-C to stop.
`, state, n.ChainID(), o.home, n.RPCAddr(), how, o.blockTime, strings.Join(node.DevAccounts, " "))
	return runUntilSignal(n, log)
}

type initOptions struct {
	home, chainID, genesis, moniker, rpc, p2p string
	blockTime                                 time.Duration
}

func newInitCmd(g *globalOptions) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init --home DIR (--chain-id ID | --genesis FILE)",
		Short: "Create a node home for a network",
		Long: `Create a node home: configuration, validator and node keys, and genesis.
With --genesis the node joins that network (copy the network's genesis.json),
or a network that continues from another's state (a genesis written by
subtensor export; copy each validator's config/priv_validator_key.json into
its new home). Without --genesis a new network is created with this node as
its only validator and the reference parameters (edit config/genesis.json's
app_state to fund accounts before the first start).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.home == "" {
				return errors.New("--home is required")
			}
			opts := node.InitOptions{ChainID: o.chainID, GenesisFile: o.genesis, Moniker: o.moniker, RPCListen: o.rpc, P2PListen: o.p2p, BlockTime: o.blockTime, Genesis: chain.DefaultGenesis(), AppVersion: g.appVersion}
			if o.genesis == "" && o.chainID == "" {
				return errors.New("give --chain-id for a new network, or --genesis FILE to join one")
			}
			if err := node.Init(o.home, opts); err != nil {
				return err
			}
			id, _, err := node.ReadGenesis(o.home)
			if err != nil {
				return err
			}
			if o.chainID != "" && id != o.chainID {
				return fmt.Errorf("genesis is for chain %q, not %q", id, o.chainID)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "initialised %s for chain %s; start it with: subtensor start --home %s\n", o.home, id, o.home)
			if ok, err := node.IsGenesisValidator(o.home); err == nil && !ok {
				fmt.Fprintf(cmd.OutOrStdout(), "note: this node's validator key is not among the genesis's validators, so it will follow the chain without voting; to validate, copy your validator's config/priv_validator_key.json into %s before the first start\n", filepath.Join(o.home, "config"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.home, "home", "", "node home directory (required)")
	cmd.Flags().StringVar(&o.chainID, "chain-id", "", "network name")
	cmd.Flags().StringVar(&o.genesis, "genesis", "", "genesis.json of the network to join")
	cmd.Flags().StringVar(&o.moniker, "moniker", "", "node name (default: the home's name)")
	cmd.Flags().StringVar(&o.rpc, "rpc", node.DefaultRPCListen, "RPC listen address (host:port)")
	cmd.Flags().StringVar(&o.p2p, "p2p", node.DefaultP2PListen, "p2p listen address (host:port)")
	cmd.Flags().DurationVar(&o.blockTime, "block-time", time.Second, "block interval")
	return cmd
}

type startOptions struct {
	home, rpc, p2p string
	keep           int64
	limits         limitOptions
}

func newStartCmd(g *globalOptions) *cobra.Command {
	o := &startOptions{}
	cmd := &cobra.Command{
		Use:   "start --home DIR",
		Short: "Run the node in a home made by init or testnet",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.home == "" {
				return errors.New("--home is required")
			}
			log, err := g.logger()
			if err != nil {
				return err
			}
			start := node.StartOptions{Logger: log, RPCListen: o.rpc, P2PListen: o.p2p, KeepVersions: o.keep, AppVersion: g.appVersion}
			if err := o.limits.apply(&start); err != nil {
				return err
			}
			n, err := node.Start(context.Background(), o.home, start)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "subtensor node %s: chain %s, RPC http://%s, height %d\n", n.NodeID(), n.ChainID(), n.RPCAddr(), n.Height())
			return runUntilSignal(n, log)
		},
	}
	cmd.Flags().StringVar(&o.home, "home", "", "node home directory (required)")
	cmd.Flags().StringVar(&o.rpc, "rpc", "", "override the RPC listen address (host:port)")
	cmd.Flags().StringVar(&o.p2p, "p2p", "", "override the p2p listen address (host:port)")
	cmd.Flags().Int64Var(&o.keep, "keep-versions", 0, "keep only this many recent heights of state for queries (0 = all)")
	o.limits.addFlags(cmd)
	return cmd
}

type testnetOptions struct {
	validators       int
	output, chainID  string
	host             string
	p2pPort, rpcPort int
	blockTime        time.Duration
	noDevAccounts    bool
}

func newTestnetCmd(g *globalOptions) *cobra.Command {
	o := &testnetOptions{}
	cmd := &cobra.Command{
		Use:   "testnet --validators N --output DIR",
		Short: "Create the homes of an N-validator network on this machine",
		Long: `Create one home per validator under --output (node0, node1, …) sharing one
genesis, with every node listing the others as peers. Node i listens for peers
on --p2p-port+i and serves RPC on --rpc-port+i. Start each with
subtensor start --home DIR/nodeI.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.output == "" {
				return errors.New("--output is required")
			}
			gen := chain.DefaultGenesis()
			if !o.noDevAccounts {
				var err error
				if gen, err = node.DevGenesis(); err != nil {
					return err
				}
			}
			homes, err := node.Testnet(node.TestnetOptions{Validators: o.validators, OutputDir: o.output, ChainID: o.chainID, Genesis: gen, Host: o.host, P2PPort: o.p2pPort, RPCPort: o.rpcPort, BlockTime: o.blockTime, AppVersion: g.appVersion})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "created %d validator homes for chain %s:\n", len(homes), o.chainID)
			for i, h := range homes {
				fmt.Fprintf(w, "  subtensor start --home %s    # RPC 127.0.0.1:%d\n", h, o.rpcPort+i)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&o.validators, "validators", 4, "number of validators")
	cmd.Flags().StringVar(&o.output, "output", "", "directory for the homes (required)")
	cmd.Flags().StringVar(&o.chainID, "chain-id", "subtensor-testnet", "network name")
	cmd.Flags().StringVar(&o.host, "host", "127.0.0.1", "address the nodes reach each other at")
	cmd.Flags().IntVar(&o.p2pPort, "p2p-port", 26656, "first p2p port")
	cmd.Flags().IntVar(&o.rpcPort, "rpc-port", 9944, "first RPC port")
	cmd.Flags().DurationVar(&o.blockTime, "block-time", time.Second, "block interval")
	cmd.Flags().BoolVar(&o.noDevAccounts, "no-dev-accounts", false, "do not fund the dev accounts //Alice … //Ferdie")
	return cmd
}

type exportOptions struct {
	home, chainID, output string
	height                int64
}

func newExportCmd() *cobra.Command {
	o := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export --home DIR [--height N] [--output FILE]",
		Short: "Write a stopped node's state as a genesis to continue the chain from",
		Long: `Write the chain's state after block --height (default: the latest the node
committed) as a genesis.json: the network's genesis with its app_state
replaced by the whole state in readable JSON (every list in key order, so the
same state always gives the same bytes), initial_height the next block, and
the state's app version. subtensor init --genesis FILE starts a network that
continues from it. The node must be stopped. The state at the genesis's own
height (initial_height − 1) is the one the chain started from.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.home == "" {
				return errors.New("--home is required")
			}
			b, err := node.Export(o.home, node.ExportOptions{Height: o.height, ChainID: o.chainID})
			if err != nil {
				return err
			}
			if o.output == "" || o.output == "-" {
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			if err := os.WriteFile(o.output, b, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", o.output, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d bytes)\n", o.output, len(b))
			return nil
		},
	}
	cmd.Flags().StringVar(&o.home, "home", "", "node home directory (required)")
	cmd.Flags().Int64Var(&o.height, "height", 0, "export the state after this block (0: the latest)")
	cmd.Flags().StringVar(&o.chainID, "chain-id", "", "chain id of the network that continues from the export (default: the same)")
	cmd.Flags().StringVar(&o.output, "output", "", "write to this file (default: standard output)")
	return cmd
}
