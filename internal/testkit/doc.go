// Package testkit holds what the packages' tests share: keys derived from
// labels, the golden-file handling of the known-answer vectors (SPEC
// section 11) and decred's signing and verification as benchmark
// baselines. It is imported by tests only.
package testkit
