// Package tensor is Bittensor's tensor on the wire (bittensor.Tensor of the
// Python SDK 6.x): a JSON object with the array's bytes as base64 of a
// msgpack-numpy map, its torch dtype name and its shape.
//
// The buffer is standard base64 (with padding) of a msgpack map with bin
// keys, in this order: "nd": true, "type": the numpy dtype string (a msgpack
// str, e.g. "<f4"), "kind": empty bin, "shape": array of ints, "data": bin of
// the C-ordered little-endian element bytes. This is what msgpack-numpy
// (opentensor fork 0.5.0) writes with use_bin_type=True; decoding also
// accepts str keys and big-endian ("> ") numpy types.
//
// A Tensor is a plain value: it can be a field of a synapse, and its body
// hash is Python's str() of its dict form, which the synapse package
// computes from its three fields.
package tensor

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

// Dtype is a torch dtype as Bittensor names it on the wire (str(torch_dtype)).
type Dtype string

// The dtypes Bittensor 6.x sends (there is no bfloat16).
const (
	Float16 Dtype = "torch.float16"
	Float32 Dtype = "torch.float32"
	Float64 Dtype = "torch.float64"
	Uint8   Dtype = "torch.uint8"
	Int8    Dtype = "torch.int8"
	Int16   Dtype = "torch.int16"
	Int32   Dtype = "torch.int32"
	Int64   Dtype = "torch.int64"
	Bool    Dtype = "torch.bool"
)

// ErrBadTensor is returned (wrapped) when a tensor cannot be decoded: bad
// base64 or msgpack, an unknown dtype, or a buffer whose size does not match
// its shape.
var ErrBadTensor = errors.New("tensor: bad tensor")

// dtypeInfo ties a torch dtype to its numpy type string and element size.
type dtypeInfo struct {
	numpy string // numpy dtype.str
	size  int    // bytes per element
}

var dtypes = map[Dtype]dtypeInfo{
	Float16: {"<f2", 2},
	Float32: {"<f4", 4},
	Float64: {"<f8", 8},
	Uint8:   {"|u1", 1},
	Int8:    {"|i1", 1},
	Int16:   {"<i2", 2},
	Int32:   {"<i4", 4},
	Int64:   {"<i8", 8},
	Bool:    {"|b1", 1},
}

// numpyDtype maps a numpy type string (byte order ignored) to the torch dtype.
func numpyDtype(s string) (Dtype, bool, error) {
	if len(s) < 2 {
		return "", false, fmt.Errorf("%w: numpy type %q", ErrBadTensor, s)
	}
	bigEndian := s[0] == '>'
	if s[0] != '<' && s[0] != '>' && s[0] != '|' && s[0] != '=' {
		return "", false, fmt.Errorf("%w: numpy type %q", ErrBadTensor, s)
	}
	for d, info := range dtypes {
		if info.numpy[1:] == s[1:] {
			return d, bigEndian, nil
		}
	}
	return "", false, fmt.Errorf("%w: unsupported numpy type %q", ErrBadTensor, s)
}

// Size returns the size in bytes of one element, or 0 for an unknown dtype.
func (d Dtype) Size() int { return dtypes[d].size }

// Valid reports whether d is one of the dtypes Bittensor sends.
func (d Dtype) Valid() bool { _, ok := dtypes[d]; return ok }

// Tensor is Bittensor's tensor: JSON fields buffer, dtype, shape in that
// order. A 0-d tensor has Shape [0], as Bittensor sends it.
type Tensor struct {
	Buffer string `json:"buffer"`
	Dtype  Dtype  `json:"dtype"`
	Shape  Shape  `json:"shape"`
}

// Element is a Go type a tensor's elements can be read into or made from.
type Element interface {
	float32 | float64 | uint8 | int8 | int16 | int32 | int64 | bool
}

// dtypeOf returns the dtype of element type T.
func dtypeOf[T Element]() Dtype {
	var z T
	switch any(z).(type) {
	case float32:
		return Float32
	case float64:
		return Float64
	case uint8:
		return Uint8
	case int8:
		return Int8
	case int16:
		return Int16
	case int32:
		return Int32
	case int64:
		return Int64
	case bool:
		return Bool
	}
	panic("unreachable: Element is a closed set of types")
}

// New makes a tensor of data with the given shape; with no shape it is 1-d
// of len(data). An empty shape (Shape()) makes a 0-d tensor of one element.
// The product of shape must equal len(data).
func New[T Element](data []T, shape ...int) (Tensor, error) {
	if shape == nil {
		shape = []int{len(data)}
	}
	n, err := numElements(shape)
	if err != nil {
		return Tensor{}, err
	}
	if n != len(data) {
		return Tensor{}, fmt.Errorf("tensor: shape %v holds %d elements, data has %d", shape, n, len(data))
	}
	d := dtypeOf[T]()
	raw := make([]byte, len(data)*d.Size())
	for i, v := range data {
		putElement(raw[i*d.Size():], d, numOf(v))
	}
	return fromRaw(d, raw, shape), nil
}

// Scalar returns the shape of a 0-d tensor, for New(data, tensor.Scalar()...).
func Scalar() []int { return []int{} }

// NewFloat16 makes a float16 tensor from float32 values (rounded to the
// nearest half-precision value, ties to even).
func NewFloat16(data []float32, shape ...int) (Tensor, error) {
	if shape == nil {
		shape = []int{len(data)}
	}
	n, err := numElements(shape)
	if err != nil {
		return Tensor{}, err
	}
	if n != len(data) {
		return Tensor{}, fmt.Errorf("tensor: shape %v holds %d elements, data has %d", shape, n, len(data))
	}
	raw := make([]byte, 2*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint16(raw[2*i:], Float32ToHalf(v))
	}
	return fromRaw(Float16, raw, shape), nil
}

// FromBytes makes a tensor from raw little-endian C-ordered element bytes.
func FromBytes(d Dtype, raw []byte, shape []int) (Tensor, error) {
	if !d.Valid() {
		return Tensor{}, fmt.Errorf("%w: unknown dtype %q", ErrBadTensor, d)
	}
	n, err := numElements(shape)
	if err != nil {
		return Tensor{}, err
	}
	if n*d.Size() != len(raw) {
		return Tensor{}, fmt.Errorf("tensor: shape %v of %s needs %d bytes, got %d", shape, d, n*d.Size(), len(raw))
	}
	return fromRaw(d, raw, shape), nil
}

func fromRaw(d Dtype, raw []byte, shape []int) Tensor {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	// Errors cannot happen writing to a bytes.Buffer.
	_ = enc.EncodeMapLen(5)
	_ = enc.EncodeBytes([]byte("nd"))
	_ = enc.EncodeBool(true)
	_ = enc.EncodeBytes([]byte("type"))
	_ = enc.EncodeString(dtypes[d].numpy)
	_ = enc.EncodeBytes([]byte("kind"))
	_ = enc.EncodeBytes([]byte{})
	_ = enc.EncodeBytes([]byte("shape"))
	_ = enc.EncodeArrayLen(len(shape))
	for _, s := range shape {
		_ = enc.EncodeInt(int64(s))
	}
	_ = enc.EncodeBytes([]byte("data"))
	_ = enc.EncodeBytes(raw)
	wire := append([]int(nil), shape...)
	if len(wire) == 0 {
		wire = []int{0} // Bittensor sends a 0-d tensor's shape as [0]
	}
	return Tensor{Buffer: base64.StdEncoding.EncodeToString(buf.Bytes()), Dtype: d, Shape: wire}
}

// maxDims bounds the dimensions of a decoded array (numpy allows 64).
const maxDims = 64

func numElements(shape []int) (int, error) {
	if len(shape) > maxDims {
		return 0, fmt.Errorf("%w: %d dimensions", ErrBadTensor, len(shape))
	}
	n := 1
	for _, s := range shape {
		if s < 0 {
			return 0, fmt.Errorf("%w: negative dimension in shape %v", ErrBadTensor, shape)
		}
		if s != 0 && n > math.MaxInt32/s {
			return 0, fmt.Errorf("%w: shape %v is too large", ErrBadTensor, shape)
		}
		n *= s
	}
	return n, nil
}

// Raw is a decoded buffer: the element bytes (little-endian, C order), the
// dtype they are stored as, and the array's shape.
type Raw struct {
	Dtype Dtype
	Shape []int
	Data  []byte
}

// Decode reads the buffer. The result's dtype is the one stored in the
// buffer, its shape the buffer's (Bittensor reshapes to Shape unless Shape
// is [0]; a mismatch between the two element counts is an error).
func (t Tensor) Decode() (Raw, error) {
	packed, err := base64.StdEncoding.DecodeString(t.Buffer)
	if err != nil {
		return Raw{}, fmt.Errorf("%w: buffer is not base64: %v", ErrBadTensor, err)
	}
	r, err := unpack(packed)
	if err != nil {
		return Raw{}, err
	}
	if !(len(t.Shape) == 1 && t.Shape[0] == 0) && t.Shape != nil {
		n, err := numElements(t.Shape)
		if err != nil {
			return Raw{}, err
		}
		if n*r.Dtype.Size() != len(r.Data) {
			return Raw{}, fmt.Errorf("%w: shape %v does not fit the buffer's %d elements", ErrBadTensor, t.Shape, len(r.Data)/r.Dtype.Size())
		}
		r.Shape = append([]int(nil), t.Shape...)
	}
	return r, nil
}

func unpack(packed []byte) (Raw, error) {
	dec := msgpack.NewDecoder(bytes.NewReader(packed))
	n, err := dec.DecodeMapLen()
	if err != nil || n < 0 {
		return Raw{}, fmt.Errorf("%w: buffer is not a msgpack map: %v", ErrBadTensor, err)
	}
	var (
		r         Raw
		bigEndian bool
		haveType  bool
		haveData  bool
		nd        bool
	)
	for range n {
		key, err := dec.DecodeString() // accepts bin and str keys
		if err != nil {
			return Raw{}, fmt.Errorf("%w: msgpack key: %v", ErrBadTensor, err)
		}
		switch key {
		case "nd":
			if nd, err = dec.DecodeBool(); err != nil {
				return Raw{}, fmt.Errorf("%w: nd: %v", ErrBadTensor, err)
			}
		case "type":
			s, err := dec.DecodeString()
			if err != nil {
				return Raw{}, fmt.Errorf("%w: type: %v", ErrBadTensor, err)
			}
			if r.Dtype, bigEndian, err = numpyDtype(s); err != nil {
				return Raw{}, err
			}
			haveType = true
		case "shape":
			l, err := dec.DecodeArrayLen()
			if err != nil || l > maxDims {
				return Raw{}, fmt.Errorf("%w: shape: %d dims, %v", ErrBadTensor, l, err)
			}
			r.Shape = make([]int, 0, max(l, 0))
			for range l {
				s, err := dec.DecodeInt64()
				if err != nil || s < 0 || s > math.MaxInt32 {
					return Raw{}, fmt.Errorf("%w: shape entry %d: %v", ErrBadTensor, s, err)
				}
				r.Shape = append(r.Shape, int(s))
			}
		case "data":
			if r.Data, err = dec.DecodeBytes(); err != nil {
				return Raw{}, fmt.Errorf("%w: data: %v", ErrBadTensor, err)
			}
			haveData = true
		default: // "kind" and anything else
			if err := dec.Skip(); err != nil {
				return Raw{}, fmt.Errorf("%w: %s: %v", ErrBadTensor, key, err)
			}
		}
	}
	if !nd || !haveType || !haveData {
		return Raw{}, fmt.Errorf("%w: buffer is not a numpy array (nd, type and data are required)", ErrBadTensor)
	}
	count, err := numElements(r.Shape)
	if err != nil {
		return Raw{}, err
	}
	if count*r.Dtype.Size() != len(r.Data) {
		return Raw{}, fmt.Errorf("%w: %d data bytes for shape %v of %s", ErrBadTensor, len(r.Data), r.Shape, r.Dtype)
	}
	if bigEndian {
		r.Data = swapBytes(r.Data, r.Dtype.Size())
	}
	return r, nil
}

func swapBytes(b []byte, size int) []byte {
	out := make([]byte, len(b))
	for i := 0; i+size <= len(b); i += size {
		for j := range size {
			out[i+j] = b[i+size-1-j]
		}
	}
	return out
}

// Values decodes the tensor into a slice of T, C order, converting from the
// buffer's stored type as a Go conversion would (float16 is widened exactly).
// T must match the tensor's declared dtype, which is what Bittensor casts
// to. The shape is returned beside the values.
func Values[T Element](t Tensor) ([]T, []int, error) {
	want := dtypeOf[T]()
	if t.Dtype != want && !(t.Dtype == Float16 && want == Float32) {
		return nil, nil, fmt.Errorf("tensor: dtype is %s, cannot read it as %s", t.Dtype, want)
	}
	r, err := t.Decode()
	if err != nil {
		return nil, nil, err
	}
	size := r.Dtype.Size()
	out := make([]T, len(r.Data)/size)
	for i := range out {
		out[i] = convert[T](element(r.Data[i*size:], r.Dtype))
	}
	return out, r.Shape, nil
}

// Float64s decodes any tensor into float64 values (bools as 0 and 1).
func (t Tensor) Float64s() ([]float64, []int, error) {
	r, err := t.Decode()
	if err != nil {
		return nil, nil, err
	}
	size := r.Dtype.Size()
	out := make([]float64, len(r.Data)/size)
	for i := range out {
		out[i] = element(r.Data[i*size:], r.Dtype).float()
	}
	return out, r.Shape, nil
}

// String describes the tensor without its data, e.g. "Tensor([3], torch.float32)".
func (t Tensor) String() string {
	return fmt.Sprintf("Tensor(%s, %s)", strings.ReplaceAll(fmt.Sprint(t.Shape), " ", ", "), t.Dtype)
}

// Shape is a tensor's shape on the wire: a list of ints, which may also
// arrive as a string such as "[2, 3]" (Bittensor's validator accepts both).
// Only the shape has a custom decoder, so decoding a tensor scans its
// (large) buffer once.
type Shape []int

// UnmarshalJSON reads a list of ints, a string holding one, or null.
func (s *Shape) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return fmt.Errorf("tensor: shape: %w", err)
		}
		b = []byte(str)
	}
	if string(b) == "null" || len(b) == 0 {
		*s = nil
		return nil
	}
	var v []int
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("tensor: shape %s: %w", b, err)
	}
	*s = v
	return nil
}
