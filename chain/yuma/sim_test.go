package yuma

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The last epoch of the reference's test_zero_weights, written by hand as a
// user would.
const zeroWeightsJSON = `{
  "block": 3, "emission": 1000000000, "kappa": 32767, "activity_cutoff": 5000,
  "max_allowed_validators": 64, "bonds_moving_average": 900000,
  "neurons": [
    {"stake": 1, "last_update": 3, "registered_at": 0, "validator_permit": true, "weights": [[1, 65535]]},
    {"stake": 0, "last_update": 1, "registered_at": 2, "validator_permit": true, "weights": [[1, 65535]], "bonds": []}
  ]
}`

func TestSimulateZeroWeights(t *testing.T) {
	in, err := DecodeSimInput(strings.NewReader(zeroWeightsJSON))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Simulate(in)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"neurons":[` +
		`{"active":true,"rank":0,"trust":0,"consensus":0,"incentive":0,"dividends":65535,"validator_trust":65535,"pruning_score":65535,"emission":500000000,"server_emission":0,"validator_emission":500000000,"validator_permit":true,"bonds":[[1,65535]]},` +
		`{"active":true,"rank":65535,"trust":65535,"consensus":65535,"incentive":65535,"dividends":0,"validator_trust":0,"pruning_score":65535,"emission":500000000,"server_emission":500000000,"validator_emission":0,"validator_permit":true,"bonds":[]}]}`
	if string(data) != want {
		t.Errorf("output:\n%s\nwant:\n%s", data, want)
	}
}

// TestSimulateMatchesEpoch round-trips a chained state through JSON and
// checks that Simulate agrees with Epoch, including untouched bond rows.
func TestSimulateMatchesEpoch(t *testing.T) {
	s := newSubnet(t, []uint64{1 << 60, 1 << 55, 3, 0, 9_007_199_254_740_993}, 3)
	s.epoch(0)
	s.setWeights(0, 1, []uint16{3, 1, 2}, []uint16{10, 20, 30})
	s.setWeights(1, 1, []uint16{2, 4}, []uint16{5, 5})
	s.setWeights(4, 1, []uint16{0, 3}, []uint16{1, 9})
	s.epoch(1)
	s.in.Bonds[3] = []Pair{{0, 7}} // a row no permit covers: left untouched
	s.in.Block, s.in.Emission = 2, 123_456_789_012

	sim := &SimInput{
		Block: s.in.Block, Emission: s.in.Emission, Kappa: s.in.Kappa, ActivityCutoff: s.in.ActivityCutoff,
		MaxAllowedValidators: s.in.MaxAllowedValidators, BondsMovingAverage: s.in.BondsMovingAverage,
	}
	for i := range s.in.Stake {
		nr := SimNeuron{Stake: s.in.Stake[i], LastUpdate: s.in.LastUpdate[i], RegisteredAt: s.in.RegisteredAt[i], ValidatorPermit: s.in.ValidatorPermit[i]}
		for _, p := range s.in.Weights[i] {
			nr.Weights = append(nr.Weights, [2]uint16{p.UID, p.Value})
		}
		for _, p := range s.in.Bonds[i] {
			nr.Bonds = append(nr.Bonds, [2]uint16{p.UID, p.Value})
		}
		sim.Neurons = append(sim.Neurons, nr)
	}
	data, err := json.Marshal(sim)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeSimInput(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sim) {
		t.Fatalf("JSON round trip changed the input:\n%+v\n%+v", back, sim)
	}
	got, err := Simulate(back)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Epoch(&s.in)
	if err != nil {
		t.Fatal(err)
	}
	for i, nr := range got.Neurons {
		if nr.Emission != want.Emission[i] || nr.ServerEmission != want.ServerEmission[i] || nr.ValidatorEmission != want.ValidatorEmission[i] ||
			nr.Rank != want.Rank[i] || nr.Dividends != want.Dividends[i] || nr.ValidatorPermit != want.ValidatorPermit[i] {
			t.Errorf("neuron %d: simulate %+v disagrees with epoch", i, nr)
		}
		rows := want.Bonds[i]
		if !want.BondsChanged[i] {
			rows = s.in.Bonds[i]
		}
		if len(nr.Bonds) != len(rows) {
			t.Fatalf("neuron %d: bonds %v, want %v", i, nr.Bonds, rows)
		}
		for k := range rows {
			if nr.Bonds[k] != [2]uint16{rows[k].UID, rows[k].Value} {
				t.Errorf("neuron %d: bonds %v, want %v", i, nr.Bonds, rows)
			}
		}
	}
	if got.Neurons[3].Bonds[0] != [2]uint16{0, 7} {
		t.Errorf("untouched bond row not echoed: %v", got.Neurons[3].Bonds)
	}
	if back.Neurons[4].Stake != 9_007_199_254_740_993 {
		t.Errorf("stake above 2^53 changed: %d", back.Neurons[4].Stake)
	}
}

func TestSimInputErrors(t *testing.T) {
	valid := `{"block":1,"emission":2,"kappa":3,"activity_cutoff":4,"max_allowed_validators":5,"bonds_moving_average":6,"neurons":[` +
		`{"stake":1,"last_update":0,"registered_at":0},{"stake":1,"last_update":0,"registered_at":0,"weights":[[0,1]]}]}`
	if _, err := DecodeSimInput(strings.NewReader(valid)); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	for _, tt := range []struct {
		name, json, msg string
	}{
		{"malformed", `{"block": 1,`, "malformed JSON"},
		{"trailing", valid + ` {}`, "data after the input object"},
		{"not an object", `[1]`, "input: want a JSON object"},
		{"unknown field", strings.Replace(valid, `"block":1`, `"block":1,"tempo":3`, 1), `input: unknown field "tempo"`},
		{"missing field", strings.Replace(valid, `"kappa":3,`, ``, 1), `input: missing field "kappa"`},
		{"fraction", strings.Replace(valid, `"emission":2`, `"emission":2.5`, 1), "input: emission: want a non-negative integer, got 2.5"},
		{"exponent", strings.Replace(valid, `"emission":2`, `"emission":1e9`, 1), "input: emission: want a non-negative integer, got 1e9"},
		{"negative", strings.Replace(valid, `"block":1`, `"block":-1`, 1), "input: block: want a non-negative integer, got -1"},
		{"string number", strings.Replace(valid, `"block":1`, `"block":"1"`, 1), `input: block: want a non-negative integer, got "1"`},
		{"u16 range", strings.Replace(valid, `"kappa":3`, `"kappa":65536`, 1), "input: kappa: 65536 is out of range (at most 65535)"},
		{"u64 range", strings.Replace(valid, `"emission":2`, `"emission":18446744073709551616`, 1), "input: emission: 18446744073709551616 is out of range (at most 18446744073709551615)"},
		{"neuron field", strings.Replace(valid, `"stake":1,"last_update":0,"registered_at":0,"weights"`, `"stake":1,"last_update":0,"registered_at":0,"permit":true,"weights"`, 1), `neuron 1: unknown field "permit"`},
		{"neuron missing", strings.Replace(valid, `{"stake":1,"last_update":0,"registered_at":0}`, `{"stake":1,"registered_at":0}`, 1), `neuron 0: missing field "last_update"`},
		{"bool", strings.Replace(valid, `"registered_at":0}`, `"registered_at":0,"validator_permit":1}`, 1), "neuron 0: validator_permit: want true or false, got 1"},
		{"pair shape", strings.Replace(valid, `[[0,1]]`, `[[0,1,2]]`, 1), "neuron 1: weights: [0]: want [uid, value], got [0,1,2]"},
		{"pair value", strings.Replace(valid, `[[0,1]]`, `[[0,70000]]`, 1), "neuron 1: weights: [0]: value: 70000 is out of range (at most 65535)"},
		{"weights type", strings.Replace(valid, `[[0,1]]`, `{"0":1}`, 1), `neuron 1: weights: want an array, got {"0":1}`},
	} {
		_, err := DecodeSimInput(strings.NewReader(tt.json))
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.msg)
		}
	}
}

func TestSimulateErrors(t *testing.T) {
	base := func() *SimInput {
		return &SimInput{Neurons: []SimNeuron{{Stake: 1}, {Stake: 2, Weights: [][2]uint16{{0, 1}}}}}
	}
	for _, tt := range []struct {
		name   string
		change func(*SimInput)
		msg    string
	}{
		{"missing uid", func(s *SimInput) { s.Neurons[1].Weights = [][2]uint16{{0, 1}, {2, 5}} }, "neuron 1: weights[1]: uid 2 does not exist (2 neurons)"},
		{"duplicate uid", func(s *SimInput) { s.Neurons[0].Bonds = [][2]uint16{{1, 1}, {0, 2}, {1, 3}} }, "neuron 0: bonds: duplicate uid 1"},
		{"stake overflow", func(s *SimInput) { s.Neurons[0].Stake = 1<<64 - 1 }, "neuron 0: stake: total stake exceeds 2^63-1 RAO"},
	} {
		s := base()
		tt.change(s)
		_, err := Simulate(s)
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.msg)
		}
	}
	// Unsorted rows are fine: they are sorted.
	s := base()
	s.Neurons[0].Weights = [][2]uint16{{1, 3}, {0, 2}}
	if _, err := Simulate(s); err != nil {
		t.Errorf("unsorted weights: %v", err)
	}
}

// The reference's test_root_set_weights through the JSON face.
func TestSimulateRoot(t *testing.T) {
	const in = `{"block_emission": 1000000000, "kappa": 32767, "rho": 30, "netuids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
	  "validators": [
	    {"stake": 1000, "weights": [[0, 65535]]}, {"stake": 1000, "weights": [[1, 65535]]},
	    {"stake": 1000, "weights": [[2, 65535]]}, {"stake": 1000, "weights": [[3, 65535]]},
	    {"stake": 1000, "weights": [[4, 65535]]}, {"stake": 1000, "weights": [[5, 65535]]},
	    {"stake": 1000, "weights": [[6, 65535]]}, {"stake": 1000, "weights": [[7, 65535]]},
	    {"stake": 1000, "weights": [[8, 65535]]}, {"stake": 1000, "weights": [[9, 65535]]}]}`
	sim, err := DecodeSimRootInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := SimulateRoot(sim)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(out)
	want := `{"emission_values":[[0,99999999],[1,99999999],[2,99999999],[3,99999999],[4,99999999],[5,99999999],[6,99999999],[7,99999999],[8,99999999],[9,99999999]]}`
	if string(data) != want {
		t.Errorf("output %s, want %s", data, want)
	}

	sim.Validators[3].Weights = append(sim.Validators[3].Weights, [2]uint16{12, 1})
	if _, err := SimulateRoot(sim); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "validator 3: weights[1]: netuid 12 is not in netuids") {
		t.Errorf("unlisted netuid: %v", err)
	}
	for _, tt := range []struct{ name, json, msg string }{
		{"netuid range", `{"block_emission":1,"kappa":1,"rho":1,"netuids":[65536],"validators":[]}`, "netuids[0]: 65536 is out of range"},
		{"validator field", `{"block_emission":1,"kappa":1,"rho":1,"netuids":[0],"validators":[{"stake":1,"weight":[]}]}`, `validator 0: unknown field "weight"`},
		{"missing rho", `{"block_emission":1,"kappa":1,"netuids":[0],"validators":[]}`, `input: missing field "rho"`},
	} {
		if _, err := DecodeSimRootInput(strings.NewReader(tt.json)); !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.msg)
		}
	}
}
