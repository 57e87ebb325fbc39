package scale

import (
	"encoding/binary"
	"math"
	"unicode/utf8"
)

// DecodeValue decodes data as one value of type id. All of data must be
// used: leftover bytes are ErrTrailing. The value keeps one private copy of
// data, which its Bytes and Str parts alias.
func (r *Registry) DecodeValue(id TypeID, data []byte) (Value, error) {
	v, n, err := r.DecodeValuePrefix(id, data)
	if err == nil && n != len(data) {
		err = finish(&pathErr{offset: n, err: errorf(ErrTrailing, "%d of %d bytes left", len(data)-n, len(data))}, "decode", r.describe(id))
	}
	return v, err
}

// DecodeValuePrefix decodes one value of type id from the start of data and
// returns it with the number of bytes it used; the rest of data is ignored.
func (r *Registry) DecodeValuePrefix(id TypeID, data []byte) (Value, int, error) {
	if _, ok := r.Type(id); !ok {
		return Value{}, 0, errorf(ErrUnknownType, "type id %d (registry has %d types)", id, len(r.types))
	}
	d := &dec{r: r, buf: append([]byte(nil), data...), zero: MaxZeroSized}
	var v Value
	if err := d.value(id, &v); err != nil {
		return Value{}, 0, finish(err, "decode", r.describe(id))
	}
	return v, d.off, nil
}

// dec is the decoding state shared by dynamic values and typed views.
type dec struct {
	r     *Registry
	buf   []byte
	off   int
	depth int
	zero  int     // zero-sized values still allowed
	slab  []Value // preallocated items for composite and sequence values
}

// fail records the byte offset of a leaf error.
func (d *dec) fail(err error) error {
	return &pathErr{offset: d.off, err: err}
}

func (d *dec) truncated(need int) error {
	return d.fail(errorf(ErrTruncated, "need %d bytes, have %d", need, len(d.buf)-d.off))
}

func (d *dec) take(n int) ([]byte, error) {
	if n > len(d.buf)-d.off {
		return nil, d.truncated(n)
	}
	b := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return b, nil
}

func (d *dec) byte1() (byte, error) {
	if d.off >= len(d.buf) {
		return 0, d.truncated(1)
	}
	c := d.buf[d.off]
	d.off++
	return c, nil
}

// enter counts one level of nesting and one zero-sized value if the type has
// no minimum size; leave undoes the nesting.
func (d *dec) enter(id TypeID) error {
	d.depth++
	if d.depth > MaxDepth {
		return d.fail(errorf(ErrTooDeep, "more than %d nested values", MaxDepth))
	}
	if d.r.info[id].minSize == 0 {
		d.zero--
		if d.zero < 0 {
			return d.fail(errorf(ErrTooDeep, "more than %d zero-sized values", MaxZeroSized))
		}
	}
	return nil
}

// length reads a compact element count and checks, before anything is
// allocated, that the remaining bytes can hold that many elements of elem.
func (d *dec) length(elem TypeID) (int, error) {
	start := d.off
	lo, hi, err := d.compact()
	if err != nil {
		return 0, err
	}
	min := d.r.info[elem].minSize
	left := len(d.buf) - d.off
	if hi != 0 || lo > 1<<31 || (min > 0 && lo > uint64(left/min)) {
		d.off = start
		return 0, d.fail(errorf(ErrTruncated, "length %d exceeds the %d bytes left", lo, left))
	}
	if min == 0 {
		if lo > uint64(d.zero) {
			d.off = start
			return 0, d.fail(errorf(ErrTooDeep, "length %d of zero-sized elements", lo))
		}
		d.zero -= int(lo)
	}
	return int(lo), nil
}

func (d *dec) compact() (lo, hi uint64, err error) {
	sub := Decoder{buf: d.buf, off: d.off}
	lo, hi, err = sub.compact128()
	if err != nil {
		return 0, 0, d.fail(err)
	}
	d.off = sub.off
	return lo, hi, nil
}

// alloc returns n Values from a shared slab, so decoding a large value makes
// few allocations.
func (d *dec) alloc(n int) []Value {
	if n == 0 {
		return nil
	}
	if n > cap(d.slab)-len(d.slab) {
		size := 1024
		if d.slab == nil {
			// A small input holds few values: a first slab of a full size
			// would cost more than the decode (one-byte values are common).
			size = min(size, max(16, 2*(len(d.buf)-d.off)))
		}
		if n > size/4 {
			return make([]Value, n)
		}
		d.slab = make([]Value, 0, size)
	}
	s := d.slab[len(d.slab) : len(d.slab)+n : len(d.slab)+n]
	d.slab = d.slab[:len(d.slab)+n]
	return s
}

// value decodes one value of type id into *v (which the caller zeroed).
func (d *dec) value(id TypeID, v *Value) error {
	if err := d.enter(id); err != nil {
		return err
	}
	t := &d.r.types[id]
	inf := &d.r.info[id]
	v.typ = id
	switch t.Def {
	case DefComposite:
		v.kind, v.names = KindComposite, inf.names
		v.items = d.alloc(len(t.Fields))
		for i := range t.Fields {
			if err := d.value(t.Fields[i].Type, &v.items[i]); err != nil {
				return atField(err, t.Fields[i].Name, i)
			}
		}
	case DefVariant:
		j, err := d.variant(t, inf)
		if err != nil {
			return err
		}
		vr := &t.Variants[j]
		v.kind, v.index, v.names = KindVariant, vr.Index, inf.varNames[j]
		v.items = d.alloc(len(vr.Fields))
		for i := range vr.Fields {
			if err := d.value(vr.Fields[i].Type, &v.items[i]); err != nil {
				return at(atField(err, vr.Fields[i].Name, i), "::"+vr.Name)
			}
		}
	case DefSequence:
		n, err := d.length(t.Elem)
		if err != nil {
			return err
		}
		if err := d.elems(v, t.Elem, n, inf.u8); err != nil {
			return err
		}
	case DefArray:
		min := d.r.info[t.Elem].minSize
		left := len(d.buf) - d.off
		if min > 0 && uint64(t.Len) > uint64(left/min) {
			return d.truncated(int(min64(uint64(t.Len)*uint64(min), math.MaxInt32)))
		}
		if min == 0 {
			if uint64(t.Len) > uint64(d.zero) {
				return d.fail(errorf(ErrTooDeep, "array of %d zero-sized elements", t.Len))
			}
			d.zero -= int(t.Len)
		}
		if err := d.elems(v, t.Elem, int(t.Len), inf.u8); err != nil {
			return err
		}
	case DefTuple:
		v.kind = KindTuple
		v.items = d.alloc(len(t.Tuple))
		for i, e := range t.Tuple {
			if err := d.value(e, &v.items[i]); err != nil {
				return atIndex(err, i)
			}
		}
	case DefPrimitive:
		if err := d.primitive(v, t.Primitive); err != nil {
			return err
		}
	case DefCompact:
		if err := d.compactValue(v, inf); err != nil {
			return err
		}
	case DefBitSequence:
		if err := d.bits(v, inf); err != nil {
			return err
		}
	}
	d.depth--
	return nil
}

func min64(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return b
}

func (d *dec) elems(v *Value, elem TypeID, n int, u8 bool) error {
	if u8 {
		b, err := d.take(n)
		if err != nil {
			return err
		}
		v.kind, v.b = KindBytes, b
		return nil
	}
	v.kind = KindSequence
	v.items = d.alloc(n)
	for i := range v.items {
		if err := d.value(elem, &v.items[i]); err != nil {
			return atIndex(err, i)
		}
	}
	return nil
}

// variant reads the index byte and returns the position of its variant.
func (d *dec) variant(t *Type, inf *typeInfo) (int, error) {
	c, err := d.byte1()
	if err != nil {
		return 0, err
	}
	if inf.denseVar {
		if int(c) < len(t.Variants) {
			return int(c), nil
		}
	} else {
		for j := range t.Variants {
			if t.Variants[j].Index == c {
				return j, nil
			}
		}
	}
	d.off--
	return 0, d.fail(errorf(ErrInvalid, "no variant with index %d", c))
}

func (d *dec) primitive(v *Value, p Primitive) error {
	switch p {
	case PrimBool:
		c, err := d.byte1()
		if err != nil {
			return err
		}
		if c > 1 {
			d.off--
			return d.fail(errorf(ErrInvalid, "bool byte %#x", c))
		}
		v.kind, v.n = KindBool, uint64(c)
	case PrimChar:
		b, err := d.take(4)
		if err != nil {
			return err
		}
		r := binary.LittleEndian.Uint32(b)
		if r > utf8.MaxRune || !utf8.ValidRune(rune(r)) {
			d.off -= 4
			return d.fail(errorf(ErrInvalid, "char %#x is not a Unicode scalar value", r))
		}
		v.kind, v.n = KindChar, uint64(r)
	case PrimStr:
		start := d.off
		lo, hi, err := d.compact()
		if err != nil {
			return err
		}
		if hi != 0 || lo > uint64(len(d.buf)-d.off) {
			d.off = start
			return d.fail(errorf(ErrTruncated, "string length %d exceeds the %d bytes left", lo, len(d.buf)-d.off))
		}
		b, _ := d.take(int(lo))
		if !utf8.Valid(b) {
			d.off = start
			return d.fail(errorf(ErrInvalid, "string is not UTF-8"))
		}
		v.kind, v.b = KindStr, b
	default:
		size := p.Size()
		b, err := d.take(size)
		if err != nil {
			return err
		}
		setInt(v, b, p.Signed())
	}
	return nil
}

// setInt stores a little-endian integer exactly in v: in n when it fits 64
// bits, else as a big.Int.
func setInt(v *Value, b []byte, signed bool) {
	var w [8]byte
	copy(w[:], b)
	lo := binary.LittleEndian.Uint64(w[:])
	if !signed {
		v.kind = KindUint
		for _, c := range b[min(len(b), 8):] {
			if c != 0 {
				v.index, v.b = bigNumber, b
				return
			}
		}
		v.n = lo
		return
	}
	v.kind = KindInt
	if len(b) < 8 {
		shift := 64 - 8*uint(len(b))
		v.n = uint64(int64(lo<<shift) >> shift)
		return
	}
	ext := byte(0)
	if lo>>63 != 0 {
		ext = 0xff
	}
	for _, c := range b[8:] {
		if c != ext {
			v.index, v.b = bigNumber, b
			return
		}
	}
	v.n = lo
}

var compactMax = [...]uint64{PrimU8: math.MaxUint8, PrimU16: math.MaxUint16, PrimU32: math.MaxUint32, PrimU64: math.MaxUint64, PrimU128: math.MaxUint64}

func (d *dec) compactValue(v *Value, inf *typeInfo) error {
	if !inf.compactOK {
		return d.fail(errorf(ErrInvalid, "compact of a type that is not an unsigned integer"))
	}
	start := d.off
	lo, hi, err := d.compact()
	if err != nil {
		return err
	}
	v.kind = KindUint
	if hi != 0 {
		if inf.compact != PrimU128 {
			d.off = start
			return d.fail(errorf(ErrOverflow, "compact exceeds %s", inf.compact))
		}
		w := make([]byte, 16)
		binary.LittleEndian.PutUint64(w, lo)
		binary.LittleEndian.PutUint64(w[8:], hi)
		v.index, v.b = bigNumber, w
		return nil
	}
	if lo > compactMax[inf.compact] {
		d.off = start
		return d.fail(errorf(ErrOverflow, "compact %d exceeds %s", lo, inf.compact))
	}
	v.n = lo
	return nil
}

// bits decodes a bit sequence: a compact bit count, then ceil(count/width)
// store words, each little-endian; Lsb0 numbers a word's bits from its least
// significant end, Msb0 from its most significant.
func (d *dec) bits(v *Value, inf *typeInfo) error {
	if inf.bitStore == 0 {
		return d.fail(errorf(ErrInvalid, "bit sequence with an unsupported store or order type"))
	}
	start := d.off
	lo, hi, err := d.compact()
	if err != nil {
		return err
	}
	width := uint64(inf.bitStore * 8)
	left := uint64(len(d.buf) - d.off)
	if hi != 0 || lo > left*8 {
		d.off = start
		return d.fail(errorf(ErrTruncated, "%d bits exceed the %d bytes left", lo, left))
	}
	words := (lo + width - 1) / width
	raw, err := d.take(int(words) * inf.bitStore)
	if err != nil {
		return err
	}
	out := make([]byte, lo)
	for i := range out {
		w := uint64(i) / width
		k := uint64(i) % width
		if inf.msb0 {
			k = width - 1 - k
		}
		// Little-endian word: bit k of the word lives in byte k/8 of it.
		if raw[w*uint64(inf.bitStore)+k/8]>>(k%8)&1 != 0 {
			out[i] = 1
		}
	}
	v.kind, v.n, v.b = KindBits, lo, out
	return nil
}

// skip consumes one value of type id without building it (used by typed
// views for fields the Go type does not have).
func (d *dec) skip(id TypeID) error {
	if err := d.enter(id); err != nil {
		return err
	}
	t := &d.r.types[id]
	inf := &d.r.info[id]
	switch t.Def {
	case DefComposite:
		for i := range t.Fields {
			if err := d.skip(t.Fields[i].Type); err != nil {
				return atField(err, t.Fields[i].Name, i)
			}
		}
	case DefVariant:
		j, err := d.variant(t, inf)
		if err != nil {
			return err
		}
		for i, f := range t.Variants[j].Fields {
			if err := d.skip(f.Type); err != nil {
				return atField(err, f.Name, i)
			}
		}
	case DefSequence, DefArray:
		var n int
		if t.Def == DefSequence {
			var err error
			if n, err = d.length(t.Elem); err != nil {
				return err
			}
		} else {
			n = int(min64(uint64(t.Len), math.MaxInt32))
		}
		if size, fixed := d.r.fixedSize(t.Elem); fixed {
			if _, err := d.take(int(min64(uint64(n)*uint64(size), math.MaxInt32))); err != nil {
				return err
			}
			break
		}
		if t.Def == DefArray {
			if min := d.r.info[t.Elem].minSize; min == 0 {
				if n > d.zero {
					return d.fail(errorf(ErrTooDeep, "array of %d zero-sized elements", n))
				}
				d.zero -= n
			} else if uint64(n) > uint64((len(d.buf)-d.off)/min) {
				return d.truncated(n * min)
			}
		}
		for i := 0; i < n; i++ {
			if err := d.skip(t.Elem); err != nil {
				return atIndex(err, i)
			}
		}
	case DefTuple:
		for i, e := range t.Tuple {
			if err := d.skip(e); err != nil {
				return atIndex(err, i)
			}
		}
	default:
		var v Value
		var err error
		switch t.Def {
		case DefPrimitive:
			err = d.primitive(&v, t.Primitive)
		case DefCompact:
			err = d.compactValue(&v, inf)
		case DefBitSequence:
			err = d.bits(&v, inf)
		}
		if err != nil {
			return err
		}
	}
	d.depth--
	return nil
}

// fixedSize reports the encoded size of types whose every value has the same
// size: fixed-width integers, bool, char, and arrays of them.
func (r *Registry) fixedSize(id TypeID) (int, bool) {
	t := &r.types[id]
	switch t.Def {
	case DefPrimitive:
		if t.Primitive != PrimStr && t.Primitive != PrimChar && t.Primitive != PrimBool {
			return t.Primitive.Size(), true
		}
	case DefArray:
		if r.info[id].u8 {
			return int(min64(uint64(t.Len), math.MaxInt32)), true
		}
	}
	return 0, false
}
