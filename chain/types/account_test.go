package types

import (
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

func TestParseAccountID(t *testing.T) {
	const alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	const aliceHex = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	want := MustParseAccountID(alice)
	tests := []struct {
		name, in, err string // err: a word the error must contain; "" for success
	}{
		{"ss58", alice, ""},
		{"ss58 with spaces", "  " + alice + "\n", ""},
		{"hex", aliceHex, ""},
		{"hex upper prefix", "0X" + aliceHex[2:], ""},
		{"hex short", aliceHex[:64], "64 hex characters"},
		{"hex not hex", "0x" + strings.Repeat("zz", 32), "64 hex characters"},
		{"ss58 checksum", alice[:47] + "Z", "checksum"},
		{"empty", "", "empty"},
		{"too long", strings.Repeat(alice, 1000), "longer than"},
		{"too long hex", "0x" + strings.Repeat("ab", 1<<16), "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAccountID(tt.in)
			if tt.err == "" {
				if err != nil || got != want {
					t.Fatalf("got %s, %v; want %s", got, err, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want one saying %q", err, tt.err)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error is %d bytes: it must not echo the input", len(err.Error()))
			}
		})
	}
}

// FuzzParseAccountID: any text gives an account or a short error, never a
// panic; an account parsed from text prints as an SS58 address that parses
// back to it.
func FuzzParseAccountID(f *testing.F) {
	for _, s := range []string{
		"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
		"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
		"0x", "", " 5 ", strings.Repeat("1", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAccountID(s)
		if err != nil {
			if len(err.Error()) > 300 {
				t.Fatalf("error of %d bytes for %d bytes of input", len(err.Error()), len(s))
			}
			return
		}
		if b, err := ParseAccountID(a.String()); err != nil || b != a {
			t.Fatalf("%q parsed to %s, which parses to %s, %v", s, a, b, err)
		}
		if _, _, err := wallet.SS58Decode(a.String()); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	})
}

// FuzzDecodeAnswer: the client's decoding of a node's CBOR answer (the
// neurons of a subnet) never panics on arbitrary bytes, and what decodes
// encodes and decodes again to the same value.
func FuzzDecodeAnswer(f *testing.F) {
	in := NeuronsInfo{Netuid: 3, Height: 99, Neurons: []NeuronInfo{
		{Hotkey: AccountID{1}, Coldkey: AccountID{2}, UID: 0, Netuid: 3, Active: true, Stake: []StakeEntry{{Coldkey: AccountID{2}, Amount: 7}},
			Axon: AxonInfo{IP: "203.0.113.1", Port: 8091, IPType: 4}, Weights: Row{{0, 65535}, {7, 1}}, Bonds: Row{}},
		{Hotkey: AccountID{3}, UID: 1, Netuid: 3, Stake: []StakeEntry{}},
	}}
	b, err := Marshal(in)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // an array claiming 2^64-1 elements
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var out NeuronsInfo
		if err := DecodeAnswer(b, &out); err != nil {
			return
		}
		again, err := Marshal(out)
		if err != nil {
			t.Fatalf("a decoded answer does not encode: %v", err)
		}
		var out2 NeuronsInfo
		if err := DecodeAnswer(again, &out2); err != nil {
			t.Fatalf("a re-encoded answer does not decode: %v", err)
		}
		if again2, _ := Marshal(out2); string(again2) != string(again) {
			t.Fatalf("decoding is not stable")
		}
	})
}

// String answers from its cache of recent addresses exactly as without it,
// also for accounts that share a slot of the cache, asked in turns.
func TestAccountStringCache(t *testing.T) {
	var a, b AccountID // same first bytes: the same slot
	a[31], b[31] = 1, 2
	for i := range 3 {
		for _, x := range []AccountID{a, b, a} {
			if got, want := x.String(), wallet.SS58Encode(x[:], wallet.SS58Prefix); got != want {
				t.Fatalf("round %d: %x prints as %s, want %s", i, x, got, want)
			}
		}
	}
}
