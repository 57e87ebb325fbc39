package yuma

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestWorkspaceReuse runs random subnets of growing and shrinking sizes
// through one Workspace: every output must match the dense reference (so no
// state leaks from one epoch into the next), and outputs must not change
// when the workspace runs later epochs (so they share no memory with it).
func TestWorkspaceReuse(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	var ws Workspace
	type kept struct {
		out  *Output
		text string
	}
	var outs []kept
	for round := range 120 {
		n := 1 + r.IntN(12)
		if round%7 == 0 {
			n = 40 + r.IntN(60)
		}
		in := randomInput(r, n)
		out, err := ws.Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("", func(t *testing.T) { compareDense(t, in, out) })
		if t.Failed() {
			t.Fatalf("round %d (n=%d) failed", round, n)
		}
		outs = append(outs, kept{out, fmt.Sprint(*out)})
	}
	for k, o := range outs {
		if got := fmt.Sprint(*o.out); got != o.text {
			t.Fatalf("output of epoch %d changed after later epochs", k)
		}
	}
}
