package chain

import (
	"bytes"
	"fmt"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The state migrations of Upgrades(), one function per upgrade, named for
// it. A migration reads the state in the previous app version's layout and
// rewrites it in its own; it must be deterministic (key order only, no map
// iteration) and must not lose a value: its tests check every record before
// and after.
//
// How to add an upgrade (say the next one changes a record's layout):
//
//  1. Give the record's decoder the new layout beside the old ones (a new
//     version byte for binary records; a new struct decoded by the app
//     version for CBOR ones), and make its writer pick the layout by
//     State.AppVersion(), as SetNeuron does with neuronRecordVersion.
//  2. Write the migration here: it rewrites every stored record in the new
//     layout (or fills what the new rules need, such as a new parameter's
//     value for every subnet).
//  3. Append {Name, AppVersion: previous + 1, Migrate} to Upgrades(), with
//     the calls the upgrade adds in Calls: state before it refuses them as
//     unknown. A new parameter or record is written only from that app
//     version on (genesis of an earlier one leaves it out, as the registry's
//     parameters in paramsAt), so the capped binary that stands in for the
//     previous release in tests writes exactly what that release wrote.
//  4. Test the migration over state the previous version wrote, and extend
//     the export (export.go) if the new layout holds a value it lacks.

// migrateNeuronRecordV2 is the upgrade neuron-record-v2: every neuron
// record is rewritten in layout 2 (neurons.go), the same values with each
// endpoint's IP in only the bytes it needs. Records are read and written in
// key order.
func migrateNeuronRecordV2(st *State) error {
	type record struct {
		key []byte
		n   neuron
	}
	var recs []record
	var bad error
	start := []byte{prefixNeuron}
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		n, err := decodeNeuron(v)
		if err != nil {
			bad = fmt.Errorf("neuron record %x: %w", k[1:], err)
			return false
		}
		recs = append(recs, record{key: bytes.Clone(k), n: n})
		return true
	})
	if bad != nil {
		return bad
	}
	for i := range recs {
		st.kv.Set(recs[i].key, recs[i].n.encode(neuronRecordV2))
	}
	return nil
}

// migrateIdentityRegistry is the upgrade identity-registry: the identity
// registry's calls exist from it on (Upgrade.Calls), and its parameters are
// written, the reference runtime's deposits and limits
// (types.DefaultRegistryParams). State that already holds registry
// parameters keeps them: a chain started at app version 2 by a build that
// had the registry before this upgrade did, with values of its own.
func migrateIdentityRegistry(st *State) error {
	p := st.Params()
	if p.Registry != (types.RegistryParams{}) {
		return nil
	}
	p.Registry = types.DefaultRegistryParams()
	st.SetParams(p)
	return nil
}
