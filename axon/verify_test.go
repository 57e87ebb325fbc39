package axon

import (
	"strconv"
	"sync"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

// Requests checked together get exactly their own verdicts, whatever mix of
// good and forged signatures arrives at once, and whatever the batch mode.
func TestBatcherVerdicts(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	type call struct {
		kp       *wallet.Keypair
		msg, sig []byte
		want     bool
	}
	var calls []call
	for i := range 64 {
		msg := []byte("request " + strconv.Itoa(i))
		signer := alice
		if i%3 == 0 {
			signer = bob
		}
		sig, err := signer.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		c := call{kp: signer.PublicOnly(), msg: msg, sig: sig, want: true}
		switch i % 7 {
		case 2: // forged: a bit flipped
			c.sig = append([]byte(nil), sig...)
			c.sig[5] ^= 4
			c.want = false
		case 5: // signed by the other key
			if signer == alice {
				c.kp = bob.PublicOnly()
			} else {
				c.kp = alice.PublicOnly()
			}
			c.want = false
		}
		calls = append(calls, c)
	}
	for _, mix := range []struct {
		name  string
		calls []call
	}{
		{"mixed", calls},
		{"all good", func() (good []call) {
			for _, c := range calls {
				if c.want {
					good = append(good, c)
				}
			}
			return good
		}()},
	} {
		t.Run(mix.name, func(t *testing.T) {
			var b batcher
			for round := range 5 {
				var wg sync.WaitGroup
				got := make([]bool, len(mix.calls))
				for i, c := range mix.calls {
					wg.Go(func() { got[i] = b.verify(c.kp, c.msg, c.sig) })
				}
				wg.Wait()
				for i, c := range mix.calls {
					if got[i] != c.want {
						t.Fatalf("round %d, call %d: verdict %v, want %v", round, i, got[i], c.want)
					}
				}
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			if b.leading || len(b.queue) != 0 {
				t.Errorf("batcher not idle after the calls: leading %v, %d queued", b.leading, len(b.queue))
			}
		})
	}
}

// A batch with a bad signature makes the next one be checked one by one;
// a batch that passes whole restores batching.
func TestBatcherDistrust(t *testing.T) {
	alice := key(t, "//Alice")
	msg := []byte("m")
	sig, _ := alice.Sign(msg)
	bad := append([]byte(nil), sig...)
	bad[0] ^= 1
	var b batcher
	if b.verify(alice, msg, bad) {
		t.Fatal("forgery accepted")
	}
	if !b.distrust {
		t.Error("not distrustful after a bad signature")
	}
	if !b.verify(alice, msg, sig) {
		t.Fatal("good signature refused")
	}
	if b.distrust {
		t.Error("still distrustful after a batch that passed")
	}
}

// A check that panics (here a key with no parsed public key) fails its own
// request and leaves the batcher working for the next ones.
func TestBatcherSurvivesPanic(t *testing.T) {
	alice := key(t, "//Alice")
	msg := []byte("m")
	sig, _ := alice.Sign(msg)
	var b batcher
	func() {
		defer func() {
			if recover() == nil {
				t.Error("no panic from a key without its public key")
			}
		}()
		b.verify(&wallet.Keypair{}, msg, sig)
	}()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if !b.verify(alice, msg, sig) {
				t.Error("good signature refused after a panic")
			}
		})
	}
	wg.Wait()
}

// check gives each job its own verdict both as a batch (minBatch or more
// jobs) and one by one.
func TestCheckBatchAndOneByOne(t *testing.T) {
	alice := key(t, "//Alice")
	var jobs []*verifyJob
	for i := range 2 * minBatch {
		msg := []byte("job " + strconv.Itoa(i))
		sig, _ := alice.Sign(msg)
		if i == 3 {
			sig[9] ^= 2
		}
		jobs = append(jobs, &verifyJob{kp: alice, msg: msg, sig: sig})
	}
	for _, oneByOne := range []bool{false, true} {
		if check(jobs, oneByOne) {
			t.Errorf("one by one %v: all passed with a forgery among them", oneByOne)
		}
		for i, j := range jobs {
			if j.ok != (i != 3) {
				t.Errorf("one by one %v: job %d verdict %v", oneByOne, i, j.ok)
			}
		}
		if !check(jobs[4:], oneByOne) {
			t.Errorf("one by one %v: good jobs refused", oneByOne)
		}
	}
}
