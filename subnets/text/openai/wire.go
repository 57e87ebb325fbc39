// Package openai connects text.Model to the OpenAI-compatible HTTP API that
// llama.cpp's server, vLLM and Ollama all speak, in both directions:
//
//   - Client is a text.Model that asks such a server (POST /v1/completions
//     or /v1/chat/completions, not streamed), so a miner can answer with any
//     model those servers run.
//   - NewHandler serves any text.Model (such as the built-in n-gram model)
//     behind the same API, so that other tools can use it and so that Client
//     is tested against a real server.
//
// Only the subset the three servers share is used: model, prompt or
// messages, max_tokens, temperature, seed, stop and stream; the response's
// choices[0] and usage; errors as {"error": {"message", "type", "code"}}
// (vLLM's top-level {"message", "type", "code"} is understood too).
package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// completionRequest is the body of POST /v1/completions and, with Messages
// instead of Prompt, of POST /v1/chat/completions.
type completionRequest struct {
	Model               string          `json:"model"`
	Prompt              json.RawMessage `json:"prompt,omitempty"`   // string or [string]
	Messages            []chatMessage   `json:"messages,omitempty"` // chat only
	MaxTokens           *int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int            `json:"max_completion_tokens,omitempty"` // chat: newer name of max_tokens
	Temperature         *float64        `json:"temperature,omitempty"`
	Seed                *int64          `json:"seed,omitempty"`
	Stop                json.RawMessage `json:"stop,omitempty"` // string or [string]
	N                   *int            `json:"n,omitempty"`
	Stream              bool            `json:"stream"`
}

// chatMessage is one message of a chat request or response.
type chatMessage struct {
	Role    string      `json:"role,omitempty"`
	Content chatContent `json:"content"`
}

// chatContent is a message's content: a string, or (in requests) an array of
// parts of which the "text" ones are kept; null reads as "".
type chatContent string

// UnmarshalJSON accepts a string, null, or an array of {"type", "text"}.
func (c *chatContent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*c = ""
		return nil
	case len(b) > 0 && b[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var sb strings.Builder
		for _, p := range parts {
			if p.Type == "text" {
				sb.WriteString(p.Text)
			}
		}
		*c = chatContent(sb.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("content is neither a string nor an array of parts")
	}
	*c = chatContent(s)
	return nil
}

// completionResponse is the body of a successful completion, either kind.
type completionResponse struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []choice `json:"choices"`
	Usage   *usage   `json:"usage,omitempty"`
}

// choice is one alternative of a completion: Text for /v1/completions,
// Message for chat, Delta in a streamed chat chunk.
type choice struct {
	Index        int          `json:"index"`
	Text         *string      `json:"text,omitempty"`
	Message      *chatMessage `json:"message,omitempty"`
	Delta        *chatMessage `json:"delta,omitempty"`
	Logprobs     *struct{}    `json:"logprobs"`
	FinishReason *string      `json:"finish_reason"`
}

// usage counts tokens as the server's model does.
type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// errorBody is an error response. OpenAI, llama.cpp and Ollama nest the
// details under "error" (llama.cpp's code is a number); vLLM puts them at
// the top level; some servers send "error" as a plain string.
type errorBody struct {
	Error   json.RawMessage `json:"error,omitempty"`
	Message string          `json:"message,omitempty"`
	Type    string          `json:"type,omitempty"`
	Code    json.RawMessage `json:"code,omitempty"`
}

// errorDetail is the object under "error".
type errorDetail struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Param   *string         `json:"param"`
	Code    json.RawMessage `json:"code"`
}

// modelList is the body of GET /v1/models.
type modelList struct {
	Object string      `json:"object"`
	Data   []modelInfo `json:"data"`
}

// modelInfo describes one model.
type modelInfo struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// rawString returns a JSON string or number as text ("" for null or absent).
func rawString(b json.RawMessage) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}

// stringOrList reads a JSON string or array of strings ("prompt", "stop").
func stringOrList(b json.RawMessage) ([]string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("neither a string nor an array of strings")
	}
	return list, nil
}
