package neuron

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/config"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// ErrConfig is returned (wrapped) for a configuration that cannot work; the
// message names the flag.
var ErrConfig = errors.New("neuron: invalid configuration")

// Registration methods of Config.Neuron.Register.
const (
	// RegisterNone never registers: a hotkey that is not registered is an
	// error (register it with btcli first).
	RegisterNone = "none"
	// RegisterBurn registers with burned_register, paid by the coldkey, at
	// most Neuron.MaxBurn.
	RegisterBurn = "burn"
	// RegisterPoW registers with a proof of work solved on every core.
	RegisterPoW = "pow"
)

// Config is what every miner and validator is configured with. Its fields
// have Bittensor's flag names (AddFlags); the zero value is not usable, start
// from DefaultConfig.
type Config struct {
	// Name names the program (e.g. "tensor-miner") in logs and in the
	// default state directory.
	Name string

	// Wallet is --wallet.name, --wallet.hotkey and --wallet.path, and
	// Subtensor --subtensor.network and --subtensor.chain_endpoint (which
	// overrides the network), defined once for every program in package
	// config, with btcli's environment variables.
	Wallet    config.Wallet
	Subtensor config.Subtensor
	// Netuid is the subnet the neuron works on (--netuid).
	Netuid uint16

	Axon struct {
		// IP is the address the axon listens on; "" for every interface
		// (--axon.ip).
		IP string
		// Port is the port it listens on; 0 lets the system pick one, which
		// is then served on chain (--axon.port).
		Port int
		// ExternalIP is the address announced on chain: where validators
		// reach this machine (--axon.external_ip). A validator's dendrite
		// sends it too and reaches axons announcing this same address on
		// this machine itself, as Bittensor's does.
		ExternalIP string
		// ExternalPort is the port announced on chain; 0 for the listening
		// port (--axon.external_port).
		ExternalPort int
		// MaxWorkers is how many requests the axon handles at once
		// (--axon.max_workers; 0 means the axon's default).
		MaxWorkers int
	}

	Neuron struct {
		// FullPath is the directory the neuron keeps its state in
		// (--neuron.full_path); "" for
		// ~/.bittensor/neurons/<wallet>/<hotkey>/netuid<N>/<Name>.
		FullPath string
		// Register is how to register the hotkey when it is not:
		// RegisterNone, RegisterBurn or RegisterPoW (--neuron.register).
		Register string
		// MaxBurn is the most a burned registration may cost
		// (--neuron.max_burn, in TAO).
		MaxBurn balance.Balance
		// SyncBlocks is how many blocks pass between two syncs of the
		// metagraph (--neuron.sync_blocks).
		SyncBlocks uint64
		// Protocol is how the subnet's miners and validators talk:
		// ProtocolSynapse, ProtocolBtauth or ProtocolEpistula
		// (--neuron.protocol).
		Protocol string
		// Endpoints is where miners' signed-HTTP endpoints are published
		// and found: EndpointsAxon or EndpointsCommitment
		// (--neuron.endpoints).
		Endpoints string
		// PublicURL is the URL a miner commits with EndpointsCommitment;
		// "" for http://<axon.external_ip>:<port> (--neuron.public_url).
		PublicURL string
	}

	Logging struct {
		Debug bool // --logging.debug
	}

	// Logger, if set, receives the logs instead of a text log on standard
	// error at the level of Logging.Debug. It is not a flag.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults of every flag for a program called
// name: wallet default/default in ~/.bittensor/wallets, the local network,
// netuid 1, the axon on port 8091 of every interface, no automatic
// registration (at most 1 TAO when turned on), a metagraph sync every 5
// blocks, the synapse protocol.
func DefaultConfig(name string) Config {
	var c Config
	c.Name = name
	c.Wallet.Name, c.Wallet.Hotkey, c.Wallet.Path = wallet.DefaultName, wallet.DefaultHotkey, wallet.DefaultPath
	c.Subtensor.Network = subtensor.DefaultNetwork
	c.Netuid = 1
	c.Axon.Port = axon.DefaultPort
	c.Neuron.Register = RegisterNone
	c.Neuron.MaxBurn = balance.FromTAO(1)
	c.Neuron.SyncBlocks = 5
	c.Neuron.Protocol = ProtocolSynapse
	c.Neuron.Endpoints = EndpointsAxon
	return c
}

// AddFlags registers the flags of c on fs, with c's values as defaults.
// Flags with an environment variable (config.BindEnv) take it as Bittensor
// does: BT_WALLET_*, BT_SUBTENSOR_*, BT_AXON_*, BT_LOGGING_DEBUG.
func (c *Config) AddFlags(fs *pflag.FlagSet) {
	c.Wallet.AddFlags(fs)
	c.Subtensor.AddFlags(fs)
	fs.Uint16Var(&c.Netuid, "netuid", c.Netuid, "Subnet to work on")
	fs.StringVar(&c.Axon.IP, "axon.ip", c.Axon.IP, "Address the axon listens on (empty: every interface)")
	fs.IntVar(&c.Axon.Port, "axon.port", c.Axon.Port, "Port the axon listens on (0: any free port)")
	fs.StringVar(&c.Axon.ExternalIP, "axon.external_ip", c.Axon.ExternalIP, "Address announced on chain, where validators reach this machine (also sent by the validator's dendrite)")
	fs.IntVar(&c.Axon.ExternalPort, "axon.external_port", c.Axon.ExternalPort, "Port announced on chain (0: the listening port)")
	fs.IntVar(&c.Axon.MaxWorkers, "axon.max_workers", c.Axon.MaxWorkers, "Requests the axon handles at once (0: the axon's default, 16)")
	fs.StringVar(&c.Neuron.FullPath, "neuron.full_path", c.Neuron.FullPath, "Directory for the neuron's state (default ~/.bittensor/neurons/<wallet>/<hotkey>/netuid<N>/<program>)")
	fs.StringVar(&c.Neuron.Register, "neuron.register", c.Neuron.Register, "Register the hotkey if it is not: none, burn (paid by the coldkey) or pow")
	fs.Var((*taoValue)(&c.Neuron.MaxBurn), "neuron.max_burn", "Most TAO a burned registration may cost")
	fs.Uint64Var(&c.Neuron.SyncBlocks, "neuron.sync_blocks", c.Neuron.SyncBlocks, "Blocks between two syncs of the metagraph")
	fs.BoolVar(&c.Logging.Debug, "logging.debug", c.Logging.Debug, "Log debug messages")
	for flag, env := range map[string]string{
		"axon.ip": "BT_AXON_IP", "axon.port": "BT_AXON_PORT", "axon.external_ip": "BT_AXON_EXTERNAL_IP",
		"axon.external_port": "BT_AXON_EXTERNAL_PORT", "axon.max_workers": "BT_AXON_MAX_WORKERS", "logging.debug": "BT_LOGGING_DEBUG",
	} {
		config.BindEnv(fs, flag, env)
	}
	c.addProtocolFlag(fs)
	c.addEndpointFlags(fs)
}

// Validate checks c, naming the first flag that is wrong.
func (c *Config) Validate() error {
	for _, f := range [...]struct{ flag, v string }{{"wallet.name", c.Wallet.Name}, {"wallet.hotkey", c.Wallet.Hotkey}} {
		flag, v := f.flag, f.v
		if v == "" || v == "." || v == ".." || strings.ContainsAny(v, `/\`) {
			return fmt.Errorf("%w: --%s %q is not a usable name", ErrConfig, flag, v)
		}
	}
	if _, _, err := subtensor.ResolveNetwork(c.Subtensor.Target()); err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if c.Axon.Port < 0 || c.Axon.Port > 65535 {
		return fmt.Errorf("%w: --axon.port %d is outside 0..65535", ErrConfig, c.Axon.Port)
	}
	if c.Axon.ExternalPort < 0 || c.Axon.ExternalPort > 65535 {
		return fmt.Errorf("%w: --axon.external_port %d is outside 0..65535", ErrConfig, c.Axon.ExternalPort)
	}
	for _, f := range [...]struct{ flag, ip string }{{"axon.ip", c.Axon.IP}, {"axon.external_ip", c.Axon.ExternalIP}} {
		flag, ip := f.flag, f.ip
		if ip != "" {
			if _, err := netip.ParseAddr(strings.Trim(ip, "[]")); err != nil {
				return fmt.Errorf("%w: --%s %q is not an IP address", ErrConfig, flag, ip)
			}
		}
	}
	switch c.Neuron.Register {
	case RegisterNone, RegisterBurn, RegisterPoW:
	default:
		return fmt.Errorf("%w: --neuron.register %q: want none, burn or pow", ErrConfig, c.Neuron.Register)
	}
	if c.Neuron.SyncBlocks == 0 {
		return fmt.Errorf("%w: --neuron.sync_blocks must be at least 1", ErrConfig)
	}
	if err := c.validateProtocol(); err != nil {
		return err
	}
	return c.validateEndpoints()
}

// StateDir is the directory of the neuron's state files: Neuron.FullPath,
// or ~/.bittensor/neurons/<wallet>/<hotkey>/netuid<N>/<Name>.
func (c *Config) StateDir() string {
	if c.Neuron.FullPath != "" {
		return wallet.ExpandHome(c.Neuron.FullPath)
	}
	return wallet.ExpandHome(filepath.Join("~", ".bittensor", "neurons", c.Wallet.Name, c.Wallet.Hotkey, "netuid"+strconv.Itoa(int(c.Netuid)), c.Name))
}

// logger returns Logger, or a text logger on w at the level Logging.Debug
// asks for.
func (c *Config) logger(w io.Writer) *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	level := slog.LevelInfo
	if c.Logging.Debug {
		level = slog.LevelDebug
	}
	if w == nil {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})).With("neuron", c.Name)
}

// MinerConfig is a miner's configuration: Config and who may query it.
type MinerConfig struct {
	Config
	Blacklist struct {
		// ForceValidatorPermit refuses callers without a validator permit
		// (--blacklist.force_validator_permit).
		ForceValidatorPermit bool
		// AllowNonRegistered admits callers not registered on the subnet
		// (--blacklist.allow_non_registered).
		AllowNonRegistered bool
		// MinStake refuses callers with less stake (--blacklist.min_stake,
		// in TAO).
		MinStake balance.Balance
	}
}

// DefaultMinerConfig returns DefaultConfig(name) for a miner that answers
// registered validators only.
func DefaultMinerConfig(name string) MinerConfig {
	c := MinerConfig{Config: DefaultConfig(name)}
	c.Blacklist.ForceValidatorPermit = true
	return c
}

// AddFlags registers the miner's flags on fs.
func (c *MinerConfig) AddFlags(fs *pflag.FlagSet) {
	c.Config.AddFlags(fs)
	fs.BoolVar(&c.Blacklist.ForceValidatorPermit, "blacklist.force_validator_permit", c.Blacklist.ForceValidatorPermit, "Refuse callers without a validator permit")
	fs.BoolVar(&c.Blacklist.AllowNonRegistered, "blacklist.allow_non_registered", c.Blacklist.AllowNonRegistered, "Answer callers not registered on the subnet")
	fs.Var((*taoValue)(&c.Blacklist.MinStake), "blacklist.min_stake", "Refuse callers with less stake than this, in TAO")
}

// ValidatorConfig is a validator's configuration: Config and the rhythm of
// its loop.
type ValidatorConfig struct {
	Config
	// EpochLength is how many blocks pass between two set_weights
	// (--neuron.epoch_length); the subnet's weights rate limit applies too.
	EpochLength uint64
	// SampleSize is how many miners each round queries; 0 queries every
	// miner (--neuron.sample_size).
	SampleSize int
	// Alpha is the weight of a round's reward in the moving average of a
	// miner's score, in (0, 1] (--neuron.moving_average_alpha).
	Alpha float64
	// Timeout bounds each query (--neuron.timeout, in seconds).
	Timeout time.Duration
	// VersionKey is the version key sent with weights; it must be at least
	// the subnet's weights_version_key. Not a flag.
	VersionKey uint64
	// WeightsStaleTempos is how many of the subnet's tempos the chain's
	// last update of the validator's weights may age before the weights
	// supervisor warns (--neuron.weights_stale_tempos; 0: never).
	WeightsStaleTempos uint64
	// MetricsAddr is where the validator serves its Prometheus metrics
	// (/metrics), e.g. "127.0.0.1:9100"; empty serves none
	// (--neuron.metrics_addr).
	MetricsAddr string
}

// DefaultValidatorConfig returns DefaultConfig(name) for a validator that
// sets weights every 100 blocks, queries 16 miners a round with a 10 s
// timeout and averages rewards with alpha 0.1, as Bittensor's subnet
// template does.
func DefaultValidatorConfig(name string) ValidatorConfig {
	return ValidatorConfig{
		Config:      DefaultConfig(name),
		EpochLength: 100,
		SampleSize:  16,
		Alpha:       0.1,
		Timeout:     10 * time.Second,
		VersionKey:  synapse.DefaultVersion,

		WeightsStaleTempos: 2,
	}
}

// AddFlags registers the validator's flags on fs.
func (c *ValidatorConfig) AddFlags(fs *pflag.FlagSet) {
	c.Config.AddFlags(fs)
	fs.Uint64Var(&c.EpochLength, "neuron.epoch_length", c.EpochLength, "Blocks between two settings of weights")
	fs.IntVar(&c.SampleSize, "neuron.sample_size", c.SampleSize, "Miners queried each round (0: all)")
	fs.Float64Var(&c.Alpha, "neuron.moving_average_alpha", c.Alpha, "Weight of a round's reward in a miner's moving-average score, in (0, 1]")
	fs.Var((*secondsValue)(&c.Timeout), "neuron.timeout", "Timeout of each query, in seconds")
	fs.Uint64Var(&c.WeightsStaleTempos, "neuron.weights_stale_tempos", c.WeightsStaleTempos, "Warn when the chain's last update of this validator's weights is older than this many tempos (0: never)")
	fs.StringVar(&c.MetricsAddr, "neuron.metrics_addr", c.MetricsAddr, "Serve Prometheus metrics (/metrics) on this address, e.g. 127.0.0.1:9100 (empty: none)")
}

// Validate checks c, naming the first flag that is wrong.
func (c *ValidatorConfig) Validate() error {
	if err := c.Config.Validate(); err != nil {
		return err
	}
	switch {
	case c.EpochLength == 0:
		return fmt.Errorf("%w: --neuron.epoch_length must be at least 1", ErrConfig)
	case c.SampleSize < 0:
		return fmt.Errorf("%w: --neuron.sample_size %d is negative", ErrConfig, c.SampleSize)
	case !(c.Alpha > 0 && c.Alpha <= 1):
		return fmt.Errorf("%w: --neuron.moving_average_alpha %v is outside (0, 1]", ErrConfig, c.Alpha)
	case c.Timeout <= 0:
		return fmt.Errorf("%w: --neuron.timeout must be positive", ErrConfig)
	}
	return nil
}

// taoValue is a balance flag written in TAO.
type taoValue balance.Balance

func (v *taoValue) String() string { return balance.Balance(*v).TAOString() }
func (v *taoValue) Type() string   { return "TAO" }
func (v *taoValue) Set(s string) error {
	b, err := balance.ParseTAO(s)
	if err != nil {
		return err
	}
	*v = taoValue(b)
	return nil
}

// secondsValue is a duration flag written in seconds ("10", "0.5"), as
// Bittensor's timeouts are; "1.5s" style durations are accepted too.
type secondsValue time.Duration

func (v *secondsValue) String() string {
	return strconv.FormatFloat(time.Duration(*v).Seconds(), 'f', -1, 64)
}
func (v *secondsValue) Type() string { return "seconds" }
func (v *secondsValue) Set(s string) error {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > 1e6 {
			return fmt.Errorf("%v seconds is out of range", f)
		}
		*v = secondsValue(time.Duration(f * float64(time.Second)))
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is neither seconds nor a duration", s)
	}
	*v = secondsValue(d)
	return nil
}
