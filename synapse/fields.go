package synapse

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// field is one JSON field of a struct: its wire name and where it lives.
type field struct {
	name  string
	index []int
	typ   reflect.Type
	// required and hashed come from the `bt` tag; they mean something only
	// for the fields a synapse type adds to the base.
	required bool
	hashed   bool
}

// fieldCache maps a struct type to its []field. Like encoding/json's cache it
// only grows with the set of types the program uses.
var fieldCache sync.Map

// structFields lists the JSON fields of struct type t in declaration order,
// following encoding/json's rules in a simplified form: exported fields, the
// name from the `json` tag (or the Go name), "-" skips, and anonymous struct
// fields without a tag are flattened.
func structFields(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	fs := collectFields(t, nil)
	fieldCache.Store(t, fs)
	return fs
}

func collectFields(t reflect.Type, prefix []int) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Struct {
				out = append(out, collectFields(ft, index)...)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{name: name, index: index, typ: sf.Type}
		for opt := range strings.SplitSeq(sf.Tag.Get("bt"), ",") {
			switch strings.TrimSpace(opt) {
			case "required":
				f.required = true
			case "hash":
				f.hashed = true
			}
		}
		out = append(out, f)
	}
	return out
}

// typeInfo is what the package knows about one synapse type.
type typeInfo struct {
	name string       // wire name: the Go type name, or SynapseName()
	typ  reflect.Type // the struct type (not the pointer)
	// extra are the fields the type adds to the base, in declaration order.
	extra []field
	// hashFields are the names of the hashed fields, in declaration order:
	// the value of required_hash_fields.
	hashFields []string
	// emptyHash is the body hash of a value with every extra field at its
	// zero value (what a header-built synapse holds).
	emptyHash string
}

var typeCache sync.Map // reflect.Type -> *typeInfo or error

var baseType = reflect.TypeFor[Synapse]()

// infoFor returns the type information of the synapse type of m.
func infoFor(m Message) (*typeInfo, error) {
	return infoForType(reflect.TypeOf(m))
}

func infoForType(pt reflect.Type) (*typeInfo, error) {
	if v, ok := typeCache.Load(pt); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*typeInfo), nil
	}
	ti, err := buildTypeInfo(pt)
	if err != nil {
		typeCache.Store(pt, err)
		return nil, err
	}
	typeCache.Store(pt, ti)
	return ti, nil
}

func buildTypeInfo(pt reflect.Type) (*typeInfo, error) {
	if pt.Kind() != reflect.Pointer || pt.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("synapse: %w: %s is not a pointer to a struct", ErrBadType, pt)
	}
	t := pt.Elem()
	ti := &typeInfo{name: t.Name(), typ: t}
	if n, ok := reflect.New(t).Interface().(interface{ SynapseName() string }); ok {
		ti.name = n.SynapseName()
	}
	if ti.name == "" || strings.ContainsAny(ti.name, "/?# ") {
		return nil, fmt.Errorf("synapse: %w: %s has no usable name", ErrBadType, pt)
	}
	base := 0
	if t == baseType {
		base = 1
	}
	for _, f := range structFields(t) {
		if t == baseType {
			break
		}
		if f.typ == baseType {
			continue
		}
		if len(f.index) > 1 && isBaseField(t, f.index) {
			base++
			continue
		}
		ti.extra = append(ti.extra, f)
		if f.hashed {
			ti.hashFields = append(ti.hashFields, f.name)
		}
	}
	if base == 0 && t != baseType {
		return nil, fmt.Errorf("synapse: %w: %s does not embed synapse.Synapse", ErrBadType, pt)
	}
	// Check every extra field can be written and hashed by hashing a zero
	// value now, so a bad type fails when it is first used, not per request.
	zero := reflect.New(t)
	for _, f := range ti.extra {
		if _, err := writeValue(nil, reflect.New(f.typ).Elem(), modeJSON); err != nil {
			return nil, fmt.Errorf("synapse: field %q of %s: %w", f.name, ti.name, err)
		}
	}
	h, err := hashValue(ti, zero.Elem())
	if err != nil {
		return nil, err
	}
	ti.emptyHash = h
	return ti, nil
}

// isBaseField reports whether the field at index (a path into t) lies inside
// an embedded Synapse.
func isBaseField(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		sf := t.Field(i)
		if sf.Type == baseType {
			return true
		}
		t = sf.Type
	}
	return false
}
