package wallet

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
)

func TestNewCmdNewKeyFlags(t *testing.T) {
	tests := []struct {
		name    string
		hot     bool
		args    []string
		encrypt bool
		nWords  int
		wantErr string
	}{
		{"coldkey defaults", false, nil, true, 12, ""},
		{"hotkey defaults", true, nil, false, 12, ""},
		{"coldkey no password", false, []string{"--no_password"}, false, 12, ""},
		{"hotkey use password", true, []string{"--use_password", "--n_words", "24"}, true, 24, ""},
		{"bad n_words", false, []string{"--n_words", "13"}, false, 0, "--n_words must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := cmdutil.Test()
			f := &cmdutil.Factory{IOStreams: ios}
			var got *NewKeyOptions
			runF := func(o *NewKeyOptions) error { got = o; return nil }
			cmd := NewCmdNewColdkey(f, runF)
			if tt.hot {
				cmd = NewCmdNewHotkey(f, runF)
			}
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Encrypt != tt.encrypt || got.NWords != tt.nWords {
				t.Errorf("options %+v", got)
			}
		})
	}
}

func TestNewHotkeyShowsMnemonicOnce(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	if err := h.run(newHotCmd, "--wallet.hotkey", "h1", "--n_words", "15"); err != nil {
		t.Fatal(err)
	}
	kp, err := wallet.New("default", "h1", h.dir).Hotkey(nil)
	if err != nil {
		t.Fatal(err)
	}
	phrase := kp.Mnemonic()
	if len(strings.Fields(phrase)) != 15 {
		t.Fatalf("mnemonic has %d words", len(strings.Fields(phrase)))
	}
	if !strings.Contains(h.out.String(), phrase) || !strings.Contains(h.out.String(), "btcli w regen_hotkey --mnemonic "+phrase) {
		t.Errorf("stdout:\n%s", h.out)
	}
	if strings.Contains(h.errOut.String(), phrase) {
		t.Error("mnemonic on stderr")
	}
	if !slices.Equal(h.fileNames(), []string{"default/hotkeys/h1", "default/hotkeys/h1pub.txt"}) {
		t.Errorf("files %v", h.fileNames())
	}
}

// An encrypted coldkey made with the password from BT_COLD_PW_<NAME>, then
// used to sign with the same variable: no prompt anywhere.
func TestNewColdkeyEncryptedThenSign(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	if err := h.run(newColdCmd, "--wallet.name", "enc"); err == nil || !strings.Contains(err.Error(), "--no_password") {
		t.Fatalf("no password available: %v", err)
	}
	if len(h.fileNames()) != 0 {
		t.Fatalf("files written without a password: %v", h.fileNames())
	}
	t.Setenv("BT_COLD_PW_ENC", "bittensor-test")
	if err := h.run(newColdCmd, "--wallet.name", "enc"); err != nil {
		t.Fatal(err)
	}
	data := h.read("enc/coldkey")
	if wallet.DetectFormat([]byte(data)) != wallet.FormatNaCl {
		t.Fatalf("coldkey is %v", wallet.DetectFormat([]byte(data)))
	}
	pub, err := wallet.New("enc", "", h.dir).ColdkeyPub()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.run(signCmd, "--wallet.name", "enc", "--message", "hello"); err != nil {
		t.Fatal(err)
	}
	sig, err := wallet.DecodeSignature(strings.TrimSpace(h.out.String()))
	if err != nil || !wallet.Verify(pub.PublicKey(), []byte("hello"), sig) {
		t.Errorf("signature %q does not verify: %v", h.out, err)
	}
}

func TestCreate(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	if err := h.run(createCmd, "--no_password", "--wallet.name", "c", "--wallet.hotkey", "h"); err != nil {
		t.Fatal(err)
	}
	want := []string{"c/coldkey", "c/coldkeypub.txt", "c/hotkeys/h", "c/hotkeys/hpub.txt"}
	if !slices.Equal(h.fileNames(), want) {
		t.Fatalf("files %v", h.fileNames())
	}
	if strings.Count(h.out.String(), "The mnemonic of the new") != 2 {
		t.Errorf("stdout:\n%s", h.out)
	}
	cold := h.read("c/coldkey")
	// Again: both exist and are kept.
	if err := h.run(createCmd, "--no_password", "--wallet.name", "c", "--wallet.hotkey", "h"); err != nil {
		t.Fatal(err)
	}
	if h.read("c/coldkey") != cold || strings.Count(h.errOut.String(), "kept it") != 2 || h.out.Len() != 0 {
		t.Errorf("second create changed something: %s", h.errOut)
	}
	// A second hotkey is added next to the kept coldkey.
	if err := h.run(createCmd, "--no_password", "--wallet.name", "c", "--wallet.hotkey", "h2"); err != nil {
		t.Fatal(err)
	}
	if h.read("c/coldkey") != cold || !slices.Contains(h.fileNames(), "c/hotkeys/h2") {
		t.Errorf("files %v", h.fileNames())
	}
	// --overwrite_hotkey replaces only the hotkey.
	hot := h.read("c/hotkeys/h")
	if err := h.run(createCmd, "--no_password", "--wallet.name", "c", "--wallet.hotkey", "h", "--overwrite_hotkey"); err != nil {
		t.Fatal(err)
	}
	if h.read("c/coldkey") != cold || h.read("c/hotkeys/h") == hot {
		t.Error("--overwrite_hotkey did the wrong thing")
	}
}
