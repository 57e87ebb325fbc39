package node

import (
	"context"

	abcicli "github.com/cometbft/cometbft/abci/client"
	abci "github.com/cometbft/cometbft/abci/types"
)

// concurrentQueries is the ABCI client creator of a node: like CometBFT's
// proxy.NewConnSyncLocalClientCreator, one in-process client per
// connection (consensus, mempool, query, snapshot), each serialising its
// own calls, except that queries are not serialised. CometBFT's RPC serves
// each request on its own goroutine but its local clients take one lock per
// call, so a single slow query would hold up every other, /next_nonce
// included. The chain answers queries concurrently and safely: each reads an
// immutable committed version of its state (chain.App.Query).
type concurrentQueries struct{ app abci.Application }

func (c concurrentQueries) NewABCIClient() (abcicli.Client, error) {
	return &queryClient{Client: abcicli.NewLocalClient(nil, c.app), app: c.app}, nil
}

// queryClient is a local client whose Query bypasses the client's lock.
type queryClient struct {
	abcicli.Client
	app abci.Application
}

func (q *queryClient) Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	return q.app.Query(ctx, req)
}
