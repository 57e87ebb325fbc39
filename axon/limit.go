package axon

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimiters bounds the per-hotkey limiters kept; only verified hotkeys
// get one, and idle ones are dropped first when the bound is reached.
const maxLimiters = 1 << 16

// limiter is a token bucket per verified dendrite hotkey.
type limiter struct {
	r     rate.Limit
	burst int

	mu   sync.Mutex
	byHK map[string]*hotkeyLimiter
}

type hotkeyLimiter struct {
	l    *rate.Limiter
	last time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{r: rate.Limit(perSecond), burst: burst, byHK: make(map[string]*hotkeyLimiter)}
}

// allow takes a token from hotkey's bucket.
func (l *limiter) allow(hotkey string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.byHK[hotkey]
	if h == nil {
		if len(l.byHK) >= maxLimiters {
			l.dropIdle(now)
		}
		h = &hotkeyLimiter{l: rate.NewLimiter(l.r, l.burst)}
		l.byHK[hotkey] = h
	}
	h.last = now
	return h.l.AllowN(now, 1)
}

// dropIdle forgets hotkeys whose bucket has refilled (nothing is lost by
// forgetting them), or all of them if none has.
func (l *limiter) dropIdle(now time.Time) {
	refill := time.Duration(float64(l.burst) / float64(l.r) * float64(time.Second))
	for k, h := range l.byHK {
		if now.Sub(h.last) > refill {
			delete(l.byHK, k)
		}
	}
	if len(l.byHK) >= maxLimiters {
		clear(l.byHK)
	}
}
