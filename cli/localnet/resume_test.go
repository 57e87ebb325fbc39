package localnet

import (
	"slices"
	"testing"
)

// TestResumeConflicts: flags that describe a different network than the
// saved one are named; equal values and flags not given are not.
func TestResumeConflicts(t *testing.T) {
	st := &State{Subnet: "tensor", Tempo: 10, Neurons: []Member{
		{Name: "validator1", Role: roleValidator},
		{Name: "miner1", Role: roleMiner}, {Name: "miner2", Role: roleMiner}, {Name: "miner3", Role: roleMiner, Wrong: true},
	}}
	tests := []struct {
		given map[string]bool
		opts  UpOptions
		want  []string
	}{
		{nil, UpOptions{Subnet: "text", Miners: 5}, nil},
		{map[string]bool{"subnet": true, "miners": true}, UpOptions{Subnet: "text", Miners: 5}, []string{"--subnet text", "--miners 5"}},
		{map[string]bool{"subnet": true, "miners": true, "validators": true, "wrong": true, "tempo": true},
			UpOptions{Subnet: "tensor", Miners: 3, Validators: 1, Wrong: 1, Tempo: 10}, nil},
		{map[string]bool{"wrong": true, "tempo": true}, UpOptions{Wrong: 0, Tempo: 4}, []string{"--wrong 0", "--tempo 4"}},
		{map[string]bool{"validators": true}, UpOptions{Validators: 2}, []string{"--validators 2"}},
	}
	for _, tt := range tests {
		o := tt.opts
		o.given = func(f string) bool { return tt.given[f] }
		if got := resumeConflicts(st, &o); !slices.Equal(got, tt.want) {
			t.Errorf("given %v: %q, want %q", tt.given, got, tt.want)
		}
	}
	if got, want := describeNetwork(st), "a tensor subnet with 1 validator and 3 miners (1 answering wrongly)"; got != want {
		t.Errorf("describeNetwork = %q, want %q", got, want)
	}
}
