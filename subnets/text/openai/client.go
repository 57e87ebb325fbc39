package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/subnets/text"
)

// The two request shapes a Client can send.
const (
	// APICompletions sends POST {BaseURL}/completions with "prompt": the
	// model continues the text, as the built-in model does.
	APICompletions = "completions"
	// APIChat sends POST {BaseURL}/chat/completions with the prompt as one
	// user message: for instruction-tuned models.
	APIChat = "chat"
)

const (
	// DefaultTimeout bounds one request when Config.Timeout is 0.
	DefaultTimeout = 60 * time.Second
	// maxResponseBytes bounds the body a Client reads.
	maxResponseBytes = 8 << 20
	// seedMask keeps 31 bits of Request.Seed, see Client.
	seedMask = 1<<31 - 1
)

var (
	// ErrConfig is returned (wrapped) by NewClient for an unusable Config.
	ErrConfig = errors.New("openai: invalid client configuration")
	// ErrBadResponse is returned (wrapped) by Client.Complete when the server
	// answered 2xx with a body that is not a completion: not JSON, no
	// choices, or too large.
	ErrBadResponse = errors.New("openai: bad response")
)

// APIError is a non-2xx answer from the server, returned by
// Client.Complete. It reads the error message of OpenAI, llama.cpp, Ollama
// and vLLM bodies; for anything else Message is the start of the body.
// errors.Is(err, text.ErrInvalidRequest) holds for 400 and 422.
type APIError struct {
	// Method and URL are the request's, e.g. "POST" and
	// "http://127.0.0.1:8080/v1/completions".
	Method, URL string
	// StatusCode and Status are the HTTP status, e.g. 401 and
	// "401 Unauthorized".
	StatusCode int
	Status     string
	// Message, Type and Code come from the body ("" when absent).
	Message, Type, Code string
}

// Error returns e.g. `openai: POST http://…/v1/completions: 401
// Unauthorized: invalid api key (type invalid_request_error, code
// invalid_api_key)`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "openai: %s %s: %s", e.Method, e.URL, e.Status)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var extra []string
	if e.Type != "" {
		extra = append(extra, "type "+e.Type)
	}
	if e.Code != "" {
		extra = append(extra, "code "+e.Code)
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

// Is reports whether e is a refusal of the request itself (400 or 422),
// which matches text.ErrInvalidRequest.
func (e *APIError) Is(target error) bool {
	return target == text.ErrInvalidRequest && (e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity)
}

// Config configures a Client.
type Config struct {
	// BaseURL is the API root including its version path, as OpenAI's SDKs
	// take it: "http://127.0.0.1:8080/v1" (llama.cpp), "http://127.0.0.1:8000/v1"
	// (vLLM), "http://127.0.0.1:11434/v1" (Ollama). A URL with no path gets
	// "/v1".
	BaseURL string
	// Model is sent as "model" and returned by Name. Required (llama.cpp
	// ignores it, vLLM and Ollama select the model by it).
	Model string
	// APIKey, if set, is sent as "Authorization: Bearer <APIKey>". Never
	// logged.
	APIKey string
	// API is APICompletions (the default when "") or APIChat.
	API string
	// Timeout bounds each request, from sending to reading the whole body;
	// 0 means DefaultTimeout. The caller's context may end it sooner.
	Timeout time.Duration
	// HTTPClient sends the requests; nil means a client of its own with
	// http.DefaultTransport's settings. Its own Timeout, if any, also
	// applies.
	HTTPClient *http.Client
}

// Client is a text.Model backed by an OpenAI-compatible server. It is safe
// for concurrent use; requests share the HTTP client's connection pool.
//
// Request.Seed is sent reduced to its low 31 bits: llama.cpp reads the seed
// as 32 bits with 0xFFFFFFFF meaning "random", and vLLM and Ollama accept
// any non-negative int, so 31 bits mean the same thing to all three. Whether
// a server's output is reproducible for a seed is up to the server (at
// temperature 0 it usually is).
type Client struct {
	endpoint string // full URL of the completion endpoint
	api      string
	model    string
	apiKey   string
	timeout  time.Duration
	http     *http.Client
}

// NewClient checks cfg and returns a Client. The error wraps ErrConfig and
// names the field.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, fmt.Errorf("%w: model is required", ErrConfig)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: base URL %q is not an http:// or https:// URL with a host", ErrConfig, cfg.BaseURL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1"
	}
	c := &Client{api: cfg.API, model: cfg.Model, apiKey: cfg.APIKey, timeout: cfg.Timeout, http: cfg.HTTPClient}
	switch cfg.API {
	case "", APICompletions:
		c.api = APICompletions
		c.endpoint = strings.TrimSuffix(u.String(), "/") + "/completions"
	case APIChat:
		c.endpoint = strings.TrimSuffix(u.String(), "/") + "/chat/completions"
	default:
		return nil, fmt.Errorf("%w: API %q is neither %q nor %q", ErrConfig, cfg.API, APICompletions, APIChat)
	}
	if c.timeout < 0 {
		return nil, fmt.Errorf("%w: negative timeout %v", ErrConfig, cfg.Timeout)
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	return c, nil
}

// Name returns the configured model name.
func (c *Client) Name() string { return c.model }

// Endpoint returns the URL Complete posts to.
func (c *Client) Endpoint() string { return c.endpoint }

// Complete implements text.Model. Errors: text.ErrInvalidRequest (wrapped)
// for a request outside text's limits, before anything is sent; *APIError
// for a non-2xx status; ErrBadResponse (wrapped) for an unreadable 2xx body;
// context.DeadlineExceeded (wrapped) when Timeout or ctx's deadline passes;
// otherwise the transport's error (connection refused…), wrapped with the
// URL.
func (c *Client) Complete(ctx context.Context, req text.Request) (text.Response, error) {
	if err := req.Validate(); err != nil {
		return text.Response{}, fmt.Errorf("openai: %w", err)
	}
	maxTokens, temp, seed := req.MaxTokens, req.Temperature, int64(req.Seed&seedMask)
	body := completionRequest{Model: c.model, MaxTokens: &maxTokens, Temperature: &temp, Seed: &seed}
	if c.api == APIChat {
		body.Messages = []chatMessage{{Role: "user", Content: chatContent(req.Prompt)}}
	} else {
		body.Prompt, _ = json.Marshal(req.Prompt)
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return text.Response{}, fmt.Errorf("openai: encoding request: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(payload))
	if err != nil {
		return text.Response{}, fmt.Errorf("openai: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	if c.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return text.Response{}, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return text.Response{}, c.transportError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return text.Response{}, c.apiError(resp, data)
	}
	if len(data) > maxResponseBytes {
		return text.Response{}, fmt.Errorf("%w: POST %s: body larger than %d bytes", ErrBadResponse, c.endpoint, maxResponseBytes)
	}
	var cr completionResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return text.Response{}, fmt.Errorf("%w: POST %s: %v; body starts %q", ErrBadResponse, c.endpoint, err, snippet(data))
	}
	if len(cr.Choices) == 0 {
		return text.Response{}, fmt.Errorf("%w: POST %s: no choices; body starts %q", ErrBadResponse, c.endpoint, snippet(data))
	}
	ch := cr.Choices[0]
	out := text.Response{Model: cr.Model}
	switch {
	case c.api == APIChat && ch.Message != nil:
		out.Text = string(ch.Message.Content)
	case c.api == APICompletions && ch.Text != nil:
		out.Text = *ch.Text
	default:
		field := "text"
		if c.api == APIChat {
			field = "message"
		}
		return text.Response{}, fmt.Errorf("%w: POST %s: choice has no %s; body starts %q", ErrBadResponse, c.endpoint, field, snippet(data))
	}
	if ch.FinishReason != nil {
		out.FinishReason = *ch.FinishReason
	}
	if cr.Usage != nil {
		out.Tokens, out.PromptTokens = cr.Usage.CompletionTokens, cr.Usage.PromptTokens
	}
	if out.Model == "" {
		out.Model = c.model
	}
	return out, nil
}

// transportError wraps an error of sending or reading, saying when it was
// the Client's own timeout.
func (c *Client) transportError(ctx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("openai: POST %s: no complete answer within the deadline (timeout %v): %w", c.endpoint, c.timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("openai: POST %s: %w", c.endpoint, err)
}

// apiError builds the *APIError of a non-2xx response.
func (c *Client) apiError(resp *http.Response, data []byte) error {
	e := &APIError{Method: http.MethodPost, URL: c.endpoint, StatusCode: resp.StatusCode, Status: resp.Status}
	var eb errorBody
	if json.Unmarshal(data, &eb) == nil {
		var d errorDetail
		switch {
		case len(eb.Error) > 0 && json.Unmarshal(eb.Error, &d) == nil && d.Message != "":
			e.Message, e.Type, e.Code = d.Message, d.Type, rawString(d.Code)
		case len(eb.Error) > 0 && rawString(eb.Error) != "":
			e.Message = rawString(eb.Error)
		case eb.Message != "":
			e.Message, e.Type, e.Code = eb.Message, eb.Type, rawString(eb.Code)
		}
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(snippet(data))
	}
	return e
}

// snippet returns the start of a body for an error message.
func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
