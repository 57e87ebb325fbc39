package node

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestShutdownNoiseIsDebug: what CometBFT logs as errors during every clean
// stop stays out of a warn-level log; real errors do not.
func TestShutdownNoiseIsDebug(t *testing.T) {
	var b bytes.Buffer
	l := newCmtLogger(slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelWarn})))
	l.Error("Stopped accept routine, as transport is closed", "numPeers", 0)
	l.Error("Won't start a peer - switch is not running", "peer", "Peer{…}")
	l.Error("Error closing listener", "err", errors.New("accept tcp 127.0.0.1:26656: use of closed network connection"))
	if b.Len() != 0 {
		t.Errorf("shutdown noise logged: %s", b.String())
	}
	l.Error("Accept on transport errored", "err", errors.New("too many open files"))
	if !strings.Contains(b.String(), "level=WARN") {
		t.Errorf("a real error was not logged: %q", b.String())
	}
}
