package chain

// heldOutsideBalances is every RAO in existence that is not a free balance:
// all stake, every subnet's lock and every identity's deposit. The supply
// invariant adds it to the balances.
func heldOutsideBalances(st *State) uint64 {
	held := st.TotalStake() + st.IdentityDeposits()
	for _, netuid := range st.Netuids() {
		sn, _ := st.Subnet(netuid)
		held += sn.Lock
	}
	return held
}
