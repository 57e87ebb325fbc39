package cmdutil

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Flags as Bittensor 6.x's btcli takes them. Its parser declares the
// --wallet.* and --subtensor.* flags on nearly every command, whether the
// command uses them or not, and ignores any flag a command does not know
// unless --strict is given; scripts rely on both and pass one set of flags
// to every command. btcli does the same, but keeps typo detection: a flag
// that no command knows is an error with a suggestion.

// compatUsage is the help text of a flag a command accepts without using.
const compatUsage = "Accepted for compatibility with Bittensor's btcli; not used by this command"

// AcceptFlags registers, hidden, the flags names that cmd accepts but does
// not use, unless cmd already has them: a name given as "name=bool" takes
// no value, any other name takes one.
func AcceptFlags(cmd *cobra.Command, names ...string) {
	fs := cmd.Flags()
	for _, n := range names {
		name, isBool := strings.CutSuffix(n, "=bool")
		if fs.Lookup(name) != nil || inherited(cmd, name) {
			continue
		}
		if isBool {
			fs.Bool(name, false, compatUsage)
		} else {
			fs.String(name, "", compatUsage)
		}
		_ = fs.MarkHidden(name)
	}
}

// inherited reports whether cmd inherits the flag name from a parent (a
// persistent flag of one of them). It is cmd.InheritedFlags().Lookup(name)
// without the flag set cobra builds anew, sorted, at every call of
// InheritedFlags: AcceptFlags runs for every command at every start of btcli.
func inherited(cmd *cobra.Command, name string) bool {
	for p := cmd.Parent(); p != nil; p = p.Parent() {
		if p.PersistentFlags().Lookup(name) != nil {
			return true
		}
	}
	return false
}

// Bittensor6CommonFlags are the flags Bittensor 6.x declares on every
// command of its groups (bittensor.wallet.add_args and
// bittensor.subtensor.add_args).
var Bittensor6CommonFlags = []string{
	"wallet.name", "wallet.hotkey", "wallet.path",
	"subtensor.network", "subtensor.chain_endpoint", "subtensor._mock=bool",
}

// StrictFlag is the global flag that turns off ignoring flags a command
// does not know (as Bittensor's --strict).
const StrictFlag = "strict"

// DropForeignFlags returns args without the flags that the command args
// name does not know but another command of root's tree does, with their
// values, as Bittensor 6.x ignores them; with --strict among args, args are
// returned unchanged. Flags no command knows stay, so that parsing reports
// them (see SuggestFlag). Arguments after "--" are never touched.
func DropForeignFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil || cmd.DisableFlagParsing || slices.Contains(args, "--"+StrictFlag) || slices.Contains(args, "--"+StrictFlag+"=true") {
		return args
	}
	local, inherited := cmd.Flags(), cmd.InheritedFlags()
	known := func(name string) bool {
		return local.Lookup(name) != nil || inherited.Lookup(name) != nil || (name == "help" || name == "version")
	}
	var all map[string]bool // every flag of the tree, walked only when a flag is not the command's
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if !strings.HasPrefix(a, "--") {
			out = append(out, a)
			continue
		}
		name, _, hasValue := strings.Cut(a[2:], "=")
		if known(name) {
			out = append(out, a)
			continue
		}
		if all == nil {
			all = allFlags(root)
		}
		takesValue, elsewhere := all[name]
		if !elsewhere {
			out = append(out, a)
			continue
		}
		if takesValue && !hasValue && i+1 < len(args) {
			i++ // its value
		}
	}
	return out
}

// allFlags maps every flag name of the tree under root to whether it takes
// a value.
func allFlags(root *cobra.Command) map[string]bool {
	m := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		visit := func(f *pflag.Flag) { m[f.Name] = f.NoOptDefVal == "" }
		c.Flags().VisitAll(visit)
		c.PersistentFlags().VisitAll(visit)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return m
}

// SuggestFlag returns the flag of cmd closest to the unknown name (a typo
// of it: at most two edits, or a prefix), and "" when none is close.
func SuggestFlag(cmd *cobra.Command, name string) string {
	best, bestDist := "", 3
	consider := func(f *pflag.Flag) {
		if f.Hidden && f.Usage == compatUsage {
			return
		}
		d := editDistance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestDist || (d == bestDist && best != "" && f.Name < best) {
			best, bestDist = f.Name, d
		}
	}
	cmd.Flags().VisitAll(consider)
	cmd.InheritedFlags().VisitAll(consider)
	return best
}

// UnknownFlagError improves pflag's "unknown flag: --x" error of cmd: a
// flag another command knows is named as not taken by this one (reached
// only with --strict), and a typo gets a suggestion.
func UnknownFlagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return &FlagError{Err: err}
	}
	if _, elsewhere := allFlags(cmd.Root())[name]; elsewhere {
		return FlagErrorf("%s: %s does not take --%s (without --%s it would be ignored)", msg, cmd.CommandPath(), name, StrictFlag)
	}
	if s := SuggestFlag(cmd, name); s != "" {
		return FlagErrorf("%s (did you mean --%s?)", msg, s)
	}
	return &FlagError{Err: err}
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
