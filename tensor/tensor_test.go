package tensor

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/go-bittensor/bittensor/synapse"
)

// [1.0, 2.0, 3.0] as float32, as Bittensor 6.x's bittensor.Tensor
// serialises it (msgpack-numpy, base64).
const (
	vectorMsgpack = "85c4026e64c3c40474797065a33c6634c4046b696e64c400c40573686170659103c40464617461c40c0000803f0000004000004040"
	vectorBuffer  = "hcQCbmTDxAR0eXBlozxmNMQEa2luZMQAxAVzaGFwZZEDxARkYXRhxAwAAIA/AAAAQAAAQEA="
)

func TestSpecVector(t *testing.T) {
	tn, err := New([]float32{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if tn.Buffer != vectorBuffer || tn.Dtype != Float32 || !reflect.DeepEqual([]int(tn.Shape), []int{3}) {
		t.Fatalf("New = %+v", tn)
	}
	raw, _ := base64.StdEncoding.DecodeString(tn.Buffer)
	if hex.EncodeToString(raw) != vectorMsgpack {
		t.Errorf("msgpack = %x", raw)
	}
	got, shape, err := Values[float32](Tensor{Buffer: vectorBuffer, Dtype: Float32, Shape: []int{3}})
	if err != nil || !reflect.DeepEqual(got, []float32{1, 2, 3}) || !reflect.DeepEqual(shape, []int{3}) {
		t.Errorf("Values = %v %v %v", got, shape, err)
	}
	b, _ := json.Marshal(tn)
	if string(b) != `{"buffer":"`+vectorBuffer+`","dtype":"torch.float32","shape":[3]}` {
		t.Errorf("JSON = %s", b)
	}
}

func roundTrip[T Element](t *testing.T, data []T, shape ...int) {
	t.Helper()
	tn, err := New(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	got, gotShape, err := Values[T](tn)
	if err != nil {
		t.Fatalf("%s: %v", tn.Dtype, err)
	}
	if !reflect.DeepEqual(got, data) {
		t.Errorf("%s: values %v, want %v", tn.Dtype, got, data)
	}
	wantShape := shape
	if wantShape == nil {
		wantShape = []int{len(data)}
	}
	if len(wantShape) == 0 {
		wantShape = []int{}
	}
	if !reflect.DeepEqual(gotShape, wantShape) {
		t.Errorf("%s: shape %v, want %v", tn.Dtype, gotShape, wantShape)
	}
}

func TestRoundTrips(t *testing.T) {
	roundTrip(t, []float32{1.5, -2, float32(math.Inf(1))}, 3)
	roundTrip(t, []float64{0.1, -1e300, 5e-324, 4}, 2, 2)
	roundTrip(t, []uint8{0, 255, 7})
	roundTrip(t, []int8{-128, 127})
	roundTrip(t, []int16{-32768, 32767})
	roundTrip(t, []int32{math.MinInt32, math.MaxInt32})
	roundTrip(t, []int64{math.MinInt64, math.MaxInt64, 0})
	roundTrip(t, []bool{true, false, true})
	roundTrip(t, []float32{}, 0, 4)
	roundTrip(t, []int64{42}, Scalar()...)
}

func TestScalarShapeOnWire(t *testing.T) {
	tn, err := New([]int64{42}, Scalar()...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual([]int(tn.Shape), []int{0}) {
		t.Errorf("0-d tensor shape on the wire = %v, want [0]", tn.Shape)
	}
}

func TestFloat16(t *testing.T) {
	tests := []struct {
		f    float32
		bits uint16
	}{
		{1, 0x3c00}, {-2, 0xc000}, {0.5, 0x3800}, {65504, 0x7bff}, {0.1, 0x2e66},
		{1e5, 0x7c00}, {float32(math.Inf(-1)), 0xfc00}, {0, 0}, {5.9604645e-8, 0x0001},
		{1e-9, 0}, {6.1035156e-5, 0x0400}, {1.0009766, 0x3c01}, {1.00048828125, 0x3c00}, // tie to even
	}
	for _, tt := range tests {
		if got := Float32ToHalf(tt.f); got != tt.bits {
			t.Errorf("Float32ToHalf(%v) = %#04x, want %#04x", tt.f, got, tt.bits)
		}
	}
	for h := range 1 << 16 {
		f := HalfToFloat32(uint16(h))
		if f != f {
			continue
		}
		if back := Float32ToHalf(f); back != uint16(h) {
			t.Fatalf("half %#04x -> %v -> %#04x", h, f, back)
		}
	}
	tn, err := NewFloat16([]float32{1, 0.5, -3})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Values[float32](tn)
	if err != nil || !reflect.DeepEqual(got, []float32{1, 0.5, -3}) {
		t.Errorf("float16 values = %v, %v", got, err)
	}
	f64, _, err := tn.Float64s()
	if err != nil || !reflect.DeepEqual(f64, []float64{1, 0.5, -3}) {
		t.Errorf("Float64s = %v, %v", f64, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	good, _ := New([]float32{1, 2, 3})
	packed, _ := base64.StdEncoding.DecodeString(good.Buffer)
	enc := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	tests := []struct {
		name string
		t    Tensor
	}{
		{"not base64", Tensor{Buffer: "%%%", Dtype: Float32, Shape: []int{3}}},
		{"truncated", Tensor{Buffer: enc(packed[:len(packed)-3]), Dtype: Float32, Shape: []int{3}}},
		{"not a map", Tensor{Buffer: enc([]byte{0x93, 1, 2, 3}), Dtype: Float32, Shape: []int{3}}},
		{"shape mismatch", Tensor{Buffer: good.Buffer, Dtype: Float32, Shape: []int{4}}},
		{"negative shape", Tensor{Buffer: good.Buffer, Dtype: Float32, Shape: []int{-3}}},
		{"empty", Tensor{Buffer: "", Dtype: Float32, Shape: []int{3}}},
	}
	for _, tt := range tests {
		if _, err := tt.t.Decode(); !errors.Is(err, ErrBadTensor) {
			t.Errorf("%s: err = %v, want ErrBadTensor", tt.name, err)
		}
	}
	if _, _, err := Values[int64](good); err == nil {
		t.Error("float32 tensor read as int64")
	}
	if _, err := New([]float32{1, 2}, 3); err == nil {
		t.Error("shape/data mismatch accepted")
	}
	if _, err := FromBytes("torch.bfloat16", nil, []int{0}); !errors.Is(err, ErrBadTensor) {
		t.Error("bfloat16 accepted")
	}
}

func TestBigEndianBuffer(t *testing.T) {
	// A '>f4' array as a big-endian machine would send it.
	le, _ := New([]float32{1, 2})
	packed, _ := base64.StdEncoding.DecodeString(le.Buffer)
	hexs := hex.EncodeToString(packed)
	// Replace type "<f4" with ">f4" and swap each element's bytes.
	be := []byte{}
	raw, _ := hex.DecodeString(hexs)
	be = append(be, raw...)
	for i := range be {
		if be[i] == '<' && be[i+1] == 'f' {
			be[i] = '>'
		}
	}
	data := be[len(be)-8:]
	for i := 0; i < 8; i += 4 {
		data[i], data[i+1], data[i+2], data[i+3] = data[i+3], data[i+2], data[i+1], data[i]
	}
	got, _, err := Values[float32](Tensor{Buffer: base64.StdEncoding.EncodeToString(be), Dtype: Float32, Shape: []int{2}})
	if err != nil || !reflect.DeepEqual(got, []float32{1, 2}) {
		t.Errorf("big-endian = %v, %v", got, err)
	}
}

type tensorSynapse struct {
	synapse.Synapse
	Input  Tensor   `json:"input" bt:"hash"`
	Output *Tensor  `json:"output"`
	Many   []Tensor `json:"many" bt:"hash"`
}

func TestTensorInSynapse(t *testing.T) {
	tn, _ := New([]float32{1, 2, 3})
	m := &tensorSynapse{Input: tn, Many: []Tensor{tn}}
	// Python hashes str() of .dict(), where a Tensor is a dict.
	dict := "{'buffer': '" + vectorBuffer + "', 'dtype': 'torch.float32', 'shape': [3]}"
	want := synapse.Hash([]byte(synapse.Hash([]byte(dict)) + synapse.Hash([]byte("["+dict+"]"))))
	got, err := synapse.BodyHash(m)
	if err != nil || got != want {
		t.Errorf("BodyHash = %s, %v; want %s", got, err, want)
	}
	body, err := synapse.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back tensorSynapse
	if err := synapse.Unmarshal(body, &back); err != nil {
		t.Fatal(err)
	}
	vals, _, err := Values[float32](back.Input)
	if err != nil || !reflect.DeepEqual(vals, []float32{1, 2, 3}) || back.Output != nil {
		t.Errorf("after round trip: %v %v %v", vals, err, back.Output)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(vectorBuffer, "[3]")
	f.Add("hcQCbmTD", "[0]")
	f.Add("", "[]")
	f.Fuzz(func(t *testing.T, buffer, shape string) {
		var s []int
		_ = json.Unmarshal([]byte(shape), &s)
		tn := Tensor{Buffer: buffer, Dtype: Float32, Shape: s}
		r, err := tn.Decode()
		if err != nil {
			if !errors.Is(err, ErrBadTensor) {
				t.Fatalf("error not ErrBadTensor: %v", err)
			}
			return
		}
		n := 1
		for _, d := range r.Shape {
			n *= d
		}
		if n*r.Dtype.Size() != len(r.Data) {
			t.Fatalf("decoded %d bytes for shape %v of %s", len(r.Data), r.Shape, r.Dtype)
		}
	})
}

func TestShapeAsString(t *testing.T) {
	var tn Tensor
	if err := json.Unmarshal([]byte(`{"buffer": "`+vectorBuffer+`", "dtype": "torch.float32", "shape": "[3]"}`), &tn); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual([]int(tn.Shape), []int{3}) {
		t.Errorf("shape %v", tn.Shape)
	}
	if err := json.Unmarshal([]byte(`{"buffer": "", "dtype": "torch.float32", "shape": "three"}`), &tn); err == nil {
		t.Error("shape \"three\" accepted")
	}
}
