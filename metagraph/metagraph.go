// Package metagraph is a subnet's state at one block, as arrays indexed by
// uid: stake, the Yuma scores, emission, activity, validator permits, keys,
// axons and, in a full metagraph, the weights and bonds matrices. It is what
// miners and validators read to find their peers and what btcli's
// `subnets metagraph` prints (Bittensor's bittensor.metagraph,
// bittensor/metagraph.py of github.com/opentensor/bittensor 6.x).
//
// Every value is kept twice: as the chain's integer (RAO for amounts, u16
// for proportions where 65535 = 1.0) and, for arithmetic, as a float64 (TAO
// for amounts, 0–1 for proportions), where Python's metagraph has float32
// tensors. Weights rows are normalised to sum 1; bonds stay raw.
//
//	m := metagraph.New(1, client)
//	m.Lite = false // with weights and bonds
//	if err := m.Sync(ctx, 0); err != nil { … } // 0 = the latest block
//	uid, ok := m.UID(hotkeySS58)
//	axons := m.AxonsFor(m.TopKByStake(16))
//
// Save writes a metagraph to ~/.bittensor/metagraphs/network-<network>/
// netuid-<netuid>/block-<block>.mg (docs/metagraph.md describes the
// format); Load reads the newest one back.
package metagraph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
)

// Chain is what a metagraph reads from a subtensor chain: a subnet's
// neurons, with or without their weights and bonds, and the list of
// subnets (the columns of the root network's weights). Any
// subtensor.Chain is one.
type Chain interface {
	Network() string
	Neurons(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error)
	NeuronsLite(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error)
	GetSubnets(ctx context.Context, atBlock uint64) ([]types.SubnetInfo, error)
}

var _ Chain = subtensor.Chain(nil)

// ErrNoClient is returned by Sync on a metagraph that has no client (one
// read with Load).
var ErrNoClient = errors.New("metagraph: no subtensor client to sync with")

// U16Max is the chain's 1.0 for u16 proportions.
const U16Max = 65535

// Metagraph is one subnet at one block. Sync fills it from the chain; Load
// from a file. The slices are indexed by uid (0 … N-1) and belong to the
// Metagraph: Sync replaces them (it does not write into slices a caller
// holds), so a reader may keep a slice it got before a Sync. A Metagraph is
// not safe for use by several goroutines while Sync runs; share it behind a
// lock, or give each goroutine the slices it needs.
type Metagraph struct {
	// Netuid is the subnet.
	Netuid uint16
	// Network is the client's network name ("local", "unknown", …), used in
	// Save's path.
	Network string
	// Lite leaves out weights and bonds (New sets it, as Bittensor's
	// default); set it to false before Sync for W and B.
	Lite bool
	// Block is the height the arrays describe: the block Sync was asked
	// for, or the latest when it was asked for 0.
	Block uint64
	// N is the number of neurons.
	N int

	// Neurons are the chain's records, by uid, as the client returned them
	// (with weights and bonds rows when not Lite). The arrays below are
	// built from them.
	Neurons []types.NeuronInfo
	// Subnets lists the netuids, in order, at Block: on the root network
	// (netuid 0) a W column is a subnet, the one at that position here. Nil
	// for other subnets.
	Subnets []uint16

	// UIDs are 0 … N-1.
	UIDs []uint16
	// Hotkeys and Coldkeys are the neurons' keys as SS58 addresses.
	Hotkeys, Coldkeys []string
	// Axons are the neurons' axon endpoints, with Hotkey and Coldkey filled
	// in; IP "0.0.0.0" means the neuron never served (AxonInfo.IsServing).
	Axons []synapse.AxonInfo

	// Chain integers.

	// Stake is the total stake on each neuron's hotkey (every nominator's),
	// in RAO.
	Stake []uint64
	// Ranks, Trust, Consensus, ValidatorTrust, Incentive and Dividends are
	// the last epoch's scores, u16 proportions (65535 = 1.0).
	Ranks, Trust, Consensus, ValidatorTrust, Incentive, Dividends []uint16
	// Emission is what each neuron earned in the last epoch, in RAO.
	Emission []uint64
	// Active reports whether the neuron set weights within the activity
	// cutoff at the last epoch.
	Active []bool
	// LastUpdate is the block of each neuron's last weights (its
	// registration block until then).
	LastUpdate []uint64
	// ValidatorPermit reports which neurons may set weights on others.
	ValidatorPermit []bool
	// PruningScore is each neuron's pruning score (u16); RegisteredAt the
	// block it registered at its uid.
	PruningScore []uint16
	RegisteredAt []uint64

	// Float64 forms, Bittensor's short names.

	// S is Stake in TAO.
	S []float64
	// R, T, C, Tv, I and D are Ranks, Trust, Consensus, ValidatorTrust,
	// Incentive and Dividends as proportions from 0 to 1 (u16 / 65535).
	R, T, C, Tv, I, D []float64
	// E is Emission in TAO.
	E []float64

	// W is the weights matrix (nil when Lite): W[i][j] is the weight uid i
	// sets on uid j, each row normalised to sum 1 (a neuron without weights
	// has a row of zeros). On the root network it is N × len(Subnets) and
	// column j is the subnet Subnets[j].
	//
	// W and B are read-only: to keep a metagraph of thousands of neurons
	// small, only rows with values have storage of their own and every
	// all-zero row is the same slice. Copy a row before changing it.
	W [][]float64
	// B is the bonds matrix (nil when Lite): B[i][j] is uid i's bond on uid
	// j, the chain's raw u16 value (on the root network, which keeps no
	// bonds, N empty rows).
	B [][]uint16

	// Dynamic TAO: a chain whose stake is per subnet, in the subnet's
	// alpha, bought and sold through the subnet's pool (Bittensor's
	// Substrate runtimes). Nil on the go-bittensor dev chain and in files
	// saved without them. On such a chain Stake and S are the stake weight
	// Yuma Consensus uses (StakeWeight), as Bittensor's metagraph has it.

	// AlphaStake is each hotkey's stake on the subnet in alpha (RAO units),
	// inheritance from parent hotkeys included.
	AlphaStake []uint64
	// TaoStake is each hotkey's stake on the root network, in RAO.
	TaoStake []uint64
	// StakeWeight is AlphaStake + TaoStake × the subnet's TAO weight, in RAO
	// units: the stake of the subnet's epoch.
	StakeWeight []uint64
	// AS and TS are AlphaStake and TaoStake in whole alpha and TAO.
	AS, TS []float64
	// Pool is the subnet's pool and emission at Block (nil without dynamic
	// TAO). Pool.Price() is the price of one alpha in TAO.
	Pool *subtensor.SubnetPool

	client Chain
	byKey  map[string]uint16 // hotkey SS58 → uid
}

// New returns an empty lite metagraph of a subnet that syncs through c.
// Call Sync to fill it.
func New(netuid uint16, c Chain) *Metagraph {
	m := &Metagraph{Netuid: netuid, Lite: true, client: c}
	if c != nil {
		m.Network = c.Network()
	}
	return m
}

// SetClient sets the client Sync uses (e.g. after Load).
func (m *Metagraph) SetClient(c Chain) {
	m.client = c
	if c != nil && m.Network == "" {
		m.Network = c.Network()
	}
}

// Sync reads the subnet at atBlock (0 = the latest block) and replaces every
// array: lite, one query for the neurons; full (Lite false), one query for
// the neurons with their weights and bonds rows, and on the root network one
// for the list of subnets. A subnet that does not exist is an error
// matching types.ErrNetworkDoesNotExist; a block the node no longer keeps,
// types.ErrHeightPruned. On error the metagraph is unchanged.
func (m *Metagraph) Sync(ctx context.Context, atBlock uint64) error {
	if m.client == nil {
		return ErrNoClient
	}
	if d, ok := m.client.(subtensor.DynamicTAO); ok && m.Netuid != 0 {
		sm, err := d.SubnetMetagraph(ctx, m.Netuid, atBlock, !m.Lite)
		switch {
		case err == nil:
			dyn := &dynamic{AlphaStake: sm.AlphaStake, TaoStake: sm.TaoStake, StakeWeight: sm.StakeWeight, Pool: sm.Pool}
			return m.fill(sm.Neurons.Height, sm.Neurons.Neurons, nil, dyn)
		case !errors.Is(err, subtensor.ErrNotSupported):
			return fmt.Errorf("metagraph: sync subnet %d: %w", m.Netuid, err)
		}
	}
	var (
		info *types.NeuronsInfo
		err  error
	)
	if m.Lite {
		info, err = m.client.NeuronsLite(ctx, m.Netuid, atBlock)
	} else {
		info, err = m.client.Neurons(ctx, m.Netuid, atBlock)
	}
	if err != nil {
		return fmt.Errorf("metagraph: sync subnet %d: %w", m.Netuid, err)
	}
	var subnets []uint16
	if !m.Lite && m.Netuid == 0 {
		sn, err := m.client.GetSubnets(ctx, info.Height)
		if err != nil {
			return fmt.Errorf("metagraph: sync subnet %d: subnets: %w", m.Netuid, err)
		}
		subnets = make([]uint16, len(sn))
		for i, s := range sn {
			subnets[i] = s.Netuid
		}
	}
	return m.fill(info.Height, info.Neurons, subnets, nil)
}

// dynamic is what a dynamic-TAO chain adds to the neurons: per-uid stake and
// the subnet's pool.
type dynamic struct {
	AlphaStake  []uint64             `cbor:"alpha_stake"`
	TaoStake    []uint64             `cbor:"tao_stake"`
	StakeWeight []uint64             `cbor:"stake_weight"`
	Pool        subtensor.SubnetPool `cbor:"pool"`
}

// fill builds every array from the neurons (by uid) of block, and the
// dynamic-TAO arrays from dyn when it is not nil.
func (m *Metagraph) fill(block uint64, neurons []types.NeuronInfo, subnets []uint16, dyn *dynamic) error {
	n := len(neurons)
	for i := range neurons {
		if int(neurons[i].UID) != i {
			return fmt.Errorf("metagraph: subnet %d: neuron %d has uid %d (want neurons by uid)", m.Netuid, i, neurons[i].UID)
		}
	}
	if dyn != nil && (len(dyn.AlphaStake) != n || len(dyn.TaoStake) != n || len(dyn.StakeWeight) != n) {
		return fmt.Errorf("metagraph: subnet %d: %d neurons but %d alpha, %d TAO and %d stake weights",
			m.Netuid, n, len(dyn.AlphaStake), len(dyn.TaoStake), len(dyn.StakeWeight))
	}
	next := Metagraph{
		Netuid: m.Netuid, Network: m.Network, Lite: m.Lite, Block: block, N: n,
		Neurons: neurons, client: m.client,
		UIDs:     make([]uint16, n),
		Hotkeys:  make([]string, n),
		Coldkeys: make([]string, n),
		Axons:    make([]synapse.AxonInfo, n),
		Stake:    make([]uint64, n), Emission: make([]uint64, n),
		Ranks: make([]uint16, n), Trust: make([]uint16, n), Consensus: make([]uint16, n),
		ValidatorTrust: make([]uint16, n), Incentive: make([]uint16, n), Dividends: make([]uint16, n),
		Active: make([]bool, n), LastUpdate: make([]uint64, n), ValidatorPermit: make([]bool, n),
		PruningScore: make([]uint16, n), RegisteredAt: make([]uint64, n),
		S: make([]float64, n), E: make([]float64, n),
		R: make([]float64, n), T: make([]float64, n), C: make([]float64, n),
		Tv: make([]float64, n), I: make([]float64, n), D: make([]float64, n),
		byKey: make(map[string]uint16, n),
	}
	for i := range neurons {
		nr := &neurons[i]
		hk, ck := m.address(i, nr.Hotkey, true), m.address(i, nr.Coldkey, false)
		next.UIDs[i] = nr.UID
		next.Hotkeys[i], next.Coldkeys[i] = hk, ck
		next.byKey[hk] = nr.UID
		next.Axons[i] = synapse.AxonInfo{
			Version: int(nr.Axon.Version), IP: nr.Axon.IP, Port: int(nr.Axon.Port), IPType: int(nr.Axon.IPType),
			Hotkey: hk, Coldkey: ck, Protocol: int(nr.Axon.Protocol),
			Placeholder1: int(nr.Axon.Placeholder1), Placeholder2: int(nr.Axon.Placeholder2),
		}
		if next.Axons[i].IP == "" {
			next.Axons[i].IP = "0.0.0.0"
		}
		next.Stake[i], next.Emission[i] = nr.TotalStake, nr.Emission
		next.Ranks[i], next.Trust[i], next.Consensus[i] = nr.Rank, nr.Trust, nr.Consensus
		next.ValidatorTrust[i], next.Incentive[i], next.Dividends[i] = nr.ValidatorTrust, nr.Incentive, nr.Dividends
		next.Active[i], next.LastUpdate[i], next.ValidatorPermit[i] = nr.Active, nr.LastUpdate, nr.ValidatorPermit
		next.PruningScore[i], next.RegisteredAt[i] = nr.PruningScore, nr.RegisteredAt
		next.S[i], next.E[i] = tao(nr.TotalStake), tao(nr.Emission)
		next.R[i], next.T[i], next.C[i] = prop(nr.Rank), prop(nr.Trust), prop(nr.Consensus)
		next.Tv[i], next.I[i], next.D[i] = prop(nr.ValidatorTrust), prop(nr.Incentive), prop(nr.Dividends)
	}
	if dyn != nil {
		pool := dyn.Pool
		next.AlphaStake, next.TaoStake, next.StakeWeight, next.Pool = dyn.AlphaStake, dyn.TaoStake, dyn.StakeWeight, &pool
		next.AS, next.TS = make([]float64, n), make([]float64, n)
		for i := range n {
			next.AS[i], next.TS[i] = tao(dyn.AlphaStake[i]), tao(dyn.TaoStake[i])
			next.Stake[i], next.S[i] = dyn.StakeWeight[i], tao(dyn.StakeWeight[i])
		}
	}
	if !m.Lite {
		cols := n
		col := func(uid uint16) (int, bool) { return int(uid), int(uid) < n }
		if m.Netuid == 0 {
			next.Subnets = subnets
			cols = len(subnets)
			col = func(netuid uint16) (int, bool) {
				j, ok := slices.BinarySearch(subnets, netuid)
				return j, ok
			}
		}
		next.W = weightsMatrix(neurons, n, cols, col)
		if m.Netuid != 0 {
			next.B = bondsMatrix(neurons, n)
		} else {
			next.B = make([][]uint16, n) // the root network has no bonds
			for i := range next.B {
				next.B[i] = []uint16{}
			}
		}
	}
	*m = next
	return nil
}

// address is key's SS58 address, for uid i's hotkey (or coldkey): the one
// the metagraph already holds when uid i had the same key before this
// sync (most do, between two syncs), else newly encoded. Encoding is
// about a microsecond a key (base58), most of a re-sync's own work at
// 4,096 neurons without this.
func (m *Metagraph) address(i int, key types.AccountID, hot bool) string {
	if i < len(m.Neurons) && i < len(m.Hotkeys) && i < len(m.Coldkeys) {
		if hot && m.Neurons[i].Hotkey == key {
			return m.Hotkeys[i]
		}
		if !hot && m.Neurons[i].Coldkey == key {
			return m.Coldkeys[i]
		}
	}
	return key.String()
}

// weightsMatrix is the n × cols matrix of row-normalised weights. Targets
// col does not place (a uid or netuid that no longer exists) are dropped.
// Only rows with weights get storage (one backing array); the others share
// one row of zeros.
func weightsMatrix(neurons []types.NeuronInfo, n, cols int, col func(uint16) (int, bool)) [][]float64 {
	sums := make([]float64, n)
	rows := 0
	for i := range neurons {
		for _, p := range neurons[i].Weights {
			if _, ok := col(p[0]); ok {
				sums[i] += float64(p[1])
			}
		}
		if sums[i] > 0 {
			rows++
		}
	}
	zero := make([]float64, cols)
	backing := make([]float64, rows*cols)
	w := make([][]float64, n)
	for i := range w {
		if sums[i] == 0 {
			w[i] = zero[:cols:cols]
			continue
		}
		row := backing[:cols:cols]
		backing = backing[cols:]
		for _, p := range neurons[i].Weights {
			if j, ok := col(p[0]); ok {
				row[j] = float64(p[1]) / sums[i]
			}
		}
		w[i] = row
	}
	return w
}

// bondsMatrix is the n × n matrix of raw bonds. As in weightsMatrix, rows
// without bonds share one row of zeros.
func bondsMatrix(neurons []types.NeuronInfo, n int) [][]uint16 {
	rows := 0
	for i := range neurons {
		if len(neurons[i].Bonds) > 0 {
			rows++
		}
	}
	zero := make([]uint16, n)
	backing := make([]uint16, rows*n)
	b := make([][]uint16, n)
	for i := range b {
		if len(neurons[i].Bonds) == 0 {
			b[i] = zero[:n:n]
			continue
		}
		row := backing[:n:n]
		backing = backing[n:]
		for _, p := range neurons[i].Bonds {
			if int(p[0]) < n {
				row[p[0]] = p[1]
			}
		}
		b[i] = row
	}
	return b
}

func tao(rao uint64) float64            { return float64(rao) / balance.RAOPerTAO }
func prop(v uint16) float64             { return float64(v) / U16Max }
func (m *Metagraph) ok(uid uint16) bool { return int(uid) < m.N }

// String is Bittensor's one-line description:
// "metagraph(netuid:1, n:3, block:42, network:local)".
func (m *Metagraph) String() string {
	return fmt.Sprintf("metagraph(netuid:%d, n:%d, block:%d, network:%s)", m.Netuid, m.N, m.Block, m.Network)
}

// UID returns the uid of a hotkey (SS58 address) and whether it is in the
// subnet.
func (m *Metagraph) UID(hotkey string) (uint16, bool) {
	uid, ok := m.byKey[hotkey]
	return uid, ok
}

// ValidatorUIDs returns the uids holding a validator permit, in uid order.
func (m *Metagraph) ValidatorUIDs() []uint16 {
	var out []uint16
	for i, p := range m.ValidatorPermit {
		if p {
			out = append(out, uint16(i))
		}
	}
	return out
}

// ServingUIDs returns the uids whose axon has announced an address, in uid
// order.
func (m *Metagraph) ServingUIDs() []uint16 {
	var out []uint16
	for i, a := range m.Axons {
		if a.IsServing() {
			out = append(out, uint16(i))
		}
	}
	return out
}

// TopKByStake returns the k uids with the most stake, most first; equal
// stakes are in uid order. k larger than N returns every uid.
func (m *Metagraph) TopKByStake(k int) []uint16 {
	uids := slices.Clone(m.UIDs)
	slices.SortStableFunc(uids, func(a, b uint16) int { return cmp.Compare(m.Stake[b], m.Stake[a]) })
	return uids[:min(max(k, 0), len(uids))]
}

// AxonsFor returns the axons of uids, in the same order (for a dendrite's
// query). A uid that is not in the subnet is a caller bug and panics.
func (m *Metagraph) AxonsFor(uids []uint16) []synapse.AxonInfo {
	out := make([]synapse.AxonInfo, len(uids))
	for k, uid := range uids {
		if !m.ok(uid) {
			panic(fmt.Sprintf("metagraph: uid %d is not in subnet %d (n = %d)", uid, m.Netuid, m.N))
		}
		out[k] = m.Axons[uid]
	}
	return out
}

// Addresses returns each neuron's axon address as Bittensor writes it,
// "/ipv<type>/<ip>:<port>".
func (m *Metagraph) Addresses() []string {
	out := make([]string, len(m.Axons))
	for i, a := range m.Axons {
		out[i] = fmt.Sprintf("/ipv%d/%s:%d", a.IPType, a.IP, a.Port)
	}
	return out
}

// TotalStake is the stake on all neurons of the subnet, in RAO.
func (m *Metagraph) TotalStake() uint64 {
	var s uint64
	for _, v := range m.Stake {
		s += v
	}
	return s
}
