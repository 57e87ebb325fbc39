package cli

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestBittensor6Flags passes every flag Bittensor 6.x's btcli declares on
// a command to the same command here, with and without --strict: each must
// be accepted.
func TestBittensor6Flags(t *testing.T) {
	f, err := os.Open("testdata/bittensor6_flags.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 4 {
			t.Fatalf("bad line %q", line)
		}
		args := []string{fields[0], fields[1], fields[2]}
		if fields[3] == "value" {
			args = append(args, "1")
		}
		for _, strict := range []bool{false, true} {
			a := append([]string(nil), args...)
			if strict {
				a = append(a, "--strict")
			}
			code, _, errOut := runMain(t, nil, append(a, "--help")...)
			if code != 0 {
				t.Errorf("btcli %s: exit %d: %s", strings.Join(a, " "), code, errOut)
			}
		}
		n++
	}
	if n < 400 {
		t.Fatalf("only %d flags read", n)
	}
}

// TestForeignAndMistypedFlags: a flag another command takes is ignored
// (an error with --strict); a flag no command takes is an error, with a
// suggestion when it is close to one of the command's.
func TestForeignAndMistypedFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"wallet", "list", "--netuid", "3", "--json"}, 0, ""},
		{[]string{"wallet", "list", "--netuid=3", "--all", "--json"}, 0, ""},
		{[]string{"wallet", "list", "--netuid", "3", "--strict"}, 2, "btcli wallet list does not take --netuid"},
		{[]string{"wallet", "list", "--wallet.pth", "/x"}, 2, "unknown flag: --wallet.pth (did you mean --wallet.path?)"},
		{[]string{"wallet", "list", "--jsn"}, 2, "did you mean --json?"},
		{[]string{"wallet", "list", "--nosuch"}, 2, "unknown flag: --nosuch\n"},
		{[]string{"subnets", "lock_cost", "--wallet.hotkey_b", "x", "--subtensor.chain_endpoint", "127.0.0.1:1"}, 1, "node unavailable"},
		{[]string{"stake", "show", "--sort_by", "stake", "--no_prompt"}, 1, "wallets/default/coldkey"},
		{[]string{"wallet", "regen_coldkey", "--subtensor.chain_endpoint", "127.0.0.1:1", "--strict", "--mnemonic", "x"}, 1, "mnemonic"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runMain(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.err) {
				t.Errorf("exit %d, want %d; stderr %q, want %q", code, tt.code, errOut, tt.err)
			}
		})
	}
}
