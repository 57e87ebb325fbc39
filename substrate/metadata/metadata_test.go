package metadata

import (
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// The metadata of Bittensor's runtime, spec 218, as a node serves it:
// state_getMetadata (V14) and state_call Metadata_metadata_at_version(15).
const (
	v14File = "testdata/metadata-v14.scale"
	v15File = "testdata/metadata_at_version_15.scale"
)

var (
	loadOnce sync.Once
	rt14     *Runtime
	rt15     *Runtime
	loadErr  error
)

func runtimes(t testing.TB) (v14, v15 *Runtime) {
	t.Helper()
	loadOnce.Do(func() {
		var b []byte
		if b, loadErr = os.ReadFile(v14File); loadErr != nil {
			return
		}
		if rt14, loadErr = Parse(b); loadErr != nil {
			return
		}
		if b, loadErr = os.ReadFile(v15File); loadErr != nil {
			return
		}
		rt15, loadErr = ParseOpaque(b)
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return rt14, rt15
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseBothVersions(t *testing.T) {
	v14, v15 := runtimes(t)
	for _, rt := range []*Runtime{v14, v15} {
		if rt.SpecName != "node-subtensor" || rt.SpecVersion != 218 {
			t.Errorf("V%d: spec %q %d", rt.Version, rt.SpecName, rt.SpecVersion)
		}
		ex := rt.Extrinsic
		if ex.Version != 4 {
			t.Errorf("V%d extrinsic version %d", rt.Version, ex.Version)
		}
		for id, want := range map[scale.TypeID]string{
			ex.AddressType: "MultiAddress<AccountId32, ()>", ex.CallType: "RuntimeCall",
			ex.SignatureType: "MultiSignature", rt.OuterEnums.Call: "RuntimeCall", rt.OuterEnums.Event: "RuntimeEvent",
		} {
			if got := rt.Types.TypeName(id); got != want {
				t.Errorf("V%d: type %d is %s, want %s", rt.Version, id, got, want)
			}
		}
		var ids []string
		for _, s := range ex.SignedExtensions {
			ids = append(ids, s.Identifier)
		}
		if got := strings.Join(ids, ","); got != "CheckNonZeroSender,CheckSpecVersion,CheckTxVersion,CheckGenesis,CheckMortality,CheckNonce,CheckWeight,ChargeTransactionPayment,SubtensorSignedExtension,CommitmentsSignedExtension,CheckMetadataHash" {
			t.Errorf("V%d signed extensions %s", rt.Version, got)
		}
		if p, err := rt.PalletByIndex(7); err != nil || p.Name != "SubtensorModule" {
			t.Errorf("V%d pallet 7: %v %v", rt.Version, p, err)
		}
	}
	if v15.OuterEnums.HasError == false || v15.Types.TypeName(v15.OuterEnums.Error) != "RuntimeError" || v14.OuterEnums.HasError {
		t.Errorf("RuntimeError: V15 %v %s, V14 %v", v15.OuterEnums.HasError, v15.Types.TypeName(v15.OuterEnums.Error), v14.OuterEnums.HasError)
	}
	// Both versions describe the same pallets, calls and storage.
	if len(v14.Pallets) != len(v15.Pallets) {
		t.Fatalf("%d vs %d pallets", len(v14.Pallets), len(v15.Pallets))
	}
	for i, p := range v14.Pallets {
		q := v15.Pallets[i]
		if p.Name != q.Name || p.Index != q.Index || len(p.Calls) != len(q.Calls) || len(p.Storage) != len(q.Storage) ||
			len(p.Events) != len(q.Events) || len(p.Errors) != len(q.Errors) || len(p.Constants) != len(q.Constants) {
			t.Errorf("pallet %s differs between V14 and V15", p.Name)
		}
		for j, c := range p.Calls {
			if d := q.Calls[j]; c.Name != d.Name || c.Index != d.Index || len(c.Args) != len(d.Args) {
				t.Errorf("call %s.%s differs", p.Name, c.Name)
			}
		}
	}
	// V15 runtime APIs.
	m, err := v15.API("NeuronInfoRuntimeApi", "get_neurons_lite")
	if err != nil {
		t.Fatal(err)
	}
	if m.Method() != "NeuronInfoRuntimeApi_get_neurons_lite" || len(m.Inputs) != 1 || m.Inputs[0].Name != "netuid" ||
		v15.Types.TypeName(m.Inputs[0].Type) != "u16" || v15.Types.TypeName(m.Output) != "Vec<u8>" {
		t.Errorf("get_neurons_lite: %+v", m)
	}
	if m, err := v15.API("Metadata", "metadata_at_version"); err != nil || v15.Types.TypeName(m.Output) != "Option<OpaqueMetadata>" {
		t.Errorf("metadata_at_version: %v %v", m, err)
	}
	if _, err := v14.API("NeuronInfoRuntimeApi", "get_neurons_lite"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "V14 lists no runtime APIs") {
		t.Errorf("V14 API: %v", err)
	}
	if p, _ := v15.Pallet("SubtensorModule"); len(p.Docs) == 0 && len(p.Calls) == 0 {
		t.Error("SubtensorModule has no calls")
	}
}

func TestLookupsNameWhatIsMissing(t *testing.T) {
	_, rt := runtimes(t)
	for _, c := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := rt.Call("SubtensorModule", "add_stake_limit"); return err }(), "metadata: no call SubtensorModule.add_stake_limit in this runtime (spec 218)"},
		{func() error { _, err := rt.Storage("SubtensorModule", "Nope"); return err }(), "metadata: no storage entry SubtensorModule.Nope in this runtime (spec 218)"},
		{func() error { _, err := rt.Constant("Balances", "Nope"); return err }(), "metadata: no constant Balances.Nope in this runtime (spec 218)"},
		{func() error { _, err := rt.Error("Nope", "X"); return err }(), "metadata: no error Nope.X in this runtime (spec 218)"},
		{func() error { _, err := rt.Pallet("Nope"); return err }(), "metadata: no pallet Nope in this runtime (spec 218)"},
		{func() error { _, err := rt.API("SubnetInfoRuntimeApi", "get_metagraph"); return err }(), "metadata: no runtime API SubnetInfoRuntimeApi.get_metagraph in this runtime (spec 218)"},
		{func() error { _, err := rt.ModuleError(7, [4]byte{250}); return err }(), "metadata: pallet SubtensorModule has no error with index 250 (spec 218)"},
		{func() error { _, err := rt.Event(99, 0); return err }(), "metadata: no pallet with index 99 for event 0 (spec 218)"},
	} {
		if !errors.Is(c.err, ErrNotFound) || c.err.Error() != c.want {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
	if _, err := rt.EncodeCall("SubtensorModule", "add_stake", 1); err == nil || !strings.Contains(err.Error(), "takes 3 arguments (hotkey, netuid, amount_staked), got 1") {
		t.Errorf("argument count: %v", err)
	}
	if _, err := rt.EncodeCall("SubtensorModule", "add_stake", [32]byte{}, "one", uint64(1)); !errors.Is(err, scale.ErrMismatch) || !strings.Contains(err.Error(), "argument netuid") {
		t.Errorf("argument type: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	b, err := os.ReadFile(v14File)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		in   []byte
		want error
	}{
		"empty":     {nil, ErrInvalid},
		"magic":     {[]byte("mexa\x0e"), ErrInvalid},
		"version":   {[]byte("meta\x0d"), ErrUnsupported},
		"truncated": {b[:len(b)/2], ErrInvalid},
		"trailing":  {append(append([]byte{}, b...), 0), ErrInvalid},
	} {
		if _, err := Parse(c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, err := ParseOpaque([]byte{0}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("None: %v", err)
	}
	if _, err := ParseOpaque(append([]byte{1}, scale.AppendBytes(nil, b[:100])...)); !errors.Is(err, ErrInvalid) {
		t.Errorf("short opaque: %v", err)
	}
	if _, err := ParseOpaque(b); !errors.Is(err, ErrInvalid) {
		t.Errorf("unwrapped blob as opaque: %v", err)
	}
	// Damage at many places: never a panic, always ErrInvalid or a valid runtime.
	for i := 5; i < len(b); i += 997 {
		mut := append([]byte{}, b...)
		mut[i] ^= 0xff
		if _, err := Parse(mut); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("flip at %d: %v", i, err)
		}
		if _, err := Parse(b[:i]); !errors.Is(err, ErrInvalid) {
			t.Fatalf("cut at %d: %v", i, err)
		}
	}
}

// sample builds a value of type id (choosing variants by seed), or false
// when the type has no finite value within the depth.
func sample(reg *scale.Registry, id scale.TypeID, seed, depth int) (scale.Value, bool) {
	if depth > 24 {
		return scale.Value{}, false
	}
	t, _ := reg.Type(id)
	fields := func(fs []scale.Field) ([]scale.NamedValue, bool) {
		out := make([]scale.NamedValue, len(fs))
		for i, f := range fs {
			v, ok := sample(reg, f.Type, seed+i, depth+1)
			if !ok {
				return nil, false
			}
			out[i] = scale.NamedValue{Name: f.Name, Value: v}
		}
		return out, true
	}
	switch t.Def {
	case scale.DefComposite:
		fs, ok := fields(t.Fields)
		return scale.NewComposite(fs...), ok
	case scale.DefVariant:
		for k := range t.Variants {
			v := t.Variants[(seed+k)%len(t.Variants)]
			if fs, ok := fields(v.Fields); ok {
				return scale.NewVariant(v.Name, fs...), true
			}
		}
		return scale.Value{}, false
	case scale.DefSequence, scale.DefArray:
		n := 2
		if t.Def == scale.DefArray {
			n = int(t.Len)
		}
		items := make([]scale.Value, n)
		for i := range items {
			v, ok := sample(reg, t.Elem, seed+i, depth+1)
			if !ok {
				if t.Def == scale.DefSequence {
					return scale.NewSequence(), true
				}
				return scale.Value{}, false
			}
			items[i] = v
		}
		return scale.NewSequence(items...), true
	case scale.DefTuple:
		items := make([]scale.Value, len(t.Tuple))
		for i, e := range t.Tuple {
			v, ok := sample(reg, e, seed+i, depth+1)
			if !ok {
				return scale.Value{}, false
			}
			items[i] = v
		}
		return scale.NewTuple(items...), true
	case scale.DefPrimitive:
		switch p := t.Primitive; {
		case p == scale.PrimBool:
			return scale.NewBool(seed%2 == 0), true
		case p == scale.PrimChar:
			return scale.NewChar('β'), true
		case p == scale.PrimStr:
			return scale.NewStr("sample"), true
		case p.Signed():
			return scale.NewInt(-int64(seed%100) - 1), true
		default:
			return scale.NewUint(uint64(seed%200) + 1), true
		}
	case scale.DefCompact:
		return scale.NewUint(uint64(seed%200) * 1000 % 255), true
	case scale.DefBitSequence:
		return scale.NewBits([]bool{true, false, seed%2 == 0}), true
	}
	return scale.Value{}, false
}

// TestRoundTripEveryType builds values of every type of both registries
// (several variants each), encodes, decodes and re-encodes them.
func TestRoundTripEveryType(t *testing.T) {
	v14, v15 := runtimes(t)
	for _, rt := range []*Runtime{v14, v15} {
		built := 0
		for id := range scale.TypeID(rt.Types.Len()) {
			for seed := range 4 {
				v, ok := sample(rt.Types, id, seed, 0)
				if !ok {
					continue
				}
				b, err := rt.Types.EncodeValue(id, v)
				if err != nil {
					t.Fatalf("V%d encode %s: %v", rt.Version, rt.Types.TypeName(id), err)
				}
				back, err := rt.Types.DecodeValue(id, b)
				if err != nil {
					t.Fatalf("V%d decode %s %x: %v", rt.Version, rt.Types.TypeName(id), b, err)
				}
				again, err := rt.Types.EncodeValue(id, back)
				if err != nil || string(again) != string(b) {
					t.Fatalf("V%d re-encode %s: %v", rt.Version, rt.Types.TypeName(id), err)
				}
				built++
			}
		}
		if built < 3*rt.Types.Len() {
			t.Errorf("V%d: only %d values for %d types", rt.Version, built, rt.Types.Len())
		}
	}
}

// TestConstantsAndDefaults decodes every constant and every storage default
// of the real runtime and re-encodes it to the same bytes.
func TestConstantsAndDefaults(t *testing.T) {
	_, rt := runtimes(t)
	n := 0
	for _, p := range rt.Pallets {
		for _, c := range p.Constants {
			v, err := rt.Types.DecodeValue(c.Type, c.Value)
			if err != nil {
				t.Fatalf("constant %s.%s: %v", p.Name, c.Name, err)
			}
			if b, err := rt.Types.EncodeValue(c.Type, v); err != nil || string(b) != string(c.Value) {
				t.Fatalf("constant %s.%s re-encodes differently: %v", p.Name, c.Name, err)
			}
			n++
		}
		for _, e := range p.Storage {
			if e.Modifier != Default {
				continue
			}
			v, err := rt.Types.DecodeValue(e.Value, e.Default)
			if err != nil {
				t.Fatalf("default of %s.%s: %v", p.Name, e.Name, err)
			}
			if b, err := rt.Types.EncodeValue(e.Value, v); err != nil || string(b) != string(e.Default) {
				t.Fatalf("default of %s.%s re-encodes differently: %v", p.Name, e.Name, err)
			}
			n++
		}
	}
	if n < 200 {
		t.Errorf("only %d constants and defaults", n)
	}
	var ed uint64
	if err := rt.DecodeConstant("Balances", "ExistentialDeposit", &ed); err != nil || ed != 500 {
		t.Errorf("ExistentialDeposit = %d, %v", ed, err)
	}
}

// TestResolveRuntimeNames: names a client uses resolve in the real registry;
// an ambiguous one says which types it could mean.
func TestResolveRuntimeNames(t *testing.T) {
	_, rt := runtimes(t)
	for expr, want := range map[string]string{
		"AccountId32":                  "AccountId32",
		"sp_core::crypto::AccountId32": "AccountId32",
		"H256":                         "H256",
		"Vec<u8>":                      "Vec<u8>",
		"u16":                          "u16",
		"Option<OpaqueMetadata>":       "Option<OpaqueMetadata>",
		"RuntimeCall":                  "RuntimeCall",
	} {
		id, err := rt.Types.Resolve(expr)
		if err != nil || rt.Types.TypeName(id) != want {
			t.Errorf("Resolve(%q) = %s, %v", expr, rt.Types.TypeName(id), err)
		}
	}
	_, err := rt.Types.Resolve("Error")
	if !errors.Is(err, scale.ErrUnknownType) || !strings.Contains(err.Error(), `"Error" names`) || !strings.Contains(err.Error(), "use the full path") {
		t.Errorf("ambiguous name: %v", err)
	}
}
