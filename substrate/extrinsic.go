package substrate

import (
	"context"
	"errors"
	"fmt"
	"math/bits"

	"golang.org/x/crypto/blake2b"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// Signer signs extrinsics: an sr25519 key pair (*wallet.Keypair is one).
type Signer interface {
	// PublicKey is the signer's 32-byte sr25519 public key (its account id).
	PublicKey() [32]byte
	// Sign signs msg with sr25519 in the signing context "substrate".
	Sign(msg []byte) ([]byte, error)
}

// DefaultEraPeriod is how many blocks a signed extrinsic stays valid by
// default: btcli's default --period.
const DefaultEraPeriod = 16

// SignOptions tune a signed extrinsic.
type SignOptions struct {
	// Nonce is the signer's account nonce; nil takes the next one (see
	// NextNonce, which also reserves it).
	Nonce *uint64
	// EraPeriod is how many blocks from its birth block the extrinsic stays
	// valid (rounded up to a power of two, 4 to 65536); 0 means
	// DefaultEraPeriod, a negative value an immortal extrinsic.
	EraPeriod int
	// Tip is paid to the block author on top of the fee, in the chain's
	// smallest unit.
	Tip uint64
	// At is the block the extrinsic is built at (its era's birth, its
	// runtime); zero means the best block.
	At Hash
}

// Extrinsic is a signed extrinsic, ready to send.
type Extrinsic struct {
	Bytes  []byte // the encoded extrinsic, length prefix included
	Hash   Hash   // blake2-256 of Bytes: how the node names it
	Signer [32]byte
	Nonce  uint64
	Call   []byte // the encoded call
	// Birth is the block the extrinsic was built at; it is valid until
	// Birth's number + EraPeriod (0: immortal).
	Birth     Header
	EraPeriod uint64
	// Runtime is the runtime it was encoded for.
	Runtime *metadata.Runtime
}

// ErrSignedExtension is returned when the runtime requires a signed
// extension whose data this client does not know how to fill.
var ErrSignedExtension = errors.New("substrate: unknown signed extension")

// extrinsicV4Signed is the version byte of a signed v4 extrinsic.
const extrinsicV4Signed = 0x84

// Sign builds the extrinsic that makes signer call call (an encoded call:
// see metadata.Runtime.EncodeCall), mortal for opts.EraPeriod blocks, with
// its nonce, and signs it. Every signed extension the runtime declares is
// filled from the chain (spec and transaction version, genesis hash, era
// birth block) and opts; CheckMetadataHash is sent disabled.
func (c *Client) Sign(ctx context.Context, call []byte, signer Signer, opts SignOptions) (*Extrinsic, error) {
	birth, err := c.Header(ctx, opts.At)
	if err != nil {
		return nil, err
	}
	v, err := c.RuntimeVersion(ctx, birth.Hash)
	if err != nil {
		return nil, err
	}
	rt, err := c.runtimeFor(ctx, v, birth.Hash)
	if err != nil {
		return nil, err
	}
	who := signer.PublicKey()
	var nonce uint64
	reserved := false
	if opts.Nonce != nil {
		nonce = *opts.Nonce
	} else {
		if nonce, err = c.ReserveNonce(ctx, who); err != nil {
			return nil, err
		}
		reserved = true
	}
	x, err := c.sign(rt, v, birth, call, signer, nonce, opts)
	if err != nil && reserved {
		c.ReleaseNonce(who, nonce)
	}
	return x, err
}

// checkExtensions checks, once per runtime, that the bytes signedExtensions
// writes by hand (an era, CheckMetadataHash's mode and hash) are values of
// the runtime's types for them.
func (c *Client) checkExtensions(rt *metadata.Runtime) error {
	if v, ok := c.extChecked.Load(rt); ok {
		return v.(*extCheck).err
	}
	var err error
	for _, ext := range rt.Extrinsic.SignedExtensions {
		var samples [][2][]byte // (extra, additional) pairs to decode
		switch ext.Identifier {
		case "CheckMortality", "CheckEra":
			era, _ := mortalEra(DefaultEraPeriod, 1)
			samples = [][2][]byte{{{0}, nil}, {era, nil}}
		case "CheckMetadataHash":
			samples = [][2][]byte{{{0}, {0}}}
		}
		for _, sm := range samples {
			if _, derr := rt.Types.DecodeValue(ext.Type, sm[0]); derr != nil {
				err = fmt.Errorf("%w %s: its extra data is not the %x this client writes: %v", ErrSignedExtension, ext.Identifier, sm[0], derr)
			}
			if sm[1] != nil {
				if _, derr := rt.Types.DecodeValue(ext.AdditionalSigned, sm[1]); derr != nil {
					err = fmt.Errorf("%w %s: its additional data is not the %x this client writes: %v", ErrSignedExtension, ext.Identifier, sm[1], derr)
				}
			}
		}
	}
	c.extChecked.Store(rt, &extCheck{err: err})
	return err
}

type extCheck struct{ err error }

// sign encodes and signs the extrinsic for runtime rt of version v.
func (c *Client) sign(rt *metadata.Runtime, v RuntimeVersion, birth Header, call []byte, signer Signer, nonce uint64, opts SignOptions) (*Extrinsic, error) {
	era, eraBirth, period := []byte{0}, c.genesis, uint64(0) // immortal
	if opts.EraPeriod >= 0 {
		p := opts.EraPeriod
		if p == 0 {
			p = DefaultEraPeriod
		}
		era, period = mortalEra(uint64(p), birth.Number)
		eraBirth = birth.Hash
	}
	if err := c.checkExtensions(rt); err != nil {
		return nil, err
	}
	extra, additional, err := signedExtensions(rt, extensionData{
		specVersion: v.SpecVersion, txVersion: v.TransactionVersion, genesis: c.genesis,
		era: era, eraBirth: eraBirth, nonce: nonce, tip: opts.Tip,
	})
	if err != nil {
		return nil, err
	}
	payload := make([]byte, 0, len(call)+len(extra)+len(additional))
	payload = append(append(append(payload, call...), extra...), additional...)
	if len(payload) > 256 {
		h := blake2b.Sum256(payload)
		payload = h[:]
	}
	sig, err := signer.Sign(payload)
	if err != nil {
		return nil, fmt.Errorf("substrate: sign: %w", err)
	}
	who := signer.PublicKey()
	body := []byte{extrinsicV4Signed}
	body, err = rt.Types.AppendEncode(body, rt.Extrinsic.AddressType, scale.NewVariant("Id", scale.NamedValue{Value: scale.NewBytes(who[:])}))
	if err != nil {
		return nil, fmt.Errorf("substrate: encode the signer's address: %w", err)
	}
	body, err = rt.Types.AppendEncode(body, rt.Extrinsic.SignatureType, scale.NewVariant("Sr25519", scale.NamedValue{Value: scale.NewBytes(sig)}))
	if err != nil {
		return nil, fmt.Errorf("substrate: encode the signature: %w", err)
	}
	body = append(append(body, extra...), call...)
	out := scale.AppendCompact(make([]byte, 0, len(body)+5), uint64(len(body)))
	out = append(out, body...)
	return &Extrinsic{Bytes: out, Hash: blake2b.Sum256(out), Signer: who, Nonce: nonce, Call: call, Birth: birth, EraPeriod: period, Runtime: rt}, nil
}

// extensionData is what the signed extensions are filled from.
type extensionData struct {
	specVersion, txVersion uint32
	genesis, eraBirth      Hash
	era                    []byte
	nonce, tip             uint64
}

// signedExtensions encodes every signed extension's extra data (sent in the
// extrinsic) and additional data (only signed), in the runtime's order.
func signedExtensions(rt *metadata.Runtime, d extensionData) (extra, additional []byte, err error) {
	reg := rt.Types
	for _, ext := range rt.Extrinsic.SignedExtensions {
		var x, a []byte
		switch ext.Identifier {
		case "CheckNonZeroSender", "CheckWeight":
		case "CheckSpecVersion":
			a, err = reg.Encode(ext.AdditionalSigned, d.specVersion)
		case "CheckTxVersion":
			a, err = reg.Encode(ext.AdditionalSigned, d.txVersion)
		case "CheckGenesis":
			a, err = reg.Encode(ext.AdditionalSigned, [32]byte(d.genesis))
		case "CheckMortality", "CheckEra":
			x = d.era
			a, err = reg.Encode(ext.AdditionalSigned, [32]byte(d.eraBirth))
		case "CheckNonce":
			x, err = reg.Encode(ext.Type, d.nonce)
		case "ChargeTransactionPayment":
			x, err = reg.Encode(ext.Type, d.tip)
		case "CheckMetadataHash":
			// Mode::Disabled, and no metadata hash in the signed data.
			x, a = []byte{0}, []byte{0}
		default:
			if !zeroSized(reg, ext.Type, 0) || !zeroSized(reg, ext.AdditionalSigned, 0) {
				return nil, nil, fmt.Errorf("%w %s (runtime %s %d): this client cannot fill its data", ErrSignedExtension, ext.Identifier, rt.SpecName, rt.SpecVersion)
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("substrate: signed extension %s: %w", ext.Identifier, err)
		}
		if len(a) == 0 && !zeroSized(reg, ext.AdditionalSigned, 0) {
			return nil, nil, fmt.Errorf("%w %s: its additional data (%s) is not empty", ErrSignedExtension, ext.Identifier, reg.TypeName(ext.AdditionalSigned))
		}
		if len(x) == 0 && !zeroSized(reg, ext.Type, 0) {
			return nil, nil, fmt.Errorf("%w %s: its extra data (%s) is not empty", ErrSignedExtension, ext.Identifier, reg.TypeName(ext.Type))
		}
		extra, additional = append(extra, x...), append(additional, a...)
	}
	return extra, additional, nil
}

// zeroSized reports whether values of type id encode to no bytes at all
// (unit, empty tuples and composites, PhantomData, zero-length arrays).
func zeroSized(reg *scale.Registry, id scale.TypeID, depth int) bool {
	t, ok := reg.Type(id)
	if !ok || depth > 64 {
		return false
	}
	switch t.Def {
	case scale.DefComposite:
		for _, f := range t.Fields {
			if !zeroSized(reg, f.Type, depth+1) {
				return false
			}
		}
		return true
	case scale.DefTuple:
		for _, e := range t.Tuple {
			if !zeroSized(reg, e, depth+1) {
				return false
			}
		}
		return true
	case scale.DefArray:
		return t.Len == 0 || zeroSized(reg, t.Elem, depth+1)
	}
	return false
}

// mortalEra encodes a mortal era of period blocks born at block birth, as
// Substrate's Era::mortal does: the period rounded to a power of two within
// [4, 65536], the phase quantized, in two little-endian bytes. It returns
// the encoding and the period used.
func mortalEra(period, birth uint64) ([]byte, uint64) {
	p := uint64(1) << bits.Len64(max(period, 2)-1) // next power of two
	p = min(max(p, 4), 1<<16)
	phase := birth % p
	quantize := max(p>>12, 1)
	q := phase / quantize * quantize
	enc := uint16(min(max(bits.TrailingZeros64(p)-1, 1), 15)) | uint16(q/quantize)<<4
	return []byte{byte(enc), byte(enc >> 8)}, p
}
