package signedhttp

import (
	"fmt"
	"sync"
	"time"
)

// A ReplayStore remembers the requests a Guard accepted, so that none is
// accepted twice. A Guard calls it only after a request's signature has
// verified and its timestamp is fresh, so entries need to outlive the
// freshness window and no more: an older copy is refused as stale before
// the store is asked. Back it with shared storage (Redis SET NX EX is
// exactly this shape) when several processes serve one hotkey.
// Implementations must be safe for concurrent use.
type ReplayStore interface {
	// Remember records key at time now and reports whether it is new
	// (false: seen within the retention). An error (e.g. a full store)
	// refuses the request without recording it.
	Remember(key string, now time.Time) (bool, error)
	// Retention is how long an entry is kept at least; a Guard refuses a
	// store whose retention is shorter than its freshness window.
	Retention() time.Duration
}

// MemoryReplayStore is the default ReplayStore: in memory, bounded. Keys
// are kept in two generations that rotate every retention period, so an
// entry lives between one and two periods and expiry costs nothing per
// request. It is safe for concurrent use.
type MemoryReplayStore struct {
	retention time.Duration
	max       int

	mu        sync.Mutex
	cur, prev map[string]struct{}
	rotated   time.Time
}

// NewMemoryReplayStore makes a store keeping entries for at least
// retention and holding at most max of them. When full it refuses new
// entries (the Guard answers 503) rather than forget one that could then
// be replayed; with per-hotkey rate limits and an allow-list, max bounds
// what the admitted senders can make it hold (rate × senders × 2 ×
// retention).
func NewMemoryReplayStore(retention time.Duration, max int) *MemoryReplayStore {
	if retention <= 0 || max <= 0 {
		panic(fmt.Sprintf("signedhttp: replay store with retention %v and max %d", retention, max))
	}
	return &MemoryReplayStore{retention: retention, max: max, cur: make(map[string]struct{}), prev: make(map[string]struct{})}
}

// Retention returns how long an entry is kept at least.
func (s *MemoryReplayStore) Retention() time.Duration { return s.retention }

// Len returns the number of entries held.
func (s *MemoryReplayStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cur) + len(s.prev)
}

// Remember records key; see ReplayStore. A full store returns an error
// wrapping ErrBusy.
func (s *MemoryReplayStore) Remember(key string, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rotated.IsZero() {
		s.rotated = now
	}
	if d := now.Sub(s.rotated); d >= s.retention {
		if d >= 2*s.retention {
			clear(s.prev)
		} else {
			s.prev, s.cur = s.cur, s.prev
		}
		clear(s.cur)
		s.rotated = now
	}
	if _, ok := s.cur[key]; ok {
		return false, nil
	}
	if _, ok := s.prev[key]; ok {
		return false, nil
	}
	if len(s.cur)+len(s.prev) >= s.max {
		return false, fmt.Errorf("%w: replay store full (%d entries)", ErrBusy, s.max)
	}
	s.cur[key] = struct{}{}
	return true, nil
}
