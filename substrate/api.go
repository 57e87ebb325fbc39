package substrate

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// CallAPIRaw calls the runtime API method name (e.g.
// "NeuronInfoRuntimeApi_get_neurons_lite") with SCALE-encoded arguments at
// block at (the latest when zero) through state_call, and returns the raw
// answer.
func (c *Client) CallAPIRaw(ctx context.Context, at Hash, method string, args []byte) ([]byte, error) {
	var s string
	if err := c.rpc.Call(ctx, &s, "state_call", method, encodeHex(args), at.param()); err != nil {
		return nil, fmt.Errorf("substrate: %s at %s: %w", method, at, err)
	}
	return decodeHex(s)
}

// CallAPI calls the runtime API api.method (e.g. "NeuronInfoRuntimeApi",
// "get_neurons_lite") at block at with args (Go or scale.Values, one per
// input, encoded by the input types of the runtime's metadata) and decodes
// the answer, by the method's output type, into out (a Go view or
// *scale.Value). It needs metadata V15, which describes runtime APIs. It
// returns the runtime, so a caller can decode further with its registry
// (some of Bittensor's APIs answer a Vec<u8> holding SCALE bytes of a type
// the metadata does not describe).
func (c *Client) CallAPI(ctx context.Context, at Hash, out any, api, method string, args ...any) (*metadata.Runtime, error) {
	a, err := c.CallAPIAnswer(ctx, at, api, method, args...)
	if err != nil {
		return a.Runtime, err
	}
	if out == nil {
		return a.Runtime, nil
	}
	if err := decodeInto(a.Runtime.Types, a.Output, a.Bytes, out); err != nil {
		return a.Runtime, fmt.Errorf("substrate: %s_%s answer: %w", api, method, err)
	}
	return a.Runtime, nil
}

// APIAnswer is a runtime API's raw answer: its bytes, their type, and the
// runtime that gave it.
type APIAnswer struct {
	Runtime *metadata.Runtime
	Output  scale.TypeID
	Bytes   []byte
}

// CallAPIAnswer is CallAPI returning the answer undecoded, for a caller that
// decodes it by its own rules.
func (c *Client) CallAPIAnswer(ctx context.Context, at Hash, api, method string, args ...any) (APIAnswer, error) {
	rt, err := c.Runtime(ctx, at)
	if err != nil {
		return APIAnswer{}, err
	}
	a := APIAnswer{Runtime: rt}
	m, err := rt.API(api, method)
	if err != nil {
		return a, err
	}
	if len(args) != len(m.Inputs) {
		return a, fmt.Errorf("substrate: %s takes %d arguments, got %d", m.Method(), len(m.Inputs), len(args))
	}
	var enc []byte
	for i, arg := range args {
		if enc, err = rt.Types.AppendEncode(enc, m.Inputs[i].Type, arg); err != nil {
			return a, fmt.Errorf("substrate: %s argument %s: %w", m.Method(), m.Inputs[i].Name, err)
		}
	}
	a.Output = m.Output
	a.Bytes, err = c.CallAPIRaw(ctx, at, m.Method(), enc)
	return a, err
}

// APIOutput returns the output type of a runtime API method, for a caller
// that decodes the answer itself.
func APIOutput(rt *metadata.Runtime, api, method string) (scale.TypeID, error) {
	m, err := rt.API(api, method)
	if err != nil {
		return 0, err
	}
	return m.Output, nil
}
