// Command btcli is the Bittensor command line: wallets, subnets, stake,
// weights, the root network and governance, and local networks. See
// `btcli --help`.
package main

import (
	"context"
	"os"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/go-bittensor/bittensor/cli"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	gobtversion "github.com/go-bittensor/bittensor/version"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it is the module's release when installed as one (go install …@v0.2.0),
// else version.Version.
var version = ""

// Interrupts keep their default effect (the process ends at once): the
// slow steps (key derivation) cannot be cancelled part way, and keyfiles
// are written atomically, so stopping anywhere leaves the wallet as it was
// or as it was meant to be. Password prompts restore the terminal first.
func main() {
	os.Exit(cli.Main(context.Background(), cmdutil.NewFactory(appVersion()), os.Args[1:]))
}

// appVersion is the version btcli reports, without a leading "v" (help
// prints "bittensor cli v0.1.0"). A build from a checkout carries a pseudo
// version (v0.0.0-2026…-abcdef) that says nothing; version.Version does.
func appVersion() string {
	if version != "" {
		return strings.TrimPrefix(version, "v")
	}
	if bi, ok := debug.ReadBuildInfo(); ok && release.MatchString(bi.Main.Version) {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return gobtversion.Version
}

// release matches a release's module version (v1.2.3, no pre-release).
var release = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)
