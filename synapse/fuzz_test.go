package synapse

import (
	"errors"
	"net/http"
	"testing"
)

// FuzzFromHeaders feeds arbitrary header values to the header parser: it
// must either fill the synapse or return ErrBadHeaders, and what it fills
// must survive a round trip through ToHeaders.
func FuzzFromHeaders(f *testing.F) {
	f.Add("12.0", "1234567890", "8091", "MA==", "0.5", "Success")
	f.Add("nan", "x", "-1", "!!", "1e999", "\x00")
	f.Add(" 3 ", "+5", "99999999999999999999", "IiI=", "inf", "ok")
	f.Fuzz(func(t *testing.T, timeout, nonce, port, inputObj, processTime, msg string) {
		h := http.Header{}
		h.Set("timeout", timeout)
		h.Set("bt_header_dendrite_nonce", nonce)
		h.Set("bt_header_axon_port", port)
		h.Set("bt_header_input_obj_dummy_input", inputObj)
		h.Set("bt_header_axon_process_time", processTime)
		h.Set("bt_header_axon_status_message", msg)
		var d dummy
		err := FromHeaders(h, &d)
		if err != nil {
			if !errors.Is(err, ErrBadHeaders) {
				t.Fatalf("error %v is not ErrBadHeaders", err)
			}
			return
		}
		out := http.Header{}
		if err := ToHeaders(&d, out); err != nil {
			t.Fatalf("ToHeaders after FromHeaders: %v", err)
		}
		var back dummy
		if err := FromHeaders(out, &back); err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if back.Timeout != d.Timeout || *back.Dendrite.Nonce != *d.Dendrite.Nonce || *back.Axon.Port != *d.Axon.Port {
			t.Fatalf("round trip changed values: %+v vs %+v", back.Synapse, d.Synapse)
		}
	})
}

// FuzzUnmarshal feeds arbitrary bodies to the body decoder: it must either
// decode or return ErrBadBody, and a decoded synapse must hash and marshal.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"name": "mixed", "notes": {"a": 1}, "second": ["x"], "first": 0.5}`))
	f.Add([]byte(`{"dendrite": null, "axon": {"nonce": 1e30}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var m mixed
		if err := Unmarshal(body, &m); err != nil {
			if !errors.Is(err, ErrBadBody) {
				t.Fatalf("error %v is not ErrBadBody", err)
			}
			return
		}
		if _, err := BodyHash(&m); err != nil {
			t.Fatalf("hash of decoded body: %v", err)
		}
		out, err := Marshal(&m)
		if err != nil {
			// Only non-finite floats cannot be written; JSON cannot hold them.
			t.Fatalf("marshal of decoded body: %v", err)
		}
		var back mixed
		if err := Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode: %v\n%s", err, out)
		}
	})
}
