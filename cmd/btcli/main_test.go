package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestRelease: only a release's module version is shown as btcli's
// version; a checkout's pseudo version is not.
func TestRelease(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.2.0": true, "v1.10.3": true,
		"v0.0.0-20260101120000-abcdef123456": false, "v0.1.1-0.20260101120000-abcdef123456+dirty": false,
		"(devel)": false, "": false,
	} {
		if got := release.MatchString(v); got != want {
			t.Errorf("%q: %v, want %v", v, got, want)
		}
	}
	if v := appVersion(); v == "" || v[0] == 'v' {
		t.Errorf("appVersion() = %q", v)
	}
}

// TestNoNodeInBtcli: btcli does not link the node, nor any of CometBFT.
// Every command would otherwise pay their package initialisation (CometBFT's
// node, its types' protobuf registrations, metrics: tens of milliseconds)
// before main; a localnet's chain runs as the subtensor program instead
// (cli/localnet/localchain), and package subtensor speaks CometBFT's
// JSON-RPC itself (cometrpc.go).
func TestNoNodeInBtcli(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, forbidden := range []string{
		"github.com/cometbft/cometbft/node",
		"github.com/go-bittensor/bittensor/node",
		"github.com/go-bittensor/bittensor/chain",
		"github.com/cosmos/iavl",
	} {
		if slices.Contains(deps, forbidden) {
			t.Errorf("btcli imports %s", forbidden)
		}
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/cometbft/") {
			t.Errorf("btcli imports %s (CometBFT)", d)
		}
	}
}
