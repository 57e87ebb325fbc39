package metadata

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"testing"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// vectors are what polkadot-js (@polkadot/api 16) computes from the same
// metadata: testdata/gen_vectors.cjs wrote testdata/polkadotjs_vectors.json.
type vectors struct {
	Accounts struct{ Alice, Bob string }
	Storage  []struct {
		Pallet, Item, Key string
		Args              []json.RawMessage
	}
	StoragePrefixes []struct {
		Pallet, Item, Key string
		Args              []json.RawMessage
	}
	Hashers map[string]string
	Calls   []struct {
		Pallet, Call, Hex string
		Args              map[string]json.RawMessage
	}
	Constants   []struct{ Pallet, Name, Value string }
	SpecName    string
	SpecVersion uint32
	Errors      []struct {
		Index, Error       uint8
		Pallet, Name, Docs string
	}
	Events struct {
		Hex    string
		Expect []struct {
			Phase, Pallet, Name string
			Fields              map[string]string
		}
	}
	Neurons struct {
		Count int
		Hex   string
	}
}

func loadVectors(t *testing.T) *vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/polkadotjs_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

// arg turns a JSON argument of the vectors into a Go value for the key or
// call argument type: hex strings become bytes, numbers integers.
func arg(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if len(s) > 2 && s[:2] == "0x" {
			return [32]byte(unhex(t, s))
		}
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			t.Fatalf("argument %s", s)
		}
		return n
	}
	var list []uint16
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var n uint64
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatalf("argument %s: %v", raw, err)
	}
	return n
}

func TestPolkadotStorageKeys(t *testing.T) {
	vec := loadVectors(t)
	for _, rt := range []*Runtime{must(runtimes(t))} {
		for _, c := range vec.Storage {
			args := make([]any, len(c.Args))
			for i, a := range c.Args {
				args[i] = arg(t, a)
			}
			key, err := rt.StorageKey(c.Pallet, c.Item, args...)
			if err != nil {
				t.Fatalf("%s.%s: %v", c.Pallet, c.Item, err)
			}
			if got := "0x" + fmt.Sprintf("%x", key); got != c.Key {
				t.Errorf("%s.%s%v key\n got %s\nwant %s", c.Pallet, c.Item, args, got, c.Key)
			}
			// Split the key back into its parts; Concat and Identity parts decode to the arguments.
			e, _ := rt.Storage(c.Pallet, c.Item)
			parts, err := rt.SplitStorageKey(e, key)
			if err != nil {
				t.Fatalf("split %s.%s: %v", c.Pallet, c.Item, err)
			}
			for i, p := range parts {
				want, err := rt.Types.Encode(e.KeyTypes[i], args[i])
				if err != nil {
					t.Fatal(err)
				}
				got, err := rt.Types.EncodeValue(e.KeyTypes[i], p.Value)
				if err != nil || string(got) != string(want) || string(p.Encoded) != string(want) {
					t.Errorf("split %s.%s part %d (%s) = %v, want %x", c.Pallet, c.Item, i, p.Hasher, p.Value, want)
				}
			}
		}
		for _, c := range vec.StoragePrefixes {
			args := make([]any, len(c.Args))
			for i, a := range c.Args {
				args[i] = arg(t, a)
			}
			key, err := rt.StorageKey(c.Pallet, c.Item, args...)
			if err != nil || fmt.Sprintf("0x%x", key) != c.Key {
				t.Errorf("prefix %s.%s%v = %x, %v; want %s", c.Pallet, c.Item, args, key, err, c.Key)
			}
		}
	}
	in := unhex(t, vec.Hashers["input"])
	for name, h := range map[string]Hasher{"Blake2_128": Blake2_128, "Blake2_256": Blake2_256, "Twox128": Twox128, "Twox256": Twox256, "Twox64": Twox64Concat} {
		got := h.Append(nil, in)[:h.HashLen()]
		if fmt.Sprintf("0x%x", got) != vec.Hashers[name] {
			t.Errorf("%s = %x, want %s", name, got, vec.Hashers[name])
		}
	}
	if got := Identity.Append(nil, in); string(got) != string(in) {
		t.Errorf("Identity = %x", got)
	}
}

func must(_, v15 *Runtime) *Runtime { return v15 }

func TestSplitStorageKeyRejects(t *testing.T) {
	_, rt := runtimes(t)
	e, _ := rt.Storage("SubtensorModule", "Alpha")
	key, err := rt.StorageKey("SubtensorModule", "Alpha", [32]byte{1}, [32]byte{2}, uint16(3))
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"prefix":   append([]byte{0}, key[1:]...),
		"short":    key[:40],
		"trailing": append(append([]byte{}, key...), 0),
		"hash":     func() []byte { k := append([]byte{}, key...); k[33] ^= 1; return k }(),
	} {
		if _, err := rt.SplitStorageKey(e, bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := rt.StorageKey("SubtensorModule", "Alpha", 1, 2, 3, 4); err == nil {
		t.Error("four key parts for a 3-map")
	}
}

func TestPolkadotCalls(t *testing.T) {
	vec := loadVectors(t)
	_, rt := runtimes(t)
	for _, c := range vec.Calls {
		call, err := rt.Call(c.Pallet, c.Call)
		if err != nil {
			t.Fatal(err)
		}
		args := make([]any, len(call.Args))
		for i, a := range call.Args {
			args[i] = arg(t, c.Args[a.Name])
		}
		if c.Call == "transfer_keep_alive" {
			acct := args[0].([32]byte)
			args[0] = scale.NewVariant("Id", scale.NamedValue{Value: scale.NewBytes(acct[:])})
		}
		got, err := rt.EncodeCall(c.Pallet, c.Call, args...)
		if err != nil {
			t.Fatalf("%s.%s: %v", c.Pallet, c.Call, err)
		}
		if fmt.Sprintf("0x%x", got) != c.Hex {
			t.Errorf("%s.%s\n got 0x%x\nwant %s", c.Pallet, c.Call, got, c.Hex)
		}
		// The call decodes as a RuntimeCall and re-encodes the same.
		v, err := rt.Types.DecodeValue(rt.OuterEnums.Call, got)
		if err != nil {
			t.Fatal(err)
		}
		if name, _, _ := v.Variant(); name != c.Pallet {
			t.Errorf("RuntimeCall variant %s", name)
		}
		if name, _, _ := v.Index(0).Variant(); name != c.Call {
			t.Errorf("call variant %s", name)
		}
	}
}

func TestPolkadotConstantsAndErrors(t *testing.T) {
	vec := loadVectors(t)
	v14, v15 := runtimes(t)
	for _, rt := range []*Runtime{v14, v15} {
		if rt.SpecName != vec.SpecName || rt.SpecVersion != vec.SpecVersion {
			t.Errorf("spec %s %d", rt.SpecName, rt.SpecVersion)
		}
		for _, c := range vec.Constants {
			var v scale.Value
			if err := rt.DecodeConstant(c.Pallet, c.Name, &v); err != nil || v.String() != c.Value {
				t.Errorf("%s.%s = %v, %v; want %s", c.Pallet, c.Name, v, err, c.Value)
			}
		}
		if len(vec.Errors) < 50 {
			t.Fatalf("only %d errors", len(vec.Errors))
		}
		for _, e := range vec.Errors {
			me, err := rt.ModuleError(e.Index, [4]byte{e.Error})
			if err != nil {
				t.Fatal(err)
			}
			if me.Pallet != e.Pallet || me.Name != e.Name || me.Doc() != e.Docs {
				t.Errorf("error %d/%d = %s.%s %q, want %s.%s %q", e.Index, e.Error, me.Pallet, me.Name, me.Doc(), e.Pallet, e.Name, e.Docs)
			}
			if byName, err := rt.Error(e.Pallet, e.Name); err != nil || byName != me {
				t.Errorf("Error(%s, %s) = %v", e.Pallet, e.Name, err)
			}
		}
	}
	me, _ := v15.Error("SubtensorModule", "SettingWeightsTooFast")
	if me.String() != "SubtensorModule.SettingWeightsTooFast: "+me.Doc() || me.Doc() == "" {
		t.Errorf("String() = %s", me)
	}
}

func TestPolkadotEvents(t *testing.T) {
	vec := loadVectors(t)
	v14, v15 := runtimes(t)
	for _, rt := range []*Runtime{v14, v15} {
		e, _ := rt.Storage("System", "Events")
		data := unhex(t, vec.Events.Hex)
		v, err := rt.Types.DecodeValue(e.Value, data)
		if err != nil {
			t.Fatal(err)
		}
		if v.Len() != len(vec.Events.Expect) {
			t.Fatalf("%d records", v.Len())
		}
		for i, want := range vec.Events.Expect {
			rec := v.Index(i)
			phase, _ := rec.Field("phase")
			ev, _ := rec.Field("event")
			pallet, pidx, _ := ev.Variant()
			inner := ev.Index(0)
			name, eidx, _ := inner.Variant()
			if pn, _, _ := phase.Variant(); pn != want.Phase || pallet != want.Pallet || name != want.Name {
				t.Errorf("record %d: %s %s.%s, want %s %s.%s", i, pn, pallet, name, want.Phase, want.Pallet, want.Name)
			}
			if info, err := rt.Event(pidx, eidx); err != nil || info.Pallet != pallet || info.Name != name {
				t.Errorf("Event(%d, %d) = %v, %v", pidx, eidx, info, err)
			}
			for path, val := range want.Fields {
				f, ok := inner.Get(path)
				if !ok {
					t.Errorf("record %d: no field %s in %v", i, path, inner)
					continue
				}
				if _, err := strconv.ParseUint(val, 10, 64); err == nil {
					if f.String() != val {
						t.Errorf("record %d %s = %v, want %s", i, path, f, val)
					}
				} else if b, _ := f.Bytes(); fmt.Sprintf("0x%x", b) != val {
					t.Errorf("record %d %s = %v, want %s", i, path, f, val)
				}
			}
		}
		if again, err := rt.Types.EncodeValue(e.Value, v); err != nil || string(again) != string(data) {
			t.Errorf("events re-encode: %v", err)
		}
	}
}

// neuronDefs is spec 218's NeuronInfoLite, which the runtime API returns
// inside a Vec<u8> that metadata does not describe.
const neuronDefs = `
struct AxonInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8, protocol: u8, placeholder1: u8, placeholder2: u8 }
struct PrometheusInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8 }
struct NeuronInfoLite {
	hotkey: AccountId32, coldkey: AccountId32, uid: Compact<u16>, netuid: Compact<u16>, active: bool,
	axon_info: AxonInfo, prometheus_info: PrometheusInfo, stake: Vec<(AccountId32, Compact<u64>)>,
	rank: Compact<u16>, emission: Compact<u64>, incentive: Compact<u16>, consensus: Compact<u16>,
	trust: Compact<u16>, validator_trust: Compact<u16>, dividends: Compact<u16>, last_update: Compact<u64>,
	validator_permit: bool, pruning_score: Compact<u16>,
}
type NeuronsLite = Vec<NeuronInfoLite>;
`

// TestPolkadotNeurons decodes polkadot-js's encoding of two NeuronInfoLite
// with the runtime's registry extended by neuronDefs, and encodes the same
// neurons from Go to the same bytes.
func TestPolkadotNeurons(t *testing.T) {
	vec := loadVectors(t)
	_, rt := runtimes(t)
	reg, err := rt.Types.Extend(neuronDefs)
	if err != nil {
		t.Fatal(err)
	}
	id, err := reg.Resolve("NeuronsLite")
	if err != nil {
		t.Fatal(err)
	}
	type axon struct {
		Block            uint64
		Version          uint32
		IP               *big.Int `scale:"ip"`
		Port             uint16
		IPType, Protocol uint8
		Placeholder1     uint8
		Placeholder2     uint8
	}
	type prometheus struct {
		Block   uint64
		Version uint32
		IP      uint64 `scale:"ip"`
		Port    uint16
		IPType  uint8
	}
	type neuron struct {
		Hotkey, Coldkey [32]byte
		UID             uint16 `scale:"uid"`
		NetUID          uint16 `scale:"netuid"`
		Active          bool
		AxonInfo        axon
		PrometheusInfo  prometheus
		Stake           []struct {
			Coldkey [32]byte
			Amount  uint64
		}
		Rank, Incentive, Consensus, Trust, ValidatorTrust, Dividends, PruningScore uint16
		Emission, LastUpdate                                                       uint64
		ValidatorPermit                                                            bool
	}
	data := unhex(t, vec.Neurons.Hex)
	var ns []neuron
	if err := reg.Decode(id, data, &ns); err != nil {
		t.Fatal(err)
	}
	alice, bob := [32]byte(unhex(t, vec.Accounts.Alice)), [32]byte(unhex(t, vec.Accounts.Bob))
	if len(ns) != 2 || ns[1].UID != 1 || ns[1].Hotkey != alice || ns[1].Coldkey != bob || ns[1].AxonInfo.Block != 101 ||
		ns[1].AxonInfo.IP.String() != "3232235777" || ns[1].AxonInfo.Port != 8091 || len(ns[1].Stake) != 1 ||
		ns[1].Stake[0].Coldkey != bob || ns[1].Stake[0].Amount != 123456789012 || ns[1].Rank != 100 ||
		ns[1].Emission != 5000000000 || ns[1].Incentive != 65535 || ns[1].Dividends != 16384 ||
		ns[1].LastUpdate != 1234567 || ns[1].ValidatorPermit || !ns[0].ValidatorPermit || ns[1].PruningScore != 65535 {
		t.Errorf("neurons: %+v", ns)
	}
	again, err := reg.Encode(id, ns)
	if err != nil || string(again) != string(data) {
		t.Errorf("Go encoding differs from polkadot-js: %v\n got %x\nwant %x", err, again, data)
	}
}
