package types

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// The identity registry, as Bittensor's Registry pallet with subtensor's
// rule of who may register: a subnet owner names its coldkey, a root
// validator's owner names the hotkey. An identity holds a deposit from the
// account that set it, returned when it is cleared.

// Call names of the identity registry.
const (
	CallSetIdentity   = "Registry.set_identity"
	CallClearIdentity = "Registry.clear_identity"
)

// Limits of an identity's fields, as the reference's IdentityInfo: each
// text field at most MaxIdentityFieldBytes bytes of UTF-8, a PGP
// fingerprint exactly PGPFingerprintBytes.
const (
	MaxIdentityFieldBytes = 64
	PGPFingerprintBytes   = 20
)

// RegistryParams are the identity registry's deposits and limits, part of
// Params and fixed at genesis.
type RegistryParams struct {
	// InitialDeposit is held from the setter's free balance for any
	// identity, in RAO (the reference: 0.1 TAO).
	InitialDeposit uint64 `json:"initial_deposit,omitempty"`
	// FieldDeposit is held for each additional field, in RAO (0.1 TAO).
	FieldDeposit uint64 `json:"field_deposit,omitempty"`
	// MaxAdditionalFields is how many additional fields an identity may
	// have (1).
	MaxAdditionalFields uint32 `json:"max_additional_fields,omitempty"`
}

// DefaultRegistryParams are the reference runtime's values.
func DefaultRegistryParams() RegistryParams {
	return RegistryParams{InitialDeposit: 100_000_000, FieldDeposit: 100_000_000, MaxAdditionalFields: 1}
}

// Deposit is what an identity with n additional fields holds.
func (p RegistryParams) Deposit(n int) uint64 {
	return p.InitialDeposit + uint64(n)*p.FieldDeposit
}

// IdentityField is one additional field of an identity: a key and a value.
type IdentityField struct {
	Key   string `cbor:"1,keyasint" json:"key"`
	Value string `cbor:"2,keyasint" json:"value"`
}

// IdentityInfo is what an identity says; every field is optional (empty).
// Text fields are UTF-8 of at most MaxIdentityFieldBytes bytes.
type IdentityInfo struct {
	Display string `cbor:"1,keyasint,omitempty" json:"display"`
	Legal   string `cbor:"2,keyasint,omitempty" json:"legal"`
	Web     string `cbor:"3,keyasint,omitempty" json:"web"`
	Riot    string `cbor:"4,keyasint,omitempty" json:"riot"`
	Email   string `cbor:"5,keyasint,omitempty" json:"email"`
	// PGPFingerprint is empty or exactly PGPFingerprintBytes bytes.
	PGPFingerprint PGPFingerprint  `cbor:"6,keyasint,omitempty" json:"pgp_fingerprint"`
	Image          string          `cbor:"7,keyasint,omitempty" json:"image"`
	Twitter        string          `cbor:"8,keyasint,omitempty" json:"twitter"`
	Additional     []IdentityField `cbor:"9,keyasint,omitempty" json:"additional"`
}

// Fields returns the text fields by name, in the reference's order.
func (i *IdentityInfo) Fields() [][2]string {
	return [][2]string{{"display", i.Display}, {"legal", i.Legal}, {"web", i.Web}, {"riot", i.Riot},
		{"email", i.Email}, {"image", i.Image}, {"twitter", i.Twitter}}
}

// Check returns an error wrapping ErrInvalidIdentityField for a field that
// is too long or not UTF-8, or ErrTooManyFieldsInIdentityInfo for more than
// maxAdditional additional fields.
func (i *IdentityInfo) Check(maxAdditional uint32) error {
	check := func(name, v string) error {
		if len(v) > MaxIdentityFieldBytes {
			return Errorf(ErrInvalidIdentityField, "%s is %d bytes, at most %d", name, len(v), MaxIdentityFieldBytes)
		}
		if !utf8.ValidString(v) {
			return Errorf(ErrInvalidIdentityField, "%s is not UTF-8 text", name)
		}
		return nil
	}
	for _, f := range i.Fields() {
		if err := check(f[0], f[1]); err != nil {
			return err
		}
	}
	if n := len(i.PGPFingerprint); n != 0 && n != PGPFingerprintBytes {
		return Errorf(ErrInvalidIdentityField, "pgp_fingerprint is %d bytes, want %d", n, PGPFingerprintBytes)
	}
	if len(i.Additional) > int(maxAdditional) {
		return Errorf(ErrTooManyFieldsInIdentityInfo, "%d additional fields, at most %d", len(i.Additional), maxAdditional)
	}
	for k, f := range i.Additional {
		if err := check(fmt.Sprintf("additional field %d's key", k+1), f.Key); err != nil {
			return err
		}
		if err := check(fmt.Sprintf("additional field %q", f.Key), f.Value); err != nil {
			return err
		}
	}
	return nil
}

// PGPFingerprint is a PGP key fingerprint, written in JSON as 0x-hex ("" for
// none).
type PGPFingerprint []byte

// MarshalJSON writes the fingerprint as 0x-hex, or "" for none.
func (p PGPFingerprint) MarshalJSON() ([]byte, error) {
	if len(p) == 0 {
		return json.Marshal("")
	}
	return json.Marshal("0x" + hex.EncodeToString(p))
}

// UnmarshalJSON reads ParsePGPFingerprint's forms.
func (p *PGPFingerprint) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParsePGPFingerprint(s)
	*p = v
	return err
}

// ParsePGPFingerprint reads a fingerprint as 40 hex characters (0x and
// spaces optional, as gpg prints them); "" is none.
func ParsePGPFingerprint(s string) (PGPFingerprint, error) {
	t := make([]byte, 0, len(s))
	for _, r := range s {
		if r != ' ' {
			t = append(t, byte(r))
		}
	}
	h := string(t)
	if len(h) >= 2 && (h[:2] == "0x" || h[:2] == "0X") {
		h = h[2:]
	}
	if h == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != PGPFingerprintBytes {
		return nil, fmt.Errorf("types: pgp fingerprint %q: want %d hex characters", s, 2*PGPFingerprintBytes)
	}
	return b, nil
}

// SetIdentity sets the identity of Identified, replacing any it has. The
// signer is Identified itself, which must own a subnet, or the coldkey that
// owns Identified, a hotkey registered on the root network. The deposit
// (RegistryParams.Deposit) is held from the signer.
type SetIdentity struct {
	Identified AccountID    `cbor:"1,keyasint"`
	Info       IdentityInfo `cbor:"2,keyasint"`
}

// CallName implements CallArgs.
func (*SetIdentity) CallName() string { return CallSetIdentity }

// ClearIdentity removes the identity of Identified and returns its deposit
// to whoever paid it; signed by an account that may set it, or by the
// depositor.
type ClearIdentity struct {
	Identified AccountID `cbor:"1,keyasint"`
}

// CallName implements CallArgs.
func (*ClearIdentity) CallName() string { return CallClearIdentity }

// registryCallTypes adds the registry's calls to m.
func registryCallTypes(m map[string]func() CallArgs) {
	m[CallSetIdentity] = func() CallArgs { return new(SetIdentity) }
	m[CallClearIdentity] = func() CallArgs { return new(ClearIdentity) }
}

// QueryIdentity + "/<ss58>" answers IdentityRecord, or NotFound.
const QueryIdentity = "/identity"

// IdentityRecord is an identity as stored: what it says, and the deposit
// held for it and from whom.
type IdentityRecord struct {
	Identified AccountID    `json:"identified"`
	Info       IdentityInfo `json:"info"`
	Deposit    uint64       `json:"deposit"` // RAO held
	Depositor  AccountID    `json:"depositor"`
	Height     uint64       `json:"height"` // the block the answer is from
}

// Registry errors, with the names of Bittensor's Registry pallet, numbered
// 3200 + their position in its error enum; InvalidIdentityField is ours
// (the reference refuses such a field when decoding the call).
var (
	ErrCannotRegister              = register(&Error{3200, "registry", "CannotRegister", "the signer may not set this account's identity: a coldkey names itself when it owns a subnet, and a root validator's hotkey through the coldkey that owns it"})
	ErrTooManyFieldsInIdentityInfo = register(&Error{3201, "registry", "TooManyFieldsInIdentityInfo", "the identity has more additional fields than the chain allows"})
	ErrIdentityNotRegistered       = register(&Error{3202, "registry", "NotRegistered", "the account has no identity"})
	ErrInvalidIdentityField        = register(&Error{3203, "registry", "InvalidIdentityField", "an identity field is too long or not text"})
)
