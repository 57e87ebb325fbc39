package metadata

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// magic starts every metadata blob: "meta" as little-endian u32 0x6174656d.
var magic = []byte("meta")

// Parse reads a metadata blob as state_getMetadata returns it: "meta", a
// version byte (14 or 15), then the versioned metadata. It returns one
// immutable Runtime. Errors wrap ErrInvalid (or ErrUnsupported for other
// versions) and say at which byte and in which part parsing failed.
func Parse(b []byte) (*Runtime, error) {
	if len(b) < 5 || !bytes.Equal(b[:4], magic) {
		return nil, fmt.Errorf("%w: no \"meta\" magic at the start", ErrInvalid)
	}
	v := b[4]
	if v != 14 && v != 15 {
		return nil, fmt.Errorf("%w: metadata version %d (this client reads 14 and 15)", ErrUnsupported, v)
	}
	rd := &reader{d: scale.NewDecoder(b[5:]), whole: string(b[5:])}
	rt := &Runtime{Version: v}
	rd.runtime(rt)
	if rd.err == nil {
		rd.err = rd.d.Finish()
	}
	if rd.err != nil {
		return nil, fmt.Errorf("%w: V%d %s at byte %d: %w", ErrInvalid, v, rd.where, rd.d.Offset()+5, rd.err)
	}
	if err := rt.index(); err != nil {
		return nil, err
	}
	return rt, nil
}

// ParseOpaque reads the answer of the runtime call
// Metadata_metadata_at_version (an Option<OpaqueMetadata>, where
// OpaqueMetadata is a Vec<u8> holding a metadata blob) and parses the blob.
// None, which a runtime answers for a version it does not offer, is an error
// wrapping ErrUnsupported.
func ParseOpaque(b []byte) (*Runtime, error) {
	d := scale.NewDecoder(b)
	tag, err := d.U8()
	if err != nil {
		return nil, fmt.Errorf("%w: empty metadata answer", ErrInvalid)
	}
	switch tag {
	case 0:
		return nil, fmt.Errorf("%w: the runtime does not offer that metadata version (None)", ErrUnsupported)
	case 1:
	default:
		return nil, fmt.Errorf("%w: option tag %d in the metadata answer", ErrInvalid, tag)
	}
	blob, err := d.Bytes()
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: opaque metadata: %w", ErrInvalid, err)
	}
	return Parse(blob)
}

// reader decodes metadata with a sticky error: after the first failure every
// read returns a zero value, and counts read as 0, so loops end at once.
// Strings are substrings of one copy of the blob (one allocation for all).
type reader struct {
	d     *scale.Decoder
	whole string
	err   error
	where string // what was being read, for the error message
}

func (rd *reader) fail(err error) {
	if rd.err == nil {
		rd.err = err
	}
}

func (rd *reader) u8() uint8 {
	if rd.err != nil {
		return 0
	}
	v, err := rd.d.U8()
	rd.fail(err)
	return v
}

func (rd *reader) u32() uint32 {
	if rd.err != nil {
		return 0
	}
	v, err := rd.d.U32()
	rd.fail(err)
	return v
}

// count reads a compact length of elements of at least min bytes each.
func (rd *reader) count(min int) int {
	if rd.err != nil {
		return 0
	}
	n, err := rd.d.Len(min)
	rd.fail(err)
	return n
}

func (rd *reader) typeID() scale.TypeID {
	if rd.err != nil {
		return 0
	}
	v, err := rd.d.Compact()
	if err == nil && v > math.MaxUint32 {
		err = errors.New("type id above 2^32")
	}
	rd.fail(err)
	return scale.TypeID(v)
}

func (rd *reader) str() string {
	if rd.err != nil {
		return ""
	}
	n, err := rd.d.Len(1)
	if err != nil {
		rd.fail(err)
		return ""
	}
	start := rd.d.Offset()
	if _, err := rd.d.Read(n); err != nil {
		rd.fail(err)
		return ""
	}
	s := rd.whole[start : start+n]
	if !utf8.ValidString(s) {
		rd.fail(errors.New("string is not UTF-8"))
		return ""
	}
	return s
}

func (rd *reader) optStr() string {
	if rd.option() {
		return rd.str()
	}
	return ""
}

func (rd *reader) strs() []string {
	n := rd.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = rd.str()
	}
	return out
}

func (rd *reader) bytes() []byte {
	if rd.err != nil {
		return nil
	}
	b, err := rd.d.Bytes()
	rd.fail(err)
	return bytes.Clone(b)
}

// option reads an Option tag: false for None, true for Some.
func (rd *reader) option() bool {
	switch t := rd.u8(); t {
	case 0:
		return false
	case 1:
		return true
	default:
		rd.fail(fmt.Errorf("option tag %d", t))
		return false
	}
}

// enum reads a variant index below n.
func (rd *reader) enum(n uint8, what string) uint8 {
	v := rd.u8()
	if v >= n {
		rd.fail(fmt.Errorf("%s variant %d", what, v))
		return 0
	}
	return v
}

func (rd *reader) runtime(rt *Runtime) {
	rd.where = "type registry"
	types := rd.types()
	if rd.err != nil {
		return
	}
	reg, err := scale.NewRegistry(types)
	if err != nil {
		rd.fail(err)
		return
	}
	rt.Types = reg

	rd.where = "pallets"
	n := rd.count(1)
	rt.Pallets = make([]*Pallet, 0, n)
	for i := 0; i < n && rd.err == nil; i++ {
		rt.Pallets = append(rt.Pallets, rd.pallet(rt.Version))
	}

	rd.where = "extrinsic"
	ex := &rt.Extrinsic
	if rt.Version == 14 {
		ex.Type = rd.typeID()
		ex.Version = rd.u8()
	} else {
		ex.Version = rd.u8()
		ex.AddressType = rd.typeID()
		ex.CallType = rd.typeID()
		ex.SignatureType = rd.typeID()
		ex.ExtraType = rd.typeID()
	}
	m := rd.count(3)
	for i := 0; i < m && rd.err == nil; i++ {
		ex.SignedExtensions = append(ex.SignedExtensions, SignedExtension{
			Identifier: rd.str(), Type: rd.typeID(), AdditionalSigned: rd.typeID(),
		})
	}
	rd.where = "runtime type"
	rt.RuntimeType = rd.typeID()
	if rt.Version == 14 {
		return
	}

	rd.where = "runtime APIs"
	n = rd.count(1)
	for i := 0; i < n && rd.err == nil; i++ {
		api := &API{Name: rd.str()}
		mn := rd.count(1)
		for j := 0; j < mn && rd.err == nil; j++ {
			meth := &APIMethod{API: api.Name, Name: rd.str()}
			in := rd.count(2)
			for k := 0; k < in && rd.err == nil; k++ {
				meth.Inputs = append(meth.Inputs, APIParam{Name: rd.str(), Type: rd.typeID()})
			}
			meth.Output = rd.typeID()
			meth.Docs = rd.strs()
			api.Methods = append(api.Methods, meth)
		}
		api.Docs = rd.strs()
		rt.APIs = append(rt.APIs, api)
	}
	rd.where = "outer enums"
	rt.OuterEnums = OuterEnums{Call: rd.typeID(), Event: rd.typeID(), Error: rd.typeID(), HasError: true}
	rd.where = "custom values"
	n = rd.count(3)
	for i := 0; i < n && rd.err == nil; i++ {
		rt.Custom = append(rt.Custom, CustomValue{Name: rd.str(), Type: rd.typeID(), Value: rd.bytes()})
	}
}

func (rd *reader) types() []scale.Type {
	n := rd.count(4)
	if n == 0 {
		return nil
	}
	types := make([]scale.Type, n)
	for i := 0; i < n && rd.err == nil; i++ {
		if id := rd.typeID(); rd.err == nil && int(id) != i {
			rd.fail(fmt.Errorf("type %d has id %d (ids must be 0, 1, 2, ...)", i, id))
			break
		}
		t := &types[i]
		t.Path = rd.strs()
		if pn := rd.count(2); pn > 0 {
			t.Params = make([]scale.TypeParam, pn)
			for j := range t.Params {
				p := &t.Params[j]
				p.Name = rd.str()
				if rd.option() {
					p.Type, p.HasType = rd.typeID(), true
				}
			}
		}
		t.Def = scale.Def(rd.enum(8, "type definition"))
		switch t.Def {
		case scale.DefComposite:
			t.Fields = rd.fields()
		case scale.DefVariant:
			vn := rd.count(4)
			if vn > 0 {
				t.Variants = make([]scale.Variant, vn)
			}
			for j := 0; j < vn && rd.err == nil; j++ {
				v := &t.Variants[j]
				v.Name = rd.str()
				v.Fields = rd.fields()
				v.Index = rd.u8()
				v.Docs = rd.strs()
			}
		case scale.DefSequence, scale.DefCompact:
			t.Elem = rd.typeID()
		case scale.DefArray:
			t.Len = rd.u32()
			t.Elem = rd.typeID()
		case scale.DefTuple:
			tn := rd.count(1)
			if tn > 0 {
				t.Tuple = make([]scale.TypeID, tn)
			}
			for j := range t.Tuple {
				t.Tuple[j] = rd.typeID()
			}
		case scale.DefPrimitive:
			t.Primitive = scale.Primitive(rd.enum(15, "primitive"))
		case scale.DefBitSequence:
			t.BitStore = rd.typeID()
			t.BitOrder = rd.typeID()
		}
		t.Docs = rd.strs()
	}
	return types
}

func (rd *reader) fields() []scale.Field {
	n := rd.count(3)
	if n == 0 {
		return nil
	}
	fs := make([]scale.Field, n)
	for i := 0; i < n && rd.err == nil; i++ {
		f := &fs[i]
		f.Name = rd.optStr()
		f.Type = rd.typeID()
		f.TypeName = rd.optStr()
		f.Docs = rd.strs()
	}
	return fs
}

func (rd *reader) pallet(version uint8) *Pallet {
	p := &Pallet{Name: rd.str()}
	rd.where = "pallet " + p.Name
	if rd.option() {
		p.StoragePrefix = rd.str()
		n := rd.count(4)
		for i := 0; i < n && rd.err == nil; i++ {
			e := &StorageEntry{Pallet: p.Name, PalletPrefix: p.StoragePrefix, Name: rd.str()}
			e.Modifier = Modifier(rd.enum(2, "storage modifier"))
			switch rd.enum(2, "storage entry type") {
			case 0:
				e.Value = rd.typeID()
			case 1:
				hn := rd.count(1)
				for j := 0; j < hn && rd.err == nil; j++ {
					e.Hashers = append(e.Hashers, Hasher(rd.enum(7, "storage hasher")))
				}
				e.KeyType = rd.typeID()
				e.Value = rd.typeID()
				e.IsMap = true
			}
			e.Default = rd.bytes()
			e.Docs = rd.strs()
			p.Storage = append(p.Storage, e)
		}
	}
	if rd.option() {
		p.CallType, p.HasCalls = rd.typeID(), true
	}
	if rd.option() {
		p.EventType, p.HasEvents = rd.typeID(), true
	}
	n := rd.count(3)
	for i := 0; i < n && rd.err == nil; i++ {
		p.Constants = append(p.Constants, &Constant{Pallet: p.Name, Name: rd.str(), Type: rd.typeID(), Value: rd.bytes(), Docs: rd.strs()})
	}
	if rd.option() {
		p.ErrorType, p.HasErrors = rd.typeID(), true
	}
	p.Index = rd.u8()
	if version >= 15 {
		p.Docs = rd.strs()
	}
	return p
}
