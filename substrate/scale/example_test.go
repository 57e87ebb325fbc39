package scale_test

import (
	"fmt"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// Describing a struct the metadata lacks, then reading it dynamically and
// through a Go view that ignores a field.
func Example() {
	reg, err := scale.NewBuilder().Build()
	if err != nil {
		panic(err)
	}
	reg, err = reg.Extend(`
		struct AccountId32([u8; 32]);
		struct StakeInfo { hotkey: AccountId32, netuid: Compact<u16>, stake: Compact<u64>, locked: bool }
		type Stakes = Vec<StakeInfo>;
	`)
	if err != nil {
		panic(err)
	}
	id, _ := reg.Resolve("Stakes")

	var hotkey [32]byte
	hotkey[0] = 0xd4
	data, err := reg.Encode(id, []struct {
		Hotkey [32]byte
		NetUID uint16 `scale:"netuid"`
		Stake  uint64
		Locked bool
	}{{hotkey, 1, 1_000_000_000, false}})
	if err != nil {
		panic(err)
	}

	v, _ := reg.DecodeValue(id, data)
	stake, _ := v.Get("0.stake")
	fmt.Println("stake:", stake)

	var view []struct {
		NetUID uint16 `scale:"netuid"`
		Stake  uint64
	}
	if err := reg.Decode(id, data, &view); err != nil {
		panic(err)
	}
	fmt.Printf("view: %+v\n", view)
	// Output:
	// stake: 1000000000
	// view: [{NetUID:1 Stake:1000000000}]
}
