package synapse

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// Header names and prefixes, as Bittensor writes them (lowercase, with
// underscores).
const (
	HeaderName             = "name"
	HeaderTimeout          = "timeout"
	HeaderHeaderSize       = "header_size"
	HeaderTotalSize        = "total_size"
	HeaderComputedBodyHash = "computed_body_hash"
	PrefixAxon             = "bt_header_axon_"
	PrefixDendrite         = "bt_header_dendrite_"
	PrefixInputObj         = "bt_header_input_obj_"
)

// emptyJSON returns base64(json.dumps(type(value)())): the JSON of an empty
// value of the Python type a field's value has, which Bittensor sends for
// every required field so the receiver can build the class from headers.
// ok is false for a nil value (Python skips None).
func emptyJSON(v reflect.Value) (string, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	var s string
	switch v.Kind() {
	case reflect.String:
		s = `""`
	case reflect.Bool:
		s = "false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s = "0"
	case reflect.Float32, reflect.Float64:
		s = "0.0"
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			s = `""` // sent as a base64 string
		} else {
			s = "[]"
		}
	case reflect.Array:
		s = "[]"
	default: // maps, structs (pydantic models are dicts in .dict())
		s = "{}"
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), true
}

// ToHeaders writes the headers Bittensor's to_headers produces for m into h:
// name, timeout, bt_header_axon_* and bt_header_dendrite_* for every set
// TerminalInfo field, bt_header_input_obj_* for every set required field,
// header_size, total_size and computed_body_hash (the body hash of m's
// current values). Header names are written in lowercase as given.
func ToHeaders(m Message, h http.Header) error {
	p, err := Prepare(m)
	if err != nil {
		return err
	}
	p.WriteHeaders(h, m.Base())
	return nil
}

// WriteHeaders writes the headers of the prepared synapse with the base
// fields of base (see ToHeaders).
func (p *Prepared) WriteHeaders(h http.Header, base *Synapse) {
	WriteBaseHeaders(h, p.info.name, base, p.inputObj, p.bodyHash, int64(len(p.extraJSON)))
}

// WriteBaseHeaders writes the headers of a synapse named name with base
// fields base, required-field type headers inputObj (field name to base64
// JSON) and body hash bodyHash; totalSize is reported as total_size.
// Most callers want ToHeaders.
func WriteBaseHeaders(h http.Header, name string, base *Synapse, inputObj map[string]string, bodyHash string, totalSize int64) {
	// One backing array for every value slice: a header map is written per
	// request, so this saves an allocation per header.
	vals := make([]string, 0, 2*len(terminalFields)+len(inputObj)+5)
	size := 0
	set := func(k, v string) {
		vals = append(vals, v)
		h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
		size += len(k) + len(v)
	}
	set(HeaderName, name)
	set(HeaderTimeout, string(appendPyFloat(nil, base.Timeout, 64)))
	writeTerminal(set, &axonKeys, &base.Axon)
	writeTerminal(set, &dendriteKeys, &base.Dendrite)
	for _, k := range sortedKeys(inputObj) {
		set(PrefixInputObj+k, inputObj[k])
	}
	hs := strconv.Itoa(size)
	set(HeaderHeaderSize, hs)
	set(HeaderTotalSize, strconv.FormatInt(totalSize, 10))
	set(HeaderComputedBodyHash, bodyHash)
}

// terminalFields are the TerminalInfo field names, in header order.
var terminalFields = [...]string{"status_code", "status_message", "process_time", "ip", "port", "version", "nonce", "uuid", "hotkey", "signature"}

// axonKeys and dendriteKeys are the full header names of TerminalInfo
// fields, built once.
var axonKeys, dendriteKeys = terminalKeys(PrefixAxon), terminalKeys(PrefixDendrite)

func terminalKeys(prefix string) (k [len(terminalFields)]string) {
	for i, f := range terminalFields {
		k[i] = prefix + f
	}
	return k
}

func sortedKeys(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Few keys: insertion sort keeps this allocation-light.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func writeTerminal(set func(k, v string), keys *[len(terminalFields)]string, t *TerminalInfo) {
	if t.StatusCode != nil {
		set(keys[0], strconv.Itoa(*t.StatusCode))
	}
	if t.StatusMessage != nil {
		set(keys[1], *t.StatusMessage)
	}
	if t.ProcessTime != nil {
		set(keys[2], string(appendPyFloat(nil, *t.ProcessTime, 64)))
	}
	if t.IP != nil {
		set(keys[3], *t.IP)
	}
	if t.Port != nil {
		set(keys[4], strconv.Itoa(*t.Port))
	}
	if t.Version != nil {
		set(keys[5], strconv.Itoa(*t.Version))
	}
	if t.Nonce != nil {
		set(keys[6], strconv.FormatInt(*t.Nonce, 10))
	}
	if t.UUID != nil {
		set(keys[7], *t.UUID)
	}
	if t.Hotkey != nil {
		set(keys[8], *t.Hotkey)
	}
	if t.Signature != nil {
		set(keys[9], *t.Signature)
	}
}

// FromHeaders fills the base fields of m from request or response headers,
// as Bittensor's from_headers does, and checks that every required field of
// m's type has its bt_header_input_obj_ header holding JSON that fits the
// field. The fields m's type adds are left at their values. Header names
// are matched without regard to case; unknown headers are ignored.
//
// Errors wrap ErrBadHeaders and name the header at fault.
func FromHeaders(h http.Header, m Message) error {
	ti, err := infoFor(m)
	if err != nil {
		return err
	}
	b := m.Base()
	var haveInput []string
	var axonVals, dendriteVals *terminalValues // what the TerminalInfo pointers point to, made on first use
	for k, vs := range h {
		if len(vs) == 0 || len(k) < 4 {
			continue
		}
		v := vs[0]
		var err error
		switch c := k[0] | 0x20; c {
		case 'b':
			switch {
			case hasPrefixFold(k, PrefixAxon):
				err = setTerminal(&b.Axon, &axonVals, lower(k[len(PrefixAxon):]), v)
			case hasPrefixFold(k, PrefixDendrite):
				err = setTerminal(&b.Dendrite, &dendriteVals, lower(k[len(PrefixDendrite):]), v)
			case hasPrefixFold(k, PrefixInputObj):
				name := lower(k[len(PrefixInputObj):])
				if f := findRequired(ti, name); f != nil {
					if err = checkInputObj(f, v); err == nil {
						haveInput = append(haveInput, name)
					}
				}
			}
		case 't', 'h', 'c', 'n':
			switch {
			case strings.EqualFold(k, HeaderTimeout):
				var f float64
				if f, err = parseFloat(v); err == nil {
					b.Timeout = f
				}
			case strings.EqualFold(k, HeaderTotalSize):
				b.TotalSize, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			case strings.EqualFold(k, HeaderHeaderSize):
				b.HeaderSize, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			case strings.EqualFold(k, HeaderComputedBodyHash):
				b.ComputedBodyHash = v
			case strings.EqualFold(k, HeaderName):
				b.Name = v
			}
		}
		if err != nil {
			return fmt.Errorf("%w: header %s: %v", ErrBadHeaders, strings.ToLower(k), err)
		}
	}
	for _, f := range ti.extra {
		if f.required && !contains(haveInput, f.name) {
			return fmt.Errorf("%w: required field %q has no %s%s header", ErrBadHeaders, f.name, PrefixInputObj, f.name)
		}
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func findRequired(ti *typeInfo, name string) *field {
	for i := range ti.extra {
		if ti.extra[i].required && ti.extra[i].name == name {
			return &ti.extra[i]
		}
	}
	return nil
}

func checkInputObj(f *field, v string) error {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("not base64: %v", err)
	}
	if err := json.Unmarshal(raw, reflect.New(f.typ).Interface()); err != nil {
		return fmt.Errorf("does not fit field %q: %v", f.name, err)
	}
	return nil
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// lower returns s in lowercase, without allocating when it already is
// (Go's server canonicalises "bt_header_axon_ip" to "Bt_header_axon_ip", so
// the part after a prefix is usually lowercase).
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// parseFloat reads a float as Python's float() does for the values peers
// send (surrounding spaces allowed), refusing NaN and infinities.
func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a finite number: %q", s)
	}
	return f, nil
}

func parseInt(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not an integer: %q", s)
	}
	return n, nil
}

// terminalValues holds the values a TerminalInfo read from headers points
// to: one allocation per TerminalInfo instead of one per field.
type terminalValues struct {
	statusCode, port, version                  int
	nonce                                      int64
	processTime                                float64
	statusMessage, ip, uuid, hotkey, signature string
}

func setTerminal(t *TerminalInfo, vals **terminalValues, key, v string) error {
	val := func() *terminalValues {
		if *vals == nil {
			*vals = new(terminalValues)
		}
		return *vals
	}
	switch key {
	case "status_code", "port", "version":
		n, err := parseInt(v)
		if err != nil {
			return err
		}
		if n != int64(int(n)) {
			return fmt.Errorf("out of range: %q", v)
		}
		tv := val()
		switch key {
		case "status_code":
			tv.statusCode = int(n)
			t.StatusCode = &tv.statusCode
		case "port":
			tv.port = int(n)
			t.Port = &tv.port
		default:
			tv.version = int(n)
			t.Version = &tv.version
		}
	case "nonce":
		n, err := parseInt(v)
		if err != nil {
			return err
		}
		tv := val()
		tv.nonce = n
		t.Nonce = &tv.nonce
	case "process_time":
		f, err := parseFloat(v)
		if err != nil {
			return err
		}
		tv := val()
		tv.processTime = f
		t.ProcessTime = &tv.processTime
	case "status_message":
		tv := val()
		tv.statusMessage = v
		t.StatusMessage = &tv.statusMessage
	case "ip":
		tv := val()
		tv.ip = v
		t.IP = &tv.ip
	case "uuid":
		tv := val()
		tv.uuid = v
		t.UUID = &tv.uuid
	case "hotkey":
		tv := val()
		tv.hotkey = v
		t.Hotkey = &tv.hotkey
	case "signature":
		tv := val()
		tv.signature = v
		t.Signature = &tv.signature
	}
	return nil
}

// RequestMessage returns the text a dendrite signs with its hotkey for a
// request: "<nonce>.<dendrite hotkey>.<axon hotkey>.<uuid>.<body hash>".
func RequestMessage(nonce int64, dendriteHotkey, axonHotkey, uuid, bodyHash string) []byte {
	b := make([]byte, 0, 20+len(dendriteHotkey)+len(axonHotkey)+len(uuid)+len(bodyHash)+4)
	b = strconv.AppendInt(b, nonce, 10)
	b = append(b, '.')
	b = append(b, dendriteHotkey...)
	b = append(b, '.')
	b = append(b, axonHotkey...)
	b = append(b, '.')
	b = append(b, uuid...)
	b = append(b, '.')
	return append(b, bodyHash...)
}

// ResponseMessage returns the text an axon signs with its hotkey for a
// response: "<axon nonce>.<dendrite hotkey>.<axon hotkey>.<axon uuid>".
// Bittensor 6.x dendrites do not check it.
func ResponseMessage(nonce int64, dendriteHotkey, axonHotkey, uuid string) []byte {
	b := make([]byte, 0, 20+len(dendriteHotkey)+len(axonHotkey)+len(uuid)+3)
	b = strconv.AppendInt(b, nonce, 10)
	b = append(b, '.')
	b = append(b, dendriteHotkey...)
	b = append(b, '.')
	b = append(b, axonHotkey...)
	b = append(b, '.')
	return append(b, uuid...)
}
