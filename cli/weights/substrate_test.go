package weights

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// chopsticks is this package's Bittensor Substrate chain, started by the
// first test that needs it.
var chopsticks = substratetest.NewShared(substratetest.Options{})

func TestMain(m *testing.M) { os.Exit(chopsticks.Run(m)) }

// runCmd runs a weights command with --no_prompt and returns its output.
func runCmd(t *testing.T, mk func(*cmdutil.Factory) *cobra.Command, args ...string) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }, NoPrompt: true,
		ConfigPath: filepath.Join(t.TempDir(), "config.yml")}
	cmd := mk(f)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// TestWeightsOnSubstrate sets weights with btcli on a subnet of the real
// runtime: plainly while commit-reveal is off; then, with it on, `weights
// set` commits and says when to reveal, `weights reveal` refuses too early
// (nothing sent) and reveals in the window.
func TestWeightsOnSubstrate(t *testing.T) {
	ch := chopsticks.Chain(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := subtensor.ConnectSubstrate(ctx, ch.URL, subtensor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, _ := c.GetCurrentBlock(ctx); n == 0 {
		if _, err := ch.NewBlocks(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	net := subnettest.New(t, ctx, c, ch, "//BtcliWeights", append(append([]subnettest.Param{}, subnettest.Fast...), subnettest.Param{Name: "tempo", Value: 4}))
	dir, commits := t.TempDir(), t.TempDir()
	w := wallet.New("owner", wallet.DefaultHotkey, dir)
	if err := w.SetColdkey(net.Owner, wallet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := w.SetHotkey(net.OwnerHot, wallet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	common := []string{"--wallet.path", dir, "--wallet.name", "owner", "--subtensor.chain_endpoint", ch.URL,
		"--netuid", strconv.Itoa(int(net.Netuid)), "--weights.commit_dir", commits}
	set := func(f *cmdutil.Factory) *cobra.Command { return NewCmdSet(f, nil) }
	reveal := func(f *cmdutil.Factory) *cobra.Command { return NewCmdReveal(f, nil) }

	out, _, err := runCmd(t, set, append(common, "--uids", "0", "--weights", "1", "--version_key", "0")...)
	if err != nil || !strings.Contains(out, "Set weights on subnet") {
		t.Fatalf("weights set with commit-reveal off: %q, %v", out, err)
	}

	net.Set(t, ctx, subnettest.Param{Name: "commit_reveal_weights_enabled", Value: 1})
	// The commit goes in at the first block of an epoch, so that a reveal
	// in the next block is too early however many blocks came before.
	info, err := c.CommitReveal(ctx, net.Netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.GetCurrentBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := head + 1
	for info.Epoch(next) == info.Epoch(next-1) {
		next++
	}
	if next > head+1 {
		if _, err := ch.NewBlocks(ctx, int(next-head-1)); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err = runCmd(t, set, append(common, "--uids", "0", "--weights", "0.5", "--version_key", "0")...)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Reveal them in blocks (\d+) to (\d+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "Committed weights on subnet") {
		t.Fatalf("weights set with commit-reveal on: %q", out)
	}
	first, _ := strconv.ParseUint(m[1], 10, 64)

	_, _, err = runCmd(t, reveal, common...)
	if !errors.Is(err, subtensor.ErrRevealTooEarly) || !strings.Contains(err.Error(), "block "+m[1]) {
		t.Fatalf("reveal at once: %v, want too early naming block %s", err, m[1])
	}
	t.Log(err)
	head, err = c.GetCurrentBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.NewBlocks(ctx, int(first-head-1)); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, reveal, common...)
	if err != nil || !strings.Contains(out, "Revealed weights") {
		t.Fatalf("reveal in the window: %q, %v", out, err)
	}
	n, err := c.NeuronForHotkey(ctx, net.Netuid, types.AccountID(net.OwnerHot.PublicKey()), 0)
	if err != nil || len(n.Weights) != 1 || n.Weights[0] != [2]uint16{0, 65535} {
		t.Errorf("weights after the reveal: %v, %v", n.Weights, err)
	}
	if names, _ := filepath.Glob(filepath.Join(commits, "*.json")); len(names) != 0 {
		t.Errorf("revealed commits still on disk: %v", names)
	}
}
