package subnets

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// parse runs a command's flag parsing and returns the options its run
// function would get, or the error.
func parse[T any](t *testing.T, newCmd func(*cmdutil.Factory, func(*T) error) *cobra.Command, args ...string) (*T, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *T
	cmd := newCmd(f, func(o *T) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	err := cmd.Execute()
	return got, err
}

func isFlagError(err error, want string) bool {
	var fe *cmdutil.FlagError
	return errors.As(err, &fe) && strings.Contains(err.Error(), want)
}

func TestParseMetagraph(t *testing.T) {
	o, err := parse(t, NewCmdMetagraph, "--netuid", "3", "--block", "77", "--full", "--no_save", "--metagraph.path", "/tmp/mg", "--json",
		"--subtensor.chain_endpoint", "127.0.0.1:1")
	if err != nil || o.Netuid.Value != 3 || o.Block != 77 || !o.Full || !o.NoSave || o.Dir != "/tmp/mg" || !o.JSON || o.Subtensor.ChainEndpoint != "127.0.0.1:1" {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdMetagraph); err != nil || o.Netuid.Given() || o.Full || o.NoSave || o.Dir != "~/.bittensor/metagraphs" || o.Subtensor.Network != "local" {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--netuid", "65536"}, "--netuid 65536"},
		{[]string{"--netuid", "-1"}, "--netuid -1"},
		{[]string{"--netuid", "x"}, "invalid argument"},
		{[]string{"extra"}, "takes no arguments"},
	} {
		if _, err := parse(t, NewCmdMetagraph, tt.args...); !isFlagError(err, tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestParseListLockCostHyperparameters(t *testing.T) {
	if o, err := parse(t, NewCmdList, "--json", "--block", "5"); err != nil || !o.JSON || o.Block != 5 {
		t.Errorf("list: %+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdLockCost, "--subtensor.network", "local"); err != nil || o.JSON || o.Subtensor.Network != "local" {
		t.Errorf("lock_cost: %+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdHyperparameters, "--netuid", "0", "--json"); err != nil || o.Netuid.Value != 0 || !o.Netuid.Given() || !o.JSON {
		t.Errorf("hyperparameters: %+v, %v", o, err)
	}
	if _, err := parse(t, NewCmdHyperparameters, "--netuid", "99999"); !isFlagError(err, "from 0 to 65535") {
		t.Errorf("hyperparameters --netuid 99999: %v", err)
	}
}

func TestParseCreateAndRegister(t *testing.T) {
	if o, err := parse(t, NewCmdCreate, "--wallet.name", "owner", "--json"); err != nil || o.Wallet.Name != "owner" || !o.JSON {
		t.Errorf("create: %+v, %v", o, err)
	}
	o, err := parse(t, NewCmdRegister, "--netuid", "1", "--wallet.name", "w", "--wallet.hotkey", "h", "--wallet.path", "/tmp/wallets")
	if err != nil || o.Netuid.Value != 1 || o.Wallet.Name != "w" || o.Wallet.Hotkey != "h" || o.Wallet.Path != "/tmp/wallets" {
		t.Errorf("register: %+v, %v", o, err)
	}
}

func TestParsePowRegister(t *testing.T) {
	o, err := parse(t, NewCmdPowRegister, "--netuid", "2", "-n", "3", "-u", "1000", "--no_output_in_place", "--pow_register.verbose",
		"--max_allowed_attempts", "5", "--cuda.dev_id", "1", "--cuda.tpb", "512", "--no_cuda")
	if err != nil || o.Netuid.Value != 2 || o.Processes != 3 || o.UpdateInterval != 1000 || !o.NoOutputInPlace || !o.Verbose || o.MaxAttempts != 5 || o.CUDA {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := parse(t, NewCmdPowRegister, "--pow_register.cuda.update_interval", "7"); err != nil || o.UpdateInterval != 7 || o.Processes < 1 || o.MaxAttempts != 3 {
		t.Errorf("alias and defaults: %+v, %v", o, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--cuda"}, "CPU only"},
		{[]string{"--pow_register.cuda.use_cuda"}, "CPU only"},
		{[]string{"-n", "0"}, "num_processes must be at least 1"},
		{[]string{"-u", "0"}, "update_interval must be at least 1"},
		{[]string{"--max_allowed_attempts", "0"}, "at least 1"},
	} {
		if _, err := parse(t, NewCmdPowRegister, tt.args...); !isFlagError(err, tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestMillify(t *testing.T) {
	for _, tt := range []struct {
		n    uint64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1 K"}, {4096, "4 K"}, {1_000_000, "1 M"}, {10_000_000, "10 M"}, {18_446_744_073_709_551_615, "18446744 T"}} {
		if got := millify(tt.n); got != tt.want {
			t.Errorf("millify(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
