package chain

import (
	"context"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// TestQueryRefusesHugePathsBriefly: a path carrying a huge or over-long
// account is refused with a short error whatever its length, and the
// paths near the bound still parse.
func TestQueryRefusesHugePathsBriefly(t *testing.T) {
	c := newSubtensorChain(t, weightsGenesis(t))
	c.run()
	alice := key(t, "//Alice").SS58Address()
	huge := strings.Repeat("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 1<<11) // 96 KiB
	long := strings.Repeat("z", 150)
	tests := []struct {
		path string
		want *types.Error
	}{
		{types.QueryAccount + "/" + huge, types.ErrQuery},
		{types.QueryNextNonce + "/" + huge, types.ErrQuery},
		{types.QueryStake + "/" + alice + "/" + huge, types.ErrQuery},
		{types.QueryNeuron + "/1/" + huge, types.ErrQuery},
		{"/" + huge, types.ErrQuery},
		{types.QueryAccount + "/" + long, types.ErrQuery},
		{types.QueryNextNonce + "/" + long, types.ErrQuery},
		{types.QueryDelegate + "/" + long, types.ErrQuery},
		{types.QueryNeuron + "/1/" + long, types.ErrQuery},
		{types.QueryStake + "/" + long + "/" + alice, types.ErrQuery},
		{types.QueryAccount + "/" + strings.Repeat(" ", types.MaxQueryPathLength), types.ErrQuery},
		// Bytes that are not printable ASCII: quoted, each would take four.
		{"/par" + strings.Repeat("\xc9", types.MaxQueryPathLength-4), types.ErrQuery},
		{types.QueryAccount + "/" + strings.Repeat("\u0085", 100), types.ErrQuery},
		{types.QuerySubnet + "/1\x00", types.ErrQuery},
	}
	for _, tt := range tests {
		name := tt.path
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: tt.path})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Code != tt.want.Code {
				t.Fatalf("code %d (%s), want %s", resp.Code, resp.Log, tt.want.Name)
			}
			if len(resp.Log) > 300 {
				t.Errorf("error of %d bytes for a path of %d: it must not echo the path", len(resp.Log), len(tt.path))
			}
		})
	}
	for _, path := range []string{
		types.QueryAccount + "/" + alice,
		types.QueryAccount + "/  " + alice,
		types.QueryStake + "/" + alice + "/" + alice,
		types.QueryNextNonce + "/" + alice,
	} {
		resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path})
		if err != nil || resp.Code != 0 {
			t.Errorf("%s: %v %s", path, err, resp.Log)
		}
	}
}

// TestQueryBudget: a query whose context has ended stops reading state and
// answers QueryTimeout, whatever it asked for; the same queries answer
// under a live context. (The node gives each query a deadline through
// Options.QueryContext.)
func TestQueryBudget(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name string
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		want uint32
	}{
		{"ended", func(context.Context) (context.Context, context.CancelFunc) { return ended, func() {} }, types.ErrQueryTimeout.Code},
		{"live", func(ctx context.Context) (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &subtensorChain{testChain: newTestChainWith(t, weightsGenesis(t), Options{QueryContext: tt.ctx})}
			c.run()
			dry := c.tx(key(t, "//Alice"), 0, &types.Transfer{Dest: id(t, "//Bob"), Value: tao})
			for _, q := range []struct {
				path string
				data []byte
			}{{types.QueryNeurons + "/1", nil}, {types.QueryDelegates, nil}, {types.QueryAccount + "/" + key(t, "//Alice").SS58Address(), nil}, {types.QueryParams, nil}, {types.QueryDryRun, dry}} {
				path := q.path
				resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path, Data: q.data})
				if err != nil {
					t.Fatal(err)
				}
				if resp.Code != tt.want {
					t.Errorf("%s: code %d (%s), want %d", path, resp.Code, resp.Log, tt.want)
				}
			}
		})
	}
}

// FuzzQuery: any path, data and height get an answer or a named error,
// never a failure of the node (ErrInternal: a panic recovered) nor an error
// that echoes an unbounded part of the input.
func FuzzQuery(f *testing.F) {
	c := newSubtensorChain(&testing.T{}, weightsGenesis(&testing.T{}))
	c.run()
	c.run()
	alice, v0 := key(&testing.T{}, "//Alice").SS58Address(), id(&testing.T{}, "//v0").String()
	tx := c.tx(key(&testing.T{}, "//Alice"), 0, &types.Transfer{Dest: id(&testing.T{}, "//Bob"), Value: 1})
	for _, p := range []string{
		types.QueryBlock, types.QueryBlockHash + "/1", types.QueryAccount + "/" + alice, types.QueryNextNonce + "/" + alice,
		types.QueryTotalIssuance, types.QueryParams, types.QuerySubnets, types.QuerySubnet + "/1", types.QueryHyperparams + "/1",
		types.QueryLockCost, types.QueryNeurons + "/1", types.QueryNeuronsLite + "/1", types.QueryNeuron + "/1/0", types.QueryNeuron + "/1/" + v0,
		types.QueryHotkey + "/" + v0, types.QueryStake + "/" + alice + "/" + v0, types.QueryStake + "/" + alice, types.QueryTotalStake,
		types.QueryDelegates, types.QueryDelegate + "/" + v0, types.QueryDelegated + "/" + alice, types.QueryEmission,
		types.QueryEpochInput + "/1", types.QueryEpochInput + "/0", types.QueryRootNeurons, types.QueryRootWeights, types.QuerySenate,
		types.QueryTriumvirate, types.QueryProposals, types.QueryProposal + "/0x00", "/", "", "/nope",
	} {
		f.Add(p, []byte(nil), int64(0))
		f.Add(p, []byte(types.AnswerCBOR), int64(1))
	}
	f.Add(types.QueryFee, tx, int64(0))
	f.Add(types.QueryDryRun, tx, int64(0))
	f.Add(types.QueryFee, tx[:10], int64(0))
	f.Add(types.QueryAccount+"/"+alice, []byte(nil), int64(-1))
	f.Add(types.QueryAccount+"/"+alice, []byte(nil), int64(99))
	f.Fuzz(func(t *testing.T, path string, data []byte, height int64) {
		resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path, Data: data, Height: height})
		if err != nil {
			t.Fatalf("Query returned an error, not a code: %v", err)
		}
		if resp.Code == types.ErrInternal.Code {
			t.Fatalf("query %q failed inside the node: %s", path, resp.Log)
		}
		if resp.Code != 0 && types.ErrorFromCode(resp.Code) == nil {
			t.Fatalf("unknown code %d", resp.Code)
		}
		if len(resp.Log) > 2*types.MaxQueryPathLength+200 {
			t.Fatalf("error of %d bytes", len(resp.Log))
		}
	})
}
