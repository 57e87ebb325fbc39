package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	c, err := Load(writeFile(t, "wallet:\n  name: nested\nsubtensor.network: local\nnetuids: [1, 2]\nempty:\n"))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"wallet.name": "nested", "subtensor.network": "local", "netuids": "1,2"} {
		if got, ok := c.Get(k); !ok || got != want {
			t.Errorf("%s = %q, %v; want %q", k, got, ok, want)
		}
	}
	for _, k := range []string{"empty", "wallet"} {
		if _, ok := c.Get(k); ok {
			t.Errorf("%s is set", k)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yml")); err == nil {
		t.Error("a missing file named explicitly is accepted")
	}
	t.Setenv("HOME", t.TempDir())
	if c, err := Load(""); err != nil || c.Path != "" {
		t.Errorf("missing default file: %v %+v", err, c)
	}
	var none *File
	if _, ok := none.Get("x"); ok {
		t.Error("nil file has a value")
	}
}

// TestApply: the command line beats the environment, which beats the file,
// which beats the default; the shared flags have their BT_* variables; a
// bad value names its source.
func TestApply(t *testing.T) {
	file, err := Load(writeFile(t, "wallet:\n  name: from-file\n  hotkey: from-file\nsubtensor.network: from-file\nport: 7\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BT_WALLET_HOTKEY": "from-env", "BT_SUBTENSOR_CHAIN_ENDPOINT": "127.0.0.1:1"}
	var w Wallet
	var s Subtensor
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	w.AddFlags(fs)
	s.AddFlags(fs)
	port := fs.Int("port", 1, "")
	other := fs.Int("other", 3, "")
	if err := fs.Parse([]string{"--wallet.path", "/flag"}); err != nil {
		t.Fatal(err)
	}
	if err := Apply(fs, file, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if w != (Wallet{Name: "from-file", Hotkey: "from-env", Path: "/flag"}) || s.Network != "from-file" || s.Target() != "127.0.0.1:1" || *port != 7 || *other != 3 {
		t.Errorf("got %+v %+v port %d other %d", w, s, *port, *other)
	}
	if !fs.Changed("wallet.name") || fs.Changed("other") {
		t.Error("values from the environment or file count as set, defaults do not")
	}

	bad, _ := Load(writeFile(t, "port: many\n"))
	fs2 := pflag.NewFlagSet("y", pflag.ContinueOnError)
	fs2.Int("port", 1, "")
	var se *SourceError
	if err := Apply(fs2, bad, nil); !errors.As(err, &se) || !strings.Contains(err.Error(), bad.Path) || !strings.Contains(err.Error(), "--port") {
		t.Errorf("bad value: %v", err)
	}
}
