package fixed

// The consensus lint: the chain's pure packages must give the same result on
// every machine, so their non-test code may not read the clock, randomness,
// the environment, files or the network, may not use floating point, and
// may not range over maps (Go randomises map order). The lint type-checks
// each package's non-test files and fails on any of these. Packages listed
// here are this lint's responsibility; more can be added to consensusDirs.

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// consensusDirs are the package directories checked, relative to this one.
var consensusDirs = []string{".", "../yuma", "../economics"}

// forbiddenImports are packages that bring time, randomness, the
// environment, files or the network into consensus code.
var forbiddenImports = map[string]bool{
	"time": true, "math/rand": true, "math/rand/v2": true, "crypto/rand": true,
	"os": true, "os/exec": true, "os/signal": true, "io/fs": true, "io/ioutil": true,
	"net": true, "net/http": true, "net/url": true, "syscall": true, "unsafe": true,
	"runtime": true, "log": true, "log/slog": true, "sync": true, "sync/atomic": true,
}

func TestConsensusLint(t *testing.T) {
	for _, dir := range consensusDirs {
		for _, problem := range lintPackage(t, dir) {
			t.Error(problem)
		}
	}
}

// TestLintCatchesViolations feeds the lint a package that breaks every rule,
// so that a lint that silently checks nothing fails.
func TestLintCatchesViolations(t *testing.T) {
	dir := t.TempDir()
	src := `package bad

import (
	"math"
	"time"
)

func Now() int64 { return time.Now().Unix() }

func Half(x int) int {
	f := float64(x) * 0.5
	return int(math.Floor(f))
}

func Sum(m map[string]int) (s int) {
	for _, v := range m {
		s += v
	}
	return s
}

func Root(x int) int { return int(math.Sqrt(float64(x))) }

const Ratio = 1.5
`
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	problems := strings.Join(lintPackage(t, dir), "\n")
	for _, want := range []string{`imports "time"`, "floating point (float64)", "untyped float", "ranges over a map"} {
		if !strings.Contains(problems, want) {
			t.Errorf("lint missed %q; it reported:\n%s", want, problems)
		}
	}
}

// lintPackage returns the rule violations in dir's non-test Go files.
func lintPackage(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("lint: no Go files in %s", dir)
	}
	var problems []string
	report := func(pos token.Pos, format string, args ...any) {
		problems = append(problems, fset.Position(pos).String()+": "+fmt.Sprintf(format, args...))
	}
	for _, f := range files {
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if forbiddenImports[path] {
				report(imp.Pos(), "imports %q (time, randomness, environment, files, network or concurrency in consensus code)", path)
			}
		}
	}

	// Type-check against the standard library from source; other imports
	// (this module's packages, uint256) are stubbed, so expressions using
	// them have no type here, but each such package is linted on its own.
	std := importer.ForCompiler(fset, "source", nil)
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if !strings.Contains(strings.Split(path, "/")[0], ".") {
				return std.Import(path)
			}
			p := types.NewPackage(path, filepath.Base(path))
			p.MarkComplete()
			return p, nil
		}),
		Error: func(error) {}, // stubbed imports make some expressions untyped
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	_, _ = conf.Check(files[0].Name.Name, fset, files, info) // errors are expected from the stubs

	for expr, tv := range info.Types {
		if b, ok := tv.Type.(*types.Basic); ok && b.Info()&(types.IsFloat|types.IsComplex) != 0 {
			report(expr.Pos(), "floating point (%s)", b.Name())
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if r, ok := n.(*ast.RangeStmt); ok {
				if tv, ok := info.Types[r.X]; ok && tv.Type != nil {
					if _, isMap := tv.Type.Underlying().(*types.Map); isMap {
						report(r.Pos(), "ranges over a map (random order)")
					}
				}
			}
			return true
		})
	}
	sort.Strings(problems)
	return problems
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
