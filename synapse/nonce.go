package synapse

import (
	"crypto/rand"
	"encoding/hex"
	"sync/atomic"
	"time"
)

// NonceSource hands out nonces: Unix time in nanoseconds, made strictly
// increasing. Bittensor 6.x peers only need nonces to increase per (hotkey,
// uuid); 7.2+ axons also want them near the wall clock, which these are.
// The zero value is ready to use; it is safe for concurrent use.
type NonceSource struct {
	last atomic.Int64
}

// Next returns a nonce greater than every nonce s returned before.
func (s *NonceSource) Next() int64 {
	for {
		now := time.Now().UnixNano()
		last := s.last.Load()
		if now <= last {
			now = last + 1
		}
		if s.last.CompareAndSwap(last, now) {
			return now
		}
	}
}

// NewUUID returns a random (version 4) UUID in its text form, which names a
// dendrite or axon instance on the wire as Python's uuid1() string does.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
