package neuron

import (
	"context"
	"net"
	"strconv"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/synapse"
)

// Where miners are found and how they make themselves known. By default a
// miner publishes its address with serve_axon and validators read it from
// the metagraph (AxonEndpoints). On Bittensor's Substrate chain a miner can
// instead commit any URL through the Commitments pallet
// (CommitmentPublisher, CommitmentEndpoints; --neuron.endpoints
// commitment). Other sources plug in the same way (Miner.SetPublisher,
// Validator.SetEndpoints) without changing the rest of the neuron.

// An EndpointSource tells a validator where a miner answers signed HTTP.
// Endpoint is called for every neuron at every round, so it must be cheap:
// a source that reads the chain does so in Refresh (EndpointRefresher).
type EndpointSource interface {
	// Endpoint returns where p answers, and false if it answers nowhere.
	Endpoint(p Peer) (signedhttp.Endpoint, bool)
}

// An EndpointRefresher is an EndpointSource that updates itself after each
// metagraph sync, e.g. by reading the miners' commitments at the
// snapshot's block. A failed refresh is logged and the old endpoints kept.
type EndpointRefresher interface {
	EndpointSource
	Refresh(ctx context.Context, s *Snapshot) error
}

// AxonEndpoints finds miners at the address they published with
// serve_axon: http://<axon ip>:<axon port>. A miner announcing ExternalIP
// (the validator's own external address) is reached on this machine, as a
// dendrite reaches such an axon.
type AxonEndpoints struct {
	// ExternalIP is the validator's own external address (--axon.external_ip).
	ExternalIP string
}

// Endpoint returns p's axon address as a base URL, false if p never served.
func (a AxonEndpoints) Endpoint(p Peer) (signedhttp.Endpoint, bool) {
	if !p.Axon.IsServing() {
		return signedhttp.Endpoint{}, false
	}
	host := p.Axon.IP
	if a.ExternalIP != "" && host == a.ExternalIP {
		host = "0.0.0.0"
	}
	return signedhttp.Endpoint{Hotkey: p.Hotkey, URL: "http://" + net.JoinHostPort(host, strconv.Itoa(p.Axon.Port))}, true
}

// A Publisher makes a miner's endpoint known to validators. Publish is
// called when the miner starts serving and after every metagraph sync; it
// must do nothing when what is published is already current, and return an
// error wrapping ErrNotServable for an endpoint that can never be
// published (the miner then stops). The default publishes info with
// serve_axon (Neuron.EnsureServed).
type Publisher interface {
	Publish(ctx context.Context, info synapse.AxonInfo) error
}
