package subtensor

import (
	"context"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// Chain is a connection to a subtensor chain, whichever its backend: a
// go-bittensor node (CometBFTClient) or a Bittensor Substrate node such as
// finney's (SubstrateClient). Connect returns one. Every method is safe for
// concurrent use.
//
// Chain is the union of the method groups below. Code that uses a chain
// should ask for the group or the few methods it calls, as an interface of
// its own (metagraph.Chain, neuron.Chain), so that any backend, or a test's
// own implementation, fits.
//
// Reads take atBlock, the block to read at: 0 is the latest block. Writes
// take a Signer (the key that signs: a coldkey or hotkey) and a Wait that
// says how far to go: send and return, wait for the block, or only ask the
// chain what would happen (DryRun, FeeOnly). A refusal by the chain is a
// *types.ChainError that matches the sentinel errors of chain/types under
// errors.Is (for example types.ErrInsufficientBalance); on a Substrate chain
// the error also carries the runtime's own pallet, name and documentation.
// A method the connected chain does not offer returns an error matching
// ErrNotSupported that names it.
type Chain interface {
	Conn
	Blocks
	Accounts
	Subnets
	Neurons
	Registration
	Staking
	Weights
	Serving
	Root
	Governance
}

// Conn is the connection itself.
type Conn interface {
	// Network is the network's name: "local", "finney", "test", "archive",
	// or "unknown" for another endpoint.
	Network() string
	// Endpoint is the node's URL.
	Endpoint() string
	// ChainID names the chain: a CometBFT chain id, or a Substrate chain's
	// name and genesis hash.
	ChainID() string
	// Close releases the connection. Calls after Close fail.
	Close() error
}

// Blocks reads and follows the chain's blocks.
type Blocks interface {
	// GetCurrentBlock returns the number of the latest block.
	GetCurrentBlock(ctx context.Context) (uint64, error)
	// GetBlockHash returns the hash of a block by number.
	GetBlockHash(ctx context.Context, height uint64) ([32]byte, error)
	// SubscribeBlocks delivers every new block in order until ctx is done,
	// across reconnects; then it closes the channel.
	SubscribeBlocks(ctx context.Context) (<-chan Block, error)
}

// Accounts reads balances and moves them.
type Accounts interface {
	GetAccount(ctx context.Context, addr types.AccountID, atBlock uint64) (types.AccountInfo, error)
	GetBalance(ctx context.Context, addr types.AccountID, atBlock uint64) (balance.Balance, error)
	TotalIssuance(ctx context.Context, atBlock uint64) (balance.Balance, error)
	ExistentialDeposit(ctx context.Context) (balance.Balance, error)
	// Params returns the chain's global parameters; a backend fills what its
	// chain has (a Substrate runtime: from its constants and storage).
	Params(ctx context.Context) (types.Params, error)
	Transfer(ctx context.Context, from Signer, dest types.AccountID, amount balance.Balance, keepAlive bool, wait Wait) (*TxResult, error)
}

// Subnets reads and changes subnets and their hyperparameters.
type Subnets interface {
	GetSubnets(ctx context.Context, atBlock uint64) ([]types.SubnetInfo, error)
	GetSubnet(ctx context.Context, netuid uint16, atBlock uint64) (types.SubnetInfo, error)
	SubnetExists(ctx context.Context, netuid uint16, atBlock uint64) (bool, error)
	GetHyperparameters(ctx context.Context, netuid uint16, atBlock uint64) (types.Hyperparams, error)
	GetLockCost(ctx context.Context, atBlock uint64) (types.LockCostInfo, error)
	// RegisterNetwork registers a subnet owned by coldkey; hotkey is its
	// owner hotkey where the chain asks for one (Substrate).
	RegisterNetwork(ctx context.Context, coldkey Signer, hotkey types.AccountID, maxLock balance.Balance, wait Wait) (uint16, *TxResult, error)
	DissolveNetwork(ctx context.Context, coldkey Signer, netuid uint16, wait Wait) (*TxResult, error)
	SetHyperparameter(ctx context.Context, signer Signer, netuid uint16, name string, value uint64, wait Wait) (*TxResult, error)
}

// Neurons reads a subnet's neurons and hotkeys.
type Neurons interface {
	// Neurons returns every neuron of a subnet with its weights and bonds;
	// NeuronsLite without them.
	Neurons(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error)
	NeuronsLite(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error)
	Neuron(ctx context.Context, netuid, uid uint16, atBlock uint64) (types.NeuronInfo, error)
	NeuronForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (types.NeuronInfo, error)
	GetHotkey(ctx context.Context, hotkey types.AccountID, atBlock uint64) (types.HotkeyInfo, error)
	UIDForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (uint16, bool, error)
	IsHotkeyRegistered(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (bool, error)
}

// Registration registers hotkeys on subnets and moves them.
type Registration interface {
	BurnedRegister(ctx context.Context, coldkey Signer, netuid uint16, hotkey types.AccountID, maxBurn balance.Balance, wait Wait) (uint16, *TxResult, error)
	Register(ctx context.Context, hotkey Signer, coldkey types.AccountID, netuid uint16, opts RegisterOptions) (uint16, *TxResult, error)
	SolvePoW(ctx context.Context, key types.AccountID, difficulty uint64, opts PowOptions) (*PowSolution, error)
	Faucet(ctx context.Context, coldkey Signer, opts PowOptions) (*TxResult, error)
	SwapHotkey(ctx context.Context, coldkey Signer, oldHotkey, newHotkey types.AccountID, wait Wait) (*TxResult, error)
}

// Staking reads and moves stake and delegation.
type Staking interface {
	AddStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error)
	RemoveStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error)
	Nominate(ctx context.Context, coldkey Signer, delegate types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error)
	BecomeDelegate(ctx context.Context, coldkey Signer, hotkey types.AccountID, wait Wait) (*TxResult, error)
	GetStake(ctx context.Context, coldkey, hotkey types.AccountID, atBlock uint64) (balance.Balance, error)
	GetColdkeyStake(ctx context.Context, coldkey types.AccountID, atBlock uint64) (types.ColdkeyStake, error)
	GetTotalStakeForHotkey(ctx context.Context, hotkey types.AccountID, atBlock uint64) (balance.Balance, error)
	TotalStake(ctx context.Context, atBlock uint64) (balance.Balance, error)
	GetDelegates(ctx context.Context, atBlock uint64) ([]types.DelegateInfo, error)
	GetDelegate(ctx context.Context, hotkey types.AccountID, atBlock uint64) (types.DelegateInfo, error)
	GetDelegated(ctx context.Context, coldkey types.AccountID, atBlock uint64) ([]types.DelegatedInfo, error)
}

// Weights sets a validator's weights.
type Weights interface {
	SetWeights(ctx context.Context, hotkey Signer, netuid uint16, uids, weights []uint16, versionKey uint64, wait Wait) (*TxResult, error)
}

// Serving publishes a neuron's endpoints.
type Serving interface {
	ServeAxon(ctx context.Context, hotkey Signer, netuid uint16, e AxonEndpoint, wait Wait) (*TxResult, error)
	ServePrometheus(ctx context.Context, hotkey Signer, netuid uint16, ipText string, port uint16, version uint32, wait Wait) (*TxResult, error)
}

// Root is the root network (netuid 0).
type Root interface {
	RootRegister(ctx context.Context, coldkey Signer, hotkey types.AccountID, wait Wait) (uint16, *TxResult, error)
	RootSetWeights(ctx context.Context, hotkey Signer, netuids []uint16, weights []float64, wait Wait) (*TxResult, error)
	RootNeurons(ctx context.Context, atBlock uint64) (types.RootNeurons, error)
	GetRootWeights(ctx context.Context, atBlock uint64) (types.RootWeights, error)
}

// Governance is the triumvirate and the senate.
type Governance interface {
	Senate(ctx context.Context, atBlock uint64) (types.SenateInfo, error)
	IsSenateMember(ctx context.Context, hotkey types.AccountID, atBlock uint64) (bool, error)
	Triumvirate(ctx context.Context, atBlock uint64) (types.TriumvirateInfo, error)
	Proposals(ctx context.Context, atBlock uint64) (types.ProposalsInfo, error)
	Proposal(ctx context.Context, h types.Hash, atBlock uint64) (types.ProposalInfo, error)
	Propose(ctx context.Context, member Signer, call types.CallArgs, duration uint64, wait Wait) (ProposalRef, *TxResult, error)
	Vote(ctx context.Context, coldkey Signer, hotkey types.AccountID, p ProposalRef, approve bool, wait Wait) (*TxResult, error)
	CloseProposal(ctx context.Context, signer Signer, p ProposalRef, wait Wait) (*CloseOutcome, *TxResult, error)
	DisapproveProposal(ctx context.Context, sudo Signer, h types.Hash, wait Wait) (*TxResult, error)
	AddMember(ctx context.Context, sudo Signer, col types.Collective, who types.AccountID, wait Wait) (*TxResult, error)
	RemoveMember(ctx context.Context, sudo Signer, col types.Collective, who types.AccountID, wait Wait) (*TxResult, error)
}

var _ Chain = (*CometBFTClient)(nil)
