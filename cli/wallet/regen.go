package wallet

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// RegenOptions are the options of regen_coldkey and regen_hotkey. Exactly
// one source is used: Mnemonic, Seed, JSON (a Polkadot-JS export) or URI.
type RegenOptions struct {
	Factory      *cmdutil.Factory
	Kind         string // "coldkey" or "hotkey"
	Wallet       cmdutil.WalletFlags
	Mnemonic     string
	Seed         string
	JSON         string // path of the export
	JSONPassword string
	URI          string
	Encrypt      bool
	Overwrite    bool
}

// NewCmdRegenColdkey returns `wallet regen_coldkey`.
func NewCmdRegenColdkey(f *cmdutil.Factory, runF func(*RegenOptions) error) *cobra.Command {
	return regenCmd(f, coldkey, runF)
}

// NewCmdRegenHotkey returns `wallet regen_hotkey`.
func NewCmdRegenHotkey(f *cmdutil.Factory, runF func(*RegenOptions) error) *cobra.Command {
	return regenCmd(f, hotkey, runF)
}

func regenCmd(f *cmdutil.Factory, kind keyKind, runF func(*RegenOptions) error) *cobra.Command {
	opts := &RegenOptions{Factory: f, Kind: string(kind)}
	var pw passwordFlags
	cmd := &cobra.Command{
		Use:   "regen_" + string(kind) + " [--mnemonic word...|--seed hex|--json file|--uri uri]",
		Short: fmt.Sprintf("Restore a %s from its mnemonic, seed, Polkadot-JS export or URI", kind),
		Long: fmt.Sprintf(`Restore a %[1]s from one of:

  --mnemonic word...   its BIP39 mnemonic, words as separate arguments (or one quoted argument)
  --seed 0x...         its 32-byte mini-secret in hex
  --json file          a Polkadot-JS account export, with --json_password
  --uri uri            a Substrate secret URI such as //Alice (development keys)

With none of them you are asked for a mnemonic, seed or file. The %[1]s and
its public key file are written to the wallet; an existing %[1]s is replaced
only with --overwrite_%[1]s or after you confirm.`, kind),
		Example: fmt.Sprintf(`  btcli wallet regen_%[1]s --mnemonic old leopard transfer rib spatial phone calm indicate online fire caution review
  btcli wallet regen_%[1]s --seed 0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143 --no_password
  btcli wallet regen_%[1]s --uri //Alice --no_password --no_prompt`, kind),
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// --mnemonic takes all the words that follow it, as in
			// Bittensor: pflag gives it the first, the rest arrive as
			// arguments.
			if len(args) > 0 {
				if !cmd.Flags().Changed("mnemonic") {
					return cmdutil.FlagErrorf("unexpected arguments (mnemonic words go after --mnemonic)")
				}
				opts.Mnemonic = joinWords(append([]string{opts.Mnemonic}, args...)...)
			}
			n := 0
			for _, name := range []string{"mnemonic", "seed", "json", "uri"} {
				if cmd.Flags().Changed(name) {
					n++
				}
			}
			if n > 1 {
				return cmdutil.FlagErrorf("give only one of --mnemonic, --seed, --json and --uri")
			}
			if cmd.Flags().Changed("json_password") && !cmd.Flags().Changed("json") {
				return cmdutil.FlagErrorf("--json_password needs --json")
			}
			enc, err := pw.encrypt()
			if err != nil {
				return err
			}
			opts.Encrypt = enc
			if runF != nil {
				return runF(opts)
			}
			return regenRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	fs := cmd.Flags()
	fs.StringVar(&opts.Mnemonic, "mnemonic", "", "Mnemonic words of the key")
	fs.StringVar(&opts.Seed, "seed", "", "Seed (mini-secret) of the key, 64 hex characters with or without 0x")
	fs.StringVar(&opts.JSON, "json", "", "Path of a Polkadot-JS account export (JSON)")
	fs.StringVar(&opts.JSONPassword, "json_password", "", "Password of the Polkadot-JS export")
	fs.StringVar(&opts.URI, "uri", "", "Substrate secret URI, e.g. //Alice")
	addPasswordFlags(cmd, &pw, kind == coldkey)
	fs.BoolVar(&opts.Overwrite, "overwrite_"+string(kind), false, fmt.Sprintf("Replace an existing %s without asking", kind))
	return cmd
}

func regenRun(opts *RegenOptions) error {
	f := opts.Factory
	kind := keyKind(opts.Kind)
	// Decode the key before touching the wallet: bad input changes nothing.
	kp, err := regenKeypair(opts)
	if err != nil {
		return err
	}
	ask := cmdutil.PromptName
	if kind == hotkey {
		ask = cmdutil.PromptHotkey
	}
	w, err := opts.Wallet.Resolve(f, ask)
	if err != nil {
		return err
	}
	replace, err := confirmReplace(f, w, kind, opts.Overwrite)
	if err != nil {
		return err
	}
	return writeKey(f, w, kind, kp, opts.Encrypt, replace)
}

var seedRE = regexp.MustCompile(`^(0x)?[0-9a-fA-F]{64}$`)

// regenKeypair builds the key from the one source given, asking for one
// when none was.
func regenKeypair(opts *RegenOptions) (*wallet.Keypair, error) {
	f := opts.Factory
	if opts.Mnemonic == "" && opts.Seed == "" && opts.JSON == "" && opts.URI == "" {
		if !f.CanPrompt() {
			_, err := f.Prompter().Password("Enter mnemonic, seed, or json file location: ")
			return nil, fmt.Errorf("%w (use --mnemonic, --seed, --json or --uri)", err)
		}
		in, err := f.Prompter().Password("Enter mnemonic, seed, or json file location: ")
		if err != nil {
			return nil, err
		}
		in = strings.TrimSpace(in)
		switch {
		case in == "":
			return nil, fmt.Errorf("no mnemonic, seed or file given")
		case fileExists(in):
			opts.JSON = in
		case seedRE.MatchString(in):
			opts.Seed = in
		case strings.HasPrefix(in, "/") || strings.Contains(in, "//"):
			opts.URI = in
		default:
			opts.Mnemonic = in
		}
	}
	switch {
	case opts.Mnemonic != "":
		if err := wallet.CheckMnemonic(opts.Mnemonic); err != nil {
			return nil, fmt.Errorf("--mnemonic: %w", err)
		}
		return wallet.KeypairFromMnemonic(opts.Mnemonic)
	case opts.Seed != "":
		if !seedRE.MatchString(strings.TrimSpace(opts.Seed)) {
			return nil, fmt.Errorf("--seed: not a seed: want 64 hex characters (32 bytes), with or without 0x, got %d characters", len(strings.TrimSpace(opts.Seed)))
		}
		kp, err := wallet.KeypairFromSeedHex(opts.Seed)
		if err != nil {
			return nil, errors.New("--seed: not a usable seed")
		}
		return kp, nil
	case opts.JSON != "":
		data, err := wallet.ReadKeyfileData(opts.JSON)
		if err != nil {
			return nil, fmt.Errorf("--json: %w", err)
		}
		pw := opts.JSONPassword
		if pw == "" {
			if pw, err = f.Prompter().Password("Enter the password of the JSON export: "); err != nil {
				return nil, fmt.Errorf("--json: %w (use --json_password)", err)
			}
		}
		kp, err := wallet.KeypairFromPolkadotJSON(data, pw)
		if err != nil {
			return nil, fmt.Errorf("--json %s: %w", opts.JSON, err)
		}
		return kp, nil
	default:
		kp, err := wallet.KeypairFromURI(opts.URI)
		if err != nil {
			return nil, uriError(opts.URI, err)
		}
		return kp, nil
	}
}

// uriError explains a bad --uri without repeating it: the URI may start
// with a mnemonic.
func uriError(uri string, err error) error {
	msg := err.Error()
	for _, safe := range []string{"empty junction in path", "password junctions (///) are not supported", "empty"} {
		if strings.HasSuffix(msg, safe) {
			return fmt.Errorf("--uri: %w: %s", wallet.ErrBadURI, safe)
		}
	}
	phrase, _, _ := strings.Cut(uri, "/")
	if errors.Is(err, wallet.ErrBadMnemonic) {
		if cerr := wallet.CheckMnemonic(phrase); cerr != nil {
			return fmt.Errorf("--uri: %w: the phrase before the path: %w", wallet.ErrBadURI, cerr)
		}
	}
	return fmt.Errorf("--uri: %w: the phrase or 0x seed before the path is not usable", wallet.ErrBadURI)
}

// RegenColdkeypubOptions are the options of `wallet regen_coldkeypub`.
type RegenColdkeypubOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	SS58      string
	PublicKey string
	Overwrite bool
}

// NewCmdRegenColdkeypub returns `wallet regen_coldkeypub`.
func NewCmdRegenColdkeypub(f *cmdutil.Factory, runF func(*RegenColdkeypubOptions) error) *cobra.Command {
	opts := &RegenColdkeypubOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "regen_coldkeypub",
		Short: "Restore coldkeypub.txt from an address or public key",
		Long: `Restore the wallet's coldkeypub.txt from the coldkey's SS58 address or public
key. Only the public file is written; such a wallet can receive, show balances
and verify, but not sign.`,
		Example: "  btcli wallet regen_coldkeypub --ss58_address 5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.SS58 != "" && opts.PublicKey != "" {
				return cmdutil.FlagErrorf("give only one of --ss58_address and --public_key")
			}
			if runF != nil {
				return runF(opts)
			}
			return regenColdkeypubRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	fs := cmd.Flags()
	fs.StringVar(&opts.SS58, "ss58_address", "", "SS58 address of the coldkey")
	fs.StringVar(&opts.SS58, "addr", "", "Same as --ss58_address")
	fs.StringVar(&opts.SS58, "ss58", "", "Same as --ss58_address")
	fs.StringVar(&opts.PublicKey, "public_key", "", "Public key of the coldkey, 64 hex characters with or without 0x")
	fs.StringVar(&opts.PublicKey, "pubkey", "", "Same as --public_key")
	for _, alias := range []string{"addr", "ss58", "pubkey"} {
		_ = fs.MarkHidden(alias)
	}
	fs.BoolVar(&opts.Overwrite, "overwrite_coldkeypub", false, "Replace an existing coldkeypub.txt without asking")
	return cmd
}

func regenColdkeypubRun(opts *RegenColdkeypubOptions) error {
	f := opts.Factory
	in := opts.SS58
	if in == "" {
		in = opts.PublicKey
	}
	if in == "" {
		var err error
		if in, err = f.Prompter().Input("Enter the ss58 address or the public key in hex", ""); err != nil {
			return fmt.Errorf("%w (use --ss58_address or --public_key)", err)
		}
	}
	kp, err := pubKeypair(in, opts.PublicKey != "")
	if err != nil {
		return err
	}
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	replace := false
	if fileExists(w.ColdkeyPubPath()) {
		if err := cmdutil.ConfirmOverwrite(f, w.ColdkeyPubPath(), opts.Overwrite, "overwrite_coldkeypub"); err != nil {
			return err
		}
		replace = true
	}
	if err := w.SetColdkeyPub(kp, replace); err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Wrote coldkeypub %s to %s\n", kp.SS58Address(), w.ColdkeyPubPath())
	return nil
}

// pubKeypair reads an SS58 address or a hex public key.
func pubKeypair(in string, hexOnly bool) (*wallet.Keypair, error) {
	in = strings.TrimSpace(in)
	if hexOnly || strings.HasPrefix(in, "0x") || len(in) == 64 {
		t := strings.TrimPrefix(in, "0x")
		if !regexp.MustCompile(`^[0-9a-fA-F]{64}$`).MatchString(t) {
			return nil, fmt.Errorf("--public_key %q: want 64 hex characters (32 bytes), with or without 0x", in)
		}
		kp, err := wallet.ParseKeyfile([]byte("0x" + t))
		if err != nil {
			return nil, fmt.Errorf("--public_key %q: not a valid sr25519 public key", in)
		}
		return kp, nil
	}
	kp, err := wallet.KeypairFromSS58(in)
	if err != nil {
		return nil, fmt.Errorf("--ss58_address: %w", err)
	}
	return kp, nil
}
