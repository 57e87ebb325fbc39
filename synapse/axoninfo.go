package synapse

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
)

// Values of AxonInfo fields that Bittensor fixes.
const (
	// ProtocolHTTP is the protocol number Bittensor axons announce.
	ProtocolHTTP = 4
	// IPv4 and IPv6 are the ip_type values.
	IPv4 = 4
	IPv6 = 6
)

// AxonInfo describes an axon the way the chain stores it (the serve_axon
// call and the axon_info of a neuron): where to reach it and whose it is.
// A dendrite needs IP, Port, IPType and Hotkey to query it; a metagraph
// fills it from chain data with IPFromInt. Its JSON has Bittensor's
// to_string() key order.
type AxonInfo struct {
	Version      int    `json:"version"` // see VersionAsInt
	IP           string `json:"ip"`      // dotted IPv4 or IPv6 text; "0.0.0.0" means not serving
	Port         int    `json:"port"`
	IPType       int    `json:"ip_type"` // IPv4 or IPv6
	Hotkey       string `json:"hotkey"`  // SS58
	Coldkey      string `json:"coldkey"` // SS58
	Protocol     int    `json:"protocol"`
	Placeholder1 int    `json:"placeholder1"`
	Placeholder2 int    `json:"placeholder2"`
}

// IPInt returns the IP as the integer the chain stores (a u128): the
// address bytes read big-endian, as Python's int(ipaddress.ip_address(ip)).
func (a AxonInfo) IPInt() (*big.Int, error) {
	addr, err := netip.ParseAddr(a.IP)
	if err != nil {
		return nil, fmt.Errorf("synapse: axon ip %q: %w", a.IP, err)
	}
	if addr.Is4In6() {
		addr = addr.Unmap()
	}
	return new(big.Int).SetBytes(addr.AsSlice()), nil
}

// IPFromInt turns the chain's integer form of an IP back into text: ipType
// 4 reads the low 32 bits as IPv4, 6 reads 128 bits as IPv6.
func IPFromInt(n *big.Int, ipType int) (string, error) {
	if n.Sign() < 0 {
		return "", fmt.Errorf("synapse: negative ip integer %s", n)
	}
	switch ipType {
	case IPv4:
		if n.BitLen() > 32 {
			return "", fmt.Errorf("synapse: ip integer %s does not fit IPv4", n)
		}
		var b [4]byte
		n.FillBytes(b[:])
		return netip.AddrFrom4(b).String(), nil
	case IPv6:
		if n.BitLen() > 128 {
			return "", fmt.Errorf("synapse: ip integer %s does not fit IPv6", n)
		}
		var b [16]byte
		n.FillBytes(b[:])
		return netip.AddrFrom16(b).String(), nil
	default:
		return "", fmt.Errorf("synapse: unknown ip type %d", ipType)
	}
}

// IsServing reports whether the axon has announced an address.
func (a AxonInfo) IsServing() bool { return a.IP != "" && a.IP != "0.0.0.0" }

// String returns the JSON of a, as Bittensor's axon.to_string() writes it.
func (a AxonInfo) String() string {
	b := []byte(`{"version": `)
	b = strconv.AppendInt(b, int64(a.Version), 10)
	b = append(b, `, "ip": `...)
	b = appendJSONString(b, a.IP)
	b = append(b, `, "port": `...)
	b = strconv.AppendInt(b, int64(a.Port), 10)
	b = append(b, `, "ip_type": `...)
	b = strconv.AppendInt(b, int64(a.IPType), 10)
	b = append(b, `, "hotkey": `...)
	b = appendJSONString(b, a.Hotkey)
	b = append(b, `, "coldkey": `...)
	b = appendJSONString(b, a.Coldkey)
	b = append(b, `, "protocol": `...)
	b = strconv.AppendInt(b, int64(a.Protocol), 10)
	b = append(b, `, "placeholder1": `...)
	b = strconv.AppendInt(b, int64(a.Placeholder1), 10)
	b = append(b, `, "placeholder2": `...)
	b = strconv.AppendInt(b, int64(a.Placeholder2), 10)
	return string(append(b, '}'))
}
