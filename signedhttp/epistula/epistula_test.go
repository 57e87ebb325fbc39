package epistula_test

import (
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/epistula"
	"github.com/go-bittensor/bittensor/wallet"
)

const (
	aliceSR = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bobSR   = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	body    = `{"prompt": "hello"}`
	bodySum = "341c57448e531310fbbe83f44cea2a5e838bd9e8a6b82b269f01d0dbbc23c3cc"
	uuid    = "1c3f0b8e-8a3e-4c2e-9d36-4f7a1e2b9c55"
	stamp   = 1752076800000 // ms, 2025-07-09T16:00:00Z
)

func key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func fixedSigner(t testing.TB) *epistula.Signer {
	return &epistula.Signer{Key: key(t, "//Alice"), Now: func() time.Time { return time.UnixMilli(stamp) }, UUID: func() string { return uuid }}
}

func TestMessage(t *testing.T) {
	got := string(epistula.AppendMessage(nil, []byte(body), uuid, stamp, bobSR))
	if want := bodySum + "." + uuid + ".1752076800000." + bobSR; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	// Unbound: the signed-for part is empty, the dot stays.
	if got := string(epistula.AppendMessage(nil, nil, "u", 5, "")); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.u.5." {
		t.Fatalf("unbound message %q", got)
	}
}

// TestSecretMessages pins the reference generate_header's secret-signature
// messages: ceil(timestamp/1e4)*1e4 ± 1 written by CPython's str(float)
// (values computed with CPython 3.11).
func TestSecretMessages(t *testing.T) {
	cases := []struct {
		ts   int64
		want [3]string
	}{
		{1752076800000, [3]string{"1752076799999.0", "1752076800000.0", "1752076800001.0"}},
		{1752076800001, [3]string{"1752076809999.0", "1752076810000.0", "1752076810001.0"}},
		{1752076809999, [3]string{"1752076809999.0", "1752076810000.0", "1752076810001.0"}},
	}
	for _, c := range cases {
		got := epistula.SecretMessages(c.ts, bobSR)
		for i := range got {
			if want := c.want[i] + "." + bobSR; got[i] != want {
				t.Errorf("ts %d: message %d = %q, want %q", c.ts, i, got[i], want)
			}
		}
	}
}

// TestSigner: the headers are the reference ones, the request signature is
// //Alice's over the message, the secret signatures over theirs, and the
// secret signatures are reused within their interval.
func TestSigner(t *testing.T) {
	alice := key(t, "//Alice")
	s := fixedSigner(t)
	h, err := s.Headers([]byte(body), bobSR)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		epistula.HeaderVersion: "2", epistula.HeaderTimestamp: "1752076800000", epistula.HeaderUUID: uuid,
		epistula.HeaderSignedBy: aliceSR, epistula.HeaderSignedFor: bobSR,
	} {
		if got := h[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	verify := func(header, msg string) {
		t.Helper()
		v := h.Get(header)
		if !strings.HasPrefix(v, "0x") {
			t.Fatalf("%s = %q: no 0x", header, v)
		}
		sig, err := hex.DecodeString(v[2:])
		if err != nil || !alice.Verify([]byte(msg), sig) {
			t.Fatalf("%s does not sign %q", header, msg)
		}
	}
	verify(epistula.HeaderRequestSignature, bodySum+"."+uuid+".1752076800000."+bobSR)
	secrets := epistula.SecretMessages(stamp, bobSR)
	for i, hd := range []string{epistula.HeaderSecretSignature0, epistula.HeaderSecretSignature1, epistula.HeaderSecretSignature2} {
		verify(hd, secrets[i])
	}
	h2, err := s.Headers([]byte("other"), bobSR)
	if err != nil {
		t.Fatal(err)
	}
	if h2.Get(epistula.HeaderSecretSignature1) != h.Get(epistula.HeaderSecretSignature1) {
		t.Error("secret signatures were made again within their interval")
	}
	if h2.Get(epistula.HeaderRequestSignature) == h.Get(epistula.HeaderRequestSignature) {
		t.Error("two bodies got the same request signature")
	}

	unbound, err := s.Headers([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{epistula.HeaderSignedFor, epistula.HeaderSecretSignature0} {
		if _, ok := unbound[k]; ok {
			t.Errorf("unbound request carries %s", k)
		}
	}
	none, err := (&epistula.Signer{Key: alice, NoSecretSignatures: true}).Headers(nil, bobSR)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := none[epistula.HeaderSecretSignature0]; ok {
		t.Error("NoSecretSignatures sent secret signatures")
	}
	if _, err := (&epistula.Signer{Key: signedhttp.NewEd25519Key(make([]byte, 64))}).Headers(nil, ""); err == nil {
		t.Error("an ed25519 key signed Epistula")
	}
	// A real UUID each time without a fixed one.
	a, _ := (&epistula.Signer{Key: alice}).Headers(nil, "")
	b, _ := (&epistula.Signer{Key: alice}).Headers(nil, "")
	if u := a.Get(epistula.HeaderUUID); len(u) != 36 || u == b.Get(epistula.HeaderUUID) {
		t.Errorf("uuids %q and %q", u, b.Get(epistula.HeaderUUID))
	}
}

// TestVerify: a guard for //Bob accepts the signer's request and refuses
// each kind of malformed header, a request for someone else, a stale and a
// future one.
func TestVerify(t *testing.T) {
	at := time.UnixMilli(stamp + 1)
	newGuard := func() *signedhttp.Guard {
		g, err := signedhttp.NewGuard(epistula.Protocol{}, bobSR, signedhttp.GuardOptions{Now: func() time.Time { return at }, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	valid := func() http.Header {
		h, err := fixedSigner(t).Headers([]byte(body), bobSR)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	cases := []struct {
		name   string
		change func(h http.Header)
		body   string
		want   error
	}{
		{"valid", func(http.Header) {}, body, nil},
		{"secret signatures ignored", func(h http.Header) { h.Set(epistula.HeaderSecretSignature0, "junk") }, body, nil},
		{"no version", func(h http.Header) { delete(h, epistula.HeaderVersion) }, body, signedhttp.ErrMalformedAuth},
		{"version 1", func(h http.Header) { h.Set(epistula.HeaderVersion, "1") }, body, signedhttp.ErrMalformedAuth},
		{"no timestamp", func(h http.Header) { delete(h, epistula.HeaderTimestamp) }, body, signedhttp.ErrMalformedAuth},
		{"timestamp in seconds", func(h http.Header) { h.Set(epistula.HeaderTimestamp, strconv.Itoa(stamp/1000)) }, body, signedhttp.ErrStaleRequest},
		{"timestamp not a number", func(h http.Header) { h.Set(epistula.HeaderTimestamp, "1.5e12") }, body, signedhttp.ErrMalformedAuth},
		{"no uuid", func(h http.Header) { delete(h, epistula.HeaderUUID) }, body, signedhttp.ErrMalformedAuth},
		{"uuid too long", func(h http.Header) { h.Set(epistula.HeaderUUID, strings.Repeat("a", 129)) }, body, signedhttp.ErrMalformedAuth},
		{"no signer", func(h http.Header) { delete(h, epistula.HeaderSignedBy) }, body, signedhttp.ErrMalformedAuth},
		{"signer not SS58", func(h http.Header) {
			h.Set(epistula.HeaderSignedBy, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ")
		}, body, signedhttp.ErrMalformedAuth},
		{"no signature", func(h http.Header) { delete(h, epistula.HeaderRequestSignature) }, body, signedhttp.ErrMalformedAuth},
		{"signature not hex", func(h http.Header) { h.Set(epistula.HeaderRequestSignature, "0xnothex") }, body, signedhttp.ErrMalformedAuth},
		{"two signatures", func(h http.Header) { h.Add(epistula.HeaderRequestSignature, h.Get(epistula.HeaderRequestSignature)) }, body, signedhttp.ErrMalformedAuth},
		{"signed for alice", func(h http.Header) { h.Set(epistula.HeaderSignedFor, aliceSR) }, body, signedhttp.ErrWrongReceiver},
		{"unbound", func(h http.Header) { delete(h, epistula.HeaderSignedFor) }, body, signedhttp.ErrWrongReceiver},
		{"other uuid", func(h http.Header) { h.Set(epistula.HeaderUUID, "another") }, body, signedhttp.ErrBadSignature},
		{"other body", func(http.Header) {}, body + " ", signedhttp.ErrBadSignature},
		{"stale", func(h http.Header) { h.Set(epistula.HeaderTimestamp, strconv.Itoa(stamp-8000)) }, body, signedhttp.ErrStaleRequest},
		{"future", func(h http.Header) { h.Set(epistula.HeaderTimestamp, strconv.Itoa(stamp+2002)) }, body, signedhttp.ErrStaleRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := valid()
			c.change(h)
			r := httptest.NewRequest("POST", "/anything", strings.NewReader(c.body))
			for k, v := range h {
				r.Header[k] = v
			}
			caller, err := newGuard().Verify(r, []byte(c.body))
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if caller.Hotkey != aliceSR || caller.ID != uuid || caller.Time.UnixMilli() != stamp || caller.Protocol != epistula.Name {
					t.Fatalf("caller %+v", caller)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// FuzzInspect: arbitrary header values never panic, every refusal is
// MalformedAuth, and an accepted claim is what the headers say.
func FuzzInspect(f *testing.F) {
	f.Add("2", "1752076800000", uuid, aliceSR, "0x"+strings.Repeat("ab", 64), bobSR)
	f.Add("2", "-1", "x", "y", strings.Repeat("00", 64), "")
	f.Add("1", "", "", "", "0x", "")
	f.Fuzz(func(t *testing.T, version, ts, id, by, sig, forHotkey string) {
		h := http.Header{
			epistula.HeaderVersion: {version}, epistula.HeaderTimestamp: {ts}, epistula.HeaderUUID: {id},
			epistula.HeaderSignedBy: {by}, epistula.HeaderRequestSignature: {sig}, epistula.HeaderSignedFor: {forHotkey},
		}
		c, err := epistula.Protocol{}.Inspect(h)
		if err != nil {
			if !errors.Is(err, signedhttp.ErrMalformedAuth) {
				t.Fatalf("error %v is not MalformedAuth", err)
			}
			return
		}
		n, perr := strconv.ParseInt(ts, 10, 64)
		switch {
		case version != "2", perr != nil, id == "", by == "":
			t.Fatalf("accepted version %q timestamp %q uuid %q signer %q", version, ts, id, by)
		case c.Time.UnixMilli() != n || c.ID != id || c.Hotkey != by || c.Receiver != forHotkey || c.Bound != (forHotkey != ""):
			t.Fatalf("claim %+v", c)
		case len(c.Signature) != signedhttp.SignatureSize || c.Scheme != signedhttp.SR25519:
			t.Fatalf("claim %+v", c)
		}
		msg := epistula.Protocol{}.AppendMessage(nil, c, "", "", nil)
		if want := string(epistula.AppendMessage(nil, nil, id, n, forHotkey)); string(msg) != want {
			t.Fatalf("message %q, want %q", msg, want)
		}
	})
}
