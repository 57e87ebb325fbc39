package subtensor

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// MaxCommitmentField is the most bytes one commitment field holds: the
// Commitments pallet stores text as Data::Raw, at most 128 bytes.
const MaxCommitmentField = 128

// A Commitment is what a hotkey registered on a subnet published there
// through the Commitments pallet (Bittensor's Substrate runtime): text a
// miner wants validators to read, typically where it answers.
type Commitment struct {
	Netuid  uint16
	Hotkey  types.AccountID
	Block   uint64          // the block it was set in
	Deposit balance.Balance // held for it (nothing on today's runtimes)
	// Fields are the published fields. Raw data is kept as it was sent; a
	// field the runtime stores only as a hash (BlakeTwo256, Sha256, …) is
	// "<Kind>:0x<hash>".
	Fields []string
}

// Text returns the commitment's first field, as Bittensor's SDK reads a
// commitment (get_commitment).
func (c Commitment) Text() string {
	if len(c.Fields) == 0 {
		return ""
	}
	return c.Fields[0]
}

// Commitments is what a chain with the Commitments pallet offers. Only the
// Substrate backend has it; check with a type assertion.
type Commitments interface {
	// SetCommitment publishes text on netuid, signed by a hotkey registered
	// there. The runtime allows one commitment per hotkey and subnet every
	// RateLimit blocks (CommitmentSetRateLimitExceeded otherwise).
	SetCommitment(ctx context.Context, hotkey Signer, netuid uint16, text string, wait Wait) (*TxResult, error)
	// GetCommitment returns hotkey's commitment on netuid, false if none.
	GetCommitment(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (Commitment, bool, error)
	// GetCommitments returns every commitment on netuid.
	GetCommitments(ctx context.Context, netuid uint16, atBlock uint64) ([]Commitment, error)
}

var _ Commitments = (*SubstrateClient)(nil)

// SetCommitment publishes text as one Data::Raw field of the Commitments
// pallet (free on today's runtimes).
func (c *SubstrateClient) SetCommitment(ctx context.Context, hotkey Signer, netuid uint16, text string, wait Wait) (*TxResult, error) {
	if len(text) > MaxCommitmentField {
		return nil, fmt.Errorf("subtensor: a commitment holds at most %d bytes; %q is %d", MaxCommitmentField, abbreviate(text, 40), len(text))
	}
	// Data is an enum with one variant per raw length: Raw0 … Raw128.
	data := scale.NewVariant("Raw"+strconv.Itoa(len(text)), scale.NamedValue{Value: scale.NewBytes([]byte(text))})
	info := scale.NewComposite(scale.NamedValue{Name: "fields", Value: scale.NewSequence(data)})
	res, _, err := c.call(ctx, hotkey, wait, "Commitments", "set_commitment", arg{"netuid", netuid}, arg{"info", info})
	return res, err
}

// GetCommitment reads Commitments.CommitmentOf(netuid, hotkey).
func (c *SubstrateClient) GetCommitment(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (Commitment, bool, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return Commitment{}, false, err
	}
	var v scale.Value
	ok, err := c.storage(ctx, at, &v, "Commitments", "CommitmentOf", netuid, [32]byte(hotkey))
	if err != nil || !ok {
		return Commitment{}, false, err
	}
	cm, err := commitment(netuid, hotkey, v)
	return cm, err == nil, err
}

// GetCommitments walks Commitments.CommitmentOf(netuid, *).
func (c *SubstrateClient) GetCommitments(ctx context.Context, netuid uint16, atBlock uint64) ([]Commitment, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	rt, err := c.sc.Runtime(ctx, at)
	if err != nil {
		return nil, c.wrap(err)
	}
	if _, err := rt.Storage("Commitments", "CommitmentOf"); err != nil {
		return nil, c.notSupported("Commitments.CommitmentOf", err)
	}
	var out []Commitment
	err = c.sc.IterateStorage(ctx, at, 0, func(rt *metadata.Runtime, e *metadata.StorageEntry, entry substrate.StorageEntry) error {
		if len(entry.Keys) != 2 {
			return fmt.Errorf("Commitments.CommitmentOf has %d key parts, want 2", len(entry.Keys))
		}
		who, ok := entry.Keys[1].Value.Bytes()
		if !ok || len(who) != 32 {
			return fmt.Errorf("Commitments.CommitmentOf key %s is not an account", entry.Keys[1].Value)
		}
		v, err := rt.Types.DecodeValue(e.Value, entry.Value)
		if err != nil {
			return fmt.Errorf("Commitments.CommitmentOf of %s: %w", types.AccountID(who), err)
		}
		cm, err := commitment(netuid, types.AccountID(who), v)
		if err != nil {
			return err
		}
		out = append(out, cm)
		return nil
	}, "Commitments", "CommitmentOf", netuid)
	if err != nil {
		return nil, c.wrap(fmt.Errorf("subtensor: commitments of subnet %d: %w", netuid, err))
	}
	return out, nil
}

// commitment reads a Registration { deposit, block, info: { fields } }.
func commitment(netuid uint16, hotkey types.AccountID, v scale.Value) (Commitment, error) {
	cm := Commitment{Netuid: netuid, Hotkey: hotkey}
	if d, ok := v.Field("deposit"); ok {
		n, _ := d.Uint64()
		cm.Deposit = balance.Balance(n)
	}
	if b, ok := v.Field("block"); ok {
		cm.Block, _ = b.Uint64()
	}
	fields, ok := v.Get("info.fields")
	if !ok {
		return cm, fmt.Errorf("subtensor: commitment of %s on subnet %d has no info.fields: %s", hotkey, netuid, v)
	}
	// BoundedVec<Data> is a newtype around the Vec.
	for fields.Kind() == scale.KindComposite && fields.Len() == 1 {
		fields = fields.Index(0)
	}
	for i := 0; i < fields.Len(); i++ {
		f := fields.Index(i)
		name, _, ok := f.Variant()
		if !ok {
			return cm, fmt.Errorf("subtensor: commitment field %d of %s is %s, not Data", i, hotkey, f)
		}
		if name == "None" {
			continue
		}
		var b []byte
		if f.Len() > 0 {
			b, _ = f.Index(0).Bytes()
		}
		if len(name) > 3 && name[:3] == "Raw" {
			cm.Fields = append(cm.Fields, string(b))
			continue
		}
		cm.Fields = append(cm.Fields, fmt.Sprintf("%s:0x%x", name, b))
	}
	return cm, nil
}

// abbreviate shortens s to n bytes for an error message.
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
