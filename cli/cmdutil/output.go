package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
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
//
// On a terminal the table is fitted to its width (or SetMaxWidth's): long
// cells (addresses, hashes: over 24 characters) are shortened in the
// middle, and if that is not enough the columns named by SetDropOrder are
// left out, in that order, with a note saying which. Tab-separated output
// and --json are always complete.
type TablePrinter struct {
	io       *IOStreams
	title    string
	headers  []string
	rows     [][]string
	drop     []string
	start    []string
	maxWidth int
}

// NewTablePrinter starts a table with the given column headers.
func NewTablePrinter(io *IOStreams, headers ...string) *TablePrinter {
	return &TablePrinter{io: io, headers: headers}
}

// SetTitle sets a line printed above the table (terminal output only).
func (t *TablePrinter) SetTitle(title string) { t.title = title }

// SetDropOrder names the columns that may be left out to fit the width,
// the least useful first. Unnamed columns are always shown.
func (t *TablePrinter) SetDropOrder(headers ...string) { t.drop = headers }

// SetKeepStart names columns whose long cells are shortened at their end
// rather than in the middle: hashes that commands accept by their start.
func (t *TablePrinter) SetKeepStart(headers ...string) { t.start = headers }

// SetMaxWidth fits the table to w columns instead of the terminal's width
// (0: the terminal's).
func (t *TablePrinter) SetMaxWidth(w int) { t.maxWidth = w }

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
	width := t.maxWidth
	if width <= 0 {
		width = t.io.TerminalWidth()
	}
	headers, rows, hidden := fitTable(t.headers, t.rows, t.drop, t.start, width)
	tbl := table.New().
		Border(lipgloss.NormalBorder()).
		Headers(headers...).
		Rows(rows...).
		StyleFunc(func(row, _ int) lipgloss.Style {
			s := lipgloss.NewStyle().Padding(0, 1)
			if row == table.HeaderRow {
				s = s.Bold(true)
			}
			return s
		})
	out := tbl.Render() + "\n"
	if title := t.title; title != "" {
		if width > 0 && lipgloss.Width(title) > width {
			title = wrapWords(title, width)
		}
		out = title + "\n" + out
	}
	if len(hidden) > 0 {
		out += wrapWords(fmt.Sprintf("Hidden to fit %d columns: %s (--json shows all).", width, strings.Join(hidden, ", ")), width) + "\n"
	}
	_, err := io.WriteString(t.io.Out, out)
	return err
}

// Fitting a table to a width.
const (
	longCell     = 24 // cells longer than this may be shortened
	shortenedMin = 13 // a shortened column keeps at least this many characters
)

// fitTable returns the headers and rows to print in width columns (0: no
// limit), and the headers of the columns left out.
func fitTable(headers []string, rows [][]string, drop, keepStart []string, width int) ([]string, [][]string, []string) {
	n := len(headers)
	natural := make([]int, n) // widest cell
	floor := make([]int, n)   // narrowest the column may become
	for c, h := range headers {
		natural[c] = lipgloss.Width(h)
		for _, r := range rows {
			natural[c] = max(natural[c], lipgloss.Width(r[c]))
		}
		floor[c] = natural[c]
		if natural[c] > longCell {
			floor[c] = max(shortenedMin, lipgloss.Width(h))
		}
	}
	keep := make([]bool, n)
	for c := range keep {
		keep[c] = true
	}
	total := func(w []int) int { // borders: one per column plus one; padding: two per column
		sum := 1
		for c := range w {
			if keep[c] {
				sum += w[c] + 3
			}
		}
		return sum
	}
	var hidden []string
	if width > 0 && total(natural) > width {
		for _, name := range drop {
			if total(floor) <= width {
				break
			}
			if c := slices.Index(headers, name); c >= 0 && keep[c] {
				keep[c] = false
				hidden = append(hidden, name)
			}
		}
	}
	// Share what room there is among the shortened columns, a character
	// each in turn.
	w := slices.Clone(natural)
	if width > 0 {
		copy(w, floor)
		for slack := width - total(w); slack > 0; {
			grew := false
			for c := range w {
				if keep[c] && w[c] < natural[c] && slack > 0 {
					w[c]++
					slack--
					grew = true
				}
			}
			if !grew {
				break
			}
		}
	}
	var outH []string
	outR := make([][]string, len(rows))
	for c := range headers {
		if !keep[c] {
			continue
		}
		outH = append(outH, headers[c])
		atEnd := slices.Contains(keepStart, headers[c])
		for i, r := range rows {
			outR[i] = append(outR[i], shorten(r[c], w[c], atEnd))
		}
	}
	return outH, outR, hidden
}

// Notice writes a notice (a sentence or a paragraph) to standard error,
// wrapped at the terminal's width when standard error is one.
func Notice(io *IOStreams, text string) {
	if w := io.ErrWidth(); w > 0 {
		text = wrapWords(text, w)
	}
	fmt.Fprintln(io.ErrOut, text)
}

// wrapWords breaks s into lines of at most width characters at spaces.
func wrapWords(s string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		n := lipgloss.Width(w)
		if i > 0 {
			if line+1+n > width {
				b.WriteByte('\n')
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}

// shorten cuts each line of s to width characters with an ellipsis in the
// middle, so that both ends of an address stay readable, or with atEnd at
// the end.
func shorten(s string, width int, atEnd bool) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		r := []rune(l)
		if len(r) <= width || width < 3 {
			continue
		}
		if atEnd {
			lines[i] = string(r[:width-1]) + "…"
			continue
		}
		head := (width - 1) / 2
		tail := width - 1 - head
		lines[i] = string(r[:head]) + "…" + string(r[len(r)-tail:])
	}
	return strings.Join(lines, "\n")
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
