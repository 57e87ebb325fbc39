package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "config.yml", `
wallet:
  name: nested-name
  path: ~/w
subtensor.network: local
no_prompt: true
netuids: [1, 2]
empty:
`)
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"wallet.name":       "nested-name",
		"wallet.path":       "~/w",
		"subtensor.network": "local",
		"no_prompt":         "true",
		"netuids":           "1,2",
	} {
		if got, ok := c.Get(k); !ok || got != want {
			t.Errorf("%s = %q, %v; want %q", k, got, ok, want)
		}
	}
	if _, ok := c.Get("empty"); ok {
		t.Error("key without value is set")
	}
	if _, ok := c.Get("wallet"); ok {
		t.Error("a map is not a value")
	}

	if _, err := LoadConfig(filepath.Join(dir, "missing.yml")); err == nil {
		t.Error("missing explicit config accepted")
	}
	bad := writeFile(t, dir, "bad.yml", "wallet: [unclosed\n")
	if _, err := LoadConfig(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad YAML: %v", err)
	}
	t.Setenv("HOME", dir) // no ~/.bittensor/config.yml there
	if c, err := LoadConfig(""); err != nil || c.Path != "" {
		t.Errorf("missing default config: %v %+v", err, c)
	}
}

// Flags beat the environment, which beats the config file, which beats the
// built-in default.
func TestApplyDefaultsPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg, err := LoadConfig(writeFile(t, dir, "c.yml", "wallet:\n  name: from-config\n  hotkey: hk-config\n  path: /config/path\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BT_WALLET_HOTKEY": "hk-env", "BT_WALLET_PATH": "/env/path"}
	getenv := func(k string) string { return env[k] }

	var w WalletFlags
	var n int
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	AddWalletFlags(cmd, &w)
	cmd.Flags().IntVar(&n, "n_words", 12, "")
	if err := cmd.ParseFlags([]string{"--wallet.path", "/flag/path"}); err != nil {
		t.Fatal(err)
	}
	if err := ApplyDefaults(cmd, cfg, getenv); err != nil {
		t.Fatal(err)
	}
	if w.Path != "/flag/path" || w.Hotkey != "hk-env" || w.Name != "from-config" || n != 12 {
		t.Errorf("got name=%q hotkey=%q path=%q n=%d", w.Name, w.Hotkey, w.Path, n)
	}
	if !cmd.Flags().Changed("wallet.name") || cmd.Flags().Changed("n_words") {
		t.Error("values from env/config must count as set, defaults not")
	}

	// A bad value names where it came from.
	cfg2, _ := LoadConfig(writeFile(t, dir, "c2.yml", "n_words: many\n"))
	cmd2 := &cobra.Command{Use: "y"}
	cmd2.Flags().IntVar(&n, "n_words", 12, "")
	err = ApplyDefaults(cmd2, cfg2, getenv)
	if err == nil || !strings.Contains(err.Error(), "c2.yml") || ExitCode(err) != ExitUsage {
		t.Errorf("bad config value: %v", err)
	}
}

func TestBindEnvUnknownFlagPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	BindEnv(&cobra.Command{Use: "x"}, "nope", "BT_NOPE")
}
