// Command wire benchmarks the axon and dendrite (see BENCHMARKS.md and
// run.sh beside this file). It is not part of the test suite.
//
//	wire serve   -port P [-sign]            run a Go axon (hotkey //Bob) serving the dummy synapse
//	wire load    -url U -scheme S ...       closed-loop load with pre-signed requests
//	wire ceiling -d 3s                      sr25519 and ed25519 verifications per second, one goroutine
//	wire fanout  -axons 256 -rounds 200     dendrite rounds to in-process axons
//	wire valid   -url U -d 10s              a dendrite's success rate and latency, one query at a time
//	wire junk    -url U -c 64 -d 12s        a flood of junk requests
//	wire signed-serve -proto btauth|epistula|axon -port P      a signed-HTTP server (or the axon) with the dummy work
//	wire signed-load  -proto … -url U -pid P    pre-signed load; accepted requests per server CPU-second
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// dummy is the small synapse of the benchmark (Bittensor's docs example).
type dummy struct {
	synapse.Synapse
	DummyInput  int  `json:"dummy_input" bt:"required,hash"`
	DummyOutput *int `json:"dummy_output"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: wire serve|load|ceiling|fanout|valid|junk|signed-serve|signed-load [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "load":
		err = load(os.Args[2:])
	case "ceiling":
		err = ceiling(os.Args[2:])
	case "fanout":
		err = fanout(os.Args[2:])
	case "valid":
		err = valid(os.Args[2:])
	case "junk":
		err = junk(os.Args[2:])
	case "signed-serve":
		err = signedServe(os.Args[2:])
	case "signed-load":
		err = signedLoad(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wire:", err)
		os.Exit(1)
	}
}

func mustKey(uri string) *wallet.Keypair {
	kp, err := wallet.KeypairFromURI(uri)
	if err != nil {
		panic(err)
	}
	return kp
}

// forwardDummy is the miner's work in every benchmark: trivial.
func forwardDummy(_ context.Context, d *dummy) error {
	d.DummyOutput = synapse.Ptr(2 * d.DummyInput)
	return nil
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	port := fs.Int("port", 8091, "port")
	sign := fs.Bool("sign", false, "sign answers (the axon default; Python baseline does not)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	_ = fs.Parse(args)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	a, err := axon.New(mustKey("//Bob"), axon.Options{
		IP: "127.0.0.1", Port: *port, NoResponseSignature: !*sign,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	if err := axon.Attach(a, forwardDummy, nil, nil, nil); err != nil {
		return err
	}
	if err := a.Start(); err != nil {
		return err
	}
	fmt.Println("ready", a.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return a.Stop(sctx)
}

// signer signs request messages with sr25519 (Bittensor) or ed25519 (the
// Python baseline's stand-in); hotkey is the SS58 of its public key.
type signer struct {
	hotkey string
	sign   func(msg []byte) []byte
}

func newSigner(scheme, uri string) (signer, error) {
	switch scheme {
	case "sr25519":
		kp := mustKey(uri)
		return signer{hotkey: kp.SS58Address(), sign: func(m []byte) []byte {
			s, err := kp.Sign(m)
			if err != nil {
				panic(err)
			}
			return s
		}}, nil
	case "ed25519":
		seed := sha256.Sum256([]byte(uri))
		priv := ed25519.NewKeyFromSeed(seed[:])
		pub := priv.Public().(ed25519.PublicKey)
		return signer{hotkey: wallet.SS58Encode(pub, wallet.SS58Prefix), sign: func(m []byte) []byte { return ed25519.Sign(priv, m) }}, nil
	}
	return signer{}, fmt.Errorf("unknown scheme %q", scheme)
}

// presigned returns the headers and body of a dummy request with the given
// nonce and uuid, signed by s for the axon hotkey.
func presigned(s signer, axonHotkey string, input int, nonce int64, uuid string) (map[string]string, []byte) {
	syn := &dummy{DummyInput: input}
	prep, err := synapse.Prepare(syn)
	if err != nil {
		panic(err)
	}
	base := syn.Synapse
	base.Timeout = 12
	base.Dendrite = synapse.TerminalInfo{Version: synapse.Ptr(650), Nonce: synapse.Ptr(nonce), UUID: synapse.Ptr(uuid),
		Hotkey: synapse.Ptr(s.hotkey), IP: synapse.Ptr("127.0.0.1")}
	base.Axon = synapse.TerminalInfo{IP: synapse.Ptr("127.0.0.1"), Port: synapse.Ptr(8091), Hotkey: synapse.Ptr(axonHotkey)}
	sig := s.sign(synapse.RequestMessage(nonce, s.hotkey, axonHotkey, uuid, prep.BodyHash()))
	base.Dendrite.Signature = synapse.Ptr("0x" + hex.EncodeToString(sig))
	h := map[string][]string{}
	prep.WriteHeaders(h, &base)
	out := make(map[string]string, len(h)+1)
	for k, v := range h {
		out[k] = v[0]
	}
	out["Content-Type"] = "application/json"
	return out, prep.AppendBody(nil, &base)
}

// percentile returns the p-th percentile (0..100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// report prints one JSON line of results.
func report(v map[string]any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
