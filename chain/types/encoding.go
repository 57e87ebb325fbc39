package types

import (
	"bytes"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// encMode and decMode are immutable after construction and safe for
// concurrent use.
var (
	encMode = mustEncMode()
	decMode = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	opts := cbor.CoreDetEncOptions()
	m, err := opts.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   16,
		MaxArrayElements:  1 << 20,
		MaxMapPairs:       1 << 16,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// answerDecMode decodes query answers: like decMode, but fields a newer
// node adds are ignored rather than refused, and arrays may be as long as a
// subnet's 65535 neurons times their rows.
var answerDecMode = mustAnswerDecMode()

func mustAnswerDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
		MaxNestedLevels:  16,
		MaxArrayElements: 1 << 26,
		MaxMapPairs:      1 << 16,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// Marshal encodes v in CBOR core deterministic form.
func Marshal(v any) ([]byte, error) { return encMode.Marshal(v) }

// bufEncMode is encMode writing into the caller's buffer.
var bufEncMode = mustBufEncMode()

func mustBufEncMode() cbor.UserBufferEncMode {
	m, err := cbor.CoreDetEncOptions().UserBufferEncMode()
	if err != nil {
		panic(err)
	}
	return m
}

// MarshalToBuffer appends v's encoding, as Marshal's, to buf: for large
// answers, into a buffer the caller sized.
func MarshalToBuffer(v any, buf *bytes.Buffer) error { return bufEncMode.MarshalToBuffer(v, buf) }

// Unmarshal decodes canonical CBOR into v. Input that decodes but is not the
// canonical encoding of the decoded value (wrong key order, non-minimal
// integers, unknown fields, trailing bytes) is rejected.
func Unmarshal(data []byte, v any) error {
	if err := decMode.Unmarshal(data, v); err != nil {
		return err
	}
	again, err := encMode.Marshal(v)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, data) {
		return fmt.Errorf("not in canonical form")
	}
	return nil
}
