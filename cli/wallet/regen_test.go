package wallet

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
)

func TestNewCmdRegenColdkeyFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantErr  string
		mnemonic string
		seed     string
		encrypt  bool
	}{
		{"words as arguments", append([]string{"--mnemonic"}, strings.Fields(k2Phrase)...), "", k2Phrase, "", true},
		{"one quoted argument", []string{"--mnemonic", k2Phrase, "--no_password"}, "", k2Phrase, "", false},
		{"flags after the words", append(append([]string{"--mnemonic"}, strings.Fields(k2Phrase)...), "--no_password"), "", k2Phrase, "", false},
		{"seed", []string{"--seed", k2Seed}, "", "", k2Seed, true},
		{"two sources", []string{"--seed", k2Seed, "--uri", "//Alice"}, "only one of", "", "", false},
		{"stray arguments", []string{"old", "leopard"}, "unexpected arguments", "", "", false},
		{"json password without json", []string{"--json_password", "x"}, "needs --json", "", "", false},
		{"both password flags", []string{"--seed", k2Seed, "--use_password", "--no_password"}, "cannot be used together", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := cmdutil.Test()
			var got *RegenOptions
			cmd := NewCmdRegenColdkey(&cmdutil.Factory{IOStreams: ios}, func(o *RegenOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Fatalf("error %v, want usage error %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "leopard") {
					t.Errorf("error repeats mnemonic words: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Mnemonic != tt.mnemonic || got.Seed != tt.seed || got.Encrypt != tt.encrypt || got.Kind != "coldkey" {
				t.Errorf("options %+v", got)
			}
		})
	}
}

// Regen from a known mnemonic (K2), then list --json shows its address.
func TestRegenColdkeyThenList(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	args := append([]string{"--mnemonic"}, strings.Fields(k2Phrase)...)
	if err := h.run(regenColdCmd, append(args, "--no_password")...); err != nil {
		t.Fatal(err)
	}
	if h.out.Len() != 0 || !strings.Contains(h.errOut.String(), k2SS58) || strings.Contains(h.errOut.String(), "leopard") {
		t.Errorf("stdout %q stderr %q", h.out, h.errOut)
	}
	want := map[string]os.FileMode{"default/coldkey": 0o600, "default/coldkeypub.txt": 0o600}
	if got := h.files(); !mapsEqual(got, want) {
		t.Errorf("files %v", got)
	}
	pub := h.read("default/coldkeypub.txt")
	if strings.Contains(pub, "leopard") || !strings.Contains(pub, `"ss58Address": "`+k2SS58+`"`) {
		t.Errorf("coldkeypub.txt: %s", pub)
	}

	if err := h.run(listCmd, "--json"); err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Name    string  `json:"name"`
		Coldkey *string `json:"coldkey"`
		Hotkeys []any   `json:"hotkeys"`
	}
	if err := json.Unmarshal(h.out.Bytes(), &list); err != nil {
		t.Fatalf("%v: %s", err, h.out)
	}
	if len(list) != 1 || list[0].Name != "default" || list[0].Coldkey == nil || *list[0].Coldkey != k2SS58 || len(list[0].Hotkeys) != 0 {
		t.Errorf("list: %s", h.out)
	}
}

func TestRegenSources(t *testing.T) {
	jsonPath := filepath.Join(t.TempDir(), "alice.json")
	if err := os.WriteFile(jsonPath, []byte(pjsAlice), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantSS58   string
		wantSecret string // a field that must be in the keyfile
	}{
		{"seed", []string{"--seed", k2Seed}, k2SS58, `"secretSeed": "` + k2Seed + `"`},
		{"seed without 0x", []string{"--seed", k2Seed[2:]}, k2SS58, `"secretPhrase": null`},
		{"uri", []string{"--uri", "//Alice"}, alice, `"privateKey": "0x`},
		{"uri with phrase", []string{"--uri", wallet.DevPhrase + "//Bob"}, bob, `"privateKey": "0x`},
		{"polkadot-js json", []string{"--json", jsonPath, "--json_password", "whoisalice"}, alice, `"privateKey": "0x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false, "")
			h.f.NoPrompt = true
			if err := h.run(regenHotCmd, append(tt.args, "--wallet.hotkey", "hk")...); err != nil {
				t.Fatal(err)
			}
			w := wallet.New("default", "hk", h.dir)
			kp, err := w.Hotkey(nil)
			if err != nil || kp.SS58Address() != tt.wantSS58 || !kp.HasSecret() {
				t.Fatalf("hotkey %v %v", kp, err)
			}
			if !strings.Contains(h.read("default/hotkeys/hk"), tt.wantSecret) {
				t.Errorf("keyfile lacks %s", tt.wantSecret)
			}
			if !slices.Equal(h.fileNames(), []string{"default/hotkeys/hk", "default/hotkeys/hkpub.txt"}) {
				t.Errorf("files %v", h.fileNames())
			}
		})
	}
}

// Bad input: one clear line, non-zero exit, no file created, no secret
// repeated.
func TestRegenBadInput(t *testing.T) {
	jsonPath := filepath.Join(t.TempDir(), "alice.json")
	if err := os.WriteFile(jsonPath, []byte(pjsAlice), 0o600); err != nil {
		t.Fatal(err)
	}
	notExport := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notExport, []byte("not an export"), 0o600); err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(k2Phrase)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"word count", []string{"--mnemonic", "old", "leopard", "transfer"}, "3 words"},
		{"unknown word", append(append([]string{"--mnemonic"}, words[:11]...), "reviewx"), "word 12 is not in the BIP39"},
		{"checksum", append([]string{"--mnemonic", "leopard", "old"}, words[2:]...), "checksum"},
		{"seed not hex", []string{"--seed", "0x" + strings.Repeat("zq", 32)}, "--seed: not a seed"},
		{"seed short", []string{"--seed", "0xabcdef"}, "64 hex characters"},
		{"uri empty junction", []string{"--uri", "//Alice//"}, "empty junction"},
		{"uri password", []string{"--uri", "//Alice///pw"}, "not supported"},
		{"uri bad phrase", []string{"--uri", "old leopard//x"}, "the phrase before the path"},
		{"json missing file", []string{"--json", "/nonexistent/file.json", "--json_password", "x"}, "/nonexistent/file.json"},
		{"json wrong password", []string{"--json", jsonPath, "--json_password", "nope"}, "wrong password"},
		{"json not an export", []string{"--json", notExport, "--json_password", "x"}, "Polkadot-JS"},
		{"json a device", []string{"--json", "/dev/zero", "--json_password", "x"}, "is a device"},
		{"json no password, no prompt", []string{"--json", jsonPath}, "--json_password"},
		{"nothing given, no prompt", nil, "--mnemonic, --seed, --json or --uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false, "")
			h.f.NoPrompt = true
			err := h.run(regenColdCmd, append(tt.args, "--no_password")...)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line mentioning %q", err, tt.want)
			}
			for _, secret := range []string{"leopard", "reviewx", "zqzq"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error repeats %q: %v", secret, err)
				}
			}
			if files := h.fileNames(); len(files) != 0 {
				t.Errorf("files created: %v", files)
			}
		})
	}
}

func TestRegenNeverOverwritesSilently(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	if err := h.run(regenColdCmd, "--seed", k2Seed, "--no_password"); err != nil {
		t.Fatal(err)
	}
	before := h.read("default/coldkey")

	// --no_prompt: an existing key is an error without the flag.
	err := h.run(regenColdCmd, "--uri", "//Alice", "--no_password")
	if !errors.Is(err, wallet.ErrKeyExists) || !strings.Contains(err.Error(), "--overwrite_coldkey") {
		t.Errorf("error %v", err)
	}
	// At a prompt, "n" keeps it.
	h.f.NoPrompt = false
	h.f.IOStreams.SetStdinTTY(true)
	h.f.IOStreams.SetStderrTTY(true)
	h.in.WriteString("n\n")
	err = h.run(regenColdCmd, "--uri", "//Alice", "--no_password", "--wallet.name", "default")
	if !errors.Is(err, cmdutil.ErrCancel) || !strings.Contains(h.errOut.String(), "already exists. Overwrite? (y/N)") {
		t.Errorf("answer n: %v, stderr %q", err, h.errOut)
	}
	if h.read("default/coldkey") != before {
		t.Fatal("coldkey changed")
	}
	// "y" for both files replaces them.
	h.in.WriteString("y\ny\n")
	if err := h.run(regenColdCmd, "--uri", "//Alice", "--no_password", "--wallet.name", "default"); err != nil {
		t.Fatal(err)
	}
	if kp, _ := wallet.New("default", "", h.dir).ColdkeyPub(); kp.SS58Address() != alice {
		t.Errorf("after yes: %s", kp.SS58Address())
	}
	// The flag replaces without asking.
	h.f.NoPrompt = true
	if err := h.run(regenColdCmd, "--seed", k2Seed, "--no_password", "--overwrite_coldkey"); err != nil {
		t.Fatal(err)
	}
	if h.read("default/coldkey") != before {
		t.Error("overwrite did not restore the first key")
	}
}

func TestRegenColdkeypub(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"ss58", []string{"--ss58_address", k2SS58}, ""},
		{"addr alias", []string{"--addr", k2SS58}, ""},
		{"ss58 alias", []string{"--ss58", k2SS58}, ""},
		{"public key", []string{"--public_key", k2Pub}, ""},
		{"pubkey without 0x", []string{"--pubkey", k2Pub[2:]}, ""},
		{"bad ss58 checksum", []string{"--ss58_address", k2SS58[:47] + "Y"}, "checksum"},
		{"bad ss58 char", []string{"--ss58_address", "0" + k2SS58[1:]}, "not base58"},
		{"bad public key", []string{"--public_key", "0x1234"}, "64 hex characters"},
		{"both", []string{"--public_key", k2Pub, "--ss58_address", k2SS58}, "only one of"},
		{"neither", nil, "--ss58_address or --public_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false, "")
			h.f.NoPrompt = true
			err := h.run(regenPubCmd, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				if len(h.fileNames()) != 0 {
					t.Errorf("files created: %v", h.fileNames())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(h.fileNames(), []string{"default/coldkeypub.txt"}) {
				t.Errorf("files %v", h.fileNames())
			}
			kp, err := wallet.New("default", "", h.dir).ColdkeyPub()
			if err != nil || kp.SS58Address() != k2SS58 {
				t.Errorf("coldkeypub %v %v", kp, err)
			}
		})
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// pjsAlice is the Polkadot-JS export of //Alice (password "whoisalice")
// published with subxt-signer's polkadot_js_compat tests.
const pjsAlice = `{"encoded": "DumgApKCTqoCty1OZW/8WS+sgo6RdpHhCwAkA2IoDBMAgAAAAQAAAAgAAAB6IG/q24EeVf0JqWqcBd5m2tKq5BlyY84IQ8oamLn9DZe9Ouhgunr7i36J1XxUnTI801axqL/ym1gil0U8440Qvj0lFVKwGuxq38zuifgoj0B3Yru0CI6QKEvQPU5xxj4MpyxdSxP+2PnTzYao0HDH0fulaGvlAYXfqtU89xrx2/z9z7IjSwS3oDFPXRQ9kAdDebtyCVreZ9Otw9v3", "encoding": {"content": ["pkcs8", "sr25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"}, "address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "meta": {"genesisHash": "", "name": "Alice", "whenCreated": 1718265838755}}`
