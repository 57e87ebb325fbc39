package node

// Tests of what a node enforces against one request or one validator: that
// a slow query holds up no other, that a query has a time budget, and that
// a proposer cannot put transactions that pay nothing into blocks. They
// start real nodes; the application CometBFT calls is wrapped (start's
// wrap) only to make one query slow on purpose or one validator misbehave.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/privval"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

func testKey(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testAddr(t *testing.T) string {
	t.Helper()
	a, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startTestDev starts a dev node in a temporary home, its application
// wrapped by wrap (nil: as is).
func startTestDev(t *testing.T, o StartOptions, wrap func(abci.Application) abci.Application) (*Node, string) {
	t.Helper()
	g, err := DevGenesis()
	if err != nil {
		t.Fatal(err)
	}
	home, rpc := t.TempDir(), testAddr(t)
	if err := Init(home, InitOptions{ChainID: DevChainID, Genesis: g, RPCListen: rpc, P2PListen: testAddr(t), BlockTime: 100 * time.Millisecond, NoPeerExchange: true}); err != nil {
		t.Fatal(err)
	}
	n, err := start(context.Background(), home, o, wrap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Stop() })
	return n, rpc
}

func testClient(t *testing.T, rpc string) *subtensor.CometBFTClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := subtensor.ConnectCometBFT(ctx, rpc, subtensor.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// slowQueries makes the query path "/test/slow" wait until released; every
// other call goes to the application.
type slowQueries struct {
	abci.Application
	entered chan struct{}
	release chan struct{}
}

func (s *slowQueries) Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if req.Path == "/test/slow" {
		s.entered <- struct{}{}
		<-s.release
		return &abci.ResponseQuery{}, nil
	}
	return s.Application.Query(ctx, req)
}

// TestSlowQueryHoldsUpNoOther: while one query is still running (held on
// purpose), other queries through the node's RPC answer, /next_nonce
// included, so clients can still send transactions.
func TestSlowQueryHoldsUpNoOther(t *testing.T) {
	slow := &slowQueries{entered: make(chan struct{}), release: make(chan struct{})}
	_, rpc := startTestDev(t, StartOptions{}, func(app abci.Application) abci.Application {
		slow.Application = app
		return slow
	})
	c := testClient(t, rpc)
	raw, err := rpchttp.New("http://"+rpc, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := raw.ABCIQuery(context.Background(), "/test/slow", nil)
		done <- err
	}()
	<-slow.entered
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	alice := testKey(t, "//Alice")
	var ni types.NonceInfo
	if err := c.Query(ctx, types.QueryNextNonce+"/"+alice.SS58Address(), nil, 0, &ni); err != nil {
		t.Fatalf("next_nonce while a query runs: %v", err)
	}
	res, err := c.Transfer(ctx, alice, types.AccountID(testKey(t, "//Bob").PublicKey()), balance.FromTAO(1), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("a transfer while a query runs: %v %v", err, res)
	}
	select {
	case err := <-done:
		t.Fatalf("the slow query returned early: %v", err)
	default:
	}
	close(slow.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestQueryBudget: a node whose per-query budget is spent at once answers
// queries with QueryTimeout, through its RPC, and keeps making blocks.
func TestQueryBudget(t *testing.T) {
	n, rpc := startTestDev(t, StartOptions{QueryTimeout: time.Nanosecond}, nil)
	c := testClient(t, rpc)
	_, err := c.GetAccount(context.Background(), types.AccountID(testKey(t, "//Alice").PublicKey()), 0)
	if !errors.Is(err, types.ErrQueryTimeout) {
		t.Fatalf("query with no budget: %v, want QueryTimeout", err)
	}
	h := n.Height()
	deadline := time.Now().Add(20 * time.Second)
	for n.Height() < h+2 {
		if time.Now().After(deadline) {
			t.Fatal("no blocks")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// junkProposer is a validator that adds transactions which would fail
// their envelope checks to every block it proposes (what ProcessProposal
// of the others must refuse), and says so on stdout.
type junkProposer struct {
	abci.Application
	junk [][]byte
}

func (j *junkProposer) PrepareProposal(ctx context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	resp, err := j.Application.PrepareProposal(ctx, req)
	if err != nil {
		return nil, err
	}
	resp.Txs = append(resp.Txs, j.junk...)
	fmt.Printf("%s %d\n", junkProposalLine, req.Height)
	return resp, nil
}

// The test binary also runs as one validator of a multi-validator test, in
// a process of its own (CometBFT's reactors go on reading a stopped node's
// stores, which panics in a shared process): with validatorHomeEnv set it
// runs the node in that home until SIGTERM, proposing the hex transactions
// of validatorJunkEnv (comma-separated) in every block.
const (
	validatorHomeEnv = "SUBTENSOR_TEST_VALIDATOR_HOME"
	validatorJunkEnv = "SUBTENSOR_TEST_VALIDATOR_JUNK"
	junkProposalLine = "junk proposed at height"
)

func TestMain(m *testing.M) {
	if home := os.Getenv(validatorHomeEnv); home != "" {
		os.Exit(runValidator(home, os.Getenv(validatorJunkEnv)))
	}
	os.Exit(m.Run())
}

func runValidator(home, junkHex string) int {
	var wrap func(abci.Application) abci.Application
	if junkHex != "" {
		j := &junkProposer{}
		for _, h := range strings.Split(junkHex, ",") {
			b, err := hex.DecodeString(h)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
			j.junk = append(j.junk, b)
		}
		wrap = func(app abci.Application) abci.Application { j.Application = app; return j }
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	n, err := start(ctx, home, StartOptions{}, wrap)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	<-ctx.Done()
	n.Stop()
	return 0
}

// startValidator runs the validator of home in a child process (the test
// binary, see TestMain), killed when the test ends. Its stdout lines go to
// lines if they report a junk proposal.
func startValidator(t *testing.T, home string, junk [][]byte, lines chan<- string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), validatorHomeEnv+"="+home)
	if len(junk) > 0 {
		hexes := make([]string, len(junk))
		for i, j := range junk {
			hexes[i] = hex.EncodeToString(j)
		}
		cmd.Env = append(cmd.Env, validatorJunkEnv+"="+strings.Join(hexes, ","))
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if !strings.HasPrefix(sc.Text(), junkProposalLine) {
				continue
			}
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
}

// consecutivePorts returns the first of n consecutive loopback ports that
// were free a moment ago.
func consecutivePorts(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		base := 20000 + (time.Now().Nanosecond()/1000+try*97)%30000
		var ls []net.Listener
		for i := range n {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+i))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		for _, l := range ls {
			l.Close()
		}
		if len(ls) == n {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

// TestProposerCannotFillBlocksWithJunk runs a network of four validators,
// each its own process, one of which proposes blocks carrying transactions
// that would pay nothing: a bad signature, a stale nonce, a far-future
// nonce, a fee its signer cannot pay, another chain's transaction and
// undecodable bytes. The other validators reject its blocks, so none of
// them is committed, the chain goes on through the others' proposals, and
// transactions sent meanwhile are included.
func TestProposerCannotFillBlocksWithJunk(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four validators")
	}
	g, err := DevGenesis()
	if err != nil {
		t.Fatal(err)
	}
	p2p, rpc := consecutivePorts(t, 4), consecutivePorts(t, 4)
	homes, err := Testnet(TestnetOptions{Validators: 4, OutputDir: filepath.Join(t.TempDir(), "net"), ChainID: "junk-net", Genesis: g,
		P2PPort: p2p, RPCPort: rpc, BlockTime: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob, nobody := testKey(t, "//Alice"), testKey(t, "//Bob"), testKey(t, "//Nobody")
	sign := func(chainID string, k *wallet.Keypair, nonce uint64, edit func(*types.Tx)) []byte {
		tx, err := types.NewTx(chainID, types.AccountID(k.PublicKey()), nonce, 0, &types.Transfer{Dest: types.AccountID(bob.PublicKey()), Value: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Params.SetFee(tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Sign(k); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(tx)
		}
		b, err := tx.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	junk := [][]byte{
		sign("junk-net", alice, 0, func(tx *types.Tx) { tx.Signature[5] ^= 0x40 }), // bad signature
		sign("junk-net", alice, 0, nil),                                            // stale once alice has sent one
		sign("junk-net", alice, 1_000_000, nil),                                    // far-future nonce
		sign("junk-net", nobody, 0, nil),                                           // cannot pay the fee
		sign("another-net", alice, 0, nil),                                         // wrong chain
		{0xde, 0xad, 0xbe, 0xef},                                                   // undecodable
	}
	proposals := make(chan string, 1000)
	for i, home := range homes {
		if i == 0 {
			startValidator(t, home, junk, proposals)
		} else {
			startValidator(t, home, nil, make(chan string))
		}
	}
	badAddr := privval.LoadFilePV(filepath.Join(homes[0], "config", "priv_validator_key.json"), filepath.Join(homes[0], "data", "priv_validator_state.json")).GetAddress()

	c := testClient(t, "127.0.0.1:"+strconv.Itoa(rpc+1))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tries := 0
	for tries < 4 {
		res, err := c.Transfer(ctx, alice, types.AccountID(bob.PublicKey()), balance.FromTAO(1), false, subtensor.WaitInclusion)
		if err != nil || res.Err != nil {
			t.Fatalf("transfer: %v %v", err, res)
		}
		for len(proposals) > 0 {
			<-proposals
			tries++
		}
	}
	rpcs := make([]*rpchttp.HTTP, 4)
	for i := range rpcs {
		if rpcs[i], err = rpchttp.New("http://127.0.0.1:"+strconv.Itoa(rpc+i), "/websocket"); err != nil {
			t.Fatal(err)
		}
	}
	height, err := c.GetCurrentBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for h := int64(1); h <= int64(height); h++ {
		blk, err := rpcs[1].Block(ctx, &h)
		if err != nil {
			t.Fatalf("block %d: %v", h, err)
		}
		if bytes.Equal(blk.Block.ProposerAddress, badAddr) {
			t.Errorf("block %d, proposed by the junk proposer, was committed", h)
		}
		for _, tx := range blk.Block.Txs {
			for k, j := range junk {
				if bytes.Equal(tx, j) {
					t.Errorf("block %d carries junk transaction %d", h, k)
				}
			}
		}
	}
	// Every validator, the junk proposer included, agrees on the state.
	h := int64(height)
	var want []byte
	for i, r := range rpcs {
		deadline := time.Now().Add(20 * time.Second)
		for {
			blk, err := r.Block(ctx, &h)
			if err == nil {
				if want == nil {
					want = blk.Block.AppHash
				} else if !bytes.Equal(blk.Block.AppHash, want) {
					t.Errorf("node %d: app hash at %d is %X, want %X", i, h, blk.Block.AppHash, want)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("node %d has no block %d: %v", i, h, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("the junk proposer tried %d times; the chain reached height %d", tries, height)
}

// TestConcurrentQueriesDuringBlocks: many queries at once, of every kind
// (latest and past heights, the mempool's nonces, fees), while blocks with
// transactions commit, all answer. (Run with -race, it checks that the
// application's state is safe to query concurrently.)
func TestConcurrentQueriesDuringBlocks(t *testing.T) {
	n, rpc := startTestDev(t, StartOptions{}, nil)
	c := testClient(t, rpc)
	alice, bob := testKey(t, "//Alice"), testKey(t, "//Bob")
	aliceID, bobID := types.AccountID(alice.PublicKey()), types.AccountID(bob.PublicKey())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				var err error
				switch (w + i) % 5 {
				case 0:
					_, err = c.GetAccount(ctx, bobID, 0)
				case 1:
					_, err = c.GetAccount(ctx, bobID, uint64(max(1, n.Height()-1)))
				case 2:
					var ni types.NonceInfo
					err = c.Query(ctx, types.QueryNextNonce+"/"+alice.SS58Address(), nil, 0, &ni)
				case 3:
					_, err = c.EstimateFee(ctx, aliceID, &types.Transfer{Dest: bobID, Value: 1})
				case 4:
					_, err = c.Params(ctx)
				}
				if err != nil && !errors.Is(err, types.ErrHeightPruned) {
					errs <- fmt.Errorf("worker %d query %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	for range 10 {
		res, err := c.Transfer(ctx, alice, bobID, balance.FromTAO(1), false, subtensor.WaitInclusion)
		if err != nil || res.Err != nil {
			t.Fatalf("transfer: %v %v", err, res)
		}
	}
	close(stop)
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
