package dendrite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/tensor"
	"github.com/go-bittensor/bittensor/wallet"
)

type dummy struct {
	synapse.Synapse
	DummyInput  int  `json:"dummy_input" bt:"required,hash"`
	DummyOutput *int `json:"dummy_output"`
}

type scale struct {
	synapse.Synapse
	Factor float64        `json:"factor" bt:"required,hash"`
	Input  tensor.Tensor  `json:"input" bt:"hash"`
	Output *tensor.Tensor `json:"output"`
}

type prompt struct {
	synapse.Synapse
	Text string `json:"text" bt:"required,hash"`
}

func key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	kp, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// startAxon runs an axon with the test synapses on a loopback port.
func startAxon(t testing.TB, uri string, opts axon.Options, attach func(*axon.Axon)) (*axon.Axon, synapse.AxonInfo) {
	t.Helper()
	opts.IP = "127.0.0.1"
	opts.Logger = slog.New(slog.DiscardHandler)
	a, err := axon.New(key(t, uri), opts)
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
		_ = a.Stop(ctx)
	})
	info := a.Info()
	info.IP = "127.0.0.1"
	return a, info
}

func attachAll(t testing.TB) func(*axon.Axon) {
	return func(a *axon.Axon) {
		must(t, axon.Attach(a, func(ctx context.Context, d *dummy) error {
			if d.DummyInput < 0 {
				// Too slow for the caller: answer well after the timeout
				// the caller also set (the axon's own deadline is that
				// timeout from when the request arrived).
				select {
				case <-time.After(5 * time.Second):
				case <-ctx.Done():
					time.Sleep(200 * time.Millisecond)
				}
			}
			d.DummyOutput = synapse.Ptr(2 * d.DummyInput)
			return nil
		}, nil, nil, nil))
		must(t, axon.Attach(a, func(ctx context.Context, s *scale) error {
			vals, shape, err := tensor.Values[float32](s.Input)
			if err != nil {
				return err
			}
			for i := range vals {
				vals[i] *= float32(s.Factor)
			}
			out, err := tensor.New(vals, shape...)
			if err != nil {
				return err
			}
			s.Output = &out
			return nil
		}, nil, nil, nil))
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newDendrite(t testing.TB) *Dendrite {
	t.Helper()
	d, err := New(key(t, "//Alice"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func TestPlainSynapseLoopback(t *testing.T) {
	a, info := startAxon(t, "//Bob", axon.Options{}, attachAll(t))
	d := newDendrite(t)
	req := &dummy{DummyInput: 21}
	res := Forward(context.Background(), d, []synapse.AxonInfo{info}, req, 5*time.Second)[0]
	if !res.IsSuccess() || res.StatusMessage() != "Success" {
		t.Fatalf("status %d %q", res.StatusCode(), res.StatusMessage())
	}
	if res.DummyOutput == nil || *res.DummyOutput != 42 || res.DummyInput != 21 {
		t.Errorf("answer %+v", res)
	}
	if req.DummyOutput != nil || req.Dendrite.StatusCode != nil {
		t.Error("the request synapse was changed")
	}
	// Merged from the axon's headers.
	if res.Axon.Hotkey == nil || *res.Axon.Hotkey != a.Hotkey() || res.Axon.UUID == nil || *res.Axon.UUID != a.UUID() {
		t.Errorf("axon terminal %+v", res.Axon)
	}
	if res.Axon.Signature == nil || res.Dendrite.Port == nil || *res.Dendrite.IP != "127.0.0.1" {
		t.Errorf("merged terminals: axon %+v dendrite %+v", res.Axon, res.Dendrite)
	}
	if *res.Dendrite.Hotkey != d.Hotkey() || *res.Dendrite.UUID != d.UUID() || res.Timeout != 5 {
		t.Errorf("dendrite terminal %+v, timeout %v", res.Dendrite, res.Timeout)
	}
	if res.Dendrite.ProcessTime == nil || *res.Dendrite.ProcessTime <= 0 {
		t.Error("no process time")
	}
	// Many calls in a row reuse the pooled connection and keep nonces rising.
	for i := range 20 {
		r := Forward(context.Background(), d, []synapse.AxonInfo{info}, &dummy{DummyInput: i}, 5*time.Second)[0]
		if !r.IsSuccess() || *r.DummyOutput != 2*i {
			t.Fatalf("call %d: %d %s", i, r.StatusCode(), r.StatusMessage())
		}
	}
	// The ping.
	if r := d.Call(context.Background(), info, &synapse.Synapse{}, time.Second); r.Base().StatusCode() != 200 {
		t.Errorf("ping: %d %s", r.Base().StatusCode(), r.Base().StatusMessage())
	}
}

func TestTensorSynapseLoopback(t *testing.T) {
	_, info := startAxon(t, "//Bob", axon.Options{}, attachAll(t))
	d := newDendrite(t)
	in, err := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	res := Forward(context.Background(), d, []synapse.AxonInfo{info}, &scale{Factor: 0.5, Input: in}, 5*time.Second)[0]
	if !res.IsSuccess() {
		t.Fatalf("status %d %q", res.StatusCode(), res.StatusMessage())
	}
	vals, shape, err := tensor.Values[float32](*res.Output)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vals, []float32{0.5, 1, 1.5, 2, 2.5, 3}) || !reflect.DeepEqual(shape, []int{2, 3}) {
		t.Errorf("output %v %v", vals, shape)
	}
}

func TestQueryOrderAndClientSideCodes(t *testing.T) {
	_, bob := startAxon(t, "//Bob", axon.Options{}, attachAll(t))
	_, charlie := startAxon(t, "//Charlie", axon.Options{}, attachAll(t))

	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	down := synapse.AxonInfo{IP: "127.0.0.1", Port: closedPort, Hotkey: bob.Hotkey}

	// A server that answers 200 with a body that is not a synapse.
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "<html>hello</html>")
	}))
	t.Cleanup(junk.Close)
	junkPort, _ := strconv.Atoi(junk.URL[strings.LastIndexByte(junk.URL, ':')+1:])
	junkAxon := synapse.AxonInfo{IP: "127.0.0.1", Port: junkPort, Hotkey: bob.Hotkey}

	// Dave's axon reached under Bob's hotkey: the signature names the
	// wrong axon, so Dave refuses it. (Each axon gets one request: two
	// concurrent requests to one axon may arrive out of nonce order.)
	_, wrongKey := startAxon(t, "//Dave", axon.Options{}, attachAll(t))
	wrongKey.Hotkey = bob.Hotkey

	d := newDendrite(t)
	axons := []synapse.AxonInfo{charlie, down, junkAxon, wrongKey, bob}
	res := Forward(context.Background(), d, axons, &dummy{DummyInput: 4}, 2*time.Second)
	want := []struct {
		code int
		msg  string
	}{
		{200, "Success"},
		{503, fmt.Sprintf("Service at 127.0.0.1:%d/dummy unavailable.", closedPort)},
		{422, "Failed to parse response object with error: "},
		{401, "Not Verified with error: Signature mismatch with "},
		{200, "Success"},
	}
	for i, w := range want {
		if res[i].StatusCode() != w.code || !strings.HasPrefix(res[i].StatusMessage(), w.msg) {
			t.Errorf("axon %d: %d %q, want %d %q", i, res[i].StatusCode(), res[i].StatusMessage(), w.code, w.msg)
		}
	}
	if *res[0].Axon.Hotkey != charlie.Hotkey || *res[4].Axon.Hotkey != bob.Hotkey {
		t.Error("answers out of order")
	}

	// Timeout: the forward takes longer than the caller waits.
	r := Forward(context.Background(), d, []synapse.AxonInfo{bob}, &dummy{DummyInput: -1}, 300*time.Millisecond)[0]
	if !r.IsTimeout() || r.StatusMessage() != "Timedout after 0.3 seconds." {
		t.Errorf("timeout: %d %q", r.StatusCode(), r.StatusMessage())
	}
}

func TestBlacklistSeenByCaller(t *testing.T) {
	_, info := startAxon(t, "//Bob", axon.Options{}, func(a *axon.Axon) {
		must(t, axon.Attach(a, func(context.Context, *dummy) error { return nil },
			func(ctx context.Context, d *dummy) (bool, string) { return true, "not registered" }, nil, nil))
	})
	r := Forward(context.Background(), newDendrite(t), []synapse.AxonInfo{info}, &dummy{}, time.Second)[0]
	if !r.IsBlacklisted() || r.StatusMessage() != "Forbidden. Key is blacklisted: not registered." {
		t.Errorf("%d %q", r.StatusCode(), r.StatusMessage())
	}
}

func TestStreamingLoopback(t *testing.T) {
	// The axon writes a chunk only after the test has read the previous
	// one, so the test passes only if chunks arrive as they are written.
	read := make(chan struct{})
	_, info := startAxon(t, "//Bob", axon.Options{}, func(a *axon.Axon) {
		must(t, axon.AttachStream(a, func(ctx context.Context, p *prompt, w *axon.StreamWriter) error {
			for i, word := range strings.Fields(p.Text) {
				if i > 0 {
					select {
					case <-read:
					case <-time.After(5 * time.Second):
						return errors.New("the dendrite did not read the previous chunk")
					}
				}
				if _, err := w.WriteString(word); err != nil {
					return err
				}
			}
			return nil
		}, nil, nil, nil))
	})
	d := newDendrite(t)
	s := d.Stream(context.Background(), info, &prompt{Text: "one two three"}, 10*time.Second)
	defer s.Close()
	if s.Result().Base().StatusCode() != 200 {
		t.Fatalf("stream status %d %q", s.Result().Base().StatusCode(), s.Result().Base().StatusMessage())
	}
	var got []string
	for {
		chunk, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(chunk))
		if len(got) < 3 {
			read <- struct{}{}
		}
	}
	if !reflect.DeepEqual(got, []string{"one", "two", "three"}) {
		t.Errorf("chunks %q", got)
	}
	res := s.Result().(*prompt)
	if res.Text != "one two three" || res.Dendrite.ProcessTime == nil || *res.Axon.StatusCode != 200 {
		t.Errorf("result %+v", res)
	}

	// A forward that fails before writing anything is a 500 with no chunks.
	_, failing := startAxon(t, "//Bob", axon.Options{}, func(a *axon.Axon) {
		must(t, axon.AttachStream(a, func(ctx context.Context, p *prompt, w *axon.StreamWriter) error {
			return errors.New("model not loaded")
		}, nil, nil, nil))
	})
	s3 := d.Stream(context.Background(), failing, &prompt{Text: "x"}, time.Second)
	defer s3.Close()
	if _, err := s3.Next(); err != io.EOF {
		t.Errorf("failed stream: Next = %v", err)
	}
	if r := s3.Result().Base(); r.StatusCode() != 500 || r.StatusMessage() != "Internal server error with error: model not loaded" {
		t.Errorf("failed stream: %d %q", r.StatusCode(), r.StatusMessage())
	}

	// A refused stream has no chunks and says why.
	bad, _ := New(key(t, "//Alice"), Options{})
	defer bad.Close()
	other := info
	other.Hotkey = key(t, "//Charlie").SS58Address()
	s2 := bad.Stream(context.Background(), other, &prompt{Text: "x"}, time.Second)
	defer s2.Close()
	if _, err := s2.Next(); err != io.EOF {
		t.Errorf("refused stream: Next = %v", err)
	}
	if s2.Result().Base().StatusCode() != 401 {
		t.Errorf("refused stream status %d", s2.Result().Base().StatusCode())
	}
}

func TestFanOutNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		var infos []synapse.AxonInfo
		var stops []func()
		for range 8 {
			a, err := axon.New(key(t, "//Bob"), axon.Options{IP: "127.0.0.1", Logger: slog.New(slog.DiscardHandler)})
			must(t, err)
			attachAll(t)(a)
			must(t, a.Start())
			info := a.Info()
			info.IP = "127.0.0.1"
			infos = append(infos, info)
			stops = append(stops, func() { _ = a.Stop(context.Background()) })
		}
		d, err := New(key(t, "//Alice"), Options{})
		must(t, err)
		for round := range 3 {
			for i, r := range Forward(context.Background(), d, infos, &dummy{DummyInput: round}, 2*time.Second) {
				if !r.IsSuccess() {
					t.Errorf("round %d axon %d: %d %s", round, i, r.StatusCode(), r.StatusMessage())
				}
			}
		}
		// Abandoned calls: the caller gives up before the axons answer.
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		for _, r := range Forward(ctx, d, infos, &dummy{DummyInput: -1}, 2*time.Second) {
			if r.StatusCode() != 408 {
				t.Errorf("abandoned call: %d", r.StatusCode())
			}
		}
		cancel()
		d.Close()
		for _, stop := range stops {
			stop()
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestExternalIPRewrite(t *testing.T) {
	d, err := New(key(t, "//Alice"), Options{ExternalIP: "203.0.113.9"})
	must(t, err)
	if got := d.url(synapse.AxonInfo{IP: "203.0.113.9", Port: 8091}, "dummy"); got != "http://0.0.0.0:8091/dummy" {
		t.Errorf("own ip: %s", got)
	}
	if got := d.url(synapse.AxonInfo{IP: "2001:db8::1", Port: 8091}, "dummy"); got != "http://[2001:db8::1]:8091/dummy" {
		t.Errorf("ipv6: %s", got)
	}
	if _, err := New(key(t, "//Alice").PublicOnly(), Options{}); !errors.Is(err, ErrNoSecret) {
		t.Errorf("public-only key: %v", err)
	}
}
