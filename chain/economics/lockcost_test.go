package economics

import (
	"errors"
	"testing"
)

// The reference's test_root_subnet_creation_deletion
// (pallets/subtensor/tests/root.rs; MinLock 100e9, interval 2). The
// chain's state is the last lock paid and the block it was paid at; each
// registration pays the current cost.
func TestLockCost(t *testing.T) {
	const minLock, interval = 100_000_000_000, 2
	lastLock, lastBlock := uint64(minLock), uint64(0)
	quote := func(block uint64) uint64 {
		c, err := LockCost(lastLock, minLock, lastBlock, block, interval)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	register := func(block uint64) {
		lastLock, lastBlock = quote(block), block
	}
	for _, step := range []struct {
		block    uint64
		register bool
		want     uint64 // cost quoted after the step, in units of 1e9 RAO / 2
	}{
		{0, true, 200}, {1, true, 400}, {2, false, 300}, {3, false, 200}, {4, false, 200},
		{4, true, 400}, {5, true, 600}, {6, true, 900}, {7, true, 1350}, {7, true, 2700},
		{7, true, 5400}, {8, false, 4050}, {9, false, 2700}, {10, false, 1350}, {11, false, 200},
	} {
		if step.register {
			register(step.block)
		}
		if got, want := quote(step.block), step.want*500_000_000; got != want {
			t.Errorf("block %d: lock cost %d, want %d", step.block, got, want)
		}
	}
	if _, err := LockCost(1, 1, 1, 1, 0); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("interval 0: err = %v", err)
	}
	// Saturation: a huge last lock doubles to u64 max, not a wrapped value.
	if got, _ := LockCost(1<<63, 0, 5, 5, 2); got != ^uint64(0) {
		t.Errorf("saturating doubling: %d", got)
	}
}
