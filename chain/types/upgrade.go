package types

import "fmt"

// Upgrades: a network adopts a new release of the chain's rules or state
// layout at a height every validator agrees on. Root (the sudo key or an
// approved proposal) schedules an upgrade by name and height; at that height
// a node whose binary has the upgrade migrates the state and runs the new
// rules, and a node whose binary lacks it stops after the block before, so
// its operator can install the new binary. The chain's app version (reported
// to CometBFT and in every block header) names the rules and layout the
// state is in; each upgrade raises it by one.

// Call names of the upgrade module.
const (
	CallScheduleUpgrade = "Upgrade.schedule_upgrade"
	CallCancelUpgrade   = "Upgrade.cancel_upgrade"
)

// QueryUpgrade answers UpgradeInfo: the chain's app version, the planned
// upgrade and the upgrades applied so far.
const QueryUpgrade = "/upgrade"

// MaxUpgradeNameLen and MaxUpgradeInfoLen bound an upgrade plan's name and
// its free-text info, in bytes.
const (
	MaxUpgradeNameLen = 64
	MaxUpgradeInfoLen = 1024
)

// ScheduleUpgrade plans the upgrade Name at block Height (Root only). It
// replaces any plan not yet applied. Height must be after the block that
// carries the call; Name must not be an upgrade the chain already applied.
// Info is free text for operators (where to get the binary, say).
type ScheduleUpgrade struct {
	Name   string `cbor:"1,keyasint" json:"name"`
	Height uint64 `cbor:"2,keyasint" json:"height"`
	Info   string `cbor:"3,keyasint" json:"info,omitempty"`
}

// CallName implements CallArgs.
func (*ScheduleUpgrade) CallName() string { return CallScheduleUpgrade }

// CancelUpgrade drops the planned upgrade Name (Root only); it fails if the
// plan is for another name or there is none.
type CancelUpgrade struct {
	Name string `cbor:"1,keyasint" json:"name"`
}

// CallName implements CallArgs.
func (*CancelUpgrade) CallName() string { return CallCancelUpgrade }

func upgradeCallTypes(m map[string]func() CallArgs) {
	m[CallScheduleUpgrade] = func() CallArgs { return new(ScheduleUpgrade) }
	m[CallCancelUpgrade] = func() CallArgs { return new(CancelUpgrade) }
}

// ValidateUpgradeName checks an upgrade's name: 1 to MaxUpgradeNameLen
// bytes of lower-case letters, digits, '.', '-' and '_'. Names appear in
// logs, file names and error messages, so they stay plain.
func ValidateUpgradeName(name string) error {
	if name == "" || len(name) > MaxUpgradeNameLen {
		return Errorf(ErrUpgradeInvalid, "upgrade name must be 1 to %d bytes, got %d", MaxUpgradeNameLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return Errorf(ErrUpgradeInvalid, "upgrade name %q: byte %d (%q) is not a lower-case letter, digit, '.', '-' or '_'", name, i, c)
		}
	}
	return nil
}

// UpgradePlan is a scheduled upgrade.
type UpgradePlan struct {
	Name   string `cbor:"1,keyasint" json:"name"`
	Height uint64 `cbor:"2,keyasint" json:"height"` // the first block run by the new rules
	Info   string `cbor:"3,keyasint" json:"info,omitempty"`
}

// String describes the plan for messages.
func (p UpgradePlan) String() string { return fmt.Sprintf("upgrade %q at height %d", p.Name, p.Height) }

// AppliedUpgrade is an upgrade the chain went through: its name, the app
// version it made and the first block run by it.
type AppliedUpgrade struct {
	Name       string `json:"name"`
	AppVersion uint64 `json:"app_version"`
	Height     uint64 `json:"height"`
}

// UpgradeInfo is the answer to QueryUpgrade.
type UpgradeInfo struct {
	// AppVersion is the version of the rules and state layout the chain
	// runs at this height (1 until the first upgrade).
	AppVersion uint64 `json:"app_version"`
	// Plan is the scheduled upgrade, if any.
	Plan *UpgradePlan `json:"plan,omitempty"`
	// Applied are the upgrades applied so far, oldest first.
	Applied []AppliedUpgrade `json:"applied"`
	Height  uint64           `json:"height"`
}

// Upgrade errors. Codes 4000–4099.
var (
	ErrUpgradeInvalid     = register(&Error{4000, "upgrade", "UpgradeInvalid", "the upgrade's name or height cannot be planned"})
	ErrUpgradeApplied     = register(&Error{4001, "upgrade", "UpgradeAlreadyApplied", "the chain already went through an upgrade of this name"})
	ErrNoUpgradePlanned   = register(&Error{4002, "upgrade", "NoUpgradePlanned", "no upgrade of this name is planned"})
	ErrUpgradeNeeded      = register(&Error{4003, "upgrade", "UpgradeNeeded", "an upgrade this binary does not have is due: install the binary that has it"})
	ErrBinaryTooOld       = register(&Error{4004, "upgrade", "BinaryTooOld", "the state is at an app version newer than this binary runs"})
	ErrBinaryTooNew       = register(&Error{4005, "upgrade", "BinaryTooNew", "this binary runs a newer app version than the chain has reached: run the previous release until the planned upgrade"})
	ErrMigrationFailed    = register(&Error{4006, "upgrade", "MigrationFailed", "the upgrade's state migration failed"})
	ErrStateUnreadable    = register(&Error{4007, "upgrade", "StateUnreadable", "a stored record is malformed or of a layout this binary does not know"})
	ErrExportInconsistent = register(&Error{4008, "upgrade", "ExportInconsistent", "the state export contradicts itself and cannot start a chain"})
)
