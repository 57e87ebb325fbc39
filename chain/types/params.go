package types

import (
	"fmt"
	"strings"
)

// Params are the chain-wide economic parameters set in genesis (and later
// changeable by sudo). Amounts are RAO.
type Params struct {
	// ExistentialDeposit is the smallest free balance an account may hold;
	// below it the account is reaped and its dust burned. Bittensor: 500.
	ExistentialDeposit uint64 `json:"existential_deposit"`
	// TxFeeBase and TxFeePerByte make the fee of a fee-paying call:
	// base + per_byte × encoded size. Fees are burned.
	TxFeeBase    uint64 `json:"tx_fee_base"`
	TxFeePerByte uint64 `json:"tx_fee_per_byte"`
	// Faucet configures the proof-of-work faucet; Amount 0 disables it.
	Faucet FaucetParams `json:"faucet"`
	// Subtensor are the chain-wide parameters of subnets, registration and
	// staking, and the hyperparameters new subnets start with.
	Subtensor SubtensorParams `json:"subtensor"`
	// Governance are the limits of the triumvirate, the senate and their
	// proposals.
	Governance GovernanceParams `json:"governance"`
	// Registry are the identity registry's deposits and limits. State of
	// an app version before the registry (the upgrade identity-registry)
	// has none, and omitempty leaves them out of its stored parameters,
	// which are then the same bytes the releases of that version store.
	Registry RegistryParams `json:"registry,omitempty"`
}

// FaucetParams configure SubtensorModule.faucet.
type FaucetParams struct {
	Enabled    bool   `json:"enabled"`
	Difficulty uint64 `json:"difficulty"` // Bittensor: 1,000,000
	Amount     uint64 `json:"amount"`     // RAO minted per solution; Bittensor: 100 TAO
}

// DefaultParams are the reference values: Bittensor's existential deposit,
// a small burned fee on transfers, no faucet, and the reference runtime's
// subtensor parameters.
func DefaultParams() Params {
	return Params{
		ExistentialDeposit: 500,
		TxFeeBase:          100_000,
		TxFeePerByte:       1,
		Faucet:             FaucetParams{Enabled: false, Difficulty: 1_000_000, Amount: 100_000_000_000},
		Subtensor:          DefaultSubtensorParams(),
		Governance:         DefaultGovernanceParams(),
		Registry:           DefaultRegistryParams(),
	}
}

// Validate rejects parameters the chain cannot run with.
func (p Params) Validate() error {
	if p.Faucet.Enabled && p.Faucet.Difficulty == 0 {
		return fmt.Errorf("types: params: faucet difficulty must be at least 1")
	}
	if err := p.Subtensor.validate(p.ExistentialDeposit); err != nil {
		return fmt.Errorf("types: params: subtensor: %w", err)
	}
	if err := p.Governance.validate(); err != nil {
		return fmt.Errorf("types: params: %w", err)
	}
	return nil
}

// PaysFee reports whether a call pays the transaction fee. As in Bittensor,
// where almost every subtensor call is free (Pays::No), balance transfers
// and the AdminUtils setters (which a subnet owner could otherwise repeat
// without limit) pay; free calls are protected from spam by their own rules
// (registration, rate limits, proof of work), checked before they enter the
// mempool. Of governance, a senator's vote pays (every vote: a senator could
// otherwise switch sides without limit; Bittensor refunds the first), and so
// do the Root-only calls (membership changes, disapprove_proposal), like the
// setters; propose (triumvirate only, at most MaxProposals open) and close
// (refused unless it ends a proposal) are free. The Root-only upgrade calls
// pay, like the setters, and the identity registry's calls, as Bittensor's
// Registry calls do.
func PaysFee(call string) bool {
	switch call {
	case CallVote, CallDisapproveProposal:
		return true
	}
	for _, pallet := range []string{"Balances.", "AdminUtils.", "Registry.", string(Triumvirate) + ".", string(Senate) + ".", "Upgrade."} {
		if strings.HasPrefix(call, pallet) {
			return true
		}
	}
	return false
}

// Fee returns the fee of a transaction of the given call and encoded size.
func (p Params) Fee(call string, size int) uint64 {
	if !PaysFee(call) {
		return 0
	}
	return p.TxFeeBase + p.TxFeePerByte*uint64(size)
}

// SetFee sets tx.Fee to the fee of its call at its signed size under p. The
// fee's own encoding counts toward the size, so it iterates to a fixed point
// (at most a few steps, as each step can only grow the size by a byte or
// two).
func (p Params) SetFee(tx *Tx) error {
	sig := tx.Signature
	if len(sig) == 0 {
		tx.Signature = make([]byte, 64)
	}
	defer func() { tx.Signature = sig }()
	for i := 0; i < 8; i++ {
		b, err := tx.Encode()
		if err != nil {
			return err
		}
		fee := p.Fee(tx.Call.Name, len(b))
		if fee == tx.Fee {
			return nil
		}
		tx.Fee = fee
	}
	return fmt.Errorf("types: fee of %s does not settle", tx.Call.Name)
}
