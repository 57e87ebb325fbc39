// Package node runs the subtensor chain on CometBFT: it lays out node home
// directories (configuration, keys, genesis, data), builds genesis for
// development and multi-validator networks, and starts and stops a node with
// the chain application embedded in the same process.
//
// A home directory looks like CometBFT's:
//
//	<home>/config/config.toml          CometBFT settings (editable)
//	<home>/config/genesis.json         the network's genesis; app_state is chain.Genesis
//	<home>/config/node_key.json        p2p identity
//	<home>/config/priv_validator_key.json
//	<home>/data/                       block store, consensus state, application state
package node
