package wallet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// KeyfileMode is the permission of every keyfile written here (owner read
// and write only), as Bittensor sets with chmod after each write.
const KeyfileMode fs.FileMode = 0o600

// dirMode is the permission of directories created for keyfiles (a
// wallet's directory, its hotkeys directory): owner only, so that other
// users cannot list a machine's wallets and hotkeys. Existing directories
// keep their permissions. (Bittensor creates them with Python's default,
// 0777 before the umask.)
const dirMode fs.FileMode = 0o700

// MaxKeyfileSize is the largest keyfile read, in bytes. Keyfiles in every
// format Bittensor has written, and Polkadot-JS account exports, are under
// 4 KiB; the bound keeps a mistaken or hostile path (a huge file, or a link
// to /dev/zero) from filling memory.
const MaxKeyfileSize = 64 << 10

// WriteOptions say how WriteKeyfile stores a key.
type WriteOptions struct {
	// Password, when not empty, encrypts the keyfile in the $NACL format.
	// Checking its strength is the caller's business (CheckPasswordStrength).
	Password string
	// Overwrite allows replacing an existing file. Without it an existing
	// file is left alone and ErrKeyExists returned.
	Overwrite bool
	// PublicOnly writes only the public fields (as for coldkeypub.txt),
	// even if kp holds secrets.
	PublicOnly bool
	// Layout is the JSON layout; the zero value is LayoutPython (6.11+).
	Layout Layout
}

// ReadKeyfileData returns the raw bytes of the keyfile at path, encrypted or
// not. A missing file gives an error wrapping ErrKeyfileNotFound; a path
// that is not a regular file (after symbolic links) or is larger than
// MaxKeyfileSize gives ErrNotKeyfile, without blocking on a named pipe or
// reading past the bound. Polkadot-JS exports are read with it too.
func ReadKeyfileData(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrKeyfileNotFound, path)
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: read keyfile: %w", err)
	}
	if err := checkKeyfileInfo(path, info); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the path become a named pipe after the check,
	// opening it does not wait for a writer (the check below then refuses
	// it). It changes nothing for a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("wallet: read keyfile: %w", err)
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("wallet: read keyfile: %w", err)
	}
	if err := checkKeyfileInfo(path, info); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxKeyfileSize+1))
	if err != nil {
		return nil, fmt.Errorf("wallet: read keyfile %s: %w", path, err)
	}
	if len(data) > MaxKeyfileSize {
		return nil, fmt.Errorf("%w: %s grew past %d bytes while read (a keyfile is at most %d)", ErrNotKeyfile, path, MaxKeyfileSize, MaxKeyfileSize)
	}
	return data, nil
}

// checkKeyfileInfo refuses what cannot be a keyfile: anything but a regular
// file of at most MaxKeyfileSize bytes.
func checkKeyfileInfo(path string, info fs.FileInfo) error {
	mode := info.Mode()
	var what string
	switch {
	case mode.IsRegular():
		if info.Size() > MaxKeyfileSize {
			return fmt.Errorf("%w: %s is %d bytes, larger than any keyfile (at most %d)", ErrNotKeyfile, path, info.Size(), MaxKeyfileSize)
		}
		return nil
	case mode.IsDir():
		what = "a directory"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	return fmt.Errorf("%w: %s is %s; a keyfile is a regular file", ErrNotKeyfile, path, what)
}

// ReadKeyfile reads and decodes the keyfile at path. If it is encrypted the
// password is taken from the environment (PasswordFromEnv) or else asked of
// pw; with neither, the error wraps ErrPasswordRequired. Errors name the
// file.
func ReadKeyfile(path string, pw PasswordSource) (*Keypair, error) {
	data, err := ReadKeyfileData(path)
	if err != nil {
		return nil, err
	}
	plain, err := DecryptKeyfileData(path, data, pw)
	if err != nil {
		return nil, err
	}
	kp, err := ParseKeyfile(plain)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return kp, nil
}

// DecryptKeyfileData returns the plaintext of keyfile data read from path:
// the data itself if it is not encrypted, else the decryption with the
// password from the environment or pw. Errors name the file, and for a
// password from the environment, the variable.
func DecryptKeyfileData(path string, data []byte, pw PasswordSource) ([]byte, error) {
	if !IsEncrypted(data) {
		return data, nil
	}
	password, err := keyfilePassword(path, data, pw)
	if err != nil {
		return nil, err
	}
	plain, err := Decrypt(data, password)
	if err != nil {
		if _, variable, ok, _ := PasswordFromEnv(path); ok && errors.Is(err, ErrWrongPassword) {
			return nil, fmt.Errorf("%s: %w (password from environment variable %s)", path, err, variable)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return plain, nil
}

// keyfilePassword finds the password of the encrypted keyfile at path: the
// environment first, then pw.
func keyfilePassword(path string, data []byte, pw PasswordSource) (string, error) {
	password, _, ok, err := PasswordFromEnv(path)
	if err != nil || ok {
		return password, err
	}
	if pw == nil {
		return "", fmt.Errorf("%w: %s (%s); set %s or give a password", ErrPasswordRequired, path, DetectFormat(data), ColdPasswordEnvVar(path))
	}
	return pw(path)
}

// KeyfileIsEncrypted reports whether the keyfile at path exists and is
// encrypted.
func KeyfileIsEncrypted(path string) (bool, error) {
	data, err := ReadKeyfileData(path)
	if err != nil {
		return false, err
	}
	return IsEncrypted(data), nil
}

// WriteKeyfile stores kp at path as WriteOptions say, creating parent
// directories as needed. The file is written to a temporary file in the
// same directory with mode 0600 and then moved into place, so a reader
// never sees a partial keyfile and a failed write leaves the old one. An
// existing file is replaced only with Overwrite (else ErrKeyExists, and
// nothing is changed).
func WriteKeyfile(path string, kp *Keypair, opts WriteOptions) error {
	src := kp
	if opts.PublicOnly {
		src = kp.PublicOnly()
	}
	data := MarshalKeyfile(src, opts.Layout)
	if opts.Password != "" {
		var err error
		if data, err = Encrypt(data, opts.Password); err != nil {
			return err
		}
	}
	return WriteKeyfileData(path, data, opts.Overwrite)
}

// WriteKeyfileData writes raw keyfile bytes (already encrypted or not) to
// path with mode 0600, atomically, as WriteKeyfile does.
func WriteKeyfileData(path string, data []byte, overwrite bool) error {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%w: %s", ErrKeyExists, path)
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("wallet: create directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("wallet: write keyfile: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op once renamed or linked
	if err := tmp.Chmod(KeyfileMode); err != nil {
		tmp.Close()
		return fmt.Errorf("wallet: write keyfile: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("wallet: write keyfile: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("wallet: write keyfile: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("wallet: write keyfile: %w", err)
	}
	if overwrite {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("wallet: write keyfile: %w", err)
		}
		return nil
	}
	// Link fails if path appeared meanwhile, so a key is never replaced
	// without Overwrite even under a race.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s", ErrKeyExists, path)
		}
		return fmt.Errorf("wallet: write keyfile: %w", err)
	}
	return nil
}
