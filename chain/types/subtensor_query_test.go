package types

import (
	"reflect"
	"testing"
)

func TestNeuronsAnswerCBORRoundTrip(t *testing.T) {
	in := NeuronsInfo{Netuid: 3, Height: 99, Neurons: []NeuronInfo{
		{Hotkey: AccountID{1}, Coldkey: AccountID{2}, UID: 0, Netuid: 3, Active: true, Stake: []StakeEntry{{Coldkey: AccountID{2}, Amount: 7}},
			Axon: AxonInfo{IP: "203.0.113.1", Port: 8091, IPType: 4}, Weights: Row{{0, 65535}, {7, 1}}, Bonds: Row{}},
		{Hotkey: AccountID{3}, UID: 1, Netuid: 3, Stake: []StakeEntry{}, Weights: nil, Bonds: nil},
	}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out NeuronsInfo
	if err := DecodeAnswer(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n%+v\n%+v", in, out)
	}
	if out.Neurons[0].Bonds == nil || out.Neurons[1].Weights != nil {
		t.Error("nil and empty rows must stay apart")
	}
	var r Row
	if err := r.UnmarshalCBOR([]byte{0x43, 1, 2, 3}); err == nil {
		t.Error("a 3-byte row decoded")
	}
}

func TestIPText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		typ  uint8
		back string
	}{{"203.0.113.7", 4, "203.0.113.7"}, {"2001:db8::1", 6, "2001:db8::1"}, {"::ffff:198.51.100.2", 4, "198.51.100.2"}} {
		ip, typ, err := ParseIP(tt.in)
		if err != nil || typ != tt.typ || FormatIP(ip, typ) != tt.back {
			t.Errorf("%s: %x %d %v → %s", tt.in, ip, typ, err, FormatIP(ip, typ))
		}
	}
	if _, _, err := ParseIP("not-an-ip"); err == nil {
		t.Error("garbage parsed")
	}
	if FormatIP([16]byte{}, 0) != "0.0.0.0" {
		t.Error("unserved")
	}
}
