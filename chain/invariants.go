//go:build invariants

package chain

import (
	"fmt"

	"github.com/go-bittensor/bittensor/chain/types"
)

// invariantsEnabled reports whether costly state checks run after every
// block (build tag invariants; CI turns it on).
const invariantsEnabled = true

// checkInvariants verifies that the total issuance equals every RAO held:
// free balances (and, as modules add them, stake and locks).
func checkInvariants(st *State) {
	var sum uint64
	st.IterateAccounts(func(_ types.AccountID, acc Account) bool {
		sum += acc.Free
		return true
	})
	sum += heldOutsideBalances(st)
	if ti := st.TotalIssuance(); sum != ti {
		panic(fmt.Sprintf("chain: invariant: total issuance %d != %d held", ti, sum))
	}
}
