package neuron

import (
	"errors"
	"os"
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

// TestConfigFromEnvAndFile: a neuron program reads BT_* variables and the
// config file as btcli does, below its command line.
func TestConfigFromEnvAndFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".bittensor"), 0o700); err != nil {
		t.Fatal(err)
	}
	yml := "wallet:\n  name: from-file\n  hotkey: from-file\nnetuid: 9\naxon:\n  port: 7000\nneuron.sample_size: 4\n"
	if err := os.WriteFile(filepath.Join(home, ".bittensor", "config.yml"), []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BT_WALLET_HOTKEY", "from-env")
	t.Setenv("BT_SUBTENSOR_CHAIN_ENDPOINT", "127.0.0.1:9100")
	t.Setenv("BT_AXON_PORT", "7001")
	c := DefaultValidatorConfig("v")
	fs := pflag.NewFlagSet("v", pflag.ContinueOnError)
	c.AddFlags(fs)
	if err := ParseFlags(fs, []string{"--netuid", "3"}); err != nil {
		t.Fatal(err)
	}
	if c.Wallet.Name != "from-file" || c.Wallet.Hotkey != "from-env" || c.Subtensor.Target() != "127.0.0.1:9100" ||
		c.Netuid != 3 || c.Axon.Port != 7001 || c.SampleSize != 4 {
		t.Errorf("got wallet %+v, target %s, netuid %d, port %d, sample %d", c.Wallet, c.Subtensor.Target(), c.Netuid, c.Axon.Port, c.SampleSize)
	}

	// --config names another file; a bad value there is a flag error naming it.
	bad := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(bad, []byte("netuid: lots\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c2 := DefaultValidatorConfig("v")
	fs2 := pflag.NewFlagSet("v", pflag.ContinueOnError)
	c2.AddFlags(fs2)
	var fe *FlagError
	if err := ParseFlags(fs2, []string{"--config", bad}); !errors.As(err, &fe) || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad config value: %v", err)
	}
}

// TestUsage: --help says what the program is, its flags and where else
// they come from.
func TestUsage(t *testing.T) {
	c := DefaultMinerConfig("m")
	fs := pflag.NewFlagSet("my-miner", pflag.ContinueOnError)
	var out strings.Builder
	fs.SetOutput(&out)
	c.AddFlags(fs)
	SetUsage(fs, "My miner answers questions.")
	if err := ParseFlags(fs, []string{"--help"}); !errors.Is(err, pflag.ErrHelp) || ExitCode("my-miner", err) != 0 {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"Usage: my-miner [flags]\n\nMy miner answers questions.\n\nFlags:\n", "--wallet.name", "--config string", "BT_WALLET_NAME", "~/.bittensor/config.yml"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
}
