package axon

import (
	"context"
	"fmt"
	"reflect"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/go-bittensor/bittensor/synapse"
)

// A Blacklist decides, from the request headers alone (nothing is verified
// yet), whether to refuse a caller; reason is sent back in the 403 message.
type Blacklist[S synapse.Message] func(ctx context.Context, syn S) (blacklisted bool, reason string)

// A Priority ranks a verified request, from its headers: when every worker
// is busy, the waiting request with the highest priority runs next (ties in
// arrival order).
type Priority[S synapse.Message] func(ctx context.Context, syn S) float64

// A Verify checks a request from its headers and returns an error to refuse
// it with 401. The default is (*Axon).DefaultVerify; a custom one replaces
// it and may call it.
type Verify[S synapse.Message] func(ctx context.Context, syn S) error

// A Forward handles a request: it reads the synapse parsed from the body and
// fills its output fields. Its error is sent back as a 500 message. ctx ends
// when the synapse's timeout runs out or the caller goes away.
type Forward[S synapse.Message] func(ctx context.Context, syn S) error

// A StreamForward handles a streaming request by writing chunks to w as they
// are ready; the dendrite reads them as they arrive. Once the first chunk is
// written the status is 200 and an error only ends the stream early.
type StreamForward[S synapse.Message] func(ctx context.Context, syn S, w *StreamWriter) error

// route is everything the axon knows about one served synapse type.
type route struct {
	name      string
	typ       reflect.Type // the struct type
	empty     *synapse.Prepared
	forward   func(context.Context, synapse.Message) error
	stream    func(context.Context, synapse.Message, *StreamWriter) error
	blacklist func(context.Context, synapse.Message) (bool, string)
	priority  func(context.Context, synapse.Message) float64
	verify    func(context.Context, synapse.Message) error

	// The route's metrics for a success, looked up once (addRoute).
	okCount prometheus.Counter
	latency prometheus.Observer
}

func (r *route) newMessage() synapse.Message {
	return reflect.New(r.typ).Interface().(synapse.Message)
}

// Attach serves synapse type S (a pointer to a struct embedding
// synapse.Synapse) at /<name of S>, calling forward for each request that
// passes blacklist, verify and priority. nil blacklist refuses nobody, nil
// priority gives every request the same rank, nil verify uses
// a.DefaultVerify. It must be called before Start.
func Attach[S synapse.Message](a *Axon, forward Forward[S], blacklist Blacklist[S], priority Priority[S], verify Verify[S]) error {
	if forward == nil {
		return fmt.Errorf("axon: attach: nil forward")
	}
	r, err := newRoute(a, blacklist, priority, verify)
	if err != nil {
		return err
	}
	r.forward = func(ctx context.Context, m synapse.Message) error { return forward(ctx, m.(S)) }
	return a.addRoute(r)
}

// AttachStream is Attach for a streaming synapse: the answer is the chunks
// forward writes (content type text/event-stream), not the synapse's JSON.
func AttachStream[S synapse.Message](a *Axon, forward StreamForward[S], blacklist Blacklist[S], priority Priority[S], verify Verify[S]) error {
	if forward == nil {
		return fmt.Errorf("axon: attach: nil forward")
	}
	r, err := newRoute(a, blacklist, priority, verify)
	if err != nil {
		return err
	}
	r.stream = func(ctx context.Context, m synapse.Message, w *StreamWriter) error { return forward(ctx, m.(S), w) }
	return a.addRoute(r)
}

func newRoute[S synapse.Message](a *Axon, blacklist Blacklist[S], priority Priority[S], verify Verify[S]) (*route, error) {
	var zero S
	t := reflect.TypeOf(zero)
	if t == nil || t.Kind() != reflect.Pointer {
		return nil, fmt.Errorf("axon: attach: synapse type must be a pointer to a struct")
	}
	m := reflect.New(t.Elem()).Interface().(synapse.Message)
	name, err := synapse.Name(m)
	if err != nil {
		return nil, fmt.Errorf("axon: attach: %w", err)
	}
	empty, err := synapse.Prepare(m)
	if err != nil {
		return nil, fmt.Errorf("axon: attach %s: %w", name, err)
	}
	r := &route{name: name, typ: t.Elem(), empty: empty}
	if blacklist != nil {
		r.blacklist = func(ctx context.Context, m synapse.Message) (bool, string) { return blacklist(ctx, m.(S)) }
	}
	if priority != nil {
		r.priority = func(ctx context.Context, m synapse.Message) float64 { return priority(ctx, m.(S)) }
	}
	if verify != nil {
		r.verify = func(ctx context.Context, m synapse.Message) error { return verify(ctx, m.(S)) }
	} else {
		r.verify = a.DefaultVerify
	}
	return r, nil
}

func (a *Axon) addRoute(r *route) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return ErrStarted
	}
	if _, ok := a.routes[r.name]; ok && r.name != "Synapse" {
		return fmt.Errorf("%w: %s", ErrDuplicate, r.name)
	}
	r.okCount = a.metrics.requests.WithLabelValues(r.name, "200")
	r.latency = a.metrics.latency.WithLabelValues(r.name)
	a.routes[r.name] = r
	return nil
}
