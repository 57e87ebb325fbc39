// Command lmserver serves a text subnet model over the OpenAI-compatible HTTP
// API, so that any tool that speaks it (curl, OpenAI SDKs, chat front ends,
// or another subnet program with --model openai) can use the built-in
// n-gram model, or re-serve an upstream server under one name.
//
//	lmserver                                   # built-in model on 127.0.0.1:8080
//	lmserver --listen :9000 --server.api_key_env LMSERVER_KEY
//	curl -s localhost:8080/v1/completions -d '{"prompt":"Tom looked at the","max_tokens":32,"seed":1}'
//
// The model flags are those of package backend (--model, --builtin.*,
// --openai.*). It stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/go-bittensor/bittensor/subnets/text/backend"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, os.Getenv, nil); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			os.Exit(0) // the usage is printed
		}
		fmt.Fprintln(os.Stderr, "lmserver:", err)
		os.Exit(1)
	}
}

// terminalWidth is the width of the terminal w writes to, or 0 (no limit).
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 0
}

// usage says what lmserver is, above its flags in --help.
const usage = `lmserver serves a text subnet model over the OpenAI-compatible HTTP API
(/v1/completions, /v1/chat/completions, /v1/models): the built-in n-gram
model by default, or an upstream OpenAI-compatible server re-served under
one name (--model openai). It stops cleanly on Ctrl-C.

  lmserver                                   # built-in model on 127.0.0.1:8080
  curl -s 127.0.0.1:8080/v1/completions -d '{"prompt":"Tom looked at the","max_tokens":32,"seed":1}'
`

// run parses args, builds the model and serves until ctx ends. If ready is
// not nil it receives the listening address once the server accepts
// connections.
func run(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string, ready chan<- string) error {
	fs := pflag.NewFlagSet("lmserver", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "Address to listen on (host:port)")
	keyEnv := fs.String("server.api_key_env", "", "Environment variable holding the key clients must send as a bearer token (empty: no key)")
	debug := fs.Bool("debug", false, "Log every request")
	var mf backend.Flags
	mf.Register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lmserver [flags]\n\n%s\nFlags:\n%s", usage, fs.FlagUsagesWrapped(terminalWidth(stderr)))
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	start := time.Now()
	model, err := mf.New(getenv)
	if err != nil {
		return err
	}
	log.Info("model ready", "model", model.Name(), "elapsed", time.Since(start).Round(time.Millisecond))
	opts := openai.HandlerOptions{Logger: log}
	if *keyEnv != "" {
		if opts.APIKey = getenv(*keyEnv); opts.APIKey == "" {
			return fmt.Errorf("--server.api_key_env: environment variable %s is empty", *keyEnv)
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           openai.NewHandler(model, opts),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving the OpenAI-compatible API", "url", "http://"+ln.Addr().String()+"/v1", "auth", opts.APIKey != "")
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
