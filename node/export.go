package node

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain"
)

// ExportOptions choose what Export writes.
type ExportOptions struct {
	// Height is the block after which to take the state (0: the latest the
	// node committed). The genesis's own height, initial_height − 1,
	// exports the state the chain started from.
	Height int64
	// ChainID names the network that continues from the export (default:
	// the exported one's). Give a new one when the old network may go on,
	// so that no signature is valid on both.
	ChainID string
}

// Export writes the state of a stopped node's chain at a height as a
// genesis document: the network's genesis.json with its app_state replaced
// by the state (chain.Export: JSON in key order, the same bytes for the
// same state), its initial_height the next block and its app version the
// state's. The validators and consensus parameters are the network's: the
// chain never changes its validator set. A network started from the
// document (subtensor init --genesis) continues from the state.
//
// The node must be stopped: its application database is opened directly.
// A node that never committed a block exports its genesis state.
func Export(home string, o ExportOptions) ([]byte, error) {
	cfg, err := loadConfig(home)
	if err != nil {
		return nil, err
	}
	doc, err := cmttypes.GenesisDocFromFile(cfg.GenesisFile())
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if o.Height < 0 {
		return nil, fmt.Errorf("node: export height %d is negative", o.Height)
	}
	var e *chain.Export
	stored := filepath.Join(cfg.DBDir(), "application.db")
	_, statErr := os.Stat(stored)
	switch {
	case o.Height != 0 && o.Height == doc.InitialHeight-1, o.Height == 0 && errors.Is(statErr, os.ErrNotExist):
		e, err = exportGenesis(doc)
	case statErr != nil:
		return nil, fmt.Errorf("node: %s keeps no chain state (%v)", home, statErr)
	default:
		e, err = exportStored(cfg.DBDir(), o.Height)
		if errors.Is(err, chain.ErrNoState) && o.Height == 0 {
			e, err = exportGenesis(doc) // started, but never committed a block
		}
	}
	if err != nil {
		return nil, err
	}
	out := *doc
	params := *doc.ConsensusParams
	params.Version.App = e.AppVersion
	out.ConsensusParams = &params
	out.InitialHeight = int64(e.Height) + 1
	if o.ChainID != "" {
		out.ChainID = o.ChainID
	}
	if out.AppState, err = e.AppState(); err != nil {
		return nil, err
	}
	if err := out.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("node: exported genesis: %w", err)
	}
	b, err := cmtjson.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("node: encode exported genesis: %w", err)
	}
	return append(b, '\n'), nil
}

// exportStored exports the state a node's application database keeps at
// height.
func exportStored(dir string, height int64) (*chain.Export, error) {
	db, err := iavldb.NewGoLevelDB("application", dir)
	if err != nil {
		return nil, fmt.Errorf("node: open application state in %s (is the node running? stop it first): %w", dir, err)
	}
	defer db.Close()
	return chain.ExportDB(db, height)
}

// exportGenesis exports the state the genesis document starts the chain
// from.
func exportGenesis(doc *cmttypes.GenesisDoc) (*chain.Export, error) {
	params := doc.ConsensusParams.ToProto()
	return chain.ExportGenesis(&abci.RequestInitChain{Time: doc.GenesisTime, ChainId: doc.ChainID,
		InitialHeight: doc.InitialHeight, ConsensusParams: &params, AppStateBytes: doc.AppState})
}

// IsGenesisValidator reports whether the home's validator key is one of
// its genesis's validators (otherwise the node follows the chain without
// voting).
func IsGenesisValidator(home string) (bool, error) {
	cfg, err := loadConfig(home)
	if err != nil {
		return false, err
	}
	doc, err := cmttypes.GenesisDocFromFile(cfg.GenesisFile())
	if err != nil {
		return false, fmt.Errorf("node: %w", err)
	}
	b, err := os.ReadFile(cfg.PrivValidatorKeyFile())
	if err != nil {
		return false, fmt.Errorf("node: validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(b, &key); err != nil {
		return false, fmt.Errorf("node: validator key %s: %w", cfg.PrivValidatorKeyFile(), err)
	}
	for _, v := range doc.Validators {
		if bytes.Equal(v.Address, key.Address) {
			return true, nil
		}
	}
	return false, nil
}
