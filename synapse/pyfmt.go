package synapse

// This file writes Go values the way Python writes the values a pydantic v1
// model holds after parsing JSON: str() for the body hash (single-quoted
// reprs, True/False/None, shortest float repr) and json.dumps for the body
// (", " and ": " separators, ensure_ascii). Both walk the value with reflect
// in one function, so the two forms cannot disagree about field order, map
// order or which types are supported.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mode selects the text form a walk produces.
type mode int

const (
	modeJSON mode = iota // json.dumps(value)
	modeRepr             // repr(value), which is str(value) for all but a top-level string
)

// writeValue appends v in the given form. Unsupported kinds (channels,
// functions, complex numbers, non-finite floats in JSON, interfaces and
// json.Marshaler types in repr form) give an error naming the type.
func writeValue(b []byte, v reflect.Value, m mode) ([]byte, error) {
	if m == modeJSON && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.Type().Implements(marshalerType) {
		out, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return b, fmt.Errorf("synapse: marshal %s: %w", v.Type(), err)
		}
		return append(b, out...), nil
	}
	switch v.Kind() {
	case reflect.Bool:
		switch {
		case m == modeJSON && v.Bool():
			return append(b, "true"...), nil
		case m == modeJSON:
			return append(b, "false"...), nil
		case v.Bool():
			return append(b, "True"...), nil
		default:
			return append(b, "False"...), nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		f := v.Float()
		if m == modeJSON && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return b, fmt.Errorf("synapse: %w: float %v is not valid JSON", ErrUnsupportedType, f)
		}
		return appendPyFloat(b, f, bits), nil
	case reflect.String:
		if m == modeJSON {
			return appendJSONString(b, v.String()), nil
		}
		return appendPyRepr(b, v.String()), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			if m == modeJSON {
				return append(b, "null"...), nil
			}
			return append(b, "None"...), nil
		}
		if v.Kind() == reflect.Interface && m == modeRepr {
			return b, fmt.Errorf("synapse: %w: interface %s (its Python type is unknown)", ErrUnsupportedType, v.Type())
		}
		return writeValue(b, v.Elem(), m)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			// encoding/json's form for []byte: a base64 string (a str in Python).
			s := base64.StdEncoding.EncodeToString(v.Bytes())
			if m == modeJSON {
				return appendJSONString(b, s), nil
			}
			return appendPyRepr(b, s), nil
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ", "...)
			}
			var err error
			if b, err = writeValue(b, v.Index(i), m); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		return writeMap(b, v, m)
	case reflect.Struct:
		if m == modeRepr && v.Type().Implements(marshalerType) {
			return b, fmt.Errorf("synapse: %w: %s has its own JSON form", ErrUnsupportedType, v.Type())
		}
		b = append(b, '{')
		for i, f := range structFields(v.Type()) {
			if i > 0 {
				b = append(b, ", "...)
			}
			if m == modeJSON {
				b = appendJSONString(b, f.name)
				b = append(b, ": "...)
			} else {
				b = appendPyRepr(b, f.name)
				b = append(b, ": "...)
			}
			var err error
			if b, err = writeValue(b, v.FieldByIndex(f.index), m); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	default:
		return b, fmt.Errorf("synapse: %w: %s", ErrUnsupportedType, v.Type())
	}
}

// writeMap writes a map with its keys in sorted order (string keys by bytes,
// integer keys by value): Go maps have no order, so the JSON a Go peer sends
// and the repr it hashes both use this one order, which a Python peer keeps.
func writeMap(b []byte, v reflect.Value, m mode) ([]byte, error) {
	if v.IsNil() {
		return append(b, "{}"...), nil
	}
	keys := v.MapKeys()
	kt := v.Type().Key()
	switch kt.Kind() {
	case reflect.String:
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		slices.SortFunc(keys, func(x, y reflect.Value) int { return cmpInt(x.Int(), y.Int()) })
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		slices.SortFunc(keys, func(x, y reflect.Value) int { return cmpUint(x.Uint(), y.Uint()) })
	default:
		return b, fmt.Errorf("synapse: %w: map key type %s", ErrUnsupportedType, kt)
	}
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		switch {
		case kt.Kind() == reflect.String && m == modeJSON:
			b = appendJSONString(b, k.String())
		case kt.Kind() == reflect.String:
			b = appendPyRepr(b, k.String())
		case m == modeJSON:
			b = append(b, '"')
			b, _ = writeValue(b, k, m)
			b = append(b, '"')
		default:
			b, _ = writeValue(b, k, m)
		}
		b = append(b, ": "...)
		var err error
		if b, err = writeValue(b, v.MapIndex(k), m); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// PyStr returns Python's str() of the value a pydantic model would hold for
// v: a string as itself, anything else as its repr. See the package
// documentation for the supported types.
func PyStr(v any) (string, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return "None", nil
	}
	b, err := pyStrValue(nil, rv)
	return string(b), err
}

// pyStrValue is PyStr for a reflect.Value. A pointer is its value (an
// Optional[str] holding "x" prints as x, not 'x').
func pyStrValue(b []byte, v reflect.Value) ([]byte, error) {
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.String {
		return append(b, v.String()...), nil
	}
	return writeValue(b, v, modeRepr)
}

// appendPyFloat appends Python's repr of a float: the shortest digits that
// read back to the same value (for float32, the same float32, which is what
// a peer parsing the JSON text sees), in positional form when the decimal
// exponent is in [-4, 16), else d.ddde±XX; "inf", "-inf", "nan".
func appendPyFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	var tmp [40]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, bits) // -d.ddde±XX
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	mant, expPart, _ := strings.Cut(string(e), "e")
	exp, _ := strconv.Atoi(expPart)
	digits := strings.Replace(mant, ".", "", 1)
	if exp >= -4 && exp < 16 {
		if exp < 0 {
			b = append(b, "0."...)
			for range -exp - 1 {
				b = append(b, '0')
			}
			return append(b, digits...)
		}
		if len(digits) <= exp+1 {
			b = append(b, digits...)
			for range exp + 1 - len(digits) {
				b = append(b, '0')
			}
			return append(b, ".0"...)
		}
		b = append(b, digits[:exp+1]...)
		b = append(b, '.')
		return append(b, digits[exp+1:]...)
	}
	b = append(b, digits[0])
	if len(digits) > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	if exp < 0 {
		b = append(b, '-')
		exp = -exp
	} else {
		b = append(b, '+')
	}
	if exp < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(exp), 10)
}

// appendPyRepr appends Python 3's repr of a str: single quotes unless the
// text holds a single quote and no double quote; backslash escapes for the
// quote, backslash, \t \n \r, and \xNN, \uNNNN or \UNNNNNNNN for characters
// that are not printable (Go's unicode.IsPrint, which matches Python's
// str.isprintable up to Unicode version differences).
func appendPyRepr(b []byte, s string) []byte {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b = append(b, quote)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == quote || c == '\\':
				b = append(b, '\\', c)
			case c == '\t':
				b = append(b, `\t`...)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c < 0x20 || c == 0x7f:
				b = append(b, `\x`...)
				b = appendHex(b, uint32(c), 2)
			default:
				b = append(b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xff:
			b = append(b, `\x`...)
			b = appendHex(b, uint32(r), 2)
		case r <= 0xffff:
			b = append(b, `\u`...)
			b = appendHex(b, uint32(r), 4)
		default:
			b = append(b, `\U`...)
			b = appendHex(b, uint32(r), 8)
		}
	}
	return append(b, quote)
}

const hexDigits = "0123456789abcdef"

func appendHex(b []byte, v uint32, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(4*uint(i)))&0xf])
	}
	return b
}

// appendJSONString appends s as json.dumps does by default (ensure_ascii):
// printable ASCII as is, \" \\ \n \r \t \b \f escaped, everything else as
// \uXXXX (UTF-16, with surrogate pairs above U+FFFF).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			default:
				if c < 0x20 || c == 0x7f {
					b = append(b, `\u`...)
					b = appendHex(b, uint32(c), 4)
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xffff {
			r -= 0x10000
			b = append(b, `\u`...)
			b = appendHex(b, uint32(0xd800+(r>>10)), 4)
			b = append(b, `\u`...)
			b = appendHex(b, uint32(0xdc00+(r&0x3ff)), 4)
			continue
		}
		b = append(b, `\u`...)
		b = appendHex(b, uint32(r), 4)
	}
	return append(b, '"')
}
