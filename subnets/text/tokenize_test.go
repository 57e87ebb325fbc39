package text

import (
	"slices"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \n\t ", nil},
		{"Hello, world!", []string{"Hello", ",", "world", "!"}},
		{"don't stop", []string{"don't", "stop"}},
		{"don’t", []string{"don’t"}},
		{"well-known 10-1/13", []string{"well-known", "10-1", "/", "13"}},
		{"individual--he", []string{"individual", "--", "he"}},
		{"boys' 'bout", []string{"boys", "'", "'", "bout"}},
		{"wait...!!", []string{"wait", "...", "!!"}},
		{`"TOM!" she said.`, []string{`"`, "TOM", "!", `"`, "she", "said", "."}},
		{"a-", []string{"a", "-"}},
		{"-a", []string{"-", "a"}},
		{"a--", []string{"a", "--"}},
		{"Phænomena café naïve", []string{"Phænomena", "café", "naïve"}},
		{"e\u0301t\u00e9", []string{"e\u0301t\u00e9"}}, // combining acute accent stays in the word
		{"日本語 テキスト", []string{"日本語", "テキスト"}},
		{"a\xffb", []string{"a", "\uFFFD", "b"}},
		{"x\u00a0y", []string{"x", "y"}}, // no-break space separates
		{"2d 5´. 7´´.", []string{"2d", "5", "´", ".", "7", "´´", "."}},
		{"→→ ←", []string{"→→", "←"}},
	}
	for _, tt := range tests {
		if got := Tokenize(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetokenize(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"Hello", ",", "world", "!"}, "Hello, world!"},
		{[]string{`"`, "TOM", "!", `"`, "she", "said", "."}, `"TOM!" she said.`},
		{[]string{"individual", "--", "he"}, "individual--he"},
		{[]string{"boys", "'", "toys"}, "boys' toys"},
		{[]string{"(", "p", ".", "27", ")", ","}, "(p. 27),"},
		{[]string{"!", "!"}, "! !"},
		{[]string{"wait", "...", "..."}, "wait... ..."},
		{[]string{"-", "a"}, "- a"},
		{[]string{"a", "-", "b"}, "a - b"},
		{[]string{"“", "Yes", "”", "he", "said"}, "“Yes” he said"},
		{[]string{`"`, `"`, "a"}, `" " a`},
		{[]string{"a", "", "b"}, "a b"},
	}
	for _, tt := range tests {
		if got := Detokenize(tt.in); got != tt.want {
			t.Errorf("Detokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// roundTripSeeds are inputs that stress the spacing rules.
var roundTripSeeds = []string{
	"",
	"Hello, world!",
	`"Say--what's that?" said Tom. 'Bout time, boys'.`,
	"a - b -- c --- d-e - -f",
	"don ' t don' t don 't",
	"! ! !! (( )) [ ] { } “ ” ‘ ’ … ...",
	`" " "" """ ' '' '''`,
	"x'-y '-'- -'- ’’ ’a a’ a’b",
	"10-1/13 5´. 7´´. 2d",
	"a\xffb\xfe\xfd c",
	"e\u0301 \u0301e \u0301",
	"(-a) [--b] {'c'} \"-\" '--'",
}

// FuzzTokenizeRoundTrip checks that tokens survive Detokenize: the property
// the built-in model's answers rely on to be scored token by token.
func FuzzTokenizeRoundTrip(f *testing.F) {
	for _, s := range roundTripSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(s)
		for _, tok := range toks {
			if tok == "" || strings.ContainsFunc(tok, func(r rune) bool { return r == ' ' || r == '\n' }) {
				t.Fatalf("Tokenize(%q) gave token %q", s, tok)
			}
		}
		back := Tokenize(Detokenize(toks))
		if !slices.Equal(back, toks) {
			t.Fatalf("round trip of %q:\n tokens %q\n text   %q\n back   %q", s, toks, Detokenize(toks), back)
		}
	})
}

// TestRoundTripPairs tries every pair and triple of a set of awkward tokens,
// which covers the spacing rules more systematically than the fuzz seeds.
func TestRoundTripPairs(t *testing.T) {
	atoms := []string{"a", "don't", "'", "’", "-", "--", "---", `"`, `""`, "(", ")", ".", "...", ",", "!", "‘", "“", "”", "…", "\u0301", "x-y", "´"}
	for _, a := range atoms {
		for _, b := range atoms {
			for _, c := range atoms {
				toks := Tokenize(a + " " + b + " " + c)
				if back := Tokenize(Detokenize(toks)); !slices.Equal(back, toks) {
					t.Errorf("round trip of %q: text %q gives %q", toks, Detokenize(toks), back)
				}
			}
		}
	}
}

func TestIsWord(t *testing.T) {
	for tok, want := range map[string]bool{"Tom": true, "10": true, "é": true, ",": false, "--": false, "'": false, "": false} {
		if got := IsWord(tok); got != want {
			t.Errorf("IsWord(%q) = %v, want %v", tok, got, want)
		}
	}
}
