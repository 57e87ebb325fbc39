// Package keyrate is a token bucket per key (a hotkey, a remote address),
// for servers that limit each caller separately: the axon per verified
// dendrite hotkey, the signed-HTTP guard per hotkey and per remote address.
// The number of keys tracked is bounded, so a flood of new keys costs
// memory only up to the bound.
package keyrate

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxKeys bounds the keys a Limiter tracks; when a new key would pass it,
// keys whose buckets have refilled are dropped first (nothing is lost by
// forgetting them), and all keys if none has.
const MaxKeys = 1 << 16

// Limiter is a token bucket per key. Its methods are safe for concurrent
// use.
type Limiter struct {
	r     rate.Limit
	burst int

	mu    sync.Mutex
	byKey map[string]*bucket
}

type bucket struct {
	l    *rate.Limiter
	last time.Time
}

// New returns a Limiter whose buckets refill at perSecond tokens a second
// and hold at most burst.
func New(perSecond float64, burst int) *Limiter {
	return &Limiter{r: rate.Limit(perSecond), burst: burst, byKey: make(map[string]*bucket)}
}

// Peek reports whether key has a token at now without taking it, so that a
// check of an unverified claim costs the claimed key nothing. An unknown
// key has a full bucket and is not recorded.
func (l *Limiter) Peek(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.byKey[key]
	return b == nil || b.l.TokensAt(now) >= 1
}

// Take takes a token from key's bucket at now, reporting whether there was
// one.
func (l *Limiter) Take(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.byKey[key]
	if b == nil {
		if len(l.byKey) >= MaxKeys {
			l.dropIdle(now)
		}
		b = &bucket{l: rate.NewLimiter(l.r, l.burst)}
		l.byKey[key] = b
	}
	b.last = now
	return b.l.AllowN(now, 1)
}

// Len returns the number of keys tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}

// dropIdle forgets keys whose bucket has refilled, or all of them if none
// has.
func (l *Limiter) dropIdle(now time.Time) {
	refill := time.Duration(float64(l.burst) / float64(l.r) * float64(time.Second))
	for k, b := range l.byKey {
		if now.Sub(b.last) > refill {
			delete(l.byKey, k)
		}
	}
	if len(l.byKey) >= MaxKeys {
		clear(l.byKey)
	}
}
