package openai_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

// post sends body to the server and decodes the JSON answer into a map.
func post(t *testing.T, url, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("POST %s: status %d, body %q is not JSON: %v", url, resp.StatusCode, data, err)
	}
	return resp.StatusCode, out
}

// errMessage returns error.message of an error body.
func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func TestServerCompletions(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{Now: func() time.Time { return time.Unix(1700000000, 0) }})
	status, out := post(t, srv.URL+"/v1/completions", `{"model":"`+m.Name()+`","prompt":"Tom looked","max_tokens":10,"temperature":0.5,"seed":3}`)
	want, _ := m.Complete(context.Background(), text.Request{Prompt: "Tom looked", MaxTokens: 10, Temperature: 0.5, Seed: 3})
	choices, _ := out["choices"].([]any)
	if status != 200 || len(choices) != 1 {
		t.Fatalf("status %d, body %v", status, out)
	}
	c := choices[0].(map[string]any)
	u := out["usage"].(map[string]any)
	if c["text"] != want.Text || c["finish_reason"] != "length" || out["object"] != "text_completion" ||
		out["model"] != m.Name() || out["created"] != float64(1700000000) || !strings.HasPrefix(out["id"].(string), "cmpl-") ||
		u["completion_tokens"] != float64(10) || u["prompt_tokens"] != float64(2) || u["total_tokens"] != float64(12) {
		t.Errorf("response %v, want text %q, 10+2 tokens, finish length", out, want.Text)
	}
}

func TestServerRequests(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	direct := func(prompt string, n int) string {
		r, err := m.Complete(context.Background(), text.Request{Prompt: prompt, MaxTokens: n, Temperature: 1, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		return r.Text
	}
	tests := []struct {
		name, path, body string
		wantText         string // choices[0] text or message content
		wantFinish       string
	}{
		{"prompt as a one-element list", "/v1/completions", `{"prompt":["Tom"],"max_tokens":6,"seed":9}`, direct("Tom", 6), "length"},
		{"no model, no prompt", "/v1/completions", `{"max_tokens":6,"seed":9}`, direct("", 6), "length"},
		{"default max_tokens is 16", "/v1/completions", `{"prompt":"Tom","seed":9}`, direct("Tom", 16), "length"},
		{"chat, content parts and max_completion_tokens", "/v1/chat/completions",
			`{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Tom"},{"type":"image_url","image_url":{"url":"x"}}]}],"max_completion_tokens":6,"seed":9}`,
			strings.TrimLeft(direct("Be brief.\n\nTom", 6), " "), "length"},
		{"stop string", "/v1/completions", `{"prompt":"Tom","max_tokens":16,"seed":9,"stop":"` + stopWord(direct("Tom", 16)) + `"}`,
			direct("Tom", 16)[:strings.Index(direct("Tom", 16), stopWord(direct("Tom", 16)))], "stop"},
		{"stop strings not found", "/v1/completions", `{"prompt":"Tom","max_tokens":6,"seed":9,"stop":["\u0000zz","qqqq"]}`, direct("Tom", 6), "length"},
	}
	for _, tt := range tests {
		status, out := post(t, srv.URL+tt.path, tt.body)
		choices, _ := out["choices"].([]any)
		if status != 200 || len(choices) != 1 {
			t.Errorf("%s: status %d, body %v", tt.name, status, out)
			continue
		}
		c := choices[0].(map[string]any)
		got, _ := c["text"].(string)
		if msg, ok := c["message"].(map[string]any); ok {
			got, _ = msg["content"].(string)
			if msg["role"] != "assistant" || out["object"] != "chat.completion" {
				t.Errorf("%s: message %v, object %v", tt.name, msg, out["object"])
			}
		}
		if got != tt.wantText || c["finish_reason"] != tt.wantFinish {
			t.Errorf("%s: %q (finish %v), want %q (finish %s)", tt.name, got, c["finish_reason"], tt.wantText, tt.wantFinish)
		}
	}
}

// stopWord returns the fourth word of s, to use as a stop string.
func stopWord(s string) string {
	return strings.Fields(s)[3]
}

func TestServerRandomSeed(t *testing.T) {
	srv, _ := serve(t, openai.HandlerOptions{})
	texts := map[string]bool{}
	for _, body := range []string{`{"prompt":"Tom","max_tokens":20}`, `{"prompt":"Tom","max_tokens":20}`, `{"prompt":"Tom","max_tokens":20,"seed":-1}`} {
		_, out := post(t, srv.URL+"/v1/completions", body)
		texts[out["choices"].([]any)[0].(map[string]any)["text"].(string)] = true
	}
	if len(texts) != 3 {
		t.Errorf("three requests without a seed gave %d distinct answers, want 3", len(texts))
	}
}

func TestServerErrors(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"not JSON", "/v1/completions", `{"prompt":`, 400, "not valid JSON"},
		{"prompt of the wrong type", "/v1/completions", `{"prompt":42}`, 400, "prompt: neither a string nor an array"},
		{"two prompts", "/v1/completions", `{"prompt":["a","b"]}`, 400, "2 prompts in one request"},
		{"n = 2", "/v1/completions", `{"prompt":"a","n":2}`, 400, "n = 2 is not supported"},
		{"max_tokens 0", "/v1/completions", `{"prompt":"a","max_tokens":0}`, 400, "max_tokens 0 is outside 1..4096"},
		{"temperature 5", "/v1/completions", `{"prompt":"a","temperature":5}`, 400, "temperature 5 is outside 0..2"},
		{"stop of the wrong type", "/v1/completions", `{"prompt":"a","stop":{"x":1}}`, 400, "stop: neither"},
		{"other model", "/v1/completions", `{"model":"gpt-4","prompt":"a"}`, 404, `model "gpt-4" not found; this server has "` + m.Name() + `"`},
		{"no messages", "/v1/chat/completions", `{"messages":[]}`, 400, "at least one message"},
		{"message content of the wrong type", "/v1/chat/completions", `{"messages":[{"role":"user","content":7}]}`, 400, "neither a string nor an array of parts"},
		{"body over 1 MiB", "/v1/completions", `{"prompt":"` + strings.Repeat("a", 1<<20) + `"}`, 413, "larger than 1048576 bytes"},
		{"prompt over 64 KiB", "/v1/completions", `{"prompt":"` + strings.Repeat("a ", 40000) + `"}`, 400, "prompt of 80000 bytes"},
	}
	for _, tt := range tests {
		status, out := post(t, srv.URL+tt.path, tt.body)
		if status != tt.status || !strings.Contains(errMessage(out), tt.want) {
			t.Errorf("%s: %d %v, want %d with a message containing %q", tt.name, status, out, tt.status, tt.want)
		}
	}
	resp, err := http.Get(srv.URL + "/v1/completions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/completions: %d, want 405", resp.StatusCode)
	}
}

// TestServerModelFails serves a model that fails, a Client whose upstream
// is gone, and checks the 500.
func TestServerModelFails(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	upstream := newClient(t, openai.Config{BaseURL: dead.URL, Model: "up"})
	srv := httptest.NewServer(openai.NewHandler(upstream, openai.HandlerOptions{}))
	defer srv.Close()
	status, out := post(t, srv.URL+"/v1/completions", `{"prompt":"a"}`)
	if status != 500 || !strings.Contains(errMessage(out), "connection refused") {
		t.Errorf("%d %v, want 500 passing on the upstream's error", status, out)
	}
}

func TestServerModelsAndHealth(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{APIKey: "k"})
	get := func(path string, auth bool) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer k")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if status, out := get("/v1/models", true); status != 200 || out["data"].([]any)[0].(map[string]any)["id"] != m.Name() {
		t.Errorf("/v1/models: %d %v", status, out)
	}
	if status, out := get("/v1/models/"+m.Name(), true); status != 200 || out["id"] != m.Name() {
		t.Errorf("/v1/models/{id}: %d %v", status, out)
	}
	if status, _ := get("/v1/models/other", true); status != 404 {
		t.Errorf("/v1/models/other: %d, want 404", status)
	}
	if status, _ := get("/v1/models", false); status != 401 {
		t.Errorf("/v1/models without the key: %d, want 401", status)
	}
	if status, out := get("/health", false); status != 200 || out["status"] != "ok" {
		t.Errorf("/health: %d %v", status, out)
	}
}

// TestServerStream reads the server-sent events of both APIs and checks
// that they add up to the non-streamed answer.
func TestServerStream(t *testing.T) {
	srv, m := serve(t, openai.HandlerOptions{})
	want, _ := m.Complete(context.Background(), text.Request{Prompt: "Tom", MaxTokens: 24, Temperature: 1, Seed: 5})
	for _, path := range []string{"/v1/completions", "/v1/chat/completions"} {
		body := `{"prompt":"Tom","messages":[{"role":"user","content":"Tom"}],"max_tokens":24,"seed":5,"stream":true}`
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		var got strings.Builder
		var finish any
		chunks, done := 0, false
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			if line == "[DONE]" {
				done = true
				continue
			}
			var chunk map[string]any
			if err := json.Unmarshal([]byte(line), &chunk); err != nil {
				t.Fatalf("%s: chunk %q: %v", path, line, err)
			}
			chunks++
			c := chunk["choices"].([]any)[0].(map[string]any)
			if s, ok := c["text"].(string); ok {
				got.WriteString(s)
			}
			if d, ok := c["delta"].(map[string]any); ok {
				s, _ := d["content"].(string)
				got.WriteString(s)
			}
			if c["finish_reason"] != nil {
				finish = c["finish_reason"]
			}
		}
		resp.Body.Close()
		wantText := want.Text
		if strings.Contains(path, "chat") {
			wantText = strings.TrimLeft(wantText, " ")
		}
		if got.String() != wantText || finish != "length" || !done || chunks < 10 {
			t.Errorf("%s: streamed %q in %d chunks (finish %v, [DONE] %v), want %q", path, got.String(), chunks, finish, done, wantText)
		}
	}
}
