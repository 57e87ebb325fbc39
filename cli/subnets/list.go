package subnets

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// ListOptions are the options of `subnets list`.
type ListOptions struct {
	Factory   *cmdutil.Factory
	Subtensor cmdutil.SubtensorFlags
	Block     uint64
	JSON      bool
}

// NewCmdList returns `subnets list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the subnets",
		Long: `List every subnet, the root network (netuid 0) included: its neurons and
size, share of emission, tempo, registration burn and proof-of-work
difficulty, and owner.

With --json the answer is the chain's, integers as stored: emission_value and
burn in RAO, u16 proportions out of 65535.

On a dynamic-TAO chain (Bittensor's networks) each subnet also shows its
pool: the price of its alpha in TAO, the TAO and alpha in the pool, and the
TAO it receives per block (which follows the TAO in its pool); --json adds
the pool under "pool" (RAO).`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().Uint64Var(&opts.Block, "block", 0, "Read the subnets at this block (default: latest)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	subnets, err := c.GetSubnets(ctx, opts.Block)
	if err != nil {
		return cmdutil.QueryError("subnets list", err)
	}
	if d, ok := cmdutil.Dynamic(c); ok {
		return listDynamic(ctx, opts, c, d, subnets)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, subnets)
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "NETUID", "N", "MAX_N", "EMISSION", "TEMPO", "BURN", "POW", "SUDO")
	tp.SetTitle("Subnets - " + c.Network())
	var unpaid []uint16
	for _, s := range subnets {
		if s.Netuid != 0 && s.EmissionValue == 0 {
			unpaid = append(unpaid, s.Netuid)
		}
		h := s.Hyperparameters
		tp.AddRow(strconv.Itoa(int(s.Netuid)), strconv.Itoa(int(s.N)), millify(uint64(h.MaxAllowedUids)),
			fmt.Sprintf("%.2f%%", float64(s.EmissionValue)/balance.RAOPerTAO*100), strconv.Itoa(int(h.Tempo)),
			truncate(balance.Balance(h.Burn).String(), 8), millify(h.Difficulty), s.Owner.String())
	}
	if err := tp.Render(); err != nil {
		return err
	}
	if len(unpaid) > 0 {
		cmdutil.Notice(f.IOStreams, NoEmissionNote(unpaid...))
	}
	return nil
}

// NoEmissionNote explains why subnets get no emission: a subnet's share is
// set by the root network's weights, so a new subnet earns nothing until
// root validators weigh it.
func NoEmissionNote(netuids ...uint16) string {
	list := make([]string, len(netuids))
	for i, n := range netuids {
		list[i] = strconv.Itoa(int(n))
	}
	which := "Subnet " + list[0] + " gets"
	if len(list) > 1 {
		which = "Subnets " + strings.Join(list, ", ") + " get"
	}
	return which + " no emission yet: each subnet's share is set by the root network's weights, so it needs a root validator " +
		"(a hotkey registered with btcli root register, with stake) to weigh it (btcli root weights --netuids " + list[0] + " …); " +
		"its neurons earn nothing until then. Emission follows at the next root epoch."
}

// millify writes n with a K, M, B or T suffix and no decimals, as
// Bittensor's millify: 4096 → "4 K", 1000000 → "1 M".
func millify(n uint64) string {
	names := []string{"", " K", " M", " B", " T"}
	v := float64(n)
	idx := 0
	if v > 0 {
		idx = max(0, min(len(names)-1, int(math.Floor(math.Log10(v)/3))))
	}
	return fmt.Sprintf("%.0f%s", v/math.Pow(10, float64(3*idx)), names[idx])
}

// truncate keeps the first n characters of s (Python's "{:n.n}").
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// dynamicSubnet is a subnet and its pool, for --json on a dynamic-TAO
// chain.
type dynamicSubnet struct {
	types.SubnetInfo
	Pool *subtensor.SubnetPool `json:"pool,omitempty"`
}

// listDynamic is subnets list on a dynamic-TAO chain, with each subnet's
// pool read at the same block.
func listDynamic(ctx context.Context, opts *ListOptions, c subtensor.Chain, d subtensor.DynamicStaking, subnets []types.SubnetInfo) error {
	f := opts.Factory
	block := opts.Block
	if block == 0 {
		// Read the pools at the block the subnets were read at, or the
		// next if one was built since: pools move every block.
		var err error
		if block, err = c.GetCurrentBlock(ctx); err != nil {
			return err
		}
	}
	pools, err := d.SubnetPools(ctx, block)
	if err != nil && !errors.Is(err, subtensor.ErrNotSupported) {
		return cmdutil.QueryError("subnets list", err)
	}
	byNetuid := cmdutil.PoolsByNetuid(pools)
	out := make([]dynamicSubnet, len(subnets))
	for i, s := range subnets {
		out[i].SubnetInfo = s
		if p, ok := byNetuid[s.Netuid]; ok {
			out[i].Pool = &p
		}
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "NETUID", "N", "MAX_N", "PRICE", "TAO_IN", "ALPHA_IN", "EMISSION", "TEMPO", "BURN", "OWNER")
	tp.SetTitle("Subnets - " + c.Network())
	for _, s := range out {
		h := s.Hyperparameters
		price, taoIn, alphaIn, emission := "", "", "", fmt.Sprintf("%s/block", balance.Balance(s.EmissionValue))
		if p := s.Pool; p != nil {
			price, taoIn, alphaIn = cmdutil.Price(p.PriceRAO()), balance.Balance(p.TaoIn).String(), cmdutil.Alpha(p.AlphaIn)
			emission = fmt.Sprintf("%s/block", balance.Balance(p.Emission))
		}
		tp.AddRow(strconv.Itoa(int(s.Netuid)), strconv.Itoa(int(s.N)), millify(uint64(h.MaxAllowedUids)), price, taoIn, alphaIn, emission,
			strconv.Itoa(int(h.Tempo)), truncate(balance.Balance(h.Burn).String(), 8), s.Owner.String())
	}
	return tp.Render()
}
