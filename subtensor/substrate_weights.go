package subtensor

// Hash-based commit-reveal of weights on a Bittensor Substrate runtime.
//
// A subnet with commit_reveal_weights_enabled refuses set_weights
// (CommitRevealEnabled). A validator instead commits the hash of its
// weights (commit_weights) and, one reveal period later, reveals them
// (reveal_weights) with the salt that makes the hash. The runtime's rules
// (pallets/subtensor/src/subnets/weights.rs of opentensor/subtensor):
//
//   - the hash is BlakeTwo256 of the SCALE encoding of the tuple
//     (hotkey: AccountId32, netuid: u16, uids: Vec<u16>, values: Vec<u16>,
//     salt: Vec<u16>, version_key: u64);
//   - epochs are numbered (block + netuid + 1) / (tempo + 1);
//   - a commit made in epoch e may be revealed only in epoch
//     e + RevealPeriodEpochs (default 1): from block
//     (e + period) × (tempo + 1) − (netuid + 1), for tempo + 1 blocks. The
//     runtime stores both ends with the commit (WeightCommits);
//   - after that epoch the commit has expired; at most 10 commits wait per
//     hotkey.
//
// The salt must survive until the reveal: see CommitStore.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/blake2b"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// CommitRevealWeights is what a chain with hash-based commit-reveal of
// weights offers beyond Chain. A SubstrateClient is one; the dev chain's
// CometBFTClient answers ErrNotSupported.
type CommitRevealWeights interface {
	// CommitReveal reports a subnet's commit-reveal settings at a block.
	CommitReveal(ctx context.Context, netuid uint16, atBlock uint64) (CommitRevealInfo, error)
	// CommitWeights commits the hash of a hotkey's weights (see CommitHash).
	CommitWeights(ctx context.Context, hotkey Signer, netuid uint16, hash [32]byte, wait Wait) (*TxResult, error)
	// RevealWeights reveals committed weights with their salt.
	RevealWeights(ctx context.Context, hotkey Signer, netuid uint16, uids, weights, salt []uint16, versionKey uint64, wait Wait) (*TxResult, error)
	// WeightCommits returns a hotkey's unrevealed commits on a subnet, oldest
	// first, as the chain keeps them.
	WeightCommits(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) ([]ChainCommit, error)
}

var (
	_ CommitRevealWeights = (*SubstrateClient)(nil)
	_ CommitRevealWeights = (*CometBFTClient)(nil)
)

// Errors of a reveal the chain would refuse for its timing, found before
// anything is sent.
var (
	// ErrRevealTooEarly: the commit's reveal window has not opened yet.
	ErrRevealTooEarly = errors.New("subtensor: too early to reveal these weights")
	// ErrRevealTooLate: the commit's reveal window has closed; the chain
	// has dropped (or will drop) the commit.
	ErrRevealTooLate = errors.New("subtensor: too late to reveal these weights")
	// ErrNoCommit: the chain holds no commit with this hash for the hotkey.
	ErrNoCommit = errors.New("subtensor: no such weights commit on chain")
)

// CommitRevealInfo is a subnet's commit-reveal settings at a block.
type CommitRevealInfo struct {
	Netuid uint16
	// Enabled says whether the subnet takes commit_weights/reveal_weights
	// (and refuses set_weights).
	Enabled bool
	// RevealPeriod is how many epochs after its commit's a commit is
	// revealed in.
	RevealPeriod uint64
	// Tempo is the subnet's tempo; Block the block read at.
	Tempo uint16
	Block uint64
}

// Epoch is the runtime's epoch index of block on this subnet.
func (i CommitRevealInfo) Epoch(block uint64) uint64 {
	return (block + uint64(i.Netuid) + 1) / (uint64(i.Tempo) + 1)
}

// RevealWindow returns the first and last block in which a commit made at
// block commitBlock may be revealed, as the runtime computes them.
func (i CommitRevealInfo) RevealWindow(commitBlock uint64) (first, last uint64) {
	reveal := i.Epoch(commitBlock) + i.RevealPeriod
	first = reveal*(uint64(i.Tempo)+1) - (uint64(i.Netuid) + 1)
	if reveal*(uint64(i.Tempo)+1) < uint64(i.Netuid)+1 {
		first = 0
	}
	return first, first + uint64(i.Tempo)
}

// ChainCommit is one unrevealed commit as the chain keeps it.
type ChainCommit struct {
	Hash        [32]byte
	CommitBlock uint64
	// FirstReveal and LastReveal bound the blocks the reveal may land in.
	FirstReveal, LastReveal uint64
}

// CommitHash is the hash commit_weights takes for these weights: BlakeTwo256
// of the SCALE encoding of (hotkey, netuid, uids, weights, salt, versionKey).
func CommitHash(hotkey types.AccountID, netuid uint16, uids, weights, salt []uint16, versionKey uint64) [32]byte {
	b := make([]byte, 0, 32+2+3*(4+2*len(uids))+8)
	b = append(b, hotkey[:]...)
	b = scale.AppendU16(b, netuid)
	for _, v := range [][]uint16{uids, weights, salt} {
		b = scale.AppendCompact(b, uint64(len(v)))
		for _, x := range v {
			b = scale.AppendU16(b, x)
		}
	}
	b = scale.AppendU64(b, versionKey)
	return blake2b.Sum256(b)
}

// SaltLen is the number of u16 values in a salt NewSalt makes (as
// Bittensor's SDK).
const SaltLen = 8

// NewSalt returns a random salt from crypto/rand.
func NewSalt() ([]uint16, error) {
	var b [2 * SaltLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("subtensor: salt: %w", err)
	}
	s := make([]uint16, SaltLen)
	for i := range s {
		s[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return s, nil
}

// CommitReveal reads a subnet's commit-reveal settings at a block.
func (c *SubstrateClient) CommitReveal(ctx context.Context, netuid uint16, atBlock uint64) (CommitRevealInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return CommitRevealInfo{}, err
	}
	if err := c.requireSubnet(ctx, at, netuid); err != nil {
		return CommitRevealInfo{}, err
	}
	info := CommitRevealInfo{Netuid: netuid, Block: n, RevealPeriod: 1}
	if _, err := c.storage(ctx, at, &info.Enabled, "SubtensorModule", "CommitRevealWeightsEnabled", netuid); err != nil {
		return info, err
	}
	if _, err := c.storage(ctx, at, &info.RevealPeriod, "SubtensorModule", "RevealPeriodEpochs", netuid); err != nil {
		return info, err
	}
	_, err = c.storage(ctx, at, &info.Tempo, "SubtensorModule", "Tempo", netuid)
	return info, err
}

// CommitWeights commits the hash of hotkey's weights on a subnet
// (commit_weights).
func (c *SubstrateClient) CommitWeights(ctx context.Context, hotkey Signer, netuid uint16, hash [32]byte, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, hotkey, wait, "SubtensorModule", "commit_weights", arg{"netuid", netuid}, arg{"commit_hash", hash})
	return res, err
}

// RevealWeights reveals weights committed with CommitWeights
// (reveal_weights).
func (c *SubstrateClient) RevealWeights(ctx context.Context, hotkey Signer, netuid uint16, uids, weights, salt []uint16, versionKey uint64, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, hotkey, wait, "SubtensorModule", "reveal_weights",
		arg{"netuid", netuid}, arg{"uids", uids}, arg{"values", weights}, arg{"salt", salt}, arg{"version_key", versionKey})
	return res, err
}

// WeightCommits reads a hotkey's unrevealed commits (WeightCommits).
func (c *SubstrateClient) WeightCommits(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) ([]ChainCommit, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	var raw []struct {
		Hash                                 [32]byte
		CommitBlock, FirstReveal, LastReveal uint64
	}
	if _, err := c.storage(ctx, at, &raw, "SubtensorModule", "WeightCommits", netuid, [32]byte(hotkey)); err != nil {
		return nil, err
	}
	out := make([]ChainCommit, len(raw))
	for i, r := range raw {
		out[i] = ChainCommit{Hash: r.Hash, CommitBlock: r.CommitBlock, FirstReveal: r.FirstReveal, LastReveal: r.LastReveal}
	}
	return out, nil
}

// SetCommitReveal turns a subnet's commit-reveal of weights on or off
// (AdminUtils.sudo_set_commit_reveal_weights_enabled; the subnet owner or
// the sudo key).
func (c *SubstrateClient) SetCommitReveal(ctx context.Context, signer Signer, netuid uint16, enabled bool, wait Wait) (*TxResult, error) {
	return c.sendAdmin(ctx, signer, wait, "AdminUtils", "sudo_set_commit_reveal_weights_enabled", arg{"netuid", netuid}, arg{"enabled", enabled})
}

// SetRevealPeriod sets how many epochs after its commit a reveal comes
// (AdminUtils.sudo_set_commit_reveal_weights_interval; the subnet owner or
// the sudo key).
func (c *SubstrateClient) SetRevealPeriod(ctx context.Context, signer Signer, netuid uint16, epochs uint64, wait Wait) (*TxResult, error) {
	return c.sendAdmin(ctx, signer, wait, "AdminUtils", "sudo_set_commit_reveal_weights_interval", arg{"netuid", netuid}, arg{"interval", epochs})
}

func (c *CometBFTClient) notCommitReveal() error {
	return fmt.Errorf("%w: hash-based commit-reveal of weights on the go-bittensor dev chain (use set_weights)", ErrNotSupported)
}

// CommitReveal reports commit-reveal off: the dev chain has none.
func (c *CometBFTClient) CommitReveal(ctx context.Context, netuid uint16, atBlock uint64) (CommitRevealInfo, error) {
	return CommitRevealInfo{Netuid: netuid, Block: atBlock}, nil
}

// CommitWeights is not offered by the dev chain: ErrNotSupported.
func (c *CometBFTClient) CommitWeights(context.Context, Signer, uint16, [32]byte, Wait) (*TxResult, error) {
	return nil, c.notCommitReveal()
}

// RevealWeights is not offered by the dev chain: ErrNotSupported.
func (c *CometBFTClient) RevealWeights(context.Context, Signer, uint16, []uint16, []uint16, []uint16, uint64, Wait) (*TxResult, error) {
	return nil, c.notCommitReveal()
}

// WeightCommits is not offered by the dev chain: ErrNotSupported.
func (c *CometBFTClient) WeightCommits(context.Context, uint16, types.AccountID, uint64) ([]ChainCommit, error) {
	return nil, c.notCommitReveal()
}
