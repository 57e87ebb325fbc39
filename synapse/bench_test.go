package synapse

import "testing"

func benchSynapse() *dummy {
	d := &dummy{DummyInput: 21}
	d.Timeout = 12
	d.Dendrite = TerminalInfo{Version: Ptr(650), Nonce: Ptr(int64(1234567890123)), UUID: Ptr(exampleUUID),
		Hotkey: Ptr(aliceSS58), IP: Ptr("127.0.0.1"), Signature: Ptr(exampleSig)}
	d.Axon = TerminalInfo{IP: Ptr("127.0.0.1"), Port: Ptr(8091), Hotkey: Ptr(bobSS58)}
	return d
}

// BenchmarkUnmarshal decodes a small synapse's body, as an axon does per request.
func BenchmarkUnmarshal(b *testing.B) {
	body, err := Marshal(benchSynapse())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var d dummy
		if err := Unmarshal(body, &d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshal encodes a small synapse's body, as an axon does per answer.
func BenchmarkMarshal(b *testing.B) {
	d := benchSynapse()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBodyHash hashes a small synapse's one hashed field.
func BenchmarkBodyHash(b *testing.B) {
	d := benchSynapse()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BodyHash(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromHeaders parses a request's headers into a synapse.
func BenchmarkFromHeaders(b *testing.B) {
	h := exampleHeaders()
	h.Set("bt_header_input_obj_dummy_input", "MA==")
	b.ReportAllocs()
	for b.Loop() {
		var d dummy
		if err := FromHeaders(h, &d); err != nil {
			b.Fatal(err)
		}
	}
}
