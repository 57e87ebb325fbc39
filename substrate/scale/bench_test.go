package scale

import (
	"os"
	"testing"
)

// The decode benchmarks: a Vec<NeuronInfoLite> of 4096 neurons,
// as NeuronInfoRuntimeApi_get_neurons_lite answers for a full subnet,
// decoded into dynamic Values and into Go views. SetBytes makes -bench print
// MB/s of encoded input. With SCALE_BENCH_NEURONS_OUT=file set, the encoded
// neurons are also written there, for baselines that decode the same bytes
// (testdata/bench_polkadotjs.cjs).

func benchNeurons(b *testing.B) (*Registry, TypeID, []byte) {
	r, id := neuronRegistry(b)
	data := encodeNeurons(b, r, id, sampleNeurons(4096))
	if out := os.Getenv("SCALE_BENCH_NEURONS_OUT"); out != "" {
		if err := os.WriteFile(out, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return r, id, data
}

func BenchmarkNeuronsDecodeValue(b *testing.B) {
	r, id, data := benchNeurons(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer cpuMeter(b, len(data))()
	for b.Loop() {
		if _, err := r.DecodeValue(id, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeuronsDecodeView(b *testing.B) {
	r, id, data := benchNeurons(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer cpuMeter(b, len(data))()
	for b.Loop() {
		var ns []neuronView
		if err := r.Decode(id, data, &ns); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeuronsEncodeValue(b *testing.B) {
	r, id, data := benchNeurons(b)
	v, err := r.DecodeValue(id, data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer cpuMeter(b, len(data))()
	for b.Loop() {
		if _, err := r.AppendValue(make([]byte, 0, len(data)), id, v); err != nil {
			b.Fatal(err)
		}
	}
}
