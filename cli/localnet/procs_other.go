//go:build !unix

package localnet

import (
	"errors"
	"os/exec"
)

var errUnsupported = errors.New("localnet: process control needs a Unix system (Linux, macOS)")

func detach(cmd *exec.Cmd)    {}
func alive(pid int) bool      { return false }
func terminate(pid int) error { return errUnsupported }
func kill(pid int) error      { return errUnsupported }
