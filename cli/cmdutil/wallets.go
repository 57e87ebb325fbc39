package cmdutil

import (
	"fmt"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// OwnedWallet is a wallet with its coldkey's public key read.
type OwnedWallet struct {
	*wallet.Wallet
	Coldkey types.AccountID
}

// NamedKey is one of a wallet's hotkeys: its name (file name) and key.
type NamedKey struct {
	Name string
	Key  types.AccountID
}

// SelectWallets returns the wallet the flags name (asking for its name
// when it was not given and the user can be asked) or, with all, every
// wallet under --wallet.path. With all, wallets whose coldkey public key
// cannot be read are skipped with a notice on ErrOut; none left is an
// error.
func SelectWallets(f *Factory, flags *WalletFlags, all bool) ([]OwnedWallet, error) {
	if !all {
		w, err := flags.Resolve(f, PromptName)
		if err != nil {
			return nil, err
		}
		pub, err := w.ColdkeyPub()
		if err != nil {
			return nil, err
		}
		return []OwnedWallet{{w, types.AccountID(pub.PublicKey())}}, nil
	}
	names, err := wallet.List(flags.Path)
	if err != nil {
		return nil, err
	}
	var out []OwnedWallet
	for _, n := range names {
		w := wallet.New(n, flags.Hotkey, flags.Path)
		pub, err := w.ColdkeyPub()
		if err != nil {
			fmt.Fprintf(f.IOStreams.ErrOut, "skipping wallet %s: %v\n", n, err)
			continue
		}
		out = append(out, OwnedWallet{w, types.AccountID(pub.PublicKey())})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no wallets with a coldkey under %s", flags.Path)
	}
	return out, nil
}

// WalletHotkeys returns the wallet's hotkeys whose public key can be read,
// by name; the others are skipped with a notice on ErrOut.
func WalletHotkeys(f *Factory, w *wallet.Wallet) ([]NamedKey, error) {
	names, err := w.HotkeyNames()
	if err != nil {
		return nil, err
	}
	out := make([]NamedKey, 0, len(names))
	for _, n := range names {
		kp, err := wallet.New(w.Name, n, w.Path).HotkeyPub()
		if err != nil {
			fmt.Fprintf(f.IOStreams.ErrOut, "skipping hotkey %s of wallet %s: %v\n", n, w.Name, err)
			continue
		}
		out = append(out, NamedKey{Name: n, Key: types.AccountID(kp.PublicKey())})
	}
	return out, nil
}
