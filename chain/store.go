package chain

import (
	"bytes"
	"fmt"
	"slices"
	"sort"

	corestore "cosmossdk.io/core/store"
	"github.com/cosmos/iavl"
)

// KV is the key-value view of state the chain's rules read and write. Keys
// are typed prefixes (see keys.go); values are owned by the store after Set
// and must not be modified by the caller, and slices returned by Get must not
// be modified either.
//
// Implementations panic on storage failure: a node that cannot read or
// write its state must stop rather than compute a different app hash.
type KV interface {
	// Get returns the value at key, or nil if absent.
	Get(key []byte) []byte
	// Set stores value (non-nil) at key.
	Set(key, value []byte)
	// Delete removes key; absent keys are fine.
	Delete(key []byte)
	// Iterate calls fn on every key in [start, end) in ascending byte order
	// (nil end means no upper bound) until fn returns false.
	Iterate(start, end []byte, fn func(key, value []byte) bool)
}

// treeKV is the working state of an IAVL tree: what FinalizeBlock writes.
type treeKV struct{ tree *iavl.MutableTree }

func (t treeKV) Get(key []byte) []byte {
	v, err := t.tree.Get(key)
	if err != nil {
		panic(fmt.Sprintf("chain: state read %x: %v", key, err))
	}
	return v
}

func (t treeKV) Set(key, value []byte) {
	if _, err := t.tree.Set(key, value); err != nil {
		panic(fmt.Sprintf("chain: state write %x: %v", key, err))
	}
}

func (t treeKV) Delete(key []byte) {
	if _, _, err := t.tree.Remove(key); err != nil {
		panic(fmt.Sprintf("chain: state delete %x: %v", key, err))
	}
}

func (t treeKV) Iterate(start, end []byte, fn func(key, value []byte) bool) {
	it, err := t.tree.Iterator(start, end, true)
	walk(it, err, fn)
}

// versionKV is a committed version of the tree: read-only.
type versionKV struct{ tree *iavl.ImmutableTree }

func (t versionKV) Get(key []byte) []byte {
	v, err := t.tree.Get(key)
	if err != nil {
		panic(fmt.Sprintf("chain: state read %x at version %d: %v", key, t.tree.Version(), err))
	}
	return v
}

func (t versionKV) Set([]byte, []byte) { panic("chain: write to a committed version") }
func (t versionKV) Delete([]byte)      { panic("chain: write to a committed version") }

func (t versionKV) Iterate(start, end []byte, fn func(key, value []byte) bool) {
	it, err := t.tree.Iterator(start, end, true)
	walk(it, err, fn)
}

// walk calls fn on each entry of an IAVL iterator until fn returns false.
func walk(it corestore.Iterator, err error, fn func(key, value []byte) bool) {
	if err != nil {
		panic(fmt.Sprintf("chain: state iterate: %v", err))
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if !fn(it.Key(), it.Value()) {
			return
		}
	}
}

// cacheKV buffers writes over a parent. Write applies them to the parent in
// ascending key order, so the parent (an IAVL tree, whose shape depends on
// the order of operations) sees the same sequence on every node. Discarding
// a cacheKV leaves the parent untouched: this is how a failed call changes
// nothing.
//
// A cacheKV is not safe for concurrent use, with one exception: once no
// longer written and its keys ordered (sortedKeys), it may be read (Get,
// Iterate) concurrently, as the genesis state is by queries.
type cacheKV struct {
	parent KV
	dirty  map[string]cacheEntry
	// keys holds dirty's keys in ascending order, but for those in added:
	// keys first buffered since keys was last brought up to date. The order
	// is kept here, never taken from the map.
	keys  []string
	added []string
}

type cacheEntry struct {
	value   []byte
	deleted bool
}

func newCache(parent KV) *cacheKV {
	return &cacheKV{parent: parent, dirty: make(map[string]cacheEntry)}
}

func (c *cacheKV) Get(key []byte) []byte {
	if e, ok := c.dirty[string(key)]; ok {
		if e.deleted {
			return nil
		}
		return e.value
	}
	return c.parent.Get(key)
}

func (c *cacheKV) Set(key, value []byte) {
	if value == nil {
		panic("chain: nil value")
	}
	c.put(string(key), cacheEntry{value: value})
}

func (c *cacheKV) Delete(key []byte) {
	c.put(string(key), cacheEntry{deleted: true})
}

func (c *cacheKV) put(key string, e cacheEntry) {
	if _, ok := c.dirty[key]; !ok {
		c.added = append(c.added, key)
	}
	c.dirty[key] = e
}

// sortedKeys returns every buffered key in ascending order. The returned
// slice is never modified afterwards (new keys are merged into a new one),
// so a caller may hold it while the cache changes.
func (c *cacheKV) sortedKeys() []string {
	if len(c.added) == 0 {
		return c.keys
	}
	slices.Sort(c.added)
	merged := make([]string, 0, len(c.keys)+len(c.added))
	i, j := 0, 0
	for i < len(c.keys) && j < len(c.added) {
		if c.keys[i] < c.added[j] {
			merged = append(merged, c.keys[i])
			i++
		} else {
			merged = append(merged, c.added[j])
			j++
		}
	}
	merged = append(merged, c.keys[i:]...)
	merged = append(merged, c.added[j:]...)
	c.keys, c.added = merged, nil
	return c.keys
}

// sortedDirty returns the buffered keys in [start, end), sorted.
func (c *cacheKV) sortedDirty(start, end []byte) []string {
	keys := c.sortedKeys()
	lo, hi := 0, len(keys)
	if start != nil {
		lo = sort.SearchStrings(keys, string(start))
	}
	if end != nil {
		hi = max(lo, sort.SearchStrings(keys, string(end)))
	}
	return keys[lo:hi]
}

func (c *cacheKV) Iterate(start, end []byte, fn func(key, value []byte) bool) {
	keys := c.sortedDirty(start, end)
	i := 0
	stopped := false
	// emitDirtyBefore emits buffered keys below limit (all when limit is nil).
	emitDirtyBefore := func(limit []byte) bool {
		for i < len(keys) && (limit == nil || keys[i] < string(limit)) {
			e := c.dirty[keys[i]]
			k := keys[i]
			i++
			if !e.deleted && !fn([]byte(k), e.value) {
				return false
			}
		}
		return true
	}
	c.parent.Iterate(start, end, func(k, v []byte) bool {
		if !emitDirtyBefore(k) {
			stopped = true
			return false
		}
		if i < len(keys) && keys[i] == string(k) {
			e := c.dirty[keys[i]]
			i++
			if e.deleted {
				return true
			}
			if !fn(k, e.value) {
				stopped = true
				return false
			}
			return true
		}
		if !fn(k, v) {
			stopped = true
			return false
		}
		return true
	})
	if !stopped {
		emitDirtyBefore(nil)
	}
}

// Write applies the buffered writes to the parent in key order and empties
// the cache.
func (c *cacheKV) Write() {
	for _, k := range c.sortedKeys() {
		e := c.dirty[k]
		if e.deleted {
			c.parent.Delete([]byte(k))
		} else {
			c.parent.Set([]byte(k), e.value)
		}
	}
	clear(c.dirty)
	c.keys, c.added = nil, nil
}

// prefixEnd returns the smallest key greater than every key with the given
// prefix, for use as an iteration end (nil if there is none).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
