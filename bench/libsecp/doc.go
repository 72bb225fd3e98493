// Package libsecp measures package ecdsa's signers and verifiers against
// libsecp256k1 (the system library, through cgo) and decred's
// dcrec/secp256k1, on the same keys and messages in the same process, and
// cross-checks libsecp256k1's signatures with cbets': a standard ECDSA
// signature (r, s) over the digest e is the inverse-s signature
// (r, s⁻¹ mod n, low s) over e (SPEC section 4), and an R-bound signature
// (R, s) is the standard signature (x(R) mod n, s) over
// e = H(msg ‖ x(R) ‖ y(R)) (SPEC section 3).
//
// It is a module of its own so that only those who build it need cgo and
// libsecp256k1 (Debian: apt-get install libsecp256k1-dev). It has no API.
//
// The benchmarks report, besides ns/op, the CPU time of the benchmarking
// thread per operation (cpu-ns/op), which on a loaded machine is steadier
// than wall time; it leaves out the garbage collector's background work on
// other threads. Each benchmark runs its implementations one after the
// other, -rounds times, so that a change of load affects all of them alike:
//
//	go test -run '^$' -bench . -benchmem -args -rounds 6 | sed -E 's/#[0-9]+//' > /tmp/libsecp.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl /tmp/libsecp.txt
package libsecp
