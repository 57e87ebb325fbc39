// Command btcli is the Bittensor command line: wallets today; stake,
// subnets and the root network as they are built. See `btcli --help`.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/go-bittensor/bittensor/cli"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it is the module version, or "dev".
var version = ""

// Interrupts keep their default effect (the process ends at once): the
// slow steps (key derivation) cannot be cancelled part way, and keyfiles
// are written atomically, so stopping anywhere leaves the wallet as it was
// or as it was meant to be. Password prompts restore the terminal first.
func main() {
	os.Exit(cli.Main(context.Background(), cmdutil.NewFactory(appVersion()), os.Args[1:]))
}

func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
