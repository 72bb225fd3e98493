// Package ecc holds the secp256k1 arithmetic that the signature packages of
// cbets share: strict scalar and point decoding, deterministic RFC 6979
// nonces with a tag per scheme (SPEC section 2), the message digests of the
// hash profiles, the inverse-s ECDSA core (paper eq. 11–18) that package
// ecdsa and package multisig both sign with, and the multiplications every
// verifier uses.
//
// # Multiplication
//
// The exported functions take and return decred's secp256k1 types; inside,
// the verifiers' products run on the package's own field and point
// arithmetic: fe.go holds field elements in four 64-bit limbs with the fast
// reduction of p = 2^256 − 2^32 − 977, point.go the Jacobian formulas for
// a = 0 (doubling dbl-2009-l, mixed and general additions of the
// Explicit-Formulas Database), each handling its exceptional cases.
//
//   - MulAdd, MulAddTable and MulAddTables compute u1·G + u2·Q and a·P + b·Q
//     by Strauss–Shamir interleaving over the GLV halves of the scalars
//     (Gallant–Lambert–Vanstone, with the published λ, β and lattice basis)
//     written in width-w NAF. G's multiples are tabulated once; a point
//     used many times (a ring member, a scope base, a key image) can be
//     tabulated "split", with multiples of 2^32·P, 2^64·P and 2^96·P as
//     well, so that a product of split tables needs about 34 doublings.
//   - IsIdentityMSM decides whether g·G + Σ k_i·P_i is infinity by
//     Pippenger's bucket method, for batch verification (package ecdsa's
//     VerifyRBoundBatch).
//
// # Constant time
//
// The multiplications, table builders and affine conversions branch on
// their inputs and take public data only: verification. Signing computes
// d·G with decred's ScalarBaseMultNonConst (variable time, as in decred's
// own ecdsa.Sign), and the inversion of a secret nonce uses decred's
// variable-time ModNScalar.InverseValNonConst; all other scalar arithmetic
// is decred's constant-time ModNScalar.
package ecc
