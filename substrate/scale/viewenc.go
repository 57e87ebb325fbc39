package scale

import (
	"fmt"
	"math/big"
	"reflect"

	"github.com/holiman/uint256"
)

// Encode encodes in as a value of type id. in may be a Value (as
// EncodeValue) or a Go value viewing the type by the rules of Decode, in
// reverse: structs by field name (every registry field needs a Go field),
// integers of any Go width with a range check, *big.Int and uint256.Int for
// large numbers, []byte / [N]byte / string for Vec<u8> and [u8; N], slices and
// arrays for sequences, a nil pointer for None and a non-nil pointer or a
// plain value for Some, a string (variant name) or integer (index) for enums
// without fields. A mismatch is an error wrapping ErrMismatch or ErrOverflow.
func (r *Registry) Encode(id TypeID, in any) ([]byte, error) {
	return r.AppendEncode(nil, id, in)
}

// AppendEncode is Encode appending to dst.
func (r *Registry) AppendEncode(dst []byte, id TypeID, in any) ([]byte, error) {
	if v, ok := in.(Value); ok {
		return r.AppendValue(dst, id, v)
	}
	if _, ok := r.Type(id); !ok {
		return dst, errorf(ErrUnknownType, "type id %d (registry has %d types)", id, len(r.types))
	}
	if in == nil {
		return dst, fmt.Errorf("%w: nil value for %s", ErrMismatch, r.TypeName(id))
	}
	rv := reflect.ValueOf(in)
	p, err := r.encPlanFor(id, rv.Type())
	if err != nil {
		return dst, err
	}
	e := &enc{r: r, buf: dst}
	if err := p.fn(e, rv); err != nil {
		return dst, finish(err, "encode", r.describe(id))
	}
	return e.buf, nil
}

type encFn func(e *enc, v reflect.Value) error

// encPlan is a compiled encoder from one Go type into one registry type.
type encPlan struct{ fn encFn }

func (r *Registry) encPlanFor(id TypeID, t reflect.Type) (*encPlan, error) {
	key := planKey{id: id, t: t, enc: true}
	if p, ok := r.plans.Load(key); ok {
		return p.(*encPlan), nil
	}
	b := &planBuilder{r: r, encs: map[planKey]*encPlan{}}
	p, err := b.enc(id, t, 0)
	if err != nil {
		return nil, &PathError{Op: "encode", Type: r.describe(id), Offset: -1, Err: err}
	}
	for k, q := range b.encs {
		r.plans.LoadOrStore(k, q)
	}
	return p, nil
}

func (b *planBuilder) enc(id TypeID, t reflect.Type, depth int) (*encPlan, error) {
	if depth > MaxDepth {
		return nil, errorf(ErrTooDeep, "type nests more than %d levels", MaxDepth)
	}
	key := planKey{id: id, t: t, enc: true}
	if p, ok := b.encs[key]; ok {
		return p, nil
	}
	if p, ok := b.r.plans.Load(key); ok {
		return p.(*encPlan), nil
	}
	p := &encPlan{}
	b.encs[key] = p
	fn, err := b.buildEnc(id, t, depth)
	if err != nil {
		delete(b.encs, key)
		return nil, err
	}
	p.fn = fn
	return p, nil
}

func (b *planBuilder) buildEnc(id TypeID, t reflect.Type, depth int) (encFn, error) {
	r := b.r
	ty := &r.types[id]
	inf := &r.info[id]

	switch {
	case t == valueType:
		return func(e *enc, v reflect.Value) error {
			return e.value(id, v.Interface().(Value))
		}, nil
	case t.Kind() == reflect.Interface:
		return func(e *enc, v reflect.Value) error {
			if v.IsNil() {
				return errorf(ErrMismatch, "nil value for %s", r.TypeName(id))
			}
			c := v.Elem()
			p, err := r.encPlanFor(id, c.Type())
			if err != nil {
				return err
			}
			return p.fn(e, c)
		}, nil
	}
	if elem, ok := ty.IsOption(); ok {
		if t.Kind() == reflect.Pointer && t != bigIntPtr && t != uint256Ptr {
			ep, err := b.enc(elem, t.Elem(), depth+1)
			if err != nil {
				return nil, err
			}
			return func(e *enc, v reflect.Value) error {
				if v.IsNil() {
					e.buf = append(e.buf, 0)
					return nil
				}
				e.buf = append(e.buf, 1)
				return at(ep.fn(e, v.Elem()), "::Some")
			}, nil
		}
		ep, err := b.enc(elem, t, depth+1)
		if err != nil {
			return nil, err
		}
		return func(e *enc, v reflect.Value) error {
			e.buf = append(e.buf, 1)
			return at(ep.fn(e, v), "::Some")
		}, nil
	}
	if t.Kind() == reflect.Pointer && t != bigIntPtr && t != uint256Ptr {
		ep, err := b.enc(id, t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return func(e *enc, v reflect.Value) error {
			if v.IsNil() {
				return errorf(ErrMismatch, "nil %s for %s", t, r.TypeName(id))
			}
			return ep.fn(e, v.Elem())
		}, nil
	}

	if isNumberType(t) {
		switch {
		case ty.Def == DefPrimitive && ty.Primitive.Integer():
			p := ty.Primitive
			return func(e *enc, v reflect.Value) error {
				x, err := numberOf(v)
				if err != nil {
					return err
				}
				e.buf, err = appendInt(e.buf, p, x)
				return err
			}, nil
		case ty.Def == DefCompact && inf.compactOK:
			return func(e *enc, v reflect.Value) error {
				x, err := numberOf(v)
				if err != nil {
					return err
				}
				return e.compact(id, inf.compact, x)
			}, nil
		}
	}

	switch ty.Def {
	case DefComposite:
		if t.Kind() == reflect.Struct && !isNumberType(t) {
			return b.encStruct(id, ty.Fields, t, depth)
		}
		if len(ty.Fields) == 1 {
			return b.encNewtype(ty.Fields[0].Type, t, depth)
		}
	case DefTuple:
		if t.Kind() == reflect.Struct && !isNumberType(t) {
			fields := make([]Field, len(ty.Tuple))
			for i, el := range ty.Tuple {
				fields[i] = Field{Type: el}
			}
			return b.encStruct(id, fields, t, depth)
		}
		if len(ty.Tuple) == 1 {
			return b.encNewtype(ty.Tuple[0], t, depth)
		}
	case DefVariant:
		switch {
		case t.Kind() == reflect.String:
			return func(e *enc, v reflect.Value) error {
				name := v.String()
				for _, vr := range ty.Variants {
					if vr.Name == name {
						if len(vr.Fields) != 0 {
							return errorf(ErrMismatch, "variant %s has fields; give a Value", name)
						}
						e.buf = append(e.buf, vr.Index)
						return nil
					}
				}
				return errorf(ErrMismatch, "%s has no variant %q", r.TypeName(id), name)
			}, nil
		case isNumberType(t) && t.Kind() != reflect.Struct && t.Kind() != reflect.Pointer:
			return func(e *enc, v reflect.Value) error {
				x, err := numberOf(v)
				if err != nil {
					return err
				}
				for _, vr := range ty.Variants {
					if i, ok := x.Uint64(); ok && i == uint64(vr.Index) {
						if len(vr.Fields) != 0 {
							return errorf(ErrMismatch, "variant %s has fields; give a Value", vr.Name)
						}
						e.buf = append(e.buf, vr.Index)
						return nil
					}
				}
				return errorf(ErrMismatch, "%s has no variant with index %s", r.TypeName(id), x)
			}, nil
		}
	case DefSequence, DefArray:
		return b.encList(id, ty, inf, t, depth)
	case DefPrimitive:
		switch {
		case ty.Primitive == PrimBool && t.Kind() == reflect.Bool:
			return func(e *enc, v reflect.Value) error {
				e.buf = AppendBool(e.buf, v.Bool())
				return nil
			}, nil
		case ty.Primitive == PrimStr && t.Kind() == reflect.String:
			return func(e *enc, v reflect.Value) error {
				return e.primitive(id, PrimStr, Value{kind: KindStr, b: []byte(v.String())})
			}, nil
		case ty.Primitive == PrimStr && t == byteSliceTyp:
			return func(e *enc, v reflect.Value) error {
				return e.primitive(id, PrimStr, Value{kind: KindStr, b: v.Bytes()})
			}, nil
		case ty.Primitive == PrimChar && t.Kind() == reflect.Int32:
			return func(e *enc, v reflect.Value) error {
				return e.primitive(id, PrimChar, Value{kind: KindChar, n: uint64(v.Int())})
			}, nil
		}
	case DefBitSequence:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Bool {
			return func(e *enc, v reflect.Value) error {
				bs := make([]byte, v.Len())
				for i := range bs {
					if v.Index(i).Bool() {
						bs[i] = 1
					}
				}
				return e.bits(inf, bs)
			}, nil
		}
	}
	return nil, fmt.Errorf("%w: Go type %s cannot be encoded as %s", ErrMismatch, t, r.TypeName(id))
}

// numberOf reads a Go number (any int kind, big.Int, uint256.Int) as a Value.
func numberOf(v reflect.Value) (Value, error) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return NewInt(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return NewUint(v.Uint()), nil
	}
	switch v.Type() {
	case bigIntType:
		bi := v.Interface().(big.Int)
		return NewBig(&bi), nil
	case bigIntPtr:
		if v.IsNil() {
			return Value{}, errorf(ErrMismatch, "nil *big.Int")
		}
		return NewBig(v.Interface().(*big.Int)), nil
	case uint256Type:
		u := v.Interface().(uint256.Int)
		return NewBig(u.ToBig()), nil
	case uint256Ptr:
		if v.IsNil() {
			return Value{}, errorf(ErrMismatch, "nil *uint256.Int")
		}
		return NewBig(v.Interface().(*uint256.Int).ToBig()), nil
	}
	return Value{}, errorf(ErrMismatch, "Go %s is not a number", v.Type())
}

func (b *planBuilder) encNewtype(inner TypeID, t reflect.Type, depth int) (encFn, error) {
	ip, err := b.enc(inner, t, depth+1)
	if err != nil {
		return nil, err
	}
	return func(e *enc, v reflect.Value) error {
		if err := e.enter(); err != nil {
			return err
		}
		if err := ip.fn(e, v); err != nil {
			return at(err, ".0")
		}
		e.depth--
		return nil
	}, nil
}

func (b *planBuilder) encStruct(id TypeID, fields []Field, t reflect.Type, depth int) (encFn, error) {
	idx, err := matchFields(fields, t)
	if err != nil {
		return nil, b.mismatch(id, t, err.Error())
	}
	plans := make([]*encPlan, len(fields))
	for i, f := range fields {
		if idx[i] < 0 {
			name := f.Name
			if name == "" {
				name = fmt.Sprint(i)
			}
			return nil, b.mismatch(id, t, "no Go field for "+name)
		}
		p, err := b.enc(f.Type, t.Field(idx[i]).Type, depth+1)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		plans[i] = p
	}
	return func(e *enc, v reflect.Value) error {
		if err := e.enter(); err != nil {
			return err
		}
		for i, p := range plans {
			if err := p.fn(e, v.Field(idx[i])); err != nil {
				return atField(err, fields[i].Name, i)
			}
		}
		e.depth--
		return nil
	}, nil
}

func (b *planBuilder) encList(id TypeID, ty *Type, inf *typeInfo, t reflect.Type, depth int) (encFn, error) {
	isArray := ty.Def == DefArray
	header := func(e *enc, n int) error {
		if isArray {
			if uint64(n) != uint64(ty.Len) {
				return errorf(ErrMismatch, "%d elements for %s", n, b.r.TypeName(id))
			}
			return nil
		}
		e.buf = AppendCompact(e.buf, uint64(n))
		return nil
	}
	if inf.u8 {
		switch {
		case t.Kind() == reflect.String:
			return func(e *enc, v reflect.Value) error {
				s := v.String()
				if err := header(e, len(s)); err != nil {
					return err
				}
				e.buf = append(e.buf, s...)
				return nil
			}, nil
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
			return func(e *enc, v reflect.Value) error {
				bs := v.Bytes()
				if err := header(e, len(bs)); err != nil {
					return err
				}
				e.buf = append(e.buf, bs...)
				return nil
			}, nil
		case t.Kind() == reflect.Array && t.Elem().Kind() == reflect.Uint8:
			return func(e *enc, v reflect.Value) error {
				if err := header(e, v.Len()); err != nil {
					return err
				}
				for i := 0; i < v.Len(); i++ {
					e.buf = append(e.buf, byte(v.Index(i).Uint()))
				}
				return nil
			}, nil
		}
	}
	if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
		return nil, fmt.Errorf("%w: Go type %s cannot be encoded as %s", ErrMismatch, t, b.r.TypeName(id))
	}
	ep, err := b.enc(ty.Elem, t.Elem(), depth+1)
	if err != nil {
		return nil, err
	}
	return func(e *enc, v reflect.Value) error {
		if err := e.enter(); err != nil {
			return err
		}
		n := v.Len()
		if err := header(e, n); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := ep.fn(e, v.Index(i)); err != nil {
				return atIndex(err, i)
			}
		}
		e.depth--
		return nil
	}, nil
}
