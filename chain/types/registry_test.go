package types

import (
	"errors"
	"strings"
	"testing"
)

func TestIdentityInfoCheck(t *testing.T) {
	long := strings.Repeat("é", 33) // 66 bytes
	tests := []struct {
		info IdentityInfo
		want *Error
	}{
		{IdentityInfo{}, nil},
		{IdentityInfo{Display: strings.Repeat("x", 64), PGPFingerprint: make([]byte, 20), Additional: []IdentityField{{"info", "x"}}}, nil},
		{IdentityInfo{Twitter: long}, ErrInvalidIdentityField},
		{IdentityInfo{Web: "\xff"}, ErrInvalidIdentityField},
		{IdentityInfo{PGPFingerprint: make([]byte, 21)}, ErrInvalidIdentityField},
		{IdentityInfo{Additional: []IdentityField{{"k", long}}}, ErrInvalidIdentityField},
		{IdentityInfo{Additional: make([]IdentityField, 2)}, ErrTooManyFieldsInIdentityInfo},
	}
	for i, tt := range tests {
		err := tt.info.Check(1)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%d: %v, want %v", i, err, tt.want)
		}
	}
}

func TestParsePGPFingerprint(t *testing.T) {
	for in, ok := range map[string]bool{
		"": true,
		"0x0123456789abcdef0123456789abcdef01234567":         true,
		"0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567": true,
		"0123": false,
		"zz23456789abcdef0123456789abcdef01234567": false,
	} {
		p, err := ParsePGPFingerprint(in)
		if (err == nil) != ok || ok && in != "" && len(p) != PGPFingerprintBytes {
			t.Errorf("%q: %x, %v", in, p, err)
		}
	}
}

// TestParamsWithoutRegistry: the parameters stored by a chain from before
// the registry (no "registry" key) still decode canonically.
func TestParamsWithoutRegistry(t *testing.T) {
	p := DefaultParams()
	p.Registry = RegistryParams{}
	b, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "registry") {
		t.Fatal("zero registry parameters are encoded")
	}
	var back Params
	if err := Unmarshal(b, &back); err != nil || back.Registry != (RegistryParams{}) {
		t.Errorf("decode: %v %+v", err, back.Registry)
	}
	full, _ := Marshal(DefaultParams())
	if err := Unmarshal(full, &back); err != nil || back.Registry != DefaultRegistryParams() {
		t.Errorf("decode with registry: %v %+v", err, back.Registry)
	}
}
