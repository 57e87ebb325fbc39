package wallet

import (
	"errors"
	"io/fs"
	"os"
)

// existsErr reports whether path exists; an error other than "does not
// exist" is returned so callers treat unreadable paths as present.
func existsErr(path string) (bool, error) {
	_, err := os.Lstat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}
