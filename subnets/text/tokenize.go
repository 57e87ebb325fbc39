package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokenize splits s into the word-level tokens that the built-in model
// generates and that Scorer compares. The rules, in order:
//
//   - White space (unicode.IsSpace) separates tokens and is dropped.
//   - A word is a maximal run of letters, digits and combining marks, in
//     which a single apostrophe (' or ’) or hyphen between two such runes
//     joins: "don't", "well-known" and "10-1" are one token each. Case is
//     kept.
//   - Any other rune is punctuation: a maximal run of the same rune is one
//     token ("--", "...", "!!"), so "individual--he" is three tokens and
//     "boys'" is "boys" and "'".
//   - Invalid UTF-8 is read as U+FFFD, which is punctuation.
//
// Tokens are substrings of s (or of its UTF-8-repaired copy) and never empty.
func Tokenize(s string) []string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	toks := make([]string, 0, len(s)/5+1) // English text runs about five bytes a token
	i := 0
	for i < len(s) {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r < utf8.RuneSelf && asciiClass[r] == asciiSpace, r >= utf8.RuneSelf && unicode.IsSpace(r):
			i += n
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				if c := s[j]; c < utf8.RuneSelf && asciiClass[c] == asciiWord {
					j++
					continue
				}
				r2, n2 := rune(s[j]), 1
				if r2 >= utf8.RuneSelf {
					r2, n2 = utf8.DecodeRuneInString(s[j:])
				}
				if isWordRune(r2) {
					j += n2
					continue
				}
				if isJoiner(r2) && j+n2 < len(s) {
					if r3, _ := utf8.DecodeRuneInString(s[j+n2:]); isWordRune(r3) {
						j += n2
						continue
					}
				}
				break
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if r2 != r {
					break
				}
				j += n2
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

// Detokenize joins tokens into text, putting a space between two tokens
// except:
//
//   - after an opening bracket or quote: ( [ { “ ‘ and a straight double
//     quote that opens (an even number of straight double quotes came
//     before it);
//   - before closing punctuation: , . ; : ! ? ) ] } ” … and a straight double
//     quote that closes;
//   - before an apostrophe (' or ’) that follows a word ("boys'");
//   - on both sides of a run of two or more hyphens ("individual--he");
//
// and never joining two tokens that would read back as one: two punctuation
// tokens of the same rune always get a space.
//
// For any string s, Tokenize(Detokenize(Tokenize(s))) equals Tokenize(s):
// the tokens survive the round trip, the white space is normalised.
func Detokenize(tokens []string) string {
	var b strings.Builder
	n := 0
	for _, t := range tokens {
		n += len(t) + 1
	}
	b.Grow(n)
	quotes := 0 // straight double quotes written so far
	prev := ""
	for _, t := range tokens {
		if t == "" {
			continue
		}
		if prev != "" && spaceBefore(prev, t, quotes) {
			b.WriteByte(' ')
		}
		b.WriteString(t)
		if t[0] == '"' {
			quotes++
		}
		prev = t
	}
	return b.String()
}

// spaceBefore reports whether Detokenize writes a space between prev and t;
// quotes is the number of straight double-quote tokens before t.
func spaceBefore(prev, t string, quotes int) bool {
	first, _ := utf8.DecodeRuneInString(t)
	last, _ := utf8.DecodeLastRuneInString(prev)
	if first == last && !isWordRune(first) {
		return true // "!" "!" must not become "!!"
	}
	if isWordRune(first) && isWordRune(last) {
		return true
	}
	switch {
	case isOpening(prev, quotes-1):
		return false
	case isClosing(t, quotes):
		return false
	case (first == '\'' || first == '’') && utf8.RuneCountInString(t) == 1 && isWordRune(last):
		return false
	case isDashRun(t) || isDashRun(prev):
		return false
	}
	return true
}

// isOpening reports whether tok opens a bracket or quotation; quotesBefore is
// the number of straight double-quote tokens before tok.
func isOpening(tok string, quotesBefore int) bool {
	switch tok {
	case "(", "[", "{", "“", "‘":
		return true
	case `"`:
		return quotesBefore%2 == 0
	}
	return false
}

// isClosing reports whether tok is closing punctuation that attaches to what
// comes before it; quotesBefore is the number of straight double-quote tokens
// before tok.
func isClosing(tok string, quotesBefore int) bool {
	if tok == `"` {
		return quotesBefore%2 == 1
	}
	r, _ := utf8.DecodeRuneInString(tok)
	return strings.ContainsRune(",.;:!?)]}”…", r)
}

// isDashRun reports whether tok is two or more hyphens.
func isDashRun(tok string) bool {
	return len(tok) >= 2 && strings.Trim(tok, "-") == ""
}

// Classes of ASCII bytes, for the tokeniser's fast path.
const (
	asciiPunct = iota
	asciiSpace
	asciiWord
)

// asciiClass classifies the ASCII bytes as unicode.IsSpace and isWordRune
// do.
var asciiClass = func() (c [utf8.RuneSelf]uint8) {
	for b := range c {
		switch r := rune(b); {
		case unicode.IsSpace(r):
			c[b] = asciiSpace
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9':
			c[b] = asciiWord
		}
	}
	return c
}()

// isWordRune reports whether r belongs in a word token.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] == asciiWord
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isJoiner reports whether r joins two word runes into one word.
func isJoiner(r rune) bool {
	return r == '\'' || r == '’' || r == '-'
}

// IsWord reports whether tok is a word token (it starts with a letter, digit
// or mark) rather than punctuation.
func IsWord(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return isWordRune(r)
}
