package substrate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/rpc"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// DispatchError is why an extrinsic that was included in a block failed:
// Substrate's DispatchError. The fee was charged and the nonce used.
type DispatchError struct {
	// Kind is the DispatchError variant: "Module", "BadOrigin", "Token",
	// "Arithmetic", "Other", ...
	Kind string
	// Detail is the inner variant for Token, Arithmetic and Transactional
	// errors ("FundsUnavailable", "Overflow", ...).
	Detail string
	// Module is the pallet's error, with its name and documentation, when
	// Kind is "Module".
	Module *metadata.ModuleError
}

// Error reads "SubtensorModule.SettingWeightsTooFast: <the error's doc>",
// or "BadOrigin", "Token.FundsUnavailable", ...
func (e *DispatchError) Error() string {
	switch {
	case e.Module != nil:
		return e.Module.String()
	case e.Detail != "":
		return e.Kind + "." + e.Detail
	}
	return e.Kind
}

// Name is the error's short name: the module error's name
// ("SettingWeightsTooFast"), or the kind and detail.
func (e *DispatchError) Name() string {
	if e.Module != nil {
		return e.Module.Name
	}
	if e.Detail != "" {
		return e.Detail
	}
	return e.Kind
}

// DecodeDispatchError reads a decoded DispatchError value (from an event
// such as System.ExtrinsicFailed or Sudo.Sudid), resolving a module error
// through the runtime's metadata.
func DecodeDispatchError(rt *metadata.Runtime, v scale.Value) *DispatchError {
	kind, _, ok := v.Variant()
	if !ok {
		return &DispatchError{Kind: "Unknown"}
	}
	e := &DispatchError{Kind: kind}
	inner := v.Index(0)
	switch kind {
	case "Module":
		idx, _ := inner.Get("index")
		errBytes, _ := inner.Get("error")
		i, _ := idx.Uint64()
		b, _ := errBytes.Bytes()
		var eb [4]byte
		copy(eb[:], b)
		if me, err := rt.ModuleError(uint8(i), eb); err == nil {
			e.Module = me
		} else {
			e.Detail = fmt.Sprintf("pallet %d error %d", i, eb[0])
		}
	default:
		if inner.IsValid() {
			if d, _, ok := inner.Variant(); ok {
				e.Detail = d
			}
		}
	}
	return e
}

// InvalidError is why the node refused an extrinsic before it entered the
// transaction pool (its validity check failed): nothing was charged and the
// nonce was not used.
type InvalidError struct {
	// Kind is the validity error: "Payment" (cannot pay the fee), "Stale"
	// (nonce already used), "Future" (nonce ahead), "BadProof" (signature),
	// "AncientBirthBlock" (era expired), "ExhaustsResources", "Call",
	// "Custom", "BadSigner"; for unknown-validity errors
	// "CannotLookup" or "NoUnsignedValidator"; and for pool refusals
	// "AlreadyImported", "TemporarilyBanned", "PriorityTooLow".
	Kind string
	// Custom is the runtime's own code when Kind is "Custom" (its meaning
	// depends on the runtime and the call).
	Custom uint8
	// Message is the node's own text.
	Message string
}

func (e *InvalidError) Error() string {
	s := "substrate: transaction refused: " + e.Kind
	if e.Kind == "Custom" {
		s += " " + strconv.Itoa(int(e.Custom))
	}
	if e.Message != "" && !strings.EqualFold(e.Message, e.Kind) {
		s += " (" + e.Message + ")"
	}
	return s
}

// validityError reads a decoded TransactionValidityError value.
func validityError(v scale.Value) *InvalidError {
	outer, _, ok := v.Variant() // Invalid or Unknown
	if !ok {
		return &InvalidError{Kind: "Unknown"}
	}
	kind, _, ok := v.Index(0).Variant()
	if !ok {
		return &InvalidError{Kind: outer}
	}
	e := &InvalidError{Kind: kind}
	if kind == "Custom" {
		n, _ := v.Index(0).Index(0).Uint64()
		e.Custom = uint8(n)
	}
	return e
}

// invalidMessages maps Substrate's texts of InvalidTransaction to kinds.
var invalidMessages = []struct{ text, kind string }{
	{"inability to pay some fees", "Payment"},
	{"payment", "Payment"},
	{"transaction is outdated", "Stale"},
	{"stale", "Stale"},
	{"will be valid in the future", "Future"},
	{"future", "Future"},
	{"bad signature", "BadProof"},
	{"badproof", "BadProof"},
	{"ancient birth block", "AncientBirthBlock"},
	{"ancientbirthblock", "AncientBirthBlock"},
	{"exhaust the block limits", "ExhaustsResources"},
	{"exhaustsresources", "ExhaustsResources"},
	{"invalid signing address", "BadSigner"},
	{"call is not expected", "Call"},
}

// submitError turns a node's JSON-RPC refusal of author_submitExtrinsic
// into an *InvalidError when it is one (codes 1010 to 1014), else returns
// err as it is.
func submitError(err error) error {
	var re *rpc.Error
	if !errors.As(err, &re) {
		return err
	}
	text := strings.TrimSpace(re.Message + " " + string(re.Data))
	lower := strings.ToLower(text)
	e := &InvalidError{Message: strings.Trim(string(re.Data), `"`)}
	if e.Message == "" {
		e.Message = re.Message
	}
	switch re.Code {
	case 1010: // Invalid transaction
		e.Kind = "Invalid"
		if i := strings.Index(lower, "custom error: "); i >= 0 {
			n, _ := strconv.Atoi(strings.TrimFunc(lower[i+len("custom error: "):], func(r rune) bool { return r < '0' || r > '9' }))
			e.Kind, e.Custom = "Custom", uint8(n)
			return e
		}
		for _, m := range invalidMessages {
			if strings.Contains(lower, m.text) {
				e.Kind = m.kind
				break
			}
		}
	case 1011:
		e.Kind = "Unknown"
	case 1012:
		e.Kind = "TemporarilyBanned"
	case 1013:
		e.Kind = "AlreadyImported"
	case 1014:
		e.Kind = "PriorityTooLow"
	default:
		return err
	}
	return e
}
