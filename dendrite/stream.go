package dendrite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
)

// Stream is the answer to a streaming synapse: the chunks the axon writes,
// read as they arrive, and the synapse with the call's status. It is not
// safe for concurrent use. Close it when done.
type Stream struct {
	result  synapse.Message
	body    io.ReadCloser // nil when the call failed or the answer was not a stream
	cancel  context.CancelFunc
	start   time.Time
	timeout time.Duration
	ctx     context.Context
	buf     []byte
	done    bool
}

// chunkSize bounds the bytes Next returns at once.
const chunkSize = 32 << 10

// Stream sends syn to one axon that serves it as a stream (see
// axon.AttachStream) and returns as soon as the answer's headers arrive.
// timeout bounds the whole exchange, chunks included. If the call fails or
// the axon refuses, the stream has no chunks and Result tells why, with the
// same status codes as Query.
func (d *Dendrite) Stream(ctx context.Context, axon synapse.AxonInfo, syn synapse.Message, timeout time.Duration) *Stream {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	s := &Stream{cancel: cancel, start: start, timeout: timeout, ctx: ctx, done: true}
	prep, err := synapse.Prepare(syn)
	if err != nil {
		s.result = failed(syn, timeout, 422, "Failed to parse response object with error: "+err.Error())
		return s
	}
	req, base, err := d.request(ctx, axon, syn, prep, timeout)
	if err != nil {
		s.result = local(syn, base, 422, "Failed to parse response object with error: "+err.Error(), start)
		return s
	}
	resp, err := d.client.Do(req)
	if err != nil {
		code, msg := d.transportFailure(ctx, err, axon, prep.Name(), timeout)
		s.result = local(syn, base, code, msg, start)
		return s
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// A refusal (or a server that did not stream): read it like Query.
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, d.opts.MaxResponseBytes))
		if err != nil {
			s.result = local(syn, base, 422, "Failed to parse response object with error: "+err.Error(), start)
			return s
		}
		s.result = merge(syn, base, resp, body, start)
		return s
	}
	out := synapse.Clone(syn)
	*out.Base() = *base
	if err := mergeHeaders(out, resp.Header); err != nil {
		resp.Body.Close()
		s.result = local(syn, base, 422, "Failed to parse response object with error: "+err.Error(), start)
		return s
	}
	b := out.Base()
	if b.Axon.StatusCode == nil {
		b.Axon.StatusCode = synapse.Ptr(http.StatusOK)
	}
	b.Dendrite.StatusCode = synapse.Ptr(*b.Axon.StatusCode)
	b.Dendrite.StatusMessage = synapse.Ptr(b.Axon.Message())
	s.result = out
	s.body = resp.Body
	s.done = false
	s.buf = make([]byte, chunkSize)
	return s
}

// Next returns the next bytes of the stream as they arrive (at most 32 KiB;
// the axon's chunk boundaries are not kept by HTTP). It returns io.EOF at
// the end of a complete stream. Any other error ends the stream and is also
// recorded in Result's status (408 on timeout, 422 otherwise). The returned
// slice is valid until the next call.
func (s *Stream) Next() ([]byte, error) {
	if s.done {
		return nil, io.EOF
	}
	n, err := s.body.Read(s.buf)
	if n > 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			s.fail(err)
		}
		return s.buf[:n], nil
	}
	if errors.Is(err, io.EOF) {
		s.finish()
		return nil, io.EOF
	}
	if err == nil {
		return s.buf[:0], nil
	}
	s.fail(err)
	return nil, fmt.Errorf("dendrite: stream: %w", err)
}

// Result returns the synapse with the call's status. Once the stream has
// ended it also carries the total time in Dendrite.ProcessTime.
func (s *Stream) Result() synapse.Message { return s.result }

// Close ends the stream, dropping whatever the axon has not sent yet.
func (s *Stream) Close() error {
	if s.body != nil {
		s.body.Close()
	}
	s.done = true
	s.cancel()
	return nil
}

func (s *Stream) finish() {
	s.done = true
	s.result.Base().Dendrite.ProcessTime = synapse.Ptr(time.Since(s.start).Seconds())
	s.body.Close()
	s.cancel()
}

func (s *Stream) fail(err error) {
	b := s.result.Base()
	if errors.Is(s.ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		b.Dendrite.StatusCode = synapse.Ptr(408)
		b.Dendrite.StatusMessage = synapse.Ptr("Timedout after " + pyFloat(s.timeout.Seconds()) + " seconds.")
	} else {
		b.Dendrite.StatusCode = synapse.Ptr(422)
		b.Dendrite.StatusMessage = synapse.Ptr("Failed to parse response object with error: " + err.Error())
	}
	s.finish()
}
