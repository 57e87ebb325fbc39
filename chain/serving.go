package chain

import (
	"encoding/binary"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The serving module: a registered hotkey publishes its axon and prometheus
// endpoints (the reference's serving.rs). Endpoints live in the neuron's
// record, so they leave with the neuron.

// serveAxon is SubtensorModule.serve_axon, signed by a hotkey registered on
// the subnet.
func serveAxon(ctx *Context, a *types.ServeAxon) error {
	uid, n, err := servingNeuron(ctx, a.Netuid)
	if err != nil {
		return err
	}
	if err := checkEndpoint(a.IPType, a.IP); err != nil {
		return err
	}
	if err := checkServingRate(ctx, a.Netuid, n.Axon.Block, "axon"); err != nil {
		return err
	}
	if a.Port == 0 {
		return types.Errorf(types.ErrInvalidPort, "port 0")
	}
	n.Axon = axonInfo{Block: ctx.Height, Version: a.Version, IP: a.IP, Port: a.Port, IPType: a.IPType,
		Protocol: a.Protocol, Placeholder1: a.Placeholder1, Placeholder2: a.Placeholder2}
	ctx.State.SetNeuron(a.Netuid, uid, &n)
	ctx.Emit("AxonServed", "netuid", strconv.Itoa(int(a.Netuid)), "hotkey", ctx.Signer.String(),
		"ip", types.FormatIP(a.IP, a.IPType), "port", strconv.Itoa(int(a.Port)))
	return nil
}

// servePrometheus is SubtensorModule.serve_prometheus, signed by a hotkey
// registered on the subnet.
func servePrometheus(ctx *Context, a *types.ServePrometheus) error {
	uid, n, err := servingNeuron(ctx, a.Netuid)
	if err != nil {
		return err
	}
	if err := checkEndpoint(a.IPType, a.IP); err != nil {
		return err
	}
	if err := checkServingRate(ctx, a.Netuid, n.Prometheus.Block, "prometheus endpoint"); err != nil {
		return err
	}
	if a.Port == 0 {
		return types.Errorf(types.ErrInvalidPort, "port 0")
	}
	n.Prometheus = prometheusInfo{Block: ctx.Height, Version: a.Version, IP: a.IP, Port: a.Port, IPType: a.IPType}
	ctx.State.SetNeuron(a.Netuid, uid, &n)
	ctx.Emit("PrometheusServed", "netuid", strconv.Itoa(int(a.Netuid)), "hotkey", ctx.Signer.String(),
		"ip", types.FormatIP(a.IP, a.IPType), "port", strconv.Itoa(int(a.Port)))
	return nil
}

// servingNeuron finds the signer's neuron on netuid. Unlike the reference,
// which accepts a hotkey registered on any subnet and any netuid, the
// subnet must exist and the hotkey be registered on it.
func servingNeuron(ctx *Context, netuid uint16) (uint16, neuron, error) {
	if !ctx.State.SubnetExists(netuid) {
		return 0, neuron{}, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	uid, ok := ctx.State.UID(netuid, ctx.Signer)
	if !ok {
		return 0, neuron{}, types.Errorf(types.ErrNotRegistered, "hotkey %s is not registered on subnet %d", ctx.Signer, netuid)
	}
	n, _ := ctx.State.Neuron(netuid, uid)
	return uid, n, nil
}

// checkEndpoint validates an IP type and address as the reference does: the
// type is 4 or 6; the address is not 0; an IPv4 address is below
// 255.255.255.255 and not 127.0.0.1; an IPv6 address is not all ones and not
// ::1.
func checkEndpoint(ipType uint8, ip [16]byte) error {
	if ipType != 4 && ipType != 6 {
		return types.Errorf(types.ErrInvalidIPType, "IP type %d (want 4 or 6)", ipType)
	}
	hi, lo := binary.BigEndian.Uint64(ip[:8]), binary.BigEndian.Uint64(ip[8:])
	bad := hi == 0 && lo == 0
	if ipType == 4 {
		bad = bad || hi != 0 || lo >= 0xffff_ffff || lo == 0x7f00_0001
	} else {
		bad = bad || (hi == ^uint64(0) && lo == ^uint64(0)) || (hi == 0 && lo == 1)
	}
	if bad {
		return types.Errorf(types.ErrInvalidIPAddress, "%s is not a valid public IPv%d address", types.FormatIP(ip, ipType), ipType)
	}
	return nil
}

// checkServingRate applies the subnet's serving rate limit to an endpoint
// last served at block last (0: never).
func checkServingRate(ctx *Context, netuid uint16, last uint64, what string) error {
	limit := ctx.State.Hyperparams(netuid).ServingRateLimit
	if limit != 0 && last != 0 && ctx.Height-last < limit {
		return types.Errorf(types.ErrServingRateLimitExceeded, "the %s was served at block %d: wait %d more blocks (serving rate limit %d)", what, last, last+limit-ctx.Height, limit)
	}
	return nil
}
