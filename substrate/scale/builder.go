package scale

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// Builder makes a new Registry from an existing one plus types described in
// Go: the structs that a runtime API returns inside an opaque Vec<u8> and the
// metadata does not describe, for example. A Builder starts from a registry
// (whose types keep their ids) and appends; it never changes the registry it
// started from. It is not safe for concurrent use.
//
// Types are written as Rust-like expressions (see Define and Type). Names
// resolve to, in order: types defined on this Builder (or its base by earlier
// builders), then registry types by full path ("sp_core::crypto::AccountId32")
// or by last path segment when that is unique ("AccountId32"). Structural
// types (Vec<T>, Option<T>, tuples, arrays, Compact<T>, primitives) are reused
// when the registry already has them and added otherwise.
type Builder struct {
	base       *Registry
	types      []Type
	defined    map[string]TypeID
	structural map[string]TypeID
	frozen     bool // Registry.Resolve: look up only, add nothing
}

// NewBuilder returns a Builder starting from an empty registry.
func NewBuilder() *Builder { return (*Registry)(nil).Builder() }

// Builder returns a Builder starting from r's types (r may be nil).
func (r *Registry) Builder() *Builder {
	b := &Builder{base: r, defined: map[string]TypeID{}, structural: map[string]TypeID{}}
	if r != nil {
		b.types = r.types[:len(r.types):len(r.types)]
	}
	return b
}

// Extend returns a new registry holding r's types plus the definitions of src
// (see Builder.Define). r is unchanged.
func (r *Registry) Extend(src string) (*Registry, error) {
	b := r.Builder()
	if err := b.Define(src); err != nil {
		return nil, err
	}
	return b.Build()
}

// Resolve returns the id of the type written as expr ("AccountId32",
// "Vec<NeuronInfoLite>", "Option<u16>", "[u8; 32]") among r's existing types;
// it fails with ErrUnknownType when the registry has no such type (a Builder
// can add it).
func (r *Registry) Resolve(expr string) (TypeID, error) {
	b := r.Builder()
	b.frozen = true
	return b.Type(expr)
}

// Add appends t and returns its id. t must only refer to existing ids (Build
// checks); when name is not empty the type can be referred to by that name.
func (b *Builder) Add(name string, t Type) TypeID {
	id := TypeID(len(b.types))
	b.types = append(b.types, t)
	if name != "" {
		b.defined[name] = id
	}
	return id
}

// Type returns the id of the type written as expr, adding the structural
// types it needs. Named types must exist (defined or in the base registry).
func (b *Builder) Type(expr string) (TypeID, error) {
	p := &parser{src: expr}
	p.next()
	e, err := p.typeExpr()
	if err == nil && p.tok.kind != tokEOF {
		err = p.errorf("unexpected %q after the type", p.tok.text)
	}
	if err != nil {
		return 0, err
	}
	return b.resolve(e)
}

// FieldDef is a field of a struct defined with Builder.Struct: its name and
// its type as an expression ("Compact<u16>", "Vec<(AccountId32, Compact<u64>)>").
type FieldDef struct {
	Name string
	Type string
}

// Struct defines a composite type called name with the given fields in
// order, as "struct name { ... }" in Define would, and returns its id. A field
// may refer to the struct itself. On error nothing is added.
func (b *Builder) Struct(name string, fields ...FieldDef) (TypeID, error) {
	if _, ok := b.defined[name]; ok {
		return 0, fmt.Errorf("%w: %s defined twice", ErrSyntax, name)
	}
	saveTypes, saveDef, saveStruct := b.types, maps.Clone(b.defined), maps.Clone(b.structural)
	id := b.Add(name, Type{Path: []string{name}})
	fs := make([]fieldExpr, len(fields))
	for i, f := range fields {
		p := &parser{src: f.Type}
		p.next()
		e, err := p.typeExpr()
		if err == nil && p.tok.kind != tokEOF {
			err = p.errorf("unexpected %q after the type", p.tok.text)
		}
		if err != nil {
			b.types, b.defined, b.structural = saveTypes, saveDef, saveStruct
			return 0, fmt.Errorf("struct %s field %s: %w", name, f.Name, err)
		}
		fs[i] = fieldExpr{name: f.Name, typ: e}
	}
	resolved, err := b.fields(fs)
	if err != nil {
		b.types, b.defined, b.structural = saveTypes, saveDef, saveStruct
		return 0, fmt.Errorf("struct %s: %w", name, err)
	}
	b.types[id] = Type{Path: []string{name}, Def: DefComposite, Fields: resolved}
	return id, nil
}

// Build returns the registry of the base types plus every added type.
func (b *Builder) Build() (*Registry, error) {
	r, err := NewRegistry(b.types)
	if err != nil {
		return nil, err
	}
	r.defined = map[string]TypeID{}
	if b.base != nil {
		maps.Copy(r.defined, b.base.defined)
	}
	maps.Copy(r.defined, b.defined)
	return r, nil
}

// Define adds the type definitions in src, written like Rust:
//
//	// comments
//	struct AxonInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8 }
//	struct Pair(AccountId32, Compact<u64>);
//	enum Kind { Plain, WithData(u16), Named { a: u8 } = 5 }
//	type Stakes = Vec<(AccountId32, Compact<u64>)>;
//
// A struct with braces is a composite with named fields, in order; with
// parentheses, unnamed fields. Enum variants are numbered from 0 in order
// unless "= n" gives the index. "type" names an existing or structural type.
// Type expressions are names, tuples "(A, B)", arrays "[T; N]" and the
// generics Vec<T>, Option<T>, Result<T, E>, Compact<T>, Box<T> (= T),
// BTreeMap<K, V> (= Vec<(K, V)>), BoundedVec<T, _> and WeakBoundedVec<T, _>
// (= Vec<T>); primitives are bool, char, str (or String), u8…u256, i8…i256.
// Definitions may refer to each other in any order. On error nothing is added.
func (b *Builder) Define(src string) error {
	p := &parser{src: src}
	p.next()
	var defs []*definition
	for p.tok.kind != tokEOF {
		d, err := p.definition()
		if err != nil {
			return err
		}
		defs = append(defs, d)
	}
	saveTypes, saveDef, saveStruct := b.types, maps.Clone(b.defined), maps.Clone(b.structural)
	fail := func(err error) error {
		b.types, b.defined, b.structural = saveTypes, saveDef, saveStruct
		return err
	}
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.name] {
			return fail(fmt.Errorf("%w: %s defined twice", ErrSyntax, d.name))
		}
		seen[d.name] = true
		if d.kind != "type" {
			b.Add(d.name, Type{Path: []string{d.name}})
		}
	}
	for _, d := range defs {
		if d.kind == "type" {
			id, err := b.resolve(d.alias)
			if err != nil {
				return fail(fmt.Errorf("type %s: %w", d.name, err))
			}
			b.defined[d.name] = id
		}
	}
	for _, d := range defs {
		if d.kind == "type" {
			continue
		}
		id := b.defined[d.name]
		t := Type{Path: []string{d.name}}
		var err error
		if d.kind == "struct" {
			t.Def = DefComposite
			t.Fields, err = b.fields(d.fields)
		} else {
			t.Def = DefVariant
			used := map[int]bool{}
			next := 0
			for _, v := range d.variants {
				idx := next
				if v.index >= 0 {
					idx = v.index
				}
				if idx > 255 || used[idx] {
					return fail(fmt.Errorf("%w: %s::%s: variant index %d is taken or above 255", ErrSyntax, d.name, v.name, idx))
				}
				used[idx] = true
				next = idx + 1
				fs, ferr := b.fields(v.fields)
				if ferr != nil {
					err = fmt.Errorf("variant %s: %w", v.name, ferr)
					break
				}
				t.Variants = append(t.Variants, Variant{Name: v.name, Index: uint8(idx), Fields: fs})
			}
		}
		if err != nil {
			return fail(fmt.Errorf("%s %s: %w", d.kind, d.name, err))
		}
		b.types[id] = t
	}
	return nil
}

func (b *Builder) fields(fs []fieldExpr) ([]Field, error) {
	out := make([]Field, len(fs))
	for i, f := range fs {
		id, err := b.resolve(f.typ)
		if err != nil {
			name := f.name
			if name == "" {
				name = strconv.Itoa(i)
			}
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		out[i] = Field{Name: f.name, Type: id, TypeName: f.typ.String()}
	}
	return out, nil
}

var primByName = map[string]Primitive{
	"bool": PrimBool, "char": PrimChar, "str": PrimStr, "String": PrimStr,
	"u8": PrimU8, "u16": PrimU16, "u32": PrimU32, "u64": PrimU64, "u128": PrimU128, "u256": PrimU256,
	"i8": PrimI8, "i16": PrimI16, "i32": PrimI32, "i64": PrimI64, "i128": PrimI128, "i256": PrimI256,
}

// lookupName finds a named type: defined here, defined in the base, or by
// path in the base registry.
func (b *Builder) lookupName(name string) (TypeID, error) {
	if id, ok := b.defined[name]; ok {
		return id, nil
	}
	if b.base == nil {
		return 0, fmt.Errorf("%w: no type named %q", ErrUnknownType, name)
	}
	if id, ok := b.base.defined[name]; ok {
		return id, nil
	}
	b.base.index()
	ids := b.base.names[name]
	switch len(ids) {
	case 0:
		return 0, fmt.Errorf("%w: no type named %q", ErrUnknownType, name)
	case 1:
		return ids[0], nil
	}
	var cands []string
	for i, id := range ids {
		if i == 4 {
			cands = append(cands, "…")
			break
		}
		cands = append(cands, b.base.describe(id)+" "+strings.Join(b.base.types[id].Path, "::"))
	}
	return 0, fmt.Errorf("%w: %q names %d types (%s); use the full path or define it", ErrUnknownType, name, len(ids), strings.Join(cands, ", "))
}

// structural finds or adds a structural type by its key.
func (b *Builder) structuralType(keyText string, t Type) (TypeID, error) {
	key, text, _ := strings.Cut(keyText, "|")
	if id, ok := b.structural[key]; ok {
		return id, nil
	}
	if b.base != nil {
		b.base.index()
		if id, ok := b.base.structural[key]; ok {
			return id, nil
		}
	}
	if b.frozen {
		return 0, fmt.Errorf("%w: %s is not in the registry (a Builder can add it)", ErrUnknownType, text)
	}
	id := b.Add("", t)
	b.structural[key] = id
	return id, nil
}

func (b *Builder) resolve(e *typeExpr) (TypeID, error) {
	text := e.String()
	switch {
	case e.tuple != nil:
		ids := make([]TypeID, len(e.tuple))
		parts := make([]string, len(ids))
		for i, el := range e.tuple {
			id, err := b.resolve(el)
			if err != nil {
				return 0, err
			}
			ids[i], parts[i] = id, strconv.FormatUint(uint64(id), 10)
		}
		return b.structuralType("tup:"+strings.Join(parts, ",")+"|"+text, Type{Def: DefTuple, Tuple: ids})
	case e.array != nil:
		el, err := b.resolve(e.array)
		if err != nil {
			return 0, err
		}
		return b.structuralType(fmt.Sprintf("arr:%d:%d|%s", el, e.n, text), Type{Def: DefArray, Elem: el, Len: e.n})
	}
	arg := func(i int) (TypeID, error) { return b.resolve(e.args[i]) }
	want := func(n int) error {
		if len(e.args) != n {
			return fmt.Errorf("%w: %s takes %d type arguments, got %d", ErrSyntax, e.name, n, len(e.args))
		}
		return nil
	}
	switch e.name {
	case "Vec", "BoundedVec", "WeakBoundedVec", "VecDeque", "BTreeSet":
		if e.name == "Vec" || e.name == "VecDeque" || e.name == "BTreeSet" {
			if err := want(1); err != nil {
				return 0, err
			}
		} else if len(e.args) != 1 && len(e.args) != 2 {
			return 0, fmt.Errorf("%w: %s takes 1 or 2 type arguments", ErrSyntax, e.name)
		}
		el, err := arg(0)
		if err != nil {
			return 0, err
		}
		return b.structuralType(fmt.Sprintf("seq:%d|%s", el, text), Type{Def: DefSequence, Elem: el})
	case "BTreeMap":
		if err := want(2); err != nil {
			return 0, err
		}
		return b.resolve(&typeExpr{name: "Vec", args: []*typeExpr{{tuple: e.args}}})
	case "Box":
		if err := want(1); err != nil {
			return 0, err
		}
		return arg(0)
	case "Compact":
		if err := want(1); err != nil {
			return 0, err
		}
		el, err := arg(0)
		if err != nil {
			return 0, err
		}
		if b.types[el].Def != DefPrimitive || !b.types[el].Primitive.Integer() || b.types[el].Primitive.Signed() || b.types[el].Primitive == PrimU256 {
			if _, ok := (&Registry{types: b.types}).compactInner(el); !ok {
				return 0, fmt.Errorf("%w: Compact<%s>: not an unsigned integer up to u128", ErrMismatch, e.args[0])
			}
		}
		return b.structuralType(fmt.Sprintf("cmp:%d|%s", el, text), Type{Def: DefCompact, Elem: el})
	case "Option":
		if err := want(1); err != nil {
			return 0, err
		}
		el, err := arg(0)
		if err != nil {
			return 0, err
		}
		return b.structuralType(fmt.Sprintf("opt:%d|%s", el, text), Type{
			Path: []string{"Option"}, Params: []TypeParam{{Name: "T", Type: el, HasType: true}}, Def: DefVariant,
			Variants: []Variant{{Name: "None", Index: 0}, {Name: "Some", Index: 1, Fields: []Field{{Type: el}}}},
		})
	case "Result":
		if err := want(2); err != nil {
			return 0, err
		}
		ok, err := arg(0)
		if err != nil {
			return 0, err
		}
		bad, err := arg(1)
		if err != nil {
			return 0, err
		}
		return b.structuralType(fmt.Sprintf("res:%d:%d|%s", ok, bad, text), Type{
			Path: []string{"Result"}, Params: []TypeParam{{Name: "T", Type: ok, HasType: true}, {Name: "E", Type: bad, HasType: true}},
			Def: DefVariant, Variants: []Variant{{Name: "Ok", Index: 0, Fields: []Field{{Type: ok}}}, {Name: "Err", Index: 1, Fields: []Field{{Type: bad}}}},
		})
	}
	if len(e.args) > 0 {
		return 0, fmt.Errorf("%w: unknown generic type %s (known: Vec, Option, Result, Compact, Box, BTreeMap, BoundedVec)", ErrUnknownType, e.name)
	}
	if p, ok := primByName[e.name]; ok {
		return b.structuralType(fmt.Sprintf("prim:%d|%s", p, p), Type{Def: DefPrimitive, Primitive: p})
	}
	return b.lookupName(e.name)
}

// index builds the name and structural indexes of a registry, once.
func (r *Registry) index() {
	r.indexOnce.Do(func() {
		r.names = map[string][]TypeID{}
		r.structural = map[string]TypeID{}
		for i := range r.types {
			id := TypeID(i)
			t := &r.types[i]
			if len(t.Path) > 0 {
				full := strings.Join(t.Path, "::")
				r.names[full] = append(r.names[full], id)
				if last := t.Name(); last != full {
					r.names[last] = append(r.names[last], id)
				}
			}
			if k := r.structKey(t); k != "" {
				if _, ok := r.structural[k]; !ok {
					r.structural[k] = id
				}
			}
		}
	})
}

// structKey is the key under which Builder finds an existing structural type
// (the part before "|"; what follows is only for messages).
func (r *Registry) structKey(t *Type) string {
	switch t.Def {
	case DefSequence:
		return fmt.Sprintf("seq:%d", t.Elem)
	case DefArray:
		return fmt.Sprintf("arr:%d:%d", t.Elem, t.Len)
	case DefCompact:
		return fmt.Sprintf("cmp:%d", t.Elem)
	case DefPrimitive:
		return fmt.Sprintf("prim:%d", t.Primitive)
	case DefTuple:
		parts := make([]string, len(t.Tuple))
		for i, e := range t.Tuple {
			parts[i] = strconv.FormatUint(uint64(e), 10)
		}
		return "tup:" + strings.Join(parts, ",")
	case DefVariant:
		if el, ok := t.IsOption(); ok {
			return fmt.Sprintf("opt:%d", el)
		}
		if len(t.Path) == 1 && t.Path[0] == "Result" && len(t.Variants) == 2 &&
			t.Variants[0].Name == "Ok" && t.Variants[0].Index == 0 && len(t.Variants[0].Fields) == 1 &&
			t.Variants[1].Name == "Err" && t.Variants[1].Index == 1 && len(t.Variants[1].Fields) == 1 {
			return fmt.Sprintf("res:%d:%d", t.Variants[0].Fields[0].Type, t.Variants[1].Fields[0].Type)
		}
	}
	return ""
}
