package metagraph

import (
	"fmt"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

// BenchmarkBuild measures the metagraph's own part of a sync, building
// every array from neurons already decoded (no node, no RPC): n neurons,
// the first 64 with weights and bonds rows over every uid, as
// BenchmarkSync's subnet.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{256, 4096} {
		full := make(types.Row, n)
		for j := range full {
			full[j] = [2]uint16{uint16(j), uint16(1 + j*7%65535)}
		}
		ns := make([]types.NeuronInfo, n)
		for i := range ns {
			ns[i] = types.NeuronInfo{Hotkey: account("bench-hot", i%256), Coldkey: account("bench-cold", i%256), UID: uint16(i), Netuid: 1,
				TotalStake: uint64(1+i) * 1e9, Axon: types.AxonInfo{IP: "0.0.0.0"}, Weights: types.Row{}, Bonds: types.Row{}}
			ns[i].Hotkey[30] = byte(i >> 8)
			if i < 64 {
				ns[i].ValidatorPermit, ns[i].Weights, ns[i].Bonds = true, full, full
			}
		}
		for _, lite := range []bool{false, true} {
			kind := map[bool]string{false: "full", true: "lite"}[lite]
			b.Run(fmt.Sprintf("%s/n=%d", kind, n), func(b *testing.B) {
				for b.Loop() {
					m := &Metagraph{Netuid: 1, Lite: lite}
					if err := m.fill(1, ns, nil, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
