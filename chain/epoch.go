package chain

// A subnet's epoch as the chain runs it (the reference's epoch.rs): gather
// what Yuma Consensus reads from state, run the pure function of
// chain/yuma, write what it produces (the neurons' scores, emission and
// permits, and the bonds) and return the payouts for the emission module
// to load.
//
// gatherEpoch is the one function that reads an epoch's input: the block
// step uses it, and so does the query that shows the next epoch's input to
// simulators (nextEpochInput), so a simulation of that input is what the
// chain will compute.

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/chain/yuma"
)

// errEpochOverpays is the reference's safety check: an epoch whose payouts
// add up to more than the emission it was given pays nothing.
var errEpochOverpays = errors.New("chain: epoch payouts exceed its emission")

// subnetEpoch is one subnet's epoch: its input read from state, and the
// neuron records (by uid) its results are written into.
type subnetEpoch struct {
	netuid  uint16
	in      yuma.Input
	neurons []neuron
}

// gatherEpoch reads the input of netuid's epoch at block, distributing
// emission RAO: the hyperparameters, and for each uid its hotkey's
// total stake, its last weight update, registration block and validator
// permit, and its stored weights and bonds rows.
func gatherEpoch(st *State, netuid uint16, block, emission uint64) *subnetEpoch {
	h := st.Hyperparams(netuid)
	e := &subnetEpoch{netuid: netuid, in: yuma.Input{
		Block:                block,
		Emission:             emission,
		Kappa:                h.Kappa,
		ActivityCutoff:       h.ActivityCutoff,
		MaxAllowedValidators: h.MaxAllowedValidators,
		BondsMovingAverage:   h.BondsMovingAverage,
	}}
	st.IterateNeurons(netuid, func(uid uint16, n neuron) bool {
		if int(uid) != len(e.neurons) {
			panic(fmt.Sprintf("chain: invariant: subnet %d: uid %d follows %d neurons", netuid, uid, len(e.neurons)))
		}
		e.neurons = append(e.neurons, n)
		return true
	})
	n := len(e.neurons)
	in := &e.in
	in.Stake = make([]uint64, n)
	in.LastUpdate = make([]uint64, n)
	in.RegisteredAt = make([]uint64, n)
	in.ValidatorPermit = make([]bool, n)
	for i := range e.neurons {
		nr := &e.neurons[i]
		in.Stake[i] = st.TotalHotkeyStake(nr.Hotkey)
		in.LastUpdate[i] = nr.LastUpdate
		in.RegisteredAt[i] = nr.RegisteredAt
		in.ValidatorPermit[i] = nr.ValidatorPermit
	}
	in.Weights = sparseRows(st, prefixWeights, netuid, n)
	in.Bonds = sparseRows(st, prefixBonds, netuid, n)
	return e
}

// sparseRows reads the stored rows (weights or bonds, by prefix) of the n
// neurons of netuid, indexed by uid (nil for a neuron without a row).
func sparseRows(st *State, prefix byte, netuid uint16, n int) [][]yuma.Pair {
	rows := make([][]yuma.Pair, n)
	start := netuidKey(prefix, netuid)
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		uid := int(binary.BigEndian.Uint16(k[3:]))
		if uid >= n {
			return false
		}
		if len(v)%4 != 0 {
			mustRead(errBadRow(len(v)))
		}
		r := make([]yuma.Pair, len(v)/4)
		for i := range r {
			r[i] = yuma.Pair{UID: binary.BigEndian.Uint16(v[4*i:]), Value: binary.BigEndian.Uint16(v[4*i+2:])}
		}
		rows[uid] = r
		return true
	})
	return rows
}

func encodePairs(r []yuma.Pair) []byte {
	b := make([]byte, 0, 4*len(r))
	for _, p := range r {
		b = binary.BigEndian.AppendUint16(b, p.UID)
		b = binary.BigEndian.AppendUint16(b, p.Value)
	}
	return b
}

// write stores an epoch's results, as the reference's epoch does: each neuron's
// activity, scores, emission and new permit, and the bonds rows the epoch
// rewrites (a row left empty is deleted). It returns the payouts by uid,
// leaving out neurons that earned nothing.
func (e *subnetEpoch) write(st *State, out *yuma.Output) []loadedEmission {
	var payouts []loadedEmission
	for i := range e.neurons {
		nr := e.neurons[i]
		nr.Active = out.Active[i]
		nr.Emission = out.Emission[i]
		nr.Rank = out.Rank[i]
		nr.Trust = out.Trust[i]
		nr.Consensus = out.Consensus[i]
		nr.Incentive = out.Incentive[i]
		nr.Dividends = out.Dividends[i]
		nr.PruningScore = out.PruningScore[i]
		nr.ValidatorTrust = out.ValidatorTrust[i]
		nr.ValidatorPermit = out.ValidatorPermit[i]
		uid := uint16(i)
		if nr != e.neurons[i] {
			st.SetNeuron(e.netuid, uid, &nr)
		}
		if out.BondsChanged[i] && !equalPairs(out.Bonds[i], e.in.Bonds[i]) {
			if len(out.Bonds[i]) == 0 {
				st.kv.Delete(uidKey(prefixBonds, e.netuid, uid))
			} else {
				st.kv.Set(uidKey(prefixBonds, e.netuid, uid), encodePairs(out.Bonds[i]))
			}
		}
		if se, ve := out.ServerEmission[i], out.ValidatorEmission[i]; se != 0 || ve != 0 {
			payouts = append(payouts, loadedEmission{Hotkey: nr.Hotkey, Server: se, Validator: ve})
		}
	}
	return payouts
}

func equalPairs(a, b []yuma.Pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// runSubnetEpoch runs netuid's epoch at block over emission RAO, writes its
// results and returns its payouts. It fails, paying nothing, when the input
// is one the epoch refuses (a total stake of 2^63 RAO or more) or when the
// payouts exceed the emission (errEpochOverpays, which the epoch's flooring
// rules out); the results are written either way, as in the reference.
func runSubnetEpoch(st *State, netuid uint16, block, emission uint64, ws *yuma.Workspace) ([]loadedEmission, error) {
	e := gatherEpoch(st, netuid, block, emission)
	var out *yuma.Output
	var err error
	if ws != nil {
		out, err = ws.Epoch(&e.in)
	} else {
		out, err = yuma.Epoch(&e.in)
	}
	if err != nil {
		return nil, fmt.Errorf("chain: epoch of subnet %d: %w", netuid, err)
	}
	payouts := e.write(st, out)
	var total uint64
	for _, p := range payouts {
		for _, v := range [2]uint64{p.Server, p.Validator} {
			if total+v < total || total+v > emission {
				return nil, fmt.Errorf("%w: subnet %d, block %d, emission %d", errEpochOverpays, netuid, block, emission)
			}
			total += v
		}
	}
	return payouts, nil
}

// projection records the input of one upcoming epoch: the subnet's
// (epoch), or the root epoch's (root) when netuid is the root network.
type projection struct {
	netuid uint16
	block  uint64 // the block the epoch runs at (0 until found)
	epoch  *yuma.Input
	root   *yuma.RootInput
}

// errNoEpoch is returned by nextEpochInput for a subnet whose epoch never
// runs (a tempo of 0, which the chain refuses to set).
var errNoEpoch = errors.New("chain: the subnet's epochs never run")

// nextEpochInput returns the input of netuid's next epoch after height
// (the root epoch's for netuid 0) as the chain will gather it if no
// transaction changes the state first: it runs the block step forward on a
// copy of st, block after block (other subnets' epochs, the root epoch,
// drains and pending emission included), until that epoch's block, and
// records the epoch's input there instead of running it. st is not
// changed. The cost is up to tempo+1 block steps.
func nextEpochInput(st *State, height uint64, netuid uint16) (*projection, error) {
	tempo := st.Hyperparams(netuid).Tempo
	if tempo == 0 {
		return nil, fmt.Errorf("%w: subnet %d has tempo 0", errNoEpoch, netuid)
	}
	ahead := NewState(newCache(st.kv))
	p := &projection{netuid: netuid}
	s := &stepper{project: p}
	for b := height + 1; b <= height+uint64(tempo)+1; b++ {
		s.step(ahead, b)
		if p.block != 0 {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w: no epoch of subnet %d within %d blocks of %d", errNoEpoch, netuid, tempo+1, height)
}
