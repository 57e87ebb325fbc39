package localnet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
)

// StatusOptions are status's flags.
type StatusOptions struct {
	IO   *cmdutil.IOStreams
	Home string
	JSON bool
}

// NewCmdStatus returns `localnet status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	o := &StatusOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show a local network's processes and metagraph",
		Long: `Show whether the local network in --home runs (its chain and each neuron's
process) and, if the chain answers, the subnet's metagraph: every neuron's
stake, trust, incentive, dividends, emission and axon.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return StatusRun(cmd.Context(), o)
		},
	}
	homeFlag(cmd, &o.Home)
	cmdutil.JSONFlag(cmd, &o.JSON)
	return cmd
}

// StatusRun prints the network's state.
func StatusRun(ctx context.Context, o *StatusOptions) error {
	h, err := resolveHome(o.Home)
	if err != nil {
		return err
	}
	st, err := loadState(h)
	if errors.Is(err, errNoState) {
		return fmt.Errorf("localnet: no local network in %s; start one with %s", displayPath(string(h)), hint(h, "up"))
	}
	if err != nil {
		return err
	}
	var c *subtensor.CometBFTClient
	if _, ok := running(h, st)[nodeName]; ok && st.Ready {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, _ = subtensor.ConnectCometBFT(cctx, st.RPC, subtensor.Options{Retries: -1})
		cancel()
	}
	v, _ := readView(ctx, c, h, st)
	if o.JSON {
		return cmdutil.PrintJSON(o.IO.Out, v)
	}
	return v.render(o.IO.Out, renderOptions{tty: o.IO.IsStdoutTTY(), width: o.IO.TerminalWidth(), procs: true})
}
