package scale

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// MarshalJSON renders the value as JSON for command-line output: named
// composites as objects (fields in order), tuples, sequences and unnamed
// composites as arrays (a newtype as its content), enums as "Name" without
// fields or {"Name": fields} with them, integers as exact JSON numbers of any
// size, bytes as "0x…" hex, bit sequences as "0b…", chars as strings. It is
// one-way: encode values from the registry type, not from JSON.
func (v Value) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := v.writeJSON(&b, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (v Value) writeJSON(b *bytes.Buffer, depth int) error {
	if depth > MaxDepth {
		return errorf(ErrTooDeep, "value nests more than %d levels", MaxDepth)
	}
	quote := func(s string) {
		q, _ := json.Marshal(s)
		b.Write(q)
	}
	switch v.kind {
	case KindInvalid:
		b.WriteString("null")
	case KindBool:
		b.WriteString(strconv.FormatBool(v.n == 1))
	case KindChar:
		quote(string(rune(v.n)))
	case KindStr:
		quote(string(v.b))
	case KindUint, KindInt:
		b.WriteString(v.String())
	case KindBytes:
		b.WriteString(`"0x`)
		b.WriteString(hex.EncodeToString(v.b))
		b.WriteByte('"')
	case KindBits:
		quote(v.String())
	case KindSequence, KindTuple:
		return v.jsonItems(b, depth, false)
	case KindComposite:
		switch {
		case v.names != nil && v.names.fields != nil:
			return v.jsonItems(b, depth, true)
		case len(v.items) == 1:
			return v.items[0].writeJSON(b, depth+1)
		default:
			return v.jsonItems(b, depth, false)
		}
	case KindVariant:
		if len(v.items) == 0 {
			quote(v.names.variant)
			return nil
		}
		b.WriteByte('{')
		quote(v.names.variant)
		b.WriteByte(':')
		var err error
		switch {
		case v.names.fields != nil:
			err = v.jsonItems(b, depth, true)
		case len(v.items) == 1:
			err = v.items[0].writeJSON(b, depth+1)
		default:
			err = v.jsonItems(b, depth, false)
		}
		b.WriteByte('}')
		return err
	}
	return nil
}

func (v Value) jsonItems(b *bytes.Buffer, depth int, named bool) error {
	open, closing := byte('['), byte(']')
	if named {
		open, closing = '{', '}'
	}
	b.WriteByte(open)
	for i, it := range v.items {
		if i > 0 {
			b.WriteByte(',')
		}
		if named {
			q, _ := json.Marshal(v.names.fields[i])
			b.Write(q)
			b.WriteByte(':')
		}
		if err := it.writeJSON(b, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte(closing)
	return nil
}
