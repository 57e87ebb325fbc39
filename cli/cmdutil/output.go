package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
	"github.com/charmbracelet/lipgloss/tree"
	"github.com/spf13/cobra"
)

// JSONFlag registers --json on cmd: print the result as JSON instead of a
// table or tree. Commands render the same value either way.
func JSONFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "json", false, "Print the result as JSON")
}

// PrintJSON writes v as indented JSON and a newline.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// TablePrinter collects rows and prints them as a bordered, aligned table
// when standard output is a terminal and as tab-separated lines (header
// first) otherwise, so that scripts can cut and sort. Cells are plain
// text.
type TablePrinter struct {
	io      *IOStreams
	title   string
	headers []string
	rows    [][]string
}

// NewTablePrinter starts a table with the given column headers.
func NewTablePrinter(io *IOStreams, headers ...string) *TablePrinter {
	return &TablePrinter{io: io, headers: headers}
}

// SetTitle sets a line printed above the table (terminal output only).
func (t *TablePrinter) SetTitle(title string) { t.title = title }

// AddRow adds a row; it must have one cell per header.
func (t *TablePrinter) AddRow(cells ...string) {
	if len(cells) != len(t.headers) {
		panic(fmt.Sprintf("cmdutil: table row has %d cells for %d columns", len(cells), len(t.headers)))
	}
	t.rows = append(t.rows, cells)
}

// Render writes the table to standard output.
func (t *TablePrinter) Render() error {
	if !t.io.IsStdoutTTY() {
		var b strings.Builder
		b.WriteString(strings.Join(t.headers, "\t") + "\n")
		for _, r := range t.rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
		_, err := io.WriteString(t.io.Out, b.String())
		return err
	}
	tbl := table.New().
		Border(lipgloss.NormalBorder()).
		Headers(t.headers...).
		Rows(t.rows...).
		StyleFunc(func(row, _ int) lipgloss.Style {
			s := lipgloss.NewStyle().Padding(0, 1)
			if row == table.HeaderRow {
				s = s.Bold(true)
			}
			return s
		})
	out := tbl.Render() + "\n"
	if t.title != "" {
		out = t.title + "\n" + out
	}
	_, err := io.WriteString(t.io.Out, out)
	return err
}

// TreeNode is a labelled node of a tree printed by PrintTree.
type TreeNode struct {
	Label    string
	Children []TreeNode
}

// PrintTree writes a tree with box-drawing branches:
//
//	Wallets
//	├── alice (5Grw…)
//	│   └── default (5FHn…)
//	└── bob (?)
func PrintTree(w io.Writer, root TreeNode) error {
	_, err := io.WriteString(w, buildTree(root).String()+"\n")
	return err
}

func buildTree(n TreeNode) *tree.Tree {
	t := tree.Root(n.Label)
	for _, c := range n.Children {
		if len(c.Children) == 0 {
			t.Child(c.Label)
			continue
		}
		t.Child(buildTree(c))
	}
	return t
}
