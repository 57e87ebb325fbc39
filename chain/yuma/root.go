package yuma

// This file is the root epoch (the reference's root_epoch, root.rs): root
// validators' weights over the subnets decide each subnet's emission per
// block. It is not Yuma: rows are not normalised, and a sigmoid of the stake
// that voted for a subnet scales its rank. Everything is I64F64.

import (
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// Errors of RootEpoch for which the reference leaves EmissionValues
// unchanged.
var (
	// ErrNoValidators means the root network has no neurons.
	ErrNoValidators = errors.New("yuma: root epoch: no root validators")
	// ErrNoNetworks means no subnet exists.
	ErrNoNetworks = errors.New("yuma: root epoch: no networks")
	// ErrNoStake means the root validators' total stake is zero.
	ErrNoStake = errors.New("yuma: root epoch: no stake on the root network")
)

// RootInput is what the root epoch reads. Stake and Weights are indexed by
// root uid and have the same length (Weights may be nil: no weights).
type RootInput struct {
	// BlockEmission is the RAO emitted per block, shared among the subnets.
	// It must be below 2^63.
	BlockEmission uint64
	// Kappa is the root network's Kappa, a u16 proportion (32767 ≈ 0.5).
	Kappa uint16
	// Rho is the root network's Rho, the sigmoid's steepness.
	Rho uint16
	// Netuids are the existing subnets in the chain's iteration order
	// (NetworksAdded: ascending for netuids below 256), including the root
	// network 0, without duplicates.
	Netuids []uint16
	// Stake is each root uid's hotkey stake in RAO; the total must stay below
	// 2^63.
	Stake []uint64
	// Weights[i] is root uid i's stored weight row: (netuid, raw max-upscaled
	// u16) pairs, in any order, without duplicate netuids. Entries for
	// netuids not in Netuids (stale weights on removed subnets) are ignored,
	// as the reference ignores them.
	Weights [][]Pair
}

// RootOutput is the result of a root epoch.
type RootOutput struct {
	// EmissionValues[j] is the RAO per block for subnet Netuids[j]
	// (the value for netuid 0 is stored but never minted).
	EmissionValues []uint64
}

// RootEpoch computes every subnet's emission per block from the root
// validators' stakes and weights. It returns ErrNoValidators, ErrNoNetworks
// or ErrNoStake where the reference returns an error, an error wrapping
// ErrInvalidInput for inconsistent input, and one wrapping fixed.ErrOverflow
// where the reference's exp overflows and halts the chain (a large Rho):
// the chain must refuse parameters that lead there.
func RootEpoch(in *RootInput) (*RootOutput, error) {
	n, k := len(in.Stake), len(in.Netuids)
	if in.Weights != nil && len(in.Weights) != n {
		return nil, fmt.Errorf("%w: Weights has %d rows, want one per root validator (%d)", ErrInvalidInput, len(in.Weights), n)
	}
	if in.BlockEmission >= 1<<63 {
		return nil, fmt.Errorf("%w: block emission %d RAO exceeds 2^63-1", ErrInvalidInput, in.BlockEmission)
	}
	column := make(map[uint16]int, k) // lookups only; never iterated
	for j, netuid := range in.Netuids {
		if _, dup := column[netuid]; dup {
			return nil, fmt.Errorf("%w: netuids[%d]: duplicate netuid %d", ErrInvalidInput, j, netuid)
		}
		column[netuid] = j
	}
	var totalRAO uint64
	for i, s := range in.Stake {
		totalRAO += s
		if totalRAO < s || totalRAO >= 1<<63 {
			return nil, fmt.Errorf("%w: validator %d: stake: total stake exceeds 2^63-1 RAO", ErrInvalidInput, i)
		}
	}
	for i, row := range in.Weights {
		seen := make(map[uint16]bool, len(row))
		for p, w := range row {
			if seen[w.UID] {
				return nil, fmt.Errorf("%w: validator %d: weights[%d]: duplicate netuid %d", ErrInvalidInput, i, p, w.UID)
			}
			seen[w.UID] = true
		}
	}
	if n == 0 {
		return nil, ErrNoValidators
	}
	if k == 0 {
		return nil, ErrNoNetworks
	}

	// 1. Stake, normalised in I64F64.
	stake := make([]fixed.I64F64, n)
	var sum fixed.I64F64
	for i, s := range in.Stake {
		stake[i] = fixed.I64F64FromUint64(s)
		sum = sum.Add(stake[i])
	}
	if !sum.IsZero() {
		for i := range stake {
			stake[i] = stake[i].Div(sum)
		}
	}

	// 2-4. Ranks (raw weights, not normalised) and the stake voting for each
	// subnet.
	ranks := make([]fixed.I64F64, k)
	trust := make([]fixed.I64F64, k)
	var total fixed.I64F64
	for i := range n {
		total = total.Add(stake[i])
		if in.Weights == nil {
			continue
		}
		for _, w := range in.Weights[i] {
			j, ok := column[w.UID]
			if !ok {
				continue
			}
			ranks[j] = ranks[j].Add(stake[i].Mul(fixed.NewI64F64(int64(w.Value))))
			if w.Value > 0 {
				trust[j] = trust[j].Add(stake[i])
			}
		}
	}
	if total.IsZero() {
		return nil, ErrNoStake
	}
	for j := range trust {
		if q, ok := trust[j].CheckedDiv(total); ok {
			trust[j] = q
		}
	}

	// 5. Consensus: 1 / (1 + exp(-(trust - kappa)·rho)).
	one := fixed.NewI64F64(1)
	kappa := fixed.NewI32F32(int64(in.Kappa)).Div(u16Mx).ToI64F64()
	rho := fixed.NewI64F64(int64(in.Rho))
	weighted := make([]fixed.I64F64, k)
	for j := range k {
		x := trust[j].Sub(kappa).Mul(rho)
		e, err := fixed.ExpI64F64(x.Neg())
		if err != nil {
			return nil, fmt.Errorf("yuma: root epoch: netuid %d: consensus exp(%s): %w", in.Netuids[j], x.Neg(), err)
		}
		weighted[j] = one.Div(one.Add(e)).Mul(ranks[j])
	}

	// 6. Emission: normalised, times the block emission, floored.
	var wsum fixed.I64F64
	for _, x := range weighted {
		wsum = wsum.Add(x)
	}
	out := &RootOutput{EmissionValues: make([]uint64, k)}
	emission := fixed.I64F64FromUint64(in.BlockEmission)
	for j, x := range weighted {
		if !wsum.IsZero() {
			x = x.Div(wsum)
		}
		out.EmissionValues[j] = x.Mul(emission).ToU64()
	}
	return out, nil
}
