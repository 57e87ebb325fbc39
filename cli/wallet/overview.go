package wallet

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// OverviewOptions are the options of `wallet overview`.
type OverviewOptions struct {
	Factory    *cmdutil.Factory
	Wallet     cmdutil.WalletFlags
	Subtensor  cmdutil.SubtensorFlags
	All        bool
	Width      int
	SortBy     string
	SortOrder  string
	Hotkeys    []string
	AllHotkeys bool
	Netuids    []int
	JSON       bool
}

// overviewColumns are the table's columns; --sort_by takes their names in
// lower case, without the unit.
var overviewColumns = []string{"COLDKEY", "HOTKEY", "UID", "ACTIVE", "STAKE(τ)", "RANK", "TRUST", "CONSENSUS", "INCENTIVE",
	"DIVIDENDS", "EMISSION(ρ)", "VTRUST", "VPERMIT", "UPDATED", "AXON", "HOTKEY_SS58"}

func sortKey(col string) string {
	k, _, _ := strings.Cut(strings.ToLower(col), "(")
	return k
}

// NewCmdOverview returns `wallet overview`.
func NewCmdOverview(f *cmdutil.Factory, runF func(*OverviewOptions) error) *cobra.Command {
	opts := &OverviewOptions{Factory: f}
	var keys []string
	for _, c := range overviewColumns {
		keys = append(keys, sortKey(c))
	}
	cmd := &cobra.Command{
		Use:   "overview",
		Short: "Show the wallet's neurons on every subnet",
		Long: `Show the neurons of the wallet's hotkeys on every subnet (or those of
--netuid): uid, activity, stake, the last epoch's scores, emission per block,
validator permit, blocks since the last weights, axon. Hotkeys that are
registered nowhere but still hold stake from the coldkey are listed as
Deregistered Neurons.

Scores are proportions (u16 / 65535); EMISSION(ρ) is the neuron's emission of
its subnet's last epoch per block of the epoch, in RAO. With --json the
output is the chain's integers (RAO, u16).

On a dynamic-TAO chain (Bittensor's networks) STAKE is the hotkey's stake in
its subnet's alpha (STAKE(α)); --json adds its TAO value at the subnet's
price (tao_value) and the price (RAO per alpha).

--sort_by takes a column name: ` + strings.Join(keys, ", ") + `.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.SortBy != "" && !slices.Contains(keys, strings.ToLower(opts.SortBy)) {
				return cmdutil.FlagErrorf("--sort_by %q: choose one of %s", opts.SortBy, strings.Join(keys, ", "))
			}
			switch strings.ToLower(opts.SortOrder) {
			case "", "ascending", "asc", "descending", "desc":
			default:
				return cmdutil.FlagErrorf("--sort_order %q: ascending (asc) or descending (desc)", opts.SortOrder)
			}
			for _, n := range opts.Netuids {
				if n < 0 || n > 65535 {
					return cmdutil.FlagErrorf("--netuid %d: a netuid is from 0 to 65535", n)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return overviewRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	fs := cmd.Flags()
	fs.BoolVar(&opts.All, "all", false, "Show every wallet under --wallet.path")
	fs.IntVar(&opts.Width, "width", 0, "Fit the tables to this many columns (default: the terminal's width)")
	fs.StringVar(&opts.SortBy, "sort_by", "", "Sort each subnet's neurons by this column (default: uid)")
	fs.StringVar(&opts.SortOrder, "sort_order", "ascending", "ascending (asc) or descending (desc)")
	fs.StringSliceVar(&opts.Hotkeys, "hotkeys", nil, "Only these hotkeys (names or SS58 addresses); with --all_hotkeys, all but these")
	fs.BoolVar(&opts.AllHotkeys, "all_hotkeys", false, "Every hotkey of the wallet (the default), but those in --hotkeys")
	fs.IntSliceVar(&opts.Netuids, "netuid", nil, "Only these subnets (default: all)")
	for _, a := range []struct{ name, target string }{
		{"wallet.sort_by", "sort_by"}, {"wallet.sort_order", "sort_order"},
		{"exclude_hotkeys", "hotkeys"}, {"wallet.hotkeys", "hotkeys"}, {"wallet.exclude_hotkeys", "hotkeys"},
		{"wallet.all_hotkeys", "all_hotkeys"}, {"netuids", "netuid"},
	} {
		cmdutil.AliasFlag(cmd, a.name, a.target)
	}
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// overviewNeuron is one row of the overview, chain integers as stored.
type overviewNeuron struct {
	Netuid          int             `json:"netuid"` // -1: registered nowhere, still staked
	UID             uint16          `json:"uid"`
	Wallet          string          `json:"wallet"`
	HotkeyName      string          `json:"hotkey_name"`
	Hotkey          types.AccountID `json:"hotkey"`
	Active          bool            `json:"active"`
	Stake           uint64          `json:"stake"` // RAO, the hotkey's total stake
	Rank            uint16          `json:"rank"`
	Trust           uint16          `json:"trust"`
	Consensus       uint16          `json:"consensus"`
	Incentive       uint16          `json:"incentive"`
	Dividends       uint16          `json:"dividends"`
	Emission        uint64          `json:"emission"` // RAO in the last epoch
	ValidatorTrust  uint16          `json:"validator_trust"`
	ValidatorPermit bool            `json:"validator_permit"`
	LastUpdate      uint64          `json:"last_update"`
	Axon            types.AxonInfo  `json:"axon_info"`
	// On a dynamic-TAO chain Stake is alpha; TaoValue is its value at
	// Price (RAO per alpha).
	TaoValue uint64 `json:"tao_value,omitempty"`
	Price    uint64 `json:"price,omitempty"`

	tempo uint16
}

type overviewWallet struct {
	Wallet  string           `json:"wallet"`
	Coldkey types.AccountID  `json:"coldkey"`
	Balance uint64           `json:"balance"` // free, RAO
	Neurons []overviewNeuron `json:"neurons"`
}

type overviewResult struct {
	Network string           `json:"network"`
	Dynamic bool             `json:"dynamic_tao,omitempty"` // stake is per subnet, in alpha
	Block   uint64           `json:"block"`
	Wallets []overviewWallet `json:"wallets"`
}

func overviewRun(ctx context.Context, opts *OverviewOptions) error {
	f := opts.Factory
	wallets, err := cmdutil.SelectWallets(f, &opts.Wallet, opts.All)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	block, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return err
	}
	subnets, err := c.GetSubnets(ctx, block)
	if err != nil {
		return err
	}
	tempo := map[uint16]uint16{}
	for _, s := range subnets {
		tempo[s.Netuid] = s.Hyperparameters.Tempo
	}
	only := map[uint16]bool{}
	for _, n := range opts.Netuids {
		if _, ok := tempo[uint16(n)]; !ok {
			return types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist (btcli subnets list shows the subnets)", n)
		}
		only[uint16(n)] = true
	}
	out := overviewResult{Network: c.Network(), Block: block, Wallets: []overviewWallet{}}
	var pools map[uint16]subtensor.SubnetPool
	if d, ok := cmdutil.Dynamic(c); ok {
		ps, err := d.SubnetPools(ctx, block)
		if err != nil {
			return cmdutil.QueryError("overview", err)
		}
		pools, out.Dynamic = cmdutil.PoolsByNetuid(ps), true
	}
	for _, w := range wallets {
		ow, err := overviewOf(ctx, f, c, opts, w, block, tempo, only, pools)
		if err != nil {
			return cmdutil.QueryError("overview", err)
		}
		out.Wallets = append(out.Wallets, ow)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	return printOverview(f, opts, out, wallets)
}

// overviewOf reads one wallet's neurons at block.
func overviewOf(ctx context.Context, f *cmdutil.Factory, c subtensor.Chain, opts *OverviewOptions, w cmdutil.OwnedWallet,
	block uint64, tempo map[uint16]uint16, only map[uint16]bool, pools map[uint16]subtensor.SubnetPool) (overviewWallet, error) {
	ow := overviewWallet{Wallet: w.Name, Coldkey: w.Coldkey, Neurons: []overviewNeuron{}}
	free, err := c.GetBalance(ctx, w.Coldkey, block)
	if err != nil {
		return ow, err
	}
	ow.Balance = free.RAO()
	keys, err := cmdutil.WalletHotkeys(f, w.Wallet)
	if err != nil {
		return ow, err
	}
	named := map[string]bool{}
	for _, h := range opts.Hotkeys {
		named[h] = true
	}
	for _, k := range keys {
		listed := named[k.Name] || named[k.Key.String()]
		if len(opts.Hotkeys) > 0 && listed == opts.AllHotkeys {
			continue // not among --hotkeys, or excluded from --all_hotkeys
		}
		h, err := c.GetHotkey(ctx, k.Key, block)
		if err != nil {
			return ow, err
		}
		for _, r := range h.Registrations {
			if len(only) > 0 && !only[r.Netuid] {
				continue
			}
			n, err := c.Neuron(ctx, r.Netuid, r.UID, block)
			if err != nil {
				return ow, err
			}
			on := overviewNeuron{Netuid: int(r.Netuid), UID: n.UID, Wallet: w.Name, HotkeyName: k.Name, Hotkey: k.Key,
				Active: n.Active, Stake: n.TotalStake, Rank: n.Rank, Trust: n.Trust, Consensus: n.Consensus, Incentive: n.Incentive,
				Dividends: n.Dividends, Emission: n.Emission, ValidatorTrust: n.ValidatorTrust, ValidatorPermit: n.ValidatorPermit,
				LastUpdate: n.LastUpdate, Axon: n.Axon, tempo: tempo[r.Netuid]}
			if pools != nil {
				d, _ := cmdutil.Dynamic(c)
				alpha, err := d.HotkeyAlpha(ctx, k.Key, r.Netuid, block)
				if err != nil {
					return ow, err
				}
				p := pools[r.Netuid]
				on.Stake, on.TaoValue, on.Price = alpha, p.TaoValue(alpha), p.PriceRAO()
			}
			ow.Neurons = append(ow.Neurons, on)
		}
		if len(h.Registrations) == 0 {
			for _, s := range h.Stake {
				if s.Coldkey == w.Coldkey && s.Amount > 0 {
					ow.Neurons = append(ow.Neurons, overviewNeuron{Netuid: -1, Wallet: w.Name, HotkeyName: k.Name, Hotkey: k.Key, Stake: h.TotalStake})
				}
			}
		}
	}
	return ow, nil
}

func printOverview(f *cmdutil.Factory, opts *OverviewOptions, out overviewResult, wallets []cmdutil.OwnedWallet) error {
	w := f.IOStreams.Out
	if len(wallets) == 1 {
		fmt.Fprintf(w, "Wallet - %s:%s\n", wallets[0].Name, wallets[0].Coldkey)
	} else {
		fmt.Fprintln(w, "All Wallets:")
	}
	groups := map[int][]overviewNeuron{}
	var netuids []int
	var free uint64
	for _, ow := range out.Wallets {
		free += ow.Balance
		for _, n := range ow.Neurons {
			if _, ok := groups[n.Netuid]; !ok {
				netuids = append(netuids, n.Netuid)
			}
			groups[n.Netuid] = append(groups[n.Netuid], n)
		}
	}
	slices.Sort(netuids)
	if len(netuids) > 0 && netuids[0] == -1 {
		netuids = append(netuids[1:], -1) // deregistered last
	}
	for _, netuid := range netuids {
		ns := groups[netuid]
		sortNeurons(ns, opts.SortBy, strings.HasPrefix(strings.ToLower(opts.SortOrder), "desc"))
		title := fmt.Sprintf("Subnet: %d", netuid)
		if netuid == -1 {
			title = "Deregistered Neurons"
		}
		fmt.Fprintf(w, "\n%s\n", title)
		cols := overviewColumns
		if out.Dynamic {
			cols = slices.Clone(overviewColumns)
			cols[slices.Index(cols, "STAKE(τ)")] = "STAKE(α)"
		}
		tp := cmdutil.NewTablePrinter(f.IOStreams, cols...)
		tp.SetDropOrder("RANK", "CONSENSUS", "ACTIVE", "HOTKEY_SS58", "VPERMIT", "VTRUST", "UPDATED", "TRUST", "AXON", "COLDKEY")
		tp.SetMaxWidth(opts.Width)
		var tot struct {
			active            int
			stake, emission   uint64
			r, t, c, i, d, vt float64
		}
		for _, n := range ns {
			cells := overviewCells(n, out.Block)
			tp.AddRow(cells...)
			if n.Active {
				tot.active++
			}
			tot.stake += n.Stake
			tot.emission += perBlock(n)
			tot.r, tot.t, tot.c = tot.r+prop(n.Rank), tot.t+prop(n.Trust), tot.c+prop(n.Consensus)
			tot.i, tot.d, tot.vt = tot.i+prop(n.Incentive), tot.d+prop(n.Dividends), tot.vt+prop(n.ValidatorTrust)
		}
		tp.AddRow("", "", strconv.Itoa(len(ns)), strconv.Itoa(tot.active), f5(float64(tot.stake)/balance.RAOPerTAO), f5(tot.r), f5(tot.t),
			f5(tot.c), f5(tot.i), f5(tot.d), group(tot.emission), f5(tot.vt), "", "", "", "")
		if err := tp.Render(); err != nil {
			return err
		}
	}
	if len(netuids) == 0 {
		fmt.Fprintln(w, "No neurons: none of the hotkeys is registered on a subnet.")
	}
	fmt.Fprintf(w, "Wallet balance: %s\n", balance.Balance(free))
	return nil
}

// overviewCells formats one neuron as Bittensor's overview does.
func overviewCells(n overviewNeuron, block uint64) []string {
	uid, active, updated, axon, permit := strconv.Itoa(int(n.UID)), "0", strconv.FormatInt(int64(block)-int64(n.LastUpdate), 10), "none", ""
	if n.Netuid == -1 {
		uid, updated = "", ""
	}
	if n.Active {
		active = "1"
	}
	if n.Axon.IP != "" && n.Axon.IP != "0.0.0.0" {
		axon = fmt.Sprintf("%s:%d", n.Axon.IP, n.Axon.Port)
	}
	if n.ValidatorPermit {
		permit = "*"
	}
	return []string{n.Wallet, n.HotkeyName, uid, active, f5(float64(n.Stake) / balance.RAOPerTAO), f5(prop(n.Rank)), f5(prop(n.Trust)),
		f5(prop(n.Consensus)), f5(prop(n.Incentive)), f5(prop(n.Dividends)), group(perBlock(n)), f5(prop(n.ValidatorTrust)),
		permit, updated, axon, n.Hotkey.String()}
}

// perBlock is the neuron's last-epoch emission per block of the epoch
// (Bittensor's emission/(tempo+1)), in RAO.
func perBlock(n overviewNeuron) uint64 { return n.Emission / (uint64(n.tempo) + 1) }

// sortNeurons orders a subnet's rows by a column (uid by default).
func sortNeurons(ns []overviewNeuron, by string, desc bool) {
	key := func(a, b overviewNeuron) int {
		switch strings.ToLower(by) {
		case "coldkey":
			return cmp.Compare(a.Wallet, b.Wallet)
		case "hotkey":
			return cmp.Compare(a.HotkeyName, b.HotkeyName)
		case "active":
			return cmp.Compare(b2i(a.Active), b2i(b.Active))
		case "stake":
			return cmp.Compare(a.Stake, b.Stake)
		case "rank":
			return cmp.Compare(a.Rank, b.Rank)
		case "trust":
			return cmp.Compare(a.Trust, b.Trust)
		case "consensus":
			return cmp.Compare(a.Consensus, b.Consensus)
		case "incentive":
			return cmp.Compare(a.Incentive, b.Incentive)
		case "dividends":
			return cmp.Compare(a.Dividends, b.Dividends)
		case "emission":
			return cmp.Compare(perBlock(a), perBlock(b))
		case "vtrust":
			return cmp.Compare(a.ValidatorTrust, b.ValidatorTrust)
		case "vpermit":
			return cmp.Compare(b2i(a.ValidatorPermit), b2i(b.ValidatorPermit))
		case "updated":
			return cmp.Compare(b.LastUpdate, a.LastUpdate)
		case "axon":
			return cmp.Compare(a.Axon.IP+":"+strconv.Itoa(int(a.Axon.Port)), b.Axon.IP+":"+strconv.Itoa(int(b.Axon.Port)))
		case "hotkey_ss58":
			return cmp.Compare(a.Hotkey.String(), b.Hotkey.String())
		}
		return 0
	}
	slices.SortStableFunc(ns, func(a, b overviewNeuron) int {
		k := key(a, b)
		if k == 0 {
			k = cmp.Compare(a.UID, b.UID)
		}
		if desc {
			return -k
		}
		return k
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func prop(v uint16) float64 { return float64(v) / 65535 }

// f5 is Python's "{:.5f}".
func f5(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }

// group writes an integer with "_" between thousands (Python's "{:_}").
func group(v uint64) string {
	s := strconv.FormatUint(v, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}
