package crash

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Not the shipped program: test labs, benchmarks, vendored code.
var notShipped = []string{"internal/loginlab", "internal/vpnlab", "bench", "third_party"}

// Goroutines that run no code of ours: exec.Cmd.Wait only reaps a child.
var runsNoCodeOfOurs = map[string]bool{"cmd.Wait()": true}

// A panic in a goroutine cannot be recovered by main's deferred Guard: it
// kills the program with a stack trace on a terminal nobody has open
// (issue 16, item 3). So every goroutine the program starts begins with
// `defer crash.Guard()`, whether it is a function literal or a named
// function or method of the same package. This test reads every non-test
// file of the program and fails on a `go` statement without it.
func TestEveryGoroutineIsGuarded(t *testing.T) {
	root := moduleRoot(t)
	byDir := map[string][]*ast.File{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || skipped(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		byDir[filepath.Dir(rel)] = append(byDir[filepath.Dir(rel)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for dir, files := range byDir {
		funcs := map[string][]*ast.FuncDecl{} // by name; methods by their name alone
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
				}
			}
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				g, ok := n.(*ast.GoStmt)
				if !ok {
					return true
				}
				total++
				where := fset.Position(g.Pos())
				where.Filename, _ = filepath.Rel(root, where.Filename)
				call := exprText(fset, g.Call)
				if runsNoCodeOfOurs[call] {
					return true
				}
				var bodies []*ast.BlockStmt
				switch fn := g.Call.Fun.(type) {
				case *ast.FuncLit:
					bodies = append(bodies, fn.Body)
				case *ast.Ident:
					for _, fd := range funcs[fn.Name] {
						bodies = append(bodies, fd.Body)
					}
				case *ast.SelectorExpr:
					for _, fd := range funcs[fn.Sel.Name] {
						bodies = append(bodies, fd.Body)
					}
				}
				if len(bodies) == 0 {
					t.Errorf("%s: go %s: cannot see the goroutine's body (in %s); start it with a function literal that defers crash.Guard()", where, call, dir)
				}
				for _, b := range bodies {
					if !guarded(b) {
						t.Errorf("%s: go %s: the goroutine does not begin with `defer crash.Guard()`", where, call)
					}
				}
				return true
			})
		}
	}
	t.Logf("%d go statements in the shipped program", total)
	if total < 20 {
		t.Errorf("found only %d go statements: the walk missed the program's files", total)
	}
}

func skipped(rel string) bool {
	for _, s := range notShipped {
		if rel == s || strings.HasPrefix(rel, s+"/") {
			return true
		}
	}
	return false
}

// guarded: among the defers the body begins with is crash.Guard().
func guarded(body *ast.BlockStmt) bool {
	for _, st := range body.List {
		d, ok := st.(*ast.DeferStmt)
		if !ok {
			return false
		}
		if sel, ok := d.Call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Guard" {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "crash" && len(d.Call.Args) == 0 {
				return true
			}
		}
	}
	return false
}

func exprText(fset *token.FileSet, call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.FuncLit:
		return "func(){...}()"
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok {
			return x.Name + "." + fn.Sel.Name + "()"
		}
		return fn.Sel.Name + "()"
	case *ast.Ident:
		return fn.Name + "()"
	}
	return fset.Position(call.Pos()).String()
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
