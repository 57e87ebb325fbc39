package metagraph

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/go-bittensor/bittensor/chain/types"
)

// account is a deterministic test key.
func account(tag string, i int) types.AccountID {
	var a types.AccountID
	copy(a[:], tag)
	a[31] = byte(i)
	return a
}

// testNeurons is a small subnet: 4 neurons, uid 0 and 1 validators with
// weights and bonds, uid 2 serving an axon.
func testNeurons() []types.NeuronInfo {
	ns := make([]types.NeuronInfo, 4)
	for i := range ns {
		ns[i] = types.NeuronInfo{
			Hotkey: account("hot", i), Coldkey: account("cold", i), UID: uint16(i), Netuid: 1,
			Active: true, Axon: types.AxonInfo{IP: "0.0.0.0"},
			TotalStake: uint64(i%3) * 1_500_000_000, Rank: uint16(i * 1000), Emission: uint64(i) * 7,
			Incentive: 65535, Consensus: 32767, Trust: 1, ValidatorTrust: 2, Dividends: 3,
			LastUpdate: uint64(10 + i), PruningScore: 9, RegisteredAt: 5,
			Weights: types.Row{}, Bonds: types.Row{},
		}
	}
	ns[0].ValidatorPermit, ns[1].ValidatorPermit = true, true
	ns[0].Weights = types.Row{{1, 65535}, {2, 65535}, {3, 0}}
	ns[1].Weights = types.Row{{1, 100}, {9, 300}} // uid 9 is gone: dropped
	ns[0].Bonds = types.Row{{0, 7}, {3, 65535}}
	ns[2].Axon = types.AxonInfo{Block: 30, Version: 650, IP: "203.0.113.7", Port: 8091, IPType: 4, Protocol: 4}
	return ns
}

func filled(t *testing.T, lite bool, ns []types.NeuronInfo) *Metagraph {
	t.Helper()
	m := &Metagraph{Netuid: ns[0].Netuid, Network: "local", Lite: lite}
	if err := m.fill(42, ns, nil, nil); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFillArrays(t *testing.T) {
	m := filled(t, false, testNeurons())
	if m.N != 4 || m.Block != 42 || !slices.Equal(m.UIDs, []uint16{0, 1, 2, 3}) {
		t.Fatalf("n %d block %d uids %v", m.N, m.Block, m.UIDs)
	}
	if !slices.Equal(m.Stake, []uint64{0, 1_500_000_000, 3_000_000_000, 0}) || !slices.Equal(m.S, []float64{0, 1.5, 3, 0}) {
		t.Errorf("stake %v S %v", m.Stake, m.S)
	}
	if m.I[0] != 1 || m.C[0] != 32767.0/65535 || m.R[3] != 3000.0/65535 || m.E[3] != 21e-9 || m.Emission[3] != 21 {
		t.Errorf("I %v C %v R %v E %v", m.I, m.C, m.R, m.E)
	}
	if !slices.Equal(m.ValidatorPermit, []bool{true, true, false, false}) || !slices.Equal(m.LastUpdate, []uint64{10, 11, 12, 13}) {
		t.Errorf("permits %v last update %v", m.ValidatorPermit, m.LastUpdate)
	}
	if m.Hotkeys[2] != account("hot", 2).String() || m.Coldkeys[3] != account("cold", 3).String() {
		t.Errorf("keys %v %v", m.Hotkeys, m.Coldkeys)
	}
	// Weights: rows normalised to 1; a target uid outside the subnet is
	// dropped; an empty row is zeros.
	want := [][]float64{{0, 0.5, 0.5, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}
	if !reflect.DeepEqual(m.W, want) {
		t.Errorf("W = %v, want %v", m.W, want)
	}
	if !reflect.DeepEqual(m.B, [][]uint16{{7, 0, 0, 65535}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}) {
		t.Errorf("B = %v", m.B)
	}
	if a := m.Axons[2]; a.IP != "203.0.113.7" || a.Port != 8091 || a.IPType != 4 || a.Version != 650 || a.Hotkey != m.Hotkeys[2] || a.Coldkey != m.Coldkeys[2] || !a.IsServing() {
		t.Errorf("axon 2 = %+v", a)
	}
	if m.Axons[0].IsServing() {
		t.Errorf("axon 0 = %+v", m.Axons[0])
	}
	if got := m.Addresses()[2]; got != "/ipv4/203.0.113.7:8091" {
		t.Errorf("address %q", got)
	}
	if m.String() != "metagraph(netuid:1, n:4, block:42, network:local)" {
		t.Errorf("String() = %q", m)
	}

	lite := filled(t, true, testNeurons())
	if lite.W != nil || lite.B != nil {
		t.Errorf("lite metagraph has W %v B %v", lite.W, lite.B)
	}
	// Neurons must come by uid.
	ns := testNeurons()
	ns[1], ns[2] = ns[2], ns[1]
	if err := (&Metagraph{}).fill(1, ns, nil, nil); err == nil {
		t.Error("neurons out of uid order accepted")
	}
}

func TestRootWeightsByPositionOfSubnet(t *testing.T) {
	ns := testNeurons()[:2]
	for i := range ns {
		ns[i].Netuid = 0
		ns[i].Bonds = types.Row{}
	}
	ns[0].Weights = types.Row{{0, 1}, {3, 3}}  // netuids 0 and 3
	ns[1].Weights = types.Row{{2, 10}, {5, 5}} // netuid 2 is gone
	m := &Metagraph{Netuid: 0, Lite: false}
	if err := m.fill(7, ns, []uint16{0, 1, 3, 5}, nil); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.25, 0, 0.75, 0}, {0, 0, 0, 1}}
	if !reflect.DeepEqual(m.W, want) || !slices.Equal(m.Subnets, []uint16{0, 1, 3, 5}) {
		t.Errorf("root W = %v, subnets %v", m.W, m.Subnets)
	}
	if len(m.B) != 2 || len(m.B[0]) != 0 {
		t.Errorf("root B = %v", m.B)
	}
}

func TestLookups(t *testing.T) {
	m := filled(t, true, testNeurons())
	if uid, ok := m.UID(account("hot", 3).String()); !ok || uid != 3 {
		t.Errorf("UID = %d, %v", uid, ok)
	}
	if _, ok := m.UID(account("cold", 3).String()); ok {
		t.Error("a coldkey found as a hotkey")
	}
	if got := m.ValidatorUIDs(); !slices.Equal(got, []uint16{0, 1}) {
		t.Errorf("validators %v", got)
	}
	if got := m.ServingUIDs(); !slices.Equal(got, []uint16{2}) {
		t.Errorf("serving %v", got)
	}
	// Stakes 0, 1.5, 3, 0: most first, ties by uid.
	for _, tt := range []struct {
		k    int
		want []uint16
	}{{0, []uint16{}}, {1, []uint16{2}}, {3, []uint16{2, 1, 0}}, {10, []uint16{2, 1, 0, 3}}, {-1, []uint16{}}} {
		if got := m.TopKByStake(tt.k); !slices.Equal(got, tt.want) {
			t.Errorf("TopKByStake(%d) = %v, want %v", tt.k, got, tt.want)
		}
	}
	axons := m.AxonsFor([]uint16{2, 0})
	if len(axons) != 2 || axons[0].Port != 8091 || axons[1].Hotkey != m.Hotkeys[0] {
		t.Errorf("AxonsFor = %+v", axons)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "uid 4") {
			t.Errorf("AxonsFor out of range: %v", r)
		}
	}()
	m.AxonsFor([]uint16{4})
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	var saved []*Metagraph
	for _, block := range []uint64{9, 120, 33} {
		m := filled(t, block != 120, testNeurons())
		m.Block = block
		path, err := m.Save(dir)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, "network-local", "netuid-1", "block-"+map[uint64]string{9: "9", 120: "120", 33: "33"}[block]+".mg")
		if path != want {
			t.Errorf("saved to %s, want %s", path, want)
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
			t.Errorf("saved file: %v %v", info, err)
		}
		saved = append(saved, m)
	}
	blocks, err := SavedBlocks(dir, "local", 1)
	if err != nil || !slices.Equal(blocks, []uint64{9, 33, 120}) {
		t.Errorf("SavedBlocks = %v, %v", blocks, err)
	}
	// Load picks the highest block (a full metagraph), equal to what was saved.
	got, err := Load(dir, "local", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, saved[1]) {
		t.Errorf("loaded %+v\nwant %+v", got, saved[1])
	}
	got, err = LoadBlock(dir, "local", 1, 9)
	if err != nil || !reflect.DeepEqual(got, saved[0]) || !got.Lite {
		t.Errorf("LoadBlock 9: %+v, %v", got, err)
	}
	if err := got.Sync(t.Context(), 0); !errors.Is(err, ErrNoClient) {
		t.Errorf("Sync without a client: %v", err)
	}
	if _, err := Load(dir, "local", 2); !errors.Is(err, ErrNotSaved) {
		t.Errorf("Load of an unsaved subnet: %v", err)
	}
	if _, err := LoadBlock(dir, "local", 1, 10); !errors.Is(err, ErrNotSaved) {
		t.Errorf("LoadBlock of an unsaved block: %v", err)
	}
}

func TestReadRejectsOtherFiles(t *testing.T) {
	m := filled(t, false, testNeurons())
	var good bytes.Buffer
	if err := m.Write(&good); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(good.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	plain.ReadFrom(zr)
	if !bytes.HasPrefix(plain.Bytes(), []byte{0xd9, 0xd9, 0xf7}) {
		t.Errorf("file does not start with the self-describe tag: % x", plain.Bytes()[:4])
	}
	// Uncompressed CBOR reads too.
	if got, err := Read(bytes.NewReader(plain.Bytes())); err != nil || got.N != 4 || got.W[0][1] != 0.5 {
		t.Errorf("plain CBOR: %v", err)
	}
	encode := func(v any) []byte {
		b, err := cbor.Marshal(cbor.Tag{Number: 55799, Content: v})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "self-describe"},
		{"text", []byte("metagraph"), "self-describe"},
		{"truncated", good.Bytes()[:good.Len()/2], "metagraph"},
		{"other format", encode(map[string]any{"format": "torch", "version": 1}), `format "torch"`},
		{"newer version", encode(map[string]any{"format": Format, "version": 2}), "format version 2"},
		{"bad neurons", encode(map[string]any{"format": Format, "version": 1, "neurons": "x"}), "metagraph"},
	} {
		_, err := Read(bytes.NewReader(tt.data))
		if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestFloatsMatchIntegers(t *testing.T) {
	ns := testNeurons()
	ns[3].TotalStake = math.MaxUint64
	m := filled(t, true, ns)
	for i := range m.N {
		if m.S[i] != float64(m.Stake[i])/1e9 || m.Tv[i] != float64(m.ValidatorTrust[i])/65535 || m.D[i] != float64(m.Dividends[i])/65535 || m.T[i] != float64(m.Trust[i])/65535 {
			t.Errorf("uid %d: floats disagree with integers", i)
		}
	}
}

// TestRefillAddresses: a second fill reuses the addresses of uids whose keys
// did not change and encodes the others anew; every address is its key's,
// and lookups by key follow the new keys.
func TestRefillAddresses(t *testing.T) {
	m := filled(t, false, testNeurons())
	ns := testNeurons()
	ns[1].Hotkey = account("replaced-hot", 1) // uid 1 re-registered
	ns[3].Coldkey = account("new-cold", 3)    // uid 3's hotkey changed hands
	ns = append(ns, testNeurons()[0])         // a new uid 4, the keys of uid 0
	ns[4].UID = 4
	if err := m.fill(43, ns, nil, nil); err != nil {
		t.Fatal(err)
	}
	for i, nr := range ns {
		if m.Hotkeys[i] != nr.Hotkey.String() || m.Coldkeys[i] != nr.Coldkey.String() {
			t.Errorf("uid %d: %s %s, want %s %s", i, m.Hotkeys[i], m.Coldkeys[i], nr.Hotkey, nr.Coldkey)
		}
		if m.Axons[i].Hotkey != nr.Hotkey.String() || m.Axons[i].Coldkey != nr.Coldkey.String() {
			t.Errorf("uid %d's axon: %s %s", i, m.Axons[i].Hotkey, m.Axons[i].Coldkey)
		}
	}
	if _, ok := m.UID(testNeurons()[1].Hotkey.String()); ok {
		t.Error("the replaced hotkey is still found")
	}
}
