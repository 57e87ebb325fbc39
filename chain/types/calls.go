package types

import (
	"fmt"
	"maps"
	"slices"
)

// CallArgs is the argument struct of one chain call. Its CallName is the
// call's name on the wire, in Bittensor's Pallet.call form
// (e.g. "Balances.transfer").
type CallArgs interface {
	CallName() string
}

// callTypes maps every call name to a constructor of its argument struct.
// It is written only here and read-only afterwards.
var callTypes = buildCallTypes()

func buildCallTypes() map[string]func() CallArgs {
	m := map[string]func() CallArgs{
		CallTransfer:          func() CallArgs { return new(Transfer) },
		CallTransferKeepAlive: func() CallArgs { return new(TransferKeepAlive) },
		CallFaucet:            func() CallArgs { return new(Faucet) },

		CallRegisterNetwork: func() CallArgs { return new(RegisterNetwork) },
		CallDissolveNetwork: func() CallArgs { return new(DissolveNetwork) },
		CallBurnedRegister:  func() CallArgs { return new(BurnedRegister) },
		CallRegister:        func() CallArgs { return new(Register) },
		CallSwapHotkey:      func() CallArgs { return new(SwapHotkey) },
		CallAddStake:        func() CallArgs { return new(AddStake) },
		CallRemoveStake:     func() CallArgs { return new(RemoveStake) },
		CallBecomeDelegate:  func() CallArgs { return new(BecomeDelegate) },
		CallSetWeights:      func() CallArgs { return new(SetWeights) },
		CallServeAxon:       func() CallArgs { return new(ServeAxon) },
		CallServePrometheus: func() CallArgs { return new(ServePrometheus) },
	}
	for _, s := range paramSetters {
		call := s.Call
		m[call] = func() CallArgs { return &SudoSet{call: call} }
	}
	governanceCallTypes(m)
	registryCallTypes(m)
	upgradeCallTypes(m)
	return m
}

// CallNames returns the names of every call the chain knows, sorted.
func CallNames() []string { return slices.Sorted(maps.Keys(callTypes)) }

// EncodeCall encodes args as a Call.
func EncodeCall(args CallArgs) (Call, error) {
	if _, ok := callTypes[args.CallName()]; !ok {
		return Call{}, fmt.Errorf("types: unknown call %q", args.CallName())
	}
	b, err := Marshal(args)
	if err != nil {
		return Call{}, fmt.Errorf("types: encode %s: %w", args.CallName(), err)
	}
	return Call{Name: args.CallName(), Args: b}, nil
}

// DecodeArgs decodes the call's arguments into their typed struct, wrapping
// ErrUnknownCall or ErrBadCallArgs.
func (c Call) DecodeArgs() (CallArgs, error) {
	mk, ok := callTypes[c.Name]
	if !ok {
		return nil, Errorf(ErrUnknownCall, "%q", c.Name)
	}
	args := mk()
	if err := Unmarshal(c.Args, args); err != nil {
		return nil, Errorf(ErrBadCallArgs, "%s: %v", c.Name, err)
	}
	return args, nil
}

// Call names of the balances module.
const (
	CallTransfer          = "Balances.transfer"
	CallTransferKeepAlive = "Balances.transfer_keep_alive"
	CallFaucet            = "SubtensorModule.faucet"
)

// Transfer moves Value RAO from the signer to Dest. The sender may end below
// the existential deposit, in which case its remaining dust is burned; the
// destination must end at or above it.
type Transfer struct {
	Dest  AccountID `cbor:"1,keyasint"`
	Value uint64    `cbor:"2,keyasint"`
}

// CallName implements CallArgs.
func (*Transfer) CallName() string { return CallTransfer }

// TransferKeepAlive is Transfer that fails rather than take the sender below
// the existential deposit.
type TransferKeepAlive struct {
	Dest  AccountID `cbor:"1,keyasint"`
	Value uint64    `cbor:"2,keyasint"`
}

// CallName implements CallArgs.
func (*TransferKeepAlive) CallName() string { return CallTransferKeepAlive }

// Faucet mints the chain's faucet amount to the signer in exchange for a
// proof of work over the signer's key (see Seal), on chains whose genesis
// enables it, as Bittensor's test networks did.
type Faucet struct {
	BlockNumber uint64   `cbor:"1,keyasint"`
	Nonce       uint64   `cbor:"2,keyasint"`
	Work        [32]byte `cbor:"3,keyasint"`
}

// CallName implements CallArgs.
func (*Faucet) CallName() string { return CallFaucet }
