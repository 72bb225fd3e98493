// Package ringsig implements a linkable ring signature: LSAG (Liu, Wei and
// Wong 2004, in the "bLSAG" form) on secp256k1, linkable per scope, as SPEC
// section 6 defines it. The coin mixer of package mixer uses it so that a
// participant can register an output address that the server knows comes
// from some member of the round, but not which one, while a second
// registration by the same member in the same slot is detected.
//
// # Construction
//
//   - Scope base h = hash_to_curve(scope) with RFC 9380's
//     secp256k1_XMD:SHA-256_SSWU_RO_ suite (sections 3, 5.2, 5.3.1, 6.6.2 and
//     Appendix E.1) under the DST "CBETS-V01-CS01-with-secp256k1_XMD:SHA-256_SSWU_RO_".
//     Nobody knows log_G(h), which linkability and anonymity need.
//   - Key image I = k·h.
//   - Ring digest D = SHA256("CBETS-LSAG-v1/ring" ‖ u32be(N) ‖ pk_0 ‖ … ‖ pk_{N−1}).
//   - Challenge c(L, R) = int(SHA256("CBETS-LSAG-v1/c" ‖ D ‖ u32be(|scope|) ‖ scope ‖
//     u32be(|msg|) ‖ msg ‖ I ‖ L ‖ R)) mod n, L and R compressed. The point
//     at infinity has no compressed encoding: no L or R may be infinity.
//   - Signing from the signer's slot π: L_π = αG, R_π = αh; for the other
//     members L_i = s_i·G + c_i·pk_i, R_i = s_i·h + c_i·I; s_π = α − c_π·k.
//   - Signature I ‖ c_0 ‖ s_0 ‖ … ‖ s_{N−1}: 33 + 32·(N+1) bytes.
//
// Verify recomputes the chain from c_0 and accepts iff it closes. It returns
// a Tag (the key image with its scope); Link compares tags, so signatures
// link only when they were verified in the same scope.
//
// Any byte string is a scope, the empty one included (nil and empty are the
// same scope, hash_to_curve of the empty string).
//
// # Checks
//
// ParseSignature rejects a length that is not 33 + 32·(N+1) with
// MinRingSize ≤ N ≤ MaxRingSize (2 to 1024), a key image that is not a
// canonical compressed point (so never infinity), c_0 = 0, and any scalar
// not below n (never reduced). NewRing and ParseRing reject duplicate keys
// and sizes out of range. Verify rejects a signature whose N differs from
// the ring's, any zero challenge along the chain, and any L_i or R_i that is
// the point at infinity (α = 0 at the signer makes L_π = R_π = infinity;
// s_i = −c_i·k_i makes L_i infinity and s_i = −c_i·k makes R_i infinity,
// choices open to whoever knows k_i or k): such a chain has no defined
// challenge, and a verifier that hashed infinity some way would disagree
// with one that hashed it another. Because D, the scope, msg and I enter
// every challenge, a signature moved to another ring, order of the ring,
// scope, message or key image fails.
//
// # Nil and zero values
//
// Only the constructors make usable values. Sign and Verify refuse a nil or
// zero-value *Ring, *Scope or *Signature with ErrRingSize, ErrScope or
// ErrMalformedSignature, and NewRing refuses a nil or zero-value
// *ecdsa.PublicKey member with ErrRingMember: none of them stands for the
// point at infinity. Link refuses the zero Tag, which Verify returns with
// its errors, with ErrZeroTag. Methods on such receivers return empty
// results (nil, 0, −1, zero arrays). Sign refuses a nil key with
// ErrSigningKey and panics on a key whose scalar is zero (wiped by Zero, or
// the zero value of ecdsa.PrivateKey), a programming error.
//
// # Nonces and timing
//
// α is an RFC 6979 nonce (decred's NonceRFC6979, tag "CBETS/LSAG/NONCE")
// over the key and a hash of D, scope, msg and the index; the responses s_i
// of the other members come from a second such nonce, expanded with SHA-256.
// SignOptions.Rand hedges both. Attempt a = 0, 1, …, 63 takes α from
// iteration 2a and the seed from iteration 2a+1; an attempt that meets a
// zero challenge or an L_i or R_i at infinity is discarded whole for the
// next (probability about 2^-256 per member; RFC 6979 never yields α = 0).
// The signer's work is the same whatever its index. αG is computed in
// constant time (internal/ecc's blinded comb), but k·h and αh use decred's
// variable-time routines: the time of Sign may leak information about the
// key and nonce to an attacker who can time it precisely. Verification
// handles public data only.
//
// A Ring precomputes multiples of its members' keys when it first
// verifies, or signs for the second time, and shares them with every later
// signature and verification: reuse one Ring. Its first signature goes
// without them, since building them costs more than they save on one
// signature (a mixing participant signs over its ring once); the signature
// is the same either way.
//
// # What this is not
//
// LSAG signatures grow linearly with the ring. For large anonymity sets use
// a logarithmic-size scheme (for example Triptych or the CLSAG/Seraphis
// family of Monero); for unlinkable ring signatures drop the key image.
package ringsig
