package wallet

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// Known answers: a mnemonic with the seed, public key and address Bittensor
// 6.x derives from it (its tests/unit_tests/test_keyfile.py), and a
// signature by //Alice of a synapse request message made with go-schnorrkel.
const (
	k2Phrase = "old leopard transfer rib spatial phone calm indicate online fire caution review"
	k2Seed   = "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143"
	k2SS58   = "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"
	k2Pub    = "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446"
	alice    = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bob      = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	vecMsg   = "1234567890." + alice + "." + bob + ".f81d4fae-7dec-11d0-a765-00a0c91e6bf6.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
	vecSig   = "0x3849d4bfc537f5862c7314b9d4fc8e1c71a262d38648e6776fb7da480382cb1abc833f680b26bffb5a4fc3e00aeb5ceda6fce98c2ba8286a028519f9224c8e85"
)

// harness runs wallet commands against real files in a temporary wallet
// directory, with in-memory streams.
type harness struct {
	t               *testing.T
	dir             string // --wallet.path
	f               *cmdutil.Factory
	in, out, errOut *bytes.Buffer
}

// newHarness: with tty set, the "user" at the terminal types input.
func newHarness(t *testing.T, tty bool, input string) *harness {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(input)
	ios.SetStdinTTY(tty)
	ios.SetStderrTTY(tty)
	return &harness{
		t: t, dir: t.TempDir(),
		f:  &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }},
		in: in, out: out, errOut: errOut,
	}
}

// run executes the command built by newCmd with args and --wallet.path.
func (h *harness) run(newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) error {
	h.t.Helper()
	h.out.Reset()
	h.errOut.Reset()
	cmd := newCmd(h.f)
	cmd.SetArgs(append(args, "--wallet.path", h.dir))
	cmd.SetOut(h.out)
	cmd.SetErr(h.errOut)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	return cmd.Execute()
}

// files lists the files under the wallet directory with their modes.
func (h *harness) files() map[string]fs.FileMode {
	h.t.Helper()
	got := map[string]fs.FileMode{}
	filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			h.t.Fatal(err)
		}
		if !d.IsDir() {
			info, _ := d.Info()
			rel, _ := filepath.Rel(h.dir, p)
			got[rel] = info.Mode().Perm()
		}
		return nil
	})
	return got
}

func (h *harness) fileNames() []string {
	var names []string
	for n := range h.files() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (h *harness) read(rel string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.dir, rel))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

// Constructors without runF, for harness.run.
func listCmd(f *cmdutil.Factory) *cobra.Command      { return NewCmdList(f, nil) }
func regenColdCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdRegenColdkey(f, nil) }
func regenHotCmd(f *cmdutil.Factory) *cobra.Command  { return NewCmdRegenHotkey(f, nil) }
func regenPubCmd(f *cmdutil.Factory) *cobra.Command  { return NewCmdRegenColdkeypub(f, nil) }
func newColdCmd(f *cmdutil.Factory) *cobra.Command   { return NewCmdNewColdkey(f, nil) }
func newHotCmd(f *cmdutil.Factory) *cobra.Command    { return NewCmdNewHotkey(f, nil) }
func createCmd(f *cmdutil.Factory) *cobra.Command    { return NewCmdCreate(f, nil) }
func signCmd(f *cmdutil.Factory) *cobra.Command      { return NewCmdSign(f, nil) }
func verifyCmd(f *cmdutil.Factory) *cobra.Command    { return NewCmdVerify(f, nil) }
func updateCmd(f *cmdutil.Factory) *cobra.Command    { return NewCmdUpdate(f, nil) }
