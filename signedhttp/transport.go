package signedhttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

type receiverKey struct{}

// WithReceiver returns ctx naming the hotkey (SS58) a request made with it
// is for: a Transport signs the request for that receiver.
func WithReceiver(ctx context.Context, hotkey string) context.Context {
	return context.WithValue(ctx, receiverKey{}, hotkey)
}

// ReceiverFrom returns the receiver WithReceiver put in ctx.
func ReceiverFrom(ctx context.Context) (string, bool) {
	r, ok := ctx.Value(receiverKey{}).(string)
	return r, ok
}

// Transport is an http.RoundTripper that signs every request it sends:
// it reads the body, has Signer add the authentication headers for the
// receiver named in the request's context (WithReceiver) or else Receiver,
// and sends a copy of the request through Base. Each attempt is signed
// afresh (a redirect followed by http.Client gets its own nonce). A
// Transport is safe for concurrent use if Signer and Base are.
type Transport struct {
	// Signer adds the headers (e.g. &btauth.Signer{Key: hotkey}).
	Signer RequestSigner
	// Base sends the signed request; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Receiver is the hotkey requests are signed for when their context
	// names none; "" signs them unbound.
	Receiver string
}

// RoundTrip signs req and sends it. Like every RoundTripper it does not
// modify req and always closes its body.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("signedhttp: read request body: %w", err)
		}
		body = b
	}
	out := req.Clone(req.Context())
	if body != nil {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	receiver, ok := ReceiverFrom(req.Context())
	if !ok {
		receiver = t.Receiver
	}
	if err := t.Signer.SignRequest(out, body, receiver); err != nil {
		return nil, fmt.Errorf("signedhttp: sign request: %w", err)
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}
