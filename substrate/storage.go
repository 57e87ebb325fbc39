package substrate

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// DefaultPageSize is how many keys IterateStorage asks for at once.
const DefaultPageSize = 500

// StorageRaw reads the raw value under a storage key at block at (the
// latest when zero). ok is false when nothing is stored there.
func (c *Client) StorageRaw(ctx context.Context, at Hash, key []byte) (value []byte, ok bool, err error) {
	var s *string
	if err := c.rpc.Call(ctx, &s, "state_getStorage", encodeHex(key), at.param()); err != nil {
		return nil, false, fmt.Errorf("substrate: storage %x at %s: %w", key, at, err)
	}
	if s == nil {
		return nil, false, nil
	}
	b, err := decodeHex(*s)
	return b, err == nil, err
}

// Storage reads the storage entry pallet.item under keys (one Go or
// scale.Value per key part of a map, none for a plain entry) at block at,
// and decodes it into out (a Go view, or *scale.Value). An absent value of
// an entry with a default reads as that default; an absent value of an
// optional entry leaves out untouched and returns ok false.
func (c *Client) Storage(ctx context.Context, at Hash, out any, pallet, item string, keys ...any) (ok bool, err error) {
	rt, err := c.Runtime(ctx, at)
	if err != nil {
		return false, err
	}
	e, err := rt.Storage(pallet, item)
	if err != nil {
		return false, err
	}
	if len(keys) != len(e.Hashers) {
		return false, fmt.Errorf("substrate: %s.%s takes %d keys, got %d", pallet, item, len(e.Hashers), len(keys))
	}
	key, err := rt.StorageKey(pallet, item, keys...)
	if err != nil {
		return false, err
	}
	raw, found, err := c.StorageRaw(ctx, at, key)
	if err != nil {
		return false, err
	}
	if !found {
		if e.Modifier != metadata.Default {
			return false, nil
		}
		raw = e.Default
	}
	if err := decodeInto(rt.Types, e.Value, raw, out); err != nil {
		return false, fmt.Errorf("substrate: %s.%s: %w", pallet, item, err)
	}
	return true, nil
}

// decodeInto decodes data of type id into out: a *scale.Value, or a Go view.
func decodeInto(reg *scale.Registry, id scale.TypeID, data []byte, out any) error {
	if v, ok := out.(*scale.Value); ok {
		val, err := reg.DecodeValue(id, data)
		if err != nil {
			return err
		}
		*v = val
		return nil
	}
	return reg.Decode(id, data, out)
}

// StorageEntry is one value of a map read by IterateStorage: its key parts
// (decoded where the hasher keeps them) and its raw value.
type StorageEntry struct {
	Keys  []metadata.KeyPart
	Value []byte
}

// IterateStorage calls fn for every value of the map pallet.item whose key
// starts with the given key parts (none: the whole map) at block at, in the
// node's key order, reading pageSize keys at a time (DefaultPageSize when 0).
// All pages are read at one block, so the walk is consistent even while the
// chain moves on. fn may decode entry.Value with the returned runtime's
// registry and the entry's Value type; returning an error stops the walk.
func (c *Client) IterateStorage(ctx context.Context, at Hash, pageSize int, fn func(rt *metadata.Runtime, e *metadata.StorageEntry, entry StorageEntry) error, pallet, item string, keys ...any) error {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	if at.IsZero() {
		h, err := c.Head(ctx)
		if err != nil {
			return err
		}
		at = h.Hash
	}
	rt, err := c.Runtime(ctx, at)
	if err != nil {
		return err
	}
	e, err := rt.Storage(pallet, item)
	if err != nil {
		return err
	}
	if !e.IsMap {
		return fmt.Errorf("substrate: %s.%s is not a map", pallet, item)
	}
	prefix, err := rt.StorageKey(pallet, item, keys...)
	if err != nil {
		return err
	}
	var startKey any // nil: from the start
	for {
		var page []string
		if err := c.rpc.Call(ctx, &page, "state_getKeysPaged", encodeHex(prefix), pageSize, startKey, at.param()); err != nil {
			return fmt.Errorf("substrate: keys of %s.%s at %s: %w", pallet, item, at, err)
		}
		if len(page) == 0 {
			return nil
		}
		values, err := c.queryStorageAt(ctx, at, page)
		if err != nil {
			return fmt.Errorf("substrate: values of %s.%s at %s: %w", pallet, item, at, err)
		}
		for _, k := range page {
			key, err := decodeHex(k)
			if err != nil {
				return err
			}
			v, ok := values[k]
			if !ok {
				continue // removed between the two reads cannot happen at one block; skip defensively
			}
			parts, err := rt.SplitStorageKey(e, key)
			if err != nil {
				return fmt.Errorf("substrate: %w", err)
			}
			if err := fn(rt, e, StorageEntry{Keys: parts, Value: v}); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		startKey = page[len(page)-1]
	}
}

// queryStorageAt reads many keys at one block in one call, by their hex.
func (c *Client) queryStorageAt(ctx context.Context, at Hash, keys []string) (map[string][]byte, error) {
	var sets []struct {
		Changes [][2]*string `json:"changes"`
	}
	if err := c.rpc.Call(ctx, &sets, "state_queryStorageAt", keys, at.param()); err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(keys))
	for _, s := range sets {
		for _, ch := range s.Changes {
			if ch[0] == nil || ch[1] == nil {
				continue
			}
			v, err := decodeHex(*ch[1])
			if err != nil {
				return nil, err
			}
			out[*ch[0]] = v
		}
	}
	return out, nil
}

// Constant decodes the constant pallet.name of the latest runtime into out.
func (c *Client) Constant(ctx context.Context, out any, pallet, name string) error {
	rt, err := c.Runtime(ctx, Hash{})
	if err != nil {
		return err
	}
	k, err := rt.Constant(pallet, name)
	if err != nil {
		return err
	}
	if err := decodeInto(rt.Types, k.Type, k.Value, out); err != nil {
		return fmt.Errorf("substrate: constant %s.%s: %w", pallet, name, err)
	}
	return nil
}

// StorageRead is one value to read with StorageMany.
type StorageRead struct {
	Pallet, Item string
	Keys         []any // one per key part of a map; none for a plain entry
	Out          any   // a Go view or *scale.Value
	Found        bool  // set by StorageMany: a value was stored (not the default)
}

// StorageMany reads many storage values at one block in one round trip
// (state_queryStorageAt), decoding each into its Out as Storage does (an
// absent value with a default reads as the default; an absent optional one
// leaves Out untouched).
func (c *Client) StorageMany(ctx context.Context, at Hash, reads []StorageRead) error {
	if len(reads) == 0 {
		return nil
	}
	if at.IsZero() {
		h, err := c.Head(ctx)
		if err != nil {
			return err
		}
		at = h.Hash
	}
	rt, err := c.Runtime(ctx, at)
	if err != nil {
		return err
	}
	keys := make([]string, len(reads))
	entries := make([]*metadata.StorageEntry, len(reads))
	for i, r := range reads {
		if entries[i], err = rt.Storage(r.Pallet, r.Item); err != nil {
			return err
		}
		k, err := rt.StorageKey(r.Pallet, r.Item, r.Keys...)
		if err != nil {
			return err
		}
		keys[i] = encodeHex(k)
	}
	values, err := c.queryStorageAt(ctx, at, keys)
	if err != nil {
		return fmt.Errorf("substrate: read %d values at %s: %w", len(reads), at, err)
	}
	for i := range reads {
		r, e := &reads[i], entries[i]
		raw, ok := values[keys[i]]
		r.Found = ok
		if !ok {
			if e.Modifier != metadata.Default {
				continue
			}
			raw = e.Default
		}
		if err := decodeInto(rt.Types, e.Value, raw, r.Out); err != nil {
			return fmt.Errorf("substrate: %s.%s: %w", r.Pallet, r.Item, err)
		}
	}
	return nil
}
