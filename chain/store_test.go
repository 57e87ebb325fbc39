package chain

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// recordKV is a KV in a map that records the keys written to it, in order.
type recordKV struct {
	m      map[string][]byte
	writes []string
}

func (r *recordKV) Get(k []byte) []byte { return r.m[string(k)] }
func (r *recordKV) Set(k, v []byte)     { r.m[string(k)] = v; r.writes = append(r.writes, string(k)) }
func (r *recordKV) Delete(k []byte)     { delete(r.m, string(k)); r.writes = append(r.writes, string(k)) }
func (r *recordKV) Iterate(start, end []byte, fn func(k, v []byte) bool) {
	for _, k := range slices.Sorted(maps.Keys(r.m)) {
		if (start == nil || k >= string(start)) && (end == nil || k < string(end)) && !fn([]byte(k), r.m[k]) {
			return
		}
	}
}

// TestCacheKVAgainstModel runs random writes, reads, range iterations and
// flushes on a cacheKV over a parent, beside a plain map of what the state
// should be: every read and iteration must agree with the model, and Write
// must hand the parent its keys in ascending order.
func TestCacheKVAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	parent := &recordKV{m: map[string][]byte{}}
	model := map[string][]byte{}
	key := func() []byte { return []byte(fmt.Sprintf("k%02d", r.IntN(60))) }
	for i := range 20 {
		k := fmt.Sprintf("k%02d", 3*i)
		parent.m[k], model[k] = []byte("base"), []byte("base")
	}
	c := newCache(parent)
	for step := range 20_000 {
		switch op := r.IntN(10); {
		case op < 4:
			k, v := key(), []byte(fmt.Sprint(step))
			c.Set(k, v)
			model[string(k)] = v
		case op < 6:
			k := key()
			c.Delete(k)
			delete(model, string(k))
		case op < 7:
			k := key()
			if got, want := string(c.Get(k)), string(model[string(k)]); got != want {
				t.Fatalf("step %d: Get(%s) = %q, want %q", step, k, got, want)
			}
		case op < 9:
			var start, end []byte
			if r.IntN(3) > 0 {
				start = key()
			}
			if r.IntN(3) > 0 {
				end = key()
			}
			limit := 1 + r.IntN(70)
			var got []string
			c.Iterate(start, end, func(k, v []byte) bool {
				got = append(got, string(k)+"="+string(v))
				return len(got) < limit
			})
			var want []string
			for _, k := range slices.Sorted(maps.Keys(model)) {
				if (start == nil || k >= string(start)) && (end == nil || k < string(end)) && len(want) < limit {
					want = append(want, k+"="+string(model[k]))
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: Iterate(%s, %s) = %v, want %v", step, start, end, got, want)
			}
		default:
			parent.writes = nil
			c.Write()
			if !slices.IsSorted(parent.writes) {
				t.Fatalf("step %d: Write gave the parent its keys out of order: %v", step, parent.writes)
			}
			if !maps.EqualFunc(parent.m, model, func(a, b []byte) bool { return string(a) == string(b) }) {
				t.Fatalf("step %d: after Write the parent differs from the model", step)
			}
		}
	}
}
