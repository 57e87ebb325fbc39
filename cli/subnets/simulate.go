package subnets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
)

// SimulateOptions are the options of `subnets simulate`.
type SimulateOptions struct {
	Factory   *cmdutil.Factory
	Subtensor cmdutil.SubtensorFlags
	// Input is the file holding the epoch's input ("-": standard input);
	// empty when the input comes from the chain.
	Input string
	// Netuid is the subnet whose next epoch is simulated from the chain's
	// state (0: the root epoch), when HasNetuid.
	Netuid    uint16
	HasNetuid bool
	// Root says the input is a root epoch's (SimRootInput).
	Root bool
	// PrintInput prints the input gathered from the chain instead of the
	// result, to edit and simulate with --input.
	PrintInput bool
}

// NewCmdSimulate returns `simulate`: run an epoch (Yuma Consensus), or a
// root epoch, offline on a JSON input, or on the chain's next epoch.
func NewCmdSimulate(f *cmdutil.Factory, runF func(*SimulateOptions) error) *cobra.Command {
	opts := &SimulateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Compute what an epoch would pay, offline or for a subnet's next epoch",
		Long: `Run Yuma Consensus, the epoch that pays a subnet's miners and validators,
exactly as the chain runs it, and print each neuron's result as JSON.

With --input FILE (or - for standard input) it reads the epoch's input:

  {"block": 100, "emission": 1000000000, "kappa": 32767,
   "activity_cutoff": 5000, "max_allowed_validators": 64,
   "bonds_moving_average": 900000,
   "neurons": [{"stake": 1000000000, "last_update": 90, "registered_at": 0,
                "validator_permit": true, "weights": [[1, 65535]],
                "bonds": [[1, 65535]]}, ...]}

Neurons are in uid order; stake and emission are in RAO; weights and bonds
are [uid, value] pairs as the chain stores them (weights max-upscaled so the
largest is 65535). The result lists, per uid, active, rank, trust,
consensus, incentive, dividends, validator_trust, pruning_score (u16
proportions, 65535 = 1.0), emission, server_emission and
validator_emission (RAO), validator_permit and the bonds row after the
epoch.

With --root the input is a root epoch's, which turns root validators'
weights over subnets into each subnet's emission per block:

  {"block_emission": 1000000000, "kappa": 32767, "rho": 10,
   "netuids": [0, 1, 2],
   "validators": [{"stake": 1000000000, "weights": [[1, 65535]]}, ...]}

With --netuid N instead of --input it asks the chain for the input of
subnet N's next epoch (N = 0: the next root epoch), as the chain will
gather it if no transaction changes the state first, and simulates that:
what the chain will compute, to the last RAO. --print_input prints that
input instead, to edit and try with --input.`,
		Example: `  btcli subnets simulate --input epoch.json
  btcli subnets simulate --netuid 1
  btcli subnets simulate --netuid 1 --print_input > epoch.json
  btcli subnets simulate --root --input root.json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.HasNetuid = cmd.Flags().Changed("netuid")
			switch {
			case opts.Input != "" && opts.HasNetuid:
				return cmdutil.FlagErrorf("give either --input or --netuid, not both")
			case opts.Input == "" && !opts.HasNetuid && !opts.Root:
				return cmdutil.FlagErrorf("give --input FILE (or - for standard input), or --netuid N to simulate a subnet's next epoch")
			case opts.Root && opts.HasNetuid && opts.Netuid != 0:
				return cmdutil.FlagErrorf("--root simulates the root epoch (netuid 0), not subnet %d", opts.Netuid)
			case opts.PrintInput && opts.Input != "":
				return cmdutil.FlagErrorf("--print_input prints the input read from the chain; it needs --netuid, not --input")
			}
			if opts.Input == "" && opts.Root {
				opts.HasNetuid, opts.Netuid = true, 0
			}
			if opts.HasNetuid && opts.Netuid == 0 {
				opts.Root = true
			}
			if runF != nil {
				return runF(opts)
			}
			return simulateRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Input, "input", "", "File with the epoch's input as JSON (- for standard input)")
	fs.Uint16Var(&opts.Netuid, "netuid", 0, "Simulate this subnet's next epoch from the chain's state (0: the root epoch)")
	fs.BoolVar(&opts.Root, "root", false, "The input is a root epoch's (subnets' emission values from root weights)")
	fs.BoolVar(&opts.PrintInput, "print_input", false, "With --netuid: print the input from the chain instead of simulating it")
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	return cmd
}

func simulateRun(ctx context.Context, opts *SimulateOptions) error {
	ios := opts.Factory.IOStreams
	raw, where, err := simulationInput(ctx, opts)
	if err != nil {
		return err
	}
	if opts.PrintInput {
		return printIndented(ios.Out, raw)
	}
	var out any
	if opts.Root {
		in, err := yuma.DecodeSimRootInput(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if out, err = yuma.SimulateRoot(in); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	} else {
		in, err := yuma.DecodeSimInput(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if out, err = yuma.Simulate(in); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return cmdutil.PrintJSON(ios.Out, out)
}

// simulationInput reads the input: the file (or standard input), or the
// chain's next epoch of the netuid. It also names where the input came
// from, for error messages.
func simulationInput(ctx context.Context, opts *SimulateOptions) ([]byte, string, error) {
	ios := opts.Factory.IOStreams
	switch {
	case opts.Input == "-":
		b, err := io.ReadAll(ios.In)
		if err != nil {
			return nil, "", fmt.Errorf("reading standard input: %w", err)
		}
		return b, "standard input", nil
	case opts.Input != "":
		b, err := os.ReadFile(opts.Input)
		if err != nil {
			return nil, "", err
		}
		return b, opts.Input, nil
	}
	chain, err := opts.Factory.Connect(ctx, opts.Subtensor)
	if err != nil {
		return nil, "", err
	}
	// The epoch's inputs are a query of go-bittensor's own node.
	c, ok := chain.(*subtensor.CometBFTClient)
	if !ok {
		return nil, "", fmt.Errorf("%w: %s (%s) does not serve a subnet's epoch inputs; simulate with --input, or against a go-bittensor node", subtensor.ErrNotSupported, chain.Network(), chain.Endpoint())
	}
	height, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return nil, "", err
	}
	var raw json.RawMessage
	path := types.QueryEpochInput + "/" + strconv.Itoa(int(opts.Netuid))
	if err := c.Query(ctx, path, nil, height, &raw); err != nil {
		return nil, "", fmt.Errorf("subnet %d's next epoch: %w", opts.Netuid, err)
	}
	var info types.EmissionInfo
	if err := c.Query(ctx, types.QueryEmission, nil, height, &info); err != nil {
		return nil, "", err
	}
	what := fmt.Sprintf("subnet %d's epoch", opts.Netuid)
	if opts.Netuid == 0 {
		what = "the root epoch"
	}
	for _, s := range info.Subnets {
		if s.Netuid == opts.Netuid {
			fmt.Fprintf(ios.ErrOut, "Simulating %s at block %d from the chain's state at block %d, as if no transaction changes it first.\n", what, s.NextEpochBlock, height)
		}
	}
	return raw, fmt.Sprintf("the chain's input for %s", what), nil
}

// printIndented prints a JSON document indented, as PrintJSON does.
func printIndented(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("the chain's answer is not JSON: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
