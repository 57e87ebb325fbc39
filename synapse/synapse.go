package synapse

import (
	"crypto/sha3"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// Errors callers can test with errors.Is.
var (
	// ErrBadType is returned when a Go type cannot be a synapse: not a
	// pointer to a struct, no embedded Synapse, or no usable name.
	ErrBadType = errors.New("synapse: not a synapse type")
	// ErrUnsupportedType is returned when a field holds a value this package
	// cannot write as JSON or as Python's str() (see the package doc).
	ErrUnsupportedType = errors.New("synapse: unsupported value type")
	// ErrBadHeaders is returned by FromHeaders when the headers do not
	// describe a synapse of the wanted type.
	ErrBadHeaders = errors.New("synapse: bad headers")
	// ErrBadBody is returned by Unmarshal when the body is not the JSON of a
	// synapse of the wanted type.
	ErrBadBody = errors.New("synapse: bad body")
)

// DefaultVersion is the protocol version this package announces in the
// version fields of TerminalInfo and AxonInfo: Bittensor 6.5.0 in
// Bittensor's encoding (see VersionAsInt).
const DefaultVersion = 650

// DefaultTimeout is the timeout of a synapse a Python peer builds without
// naming one, in seconds.
const DefaultTimeout = 12.0

// VersionAsInt encodes a Bittensor version the way Bittensor does:
// 100·major + 10·minor + patch. The encoding collides (6.10.0 and 7.0.0 are
// both 700); it is what Bittensor puts on chain and on the wire.
func VersionAsInt(major, minor, patch int) int { return 100*major + 10*minor + patch }

// TerminalInfo describes one end of a call: the dendrite (caller) or the
// axon (server). Every field is optional; nil is Python's None and is left
// out of headers.
type TerminalInfo struct {
	StatusCode    *int     `json:"status_code"`    // HTTP-like status of the call
	StatusMessage *string  `json:"status_message"` // human-readable status
	ProcessTime   *float64 `json:"process_time"`   // seconds
	IP            *string  `json:"ip"`
	Port          *int     `json:"port"`
	Version       *int     `json:"version"` // see VersionAsInt
	Nonce         *int64   `json:"nonce"`   // nanoseconds; strictly increasing per (hotkey, uuid)
	UUID          *string  `json:"uuid"`    // identifies the process instance
	Hotkey        *string  `json:"hotkey"`  // SS58 address
	Signature     *string  `json:"signature"`
}

// Code returns the status code, or 0 when it is unset.
func (t *TerminalInfo) Code() int {
	if t.StatusCode == nil {
		return 0
	}
	return *t.StatusCode
}

// Message returns the status message, or "" when it is unset.
func (t *TerminalInfo) Message() string {
	if t.StatusMessage == nil {
		return ""
	}
	return *t.StatusMessage
}

// Ptr returns a pointer to a copy of v, for filling TerminalInfo fields.
func Ptr[T any](v T) *T { return &v }

// Synapse holds the fields every synapse has, in Bittensor's order. A
// synapse type is a struct that embeds Synapse (by value, first) and adds its
// own fields:
//
//	type Dummy struct {
//		synapse.Synapse
//		DummyInput  int  `json:"dummy_input" bt:"required,hash"`
//		DummyOutput *int `json:"dummy_output"`
//	}
//
// The `json` tag gives the field's wire name (snake_case, as the Python
// class would spell it). The `bt` tag marks a field "required" (declared
// without a default in Python: its type travels as a
// bt_header_input_obj_<name> header) and "hash" (listed in
// required_hash_fields: its value is covered by the body hash and so by the
// dendrite's signature). The synapse's name on the wire is the Go type name,
// unless the type has a SynapseName() string method.
//
// *Synapse is itself a synapse: the built-in ping every axon answers.
type Synapse struct {
	Name               string       `json:"name"`
	Timeout            float64      `json:"timeout"`     // seconds
	TotalSize          int64        `json:"total_size"`  // informational
	HeaderSize         int64        `json:"header_size"` // informational
	Dendrite           TerminalInfo `json:"dendrite"`
	Axon               TerminalInfo `json:"axon"`
	ComputedBodyHash   string       `json:"computed_body_hash"`
	RequiredHashFields []string     `json:"required_hash_fields"`
}

// Base returns s; through embedding it gives every synapse type access to
// its base fields, and makes it a Message.
func (s *Synapse) Base() *Synapse { return s }

// StatusCode returns the dendrite's view of the call's status: 200 on
// success, 408 timeout, 503 unreachable, 422 unreadable answer, or the
// axon's code (401, 403, 404, 500, ...). 0 before any call.
func (s *Synapse) StatusCode() int { return s.Dendrite.Code() }

// StatusMessage returns the dendrite's status message of the call.
func (s *Synapse) StatusMessage() string { return s.Dendrite.Message() }

// IsSuccess reports whether the call succeeded (status 200).
func (s *Synapse) IsSuccess() bool { return s.StatusCode() == 200 }

// IsTimeout reports whether the call timed out (status 408).
func (s *Synapse) IsTimeout() bool { return s.StatusCode() == 408 }

// IsBlacklisted reports whether the axon refused the caller (status 403).
func (s *Synapse) IsBlacklisted() bool { return s.StatusCode() == 403 }

// IsFailure reports whether the call ended in anything but success or timeout.
func (s *Synapse) IsFailure() bool { return !s.IsSuccess() && !s.IsTimeout() }

// Message is a synapse: a pointer to a struct that embeds Synapse.
type Message interface {
	Base() *Synapse
}

// Name returns the wire name of m's type: the route an axon serves it on.
func Name(m Message) (string, error) {
	ti, err := infoFor(m)
	if err != nil {
		return "", err
	}
	return ti.name, nil
}

// HashFields returns the names of the fields of m's type that the body hash
// covers, in declaration order (the value of required_hash_fields).
func HashFields(m Message) ([]string, error) {
	ti, err := infoFor(m)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), ti.hashFields...), nil
}

// Check reports whether the type of m can be used as a synapse: it embeds
// Synapse and every field it adds can be written as JSON and as Python's
// str().
func Check(m Message) error {
	_, err := infoFor(m)
	return err
}

// New returns a new zero synapse of the same type as m.
func New(m Message) Message {
	return reflect.New(reflect.TypeOf(m).Elem()).Interface().(Message)
}

// Clone returns a shallow copy of m: a new value of the same type whose
// slices, maps and pointers are shared with m, except the TerminalInfos,
// which are copied so that a status set on the copy does not show on m.
func Clone(m Message) Message {
	v := reflect.New(reflect.TypeOf(m).Elem())
	v.Elem().Set(reflect.ValueOf(m).Elem())
	c := v.Interface().(Message)
	b := c.Base()
	b.Dendrite = b.Dendrite.clone()
	b.Axon = b.Axon.clone()
	return c
}

func (t TerminalInfo) clone() TerminalInfo {
	return TerminalInfo{
		StatusCode: clonePtr(t.StatusCode), StatusMessage: clonePtr(t.StatusMessage),
		ProcessTime: clonePtr(t.ProcessTime), IP: clonePtr(t.IP), Port: clonePtr(t.Port),
		Version: clonePtr(t.Version), Nonce: clonePtr(t.Nonce), UUID: clonePtr(t.UUID),
		Hotkey: clonePtr(t.Hotkey), Signature: clonePtr(t.Signature),
	}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// BodyHash returns the body hash of m as Bittensor computes it: the SHA3-256
// hex digest of the concatenated SHA3-256 hex digests of Python's str() of
// each hashed field, in declaration order. With no hashed fields it is the
// digest of the empty string.
func BodyHash(m Message) (string, error) {
	ti, err := infoFor(m)
	if err != nil {
		return "", err
	}
	return hashValue(ti, reflect.ValueOf(m).Elem())
}

// Hash returns the SHA3-256 (FIPS 202) digest of s as lowercase hex, the
// hash Bittensor's utils.hash computes.
func Hash(s []byte) string {
	h := sha3.Sum256(s)
	return hex.EncodeToString(h[:])
}

func hashValue(ti *typeInfo, v reflect.Value) (string, error) {
	outer := sha3.New256()
	var buf []byte
	var sum [32]byte
	var hexSum [64]byte
	for _, f := range ti.extra {
		if !f.hashed {
			continue
		}
		var err error
		buf, err = pyStrValue(buf[:0], v.FieldByIndex(f.index))
		if err != nil {
			return "", fmt.Errorf("synapse: hash field %q of %s: %w", f.name, ti.name, err)
		}
		sum = sha3.Sum256(buf)
		hex.Encode(hexSum[:], sum[:])
		outer.Write(hexSum[:])
	}
	return hex.EncodeToString(outer.Sum(nil)), nil
}

// Marshal returns the JSON body of m as a Bittensor peer sends it: every
// base field, then the type's fields in declaration order, with name set to
// the type's wire name and required_hash_fields to its hashed fields. Nil
// slices and maps are written as [] and {} (a Python peer rejects null for
// a list or dict field); nil pointers as null.
func Marshal(m Message) ([]byte, error) {
	p, err := prepare(m, false)
	if err != nil {
		return nil, err
	}
	// The base fields take some 600 bytes: one buffer instead of a growing one.
	return p.AppendBody(make([]byte, 0, 1024+len(p.extraJSON)), m.Base()), nil
}

// Unmarshal reads a JSON body into m, which must be a pointer to a zero
// value (fields present in data overwrite, absent ones are left alone).
func Unmarshal(data []byte, m Message) error {
	if _, err := infoFor(m); err != nil {
		return err
	}
	if err := json.Unmarshal(data, m); err != nil {
		return fmt.Errorf("%w: %v", ErrBadBody, err)
	}
	return nil
}

// Prepared is a synapse made ready to send to many axons: its body hash, the
// JSON of its own fields and its input headers are computed once, and only
// the base fields (which differ per axon) are written per request. A
// Prepared is immutable and safe for concurrent use; it does not see later
// changes to the synapse it was made from.
type Prepared struct {
	info      *typeInfo
	bodyHash  string
	extraJSON []byte            // `, "field": value` for each extra field
	inputObj  map[string]string // bt_header_input_obj_<f> values
	timeout   float64
}

// Prepare computes what every request carrying m shares.
func Prepare(m Message) (*Prepared, error) { return prepare(m, true) }

func prepare(m Message, withHash bool) (*Prepared, error) {
	ti, err := infoFor(m)
	if err != nil {
		return nil, err
	}
	v := reflect.ValueOf(m).Elem()
	p := &Prepared{info: ti, timeout: m.Base().Timeout}
	if withHash {
		if p.bodyHash, err = hashValue(ti, v); err != nil {
			return nil, err
		}
	}
	for _, f := range ti.extra {
		fv := v.FieldByIndex(f.index)
		p.extraJSON = append(p.extraJSON, ", "...)
		p.extraJSON = appendJSONString(p.extraJSON, f.name)
		p.extraJSON = append(p.extraJSON, ": "...)
		if p.extraJSON, err = writeValue(p.extraJSON, fv, modeJSON); err != nil {
			return nil, fmt.Errorf("synapse: field %q of %s: %w", f.name, ti.name, err)
		}
		if f.required {
			if obj, ok := emptyJSON(fv); ok {
				if p.inputObj == nil {
					p.inputObj = make(map[string]string)
				}
				p.inputObj[f.name] = obj
			}
		}
	}
	return p, nil
}

// Name returns the wire name of the prepared synapse's type.
func (p *Prepared) Name() string { return p.info.name }

// BodyHash returns the body hash of the prepared synapse.
func (p *Prepared) BodyHash() string { return p.bodyHash }

// AppendBody appends the JSON body of the prepared synapse with the base
// fields of base (whose Name and RequiredHashFields are ignored: the type's
// are written).
func (p *Prepared) AppendBody(dst []byte, base *Synapse) []byte {
	dst = append(dst, `{"name": `...)
	dst = appendJSONString(dst, p.info.name)
	dst = append(dst, `, "timeout": `...)
	dst = appendPyFloat(dst, base.Timeout, 64)
	dst = append(dst, `, "total_size": `...)
	dst = strconv.AppendInt(dst, base.TotalSize, 10)
	dst = append(dst, `, "header_size": `...)
	dst = strconv.AppendInt(dst, base.HeaderSize, 10)
	dst = append(dst, `, "dendrite": `...)
	dst = appendTerminalJSON(dst, &base.Dendrite)
	dst = append(dst, `, "axon": `...)
	dst = appendTerminalJSON(dst, &base.Axon)
	dst = append(dst, `, "computed_body_hash": `...)
	dst = appendJSONString(dst, base.ComputedBodyHash)
	dst = append(dst, `, "required_hash_fields": [`...)
	for i, f := range p.info.hashFields {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = appendJSONString(dst, f)
	}
	dst = append(dst, ']')
	dst = append(dst, p.extraJSON...)
	return append(dst, '}')
}

// ExtraSize returns the size in bytes of the JSON of the type's own fields;
// it is what this package reports as total_size.
func (p *Prepared) ExtraSize() int { return len(p.extraJSON) }

func appendTerminalJSON(b []byte, t *TerminalInfo) []byte {
	b = append(b, `{"status_code": `...)
	b = appendOptInt(b, t.StatusCode)
	b = append(b, `, "status_message": `...)
	b = appendOptString(b, t.StatusMessage)
	b = append(b, `, "process_time": `...)
	if t.ProcessTime == nil {
		b = append(b, "null"...)
	} else {
		b = appendPyFloat(b, *t.ProcessTime, 64)
	}
	b = append(b, `, "ip": `...)
	b = appendOptString(b, t.IP)
	b = append(b, `, "port": `...)
	b = appendOptInt(b, t.Port)
	b = append(b, `, "version": `...)
	b = appendOptInt(b, t.Version)
	b = append(b, `, "nonce": `...)
	if t.Nonce == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *t.Nonce, 10)
	}
	b = append(b, `, "uuid": `...)
	b = appendOptString(b, t.UUID)
	b = append(b, `, "hotkey": `...)
	b = appendOptString(b, t.Hotkey)
	b = append(b, `, "signature": `...)
	b = appendOptString(b, t.Signature)
	return append(b, '}')
}

func appendOptInt(b []byte, p *int) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*p), 10)
}

func appendOptString(b []byte, p *string) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *p)
}
