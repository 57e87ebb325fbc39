package wallet

import "fmt"

// UpdateEncryption re-encrypts the keyfile at path in the $NACL format if it
// is in a legacy one (Ansible Vault or Fernet), keeping its password and
// its exact plaintext (so a mnemonic stored in it is kept). The password
// comes from the environment or pw, as for ReadKeyfile. It returns the
// format the file had. Files already in $NACL, and plain files, are left
// alone.
//
// The decrypted content must parse as a keyfile, and the new ciphertext is
// opened again before the file is replaced (atomically, mode 0600); on any
// error the file is unchanged.
func UpdateEncryption(path string, pw PasswordSource) (Format, error) {
	data, err := ReadKeyfileData(path)
	if err != nil {
		return FormatPlain, err
	}
	from := DetectFormat(data)
	if from != FormatAnsibleVault && from != FormatFernet {
		return from, nil
	}
	password, err := keyfilePassword(path, data, pw)
	if err != nil {
		return from, err
	}
	plain, err := Decrypt(data, password)
	if err != nil {
		return from, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := ParseKeyfile(plain); err != nil {
		return from, fmt.Errorf("%s: decrypted %s keyfile: %w", path, from, err)
	}
	key := naclKey(password)
	var nonce [24]byte
	if err := randomNonce(&nonce); err != nil {
		return from, err
	}
	sealed := sealNaCl(key, &nonce, plain)
	if back, err := openNaCl(key, sealed); err != nil || string(back) != string(plain) {
		return from, fmt.Errorf("wallet: %s: re-encrypted keyfile does not open again; file left unchanged", path)
	}
	if err := WriteKeyfileData(path, sealed, true); err != nil {
		return from, err
	}
	return from, nil
}
