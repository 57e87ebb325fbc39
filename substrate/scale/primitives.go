package scale

import (
	"encoding/binary"
	"math/big"
	"math/bits"
	"unicode/utf8"
)

// Decoder reads SCALE primitives from a byte slice, front to back. It is the
// low-level tool for fixed layouts (an extrinsic's header, a metadata blob);
// values described by a registry are decoded with Registry.Decode instead.
//
// Every method returns an error wrapping ErrTruncated when the data ends
// early, and never reads past the slice. Slices returned by Read and Bytes
// alias the input. A Decoder is not safe for concurrent use.
type Decoder struct {
	buf []byte
	off int
}

// NewDecoder returns a Decoder reading b from its first byte.
func NewDecoder(b []byte) *Decoder { return &Decoder{buf: b} }

// Offset returns the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

// Remaining returns the number of bytes not yet consumed.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Rest returns the unconsumed bytes (aliasing the input) without consuming them.
func (d *Decoder) Rest() []byte { return d.buf[d.off:] }

// Finish returns an error wrapping ErrTrailing if bytes remain.
func (d *Decoder) Finish() error {
	if r := d.Remaining(); r > 0 {
		return errorf(ErrTrailing, "%d bytes left at byte %d", r, d.off)
	}
	return nil
}

func (d *Decoder) short(n int) error {
	return errorf(ErrTruncated, "need %d bytes at byte %d, have %d", n, d.off, d.Remaining())
}

// Read consumes and returns the next n bytes (aliasing the input).
func (d *Decoder) Read(n int) ([]byte, error) {
	if n < 0 || n > d.Remaining() {
		return nil, d.short(n)
	}
	b := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return b, nil
}

// U8 reads one byte.
func (d *Decoder) U8() (uint8, error) {
	if d.off >= len(d.buf) {
		return 0, d.short(1)
	}
	b := d.buf[d.off]
	d.off++
	return b, nil
}

// U16 reads a little-endian u16.
func (d *Decoder) U16() (uint16, error) {
	b, err := d.Read(2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

// U32 reads a little-endian u32.
func (d *Decoder) U32() (uint32, error) {
	b, err := d.Read(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// U64 reads a little-endian u64.
func (d *Decoder) U64() (uint64, error) {
	b, err := d.Read(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// U128 reads a little-endian u128.
func (d *Decoder) U128() (*big.Int, error) {
	b, err := d.Read(16)
	if err != nil {
		return nil, err
	}
	return leToBig(b, false), nil
}

// Bool reads a bool: 0 is false, 1 is true, anything else is ErrInvalid.
func (d *Decoder) Bool() (bool, error) {
	b, err := d.U8()
	if err != nil {
		return false, err
	}
	switch b {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, errorf(ErrInvalid, "bool byte %#x at byte %d", b, d.off-1)
}

// Compact reads a compact unsigned integer that fits in 64 bits. Encodings
// that are not the shortest possible are ErrNonCanonical; values above
// 2^64-1 are ErrOverflow (use CompactBig for u128).
func (d *Decoder) Compact() (uint64, error) {
	v, hi, err := d.compact128()
	if err != nil {
		return 0, err
	}
	if hi != 0 {
		return 0, errorf(ErrOverflow, "compact at byte %d exceeds 64 bits", d.off)
	}
	return v, nil
}

// CompactBig reads a compact unsigned integer of up to 128 bits.
func (d *Decoder) CompactBig() (*big.Int, error) {
	lo, hi, err := d.compact128()
	if err != nil {
		return nil, err
	}
	return u128ToBig(lo, hi), nil
}

// compact128 decodes a compact integer of up to 128 bits as two words.
func (d *Decoder) compact128() (lo, hi uint64, err error) {
	start := d.off
	if d.off >= len(d.buf) {
		return 0, 0, d.short(1)
	}
	b0 := d.buf[d.off]
	switch b0 & 3 {
	case 0:
		d.off++
		return uint64(b0 >> 2), 0, nil
	case 1:
		b, err := d.Read(2)
		if err != nil {
			return 0, 0, err
		}
		v := uint64(binary.LittleEndian.Uint16(b) >> 2)
		if v < 1<<6 {
			return 0, 0, errorf(ErrNonCanonical, "compact %d in 2 bytes at byte %d", v, start)
		}
		return v, 0, nil
	case 2:
		b, err := d.Read(4)
		if err != nil {
			return 0, 0, err
		}
		v := uint64(binary.LittleEndian.Uint32(b) >> 2)
		if v < 1<<14 {
			return 0, 0, errorf(ErrNonCanonical, "compact %d in 4 bytes at byte %d", v, start)
		}
		return v, 0, nil
	}
	n := int(b0>>2) + 4
	if n > 16 {
		return 0, 0, errorf(ErrOverflow, "compact of %d bytes at byte %d exceeds 128 bits", n, start)
	}
	d.off++
	b, err := d.Read(n)
	if err != nil {
		d.off = start
		return 0, 0, err
	}
	if b[n-1] == 0 {
		return 0, 0, errorf(ErrNonCanonical, "compact of %d bytes with a zero top byte at byte %d", n, start)
	}
	var w [16]byte
	copy(w[:], b)
	lo = binary.LittleEndian.Uint64(w[:8])
	hi = binary.LittleEndian.Uint64(w[8:])
	if n == 4 && lo < 1<<30 {
		return 0, 0, errorf(ErrNonCanonical, "compact %d in big-integer mode at byte %d", lo, start)
	}
	return lo, hi, nil
}

// Len reads a compact length prefix of elements at least minSize bytes each,
// and fails with ErrTruncated before any allocation when the remaining bytes
// cannot hold that many (minSize 0 skips that check).
func (d *Decoder) Len(minSize int) (int, error) {
	start := d.off
	v, err := d.Compact()
	if err != nil {
		return 0, err
	}
	if minSize > 0 && v > uint64(d.Remaining()/minSize) {
		return 0, errorf(ErrTruncated, "length %d at byte %d exceeds the %d bytes left", v, start, d.Remaining())
	}
	if v > 1<<31 {
		return 0, errorf(ErrTruncated, "length %d at byte %d is too large", v, start)
	}
	return int(v), nil
}

// Bytes reads a compact length prefix and that many bytes (aliasing the input).
func (d *Decoder) Bytes() ([]byte, error) {
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	return d.Read(n)
}

// Str reads a length-prefixed UTF-8 string; invalid UTF-8 is ErrInvalid.
func (d *Decoder) Str() (string, error) {
	start := d.off
	b, err := d.Bytes()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", errorf(ErrInvalid, "string at byte %d is not UTF-8", start)
	}
	return string(b), nil
}

// AppendCompact appends v as a compact integer.
func AppendCompact(dst []byte, v uint64) []byte {
	switch {
	case v < 1<<6:
		return append(dst, byte(v<<2))
	case v < 1<<14:
		return binary.LittleEndian.AppendUint16(dst, uint16(v<<2|1))
	case v < 1<<30:
		return binary.LittleEndian.AppendUint32(dst, uint32(v<<2|2))
	}
	n := (bits.Len64(v) + 7) / 8
	dst = append(dst, byte((n-4)<<2|3))
	for i := 0; i < n; i++ {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// AppendCompactBig appends v as a compact integer; v must be in [0, 2^128).
func AppendCompactBig(dst []byte, v *big.Int) ([]byte, error) {
	if v.Sign() < 0 || v.BitLen() > 128 {
		return dst, errorf(ErrOverflow, "compact %s outside [0, 2^128)", v)
	}
	if v.IsUint64() {
		return AppendCompact(dst, v.Uint64()), nil
	}
	le := bigToLE(v, 16)
	n := (v.BitLen() + 7) / 8
	dst = append(dst, byte((n-4)<<2|3))
	return append(dst, le[:n]...), nil
}

func appendCompact128(dst []byte, lo, hi uint64) []byte {
	if hi == 0 {
		return AppendCompact(dst, lo)
	}
	n := 8 + (bits.Len64(hi)+7)/8
	dst = append(dst, byte((n-4)<<2|3))
	dst = binary.LittleEndian.AppendUint64(dst, lo)
	for i := 0; i < n-8; i++ {
		dst = append(dst, byte(hi>>(8*i)))
	}
	return dst
}

// AppendBytes appends b with its compact length prefix (SCALE Vec<u8>).
func AppendBytes(dst, b []byte) []byte {
	return append(AppendCompact(dst, uint64(len(b))), b...)
}

// AppendStr appends s with its compact length prefix (SCALE str/String).
func AppendStr(dst []byte, s string) []byte {
	return append(AppendCompact(dst, uint64(len(s))), s...)
}

// AppendBool appends a bool as one byte.
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// AppendU16 appends v little-endian.
func AppendU16(dst []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(dst, v) }

// AppendU32 appends v little-endian.
func AppendU32(dst []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(dst, v) }

// AppendU64 appends v little-endian.
func AppendU64(dst []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(dst, v) }

// leToBig reads a little-endian integer, as two's complement when signed.
func leToBig(b []byte, signed bool) *big.Int {
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if signed && len(b) > 0 && b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

// bigToLE writes v as a size-byte little-endian two's complement integer;
// the caller has checked the range.
func bigToLE(v *big.Int, size int) []byte {
	x := v
	if v.Sign() < 0 {
		x = new(big.Int).Add(v, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
	}
	out := make([]byte, size)
	x.FillBytes(out)
	for i, j := 0, size-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func u128ToBig(lo, hi uint64) *big.Int {
	v := new(big.Int).SetUint64(hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(lo))
}
