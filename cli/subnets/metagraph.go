package subnets

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// MetagraphOptions are the options of `subnets metagraph`.
type MetagraphOptions struct {
	Factory   *cmdutil.Factory
	Subtensor cmdutil.SubtensorFlags
	Netuid    cmdutil.NetuidFlag
	Block     uint64
	Full      bool
	NoSave    bool
	Dir       string
	JSON      bool
}

// NewCmdMetagraph returns `subnets metagraph`.
func NewCmdMetagraph(f *cmdutil.Factory, runF func(*MetagraphOptions) error) *cobra.Command {
	opts := &MetagraphOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "metagraph --netuid <netuid>",
		Short: "Show a subnet's neurons: stake, scores, emission, axons",
		Long: `Show a subnet's metagraph: for every uid its stake, the last epoch's scores
(rank, trust, consensus, incentive, dividends, validator trust), emission,
validator permit, blocks since its last weights, activity, axon and keys.

The metagraph is also saved (as Bittensor does) under --metagraph.path, as
network-<network>/netuid-<netuid>/block-<block>.mg; --no_save skips that.

With --json the output is the chain's neurons, integers as stored: stake and
emission in RAO, scores as u16 out of 65535; --full adds each neuron's
weights and bonds rows.`,
		Example: `  btcli subnets metagraph --netuid 1
  btcli subnets metagraph --netuid 1 --block 1200 --json --full`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return metagraphRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	fs := cmd.Flags()
	fs.Uint64Var(&opts.Block, "block", 0, "Read the subnet at this block (default: latest)")
	fs.BoolVar(&opts.Full, "full", false, "Also read weights and bonds (a full metagraph)")
	fs.BoolVar(&opts.NoSave, "no_save", false, "Do not save the metagraph")
	fs.StringVar(&opts.Dir, "metagraph.path", metagraph.DefaultDir, "Directory of saved metagraphs")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// metagraphJSON is the --json output: the metagraph's header and the
// chain's neurons.
type metagraphJSON struct {
	Network    string             `json:"network"`
	Netuid     uint16             `json:"netuid"`
	Block      uint64             `json:"block"`
	N          int                `json:"n"`
	Active     int                `json:"active"`
	TotalStake uint64             `json:"total_stake"` // RAO
	Issuance   uint64             `json:"issuance"`    // RAO
	Difficulty uint64             `json:"difficulty"`
	Subnets    []uint16           `json:"subnets,omitempty"` // root, full: W's columns
	Neurons    []types.NeuronInfo `json:"neurons"`
	// Dynamic holds a dynamic-TAO subnet's per-uid stakes and its pool
	// (absent on the dev chain).
	Dynamic *metagraphDynamicJSON `json:"dynamic,omitempty"`
	SavedTo string                `json:"saved_to,omitempty"`
}

// metagraphDynamicJSON is what a dynamic-TAO chain adds to a metagraph:
// stakes in RAO units of alpha (AlphaStake, StakeWeight) and of TAO
// (TaoStake), by uid, and the subnet's pool with its price.
type metagraphDynamicJSON struct {
	AlphaStake  []uint64              `json:"alpha_stake"`
	TaoStake    []uint64              `json:"tao_stake"`
	StakeWeight []uint64              `json:"stake_weight"`
	Price       float64               `json:"price"`
	Pool        *subtensor.SubnetPool `json:"pool"`
}

func metagraphRun(ctx context.Context, opts *MetagraphOptions) error {
	f := opts.Factory
	netuid, err := opts.Netuid.Resolve(f, 1)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	m := metagraph.New(netuid, c)
	m.Lite = !opts.Full
	if err := m.Sync(ctx, opts.Block); err != nil {
		return cmdutil.QueryError("metagraph", err)
	}
	h, err := c.GetHyperparameters(ctx, netuid, m.Block)
	if err != nil {
		return cmdutil.QueryError("metagraph", err)
	}
	issuance, err := c.TotalIssuance(ctx, m.Block)
	if err != nil {
		return cmdutil.QueryError("metagraph", err)
	}
	var saved string
	if !opts.NoSave {
		if saved, err = m.Save(opts.Dir); err != nil {
			fmt.Fprintf(f.IOStreams.ErrOut, "warning: the metagraph was not saved: %v\n", err)
		}
	}
	active := 0
	for _, a := range m.Active {
		if a {
			active++
		}
	}
	if opts.JSON {
		out := metagraphJSON{Network: m.Network, Netuid: netuid, Block: m.Block, N: m.N, Active: active,
			TotalStake: m.TotalStake(), Issuance: issuance.RAO(), Difficulty: h.Difficulty, Subnets: m.Subnets, Neurons: m.Neurons, SavedTo: saved}
		if m.Pool != nil {
			out.Dynamic = &metagraphDynamicJSON{AlphaStake: m.AlphaStake, TaoStake: m.TaoStake, StakeWeight: m.StakeWeight, Price: m.Pool.Price(), Pool: m.Pool}
		}
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	// On a dynamic-TAO chain a neuron's stake is its stake weight: alpha
	// plus its root TAO at the subnet's TAO weight, counted in alpha.
	stakeHeader, stakeTotal := "STAKE(τ)", balance.Balance(m.TotalStake()).String()
	if m.Pool != nil {
		stakeHeader = "STAKE(α)"
		stakeTotal = fmt.Sprintf("α%s at τ%.6f/α", strconv.FormatFloat(float64(m.TotalStake())/1e9, 'f', 5, 64), m.Pool.Price())
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "UID", stakeHeader, "RANK", "TRUST", "CONSENSUS", "INCENTIVE", "DIVIDENDS",
		"EMISSION(ρ)", "VTRUST", "VAL", "UPDATED", "ACTIVE", "AXON", "HOTKEY", "COLDKEY")
	tp.SetDropOrder("RANK", "CONSENSUS", "ACTIVE", "COLDKEY", "VAL", "VTRUST", "UPDATED", "TRUST", "HOTKEY", "AXON")
	tp.SetTitle(fmt.Sprintf("Metagraph: net: %s:%d, block: %d, N: %d/%d, stake: %s, issuance: %s, difficulty: %d",
		m.Network, netuid, m.Block, active, m.N, stakeTotal, issuance, h.Difficulty))
	for i := range m.N {
		axon := "none"
		if a := m.Axons[i]; a.IsServing() {
			axon = fmt.Sprintf("%s:%d", a.IP, a.Port)
		}
		if a := m.Axons[i]; a.IsServing() && a.IPType == 6 {
			axon = fmt.Sprintf("[%s]:%d", a.IP, a.Port)
		}
		val := ""
		if m.ValidatorPermit[i] {
			val = "*"
		}
		act := "0"
		if m.Active[i] {
			act = "1"
		}
		tp.AddRow(strconv.Itoa(i), f5(m.S[i]), f5(m.R[i]), f5(m.T[i]), f5(m.C[i]), f5(m.I[i]), f5(m.D[i]),
			strconv.FormatUint(m.Emission[i], 10), f5(m.Tv[i]), val, strconv.FormatInt(int64(m.Block)-int64(m.LastUpdate[i]), 10),
			act, axon, truncate(m.Hotkeys[i], 10), truncate(m.Coldkeys[i], 10))
	}
	if err := tp.Render(); err != nil {
		return err
	}
	// On a dynamic-TAO chain emission follows the TAO in the subnet's
	// pool, not root weights: the note does not apply.
	if _, dynamic := cmdutil.Dynamic(c); netuid != 0 && !dynamic {
		if info, err := c.GetSubnet(ctx, netuid, m.Block); err == nil && info.EmissionValue == 0 {
			cmdutil.Notice(f.IOStreams, NoEmissionNote(netuid))
		}
	}
	if saved != "" {
		fmt.Fprintf(f.IOStreams.ErrOut, "Saved to %s\n", saved)
	}
	return nil
}

// f5 is Python's "{:.5f}".
func f5(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }
