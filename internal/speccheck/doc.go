// Package speccheck holds tests that keep SPEC.md and the code in step.
//
// The code cites the specification by section number, in comments and
// documentation ("SPEC section N", "SPEC sections N and M", "SPEC
// sections N–M", "SPEC N.M", "SPEC §N.M", with line breaks and comment
// markers allowed between the words). The tests walk every .go and .md
// file of the repository (but SPEC.md itself and the .git, vendor and
// testdata directories) and require, for each citation, a heading of
// SPEC.md with that number: "## N." for a section, "### N.M" for a
// subsection. They also require the stable headings of sections 1 to 11
// and that every §N.M cross-reference inside SPEC.md names a heading.
//
// The package has no code outside its tests.
package speccheck
