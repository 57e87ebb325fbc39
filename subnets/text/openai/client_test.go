package openai_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/ngram"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

// builtin is the built-in model, trained once for the package's tests.
var builtin = sync.OnceValues(ngram.Default)

func mustBuiltin(t testing.TB) *ngram.Model {
	t.Helper()
	m, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// serve starts a real HTTP server on loopback serving the built-in model.
func serve(t testing.TB, opts openai.HandlerOptions) (*httptest.Server, *ngram.Model) {
	t.Helper()
	m := mustBuiltin(t)
	srv := httptest.NewServer(openai.NewHandler(m, opts))
	t.Cleanup(srv.Close)
	return srv, m
}

func newClient(t testing.TB, cfg openai.Config) *openai.Client {
	t.Helper()
	c, err := openai.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClientAgainstServer checks the round trip: the client's answer
// through the server equals the model's own answer, for both APIs.
func TestClientAgainstServer(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	for _, api := range []string{openai.APICompletions, openai.APIChat} {
		c := newClient(t, openai.Config{BaseURL: srv.URL + "/v1", Model: m.Name(), API: api})
		for _, req := range []text.Request{
			{Prompt: "Tom looked at the", MaxTokens: 20, Temperature: 0.8, Seed: 12345},
			{Prompt: "", MaxTokens: 5, Temperature: 0, Seed: 0},
			{Prompt: "the Rays of Light", MaxTokens: 64, Temperature: 1, Seed: 1<<31 - 1},
			{Prompt: "unicode: Phænomena “quoted”", MaxTokens: 8, Temperature: 1.3, Seed: 7},
		} {
			got, err := c.Complete(context.Background(), req)
			if err != nil {
				t.Fatalf("%s: %v", api, err)
			}
			want, err := m.Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if api == openai.APIChat {
				want.Text = strings.TrimLeft(want.Text, " ") // the server drops a message's leading space
			}
			if got != want {
				t.Errorf("%s, %+v:\nthrough HTTP %+v\ndirect       %+v", api, req, got, want)
			}
		}
		if c.Name() != m.Name() {
			t.Errorf("Name() = %q, want %q", c.Name(), m.Name())
		}
	}
}

// TestClientSeed31Bits checks that seeds are sent reduced to 31 bits.
func TestClientSeed31Bits(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	c := newClient(t, openai.Config{BaseURL: srv.URL, Model: m.Name()})
	high, err := c.Complete(context.Background(), text.Request{Prompt: "Tom", MaxTokens: 16, Temperature: 1, Seed: 1<<40 | 77})
	if err != nil {
		t.Fatal(err)
	}
	low, err := m.Complete(context.Background(), text.Request{Prompt: "Tom", MaxTokens: 16, Temperature: 1, Seed: 77})
	if err != nil {
		t.Fatal(err)
	}
	if high.Text != low.Text {
		t.Errorf("seed 2^40+77 through the client gave %q, want the answer for seed 77, %q", high.Text, low.Text)
	}
}

func TestClientConcurrent(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	c := newClient(t, openai.Config{BaseURL: srv.URL + "/v1/", Model: m.Name()})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				req := text.Request{Prompt: "It was", MaxTokens: 12, Temperature: 0.9, Seed: uint64(g*100 + i)}
				got, err := c.Complete(context.Background(), req)
				if err != nil {
					t.Error(err)
					return
				}
				want, _ := m.Complete(context.Background(), req)
				if got.Text != want.Text {
					t.Errorf("seed %d: %q, want %q", req.Seed, got.Text, want.Text)
				}
			}
		})
	}
	wg.Wait()
}

func TestClientAuth(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{APIKey: "s3cret"})
	req := text.Request{Prompt: "Tom", MaxTokens: 3}
	if _, err := newClient(t, openai.Config{BaseURL: srv.URL, Model: m.Name(), APIKey: "s3cret"}).Complete(context.Background(), req); err != nil {
		t.Errorf("right key: %v", err)
	}
	for _, tc := range []struct{ key, msg string }{{"wrong", "invalid API key"}, {"", "missing API key"}} {
		_, err := newClient(t, openai.Config{BaseURL: srv.URL, Model: m.Name(), APIKey: tc.key}).Complete(context.Background(), req)
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || !strings.Contains(apiErr.Message, tc.msg) || apiErr.Code != "invalid_api_key" {
			t.Errorf("key %q: error %v, want a 401 APIError saying %q with code invalid_api_key", tc.key, err, tc.msg)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error message shows the server's key: %v", err)
		}
	}
}

func TestClientModelNotFound(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	_, err := newClient(t, openai.Config{BaseURL: srv.URL, Model: "llama-3-8b"}).Complete(context.Background(), text.Request{MaxTokens: 1})
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "model_not_found" || !strings.Contains(apiErr.Message, m.Name()) {
		t.Errorf("error %v, want a 404 APIError with code model_not_found naming %s", err, m.Name())
	}
}

// TestClientErrorBodies runs the client against servers answering the
// error formats of OpenAI, llama.cpp, vLLM and others.
func TestClientErrorBodies(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		wantMsg     string
		wantType    string
		wantCode    string
		wantInvalid bool // errors.Is(err, text.ErrInvalidRequest)
	}{
		{"OpenAI 500", 500, `{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`,
			"The server had an error", "server_error", "", false},
		{"llama.cpp 401, numeric code", 401, `{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}`,
			"Invalid API Key", "authentication_error", "401", false},
		{"vLLM 400, top level", 400, `{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}`,
			"max_tokens is too large", "BadRequestError", "400", true},
		{"plain string error", 404, `{"error":"model 'x' not found, try pulling it first"}`,
			"model 'x' not found, try pulling it first", "", "", false},
		{"422", 422, `{"detail":[{"loc":["body","prompt"],"msg":"field required"}]}`,
			`{"detail":[{"loc":["body","prompt"],"msg":"field required"}]}`, "", "", true},
		{"HTML 502 from a proxy", 502, "<html><body>Bad Gateway</body></html>", "<html><body>Bad Gateway</body></html>", "", "", false},
		{"empty 503", 503, "", "", "", "", false},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			w.Write([]byte(tt.body))
		}))
		c := newClient(t, openai.Config{BaseURL: srv.URL, Model: "m"})
		_, err := c.Complete(context.Background(), text.Request{Prompt: "x", MaxTokens: 1})
		srv.Close()
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) {
			t.Errorf("%s: error %v, want *APIError", tt.name, err)
			continue
		}
		if apiErr.StatusCode != tt.status || apiErr.Message != tt.wantMsg || apiErr.Type != tt.wantType || apiErr.Code != tt.wantCode {
			t.Errorf("%s: %+v, want status %d message %q type %q code %q", tt.name, *apiErr, tt.status, tt.wantMsg, tt.wantType, tt.wantCode)
		}
		if got := errors.Is(err, text.ErrInvalidRequest); got != tt.wantInvalid {
			t.Errorf("%s: errors.Is(err, ErrInvalidRequest) = %v, want %v", tt.name, got, tt.wantInvalid)
		}
		if !strings.Contains(err.Error(), srv.URL+"/v1/completions") || !strings.Contains(err.Error(), http.StatusText(tt.status)) {
			t.Errorf("%s: message %q does not name the URL and the status", tt.name, err)
		}
	}
}

func TestClientBadResponses(t *testing.T) {
	tests := []struct {
		name, api, body, want string
	}{
		{"not JSON", openai.APICompletions, "Hello, I am not JSON", "body starts \"Hello, I am not JSON\""},
		{"truncated JSON", openai.APICompletions, `{"choices":[{"text":"abc"`, "unexpected end of JSON input"},
		{"no choices", openai.APICompletions, `{"id":"x","choices":[]}`, "no choices"},
		{"chat answer to a completions request", openai.APICompletions, `{"choices":[{"message":{"role":"assistant","content":"hi"}}]}`, "choice has no text"},
		{"completions answer to a chat request", openai.APIChat, `{"choices":[{"text":"hi"}]}`, "choice has no message"},
		{"too large", openai.APICompletions, `{"choices":[{"text":"` + strings.Repeat("a", 9<<20) + `"}]}`, "body larger than"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(tt.body))
		}))
		_, err := newClient(t, openai.Config{BaseURL: srv.URL, Model: "m", API: tt.api}).Complete(context.Background(), text.Request{MaxTokens: 1})
		srv.Close()
		if !errors.Is(err, openai.ErrBadResponse) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrBadResponse containing %q", tt.name, err, tt.want)
		}
	}
	// A chat answer with null content (e.g. a tool call) reads as "".
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"model":"m2","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"tool_calls"}]}`))
	}))
	defer srv.Close()
	resp, err := newClient(t, openai.Config{BaseURL: srv.URL, Model: "m", API: openai.APIChat}).Complete(context.Background(), text.Request{MaxTokens: 1})
	if err != nil || resp.Text != "" || resp.FinishReason != "tool_calls" || resp.Model != "m2" {
		t.Errorf("null content: %+v, %v; want empty text, finish tool_calls, model m2", resp, err)
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newClient(t, openai.Config{BaseURL: srv.URL, Model: "m", Timeout: 100 * time.Millisecond})
	_, err := c.Complete(context.Background(), text.Request{MaxTokens: 1})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout 100ms") {
		t.Errorf("error %v, want context.DeadlineExceeded naming the 100ms timeout", err)
	}
	// The caller's cancellation is reported as such.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	c = newClient(t, openai.Config{BaseURL: srv.URL, Model: "m"})
	if _, err := c.Complete(ctx, text.Request{MaxTokens: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: error %v, want context.Canceled", err)
	}
}

func TestClientUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := newClient(t, openai.Config{BaseURL: url, Model: "m"}).Complete(context.Background(), text.Request{MaxTokens: 1})
	if err == nil || !strings.Contains(err.Error(), url+"/v1/completions") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %v, want connection refused naming %s/v1/completions", err, url)
	}
}

func TestClientRefusesBadRequestLocally(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	defer srv.Close()
	_, err := newClient(t, openai.Config{BaseURL: srv.URL, Model: "m"}).Complete(context.Background(), text.Request{MaxTokens: 0})
	if !errors.Is(err, text.ErrInvalidRequest) || calls != 0 {
		t.Errorf("max_tokens 0: error %v after %d calls, want ErrInvalidRequest and no call", err, calls)
	}
}

func TestNewClient(t *testing.T) {
	tests := []struct {
		cfg          openai.Config
		wantErr      string
		wantEndpoint string
	}{
		{openai.Config{BaseURL: "http://127.0.0.1:8080/v1", Model: "m"}, "", "http://127.0.0.1:8080/v1/completions"},
		{openai.Config{BaseURL: "http://127.0.0.1:8080/v1/", Model: "m", API: openai.APIChat}, "", "http://127.0.0.1:8080/v1/chat/completions"},
		{openai.Config{BaseURL: "http://localhost:11434", Model: "m"}, "", "http://localhost:11434/v1/completions"},
		{openai.Config{BaseURL: "https://api.example.com/openai/v1", Model: "m"}, "", "https://api.example.com/openai/v1/completions"},
		{openai.Config{BaseURL: "http://127.0.0.1:8080/v1"}, "model is required", ""},
		{openai.Config{BaseURL: "127.0.0.1:8080", Model: "m"}, `base URL "127.0.0.1:8080"`, ""},
		{openai.Config{BaseURL: "ftp://host/v1", Model: "m"}, `base URL "ftp://host/v1"`, ""},
		{openai.Config{BaseURL: "http:///v1", Model: "m"}, `base URL "http:///v1"`, ""},
		{openai.Config{BaseURL: "http://h/v1", Model: "m", API: "embeddings"}, `API "embeddings"`, ""},
		{openai.Config{BaseURL: "http://h/v1", Model: "m", Timeout: -time.Second}, "negative timeout", ""},
	}
	for _, tt := range tests {
		c, err := openai.NewClient(tt.cfg)
		if tt.wantErr != "" {
			if !errors.Is(err, openai.ErrConfig) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewClient(%+v) error %v, want ErrConfig containing %q", tt.cfg, err, tt.wantErr)
			}
			continue
		}
		if err != nil || c.Endpoint() != tt.wantEndpoint {
			t.Errorf("NewClient(%+v) = %v, %v; want endpoint %s", tt.cfg, c.Endpoint(), err, tt.wantEndpoint)
		}
	}
}
