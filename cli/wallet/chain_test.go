package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/spf13/cobra"
)

func transferCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdTransfer(f, nil) }
func faucetCmd(f *cmdutil.Factory) *cobra.Command   { return NewCmdFaucet(f, nil) }
func historyCmd(f *cmdutil.Factory) *cobra.Command  { return NewCmdHistory(f, nil) }

// TestTransferAndFaucetOnDevChain runs `wallet transfer` and `wallet faucet`
// against a real dev node with wallets in a temporary directory.
func TestTransferAndFaucetOnDevChain(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	ctx := context.Background()
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	ep := []string{"--subtensor.chain_endpoint", dev.RPC}
	if err := h.run(regenColdCmd, "--wallet.name", "alice", "--uri", "//Alice", "--no_password"); err != nil {
		t.Fatal(err)
	}
	if err := h.run(createCmd, "--wallet.name", "fresh", "--no_password"); err != nil {
		t.Fatal(err)
	}
	fresh := strings.TrimSpace(h.read("fresh/coldkeypub.txt"))
	var pub struct {
		SS58 string `json:"ss58Address"`
	}
	if err := json.Unmarshal([]byte(fresh), &pub); err != nil {
		t.Fatal(err)
	}
	freshID := types.MustParseAccountID(pub.SS58)

	// Transfer 2.5 TAO from alice to the fresh wallet, with --json output.
	err := h.run(transferCmd, append(ep, "--wallet.name", "alice", "--dest", pub.SS58, "--amount", "2.5", "--json")...)
	if err != nil {
		t.Fatalf("transfer: %v (stderr %s)", err, h.errOut)
	}
	var tr transferResult
	if err := json.Unmarshal(h.out.Bytes(), &tr); err != nil {
		t.Fatalf("transfer --json: %v: %s", err, h.out)
	}
	if tr.Amount != balance.FromTAO(2).RAO()+500_000_000 || tr.Fee == 0 || tr.Previous-tr.Balance != tr.Amount+tr.Fee {
		t.Errorf("transfer result %+v", tr)
	}
	if got, _ := c.GetBalance(ctx, freshID, 0); got != 2_500_000_000 {
		t.Errorf("destination holds %s", got)
	}

	// The transfer is in both wallets' histories, from the node's index.
	var hist []struct {
		From   types.AccountID `json:"from"`
		To     types.AccountID `json:"to"`
		Amount uint64          `json:"amount"`
		Block  uint64          `json:"block"`
		Tx     string          `json:"tx"`
	}
	for _, name := range []string{"fresh", "alice"} {
		if err := h.run(historyCmd, append(ep, "--wallet.name", name, "--json")...); err != nil {
			t.Fatalf("history of %s: %v", name, err)
		}
		if err := json.Unmarshal(h.out.Bytes(), &hist); err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].To != freshID || hist[0].Amount != 2_500_000_000 || hist[0].Block != tr.Block || hist[0].Tx != tr.Tx {
			t.Errorf("history of %s: %+v, want the transfer %+v", name, hist, tr)
		}
	}

	// Bad input is refused before anything is sent.
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--dest", "5Grw", "--amount", "1"}, "--dest"},
		{[]string{"--dest", pub.SS58, "--amount", "-1"}, "--amount"},
		{[]string{"--dest", pub.SS58, "--amount", "0.0000000001"}, "--amount"},
		{[]string{"--dest", pub.SS58}, "--amount is required"},
		{[]string{"--dest", pub.SS58, "--amount", "1000000000"}, "transfer not sent: InsufficientBalance"},
	} {
		err := h.run(transferCmd, append(append(ep, "--wallet.name", "alice"), tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("transfer %v: %v, want %q", tt.args, err, tt.want)
		}
	}
	// Below the existential deposit to a new account: the chain's reason.
	nobody := "5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z"
	err = h.run(transferCmd, append(ep, "--wallet.name", "alice", "--dest", nobody, "--amount", "0.0000001")...)
	if !errors.Is(err, types.ErrExistentialDeposit) {
		t.Errorf("transfer below ED: %v", err)
	}

	// Without --no_prompt and without a terminal, a transfer is not sent.
	h.f.NoPrompt = false
	err = h.run(transferCmd, append(ep, "--wallet.name", "alice", "--dest", pub.SS58, "--amount", "1")...)
	if err == nil || !strings.Contains(err.Error(), "--no_prompt") {
		t.Errorf("transfer without a terminal: %v", err)
	}
	// At a terminal, answering "n" sends nothing.
	ht := newHarness(t, true, "n\n")
	ht.dir = h.dir
	err = ht.run(transferCmd, append(ep, "--wallet.name", "alice", "--dest", pub.SS58, "--amount", "1")...)
	if !errors.Is(err, cmdutil.ErrCancel) || !strings.Contains(ht.errOut.String(), "for fee: τ0.0001") {
		t.Errorf("declined transfer: %v; prompt %q", err, ht.errOut)
	}
	if got, _ := c.GetBalance(ctx, freshID, 0); got != 2_500_000_000 {
		t.Errorf("declined transfer moved funds: %s", got)
	}

	// The faucet pays the fresh coldkey by proof of work.
	h.f.NoPrompt = true
	err = h.run(faucetCmd, append(ep, "--wallet.name", "fresh", "--json", "-n", "2")...)
	if err != nil {
		t.Fatalf("faucet: %v (%s)", err, h.errOut)
	}
	var fr faucetResult
	if err := json.Unmarshal(h.out.Bytes(), &fr); err != nil {
		t.Fatal(err)
	}
	p, _ := c.Params(ctx)
	if fr.Amount != p.Faucet.Amount || fr.Balance != 2_500_000_000+p.Faucet.Amount {
		t.Errorf("faucet result %+v", fr)
	}
	if !strings.Contains(h.errOut.String(), "Faucet for fresh:") {
		t.Errorf("faucet stderr %q", h.errOut)
	}
	// --cuda is refused.
	if err := h.run(faucetCmd, append(ep, "--wallet.name", "fresh", "--cuda")...); err == nil || !strings.Contains(err.Error(), "CPU") {
		t.Errorf("faucet --cuda: %v", err)
	}
	// --dest may name a wallet.
	before, _ := c.GetBalance(ctx, freshID, 0)
	if err := h.run(transferCmd, append(ep, "--wallet.name", "alice", "--dest", "fresh", "--amount", "1")...); err != nil {
		t.Fatalf("transfer to a wallet by name: %v", err)
	}
	if after, _ := c.GetBalance(ctx, freshID, 0); after != before+1_000_000_000 {
		t.Errorf("transfer to fresh by name: %s → %s", before, after)
	}
	if err := h.run(transferCmd, append(ep, "--wallet.name", "alice", "--dest", "nosuchwallet", "--amount", "1")...); err == nil ||
		!strings.Contains(err.Error(), `--dest "nosuchwallet" is neither an SS58 address`) {
		t.Errorf("transfer to an unknown name: %v", err)
	}
}
