package metadata

import (
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// FuzzParse feeds arbitrary bytes to the metadata parser: it must never
// panic, and must fail only with ErrInvalid or ErrUnsupported. The seeds (the
// real V14 and V15 metadata, cut and uncut) run as an ordinary test; explore
// further with `go test -fuzz FuzzParse -fuzztime 30s ./substrate/metadata/`.
func FuzzParse(f *testing.F) {
	for _, name := range []string{v14File, v15File} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/3])
	}
	f.Add(tinyMetadata)
	f.Add([]byte("meta\x0f\x00"))
	f.Add([]byte("meta\x0e\x04\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (*Runtime, error){Parse, ParseOpaque} {
			rt, err := parse(b)
			if err != nil {
				if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("unexpected error kind: %v", err)
				}
				continue
			}
			// A parsed runtime answers lookups without panicking.
			for _, p := range rt.Pallets {
				for _, c := range p.Calls {
					_, _ = rt.Call(p.Name, c.Name)
				}
				for _, e := range p.Storage {
					_ = e.Prefix()
				}
			}
		}
	})
}

// tinyMetadata is a small valid V14 blob: one type (u8), one pallet "A"
// (index 3) with a plain storage entry "X" and a constant "C" = 42.
var tinyMetadata = []byte("meta\x0e" +
	"\x04" + "\x00\x00\x00\x05\x03\x00" + // types: #0 = u8
	"\x04" + "\x04A" + // one pallet, "A"
	"\x01\x04A\x04" + "\x04X\x00\x00\x00\x04\x07\x00" + // storage: prefix "A", X: Optional, Plain(#0), default 7
	"\x00\x00" + // no calls, no events
	"\x04\x04C\x00\x04\x2a\x00" + // constant C: #0 = 42
	"\x00\x03" + // no errors, index 3
	"\x00\x04\x00" + // extrinsic: type #0, version 4, no signed extensions
	"\x00") // runtime type #0

func TestTinyMetadata(t *testing.T) {
	rt, err := Parse(tinyMetadata)
	if err != nil {
		t.Fatal(err)
	}
	var c uint8
	if err := rt.DecodeConstant("A", "C", &c); err != nil || c != 42 {
		t.Errorf("A.C = %d, %v", c, err)
	}
	if e, err := rt.Storage("A", "X"); err != nil || e.Default[0] != 7 || e.IsMap {
		t.Errorf("A.X = %+v, %v", e, err)
	}
	if _, err := rt.Call("A", "x"); err == nil || err.Error() != "metadata: no call A.x in this runtime (metadata V14)" {
		t.Errorf("missing call: %v", err)
	}
}

// FuzzRuntimeValue decodes arbitrary bytes as a type of the real V15
// registry (chosen by the first two bytes): no panic, no unexpected error,
// and what decodes re-encodes exactly.
func FuzzRuntimeValue(f *testing.F) {
	_, rt := runtimes(f)
	seed := func(id scale.TypeID, data []byte) {
		f.Add(append(binary.LittleEndian.AppendUint16(nil, uint16(id)), data...))
	}
	for _, p := range rt.Pallets {
		for _, c := range p.Constants {
			seed(c.Type, c.Value)
		}
	}
	e, _ := rt.Storage("System", "Events")
	seed(e.Value, []byte{4, 0, 1, 0, 0, 0, 5, 2})
	seed(rt.OuterEnums.Call, []byte{7, 2})
	n := rt.Types.Len()
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 2 {
			return
		}
		id := scale.TypeID(int(binary.LittleEndian.Uint16(in)) % n)
		data := in[2:]
		v, used, err := rt.Types.DecodeValuePrefix(id, data)
		if err != nil {
			for _, s := range []error{scale.ErrTruncated, scale.ErrInvalid, scale.ErrNonCanonical, scale.ErrOverflow, scale.ErrTooDeep} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("unexpected error kind: %v", err)
		}
		again, err := rt.Types.EncodeValue(id, v)
		if err != nil || string(again) != string(data[:used]) {
			t.Fatalf("%s: re-encode of %v: %v", rt.Types.TypeName(id), v, err)
		}
	})
}
