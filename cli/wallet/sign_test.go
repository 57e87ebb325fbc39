package wallet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	if err := h.run(regenHotCmd, "--uri", "//Alice", "--wallet.hotkey", "a"); err != nil {
		t.Fatal(err)
	}
	if err := h.run(regenColdCmd, "--seed", k2Seed, "--no_password"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		args    []string
		message string
		signer  string
	}{
		{"hotkey text", []string{"--use_hotkey", "--wallet.hotkey", "a"}, "hello bittensor", alice},
		{"hotkey hex", []string{"--use_hotkey", "--wallet.hotkey", "a"}, "0x68656c6c6f", alice},
		{"coldkey", nil, vecMsg, k2SS58},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := h.run(signCmd, append(tt.args, "--message", tt.message)...); err != nil {
				t.Fatal(err)
			}
			sig := strings.TrimSpace(h.out.String())
			if len(sig) != 130 || !strings.HasPrefix(sig, "0x") || !strings.Contains(h.errOut.String(), tt.signer) {
				t.Fatalf("stdout %q stderr %q", h.out, h.errOut)
			}
			// Verify against the wallet's public key file and by address.
			if err := h.run(verifyCmd, append(tt.args, "--message", tt.message, "--signature", sig)...); err != nil {
				t.Errorf("verify with wallet: %v", err)
			}
			if err := h.run(verifyCmd, "--message", tt.message, "--signature", sig, "--ss58", tt.signer); err != nil {
				t.Errorf("verify with --ss58: %v", err)
			}
			if !strings.Contains(h.out.String(), "Signature is valid for "+tt.signer) {
				t.Errorf("stdout %q", h.out)
			}
			// The Go library (and so any sr25519 verifier) agrees.
			pub, _ := wallet.KeypairFromSS58(tt.signer)
			msg, _ := wallet.MessageBytes(tt.message)
			raw, _ := wallet.DecodeSignature(sig)
			if !pub.Verify(msg, raw) {
				t.Error("library does not verify the CLI's signature")
			}
			// Another message or signer fails, exit 1.
			err := h.run(verifyCmd, "--message", tt.message+"00", "--signature", sig, "--ss58", tt.signer)
			if err == nil || !strings.Contains(err.Error(), "NOT valid") {
				t.Errorf("changed message: %v", err)
			}
			err = h.run(verifyCmd, "--message", tt.message, "--signature", sig, "--ss58", bob)
			if err == nil || !strings.Contains(err.Error(), "NOT valid for "+bob) {
				t.Errorf("other signer: %v", err)
			}
		})
	}
}

// A signature by //Alice of a synapse request message (made with
// go-schnorrkel).
func TestVerifySpecVector(t *testing.T) {
	h := newHarness(t, false, "")
	if err := h.run(verifyCmd, "--message", vecMsg, "--signature", vecSig, "--ss58", alice); err != nil {
		t.Fatal(err)
	}
	if err := h.run(verifyCmd, "--message", vecMsg, "--signature", vecSig[2:], "--ss58", alice); err != nil {
		t.Errorf("without 0x: %v", err)
	}
	if err := h.run(verifyCmd, "--message", vecMsg, "--signature", vecSig, "--ss58", bob); err == nil {
		t.Error("vector verified for Bob")
	}
}

func TestSignVerifyBadInput(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	tests := []struct {
		name string
		cmd  string
		args []string
		want string
	}{
		{"sign without message", "sign", nil, "--message is required"},
		{"sign bad hex message", "sign", []string{"--message", "0xzz"}, "not hex"},
		{"sign no wallet", "sign", []string{"--message", "x"}, "does not exist"},
		{"sign public only", "sign", []string{"--message", "x", "--wallet.name", "pubonly"}, "no secret key"},
		{"verify without signature", "verify", []string{"--message", "x"}, "--signature is required"},
		{"verify short signature", "verify", []string{"--message", "x", "--signature", "0x1234", "--ss58", alice}, "128 hex characters"},
		{"verify bad ss58", "verify", []string{"--message", "x", "--signature", vecSig, "--ss58", alice[:40]}, "--ss58"},
		{"verify no wallet", "verify", []string{"--message", "x", "--signature", vecSig}, "does not exist"},
	}
	// A wallet whose coldkey file holds only a public key (as 6.0–6.10
	// reload keys made from a URI).
	if err := h.run(regenPubCmd, "--ss58_address", k2SS58, "--wallet.name", "pubonly"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "pubonly", "coldkey"), []byte(h.read("pubonly/coldkeypub.txt")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newCmd := signCmd
			if tt.cmd == "verify" {
				newCmd = verifyCmd
			}
			err := h.run(newCmd, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if h.out.Len() != 0 {
				t.Errorf("stdout %q", h.out)
			}
		})
	}
}

// A damaged or unknown coldkey gives one line naming the file and the
// problem, and is left as it is.
func TestSignBadKeyfile(t *testing.T) {
	vault, err := os.ReadFile("../../wallet/testdata/ansible_vault.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, env, want string
	}{
		{"truncated JSON", `{"secretPhrase": "old leopard`, "", "keyfile is corrupt"},
		{"truncated NaCl", "$NACL" + strings.Repeat("\x01", 30), "", "truncated"},
		{"unknown format", "-----BEGIN SOMETHING-----\n", "", "unknown keyfile format"},
		{"empty", "", "", "keyfile is empty"},
		{"wrong password", string(vault), "wrong-password", "wrong password"},
		{"encrypted, no password", string(vault), "", "BT_COLD_PW_BAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false, "")
			h.f.NoPrompt = true
			path := filepath.Join(h.dir, "bad", "coldkey")
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("BT_COLD_PW_BAD", tt.env)
			if tt.env == "" {
				os.Unsetenv("BT_COLD_PW_BAD")
			}
			err := h.run(signCmd, "--wallet.name", "bad", "--message", "x")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line with %q and the path", err, tt.want)
			}
			if strings.Contains(err.Error(), "leopard") {
				t.Errorf("error repeats keyfile content: %v", err)
			}
			if got := h.read("bad/coldkey"); got != tt.content {
				t.Error("keyfile changed")
			}
		})
	}
}
