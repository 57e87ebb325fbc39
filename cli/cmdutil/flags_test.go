package cmdutil

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestWalletFlagsResolve(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		input      string
		tty        bool
		ask        WalletPrompt
		wantName   string
		wantHotkey string
	}{
		{"defaults without terminal", nil, "", false, PromptHotkey, "default", "default"},
		{"prompt both", nil, "cold1\nhot1\n", true, PromptHotkey, "cold1", "hot1"},
		{"prompt accepts defaults", nil, "\n\n", true, PromptHotkey, "default", "default"},
		{"prompt name only", nil, "cold1\n", true, PromptName, "cold1", "default"},
		{"flag given, no prompt", []string{"--wallet.name", "x"}, "hot2\n", true, PromptHotkey, "x", "hot2"},
		{"never prompt", nil, "zzz\n", true, PromptNone, "default", "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, _, _ := Test()
			in.WriteString(tt.input)
			ios.SetStdinTTY(tt.tty)
			ios.SetStderrTTY(tt.tty)
			f := &Factory{IOStreams: ios}
			var wf WalletFlags
			cmd := &cobra.Command{Use: "x"}
			AddWalletFlags(cmd, &wf)
			if err := cmd.ParseFlags(append([]string{"--wallet.path", "/w"}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			w, err := wf.Resolve(f, tt.ask)
			if err != nil {
				t.Fatal(err)
			}
			if w.Name != tt.wantName || w.HotkeyName != tt.wantHotkey || w.Path != "/w" {
				t.Errorf("got %s", w)
			}
		})
	}
}

func TestWalletNamesMustStayInside(t *testing.T) {
	for _, bad := range []string{"..", "a/b", "", "."} {
		ios, _, _, _ := Test()
		var wf WalletFlags
		cmd := &cobra.Command{Use: "x"}
		AddWalletFlags(cmd, &wf)
		wf.Name = bad
		_, err := wf.Resolve(&Factory{IOStreams: ios}, PromptNone)
		if err == nil || ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "wallet.name") {
			t.Errorf("name %q: %v", bad, err)
		}
	}
}
