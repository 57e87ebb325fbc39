package scale

import (
	"errors"
	"testing"
)

// FuzzDecodeValue decodes arbitrary bytes as one of the test types (chosen
// by the first byte): decoding must never panic, must fail with one of the
// package's errors, and what decodes must re-encode to exactly the bytes it
// used. The seeds run as an ordinary test; `go test -fuzz FuzzDecodeValue
// -fuzztime 30s ./substrate/scale/` explores further.
func FuzzDecodeValue(f *testing.F) {
	r, neurons := neuronRegistry(f)
	tr := testRegistry(f)
	ids := []struct {
		r  *Registry
		id TypeID
	}{{r, neurons}}
	for _, e := range []string{"Everything", "Tree", "Units", "UnitNest", "Phase", "Mixed", "Vec<(u16, bool)>", "Option<u16>", "[u16; 3]", "Result<u8, str>"} {
		ids = append(ids, struct {
			r  *Registry
			id TypeID
		}{tr, mustResolve(f, tr, e)})
	}
	f.Add(append([]byte{0}, encodeNeurons(f, r, neurons, sampleNeurons(3))...))
	everything, err := tr.EncodeValue(ids[1].id, everything(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(append([]byte{1}, everything...))
	f.Add([]byte{2, 1, 1, 0, 0, 1, 0, 0})
	f.Add([]byte{3, 0xfe, 0xff, 0xff, 0xff})
	f.Add([]byte{4, 0x04, 0x02, 0x00})
	f.Add([]byte{6, 0x08, 0x01, 0x00, 0x01, 0x02, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		c := ids[int(in[0])%len(ids)]
		data := in[1:]
		v, n, err := c.r.DecodeValuePrefix(c.id, data)
		if err != nil {
			for _, s := range []error{ErrTruncated, ErrInvalid, ErrNonCanonical, ErrOverflow, ErrTooDeep} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("unexpected error kind: %v", err)
		}
		again, err := c.r.EncodeValue(c.id, v)
		if err != nil || string(again) != string(data[:n]) {
			t.Fatalf("re-encode of %v: %v\n got %x\nwant %x", v, err, again, data[:n])
		}
		_ = v.String()
		if c.id == neurons {
			var view []neuronView
			_ = c.r.Decode(c.id, data, &view)
		}
	})
}
