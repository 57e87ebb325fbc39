package keyrate

import (
	"strconv"
	"testing"
	"time"
)

func TestTakeAndPeek(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := New(2, 3) // 2 a second, at most 3
	if !l.Peek("a", t0) || l.Len() != 0 {
		t.Fatalf("an unknown key: peek false or recorded (%d keys)", l.Len())
	}
	for i, c := range []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"a", 0, true}, {"a", 0, true}, {"a", 0, true}, // the burst
		{"a", 0, false},                      // empty
		{"b", 0, true},                       // another key has its own bucket
		{"a", 400 * time.Millisecond, false}, // 0.8 of a token back
		{"a", 500 * time.Millisecond, true},  // one token back
		{"a", 500 * time.Millisecond, false},
	} {
		if got := l.Take(c.key, t0.Add(c.at)); got != c.want {
			t.Errorf("step %d: Take(%s, +%v) = %v, want %v", i, c.key, c.at, got, c.want)
		}
	}
	// Peek takes nothing: an empty bucket stays empty, a full one full.
	if l.Peek("a", t0.Add(500*time.Millisecond)) {
		t.Error("peek at an empty bucket: true")
	}
	if !l.Peek("b", t0.Add(time.Hour)) || !l.Peek("b", t0.Add(time.Hour)) {
		t.Error("peek at a refilled bucket: false")
	}
}

func TestBoundedKeys(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := New(1, 1)
	for i := range MaxKeys {
		l.Take(strconv.Itoa(i), t0)
	}
	if l.Len() != MaxKeys {
		t.Fatalf("%d keys tracked, want %d", l.Len(), MaxKeys)
	}
	// A new key at the bound drops those whose bucket refilled (all of them
	// a second later), and its own bucket starts full.
	if !l.Take("new", t0.Add(2*time.Second)) || l.Len() != 1 {
		t.Errorf("after a new key at the bound: %d keys", l.Len())
	}
	// When none has refilled, all are dropped rather than grow past the
	// bound.
	l = New(1, 1)
	for i := range MaxKeys {
		l.Take(strconv.Itoa(i), t0)
	}
	l.Take("new", t0)
	if l.Len() > MaxKeys {
		t.Errorf("%d keys tracked past the bound %d", l.Len(), MaxKeys)
	}
}
