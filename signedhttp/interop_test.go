package signedhttp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
	"github.com/go-bittensor/bittensor/signedhttp/epistula"
	"github.com/go-bittensor/bittensor/synapse"
)

// The cross-check against @polkadot/util-crypto finds its npm install where
// the Substrate test harness keeps chopsticks (which brings util-crypto):
// $SUBSTRATETEST_CHOPSTICKS_DIR, else go-bittensor/chopsticks-1.5.1 in the
// user's cache folder, where .ci/run installs it.
const (
	chopsticksDirEnv = "SUBSTRATETEST_CHOPSTICKS_DIR"
	chopsticksDir    = "chopsticks-1.5.1"
)

// polkadotJS runs testdata/polkadot.js on ops and returns its results. It
// skips the test without Node.js, and fails it when Node.js is there but
// @polkadot/util-crypto is not.
func polkadotJS(t *testing.T, ops []map[string]any) []map[string]any {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("Node.js is not on PATH: the @polkadot/util-crypto cross-check needs it")
	}
	dir := os.Getenv(chopsticksDirEnv)
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Fatalf("no cache folder (%v): set %s to a folder holding node_modules/@polkadot/util-crypto", err, chopsticksDirEnv)
		}
		dir = filepath.Join(cache, "go-bittensor", chopsticksDir)
	}
	modules := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "@polkadot", "util-crypto", "package.json")); err != nil {
		t.Fatalf("Node.js is installed but @polkadot/util-crypto is not in %s. Run .ci/run (it installs chopsticks, "+
			"which brings util-crypto), or `npm install @polkadot/util-crypto` in a folder and set %s to that folder.", modules, chopsticksDirEnv)
	}
	in, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "polkadot.js"))
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("polkadot.js: %v\n%s", err, stderr.String())
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(ops) {
		t.Fatalf("polkadot.js answered %q (%v)", out, err)
	}
	return res
}

// headersOf reads a sign operation's result as http.Header.
func headersOf(t *testing.T, res map[string]any) http.Header {
	t.Helper()
	m, ok := res["headers"].(map[string]any)
	if !ok {
		t.Fatalf("no headers in %v", res)
	}
	h := http.Header{}
	for k, v := range m {
		h.Set(k, v.(string))
	}
	return h
}

// TestPolkadotSignsWeVerify: requests signed by util-crypto (its own key
// derivation of //Alice, payloads built in JavaScript) are accepted by our
// guards over real HTTP, in both protocols and both btauth schemes; the
// published golden ed25519 signature comes out of util-crypto too.
func TestPolkadotSignsWeVerify(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	body := []byte(`{"text":"from javascript"}`)
	nonce := strconv.FormatInt(time.Now().UnixNano(), 10)
	ms := strconv.FormatInt(time.Now().UnixMilli(), 10)
	uuid := synapse.NewUUID()
	const target = "/echo?lang=js"
	res := polkadotJS(t, []map[string]any{
		{"op": "sign-btauth", "uri": "//Alice", "scheme": "sr25519", "method": "post", "target": target, "body": hex.EncodeToString(body), "nonce": nonce, "receiver": bob.SS58Address()},
		{"op": "sign-btauth", "uri": "//Alice", "scheme": "ed25519", "method": "POST", "target": target, "body": hex.EncodeToString(body), "nonce": nonce, "receiver": bob.SS58Address()},
		{"op": "sign-epistula", "uri": "//Alice", "body": hex.EncodeToString(body), "timestamp": ms, "uuid": uuid, "receiver": bob.SS58Address()},
		// The golden case of btauth/1, ed25519.
		{"op": "sign-btauth", "uri": "//Alice", "scheme": "ed25519", "method": "POST", "target": "/generate?stream=false",
			"body": hex.EncodeToString([]byte(`{"prompt": "hello"}`)), "nonce": "1752076800000000000", "receiver": bob.SS58Address()},
	})

	btauthSrv, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
	for i, want := range []struct{ hotkey, scheme string }{
		{alice.SS58Address(), "sr25519"},
		{"5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu", "ed25519"}, // //Alice, ed25519 (published)
	} {
		a := send(t, "POST", btauthSrv.URL+target, headersOf(t, res[i]), body)
		if a.status != 200 || a.out.Caller != want.hotkey || a.out.Scheme != want.scheme {
			t.Errorf("btauth %s from util-crypto: %+v", want.scheme, a)
		}
	}
	epSrv, _ := serve(t, epistula.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
	if a := send(t, "POST", epSrv.URL+"/anywhere", headersOf(t, res[2]), body); a.status != 200 || a.out.Caller != alice.SS58Address() {
		t.Errorf("epistula from util-crypto: %+v", a)
	}
	const golden = "0x1a6b631988bf1f7ea093ab9d5acf61f05c316d0b0e428b24b487b75a5f6ee0e1a56a26918fdf871b6cf09437e6588023a4ce423cf622621b2a7feee17612f704"
	if got := headersOf(t, res[3]).Get(btauth.HeaderSignature); got != golden {
		t.Errorf("util-crypto's golden ed25519 signature %s, published %s", got, golden)
	}
}

// recorded is a request as a server received it.
type recorded struct {
	method, target string
	header         http.Header
	body           []byte
}

// TestWeSignPolkadotVerifies: requests our Client sends (captured as a
// server receives them) verify in the JavaScript implementation, for both
// protocols and both btauth schemes; the same requests with one byte of
// body changed do not, so the check can fail.
func TestWeSignPolkadotVerifies(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	got := make(chan recorded, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- recorded{method: r.Method, target: r.RequestURI, header: r.Header.Clone(), body: b}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	ed := signedhttp.NewEd25519Key(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, 32)))
	signers := []struct {
		name, op string
		s        signedhttp.RequestSigner
	}{
		{"btauth sr25519", "verify-btauth", &btauth.Signer{Key: alice}},
		{"btauth ed25519", "verify-btauth", &btauth.Signer{Key: ed}},
		{"epistula", "verify-epistula", &epistula.Signer{Key: alice}},
	}
	var ops []map[string]any
	for _, s := range signers {
		c := signedhttp.NewClient(s.s, signedhttp.ClientOptions{})
		r := signedhttp.PostJSON[struct{}](context.Background(), c, signedhttp.Endpoint{Hotkey: bob.SS58Address(), URL: srv.URL}, "/a%2Fb/c?x=1&y=%20", echoIn{Text: s.name})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		rec := <-got
		h := map[string]string{}
		for k := range rec.header {
			h[k] = rec.header.Get(k)
		}
		for _, tamper := range []bool{false, true} {
			b := rec.body
			if tamper {
				b = append(bytes.Clone(b), ' ')
			}
			ops = append(ops, map[string]any{"op": s.op, "headers": h, "method": rec.method, "target": rec.target, "body": hex.EncodeToString(b), "self": bob.SS58Address()})
		}
	}
	res := polkadotJS(t, ops)
	for i, s := range signers {
		if ok, _ := res[2*i]["ok"].(bool); !ok {
			t.Errorf("%s: util-crypto does not verify our request: %v", s.name, res[2*i])
		}
		if ok, _ := res[2*i+1]["ok"].(bool); ok {
			t.Errorf("%s: util-crypto verifies a tampered body", s.name)
		}
	}
}
