package types

// Query paths the node answers (ABCI query; over CometBFT RPC as
// /abci_query?path="..."&height=N). Every path answers JSON. A path that
// names an account takes the SS58 address as its last segment; height 0 (or
// absent) means the latest committed block.
const (
	// QueryBlock answers BlockInfo for the queried height.
	QueryBlock = "/block"
	// QueryBlockHash + "/<height>" answers BlockInfo with the block's hash,
	// for heights the chain still keeps in state (the last BlockHashCount).
	QueryBlockHash = "/block_hash"
	// QueryAccount + "/<ss58>" answers AccountInfo.
	QueryAccount = "/account"
	// QueryNextNonce + "/<ss58>" answers NonceInfo with the nonce the next
	// transaction of the account must use, counting transactions the node
	// has accepted into its mempool (always at the latest state).
	QueryNextNonce = "/next_nonce"
	// QueryTotalIssuance answers Issuance.
	QueryTotalIssuance = "/total_issuance"
	// QueryParams answers the chain's Params.
	QueryParams = "/params"
	// QueryFee answers FeeInfo for the transaction in the query data (the
	// encoded transaction; its signature may be absent).
	QueryFee = "/fee"
	// QueryDryRun answers DryRunInfo for the transaction in the query data:
	// what would happen if it were submitted now. It runs every check and
	// the call on the mempool's view of state (as CheckTx does) and keeps
	// nothing; a transaction that would be refused or fail answers the
	// chain's error instead, with its code and message. An unsigned
	// transaction (no signature) skips only the signature check.
	QueryDryRun = "/dry_run"
)

// MaxQueryPathLength is the longest query path the node answers, in bytes.
// The longest path it knows (QueryStake with two SS58 addresses) is about
// 110 bytes; a longer one is refused before any part of it is parsed.
const MaxQueryPathLength = 256

// BlockHashCount is how many recent block hashes the chain keeps in state
// for proof-of-work checks and queries (as Substrate's BlockHashCount).
const BlockHashCount = 2400

// BlockInfo is the answer to QueryBlock and QueryBlockHash.
type BlockInfo struct {
	Height uint64 `json:"height"`
	Hash   string `json:"hash,omitempty"` // 0x-hex block hash
}

// AccountInfo is the answer to QueryAccount.
type AccountInfo struct {
	Address AccountID `json:"address"`
	Free    uint64    `json:"free"`  // RAO
	Nonce   uint64    `json:"nonce"` // transactions committed from the account
	Height  uint64    `json:"height"`
}

// NonceInfo is the answer to QueryNextNonce.
type NonceInfo struct {
	Address   AccountID `json:"address"`
	NextNonce uint64    `json:"next_nonce"`
}

// Issuance is the answer to QueryTotalIssuance: every RAO in existence, in
// free balances, stake and subnet locks.
type Issuance struct {
	TotalIssuance uint64 `json:"total_issuance"`
	Height        uint64 `json:"height"`
}

// FeeInfo is the answer to QueryFee.
type FeeInfo struct {
	Call string `json:"call"`
	Fee  uint64 `json:"fee"` // RAO
	Size int    `json:"size"`
}

// DryRunInfo is the answer to QueryDryRun for a transaction that would
// succeed: its fee and the events its call would emit.
type DryRunInfo struct {
	Call   string    `json:"call"`
	Fee    uint64    `json:"fee"` // RAO
	Size   int       `json:"size"`
	Events []TxEvent `json:"events"`
}

// TxEvent is one event a call emits: its kind and attributes in order.
type TxEvent struct {
	Type  string      `json:"type"`
	Attrs [][2]string `json:"attrs"`
}
