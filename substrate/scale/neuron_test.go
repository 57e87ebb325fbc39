package scale

import (
	"fmt"
	"math/big"
	"testing"
)

// neuronDefs describes spec 218's NeuronInfoLite (pallets/subtensor/src/rpc_info/neuron_info.rs)
// over a registry that defines AccountId32 as metadata does.
const neuronDefs = `
struct AccountId32([u8; 32]);
struct AxonInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8, protocol: u8, placeholder1: u8, placeholder2: u8 }
struct PrometheusInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8 }
struct NeuronInfoLite {
	hotkey: AccountId32,
	coldkey: AccountId32,
	uid: Compact<u16>,
	netuid: Compact<u16>,
	active: bool,
	axon_info: AxonInfo,
	prometheus_info: PrometheusInfo,
	stake: Vec<(AccountId32, Compact<u64>)>,
	rank: Compact<u16>,
	emission: Compact<u64>,
	incentive: Compact<u16>,
	consensus: Compact<u16>,
	trust: Compact<u16>,
	validator_trust: Compact<u16>,
	dividends: Compact<u16>,
	last_update: Compact<u64>,
	validator_permit: bool,
	pruning_score: Compact<u16>,
}
type Neurons = Vec<NeuronInfoLite>;
`

// Go views of the structs, as the client will write them.
type axonView struct {
	Block        uint64
	Version      uint32
	IP           *big.Int `scale:"ip"`
	Port         uint16
	IPType       uint8
	Protocol     uint8
	Placeholder1 uint8
	Placeholder2 uint8
}

type stakeView struct {
	Coldkey [32]byte
	Amount  uint64
}

type neuronView struct {
	Hotkey          [32]byte
	Coldkey         [32]byte
	UID             uint16 `scale:"uid"`
	NetUID          uint16 `scale:"netuid"`
	Active          bool
	AxonInfo        axonView
	Stake           []stakeView
	Rank            uint16
	Emission        uint64
	Incentive       uint16
	Consensus       uint16
	Trust           uint16
	ValidatorTrust  uint16
	Dividends       uint16
	LastUpdate      uint64
	ValidatorPermit bool
	PruningScore    uint16
	// PrometheusInfo is deliberately missing: a view may ignore fields.
}

func neuronRegistry(t testing.TB) (*Registry, TypeID) {
	t.Helper()
	r, err := NewBuilder().Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err = r.Extend(neuronDefs)
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.Resolve("Neurons")
	if err != nil {
		t.Fatal(err)
	}
	return r, id
}

// sampleNeurons builds n realistic neurons: varied uids, stakes, IPv4/IPv6 axons.
func sampleNeurons(n int) []neuronView {
	out := make([]neuronView, n)
	for i := range out {
		nv := &out[i]
		for j := range nv.Hotkey {
			nv.Hotkey[j] = byte(i*7 + j)
			nv.Coldkey[j] = byte(i*13 + j*3)
		}
		nv.UID, nv.NetUID, nv.Active = uint16(i), 1, i%5 != 0
		ip := big.NewInt(int64(0xC0A80000 + i))
		if i%3 == 0 {
			ip = new(big.Int).Lsh(big.NewInt(int64(i+1)), 100) // IPv6-sized
		}
		nv.AxonInfo = axonView{Block: uint64(4_000_000 + i), Version: 7, IP: ip, Port: 8091, IPType: 4, Protocol: 4}
		for k := 0; k < 1+i%3; k++ {
			var ck [32]byte
			ck[0], ck[1] = byte(k), byte(i)
			nv.Stake = append(nv.Stake, stakeView{Coldkey: ck, Amount: uint64(i)*1_000_000_007 + uint64(k)})
		}
		nv.Rank, nv.Emission, nv.Incentive = uint16(i*31), uint64(i)*123_456_789, uint16(65535-i)
		nv.Consensus, nv.Trust, nv.ValidatorTrust, nv.Dividends = uint16(i*3), uint16(i*5), uint16(i*11), uint16(i*17)
		nv.LastUpdate, nv.ValidatorPermit, nv.PruningScore = uint64(4_000_000+i*2), i%4 == 0, uint16(i*19)
	}
	return out
}

func encodeNeurons(t testing.TB, r *Registry, id TypeID, ns []neuronView) []byte {
	t.Helper()
	// Embedded structs are not flattened; spell the fields out through a Value.
	b, err := r.Encode(id, neuronsAsValues(ns))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func neuronsAsValues(ns []neuronView) Value {
	acct := func(k [32]byte) Value { return NewBytes(k[:]) }
	items := make([]Value, len(ns))
	for i, n := range ns {
		stakes := make([]Value, len(n.Stake))
		for j, s := range n.Stake {
			stakes[j] = NewTuple(acct(s.Coldkey), NewUint(s.Amount))
		}
		items[i] = NewComposite(
			NamedValue{"hotkey", acct(n.Hotkey)}, NamedValue{"coldkey", acct(n.Coldkey)},
			NamedValue{"uid", NewUint(uint64(n.UID))}, NamedValue{"netuid", NewUint(uint64(n.NetUID))},
			NamedValue{"active", NewBool(n.Active)},
			NamedValue{"axon_info", NewComposite(
				NamedValue{"block", NewUint(n.AxonInfo.Block)}, NamedValue{"version", NewUint(uint64(n.AxonInfo.Version))},
				NamedValue{"ip", NewBig(n.AxonInfo.IP)}, NamedValue{"port", NewUint(uint64(n.AxonInfo.Port))},
				NamedValue{"ip_type", NewUint(uint64(n.AxonInfo.IPType))}, NamedValue{"protocol", NewUint(uint64(n.AxonInfo.Protocol))},
				NamedValue{"placeholder1", NewUint(0)}, NamedValue{"placeholder2", NewUint(0)})},
			NamedValue{"prometheus_info", NewComposite(
				NamedValue{"block", NewUint(1)}, NamedValue{"version", NewUint(2)}, NamedValue{"ip", NewUint(3)},
				NamedValue{"port", NewUint(4)}, NamedValue{"ip_type", NewUint(4)})},
			NamedValue{"stake", NewSequence(stakes...)},
			NamedValue{"rank", NewUint(uint64(n.Rank))}, NamedValue{"emission", NewUint(n.Emission)},
			NamedValue{"incentive", NewUint(uint64(n.Incentive))}, NamedValue{"consensus", NewUint(uint64(n.Consensus))},
			NamedValue{"trust", NewUint(uint64(n.Trust))}, NamedValue{"validator_trust", NewUint(uint64(n.ValidatorTrust))},
			NamedValue{"dividends", NewUint(uint64(n.Dividends))}, NamedValue{"last_update", NewUint(n.LastUpdate)},
			NamedValue{"validator_permit", NewBool(n.ValidatorPermit)}, NamedValue{"pruning_score", NewUint(uint64(n.PruningScore))},
		)
	}
	return NewSequence(items...)
}

func TestNeuronsValueAndView(t *testing.T) {
	r, id := neuronRegistry(t)
	want := sampleNeurons(50)
	data := encodeNeurons(t, r, id, want)

	// Dynamic: decode, navigate, re-encode to the same bytes.
	v, err := r.DecodeValue(id, data)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 50 {
		t.Fatalf("%d neurons", v.Len())
	}
	n7 := v.Index(7)
	if uid, _ := n7.Field("uid"); fmt.Sprint(uid) != "7" {
		t.Errorf("uid = %v", uid)
	}
	if ip, ok := n7.Get("axon_info.ip"); !ok || ip.String() != "3232235527" {
		t.Errorf("axon_info.ip = %v", ip)
	}
	if hk, ok := n7.Get("hotkey"); !ok {
		t.Error("no hotkey")
	} else if b, ok := hk.Bytes(); !ok || [32]byte(b) != want[7].Hotkey {
		t.Errorf("hotkey bytes = %x", b)
	}
	if amt, ok := n7.Get("stake.1.1"); !ok || amt.String() != fmt.Sprint(want[7].Stake[1].Amount) {
		t.Errorf("stake.1.1 = %v", amt)
	}
	again, err := r.EncodeValue(id, v)
	if err != nil || string(again) != string(data) {
		t.Fatalf("re-encode differs: %v", err)
	}

	// Typed view: every field as written, prometheus_info skipped.
	var got []neuronView
	if err := r.Decode(id, data, &got); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.AxonInfo.IP.Cmp(g.AxonInfo.IP) != 0 {
			t.Fatalf("neuron %d ip %v != %v", i, g.AxonInfo.IP, w.AxonInfo.IP)
		}
		w.AxonInfo.IP, g.AxonInfo.IP = nil, nil
		if fmt.Sprint(w) != fmt.Sprint(g) {
			t.Fatalf("neuron %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestConcurrentUse: one registry serves many goroutines (plans are built and
// cached concurrently, names indexed once); run with -race.
func TestConcurrentUse(t *testing.T) {
	r, id := neuronRegistry(t)
	data := encodeNeurons(t, r, id, sampleNeurons(8))
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var ns []neuronView
			if err := r.Decode(id, data, &ns); err != nil {
				errs <- err
				return
			}
			if _, err := r.Resolve("Vec<(AccountId32, Compact<u64>)>"); err != nil {
				errs <- err
				return
			}
			v, err := r.DecodeValue(id, data)
			if err == nil && v.Len() != 8 {
				err = fmt.Errorf("%d neurons", v.Len())
			}
			errs <- err
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
