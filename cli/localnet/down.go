package localnet

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
)

// DownOptions are down's flags.
type DownOptions struct {
	IO   *cmdutil.IOStreams
	Home string
}

// NewCmdDown returns `localnet down`.
func NewCmdDown(f *cmdutil.Factory, runF func(context.Context, *DownOptions) error) *cobra.Command {
	o := &DownOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop a local network (its state is kept)",
		Long: `Stop every process of the local network in --home: the validators first
(so that stopping does not score the miners down), then the miners, the
chain last (SIGTERM, then SIGKILL after 10 s). The chain, wallets and
validators' scores stay in --home; ` + "`btcli localnet up`" + ` resumes the network.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return DownRun(cmd.Context(), o)
		},
	}
	homeFlag(cmd, &o.Home)
	return cmd
}

// DownRun stops the network's processes.
func DownRun(ctx context.Context, o *DownOptions) error {
	h, err := resolveHome(o.Home)
	if err != nil {
		return err
	}
	st, err := loadState(h)
	if errors.Is(err, errNoState) {
		return fmt.Errorf("localnet: no local network in %s", h)
	}
	if err != nil {
		return err
	}
	live := running(h, st)
	if len(live) == 0 {
		fmt.Fprintf(o.IO.ErrOut, "localnet: the network in %s is not running\n", h)
		return nil
	}
	if err := stopAll(h, st); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "localnet: stopped %d processes; the network is kept in %s (%s resumes it, %s starts a new one)\n", len(live), displayPath(string(h)), hint(h, "up"), hint(h, "up --reset"))
	return nil
}
