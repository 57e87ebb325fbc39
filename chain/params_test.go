package chain

import (
	"reflect"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

// State.Params hands out copies of one cached decoding; that is safe only
// while types.Params holds nothing shared (pointers, slices, maps...).
func TestParamsHoldNoReferences(t *testing.T) {
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		switch typ.Kind() {
		case reflect.Struct:
			for i := range typ.NumField() {
				f := typ.Field(i)
				walk(path+"."+f.Name, f.Type)
			}
		case reflect.Array:
			walk(path+"[]", typ.Elem())
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
			t.Errorf("%s is a %s: copies of cached params would share it (State.Params)", path, typ.Kind())
		}
	}
	walk("Params", reflect.TypeFor[types.Params]())
}

// Params answers from whichever state it is asked, however the states'
// params alternate, and sees a change at once.
func TestParamsFollowTheStore(t *testing.T) {
	a, b := NewState(newCache(emptyKV{})), NewState(newCache(emptyKV{}))
	pa, pb := types.DefaultParams(), types.DefaultParams()
	pb.ExistentialDeposit = 12345
	a.SetParams(pa)
	b.SetParams(pb)
	for range 3 {
		if got := a.Params(); got != pa {
			t.Fatalf("state a: params %+v, want %+v", got, pa)
		}
		if got := b.Params(); got != pb {
			t.Fatalf("state b: params %+v, want %+v", got, pb)
		}
	}
	got := a.Params()
	got.TxFeeBase++ // a caller's copy: changing it changes nothing stored
	if a.Params() != pa {
		t.Fatal("changing a returned copy changed the params")
	}
	pa.TxFeeBase = 7
	a.SetParams(pa)
	if got := a.Params(); got != pa {
		t.Fatalf("after SetParams: %+v, want %+v", got, pa)
	}
}
