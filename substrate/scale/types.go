package scale

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// TypeID names a type in a Registry: its index in the registry's type list,
// as metadata's portable registry numbers them.
type TypeID = uint32

// Def says what shape a type has (scale-info's TypeDef).
type Def uint8

// The type shapes of scale-info's portable registry, in metadata's order.
const (
	DefComposite   Def = iota // a struct: named or unnamed fields in order
	DefVariant                // an enum: one index byte, then that variant's fields
	DefSequence               // Vec<T>: compact length, then the elements
	DefArray                  // [T; N]: exactly N elements, no length
	DefTuple                  // (A, B, ...): the elements in order
	DefPrimitive              // bool, char, str, u8..u256, i8..i256
	DefCompact                // Compact<T>: a compact unsigned integer
	DefBitSequence            // BitVec<Store, Order>: compact bit count, packed store words
)

var defNames = [...]string{"composite", "variant", "sequence", "array", "tuple", "primitive", "compact", "bitsequence"}

// String returns the shape's name ("composite", "variant", ...).
func (d Def) String() string {
	if int(d) < len(defNames) {
		return defNames[d]
	}
	return "def(" + strconv.Itoa(int(d)) + ")"
}

// Primitive is a primitive type, numbered as in metadata.
type Primitive uint8

// The primitives, in metadata's order.
const (
	PrimBool Primitive = iota
	PrimChar
	PrimStr
	PrimU8
	PrimU16
	PrimU32
	PrimU64
	PrimU128
	PrimU256
	PrimI8
	PrimI16
	PrimI32
	PrimI64
	PrimI128
	PrimI256
)

var primNames = [...]string{"bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "u256", "i8", "i16", "i32", "i64", "i128", "i256"}

// String returns the primitive's Rust name ("u16", "str", ...).
func (p Primitive) String() string {
	if int(p) < len(primNames) {
		return primNames[p]
	}
	return "primitive(" + strconv.Itoa(int(p)) + ")"
}

// Size returns the encoded size in bytes of a fixed-size integer primitive,
// 1 for bool, 4 for char, and 0 for str.
func (p Primitive) Size() int {
	switch p {
	case PrimBool, PrimU8, PrimI8:
		return 1
	case PrimU16, PrimI16:
		return 2
	case PrimChar, PrimU32, PrimI32:
		return 4
	case PrimU64, PrimI64:
		return 8
	case PrimU128, PrimI128:
		return 16
	case PrimU256, PrimI256:
		return 32
	}
	return 0
}

// Signed reports whether p is a signed integer.
func (p Primitive) Signed() bool { return p >= PrimI8 && p <= PrimI256 }

// Integer reports whether p is an integer type.
func (p Primitive) Integer() bool { return p >= PrimU8 && p <= PrimI256 }

// Field is one field of a composite type or of a variant. Name is empty for
// unnamed (tuple-struct) fields; TypeName is the Rust type as written in the
// source (e.g. "T::AccountId"), informational only.
type Field struct {
	Name     string
	Type     TypeID
	TypeName string
	Docs     []string
}

// Variant is one variant of an enum type. Index is the byte that selects it
// on the wire (not necessarily its position in the list).
type Variant struct {
	Name   string
	Index  uint8
	Fields []Field
	Docs   []string
}

// TypeParam is a generic parameter of a type, e.g. T of Option<T>. HasType is
// false for parameters the metadata leaves unresolved.
type TypeParam struct {
	Name    string
	Type    TypeID
	HasType bool
}

// Type describes one type of a registry. Which fields are meaningful depends
// on Def; the others are zero. A Type held by a Registry must not be modified.
type Type struct {
	Path   []string // e.g. ["sp_core", "crypto", "AccountId32"]; empty for Vec, tuples, primitives
	Params []TypeParam
	Docs   []string
	Def    Def

	Fields    []Field   // DefComposite
	Variants  []Variant // DefVariant
	Elem      TypeID    // DefSequence, DefArray, DefCompact: the element type
	Len       uint32    // DefArray: the element count
	Tuple     []TypeID  // DefTuple: the element types
	Primitive Primitive // DefPrimitive
	BitStore  TypeID    // DefBitSequence: the store word type (u8, u16, u32 or u64)
	BitOrder  TypeID    // DefBitSequence: bitvec::order::Lsb0 or Msb0
}

// Name returns the last segment of the type's path ("AccountId32"), or "".
func (t *Type) Name() string {
	if len(t.Path) == 0 {
		return ""
	}
	return t.Path[len(t.Path)-1]
}

// IsOption reports whether t is Option<T> (path "Option", variants None and
// Some(T)) and returns T.
func (t *Type) IsOption() (TypeID, bool) {
	if t.Def != DefVariant || len(t.Path) != 1 || t.Path[0] != "Option" || len(t.Variants) != 2 {
		return 0, false
	}
	none, some := t.Variants[0], t.Variants[1]
	if none.Name != "None" || none.Index != 0 || len(none.Fields) != 0 ||
		some.Name != "Some" || some.Index != 1 || len(some.Fields) != 1 {
		return 0, false
	}
	return some.Fields[0].Type, true
}

// Registry is an immutable set of types numbered by TypeID, as in metadata's
// portable registry, plus the names given to them by Builder definitions. It
// decodes and encodes values of any of its types (Decode, DecodeValue,
// Encode, EncodeValue). A Registry is safe for concurrent use; it caches the
// reflection plans of typed views per (type id, Go type).
type Registry struct {
	types []Type
	info  []typeInfo

	defined map[string]TypeID // names given by Builder definitions

	indexOnce  sync.Once
	names      map[string][]TypeID // full path and last path segment → ids
	structural map[string]TypeID   // structural key (see structKey) → first id

	plans sync.Map // planKey → *decPlan / *encPlan
}

// typeInfo is what the codec precomputes per type.
type typeInfo struct {
	minSize   int       // lower bound of the encoded size in bytes
	u8        bool      // a Sequence or Array whose element is the u8 primitive
	denseVar  bool      // variants are in index order 0, 1, 2, ...
	compact   Primitive // DefCompact: the integer primitive inside (through newtypes)
	compactOK bool      // DefCompact: the inner type is an unsigned integer or ()
	bitStore  int       // DefBitSequence: store word size in bytes, 0 if invalid
	msb0      bool      // DefBitSequence: Msb0 order
	names     *names    // DefComposite: field names; nil when all unnamed
	varNames  []*names  // DefVariant: per variant, its name and field names
}

// MaxDepth is how deeply values may nest (types within types) before
// decoding or encoding fails with ErrTooDeep. It bounds the stack on hostile
// or recursive input.
const MaxDepth = 128

// MaxZeroSized is how many values of zero-sized types (such as () or an empty
// struct) one decode may produce; they consume no bytes, so the input length
// cannot bound them.
const MaxZeroSized = 1 << 16

// NewRegistry returns a registry of types, where types[i] has TypeID i. It
// checks that every referenced type id exists, that variant indices are
// unique, and that compact and bit-sequence types are well formed enough to
// decode; the types are then owned by the registry and must not be modified.
func NewRegistry(types []Type) (*Registry, error) {
	r := &Registry{types: types, info: make([]typeInfo, len(types))}
	if err := r.compile(); err != nil {
		return nil, err
	}
	return r, nil
}

// Len returns the number of types.
func (r *Registry) Len() int { return len(r.types) }

// Type returns the type with the given id. The result must not be modified.
func (r *Registry) Type(id TypeID) (*Type, bool) {
	if int64(id) >= int64(len(r.types)) {
		return nil, false
	}
	return &r.types[id], true
}

func (r *Registry) compile() error {
	n := TypeID(len(r.types))
	check := func(id, ref TypeID, what string) error {
		if ref >= n {
			return fmt.Errorf("%w: type %d: %s refers to type %d, the registry has %d types", ErrUnknownType, id, what, ref, n)
		}
		return nil
	}
	for i := range r.types {
		id := TypeID(i)
		t := &r.types[i]
		inf := &r.info[i]
		for _, p := range t.Params {
			if p.HasType {
				if err := check(id, p.Type, "parameter "+p.Name); err != nil {
					return err
				}
			}
		}
		switch t.Def {
		case DefComposite:
			named := false
			for _, f := range t.Fields {
				if err := check(id, f.Type, "field "+f.Name); err != nil {
					return err
				}
				named = named || f.Name != ""
			}
			if named {
				inf.names = fieldNames("", t.Fields)
			}
		case DefVariant:
			var seen [256]bool
			inf.denseVar = true
			inf.varNames = make([]*names, len(t.Variants))
			for j, v := range t.Variants {
				if seen[v.Index] {
					return fmt.Errorf("%w: type %d: variant index %d used twice", ErrInvalid, id, v.Index)
				}
				seen[v.Index] = true
				if int(v.Index) != j {
					inf.denseVar = false
				}
				for _, f := range v.Fields {
					if err := check(id, f.Type, "variant "+v.Name+" field "+f.Name); err != nil {
						return err
					}
				}
				inf.varNames[j] = fieldNames(v.Name, v.Fields)
			}
		case DefSequence, DefArray, DefCompact:
			if err := check(id, t.Elem, "element"); err != nil {
				return err
			}
		case DefTuple:
			for _, e := range t.Tuple {
				if err := check(id, e, "tuple element"); err != nil {
					return err
				}
			}
		case DefPrimitive:
			if t.Primitive > PrimI256 {
				return fmt.Errorf("%w: type %d: unknown primitive %d", ErrInvalid, id, t.Primitive)
			}
		case DefBitSequence:
			if err := check(id, t.BitStore, "bit store"); err != nil {
				return err
			}
			if err := check(id, t.BitOrder, "bit order"); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: type %d: unknown type shape %d", ErrInvalid, id, t.Def)
		}
	}
	// Second pass: facts that need the referenced types.
	for i := range r.types {
		t := &r.types[i]
		inf := &r.info[i]
		switch t.Def {
		case DefSequence, DefArray:
			e := &r.types[t.Elem]
			inf.u8 = e.Def == DefPrimitive && e.Primitive == PrimU8
		case DefCompact:
			inf.compact, inf.compactOK = r.compactInner(t.Elem)
		case DefBitSequence:
			if s := &r.types[t.BitStore]; s.Def == DefPrimitive {
				switch s.Primitive {
				case PrimU8, PrimU16, PrimU32, PrimU64:
					inf.bitStore = s.Primitive.Size()
				}
			}
			switch r.types[t.BitOrder].Name() {
			case "Lsb0":
			case "Msb0":
				inf.msb0 = true
			default:
				inf.bitStore = 0
			}
		}
	}
	sizes := make([]int8, len(r.types)) // 0 unknown, 1 in progress, 2 done
	for i := range r.types {
		r.minSize(TypeID(i), sizes, 0)
	}
	return nil
}

// compactInner follows single-field composites (Perbill(u32), ...) to the
// unsigned integer a Compact<T> encodes. () counts as a zero u8.
func (r *Registry) compactInner(id TypeID) (Primitive, bool) {
	for range 16 {
		t := &r.types[id]
		switch t.Def {
		case DefPrimitive:
			switch t.Primitive {
			case PrimU8, PrimU16, PrimU32, PrimU64, PrimU128:
				return t.Primitive, true
			}
			return 0, false
		case DefComposite:
			if len(t.Fields) == 0 {
				return PrimU8, true
			}
			if len(t.Fields) != 1 {
				return 0, false
			}
			id = t.Fields[0].Type
		case DefTuple:
			if len(t.Tuple) == 0 {
				return PrimU8, true
			}
			if len(t.Tuple) != 1 {
				return 0, false
			}
			id = t.Tuple[0]
		default:
			return 0, false
		}
	}
	return 0, false
}

// minSize computes a lower bound of each type's encoded size. Types met again
// while being computed (recursive types) count as 0, which keeps the bound a
// lower bound.
func (r *Registry) minSize(id TypeID, state []int8, depth int) int {
	switch state[id] {
	case 1:
		return 0
	case 2:
		return r.info[id].minSize
	}
	if depth > MaxDepth {
		return 0
	}
	state[id] = 1
	t := &r.types[id]
	size := 0
	add := func(n int) {
		size += n
		if size > 1<<40 {
			size = 1 << 40
		}
	}
	switch t.Def {
	case DefComposite:
		for _, f := range t.Fields {
			add(r.minSize(f.Type, state, depth+1))
		}
	case DefVariant:
		best := -1
		for _, v := range t.Variants {
			s := 0
			for _, f := range v.Fields {
				s += r.minSize(f.Type, state, depth+1)
				if s > 1<<40 {
					s = 1 << 40
				}
			}
			if best < 0 || s < best {
				best = s
			}
		}
		if best < 0 {
			best = 0 // an enum without variants has no values; the index byte is still read
		}
		add(1 + best)
	case DefSequence, DefCompact, DefBitSequence:
		add(1)
	case DefArray:
		e := r.minSize(t.Elem, state, depth+1)
		if e > 0 && uint64(t.Len) > uint64(1<<40)/uint64(e) {
			add(1 << 40)
		} else {
			add(e * int(t.Len))
		}
	case DefTuple:
		for _, e := range t.Tuple {
			add(r.minSize(e, state, depth+1))
		}
	case DefPrimitive:
		s := t.Primitive.Size()
		if t.Primitive == PrimStr {
			s = 1
		}
		add(s)
	}
	state[id] = 2
	r.info[id].minSize = size
	return size
}

// names holds what values share with their type: a variant's name and the
// field names of a composite or variant (nil entries when unnamed).
type names struct {
	variant string
	fields  []string
}

func fieldNames(variant string, fields []Field) *names {
	n := &names{variant: variant}
	for _, f := range fields {
		if f.Name != "" {
			n.fields = make([]string, len(fields))
			for i, f := range fields {
				n.fields[i] = f.Name
			}
			break
		}
	}
	return n
}

// TypeName returns a readable name for a type, as Rust would write it:
// "AccountId32", "Vec<(AccountId32, Compact<u64>)>", "[u8; 32]",
// "Option<u16>". It is for messages; ids identify types.
func (r *Registry) TypeName(id TypeID) string {
	var b strings.Builder
	r.writeName(&b, id, 0)
	return b.String()
}

func (r *Registry) writeName(b *strings.Builder, id TypeID, depth int) {
	t, ok := r.Type(id)
	if !ok {
		fmt.Fprintf(b, "#%d?", id)
		return
	}
	// Hostile metadata can nest wide tuples: the name is cut short, so its
	// cost stays bounded.
	if depth > 8 || b.Len() > maxNameLen {
		b.WriteString("…")
		return
	}
	switch t.Def {
	case DefSequence:
		b.WriteString("Vec<")
		r.writeName(b, t.Elem, depth+1)
		b.WriteByte('>')
		return
	case DefArray:
		b.WriteByte('[')
		r.writeName(b, t.Elem, depth+1)
		fmt.Fprintf(b, "; %d]", t.Len)
		return
	case DefTuple:
		b.WriteByte('(')
		for i, e := range t.Tuple {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > maxNameLen {
				b.WriteString("…")
				break
			}
			r.writeName(b, e, depth+1)
		}
		if len(t.Tuple) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
		return
	case DefPrimitive:
		b.WriteString(t.Primitive.String())
		return
	case DefCompact:
		b.WriteString("Compact<")
		r.writeName(b, t.Elem, depth+1)
		b.WriteByte('>')
		return
	case DefBitSequence:
		b.WriteString("BitVec<")
		r.writeName(b, t.BitStore, depth+1)
		b.WriteString(", ")
		r.writeName(b, t.BitOrder, depth+1)
		b.WriteByte('>')
		return
	}
	name := t.Name()
	if name == "" {
		fmt.Fprintf(b, "#%d", id)
		return
	}
	b.WriteString(name)
	first := true
	for _, p := range t.Params {
		if !p.HasType {
			continue
		}
		if first {
			b.WriteByte('<')
			first = false
		} else {
			b.WriteString(", ")
		}
		if b.Len() > maxNameLen {
			b.WriteString("…")
			break
		}
		r.writeName(b, p.Type, depth+1)
	}
	if !first {
		b.WriteByte('>')
	}
}

// maxNameLen bounds the length of a TypeName (a little past it, "…" ends it).
const maxNameLen = 200

// describe names a type for error messages: "AccountId32 (#0)".
func (r *Registry) describe(id TypeID) string {
	return r.TypeName(id) + " (#" + strconv.FormatUint(uint64(id), 10) + ")"
}
