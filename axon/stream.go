package axon

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
)

// StreamWriter sends the chunks of a streaming answer. Each Write is sent
// to the dendrite at once (flushed). It is not safe for concurrent use; it
// is valid only during the StreamForward call that received it.
type StreamWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	start   func() // writes the status and headers before the first chunk
	started bool
	n       int64
}

// Write sends p as one chunk.
func (s *StreamWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.start()
		s.started = true
	}
	n, err := s.w.Write(p)
	s.n += int64(n)
	if err != nil {
		return n, err
	}
	return n, s.rc.Flush()
}

// WriteString sends s as one chunk.
func (s *StreamWriter) WriteString(str string) (int, error) { return s.Write([]byte(str)) }

// Written returns the number of bytes sent so far.
func (s *StreamWriter) Written() int64 { return s.n }

// runStream runs a streaming forward. The status line and headers (200,
// text/event-stream, the axon's status headers) go out with the first chunk,
// so a forward that fails before writing anything still gets a 500.
func (a *Axon) runStream(ctx context.Context, w http.ResponseWriter, req *request, bs synapse.Message) {
	rt := req.route
	sw := &StreamWriter{w: w, rc: http.NewResponseController(w)}
	sw.start = func() {
		a.setStatus(req, http.StatusOK, "Success", false)
		h := w.Header()
		a.writeHeaders(h, req)
		h["Content-Type"] = []string{"text/event-stream"}
		w.WriteHeader(http.StatusOK)
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = panicError{p}
			}
		}()
		return rt.stream(ctx, bs, sw)
	}()
	switch {
	case err != nil && !sw.started:
		a.refuse(w, req, http.StatusInternalServerError, "Internal server error with error: "+err.Error())
		return
	case err != nil:
		a.log.Debug("axon: stream ended early", "synapse", rt.name, "err", err)
	case !sw.started:
		sw.start() // an empty stream
	}
	a.metrics.observe(req.label, http.StatusOK, time.Since(req.start))
}

type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprintf("forward panicked: %v", p.v) }
