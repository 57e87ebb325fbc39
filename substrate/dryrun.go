package substrate

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/substrate/rpc"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// FeeInfo is what TransactionPaymentApi says an extrinsic costs.
type FeeInfo struct {
	// PartialFee is the fee without the tip, in the chain's smallest unit.
	PartialFee uint64
	// Class is the dispatch class ("Normal", "Operational", "Mandatory").
	Class string
}

// EstimateFee prices an extrinsic through the runtime's
// TransactionPaymentApi. The extrinsic need not be validly signed: a fee
// depends on the call and the extrinsic's length, not on the signature, so
// FeeExtrinsic can build one without the key.
func (c *Client) EstimateFee(ctx context.Context, x *Extrinsic) (FeeInfo, error) {
	args := binary.LittleEndian.AppendUint32(append([]byte{}, x.Bytes...), uint32(len(x.Bytes)))
	raw, err := c.CallAPIRaw(ctx, x.Birth.Hash, "TransactionPaymentApi_query_info", args)
	if err != nil {
		return FeeInfo{}, err
	}
	id, err := APIOutput(x.Runtime, "TransactionPaymentApi", "query_info")
	if err != nil {
		return FeeInfo{}, err
	}
	var info struct {
		Class      scale.Value `scale:"class"`
		PartialFee uint64      `scale:"partial_fee"`
	}
	if err := x.Runtime.Types.Decode(id, raw, &info); err != nil {
		return FeeInfo{}, fmt.Errorf("substrate: fee answer: %w", err)
	}
	fi := FeeInfo{PartialFee: info.PartialFee}
	fi.Class, _, _ = info.Class.Variant()
	return fi, nil
}

// unsignedKey signs with zeros: an extrinsic of the right shape and length
// for pricing, which no node would accept.
type unsignedKey [32]byte

func (k unsignedKey) PublicKey() [32]byte       { return k }
func (unsignedKey) Sign([]byte) ([]byte, error) { return make([]byte, 64), nil }

// FeeExtrinsic builds the extrinsic of call for account who with an empty
// signature, for EstimateFee: it needs no key and reserves no nonce.
func (c *Client) FeeExtrinsic(ctx context.Context, call []byte, who [32]byte, opts SignOptions) (*Extrinsic, error) {
	if opts.Nonce == nil {
		n, err := c.NextNonce(ctx, who)
		if err != nil {
			return nil, err
		}
		opts.Nonce = &n
	}
	return c.Sign(ctx, call, unsignedKey(who), opts)
}

// DryRunResult is what would happen to an extrinsic submitted now.
type DryRunResult struct {
	// Invalid is why the node would refuse it before its pool (nothing
	// charged); nil if it would be accepted.
	Invalid *InvalidError
	// Err is why its call would fail in a block (the fee charged); nil if
	// it would succeed or was not run.
	Err *DispatchError
	// Dispatched reports whether the call itself was run. A node that does
	// not offer system_dryRun (a public node disables it) is only asked to
	// validate the extrinsic (signature, nonce, fee, the runtime's own
	// checks): Dispatched is then false.
	Dispatched bool
}

// OK reports whether the extrinsic would be accepted and, if its call was
// run, succeed.
func (r *DryRunResult) OK() bool { return r.Invalid == nil && r.Err == nil }

// DryRun asks the node what would happen to x if it were submitted now,
// without submitting it: system_dryRun runs the extrinsic on the best
// block's state; where the node refuses that RPC, the runtime's
// TaggedTransactionQueue validates it instead.
func (c *Client) DryRun(ctx context.Context, x *Extrinsic) (*DryRunResult, error) {
	var out string
	err := c.rpc.Call(ctx, &out, "system_dryRun", encodeHex(x.Bytes))
	var re *rpc.Error
	if errors.As(err, &re) {
		return c.validate(ctx, x)
	}
	if err != nil {
		return nil, fmt.Errorf("substrate: dry run: %w", err)
	}
	raw, err := decodeHex(out)
	if err != nil {
		return nil, err
	}
	rt := x.Runtime
	id, err := APIOutput(rt, "BlockBuilder", "apply_extrinsic")
	if err != nil {
		return nil, err
	}
	v, err := rt.Types.DecodeValue(id, raw)
	if err != nil {
		return nil, fmt.Errorf("substrate: dry run answer: %w", err)
	}
	res := &DryRunResult{}
	outer, _, _ := v.Variant() // Ok(dispatch outcome) or Err(validity error)
	if outer == "Err" {
		res.Invalid = validityError(v.Index(0))
		return res, nil
	}
	res.Dispatched = true
	inner := v.Index(0)
	if name, _, _ := inner.Variant(); name == "Err" {
		res.Err = DecodeDispatchError(rt, inner.Index(0))
	}
	return res, nil
}

// validate asks the runtime whether x is valid (TransactionSource External).
func (c *Client) validate(ctx context.Context, x *Extrinsic) (*DryRunResult, error) {
	rt := x.Runtime
	m, err := rt.API("TaggedTransactionQueue", "validate_transaction")
	if err != nil {
		return nil, fmt.Errorf("substrate: dry run: the node offers neither system_dryRun nor the runtime's validate_transaction: %w", err)
	}
	args, err := rt.Types.Encode(m.Inputs[0].Type, "External")
	if err != nil {
		return nil, fmt.Errorf("substrate: validate_transaction source: %w", err)
	}
	args = append(args, x.Bytes...)
	args = append(args, x.Birth.Hash[:]...)
	raw, err := c.CallAPIRaw(ctx, x.Birth.Hash, m.Method(), args)
	if err != nil {
		return nil, err
	}
	v, err := rt.Types.DecodeValue(m.Output, raw)
	if err != nil {
		return nil, fmt.Errorf("substrate: validate_transaction answer: %w", err)
	}
	res := &DryRunResult{}
	if name, _, _ := v.Variant(); name == "Err" {
		res.Invalid = validityError(v.Index(0))
	}
	return res, nil
}
