package sudo

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

func parse[T any](t *testing.T, newCmd func(*cmdutil.Factory, func(*T) error) *cobra.Command, args ...string) (*T, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *T
	cmd := newCmd(f, func(o *T) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	return got, cmd.Execute()
}

func TestParseSet(t *testing.T) {
	for _, tt := range []struct {
		param, value string
		call         string
		want         uint64
	}{
		// Bittensor 6.x's parameter names (btcli sudo set --param) and the chain's.
		{"serving_rate_limit", "50", types.CallSudoSetServingRateLimit, 50},
		{"weights_version", "650", types.CallSudoSetWeightsVersionKey, 650},
		{"weights_rate_limit", "100", types.CallSudoSetWeightsSetRateLimit, 100},
		{"max_weight_limit", "65535", types.CallSudoSetMaxWeightLimit, 65535},
		{"immunity_period", "7200", types.CallSudoSetImmunityPeriod, 7200},
		{"min_allowed_weights", "8", types.CallSudoSetMinAllowedWeights, 8},
		{"activity_cutoff", "5000", types.CallSudoSetActivityCutoff, 5000},
		{"tempo", "360", types.CallSudoSetTempo, 360},
		{"network_registration_allowed", "false", types.CallSudoSetNetworkRegistrationAllowed, 0},
		{"network_pow_registration_allowed", "True", types.CallSudoSetNetworkPowRegistrationAllowed, 1},
		{"max_burn", "100_000_000_000", types.CallSudoSetMaxBurn, 100_000_000_000},
		{"tx_rate_limit", "0", types.CallSudoSetTxRateLimit, 0},
	} {
		o, err := parse(t, NewCmdSet, "--netuid", "1", "--param", tt.param, "--value", tt.value)
		if err != nil || o.setter.Call != tt.call || o.value != tt.want {
			t.Errorf("--param %s --value %s: %+v, %v", tt.param, tt.value, o, err)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--param", "nosuch"}, `--param "nosuch": not a parameter; choose one of tempo, rho`},
		{[]string{"--param", "tempo", "--value", "65536"}, "tempo is an integer from 0 to 65535"},
		{[]string{"--param", "kappa", "--value", "0.5"}, "kappa is an integer"},
		{[]string{"--param", "network_registration_allowed", "--value", "maybe"}, "a switch: true or false"},
		{[]string{"--netuid", "-2"}, "--netuid -2"},
	} {
		_, err := parse(t, NewCmdSet, tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
	// A --value is checked once the parameter is known, even when asked for.
	if o, err := parse(t, NewCmdSet, "--value", "3"); err != nil || o.setter != nil || o.Value != "3" {
		t.Errorf("--value alone: %+v, %v", o, err)
	}
}

func TestParamNamesCoverEverySetter(t *testing.T) {
	names := ParamNames()
	for _, s := range types.ParamSetters() {
		if !slices.Contains(names, s.Param) {
			t.Errorf("%s missing", s.Param)
		}
	}
	for _, n := range names {
		if _, ok := setterFor(n); !ok {
			t.Errorf("%s has no setter", n)
		}
	}
}

func TestParseGet(t *testing.T) {
	cmd := NewCmdGet(&cmdutil.Factory{IOStreams: func() *cmdutil.IOStreams { s, _, _, _ := cmdutil.Test(); return s }()}, nil)
	if cmd.Name() != "get" || cmd.Flags().Lookup("netuid") == nil || cmd.Flags().Lookup("json") == nil {
		t.Errorf("sudo get: %s", cmd.Use)
	}
}
