package subtensor

import (
	"context"

	"github.com/go-bittensor/bittensor/chain/types"
)

// AxonEndpoint is what a neuron publishes about its axon.
type AxonEndpoint struct {
	// IP is the public IPv4 or IPv6 address in text form ("203.0.113.7");
	// loopback and unspecified addresses are refused by the chain.
	IP   string
	Port uint16
	// Protocol is Bittensor's protocol number (4 for HTTP axons).
	Protocol uint8
	// Version is the software version as an integer (100·major + 10·minor
	// + patch in Bittensor).
	Version uint32
}

// ServeAxon publishes hotkey's axon endpoint on a subnet it is registered
// on. The chain rate-limits it by the subnet's serving_rate_limit.
func (c *CometBFTClient) ServeAxon(ctx context.Context, hotkey Signer, netuid uint16, e AxonEndpoint, wait Wait) (*TxResult, error) {
	ip, ipType, err := types.ParseIP(e.IP)
	if err != nil {
		return nil, err
	}
	return c.call(ctx, hotkey, &types.ServeAxon{Netuid: netuid, Version: e.Version, IP: ip, Port: e.Port, IPType: ipType, Protocol: e.Protocol}, wait)
}

// ServePrometheus publishes hotkey's Prometheus metrics endpoint on a
// subnet it is registered on.
func (c *CometBFTClient) ServePrometheus(ctx context.Context, hotkey Signer, netuid uint16, ipText string, port uint16, version uint32, wait Wait) (*TxResult, error) {
	ip, ipType, err := types.ParseIP(ipText)
	if err != nil {
		return nil, err
	}
	return c.call(ctx, hotkey, &types.ServePrometheus{Netuid: netuid, Version: version, IP: ip, Port: port, IPType: ipType}, wait)
}
