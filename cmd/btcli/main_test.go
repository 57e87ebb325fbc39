package main

import "testing"

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
