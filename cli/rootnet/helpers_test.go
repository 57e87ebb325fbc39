package rootnet

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
)

// harness runs root commands against real wallet files in a temporary
// directory and a node at rpc, with in-memory streams.
type harness struct {
	t               *testing.T
	dir, rpc        string
	f               *cmdutil.Factory
	in, out, errOut *bytes.Buffer
}

// newHarness: with tty set, the "user" at the terminal types input;
// otherwise --no_prompt is on.
func newHarness(t *testing.T, rpc string, tty bool, input string) *harness {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(input)
	ios.SetStdinTTY(tty)
	ios.SetStderrTTY(tty)
	return &harness{
		t: t, dir: t.TempDir(), rpc: rpc,
		f:  &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }, NoPrompt: !tty},
		in: in, out: out, errOut: errOut,
	}
}

// addWallet writes a wallet with an unencrypted coldkey and hotkey
// ("default") derived from the URIs.
func (h *harness) addWallet(name, coldURI, hotURI string) (cold, hot types.AccountID) {
	h.t.Helper()
	w := wallet.New(name, wallet.DefaultHotkey, h.dir)
	ck, err := wallet.KeypairFromURI(coldURI)
	if err != nil {
		h.t.Fatal(err)
	}
	hk, err := wallet.KeypairFromURI(hotURI)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := w.SetColdkey(ck, wallet.WriteOptions{}); err != nil {
		h.t.Fatal(err)
	}
	if err := w.SetHotkey(hk, wallet.WriteOptions{}); err != nil {
		h.t.Fatal(err)
	}
	return types.AccountID(ck.PublicKey()), types.AccountID(hk.PublicKey())
}

// run executes `root <args>` with --wallet.path and the node's endpoint.
func (h *harness) run(args ...string) error {
	h.t.Helper()
	h.out.Reset()
	h.errOut.Reset()
	cmd := NewCmdRoot(h.f)
	cmd.SetArgs(append(args, "--wallet.path", h.dir, "--subtensor.chain_endpoint", h.rpc))
	cmd.SetOut(h.out)
	cmd.SetErr(h.errOut)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	return cmd.Execute()
}

// must runs args and fails the test on an error.
func (h *harness) must(args ...string) {
	h.t.Helper()
	if err := h.run(args...); err != nil {
		h.t.Fatalf("root %v: %v (stderr %s)", args, err, h.errOut)
	}
}

// json runs args with --json and decodes the output into v.
func (h *harness) json(v any, args ...string) {
	h.t.Helper()
	h.must(append(args, "--json")...)
	if err := json.Unmarshal(h.out.Bytes(), v); err != nil {
		h.t.Fatalf("root %v --json: %v: %s", args, err, h.out)
	}
}
