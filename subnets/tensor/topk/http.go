package topk

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/tensor"
)

// The tensor subnet over signed HTTP (btauth/1 or Epistula v2, chosen with
// --neuron.protocol): the same question and answer as the Topk synapse, as
// plain JSON at POST Route. The signature covers the raw body, so nobody
// on the way can change the question.

// Route is where miners answer, "POST /topk".
const Route = "/topk"

// Request is the validator's question: Topk's Input and K.
type Request struct {
	Input tensor.Tensor `json:"input"`
	K     int           `json:"k"`
}

// Response is the miner's answer: Topk's Values and Indices.
type Response struct {
	Values  tensor.Tensor `json:"values"`
	Indices tensor.Tensor `json:"indices"`
}

// Serve answers a request with Solve: the honest miner's handler. A
// request Solve refuses is answered 400 with the reason.
func Serve(_ context.Context, _ signedhttp.Caller, req *Request) (*Response, error) {
	values, indices, err := Solve(req.Input, req.K)
	if err != nil {
		return nil, badRequest(err)
	}
	return &Response{Values: values, Indices: indices}, nil
}

// ServeLie answers well-formed but wrong, as Lie does: the handler of
// --miner.wrong.
func ServeLie(_ context.Context, _ signedhttp.Caller, req *Request) (*Response, error) {
	if _, _, err := Solve(req.Input, req.K); err != nil {
		return nil, badRequest(err)
	}
	values, indices := lie(req.Input, req.K)
	return &Response{Values: values, Indices: indices}, nil
}

func badRequest(err error) error {
	if errors.Is(err, ErrBadRequest) {
		return &signedhttp.StatusError{Code: http.StatusBadRequest, Err: err}
	}
	return err
}

// Request returns the challenge's question for signed HTTP.
func (c *Challenge) Request() Request {
	return Request{Input: c.syn.Input, K: c.k}
}

// ScoreReply is Score for an answer over signed HTTP: 0 unless the call
// succeeded and the answer passes Check; otherwise 1 for an instant answer,
// falling linearly to 1/2 for one that took the whole timeout.
func (c *Challenge) ScoreReply(r signedhttp.Reply[Response], timeout time.Duration) float64 {
	if r.Err != nil || r.Value == nil || c.check(&r.Value.Values, &r.Value.Indices) != nil {
		return 0
	}
	took := r.Latency.Seconds()
	return 1 - 0.5*latencyShare(&took, timeout)
}
