package axon

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// Reasons the default verify refuses a request. Their text is what the
// Python axon sends (after "Not Verified with error: "), so they carry no
// package prefix.
var (
	// ErrMissingDendrite: the request lacks the dendrite's hotkey, nonce,
	// uuid or signature.
	ErrMissingDendrite = errors.New("Dendrite hotkey, nonce, uuid and signature are required")
	// ErrNonceTooSmall: the nonce is not above the last one accepted from the
	// same hotkey and uuid (a replay, or requests out of order).
	ErrNonceTooSmall = errors.New("Nonce is too small")
	// ErrNonceStale: with a freshness window, the nonce is too far from now.
	ErrNonceStale = errors.New("Nonce is outside the freshness window")
	// ErrSignatureMismatch: the signature does not verify.
	ErrSignatureMismatch = errors.New("Signature mismatch")
)

// DefaultVerify is the verify every route uses unless given its own, as in
// Bittensor 6.x: the request's nonce must be above the last one accepted
// for the same (dendrite hotkey, uuid), and its signature must be the
// dendrite hotkey's sr25519 signature of
// "<nonce>.<dendrite hotkey>.<this axon's hotkey>.<uuid>.<computed_body_hash>".
// With Options.FreshnessWindow the nonce must also be recent. Accepted
// nonces are remembered in memory, up to Options.MaxNonceKeys (hotkey, uuid)
// pairs.
func (a *Axon) DefaultVerify(ctx context.Context, syn synapse.Message) error {
	b := syn.Base()
	d := &b.Dendrite
	if d.Hotkey == nil || d.Nonce == nil || d.UUID == nil || d.Signature == nil {
		return ErrMissingDendrite
	}
	nonce := *d.Nonce
	if w := a.verifier.window; w > 0 {
		now := time.Now().UnixNano()
		slack := int64(w) + int64(b.Timeout*float64(time.Second))
		if nonce < now-slack || nonce > now+int64(w) {
			return ErrNonceStale
		}
	}
	key := *d.Hotkey + ":" + *d.UUID
	if !a.verifier.nonceAbove(key, nonce) {
		return ErrNonceTooSmall
	}
	msg := synapse.RequestMessage(nonce, *d.Hotkey, a.hotkeySS58, *d.UUID, b.ComputedBodyHash)
	if !a.verifier.verify(*d.Hotkey, msg, *d.Signature) {
		return fmt.Errorf("%w with %s and %s", ErrSignatureMismatch, msg, *d.Signature)
	}
	if !a.verifier.storeNonce(key, nonce) {
		return ErrNonceTooSmall // a concurrent request with this nonce or a later one won
	}
	return nil
}

// maxCachedKeys bounds the cache of parsed public keys.
const maxCachedKeys = 1 << 16

// verifier holds the default verify's state: the last nonce per (hotkey,
// uuid) and the parsed public keys of hotkeys that signed correctly.
type verifier struct {
	window  time.Duration
	maxKeys int

	mu     sync.Mutex
	nonces map[string]nonceEntry
	swept  time.Time

	keyMu sync.RWMutex
	keys  map[string]*wallet.Keypair

	// One batcher per core the process may use, requests spread over them
	// in turn: a batch is checked on one goroutine, and a server with many
	// cores should keep checking on all of them.
	batches []batcher
	turn    atomic.Uint32
}

type nonceEntry struct {
	nonce int64
	seen  time.Time
}

func newVerifier(window time.Duration, maxKeys int) *verifier {
	return &verifier{window: window, maxKeys: maxKeys, nonces: make(map[string]nonceEntry), keys: make(map[string]*wallet.Keypair), swept: time.Now(),
		batches: make([]batcher, runtime.GOMAXPROCS(0))}
}

// nonceAbove reports whether nonce is above the stored one for key.
func (v *verifier) nonceAbove(key string, nonce int64) bool {
	v.mu.Lock()
	e, ok := v.nonces[key]
	v.mu.Unlock()
	return !ok || nonce > e.nonce
}

// storeNonce records nonce for key if it is still above the stored one.
// With a freshness window, entries unseen for longer than the window (plus
// a minute for timeouts) are dropped now and then: their old nonces would
// be refused as stale anyway. When the table reaches its bound, the
// entries seen longest ago are dropped (see Options.MaxNonceKeys).
func (v *verifier) storeNonce(key string, nonce int64) bool {
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	e, ok := v.nonces[key]
	if ok && nonce <= e.nonce {
		return false
	}
	if !ok && len(v.nonces) >= v.maxKeys {
		v.evictOldest()
	}
	v.nonces[key] = nonceEntry{nonce: nonce, seen: now}
	if v.window > 0 && now.Sub(v.swept) > v.window+time.Minute {
		for k, e := range v.nonces {
			if now.Sub(e.seen) > v.window+time.Minute {
				delete(v.nonces, k)
			}
		}
		v.swept = now
	}
	return true
}

// evictOldest drops the quarter of the nonce table seen longest ago, so a
// full table costs one sort per maxKeys/4 new keys.
func (v *verifier) evictOldest() {
	seen := make([]time.Time, 0, len(v.nonces))
	for _, e := range v.nonces {
		seen = append(seen, e.seen)
	}
	slices.SortFunc(seen, func(a, b time.Time) int { return a.Compare(b) })
	cut := seen[len(seen)/4]
	for k, e := range v.nonces {
		if !e.seen.After(cut) {
			delete(v.nonces, k)
		}
	}
}

// verify checks sig (0x-hex) of msg by the SS58 hotkey, caching the parsed
// key once a signature from it verifies (so junk keys cannot fill the cache).
func (v *verifier) verify(hotkey string, msg []byte, sigHex string) bool {
	sig, err := wallet.DecodeSignature(sigHex)
	if err != nil {
		return false
	}
	v.keyMu.RLock()
	kp := v.keys[hotkey]
	v.keyMu.RUnlock()
	if kp != nil {
		b := &v.batches[v.turn.Add(1)%uint32(len(v.batches))]
		return b.verify(kp, msg, sig)
	}
	kp, err = wallet.KeypairFromSS58(hotkey)
	if err != nil {
		return false
	}
	if !kp.Verify(msg, sig) {
		return false
	}
	v.keyMu.Lock()
	if len(v.keys) >= maxCachedKeys {
		clear(v.keys)
	}
	v.keys[hotkey] = kp
	v.keyMu.Unlock()
	return true
}

// batcher checks the signatures of known hotkeys that arrive together in
// one go (wallet.VerifyBatch), which costs less per signature than checking
// them one by one. Nothing waits to fill a batch: the first request to
// arrive leads, lets the requests that are already running catch up (one
// yield of its goroutine), checks everything queued by then, and hands the
// lead to a request queued meanwhile. Each request gets exactly its own
// verdict. After a batch in which a signature failed, the next is checked
// one by one (a failed batch costs its attempt on top of the individual
// checks), until one passes whole, so a stream of forgeries costs what it
// did without batching.
type batcher struct {
	mu       sync.Mutex
	queue    []*verifyJob
	leading  bool // a request is checking a batch
	distrust bool // the last batch held a bad signature
}

type verifyJob struct {
	kp       *wallet.Keypair
	msg, sig []byte
	ok       bool
	lead     bool          // set before done closes: the job's owner leads next
	done     chan struct{} // closed when ok is set or lead passed on
}

// minBatch is the smallest batch checked together; smaller ones are checked
// one by one, which costs about the same.
const minBatch = 4

func (b *batcher) verify(kp *wallet.Keypair, msg, sig []byte) bool {
	j := &verifyJob{kp: kp, msg: msg, sig: sig, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, j)
	if b.leading {
		b.mu.Unlock()
		<-j.done
		if !j.lead {
			return j.ok
		}
	} else {
		b.leading = true
		b.mu.Unlock()
		runtime.Gosched()
	}
	// Lead: check what is queued (j among it), then pass the lead on.
	b.mu.Lock()
	jobs := b.queue
	b.queue = nil
	distrust := b.distrust
	b.mu.Unlock()
	allOK := false
	defer b.release(j, jobs, &allOK)
	allOK = check(jobs, distrust)
	return j.ok
}

// release ends a lead: it passes the lead to a request queued meanwhile
// and wakes the batch's other requests. It runs even if a check panicked
// (the panic goes on to this request's caller; the batch's requests not yet
// checked are refused), so that no request waits for ever.
func (b *batcher) release(own *verifyJob, jobs []*verifyJob, allOK *bool) {
	b.mu.Lock()
	b.distrust = !*allOK
	if len(b.queue) > 0 {
		next := b.queue[0]
		b.queue = b.queue[1:]
		next.lead = true
		close(next.done) // it queues itself again as it leads
		b.queue = append(b.queue, next)
	} else {
		b.leading = false
	}
	b.mu.Unlock()
	for _, x := range jobs {
		if x != own {
			close(x.done)
		}
	}
}

// check sets each job's verdict and reports whether all passed.
func check(jobs []*verifyJob, oneByOne bool) bool {
	all := true
	if oneByOne || len(jobs) < minBatch {
		for _, x := range jobs {
			x.ok = x.kp.Verify(x.msg, x.sig)
			all = all && x.ok
		}
		return all
	}
	keys := make([]*wallet.Keypair, len(jobs))
	msgs := make([][]byte, len(jobs))
	sigs := make([][]byte, len(jobs))
	for i, x := range jobs {
		keys[i], msgs[i], sigs[i] = x.kp, x.msg, x.sig
	}
	for i, ok := range wallet.VerifyBatch(keys, msgs, sigs) {
		jobs[i].ok = ok
		all = all && ok
	}
	return all
}
