package yuma

// This file is the JSON face of the two epochs, for simulators such as
// `btcli subnets simulate`: users write a subnet's state by hand, so the
// decoder is strict (unknown or missing fields, fractions, negative and
// out-of-range numbers are refused) and every error names the neuron and
// the field. Numbers are parsed from their literal text, so u64 values
// above 2^53 survive exactly.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
)

// SimInput is one epoch's input in JSON form:
//
//	{"block", "emission", "kappa", "activity_cutoff", "max_allowed_validators",
//	 "bonds_moving_average", "neurons": [{"stake", "last_update",
//	 "registered_at", "validator_permit", "weights": [[uid, w], …],
//	 "bonds": [[uid, b], …]}, …]}
//
// The fields mean what Input's fields mean; neurons are listed in uid order.
// Weights and bonds are the stored u16 rows (max-upscaled weights,
// column-max-upscaled bonds), in any order.
type SimInput struct {
	Block                uint64      `json:"block"`
	Emission             uint64      `json:"emission"`
	Kappa                uint16      `json:"kappa"`
	ActivityCutoff       uint16      `json:"activity_cutoff"`
	MaxAllowedValidators uint16      `json:"max_allowed_validators"`
	BondsMovingAverage   uint64      `json:"bonds_moving_average"`
	Neurons              []SimNeuron `json:"neurons"`
}

// SimNeuron is one neuron of a SimInput. Pairs are [uid, value].
type SimNeuron struct {
	Stake           uint64      `json:"stake"`
	LastUpdate      uint64      `json:"last_update"`
	RegisteredAt    uint64      `json:"registered_at"`
	ValidatorPermit bool        `json:"validator_permit"`
	Weights         [][2]uint16 `json:"weights"`
	Bonds           [][2]uint16 `json:"bonds"`
}

// SimOutput is one epoch's result in JSON form: {"neurons": [...]} in uid
// order.
type SimOutput struct {
	Neurons []SimNeuronResult `json:"neurons"`
}

// SimNeuronResult is one neuron's result; the fields mean what Output's
// fields mean. Bonds is the neuron's bond row as stored after the epoch:
// the new row, an empty row for a neuron that lost its permit, or its input
// row if the epoch leaves it untouched.
type SimNeuronResult struct {
	Active            bool        `json:"active"`
	Rank              uint16      `json:"rank"`
	Trust             uint16      `json:"trust"`
	Consensus         uint16      `json:"consensus"`
	Incentive         uint16      `json:"incentive"`
	Dividends         uint16      `json:"dividends"`
	ValidatorTrust    uint16      `json:"validator_trust"`
	PruningScore      uint16      `json:"pruning_score"`
	Emission          uint64      `json:"emission"`
	ServerEmission    uint64      `json:"server_emission"`
	ValidatorEmission uint64      `json:"validator_emission"`
	ValidatorPermit   bool        `json:"validator_permit"`
	Bonds             [][2]uint16 `json:"bonds"`
}

// SimRootInput is a root epoch's input in JSON form:
//
//	{"block_emission", "kappa", "rho", "netuids": […],
//	 "validators": [{"stake", "weights": [[netuid, w], …]}, …]}
//
// with validators in root uid order and netuids in the chain's order.
type SimRootInput struct {
	BlockEmission uint64             `json:"block_emission"`
	Kappa         uint16             `json:"kappa"`
	Rho           uint16             `json:"rho"`
	Netuids       []uint16           `json:"netuids"`
	Validators    []SimRootValidator `json:"validators"`
}

// SimRootValidator is one root validator: its stake in RAO and its stored
// weights as [netuid, w] pairs.
type SimRootValidator struct {
	Stake   uint64      `json:"stake"`
	Weights [][2]uint16 `json:"weights"`
}

// SimRootOutput is a root epoch's result: {"emission_values": [[netuid,
// rao_per_block], …]} in the order of the input's netuids.
type SimRootOutput struct {
	EmissionValues [][2]uint64 `json:"emission_values"`
}

// Simulate runs one epoch on a SimInput. Weights and bonds pointing at
// missing uids, duplicate uids and inconsistent totals are refused with an
// error wrapping ErrInvalidInput that names the neuron and field.
func Simulate(sim *SimInput) (*SimOutput, error) {
	n := len(sim.Neurons)
	in := &Input{
		Block:                sim.Block,
		Emission:             sim.Emission,
		Kappa:                sim.Kappa,
		ActivityCutoff:       sim.ActivityCutoff,
		MaxAllowedValidators: sim.MaxAllowedValidators,
		BondsMovingAverage:   sim.BondsMovingAverage,
		Stake:                make([]uint64, n),
		LastUpdate:           make([]uint64, n),
		RegisteredAt:         make([]uint64, n),
		ValidatorPermit:      make([]bool, n),
		Weights:              make([][]Pair, n),
		Bonds:                make([][]Pair, n),
	}
	var err error
	for i, nr := range sim.Neurons {
		in.Stake[i], in.LastUpdate[i], in.RegisteredAt[i] = nr.Stake, nr.LastUpdate, nr.RegisteredAt
		in.ValidatorPermit[i] = nr.ValidatorPermit
		if in.Weights[i], err = simRow(nr.Weights, n, fmt.Sprintf("neuron %d: weights", i)); err != nil {
			return nil, err
		}
		if in.Bonds[i], err = simRow(nr.Bonds, n, fmt.Sprintf("neuron %d: bonds", i)); err != nil {
			return nil, err
		}
	}
	out, err := Epoch(in)
	if err != nil {
		return nil, err
	}
	res := &SimOutput{Neurons: make([]SimNeuronResult, n)}
	for i := range n {
		bonds := sim.Neurons[i].Bonds
		if out.BondsChanged[i] {
			bonds = make([][2]uint16, len(out.Bonds[i]))
			for k, p := range out.Bonds[i] {
				bonds[k] = [2]uint16{p.UID, p.Value}
			}
		}
		if bonds == nil {
			bonds = [][2]uint16{}
		}
		res.Neurons[i] = SimNeuronResult{
			Active:            out.Active[i],
			Rank:              out.Rank[i],
			Trust:             out.Trust[i],
			Consensus:         out.Consensus[i],
			Incentive:         out.Incentive[i],
			Dividends:         out.Dividends[i],
			ValidatorTrust:    out.ValidatorTrust[i],
			PruningScore:      out.PruningScore[i],
			Emission:          out.Emission[i],
			ServerEmission:    out.ServerEmission[i],
			ValidatorEmission: out.ValidatorEmission[i],
			ValidatorPermit:   out.ValidatorPermit[i],
			Bonds:             bonds,
		}
	}
	return res, nil
}

// simRow converts [uid, value] pairs to a row sorted by uid, refusing uids
// of missing neurons and duplicates.
func simRow(pairs [][2]uint16, n int, where string) ([]Pair, error) {
	row := make([]Pair, len(pairs))
	for k, p := range pairs {
		if int(p[0]) >= n {
			return nil, fmt.Errorf("%w: %s[%d]: uid %d does not exist (%d neurons)", ErrInvalidInput, where, k, p[0], n)
		}
		row[k] = Pair{UID: p[0], Value: p[1]}
	}
	slices.SortStableFunc(row, compareUID)
	for k := 1; k < len(row); k++ {
		if row[k].UID == row[k-1].UID {
			return nil, fmt.Errorf("%w: %s: duplicate uid %d", ErrInvalidInput, where, row[k].UID)
		}
	}
	return row, nil
}

// SimulateRoot runs a root epoch on a SimRootInput. Weights on netuids that
// are not listed, duplicate netuids and inconsistent totals are refused with
// an error wrapping ErrInvalidInput; the root epoch's own errors (no
// validators, no stake, exp overflow) are returned as RootEpoch returns them.
func SimulateRoot(sim *SimRootInput) (*SimRootOutput, error) {
	in := &RootInput{
		BlockEmission: sim.BlockEmission,
		Kappa:         sim.Kappa,
		Rho:           sim.Rho,
		Netuids:       sim.Netuids,
		Stake:         make([]uint64, len(sim.Validators)),
		Weights:       make([][]Pair, len(sim.Validators)),
	}
	listed := make(map[uint16]bool, len(sim.Netuids)) // lookups only
	for _, netuid := range sim.Netuids {
		listed[netuid] = true
	}
	for i, v := range sim.Validators {
		in.Stake[i] = v.Stake
		in.Weights[i] = make([]Pair, len(v.Weights))
		for k, p := range v.Weights {
			if !listed[p[0]] {
				return nil, fmt.Errorf("%w: validator %d: weights[%d]: netuid %d is not in netuids", ErrInvalidInput, i, k, p[0])
			}
			in.Weights[i][k] = Pair{UID: p[0], Value: p[1]}
		}
	}
	out, err := RootEpoch(in)
	if err != nil {
		return nil, err
	}
	res := &SimRootOutput{EmissionValues: make([][2]uint64, len(sim.Netuids))}
	for j, netuid := range sim.Netuids {
		res.EmissionValues[j] = [2]uint64{uint64(netuid), out.EmissionValues[j]}
	}
	return res, nil
}

// DecodeSimInput reads one JSON SimInput from r, strictly: every scalar
// field is required except validator_permit (default false), weights and
// bonds (default empty); unknown fields, non-integers, negative or
// out-of-range numbers and trailing data are refused with an error wrapping
// ErrInvalidInput that names the neuron and field.
func DecodeSimInput(r io.Reader) (*SimInput, error) {
	raw, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	sim := &SimInput{}
	var neurons []json.RawMessage
	err = decodeObject(raw, "input", []field{
		{"block", true, uintInto(&sim.Block)},
		{"emission", true, uintInto(&sim.Emission)},
		{"kappa", true, u16Into(&sim.Kappa)},
		{"activity_cutoff", true, u16Into(&sim.ActivityCutoff)},
		{"max_allowed_validators", true, u16Into(&sim.MaxAllowedValidators)},
		{"bonds_moving_average", true, uintInto(&sim.BondsMovingAverage)},
		{"neurons", true, arrayInto(&neurons)},
	})
	if err != nil {
		return nil, err
	}
	sim.Neurons = make([]SimNeuron, len(neurons))
	for i, nr := range neurons {
		s := &sim.Neurons[i]
		err := decodeObject(nr, fmt.Sprintf("neuron %d", i), []field{
			{"stake", true, uintInto(&s.Stake)},
			{"last_update", true, uintInto(&s.LastUpdate)},
			{"registered_at", true, uintInto(&s.RegisteredAt)},
			{"validator_permit", false, boolInto(&s.ValidatorPermit)},
			{"weights", false, pairsInto(&s.Weights)},
			{"bonds", false, pairsInto(&s.Bonds)},
		})
		if err != nil {
			return nil, err
		}
	}
	return sim, nil
}

// DecodeSimRootInput reads one JSON SimRootInput from r with the same
// strictness as DecodeSimInput (weights default to empty).
func DecodeSimRootInput(r io.Reader) (*SimRootInput, error) {
	raw, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	sim := &SimRootInput{}
	var netuids, validators []json.RawMessage
	err = decodeObject(raw, "input", []field{
		{"block_emission", true, uintInto(&sim.BlockEmission)},
		{"kappa", true, u16Into(&sim.Kappa)},
		{"rho", true, u16Into(&sim.Rho)},
		{"netuids", true, arrayInto(&netuids)},
		{"validators", true, arrayInto(&validators)},
	})
	if err != nil {
		return nil, err
	}
	sim.Netuids = make([]uint16, len(netuids))
	for j, v := range netuids {
		if err := u16Into(&sim.Netuids[j])(v); err != nil {
			return nil, fmt.Errorf("%w: netuids[%d]: %v", ErrInvalidInput, j, err)
		}
	}
	sim.Validators = make([]SimRootValidator, len(validators))
	for i, v := range validators {
		val := &sim.Validators[i]
		err := decodeObject(v, fmt.Sprintf("validator %d", i), []field{
			{"stake", true, uintInto(&val.Stake)},
			{"weights", false, pairsInto(&val.Weights)},
		})
		if err != nil {
			return nil, err
		}
	}
	return sim, nil
}

// readJSON reads all of r and checks that it holds exactly one JSON value.
func readJSON(r io.Reader) (json.RawMessage, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("yuma: reading simulation input: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: malformed JSON: %v", ErrInvalidInput, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: malformed JSON: data after the input object", ErrInvalidInput)
	}
	return raw, nil
}

// field describes one member of a JSON object and how to decode it.
type field struct {
	name     string
	required bool
	decode   func(json.RawMessage) error
}

// decodeObject decodes a JSON object member by member, refusing unknown and
// missing fields; where names the object in errors.
func decodeObject(raw json.RawMessage, where string, fields []field) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return fmt.Errorf("%w: %s: want a JSON object", ErrInvalidInput, where)
	}
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.name] = true
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !known[k] {
			return fmt.Errorf("%w: %s: unknown field %q", ErrInvalidInput, where, k)
		}
	}
	for _, f := range fields {
		v, ok := m[f.name]
		if !ok {
			if f.required {
				return fmt.Errorf("%w: %s: missing field %q", ErrInvalidInput, where, f.name)
			}
			continue
		}
		if err := f.decode(v); err != nil {
			return fmt.Errorf("%w: %s: %s: %v", ErrInvalidInput, where, f.name, err)
		}
	}
	return nil
}

// parseUint parses a JSON number literal that must be a non-negative integer
// of at most bits bits.
func parseUint(raw json.RawMessage, bits int) (uint64, error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("want a non-negative integer, got %s", s)
	}
	v, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%s is out of range (at most %d)", s, uint64(1)<<bits-1)
		}
		return 0, fmt.Errorf("want a non-negative integer, got %s", s)
	}
	return v, nil
}

func uintInto(dst *uint64) func(json.RawMessage) error {
	return func(raw json.RawMessage) (err error) {
		*dst, err = parseUint(raw, 64)
		return err
	}
}

func u16Into(dst *uint16) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		v, err := parseUint(raw, 16)
		*dst = uint16(v)
		return err
	}
}

func boolInto(dst *bool) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		switch s := string(bytes.TrimSpace(raw)); s {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			return fmt.Errorf("want true or false, got %s", s)
		}
		return nil
	}
}

// arrayInto decodes a JSON array (null counts as empty).
func arrayInto(dst *[]json.RawMessage) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		if err := json.Unmarshal(raw, dst); err != nil {
			return fmt.Errorf("want an array, got %s", abbreviate(raw))
		}
		return nil
	}
}

// pairsInto decodes [[uid, value], …] with u16 members.
func pairsInto(dst *[][2]uint16) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		var items []json.RawMessage
		if err := arrayInto(&items)(raw); err != nil {
			return err
		}
		if items == nil { // null: no pairs
			*dst = nil
			return nil
		}
		*dst = make([][2]uint16, len(items))
		for k, item := range items {
			var pair []json.RawMessage
			if err := json.Unmarshal(item, &pair); err != nil || len(pair) != 2 {
				return fmt.Errorf("[%d]: want [uid, value], got %s", k, abbreviate(item))
			}
			for m, what := range []string{"uid", "value"} {
				v, err := parseUint(pair[m], 16)
				if err != nil {
					return fmt.Errorf("[%d]: %s: %v", k, what, err)
				}
				(*dst)[k][m] = uint16(v)
			}
		}
		return nil
	}
}

// abbreviate shortens a JSON fragment for an error message.
func abbreviate(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
