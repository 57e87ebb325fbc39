package metadata

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// Errors returned by this package; test for them with errors.Is.
var (
	// ErrInvalid means a metadata blob is malformed or inconsistent (a type id
	// that does not exist, a call type that is not an enum, two pallets with
	// one index).
	ErrInvalid = errors.New("metadata: invalid metadata")
	// ErrUnsupported means a metadata version other than 14 or 15.
	ErrUnsupported = errors.New("metadata: unsupported metadata")
	// ErrNotFound means the runtime has no such pallet, call, storage entry,
	// constant, error, event or runtime API. The message names what is missing
	// and the runtime's spec version, so a command the runtime lacks can say so.
	ErrNotFound = errors.New("metadata: not in this runtime")
	// ErrKey means a storage key could not be built or split (wrong number of
	// key parts, a key that does not start with the entry's prefix, a hasher
	// that hides the key).
	ErrKey = errors.New("metadata: bad storage key")
)

// Runtime is the description of one runtime (one spec version) read from its
// metadata: the type registry and every pallet's calls, storage, constants,
// events and errors, resolved to type ids and indexed by name. It is built
// once by Parse or ParseOpaque, never modified afterwards, and safe for
// concurrent use. Slices and pointers it hands out must not be modified.
type Runtime struct {
	Version     uint8           // metadata version: 14 or 15
	Types       *scale.Registry // the portable type registry
	Pallets     []*Pallet       // in metadata order
	Extrinsic   Extrinsic
	RuntimeType scale.TypeID // the runtime's own type
	OuterEnums  OuterEnums
	APIs        []*API        // runtime APIs (V15 only), in metadata order
	Custom      []CustomValue // custom values (V15 only), sorted by name

	// SpecName and SpecVersion come from the System pallet's Version constant
	// when the metadata has it ("node-subtensor", 218); otherwise "" and 0.
	SpecName    string
	SpecVersion uint32

	palletByName  map[string]*Pallet
	palletByIndex [256]*Pallet
	apiByName     map[string]*API
}

// Pallet is one pallet (module) of the runtime.
type Pallet struct {
	Name          string
	Index         uint8 // the pallet's index in calls, events and errors
	Docs          []string
	StoragePrefix string // the prefix of its storage keys (usually Name)
	Storage       []*StorageEntry
	CallType      scale.TypeID // the enum of its calls, when HasCalls
	HasCalls      bool
	EventType     scale.TypeID // the enum of its events, when HasEvents
	HasEvents     bool
	ErrorType     scale.TypeID // the enum of its errors, when HasErrors
	HasErrors     bool
	Constants     []*Constant
	Calls         []*Call        // one per variant of CallType
	Events        []*Event       // one per variant of EventType
	Errors        []*ModuleError // one per variant of ErrorType

	calls     map[string]*Call
	storage   map[string]*StorageEntry
	constants map[string]*Constant
	errors    map[string]*ModuleError
	errorsAt  [256]*ModuleError
	eventsAt  [256]*Event
}

// Call is a dispatchable call. Its encoding is PalletIndex, Index, then each
// argument encoded by its type (see Runtime.EncodeCall).
type Call struct {
	Pallet      string
	PalletIndex uint8
	Name        string
	Index       uint8
	Args        []scale.Field // in order, with names and type ids
	Docs        []string
}

// Event is an event a pallet can emit.
type Event struct {
	Pallet      string
	PalletIndex uint8
	Name        string
	Index       uint8
	Fields      []scale.Field
	Docs        []string
}

// ModuleError is an error a pallet's calls can fail with. A failed dispatch
// reports DispatchError::Module { index: PalletIndex, error: [Index, 0, 0, 0] }.
type ModuleError struct {
	Pallet      string
	PalletIndex uint8
	Name        string
	Index       uint8
	Docs        []string
}

// Doc returns the error's documentation as one line.
func (e *ModuleError) Doc() string { return oneLine(e.Docs) }

// String returns "Pallet.Name: doc text", e.g.
// "SubtensorModule.SettingWeightsTooFast: A transactor exceeded the rate limit for setting weights."
func (e *ModuleError) String() string {
	s := e.Pallet + "." + e.Name
	if d := e.Doc(); d != "" {
		s += ": " + d
	}
	return s
}

func oneLine(docs []string) string {
	var parts []string
	for _, d := range docs {
		if d = strings.TrimSpace(d); d != "" {
			parts = append(parts, d)
		}
	}
	return strings.Join(parts, " ")
}

// Constant is a pallet constant: its type and SCALE-encoded value.
type Constant struct {
	Pallet string
	Name   string
	Type   scale.TypeID
	Value  []byte
	Docs   []string
}

// API is a runtime API (V15 metadata), e.g. "NeuronInfoRuntimeApi".
type API struct {
	Name    string
	Methods []*APIMethod
	Docs    []string
}

// APIMethod is a method of a runtime API. It is called through state_call
// with the name Method() and the inputs encoded in order; it answers a value
// of type Output.
type APIMethod struct {
	API    string
	Name   string
	Inputs []APIParam
	Output scale.TypeID
	Docs   []string
}

// Method returns the name state_call takes: "NeuronInfoRuntimeApi_get_neurons_lite".
func (m *APIMethod) Method() string { return m.API + "_" + m.Name }

// APIParam is one input of a runtime API method.
type APIParam struct {
	Name string
	Type scale.TypeID
}

// Extrinsic describes the runtime's extrinsic format.
type Extrinsic struct {
	Version uint8 // the extrinsic format version (4)
	// Type is the UncheckedExtrinsic type (V14 only; 0 in V15).
	Type scale.TypeID
	// AddressType, CallType, SignatureType and ExtraType are the types of a
	// signed extrinsic's parts: in V15 listed directly, in V14 read from the
	// UncheckedExtrinsic type's parameters.
	AddressType, CallType, SignatureType, ExtraType scale.TypeID
	// SignedExtensions in the order their extra and additional-signed data are
	// encoded.
	SignedExtensions []SignedExtension
}

// SignedExtension is one signed extension (CheckNonce, CheckMortality, ...):
// Type is encoded in the extrinsic, AdditionalSigned only in the signed payload.
type SignedExtension struct {
	Identifier       string
	Type             scale.TypeID
	AdditionalSigned scale.TypeID
}

// OuterEnums are the runtime-wide enums: RuntimeCall, RuntimeEvent and
// RuntimeError. V14 metadata has no RuntimeError (HasError false); Call and
// Event are then found from the extrinsic type and System.Events.
type OuterEnums struct {
	Call, Event, Error scale.TypeID
	HasError           bool
}

// CustomValue is an entry of V15's custom map.
type CustomValue struct {
	Name  string
	Type  scale.TypeID
	Value []byte
}

// Modifier says what reading an absent storage entry gives.
type Modifier uint8

// Storage modifiers.
const (
	Optional Modifier = iota // absent reads as None
	Default                  // absent reads as the entry's Default bytes
)

// String returns "Optional" or "Default".
func (m Modifier) String() string {
	if m == Optional {
		return "Optional"
	}
	return "Default"
}

// StorageEntry is one storage item. A Plain entry has one key (Prefix()); a
// map has one hasher and one key type per key part (an N-map has N).
type StorageEntry struct {
	Pallet       string
	PalletPrefix string // the pallet's storage prefix
	Name         string
	Modifier     Modifier
	IsMap        bool
	Hashers      []Hasher       // one per key part; empty for Plain
	KeyType      scale.TypeID   // as in metadata: the key, or a tuple of the key parts
	KeyTypes     []scale.TypeID // one per hasher
	Value        scale.TypeID
	Default      []byte // the value an absent Default entry reads as
	Docs         []string
}

func (r *Runtime) spec() string {
	if r.SpecVersion == 0 {
		return fmt.Sprintf("metadata V%d", r.Version)
	}
	return fmt.Sprintf("spec %d", r.SpecVersion)
}

// notFoundError reads as one sentence ("metadata: no call X.y in this
// runtime (spec 218)") and matches ErrNotFound.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

func (r *Runtime) missing(format string, args ...any) error {
	return &notFoundError{msg: "metadata: " + fmt.Sprintf(format, args...) + " (" + r.spec() + ")"}
}

func (r *Runtime) notFound(what, pallet, name string) error {
	return r.missing("no %s %s.%s in this runtime", what, pallet, name)
}

// Pallet returns the pallet called name.
func (r *Runtime) Pallet(name string) (*Pallet, error) {
	if p, ok := r.palletByName[name]; ok {
		return p, nil
	}
	return nil, r.missing("no pallet %s in this runtime", name)
}

// PalletByIndex returns the pallet with the given index.
func (r *Runtime) PalletByIndex(index uint8) (*Pallet, error) {
	if p := r.palletByIndex[index]; p != nil {
		return p, nil
	}
	return nil, r.missing("no pallet with index %d in this runtime", index)
}

// Call returns the call pallet.name, e.g. ("SubtensorModule", "add_stake").
func (r *Runtime) Call(pallet, name string) (*Call, error) {
	if p, ok := r.palletByName[pallet]; ok {
		if c, ok := p.calls[name]; ok {
			return c, nil
		}
	}
	return nil, r.notFound("call", pallet, name)
}

// Storage returns the storage entry pallet.item, e.g. ("System", "Account").
func (r *Runtime) Storage(pallet, item string) (*StorageEntry, error) {
	if p, ok := r.palletByName[pallet]; ok {
		if e, ok := p.storage[item]; ok {
			return e, nil
		}
	}
	return nil, r.notFound("storage entry", pallet, item)
}

// Constant returns the constant pallet.name.
func (r *Runtime) Constant(pallet, name string) (*Constant, error) {
	if p, ok := r.palletByName[pallet]; ok {
		if c, ok := p.constants[name]; ok {
			return c, nil
		}
	}
	return nil, r.notFound("constant", pallet, name)
}

// DecodeConstant decodes the constant pallet.name into out (a pointer to a
// typed view or to a scale.Value; see scale.Registry.Decode).
func (r *Runtime) DecodeConstant(pallet, name string, out any) error {
	c, err := r.Constant(pallet, name)
	if err != nil {
		return err
	}
	if err := r.Types.Decode(c.Type, c.Value, out); err != nil {
		return fmt.Errorf("metadata: constant %s.%s: %w", pallet, name, err)
	}
	return nil
}

// Error returns the module error pallet.name.
func (r *Runtime) Error(pallet, name string) (*ModuleError, error) {
	if p, ok := r.palletByName[pallet]; ok {
		if e, ok := p.errors[name]; ok {
			return e, nil
		}
	}
	return nil, r.notFound("error", pallet, name)
}

// ModuleError returns the error a DispatchError::Module names: the pallet
// index and the 4-byte error field, whose first byte is the error's index.
func (r *Runtime) ModuleError(palletIndex uint8, errorBytes [4]byte) (*ModuleError, error) {
	if p := r.palletByIndex[palletIndex]; p != nil {
		if e := p.errorsAt[errorBytes[0]]; e != nil {
			return e, nil
		}
		return nil, r.missing("pallet %s has no error with index %d", p.Name, errorBytes[0])
	}
	return nil, r.missing("no pallet with index %d for module error %d", palletIndex, errorBytes[0])
}

// Event returns the event with the given pallet and variant indices (the
// first two bytes of an encoded RuntimeEvent).
func (r *Runtime) Event(palletIndex, index uint8) (*Event, error) {
	if p := r.palletByIndex[palletIndex]; p != nil {
		if e := p.eventsAt[index]; e != nil {
			return e, nil
		}
		return nil, r.missing("pallet %s has no event with index %d", p.Name, index)
	}
	return nil, r.missing("no pallet with index %d for event %d", palletIndex, index)
}

// API returns the runtime API method api.method, e.g.
// ("NeuronInfoRuntimeApi", "get_neurons_lite"). V14 metadata lists no APIs.
func (r *Runtime) API(api, method string) (*APIMethod, error) {
	if a, ok := r.apiByName[api]; ok {
		for _, m := range a.Methods {
			if m.Name == method {
				return m, nil
			}
		}
	}
	if r.Version < 15 {
		return nil, r.missing("no runtime API %s.%s: metadata V%d lists no runtime APIs", api, method, r.Version)
	}
	return nil, r.notFound("runtime API", api, method)
}

// CustomValue returns the custom value called name (V15).
func (r *Runtime) CustomValue(name string) (CustomValue, bool) {
	i := sort.Search(len(r.Custom), func(i int) bool { return r.Custom[i].Name >= name })
	if i < len(r.Custom) && r.Custom[i].Name == name {
		return r.Custom[i], true
	}
	return CustomValue{}, false
}

// EncodeCall encodes the call pallet.name with args in order (Go values or
// scale.Values, see scale.Registry.Encode), as RuntimeCall encodes it: pallet
// index, call index, arguments.
func (r *Runtime) EncodeCall(pallet, name string, args ...any) ([]byte, error) {
	c, err := r.Call(pallet, name)
	if err != nil {
		return nil, err
	}
	if len(args) != len(c.Args) {
		names := make([]string, len(c.Args))
		for i, a := range c.Args {
			names[i] = a.Name
		}
		return nil, fmt.Errorf("metadata: call %s.%s takes %d arguments (%s), got %d", pallet, name, len(c.Args), strings.Join(names, ", "), len(args))
	}
	out := []byte{c.PalletIndex, c.Index}
	for i, a := range args {
		out, err = r.Types.AppendEncode(out, c.Args[i].Type, a)
		if err != nil {
			return nil, fmt.Errorf("metadata: call %s.%s argument %s: %w", pallet, name, c.Args[i].Name, err)
		}
	}
	return out, nil
}

// index checks every type id the metadata refers to and builds the lookup
// tables. Hostile metadata fails here with ErrInvalid rather than later.
func (r *Runtime) index() error {
	reg := r.Types
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
	typ := func(id scale.TypeID, what string) (*scale.Type, error) {
		t, ok := reg.Type(id)
		if !ok {
			return nil, bad("%s refers to type %d, the registry has %d types", what, id, reg.Len())
		}
		return t, nil
	}
	enum := func(id scale.TypeID, what string) (*scale.Type, error) {
		t, err := typ(id, what)
		if err == nil && t.Def != scale.DefVariant {
			err = bad("%s type %d is a %s, not an enum", what, id, t.Def)
		}
		return t, err
	}

	r.palletByName = make(map[string]*Pallet, len(r.Pallets))
	for _, p := range r.Pallets {
		if _, dup := r.palletByName[p.Name]; dup {
			return bad("pallet %s listed twice", p.Name)
		}
		if q := r.palletByIndex[p.Index]; q != nil {
			return bad("pallets %s and %s share index %d", q.Name, p.Name, p.Index)
		}
		r.palletByName[p.Name] = p
		r.palletByIndex[p.Index] = p

		p.storage = make(map[string]*StorageEntry, len(p.Storage))
		for _, e := range p.Storage {
			where := "storage " + p.Name + "." + e.Name
			if _, err := typ(e.Value, where); err != nil {
				return err
			}
			if e.IsMap {
				kt, err := typ(e.KeyType, where+" key")
				if err != nil {
					return err
				}
				switch {
				case len(e.Hashers) == 1:
					e.KeyTypes = []scale.TypeID{e.KeyType}
				case kt.Def == scale.DefTuple && len(kt.Tuple) == len(e.Hashers):
					e.KeyTypes = kt.Tuple
				default:
					return bad("%s has %d hashers but its key type %d is not a tuple of %d", where, len(e.Hashers), e.KeyType, len(e.Hashers))
				}
			}
			p.storage[e.Name] = e
		}
		p.constants = make(map[string]*Constant, len(p.Constants))
		for _, c := range p.Constants {
			if _, err := typ(c.Type, "constant "+p.Name+"."+c.Name); err != nil {
				return err
			}
			p.constants[c.Name] = c
		}
		if p.HasCalls {
			t, err := enum(p.CallType, "calls of "+p.Name)
			if err != nil {
				return err
			}
			p.calls = make(map[string]*Call, len(t.Variants))
			for _, v := range t.Variants {
				c := &Call{Pallet: p.Name, PalletIndex: p.Index, Name: v.Name, Index: v.Index, Args: v.Fields, Docs: v.Docs}
				p.Calls = append(p.Calls, c)
				p.calls[c.Name] = c
			}
		}
		if p.HasEvents {
			t, err := enum(p.EventType, "events of "+p.Name)
			if err != nil {
				return err
			}
			for _, v := range t.Variants {
				e := &Event{Pallet: p.Name, PalletIndex: p.Index, Name: v.Name, Index: v.Index, Fields: v.Fields, Docs: v.Docs}
				p.Events = append(p.Events, e)
				p.eventsAt[v.Index] = e
			}
		}
		if p.HasErrors {
			t, err := enum(p.ErrorType, "errors of "+p.Name)
			if err != nil {
				return err
			}
			p.errors = make(map[string]*ModuleError, len(t.Variants))
			for _, v := range t.Variants {
				e := &ModuleError{Pallet: p.Name, PalletIndex: p.Index, Name: v.Name, Index: v.Index, Docs: v.Docs}
				p.Errors = append(p.Errors, e)
				p.errors[e.Name] = e
				p.errorsAt[v.Index] = e
			}
		}
	}

	ex := &r.Extrinsic
	if r.Version == 14 {
		t, err := typ(ex.Type, "extrinsic")
		if err != nil {
			return err
		}
		for _, p := range t.Params {
			if !p.HasType {
				continue
			}
			switch p.Name {
			case "Address":
				ex.AddressType = p.Type
			case "Call":
				ex.CallType = p.Type
			case "Signature":
				ex.SignatureType = p.Type
			case "Extra":
				ex.ExtraType = p.Type
			}
		}
		r.OuterEnums.Call = ex.CallType
		if sys, ok := r.palletByName["System"]; ok {
			if e, ok := sys.storage["Events"]; ok {
				r.OuterEnums.Event = eventEnum(reg, e.Value)
			}
		}
	}
	for _, pair := range []struct {
		id   scale.TypeID
		what string
	}{
		{ex.AddressType, "extrinsic address"}, {ex.CallType, "extrinsic call"},
		{ex.SignatureType, "extrinsic signature"}, {ex.ExtraType, "extrinsic extra"},
		{r.RuntimeType, "runtime type"}, {r.OuterEnums.Call, "RuntimeCall"}, {r.OuterEnums.Event, "RuntimeEvent"},
		{r.OuterEnums.Error, "RuntimeError"},
	} {
		if _, err := typ(pair.id, pair.what); err != nil {
			return err
		}
	}
	for _, s := range ex.SignedExtensions {
		if _, err := typ(s.Type, "signed extension "+s.Identifier); err != nil {
			return err
		}
		if _, err := typ(s.AdditionalSigned, "signed extension "+s.Identifier); err != nil {
			return err
		}
	}
	r.apiByName = make(map[string]*API, len(r.APIs))
	for _, a := range r.APIs {
		for _, m := range a.Methods {
			for _, in := range m.Inputs {
				if _, err := typ(in.Type, "runtime API "+m.Method()+" input "+in.Name); err != nil {
					return err
				}
			}
			if _, err := typ(m.Output, "runtime API "+m.Method()+" output"); err != nil {
				return err
			}
		}
		r.apiByName[a.Name] = a
	}
	for _, c := range r.Custom {
		if _, err := typ(c.Type, "custom value "+c.Name); err != nil {
			return err
		}
	}
	sort.SliceStable(r.Custom, func(i, j int) bool { return r.Custom[i].Name < r.Custom[j].Name })

	var version struct {
		SpecName    string `scale:"spec_name"`
		SpecVersion uint32 `scale:"spec_version"`
	}
	if r.DecodeConstant("System", "Version", &version) == nil {
		r.SpecName, r.SpecVersion = version.SpecName, version.SpecVersion
	}
	return nil
}

// eventEnum finds RuntimeEvent in System.Events' type,
// Vec<EventRecord<RuntimeEvent, Hash>>; 0 if the shape differs.
func eventEnum(reg *scale.Registry, events scale.TypeID) scale.TypeID {
	t, _ := reg.Type(events)
	if t == nil || t.Def != scale.DefSequence {
		return 0
	}
	rec, _ := reg.Type(t.Elem)
	if rec == nil || rec.Def != scale.DefComposite {
		return 0
	}
	for _, f := range rec.Fields {
		if f.Name == "event" {
			return f.Type
		}
	}
	return 0
}
