package scale

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/holiman/uint256"
)

// Decode decodes data as one value of type id into out, which must be a
// non-nil pointer. All of data must be used (leftover bytes are ErrTrailing).
//
// out may point to a Value (dynamic decoding, as DecodeValue) or to a Go type
// that views the registry type ("a typed view"):
//
//   - structs take composites by field name: the tag `scale:"name"` names the
//     field, else the Go name matches case-insensitively ignoring underscores
//     (AxonInfo matches axon_info). Fields of the registry type that the struct
//     lacks are skipped, so a runtime that appends a field does not break a
//     view; a Go field with no registry field is an error unless tagged
//     `scale:",optional"` (left zero) or `scale:"-"`. Tuples and unnamed
//     composites fill struct fields by position (extra trailing fields of an
//     unnamed composite are skipped).
//   - newtypes (composites and tuples of one field, e.g. AccountId32) are
//     transparent: [32]byte takes an AccountId32.
//   - Go integers take any integer or compact type, with a range check on each
//     value (ErrOverflow); *big.Int, big.Int and uint256.Int take any size.
//   - Compact<T> is transparent; bool takes bool; string takes str and
//     sequences of u8; []byte and [N]byte take Vec<u8> and [u8; N]; slices and
//     arrays take sequences and arrays element by element; []bool takes a bit
//     sequence.
//   - a pointer takes Option<T> (nil for None); for other types a pointer is
//     allocated and filled.
//   - an enum without fields goes into a string (its variant name) or an
//     integer (its index); any other enum into a Value.
//   - Value and any take anything (dynamic).
//
// A Go type that cannot view the registry type is an error wrapping
// ErrMismatch before any byte is read. Plans are cached per (type id, Go type),
// so decoding many values of one type reflects once. Byte slices in out may
// share one private copy of data.
func (r *Registry) Decode(id TypeID, data []byte, out any) error {
	n, err := r.DecodePrefix(id, data, out)
	if err == nil && n != len(data) {
		err = finish(&pathErr{offset: n, err: errorf(ErrTrailing, "%d of %d bytes left", len(data)-n, len(data))}, "decode", r.describe(id))
	}
	return err
}

// DecodePrefix is Decode of one value from the start of data, returning the
// number of bytes used; the rest of data is ignored.
func (r *Registry) DecodePrefix(id TypeID, data []byte, out any) (int, error) {
	if _, ok := r.Type(id); !ok {
		return 0, errorf(ErrUnknownType, "type id %d (registry has %d types)", id, len(r.types))
	}
	if vp, ok := out.(*Value); ok {
		v, n, err := r.DecodeValuePrefix(id, data)
		if err == nil {
			*vp = v
		}
		return n, err
	}
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return 0, fmt.Errorf("%w: Decode needs a non-nil pointer, got %T", ErrMismatch, out)
	}
	p, err := r.decPlanFor(id, rv.Type().Elem())
	if err != nil {
		return 0, err
	}
	d := &dec{r: r, buf: append([]byte(nil), data...), zero: MaxZeroSized}
	if err := p.fn(d, rv.Elem()); err != nil {
		return 0, finish(err, "decode", r.describe(id))
	}
	return d.off, nil
}

var (
	valueType    = reflect.TypeFor[Value]()
	bigIntType   = reflect.TypeFor[big.Int]()
	uint256Type  = reflect.TypeFor[uint256.Int]()
	anyType      = reflect.TypeFor[any]()
	bigIntPtr    = reflect.TypeFor[*big.Int]()
	uint256Ptr   = reflect.TypeFor[*uint256.Int]()
	byteSliceTyp = reflect.TypeFor[[]byte]()
)

type planKey struct {
	id  TypeID
	t   reflect.Type
	enc bool
}

type decFn func(d *dec, v reflect.Value) error

// decPlan is a compiled decoder from one registry type into one Go type. fn
// is set once the plan is complete (plans of recursive types refer to
// themselves through the pointer).
type decPlan struct{ fn decFn }

type planBuilder struct {
	r    *Registry
	decs map[planKey]*decPlan
	encs map[planKey]*encPlan
}

func (r *Registry) decPlanFor(id TypeID, t reflect.Type) (*decPlan, error) {
	key := planKey{id: id, t: t}
	if p, ok := r.plans.Load(key); ok {
		return p.(*decPlan), nil
	}
	b := &planBuilder{r: r, decs: map[planKey]*decPlan{}}
	p, err := b.dec(id, t, 0)
	if err != nil {
		return nil, &PathError{Op: "decode", Type: r.describe(id), Offset: -1, Err: err}
	}
	for k, q := range b.decs {
		r.plans.LoadOrStore(k, q)
	}
	return p, nil
}

func (b *planBuilder) mismatch(id TypeID, t reflect.Type, why string) error {
	msg := fmt.Sprintf("Go type %s cannot hold %s", t, b.r.TypeName(id))
	if why != "" {
		msg += ": " + why
	}
	return fmt.Errorf("%w: %s", ErrMismatch, msg)
}

func (b *planBuilder) dec(id TypeID, t reflect.Type, depth int) (*decPlan, error) {
	if depth > MaxDepth {
		return nil, errorf(ErrTooDeep, "type nests more than %d levels", MaxDepth)
	}
	key := planKey{id: id, t: t}
	if p, ok := b.decs[key]; ok {
		return p, nil
	}
	if p, ok := b.r.plans.Load(key); ok {
		return p.(*decPlan), nil
	}
	p := &decPlan{}
	b.decs[key] = p
	fn, err := b.buildDec(id, t, depth)
	if err != nil {
		delete(b.decs, key)
		return nil, err
	}
	p.fn = fn
	return p, nil
}

func (b *planBuilder) buildDec(id TypeID, t reflect.Type, depth int) (decFn, error) {
	r := b.r
	ty := &r.types[id]
	inf := &r.info[id]

	switch {
	case t == valueType:
		return func(d *dec, v reflect.Value) error {
			var x Value
			if err := d.value(id, &x); err != nil {
				return err
			}
			v.Set(reflect.ValueOf(x))
			return nil
		}, nil
	case t == anyType:
		return func(d *dec, v reflect.Value) error {
			var x Value
			if err := d.value(id, &x); err != nil {
				return err
			}
			v.Set(reflect.ValueOf(x))
			return nil
		}, nil
	case t.Kind() == reflect.Pointer:
		if elem, ok := ty.IsOption(); ok {
			ep, err := b.dec(elem, t.Elem(), depth+1)
			if err != nil {
				return nil, err
			}
			return func(d *dec, v reflect.Value) error {
				c, err := d.byte1()
				if err != nil {
					return err
				}
				switch c {
				case 0:
					v.SetZero()
					return nil
				case 1:
					if v.IsNil() {
						v.Set(reflect.New(t.Elem()))
					}
					return at(ep.fn(d, v.Elem()), "::Some")
				}
				d.off--
				return d.fail(errorf(ErrInvalid, "option tag %d", c))
			}, nil
		}
		ep, err := b.dec(id, t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return func(d *dec, v reflect.Value) error {
			if v.IsNil() {
				v.Set(reflect.New(t.Elem()))
			}
			return ep.fn(d, v.Elem())
		}, nil
	}

	if isNumberType(t) {
		switch {
		case ty.Def == DefPrimitive && ty.Primitive.Integer():
			return decInt(ty.Primitive, t), nil
		case ty.Def == DefCompact && inf.compactOK:
			return decCompact(inf, t), nil
		}
	}

	switch ty.Def {
	case DefComposite:
		if t.Kind() == reflect.Struct && !isNumberType(t) {
			return b.decStruct(id, ty.Fields, t, depth)
		}
		if len(ty.Fields) == 1 {
			return b.decNewtype(id, ty.Fields[0].Type, t, depth)
		}
	case DefTuple:
		if t.Kind() == reflect.Struct && !isNumberType(t) {
			fields := make([]Field, len(ty.Tuple))
			for i, e := range ty.Tuple {
				fields[i] = Field{Type: e}
			}
			return b.decStruct(id, fields, t, depth)
		}
		if len(ty.Tuple) == 1 {
			return b.decNewtype(id, ty.Tuple[0], t, depth)
		}
	case DefVariant:
		if _, ok := ty.IsOption(); ok {
			return nil, b.mismatch(id, t, "an Option needs a Go pointer")
		}
		switch t.Kind() {
		case reflect.String:
			return func(d *dec, v reflect.Value) error {
				j, err := d.variant(ty, inf)
				if err != nil {
					return err
				}
				if len(ty.Variants[j].Fields) != 0 {
					return d.fail(errorf(ErrMismatch, "variant %s has fields; a Go string holds only its name", ty.Variants[j].Name))
				}
				v.SetString(ty.Variants[j].Name)
				return nil
			}, nil
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Int, reflect.Int16, reflect.Int32, reflect.Int64:
			return func(d *dec, v reflect.Value) error {
				j, err := d.variant(ty, inf)
				if err != nil {
					return err
				}
				if len(ty.Variants[j].Fields) != 0 {
					return d.fail(errorf(ErrMismatch, "variant %s has fields; a Go integer holds only its index", ty.Variants[j].Name))
				}
				x := Value{kind: KindUint, n: uint64(ty.Variants[j].Index)}
				return d.setNumber(v, &x)
			}, nil
		}
	case DefSequence, DefArray:
		return b.decList(id, ty, inf, t, depth)
	case DefPrimitive:
		switch {
		case ty.Primitive == PrimBool && t.Kind() == reflect.Bool:
			return func(d *dec, v reflect.Value) error {
				var x Value
				if err := d.primitive(&x, PrimBool); err != nil {
					return err
				}
				v.SetBool(x.n == 1)
				return nil
			}, nil
		case (ty.Primitive == PrimStr && t.Kind() == reflect.String) || (ty.Primitive == PrimChar && t.Kind() == reflect.String):
			p := ty.Primitive
			return func(d *dec, v reflect.Value) error {
				var x Value
				if err := d.primitive(&x, p); err != nil {
					return err
				}
				if p == PrimChar {
					v.SetString(string(rune(x.n)))
				} else {
					v.SetString(string(x.b))
				}
				return nil
			}, nil
		case ty.Primitive == PrimStr && t == byteSliceTyp:
			return func(d *dec, v reflect.Value) error {
				var x Value
				if err := d.primitive(&x, PrimStr); err != nil {
					return err
				}
				v.SetBytes(x.b)
				return nil
			}, nil
		case ty.Primitive == PrimChar && t.Kind() == reflect.Int32:
			return func(d *dec, v reflect.Value) error {
				var x Value
				if err := d.primitive(&x, PrimChar); err != nil {
					return err
				}
				v.SetInt(int64(x.n))
				return nil
			}, nil
		}
	case DefBitSequence:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Bool {
			return func(d *dec, v reflect.Value) error {
				var x Value
				if err := d.bits(&x, inf); err != nil {
					return err
				}
				s := reflect.MakeSlice(t, len(x.b), len(x.b))
				for i, c := range x.b {
					s.Index(i).SetBool(c != 0)
				}
				v.Set(s)
				return nil
			}, nil
		}
	}
	return nil, b.mismatch(id, t, "")
}

func isNumberType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return t == bigIntType || t == uint256Type || t == bigIntPtr || t == uint256Ptr
}

// decInt decodes a fixed-width integer primitive into a Go number, with fast
// paths for the common same-width unsigned cases.
func decInt(p Primitive, t reflect.Type) decFn {
	size := p.Size()
	if !p.Signed() && size <= 8 {
		switch t.Kind() {
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
			if t.Size() >= uintptr(size) {
				return func(d *dec, v reflect.Value) error {
					b, err := d.take(size)
					if err != nil {
						return err
					}
					var x uint64
					for i := size - 1; i >= 0; i-- {
						x = x<<8 | uint64(b[i])
					}
					v.SetUint(x)
					return nil
				}
			}
		}
	}
	return func(d *dec, v reflect.Value) error {
		var x Value
		b, err := d.take(size)
		if err != nil {
			return err
		}
		setInt(&x, b, p.Signed())
		if err := d.setNumber(v, &x); err != nil {
			d.off -= size
			return d.fail(err)
		}
		return nil
	}
}

// decCompact decodes a compact integer into a Go number; unsigned Go
// integers take a path that allocates nothing.
func decCompact(inf *typeInfo, t reflect.Type) decFn {
	switch t.Kind() {
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Uintptr:
		max := compactMax[inf.compact]
		return func(d *dec, v reflect.Value) error {
			start := d.off
			lo, hi, err := d.compact()
			if err != nil {
				return err
			}
			if hi != 0 || lo > max || v.OverflowUint(lo) {
				d.off = start
				var x Value
				if err := d.compactValue(&x, inf); err != nil {
					return err
				}
				d.off = start
				return d.fail(errorf(ErrOverflow, "%s does not fit Go %s", x.String(), t))
			}
			v.SetUint(lo)
			return nil
		}
	}
	return func(d *dec, v reflect.Value) error {
		var x Value
		if err := d.compactValue(&x, inf); err != nil {
			return err
		}
		return d.setNumber(v, &x)
	}
}

// setNumber stores the integer x into the Go number v, checking its range.
func (d *dec) setNumber(v reflect.Value, x *Value) error {
	t := v.Type()
	switch t.Kind() {
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Uintptr:
		u, ok := x.Uint64()
		if !ok || v.OverflowUint(u) {
			return errorf(ErrOverflow, "%s does not fit Go %s", x, t)
		}
		v.SetUint(u)
		return nil
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		i, ok := x.Int64()
		if !ok || v.OverflowInt(i) {
			return errorf(ErrOverflow, "%s does not fit Go %s", x, t)
		}
		v.SetInt(i)
		return nil
	}
	bi, _ := x.BigInt()
	switch t {
	case bigIntType:
		v.Addr().Interface().(*big.Int).Set(bi)
		return nil
	case bigIntPtr:
		v.Set(reflect.ValueOf(bi))
		return nil
	case uint256Type, uint256Ptr:
		u, overflow := uint256.FromBig(bi)
		if overflow || bi.Sign() < 0 {
			return errorf(ErrOverflow, "%s does not fit uint256.Int", bi)
		}
		if t == uint256Ptr {
			v.Set(reflect.ValueOf(u))
		} else {
			v.Set(reflect.ValueOf(*u))
		}
		return nil
	}
	return errorf(ErrMismatch, "Go %s is not a number", t)
}

func (b *planBuilder) decNewtype(id, inner TypeID, t reflect.Type, depth int) (decFn, error) {
	ip, err := b.dec(inner, t, depth+1)
	if err != nil {
		return nil, err
	}
	return func(d *dec, v reflect.Value) error {
		if err := d.enter(id); err != nil {
			return err
		}
		if err := ip.fn(d, v); err != nil {
			return at(err, ".0")
		}
		d.depth--
		return nil
	}, nil
}

// goField is a Go struct field a view fills.
type goField struct {
	index    int
	name     string // the tag name, or "" to match the Go name loosely
	goName   string
	optional bool
}

// viewFields lists the exported fields of a Go struct that take part in a
// view, with their tag options.
func viewFields(t reflect.Type) []goField {
	var out []goField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("scale")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		out = append(out, goField{index: i, name: name, goName: f.Name, optional: opts == "optional"})
	}
	return out
}

func looseName(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// matchFields pairs registry fields with Go fields: by name when the registry
// fields are named, else by position. It returns, per registry field, the Go
// field index or -1 (skip).
func matchFields(fields []Field, t reflect.Type) ([]int, error) {
	gfs := viewFields(t)
	out := make([]int, len(fields))
	used := make([]bool, len(gfs))
	named := len(fields) > 0 && fields[0].Name != ""
	for i, f := range fields {
		out[i] = -1
		if !named {
			if i < len(gfs) {
				out[i], used[i] = gfs[i].index, true
			}
			continue
		}
		for j, g := range gfs {
			if !used[j] && g.name == f.Name {
				out[i], used[j] = g.index, true
				break
			}
		}
		if out[i] >= 0 {
			continue
		}
		for j, g := range gfs {
			if !used[j] && g.name == "" && looseName(g.goName) == looseName(f.Name) {
				out[i], used[j] = g.index, true
				break
			}
		}
	}
	for j, g := range gfs {
		if !used[j] && !g.optional {
			want := g.name
			if want == "" {
				want = g.goName
			}
			if named {
				return nil, fmt.Errorf("field %s.%s: the registry type has no field %q (tag it `scale:\",optional\"` to allow that)", t, g.goName, want)
			}
			return nil, fmt.Errorf("field %s.%s: the registry type has only %d fields", t, g.goName, len(fields))
		}
	}
	return out, nil
}

func (b *planBuilder) decStruct(id TypeID, fields []Field, t reflect.Type, depth int) (decFn, error) {
	idx, err := matchFields(fields, t)
	if err != nil {
		return nil, b.mismatch(id, t, err.Error())
	}
	type step struct {
		typ   TypeID
		index int
		name  string
		pos   int
		plan  *decPlan
	}
	steps := make([]step, len(fields))
	for i, f := range fields {
		steps[i] = step{typ: f.Type, index: idx[i], name: f.Name, pos: i}
		if idx[i] >= 0 {
			p, err := b.dec(f.Type, t.Field(idx[i]).Type, depth+1)
			if err != nil {
				name := f.Name
				if name == "" {
					name = fmt.Sprint(i)
				}
				return nil, fmt.Errorf("field %s: %w", name, err)
			}
			steps[i].plan = p
		}
	}
	return func(d *dec, v reflect.Value) error {
		if err := d.enter(id); err != nil {
			return err
		}
		for i := range steps {
			s := &steps[i]
			var err error
			if s.plan == nil {
				err = d.skip(s.typ)
			} else {
				err = s.plan.fn(d, v.Field(s.index))
			}
			if err != nil {
				return atField(err, s.name, s.pos)
			}
		}
		d.depth--
		return nil
	}, nil
}

func (b *planBuilder) decList(id TypeID, ty *Type, inf *typeInfo, t reflect.Type, depth int) (decFn, error) {
	isArray := ty.Def == DefArray
	count := func(d *dec) (int, error) {
		if isArray {
			min := d.r.info[ty.Elem].minSize
			if min > 0 && uint64(ty.Len) > uint64((len(d.buf)-d.off)/min) {
				return 0, d.truncated(int(min64(uint64(ty.Len)*uint64(min), 1<<31)))
			}
			if min == 0 {
				if uint64(ty.Len) > uint64(d.zero) {
					return 0, d.fail(errorf(ErrTooDeep, "array of %d zero-sized elements", ty.Len))
				}
				d.zero -= int(ty.Len)
			}
			return int(ty.Len), nil
		}
		return d.length(ty.Elem)
	}
	switch {
	case inf.u8 && (t == byteSliceTyp || (t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8)):
		return func(d *dec, v reflect.Value) error {
			n, err := count(d)
			if err != nil {
				return err
			}
			bs, err := d.take(n)
			if err != nil {
				return err
			}
			v.SetBytes(bs)
			return nil
		}, nil
	case inf.u8 && t.Kind() == reflect.Array && t.Elem().Kind() == reflect.Uint8:
		if isArray && uint64(ty.Len) != uint64(t.Len()) {
			return nil, b.mismatch(id, t, "the lengths differ")
		}
		return func(d *dec, v reflect.Value) error {
			n, err := count(d)
			if err != nil {
				return err
			}
			if n != t.Len() {
				return d.fail(errorf(ErrMismatch, "%d bytes for Go %s", n, t))
			}
			bs, err := d.take(n)
			if err != nil {
				return err
			}
			reflect.Copy(v, reflect.ValueOf(bs))
			return nil
		}, nil
	case t.Kind() == reflect.String:
		if inf.u8 {
			return func(d *dec, v reflect.Value) error {
				n, err := count(d)
				if err != nil {
					return err
				}
				bs, err := d.take(n)
				if err != nil {
					return err
				}
				v.SetString(string(bs))
				return nil
			}, nil
		}
		ep, err := b.dec(ty.Elem, reflect.TypeFor[uint8](), depth+1)
		if err != nil {
			return nil, b.mismatch(id, t, "its elements are not bytes")
		}
		return func(d *dec, v reflect.Value) error {
			n, err := count(d)
			if err != nil {
				return err
			}
			buf := make([]byte, n)
			bv := reflect.ValueOf(buf)
			for i := range buf {
				if err := ep.fn(d, bv.Index(i)); err != nil {
					return atIndex(err, i)
				}
			}
			v.SetString(string(buf))
			return nil
		}, nil
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		if t.Kind() == reflect.Array && isArray && uint64(ty.Len) != uint64(t.Len()) {
			return nil, b.mismatch(id, t, "the lengths differ")
		}
		ep, err := b.dec(ty.Elem, t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		slice := t.Kind() == reflect.Slice
		return func(d *dec, v reflect.Value) error {
			if err := d.enter(id); err != nil {
				return err
			}
			n, err := count(d)
			if err != nil {
				return err
			}
			target := v
			if slice {
				target = reflect.MakeSlice(t, n, n)
			} else if n != t.Len() {
				return d.fail(errorf(ErrMismatch, "%d elements for Go %s", n, t))
			}
			for i := 0; i < n; i++ {
				if err := ep.fn(d, target.Index(i)); err != nil {
					return atIndex(err, i)
				}
			}
			if slice {
				v.Set(target)
			}
			d.depth--
			return nil
		}, nil
	}
	return nil, b.mismatch(id, t, "")
}
