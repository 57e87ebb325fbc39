package subnets

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
)

// TestRequote: after the key is unlocked, register reads the burn again. A
// lower burn is simply used; a higher one is asked about again (refused
// without asking under --no_prompt, or when the balance cannot pay it).
func TestRequote(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		g.Params.Subtensor.SubnetDefaults.AdjustmentInterval = 10_000 // the burn stays put
		g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: 1, Owner: g.Balances[0].Address, Lock: 10 * balance.RAOPerTAO})
	}})
	c := dev.Client(t)
	ctx := context.Background()
	info, err := cmdutil.RequireSubnet(ctx, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	burn := balance.Balance(info.Hyperparameters.Burn)
	if burn < 2 {
		t.Fatalf("burn %s too small for the test", burn)
	}
	rich := burn * 10
	tests := []struct {
		name          string
		quoted, free  balance.Balance
		noPrompt, tty bool
		input         string
		want          balance.Balance
		err           string
	}{
		{"fell", burn * 2, rich, false, true, "", burn, ""},
		{"unchanged", burn, rich, true, false, "", burn, ""},
		{"rose, yes", burn / 2, rich, false, true, "y\n", burn, ""},
		{"rose, no", burn / 2, rich, false, true, "n\n", 0, "cancelled"},
		{"rose, --no_prompt", burn / 2, rich, true, false, "", 0, "registration not sent: BurnAboveMaximum: the burn of subnet 1 rose from"},
		{"rose past the balance", burn / 2, burn - 1, false, true, "y\n", 0, "the balance " + (burn - 1).String() + " is not enough"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, _, errOut := cmdutil.Test()
			in.WriteString(tt.input)
			ios.SetStdinTTY(tt.tty)
			ios.SetStderrTTY(tt.tty)
			f := &cmdutil.Factory{IOStreams: ios, NoPrompt: tt.noPrompt}
			got, err := requote(ctx, f, c, 1, tt.quoted, tt.free)
			if tt.err == "" && (err != nil || got != tt.want) || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("requote = %s, %v; want %s, %q", got, err, tt.want, tt.err)
			}
			if tt.name == "rose, --no_prompt" && !errors.Is(err, types.ErrBurnAboveMaximum) {
				t.Errorf("error %v does not match BurnAboveMaximum", err)
			}
			wantAsk := strings.HasPrefix(tt.name, "rose, yes") || strings.HasPrefix(tt.name, "rose, no")
			if asked := strings.Contains(errOut.String(), "The burn rose from"); asked != wantAsk {
				t.Errorf("asked again %v, want %v: %q", asked, wantAsk, errOut.String())
			}
		})
	}
}
