package weights

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/spf13/cobra"
)

func parse(t *testing.T, args ...string) (*SetOptions, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *SetOptions
	cmd := NewCmdSet(f, func(o *SetOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	return got, cmd.Execute()
}

func TestParseSet(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		uids    []uint16
		weights []float64
	}{
		{[]string{"--uids", "0,1,2", "--weights", "0.5,0.3,0.2"}, []uint16{0, 1, 2}, []float64{0.5, 0.3, 0.2}},
		{[]string{"--uids", "[3, 1]", "--weights", "[10, 0]"}, []uint16{3, 1}, []float64{10, 0}},
		{[]string{"--uids", "7", "--uids", "8", "--weights", "1", "--weights", "2"}, []uint16{7, 8}, []float64{1, 2}},
		{[]string{"--uids", "65535", "--weights", "1e-3"}, []uint16{65535}, []float64{0.001}},
	} {
		o, err := parse(t, append(tt.args, "--netuid", "1")...)
		if err != nil || !slices.Equal(o.uids, tt.uids) || !slices.Equal(o.weights, tt.weights) || o.VersionKey != synapse.DefaultVersion {
			t.Errorf("%v: %+v, %v", tt.args, o, err)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--uids", "1,2", "--weights", "1"}, "2 uids but 1 weights"},
		{[]string{"--uids", "1"}, "--weights is required"},
		{[]string{"--weights", "1"}, "--uids is required"},
		{[]string{"--uids", "a", "--weights", "1"}, `--uids: "a" is not a uid`},
		{[]string{"--uids", "65536", "--weights", "1"}, `"65536" is not a uid`},
		{[]string{"--uids", "-1", "--weights", "1"}, `"-1" is not a uid`},
		{[]string{"--uids", "1,1", "--weights", "1,1"}, "uid 1 is named twice"},
		{[]string{"--uids", "1", "--weights", "NaN"}, `"NaN" is not a weight`},
		{[]string{"--uids", "1", "--weights", "inf"}, `"inf" is not a weight`},
		{[]string{"--uids", "1", "--weights", "-0.5"}, `"-0.5" is not a weight`},
		{[]string{"--uids", "1,2", "--weights", "0,0"}, "all zero"},
		{[]string{"--netuid", "0", "--uids", "1", "--weights", "1"}, "use btcli root weights"},
		{[]string{"--version_key", "-1"}, "invalid argument"},
	} {
		_, err := parse(t, tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
	// Without --uids and --weights they are asked for (or required) when run.
	if o, err := parse(t, "--netuid", "2", "--version_key", "0"); err != nil || o.uids != nil || o.VersionKey != 0 || o.Netuid.Value != 2 {
		t.Errorf("no lists: %+v, %v", o, err)
	}
}
