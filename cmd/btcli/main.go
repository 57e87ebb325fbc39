// Command btcli is the Bittensor command line: wallets today; stake,
// subnets and the root network as they are built. See `btcli --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/go-bittensor/bittensor/cli"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it is the module version, or "dev".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, cmdutil.NewFactory(appVersion()), os.Args[1:])
	stop()
	os.Exit(code)
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
