package testkit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// RequireCoversAPI parses the package in the current directory (its tests
// excluded) and requires every exported function, and every exported
// method of an exported type, to be called in the test file named table
// (as ".Name("), and every other exported top-level name to occur in it
// (as ".Name"): a package's nil and zero-value table then grows with its
// API. It returns how many identifiers it checked.
func RequireCoversAPI(tb testing.TB, table string) int {
	tb.Helper()
	src, err := os.ReadFile(table)
	require.NoError(tb, err)
	text := string(src)
	files, err := filepath.Glob("*.go")
	require.NoError(tb, err)
	fset := token.NewFileSet()
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(tb, err)
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				what := "function " + d.Name.Name
				if d.Recv != nil {
					recv := d.Recv.List[0].Type
					if s, ok := recv.(*ast.StarExpr); ok {
						recv = s.X
					}
					if id, ok := recv.(*ast.Ident); ok && !id.IsExported() {
						continue
					}
					what = "method " + types(recv) + "." + d.Name.Name
				}
				n++
				require.True(tb, strings.Contains(text, "."+d.Name.Name+"("), "%s does not appear in %s", what, table)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					var names []*ast.Ident
					switch s := spec.(type) {
					case *ast.TypeSpec:
						names = []*ast.Ident{s.Name}
					case *ast.ValueSpec:
						names = s.Names
					}
					for _, id := range names {
						if id.IsExported() {
							n++
							require.True(tb, strings.Contains(text, "."+id.Name), "%s does not appear in %s", id.Name, table)
						}
					}
				}
			}
		}
	}
	require.Positive(tb, n, "no exported identifiers")
	return n
}

// types names a receiver type for a message.
func types(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}
