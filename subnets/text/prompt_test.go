package text_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
)

func TestPromptGenerator(t *testing.T) {
	g, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if n := g.Prompts(); n < 1_000_000 {
		t.Errorf("Prompts() = %d, want over a million from the built-in corpus", n)
	}
	src := strings.Join(text.Tokenize(corpus.Text()), " ")
	prompts := map[string]bool{}
	seeds := map[uint64]bool{}
	lengths := map[int]int{}
	for seed := range uint64(2000) {
		req := g.Request(seed)
		if err := req.Validate(); err != nil {
			t.Fatalf("seed %d: invalid request %+v: %v", seed, req, err)
		}
		if again := g.Request(seed); again != req {
			t.Fatalf("seed %d: two calls gave %+v and %+v", seed, req, again)
		}
		toks := text.Tokenize(req.Prompt)
		if len(toks) < text.DefaultMinPromptTokens || len(toks) > text.DefaultMaxPromptTokens {
			t.Errorf("seed %d: prompt %q has %d tokens, want %d..%d", seed, req.Prompt, len(toks),
				text.DefaultMinPromptTokens, text.DefaultMaxPromptTokens)
		}
		if !text.IsWord(toks[0]) {
			t.Errorf("seed %d: prompt %q starts with punctuation", seed, req.Prompt)
		}
		if seed < 300 && !strings.Contains(src, strings.Join(toks, " ")) {
			t.Errorf("seed %d: prompt %q is not a run of the source's tokens", seed, req.Prompt)
		}
		if req.MaxTokens != text.DefaultAnswerTokens || req.Temperature != text.DefaultTemperature {
			t.Errorf("seed %d: max_tokens %d temperature %v, want the defaults", seed, req.MaxTokens, req.Temperature)
		}
		prompts[req.Prompt] = true
		seeds[req.Seed] = true
		lengths[len(toks)]++
	}
	if len(prompts) < 1990 || len(seeds) != 2000 {
		t.Errorf("2000 seeds gave %d distinct prompts and %d distinct sampling seeds, want about 2000 of each", len(prompts), len(seeds))
	}
	for n := text.DefaultMinPromptTokens; n <= text.DefaultMaxPromptTokens; n++ {
		if lengths[n] < 60 { // expected 2000/13 ≈ 154
			t.Errorf("prompt length %d drawn %d times in 2000, want about 154", n, lengths[n])
		}
	}
}

func TestPromptGeneratorConfig(t *testing.T) {
	src := "one two three four five six seven eight nine ten"
	g, err := text.NewPromptGenerator(src, text.PromptConfig{MinPromptTokens: 2, MaxPromptTokens: 3, AnswerTokens: 8, Greedy: true})
	if err != nil {
		t.Fatal(err)
	}
	req := g.Request(5)
	if n := len(text.Tokenize(req.Prompt)); n < 2 || n > 3 || req.MaxTokens != 8 || req.Temperature != 0 {
		t.Errorf("Request = %+v, want a 2..3-token prompt, 8 tokens, temperature 0", req)
	}
	if g.Prompts() != 8*2 {
		t.Errorf("Prompts() = %d, want 16", g.Prompts())
	}
	tests := []struct {
		name string
		src  string
		cfg  text.PromptConfig
		want string
	}{
		{"bounds reversed", src, text.PromptConfig{MinPromptTokens: 5, MaxPromptTokens: 3}, "prompt length 5..3"},
		{"negative min", src, text.PromptConfig{MinPromptTokens: -1}, "prompt length -1..16"},
		{"answer too long", src, text.PromptConfig{AnswerTokens: text.MaxTokens + 1}, "answer length 4097"},
		{"temperature", src, text.PromptConfig{Temperature: 3}, "temperature 3"},
		{"source too short", "a b c", text.PromptConfig{}, "no word followed by 15 tokens"},
		{"punctuation only", strings.Repeat(", ", 40), text.PromptConfig{}, "no word followed by 15 tokens"},
	}
	for _, tt := range tests {
		_, err := text.NewPromptGenerator(tt.src, tt.cfg)
		if !errors.Is(err, text.ErrPromptConfig) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrPromptConfig containing %q", tt.name, err, tt.want)
		}
	}
}

func TestRequestValidate(t *testing.T) {
	ok := text.Request{Prompt: "hi", MaxTokens: 1, Temperature: 2}
	if err := ok.Validate(); err != nil {
		t.Errorf("%+v: %v", ok, err)
	}
	bad := []text.Request{
		{MaxTokens: 0},
		{MaxTokens: text.MaxTokens + 1},
		{MaxTokens: 1, Temperature: -1},
		{MaxTokens: 1, Temperature: 2.01},
		{MaxTokens: 1, Prompt: "\xc3"},
		{MaxTokens: 1, Prompt: strings.Repeat("x", text.MaxPromptBytes+1)},
	}
	for _, r := range bad {
		if err := r.Validate(); !errors.Is(err, text.ErrInvalidRequest) {
			t.Errorf("Validate(%.40q…, max_tokens %d, temperature %v) = %v, want ErrInvalidRequest", r.Prompt, r.MaxTokens, r.Temperature, err)
		}
	}
}
