// Package h2c hashes byte strings to points of secp256k1 as specified by
// RFC 9380 ("Hashing to Elliptic Curves") for the suite
// secp256k1_XMD:SHA-256_SSWU_RO_ (RFC 9380 section 8.7).
//
// The package is built on the field and group types of
// github.com/decred/dcrd/dcrec/secp256k1/v4 (FieldVal and JacobianPoint).
// It provides, with the RFC 9380 sections they follow:
//
//   - ExpandMessageXMD: expand_message_xmd with SHA-256 (section 5.3.1),
//     including the rule for domain separation tags longer than 255 bytes
//     (section 5.3.3).
//   - HashToField: hash_to_field with L = 48 bytes per element, each reduced
//     modulo p (section 5.2).
//   - MapToCurve: the simplified Shallue-van de Woestijne-Ulas map
//     (section 6.6.2) onto the curve E' that is 3-isogenous to secp256k1,
//     followed by the 3-isogeny E' -> E (section 6.6.3, Appendix E.1).  The
//     map is computed in the straight-line form of Appendix F.2 with
//     sqrt_ratio for p = 3 mod 4 (Appendix F.2.1.2) and sgn0 for m = 1
//     (section 4.1).
//   - HashToCurve: hash_to_curve (section 3): two field elements, two
//     mapped points, their sum; the cofactor of secp256k1 is 1, so
//     clear_cofactor is the identity.
//
// DST is the domain separation tag of this project.  Other tags may be
// passed, as the RFC 9380 test vectors do.
//
// # Cost
//
// The map keeps the x-coordinate on E' as a fraction and evaluates the
// isogeny on that fraction, so a mapped point costs one fixed exponentiation
// (the square root test) and no field inversion; it is returned in Jacobian
// coordinates.  HashToCurve adds the two mapped points and converts the sum
// to affine form, which costs the only inversion.
//
// # Timing
//
// The inputs in this project (scope strings) are public, yet the map avoids
// branching on its data wherever the field API allows:
//
//   - ExpandMessageXMD and HashToField run SHA-256 and reduce the 48-byte
//     strings with constant-time field arithmetic; their running time depends
//     only on the lengths of the message, the tag and the output.
//   - The map onto E', the square root test, the sign fix-up (sgn0), the
//     exceptional case (Z^2*u^4 + Z*u^2 = 0) and the isogeny have no branches
//     and no memory accesses that depend on u: choices are made by
//     arithmetic selection, the exponentiation is internal/ecc's fixed
//     addition chain on its branch-free 4×64-bit field (the one its
//     inversion uses), and every field operation of the decred type is
//     constant time.
//   - The sum Q0 + Q1 in HashToCurve uses decred's AddNonConst, which
//     branches on whether the two points are equal, opposite or the identity;
//     the final inversion (JacobianPoint.ToAffine) is constant time.
//     HashToCurve is therefore not constant time as a whole and must not be
//     used on secret inputs without replacing that addition.
package h2c
