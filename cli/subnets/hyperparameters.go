package subnets

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// HyperparametersOptions are the options of `subnets hyperparameters`.
type HyperparametersOptions struct {
	Factory   *cmdutil.Factory
	Subtensor cmdutil.SubtensorFlags
	Netuid    cmdutil.NetuidFlag
	Block     uint64
	JSON      bool
}

// NewCmdHyperparameters returns `subnets hyperparameters`.
func NewCmdHyperparameters(f *cmdutil.Factory, runF func(*HyperparametersOptions) error) *cobra.Command {
	opts := &HyperparametersOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "hyperparameters --netuid <netuid>",
		Short: "Show a subnet's hyperparameters",
		Long: `Show a subnet's hyperparameters, as the chain stores them: u16 proportions
out of 65535, amounts (burns) in RAO, periods in blocks, switches true or
false. btcli sudo set changes them.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return HyperparametersRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	cmd.Flags().Uint64Var(&opts.Block, "block", 0, "Read the hyperparameters at this block (default: latest)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// HyperparametersRun prints a subnet's hyperparameters; `sudo get` runs it
// too.
func HyperparametersRun(ctx context.Context, opts *HyperparametersOptions) error {
	f := opts.Factory
	netuid, err := opts.Netuid.Resolve(f, 1)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	h, err := c.GetHyperparameters(ctx, netuid, opts.Block)
	if err != nil {
		return cmdutil.QueryError("hyperparameters", err)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, h)
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "HYPERPARAMETER", "VALUE")
	tp.SetTitle(fmt.Sprintf("Subnet Hyperparameters - NETUID: %d - %s", netuid, c.Network()))
	for _, r := range HyperparameterRows(h) {
		tp.AddRow(r[0], r[1])
	}
	return tp.Render()
}

// HyperparameterRows lists h as (name, value) pairs in the struct's order,
// names as in its JSON.
func HyperparameterRows(h types.Hyperparams) [][2]string {
	v := reflect.ValueOf(h)
	t := v.Type()
	rows := make([][2]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		rows = append(rows, [2]string{name, fmt.Sprint(v.Field(i).Interface())})
	}
	return rows
}
