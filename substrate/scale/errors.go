package scale

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors returned by this package. Callers test for them with errors.Is; the
// returned error usually wraps one of them with the type, path and offset.
var (
	// ErrTruncated means the data ended before the value did, or a length
	// prefix announced more elements than the remaining bytes can hold.
	ErrTruncated = errors.New("scale: unexpected end of data")
	// ErrTrailing means bytes were left over after a full decode.
	ErrTrailing = errors.New("scale: trailing bytes after value")
	// ErrNonCanonical means a compact integer was not in its shortest form.
	ErrNonCanonical = errors.New("scale: non-canonical compact encoding")
	// ErrOverflow means a number does not fit the type it is decoded or
	// encoded as (a Compact<u16> above 65535, a u128 into a Go uint64, -1
	// into an unsigned type).
	ErrOverflow = errors.New("scale: number out of range")
	// ErrInvalid means the bytes are not a valid encoding of the type: a bool
	// byte other than 0 or 1, an unknown variant index, a string that is not
	// UTF-8, an invalid char.
	ErrInvalid = errors.New("scale: invalid encoding")
	// ErrTooDeep means values nest deeper than MaxDepth, or a value holds more
	// zero-sized elements than the decoder allows (see MaxZeroSized).
	ErrTooDeep = errors.New("scale: value too deeply nested or too large")
	// ErrUnknownType means a type id or type name is not in the registry.
	ErrUnknownType = errors.New("scale: unknown type")
	// ErrMismatch means a Go value or a Value does not fit the registry type
	// it is decoded into or encoded as (a string for a u16, a struct field of
	// the wrong kind, a missing field).
	ErrMismatch = errors.New("scale: type mismatch")
	// ErrSyntax means a type expression or definition did not parse.
	ErrSyntax = errors.New("scale: syntax error")
)

// PathError reports where in a value an error happened: the registry type the
// decode or encode started from, the path of fields and indices inside it
// (".axon_info.ip", ".stake[3].1"), and for decoding the byte offset.
// Err is the underlying cause, usually one of the package's sentinel errors.
type PathError struct {
	Op     string // "decode" or "encode"
	Type   string // the registry type's name and id, e.g. "NeuronInfoLite (#812)"
	Path   string // path inside the value, empty at the top
	Offset int    // byte offset of the failure (decode only; -1 when unknown)
	Err    error
}

// Error returns one line: "scale: decode NeuronInfoLite (#812) at .axon_info.ip (byte 45): unexpected end of data ...".
func (e *PathError) Error() string {
	var b strings.Builder
	b.WriteString("scale: ")
	b.WriteString(e.Op)
	if e.Type != "" {
		b.WriteByte(' ')
		b.WriteString(e.Type)
	}
	if e.Path != "" {
		b.WriteString(" at ")
		b.WriteString(e.Path)
	}
	if e.Offset >= 0 {
		b.WriteString(" (byte ")
		b.WriteString(strconv.Itoa(e.Offset))
		b.WriteByte(')')
	}
	b.WriteString(": ")
	msg := e.Err.Error()
	b.WriteString(strings.TrimPrefix(msg, "scale: "))
	return b.String()
}

// Unwrap returns the cause, so errors.Is finds the sentinel.
func (e *PathError) Unwrap() error { return e.Err }

// pathErr collects path segments while an error unwinds through nested
// values; segments are appended innermost first and reversed once at the top.
type pathErr struct {
	segs   []string
	offset int
	err    error
}

func (e *pathErr) Error() string { return e.err.Error() }
func (e *pathErr) Unwrap() error { return e.err }

// at adds one path segment to err as it unwinds out of a field or element.
func at(err error, seg string) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*pathErr); ok {
		pe.segs = append(pe.segs, seg)
		return pe
	}
	return &pathErr{segs: []string{seg}, offset: -1, err: err}
}

func atIndex(err error, i int) error { return at(err, "["+strconv.Itoa(i)+"]") }
func atField(err error, name string, i int) error {
	if name == "" {
		return at(err, "."+strconv.Itoa(i))
	}
	return at(err, "."+name)
}

// finish turns an unwound error into a *PathError naming the starting type.
func finish(err error, op, typ string) error {
	if err == nil {
		return nil
	}
	pe := &PathError{Op: op, Type: typ, Offset: -1, Err: err}
	if e, ok := err.(*pathErr); ok {
		var b strings.Builder
		for i := len(e.segs) - 1; i >= 0; i-- {
			b.WriteString(e.segs[i])
		}
		pe.Path, pe.Offset, pe.Err = b.String(), e.offset, e.err
	}
	return pe
}

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
