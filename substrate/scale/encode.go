package scale

import (
	"encoding/binary"
	"math"
	"math/big"
	"unicode/utf8"
)

// EncodeValue encodes v as a value of type id. The value's shape must fit the
// type: composites take a composite or tuple value (matched by field name when
// both are named, else by position), a newtype (one field) also takes its
// field's value directly, enums take a variant value (matched by name, or by
// index when unnamed), sequences and arrays take sequence, tuple or bytes
// values, integers take any integer value in range. Anything else is an error
// wrapping ErrMismatch or ErrOverflow, naming the path inside the value.
func (r *Registry) EncodeValue(id TypeID, v Value) ([]byte, error) {
	return r.AppendValue(nil, id, v)
}

// AppendValue is EncodeValue appending to dst.
func (r *Registry) AppendValue(dst []byte, id TypeID, v Value) ([]byte, error) {
	if _, ok := r.Type(id); !ok {
		return dst, errorf(ErrUnknownType, "type id %d (registry has %d types)", id, len(r.types))
	}
	e := &enc{r: r, buf: dst}
	if err := e.value(id, v); err != nil {
		return dst, finish(err, "encode", r.describe(id))
	}
	return e.buf, nil
}

// enc is the encoding state shared by dynamic values and typed views.
type enc struct {
	r     *Registry
	buf   []byte
	depth int
}

func (e *enc) enter() error {
	e.depth++
	if e.depth > MaxDepth {
		return errorf(ErrTooDeep, "more than %d nested values", MaxDepth)
	}
	return nil
}

func (e *enc) mismatch(id TypeID, got string) error {
	return errorf(ErrMismatch, "%s value for %s", got, e.r.TypeName(id))
}

func (e *enc) value(id TypeID, v Value) error {
	if err := e.enter(); err != nil {
		return err
	}
	t := &e.r.types[id]
	inf := &e.r.info[id]
	switch t.Def {
	case DefComposite:
		if (v.kind == KindComposite || v.kind == KindTuple) && len(v.items) == len(t.Fields) {
			if err := e.fields(t.Fields, v); err != nil {
				return err
			}
		} else if len(t.Fields) == 1 {
			if err := e.value(t.Fields[0].Type, v); err != nil {
				return atField(err, t.Fields[0].Name, 0)
			}
		} else {
			return e.mismatch(id, v.describe())
		}
	case DefVariant:
		if v.kind != KindVariant {
			return e.mismatch(id, v.describe())
		}
		var vr *Variant
		for j := range t.Variants {
			if (v.names.variant != "" && t.Variants[j].Name == v.names.variant) ||
				(v.names.variant == "" && t.Variants[j].Index == v.index) {
				vr = &t.Variants[j]
				break
			}
		}
		if vr == nil {
			return errorf(ErrMismatch, "%s has no variant %q", e.r.TypeName(id), v.names.variant)
		}
		if len(v.items) != len(vr.Fields) {
			return errorf(ErrMismatch, "variant %s has %d fields, the value %d", vr.Name, len(vr.Fields), len(v.items))
		}
		e.buf = append(e.buf, vr.Index)
		if err := e.fields(vr.Fields, v); err != nil {
			return at(err, "::"+vr.Name)
		}
	case DefSequence, DefArray:
		if v.kind == KindComposite {
			v = v.unwrap() // a newtype around a list
		}
		n := v.Len()
		if v.kind != KindSequence && v.kind != KindTuple && v.kind != KindBytes {
			return e.mismatch(id, v.describe())
		}
		if t.Def == DefArray && uint64(n) != uint64(t.Len) {
			return errorf(ErrMismatch, "%d elements for %s", n, e.r.TypeName(id))
		}
		if t.Def == DefSequence {
			e.buf = AppendCompact(e.buf, uint64(n))
		}
		if v.kind == KindBytes && inf.u8 {
			e.buf = append(e.buf, v.b...)
			break
		}
		for i := 0; i < n; i++ {
			if err := e.value(t.Elem, v.Index(i)); err != nil {
				return atIndex(err, i)
			}
		}
	case DefTuple:
		if (v.kind == KindTuple || v.kind == KindComposite) && len(v.items) == len(t.Tuple) {
			for i, el := range t.Tuple {
				if err := e.value(el, v.items[i]); err != nil {
					return atIndex(err, i)
				}
			}
		} else if len(t.Tuple) == 1 {
			if err := e.value(t.Tuple[0], v); err != nil {
				return atIndex(err, 0)
			}
		} else {
			return e.mismatch(id, v.describe())
		}
	case DefPrimitive:
		if err := e.primitive(id, t.Primitive, v.unwrap()); err != nil {
			return err
		}
	case DefCompact:
		if !inf.compactOK {
			return errorf(ErrInvalid, "compact of a type that is not an unsigned integer")
		}
		if err := e.compact(id, inf.compact, v.unwrap()); err != nil {
			return err
		}
	case DefBitSequence:
		v = v.unwrap()
		if v.kind != KindBits {
			return e.mismatch(id, v.describe())
		}
		if err := e.bits(inf, v.b); err != nil {
			return err
		}
	}
	e.depth--
	return nil
}

func (v Value) describe() string {
	switch v.kind {
	case KindComposite, KindTuple, KindSequence:
		return v.kind.String() + " (" + itoa(len(v.items)) + " items)"
	case KindVariant:
		return "variant " + v.names.variant
	}
	return v.kind.String()
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// fields encodes a composite or variant value's fields into the type's
// fields: by name when both sides are named, else by position.
func (e *enc) fields(fs []Field, v Value) error {
	byName := v.names != nil && v.names.fields != nil && len(fs) > 0 && fs[0].Name != ""
	for i, f := range fs {
		item := v.items[i]
		if byName {
			found := false
			for j, n := range v.names.fields {
				if n == f.Name {
					item, found = v.items[j], true
					break
				}
			}
			if !found {
				return atField(errorf(ErrMismatch, "the value has no field %q", f.Name), f.Name, i)
			}
		}
		if err := e.value(f.Type, item); err != nil {
			return atField(err, f.Name, i)
		}
	}
	return nil
}

func (e *enc) primitive(id TypeID, p Primitive, v Value) error {
	switch p {
	case PrimBool:
		if v.kind != KindBool {
			return e.mismatch(id, v.describe())
		}
		e.buf = append(e.buf, byte(v.n))
	case PrimChar:
		if v.kind != KindChar {
			return e.mismatch(id, v.describe())
		}
		e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(v.n))
	case PrimStr:
		if v.kind != KindStr {
			return e.mismatch(id, v.describe())
		}
		if !utf8.Valid(v.b) {
			return errorf(ErrInvalid, "string is not UTF-8")
		}
		e.buf = AppendBytes(e.buf, v.b)
	default:
		if v.kind != KindUint && v.kind != KindInt {
			return e.mismatch(id, v.describe())
		}
		var err error
		e.buf, err = appendInt(e.buf, p, v)
		return err
	}
	return nil
}

// appendInt appends the integer v as primitive p, little-endian two's
// complement, after checking that it fits.
func appendInt(dst []byte, p Primitive, v Value) ([]byte, error) {
	size := p.Size()
	if v.isBig() {
		bi := v.bigInt()
		if !bigFits(bi, p) {
			return dst, errorf(ErrOverflow, "%s does not fit %s", bi, p)
		}
		return append(dst, bigToLE(bi, size)...), nil
	}
	neg := v.kind == KindInt && int64(v.n) < 0
	if p.Signed() {
		if size < 8 {
			x := int64(v.n)
			lim := int64(1) << (8*size - 1)
			if v.kind == KindUint && v.n > math.MaxInt64 || x < -lim || x >= lim {
				return dst, errorf(ErrOverflow, "%s does not fit %s", v, p)
			}
		} else if v.kind == KindUint && v.n > math.MaxInt64 && size == 8 {
			return dst, errorf(ErrOverflow, "%s does not fit %s", v, p)
		}
	} else {
		if neg || (size < 8 && v.n>>(8*size) != 0) {
			return dst, errorf(ErrOverflow, "%s does not fit %s", v, p)
		}
	}
	if size <= 8 {
		for i := 0; i < size; i++ {
			dst = append(dst, byte(v.n>>(8*i)))
		}
		return dst, nil
	}
	dst = binary.LittleEndian.AppendUint64(dst, v.n)
	ext := byte(0)
	if neg {
		ext = 0xff
	}
	for i := 8; i < size; i++ {
		dst = append(dst, ext)
	}
	return dst, nil
}

func bigFits(b *big.Int, p Primitive) bool {
	n := 8 * p.Size()
	if !p.Signed() {
		return b.Sign() >= 0 && b.BitLen() <= n
	}
	if b.Sign() >= 0 {
		return b.BitLen() < n
	}
	// -2^(n-1) is the smallest: |b|-1 must have fewer than n bits.
	m := new(big.Int).Neg(b)
	m.Sub(m, big.NewInt(1))
	return m.BitLen() < n
}

func (e *enc) compact(id TypeID, p Primitive, v Value) error {
	if v.kind != KindUint && v.kind != KindInt {
		return e.mismatch(id, v.describe())
	}
	if v.isBig() {
		bi := v.bigInt()
		if !bigFits(bi, p) {
			return errorf(ErrOverflow, "%s does not fit Compact<%s>", bi, p)
		}
		var err error
		e.buf, err = AppendCompactBig(e.buf, bi)
		return err
	}
	if (v.kind == KindInt && int64(v.n) < 0) || v.n > compactMax[p] {
		return errorf(ErrOverflow, "%s does not fit Compact<%s>", v, p)
	}
	e.buf = AppendCompact(e.buf, v.n)
	return nil
}

// bits packs one byte per bit into store words (see dec.bits for the layout).
func (e *enc) bits(inf *typeInfo, b []byte) error {
	if inf.bitStore == 0 {
		return errorf(ErrInvalid, "bit sequence with an unsupported store or order type")
	}
	width := inf.bitStore * 8
	e.buf = AppendCompact(e.buf, uint64(len(b)))
	words := (len(b) + width - 1) / width
	start := len(e.buf)
	e.buf = append(e.buf, make([]byte, words*inf.bitStore)...)
	out := e.buf[start:]
	for i, c := range b {
		if c == 0 {
			continue
		}
		w, k := i/width, i%width
		if inf.msb0 {
			k = width - 1 - k
		}
		out[w*inf.bitStore+k/8] |= 1 << (k % 8)
	}
	return nil
}
