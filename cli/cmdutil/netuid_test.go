package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestNetuidFlag(t *testing.T) {
	for _, tt := range []struct {
		name  string
		args  []string
		tty   bool
		input string
		want  uint16
		err   string
	}{
		{"given", []string{"--netuid", "7"}, false, "", 7, ""},
		{"root", []string{"--netuid", "0"}, false, "", 0, ""},
		{"too big", []string{"--netuid", "65536"}, false, "", 0, "--netuid 65536"},
		{"negative", []string{"--netuid", "-1"}, false, "", 0, "--netuid -1"},
		{"missing, no terminal", nil, false, "", 0, "--netuid is required"},
		{"asked", nil, true, "12\n", 12, ""},
		{"asked, default", nil, true, "\n", 1, ""},
		{"asked, bad answer", nil, true, "x\n", 0, `netuid "x"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, _, _ := Test()
			in.WriteString(tt.input)
			ios.SetStdinTTY(tt.tty)
			ios.SetStderrTTY(tt.tty)
			f := &Factory{IOStreams: ios}
			var n NetuidFlag
			var got uint16
			var err error
			cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error {
				got, err = n.Resolve(f, 1)
				return nil
			}}
			AddNetuidFlag(cmd, &n)
			cmd.SetArgs(tt.args)
			if e := cmd.Execute(); e != nil {
				t.Fatal(e)
			}
			var fe *FlagError
			switch {
			case tt.err == "" && (err != nil || got != tt.want):
				t.Errorf("got %d, %v; want %d", got, err, tt.want)
			case tt.err != "" && (!errors.As(err, &fe) || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("error %v, want a usage error with %q", err, tt.err)
			}
		})
	}
}
