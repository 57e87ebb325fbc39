package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/ngram"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

// lockedBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var stderr lockedBuffer
	env := map[string]string{"KEY": "sekrit"}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--server.api_key_env", "KEY", "--debug"}, &stderr,
			func(k string) string { return env[k] }, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}

	model, err := ngram.Default()
	if err != nil {
		t.Fatal(err)
	}
	c, err := openai.NewClient(openai.Config{BaseURL: "http://" + addr, Model: model.Name(), APIKey: "sekrit"})
	if err != nil {
		t.Fatal(err)
	}
	req := text.Request{Prompt: "Aunt Polly", MaxTokens: 12, Temperature: 0.9, Seed: 8}
	got, err := c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := model.Complete(context.Background(), req)
	if got != want {
		t.Errorf("served answer %+v, want %+v", got, want)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	log := stderr.String()
	for _, s := range []string{"model ready", "serving the OpenAI-compatible API", "auth=true", "openai: completion", "stopped"} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q:\n%s", s, log)
		}
	}
	if strings.Contains(log, "sekrit") || strings.Contains(log, "Aunt Polly") {
		t.Errorf("log shows the key or the prompt:\n%s", log)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--server.api_key_env", "NOPE"}, "environment variable NOPE is empty"},
		{[]string{"--model", "x"}, `--model "x"`},
		{[]string{"--listen", "256.0.0.1:1"}, "listen tcp"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
	}
	for _, tt := range tests {
		var stderr lockedBuffer
		err := run(context.Background(), tt.args, &stderr, func(string) string { return "" }, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}

// TestHelp: --help says what lmserver is and lists its flags (main exits 0
// on pflag.ErrHelp without printing it).
func TestHelp(t *testing.T) {
	var stderr lockedBuffer
	err := run(context.Background(), []string{"--help"}, &stderr, func(string) string { return "" }, nil)
	if !errors.Is(err, pflag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"Usage: lmserver [flags]", "OpenAI-compatible HTTP API", "--listen", "--model"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, stderr.String())
		}
	}
}
