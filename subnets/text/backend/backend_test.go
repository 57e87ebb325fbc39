package backend_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/backend"
	"github.com/go-bittensor/bittensor/subnets/text/ngram"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

// parse registers the flags on a fresh set and parses args.
func parse(t *testing.T, args ...string) *backend.Flags {
	t.Helper()
	var f backend.Flags
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &f
}

func TestDefaults(t *testing.T) {
	f := parse(t)
	want := backend.Flags{Model: "builtin", BuiltinOrder: 3, OpenAIBaseURL: "http://127.0.0.1:8080/v1",
		OpenAIAPIKeyEnv: "OPENAI_API_KEY", OpenAIAPI: "completions", OpenAITimeout: 60 * time.Second}
	if *f != want {
		t.Errorf("defaults %+v, want %+v", *f, want)
	}
	m, err := f.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Name(), "ngram3-") {
		t.Errorf("default model %q, want the built-in trigram model", m.Name())
	}
}

func TestBuiltinFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corpus.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("the cat sat on the mat. the dog sat on the log. ", 50)), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := parse(t, "--builtin.order", "2", "--builtin.corpus", path).New(nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.Complete(context.Background(), text.Request{Prompt: "the", MaxTokens: 5, Temperature: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	vocab := map[string]bool{"the": true, "cat": true, "sat": true, "on": true, "mat": true, ".": true, "dog": true, "log": true}
	for _, tok := range text.Tokenize(resp.Text) {
		if !vocab[tok] {
			t.Errorf("model trained on %s answered %q, with %q not in that file", path, resp.Text, tok)
		}
	}
	if !strings.HasPrefix(m.Name(), "ngram2-") {
		t.Errorf("Name %q, want ngram2-…", m.Name())
	}
}

func TestOpenAIFlags(t *testing.T) {
	model, err := ngram.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(openai.NewHandler(model, openai.HandlerOptions{APIKey: "k3y"}))
	defer srv.Close()
	env := map[string]string{"MY_KEY": "k3y"}
	f := parse(t, "--model", "openai", "--openai.base_url", srv.URL+"/v1", "--openai.model", model.Name(),
		"--openai.api_key_env", "MY_KEY", "--openai.api", "chat", "--openai.timeout", "5s")
	m, err := f.New(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	req := text.Request{Prompt: "Tom", MaxTokens: 8, Temperature: 0.5, Seed: 4}
	got, err := m.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := model.Complete(context.Background(), req)
	if got.Text != want.Text || m.Name() != model.Name() {
		t.Errorf("through --model openai: %q from %s, want %q from %s", got.Text, m.Name(), want.Text, model.Name())
	}
	// Without the key in the environment the server refuses.
	m, err = f.New(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Complete(context.Background(), req); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("without the key: %v, want a 401", err)
	}
}

func TestFlagErrors(t *testing.T) {
	tiny := filepath.Join(t.TempDir(), "tiny.txt")
	if err := os.WriteFile(tiny, []byte("a b"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--model", "gpt"}, `--model "gpt" is neither "builtin" nor "openai"`},
		{[]string{"--builtin.order", "7"}, "--builtin.order 7 is outside 1..4"},
		{[]string{"--builtin.corpus", "/nonexistent/corpus.txt"}, "--builtin.corpus: open /nonexistent/corpus.txt"},
		{[]string{"--builtin.corpus", tiny}, "training text has 2 tokens"},
		{[]string{"--model", "openai"}, "--openai.model is required"},
		{[]string{"--model", "openai", "--openai.model", "m", "--openai.base_url", "localhost:8080"}, `base URL "localhost:8080"`},
		{[]string{"--model", "openai", "--openai.model", "m", "--openai.api", "embeddings"}, `API "embeddings"`},
	}
	for _, tt := range tests {
		_, err := parse(t, tt.args...).New(nil)
		if !errors.Is(err, backend.ErrFlags) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want ErrFlags containing %q", tt.args, err, tt.want)
		}
	}
}
