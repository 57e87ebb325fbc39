// Package localnet is the `btcli localnet` group: a whole Bittensor network
// on this machine in one command. `up` starts a dev chain, creates a
// subnet, registers and funds a validator and miners of one of the
// reference subnets (tensor or text), stakes the validators, starts every
// neuron as its own process and shows the subnet's metagraph as blocks
// come; `status` and `down` work from any terminal.
//
// Every process is this program re-executed with a hidden subcommand
// (`localnet _node`, `localnet _run <program>`), so `go run ./cmd/btcli
// localnet up` works on a fresh checkout with nothing else built. Files are
// described on type home.
package localnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subnets/tensor/topk"
	"github.com/go-bittensor/bittensor/subnets/text/prompting"
	"github.com/go-bittensor/bittensor/wallet"
)

// DefaultHome is where a localnet lives unless --home says otherwise.
const DefaultHome = "~/.bittensor/localnet"

// NewCmdLocalnet returns the localnet group.
func NewCmdLocalnet(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "localnet <command>",
		Short: "Run a whole local network: chain, subnet, validators and miners",
		Long: `Run a whole Bittensor network on this machine: a dev chain, a subnet of one of
the reference subnets (tensor or text), validators querying miners and
setting weights, and Yuma consensus paying them, with the metagraph shown
live.

  btcli localnet up                      # 1 validator, 3 miners (one answering wrongly)
  btcli localnet status                  # from another terminal
  btcli localnet down`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdUp(f, nil), NewCmdStatus(f, nil), NewCmdDown(f, nil), newCmdNode(), newCmdRun())
	return cmd
}

// homeFlag registers --home.
func homeFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "home", DefaultHome, "Directory holding the network (chain, wallets, logs)")
}

// hint is a localnet command to suggest to the user, in backquotes: the
// way btcli was run (`go run ./cmd/btcli` from a checkout, else btcli),
// "localnet", args, and --home when h is not the default home.
func hint(h home, args string) string {
	name := "btcli"
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, string(filepath.Separator)+"go-build") {
		name = "go run ./cmd/btcli" // go run builds into its cache
	}
	s := name + " localnet " + args
	if def, err := resolveHome(DefaultHome); err != nil || def != h {
		s += " --home " + displayPath(string(h))
	}
	return "`" + s + "`"
}

// resolveHome expands ~ and makes the home absolute.
func resolveHome(dir string) (home, error) {
	p, err := filepath.Abs(wallet.ExpandHome(dir))
	if err != nil {
		return "", cmdutil.FlagErrorf("--home %q: %v", dir, err)
	}
	return home(p), nil
}

// programs are the neuron programs a localnet runs, by name.
var programs = map[string]func(ctx context.Context, args []string) error{
	"tensor-miner":     topk.RunMiner,
	"tensor-validator": topk.RunValidator,
	"text-miner":       prompting.RunMiner,
	"text-validator":   prompting.RunValidator,
}

// subnets are the values of --subnet.
var subnets = []string{"tensor", "text"}

// protocols are the values of --protocol each subnet speaks.
var protocols = map[string][]string{
	"tensor": {neuron.ProtocolSynapse, neuron.ProtocolBtauth, neuron.ProtocolEpistula},
	"text":   {neuron.ProtocolSynapse},
}

// newCmdRun is the hidden `localnet _run <program> [flags]`: one neuron
// program, stopped by SIGINT or SIGTERM.
func newCmdRun() *cobra.Command {
	return &cobra.Command{
		Use:                "_run <program> [flags]",
		Short:              "Run a reference subnet's neuron program (used by localnet up)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.FlagErrorf("_run needs a program: %s", strings.Join(programNames(), ", "))
			}
			run, ok := programs[args[0]]
			if !ok {
				return cmdutil.FlagErrorf("_run: unknown program %q (want %s)", args[0], strings.Join(programNames(), ", "))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return run(ctx, args[1:])
		},
	}
}

func programNames() []string {
	var out []string
	for n := range programs {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// newCmdNode is the hidden `localnet _node --home DIR`: the network's dev
// chain, stopped by SIGINT or SIGTERM.
func newCmdNode() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    "_node",
		Short:  "Run a localnet's chain (used by localnet up)",
		Hidden: true,
		Args:   cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			h, err := resolveHome(dir)
			if err != nil {
				return err
			}
			st, err := loadState(h)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			p2p, err := node.FreeAddr()
			if err != nil {
				return err
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
			n, err := node.Start(ctx, h.chainDir(), node.StartOptions{Logger: log, RPCListen: st.RPC, P2PListen: p2p, BlockTime: time.Duration(st.BlockTime)})
			if err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return n.Stop()
			case <-n.Halted(): // an upgrade this binary lacks is due
				n.Stop()
				return n.HaltErr()
			}
		},
	}
	homeFlag(cmd, &dir)
	return cmd
}

// errRunning is returned by up for a home whose network is running.
var errRunning = errors.New("localnet: already running")

// describeRunning lists running processes for an error message.
func describeRunning(live map[string]int) string {
	var names []string
	for n, pid := range live {
		names = append(names, fmt.Sprintf("%s pid %d", n, pid))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
