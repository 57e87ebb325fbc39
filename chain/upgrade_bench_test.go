package chain

import (
	"fmt"
	"testing"
)

// BenchmarkUpgradeNeuronRecordV2 measures what the upgrade's block does
// beyond a normal one: rewriting every neuron record in layout 2 (subnets
// of 256 neurons, half of them serving an IPv4 axon) and hashing the
// tree's changed nodes, rolled back after each run. Baseline in the same
// run: the block step of a block without epochs on the same state, also
// hashed.
func BenchmarkUpgradeNeuronRecordV2(b *testing.B) {
	for _, subnets := range []int{12, 32} {
		g := DefaultGenesis()
		for netuid := uint16(1); netuid <= uint16(subnets); netuid++ {
			g.Subnets = append(g.Subnets, benchSubnet(netuid, 256, 64, 256, 360))
		}
		tree := benchTree(b, g, 0) // app version 1: layout 1
		st := NewState(treeKV{tree})
		ip := [16]byte{12: 203, 13: 0, 14: 113, 15: 5}
		for netuid := uint16(1); netuid <= uint16(subnets); netuid++ {
			for uid := uint16(0); uid < 256; uid += 2 {
				n, _ := st.Neuron(netuid, uid)
				n.Axon = axonInfo{Block: 1, Version: 650, IP: ip, Port: 8091, IPType: 4, Protocol: 4}
				st.SetNeuron(netuid, uid, &n)
			}
		}
		if _, _, err := tree.SaveVersion(); err != nil {
			b.Fatal(err)
		}
		const block = 50 // no epoch
		b.Run(fmt.Sprintf("%dx256/migrate+hash", subnets), func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				c := newCache(treeKV{tree})
				if err := migrateNeuronRecordV2(NewState(c)); err != nil {
					b.Fatal(err)
				}
				c.Write()
				tree.WorkingHash()
				b.StopTimer()
				tree.Rollback()
				b.StartTimer()
			}
		})
		b.Run(fmt.Sprintf("%dx256/baseline-block-step+hash", subnets), func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				(&stepper{skipEpochs: true}).step(NewState(treeKV{tree}), block)
				tree.WorkingHash()
				b.StopTimer()
				tree.Rollback()
				b.StartTimer()
			}
		})
	}
}
