package wallet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

func TestListTree(t *testing.T) {
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.run(regenColdCmd, "--seed", k2Seed, "--no_password", "--wallet.name", "b-wallet"))
	must(h.run(regenHotCmd, "--uri", "//Alice", "--wallet.name", "b-wallet", "--wallet.hotkey", "alice"))
	must(h.run(regenHotCmd, "--uri", "//Bob", "--wallet.name", "b-wallet", "--wallet.hotkey", "bob"))
	// An encrypted hotkey without a pub file (as 6.x writes it) shows "?".
	// (list never decrypts, so any $NACL-framed bytes do.)
	enc := append([]byte("$NACL"), make([]byte, wallet.NaClOverhead+2)...)
	must(wallet.WriteKeyfileData(filepath.Join(h.dir, "b-wallet", "hotkeys", "locked"), enc, false))
	// A wallet with no coldkeypub.txt and no hotkeys.
	must(os.MkdirAll(filepath.Join(h.dir, "a-empty"), 0o700))

	must(h.run(listCmd))
	want := "Wallets\n" +
		"├── a-empty (?)\n" +
		"└── b-wallet (" + k2SS58 + ")\n" +
		"    ├── alice (" + alice + ")\n" +
		"    ├── bob (" + bob + ")\n" +
		"    └── locked (?)\n"
	if h.out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", h.out, want)
	}

	must(h.run(listCmd, "--json"))
	wantJSON := `[
  {
    "name": "a-empty",
    "path": "` + filepath.Join(h.dir, "a-empty") + `",
    "coldkey": null,
    "hotkeys": []
  },
  {
    "name": "b-wallet",
    "path": "` + filepath.Join(h.dir, "b-wallet") + `",
    "coldkey": "` + k2SS58 + `",
    "hotkeys": [
      {
        "name": "alice",
        "ss58": "` + alice + `"
      },
      {
        "name": "bob",
        "ss58": "` + bob + `"
      },
      {
        "name": "locked",
        "ss58": null
      }
    ]
  }
]
`
	if h.out.String() != wantJSON {
		t.Errorf("got\n%s\nwant\n%s", h.out, wantJSON)
	}
}

// Wallet directories written by the Python SDK and by btwallet list with
// their addresses.
func TestListForeignWallets(t *testing.T) {
	h := newHarness(t, false, "")
	h.dir = "../../wallet/testdata/wallets"
	if err := h.run(listCmd); err != nil {
		t.Fatal(err)
	}
	k1 := "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
	want := "Wallets\n├── btwallet (" + k2SS58 + ")\n│   └── default (" + k1 + ")\n└── py6 (" + k2SS58 + ")\n    └── default (" + k1 + ")\n"
	if h.out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", h.out, want)
	}
}

func TestListNoWallets(t *testing.T) {
	h := newHarness(t, false, "")
	if err := h.run(listCmd, "--json"); err != nil || h.out.String() != "[]\n" {
		t.Errorf("%q %v", h.out, err)
	}
}
