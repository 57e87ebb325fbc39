package node

import (
	"context"
	"log/slog"
	"strings"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// cmtLogger adapts slog to CometBFT's logger. CometBFT is chatty at Info;
// its Info lines are logged at slog's Debug level unless they come from the
// modules an operator cares about, so that the default level stays quiet.
type cmtLogger struct {
	l *slog.Logger
}

func newCmtLogger(l *slog.Logger) cmtlog.Logger { return cmtLogger{l: l} }

func (c cmtLogger) Debug(msg string, kv ...any) {
	c.l.Log(context.Background(), slog.LevelDebug-4, msg, kv...)
}
func (c cmtLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }
func (c cmtLogger) Error(msg string, kv ...any) {
	if isShutdownNoise(msg, kv) {
		c.l.Debug(msg, kv...)
		return
	}
	c.l.Warn(msg, kv...)
}

// isShutdownNoise recognises the errors CometBFT logs when its own
// listeners close during a clean stop.
func isShutdownNoise(msg string, kv []any) bool {
	switch msg {
	case "Stopped accept routine, as transport is closed", // the p2p switch, at every stop
		"Won't start a peer - switch is not running": // a peer dialling in while it stops
		return true
	}
	for _, v := range kv {
		if err, ok := v.(error); ok && strings.Contains(err.Error(), "use of closed network connection") {
			return true
		}
	}
	return false
}
func (c cmtLogger) With(kv ...any) cmtlog.Logger {
	return cmtLogger{l: c.l.With(kv...)}
}
