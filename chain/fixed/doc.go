// Package fixed implements the signed fixed-point numbers of the reference
// subtensor runtime bit for bit: I32F32, I64F64, I96F32 and I110F18, with the
// semantics of the Rust crate substrate-fixed v0.5.9 as compiled into a
// release (wasm) runtime.
//
// A value is bits / 2^F, where bits is a two's complement integer (64 bits
// for I32F32, 128 bits for the others) and F is the number of fractional
// bits (32, 64, 32 and 18). The rules, which the consensus depends on:
//
//   - Mul computes floor(a_bits * b_bits / 2^F): the full-width product is
//     shifted arithmetically, so negative products round toward minus
//     infinity.
//   - Div computes trunc(a_bits * 2^F / b_bits), rounding toward zero. Div
//     panics on a zero divisor, like the reference; use CheckedDiv where the
//     divisor may be zero.
//   - Add, Sub, Mul and Div wrap on overflow (the reference runtime is built
//     without overflow checks). Checked and saturating variants exist where
//     the reference uses them.
//   - Conversions to a type with fewer fractional bits drop the extra bits
//     (floor); conversions to integers (ToU16, ToU64) floor and then wrap.
//   - Round rounds to the nearest integer with ties away from zero.
//
// The types are small values, safe to copy and to use concurrently. Nothing
// in this package uses floating point, the clock or randomness: the package
// is part of the chain's consensus code.
package fixed
