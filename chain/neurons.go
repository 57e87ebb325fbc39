package chain

import (
	"encoding/binary"
	"fmt"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Neurons: one record per (netuid, uid) holding everything about the neuron
// but its stake, weights and bonds: its keys, registration block, the
// per-neuron values the epoch writes (the reference's per-subnet vectors
// Rank, Trust, … LastUpdate, ValidatorPermit) and its axon and prometheus
// endpoints. Reading a whole subnet is one range scan; set_weights and the
// serve calls rewrite one small record; the epoch rewrites every record of
// its subnet once per tempo.
//
// The record is a binary layout rather than CBOR (the metagraph reads
// thousands at a time), its version byte first. Two layouts exist; the
// state's app version picks the one written (neuronRecordVersion), and
// decodeNeuron reads both, so a node answers queries at heights before an
// upgrade:
//
//   - version 1 (app version 1): fixed, neuronRecordV1Size bytes; each
//     endpoint's IP takes 16 bytes.
//   - version 2 (app version 2 on): each endpoint's IP takes only the bytes
//     it needs after a length byte: 0 for a neuron that never served, 4 for
//     an IPv4 address, 16 for IPv6; a served IPv4 axon makes a record of
//     143 bytes rather than 169. The upgrade neuron-record-v2 rewrites every
//     record (migrations.go).

// neuron is one neuron's record.
type neuron struct {
	Hotkey  types.AccountID
	Coldkey types.AccountID // the hotkey's owner (which never changes)

	RegisteredAt uint64 // BlockAtRegistration
	LastUpdate   uint64 // block of the last weights, the registration block until then

	Active          bool
	ValidatorPermit bool
	Rank            uint16
	Trust           uint16
	Consensus       uint16
	Incentive       uint16
	Dividends       uint16
	ValidatorTrust  uint16
	PruningScore    uint16
	Emission        uint64 // RAO in the last epoch

	Axon       axonInfo
	Prometheus prometheusInfo
}

// axonInfo is a served axon endpoint (Block 0: never served).
type axonInfo struct {
	Block        uint64
	Version      uint32
	IP           [16]byte
	Port         uint16
	IPType       uint8
	Protocol     uint8
	Placeholder1 uint8
	Placeholder2 uint8
}

// prometheusInfo is a served prometheus endpoint (Block 0: never served).
type prometheusInfo struct {
	Block   uint64
	Version uint32
	IP      [16]byte
	Port    uint16
	IPType  uint8
}

// Neuron record layouts.
const (
	neuronRecordV1     = 1
	neuronRecordV2     = 2
	neuronRecordV1Size = neuronFixedSize + axonSize + prometheusSize
	neuronFixedSize    = 1 + 32 + 32 + 8 + 8 + 1 + 7*2 + 8 // version … emission
	axonSize           = 8 + 4 + 16 + 2 + 4                // version 1
	prometheusSize     = 8 + 4 + 16 + 2 + 1                // version 1
)

// neuronRecordVersion is the neuron record layout of state at appVersion.
func neuronRecordVersion(appVersion uint64) byte {
	if appVersion >= 2 {
		return neuronRecordV2
	}
	return neuronRecordV1
}

// newNeuron is the record of a hotkey registered at block: active, its
// LastUpdate at the registration block, everything else zero.
func newNeuron(hotkey, coldkey types.AccountID, block uint64) neuron {
	return neuron{Hotkey: hotkey, Coldkey: coldkey, RegisteredAt: block, LastUpdate: block, Active: true}
}

// encode writes the record in the given layout (neuronRecordV1 or V2).
func (n *neuron) encode(layout byte) []byte {
	b := make([]byte, 0, neuronRecordV1Size)
	b = append(b, layout)
	b = append(b, n.Hotkey[:]...)
	b = append(b, n.Coldkey[:]...)
	b = binary.BigEndian.AppendUint64(b, n.RegisteredAt)
	b = binary.BigEndian.AppendUint64(b, n.LastUpdate)
	var flags byte
	if n.Active {
		flags |= 1
	}
	if n.ValidatorPermit {
		flags |= 2
	}
	b = append(b, flags)
	for _, v := range [...]uint16{n.Rank, n.Trust, n.Consensus, n.Incentive, n.Dividends, n.ValidatorTrust, n.PruningScore} {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	b = binary.BigEndian.AppendUint64(b, n.Emission)
	a, p := &n.Axon, &n.Prometheus
	if layout == neuronRecordV1 {
		b = binary.BigEndian.AppendUint64(b, a.Block)
		b = binary.BigEndian.AppendUint32(b, a.Version)
		b = append(b, a.IP[:]...)
		b = binary.BigEndian.AppendUint16(b, a.Port)
		b = append(b, a.IPType, a.Protocol, a.Placeholder1, a.Placeholder2)
		b = binary.BigEndian.AppendUint64(b, p.Block)
		b = binary.BigEndian.AppendUint32(b, p.Version)
		b = append(b, p.IP[:]...)
		b = binary.BigEndian.AppendUint16(b, p.Port)
		return append(b, p.IPType)
	}
	b = binary.BigEndian.AppendUint64(b, a.Block)
	b = binary.BigEndian.AppendUint32(b, a.Version)
	b = binary.BigEndian.AppendUint16(b, a.Port)
	b = append(b, a.IPType, a.Protocol, a.Placeholder1, a.Placeholder2)
	b = appendIP(b, a.IP)
	b = binary.BigEndian.AppendUint64(b, p.Block)
	b = binary.BigEndian.AppendUint32(b, p.Version)
	b = binary.BigEndian.AppendUint16(b, p.Port)
	b = append(b, p.IPType)
	return appendIP(b, p.IP)
}

// appendIP writes a 16-byte IP as a length byte and its last 0, 4 or 16
// bytes: the fewest that hold every non-zero byte.
func appendIP(b []byte, ip [16]byte) []byte {
	n := ipLen(ip)
	b = append(b, byte(n))
	return append(b, ip[16-n:]...)
}

func ipLen(ip [16]byte) int {
	switch {
	case ip == [16]byte{}:
		return 0
	case [12]byte(ip[:12]) == [12]byte{}:
		return 4
	}
	return 16
}

// decodeNeuron reads a record of either layout. A record of another
// version, or one whose length does not match its layout, is an
// ErrStateUnreadable error.
func decodeNeuron(b []byte) (neuron, error) {
	var n neuron
	if len(b) == 0 {
		return n, types.Errorf(types.ErrStateUnreadable, "neuron record is empty")
	}
	switch b[0] {
	case neuronRecordV1:
		if len(b) != neuronRecordV1Size {
			return n, types.Errorf(types.ErrStateUnreadable, "neuron record version 1 has %d bytes, want %d", len(b), neuronRecordV1Size)
		}
	case neuronRecordV2:
	default:
		return n, types.Errorf(types.ErrStateUnreadable, "neuron record version %d: this binary reads versions %d and %d", b[0], neuronRecordV1, neuronRecordV2)
	}
	r := reader{b: b[1:]}
	copy(n.Hotkey[:], r.next(32))
	copy(n.Coldkey[:], r.next(32))
	n.RegisteredAt = r.u64()
	n.LastUpdate = r.u64()
	flags := r.byte()
	n.Active, n.ValidatorPermit = flags&1 != 0, flags&2 != 0
	for _, p := range [...]*uint16{&n.Rank, &n.Trust, &n.Consensus, &n.Incentive, &n.Dividends, &n.ValidatorTrust, &n.PruningScore} {
		*p = r.u16()
	}
	n.Emission = r.u64()
	a, p := &n.Axon, &n.Prometheus
	if b[0] == neuronRecordV1 {
		a.Block, a.Version = r.u64(), r.u32()
		copy(a.IP[:], r.next(16))
		a.Port = r.u16()
		a.IPType, a.Protocol, a.Placeholder1, a.Placeholder2 = r.byte(), r.byte(), r.byte(), r.byte()
		p.Block, p.Version = r.u64(), r.u32()
		copy(p.IP[:], r.next(16))
		p.Port = r.u16()
		p.IPType = r.byte()
		return n, nil // the length was checked above
	}
	a.Block, a.Version, a.Port = r.u64(), r.u32(), r.u16()
	a.IPType, a.Protocol, a.Placeholder1, a.Placeholder2 = r.byte(), r.byte(), r.byte(), r.byte()
	a.IP = r.ip()
	p.Block, p.Version, p.Port = r.u64(), r.u32(), r.u16()
	p.IPType = r.byte()
	p.IP = r.ip()
	if r.err != nil || len(r.b) != 0 {
		return neuron{}, types.Errorf(types.ErrStateUnreadable, "neuron record version 2 of %d bytes is malformed (%v, %d bytes left over)", len(b), r.err, len(r.b))
	}
	return n, nil
}

// reader reads big-endian fields from a byte slice. Reading past the end
// yields zeros and sets err.
type reader struct {
	b   []byte
	err error
}

func (r *reader) next(n int) []byte {
	if len(r.b) < n {
		if r.err == nil {
			r.err = fmt.Errorf("record ends %d bytes short", n-len(r.b))
		}
		r.b = nil
		return make([]byte, n)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
func (r *reader) byte() byte  { return r.next(1)[0] }
func (r *reader) u16() uint16 { return binary.BigEndian.Uint16(r.next(2)) }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.next(4)) }
func (r *reader) u64() uint64 { return binary.BigEndian.Uint64(r.next(8)) }

// ip reads what appendIP wrote, refusing a length other than 0, 4 or 16 and
// a length longer than the address needs (so every address has one
// encoding).
func (r *reader) ip() [16]byte {
	var ip [16]byte
	n := int(r.byte())
	if n != 0 && n != 4 && n != 16 {
		if r.err == nil {
			r.err = fmt.Errorf("IP length %d (want 0, 4 or 16)", n)
		}
		return ip
	}
	copy(ip[16-n:], r.next(n))
	if r.err == nil && ipLen(ip) != n {
		r.err = fmt.Errorf("IP of %d bytes stored in %d", ipLen(ip), n)
	}
	return ip
}

// Neuron returns the neuron at uid of netuid.
func (s *State) Neuron(netuid, uid uint16) (neuron, bool) {
	v := s.kv.Get(uidKey(prefixNeuron, netuid, uid))
	if v == nil {
		return neuron{}, false
	}
	n, err := decodeNeuron(v)
	mustRead(err)
	return n, true
}

// SetNeuron stores the neuron at uid of netuid.
func (s *State) SetNeuron(netuid, uid uint16, n *neuron) {
	s.kv.Set(uidKey(prefixNeuron, netuid, uid), n.encode(neuronRecordVersion(s.AppVersion())))
}

// IterateNeurons visits the neurons of netuid in uid order until fn returns
// false.
func (s *State) IterateNeurons(netuid uint16, fn func(uid uint16, n neuron) bool) {
	start := netuidKey(prefixNeuron, netuid)
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		n, err := decodeNeuron(v)
		mustRead(err)
		return fn(binary.BigEndian.Uint16(k[3:]), n)
	})
}

// UID returns the uid of hotkey on netuid.
func (s *State) UID(netuid uint16, hotkey types.AccountID) (uint16, bool) {
	v := s.kv.Get(registrationKey(hotkey, netuid))
	if v == nil {
		return 0, false
	}
	return bytesU16(v), true
}

// Registrations returns the netuids hotkey is registered on with its uid on
// each, by netuid.
func (s *State) Registrations(hotkey types.AccountID) []types.Registration {
	var out []types.Registration
	start := accountKeyP(prefixRegistration, hotkey)
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		out = append(out, types.Registration{Netuid: binary.BigEndian.Uint16(k[33:]), UID: bytesU16(v)})
		return true
	})
	return out
}

// IsRegisteredAnywhere reports whether hotkey is a neuron of any subnet
// (the root network included).
func (s *State) IsRegisteredAnywhere(hotkey types.AccountID) bool {
	found := false
	start := accountKeyP(prefixRegistration, hotkey)
	s.kv.Iterate(start, prefixEnd(start), func([]byte, []byte) bool {
		found = true
		return false
	})
	return found
}

func (s *State) setRegistration(hotkey types.AccountID, netuid, uid uint16) {
	s.kv.Set(registrationKey(hotkey, netuid), u16Bytes(uid))
}

func (s *State) deleteRegistration(hotkey types.AccountID, netuid uint16) {
	s.kv.Delete(registrationKey(hotkey, netuid))
}

// row is a stored weights or bonds row: (uid, value) pairs sorted by uid.
type row = [][2]uint16

func encodeRow(r row) []byte {
	b := make([]byte, 0, 4*len(r))
	for _, p := range r {
		b = binary.BigEndian.AppendUint16(b, p[0])
		b = binary.BigEndian.AppendUint16(b, p[1])
	}
	return b
}

func decodeRow(b []byte) row {
	if len(b)%4 != 0 {
		mustRead(errBadRow(len(b)))
	}
	r := make(row, len(b)/4)
	for i := range r {
		r[i] = [2]uint16{binary.BigEndian.Uint16(b[4*i:]), binary.BigEndian.Uint16(b[4*i+2:])}
	}
	return r
}

// Weights returns the weights row of uid on netuid (nil if none).
func (s *State) Weights(netuid, uid uint16) row {
	v := s.kv.Get(uidKey(prefixWeights, netuid, uid))
	if v == nil {
		return nil
	}
	return decodeRow(v)
}

// SetWeights stores the weights row of uid on netuid; an empty row is
// stored as empty (the neuron set no weights that count).
func (s *State) SetWeights(netuid, uid uint16, r row) {
	s.kv.Set(uidKey(prefixWeights, netuid, uid), encodeRow(r))
}

// Bonds returns the bonds row of uid on netuid (nil if none).
func (s *State) Bonds(netuid, uid uint16) row {
	v := s.kv.Get(uidKey(prefixBonds, netuid, uid))
	if v == nil {
		return nil
	}
	return decodeRow(v)
}

// SetBonds stores the bonds row of uid on netuid.
func (s *State) SetBonds(netuid, uid uint16, r row) {
	s.kv.Set(uidKey(prefixBonds, netuid, uid), encodeRow(r))
}

// iterateRows visits the stored rows (weights or bonds by prefix) of netuid
// in uid order.
func (s *State) iterateRows(prefix byte, netuid uint16, fn func(uid uint16, r row) bool) {
	start := netuidKey(prefix, netuid)
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		return fn(binary.BigEndian.Uint16(k[3:]), decodeRow(v))
	})
}
