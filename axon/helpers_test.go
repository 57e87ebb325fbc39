package axon

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// dummy is the synapse of Bittensor's docs: an input the dendrite sets and
// hashes, an output the miner fills.
type dummy struct {
	synapse.Synapse
	DummyInput  int  `json:"dummy_input" bt:"required,hash"`
	DummyOutput *int `json:"dummy_output"`
}

func key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	kp, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// startAxon starts an axon on a free loopback port and stops it when the
// test ends.
func startAxon(t testing.TB, hotkey *wallet.Keypair, opts Options, attach func(*Axon)) (*Axon, string) {
	t.Helper()
	opts.IP = "127.0.0.1"
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a, err := New(hotkey, opts)
	if err != nil {
		t.Fatal(err)
	}
	if attach != nil {
		attach(a)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return a, "http://" + a.Addr().String()
}

// call is a signed request as a dendrite would build it, open to tampering
// before it is sent.
type call struct {
	hdr  http.Header
	body []byte
	name string
}

// signed builds the request for syn from the dendrite key kp to the axon
// with hotkey axonHotkey.
func signed(t testing.TB, kp *wallet.Keypair, axonHotkey string, syn synapse.Message, nonce int64, uuid string) *call {
	t.Helper()
	prep, err := synapse.Prepare(syn)
	if err != nil {
		t.Fatal(err)
	}
	base := *syn.Base()
	if base.Timeout == 0 {
		base.Timeout = 12
	}
	base.Dendrite = synapse.TerminalInfo{
		Version: synapse.Ptr(650), Nonce: synapse.Ptr(nonce), UUID: synapse.Ptr(uuid),
		Hotkey: synapse.Ptr(kp.SS58Address()), IP: synapse.Ptr("127.0.0.1"),
	}
	base.Axon = synapse.TerminalInfo{Hotkey: synapse.Ptr(axonHotkey), IP: synapse.Ptr("127.0.0.1"), Port: synapse.Ptr(8091)}
	sig, err := kp.Sign(synapse.RequestMessage(nonce, kp.SS58Address(), axonHotkey, uuid, prep.BodyHash()))
	if err != nil {
		t.Fatal(err)
	}
	base.Dendrite.Signature = synapse.Ptr("0x" + hex.EncodeToString(sig))
	c := &call{hdr: http.Header{}, body: prep.AppendBody(nil, &base), name: prep.Name()}
	prep.WriteHeaders(c.hdr, &base)
	c.hdr["Content-Type"] = []string{"application/json"}
	return c
}

// result is an axon's answer as the test sees it.
type result struct {
	status  int
	header  http.Header
	body    []byte
	message string // the {"message": ...} of an error answer
}

func (c *call) send(t testing.TB, base string) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/"+c.name, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) result {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := result{status: resp.StatusCode, header: resp.Header, body: body}
	if resp.StatusCode != http.StatusOK {
		var m struct{ Message string }
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("error answer %d is not JSON: %q", resp.StatusCode, body)
		}
		r.message = m.Message
	}
	return r
}

// axonStatus returns the status the answer's headers carry.
func (r result) axonStatus(t testing.TB) (int, string) {
	t.Helper()
	code, err := strconv.Atoi(r.header.Get("bt_header_axon_status_code"))
	if err != nil {
		t.Fatalf("no bt_header_axon_status_code: %v", r.header)
	}
	return code, r.header.Get("bt_header_axon_status_message")
}

// settleGoroutines waits for the goroutine count to come back to at most
// want (net/http closes connections in the background), failing after a
// few seconds.
func settleGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d:\n%s", n, want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
