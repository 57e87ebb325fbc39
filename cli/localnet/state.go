package localnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/neuron"
)

// A localnet home holds everything of one local network:
//
//	localnet.json     the network's description (State)
//	chain/            the dev chain's node home
//	wallets/          one wallet per member (owner, validator1…, miner1…)
//	neurons/<name>/   each neuron's state (a validator's scores)
//	logs/<name>.log   each process's output (node, validator1, miner1, …)
//	run/<name>.pid    the process ids of the running processes
type home string

func (h home) stateFile() string            { return filepath.Join(string(h), "localnet.json") }
func (h home) chainDir() string             { return filepath.Join(string(h), "chain") }
func (h home) walletDir() string            { return filepath.Join(string(h), "wallets") }
func (h home) neuronDir(name string) string { return filepath.Join(string(h), "neurons", name) }
func (h home) logFile(name string) string   { return filepath.Join(string(h), "logs", name+".log") }
func (h home) pidFile(name string) string   { return filepath.Join(string(h), "run", name+".pid") }

// stateVersion is the format of localnet.json.
const stateVersion = 1

// Roles of the members of a localnet.
const (
	roleOwner     = "owner"
	roleValidator = "validator"
	roleMiner     = "miner"
)

// nodeName is the process name of the chain.
const nodeName = "node"

// State describes a localnet: what `up` created and what `up` (to resume),
// `status` and `down` read.
type State struct {
	Version int `json:"version"`
	// Ready is set once setup finished: the subnet exists and every member
	// is registered.
	Ready   bool      `json:"ready"`
	Created time.Time `json:"created"`
	// Subnet is the reference subnet the neurons run (tensor or text).
	Subnet string `json:"subnet"`
	Netuid uint16 `json:"netuid"`
	// ChainID, RPC (host:port) and BlockTime describe the dev chain.
	ChainID   string   `json:"chain_id"`
	RPC       string   `json:"rpc"`
	BlockTime Duration `json:"block_time"`
	// Tempo is the subnets' tempo: an epoch every Tempo+1 blocks.
	Tempo uint16 `json:"tempo"`
	// ExternalIP is the address miners announce on chain (see up's help).
	ExternalIP string `json:"external_ip"`
	// Protocol is how the neurons talk (--neuron.protocol); "" is the
	// synapse protocol, as in networks made before the flag existed.
	Protocol string `json:"protocol,omitempty"`
	// Owner owns the subnet and is the root validator that directs
	// emission to it; Neurons are the validators then the miners.
	Owner   Member   `json:"owner"`
	Neurons []Member `json:"neurons"`
}

// Member is one wallet of the network and, for neurons, its process.
type Member struct {
	Name    string `json:"name"` // wallet name and process name
	Role    string `json:"role"`
	Hotkey  string `json:"hotkey"` // SS58
	Coldkey string `json:"coldkey"`
	// Wrong marks a miner started with --miner.wrong.
	Wrong bool `json:"wrong,omitempty"`
}

// protocol is the neurons' protocol, never "".
func (s *State) protocol() string {
	if s.Protocol == "" {
		return neuron.ProtocolSynapse
	}
	return s.Protocol
}

// member returns the member with a hotkey.
func (s *State) member(hotkey string) (Member, bool) {
	if s.Owner.Hotkey == hotkey {
		return s.Owner, true
	}
	for _, m := range s.Neurons {
		if m.Hotkey == hotkey {
			return m, true
		}
	}
	return Member{}, false
}

// processes returns the names of the network's processes: the neurons in
// order (validators, then miners), the node last.
func (s *State) processes() []string {
	var out []string
	for _, m := range s.Neurons {
		out = append(out, m.Name)
	}
	return append(out, nodeName)
}

// Duration is a time.Duration written as text ("250ms") in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a duration written as text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// errNoState is returned by loadState for a home without localnet.json.
var errNoState = errors.New("localnet: no network in this home")

// loadState reads a home's localnet.json.
func loadState(h home) (*State, error) {
	b, err := os.ReadFile(h.stateFile())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s)", errNoState, h)
	}
	if err != nil {
		return nil, fmt.Errorf("localnet: %w", err)
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("localnet: %s is not a localnet description: %w", h.stateFile(), err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("localnet: %s has format %d; this btcli reads %d (use --reset)", h.stateFile(), st.Version, stateVersion)
	}
	return &st, nil
}

// LoadState reads the description of the localnet in dir (a home made by
// `btcli localnet up`).
func LoadState(dir string) (*State, error) { return loadState(home(dir)) }

// ChainDir is the node home of the localnet in dir.
func ChainDir(dir string) string { return home(dir).chainDir() }

// saveState writes localnet.json atomically.
func saveState(h home, st *State) error {
	st.Version = stateVersion
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("localnet: %w", err)
	}
	tmp := h.stateFile() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("localnet: %w", err)
	}
	if err := os.Rename(tmp, h.stateFile()); err != nil {
		return fmt.Errorf("localnet: %w", err)
	}
	return nil
}

// readPid returns the process id recorded for a process, if any.
func readPid(h home, name string) (int, bool) {
	b, err := os.ReadFile(h.pidFile(name))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

func writePid(h home, name string, pid int) error {
	if err := os.MkdirAll(filepath.Dir(h.pidFile(name)), 0o700); err != nil {
		return fmt.Errorf("localnet: %w", err)
	}
	return os.WriteFile(h.pidFile(name), []byte(strconv.Itoa(pid)+"\n"), 0o600)
}

// running returns the recorded processes that are alive, by name; with no
// state, the node alone.
func running(h home, st *State) map[string]int {
	names := []string{nodeName}
	if st != nil {
		names = st.processes()
	}
	out := map[string]int{}
	for _, n := range names {
		if pid, ok := readPid(h, n); ok && alive(pid) {
			out[n] = pid
		}
	}
	return out
}
