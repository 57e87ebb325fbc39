package metagraph

// Saving and loading. A saved metagraph is a gzip stream of one CBOR map
// (RFC 8949) with text keys, tagged with CBOR's self-describe tag 55799 so
// that the first bytes after decompression say what the file is:
//
//	{"format": "go-bittensor-metagraph", "version": 1,
//	 "network": "local", "netuid": 1, "block": 1234, "lite": false,
//	 "subnets": [0, 1, …] (root network, full, only),
//	 "neurons": [NeuronInfo, …]}
//
// The neurons are the chain's records exactly as the client received them
// (chain/types.NeuronInfo: CBOR maps with integer keys, weights and bonds
// rows as byte strings of big-endian (uid, value) u16 pairs). Every array
// of the metagraph is rebuilt from them on Load. docs/metagraph.md lists
// the keys.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// Format and FormatVersion identify a saved metagraph. Load refuses files
// of another format or of a newer version.
const (
	Format        = "go-bittensor-metagraph"
	FormatVersion = 1
)

// DefaultDir is where Save and Load keep metagraphs unless told otherwise
// (Bittensor's place; "~" is the user's home directory).
const DefaultDir = "~/.bittensor/metagraphs"

// fileExt is the saved file's extension: block-<b>.mg.
const fileExt = ".mg"

// ErrNotSaved is returned by Load when there is no saved metagraph of the
// subnet.
var ErrNotSaved = errors.New("metagraph: no saved metagraph")

// ErrBadFile is wrapped by Load's errors for a file that is not a saved
// metagraph this package can read.
var ErrBadFile = errors.New("metagraph: not a readable metagraph file")

// selfDescribe is CBOR's self-describe tag; encoded, it is the file's
// first three bytes (after decompression).
const selfDescribe = 55799

var selfDescribePrefix = []byte{0xd9, 0xd9, 0xf7}

// file is the saved form.
type file struct {
	Format  string             `cbor:"format"`
	Version int                `cbor:"version"`
	Network string             `cbor:"network"`
	Netuid  uint16             `cbor:"netuid"`
	Block   uint64             `cbor:"block"`
	Lite    bool               `cbor:"lite"`
	Subnets []uint16           `cbor:"subnets,omitempty"`
	Neurons []types.NeuronInfo `cbor:"neurons"`
	// Dynamic holds the dynamic-TAO arrays and pool of a metagraph synced
	// from such a chain; absent otherwise (and in older files).
	Dynamic *dynamic `cbor:"dynamic,omitempty"`
}

var (
	fileEnc = mustEncMode()
	fileDec = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		MaxNestedLevels:  16,
		MaxArrayElements: 1 << 26,
		MaxMapPairs:      1 << 16,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// SubnetDir is the directory of a subnet's saved metagraphs under dir (""
// for DefaultDir): <dir>/network-<network>/netuid-<netuid>.
func SubnetDir(dir, network string, netuid uint16) string {
	if dir == "" {
		dir = DefaultDir
	}
	return filepath.Join(wallet.ExpandHome(dir), "network-"+network, "netuid-"+strconv.Itoa(int(netuid)))
}

// Path is where Save writes m under dir ("" for DefaultDir):
// <dir>/network-<network>/netuid-<netuid>/block-<block>.mg.
func (m *Metagraph) Path(dir string) string {
	return filepath.Join(SubnetDir(dir, m.networkName(), m.Netuid), "block-"+strconv.FormatUint(m.Block, 10)+fileExt)
}

func (m *Metagraph) networkName() string {
	if m.Network == "" {
		return "unknown"
	}
	return m.Network
}

// Save writes m under dir ("" for DefaultDir) and returns the file's path.
// The file is written to a temporary name and renamed, so a reader never
// sees half a file; an existing file of the same block is replaced.
func (m *Metagraph) Save(dir string) (string, error) {
	path := m.Path(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("metagraph: save: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".block-*.tmp")
	if err != nil {
		return "", fmt.Errorf("metagraph: save: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := m.Write(tmp); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("metagraph: save: %w", err)
	}
	// Public chain data: readable by others, as Bittensor's files are.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("metagraph: save: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("metagraph: save: %w", err)
	}
	return path, nil
}

// Write writes m in the saved format to w.
func (m *Metagraph) Write(w io.Writer) error {
	f := file{Format: Format, Version: FormatVersion, Network: m.networkName(), Netuid: m.Netuid,
		Block: m.Block, Lite: m.Lite, Subnets: m.Subnets, Neurons: m.Neurons}
	if m.Pool != nil {
		f.Dynamic = &dynamic{AlphaStake: m.AlphaStake, TaoStake: m.TaoStake, StakeWeight: m.StakeWeight, Pool: *m.Pool}
	}
	if f.Neurons == nil {
		f.Neurons = []types.NeuronInfo{}
	}
	body, err := fileEnc.Marshal(cbor.Tag{Number: selfDescribe, Content: f})
	if err != nil {
		return fmt.Errorf("metagraph: encode: %w", err)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := zw.Write(body); err != nil {
		return fmt.Errorf("metagraph: write: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("metagraph: write: %w", err)
	}
	return nil
}

// Read reads a metagraph in the saved format (gzip-compressed or not) and
// rebuilds its arrays. The result has no client: give it one with
// SetClient to Sync it.
func Read(r io.Reader) (*Metagraph, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
		}
		defer zr.Close()
		src = zr
	}
	raw, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	// The decoder skips the self-describe tag itself; check it is there.
	if !bytes.HasPrefix(raw, selfDescribePrefix) {
		return nil, fmt.Errorf("%w: no CBOR self-describe tag", ErrBadFile)
	}
	var head struct {
		Format  string `cbor:"format"`
		Version int    `cbor:"version"`
	}
	if err := fileDec.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	switch {
	case head.Format != Format:
		return nil, fmt.Errorf("%w: format %q, want %q", ErrBadFile, head.Format, Format)
	case head.Version < 1 || head.Version > FormatVersion:
		return nil, fmt.Errorf("%w: format version %d (this build reads 1 to %d)", ErrBadFile, head.Version, FormatVersion)
	}
	var f file
	if err := fileDec.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	m := &Metagraph{Netuid: f.Netuid, Network: f.Network, Lite: f.Lite}
	if !f.Lite && f.Netuid == 0 && f.Subnets == nil {
		f.Subnets = []uint16{}
	}
	if err := m.fill(f.Block, f.Neurons, f.Subnets, f.Dynamic); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	return m, nil
}

// LoadFile reads a saved metagraph from path.
func LoadFile(path string) (*Metagraph, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("metagraph: load: %w", err)
	}
	m, err := Read(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Load reads the saved metagraph of a subnet with the highest block under
// dir ("" for DefaultDir), as Bittensor's metagraph.load() does. With no
// saved metagraph it returns an error matching ErrNotSaved.
func Load(dir, network string, netuid uint16) (*Metagraph, error) {
	blocks, err := SavedBlocks(dir, network, netuid)
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w of subnet %d on %s under %s", ErrNotSaved, netuid, network, SubnetDir(dir, network, netuid))
	}
	return LoadBlock(dir, network, netuid, blocks[len(blocks)-1])
}

// LoadBlock reads the saved metagraph of a subnet at block.
func LoadBlock(dir, network string, netuid uint16, block uint64) (*Metagraph, error) {
	path := filepath.Join(SubnetDir(dir, network, netuid), "block-"+strconv.FormatUint(block, 10)+fileExt)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w of subnet %d on %s at block %d", ErrNotSaved, netuid, network, block)
	}
	return LoadFile(path)
}

// SavedBlocks lists the blocks of a subnet's saved metagraphs under dir,
// lowest first. A missing directory is no blocks.
func SavedBlocks(dir, network string, netuid uint16) ([]uint64, error) {
	entries, err := os.ReadDir(SubnetDir(dir, network, netuid))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("metagraph: %w", err)
	}
	var blocks []uint64
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, "block-") || !strings.HasSuffix(name, fileExt) {
			continue
		}
		b, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, "block-"), fileExt), 10, 64)
		if err != nil {
			continue
		}
		blocks = append(blocks, b)
	}
	slices.Sort(blocks)
	return blocks, nil
}
