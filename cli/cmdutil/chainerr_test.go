package cmdutil

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
)

func TestChainError(t *testing.T) {
	// As the client rebuilds a refusal from the node's answer.
	tooFast := types.NewChainError(types.ErrSettingWeightsTooFast.Code, "subtensor",
		"SettingWeightsTooFast: weights set too soon: wait 37 more blocks (rate limit 100, last update at block 63)")
	for _, tt := range []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"refused", ChainError("weights", tooFast),
			"weights refused by the chain: SettingWeightsTooFast: weights set too soon: wait 37 more blocks (rate limit 100, last update at block 63) (the subnet's weights_set_rate_limit applies",
			types.ErrSettingWeightsTooFast},
		{"wrapped", ChainError("stake", fmt.Errorf("%w: %w", subtensor.ErrTxDropped, types.NewChainError(types.ErrNotEnoughBalanceToStake.Code, "", "NotEnoughBalanceToStake: staking τ5 needs that much"))),
			"stake refused by the chain: NotEnoughBalanceToStake: staking τ5 needs that much (add TAO to the coldkey first", types.ErrNotEnoughBalanceToStake},
		{"in a block", TxError("registration", &subtensor.TxResult{Height: 12, Err: tooFast}, tooFast),
			"registration failed in block 12 (only the fee was charged): SettingWeightsTooFast", types.ErrSettingWeightsTooFast},
		{"no hint", ChainError("transfer", types.NewChainError(types.ErrSelfTransfer.Code, "", "")), "transfer refused by the chain: SelfTransfer", types.ErrSelfTransfer},
		{"dry run", refusedInDryRun("weights", types.NewChainError(types.ErrNoValidatorPermit.Code, "", "NoValidatorPermit: uid 3 has no permit")),
			"weights not sent: NoValidatorPermit: uid 3 has no permit (validator permits go to", types.ErrNoValidatorPermit},
		{"query", QueryError("metagraph", types.NewChainError(types.ErrHeightPruned.Code, "", "HeightUnavailable: block 3 is pruned")),
			"metagraph: HeightUnavailable: block 3 is pruned", types.ErrHeightPruned},
		{"explained once", ChainError("outer", ChainError("inner", tooFast)), "inner refused by the chain", types.ErrSettingWeightsTooFast},
	} {
		if got := tt.err.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %q\nwant prefix %q", tt.name, got, tt.want)
		}
		if !errors.Is(tt.err, tt.is) {
			t.Errorf("%s: does not match %v", tt.name, tt.is)
		}
		var ce *types.ChainError
		if !errors.As(tt.err, &ce) {
			t.Errorf("%s: no *types.ChainError inside", tt.name)
		}
	}
	// Errors that are not the chain's pass through unchanged.
	plain := errors.New("connection refused")
	if ChainError("x", plain) != plain || ChainError("x", nil) != nil {
		t.Error("a non-chain error was changed")
	}
}

// Every hint belongs to a known chain error and reads as a clause.
func TestChainHints(t *testing.T) {
	for code, hint := range chainHints {
		if types.ErrorFromCode(code) == nil {
			t.Errorf("hint for unknown code %d", code)
		}
		if hint == "" || strings.HasSuffix(hint, ".") || hint != strings.TrimSpace(hint) {
			t.Errorf("hint for %d: %q", code, hint)
		}
	}
}

// An error only Bittensor's runtime has (no go-bittensor code) gets its
// hint by name.
func TestRuntimeHint(t *testing.T) {
	ce := &types.ChainError{Module: "SubtensorModule", Name: "CanNotSetRootNetworkWeights", Message: "CanNotSetRootNetworkWeights: Can not set weights for the root network."}
	got := refusedInDryRun("root weights", ce).Error()
	if want := "root weights not sent: CanNotSetRootNetworkWeights: Can not set weights for the root network. (a dynamic-TAO runtime has no root weights"; !strings.HasPrefix(got, want) {
		t.Errorf("%q\nwant prefix %q", got, want)
	}
}
