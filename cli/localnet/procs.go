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

// stopProcesses stops the recorded processes names together: SIGTERM to
// each, then SIGKILL to those still alive after stopGrace; their pid files
// are removed. Processes already gone are no error.
func stopProcesses(h home, names []string) error {
	var errs []error
	pids := map[string]int{}
	for _, name := range names {
		pid, ok := readPid(h, name)
		if !ok {
			continue
		}
		if !alive(pid) {
			os.Remove(h.pidFile(name))
			continue
		}
		if err := terminate(pid); err != nil {
			errs = append(errs, fmt.Errorf("localnet: stop %s (pid %d): %w", name, pid, err))
			continue
		}
		pids[name] = pid
	}
	deadline := time.Now().Add(stopGrace)
	for len(pids) > 0 {
		for name, pid := range pids {
			if !alive(pid) {
				os.Remove(h.pidFile(name))
				delete(pids, name)
			}
		}
		if len(pids) == 0 {
			break
		}
		if time.Now().After(deadline) {
			for name, pid := range pids {
				if err := kill(pid); err != nil {
					errs = append(errs, fmt.Errorf("localnet: kill %s (pid %d): %w", name, pid, err))
				}
				os.Remove(h.pidFile(name))
			}
			time.Sleep(100 * time.Millisecond)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.Join(errs...)
}

// stopAll stops every process of the network: the validators, then the
// miners (each group at once), the node last.
func stopAll(h home, st *State) error {
	var groups [][]string
	if st != nil {
		for _, role := range []string{roleValidator, roleMiner} {
			var g []string
			for _, m := range st.Neurons {
				if m.Role == role {
					g = append(g, m.Name)
				}
			}
			groups = append(groups, g)
		}
	}
	groups = append(groups, []string{nodeName})
	var errs []error
	for _, g := range groups {
		if err := stopProcesses(h, g); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
