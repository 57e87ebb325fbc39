package neuron

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
	"github.com/go-bittensor/bittensor/signedhttp/epistula"
	"github.com/go-bittensor/bittensor/wallet"
)

// Protocols a subnet's miners and validators talk with
// (Config.Neuron.Protocol, --neuron.protocol). Every neuron of a subnet
// must use the same one.
const (
	// ProtocolSynapse is Bittensor 6.x: miners serve synapses with an axon
	// (Attach), validators query them with a dendrite (Round.Dendrite).
	ProtocolSynapse = "synapse"
	// ProtocolBtauth is btauth/1 signed HTTP, the current Bittensor SDK's:
	// miners serve plain HTTP routes (Miner.Handle) behind a
	// signedhttp.Guard, validators call them with Round.Client.
	ProtocolBtauth = "btauth"
	// ProtocolEpistula is Epistula v2 signed HTTP, used the same way.
	ProtocolEpistula = "epistula"
)

// protocols are the values of --neuron.protocol.
var protocols = []string{ProtocolSynapse, ProtocolBtauth, ProtocolEpistula}

// addProtocolFlag registers --neuron.protocol.
func (c *Config) addProtocolFlag(fs *pflag.FlagSet) {
	fs.StringVar(&c.Neuron.Protocol, "neuron.protocol", c.Neuron.Protocol,
		"How miners and validators talk: synapse (Bittensor 6.x axon and dendrite), btauth (btauth/1 signed HTTP) or epistula (Epistula v2 signed HTTP)")
}

// validateProtocol checks --neuron.protocol.
func (c *Config) validateProtocol() error {
	for _, p := range protocols {
		if c.Neuron.Protocol == p {
			return nil
		}
	}
	return fmt.Errorf("%w: --neuron.protocol %q: want %s", ErrConfig, c.Neuron.Protocol, strings.Join(protocols, ", "))
}

// signedHTTP reports whether the configured protocol is signed HTTP, and
// which.
func (c *Config) signedHTTP() (signedhttp.Protocol, bool) {
	switch c.Neuron.Protocol {
	case ProtocolBtauth:
		return btauth.Protocol{}, true
	case ProtocolEpistula:
		return epistula.Protocol{}, true
	}
	return nil, false
}

// requestSigner is the signer of the configured signed-HTTP protocol.
func (c *Config) requestSigner(hotkey *wallet.Keypair) signedhttp.RequestSigner {
	if c.Neuron.Protocol == ProtocolEpistula {
		return &epistula.Signer{Key: hotkey}
	}
	return &btauth.Signer{Key: hotkey}
}
