package balance

import (
	"errors"
	"math"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		b    Balance
		want string
	}{
		{0, "τ0.000000000"},
		{1, "τ0.000000001"},
		{1_234_500_000_000, "τ1,234.500000000"},
		{FromTAO(1_000_000), "τ1,000,000.000000000"},
		{FromTAO(999), "τ999.000000000"},
		{math.MaxUint64, "τ18,446,744,073.709551615"},
	}
	for _, tt := range tests {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("%d: String() = %s, want %s", uint64(tt.b), got, tt.want)
		}
	}
	if got := Balance(1234).RAOString(); got != "ρ1234" {
		t.Errorf("RAOString = %s", got)
	}
}

func TestParseTAO(t *testing.T) {
	tests := []struct {
		in   string
		want Balance
	}{
		{"1", 1_000_000_000},
		{"0.1", 100_000_000},
		{".5", 500_000_000},
		{"5.", 5_000_000_000},
		{"1,234.5", 1_234_500_000_000},
		{"τ2.000000001", 2_000_000_001},
		{"0.0000000010", 1},
		{" 3 ", 3_000_000_000},
		{"18446744073.709551615", math.MaxUint64},
	}
	for _, tt := range tests {
		got, err := ParseTAO(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTAO(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "-1", "abc", "1.0000000001", "18446744073.709551616", "1e9", ".", "1.2.3", "0x10"} {
		if _, err := ParseTAO(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseTAO(%q) err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, b := range []Balance{0, 1, 999_999_999, 1_000_000_000, 123_456_789_012_345, math.MaxUint64} {
		got, err := ParseTAO(b.String())
		if err != nil || got != b {
			t.Errorf("round trip %d: %d, %v", uint64(b), got, err)
		}
	}
}

func TestParseRAO(t *testing.T) {
	if b, err := ParseRAO("ρ1_000"); err != nil || b != 1000 {
		t.Errorf("ParseRAO = %d, %v", b, err)
	}
	for _, bad := range []string{"", "1.5", "-3", "99999999999999999999"} {
		if _, err := ParseRAO(bad); err == nil {
			t.Errorf("ParseRAO(%q) accepted", bad)
		}
	}
}

func TestArithmetic(t *testing.T) {
	if _, ok := Balance(math.MaxUint64).Add(1); ok {
		t.Error("overflow not reported")
	}
	if s, ok := Balance(5).Sub(3); !ok || s != 2 {
		t.Error("5-3")
	}
	if _, ok := Balance(3).Sub(5); ok {
		t.Error("underflow not reported")
	}
}
