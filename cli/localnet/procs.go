package localnet

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// child is a process `up` started and still waits for.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
}

// exited reports whether the process has ended.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// startChild runs `btcli localnet <args>` (this very program, re-executed)
// as process name: in its own process group, so that an interrupt typed in
// the terminal reaches only `up`, which then stops the children in order;
// output appended to logs/<name>.log; its pid in run/<name>.pid.
func startChild(h home, name string, args ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("localnet: cannot find this program to start %s: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(h.logFile(name)), 0o700); err != nil {
		return nil, fmt.Errorf("localnet: %w", err)
	}
	logf, err := os.OpenFile(h.logFile(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("localnet: %w", err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "=== %s: %s starting\n", time.Now().Format(time.RFC3339), name)
	cmd := exec.Command(exe, append([]string{"localnet"}, args...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("localnet: start %s: %w", name, err)
	}
	if err := writePid(h, name, cmd.Process.Pid); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// stopGrace is how long a process gets to stop after SIGTERM before it is
// killed.
const stopGrace = 10 * time.Second

// stopProcess stops the recorded process name: SIGTERM, then SIGKILL after
// stopGrace, and removes its pid file. A process already gone is no error.
func stopProcess(h home, name string) error {
	pid, ok := readPid(h, name)
	if !ok {
		return nil
	}
	defer os.Remove(h.pidFile(name))
	if !alive(pid) {
		return nil
	}
	if err := terminate(pid); err != nil {
		return fmt.Errorf("localnet: stop %s (pid %d): %w", name, pid, err)
	}
	deadline := time.Now().Add(stopGrace)
	for alive(pid) {
		if time.Now().After(deadline) {
			if err := kill(pid); err != nil {
				return fmt.Errorf("localnet: kill %s (pid %d): %w", name, pid, err)
			}
			time.Sleep(100 * time.Millisecond)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// stopAll stops every process of the network, neurons first, the node last.
func stopAll(h home, st *State) error {
	var errs []error
	names := []string{nodeName}
	if st != nil {
		names = st.processes()
	}
	for _, n := range names {
		if err := stopProcess(h, n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
