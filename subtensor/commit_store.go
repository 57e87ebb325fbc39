package subtensor

// Pending weight commits on disk. A commit's salt is the only way to reveal
// it: it is written (0600, to a temporary file that is synced and renamed
// into place) before the commit is sent, so a process that dies between
// the commit and its reveal reveals after a restart, and removed once the
// chain has taken the reveal or the commit can no longer be revealed.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// DefaultCommitDir is where pending weight commits are kept unless told
// otherwise ("~" is the user's home directory).
const DefaultCommitDir = "~/.bittensor/weight-commits"

// PendingCommit is a weights commit waiting for its reveal, with what the
// reveal needs.
type PendingCommit struct {
	// Chain is the ChainID of the chain committed to.
	Chain      string   `json:"chain"`
	Netuid     uint16   `json:"netuid"`
	Hotkey     string   `json:"hotkey"`
	UIDs       []uint16 `json:"uids"`
	Weights    []uint16 `json:"weights"`
	Salt       []uint16 `json:"salt"`
	VersionKey uint64   `json:"version_key"`
	// Hash is the committed hash, hex.
	Hash string `json:"hash"`
	// CommitBlock is the block the commit landed in (0 until it has);
	// FirstReveal and LastReveal the blocks its reveal may land in.
	CommitBlock uint64 `json:"commit_block"`
	FirstReveal uint64 `json:"first_reveal"`
	LastReveal  uint64 `json:"last_reveal"`
	// SentBlock is the best block when the commit was sent: a commit the
	// chain has not taken InFlightBlocks later never will.
	SentBlock uint64 `json:"sent_block"`
}

// InFlightBlocks is how long after it was sent a commit the chain does not
// hold is still thought in flight (longer than any mortal era a client
// here signs with by default).
const InFlightBlocks = 256

// CommitStore keeps pending commits as one JSON file each in a directory
// (mode 0700, files 0600). It is safe for use by several goroutines of one
// process when they work on different commits.
type CommitStore struct {
	dir string
}

// OpenCommitStore opens (creating it) the store in dir ("" for
// DefaultCommitDir).
func OpenCommitStore(dir string) (*CommitStore, error) {
	if dir == "" {
		dir = DefaultCommitDir
	}
	dir = wallet.ExpandHome(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("subtensor: weight commits: %w", err)
	}
	return &CommitStore{dir: dir}, nil
}

// Dir is the store's directory.
func (s *CommitStore) Dir() string { return s.dir }

func (s *CommitStore) path(p *PendingCommit) string {
	h := strings.TrimPrefix(p.Hash, "0x")
	if len(h) > 16 {
		h = h[:16]
	}
	return filepath.Join(s.dir, fmt.Sprintf("netuid-%d-%s-%s.json", p.Netuid, p.Hotkey, h))
}

// Put writes p, replacing an earlier version of the same commit. The file
// is complete or absent, never half written.
func (s *CommitStore) Put(p *PendingCommit) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".commit-*.tmp")
	if err != nil {
		return fmt.Errorf("subtensor: save weight commit: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("subtensor: save weight commit: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("subtensor: save weight commit: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("subtensor: save weight commit: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("subtensor: save weight commit: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(p)); err != nil {
		return fmt.Errorf("subtensor: save weight commit: %w", err)
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync() // make the rename durable where the OS allows
		d.Close()
	}
	return nil
}

// Remove deletes p's file (no error when it is already gone).
func (s *CommitStore) Remove(p *PendingCommit) error {
	if err := os.Remove(s.path(p)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("subtensor: remove weight commit: %w", err)
	}
	return nil
}

// Pending returns the commits of hotkey (SS58) on netuid of chain, oldest
// commit first. A file that cannot be read is an error naming it.
func (s *CommitStore) Pending(chain string, netuid uint16, hotkey string) ([]*PendingCommit, error) {
	names, err := filepath.Glob(filepath.Join(s.dir, "netuid-"+strconv.Itoa(int(netuid))+"-"+hotkey+"-*.json"))
	if err != nil {
		return nil, err
	}
	var out []*PendingCommit
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("subtensor: weight commit %s: %w", name, err)
		}
		var p PendingCommit
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("subtensor: weight commit %s: %w", name, err)
		}
		if p.Chain == chain {
			out = append(out, &p)
		}
	}
	slices.SortFunc(out, func(a, b *PendingCommit) int {
		if a.CommitBlock != b.CommitBlock {
			return int(int64(a.CommitBlock) - int64(b.CommitBlock))
		}
		return strings.Compare(a.Hash, b.Hash)
	})
	return out, nil
}

// CommitRevealChain is what committing and revealing with a store needs.
type CommitRevealChain interface {
	CommitRevealWeights
	ChainID() string
	GetCurrentBlock(ctx context.Context) (uint64, error)
}

// CommitToStore commits hotkey's weights on netuid with a fresh salt: the
// commit is saved in store before it is sent, completed with its block and
// reveal window when the chain has taken it, and removed when the chain
// refuses it. wait must reach the block (WaitInclusion or WaitFinalized).
func CommitToStore(ctx context.Context, c CommitRevealChain, store *CommitStore, hotkey Signer, netuid uint16, uids, weights []uint16, versionKey uint64, wait Wait) (*PendingCommit, *TxResult, error) {
	if len(uids) != len(weights) {
		return nil, nil, fmt.Errorf("%w: %d uids but %d weights", ErrBadWeights, len(uids), len(weights))
	}
	salt, err := NewSalt()
	if err != nil {
		return nil, nil, err
	}
	who := types.AccountID(hotkey.PublicKey())
	hash := CommitHash(who, netuid, uids, weights, salt, versionKey)
	head, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return nil, nil, err
	}
	p := &PendingCommit{Chain: c.ChainID(), Netuid: netuid, Hotkey: who.String(), UIDs: uids, Weights: weights,
		Salt: salt, VersionKey: versionKey, Hash: "0x" + hex.EncodeToString(hash[:]), SentBlock: head}
	if err := store.Put(p); err != nil {
		return nil, nil, err
	}
	res, err := c.CommitWeights(ctx, hotkey, netuid, hash, wait)
	if err == nil && res != nil && res.Err != nil {
		err = res.Err
	}
	if err != nil {
		var ce *types.ChainError
		if errors.As(err, &ce) {
			_ = store.Remove(p) // refused: nothing to reveal
		}
		return nil, res, err
	}
	commits, err := c.WeightCommits(ctx, netuid, who, 0)
	if err != nil {
		return p, res, err
	}
	for _, cc := range commits {
		if cc.Hash == hash {
			p.CommitBlock, p.FirstReveal, p.LastReveal = cc.CommitBlock, cc.FirstReveal, cc.LastReveal
		}
	}
	return p, res, store.Put(p)
}

// RevealFromStore reveals p if the next block is in its reveal window and
// removes it from store once the chain has taken it. Before sending, it
// asks the chain: a reveal that would come too early is an error matching
// ErrRevealTooEarly, too late ErrRevealTooLate (the commit is then removed
// from store: it can never be revealed), a commit the chain does not hold
// ErrNoCommit; each says the blocks.
func RevealFromStore(ctx context.Context, c CommitRevealChain, store *CommitStore, hotkey Signer, p *PendingCommit, wait Wait) (*TxResult, error) {
	who := types.AccountID(hotkey.PublicKey())
	if who.String() != p.Hotkey {
		return nil, fmt.Errorf("subtensor: reveal: the commit is hotkey %s's, not %s's", p.Hotkey, who)
	}
	head, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return nil, err
	}
	next := head + 1
	commits, err := c.WeightCommits(ctx, p.Netuid, who, head)
	if err != nil {
		return nil, err
	}
	var found *ChainCommit
	for i := range commits {
		if "0x"+hex.EncodeToString(commits[i].Hash[:]) == p.Hash {
			found = &commits[i]
		}
	}
	if found == nil {
		if p.LastReveal != 0 && next > p.LastReveal {
			_ = store.Remove(p)
			return nil, fmt.Errorf("%w: the commit of block %d could be revealed in blocks %d to %d; the next block is %d",
				ErrRevealTooLate, p.CommitBlock, p.FirstReveal, p.LastReveal, next)
		}
		return nil, fmt.Errorf("%w: subnet %d holds no commit %s for hotkey %s", ErrNoCommit, p.Netuid, p.Hash, p.Hotkey)
	}
	switch {
	case next < found.FirstReveal:
		return nil, fmt.Errorf("%w: the commit of block %d may be revealed from block %d to %d; the next block is %d (wait %d more)",
			ErrRevealTooEarly, found.CommitBlock, found.FirstReveal, found.LastReveal, next, found.FirstReveal-next)
	case next > found.LastReveal:
		_ = store.Remove(p)
		return nil, fmt.Errorf("%w: the commit of block %d could be revealed in blocks %d to %d; the next block is %d",
			ErrRevealTooLate, found.CommitBlock, found.FirstReveal, found.LastReveal, next)
	}
	res, err := c.RevealWeights(ctx, hotkey, p.Netuid, p.UIDs, p.Weights, p.Salt, p.VersionKey, wait)
	if err == nil && res != nil && res.Err != nil {
		err = res.Err
	}
	if err != nil {
		return res, err
	}
	return res, store.Remove(p)
}

// Reconcile compares the stored commits of hotkey on netuid with the
// chain's and returns those that may still be revealed, oldest first: the
// ones the chain holds (their block and reveal window filled in, also for a
// commit whose sender stopped before it learnt them) and the ones still in
// flight (CommitBlock 0, sent less than InFlightBlocks ago). It removes the
// others from store: revealed, expired, or never taken by the chain.
func Reconcile(ctx context.Context, c CommitRevealChain, store *CommitStore, netuid uint16, hotkey types.AccountID) ([]*PendingCommit, error) {
	stored, err := store.Pending(c.ChainID(), netuid, hotkey.String())
	if err != nil || len(stored) == 0 {
		return nil, err
	}
	head, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return nil, err
	}
	onChain, err := c.WeightCommits(ctx, netuid, hotkey, head)
	if err != nil {
		return nil, err
	}
	var live []*PendingCommit
	for _, p := range stored {
		var found *ChainCommit
		for i := range onChain {
			if "0x"+hex.EncodeToString(onChain[i].Hash[:]) == p.Hash {
				found = &onChain[i]
			}
		}
		switch {
		case found != nil && found.LastReveal < head+1:
			_ = store.Remove(p) // expired; the chain drops it at its next commit or reveal
		case found != nil:
			if p.CommitBlock != found.CommitBlock {
				p.CommitBlock, p.FirstReveal, p.LastReveal = found.CommitBlock, found.FirstReveal, found.LastReveal
				if err := store.Put(p); err != nil {
					return nil, err
				}
			}
			live = append(live, p)
		case p.CommitBlock == 0 && head < p.SentBlock+InFlightBlocks:
			live = append(live, p)
		default:
			_ = store.Remove(p)
		}
	}
	return live, nil
}
