package metadata

import (
	"os"
	"testing"
)

// Metadata parse time, whose goal is ≤ 15 ms for the real V15 blob into a
// Runtime (registry, pallets, lookups).

func benchParse(b *testing.B, file string, parse func([]byte) (*Runtime, error)) {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer cpuMeter(b, len(data))()
	for b.Loop() {
		if _, err := parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseV15(b *testing.B) { benchParse(b, v15File, ParseOpaque) }
func BenchmarkParseV14(b *testing.B) { benchParse(b, v14File, Parse) }
