package subtensor

// Dynamic TAO: stake per subnet, in the subnet's own token (alpha), bought
// and sold through the subnet's pool. Bittensor's Substrate runtimes since
// 2025 work this way; go-bittensor's own chain keeps one global stake in
// TAO. The interfaces here are optional extras of a Chain, as
// database/sql's driver extras are: a caller checks for them with a type
// assertion and falls back (or says the network lacks them) when absent.
//
// The pool is a constant product of its TAO and alpha reserves. The swap
// arithmetic below follows the runtime's own (pallet subtensor,
// staking/stake_utils.rs: swap_tao_for_alpha, swap_alpha_for_tao), in the
// runtime's fixed-point type I96F32 (a signed 128-bit number with 32
// fractional bits, saturating), so that a quote equals what the chain pays.

import (
	"context"
	"math"
	"math/big"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// DynamicStaking is what a dynamic-TAO chain adds to Staking: per-subnet
// stake in alpha, the subnets' pools, and stake moves that name a subnet.
// SubstrateClient implements it; CometBFTClient does not (its stake is
// global TAO).
type DynamicStaking interface {
	// SubnetPools returns every subnet's pool (root included) at a block.
	SubnetPools(ctx context.Context, atBlock uint64) ([]SubnetPool, error)
	// SubnetPool returns one subnet's pool; an error matching
	// types.ErrNetworkDoesNotExist when there is no such subnet.
	SubnetPool(ctx context.Context, netuid uint16, atBlock uint64) (SubnetPool, error)
	// AlphaStakes returns every stake of a coldkey that is not zero, one
	// per hotkey and subnet, in alpha.
	AlphaStakes(ctx context.Context, coldkey types.AccountID, atBlock uint64) ([]AlphaStake, error)
	// HotkeyAlpha returns every coldkey's stake on hotkey in netuid, in
	// alpha.
	HotkeyAlpha(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) (uint64, error)
	// HasCall reports whether the connected runtime has pallet.call (for
	// example SubtensorModule.add_stake_limit).
	HasCall(ctx context.Context, pallet, call string) (bool, error)
	// AddSubnetStake swaps tao of coldkey's free balance into netuid's
	// pool and stakes the alpha bought on hotkey. With a limit it uses the
	// runtime's add_stake_limit, and fails naming that call when the
	// runtime lacks it.
	AddSubnetStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, tao balance.Balance, limit *PriceLimit, wait Wait) (StakeOutcome, *TxResult, error)
	// RemoveSubnetStake sells alpha of coldkey's stake on hotkey in
	// netuid back to TAO (remove_stake, or remove_stake_limit with a
	// limit).
	RemoveSubnetStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, alpha uint64, limit *PriceLimit, wait Wait) (StakeOutcome, *TxResult, error)
	// MoveStake moves alpha of coldkey's stake from one hotkey and subnet
	// to another (move_stake): sold in the first pool, bought in the
	// second.
	MoveStake(ctx context.Context, coldkey Signer, fromHotkey, toHotkey types.AccountID, fromNetuid, toNetuid uint16, alpha uint64, wait Wait) (*TxResult, error)
}

// ChildKeys is what a chain with child hotkeys offers: a hotkey lends
// proportions of its stake weight on a subnet to other hotkeys, which pay
// it a take of their earnings.
type ChildKeys interface {
	// Children returns hotkey's children on netuid.
	Children(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) ([]Child, error)
	// Parents returns the hotkeys whose child hotkey is on netuid.
	Parents(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) ([]Child, error)
	// ChildkeyTake returns hotkey's take as a child on netuid (u16
	// proportion of 65535).
	ChildkeyTake(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) (uint16, error)
	// SetChildren replaces hotkey's children on netuid (none: revoke all),
	// signed by the hotkey's owner coldkey.
	SetChildren(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, children []Child, wait Wait) (*TxResult, error)
	// SetChildkeyTake sets hotkey's take as a child on netuid.
	SetChildkeyTake(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, take uint16, wait Wait) (*TxResult, error)
}

// Child is one child (or parent) hotkey and the proportion of the parent's
// stake weight it gets, out of 2^64-1.
type Child struct {
	Proportion uint64          `json:"proportion"`
	Hotkey     types.AccountID `json:"hotkey"`
}

// MaxProportion is a child's whole proportion (u64::MAX).
const MaxProportion = ^uint64(0)

// Mechanism numbers of a subnet's pool (the runtime's SubnetMechanism).
const (
	// MechanismStable swaps TAO and alpha one for one (the root network).
	MechanismStable = 0
	// MechanismDynamic is the constant-product pool.
	MechanismDynamic = 1
)

// SubnetPool is a dynamic-TAO subnet's pool and emission at a block (the
// runtime's DynamicInfo and SubnetMechanism). Amounts are RAO: TAO in RAO,
// alpha in its smallest unit (10^-9 alpha).
type SubnetPool struct {
	Netuid uint16 `json:"netuid" cbor:"netuid"`
	// Owner is the subnet owner's coldkey.
	Owner types.AccountID `json:"owner" cbor:"owner"`
	// Stable is a pool that swaps one alpha for one TAO (mechanism 0, the
	// root network); otherwise the pool is a constant product.
	Stable bool `json:"stable,omitempty" cbor:"stable,omitempty"`
	// Tempo is the blocks between the subnet's epochs; LastStep the block
	// of its last epoch, BlocksSinceLastStep how long ago that was.
	Tempo               uint16 `json:"tempo" cbor:"tempo"`
	LastStep            uint64 `json:"last_step" cbor:"last_step"`
	BlocksSinceLastStep uint64 `json:"blocks_since_last_step" cbor:"blocks_since_last_step"`
	// Emission is the TAO the subnet receives per block, in RAO.
	Emission uint64 `json:"emission" cbor:"emission"`
	// AlphaIn and TaoIn are the pool's reserves; AlphaOut the alpha held
	// as stake outside the pool.
	AlphaIn  uint64 `json:"alpha_in" cbor:"alpha_in"`
	AlphaOut uint64 `json:"alpha_out" cbor:"alpha_out"`
	TaoIn    uint64 `json:"tao_in" cbor:"tao_in"`
	// TotalLocked and OwnerLocked are the subnet's locked TAO (RAO).
	TotalLocked uint64 `json:"total_locked" cbor:"total_locked"`
	OwnerLocked uint64 `json:"owner_locked" cbor:"owner_locked"`
	// Height is the block read, where the reader says (SubnetPools).
	Height uint64 `json:"block,omitempty" cbor:"block,omitempty"`
}

// Dynamic reports whether the pool is a constant product (else one alpha
// is one TAO).
func (p SubnetPool) Dynamic() bool { return !p.Stable }

// Price is the pool's price of one alpha in TAO (TaoIn/AlphaIn, as the
// runtime computes it; 1 for a stable pool, 0 for an empty one).
func (p SubnetPool) Price() float64 {
	if !p.Dynamic() {
		return 1
	}
	if p.AlphaIn == 0 {
		return 0
	}
	return float64(p.TaoIn) / float64(p.AlphaIn)
}

// PriceRAO is Price in RAO per whole alpha (the unit of the runtime's
// limit prices), rounded down.
func (p SubnetPool) PriceRAO() uint64 {
	if !p.Dynamic() {
		return balance.RAOPerTAO
	}
	return ratioRAO(p.TaoIn, p.AlphaIn)
}

// ratioRAO is tao/alpha·10^9 rounded down (0 when alpha is 0).
func ratioRAO(tao, alpha uint64) uint64 {
	if alpha == 0 {
		return 0
	}
	n := new(big.Int).Mul(new(big.Int).SetUint64(tao), big.NewInt(balance.RAOPerTAO))
	n.Quo(n, new(big.Int).SetUint64(alpha))
	if !n.IsUint64() {
		return ^uint64(0)
	}
	return n.Uint64()
}

// TaoValue is what alpha would be worth at the pool's price, without
// slippage, in RAO (rounded down).
func (p SubnetPool) TaoValue(alpha uint64) uint64 {
	if !p.Dynamic() {
		return alpha
	}
	if p.AlphaIn == 0 {
		return 0
	}
	n := new(big.Int).Mul(new(big.Int).SetUint64(alpha), new(big.Int).SetUint64(p.TaoIn))
	n.Quo(n, new(big.Int).SetUint64(p.AlphaIn))
	if !n.IsUint64() {
		return ^uint64(0)
	}
	return n.Uint64()
}

// SwapTaoForAlpha is the alpha that staking tao buys, as the runtime
// computes it: alpha_in − k/(tao_in + tao) with k = alpha_in·tao_in, in
// I96F32.
func (p SubnetPool) SwapTaoForAlpha(tao uint64) uint64 {
	if !p.Dynamic() {
		return tao
	}
	return constantProductOut(p.AlphaIn, p.TaoIn, tao)
}

// SwapAlphaForTao is the TAO that unstaking alpha pays, as the runtime
// computes it: tao_in − k/(alpha_in + alpha).
func (p SubnetPool) SwapAlphaForTao(alpha uint64) uint64 {
	if !p.Dynamic() {
		return alpha
	}
	return constantProductOut(p.TaoIn, p.AlphaIn, alpha)
}

// i96 are the bounds of I96F32 as raw 128-bit integers.
var (
	i96Max = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))
	i96Min = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127))
)

// fixed is from_num(u64) of I96F32: the integer shifted by 32 bits.
func fixed(v uint64) *big.Int { return new(big.Int).Lsh(new(big.Int).SetUint64(v), 32) }

// saturate clamps a raw I96F32 value to its range.
func saturate(v *big.Int) *big.Int {
	if v.Cmp(i96Max) > 0 {
		return new(big.Int).Set(i96Max)
	}
	if v.Cmp(i96Min) < 0 {
		return new(big.Int).Set(i96Min)
	}
	return v
}

// constantProductOut is out − (out·in)/(in + amount) in I96F32, as the
// runtime's swaps: saturating_mul, checked_div (none, on a zero divisor or
// overflow, reads as 0), saturating_sub, then to_num::<u64> (rounding
// toward zero).
func constantProductOut(outReserve, inReserve, amount uint64) uint64 {
	out, in := fixed(outReserve), fixed(inReserve)
	k := new(big.Int).Mul(out, in)
	k = saturate(k.Rsh(k, 32)) // saturating_mul (both non-negative: the shift is the floor)
	den := saturate(new(big.Int).Add(in, fixed(amount)))
	q := new(big.Int)
	if den.Sign() != 0 {
		q.Quo(new(big.Int).Lsh(k, 32), den) // checked_div rounds toward zero
		if q.Cmp(i96Max) > 0 || q.Cmp(i96Min) < 0 {
			q.SetInt64(0)
		}
	}
	r := saturate(new(big.Int).Sub(out, q))
	if r.Sign() <= 0 {
		return 0
	}
	r.Rsh(r, 32)
	if !r.IsUint64() {
		return ^uint64(0)
	}
	return r.Uint64()
}

// StakeQuote is what a stake or unstake of a given amount would do at a
// pool's reserves now.
type StakeQuote struct {
	Netuid uint16 `json:"netuid"`
	// In is what is paid (TAO to stake, alpha to unstake) and Out what is
	// received (alpha, TAO), RAO.
	In  uint64 `json:"in"`
	Out uint64 `json:"out"`
	// Ideal is what In would receive at the price before, without
	// slippage; Slippage is 1 − Out/Ideal.
	Ideal    uint64  `json:"ideal"`
	Slippage float64 `json:"slippage"`
	// PriceBefore and PriceAfter are the pool's price (RAO per alpha)
	// before and after the swap.
	PriceBefore uint64 `json:"price_before"`
	PriceAfter  uint64 `json:"price_after"`
}

// QuoteStake quotes staking tao into the pool.
func (p SubnetPool) QuoteStake(tao uint64) StakeQuote {
	q := StakeQuote{Netuid: p.Netuid, In: tao, Out: p.SwapTaoForAlpha(tao), PriceBefore: p.PriceRAO()}
	if !p.Dynamic() {
		q.Ideal, q.PriceAfter = tao, q.PriceBefore
		return q
	}
	q.Ideal = mulDivFloor(tao, p.AlphaIn, p.TaoIn) // tao / price
	q.PriceAfter = ratioRAO(p.TaoIn+tao, p.AlphaIn-min(q.Out, p.AlphaIn))
	q.Slippage = slippage(q.Out, tao, p.AlphaIn, p.TaoIn)
	return q
}

// QuoteUnstake quotes unstaking alpha through the pool.
func (p SubnetPool) QuoteUnstake(alpha uint64) StakeQuote {
	q := StakeQuote{Netuid: p.Netuid, In: alpha, Out: p.SwapAlphaForTao(alpha), PriceBefore: p.PriceRAO()}
	if !p.Dynamic() {
		q.Ideal, q.PriceAfter = alpha, q.PriceBefore
		return q
	}
	q.Ideal = p.TaoValue(alpha)
	q.PriceAfter = ratioRAO(p.TaoIn-min(q.Out, p.TaoIn), p.AlphaIn+alpha)
	q.Slippage = slippage(q.Out, alpha, p.TaoIn, p.AlphaIn)
	return q
}

// mulDivFloor is a·b/c rounded down, saturating (0 when c is 0).
func mulDivFloor(a, b, c uint64) uint64 {
	if c == 0 {
		return 0
	}
	n := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
	n.Quo(n, new(big.Int).SetUint64(c))
	if !n.IsUint64() {
		return ^uint64(0)
	}
	return n.Uint64()
}

// slippage is 1 − got/ideal where ideal = paid·outReserve/inReserve, the
// amount paid would get at the price before (0 for an empty pool).
func slippage(got, paid, outReserve, inReserve uint64) float64 {
	if paid == 0 || outReserve == 0 || inReserve == 0 {
		return 0
	}
	ideal := float64(paid) * float64(outReserve) / float64(inReserve)
	if float64(got) >= ideal {
		return 0
	}
	return 1 - float64(got)/ideal
}

// PriceLimit bounds the price a stake move may fill at: for a stake, the
// highest price (RAO per alpha) after the swap; for an unstake, the
// lowest. AllowPartial fills as much as fits the limit instead of failing.
type PriceLimit struct {
	Price        uint64
	AllowPartial bool
}

// LimitFor is the limit price a tolerance allows around the price before
// a swap: above it for a stake, below it for an unstake.
func LimitFor(priceRAO uint64, tolerance float64, stake bool) uint64 {
	f := float64(priceRAO)
	if stake {
		return uint64(math.Round(f * (1 + tolerance)))
	}
	return uint64(math.Round(max(0, f*(1-tolerance))))
}

// AlphaStake is a coldkey's stake on a hotkey on one subnet.
type AlphaStake struct {
	Hotkey  types.AccountID `json:"hotkey"`
	Coldkey types.AccountID `json:"coldkey"`
	Netuid  uint16          `json:"netuid"`
	Alpha   uint64          `json:"alpha"` // in the subnet's alpha (RAO units)
	// Emission is the hotkey's dividends on the subnet in its last epoch
	// (alpha).
	Emission   uint64 `json:"emission"`
	Registered bool   `json:"registered"` // the hotkey has a uid on the subnet
}

// StakeOutcome is what a stake move did, from its event: TAO and alpha
// that changed hands (zero when the call did not wait for its block).
type StakeOutcome struct {
	Tao   uint64 `json:"tao"`
	Alpha uint64 `json:"alpha"`
}
