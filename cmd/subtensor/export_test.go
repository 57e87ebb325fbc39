package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
)

// subtensorCmd runs `subtensor args…` in process and returns its output.
func subtensorCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String() + errOut.String(), err
}

// TestExportAndContinue exports a dev chain's state, starts a new chain
// from it with the same validator key, and checks the round trip: the new
// chain's state at its genesis exports to the same bytes, and the chain
// goes on from the next height with the old chain's balances.
func TestExportAndContinue(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node processes")
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	rpcA, _ := node.FreeAddr()
	p2pA, _ := node.FreeAddr()
	proc := startProcess(t, "dev", "--home", a, "--rpc", rpcA, "--p2p", p2pA, "--block-time", "100ms")
	c := connectWait(t, rpcA)
	ctx := context.Background()
	alice, bob := mustKeypair(t, "//Alice"), mustKeypair(t, "//Bob")
	res, err := c.Transfer(ctx, alice, types.AccountID(bob.PublicKey()), balance.FromTAO(3), false, subtensor.WaitInclusion)
	if err != nil || res.Err != nil {
		t.Fatalf("transfer: %v %v", err, res)
	}
	waitFor(t, c, res.Height+2)
	ids := []types.AccountID{types.AccountID(alice.PublicKey()), types.AccountID(bob.PublicKey())}
	var was []types.AccountInfo
	for _, k := range ids {
		acc, err := c.GetAccount(ctx, k, res.Height+2)
		if err != nil {
			t.Fatal(err)
		}
		was = append(was, acc)
	}
	proc.Process.Signal(syscall.SIGTERM)
	if err := proc.Wait(); err != nil {
		t.Fatalf("dev node did not stop cleanly: %v", err)
	}

	e1 := filepath.Join(dir, "export1.json")
	if out, err := subtensorCmd(t, "export", "--home", a, "--output", e1); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	js1, err := os.ReadFile(e1)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ChainID       string `json:"chain_id"`
		InitialHeight string `json:"initial_height"`
		AppState      struct {
			Export struct {
				AppVersion uint64 `json:"app_version"`
				Height     uint64 `json:"height"`
			} `json:"export"`
		} `json:"app_state"`
	}
	if err := json.Unmarshal(js1, &doc); err != nil {
		t.Fatal(err)
	}
	H := doc.AppState.Export.Height
	if H < res.Height+2 || doc.InitialHeight != strconv.FormatUint(H+1, 10) || doc.ChainID != node.DevChainID || doc.AppState.Export.AppVersion != chain.LatestAppVersion() {
		t.Fatalf("export of height %d: chain %q, initial height %s, app version %d", H, doc.ChainID, doc.InitialHeight, doc.AppState.Export.AppVersion)
	}
	if !bytes.Contains(js1, []byte("\n      \"accounts\": [\n")) {
		t.Error("the export's app_state is not indented for reading")
	}

	rpcB, _ := node.FreeAddr()
	p2pB, _ := node.FreeAddr()
	out, err := subtensorCmd(t, "init", "--home", b, "--genesis", e1, "--rpc", rpcB, "--p2p", p2pB, "--block-time", "100ms")
	if err != nil {
		t.Fatalf("init from the export: %v\n%s", err, out)
	}
	if !strings.Contains(out, "not among the genesis's validators") {
		t.Errorf("init did not note that its new key does not validate:\n%s", out)
	}
	key, err := os.ReadFile(filepath.Join(a, "config", "priv_validator_key.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, "config", "priv_validator_key.json"), key, 0o600); err != nil {
		t.Fatal(err)
	}

	// Round trip: the new chain's state, before its first block, exports
	// to the same bytes.
	e2 := filepath.Join(dir, "export2.json")
	if out, err := subtensorCmd(t, "export", "--home", b, "--output", e2); err != nil {
		t.Fatalf("export of the new chain's genesis: %v\n%s", err, out)
	}
	if js2, _ := os.ReadFile(e2); !bytes.Equal(js1, js2) {
		t.Fatalf("export → new chain → export differs (%d and %d bytes)", len(js1), len(js2))
	}

	// The new chain goes on from H+1 with the old chain's balances.
	proc = startProcess(t, "start", "--home", b)
	cb := connectWait(t, rpcB)
	waitFor(t, cb, H+2)
	for i, k := range ids {
		is, err := cb.GetAccount(ctx, k, 0)
		if err != nil || is.Free != was[i].Free || is.Nonce != was[i].Nonce {
			t.Errorf("%s on the new chain: %+v (%v); the old chain had %+v", k, is, err, was[i])
		}
	}
	if _, err := subtensorCmd(t, "export", "--home", b); err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Errorf("export of a running node: %v", err)
	}
	proc.Process.Signal(syscall.SIGTERM)
	if err := proc.Wait(); err != nil {
		t.Fatalf("new chain's node did not stop cleanly: %v", err)
	}
	// Its genesis height still exports its genesis state; the latest is
	// after it.
	out, err = subtensorCmd(t, "export", "--home", b, "--height", strconv.FormatUint(H, 10))
	if err != nil || out != string(js1) {
		t.Errorf("export of the new chain at its genesis height %d: %v (same bytes: %v)", H, err, out == string(js1))
	}
	out, err = subtensorCmd(t, "export", "--home", b)
	if err != nil || !strings.Contains(out, `"initial_height": "`) || strings.Contains(out, `"initial_height": "`+strconv.FormatUint(H+1, 10)+`"`) {
		t.Errorf("export of the new chain's latest state: %v", err)
	}
}
