package fixed

// The consensus lint: the chain's pure packages must give the same result on
// every machine, so their non-test code may not read the clock, randomness,
// the environment, files or the network, may not use floating point, and
// may not range over maps (Go randomises map order). The lint type-checks
// each package's non-test files and fails on any of these. Packages listed
// here are this lint's responsibility; more can be added to consensusDirs.
//
// The state machine's own packages (chain, chain/types) serve CometBFT's
// concurrent connections, so they lock and log; chain/lint_test.go checks
// their imports and floating point. Here they get the map-order rule, which
// needs types: ranging over a map, or over maps.Keys, maps.Values or
// maps.All, or collecting those into a slice unsorted, visits keys in random
// order (slices.Sorted(maps.Keys(m)) is the way to visit them in order).

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// consensusDirs are the package directories checked, relative to this one.
var consensusDirs = []string{".", "../yuma", "../economics"}

// stateMachineDirs are the state machine's package directories, checked for
// map order only.
var stateMachineDirs = []string{"..", "../types"}

// lintRules select what lintPackage checks.
type lintRules struct {
	imports, floats, mapOrder bool
}

var (
	allRules      = lintRules{imports: true, floats: true, mapOrder: true}
	mapOrderRules = lintRules{mapOrder: true}
)

// forbiddenImports are packages that bring time, randomness, the
// environment, files or the network into consensus code.
var forbiddenImports = map[string]bool{
	"time": true, "math/rand": true, "math/rand/v2": true, "crypto/rand": true,
	"os": true, "os/exec": true, "os/signal": true, "io/fs": true, "io/ioutil": true,
	"net": true, "net/http": true, "net/url": true, "syscall": true, "unsafe": true,
	"runtime": true, "log": true, "log/slog": true, "sync": true, "sync/atomic": true,
}

func TestConsensusLint(t *testing.T) {
	exports := findExports(t)
	for _, dir := range consensusDirs {
		for _, problem := range lintPackage(t, dir, allRules, exports) {
			t.Error(problem)
		}
	}
	for _, dir := range stateMachineDirs {
		for _, problem := range lintPackage(t, dir, mapOrderRules, exports) {
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
	problems := strings.Join(lintPackage(t, dir, allRules, findExports(t)), "\n")
	for _, want := range []string{`imports "time"`, "floating point (float64)", "untyped float", "ranges over a map"} {
		if !strings.Contains(problems, want) {
			t.Errorf("lint missed %q; it reported:\n%s", want, problems)
		}
	}
}

// TestLintCatchesMapOrder feeds the map-order rule a package in this
// module's layout whose maps come from another of its packages (types the
// lint must resolve, not stub), ranged over directly, through maps' iterators
// and collected unsorted; the sorted forms pass.
func TestLintCatchesMapOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bad")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	src := `package bad

import (
	"maps"
	"slices"

	"github.com/go-bittensor/bittensor/chain/types"
)

type ledger map[types.AccountID]uint64

func Sum(l ledger) (s uint64) {
	for _, v := range l {
		s += v
	}
	return s
}

func Keys(m map[string]*types.Error) []string { return slices.Collect(maps.Keys(m)) }

func Each(m map[uint16]bool, f func(uint16)) {
	for k := range maps.Keys(m) {
		f(k)
	}
}

func Sorted(m map[string]*types.Error) []string { return slices.Sorted(maps.Keys(m)) }

func InOrder(m map[uint16]bool, f func(uint16)) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f(k)
	}
}
`
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	problems := lintPackage(t, dir, mapOrderRules, findExports(t))
	want := []string{"bad.go:13:2: ranges over a map", "bad.go:19:71: collects a map's keys or values unsorted", "bad.go:22:2: ranges over a map"}
	if len(problems) != len(want) {
		t.Fatalf("lint reported:\n%s\nwant %d problems", strings.Join(problems, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d: %s, want %s", i, problems[i], w)
		}
	}
}

// lintPackage returns the rule violations in dir's non-test Go files.
func lintPackage(t *testing.T, dir string, rules lintRules, exports exportData) []string {
	t.Helper()
	fset := token.NewFileSet()
	files := parseDir(t, fset, dir)
	if len(files) == 0 {
		t.Fatalf("lint: no Go files in %s", dir)
	}
	var problems []string
	report := func(pos token.Pos, format string, args ...any) {
		problems = append(problems, fset.Position(pos).String()+": "+fmt.Sprintf(format, args...))
	}
	if rules.imports {
		for _, f := range files {
			for _, imp := range f.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				if forbiddenImports[path] {
					report(imp.Pos(), "imports %q (time, randomness, environment, files, network or concurrency in consensus code)", path)
				}
			}
		}
	}

	// Type-check against the compiled export data of every import (the go
	// command builds or finds it), so that types from the standard library,
	// this module and its dependencies are all known.
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", exports.open)}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	if _, err := conf.Check(files[0].Name.Name, fset, files, info); err != nil {
		t.Fatalf("lint: type-check %s: %v", dir, err)
	}

	if rules.floats {
		for expr, tv := range info.Types {
			if b, ok := tv.Type.(*types.Basic); ok && b.Info()&(types.IsFloat|types.IsComplex) != 0 {
				report(expr.Pos(), "floating point (%s)", b.Name())
			}
		}
	}
	if rules.mapOrder {
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.RangeStmt:
					if tv, ok := info.Types[n.X]; ok && tv.Type != nil {
						if _, isMap := tv.Type.Underlying().(*types.Map); isMap {
							report(n.Pos(), "ranges over a map (random order)")
						}
					}
					if isMapIterator(info, n.X) {
						report(n.Pos(), "ranges over a map's iterator (random order)")
					}
				case *ast.CallExpr:
					if calls(info, n, "slices", "Collect") && len(n.Args) == 1 && isMapIterator(info, n.Args[0]) {
						report(n.Args[0].Pos(), "collects a map's keys or values unsorted (random order; use slices.Sorted)")
					}
				}
				return true
			})
		}
	}
	sort.Strings(problems)
	return problems
}

// isMapIterator reports whether e calls maps.Keys, maps.Values or maps.All.
func isMapIterator(info *types.Info, e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	return ok && (calls(info, call, "maps", "Keys") || calls(info, call, "maps", "Values") || calls(info, call, "maps", "All"))
}

// calls reports whether call calls the function pkg.name.
func calls(info *types.Info, call *ast.CallExpr, pkg, name string) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == pkg
}

// exportData maps import paths to the files holding their compiled export
// data.
type exportData map[string]string

// findExports runs `go list -export -deps` once over the packages the
// lint checks (and the standard packages its tests use), so that the
// type-checker knows the types of every import: the standard library's,
// this module's and its dependencies'.
func findExports(t *testing.T) exportData {
	t.Helper()
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", "maps", "slices", "math", "time"}
	for _, d := range append(slices.Clone(consensusDirs), stateMachineDirs...) {
		args = append(args, "./"+filepath.ToSlash(d))
	}
	cmd := exec.Command(goCommand(), args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lint: go list: %v", err)
	}
	m := exportData{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			m[path] = file
		}
	}
	return m
}

// goCommand is the go command of the toolchain running the test.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func (e exportData) open(path string) (io.ReadCloser, error) {
	file, ok := e[path]
	if !ok {
		return nil, fmt.Errorf("lint: no export data for %q (add it to findExports)", path)
	}
	return os.Open(file)
}

// parseDir parses dir's non-test Go files that a default build compiles
// (build constraints apply: a file and its stand-in under another tag are
// not both taken).
func parseDir(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
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
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
