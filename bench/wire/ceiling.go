package main

import (
	"crypto/ed25519"
	"flag"
	"maps"
	"os"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// ceiling measures signature verifications per second on one goroutine
// (one core) for the request message of the benchmark: sr25519 with the
// public key already parsed (what the axon does for a known hotkey), sr25519
// parsing the SS58 key each time, and Go's ed25519 for reference.
func ceiling(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ExitOnError)
	dur := fs.Duration("d", 3*time.Second, "duration of each measurement")
	_ = fs.Parse(args)
	alice := mustKey("//Alice")
	msg := synapse.RequestMessage(1234567890, alice.SS58Address(), mustKey("//Bob").SS58Address(), "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", synapse.Hash(nil))
	sig, _ := alice.Sign(msg)
	pub := alice.PublicOnly()
	var perCPU float64 // of the last rate: verifications per second of this process's CPU time
	rate := func(f func() bool) float64 {
		n := 0
		cpu0, _ := cpuSeconds(os.Getpid())
		start := time.Now()
		for time.Since(start) < *dur {
			for range 100 {
				if !f() {
					panic("verification failed")
				}
			}
			n += 100
		}
		if cpu1, err := cpuSeconds(os.Getpid()); err == nil && cpu1 > cpu0 {
			perCPU = float64(n) / (cpu1 - cpu0)
		}
		return float64(n) / time.Since(start).Seconds()
	}
	sr := rate(func() bool { return pub.Verify(msg, sig) })
	srCPU := perCPU
	srParse := rate(func() bool {
		kp, err := wallet.KeypairFromSS58(alice.SS58Address())
		return err == nil && kp.Verify(msg, sig)
	})
	// Batches of n signatures checked together (wallet.VerifyBatch), as the
	// axon does with requests that arrive together.
	batch := map[string]any{}
	for _, n := range []int{4, 16, 32} {
		keys := make([]*wallet.Keypair, n)
		msgs := make([][]byte, n)
		sigs := make([][]byte, n)
		for i := range n {
			keys[i], msgs[i] = pub, msg
			sigs[i], _ = alice.Sign(msg)
		}
		rate(func() bool {
			for _, ok := range wallet.VerifyBatch(keys, msgs, sigs) {
				if !ok {
					return false
				}
			}
			return true
		})
		batch["sr25519_batch"+strconv.Itoa(n)+"_verify_per_cpu_s"] = perCPU * float64(n)
	}
	edPriv := ed25519.NewKeyFromSeed(make([]byte, 32))
	edSig := ed25519.Sign(edPriv, msg)
	edPub := edPriv.Public().(ed25519.PublicKey)
	ed := rate(func() bool { return ed25519.Verify(edPub, msg, edSig) })
	out := map[string]any{"bench": "ceiling", "sr25519_verify_per_s": sr, "sr25519_verify_per_cpu_s": srCPU, "sr25519_parse_and_verify_per_s": srParse, "go_ed25519_verify_per_s": ed}
	maps.Copy(out, batch)
	report(out)
	return nil
}
