package neuron

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"sync"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
)

// Endpoints published through the Commitments pallet of Bittensor's
// Substrate chain: a miner commits the URL it answers signed HTTP at (one
// field of at most 128 bytes, once per 100 blocks on today's runtime) and
// validators read every commitment of the subnet after each metagraph sync.
// Unlike serve_axon, the URL may name a host and a path (an https endpoint
// behind a proxy, say).

// Where miners' endpoints are published (Config.Neuron.Endpoints,
// --neuron.endpoints).
const (
	// EndpointsAxon: miners serve_axon their address, validators read it
	// from the metagraph (AxonEndpoints).
	EndpointsAxon = "axon"
	// EndpointsCommitment: miners commit a URL (CommitmentPublisher),
	// validators read the subnet's commitments (CommitmentEndpoints, the
	// axon address for a miner without one). Signed HTTP only, on a chain
	// with the Commitments pallet.
	EndpointsCommitment = "commitment"
)

// addEndpointFlags registers --neuron.endpoints and --neuron.public_url.
func (c *Config) addEndpointFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Neuron.Endpoints, "neuron.endpoints", c.Neuron.Endpoints,
		"Where miners publish their signed-HTTP endpoints and validators find them: axon (serve_axon) or commitment (the Commitments pallet of a Substrate chain)")
	fs.StringVar(&c.Neuron.PublicURL, "neuron.public_url", c.Neuron.PublicURL,
		"URL a miner commits with --neuron.endpoints commitment (default http://<axon.external_ip>:<port>)")
}

// validateEndpoints checks --neuron.endpoints and --neuron.public_url.
func (c *Config) validateEndpoints() error {
	switch c.Neuron.Endpoints {
	case EndpointsAxon, "":
		if c.Neuron.PublicURL != "" {
			return fmt.Errorf("%w: --neuron.public_url is published only with --neuron.endpoints %s", ErrConfig, EndpointsCommitment)
		}
		return nil
	case EndpointsCommitment:
	default:
		return fmt.Errorf("%w: --neuron.endpoints %q: want %s or %s", ErrConfig, c.Neuron.Endpoints, EndpointsAxon, EndpointsCommitment)
	}
	if _, ok := c.signedHTTP(); !ok {
		return fmt.Errorf("%w: --neuron.endpoints %s needs a signed-HTTP protocol (--neuron.protocol %s or %s): synapses are found at the axon's address", ErrConfig, EndpointsCommitment, ProtocolBtauth, ProtocolEpistula)
	}
	if u := c.Neuron.PublicURL; u != "" {
		if err := checkEndpointURL(u); err != nil {
			return fmt.Errorf("%w: --neuron.public_url: %v", ErrConfig, err)
		}
		if len(u) > subtensor.MaxCommitmentField {
			return fmt.Errorf("%w: --neuron.public_url is %d bytes; a commitment holds at most %d", ErrConfig, len(u), subtensor.MaxCommitmentField)
		}
	}
	return nil
}

// commitments returns the chain's Commitments, or an error naming the flag
// when the chain has none.
func (n *Neuron) commitments() (subtensor.Commitments, error) {
	cm, ok := n.client.(subtensor.Commitments)
	if !ok {
		return nil, fmt.Errorf("%w: --neuron.endpoints %s: %s has no Commitments pallet (Bittensor's Substrate networks have it)", ErrConfig, EndpointsCommitment, n.cfg.Subtensor.Target())
	}
	return cm, nil
}

// CommitmentPublisher is a Publisher that commits the miner's URL on the
// subnet (Commitments.set_commitment, signed by the hotkey). It reads the
// current commitment first and sends nothing when it already says the URL.
type CommitmentPublisher struct {
	Chain  subtensor.Commitments
	Hotkey subtensor.Signer
	Netuid uint16
	// URL is what to publish; empty: http://<axon ip>:<axon port> of the
	// info passed to Publish.
	URL string
	// Logger receives a line when a commitment is sent (slog.Default if
	// nil).
	Logger *slog.Logger
}

// Publish commits the URL unless it is already the hotkey's commitment. A
// URL that can never be committed (malformed, or longer than a field)
// gives ErrNotServable; the runtime's rate limit is an error the miner
// retries after its next sync.
func (p *CommitmentPublisher) Publish(ctx context.Context, info synapse.AxonInfo) error {
	u := p.URL
	if u == "" {
		if !info.IsServing() {
			return fmt.Errorf("%w: the axon announces %s; set --axon.external_ip or publish a URL", ErrNotServable, info.IP)
		}
		u = "http://" + net.JoinHostPort(info.IP, strconv.Itoa(info.Port))
	}
	if err := checkEndpointURL(u); err != nil {
		return fmt.Errorf("%w: %v", ErrNotServable, err)
	}
	if len(u) > subtensor.MaxCommitmentField {
		return fmt.Errorf("%w: %q is %d bytes; a commitment holds at most %d", ErrNotServable, u, len(u), subtensor.MaxCommitmentField)
	}
	who := types.AccountID(p.Hotkey.PublicKey())
	cur, ok, err := p.Chain.GetCommitment(ctx, p.Netuid, who, 0)
	if err != nil {
		return fmt.Errorf("neuron: reading %s's commitment on subnet %d: %w", who, p.Netuid, err)
	}
	if ok && cur.Text() == u {
		return nil
	}
	res, err := p.Chain.SetCommitment(ctx, p.Hotkey, p.Netuid, u, subtensor.WaitInclusion)
	if err != nil {
		return fmt.Errorf("neuron: committing %s on subnet %d: %w", u, p.Netuid, err)
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Info("endpoint committed", "netuid", p.Netuid, "url", u, "block", res.Height)
	return nil
}

// checkEndpointURL accepts an absolute http or https URL with a host.
func checkEndpointURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("endpoint %q is not a URL: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint %q is not an http(s) URL with a host", s)
	}
	return nil
}

// CommitmentEndpoints is an EndpointRefresher that finds miners at the URLs
// they committed on the subnet, read at each snapshot's block. A miner
// without a usable commitment is found through Fallback (nil: nowhere).
type CommitmentEndpoints struct {
	Chain    subtensor.Commitments
	Fallback EndpointSource
	// Logger receives a line per commitment that is not a usable URL
	// (slog.Default if nil).
	Logger *slog.Logger

	mu       sync.RWMutex
	byHotkey map[string]string // SS58 → URL
}

// Refresh reads every commitment of the snapshot's subnet at its block. On
// error the endpoints read before are kept.
func (c *CommitmentEndpoints) Refresh(ctx context.Context, s *Snapshot) error {
	all, err := c.Chain.GetCommitments(ctx, s.Netuid, s.Block)
	if err != nil {
		if errors.Is(err, subtensor.ErrNotSupported) {
			return fmt.Errorf("neuron: miners' endpoints cannot come from commitments here: %w", err)
		}
		return fmt.Errorf("neuron: commitments of subnet %d at block %d: %w", s.Netuid, s.Block, err)
	}
	log := c.Logger
	if log == nil {
		log = slog.Default()
	}
	m := make(map[string]string, len(all))
	for _, cm := range all {
		hk := cm.Hotkey.String()
		if _, ok := s.Lookup(hk); !ok {
			continue // left the subnet; its commitment stays behind
		}
		if err := checkEndpointURL(cm.Text()); err != nil {
			log.Debug("commitment is not an endpoint", "hotkey", hk, "err", err)
			continue
		}
		m[hk] = cm.Text()
	}
	c.mu.Lock()
	c.byHotkey = m
	c.mu.Unlock()
	return nil
}

// Endpoint returns the URL p committed, else what Fallback says.
func (c *CommitmentEndpoints) Endpoint(p Peer) (signedhttp.Endpoint, bool) {
	c.mu.RLock()
	u, ok := c.byHotkey[p.Hotkey]
	c.mu.RUnlock()
	if ok {
		return signedhttp.Endpoint{Hotkey: p.Hotkey, URL: u}, true
	}
	if c.Fallback != nil {
		return c.Fallback.Endpoint(p)
	}
	return signedhttp.Endpoint{}, false
}
