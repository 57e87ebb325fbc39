package cmdutil

import (
	"errors"
	"fmt"
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
