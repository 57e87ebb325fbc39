package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
)

// runMain runs btcli with args and an environment, returning the exit code
// and the two output streams.
func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, AppVersion: "1.2.3", Getenv: func(k string) string { return env[k] }}
	t.Setenv("HOME", t.TempDir()) // no user config file
	code := Main(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestHelpListsGroups(t *testing.T) {
	code, out, _ := runMain(t, nil, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"bittensor cli v1.2.3", "btcli <command> <command args>",
		"wallet ", "subnets ", "root ", "stake ", "sudo ", "weights ", "legacy ", "localnet ", "info ", "completion ",
		"Stake and unstake TAO on hotkeys\n", "Root network: weights, senate, delegation\n", "--no_prompt", "--config"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := runMain(t, nil, "--version"); code != 0 || out != "btcli 1.2.3\n" {
		t.Errorf("%d %q", code, out)
	}
}

func TestGroupsAndAliases(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"r", "list", "--subtensor.chain_endpoint", "127.0.0.1:1"}, 1, "", "node unavailable"},
		{[]string{"roots", "--help"}, 0, "senate_vote", ""},
		{[]string{"root", "weights", "--netuids", "1,2", "--weights", "1"}, 2, "", "2 netuids but 1 weights"},
		{[]string{"stake", "add", "--amount", "1.5x"}, 2, "", "btcli: --amount: "},
		{[]string{"st", "remove", "--all", "--amount", "1"}, 2, "", "only one of --amount, --all and --max_stake"},
		{[]string{"stakes", "show", "--help"}, 0, "Rate is what that stake earned", ""},
		{[]string{"s", "list", "--help"}, 0, "share of emission", ""},
		{[]string{"subnet", "metagraph", "--netuid", "70000"}, 2, "", "--netuid 70000"},
		{[]string{"subnets", "pow_register", "--cuda"}, 2, "", "CPU only"},
		{[]string{"su", "get", "--netuid", "x"}, 2, "", `invalid argument "x" for "--netuid"`},
		{[]string{"sudos", "set", "--param", "nosuch"}, 2, "", `--param "nosuch": not a parameter`},
		{[]string{"sudo", "set", "--param", "weights_rate_limit", "--value", "-1"}, 2, "", "weights_set_rate_limit is an integer"},
		{[]string{"wt", "set", "--uids", "1,2", "--weights", "1"}, 2, "", "2 uids but 1 weights"},
		{[]string{"weights", "set", "--netuid", "0"}, 2, "", "use btcli root weights"},
		{[]string{"l", "update"}, 0, "go install github.com/go-bittensor/bittensor/cmd/btcli@latest", ""},
		{[]string{"l", "faucet", "--cuda"}, 2, "", "CPU only"},
		{[]string{"wallet", "overview", "--sort_by", "nosuch"}, 2, "", `--sort_by "nosuch"`},
		{[]string{"w", "balance", "--ss58", "5Grw"}, 2, "", `--ss58 "5Grw"`},
		{[]string{"wallet", "history", "--limit", "0"}, 2, "", "--limit 0: from 1 to 1000"},
		{[]string{"wallet", "get_identity", "--key", "5Grw"}, 2, "", `--key "5Grw"`},
		{[]string{"wallet", "set_identity", "--display", "0123456789012345678901234567890123456789012345678901234567890123456789"}, 2, "", "display is 70 bytes, at most 64"},
		{[]string{"wallet", "set_identity", "--pgp_fingerprint", "12"}, 2, "", "--pgp_fingerprint"},
		{[]string{"stake", "--help"}, 0, "remove", ""},
		{[]string{"nosuch"}, 2, "", `unknown command "nosuch"`},
		{[]string{"wallet", "nosuch"}, 2, "", `unknown command "nosuch" for "btcli wallet"`},
		{[]string{"wallet", "list", "--nosuch"}, 2, "", "unknown flag: --nosuch"},
		{[]string{"wallets"}, 0, "regen_coldkey", ""},
		{[]string{"i", "autocomplete"}, 0, "btcli completion bash", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runMain(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Errorf("exit %d (want %d)\nstdout %q\nstderr %q", code, tt.code, out, errOut)
			}
			if tt.code != 0 && len(strings.Split(strings.TrimSpace(errOut), "\n")) > 2 {
				t.Errorf("error is more than a line and a hint: %q", errOut)
			}
		})
	}
}

func TestCompletion(t *testing.T) {
	for _, args := range [][]string{{"completion", "bash"}, {"--print-completion", "bash"}, {"--print-completion", "zsh"}, {"completion", "fish"}} {
		code, out, errOut := runMain(t, nil, args...)
		if code != 0 || !strings.Contains(out, "btcli") || len(out) < 500 {
			t.Errorf("%v: exit %d, %d bytes, %s", args, code, len(out), errOut)
		}
	}
	if code, _, errOut := runMain(t, nil, "--print-completion", "tcsh"); code != 2 || !strings.Contains(errOut, "tcsh") {
		t.Errorf("tcsh: %d %s", code, errOut)
	}
	// Dynamic completion of subcommands works through cobra's __complete.
	code, out, _ := runMain(t, nil, "__complete", "wallet", "regen_")
	if code != 0 || !strings.Contains(out, "regen_coldkey") || !strings.Contains(out, "regen_hotkey") {
		t.Errorf("__complete: %d %q", code, out)
	}
}

// A first session through the real entry point: regen a known mnemonic
// without a password or prompts, list --json, sign and verify.
func TestRegenListSignVerify(t *testing.T) {
	path := t.TempDir()
	words := strings.Fields("old leopard transfer rib spatial phone calm indicate online fire caution review")
	args := append([]string{"wallet", "regen_coldkey", "--mnemonic"}, words...)
	args = append(args, "--no_password", "--no_prompt", "--wallet.path", path)
	if code, _, errOut := runMain(t, nil, args...); code != 0 {
		t.Fatalf("regen: %d %s", code, errOut)
	}
	code, out, errOut := runMain(t, nil, "wallet", "list", "--json", "--wallet.path", path)
	if code != 0 {
		t.Fatalf("list: %d %s", code, errOut)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0]["coldkey"] != "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX" {
		t.Fatalf("list: %v %s", err, out)
	}
	code, sig, errOut := runMain(t, nil, "w", "sign", "--message", "hi", "--wallet.path", path, "--no_prompt")
	if code != 0 {
		t.Fatalf("sign: %d %s", code, errOut)
	}
	code, out, _ = runMain(t, nil, "w", "verify", "--message", "hi", "--signature", strings.TrimSpace(sig), "--wallet.path", path)
	if code != 0 || !strings.Contains(out, "Signature is valid") {
		t.Errorf("verify: %d %s", code, out)
	}
	code, _, errOut = runMain(t, nil, "w", "verify", "--message", "ho", "--signature", strings.TrimSpace(sig), "--wallet.path", path)
	if code != 1 || !strings.HasPrefix(errOut, "btcli: signature is NOT valid") {
		t.Errorf("bad verify: %d %s", code, errOut)
	}
}

// --wallet.path from the flag, else BT_WALLET_PATH, else the config file.
func TestDefaultsFromEnvAndConfig(t *testing.T) {
	dir := t.TempDir()
	byFlag, byEnv, byConfig := filepath.Join(dir, "flag"), filepath.Join(dir, "env"), filepath.Join(dir, "config")
	for _, p := range []string{byFlag, byEnv, byConfig} {
		if err := os.MkdirAll(filepath.Join(p, "wallet-in-"+filepath.Base(p)), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte("wallet:\n  path: "+byConfig+"\nno_prompt: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BT_WALLET_PATH": byEnv}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"config", nil, []string{"--config", cfg}, "wallet-in-config"},
		{"env beats config", env, []string{"--config", cfg}, "wallet-in-env"},
		{"flag beats env", env, []string{"--config", cfg, "--wallet.path", byFlag}, "wallet-in-flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, tt.env, append([]string{"wallet", "list"}, tt.args...)...)
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Errorf("%d %q %q", code, out, errOut)
			}
		})
	}
	code, _, errOut := runMain(t, nil, "wallet", "list", "--config", filepath.Join(dir, "missing.yml"))
	if code == 0 || !strings.Contains(errOut, "missing.yml") {
		t.Errorf("missing config: %d %s", code, errOut)
	}
}

// With --no_prompt nothing reads the terminal: a command that needs an
// answer fails at once even though input is waiting.
func TestNoPromptNeverReads(t *testing.T) {
	ios, in, _, errOut := cmdutil.Test()
	in.WriteString("old leopard transfer rib spatial phone calm indicate online fire caution review\n")
	ios.SetStdinTTY(true)
	ios.SetStderrTTY(true)
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), f, []string{"wallet", "regen_coldkey", "--no_prompt", "--no_password", "--wallet.path", t.TempDir()})
	if code == 0 || !strings.Contains(errOut.String(), "--no_prompt") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if in.Len() == 0 {
		t.Error("input was read")
	}
}
