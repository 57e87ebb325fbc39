// Package localchain is the chain of a `btcli localnet`: its genesis, its
// node home and its node process. The subtensor program runs it (`subtensor
// localnet init|node --home DIR`), so that btcli, which starts it, does not
// link the node: every btcli command would otherwise pay the node's start-up
// (CometBFT, its metrics and protobuf registrations) before doing anything.
package localchain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/localnet"
	"github.com/go-bittensor/bittensor/node"
)

// Genesis is the chain genesis of spec: a dev chain's (node.DevGenesis:
// funded dev accounts, //Alice as sudo, short tempos) with spec's accounts
// funded, its root validator staked, spec's tempo for every subnet and the
// root network, and registration limits wide enough to register every
// member of the network in one block.
func Genesis(spec localnet.GenesisSpec) (chain.Genesis, error) {
	g, err := node.DevGenesis()
	if err != nil {
		return g, err
	}
	for _, b := range spec.Balances {
		id, err := types.ParseAccountID(b.Address)
		if err != nil {
			return g, fmt.Errorf("localchain: balance of %q: %w", b.Address, err)
		}
		g.Balances = append(g.Balances, chain.GenesisBalance{Address: id, Free: b.Amount.RAO()})
	}
	rv := spec.RootValidator
	hot, err := types.ParseAccountID(rv.Hotkey)
	if err != nil {
		return g, fmt.Errorf("localchain: root validator's hotkey: %w", err)
	}
	cold, err := types.ParseAccountID(rv.Coldkey)
	if err != nil {
		return g, fmt.Errorf("localchain: root validator's coldkey: %w", err)
	}
	g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: 0, Neurons: []chain.GenesisNeuron{
		{Hotkey: hot, Coldkey: cold, Stake: rv.Amount.RAO()},
	}})
	d := &g.Params.Subtensor.SubnetDefaults
	d.Tempo = spec.Tempo
	d.MaxRegistrationsPerBlock = math.MaxUint16
	d.TargetRegistrationsPerInterval = 4096
	g.Root.Tempo = spec.Tempo
	return g, g.Validate()
}

// Init writes the node home of the new localnet in dir (its chain
// directory), from the network's description.
func Init(dir string) error {
	st, err := localnet.LoadState(dir)
	if err != nil {
		return err
	}
	spec := st.GenesisSpec()
	g, err := Genesis(spec)
	if err != nil {
		return fmt.Errorf("localchain: genesis: %w", err)
	}
	return node.Init(localnet.ChainDir(dir), node.InitOptions{
		ChainID: spec.ChainID, Genesis: g, Moniker: "localnet", RPCListen: spec.RPC,
		BlockTime: spec.BlockTime, NoPeerExchange: true,
	})
}

// Run runs the node of the localnet in dir until ctx ends (then it stops
// the node) or the chain halts for an upgrade this program lacks. The RPC
// address and block time are the description's, which `up` may have
// changed since Init.
func Run(ctx context.Context, dir string, log *slog.Logger) error {
	st, err := localnet.LoadState(dir)
	if err != nil {
		return err
	}
	p2p, err := node.FreeAddr()
	if err != nil {
		return err
	}
	spec := st.GenesisSpec()
	n, err := node.Start(ctx, localnet.ChainDir(dir), node.StartOptions{Logger: log, RPCListen: spec.RPC, P2PListen: p2p, BlockTime: spec.BlockTime})
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return n.Stop()
	case <-n.Halted(): // an upgrade this binary does not have is due
		n.Stop()
		return n.HaltErr()
	}
}

// NewCmd is the subtensor program's hidden `localnet` group: `init --home
// DIR` and `node --home DIR`, which `btcli localnet up` runs.
func NewCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "localnet <init|node> --home DIR",
		Short:  "The chain of a btcli localnet (run by btcli localnet up)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("localnet: give init or node")
		},
	}
	var dir string
	initCmd := &cobra.Command{
		Use:   "init --home DIR",
		Short: "Write the node home of a new localnet from its localnet.json",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return errors.New("--home is required")
			}
			return Init(dir)
		},
	}
	nodeCmd := &cobra.Command{
		Use:   "node --home DIR",
		Short: "Run a localnet's node until SIGINT or SIGTERM",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return errors.New("--home is required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return Run(ctx, dir, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
		},
	}
	for _, c := range []*cobra.Command{initCmd, nodeCmd} {
		c.Flags().StringVar(&dir, "home", "", "the localnet's home (as given to btcli localnet up, made absolute)")
	}
	cmd.AddCommand(initCmd, nodeCmd)
	return cmd
}
