package chain

import (
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

func TestServeAxonAndPrometheus(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	bob, hot := key(t, "//Bob"), key(t, "//Bob/hot")
	c.run()
	netuid := c.createSubnet(bob)
	c.burnRegister(bob, netuid, types.AccountID(hot.PublicKey()))
	c.must(hot, &types.ServeAxon{Netuid: netuid, Version: 650, IP: ip4(t, "203.0.113.5"), Port: 8091, IPType: 4, Protocol: 4, Placeholder1: 1, Placeholder2: 2})
	axonBlock := uint64(c.height)
	v6, _, _ := types.ParseIP("2001:db8::7")
	c.must(hot, &types.ServePrometheus{Netuid: netuid, Version: 1, IP: v6, Port: 7091, IPType: 6})
	var n types.NeuronInfo
	c.query(types.QueryNeuron+"/1/0", 0, &n)
	wantAxon := types.AxonInfo{Block: axonBlock, Version: 650, IP: "203.0.113.5", Port: 8091, IPType: 4, Protocol: 4, Placeholder1: 1, Placeholder2: 2}
	mustEqual(t, "axon", n.Axon, wantAxon)
	mustEqual(t, "prometheus", n.Prometheus, types.PrometheusInfo{Block: axonBlock + 1, Version: 1, IP: "2001:db8::7", Port: 7091, IPType: 6})
}

func TestServeFailures(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	bob, hot := key(t, "//Bob"), key(t, "//Bob/hot")
	c.run()
	netuid := c.createSubnet(bob)
	other := c.createSubnet(bob)
	c.burnRegister(bob, netuid, types.AccountID(hot.PublicKey()))
	good := ip4(t, "203.0.113.5")
	axon := func(netuid uint16, ip [16]byte, ipType uint8, port uint16) *types.ServeAxon {
		return &types.ServeAxon{Netuid: netuid, IP: ip, IPType: ipType, Port: port}
	}
	c.failsCleanly(hot, axon(9, good, 4, 1), types.ErrNetworkDoesNotExist)
	c.failsCleanly(hot, axon(other, good, 4, 1), types.ErrNotRegistered)
	c.failsCleanly(key(t, "//Bob/none"), axon(netuid, good, 4, 1), types.ErrNotRegistered)
	c.failsCleanly(hot, axon(netuid, good, 5, 1), types.ErrInvalidIPType)
	allOnes := [16]byte{}
	for i := range allOnes {
		allOnes[i] = 0xff
	}
	v6one, _, _ := types.ParseIP("::1")
	for name, bad := range map[string]struct {
		ip [16]byte
		t  uint8
	}{
		"zero": {[16]byte{}, 4}, "255.255.255.255": {ip4(t, "255.255.255.255"), 4}, "127.0.0.1": {ip4(t, "127.0.0.1"), 4},
		"v4 above 32 bits": {allOnes, 4}, "v6 all ones": {allOnes, 6}, "::1": {v6one, 6}, "v6 zero": {[16]byte{}, 6},
	} {
		err := c.failsCleanly(hot, axon(netuid, bad.ip, bad.t, 1), types.ErrInvalidIPAddress)
		if err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	c.failsCleanly(hot, axon(netuid, good, 4, 0), types.ErrInvalidPort)
	c.failsCleanly(hot, &types.ServePrometheus{Netuid: netuid, IP: good, IPType: 4}, types.ErrInvalidPort)

	c.setHyper(types.CallSudoSetServingRateLimit, netuid, 5)
	c.must(hot, axon(netuid, good, 4, 1))
	err := c.failsCleanly(hot, axon(netuid, good, 4, 2), types.ErrServingRateLimitExceeded)
	mustContain(t, err, "wait 4 more blocks (serving rate limit 5)")
	// Prometheus has its own last block.
	c.must(hot, &types.ServePrometheus{Netuid: netuid, IP: good, IPType: 4, Port: 3})
	c.failsCleanly(hot, &types.ServePrometheus{Netuid: netuid, IP: good, IPType: 4, Port: 4}, types.ErrServingRateLimitExceeded)
}
