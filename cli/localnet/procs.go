package localnet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
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
// as process name; see startProgram.
func startChild(h home, name string, args ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("localnet: cannot find this program to start %s: %w", name, err)
	}
	return startProgram(h, name, exe, append([]string{"localnet"}, args...)...)
}

// startNode runs the network's chain, `subtensor localnet node --home h`,
// as process nodeName.
func startNode(h home) (*child, error) {
	exe, err := subtensorProgram()
	if err != nil {
		return nil, err
	}
	return startProgram(h, nodeName, exe, "localnet", "node", "--home", string(h))
}

// subtensorName is the node program's file name.
var subtensorName = map[bool]string{false: "subtensor", true: "subtensor.exe"}[runtime.GOOS == "windows"]

// subtensorProgram finds the subtensor program, which runs a localnet's
// chain: next to this program (as `go install ./cmd/...` puts them), else
// on PATH. btcli does not link the node itself, which would make every
// command start as slowly as a node. Run from a checkout with `go run
// ./cmd/btcli`, btcli builds the checkout's subtensor program into the user
// cache when neither has one, so that `go run ./cmd/btcli localnet up`
// still needs nothing else.
func subtensorProgram() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		beside := filepath.Join(filepath.Dir(exe), subtensorName)
		if info, err := os.Stat(beside); err == nil && info.Mode().IsRegular() {
			return beside, nil
		}
	}
	if p, err := exec.LookPath(subtensorName); err == nil {
		return p, nil
	}
	var built error
	if goRun() {
		p, err := buildSubtensor()
		if err == nil {
			return p, nil
		}
		built = fmt.Errorf(" (building it from this checkout failed: %w)", err)
	}
	where := "on PATH"
	if exe != "" {
		where = "next to " + exe + " or on PATH"
	}
	return "", fmt.Errorf("%w: the chain of a localnet runs as the subtensor program, which is not %s%v: install both programs with `go install ./cmd/...` from a checkout of go-bittensor (or `go install github.com/go-bittensor/bittensor/cmd/...@latest`)", errNoSubtensor, where, orEmpty(built))
}

func orEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// goRun reports whether this program runs from `go run` (built into the go
// command's cache).
func goRun() bool {
	exe, err := os.Executable()
	return err == nil && strings.Contains(exe, string(filepath.Separator)+"go-build")
}

// buildSubtensor builds the subtensor program of the checkout in the
// working directory into the user cache and returns its path. The go
// command's build cache makes it quick after the first time.
func buildSubtensor() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "go-bittensor", "bin", subtensorName)
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "building the subtensor program (the chain) into %s…\n", filepath.Dir(out))
	b, err := exec.Command(goCmd, "build", "-o", out, "github.com/go-bittensor/bittensor/cmd/subtensor").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, bytes.TrimSpace(b))
	}
	return out, nil
}

// errNoSubtensor is returned when the subtensor program cannot be found.
var errNoSubtensor = errors.New("localnet: subtensor program not found")

// startProgram runs exe with args as process name: in its own process
// group, so that an interrupt typed in the terminal reaches only `up`,
// which then stops the children in order; output appended to
// logs/<name>.log; its pid in run/<name>.pid.
func startProgram(h home, name, exe string, args ...string) (*child, error) {
	if err := os.MkdirAll(filepath.Dir(h.logFile(name)), 0o700); err != nil {
		return nil, fmt.Errorf("localnet: %w", err)
	}
	logf, err := os.OpenFile(h.logFile(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("localnet: %w", err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "=== %s: %s starting\n", time.Now().Format(time.RFC3339), name)
	cmd := exec.Command(exe, args...)
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
