package chain

import (
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// faucetWorkWindow is how many blocks old a proof of work may be (the block
// it names must satisfy height − block < window), as for registration.
const faucetWorkWindow = 3

// faucet mints Params.Faucet.Amount to the signer for a proof of work over
// the signer's key and a recent block hash, as Bittensor's test networks
// did. Unlike Bittensor, a seal can be spent only once.
func faucet(ctx *Context, a *types.Faucet) error {
	p := ctx.Params.Faucet
	if !p.Enabled {
		return types.Errorf(types.ErrFaucetDisabled, "this chain's genesis does not enable the faucet")
	}
	if a.BlockNumber >= ctx.Height || ctx.Height-a.BlockNumber >= faucetWorkWindow {
		return types.Errorf(types.ErrInvalidWorkBlock, "work is for block %d, the chain is at %d (must name one of the %d blocks before it)", a.BlockNumber, ctx.Height, faucetWorkWindow-1)
	}
	if !types.SealMeetsDifficulty(a.Work, p.Difficulty) {
		return types.Errorf(types.ErrInvalidDifficulty, "seal does not meet difficulty %d", p.Difficulty)
	}
	st := ctx.State
	if types.Seal(st.BlockHash(a.BlockNumber), ctx.Signer, a.Nonce) != a.Work {
		return types.Errorf(types.ErrInvalidSeal, "seal does not match block %d, key %s and nonce %d", a.BlockNumber, ctx.Signer, a.Nonce)
	}
	if !useWork(st, a.Work, ctx.Height) {
		return types.Errorf(types.ErrWorkAlreadyUsed, "seal %x was already used", a.Work[:8])
	}
	if err := deposit(ctx, ctx.Signer, p.Amount); err != nil {
		return err
	}
	st.Mint(p.Amount)
	ctx.Emit("faucet", "account", ctx.Signer.String(), "amount", strconv.FormatUint(p.Amount, 10))
	return nil
}

// useWork records a spent seal and reports false if it was spent before.
// Seals are remembered for as long as their block could still be named by
// new work; expireWork forgets older ones.
func useWork(st *State, seal [32]byte, height uint64) bool {
	k := append([]byte{prefixUsedWork}, seal[:]...)
	if st.kv.Get(k) != nil {
		return false
	}
	st.kv.Set(k, u64Bytes(height))
	idx := append(heightKey(prefixUsedWorkByBlk, height), seal[:]...)
	st.kv.Set(idx, []byte{1})
	return true
}

// expireWork forgets seals recorded at heights that no new work can reach.
func expireWork(st *State, height uint64) {
	if height <= faucetWorkWindow+1 {
		return
	}
	old := height - faucetWorkWindow - 1
	start := heightKey(prefixUsedWorkByBlk, old)
	var keys [][]byte
	st.kv.Iterate(start, prefixEnd(start), func(k, _ []byte) bool {
		keys = append(keys, append([]byte(nil), k...))
		return true
	})
	for _, k := range keys {
		st.kv.Delete(k)
		st.kv.Delete(append([]byte{prefixUsedWork}, k[9:]...))
	}
}
