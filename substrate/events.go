package substrate

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// Event is one event of a block, as System.Events records it.
type Event struct {
	// Extrinsic is the index in its block of the extrinsic that emitted the
	// event, or -1 for events of block initialization and finalization.
	Extrinsic int
	// Pallet and Name name the event ("Balances", "Transfer").
	Pallet, Name string
	// Fields are the event's fields (a composite or tuple Value).
	Fields scale.Value
}

// Field returns the named field of the event.
func (e Event) Field(name string) (scale.Value, bool) { return e.Fields.Field(name) }

// Arg returns the event's i-th field (named or not), or an invalid Value.
func (e Event) Arg(i int) scale.Value {
	if i < 0 || i >= e.Fields.Len() {
		return scale.Value{}
	}
	return e.Fields.Index(i)
}

// String reads "Balances.Transfer { from: …, to: …, amount: … }".
func (e Event) String() string { return e.Pallet + "." + e.Name + " " + e.Fields.String() }

// Events reads every event of the block at hash.
func (c *Client) Events(ctx context.Context, at Hash) ([]Event, *metadata.Runtime, error) {
	rt, err := c.Runtime(ctx, at)
	if err != nil {
		return nil, nil, err
	}
	var records scale.Value
	if _, err := c.Storage(ctx, at, &records, "System", "Events"); err != nil {
		return nil, rt, err
	}
	events := make([]Event, 0, records.Len())
	for i := 0; i < records.Len(); i++ {
		r := records.Index(i)
		ev := Event{Extrinsic: -1}
		if phase, ok := r.Field("phase"); ok {
			if name, _, _ := phase.Variant(); name == "ApplyExtrinsic" {
				n, _ := phase.Index(0).Uint64()
				ev.Extrinsic = int(n)
			}
		}
		outer, ok := r.Field("event")
		if !ok {
			return nil, rt, fmt.Errorf("substrate: event record %d of %s has no event", i, at)
		}
		pallet, _, _ := outer.Variant()
		inner := outer.Index(0)
		name, _, _ := inner.Variant()
		ev.Pallet, ev.Name = pallet, name
		ev.Fields = variantFields(inner)
		events = append(events, ev)
	}
	return events, rt, nil
}

// variantFields returns a variant value's fields as a composite value.
func variantFields(v scale.Value) scale.Value {
	fields := make([]scale.NamedValue, v.Len())
	for i := range fields {
		fields[i] = scale.NamedValue{Name: v.FieldName(i), Value: v.Index(i)}
	}
	return scale.NewComposite(fields...)
}
