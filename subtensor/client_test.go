package subtensor_test

// Tests of the client's transaction and error handling against real nodes:
// how it names the node's refusals, its retry rules, nonce reservation and
// the re-offer of transactions a node dropped. Failures of the network are
// made by a real HTTP proxy in front of the node that cuts connections.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

func mustKey(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func connect(t *testing.T, endpoint string, o subtensor.Options) *subtensor.CometBFTClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if o.PollInterval == 0 {
		o.PollInterval = 20 * time.Millisecond
	}
	c, err := subtensor.ConnectCometBFT(ctx, endpoint, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signed is a transfer of value RAO from k to //Bob with the given nonce.
func signed(t *testing.T, c *subtensor.CometBFTClient, k *wallet.Keypair, nonce, value uint64) []byte {
	t.Helper()
	tx, err := types.NewTx(c.ChainID(), types.AccountID(k.PublicKey()), nonce, 0, &types.Transfer{Dest: types.AccountID(mustKey(t, "//Bob").PublicKey()), Value: value})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Params(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetFee(tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Sign(k); err != nil {
		t.Fatal(err)
	}
	raw, err := tx.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestRefusalsAreNamed: what the node's mempool and RPC server refuse
// reaches the caller named for what it is, not as an unreachable node, and
// the chain's refusals stay chain errors.
func TestRefusalsAreNamed(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	ctx := context.Background()
	alice := mustKey(t, "//Alice")
	n, err := c.GetAccount(ctx, types.AccountID(alice.PublicKey()), 0)
	if err != nil {
		t.Fatal(err)
	}
	raw := signed(t, c, alice, n.Nonce, 1)
	if _, err := c.Broadcast(ctx, raw); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		raw  []byte
		want error
		says string
	}{
		{"the same bytes again", raw, subtensor.ErrAlreadySubmitted, "already submitted"},
		{"over the mempool's max_tx_bytes", bytes.Repeat([]byte{1}, 300<<10), subtensor.ErrTooLarge, "at most 262144"},
		{"over the RPC's max_body_bytes", bytes.Repeat([]byte{1}, 2<<20), subtensor.ErrTooLarge, "max_body_bytes"},
		{"the chain's verdict", signed(t, c, alice, 0, 1), types.ErrStaleNonce, "StaleNonce"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Broadcast(ctx, tt.raw)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %v, want %v saying %q", err, tt.want, tt.says)
			}
			if errors.Is(err, subtensor.ErrUnavailable) || strings.Contains(err.Error(), "unavailable") {
				t.Errorf("a refusal reported as an unreachable node: %v", err)
			}
		})
	}
	// A query too large for the RPC server: data over its max_body_bytes
	// (2 MiB; the query route carries data as it is, abci_query as hex).
	err = c.Query(ctx, types.QueryFee, bytes.Repeat([]byte{1}, 2<<20+1), 0, nil)
	if !errors.Is(err, subtensor.ErrTooLarge) {
		t.Errorf("a 2 MiB query: %v, want ErrTooLarge", err)
	}
}

// TestMempoolFull: a node whose mempool is full refuses with
// ErrMempoolFull, after the client's retries; with the default retries a
// broadcast waits out a block that empties the mempool.
func TestMempoolFull(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{BlockTime: time.Second, Config: func(c *cmtcfg.Config) {
		c.Mempool.Size = 1
	}})
	ctx := context.Background()
	noRetry := connect(t, dev.RPC, subtensor.Options{Retries: -1})
	withRetry := connect(t, dev.RPC, subtensor.Options{Retries: 6})
	first := signed(t, noRetry, mustKey(t, "//Alice"), 0, 1)
	second := signed(t, noRetry, mustKey(t, "//Charlie"), 0, 1)
	third := signed(t, noRetry, mustKey(t, "//Dave"), 0, 1)
	// Right after a block, so the mempool stays full for a while.
	h, _ := noRetry.GetCurrentBlock(ctx)
	dev.WaitHeight(t, int64(h)+1)
	if _, err := noRetry.Broadcast(ctx, first); err != nil {
		t.Fatal(err)
	}
	_, err := noRetry.Broadcast(ctx, second)
	if !errors.Is(err, subtensor.ErrMempoolFull) || !strings.Contains(err.Error(), "1 transactions of at most 1") {
		t.Fatalf("a full mempool: %v, want ErrMempoolFull", err)
	}
	if errors.Is(err, subtensor.ErrUnavailable) {
		t.Errorf("a full mempool reported as an unreachable node: %v", err)
	}
	// Retried with backoff (0.2, 0.4, 0.8, 1.6, 2, 2 s), the third goes in once the
	// block has taken the first.
	if _, err := withRetry.Broadcast(ctx, third); err != nil {
		t.Fatalf("with retries: %v", err)
	}
}

// cuttingProxy is a real HTTP server in front of a node's RPC that counts
// requests and, while told to, cuts connections: before forwarding (the
// node never sees the request) or after (the node acted; its answer is
// lost), as a network or a restarting node does.
type cuttingProxy struct {
	srv      *httptest.Server
	requests atomic.Int32
	before   atomic.Int32 // requests still to cut before forwarding
	after    atomic.Int32 // requests still to cut after forwarding
}

func newCuttingProxy(t *testing.T, node string) *cuttingProxy {
	t.Helper()
	target, err := url.Parse("http://" + node)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	p := &cuttingProxy{}
	cut := func(w http.ResponseWriter) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if p.before.Add(-1) >= 0 {
			cut(w)
			return
		}
		if p.after.Add(-1) >= 0 {
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			cut(w)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// TestRetryRules: a failure to reach the node is retried, up to the
// client's Retries, and then named ErrUnavailable; answers (the chain's
// errors, the node's refusals) are not retried; a broadcast whose answer was
// lost is retried, and finding the transaction already submitted is its
// success.
func TestRetryRules(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{})
	p := newCuttingProxy(t, dev.RPC)
	c := connect(t, p.srv.URL, subtensor.Options{Retries: 3})
	ctx := context.Background()
	alice := mustKey(t, "//Alice")
	aliceID := types.AccountID(alice.PublicKey())
	count := func(f func()) int {
		before := p.requests.Load()
		f()
		return int(p.requests.Load() - before)
	}

	p.before.Store(2)
	if n := count(func() {
		if _, err := c.GetAccount(ctx, aliceID, 0); err != nil {
			t.Errorf("two cut connections, three retries: %v", err)
		}
	}); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	p.before.Store(10)
	if n := count(func() {
		_, err := c.GetAccount(ctx, aliceID, 0)
		if !errors.Is(err, subtensor.ErrUnavailable) {
			t.Errorf("every connection cut: %v, want ErrUnavailable", err)
		}
	}); n != 4 {
		t.Errorf("%d requests, want 4 (one and three retries)", n)
	}
	p.before.Store(0)

	if n := count(func() {
		_, err := c.GetAccount(ctx, aliceID, 1<<40)
		if !errors.Is(err, types.ErrHeightPruned) {
			t.Errorf("a chain error: %v", err)
		}
	}); n != 1 {
		t.Errorf("a chain error was retried: %d requests", n)
	}

	raw := signed(t, c, alice, 0, 1)
	// The first broadcast reaches the node but its answer is lost; the
	// retry finds the transaction there.
	p.after.Store(1)
	var res *subtensor.TxResult
	if n := count(func() {
		var err error
		if res, err = c.Broadcast(ctx, raw); err != nil {
			t.Fatalf("broadcast with its answer lost: %v", err)
		}
	}); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if res, err := c.WaitTx(ctx, res); err != nil || res.Err != nil || res.Height == 0 {
		t.Fatalf("the broadcast transaction: %v %+v", err, res)
	}
	if n := count(func() {
		if _, err := c.Broadcast(ctx, raw); !errors.Is(err, subtensor.ErrAlreadySubmitted) {
			t.Errorf("sent again: %v, want ErrAlreadySubmitted", err)
		}
	}); n != 1 {
		t.Errorf("a refusal was retried: %d requests", n)
	}
}

// TestNonceReservation: transactions submitted concurrently by one signer
// through one client get consecutive nonces without waiting for blocks; a
// nonce whose transaction the node refused is used again; and a view of
// the nonce that went stale (a transaction the node dropped) is corrected
// with one retry.
func TestNonceReservation(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{BlockTime: 500 * time.Millisecond, Config: func(c *cmtcfg.Config) { c.RPC.Unsafe = true }})
	c := dev.Client(t)
	ctx := context.Background()
	alice, bob := mustKey(t, "//Alice"), types.AccountID(mustKey(t, "//Bob").PublicKey())
	const n = 12
	var wg sync.WaitGroup
	nonces := make(chan uint64, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Transfer(ctx, alice, bob, balance.Balance(1_000_000), false, subtensor.WaitNone)
			if err != nil {
				t.Error(err)
				return
			}
			nonces <- res.Nonce
		}()
	}
	wg.Wait()
	close(nonces)
	seen := map[uint64]bool{}
	for v := range nonces {
		seen[v] = true
	}
	for v := range uint64(n) {
		if !seen[v] {
			t.Fatalf("nonces %v: %d missing", seen, v)
		}
	}

	// A refused transaction gives its nonce back.
	if _, err := c.Transfer(ctx, alice, bob, balance.FromTAO(1_000_000_000), false, subtensor.WaitNone); !errors.Is(err, types.ErrInsufficientBalance) && !errors.Is(err, types.ErrKeepAlive) {
		t.Fatalf("an unaffordable transfer: %v", err)
	}
	res, err := c.Transfer(ctx, alice, bob, balance.Balance(1_000_000), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("after a refusal: %v %v", err, res)
	}
	if res.Nonce != n {
		t.Errorf("nonce %d after a refusal, want %d", res.Nonce, n)
	}

	// The node drops a transaction the client counted: its next uses a nonce
	// the node finds in the future, learns the node's and succeeds.
	dropped := flushAfterSubmit(t, dev, c, alice, bob)
	res, err = c.Transfer(ctx, alice, bob, balance.Balance(1_000_000), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("after a dropped transaction: %v %v", err, res)
	}
	if res.Nonce != dropped.Nonce {
		t.Errorf("nonce %d, want the dropped transaction's %d", res.Nonce, dropped.Nonce)
	}
}

// flushAfterSubmit submits a transfer and empties the node's mempool
// (unsafe_flush_mempool) before a block includes it: the node has dropped
// it. It returns the dropped transaction.
func flushAfterSubmit(t *testing.T, dev *nodetest.Dev, c *subtensor.CometBFTClient, k *wallet.Keypair, dest types.AccountID) *subtensor.TxResult {
	t.Helper()
	ctx := context.Background()
	for try := 0; try < 5; try++ {
		h, err := c.GetCurrentBlock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dev.WaitHeight(t, int64(h)+1) // just after a block: the most time before the next
		res, err := c.Transfer(ctx, k, dest, balance.Balance(1_000_000), false, subtensor.WaitNone)
		if err != nil {
			t.Fatal(err)
		}
		flushMempool(t, dev.RPC)
		// Dropped if no block holds it by two blocks later.
		h, _ = c.GetCurrentBlock(ctx)
		dev.WaitHeight(t, int64(h)+2)
		if blockOf(t, dev.RPC, res.Hash) == 0 {
			return res
		}
	}
	t.Fatal("every transaction reached a block before the mempool was flushed")
	return nil
}

func flushMempool(t *testing.T, rpc string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"unsafe_flush_mempool","params":{}}`
	resp, err := http.Post("http://"+rpc, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"error"`)) {
		t.Fatalf("unsafe_flush_mempool: %s %s", resp.Status, b)
	}
}

// blockOf is the height of the block holding the transaction, 0 if none.
func blockOf(t *testing.T, rpc, hash string) int64 {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://%s/tx?hash=0x%s", rpc, hash))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result struct {
			Height string `json:"height"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	var h int64
	fmt.Sscan(out.Result.Height, &h)
	return h
}

// TestResendDroppedTransactions: WaitTx offers a transaction the node
// dropped again, after a few blocks without it, and reports it included;
// one that can no longer be included (its nonce was used meanwhile) ends as
// ErrTxDropped with the chain's reason.
func TestResendDroppedTransactions(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{BlockTime: 400 * time.Millisecond, Config: func(c *cmtcfg.Config) { c.RPC.Unsafe = true }})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice, bob := mustKey(t, "//Alice"), types.AccountID(mustKey(t, "//Bob").PublicKey())

	dropped := flushAfterSubmit(t, dev, c, alice, bob)
	flushedAt, _ := c.GetCurrentBlock(ctx)
	res, err := c.WaitTx(ctx, dropped)
	if err != nil || res.Err != nil {
		t.Fatalf("a dropped transaction: %v %v", err, res)
	}
	if res.Height < flushedAt+2 {
		t.Errorf("included at %d, the mempool was flushed at %d: it was never dropped", res.Height, flushedAt)
	}

	// Dropped again, and another transaction takes its nonce.
	dropped = flushAfterSubmit(t, dev, c, alice, bob)
	other := connect(t, dev.RPC, subtensor.Options{})
	taken, err := other.Transfer(ctx, alice, bob, balance.Balance(2_000_000), false, subtensor.WaitInclusion)
	if err != nil || taken.Err != nil || taken.Nonce != dropped.Nonce {
		t.Fatalf("the nonce taken: %v %+v (dropped nonce %d)", err, taken, dropped.Nonce)
	}
	_, err = c.WaitTx(ctx, dropped)
	if !errors.Is(err, subtensor.ErrTxDropped) || !errors.Is(err, types.ErrStaleNonce) {
		t.Fatalf("a dropped transaction whose nonce was used: %v, want ErrTxDropped with StaleNonce", err)
	}
}
