package substratetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

// Shared is one chain shared by the tests of a package, started when the
// first test asks for it and stopped by Run after the last (see the package
// documentation for the TestMain pattern). Tests sharing it must not kill,
// pause or restart it; they see each other's blocks.
type Shared struct {
	opts  Options
	once  sync.Once
	chain *Chain
	err   error
}

// NewShared returns a Shared chain with opts; nothing starts yet.
func NewShared(opts Options) *Shared { return &Shared{opts: opts} }

// Chain returns the running chain, starting it on the first call. It skips
// t when Node.js is absent and fails t when the chain could not start (every
// test that asks gets the same error). When t fails, the tail of chopsticks'
// log is added to its output.
func (s *Shared) Chain(t testing.TB) *Chain {
	t.Helper()
	s.once.Do(func() { s.chain, s.err = Start(context.Background(), s.opts) })
	if errors.Is(s.err, ErrNoNode) {
		t.Skipf("%v: install Node.js 20 to run the tests against a real Substrate chain", s.err)
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	c := s.chain
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("chopsticks log %s, last lines:\n%s", c.LogPath, c.LogTail(30))
		}
	})
	return c
}

// Run runs the package's tests (m.Run) and then stops the chain if one was
// started, and returns the exit code for os.Exit. When a test failed, the
// chain's folder and log are kept and their path printed.
func (s *Shared) Run(m *testing.M) int {
	code := m.Run()
	if s.chain != nil {
		if code != 0 {
			s.chain.kill()
			fmt.Fprintf(os.Stderr, "substratetest: chopsticks log kept at %s\n", s.chain.LogPath)
		} else {
			s.chain.Stop()
		}
	}
	return code
}
