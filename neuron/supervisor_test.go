package neuron

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestWeightsSupervisor(t *testing.T) {
	var logs bytes.Buffer
	s := NewWeightsSupervisor(slog.New(slog.NewTextHandler(&logs, nil)), 3, "5Hot", 2)
	for _, tc := range []struct {
		name                           string
		block, lastUpdate, tempo, rate uint64
		cr                             bool
		pending                        int
		firstReveal                    uint64
		wantSince, wantNext            uint64
		wantStale                      bool
	}{
		{"fresh", 100, 95, 10, 5, false, 0, 0, 5, 100, false},
		{"at the limit", 115, 95, 10, 5, false, 0, 0, 20, 100, false},
		{"stale", 116, 95, 10, 5, false, 0, 0, 21, 100, true},
		{"a commit waits", 117, 95, 10, 5, true, 1, 120, 22, 120, true},
		{"updated", 130, 125, 10, 5, false, 0, 0, 5, 130, false},
	} {
		st := s.Observe(tc.block, tc.lastUpdate, tc.tempo, tc.rate, tc.cr, tc.pending, tc.firstReveal)
		if st.SinceUpdate != tc.wantSince || st.NextAllowed != tc.wantNext || st.Stale != tc.wantStale {
			t.Errorf("%s: %+v; want since %d next %d stale %v", tc.name, st, tc.wantSince, tc.wantNext, tc.wantStale)
		}
		stale := 0.0
		if tc.wantStale {
			stale = 1
		}
		if got := testutil.ToFloat64(s.stale); got != stale {
			t.Errorf("%s: stale gauge %v", tc.name, got)
		}
	}
	if n := strings.Count(logs.String(), "stale"); n != 1 {
		t.Errorf("warned %d times in one tempo, want once:\n%s", n, logs.String())
	}
	s.Accepted("reveal", 140)
	s.Failed("set", errors.New("rate limit"))
	s.Failed("set", errors.New("rate limit"))
	if st := s.Status(); st.LastAccepted != 140 || st.LastUpdate != 140 {
		t.Errorf("after a reveal: %+v", st)
	}
	if got := testutil.ToFloat64(s.failures.WithLabelValues("set")); got != 2 || strings.Count(logs.String(), "rate limit") != 1 {
		t.Errorf("failures %v; logs:\n%s", got, logs.String())
	}
	if n, err := testutil.GatherAndCount(s.Registry()); err != nil || n < 6 {
		t.Errorf("registry has %d metrics, %v", n, err)
	}
}
