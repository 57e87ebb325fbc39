package scale

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/holiman/uint256"
)

const testDefs = `
// Types for the tests of this package.
struct AccountId32([u8; 32]);
struct Weight { ref_time: Compact<u64>, proof_size: Compact<u64> }
enum Phase { ApplyExtrinsic(u32), Finalization, Initialization }
enum Mixed { A, B(u16, bool), C { x: i8, s: str } = 7 }
enum Tree { Leaf, Node(Tree, Tree) }
struct Unit {}
struct Perbill(u32);
struct Everything {
	b: bool, c: char, s: String,
	u8: u8, u16: u16, u32: u32, u64: u64, u128: u128, u256: u256,
	i8: i8, i16: i16, i32: i32, i64: i64, i128: i128, i256: i256,
	cu8: Compact<u8>, cu128: Compact<u128>, cp: Compact<Perbill>,
	opt: Option<u16>, res: Result<u8, str>, arr: [u16; 3], tup: (u8, (bool,), ()),
	bytes: Vec<u8>, names: Vec<str>, map: BTreeMap<u16, bool>, boxed: Box<u8>,
	phase: Phase, mixed: Mixed,
}
type Units = Vec<Unit>;
type Nested = Vec<Vec<u16>>;
struct Wrapped(Vec<u16>);
type Wraps = Vec<Wrapped>;
type UnitNest = Vec<Vec<Unit>>;
`

func testRegistry(t testing.TB) *Registry {
	t.Helper()
	r, err := NewBuilder().Build()
	if err != nil {
		t.Fatal(err)
	}
	if r, err = r.Extend(testDefs); err != nil {
		t.Fatal(err)
	}
	return r
}

func mustResolve(t testing.TB, r *Registry, expr string) TypeID {
	t.Helper()
	id, err := r.Resolve(expr)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestResolveAndNames(t *testing.T) {
	r := testRegistry(t)
	for expr, name := range map[string]string{
		"AccountId32":              "AccountId32",
		"Vec<(u16, bool)>":         "Vec<(u16, bool)>",
		"BTreeMap<u16, bool>":      "Vec<(u16, bool)>",
		"Option<u16>":              "Option<u16>",
		"[u16; 3]":                 "[u16; 3]",
		"Compact<Perbill>":         "Compact<Perbill>",
		"(u8, (bool,), ())":        "(u8, (bool,), ())",
		"Result<u8, str>":          "Result<u8, str>",
		"Units":                    "Vec<Unit>",
		"u256":                     "u256",
		"Box<Option<u16>>":         "Option<u16>",
		"Vec<Vec<Unit>>":           "Vec<Vec<Unit>>",
		"Everything":               "Everything",
		"(u16, bool)":              "(u16, bool)",
		"(Phase)":                  "Phase",
		"WeakBoundedVec<u8, 1024>": "Vec<u8>",
	} {
		id, err := r.Resolve(expr)
		if err != nil {
			t.Errorf("Resolve(%q): %v", expr, err)
			continue
		}
		if got := r.TypeName(id); got != name {
			t.Errorf("TypeName(Resolve(%q)) = %q, want %q", expr, got, name)
		}
	}
	for _, expr := range []string{"Vec<u64>", "Nope", "Option<u64>", "[u8; 31]"} {
		if _, err := r.Resolve(expr); !errors.Is(err, ErrUnknownType) {
			t.Errorf("Resolve(%q) = %v, want ErrUnknownType", expr, err)
		}
	}
	// A builder adds what is missing and leaves the original alone.
	b := r.Builder()
	id, err := b.Type("Vec<u64>")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r2.Resolve("Vec<u64>"); got != id || r2.TypeName(id) != "Vec<u64>" {
		t.Errorf("built Vec<u64> = %d %s", got, r2.TypeName(id))
	}
	if _, err := r.Resolve("Vec<u64>"); err == nil || r.Len() == r2.Len() {
		t.Error("the base registry changed")
	}
}

// TestTypeNameBounded: a type of wide tuples nested deep (possible in hostile
// metadata) gets a short name quickly.
func TestTypeNameBounded(t *testing.T) {
	b := NewBuilder()
	prev, _ := b.Type("u8")
	for range 10 {
		wide := make([]TypeID, 100)
		for i := range wide {
			wide[i] = prev
		}
		prev = b.Add("", Type{Def: DefTuple, Tuple: wide})
	}
	r, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if name := r.TypeName(prev); len(name) > 2*maxNameLen {
		t.Errorf("name of %d bytes", len(name))
	}
}

func TestBuilderStruct(t *testing.T) {
	b := testRegistry(t).Builder()
	id, err := b.Struct("StakeInfo",
		FieldDef{"hotkey", "AccountId32"},
		FieldDef{"netuid", "Compact<u16>"},
		FieldDef{"stakes", "Vec<(AccountId32, Compact<u64>)>"},
		FieldDef{"next", "Option<StakeInfo>"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Struct("Bad", FieldDef{"x", "Vec<Nope>"}); err == nil || !strings.Contains(err.Error(), "struct Bad: field x") {
		t.Errorf("bad field: %v", err)
	}
	if _, err := b.Struct("Bad2", FieldDef{"x", "u8 u8"}); err == nil {
		t.Error("trailing tokens accepted")
	}
	r, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve("Bad"); err == nil {
		t.Error("a failed Struct left its name")
	}
	v := NewComposite(NamedValue{"hotkey", NewBytes(make([]byte, 32))}, NamedValue{"netuid", NewUint(3)},
		NamedValue{"stakes", NewSequence()}, NamedValue{"next", NewVariant("None")})
	data, err := r.EncodeValue(id, v)
	if err != nil || len(data) != 32+1+1+1 {
		t.Fatalf("encode: %x %v", data, err)
	}
	if got, _ := r.Resolve("StakeInfo"); got != id {
		t.Errorf("Resolve(StakeInfo) = %d, want %d", got, id)
	}
}

func TestDefineErrors(t *testing.T) {
	r := testRegistry(t)
	for src, want := range map[string]string{
		"struct A { x: u8 ":                 `expected "," or "}"`,
		"struct A { x u8 }":                 `expected ":"`,
		"union A {}":                        "expected struct, enum or type",
		"struct A { x: Nope }":              `field x: scale: unknown type: no type named "Nope"`,
		"struct A {} struct A {}":           "A defined twice",
		"enum E { A = 1, B = 1 }":           "variant index 1 is taken",
		"enum E { A = 300 }":                "above 255",
		"struct A { x: [u8; 3 }":            `expected "]"`,
		"struct A { x: Vec<u8, u8> }":       "Vec takes 1 type arguments",
		"struct A { x: Compact<i32> }":      "not an unsigned integer",
		"struct A { x: Foo<u8> }":           "unknown generic type Foo",
		"type T = Vec<Missing>":             "type T:",
		"struct A { x: u8 } garbage":        "expected struct, enum or type",
		"struct A { x: (u8, u16 }":          `expected "," or ")"`,
		"enum E { A(u8) B }":                `expected "," or "}" after variant A`,
		"struct A { x: [u8; 99999999999] }": "array length",
	} {
		_, err := r.Extend(src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Extend(%q) = %v, want an error containing %q", src, err, want)
		}
	}
	// A failed Define adds nothing.
	b := r.Builder()
	n := len(b.types)
	if err := b.Define("struct Ok1 { a: u8 } struct Bad { b: Missing }"); err == nil {
		t.Fatal("no error")
	}
	if len(b.types) != n {
		t.Errorf("failed Define left %d types", len(b.types)-n)
	}
}

func everything(t testing.TB) Value {
	max := func(bits uint) *big.Int {
		return new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1))
	}
	neg := func(bits uint) *big.Int { return new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), bits-1)) }
	return NewComposite(
		NamedValue{"b", NewBool(true)}, NamedValue{"c", NewChar('τ')}, NamedValue{"s", NewStr("héllo")},
		NamedValue{"u8", NewUint(255)}, NamedValue{"u16", NewUint(65535)}, NamedValue{"u32", NewUint(1<<32 - 1)},
		NamedValue{"u64", NewBig(max(64))}, NamedValue{"u128", NewBig(max(128))}, NamedValue{"u256", NewBig(max(256))},
		NamedValue{"i8", NewInt(-128)}, NamedValue{"i16", NewInt(-32768)}, NamedValue{"i32", NewInt(-1)},
		NamedValue{"i64", NewBig(neg(64))}, NamedValue{"i128", NewBig(neg(128))}, NamedValue{"i256", NewBig(neg(256))},
		NamedValue{"cu8", NewUint(255)}, NamedValue{"cu128", NewBig(max(128))}, NamedValue{"cp", NewUint(1_000_000_000)},
		NamedValue{"opt", NewVariant("Some", NamedValue{Value: NewUint(7)})},
		NamedValue{"res", NewVariant("Err", NamedValue{Value: NewStr("bad")})},
		NamedValue{"arr", NewSequence(NewUint(1), NewUint(2), NewUint(3))},
		NamedValue{"tup", NewTuple(NewUint(9), NewTuple(NewBool(false)), NewTuple())},
		NamedValue{"bytes", NewBytes([]byte{0xde, 0xad})},
		NamedValue{"names", NewSequence(NewStr("a"), NewStr(""))},
		NamedValue{"map", NewSequence(NewTuple(NewUint(1), NewBool(true)))},
		NamedValue{"boxed", NewUint(3)},
		NamedValue{"phase", NewVariant("ApplyExtrinsic", NamedValue{Value: NewUint(2)})},
		NamedValue{"mixed", NewVariant("C", NamedValue{"x", NewInt(-5)}, NamedValue{"s", NewStr("z")})},
	)
}

func TestValueRoundTripAndString(t *testing.T) {
	r := testRegistry(t)
	id := mustResolve(t, r, "Everything")
	data, err := r.EncodeValue(id, everything(t))
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.DecodeValue(id, data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.EncodeValue(id, v)
	if err != nil || string(again) != string(data) {
		t.Fatalf("round trip differs: %v\n%x\n%x", err, data, again)
	}
	want := `{b: true, c: 'τ', s: "héllo", u8: 255, u16: 65535, u32: 4294967295, u64: 18446744073709551615, ` +
		`u128: 340282366920938463463374607431768211455, ` +
		`u256: 115792089237316195423570985008687907853269984665640564039457584007913129639935, ` +
		`i8: -128, i16: -32768, i32: -1, i64: -9223372036854775808, i128: -170141183460469231731687303715884105728, ` +
		`i256: -57896044618658097711785492504343953926634992332820282019728792003956564819968, ` +
		`cu8: 255, cu128: 340282366920938463463374607431768211455, cp: 1000000000, opt: Some(7), res: Err("bad"), ` +
		`arr: [1, 2, 3], tup: (9, (false), ()), bytes: 0xdead, names: ["a", ""], map: [(1, true)], boxed: 3, ` +
		`phase: ApplyExtrinsic(2), mixed: C {x: -5, s: "z"}}`
	if got := v.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"b":true,"c":"τ","s":"héllo","u8":255,"u16":65535,"u32":4294967295,"u64":18446744073709551615,` +
		`"u128":340282366920938463463374607431768211455,` +
		`"u256":115792089237316195423570985008687907853269984665640564039457584007913129639935,` +
		`"i8":-128,"i16":-32768,"i32":-1,"i64":-9223372036854775808,"i128":-170141183460469231731687303715884105728,` +
		`"i256":-57896044618658097711785492504343953926634992332820282019728792003956564819968,` +
		`"cu8":255,"cu128":340282366920938463463374607431768211455,"cp":1000000000,"opt":{"Some":7},"res":{"Err":"bad"},` +
		`"arr":[1,2,3],"tup":[9,[false],[]],"bytes":"0xdead","names":["a",""],"map":[[1,true]],"boxed":3,` +
		`"phase":{"ApplyExtrinsic":2},"mixed":{"C":{"x":-5,"s":"z"}}}`
	if string(j) != wantJSON {
		t.Errorf("JSON =\n%s\nwant\n%s", j, wantJSON)
	}
	if name, idx, ok := v.Index(27).Variant(); name != "C" || idx != 7 || !ok {
		t.Errorf("mixed variant = %s %d", name, idx)
	}
	if x, ok := v.Get("mixed.x"); !ok || x.String() != "-5" {
		t.Errorf("mixed.x = %v", x)
	}
	if i, ok := v.Get("i8"); !ok {
		t.Error("no i8")
	} else if n, ok := i.Int64(); n != -128 || !ok {
		t.Errorf("i8 = %d", n)
	}
	if _, ok := v.Get("u128"); !ok {
		t.Error("no u128")
	} else if u, _ := v.Get("u128"); func() bool { _, ok := u.Uint64(); return ok }() {
		t.Error("u128 max fits uint64?")
	}
}

// TestNestedLists: a list of one list stays a list of one list, and a
// newtype around a list takes the list's value directly.
func TestNestedLists(t *testing.T) {
	r := testRegistry(t)
	one := NewSequence(NewSequence(NewUint(1), NewUint(2)))
	for _, expr := range []string{"Nested", "Wraps"} {
		id := mustResolve(t, r, expr)
		b, err := r.EncodeValue(id, one)
		if err != nil || hexs(b) != "04"+"08"+"0100"+"0200" {
			t.Errorf("%s: %x %v", expr, b, err)
		}
		v, err := r.DecodeValue(id, b)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := r.EncodeValue(id, v); err != nil || string(again) != string(b) {
			t.Errorf("%s: re-encode %x %v", expr, again, err)
		}
		var view [][]uint16
		if err := r.Decode(id, b, &view); err != nil || len(view) != 1 || len(view[0]) != 2 || view[0][1] != 2 {
			t.Errorf("%s view: %v %v", expr, view, err)
		}
	}
}

func TestEncodeValueErrors(t *testing.T) {
	r := testRegistry(t)
	for expr, c := range map[string]struct {
		v    Value
		want error
		msg  string
	}{
		"u8":               {NewUint(256), ErrOverflow, "256 does not fit u8"},
		"i8":               {NewInt(128), ErrOverflow, "does not fit i8"},
		"u16":              {NewInt(-1), ErrOverflow, ""},
		"Compact<u8>":      {NewUint(300), ErrOverflow, "Compact<u8>"},
		"str":              {NewUint(1), ErrMismatch, "uint value for str"},
		"[u16; 3]":         {NewSequence(NewUint(1)), ErrMismatch, "1 elements for [u16; 3]"},
		"Phase":            {NewVariant("Nope"), ErrMismatch, `no variant "Nope"`},
		"Weight":           {NewComposite(NamedValue{"ref_time", NewUint(1)}, NamedValue{"proof", NewUint(2)}), ErrMismatch, `at .proof_size`},
		"Vec<(u16, bool)>": {NewSequence(NewTuple(NewUint(1), NewUint(1))), ErrMismatch, "at [0][1]"},
	} {
		_, err := r.EncodeValue(mustResolve(t, r, expr), c.v)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("EncodeValue(%s, %v) = %v, want %v containing %q", expr, c.v, err, c.want, c.msg)
		}
	}
}

type weightView struct {
	RefTime   uint64 `scale:"ref_time"`
	ProofSize uint64
}

func TestViews(t *testing.T) {
	r := testRegistry(t)
	id := mustResolve(t, r, "Everything")
	data, err := r.EncodeValue(id, everything(t))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		B     bool
		C     rune
		S     string
		U8    uint16
		U16   int
		U128  uint256.Int
		U256  *big.Int
		I8    int8
		I128  big.Int
		CU128 *uint256.Int
		CP    uint32
		Opt   *uint16
		Arr   [3]uint16
		Tup   struct {
			A uint8
			B struct{ X bool }
		}
		Bytes []byte
		Names []string
		Map   []struct {
			K uint16
			V bool
		}
		Boxed uint8
		Mixed Value
	}
	if err := r.Decode(id, data, &got); err != nil {
		t.Fatalf("%T %#v", err, err)
	}
	if !got.B || got.C != 'τ' || got.S != "héllo" || got.U8 != 255 || got.U16 != 65535 || got.I8 != -128 ||
		got.CP != 1_000_000_000 || got.Opt == nil || *got.Opt != 7 || got.Arr != [3]uint16{1, 2, 3} ||
		got.Tup.A != 9 || got.Tup.B.X || string(got.Bytes) != "\xde\xad" || len(got.Names) != 2 ||
		len(got.Map) != 1 || got.Map[0].K != 1 || !got.Map[0].V || got.Boxed != 3 {
		t.Errorf("view: %+v", got)
	}
	if got.U128.Hex() != "0xffffffffffffffffffffffffffffffff" || got.U256.BitLen() != 256 || got.I128.BitLen() != 128 || got.I128.Sign() >= 0 ||
		got.CU128.Hex() != "0xffffffffffffffffffffffffffffffff" {
		t.Errorf("big numbers: %v %v %v %v", got.U128.Hex(), got.U256, &got.I128, got.CU128)
	}
	if got.Mixed.String() != `C {x: -5, s: "z"}` {
		t.Errorf("dynamic field = %v", got.Mixed)
	}

	// The same view encodes back to a Value-equivalent encoding of its fields.
	wid := mustResolve(t, r, "Weight")
	wb, err := r.Encode(wid, weightView{RefTime: 1 << 40, ProofSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	var w weightView
	if err := r.Decode(wid, wb, &w); err != nil || w.RefTime != 1<<40 || w.ProofSize != 3 {
		t.Errorf("weight round trip: %+v %v", w, err)
	}
	// Enums without fields: names and indices.
	pid := mustResolve(t, r, "Phase")
	var name string
	var index uint8
	if err := r.Decode(pid, []byte{1}, &name); err != nil || name != "Finalization" {
		t.Errorf("phase name %q %v", name, err)
	}
	if err := r.Decode(pid, []byte{2}, &index); err != nil || index != 2 {
		t.Errorf("phase index %d %v", index, err)
	}
	if b, err := r.Encode(pid, "Initialization"); err != nil || string(b) != "\x02" {
		t.Errorf("encode phase by name: %x %v", b, err)
	}
	// Option: nil pointer is None, a plain value is Some.
	oid := mustResolve(t, r, "Option<u16>")
	if b, _ := r.Encode(oid, (*uint16)(nil)); string(b) != "\x00" {
		t.Errorf("None = %x", b)
	}
	if b, _ := r.Encode(oid, uint16(5)); string(b) != "\x01\x05\x00" {
		t.Errorf("Some(5) = %x", b)
	}
	var opt *uint16 = new(uint16)
	if err := r.Decode(oid, []byte{0}, &opt); err != nil || opt != nil {
		t.Errorf("None into pointer: %v %v", opt, err)
	}
	// [32]byte from AccountId32, and back; a string for Vec<u8>.
	aid := mustResolve(t, r, "AccountId32")
	var acct [32]byte
	acct[31] = 9
	ab, err := r.Encode(aid, acct)
	if err != nil || len(ab) != 32 || ab[31] != 9 {
		t.Fatalf("encode account: %x %v", ab, err)
	}
	var back [32]byte
	if err := r.Decode(aid, ab, &back); err != nil || back != acct {
		t.Errorf("decode account: %v", err)
	}
	vid := mustResolve(t, r, "Vec<u8>")
	if b, err := r.Encode(vid, "hi"); err != nil || string(b) != "\x08hi" {
		t.Errorf("string as Vec<u8>: %x %v", b, err)
	}
	// Ints into smaller Go ints: range-checked per value.
	var small uint8
	if err := r.Decode(mustResolve(t, r, "u16"), []byte{200, 0}, &small); err != nil || small != 200 {
		t.Errorf("u16 200 into uint8: %d %v", small, err)
	}
	if err := r.Decode(mustResolve(t, r, "u16"), []byte{0x2c, 1}, &small); !errors.Is(err, ErrOverflow) {
		t.Errorf("u16 300 into uint8: %v", err)
	}
}

func TestViewErrors(t *testing.T) {
	r := testRegistry(t)
	wid := mustResolve(t, r, "Weight")
	wb, _ := r.Encode(wid, weightView{RefTime: 1, ProofSize: 2})
	var missing struct {
		RefTime uint64
		Other   uint64
	}
	err := r.Decode(wid, wb, &missing)
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), `has no field "Other"`) {
		t.Errorf("missing field: %v", err)
	}
	var optional struct {
		RefTime uint64
		Other   uint64 `scale:",optional"`
	}
	if err := r.Decode(wid, wb, &optional); err != nil || optional.RefTime != 1 {
		t.Errorf("optional field: %v", err)
	}
	var wrong struct{ RefTime string }
	if err := r.Decode(wid, wb, &wrong); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "field ref_time") {
		t.Errorf("wrong kind: %v", err)
	}
	var tooSmall struct{ RefTime uint8 }
	big, _ := r.Encode(wid, weightView{RefTime: 1024})
	err = r.Decode(wid, big, &tooSmall)
	if !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "at .ref_time") {
		t.Errorf("overflow: %v", err)
	}
	if err := r.Decode(wid, wb, missing); err == nil {
		t.Error("non-pointer accepted")
	}
	var phase string
	pb, _ := r.EncodeValue(mustResolve(t, r, "Phase"), NewVariant("ApplyExtrinsic", NamedValue{Value: NewUint(1)}))
	if err := r.Decode(mustResolve(t, r, "Phase"), pb, &phase); !errors.Is(err, ErrMismatch) {
		t.Errorf("variant with fields into string: %v", err)
	}
	var notPtr uint16
	if err := r.Decode(mustResolve(t, r, "Option<u16>"), []byte{0}, &notPtr); !errors.Is(err, ErrMismatch) {
		t.Errorf("Option into non-pointer: %v", err)
	}
	if _, err := r.Encode(wid, struct{ RefTime uint64 }{}); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "proof_size") {
		t.Errorf("encode with a missing field: %v", err)
	}
	if _, err := r.Encode(mustResolve(t, r, "u8"), -1); !errors.Is(err, ErrOverflow) {
		t.Errorf("encode -1 as u8: %v", err)
	}
	if _, err := r.Encode(mustResolve(t, r, "[u16; 3]"), []uint16{1, 2}); !errors.Is(err, ErrMismatch) {
		t.Errorf("encode 2 elements as [u16; 3]: %v", err)
	}
	if _, err := r.Encode(99999, 1); !errors.Is(err, ErrUnknownType) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestHostileInput(t *testing.T) {
	r, id := neuronRegistry(t)
	data := encodeNeurons(t, r, id, sampleNeurons(20))
	var view []neuronView
	// Every truncation fails cleanly, with ErrTruncated, in both decoders.
	for n := 0; n < len(data); n++ {
		if _, err := r.DecodeValue(id, data[:n]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("value of %d/%d bytes: %v", n, len(data), err)
		}
		if err := r.Decode(id, data[:n], &view); !errors.Is(err, ErrTruncated) {
			t.Fatalf("view of %d/%d bytes: %v", n, len(data), err)
		}
	}
	// Trailing bytes are an error unless a prefix decode is asked for.
	long := append(append([]byte{}, data...), 0)
	if _, err := r.DecodeValue(id, long); !errors.Is(err, ErrTrailing) {
		t.Errorf("trailing: %v", err)
	}
	if _, n, err := r.DecodeValuePrefix(id, long); err != nil || n != len(data) {
		t.Errorf("prefix: %d %v", n, err)
	}
	// A huge length prefix fails before allocating.
	huge := AppendCompact(nil, 1<<30)
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := r.DecodeValue(id, huge); !errors.Is(err, ErrTruncated) {
			t.Fatalf("huge length: %v", err)
		}
	})
	if allocs > 20 {
		t.Errorf("%v allocations for a rejected length", allocs)
	}
	tr := testRegistry(t)
	// Recursion is bounded.
	deep := make([]byte, 10_000)
	for i := range deep {
		deep[i] = 1
	}
	if _, err := tr.DecodeValue(mustResolve(t, tr, "Tree"), deep); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep tree: %v", err)
	}
	// Zero-sized elements are bounded although they take no bytes.
	if _, err := tr.DecodeValue(mustResolve(t, tr, "Units"), AppendCompact(nil, 1<<20)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("many units: %v", err)
	}
	nest := AppendCompact(nil, 60000)
	for range 60000 {
		nest = AppendCompact(nest, 60000)
	}
	if _, err := tr.DecodeValue(mustResolve(t, tr, "UnitNest"), nest); !errors.Is(err, ErrTooDeep) {
		t.Errorf("nested units: %v", err)
	}
	// Flipped bytes never panic and re-encode exactly when they decode.
	for i := range data {
		mut := append([]byte{}, data...)
		mut[i] ^= 0xa5
		v, n, err := r.DecodeValuePrefix(id, mut)
		if err == nil {
			if b, err := r.EncodeValue(id, v); err != nil || string(b) != string(mut[:n]) {
				t.Fatalf("flip at %d decodes but does not re-encode exactly: %v", i, err)
			}
		}
		_ = r.Decode(id, mut, &view)
	}
	// Invalid encodings name the sentinel.
	for expr, bad := range map[string]string{"bool": "\x02", "char": "\x00\xd8\x00\x00", "str": "\x04\xff", "Phase": "\x09", "Option<u16>": "\x02"} {
		var v Value
		if err := tr.Decode(mustResolve(t, tr, expr), []byte(bad), &v); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s %x: %v", expr, bad, err)
		}
	}
}

func TestBitSequences(t *testing.T) {
	b := NewBuilder()
	u8, _ := b.Type("u8")
	u32, _ := b.Type("u32")
	lsb := b.Add("Lsb0", Type{Path: []string{"bitvec", "order", "Lsb0"}})
	msb := b.Add("Msb0", Type{Path: []string{"bitvec", "order", "Msb0"}})
	l8 := b.Add("", Type{Def: DefBitSequence, BitStore: u8, BitOrder: lsb})
	m8 := b.Add("", Type{Def: DefBitSequence, BitStore: u8, BitOrder: msb})
	l32 := b.Add("", Type{Def: DefBitSequence, BitStore: u32, BitOrder: lsb})
	r, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	bits := []bool{true, false, true, true, false, false, false, false, false, true}
	for _, c := range []struct {
		id   TypeID
		want string
	}{
		{l8, "28" + "0d" + "02"},
		{m8, "28" + "b0" + "40"},
		{l32, "28" + "0d020000"},
	} {
		enc, err := r.EncodeValue(c.id, NewBits(bits))
		if err != nil || hexs(enc) != c.want {
			t.Errorf("%s: %x %v, want %s", r.TypeName(c.id), enc, err, c.want)
		}
		var back []bool
		if err := r.Decode(c.id, enc, &back); err != nil || len(back) != len(bits) {
			t.Fatalf("decode: %v", err)
		}
		for i := range bits {
			if back[i] != bits[i] {
				t.Errorf("%s bit %d", r.TypeName(c.id), i)
			}
		}
		v, _ := r.DecodeValue(c.id, enc)
		if v.String() != "0b1011000001" {
			t.Errorf("bits string %s", v)
		}
	}
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
