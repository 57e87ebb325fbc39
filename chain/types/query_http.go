package types

// A node also answers its queries over plain HTTP beside CometBFT's RPC, on
// the same address: the same paths, heights and answers, with the answer's
// bytes as the response body. CometBFT's abci_query carries an answer as
// base64 inside JSON, which its reflection-based encoder and decoder walk
// byte by byte on both sides; for the neurons of a large subnet (megabytes)
// that costs several times what building the answer does.
//
// A node advertises the route at NodeRoutesPath; a node that answers 404
// there (one from before the route) has only CometBFT's RPC, and clients
// fall back to abci_query.
//
// The request: GET <rpc>QueryRoutePath?path=<path>[&height=<h>][&data=0x<hex>],
// or POST with the query data as the body (for data larger than a URL
// should carry, such as a transaction for QueryFee). height 0 or absent
// means the latest committed block.
//
// The answer: HTTP 200 with the answer's bytes (JSON, or CBOR when asked
// with AnswerCBOR) and the height it describes in QueryHeightHeader; a query
// the chain refuses is HTTP 400 with a QueryFailure as JSON; a node busy
// with other large requests answers 503.
const (
	// NodeRoutesPath answers NodeRoutes (GET, JSON).
	NodeRoutesPath = "/go-bittensor"
	// QueryRoutePath is the query route a node of this release serves.
	QueryRoutePath = "/go-bittensor/query"
	// QueryHeightHeader is the response header holding the height an answer
	// describes (decimal).
	QueryHeightHeader = "Query-Height"
)

// NodeRoutes is a node's advertisement of its HTTP routes beside
// CometBFT's RPC, at NodeRoutesPath. Paths are relative to the RPC
// endpoint (a node behind a reverse proxy under a prefix keeps it). An
// empty field means the node does not serve that route.
type NodeRoutes struct {
	// Query is the query route (QueryRoutePath on this release).
	Query string `json:"query,omitempty"`
	// MaxQueryDataBytes is the largest query data the node reads from a
	// POST body (its RPC's max_body_bytes).
	MaxQueryDataBytes int64 `json:"max_query_data_bytes,omitempty"`
}

// QueryFailure is the body of a query the chain refused on the query
// route: the fields of CometBFT's abci_query response for a non-zero code.
type QueryFailure struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Log       string `json:"log"`
	Height    int64  `json:"height"`
}
