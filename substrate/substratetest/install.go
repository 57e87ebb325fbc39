package substratetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ChopsticksVersion is the chopsticks release the harness runs.
const ChopsticksVersion = "1.5.1"

// DirEnv names the environment variable that overrides the folder holding
// chopsticks' npm install (node_modules with chopsticks and @polkadot/api).
// By default it is go-bittensor/chopsticks-<version> in the user's cache
// folder ($XDG_CACHE_HOME, else $HOME/.cache).
const DirEnv = "SUBSTRATETEST_CHOPSTICKS_DIR"

// installedMarker is written into the folder after a complete install; a
// folder without it is installed (again). .ci/run writes the same file.
const installedMarker = ".go-bittensor-installed"

// ErrNoNode: Node.js (node and npm) is not on PATH. Tests that need a chain
// skip with this reason; nothing else makes them skip.
var ErrNoNode = errors.New("substratetest: Node.js (node, npm) not found on PATH")

// Dir returns the folder chopsticks is (to be) installed in: $DirEnv, else
// go-bittensor/chopsticks-<version> in os.UserCacheDir.
func Dir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		return filepath.Abs(d)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("substratetest: no cache folder for chopsticks (%v); set %s", err, DirEnv)
	}
	return filepath.Join(cache, "go-bittensor", "chopsticks-"+ChopsticksVersion), nil
}

// toolchain is where node is and where chopsticks is installed.
type toolchain struct {
	node string // path of the node binary
	dir  string // install folder (holds node_modules)
}

// chopsticksJS is chopsticks' command-line entry point.
func (tc toolchain) chopsticksJS() string {
	return filepath.Join(tc.dir, "node_modules", "@acala-network", "chopsticks", "chopsticks.cjs")
}

// findNode returns node's path, or ErrNoNode.
func findNode() (string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return "", ErrNoNode
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", ErrNoNode
	}
	return node, nil
}

// ensureInstalled finds Node.js and makes sure chopsticks is installed,
// installing it (once, under a file lock shared by parallel test processes)
// when the folder lacks a complete install.
func ensureInstalled(ctx context.Context) (toolchain, error) {
	node, err := findNode()
	if err != nil {
		return toolchain{}, err
	}
	dir, err := Dir()
	if err != nil {
		return toolchain{}, err
	}
	tc := toolchain{node: node, dir: dir}
	// A folder named by DirEnv is trusted as it is (a hand-made install has
	// no marker); the default one must hold a completed install.
	_, explicit := os.LookupEnv(DirEnv)
	if installed(dir, !explicit) {
		return tc, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tc, fmt.Errorf("substratetest: chopsticks folder: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, ".install.lock"))
	if err != nil {
		return tc, err
	}
	defer unlock()
	if installed(dir, true) { // another process installed it while we waited
		return tc, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	// npm installs into the nearest folder with a package.json: give it one
	// here so that it never climbs to a parent's.
	pkg := filepath.Join(dir, "package.json")
	if _, err := os.Stat(pkg); err != nil {
		if err := os.WriteFile(pkg, []byte(`{"private": true}`+"\n"), 0o644); err != nil {
			return tc, fmt.Errorf("substratetest: %w", err)
		}
	}
	// --ignore-scripts: the only install script is sqlite3's native build
	// (minutes of compiling), which chopsticks needs only for --db.
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
		"@acala-network/chopsticks@"+ChopsticksVersion)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return tc, fmt.Errorf("substratetest: installing chopsticks %s into %s failed (%v); install it by hand there "+
			"(npm install @acala-network/chopsticks@%s) or point %s at an install:\n%s",
			ChopsticksVersion, dir, err, ChopsticksVersion, DirEnv, tail(string(out), 40))
	}
	if !installed(dir, false) {
		return tc, fmt.Errorf("substratetest: npm installed chopsticks into %s but %s or @polkadot/api is missing", dir, tc.chopsticksJS())
	}
	if err := os.WriteFile(filepath.Join(dir, installedMarker), []byte(ChopsticksVersion+"\n"), 0o644); err != nil {
		return tc, fmt.Errorf("substratetest: %w", err)
	}
	return tc, nil
}

// installed reports whether dir holds chopsticks and @polkadot/api and, if
// marker, the marker file of a completed install.
func installed(dir string, marker bool) bool {
	files := []string{
		filepath.Join("node_modules", "@acala-network", "chopsticks", "chopsticks.cjs"),
		filepath.Join("node_modules", "@polkadot", "api", "package.json"),
	}
	if marker {
		files = append(files, installedMarker)
	}
	for _, p := range files {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return false
		}
	}
	return true
}

// lockFile takes an exclusive lock on path (flock, released when the process
// dies), waiting until ctx ends.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("substratetest: install lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("substratetest: install lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("substratetest: waiting for another process installing chopsticks (lock %s): %w", path, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
