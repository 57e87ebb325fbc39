package openai

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/subnets/text"
)

const (
	// DefaultMaxTokens is the answer length when a request gives none, as in
	// OpenAI's completions API.
	DefaultMaxTokens = 16
	// maxRequestBytes bounds a request body.
	maxRequestBytes = 1 << 20
)

// HandlerOptions configure NewHandler.
type HandlerOptions struct {
	// APIKey, if set, is required as "Authorization: Bearer <APIKey>" on
	// every route except /health; other requests get 401.
	APIKey string
	// Logger receives one Debug line per request and a Warn line per failed
	// completion; nil means slog.Default(). Prompts and keys are not logged.
	Logger *slog.Logger
	// Now returns the time for "created" fields; nil means time.Now.
	Now func() time.Time
}

// handler serves one model.
type handler struct {
	model text.Model
	opts  HandlerOptions
	log   *slog.Logger
}

// NewHandler returns an http.Handler serving m as an OpenAI-compatible
// server:
//
//	POST /v1/completions       {"model", "prompt", "max_tokens", "temperature", "seed", "stop", "stream"}
//	POST /v1/chat/completions  {"model", "messages", "max_tokens" | "max_completion_tokens", …}
//	GET  /v1/models            the one model, id m.Name()
//	GET  /v1/models/{id}
//	GET  /health               {"status": "ok"}
//
// Defaults follow OpenAI: max_tokens 16, temperature 1. An absent (or
// negative, as llama.cpp's -1) seed draws a random one, so only requests
// with a seed are reproducible. "model" may be omitted or must equal
// m.Name() (else 404). The chat prompt is the messages' contents joined by
// blank lines. "stop" strings cut the answer at the first one found
// (finish_reason "stop"). With "stream": true the answer is sent as
// server-sent events, one chunk per word, then "data: [DONE]". n other than
// 1, logprobs and tools are not supported (400 for n).
//
// Errors are JSON {"error": {"message", "type", "param", "code"}}: 400 for
// a malformed or refused request, 401 for a missing or wrong key, 404 for
// another model, 413 for a body over 1 MiB, 500 when the model fails.
//
// The handler is safe for concurrent use if m is.
func NewHandler(m text.Model, opts HandlerOptions) http.Handler {
	h := &handler{model: m, opts: opts, log: opts.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.opts.Now == nil {
		h.opts.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/completions", h.auth(h.completions))
	mux.HandleFunc("POST /v1/chat/completions", h.auth(h.chat))
	mux.HandleFunc("GET /v1/models", h.auth(h.models))
	mux.HandleFunc("GET /v1/models/{id}", h.auth(h.model1))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return mux
}

// auth wraps next with the API key check.
func (h *handler) auth(next http.HandlerFunc) http.HandlerFunc {
	if h.opts.APIKey == "" {
		return next
	}
	want := []byte("Bearer " + h.opts.APIKey)
	return func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			msg := "missing API key: send Authorization: Bearer <key>"
			if len(got) > 0 {
				msg = "invalid API key"
			}
			writeError(w, http.StatusUnauthorized, msg, "invalid_request_error", "invalid_api_key")
			return
		}
		next(w, r)
	}
}

func (h *handler) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: []modelInfo{h.info()}})
}

func (h *handler) model1(w http.ResponseWriter, r *http.Request) {
	if id := r.PathValue("id"); id != h.model.Name() {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model %q not found; this server has %q", id, h.model.Name()), "invalid_request_error", "model_not_found")
		return
	}
	writeJSON(w, http.StatusOK, h.info())
}

func (h *handler) info() modelInfo {
	return modelInfo{ID: h.model.Name(), Object: "model", Created: h.opts.Now().Unix(), OwnedBy: "go-bittensor"}
}

func (h *handler) completions(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, false)
}

func (h *handler) chat(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, true)
}

// serve handles both completion routes.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, chat bool) {
	start := time.Now()
	var body completionRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err := dec.Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", maxRequestBytes), "invalid_request_error", "")
			return
		}
		writeError(w, http.StatusBadRequest, "request body is not valid JSON: "+err.Error(), "invalid_request_error", "")
		return
	}
	req, stops, msg := h.request(&body, chat)
	if msg != "" {
		code := ""
		status := http.StatusBadRequest
		if strings.HasPrefix(msg, "model ") {
			status, code = http.StatusNotFound, "model_not_found"
		}
		writeError(w, status, msg, "invalid_request_error", code)
		return
	}
	resp, err := h.model.Complete(r.Context(), req)
	switch {
	case errors.Is(err, text.ErrInvalidRequest):
		writeError(w, http.StatusBadRequest, err.Error(), "invalid_request_error", "")
		return
	case err != nil && r.Context().Err() != nil:
		h.log.Debug("openai: client went away", "path", r.URL.Path, "err", err)
		return
	case err != nil:
		h.log.Warn("openai: completion failed", "path", r.URL.Path, "model", h.model.Name(), "err", err)
		writeError(w, http.StatusInternalServerError, "the model failed: "+err.Error(), "server_error", "")
		return
	}
	answer, finish := resp.Text, resp.FinishReason
	if chat {
		answer = strings.TrimLeft(answer, " ") // a continuation's joining space means nothing in a message
	}
	if finish == "" {
		finish = text.FinishLength
	}
	for _, s := range stops {
		if i := strings.Index(answer, s); s != "" && i >= 0 {
			answer, finish = answer[:i], text.FinishStop
		}
	}
	u := &usage{PromptTokens: resp.PromptTokens, CompletionTokens: resp.Tokens, TotalTokens: resp.PromptTokens + resp.Tokens}
	if finish == text.FinishStop && answer != resp.Text {
		u.CompletionTokens = len(text.Tokenize(answer))
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	model := resp.Model
	if model == "" {
		model = h.model.Name()
	}
	out := completionResponse{ID: newID(chat), Created: h.opts.Now().Unix(), Model: model, Usage: u}
	if body.Stream {
		h.stream(w, out, answer, finish, chat)
	} else {
		c := choice{FinishReason: &finish}
		if chat {
			out.Object = "chat.completion"
			c.Message = &chatMessage{Role: "assistant", Content: chatContent(answer)}
		} else {
			out.Object = "text_completion"
			c.Text = &answer
		}
		out.Choices = []choice{c}
		writeJSON(w, http.StatusOK, out)
	}
	h.log.Debug("openai: completion", "path", r.URL.Path, "model", model, "max_tokens", req.MaxTokens,
		"tokens", u.CompletionTokens, "stream", body.Stream, "elapsed", time.Since(start))
}

// request turns a decoded body into a text.Request and stop strings, or
// returns a message saying what is wrong with it.
func (h *handler) request(body *completionRequest, chat bool) (text.Request, []string, string) {
	var req text.Request
	if body.Model != "" && body.Model != h.model.Name() {
		return req, nil, fmt.Sprintf("model %q not found; this server has %q", body.Model, h.model.Name())
	}
	if body.N != nil && *body.N != 1 {
		return req, nil, fmt.Sprintf("n = %d is not supported; only 1", *body.N)
	}
	if chat {
		if len(body.Messages) == 0 {
			return req, nil, "messages: at least one message is required"
		}
		parts := make([]string, len(body.Messages))
		for i, m := range body.Messages {
			parts[i] = string(m.Content)
		}
		req.Prompt = strings.Join(parts, "\n\n")
	} else {
		prompts, err := stringOrList(body.Prompt)
		switch {
		case err != nil:
			return req, nil, "prompt: " + err.Error()
		case len(prompts) > 1:
			return req, nil, fmt.Sprintf("prompt: %d prompts in one request are not supported; send one", len(prompts))
		case len(prompts) == 1:
			req.Prompt = prompts[0]
		}
	}
	req.MaxTokens = DefaultMaxTokens
	if body.MaxTokens != nil {
		req.MaxTokens = *body.MaxTokens
	}
	if chat && body.MaxCompletionTokens != nil {
		req.MaxTokens = *body.MaxCompletionTokens
	}
	req.Temperature = 1
	if body.Temperature != nil {
		req.Temperature = *body.Temperature
	}
	if body.Seed != nil && *body.Seed >= 0 {
		req.Seed = uint64(*body.Seed)
	} else {
		var b [8]byte
		rand.Read(b[:])
		req.Seed = binary.LittleEndian.Uint64(b[:])
	}
	stops, err := stringOrList(body.Stop)
	if err != nil {
		return req, nil, "stop: " + err.Error()
	}
	if err := req.Validate(); err != nil {
		return req, nil, strings.TrimPrefix(err.Error(), text.ErrInvalidRequest.Error()+": ")
	}
	return req, stops, ""
}

// stream writes the answer as server-sent events: a chunk per word (the
// first chat chunk carries the role), a last chunk with the finish reason,
// and "data: [DONE]".
func (h *handler) stream(w http.ResponseWriter, out completionResponse, answer, finish string, chat bool) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	send := func(c choice, u *usage) {
		chunk := out
		chunk.Usage = u
		chunk.Choices = []choice{c}
		if chat {
			chunk.Object = "chat.completion.chunk"
		} else {
			chunk.Object = "text_completion"
		}
		data, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", data)
		if flusher != nil {
			flusher.Flush()
		}
	}
	pieces := strings.SplitAfter(answer, " ")
	for i, p := range pieces {
		if p == "" {
			continue
		}
		c := choice{}
		if chat {
			c.Delta = &chatMessage{Content: chatContent(p)}
			if i == 0 {
				c.Delta.Role = "assistant"
			}
		} else {
			c.Text = &p
		}
		send(c, nil)
	}
	last := choice{FinishReason: &finish}
	if chat {
		last.Delta = &chatMessage{}
	} else {
		empty := ""
		last.Text = &empty
	}
	send(last, out.Usage)
	fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

// newID returns a fresh completion id.
func newID(chat bool) string {
	var b [12]byte
	rand.Read(b[:])
	if chat {
		return "chatcmpl-" + hex.EncodeToString(b[:])
	}
	return "cmpl-" + hex.EncodeToString(b[:])
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"message":"encoding the response failed","type":"server_error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// writeError writes an OpenAI-style error body.
func writeError(w http.ResponseWriter, status int, msg, typ, code string) {
	d := errorDetail{Message: msg, Type: typ}
	if code != "" {
		d.Code, _ = json.Marshal(code)
	} else {
		d.Code = json.RawMessage("null")
	}
	writeJSON(w, status, map[string]errorDetail{"error": d})
}
