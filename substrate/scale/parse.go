package scale

import (
	"fmt"
	"strconv"
	"strings"
)

// This file parses the type expressions and definitions of Builder.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokIdent
	tokInt
	tokPunct
)

type token struct {
	kind tokKind
	text string
	pos  int
}

type parser struct {
	src string
	off int
	tok token
	err error
}

func (p *parser) errorf(format string, args ...any) error {
	line := 1 + strings.Count(p.src[:p.tok.pos], "\n")
	return fmt.Errorf("%w: line %d: %s", ErrSyntax, line, fmt.Sprintf(format, args...))
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// next reads the next token; identifiers may contain "::" path separators.
func (p *parser) next() {
	for p.off < len(p.src) {
		c := p.src[p.off]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			p.off++
			continue
		}
		if strings.HasPrefix(p.src[p.off:], "//") {
			for p.off < len(p.src) && p.src[p.off] != '\n' {
				p.off++
			}
			continue
		}
		break
	}
	start := p.off
	if p.off >= len(p.src) {
		p.tok = token{kind: tokEOF, pos: start}
		return
	}
	c := p.src[p.off]
	switch {
	case c >= '0' && c <= '9':
		for p.off < len(p.src) && p.src[p.off] >= '0' && p.src[p.off] <= '9' {
			p.off++
		}
		p.tok = token{kind: tokInt, text: p.src[start:p.off], pos: start}
	case isIdentByte(c):
		for p.off < len(p.src) {
			if isIdentByte(p.src[p.off]) {
				p.off++
			} else if strings.HasPrefix(p.src[p.off:], "::") && p.off+2 < len(p.src) && isIdentByte(p.src[p.off+2]) {
				p.off += 2
			} else {
				break
			}
		}
		p.tok = token{kind: tokIdent, text: p.src[start:p.off], pos: start}
	default:
		p.off++
		p.tok = token{kind: tokPunct, text: string(c), pos: start}
	}
}

func (p *parser) is(punct string) bool { return p.tok.kind == tokPunct && p.tok.text == punct }

func (p *parser) expect(punct string) error {
	if !p.is(punct) {
		return p.errorf("expected %q, found %s", punct, p.found())
	}
	p.next()
	return nil
}

func (p *parser) found() string {
	if p.tok.kind == tokEOF {
		return "the end"
	}
	return strconv.Quote(p.tok.text)
}

func (p *parser) ident() (string, error) {
	if p.tok.kind != tokIdent {
		return "", p.errorf("expected a name, found %s", p.found())
	}
	s := p.tok.text
	p.next()
	return s, nil
}

// typeExpr is a parsed type expression.
type typeExpr struct {
	name  string      // a name, possibly generic
	args  []*typeExpr // generic arguments
	tuple []*typeExpr // a tuple (non-nil, maybe empty)
	array *typeExpr   // [array; n]
	n     uint32
}

func (e *typeExpr) String() string {
	switch {
	case e.tuple != nil:
		parts := make([]string, len(e.tuple))
		for i, t := range e.tuple {
			parts[i] = t.String()
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case e.array != nil:
		return fmt.Sprintf("[%s; %d]", e.array, e.n)
	case len(e.args) > 0:
		parts := make([]string, len(e.args))
		for i, t := range e.args {
			parts[i] = t.String()
		}
		return e.name + "<" + strings.Join(parts, ", ") + ">"
	}
	return e.name
}

func (p *parser) typeExpr() (*typeExpr, error) {
	switch {
	case p.is("("):
		p.next()
		e := &typeExpr{tuple: []*typeExpr{}}
		trailingComma := false
		for !p.is(")") {
			el, err := p.typeExpr()
			if err != nil {
				return nil, err
			}
			e.tuple = append(e.tuple, el)
			trailingComma = false
			if p.is(",") {
				p.next()
				trailingComma = true
				continue
			}
			if !p.is(")") {
				return nil, p.errorf("expected \",\" or \")\" in a tuple, found %s", p.found())
			}
		}
		p.next()
		if len(e.tuple) == 1 && !trailingComma {
			return e.tuple[0], nil // (T) is T, as in Rust; (T,) is a 1-tuple
		}
		return e, nil
	case p.is("["):
		p.next()
		el, err := p.typeExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(";"); err != nil {
			return nil, err
		}
		if p.tok.kind != tokInt {
			return nil, p.errorf("expected an array length, found %s", p.found())
		}
		n, err := strconv.ParseUint(p.tok.text, 10, 32)
		if err != nil {
			return nil, p.errorf("array length %s: %v", p.tok.text, err)
		}
		p.next()
		if err := p.expect("]"); err != nil {
			return nil, err
		}
		return &typeExpr{array: el, n: uint32(n)}, nil
	case p.tok.kind == tokInt:
		// A const generic such as BoundedVec<u8, 64>: kept as a name, ignored.
		e := &typeExpr{name: p.tok.text}
		p.next()
		return e, nil
	}
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	e := &typeExpr{name: name}
	if p.is("<") {
		p.next()
		for {
			a, err := p.typeExpr()
			if err != nil {
				return nil, err
			}
			e.args = append(e.args, a)
			if p.is(",") {
				p.next()
				continue
			}
			break
		}
		if err := p.expect(">"); err != nil {
			return nil, err
		}
	}
	return e, nil
}

type fieldExpr struct {
	name string
	typ  *typeExpr
}

type variantExpr struct {
	name   string
	fields []fieldExpr
	index  int // -1: next in order
}

type definition struct {
	kind     string // "struct", "enum" or "type"
	name     string
	fields   []fieldExpr
	variants []variantExpr
	alias    *typeExpr
}

func (p *parser) definition() (*definition, error) {
	kw, err := p.ident()
	if err != nil {
		return nil, err
	}
	d := &definition{kind: kw}
	if kw != "struct" && kw != "enum" && kw != "type" {
		return nil, p.errorf("expected struct, enum or type, found %q", kw)
	}
	if d.name, err = p.ident(); err != nil {
		return nil, err
	}
	switch kw {
	case "type":
		if err := p.expect("="); err != nil {
			return nil, err
		}
		if d.alias, err = p.typeExpr(); err != nil {
			return nil, err
		}
	case "struct":
		if d.fields, err = p.body(); err != nil {
			return nil, err
		}
	case "enum":
		if err := p.expect("{"); err != nil {
			return nil, err
		}
		for !p.is("}") {
			v := variantExpr{index: -1}
			if v.name, err = p.ident(); err != nil {
				return nil, err
			}
			if p.is("(") || p.is("{") {
				if v.fields, err = p.body(); err != nil {
					return nil, err
				}
			}
			if p.is("=") {
				p.next()
				if p.tok.kind != tokInt {
					return nil, p.errorf("expected a variant index, found %s", p.found())
				}
				n, err := strconv.Atoi(p.tok.text)
				if err != nil || n > 255 {
					return nil, p.errorf("variant index %s is above 255", p.tok.text)
				}
				v.index = n
				p.next()
			}
			d.variants = append(d.variants, v)
			if p.is(",") {
				p.next()
			} else if !p.is("}") {
				return nil, p.errorf("expected \",\" or \"}\" after variant %s, found %s", v.name, p.found())
			}
		}
		p.next()
	}
	if p.is(";") {
		p.next()
	}
	return d, nil
}

// body parses "{ name: T, ... }" (named fields) or "(T, ...)" (unnamed).
func (p *parser) body() ([]fieldExpr, error) {
	named := p.is("{")
	closing := ")"
	if named {
		closing = "}"
	} else if !p.is("(") {
		return nil, p.errorf("expected \"{\" or \"(\", found %s", p.found())
	}
	p.next()
	var out []fieldExpr
	for !p.is(closing) {
		var f fieldExpr
		var err error
		if named {
			if f.name, err = p.ident(); err != nil {
				return nil, err
			}
			if err := p.expect(":"); err != nil {
				return nil, err
			}
		}
		if f.typ, err = p.typeExpr(); err != nil {
			return nil, err
		}
		out = append(out, f)
		if p.is(",") {
			p.next()
		} else if !p.is(closing) {
			return nil, p.errorf("expected \",\" or %q, found %s", closing, p.found())
		}
	}
	p.next()
	return out, nil
}
