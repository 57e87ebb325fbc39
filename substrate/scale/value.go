package scale

import (
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Kind is the shape of a Value.
type Kind uint8

// The kinds of Value. Arrays and sequences of u8 decode as Bytes; other
// arrays and sequences as Sequence.
const (
	KindInvalid   Kind = iota // the zero Value
	KindBool                  // bool
	KindChar                  // char (a Unicode code point)
	KindStr                   // str / String
	KindUint                  // any unsigned integer or compact, exact (big beyond 64 bits)
	KindInt                   // any signed integer, exact
	KindBytes                 // Vec<u8> or [u8; N]
	KindComposite             // a struct: fields in order, named or not
	KindVariant               // an enum value: variant name and index, then its fields
	KindSequence              // Vec<T> or [T; N] for T other than u8
	KindTuple                 // (A, B, ...)
	KindBits                  // a bit sequence
)

var kindNames = [...]string{"invalid", "bool", "char", "str", "uint", "int", "bytes", "composite", "variant", "sequence", "tuple", "bits"}

// String returns the kind's name ("uint", "composite", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is a dynamically typed SCALE value: what Registry.DecodeValue returns
// and Registry.EncodeValue takes. Composite and variant values keep their
// fields in order with their names, so a value re-encodes to exactly the bytes
// it came from, and a view can pick fields by name.
//
// Values are immutable: slices returned by accessors alias the value and must
// not be modified. The zero Value is Invalid. Accessors that read a scalar
// (Uint64, Bytes, ...) see through newtypes: a composite or tuple with exactly
// one field answers as that field, so an AccountId32 answers Bytes.
type Value struct {
	typ   TypeID
	kind  Kind
	index uint8   // Variant: the variant index; Uint, Int: bigNumber when b holds the number
	n     uint64  // Bool, Char, Uint, Int (two's complement) within 64 bits
	b     []byte  // Str, Bytes, Bits (one byte 0/1 per bit); numbers beyond 64 bits, little-endian
	items []Value // Composite, Variant, Sequence, Tuple
	names *names  // Composite, Variant
}

// bigNumber in Value.index marks a Uint or Int whose little-endian bytes
// (two's complement for Int) are in b because it does not fit 64 bits. A
// decoded value's bytes alias its private copy of the input, so large
// integers cost no allocation.
const bigNumber = 1

func (v *Value) isBig() bool {
	return (v.kind == KindUint || v.kind == KindInt) && v.index == bigNumber
}

// bigInt returns a number beyond 64 bits as a new big.Int.
func (v *Value) bigInt() *big.Int { return leToBig(v.b, v.kind == KindInt) }

// NamedValue is a field of a composite or variant value built with
// NewComposite or NewVariant.
type NamedValue struct {
	Name  string
	Value Value
}

// NewBool returns a bool value.
func NewBool(v bool) Value {
	if v {
		return Value{kind: KindBool, n: 1}
	}
	return Value{kind: KindBool}
}

// NewChar returns a char value.
func NewChar(r rune) Value { return Value{kind: KindChar, n: uint64(r)} }

// NewStr returns a string value.
func NewStr(s string) Value { return Value{kind: KindStr, b: []byte(s)} }

// NewUint returns an unsigned integer value.
func NewUint(v uint64) Value { return Value{kind: KindUint, n: v} }

// NewInt returns a signed integer value.
func NewInt(v int64) Value { return Value{kind: KindInt, n: uint64(v)} }

// NewBig returns an integer value of any size (Uint if v ≥ 0, else Int).
// The value keeps its own copy of v.
func NewBig(v *big.Int) Value {
	if v.Sign() >= 0 {
		if v.IsUint64() {
			return NewUint(v.Uint64())
		}
		return Value{kind: KindUint, index: bigNumber, b: bigToLE(v, (v.BitLen()+7)/8)}
	}
	if v.IsInt64() {
		return NewInt(v.Int64())
	}
	return Value{kind: KindInt, index: bigNumber, b: bigToLE(v, v.BitLen()/8+1)}
}

// NewBytes returns a bytes value holding a copy of b.
func NewBytes(b []byte) Value { return Value{kind: KindBytes, b: append([]byte{}, b...)} }

// NewBits returns a bit sequence value.
func NewBits(bits []bool) Value {
	b := make([]byte, len(bits))
	for i, v := range bits {
		if v {
			b[i] = 1
		}
	}
	return Value{kind: KindBits, n: uint64(len(bits)), b: b}
}

// NewSequence returns a sequence value of the given elements.
func NewSequence(items ...Value) Value { return Value{kind: KindSequence, items: items} }

// NewTuple returns a tuple value of the given elements.
func NewTuple(items ...Value) Value { return Value{kind: KindTuple, items: items} }

// NewComposite returns a composite value. Either every field is named
// (encoding matches them to the type's fields by name) or none is (matched by
// position).
func NewComposite(fields ...NamedValue) Value {
	v := Value{kind: KindComposite}
	v.items, v.names = splitNamed("", fields)
	return v
}

// NewVariant returns an enum value selecting the variant called name.
func NewVariant(name string, fields ...NamedValue) Value {
	v := Value{kind: KindVariant}
	v.items, v.names = splitNamed(name, fields)
	return v
}

func splitNamed(variant string, fields []NamedValue) ([]Value, *names) {
	items := make([]Value, len(fields))
	n := &names{variant: variant}
	for i, f := range fields {
		items[i] = f.Value
		if f.Name != "" && n.fields == nil {
			n.fields = make([]string, len(fields))
		}
	}
	for i, f := range fields {
		if n.fields != nil {
			n.fields[i] = f.Name
		}
	}
	return items, n
}

// Kind returns the value's kind.
func (v Value) Kind() Kind { return v.kind }

// TypeID returns the registry type the value was decoded as (0 for values
// built with the New functions).
func (v Value) TypeID() TypeID { return v.typ }

// IsValid reports whether v is not the zero Value.
func (v Value) IsValid() bool { return v.kind != KindInvalid }

// unwrap sees through single-field composites and 1-tuples.
func (v Value) unwrap() Value {
	for (v.kind == KindComposite || v.kind == KindTuple) && len(v.items) == 1 {
		v = v.items[0]
	}
	return v
}

// Bool returns the value of a bool.
func (v Value) Bool() (value, ok bool) {
	v = v.unwrap()
	return v.n == 1, v.kind == KindBool
}

// Char returns the value of a char.
func (v Value) Char() (rune, bool) {
	v = v.unwrap()
	return rune(v.n), v.kind == KindChar
}

// Text returns the value of a str.
func (v Value) Text() (string, bool) {
	v = v.unwrap()
	if v.kind != KindStr {
		return "", false
	}
	return string(v.b), true
}

// Uint64 returns an integer value that fits in a uint64.
func (v Value) Uint64() (uint64, bool) {
	v = v.unwrap()
	switch {
	case v.isBig():
		return 0, false
	case v.kind == KindUint:
		return v.n, true
	case v.kind == KindInt && int64(v.n) >= 0:
		return v.n, true
	}
	return 0, false
}

// Int64 returns an integer value that fits in an int64.
func (v Value) Int64() (int64, bool) {
	v = v.unwrap()
	switch {
	case v.isBig():
		return 0, false
	case v.kind == KindInt:
		return int64(v.n), true
	case v.kind == KindUint && v.n <= math.MaxInt64:
		return int64(v.n), true
	}
	return 0, false
}

// BigInt returns any integer value exactly, as a new big.Int.
func (v Value) BigInt() (*big.Int, bool) {
	v = v.unwrap()
	switch {
	case v.kind != KindUint && v.kind != KindInt:
		return nil, false
	case v.isBig():
		return v.bigInt(), true
	case v.kind == KindInt:
		return big.NewInt(int64(v.n)), true
	}
	return new(big.Int).SetUint64(v.n), true
}

// Bytes returns the bytes of a Vec<u8> or [u8; N] value (aliasing the value).
func (v Value) Bytes() ([]byte, bool) {
	v = v.unwrap()
	return v.b, v.kind == KindBytes
}

// Bits returns the bits of a bit sequence, in sequence order.
func (v Value) Bits() ([]bool, bool) {
	v = v.unwrap()
	if v.kind != KindBits {
		return nil, false
	}
	out := make([]bool, len(v.b))
	for i, c := range v.b {
		out[i] = c != 0
	}
	return out, true
}

// Variant returns the variant name and index of an enum value.
func (v Value) Variant() (name string, index uint8, ok bool) {
	if v.kind != KindVariant {
		return "", 0, false
	}
	return v.names.variant, v.index, true
}

// Len returns the number of fields or elements of a composite, variant,
// sequence or tuple, the length of bytes, str or bits, and 0 otherwise.
func (v Value) Len() int {
	switch v.kind {
	case KindComposite, KindVariant, KindSequence, KindTuple:
		return len(v.items)
	case KindBytes, KindStr, KindBits:
		return len(v.b)
	}
	return 0
}

// Index returns the i-th field or element (for Bytes, the i-th byte as a Uint),
// or the zero Value when i is out of range.
func (v Value) Index(i int) Value {
	switch v.kind {
	case KindComposite, KindVariant, KindSequence, KindTuple:
		if i >= 0 && i < len(v.items) {
			return v.items[i]
		}
	case KindBytes:
		if i >= 0 && i < len(v.b) {
			return Value{kind: KindUint, n: uint64(v.b[i])}
		}
	}
	return Value{}
}

// FieldName returns the name of the i-th field of a composite or variant, or
// "" for unnamed fields.
func (v Value) FieldName(i int) string {
	if (v.kind == KindComposite || v.kind == KindVariant) && v.names != nil && i >= 0 && i < len(v.names.fields) {
		return v.names.fields[i]
	}
	return ""
}

// Field returns the field called name of a composite or variant value.
func (v Value) Field(name string) (Value, bool) {
	if (v.kind != KindComposite && v.kind != KindVariant) || v.names == nil {
		return Value{}, false
	}
	for i, n := range v.names.fields {
		if n == name {
			return v.items[i], true
		}
	}
	return Value{}, false
}

// Get walks a dot-separated path of field names and element indices, e.g.
// "axon_info.ip" or "stake.0.1", and returns the value there.
func (v Value) Get(path string) (Value, bool) {
	if path == "" {
		return v, v.IsValid()
	}
	for seg := range strings.SplitSeq(path, ".") {
		if f, ok := v.Field(seg); ok {
			v = f
			continue
		}
		i, err := strconv.Atoi(seg)
		if err != nil {
			return Value{}, false
		}
		v = v.Index(i)
		if !v.IsValid() {
			return Value{}, false
		}
	}
	return v, true
}

// String formats the value for people: {name: value, ...} for named
// composites, (a, b) for tuples and unnamed composites (a newtype prints as
// its content), Name(...) or Name {...} for variants, [a, b] for sequences,
// 0x-hex for bytes, quoted strings, exact decimal numbers, 0b bits.
func (v Value) String() string {
	var b strings.Builder
	v.format(&b, 0)
	return b.String()
}

func (v Value) format(b *strings.Builder, depth int) {
	if depth > MaxDepth {
		b.WriteString("…")
		return
	}
	switch v.kind {
	case KindInvalid:
		b.WriteString("<invalid>")
	case KindBool:
		b.WriteString(strconv.FormatBool(v.n == 1))
	case KindChar:
		b.WriteString(strconv.QuoteRune(rune(v.n)))
	case KindStr:
		b.WriteString(strconv.Quote(string(v.b)))
	case KindUint:
		if v.isBig() {
			b.WriteString(v.bigInt().String())
		} else {
			b.WriteString(strconv.FormatUint(v.n, 10))
		}
	case KindInt:
		if v.isBig() {
			b.WriteString(v.bigInt().String())
		} else {
			b.WriteString(strconv.FormatInt(int64(v.n), 10))
		}
	case KindBytes:
		b.WriteString("0x")
		b.WriteString(hex.EncodeToString(v.b))
	case KindBits:
		b.WriteString("0b")
		for _, c := range v.b {
			b.WriteByte('0' + c)
		}
	case KindSequence:
		b.WriteByte('[')
		v.formatItems(b, depth, false)
		b.WriteByte(']')
	case KindTuple:
		b.WriteByte('(')
		v.formatItems(b, depth, false)
		b.WriteByte(')')
	case KindComposite:
		named := v.names != nil && v.names.fields != nil
		switch {
		case named:
			b.WriteByte('{')
			v.formatItems(b, depth, true)
			b.WriteByte('}')
		case len(v.items) == 1:
			v.items[0].format(b, depth+1)
		default:
			b.WriteByte('(')
			v.formatItems(b, depth, false)
			b.WriteByte(')')
		}
	case KindVariant:
		b.WriteString(v.names.variant)
		if len(v.items) == 0 {
			return
		}
		if v.names.fields != nil {
			b.WriteString(" {")
			v.formatItems(b, depth, true)
			b.WriteByte('}')
		} else {
			b.WriteByte('(')
			v.formatItems(b, depth, false)
			b.WriteByte(')')
		}
	}
}

func (v Value) formatItems(b *strings.Builder, depth int, named bool) {
	for i, it := range v.items {
		if i > 0 {
			b.WriteString(", ")
		}
		if named {
			b.WriteString(v.names.fields[i])
			b.WriteString(": ")
		}
		it.format(b, depth+1)
	}
}
