package economics

import "github.com/go-bittensor/bittensor/chain/fixed"

// OwnerCut splits a subnet's emission for one block (EmissionValues, in RAO)
// between the subnet owner and the subnet's pending emission, as
// generate_emission does: cut = e·SubnetOwnerCut/65535 and rest = e - cut,
// both in I96F32 with saturating operations, each floored. The owner's
// coldkey receives owner; pending grows by pending. Up to 1 RAO per block is
// lost to rounding: owner+pending can be e-1 (for e = 1e9 and cut 11796,
// 179_995_422 + 820_004_577).
func OwnerCut(emission uint64, cut uint16) (owner, pending uint64) {
	e := fixed.I96F32FromUint64(emission)
	c := e.SaturatingMul(fixed.I96F32FromUint64(uint64(cut))).SaturatingDiv(fixed.I96F32FromUint64(65535))
	return c.ToU64(), e.SaturatingSub(c).ToU64()
}
