package neuron

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/balance"
)

func TestConfigFlags(t *testing.T) {
	c := DefaultValidatorConfig("v")
	fs := pflag.NewFlagSet("v", pflag.ContinueOnError)
	c.AddFlags(fs)
	err := ParseFlags(fs, []string{
		"--wallet.name", "w", "--wallet.hotkey", "h", "--wallet.path", "/tmp/x",
		"--subtensor.chain_endpoint", "127.0.0.1:9000", "--netuid", "7",
		"--axon.port", "0", "--axon.external_ip", "203.0.113.7",
		"--neuron.register", "burn", "--neuron.max_burn", "2.5", "--neuron.sync_blocks", "3",
		"--neuron.epoch_length", "20", "--neuron.sample_size", "0", "--neuron.moving_average_alpha", "0.3",
		"--neuron.timeout", "1.5", "--logging.debug",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Wallet.Name != "w" || c.Wallet.Hotkey != "h" || c.Netuid != 7 || c.Axon.Port != 0 || c.Axon.ExternalIP != "203.0.113.7" ||
		c.Neuron.Register != RegisterBurn || c.Neuron.MaxBurn != balance.Balance(2_500_000_000) || c.Neuron.SyncBlocks != 3 ||
		c.EpochLength != 20 || c.SampleSize != 0 || c.Alpha != 0.3 || c.Timeout != 1500*time.Millisecond || !c.Logging.Debug {
		t.Errorf("parsed %+v", c)
	}
	if got, want := c.StateDir(), filepath.Join(".bittensor", "neurons", "w", "h", "netuid7", "v"); !strings.HasSuffix(got, want) || !filepath.IsAbs(got) {
		t.Errorf("state dir %s, want ~/%s", got, want)
	}
	c.Neuron.FullPath = "/srv/val"
	if got := c.StateDir(); got != "/srv/val" {
		t.Errorf("state dir with --neuron.full_path: %s", got)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in the error
	}{
		{[]string{"--netuid", "70000"}, "netuid"},
		{[]string{"--axon.port", "70000"}, "--axon.port 70000"},
		{[]string{"--axon.external_ip", "example.org"}, "--axon.external_ip"},
		{[]string{"--neuron.register", "maybe"}, "--neuron.register"},
		{[]string{"--neuron.max_burn", "-1"}, "max_burn"},
		{[]string{"--wallet.name", "../x"}, "--wallet.name"},
		{[]string{"--subtensor.network", "mainnet"}, "neither a known network"},
		{[]string{"--neuron.sync_blocks", "0"}, "sync_blocks"},
		{[]string{"--neuron.epoch_length", "0"}, "epoch_length"},
		{[]string{"--neuron.moving_average_alpha", "0"}, "moving_average_alpha"},
		{[]string{"--neuron.timeout", "soon"}, "timeout"},
		{[]string{"stray"}, "unexpected arguments"},
	}
	for _, tc := range tests {
		c := DefaultValidatorConfig("v")
		fs := pflag.NewFlagSet("v", pflag.ContinueOnError)
		fs.SetOutput(new(strings.Builder))
		c.AddFlags(fs)
		err := ParseFlags(fs, tc.args)
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %q", tc.args, err, tc.want)
			continue
		}
		var fe *FlagError
		if !errors.As(err, &fe) && !errors.Is(err, ErrConfig) {
			t.Errorf("%v: %v is neither a FlagError nor ErrConfig (exit code 2)", tc.args, err)
		}
	}
}
