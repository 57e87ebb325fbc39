package subtensor

// A subnet's metagraph from a dynamic-TAO runtime in three runtime-API
// calls at one block: the neurons (NeuronInfoRuntimeApi.get_neurons_lite,
// or get_neurons with weights and bonds), the subnet's per-uid stake state
// (SubnetInfoRuntimeApi.get_subnet_state: alpha, TAO and total stake weight,
// registration blocks) and its pool (SubnetInfoRuntimeApi.get_dynamic_info:
// reserves, price, emission). The three are sent at once over the one
// connection and read the same block hash.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
)

// DynamicTAO is what a chain with dynamic TAO (per-subnet stake in the
// subnet's alpha, traded through the subnet's pool) offers beyond Chain.
// A SubstrateClient is one; the dev chain's CometBFTClient, which has one
// global TAO stake, answers ErrNotSupported. Callers check for it at run
// time, as database/sql checks a driver's optional interfaces.
type DynamicTAO interface {
	// SubnetMetagraph reads a subnet's neurons (with weights and bonds
	// when full), its per-uid stake and its pool at one block (0 = the
	// latest). A subnet that does not exist is an error matching
	// types.ErrNetworkDoesNotExist.
	SubnetMetagraph(ctx context.Context, netuid uint16, atBlock uint64, full bool) (*SubnetMetagraph, error)
}

var (
	_ DynamicTAO = (*SubstrateClient)(nil)
	_ DynamicTAO = (*CometBFTClient)(nil)
)

// SubnetMetagraph is a subnet at one block as a dynamic-TAO runtime
// reports it. The per-uid slices are indexed by uid and as long as
// Neurons.Neurons.
type SubnetMetagraph struct {
	// Neurons are the neurons by uid (RegisteredAt filled in), at
	// Neurons.Height.
	Neurons *types.NeuronsInfo
	// AlphaStake is each hotkey's stake on the subnet in the subnet's alpha
	// (RAO units), what it holds plus what it inherits from parent hotkeys
	// less what it gives to children.
	AlphaStake []uint64
	// TaoStake is each hotkey's stake on the root network, in RAO, with the
	// same inheritance.
	TaoStake []uint64
	// StakeWeight is the stake Yuma Consensus uses: AlphaStake + TaoStake ×
	// the subnet's TAO weight, in RAO units, rounded down.
	StakeWeight []uint64
	// Pool is the subnet's pool and emission.
	Pool SubnetPool
}

// SubnetPool (dynamic.go) is the subnet's pool.

// subnetStateView is the runtime's SubnetState (get_subnet_state). The
// per-uid vectors other than hotkeys, coldkeys, registration blocks and
// stakes are the subnet's storage vectors as they are: possibly shorter
// than the subnet (at).
type subnetStateView struct {
	Netuid              uint16
	Hotkeys             [][32]byte
	Coldkeys            [][32]byte
	Active              []bool
	ValidatorPermit     []bool
	PruningScore        []uint16
	LastUpdate          []uint64
	Emission            []uint64
	Dividends           []uint16
	Incentives          []uint16
	Consensus           []uint16
	Trust               []uint16
	Rank                []uint16
	BlockAtRegistration []uint64
	AlphaStake          []uint64
	TaoStake            []uint64
	TotalStake          []uint64
}

// elem is v[i], or the zero value past its end.
func elem[T any](v []T, i int) T {
	var zero T
	if i < len(v) {
		return v[i]
	}
	return zero
}

// neuronLite builds uid i's lite record from the subnet state, the axons and
// Prometheus endpoints by hotkey, and the validator-trust vector.
func (v *subnetStateView) neuronLite(i int, netuid uint16, axons map[[32]byte]axonView, proms map[[32]byte]prometheusView, vtrust []uint16) types.NeuronInfo {
	hk, ck := v.Hotkeys[i], elem(v.Coldkeys, i)
	return types.NeuronInfo{
		Hotkey: types.AccountID(hk), Coldkey: types.AccountID(ck), UID: uint16(i), Netuid: netuid,
		Active: elem(v.Active, i), Axon: axons[hk].axonInfo(), Prometheus: proms[hk].prometheusInfo(),
		Stake:      []types.StakeEntry{{Coldkey: types.AccountID(ck), Amount: v.TotalStake[i]}},
		TotalStake: v.TotalStake[i],
		Rank:       elem(v.Rank, i), Emission: elem(v.Emission, i), Incentive: elem(v.Incentives, i),
		Consensus: elem(v.Consensus, i), Trust: elem(v.Trust, i), ValidatorTrust: elem(vtrust, i),
		Dividends: elem(v.Dividends, i), LastUpdate: elem(v.LastUpdate, i), ValidatorPermit: elem(v.ValidatorPermit, i),
		PruningScore: elem(v.PruningScore, i), RegisteredAt: v.BlockAtRegistration[i],
	}
}

// SubnetMetagraph reads a subnet's neurons, per-uid stake and pool at one
// block, with every read sent at once: full, three runtime-API calls
// (get_neurons, get_subnet_state, get_dynamic_info); lite, two
// (get_subnet_state, which holds every per-uid value of a lite neuron but
// the endpoints and validator trust, and get_dynamic_info) and the subnet's
// Axons, Prometheus and ValidatorTrust storage; both read the subnet's
// SubnetMechanism (the pool's kind). Lite neurons carry their stake weight as their one stake entry, as the runtime's full neurons do.
func (c *SubstrateClient) SubnetMetagraph(ctx context.Context, netuid uint16, atBlock uint64, full bool) (*SubnetMetagraph, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	rt, err := c.sc.Runtime(ctx, at)
	if err != nil {
		return nil, c.wrap(err)
	}
	var (
		views  []neuronView
		state  *subnetStateView
		pool   *dynamicInfoView
		mech   uint16
		axons  = map[[32]byte]axonView{}
		proms  = map[[32]byte]prometheusView{}
		vtrust []uint16
	)
	calls := []func() error{
		func() error {
			return c.callInfoIn(ctx, rt, at, &state, "SubnetInfoRuntimeApi", "get_subnet_state", "MaybeSubnetState", answerValue, netuid)
		},
		func() error {
			return c.callInfoIn(ctx, rt, at, &pool, "SubnetInfoRuntimeApi", "get_dynamic_info", "MaybeDynamicInfo", answerValue, netuid)
		},
		func() error {
			_, err := c.storage(ctx, at, &mech, "SubtensorModule", "SubnetMechanism", netuid)
			return err
		},
	}
	if full {
		calls = append(calls, func() error {
			return c.callInfoIn(ctx, rt, at, &views, "NeuronInfoRuntimeApi", "get_neurons", "Neurons", answerValue, netuid)
		})
	} else {
		calls = append(calls,
			func() error { return c.endpoints(ctx, at, "Axons", netuid, axons) },
			func() error { return c.endpoints(ctx, at, "Prometheus", netuid, proms) },
			func() error {
				_, err := c.storage(ctx, at, &vtrust, "SubtensorModule", "ValidatorTrust", netuid)
				return err
			})
	}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, f := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if state == nil || pool == nil {
		return nil, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	k := len(views)
	if !full {
		k = len(state.Hotkeys)
	}
	if len(state.Hotkeys) != k || len(state.AlphaStake) != k || len(state.TaoStake) != k ||
		len(state.TotalStake) != k || len(state.BlockAtRegistration) != k {
		return nil, fmt.Errorf("subtensor: subnet %d at block %d: %d neurons but a subnet state of %d hotkeys, %d alpha, %d TAO, %d total stakes",
			netuid, n, k, len(state.Hotkeys), len(state.AlphaStake), len(state.TaoStake), len(state.TotalStake))
	}
	out := &SubnetMetagraph{
		Neurons:    &types.NeuronsInfo{Netuid: netuid, Height: n, Neurons: make([]types.NeuronInfo, k)},
		AlphaStake: state.AlphaStake, TaoStake: state.TaoStake, StakeWeight: state.TotalStake,
		Pool: pool.pool(mech, n),
	}
	if !full {
		for i := range k {
			out.Neurons.Neurons[i] = state.neuronLite(i, netuid, axons, proms, vtrust)
		}
		return out, nil
	}
	for i := range views {
		nr := views[i].neuronInfo(full)
		if int(nr.UID) != i || nr.Hotkey != types.AccountID(state.Hotkeys[i]) {
			return nil, fmt.Errorf("subtensor: subnet %d at block %d: neuron %d is uid %d hotkey %s, the subnet state has %s",
				netuid, n, i, nr.UID, nr.Hotkey, types.AccountID(state.Hotkeys[i]))
		}
		nr.RegisteredAt = state.BlockAtRegistration[i]
		out.Neurons.Neurons[i] = nr
	}
	return out, nil
}

// callInfoIn is callInfo for a caller that already holds the runtime at
// block at: one state_call, no runtime-version query.
func (c *SubstrateClient) callInfoIn(ctx context.Context, rt *metadata.Runtime, at substrate.Hash, out any, api, method, legacyType string, form answer, args ...any) error {
	m, err := rt.API(api, method)
	if errors.Is(err, metadata.ErrNotFound) {
		return c.notSupported(api+"."+method, err)
	}
	if err != nil {
		return err
	}
	if len(args) != len(m.Inputs) {
		return fmt.Errorf("subtensor: %s takes %d arguments, got %d", m.Method(), len(m.Inputs), len(args))
	}
	var enc []byte
	for i, a := range args {
		if enc, err = rt.Types.AppendEncode(enc, m.Inputs[i].Type, a); err != nil {
			return fmt.Errorf("subtensor: %s argument %s: %w", m.Method(), m.Inputs[i].Name, err)
		}
	}
	b, err := c.sc.CallAPIRaw(ctx, at, m.Method(), enc)
	if err != nil {
		return c.wrap(err)
	}
	return c.decodeInfo(substrate.APIAnswer{Runtime: rt, Output: m.Output, Bytes: b}, out, api, method, legacyType, form)
}

// SubnetMetagraph is not offered by the dev chain, which has no dynamic
// TAO: an error matching ErrNotSupported.
func (c *CometBFTClient) SubnetMetagraph(context.Context, uint16, uint64, bool) (*SubnetMetagraph, error) {
	return nil, fmt.Errorf("%w: dynamic TAO (per-subnet alpha stake and pools) on the go-bittensor dev chain", ErrNotSupported)
}

// endpoints reads a subnet's Axons or Prometheus map (netuid, hotkey) →
// endpoint into out, by hotkey.
func endpointsInto[V any](c *SubstrateClient, ctx context.Context, at substrate.Hash, item string, netuid uint16, out map[[32]byte]V) error {
	err := c.sc.IterateStorage(ctx, at, 0, func(rt *metadata.Runtime, e *metadata.StorageEntry, entry substrate.StorageEntry) error {
		if len(entry.Keys) != 2 || len(entry.Keys[1].Encoded) != 32 {
			return fmt.Errorf("subtensor: %s key of %d parts", item, len(entry.Keys))
		}
		var v V
		if err := rt.Types.Decode(e.Value, entry.Value, &v); err != nil {
			return fmt.Errorf("subtensor: %s value: %w", item, err)
		}
		out[[32]byte(entry.Keys[1].Encoded)] = v
		return nil
	}, "SubtensorModule", item, netuid)
	if errors.Is(err, metadata.ErrNotFound) {
		return c.notSupported("SubtensorModule."+item, err)
	}
	return c.wrap(err)
}

// endpoints reads the subnet's Axons or Prometheus map into out (a
// map[[32]byte]axonView or map[[32]byte]prometheusView).
func (c *SubstrateClient) endpoints(ctx context.Context, at substrate.Hash, item string, netuid uint16, out any) error {
	switch m := out.(type) {
	case map[[32]byte]axonView:
		return endpointsInto(c, ctx, at, item, netuid, m)
	case map[[32]byte]prometheusView:
		return endpointsInto(c, ctx, at, item, netuid, m)
	}
	panic(fmt.Sprintf("subtensor: endpoints into %T", out))
}
