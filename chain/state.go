package chain

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync/atomic"

	"github.com/go-bittensor/bittensor/chain/types"
)

// State is typed access to the chain's key-value state. The zero-cost
// wrapper can sit on the working tree, a transaction's cache or a committed
// version; the rules never know which.
type State struct {
	kv         KV
	appVersion uint64 // the state's app version once read (see AppVersion)
}

// NewState wraps a KV.
func NewState(kv KV) *State { return &State{kv: kv} }

// Account is an account's balance record.
type Account struct {
	Free  uint64 // RAO
	Nonce uint64 // transactions committed
}

// Account returns the record of a, zero if it does not exist.
func (s *State) Account(a types.AccountID) Account {
	v := s.kv.Get(accountKey(a))
	if v == nil {
		return Account{}
	}
	return decodeAccount(v)
}

// decodeAccount reads free(8) ‖ nonce(8).
func decodeAccount(v []byte) Account {
	if len(v) != 16 {
		mustRead(types.Errorf(types.ErrStateUnreadable, "account record of %d bytes, want 16", len(v)))
	}
	return Account{Free: binary.BigEndian.Uint64(v[:8]), Nonce: binary.BigEndian.Uint64(v[8:])}
}

// SetAccount stores a's record. An account with no balance and no nonce is
// deleted; one with a nonce is kept even at zero balance, so its nonce can
// never be reused (a reaped account in Substrate restarts at nonce 0 and
// can replay its old transactions; ours cannot).
func (s *State) SetAccount(a types.AccountID, acc Account) {
	if acc.Free == 0 && acc.Nonce == 0 {
		s.kv.Delete(accountKey(a))
		return
	}
	v := make([]byte, 16)
	binary.BigEndian.PutUint64(v[:8], acc.Free)
	binary.BigEndian.PutUint64(v[8:], acc.Nonce)
	s.kv.Set(accountKey(a), v)
}

// IterateAccounts visits every account in byte order of the account id.
func (s *State) IterateAccounts(fn func(types.AccountID, Account) bool) {
	start := []byte{prefixAccount}
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		var a types.AccountID
		copy(a[:], k[1:])
		return fn(a, decodeAccount(v))
	})
}

// Params returns the chain parameters.
func (s *State) Params() types.Params {
	v := s.kv.Get(singleKey(keyParams))
	if v == nil {
		panic("chain: state has no params (genesis not applied)")
	}
	if c := lastParams.Load(); c != nil && bytes.Equal(c.raw, v) {
		return c.p
	}
	var p types.Params
	if err := types.Unmarshal(v, &p); err != nil {
		mustRead(types.Errorf(types.ErrStateUnreadable, "stored params: %v", err))
	}
	lastParams.Store(&decodedParams{raw: bytes.Clone(v), p: p})
	return p
}

// lastParams is the last params record Params decoded, with its bytes.
// Every transaction reads the params and they change rarely (a sudo or
// governance call), so comparing the stored bytes with these saves
// decoding them each time; the answer is the decoding of exactly the
// stored bytes either way. types.Params holds no pointers, slices or maps
// (a test checks), so the copies handed out share nothing.
var lastParams atomic.Pointer[decodedParams]

type decodedParams struct {
	raw []byte
	p   types.Params
}

// SetParams stores the chain parameters.
func (s *State) SetParams(p types.Params) {
	b, err := types.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("chain: encode params: %v", err))
	}
	s.kv.Set(singleKey(keyParams), b)
}

// TotalIssuance is every RAO in existence.
func (s *State) TotalIssuance() uint64 { return bytesU64(s.kv.Get(singleKey(keyTotalIssuance))) }

// SetTotalIssuance stores the total issuance.
func (s *State) SetTotalIssuance(v uint64) { s.kv.Set(singleKey(keyTotalIssuance), u64Bytes(v)) }

// Mint adds amount to the total issuance; callers credit it somewhere in the
// same transition.
func (s *State) Mint(amount uint64) {
	ti := s.TotalIssuance()
	if ti+amount < ti {
		panic("chain: invariant: total issuance overflows")
	}
	s.SetTotalIssuance(ti + amount)
}

// Burn removes amount from the total issuance; callers debit it somewhere in
// the same transition.
func (s *State) Burn(amount uint64) {
	ti := s.TotalIssuance()
	if amount > ti {
		panic("chain: invariant: burning more than the total issuance")
	}
	s.SetTotalIssuance(ti - amount)
}

// Sudo returns the sudo account (zero if none).
func (s *State) Sudo() types.AccountID {
	var a types.AccountID
	copy(a[:], s.kv.Get(singleKey(keySudo)))
	return a
}

// SetSudo stores the sudo account.
func (s *State) SetSudo(a types.AccountID) { s.kv.Set(singleKey(keySudo), a[:]) }

// ChainID returns the chain id recorded at genesis.
func (s *State) ChainID() string { return string(s.kv.Get(singleKey(keyChainID))) }

// BlockHash returns the hash of a recent block (zero if not kept).
func (s *State) BlockHash(height uint64) [32]byte {
	var h [32]byte
	copy(h[:], s.kv.Get(heightKey(prefixBlockHash, height)))
	return h
}

// HasBlockHash reports whether the hash of height is kept.
func (s *State) HasBlockHash(height uint64) bool {
	return s.kv.Get(heightKey(prefixBlockHash, height)) != nil
}

// recordBlockHash stores the hash of the block being executed and forgets
// the one that left the BlockHashCount window.
func (s *State) recordBlockHash(height uint64, hash []byte) {
	if len(hash) != 32 {
		// Only a synthetic block (tests driving the app directly) lacks a
		// hash; store zeros to keep the window consistent.
		hash = make([]byte, 32)
	}
	s.kv.Set(heightKey(prefixBlockHash, height), hash)
	if height > types.BlockHashCount {
		s.kv.Delete(heightKey(prefixBlockHash, height-types.BlockHashCount))
	}
}
