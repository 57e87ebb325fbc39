package subnets

import (
	"context"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
)

// TestRequote: after the key is unlocked, register reads the burn again.
// A burn that rose is asked about again at a terminal (and becomes the
// limit); otherwise the quote stays the limit, for the chain to refuse a
// higher burn (BurnAboveMaximum).
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
	tests := []struct {
		name          string
		quoted        balance.Balance
		noPrompt, tty bool
		input         string
		want          balance.Balance
		err           string
		asked         bool
	}{
		{"fell", burn * 2, false, true, "", burn * 2, "", false},
		{"unchanged", burn, true, false, "", burn, "", false},
		{"rose, yes", burn / 2, false, true, "y\n", burn, "", true},
		{"rose, no", burn / 2, false, true, "n\n", 0, "cancelled", true},
		{"rose, --no_prompt", burn / 2, true, false, "", burn / 2, "", false},
		{"rose, piped", burn / 2, false, false, "y\n", burn / 2, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, _, errOut := cmdutil.Test()
			in.WriteString(tt.input)
			ios.SetStdinTTY(tt.tty)
			ios.SetStderrTTY(tt.tty)
			f := &cmdutil.Factory{IOStreams: ios, NoPrompt: tt.noPrompt}
			got, err := requote(ctx, f, c, 1, tt.quoted)
			if tt.err == "" && (err != nil || got != tt.want) || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("requote = %s, %v; want %s, %q", got, err, tt.want, tt.err)
			}
			if asked := strings.Contains(errOut.String(), "The burn rose from"); asked != tt.asked {
				t.Errorf("asked again %v, want %v: %q", asked, tt.asked, errOut.String())
			}
		})
	}
}
