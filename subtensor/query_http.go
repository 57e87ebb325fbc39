package subtensor

// Queries over the node's query route (chain/types query_http.go): the
// same ABCI queries as CometBFT's abci_query, with the answer's bytes as the
// HTTP body instead of base64 inside JSON-RPC. The client asks the node
// once whether it has the route (types.NodeRoutesPath) and uses it for
// every query when it does (it asks when it connects); a node from before the route answers 404 there
// and is queried through abci_query as before.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
)

// maxAnswerBytes bounds the answer the client reads from the query route:
// far above the largest answer a node gives (the neurons of a full subnet
// with every row), so that a broken or hostile endpoint cannot make the
// client allocate without bound.
const maxAnswerBytes = 1 << 30

// recheckRoutes is how long the client trusts a node's answer that it has
// no query route before asking again (the node may be upgraded meanwhile).
const recheckRoutes = 5 * time.Minute

// errNoRoute means the node has no query route (it answered 404): the
// query goes through abci_query instead.
var errNoRoute = errors.New("subtensor: the node has no query route")

// queryRoute is what the client knows of a node's query route.
type queryRoute struct {
	mu      sync.Mutex
	url     string    // the route's URL; "" when absent or not yet known
	checked time.Time // when the node last said it has none (zero: never asked, or it has one)
	known   bool      // the node has answered the question
}

// queryURL returns the node's query route, asking the node when it has
// not said yet (or said it had none a while ago). "" means none: use
// abci_query. A failure to reach the node is returned (and not
// remembered), as the failure of the query that needed the route.
func (c *CometBFTClient) queryURL(ctx context.Context) (string, error) {
	if c.opts.ABCIQueryOnly {
		return "", nil
	}
	qr := &c.route
	qr.mu.Lock()
	defer qr.mu.Unlock()
	if qr.known && (qr.url != "" || time.Since(qr.checked) < recheckRoutes) {
		return qr.url, nil
	}
	u, err := c.discoverRoute(ctx)
	if err != nil {
		return "", err
	}
	qr.known, qr.url, qr.checked = true, u, time.Now()
	if u != "" {
		c.log.Debug("the node serves queries over HTTP", "route", u)
	}
	return u, nil
}

// forgetRoute records that the query route is gone (the node answered 404
// on it: replaced by an older release, or a proxy that passes only
// CometBFT's routes).
func (c *CometBFTClient) forgetRoute() {
	c.route.mu.Lock()
	c.route.known, c.route.url, c.route.checked = true, "", time.Now()
	c.route.mu.Unlock()
}

// discoverRoute asks the node for its routes: u is "" when it has no
// query route; err is a failure to reach it.
func (c *CometBFTClient) discoverRoute(ctx context.Context) (u string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpoint+types.NodeRoutesPath, nil)
	if err != nil {
		return "", fmt.Errorf("subtensor: %w", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", nodeError("ask for the node's routes", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		// 404: a node from before the route; anything else: not one we
		// understand. Either way abci_query serves.
		return "", nil
	}
	var routes types.NodeRoutes
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&routes); err != nil || !strings.HasPrefix(routes.Query, "/") {
		return "", nil
	}
	return c.endpoint + routes.Query, nil
}

// rawQuery asks path at height with data and returns the answer's bytes:
// over the query route when the node has one, else through abci_query.
// Transport errors are retried; the chain's refusals are *types.ChainError.
func (c *CometBFTClient) rawQuery(ctx context.Context, path string, data []byte, height uint64) ([]byte, error) {
	var value []byte
	err := c.retry(ctx, func() error {
		u, err := c.queryURL(ctx)
		if err != nil {
			return err
		}
		if u != "" {
			v, err := c.httpQuery(ctx, u, path, data, height)
			if !errors.Is(err, errNoRoute) {
				value = v
				return err
			}
			c.forgetRoute()
		}
		r, err := c.rpc.abciQuery(ctx, path, data, int64(height))
		if err != nil {
			return nodeError("query "+path, err)
		}
		if r.Code != 0 {
			return types.NewChainError(r.Code, r.Codespace, r.Log)
		}
		value = r.Value
		return nil
	})
	return value, err
}

// httpQuery makes one query over the route at u.
func (c *CometBFTClient) httpQuery(ctx context.Context, u, path string, data []byte, height uint64) ([]byte, error) {
	q := make(url.Values, 3)
	q.Set("path", path)
	if height != 0 {
		q.Set("height", strconv.FormatUint(height, 10))
	}
	// POST, with the data as the body: not hex in the URL, and not
	// idempotent to net/http, which would otherwise resend a GET on its own
	// when a reused connection breaks (the client's retry rules decide).
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u+"?"+q.Encode(), bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("subtensor: query %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nodeError("query "+path, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		b, err := readAnswer(resp)
		if err != nil {
			return nil, nodeError("query "+path, err)
		}
		return b, nil
	case http.StatusNotFound:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, errNoRoute
	}
	msg, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, nodeError("query "+path, err)
	}
	var f types.QueryFailure
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && json.Unmarshal(msg, &f) == nil && f.Code != 0 {
		ce := types.NewChainError(f.Code, f.Codespace, f.Log)
		if resp.StatusCode == http.StatusRequestEntityTooLarge {
			return nil, &callError{op: "query " + path, kind: ErrTooLarge, detail: "the query data is larger than the node's RPC server accepts (its max_body_bytes)", err: ce}
		}
		return nil, ce
	}
	if strings.Contains(string(msg), bodyTooLarge) {
		return nil, &callError{op: "query " + path, kind: ErrTooLarge, detail: "the query data is larger than the node's RPC server accepts (its max_body_bytes)", err: errors.New(resp.Status)}
	}
	detail := resp.Status
	if s := strings.TrimSpace(string(msg)); s != "" {
		detail += ": " + s
	}
	return nil, &callError{op: "query " + path, kind: ErrRefused, detail: detail, err: errors.New(detail)}
}

// readAnswer reads an answer's body into one buffer of its announced length.
func readAnswer(resp *http.Response) ([]byte, error) {
	n := resp.ContentLength
	if n > maxAnswerBytes {
		return nil, fmt.Errorf("the answer is %d bytes, more than the client reads (%d)", n, maxAnswerBytes)
	}
	if n < 0 {
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
		if err == nil && len(b) > maxAnswerBytes {
			err = fmt.Errorf("the answer is more than the client reads (%d bytes)", maxAnswerBytes)
		}
		return b, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, b); err != nil {
		return nil, err
	}
	return b, nil
}
