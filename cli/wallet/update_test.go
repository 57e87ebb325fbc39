package wallet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
)

// A coldkey encrypted with Ansible Vault (by ansible-vault itself, see
// wallet/testdata/make_vectors.py) is re-encrypted as $NACL with the same
// password and still opens, with its mnemonic.
func TestUpdateLegacyColdkey(t *testing.T) {
	vault, err := os.ReadFile("../../wallet/testdata/ansible_vault.txt")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, false, "")
	if err := h.run(regenHotCmd, "--seed", k2Seed, "--wallet.name", "old"); err != nil {
		t.Fatal(err)
	}
	cold := filepath.Join(h.dir, "old", "coldkey")
	if err := wallet.WriteKeyfileData(cold, vault, false); err != nil {
		t.Fatal(err)
	}

	// --no_prompt and no password in the environment: an error, unchanged.
	h.f.NoPrompt = true
	err = h.run(updateCmd, "--wallet.name", "old")
	if err == nil || !strings.Contains(err.Error(), "BT_COLD_PW_OLD") {
		t.Fatalf("no password: %v", err)
	}
	if h.read("old/coldkey") != string(vault) {
		t.Fatal("coldkey changed")
	}

	// Asked at a terminal, "n" leaves it.
	h.f.NoPrompt = false
	h.f.IOStreams.SetStdinTTY(true)
	h.f.IOStreams.SetStderrTTY(true)
	h.in.WriteString("n\n")
	if err := h.run(updateCmd, "--wallet.name", "old"); err != nil {
		t.Fatal(err)
	}
	if h.read("old/coldkey") != string(vault) || !strings.Contains(h.out.String(), "left as Ansible Vault") {
		t.Fatalf("answer n: %s", h.out)
	}

	// "y", then the password at the prompt.
	h.in.WriteString("y\nbittensor-test\n")
	if err := h.run(updateCmd, "--wallet.name", "old"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.out.String(), "updated from Ansible Vault to NaCl") || !strings.Contains(h.out.String(), "hotkeys/default: not encrypted") {
		t.Errorf("stdout %s", h.out)
	}
	data := h.read("old/coldkey")
	if wallet.DetectFormat([]byte(data)) != wallet.FormatNaCl {
		t.Fatalf("format %v", wallet.DetectFormat([]byte(data)))
	}
	if st, _ := os.Stat(cold); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	kp, err := wallet.New("old", "", h.dir).Coldkey(wallet.Password("bittensor-test"))
	if err != nil || kp.Mnemonic() != k2Phrase {
		t.Fatalf("updated coldkey: %v", err)
	}

	// Running again changes nothing.
	h.f.NoPrompt = true
	if err := h.run(updateCmd, "--all"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.out.String(), "already NaCl") || h.read("old/coldkey") != data {
		t.Errorf("second update: %s", h.out)
	}
}

func TestUpdateWrongPasswordChangesNothing(t *testing.T) {
	vault, err := os.ReadFile("../../wallet/testdata/ansible_vault.txt")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	cold := filepath.Join(h.dir, "w", "coldkey")
	if err := wallet.WriteKeyfileData(cold, vault, false); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BT_COLD_PW_W", "not-the-password")
	err = h.run(updateCmd, "--wallet.name", "w")
	if err == nil || !strings.Contains(err.Error(), "wrong password") || cmdutil.ExitCode(err) == 0 {
		t.Fatalf("error %v", err)
	}
	if h.read("w/coldkey") != string(vault) {
		t.Error("coldkey changed")
	}
}
