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
// On amd64, fe_amd64.s computes the field multiplication and squaring, the
// doubling, the two halves of a mixed addition, the start of a general
// one and the affine addition of the bucket sums with the BMI2 and ADX
// instructions (MULX, and two carry chains with ADCX and ADOX), producing
// the same limbs as the pure-Go functions; a processor without them runs
// the pure-Go code, which the purego build tag selects everywhere, and the
// tests compare the two limb for limb. Both are free of branches and of
// memory accesses that depend on the values.
//
//   - MulAdd, MulAddTable and MulAddTables compute u1·G + u2·Q and a·P + b·Q
//     by Strauss–Shamir interleaving over the GLV halves of the scalars
//     (Gallant–Lambert–Vanstone, with the published λ, β and lattice basis)
//     written in width-w NAF. G's multiples are tabulated once; a point
//     used many times (a ring member, a scope base, a key image) can be
//     tabulated "split", with multiples of 2^32·P, 2^64·P and 2^96·P as
//     well, so that a product of split tables needs about 34 doublings.
//   - IsMulAddEqual decides whether u1·G + u2·Q equals a known point R
//     with half-size multipliers (Antipa, Brown, Gallant, Lambert, Struik
//     and Vanstone, SAC 2005, with GLV): a Euclidean reduction in the
//     Eisenstein integers Z[ω], whose ideal (a1 + b1·ω) is the kernel of
//     ω ↦ λ, finds v = c + d·ω and w = a + b·ω with v·u2 ≡ w (mod n) and
//     a, b, c, d of about 64 bits, and (v·u1)·G + a·Q + b·φ(Q) − c·R −
//     d·φ(R) = infinity is checked in one chain of about 65 doublings
//     instead of 130, over a table of G and 2^64·G built on first use and
//     tables of Q and R brought to one Z without an inversion. Package
//     ecdsa's VerifyRBound uses it.
//   - IsIdentityMSM decides whether g·G + Σ k_i·P_i is infinity by
//     Pippenger's bucket method, for batch verification (package ecdsa's
//     VerifyRBoundBatch).
//
// # Constant time
//
// The multiplications MulAdd, MulAddTable, MulAddTables, IsMulAddEqual
// (with its reduction, whose float64 quotients and step count depend on
// u2) and IsIdentityMSM and the table builders branch on their inputs and
// take public data only: verification. So do ParseCompressedPoint
// (decompression on the package's field: x³+7 raised to (p+1)/4, then y²
// checked), the 64-bit-limb scalar
// arithmetic of batch verification (Scalar, MulModN, AddModN),
// InverseModNVar (safegcd in libsecp256k1's variable-time form, which
// stops as soon as it is done: for a signature's s), and Parallel, which
// splits public work over goroutines.
//
// The signers' secrets go through constant-time code only:
//
//   - ScalarBaseMult computes k·G (every nonce point, and the public key of
//     a new key) with a fixed-base signed-digit comb (basemul.go, after
//     libsecp256k1's ecmult_gen): fixed loop bounds, table lookups that read
//     every entry of a row and keep one with masks, a conditional negation
//     by mask, the unified addition formula with its exceptional cases
//     (doubling, cancelling, infinity) selected by masks (ctpoint.go), and
//     an affine conversion by a safegcd field inversion. The scalar is
//     blinded by an offset b, and the first point's Z by a factor z, both
//     drawn once per process from crypto/rand; the table is built once, on
//     first use, from G. Building the table and the blind is variable time
//     and uses no secret but the blind.
//   - InverseModN inverts a scalar with safegcd (modinv.go, after
//     libsecp256k1's modinv64): ten rounds of 59 branch-free divsteps.
//   - Nonce derives RFC 6979 nonces with HMAC-SHA256 (crypto/sha256),
//     byte for byte decred's NonceRFC6979; its retry loop ends on the first
//     candidate in [1, n−1] (and after iter further ones), so its running
//     time depends on whether a candidate is out of range, with probability
//     about 2^-128, as in every RFC 6979 implementation.
//   - All other scalar arithmetic on secrets is decred's constant-time ModNScalar; the
//     inverse-s signer's low-s normalisation selects s or n − s with
//     crypto/subtle rather than a branch.
//
// The signers' loops retry a nonce when r or s would be zero (probability
// about 2^-256); that branch, and what Go's compiler and runtime do (no
// branch or index in this code depends on a secret, but Go gives no
// guarantee about the code it emits, and copies of secrets it makes are
// out of reach of zeroing), are the limits of these claims.
package ecc
