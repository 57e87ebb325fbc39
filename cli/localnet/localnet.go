// Package localnet is the `btcli localnet` group: a whole Bittensor network
// on this machine in one command. `up` starts a dev chain, creates a
// subnet, registers and funds a validator and miners of one of the
// reference subnets (tensor or text), stakes the validators, starts every
// neuron as its own process and shows the subnet's metagraph as blocks
// come; `status` and `down` work from any terminal.
//
// The chain runs as the subtensor program (`subtensor localnet node`, found
// next to btcli or on PATH: `go install ./cmd/...` installs both; `go run
// ./cmd/btcli` builds it from the checkout), so that btcli does not link the
// node and every other command starts fast; each
// neuron is this program re-executed with a hidden subcommand (`localnet
// _run <program>`). Files are described on type home.
package localnet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/neuron"
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
	cmd.AddCommand(NewCmdUp(f, nil), NewCmdStatus(f, nil), NewCmdDown(f, nil), newCmdRun())
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
	if goRun() {
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
