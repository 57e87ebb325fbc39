package synapse

import (
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

// Values of an example request: a 6.5.0 dendrite //Alice calling axon //Bob
// with the base Synapse.
const (
	aliceSS58   = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bobSS58     = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	exampleUUID = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	emptyHash   = "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
	exampleSig  = "0x3849d4bfc537f5862c7314b9d4fc8e1c71a262d38648e6776fb7da480382cb1abc833f680b26bffb5a4fc3e00aeb5ceda6fce98c2ba8286a028519f9224c8e85"
)

type hello struct {
	Synapse
	Text string `json:"text" bt:"required,hash"`
}

type dummy struct {
	Synapse
	DummyInput  int  `json:"dummy_input" bt:"required,hash"`
	DummyOutput *int `json:"dummy_output"`
}

type mixed struct {
	Synapse
	Notes  map[string]float64 `json:"notes"`
	Second []string           `json:"second" bt:"hash"`
	First  float32            `json:"first" bt:"required,hash"`
	Flag   bool               `json:"flag" bt:"required"`
	Opt    *string            `json:"opt" bt:"required"`
	Skip   string             `json:"-"`
}

func TestBodyHashVectors(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"no hashed fields", &Synapse{}, emptyHash},
		{"one field hello", &hello{Text: "hello"}, "cd1ba9b9d9fae7c1e56ddf6aa2947ad2e0b83b96bd91dd4b67fc560e83589bad"},
		{"unhashed fields ignored", &dummy{DummyInput: 0, DummyOutput: Ptr(5)}, Hash([]byte(Hash([]byte("0"))))},
		// Declaration order, not the order of the tag list: second before first.
		{"declaration order", &mixed{Second: []string{"a", "b"}, First: 0.5},
			Hash([]byte(Hash([]byte("['a', 'b']")) + Hash([]byte("0.5"))))},
	}
	for _, tt := range tests {
		got, err := BodyHash(tt.m)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: BodyHash = %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := Hash(nil); got != emptyHash {
		t.Errorf("Hash(\"\") = %s", got)
	}
}

func TestSignatureVector(t *testing.T) {
	msg := RequestMessage(1234567890, aliceSS58, bobSS58, exampleUUID, emptyHash)
	want := "1234567890.5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY.5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty.f81d4fae-7dec-11d0-a765-00a0c91e6bf6.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
	if string(msg) != want {
		t.Fatalf("RequestMessage = %s", msg)
	}
	alice, err := wallet.KeypairFromSS58(aliceSS58)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wallet.DecodeSignature(exampleSig)
	if err != nil {
		t.Fatal(err)
	}
	if !alice.Verify(msg, sig) {
		t.Error("spec signature does not verify")
	}
	if alice.Verify(append(msg, 'x'), sig) {
		t.Error("signature verifies a different message")
	}
	if got := string(ResponseMessage(5, aliceSS58, bobSS58, "u")); got != "5."+aliceSS58+"."+bobSS58+".u" {
		t.Errorf("ResponseMessage = %s", got)
	}
}

// exampleHeaders are the example request's headers as a Go server
// receives them (canonicalised names).
func exampleHeaders() http.Header {
	h := http.Header{}
	for _, kv := range [][2]string{
		{"name", "Synapse"},
		{"timeout", "12.0"},
		{"bt_header_axon_ip", "203.0.113.7"},
		{"bt_header_axon_port", "8091"},
		{"bt_header_axon_hotkey", bobSS58},
		{"bt_header_dendrite_ip", "198.51.100.2"},
		{"bt_header_dendrite_version", "650"},
		{"bt_header_dendrite_nonce", "1234567890"},
		{"bt_header_dendrite_uuid", exampleUUID},
		{"bt_header_dendrite_hotkey", aliceSS58},
		{"bt_header_dendrite_signature", exampleSig},
		{"header_size", "640"},
		{"total_size", "3536"},
		{"computed_body_hash", emptyHash},
	} {
		h.Set(kv[0], kv[1])
	}
	return h
}

func TestFromHeadersExample(t *testing.T) {
	var s Synapse
	if err := FromHeaders(exampleHeaders(), &s); err != nil {
		t.Fatal(err)
	}
	want := Synapse{
		Name: "Synapse", Timeout: 12, TotalSize: 3536, HeaderSize: 640,
		Dendrite: TerminalInfo{IP: Ptr("198.51.100.2"), Version: Ptr(650), Nonce: Ptr(int64(1234567890)),
			UUID: Ptr(exampleUUID), Hotkey: Ptr(aliceSS58), Signature: Ptr(exampleSig)},
		Axon:             TerminalInfo{IP: Ptr("203.0.113.7"), Port: Ptr(8091), Hotkey: Ptr(bobSS58)},
		ComputedBodyHash: emptyHash,
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("FromHeaders:\n got %+v\nwant %+v", s, want)
	}
}

func TestToHeadersExample(t *testing.T) {
	var s Synapse
	if err := FromHeaders(exampleHeaders(), &s); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := ToHeaders(&s, h); err != nil {
		t.Fatal(err)
	}
	want := exampleHeaders()
	for k, v := range want {
		lk := strings.ToLower(k)
		if lk == "header_size" || lk == "total_size" {
			continue // informational sizes; Python's come from sys.getsizeof
		}
		if got := h[lk]; len(got) != 1 || got[0] != v[0] {
			t.Errorf("header %s = %q, want %q", lk, got, v[0])
		}
	}
	for k := range h {
		if k != strings.ToLower(k) {
			t.Errorf("header name %q is not lowercase", k)
		}
		if want.Get(k) == "" && k != "header_size" && k != "total_size" {
			t.Errorf("unexpected header %s", k)
		}
	}
}

func TestInputObjHeaders(t *testing.T) {
	m := &mixed{Second: []string{"x"}, First: 2, Opt: nil}
	h := http.Header{}
	if err := ToHeaders(m, h); err != nil {
		t.Fatal(err)
	}
	// The empty value of each required field's Python type: float() is 0.0,
	// bool() is False; None values are skipped.
	for k, want := range map[string]string{
		"bt_header_input_obj_first": "MC4w",     // 0.0
		"bt_header_input_obj_flag":  "ZmFsc2U=", // false
	} {
		if got := first(h[k]); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if _, ok := h["bt_header_input_obj_opt"]; ok {
		t.Error("nil required field got an input_obj header")
	}
	if _, ok := h["bt_header_input_obj_second"]; ok {
		t.Error("non-required field got an input_obj header")
	}
	dh := http.Header{}
	if err := ToHeaders(&dummy{DummyInput: 3}, dh); err != nil {
		t.Fatal(err)
	}
	if got := first(dh["bt_header_input_obj_dummy_input"]); got != "MA==" {
		t.Errorf("int input obj = %q, want MA==", got)
	}
	hh := http.Header{}
	if err := ToHeaders(&hello{Text: "x"}, hh); err != nil {
		t.Fatal(err)
	}
	if got := first(hh["bt_header_input_obj_text"]); got != "IiI=" {
		t.Errorf("str input obj = %q, want IiI=", got)
	}
}

func TestFromHeadersErrors(t *testing.T) {
	base := func() http.Header {
		h := exampleHeaders()
		h.Set("bt_header_input_obj_dummy_input", "MA==")
		return h
	}
	tests := []struct {
		name   string
		mutate func(http.Header)
		want   string // part of the error
	}{
		{"bad timeout", func(h http.Header) { h.Set("timeout", "soon") }, "timeout"},
		{"nan timeout", func(h http.Header) { h.Set("timeout", "nan") }, "timeout"},
		{"bad nonce", func(h http.Header) { h.Set("bt_header_dendrite_nonce", "12a") }, "bt_header_dendrite_nonce"},
		{"bad port", func(h http.Header) { h.Set("bt_header_axon_port", "1.5") }, "bt_header_axon_port"},
		{"bad process time", func(h http.Header) { h.Set("bt_header_axon_process_time", "x") }, "process_time"},
		{"bad total size", func(h http.Header) { h.Set("total_size", "-") }, "total_size"},
		{"missing required", func(h http.Header) { h.Del("bt_header_input_obj_dummy_input") }, `"dummy_input"`},
		{"required not base64", func(h http.Header) { h.Set("bt_header_input_obj_dummy_input", "!!") }, "dummy_input"},
		{"required wrong type", func(h http.Header) { h.Set("bt_header_input_obj_dummy_input", "IiI=") }, "dummy_input"},
	}
	for _, tt := range tests {
		h := base()
		tt.mutate(h)
		var d dummy
		err := FromHeaders(h, &d)
		if !errors.Is(err, ErrBadHeaders) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrBadHeaders mentioning %s", tt.name, err, tt.want)
		}
	}
	var d dummy
	if err := FromHeaders(base(), &d); err != nil {
		t.Errorf("valid headers: %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m := &mixed{
		Synapse: Synapse{Timeout: 3.5, Dendrite: TerminalInfo{Nonce: Ptr(int64(7)), Hotkey: Ptr(aliceSS58)}},
		Notes:   map[string]float64{"z": 1, "a": 0.25},
		Second:  []string{"é", "it's"},
		First:   0.1,
		Opt:     Ptr("o"),
		Skip:    "not sent",
	}
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
	want := `{"name": "mixed", "timeout": 3.5, "total_size": 0, "header_size": 0, ` +
		`"dendrite": {"status_code": null, "status_message": null, "process_time": null, "ip": null, "port": null, "version": null, "nonce": 7, "uuid": null, "hotkey": "` + aliceSS58 + `", "signature": null}, ` +
		`"axon": {"status_code": null, "status_message": null, "process_time": null, "ip": null, "port": null, "version": null, "nonce": null, "uuid": null, "hotkey": null, "signature": null}, ` +
		`"computed_body_hash": "", "required_hash_fields": ["second", "first"], ` +
		`"notes": {"a": 0.25, "z": 1.0}, "second": ["\u00e9", "it's"], "first": 0.1, "flag": false, "opt": "o"}`
	if string(b) != want {
		t.Errorf("Marshal:\n got %s\nwant %s", b, want)
	}
	var back mixed
	if err := Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	m.Skip = ""
	m.Name = "mixed"
	m.RequiredHashFields = []string{"second", "first"}
	if !reflect.DeepEqual(&back, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, *m)
	}
	h1, _ := BodyHash(m)
	h2, _ := BodyHash(&back)
	if h1 != h2 {
		t.Error("body hash changed across a round trip")
	}
	if err := Unmarshal([]byte(`{"first": "x"}`), &back); !errors.Is(err, ErrBadBody) {
		t.Errorf("bad body: err = %v", err)
	}
}

func TestNilContainersSentEmpty(t *testing.T) {
	b, err := Marshal(&mixed{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"notes": {}, "second": [], `) || !strings.Contains(string(b), `"opt": null`) {
		t.Errorf("nil containers: %s", b)
	}
}

type notSynapse struct{ X int }

func (n *notSynapse) Base() *Synapse { return nil }

type withChan struct {
	Synapse
	C chan int `json:"c"`
}

type withAny struct {
	Synapse
	A any `json:"a" bt:"hash"`
}

type named struct{ Synapse }

func (*named) SynapseName() string { return "TextPrompting" }

func TestTypeChecks(t *testing.T) {
	if err := Check(&notSynapse{}); !errors.Is(err, ErrBadType) {
		t.Errorf("no embedded Synapse: %v", err)
	}
	if err := Check(&withChan{}); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("chan field: %v", err)
	}
	if _, err := BodyHash(&withAny{A: 1}); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("hashed interface field: %v", err)
	}
	if n, err := Name(&named{}); err != nil || n != "TextPrompting" {
		t.Errorf("SynapseName: %q %v", n, err)
	}
	if n, _ := Name(&Synapse{}); n != "Synapse" {
		t.Errorf("base name %q", n)
	}
	if f, _ := HashFields(&mixed{}); !reflect.DeepEqual(f, []string{"second", "first"}) {
		t.Errorf("HashFields = %v", f)
	}
}

func TestClone(t *testing.T) {
	m := &dummy{DummyInput: 4}
	m.Dendrite.StatusCode = Ptr(1)
	c := Clone(m).(*dummy)
	*c.Dendrite.StatusCode = 2
	if *m.Dendrite.StatusCode != 1 || c.DummyInput != 4 {
		t.Error("Clone shares TerminalInfo or lost fields")
	}
	if _, ok := New(m).(*dummy); !ok {
		t.Error("New returned another type")
	}
}

func TestAxonInfo(t *testing.T) {
	a := AxonInfo{Version: 650, IP: "203.0.113.7", Port: 8091, IPType: 4, Hotkey: bobSS58, Coldkey: aliceSS58, Protocol: 4}
	want := `{"version": 650, "ip": "203.0.113.7", "port": 8091, "ip_type": 4, "hotkey": "` + bobSS58 + `", "coldkey": "` + aliceSS58 + `", "protocol": 4, "placeholder1": 0, "placeholder2": 0}`
	if a.String() != want {
		t.Errorf("String = %s", a)
	}
	n, err := a.IPInt()
	if err != nil || n.Cmp(big.NewInt(203<<24|113<<8|7)) != 0 {
		t.Errorf("IPInt = %v, %v", n, err)
	}
	if ip, err := IPFromInt(n, IPv4); err != nil || ip != a.IP {
		t.Errorf("IPFromInt = %q, %v", ip, err)
	}
	v6 := AxonInfo{IP: "2001:db8::1"}
	n6, err := v6.IPInt()
	if err != nil {
		t.Fatal(err)
	}
	if ip, err := IPFromInt(n6, IPv6); err != nil || ip != "2001:db8::1" {
		t.Errorf("IPv6 round trip = %q, %v", ip, err)
	}
	if _, err := IPFromInt(n6, IPv4); err == nil {
		t.Error("IPv6 integer accepted as IPv4")
	}
	if (AxonInfo{IP: "0.0.0.0"}).IsServing() {
		t.Error("0.0.0.0 is serving")
	}
}

// first returns the first value of a header written under its lowercase
// name (http.Header.Get would canonicalise the name and miss it).
func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
