package signedhttp

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimited bounds the keys a keyedLimiter tracks; idle ones are dropped
// first when the bound is reached.
const maxLimited = 1 << 16

// keyedLimiter is a token bucket per key (a hotkey, or a remote address).
// peek asks whether a token is there without taking it, so a check on an
// unverified claim costs the claimed key nothing; take takes one.
type keyedLimiter struct {
	r     rate.Limit
	burst int

	mu    sync.Mutex
	byKey map[string]*keyBucket
}

type keyBucket struct {
	l    *rate.Limiter
	last time.Time
}

func newKeyedLimiter(perSecond float64, burst int) *keyedLimiter {
	return &keyedLimiter{r: rate.Limit(perSecond), burst: burst, byKey: make(map[string]*keyBucket)}
}

// peek reports whether key has a token at now. An unknown key has a full
// bucket and is not recorded.
func (l *keyedLimiter) peek(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.byKey[key]
	return b == nil || b.l.TokensAt(now) >= 1
}

// take takes a token from key's bucket, reporting whether there was one.
func (l *keyedLimiter) take(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.byKey[key]
	if b == nil {
		if len(l.byKey) >= maxLimited {
			l.dropIdle(now)
		}
		b = &keyBucket{l: rate.NewLimiter(l.r, l.burst)}
		l.byKey[key] = b
	}
	b.last = now
	return b.l.AllowN(now, 1)
}

// dropIdle forgets keys whose bucket has refilled (nothing is lost), or all
// of them if none has.
func (l *keyedLimiter) dropIdle(now time.Time) {
	refill := time.Duration(float64(l.burst) / float64(l.r) * float64(time.Second))
	for k, b := range l.byKey {
		if now.Sub(b.last) > refill {
			delete(l.byKey, k)
		}
	}
	if len(l.byKey) >= maxLimited {
		clear(l.byKey)
	}
}
