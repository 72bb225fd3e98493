package speccheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// specFile is the specification, at the repository root.
const specFile = "SPEC.md"

// stableHeadings are the top-level sections whose numbers and titles the
// code relies on. Later sections may be added; these never move.
var stableHeadings = []string{
	"## 1. Keys and addresses",
	"## 2. Nonces",
	"## 3. R-bound ECDSA",
	"## 4. Inverse-s ECDSA",
	"## 5. Combined 2-of-2 consumption signature",
	"## 6. Linkable ring signature",
	"## 7. Coin mixing",
	"## 8. Tickets",
	"## 9. Resale tax",
	"## 10. What the paper measured",
	"## 11. Test vectors",
}

// The citation grammar. Between the words of a citation there may be
// spaces, line breaks and the "//" of a wrapped Go comment.
const (
	gap     = `(?:\s|//)`
	number  = `\d+(?:\.\d+)*`
	joiner  = gap + `*(?:,` + gap + `*(?:(?:and|or)` + gap + `+)?|(?:and|or|to)` + gap + `+|[-–—]` + gap + `*)`
	pattern = `\bSPEC` + gap + `+(?:sections?` + gap + `+|§` + gap + `*)?(` + number + `(?:` + joiner + number + `)*)`
)

var (
	citationRE   = regexp.MustCompile(pattern)
	numberRE     = regexp.MustCompile(number)
	rangeRE      = regexp.MustCompile(`[-–—]|\bto\b`)
	headingRE    = regexp.MustCompile(`^(#{2,6})[ \t]+(\d+(?:\.\d+)*)\.?[ \t]`)
	crossRefRE   = regexp.MustCompile(`§(` + number + `)`)
	maxRangeSpan = 20 // a wider "N–M" is cited as its two ends
)

// citation is one section number cited at a place of a file.
type citation struct {
	file    string
	line    int
	section string // "6" or "6.3"
	text    string // the citation as written, for messages
}

// citations returns the sections cited in src, one entry per section
// number: a list or a range yields several.
func citations(file string, src []byte) []citation {
	var out []citation
	for _, m := range citationRE.FindAllSubmatchIndex(src, -1) {
		line := 1 + bytes.Count(src[:m[0]], []byte("\n"))
		text := strings.Join(strings.Fields(strings.ReplaceAll(string(src[m[0]:m[1]]), "//", " ")), " ")
		for _, sec := range expand(string(src[m[2]:m[3]])) {
			out = append(out, citation{file: file, line: line, section: sec, text: text})
		}
	}
	return out
}

// expand turns "3 and 4", "2–4" or "6.1, 6.3" into the section numbers
// they name. A range expands when both ends are whole sections, or
// subsections of one section, and it is not wider than maxRangeSpan;
// otherwise its two ends are taken.
func expand(list string) []string {
	idx := numberRE.FindAllStringIndex(list, -1)
	var out []string
	for i, loc := range idx {
		n := list[loc[0]:loc[1]]
		if i > 0 && rangeRE.MatchString(list[idx[i-1][1]:loc[0]]) {
			out = append(out, between(list[idx[i-1][0]:idx[i-1][1]], n)...)
		}
		out = append(out, n)
	}
	return out
}

// between returns the numbers strictly between a and b: "2", "5" gives
// "3", "4"; "6.1", "6.4" gives "6.2", "6.3".
func between(a, b string) []string {
	pa, qa, okA := split(a)
	pb, qb, okB := split(b)
	if !okA || !okB || pa != pb || qb <= qa || qb-qa > maxRangeSpan {
		return nil
	}
	var out []string
	for k := qa + 1; k < qb; k++ {
		out = append(out, pa+strconv.Itoa(k))
	}
	return out
}

// split splits a number into its prefix up to the last component and the
// last component: "6" into "", 6 and "6.3" into "6.", 3.
func split(n string) (string, int, bool) {
	i := strings.LastIndexByte(n, '.') + 1
	k, err := strconv.Atoi(n[i:])
	return n[:i], k, err == nil
}

// headings returns the numbered headings of a specification: "## 6."
// gives "6", "### 6.3" gives "6.3". A number counts only at its level (two
// hashes for N, three for N.M, …).
func headings(spec []byte) map[string]bool {
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(spec))
	for sc.Scan() {
		m := headingRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if len(m[1]) == 2+strings.Count(m[2], ".") {
			out[m[2]] = true
		}
	}
	return out
}

// problem is a citation that names no heading.
type problem struct{ citation }

func (p problem) String() string {
	return fmt.Sprintf("%s:%d: %q cites section %s, which %s has no heading for", p.file, p.line, p.text, p.section, specFile)
}

// skipDir reports whether a directory is left out of the walk.
func skipDir(name string) bool {
	return name == ".git" || name == "vendor" || name == "testdata"
}

// check walks fsys, which holds a repository with SPEC.md at its root, and
// returns every citation in a .go or .md file that names no heading, and
// how many citations it read.
func check(fsys fs.FS) ([]problem, int, error) {
	spec, err := fs.ReadFile(fsys, specFile)
	if err != nil {
		return nil, 0, err
	}
	have := headings(spec)
	var problems []problem
	count := 0
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if p == specFile || (path.Ext(p) != ".go" && path.Ext(p) != ".md") {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		for _, c := range citations(p, src) {
			count++
			if !have[c.section] {
				problems = append(problems, problem{c})
			}
		}
		return nil
	})
	return problems, count, err
}

// repoRoot finds the repository root: the nearest directory above the
// test's working directory whose go.mod declares the cbets module.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module github.com/cbets/cbets\n")) {
			return dir
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			require.NoError(t, err)
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod of github.com/cbets/cbets above the test")
		dir = parent
	}
}

// cite writes a citation of the specification. Test inputs are built with
// it so that this file holds no citation of its own for the walk to find.
func cite(rest string) string { return "SP" + "EC" + rest }

func TestCitationForms(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"section", "see " + cite(" section 6") + ".", []string{"6"}},
		{"in parentheses", "(" + cite(" section 11") + ")", []string{"11"}},
		{"before a comma", cite(" section 6") + ", and not a multiple", []string{"6"}},
		{"before words", cite(" section 6") + " and the package doc", []string{"6"}},
		{"two sections", cite(" sections 3 and 4") + ").", []string{"3", "4"}},
		{"list", cite(" sections 1, 2 and 7"), []string{"1", "2", "7"}},
		{"list with serial comma", cite(" sections 1, 2, and 7"), []string{"1", "2", "7"}},
		{"range, en dash", cite(" sections 2–4") + " written out", []string{"2", "3", "4"}},
		{"range, hyphen", cite(" sections 1-3"), []string{"1", "2", "3"}},
		{"range, words", cite(" sections 8 to 9"), []string{"8", "9"}},
		{"subsection", cite(" 8.3") + " says", []string{"8.3"}},
		{"subsection after section", cite(" section 6.9"), []string{"6.9"}},
		{"section sign", cite(" §7.5"), []string{"7.5"}},
		{"subsection range", cite(" 6.1–6.3"), []string{"6.1", "6.2", "6.3"}},
		{"range across sections", cite(" 6.9–7.2"), []string{"6.9", "7.2"}},
		{"wide range", cite(" sections 1–99"), []string{"1", "99"}},
		{"wrapped comment", "// the vectors (" + cite("\n// section 11") + ") are", []string{"11"}},
		{"wrapped after section", "// (" + cite(" section\n\t// 5") + "), where", []string{"5"}},
		{"wrapped list", "// (" + cite("\n// sections 3 and\n// 4") + ")", []string{"3", "4"}},
		{"markdown line break", "format: " + cite(" section\n11") + ". They", []string{"11"}},
		{"two citations", cite(" section 1") + " and " + cite(" section 2"), []string{"1", "2"}},
		{"no number", "as " + cite("") + " computes it", nil},
		{"possessive", cite("'s") + " layouts", nil},
		{"file name", cite(".md") + " at the root", nil},
		{"other word", cite("IFIC section 3"), nil},
		{"lower case", "the spec section 3", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range citations("x.go", []byte(tc.src)) {
				got = append(got, c.section)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestCitationLine(t *testing.T) {
	src := "package x\n\n// Foo does it (" + cite("\n// section 5") + ").\nfunc Foo() {}\n"
	cs := citations("x.go", []byte(src))
	require.Len(t, cs, 1)
	require.Equal(t, 3, cs[0].line)
	require.Equal(t, cite(" section 5"), cs[0].text)
}

func TestHeadings(t *testing.T) {
	spec := strings.Join([]string{
		"# Title",
		"## Preface",
		"### Notation",
		"## 1. Keys",
		"### 1.1 Encoding",
		"### 1.2. Validity",
		"#### 1.2.1 Detail",
		"## 2 Nonces",
		"### 3 Wrong level",
		"## 4.1 Wrong level",
		"##5. No space",
		"Text about section 6.",
		"    ## 7. Indented code",
	}, "\n")
	var got []string
	for h := range headings([]byte(spec)) {
		got = append(got, h)
	}
	require.ElementsMatch(t, []string{"1", "1.1", "1.2", "1.2.1", "2"}, got)
}

func TestCheckFindsMissingSections(t *testing.T) {
	spec := "# S\n\n## 1. One\n\n### 1.1 One one\n\n## 2. Two\n"
	fsys := fstest.MapFS{
		specFile:             {Data: []byte(spec + "\nThe code cites " + cite(" section 9") + ".\n")},
		"a/a.go":             {Data: []byte("// " + cite(" section 1") + ", " + cite(" 1.1") + " and " + cite(" sections 1–2") + ".\n")},
		"a/b.go":             {Data: []byte("// See " + cite("\n// section 3") + ".\n")},
		"b/README.md":        {Data: []byte("Format: " + cite(" 1.2") + ".\n")},
		"b/c.go":             {Data: []byte("// " + cite(" sections 2–4") + ".\n")},
		"b/notes.txt":        {Data: []byte(cite(" section 8") + "\n")},
		"a/testdata/x.go":    {Data: []byte("// " + cite(" section 8") + "\n")},
		"vendor/m/y.go":      {Data: []byte("// " + cite(" section 8") + "\n")},
		".git/COMMIT.md":     {Data: []byte(cite(" section 8") + "\n")},
		"c/SPEC.md":          {Data: []byte(cite(" section 5") + "\n")},
		"c/deep/nested/z.go": {Data: []byte("// " + cite(" section 2") + "\n")},
	}
	problems, count, err := check(fsys)
	require.NoError(t, err)
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%s:%d:%s", p.file, p.line, p.section))
	}
	require.ElementsMatch(t, []string{"a/b.go:1:3", "b/README.md:1:1.2", "b/c.go:1:3", "b/c.go:1:4", "c/SPEC.md:1:5"}, got)
	require.Equal(t, 11, count)
	require.Contains(t, problems[0].String(), "which SPEC.md has no heading for")
}

func TestCheckWithoutSpec(t *testing.T) {
	_, _, err := check(fstest.MapFS{"a.go": {Data: []byte("package a\n")}})
	require.ErrorIs(t, err, fs.ErrNotExist)
}

// TestRepositoryCitations requires every citation of the specification in
// the repository to name a heading of SPEC.md.
func TestRepositoryCitations(t *testing.T) {
	problems, count, err := check(os.DirFS(repoRoot(t)))
	require.NoError(t, err)
	for _, p := range problems {
		t.Error(p)
	}
	// The code cites the specification in dozens of places; finding
	// almost none means the matcher broke, not that the code is clean.
	require.Greater(t, count, 20, "too few citations found")
}

// TestStableHeadings requires the top-level sections the code cites, with
// their numbers and titles, in order.
func TestStableHeadings(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join(repoRoot(t), specFile))
	require.NoError(t, err)
	var got []string
	sc := bufio.NewScanner(bytes.NewReader(spec))
	for sc.Scan() {
		if line := strings.TrimRight(sc.Text(), " \t"); strings.HasPrefix(line, "## ") && headingRE.MatchString(line) {
			got = append(got, line)
		}
	}
	require.GreaterOrEqual(t, len(got), len(stableHeadings))
	require.Equal(t, stableHeadings, got[:len(stableHeadings)])
}

// TestCrossReferences requires every §N and §N.M inside SPEC.md to name
// one of its headings.
func TestCrossReferences(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join(repoRoot(t), specFile))
	require.NoError(t, err)
	have := headings(spec)
	refs := crossRefRE.FindAllSubmatchIndex(spec, -1)
	require.NotEmpty(t, refs)
	for _, m := range refs {
		if n := string(spec[m[2]:m[3]]); !have[n] {
			t.Errorf("%s:%d: §%s names no heading", specFile, 1+bytes.Count(spec[:m[0]], []byte("\n")), n)
		}
	}
}
