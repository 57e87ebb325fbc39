package types

import (
	"bytes"
	"testing"
)

// TestMarshalToBuffer: MarshalToBuffer appends exactly Marshal's bytes, so
// answers encoded into a sized buffer are the canonical encoding.
func TestMarshalToBuffer(t *testing.T) {
	for _, v := range []any{
		NeuronsInfo{Netuid: 3, Height: 9, Neurons: []NeuronInfo{{UID: 1, Weights: Row{{1, 2}}, Bonds: Row{}, Stake: []StakeEntry{{Amount: 5}}}, {UID: 2}}},
		NeuronsInfo{Neurons: []NeuronInfo{}},
		&Transfer{Value: 7},
	} {
		want, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		buf := bytes.NewBufferString("prefix")
		if err := MarshalToBuffer(v, buf); err != nil {
			t.Fatal(err)
		}
		if got := buf.Bytes(); !bytes.Equal(got[:6], []byte("prefix")) || !bytes.Equal(got[6:], want) {
			t.Errorf("%T: %x, want prefix then %x", v, got, want)
		}
	}
}
