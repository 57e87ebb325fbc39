package types

// Query paths of emission and epochs. Like every path they answer JSON at
// the latest height or the one the query names.
const (
	// QueryEmission answers EmissionInfo: the block emission at the current
	// total issuance and every subnet's emission state.
	QueryEmission = "/emission"
	// QueryEpochInput + "/<netuid>" answers the input of the subnet's next
	// epoch after the queried height, as the chain will gather it if no
	// transaction changes the state before it runs, in the JSON of
	// chain/yuma's SimInput (for netuid 0, the next root epoch's input as
	// chain/yuma's SimRootInput). Its "block" is the block the epoch runs
	// at. `btcli subnets simulate --netuid` runs it through the same epoch
	// the chain runs. Computing it runs the chain's per-block step forward
	// on a copy of the state, up to one tempo of blocks.
	QueryEpochInput = "/epoch_input"
)

// EmissionInfo is the answer to QueryEmission.
type EmissionInfo struct {
	// TotalIssuance is every RAO in existence.
	TotalIssuance uint64 `json:"total_issuance"`
	// BlockEmission is the RAO per block the halving rule gives at
	// TotalIssuance: what the next root epoch shares among the subnets.
	BlockEmission uint64 `json:"block_emission"`
	// Subnets are every subnet's emission state, root included, by netuid.
	Subnets []SubnetEmissionInfo `json:"subnets"`
	Height  uint64               `json:"height"`
}

// SubnetEmissionInfo is one subnet's emission state.
type SubnetEmissionInfo struct {
	Netuid uint16 `json:"netuid"`
	// Tempo is the number of blocks between the subnet's epochs (an epoch
	// runs every tempo+1 blocks).
	Tempo uint16 `json:"tempo"`
	// EmissionValue is the subnet's share of each block's emission, in RAO,
	// as the last root epoch set it (the owner's cut included; never paid
	// for the root network).
	EmissionValue uint64 `json:"emission_value"`
	// PendingEmission is the RAO the subnet's next epoch will distribute so
	// far (not minted until paid).
	PendingEmission uint64 `json:"pending_emission"`
	// BlocksSinceLastStep counts the blocks since the subnet's last epoch;
	// LastStepBlock is that epoch's block (0 if none yet).
	BlocksSinceLastStep uint64 `json:"blocks_since_last_step"`
	LastStepBlock       uint64 `json:"last_step_block"`
	// NextEpochBlock is the first block after Height at which the subnet's
	// epoch (the root epoch for netuid 0) runs.
	NextEpochBlock uint64 `json:"next_epoch_block"`
	// Loaded are the payouts the subnet's last epoch loaded, paid at the
	// start of the next block (empty once paid).
	Loaded []LoadedEmissionInfo `json:"loaded"`
}

// LoadedEmissionInfo is one payout waiting for the next block: what the
// hotkey earned as a server (incentive) and as a validator (dividends), in
// RAO.
type LoadedEmissionInfo struct {
	Hotkey    AccountID `json:"hotkey"`
	Server    uint64    `json:"server"`
	Validator uint64    `json:"validator"`
}
