// Package wycheproof runs Project Wycheproof's secp256k1 ECDSA vectors
// through package ecdsa's inverse-s verifier (SPEC section 4).
//
// It is a module of its own, so that the 26 MB vector module it needs is
// downloaded by the project's CI and by nobody who imports cbets: go mod tidy
// in an importer loads the tests of every imported package, and would fetch
// it if these tests lived in package ecdsa. It has no API.
package wycheproof
