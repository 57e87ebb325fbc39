package subtensor_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
)

func TestSubstrateCommitments(t *testing.T) {
	c, ch := connectSubstrate(t)
	ctx := context.Background()
	net := subnettest.New(t, ctx, c, ch, "//Subtensor//CommitOwner", nil)
	netuid, ownerHot := net.Netuid, net.OwnerHot
	stranger := key(t, "//Subtensor//CommitStranger")
	subnettest.Fund(t, ctx, ch, stranger, balance.FromTAO(1000).RAO())

	// Only a hotkey registered on the subnet may commit there.
	const url = "https://miner.example.net:8443/v1"
	if _, err := c.SetCommitment(ctx, stranger, netuid, url, subtensor.WaitInclusion); err == nil || !strings.Contains(err.Error(), "AccountNotAllowedCommit") {
		t.Errorf("a hotkey not on subnet %d committing: %v, want AccountNotAllowedCommit", netuid, err)
	}
	if _, err := c.SetCommitment(ctx, ownerHot, netuid, strings.Repeat("x", subtensor.MaxCommitmentField+1), subtensor.WaitInclusion); err == nil || !strings.Contains(err.Error(), "at most 128 bytes") {
		t.Errorf("a 129-byte commitment: %v", err)
	}
	if _, ok, err := c.GetCommitment(ctx, netuid, id(ownerHot), 0); err != nil || ok {
		t.Fatalf("commitment before any: %v %v", ok, err)
	}

	res, err := c.SetCommitment(ctx, ownerHot, netuid, url, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.GetCommitment(ctx, netuid, id(ownerHot), 0)
	if err != nil || !ok {
		t.Fatalf("commitment after setting: %v %v", ok, err)
	}
	if got.Text() != url || got.Block != res.Height || got.Hotkey != id(ownerHot) || got.Netuid != netuid {
		t.Errorf("commitment reads back as %+v; want %q set at block %d", got, url, res.Height)
	}
	all, err := c.GetCommitments(ctx, netuid, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Text() != url || all[0].Hotkey != id(ownerHot) {
		t.Errorf("commitments of subnet %d: %+v", netuid, all)
	}
	// An earlier block has none.
	if before, err := c.GetCommitments(ctx, netuid, res.Height-1); err != nil || len(before) != 0 {
		t.Errorf("commitments at block %d: %+v, %v", res.Height-1, before, err)
	}
	// polkadot-js reads the same bytes.
	var pj struct {
		Block int
		Info  struct{ Fields []map[string]string }
	}
	if err := ch.PolkadotJS(ctx, `const api = await env.api();
		return (await api.query.commitments.commitmentOf(env.args.netuid, env.args.who)).toJSON();`,
		map[string]any{"netuid": netuid, "who": id(ownerHot).String()}, &pj); err != nil {
		t.Fatal(err)
	}
	if pj.Block != int(res.Height) || len(pj.Info.Fields) != 1 || pj.Info.Fields[0]["raw33"] != "0x"+hex.EncodeToString([]byte(url)) {
		t.Errorf("polkadot-js reads %+v", pj)
	}

	// One commitment per RateLimit blocks.
	if _, err := c.SetCommitment(ctx, ownerHot, netuid, "http://203.0.113.9:8091", subtensor.WaitInclusion); err == nil || !strings.Contains(err.Error(), "CommitmentSetRateLimitExceeded") {
		t.Errorf("a second commitment at once: %v, want CommitmentSetRateLimitExceeded", err)
	}
}
