package wallet

import (
	"encoding/hex"
	"fmt"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// SignOptions are the options of `wallet sign`.
type SignOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Message   string
	UseHotkey bool
}

// NewCmdSign returns `wallet sign`.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sign --message <text>",
		Short: "Sign a message with the coldkey (or the hotkey)",
		Long: `Sign a message with the wallet's coldkey, or its hotkey with --use_hotkey, and
print the sr25519 signature as 0x-prefixed hex. As in Bittensor, a message
starting with 0x is taken as hex bytes; anything else as its UTF-8 text.`,
		Example: `  btcli wallet sign --wallet.name miner --message "hello"
  btcli wallet sign --use_hotkey --message 0x68656c6c6f`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("message") {
				return cmdutil.FlagErrorf("--message is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmd.Flags().StringVar(&opts.Message, "message", "", "The message to sign (0x-prefixed for hex bytes)")
	cmd.Flags().BoolVar(&opts.UseHotkey, "use_hotkey", false, "Sign with the hotkey instead of the coldkey")
	return cmd
}

func signRun(opts *SignOptions) error {
	f := opts.Factory
	msg, err := wallet.MessageBytes(opts.Message)
	if err != nil {
		return fmt.Errorf("--message: %w", err)
	}
	ask := cmdutil.PromptName
	if opts.UseHotkey {
		ask = cmdutil.PromptHotkey
	}
	w, err := opts.Wallet.Resolve(f, ask)
	if err != nil {
		return err
	}
	var kp *wallet.Keypair
	which := "coldkey"
	if opts.UseHotkey {
		which = "hotkey"
		kp, err = w.Hotkey(cmdutil.UnlockPassword(f))
	} else {
		kp, err = w.Coldkey(cmdutil.UnlockPassword(f))
	}
	if err != nil {
		return err
	}
	sig, err := kp.Sign(msg)
	if err != nil {
		return fmt.Errorf("%s %s: %w", which, kp.SS58Address(), err)
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Signed by %s %s\n", which, kp.SS58Address())
	fmt.Fprintf(f.IOStreams.Out, "0x%s\n", hex.EncodeToString(sig))
	return nil
}

// VerifyOptions are the options of `wallet verify`.
type VerifyOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Message   string
	Signature string
	SS58      string
	UseHotkey bool
}

// NewCmdVerify returns `wallet verify`.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "verify --message <text> --signature <hex> [--ss58 <address>]",
		Short: "Verify a signature of a message",
		Long: `Verify an sr25519 signature of a message by the account --ss58, or else by the
wallet's coldkey (its hotkey with --use_hotkey). Only public keys are read.
Signatures of the message wrapped in <Bytes>…</Bytes> (as Polkadot-JS signs)
are accepted too. Exits 0 when the signature is valid and 1 when it is not.`,
		Example: `  btcli wallet verify --message "hello" --signature 0x… --ss58 5Grw…`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("message") {
				return cmdutil.FlagErrorf("--message is required")
			}
			if opts.Signature == "" {
				return cmdutil.FlagErrorf("--signature is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	fs := cmd.Flags()
	fs.StringVar(&opts.Message, "message", "", "The message that was signed (0x-prefixed for hex bytes)")
	fs.StringVar(&opts.Signature, "signature", "", "The signature, 128 hex characters with or without 0x")
	fs.StringVar(&opts.SS58, "ss58", "", "SS58 address of the signer (default: the wallet's key)")
	fs.BoolVar(&opts.UseHotkey, "use_hotkey", false, "Check against the wallet's hotkey instead of its coldkey")
	return cmd
}

func verifyRun(opts *VerifyOptions) error {
	f := opts.Factory
	msg, err := wallet.MessageBytes(opts.Message)
	if err != nil {
		return fmt.Errorf("--message: %w", err)
	}
	sig, err := wallet.DecodeSignature(opts.Signature)
	if err != nil {
		return fmt.Errorf("--signature: %w", err)
	}
	var pub *wallet.Keypair
	if opts.SS58 != "" {
		if pub, err = wallet.KeypairFromSS58(opts.SS58); err != nil {
			return fmt.Errorf("--ss58: %w", err)
		}
	} else {
		w, err := opts.Wallet.Resolve(f, cmdutil.PromptNone)
		if err != nil {
			return err
		}
		if opts.UseHotkey {
			pub, err = w.HotkeyPub()
		} else {
			pub, err = w.ColdkeyPub()
		}
		if err != nil {
			return err
		}
	}
	if !pub.Verify(msg, sig) {
		return fmt.Errorf("signature is NOT valid for %s", pub.SS58Address())
	}
	fmt.Fprintf(f.IOStreams.Out, "Signature is valid for %s\n", pub.SS58Address())
	return nil
}
