// Package wire is the canonical binary encoding shared by the record and
// message types of cbets: fixed-width big-endian integers, and variable
// fields as a 4-byte big-endian length followed by the bytes. A Reader
// rejects truncated input, lengths over a caller-given limit and, through
// Done, trailing bytes, so every decoder built on it is strict.
//
// It implements no cryptography and no part of the paper; SPEC's layouts
// for certificates, requests, records and mixer messages are written with
// it. Nothing here depends on secret data.
package wire
