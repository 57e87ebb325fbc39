//go:build ignore

// mkcorpus writes the cleaned corpus files of this package from Project
// Gutenberg texts. It is kept so that the files can be regenerated and the
// cleaning reviewed; see NOTICE.md for where the inputs come from.
//
// Usage (from this directory):
//
//	go run mkcorpus.go -in SOURCE.txt -out NAME.txt
//
// Cleaning, paragraph by paragraph (paragraphs are separated by blank lines):
//   - drop paragraphs that are not running prose: any line indented by four
//     or more spaces (titles, verse, tables, separators), table rules ('|',
//     '{'), "[Illustration ...]" captions, and the transcribers' and
//     producers' notes naming Project Gutenberg or Distributed Proofreaders;
//   - delete '_' (the italics markers of the Gutenberg text);
//   - join the lines of a paragraph with single spaces and write one
//     paragraph per line, paragraphs separated by a blank line.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	in := flag.String("in", "", "source text (UTF-8)")
	out := flag.String("out", "", "cleaned text to write")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: go run mkcorpus.go -in SOURCE.txt -out NAME.txt")
		os.Exit(2)
	}
	src, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkcorpus:", err)
		os.Exit(1)
	}
	var b strings.Builder
	for _, para := range paragraphs(string(src)) {
		if !prose(para) {
			continue
		}
		line := strings.Join(strings.Fields(strings.ReplaceAll(strings.Join(para, " "), "_", "")), " ")
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkcorpus:", err)
		os.Exit(1)
	}
}

// paragraphs splits text into runs of non-blank lines.
func paragraphs(text string) [][]string {
	var paras [][]string
	var cur []string
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(text, "\r\n", "\n")))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			if len(cur) > 0 {
				paras = append(paras, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	return paras
}

// prose reports whether a paragraph is running prose worth keeping.
func prose(para []string) bool {
	for _, line := range para {
		if strings.HasPrefix(line, "    ") || strings.ContainsAny(line, "|{") {
			return false
		}
		for _, bad := range []string{"[Illustration", "Gutenberg", "Produced by", "pgdp.net", "Transcriber's Note", "Menendez."} {
			if strings.Contains(line, bad) {
				return false
			}
		}
	}
	return true
}
