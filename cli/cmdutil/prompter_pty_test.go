//go:build linux

package cmdutil

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the controller side (what a
// terminal emulator holds) and the terminal the program reads from.
func openPTY(t *testing.T) (controller, tty *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	controller = os.NewFile(uintptr(fd), "/dev/ptmx")
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close(); controller.Close() })
	return controller, tty
}

// At a real terminal the password is read with echo off: what the user
// types does not appear on the screen, and echo is back on afterwards.
func TestPasswordNotEchoedAtTerminal(t *testing.T) {
	controller, tty := openPTY(t)
	var errOut bytes.Buffer
	ios := &IOStreams{In: tty, Out: &bytes.Buffer{}, ErrOut: &errOut, stdinTTY: true, stderrTTY: true}
	p := NewPrompter(ios)

	// Everything the terminal displays comes back on the controller side.
	screen := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 256)
		for {
			n, err := controller.Read(buf)
			b.Write(buf[:n])
			if err != nil || strings.Contains(b.String(), "after") {
				screen <- b.String()
				return
			}
		}
	}()

	type result struct {
		pw  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		pw, err := p.Password("Enter password to unlock key: ")
		done <- result{pw, err}
	}()
	// Wait until echo is off before typing, as a person would see the prompt.
	deadline := time.Now().Add(5 * time.Second)
	for {
		termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if termios.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("echo was never turned off")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := controller.Write([]byte("hunter2-secret\n")); err != nil {
		t.Fatal(err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Password() did not return after Enter")
	}
	if r.err != nil || r.pw != "hunter2-secret" {
		t.Fatalf("Password() = %q, %v", r.pw, r.err)
	}
	termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || termios.Lflag&unix.ECHO == 0 {
		t.Errorf("echo not restored (%v)", err)
	}
	// Typed with echo back on, this shows; the password must not have.
	if _, err := controller.Write([]byte("after\n")); err != nil {
		t.Fatal(err)
	}
	var shown string
	select {
	case shown = <-screen:
	case <-time.After(5 * time.Second):
		t.Fatal("terminal never showed the text typed after the prompt")
	}
	if strings.Contains(shown, "hunter2") {
		t.Errorf("password echoed: %q", shown)
	}
	if !strings.Contains(shown, "after") {
		t.Errorf("echo not working after the prompt: %q", shown)
	}
	if !strings.HasPrefix(errOut.String(), "Enter password to unlock key: ") {
		t.Errorf("prompt %q", errOut.String())
	}
}
