// Package corpus carries the public-domain English text that the text
// subnet's built-in language model is trained on and that its validator draws
// prompts from: Mark Twain's The Adventures of Tom Sawyer (1876) and Isaac
// Newton's Opticks (4th edition, 1730), about 940 KB together. NOTICE.md in
// this directory gives the provenance and licence of each file and how it was
// cleaned.
//
// The text is embedded in the binary, so nothing is downloaded or read from
// disk at run time.
package corpus

import (
	_ "embed"
	"sync"
)

//go:embed tom_sawyer.txt
var tomSawyer string

//go:embed opticks.txt
var opticks string

// Document is one work of the corpus.
type Document struct {
	// Name is the file name in this package, e.g. "tom_sawyer.txt".
	Name string
	// Title and Author name the work.
	Title, Author string
	// Text is the cleaned text: one paragraph per line, paragraphs separated
	// by a blank line, UTF-8.
	Text string
}

// Documents returns the works of the corpus, in a fixed order.
func Documents() []Document {
	return []Document{
		{Name: "tom_sawyer.txt", Title: "The Adventures of Tom Sawyer", Author: "Mark Twain", Text: tomSawyer},
		{Name: "opticks.txt", Title: "Opticks", Author: "Isaac Newton", Text: opticks},
	}
}

// Text returns the whole corpus as one string: the documents in the order of
// Documents, separated by a blank line. The result is the same on every call.
func Text() string { return text() }

var text = sync.OnceValue(func() string { return tomSawyer + "\n" + opticks })
