package types

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateUpgradeName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"neuron-record-v2", true}, {"v1.2.3_rc1", true}, {strings.Repeat("a", MaxUpgradeNameLen), true},
		{"", false}, {strings.Repeat("a", MaxUpgradeNameLen+1), false}, {"Upper", false}, {"has space", false},
		{"slash/name", false}, {"é", false},
	} {
		err := ValidateUpgradeName(tt.name)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrUpgradeInvalid)) {
			t.Errorf("ValidateUpgradeName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// The upgrade calls can be given as JSON, as btcli root propose --call
// --args does for governance, and survive the canonical encoding.
func TestUpgradeCallsFromJSON(t *testing.T) {
	args, err := DecodeCallJSON(CallScheduleUpgrade, []byte(`{"name": "neuron-record-v2", "height": 1200, "info": "release 2"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &ScheduleUpgrade{Name: "neuron-record-v2", Height: 1200, Info: "release 2"}
	if got, ok := args.(*ScheduleUpgrade); !ok || *got != *want {
		t.Fatalf("decoded %#v, want %#v", args, want)
	}
	call, err := EncodeCall(args)
	if err != nil {
		t.Fatal(err)
	}
	back, err := call.DecodeArgs()
	if err != nil || *back.(*ScheduleUpgrade) != *want {
		t.Errorf("round trip: %#v %v", back, err)
	}
	if _, err := DecodeCallJSON(CallCancelUpgrade, []byte(`{"name": "x", "height": 3}`)); !errors.Is(err, ErrBadCallArgs) {
		t.Errorf("cancel_upgrade with a height: %v", err)
	}
	if !PaysFee(CallScheduleUpgrade) || !PaysFee(CallCancelUpgrade) {
		t.Error("the upgrade calls pay the fee, as the other Root calls do")
	}
}
