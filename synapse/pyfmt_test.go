package synapse

import (
	"errors"
	"math"
	"testing"
)

func TestPyFloatRepr(t *testing.T) {
	tests := []struct {
		f    float64
		bits int
		want string // Python 3 repr(float)
	}{
		{1, 64, "1.0"},
		{0, 64, "0.0"},
		{math.Copysign(0, -1), 64, "-0.0"},
		{0.1, 64, "0.1"},
		{12, 64, "12.0"},
		{100, 64, "100.0"},
		{123.456, 64, "123.456"},
		{-2.5, 64, "-2.5"},
		{0.0001, 64, "0.0001"},
		{0.00001, 64, "1e-05"},
		{1.5e-7, 64, "1.5e-07"},
		{1234567890123456, 64, "1234567890123456.0"},
		{1e16, 64, "1e+16"},
		{12345678901234567, 64, "1.2345678901234568e+16"},
		{1e22, 64, "1e+22"},
		{1e100, 64, "1e+100"},
		{5e-324, 64, "5e-324"},
		{math.MaxFloat64, 64, "1.7976931348623157e+308"},
		{math.Inf(1), 64, "inf"},
		{math.Inf(-1), 64, "-inf"},
		{math.NaN(), 64, "nan"},
		// A float32 field holds float32(0.3); its JSON is "0.3", which a
		// Python peer reads as the double 0.3.
		{float64(float32(0.3)), 32, "0.3"},
		{float64(float32(1) / 3), 32, "0.33333334"},
	}
	for _, tt := range tests {
		if got := string(appendPyFloat(nil, tt.f, tt.bits)); got != tt.want {
			t.Errorf("repr(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestPyStr(t *testing.T) {
	type inner struct {
		A int     `json:"a"`
		B *string `json:"b"`
	}
	f32 := float32(0.5)
	tests := []struct {
		name string
		v    any
		want string // Python 3 str(value)
	}{
		{"top-level string is itself", "hello 'x'", "hello 'x'"},
		{"int", 42, "42"},
		{"negative int64", int64(-7), "-7"},
		{"uint64", uint64(math.MaxUint64), "18446744073709551615"},
		{"bool", true, "True"},
		{"float", 1e-5, "1e-05"},
		{"float32 pointer", &f32, "0.5"},
		{"nil pointer", (*int)(nil), "None"},
		{"optional str", Ptr("x"), "x"},
		{"nil", nil, "None"},
		{"list of str", []string{"a", "b"}, "['a', 'b']"},
		{"empty list", []int{}, "[]"},
		{"nil list", []int(nil), "[]"},
		{"mixed list", []any{1, 2.5, true, nil}, "[1, 2.5, True, None]"},
		{"nested list", [][]float64{{1, 2}, {}}, "[[1.0, 2.0], []]"},
		{"quotes", []string{"it's", `say "hi"`, `both ' and "`}, `["it's", 'say "hi"', 'both \' and "']`},
		{"escapes", []string{"a\tb\nc\r\\", "\x00\x1f\x7f"}, `['a\tb\nc\r\\', '\x00\x1f\x7f']`},
		{"unicode", []string{"é", "日本", "😀", "\u00a0", "\u2028", "\U000e0001"}, `['é', '日本', '😀', '\xa0', '\u2028', '\U000e0001']`},
		{"dict sorted", map[string]int{"b": 2, "a": 1, "B": 0}, "{'B': 0, 'a': 1, 'b': 2}"},
		{"int-keyed dict", map[int]string{10: "x", 9: "y"}, "{9: 'y', 10: 'x'}"},
		{"nested model", inner{A: 1}, "{'a': 1, 'b': None}"},
		{"bytes", []byte("hi"), "'aGk='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PyStr(tt.v)
			if tt.name == "mixed list" {
				// []any cannot be hashed: the Python type of each element is unknown.
				if !errors.Is(err, ErrUnsupportedType) {
					t.Fatalf("PyStr(%#v) error = %v, want ErrUnsupportedType", tt.v, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PyStr(%#v): %v", tt.v, err)
			}
			if got != tt.want {
				t.Errorf("PyStr(%#v) = %s, want %s", tt.v, got, tt.want)
			}
		})
	}
}

func TestJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\t\r\b\f\x01\x7f", `"\n\t\r\b\f\u0001\u007f"`},
		{"é😀", `"\u00e9\ud83d\ude00"`},
	}
	for _, tt := range tests {
		if got := string(appendJSONString(nil, tt.in)); got != tt.want {
			t.Errorf("json(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
