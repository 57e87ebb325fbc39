package neuron

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// stateFile is the validator's state file in Config.StateDir.
const stateFile = "state.json"

// stateVersion is the format of the state file.
const stateVersion = 1

// validatorState is what a validator keeps across restarts: its
// moving-average scores, each tied to the hotkey it was earned by (a uid
// taken over by another hotkey starts again from 0), its step count and
// the block of its last weights.
type validatorState struct {
	Version      int          `json:"version"`
	Netuid       uint16       `json:"netuid"`
	Hotkey       string       `json:"hotkey"`
	Step         uint64       `json:"step"`
	Block        uint64       `json:"block"`
	WeightsBlock uint64       `json:"weights_block"`
	Scores       []scoreEntry `json:"scores"`
}

type scoreEntry struct {
	UID    uint16  `json:"uid"`
	Hotkey string  `json:"hotkey"`
	Score  float64 `json:"score"`
}

// errCorruptState is wrapped when a state file cannot be read as one.
var errCorruptState = errors.New("neuron: corrupt state file")

// loadState reads a state file; (nil, nil) if there is none. A file that
// does not parse is moved aside (to <file>.corrupt-<unix time>) and
// reported with errCorruptState, so that it is neither used nor lost.
func loadState(path string) (*validatorState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("neuron: read state: %w", err)
	}
	var st validatorState
	if err := json.Unmarshal(b, &st); err != nil || st.Version != stateVersion {
		aside := path + ".corrupt-" + strconv.FormatInt(time.Now().Unix(), 10)
		_ = os.Rename(path, aside)
		if err == nil {
			err = fmt.Errorf("version %d, want %d", st.Version, stateVersion)
		}
		return nil, fmt.Errorf("%w %s (moved to %s): %v", errCorruptState, path, aside, err)
	}
	return &st, nil
}

// saveState writes a state file atomically (a temporary file renamed over
// it), creating its directory.
func saveState(path string, st *validatorState) error {
	st.Version = stateVersion
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return fmt.Errorf("neuron: encode state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("neuron: state directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return fmt.Errorf("neuron: write state: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("neuron: write state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("neuron: write state: %w", err)
	}
	return nil
}
