// Package wallet holds the keys a Bittensor user owns: sr25519 keypairs made
// from BIP39 mnemonics, seeds or Substrate URIs; SS58 addresses; the keyfiles
// that store them (plain and encrypted, current and legacy formats); and the
// wallet directories under ~/.bittensor/wallets that group a coldkey with its
// hotkeys.
//
// Everything here is byte-compatible with the Bittensor Python SDK 6.x and the
// Rust bittensor-wallet: the same mnemonic gives the same address, and keyfiles
// written by either open here and the other way round.
//
// Key derivation follows substrate-bip39: the 32-byte mini-secret is the first
// half of PBKDF2-HMAC-SHA512 over the mnemonic's entropy (not its words), with
// salt "mnemonic" and 2048 rounds. The mini-secret is expanded to an sr25519
// secret with schnorrkel's Ed25519 expansion mode. Signatures use the signing
// context "substrate".
package wallet
