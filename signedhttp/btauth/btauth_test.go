package btauth_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
	"github.com/go-bittensor/bittensor/wallet"
)

// The published golden case of btauth/1 (the Bittensor SDK's signed-requests
// guide, "Golden test vectors", and its tests/test_http_auth.py): //Alice
// to //Bob, this nonce, this body, POST /generate?stream=false.
const (
	goldenNonce  = 1752076800000000000 // 2025-07-09T16:00:00Z
	goldenBody   = `{"prompt": "hello"}`
	goldenMethod = "POST"
	goldenTarget = "/generate?stream=false"
	goldenSHA256 = "341c57448e531310fbbe83f44cea2a5e838bd9e8a6b82b269f01d0dbbc23c3cc"
	aliceSR      = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	aliceED      = "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"
	bobSR        = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"

	goldenPayload = "btauth/1\nsr25519\nPOST\n/generate?stream=false\n" + goldenSHA256 + "\n1752076800000000000\n" + aliceSR + "\n" + bobSR
	// goldenED25519Signature is deterministic (RFC 8032), so it is pinned.
	goldenED25519Signature = "0x1a6b631988bf1f7ea093ab9d5acf61f05c316d0b0e428b24b487b75a5f6ee0e1" +
		"a56a26918fdf871b6cf09437e6588023a4ce423cf622621b2a7feee17612f704"
)

func key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// devEd25519 derives the ed25519 key of "//<name>" from Substrate's dev
// phrase as Substrate does: a hard junction makes the new seed
// BLAKE2b-256(SCALE("Ed25519HDKD") ‖ seed ‖ chain code), the chain code
// being the SCALE-encoded name padded to 32 bytes. The published address
// of //Alice checks it.
func devEd25519(t testing.TB, name string) *signedhttp.Ed25519Key {
	t.Helper()
	seed, err := wallet.MiniSecretFromMnemonic(wallet.DevPhrase)
	if err != nil {
		t.Fatal(err)
	}
	if len(name) >= 64 {
		t.Fatal("name too long for a one-byte SCALE length")
	}
	var cc [32]byte
	copy(cc[:], append([]byte{byte(len(name) << 2)}, name...))
	h, _ := blake2b.New256(nil)
	h.Write(append([]byte{byte(len("Ed25519HDKD") << 2)}, "Ed25519HDKD"...))
	h.Write(seed)
	h.Write(cc[:])
	return signedhttp.NewEd25519Key(ed25519.NewKeyFromSeed(h.Sum(nil)))
}

func fixedNonce() int64 { return goldenNonce }

// guardAt is a guard for //Bob whose clock says t.
func guardAt(t testing.TB, at time.Time, opts signedhttp.GuardOptions) *signedhttp.Guard {
	t.Helper()
	opts.Now = func() time.Time { return at }
	opts.Logger = slog.New(slog.DiscardHandler)
	g, err := signedhttp.NewGuard(btauth.Protocol{}, bobSR, opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// request is a server-side request with these headers and body.
func request(method, target string, h http.Header, body string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range h {
		r.Header[k] = v
	}
	return r
}

func TestGoldenPayload(t *testing.T) {
	got := btauth.AppendPayload(nil, signedhttp.SR25519, goldenMethod, goldenTarget, []byte(goldenBody), goldenNonce, aliceSR, bobSR)
	if string(got) != goldenPayload {
		t.Fatalf("payload:\n%s\nwant:\n%s", got, goldenPayload)
	}
	if sum := sha256.Sum256([]byte(goldenBody)); hex.EncodeToString(sum[:]) != goldenSHA256 {
		t.Fatalf("sha256 of the body is %x", sum)
	}
	// The method is uppercased, an unbound request names "-".
	got = btauth.AppendPayload(nil, signedhttp.ED25519, "post", "/", nil, 1, aliceSR, "")
	want := "btauth/1\ned25519\nPOST\n/\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n1\n" + aliceSR + "\n-"
	if string(got) != want {
		t.Fatalf("payload:\n%s\nwant:\n%s", got, want)
	}
}

func TestGoldenAddresses(t *testing.T) {
	if got := key(t, "//Alice").SS58Address(); got != aliceSR {
		t.Errorf("//Alice sr25519 = %s", got)
	}
	if got := key(t, "//Bob").SS58Address(); got != bobSR {
		t.Errorf("//Bob sr25519 = %s", got)
	}
	if got := devEd25519(t, "Alice").SS58Address(); got != aliceED {
		t.Errorf("//Alice ed25519 = %s", got)
	}
}

// TestGoldenED25519 signs the golden request with //Alice's ed25519 key:
// the signature is the published one, and a guard whose clock is 1 ms
// after the nonce accepts it.
func TestGoldenED25519(t *testing.T) {
	s := &btauth.Signer{Key: devEd25519(t, "Alice"), Nonce: fixedNonce}
	h, err := s.Headers(goldenMethod, goldenTarget, []byte(goldenBody), bobSR)
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{
		btauth.HeaderVersion:   {"1"},
		btauth.HeaderHotkey:    {aliceED},
		btauth.HeaderReceiver:  {bobSR},
		btauth.HeaderNonce:     {"1752076800000000000"},
		btauth.HeaderCrypto:    {"ed25519"},
		btauth.HeaderSignature: {goldenED25519Signature},
	}
	for k, v := range want {
		if got := h[k]; len(got) != 1 || got[0] != v[0] {
			t.Errorf("%s = %q, want %q", k, got, v[0])
		}
	}
	if len(h) != len(want) {
		t.Errorf("headers %v, want exactly %v", h, want)
	}
	g := guardAt(t, time.Unix(0, goldenNonce+1_000_000), signedhttp.GuardOptions{})
	c, err := g.Verify(request(goldenMethod, goldenTarget, want, goldenBody), []byte(goldenBody))
	if err != nil {
		t.Fatal(err)
	}
	if c.Hotkey != aliceED || c.Scheme != signedhttp.ED25519 || c.ID != "1752076800000000000" || c.Time.UnixNano() != goldenNonce {
		t.Errorf("caller %+v", c)
	}
}

// TestGoldenSR25519: sr25519 signatures are randomised, so the golden case
// pins the payload: //Alice's signature of it verifies, with no crypto
// header, and a signature of anything else does not.
func TestGoldenSR25519(t *testing.T) {
	alice := key(t, "//Alice")
	sig, err := alice.Sign([]byte(goldenPayload))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{
		btauth.HeaderVersion: {"1"}, btauth.HeaderHotkey: {aliceSR}, btauth.HeaderReceiver: {bobSR},
		btauth.HeaderNonce: {"1752076800000000000"}, btauth.HeaderSignature: {"0x" + hex.EncodeToString(sig)},
	}
	g := guardAt(t, time.Unix(0, goldenNonce+1_000_000), signedhttp.GuardOptions{})
	if c, err := g.Verify(request(goldenMethod, goldenTarget, h, goldenBody), []byte(goldenBody)); err != nil || c.Hotkey != aliceSR || c.Scheme != signedhttp.SR25519 {
		t.Fatalf("caller %+v, err %v", c, err)
	}
	// The same signature over our own signer's headers: the signer builds
	// the same payload.
	s := &btauth.Signer{Key: alice, Nonce: fixedNonce}
	h2, err := s.Headers(goldenMethod, goldenTarget, []byte(goldenBody), bobSR)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h2[btauth.HeaderCrypto]; ok {
		t.Error("sr25519 requests must not carry X-Bittensor-Crypto")
	}
	raw, _ := hex.DecodeString(strings.TrimPrefix(h2.Get(btauth.HeaderSignature), "0x"))
	if !alice.Verify([]byte(goldenPayload), raw) {
		t.Error("the signer's signature is not over the golden payload")
	}
}

// TestInspect covers every way the headers alone can be malformed, and the
// spellings the SDK accepts.
func TestInspect(t *testing.T) {
	valid := func() http.Header {
		s := &btauth.Signer{Key: key(t, "//Alice"), Nonce: fixedNonce}
		h, err := s.Headers(goldenMethod, goldenTarget, []byte(goldenBody), bobSR)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	cases := []struct {
		name   string
		change func(h http.Header)
		ok     bool
	}{
		{"valid", func(http.Header) {}, true},
		{"no version", func(h http.Header) { delete(h, btauth.HeaderVersion) }, false},
		{"version 2", func(h http.Header) { h.Set(btauth.HeaderVersion, "2") }, false},
		{"no hotkey", func(h http.Header) { delete(h, btauth.HeaderHotkey) }, false},
		{"empty hotkey", func(h http.Header) { h.Set(btauth.HeaderHotkey, "") }, false},
		{"hotkey too long", func(h http.Header) { h.Set(btauth.HeaderHotkey, strings.Repeat("5", 65)) }, false},
		{"two hotkeys", func(h http.Header) { h.Add(btauth.HeaderHotkey, bobSR) }, false},
		{"no nonce", func(h http.Header) { delete(h, btauth.HeaderNonce) }, false},
		{"nonce not a number", func(h http.Header) { h.Set(btauth.HeaderNonce, "not-a-number") }, false},
		{"nonce beyond int64", func(h http.Header) { h.Set(btauth.HeaderNonce, "99999999999999999999") }, false},
		{"nonce with spaces", func(h http.Header) { h.Set(btauth.HeaderNonce, " 1752076800000000000") }, false},
		{"crypto ecdsa", func(h http.Header) { h.Set(btauth.HeaderCrypto, "ecdsa") }, false},
		{"crypto SR25519", func(h http.Header) { h.Set(btauth.HeaderCrypto, "SR25519") }, true},
		{"crypto 1", func(h http.Header) { h.Set(btauth.HeaderCrypto, "1") }, true},
		{"no signature", func(h http.Header) { delete(h, btauth.HeaderSignature) }, false},
		{"signature not hex", func(h http.Header) { h.Set(btauth.HeaderSignature, "0xnothex") }, false},
		{"signature short", func(h http.Header) { h.Set(btauth.HeaderSignature, "0x"+strings.Repeat("ab", 63)) }, false},
		{"signature long", func(h http.Header) { h.Set(btauth.HeaderSignature, "0x"+strings.Repeat("ab", 65)) }, false},
		{"signature without 0x", func(h http.Header) {
			h.Set(btauth.HeaderSignature, strings.TrimPrefix(h.Get(btauth.HeaderSignature), "0x"))
		}, true},
		{"two receivers", func(h http.Header) { h.Add(btauth.HeaderReceiver, aliceSR) }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := valid()
			c.change(h)
			claim, err := btauth.Protocol{}.Inspect(h)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				if claim.Hotkey != aliceSR || claim.Receiver != bobSR || !claim.Bound || claim.ID != "1752076800000000000" || claim.Scheme != signedhttp.SR25519 {
					t.Fatalf("claim %+v", claim)
				}
				return
			}
			if !errors.Is(err, signedhttp.ErrMalformedAuth) {
				t.Fatalf("err = %v, want MalformedAuth", err)
			}
			if sig := h.Get(btauth.HeaderSignature); len(sig) > 8 && strings.Contains(err.Error(), sig) {
				t.Errorf("the error echoes the signature: %v", err)
			}
		})
	}
}

// TestSignerNonces: without a fixed nonce every request gets a new nonce
// near the clock, strictly increasing.
func TestSignerNonces(t *testing.T) {
	s := &btauth.Signer{Key: key(t, "//Alice")}
	var last int64
	for range 1000 {
		h, err := s.Headers("GET", "/", nil, bobSR)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(h.Get(btauth.HeaderNonce), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if n <= last {
			t.Fatalf("nonce %d after %d", n, last)
		}
		last = n
	}
	if d := time.Since(time.Unix(0, last)); d < -time.Second || d > time.Minute {
		t.Fatalf("nonce %d is %v away from the clock", last, d)
	}
	if _, err := (&btauth.Signer{}).Headers("GET", "/", nil, ""); err == nil {
		t.Fatal("a signer without a key signed")
	}
}

// FuzzInspect feeds arbitrary header values: Inspect never panics, every
// refusal is MalformedAuth, and an accepted claim is what the headers say.
func FuzzInspect(f *testing.F) {
	f.Add("1", aliceSR, "1752076800000000000", "", "0x"+strings.Repeat("ab", 64), bobSR)
	f.Add("1", aliceSR, "-5", "ED25519", strings.Repeat("00", 64), "")
	f.Add("1", "", "", "1", "0x", "-")
	f.Add("2", "x", "+12", "ecdsa", "0xzz", "5F")
	f.Fuzz(func(t *testing.T, version, hotkey, nonce, crypto, sig, receiver string) {
		h := http.Header{}
		for k, v := range map[string]string{btauth.HeaderVersion: version, btauth.HeaderHotkey: hotkey, btauth.HeaderNonce: nonce, btauth.HeaderSignature: sig} {
			h[k] = []string{v}
		}
		if crypto != "" {
			h[btauth.HeaderCrypto] = []string{crypto}
		}
		if receiver != "" {
			h[btauth.HeaderReceiver] = []string{receiver}
		}
		c, err := btauth.Protocol{}.Inspect(h)
		if err != nil {
			if !errors.Is(err, signedhttp.ErrMalformedAuth) {
				t.Fatalf("error %v is not MalformedAuth", err)
			}
			return
		}
		n, perr := strconv.ParseInt(nonce, 10, 64)
		switch {
		case version != "1", hotkey == "", perr != nil:
			t.Fatalf("accepted version %q, hotkey %q, nonce %q", version, hotkey, nonce)
		case c.Hotkey != hotkey || c.Receiver != receiver || c.Bound != (receiver != ""):
			t.Fatalf("claim %+v from hotkey %q receiver %q", c, hotkey, receiver)
		case c.ID != strconv.FormatInt(n, 10) || c.Time.UnixNano() != n:
			t.Fatalf("claim %+v from nonce %q", c, nonce)
		case len(c.Signature) != signedhttp.SignatureSize:
			t.Fatalf("signature of %d bytes", len(c.Signature))
		}
		// The payload of an accepted claim has exactly eight lines when
		// its fields hold no newline.
		if !strings.ContainsAny(hotkey+receiver, "\n") {
			msg := btauth.Protocol{}.AppendMessage(nil, c, "POST", "/x", nil)
			if n := strings.Count(string(msg), "\n"); n != 7 {
				t.Fatalf("payload has %d newlines: %q", n, msg)
			}
		}
	})
}
