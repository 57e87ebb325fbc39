package cmdutil

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestTablePrinter(t *testing.T) {
	ios, _, out, _ := Test()
	tp := NewTablePrinter(ios, "UID", "HOTKEY")
	tp.AddRow("0", "5Grw")
	tp.AddRow("12", "5FHn")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "UID\tHOTKEY\n0\t5Grw\n12\t5FHn\n"; got != want {
		t.Errorf("pipe output %q, want %q", got, want)
	}

	out.Reset()
	ios.SetStdoutTTY(true)
	tp.SetTitle("Neurons")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if lines[0] != "Neurons" || !strings.Contains(out.String(), "│ 12  │ 5FHn   │") {
		t.Errorf("terminal output:\n%s", out.String())
	}
	for _, l := range lines[1:] {
		if len([]rune(l)) != len([]rune(lines[1])) {
			t.Errorf("rows not aligned:\n%s", out.String())
			break
		}
	}
}

func TestPrintTree(t *testing.T) {
	var b strings.Builder
	err := PrintTree(&b, TreeNode{Label: "Wallets", Children: []TreeNode{
		{Label: "a (5A)", Children: []TreeNode{{Label: "h1 (5H)"}, {Label: "h2 (?)"}}},
		{Label: "b (?)"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := "Wallets\n├── a (5A)\n│   ├── h1 (5H)\n│   └── h2 (?)\n└── b (?)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestPrintJSON(t *testing.T) {
	var b strings.Builder
	if err := PrintJSON(&b, map[string]any{"b": "<x>", "a": nil}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"a\": null,\n  \"b\": \"<x>\"\n}\n"; b.String() != want {
		t.Errorf("got %q", b.String())
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("x"), ExitError},
		{FlagErrorf("bad flag"), ExitUsage},
		{fmt.Errorf("wrapped: %w", FlagErrorf("bad")), ExitUsage},
		{fmt.Errorf("%w: no", ErrCancel), ExitCancel},
		{&NoPromptError{What: "x", Reason: "y"}, ExitError},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestTableFitsWidth: on a terminal a table fits its width, shortening
// long cells first and then leaving out columns in the drop order, with a
// note; piped output stays complete.
func TestTableFitsWidth(t *testing.T) {
	const addr = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	fill := func(tp *TablePrinter) {
		for i := range 3 {
			tp.AddRow(fmt.Sprint(i), "miner"+fmt.Sprint(i), "1072.16000", "0.49995", "0.50004", "4510025173", "127.0.0.2:44207", addr)
		}
	}
	headers := []string{"UID", "NAME", "STAKE(τ)", "TRUST", "INCENTIVE", "EMISSION(ρ)", "AXON", "HOTKEY_SS58"}
	tests := []struct {
		width    int
		hidden   []string
		shortens bool
	}{
		{200, nil, false},
		{100, nil, true},
		{80, []string{"TRUST", "HOTKEY_SS58"}, false},
		{60, []string{"TRUST", "HOTKEY_SS58", "AXON"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.width), func(t *testing.T) {
			ios, _, out, _ := Test()
			ios.SetStdoutTTY(true)
			ios.SetTerminalWidth(tt.width)
			tp := NewTablePrinter(ios, headers...)
			tp.SetDropOrder("TRUST", "HOTKEY_SS58", "AXON", "EMISSION(ρ)")
			fill(tp)
			if err := tp.Render(); err != nil {
				t.Fatal(err)
			}
			text := out.String()
			for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				if w := len([]rune(l)); w > tt.width {
					t.Errorf("line of %d columns, over %d: %q", w, tt.width, l)
				}
			}
			for _, h := range headers {
				if got, want := strings.Contains(text, "│ "+h+" "), !slices.Contains(tt.hidden, h); got != want {
					t.Errorf("column %s shown %v, want %v:\n%s", h, got, want, text)
				}
			}
			if got := strings.Contains(text, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"); got == tt.shortens && slices.Contains(headers, "HOTKEY_SS58") && !slices.Contains(tt.hidden, "HOTKEY_SS58") {
				t.Errorf("address shortened %v, want %v:\n%s", !got, tt.shortens, text)
			}
			if tt.shortens && !strings.Contains(text, "5Grwva…GKutQY") && !strings.Contains(text, "…") {
				t.Errorf("no shortened address:\n%s", text)
			}
			if note := strings.Contains(text, "Hidden to fit"); note != (len(tt.hidden) > 0) {
				t.Errorf("note shown %v, want %v:\n%s", note, len(tt.hidden) > 0, text)
			}
		})
	}

	// Piped: every column and every cell, whatever the width.
	ios, _, out, _ := Test()
	ios.SetTerminalWidth(40)
	tp := NewTablePrinter(ios, headers...)
	tp.SetDropOrder("TRUST")
	fill(tp)
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "TRUST\t") || !strings.Contains(out.String(), addr) {
		t.Errorf("piped output incomplete:\n%s", out.String())
	}
}

func TestShorten(t *testing.T) {
	for _, tt := range []struct {
		in    string
		w     int
		want  string
		atEnd bool
	}{
		{"abcdef", 10, "abcdef", false},
		{"abcdefghijkl", 7, "abc…jkl", false},
		{"τ1234567", 4, "τ…67", false},
		{"0x0123456789abcdef", 8, "0x01234…", true},
		{"abcdefgh: Aye\nab: Nay", 7, "abc…Aye\nab: Nay", false},
	} {
		if got := shorten(tt.in, tt.w, tt.atEnd); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
}

func TestNoticeWraps(t *testing.T) {
	ios, _, _, errOut := Test()
	text := "Subnet 1 gets no emission yet: each subnet's share is set by the root network's weights."
	Notice(ios, text)
	if errOut.String() != text+"\n" {
		t.Errorf("not a terminal: %q", errOut)
	}
	errOut.Reset()
	ios.SetStderrTTY(true)
	ios.SetTerminalWidth(30)
	Notice(ios, text)
	for _, l := range strings.Split(strings.TrimSpace(errOut.String()), "\n") {
		if len([]rune(l)) > 30 {
			t.Errorf("line of %d: %q", len([]rune(l)), l)
		}
	}
	if strings.Join(strings.Fields(errOut.String()), " ") != text {
		t.Errorf("wrapping changed the words: %q", errOut)
	}
}
