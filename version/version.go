// Package version names this build of go-bittensor.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release of go-bittensor.
const Version = "0.1.0"

// String describes the build: release, VCS revision when known, Go version.
func String() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	return fmt.Sprintf("go-bittensor %s%s %s", Version, rev, runtime.Version())
}
