package h2c

import (
	"errors"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

const (
	// SuiteID names the RFC 9380 suite this package implements.
	SuiteID = "secp256k1_XMD:SHA-256_SSWU_RO_"

	// DST is the domain separation tag of the cbets project for this suite
	// (SPEC section 6).
	DST = "CBETS-V01-CS01-with-" + SuiteID
)

var (
	// ErrEmptyDST is returned when the domain separation tag is empty
	// (RFC 9380 section 3.1 requires a nonempty tag).
	ErrEmptyDST = errors.New("h2c: empty domain separation tag")

	// ErrOutputLength is returned when ExpandMessageXMD is asked for fewer
	// than 1 or more than MaxXMDLength bytes.
	ErrOutputLength = errors.New("h2c: output length out of range")

	// ErrElementCount is returned when HashToField is asked for fewer than 1
	// or more than 170 field elements.
	ErrElementCount = errors.New("h2c: field element count out of range")

	// ErrIdentity is returned should hash_to_curve yield the point at
	// infinity, which needs Q1 = -Q0 and happens with probability about
	// 2^-256.
	ErrIdentity = errors.New("h2c: result is the point at infinity")
)

// HashToCurve implements hash_to_curve of RFC 9380 section 3 for the suite
// secp256k1_XMD:SHA-256_SSWU_RO_: u0, u1 = HashToField(msg, dst, 2),
// P = MapToCurve(u0) + MapToCurve(u1).  The cofactor of secp256k1 is 1, so
// no cofactor clearing is needed.
//
// The point is returned in affine form: X and Y normalized, Z = 1.  dst must
// not be empty; the project's tag is DST.  See the package documentation for
// which parts run in constant time.
func HashToCurve(msg, dst []byte) (secp256k1.JacobianPoint, error) {
	if len(dst) == 0 {
		return secp256k1.JacobianPoint{}, ErrEmptyDST
	}
	var buf [2 * elementLength]byte
	expandXMD(buf[:], msg, dst)
	var u0, u1 secp256k1.FieldVal
	fieldFromWide(&u0, (*[elementLength]byte)(buf[:elementLength]))
	fieldFromWide(&u1, (*[elementLength]byte)(buf[elementLength:]))

	q0 := MapToCurve(&u0)
	q1 := MapToCurve(&u1)
	return sumToAffine(&q0, &q1)
}

// sumToAffine returns q0 + q1 in affine form, or ErrIdentity when the sum is
// the point at infinity.  q0 and q1 must be normalized.
func sumToAffine(q0, q1 *secp256k1.JacobianPoint) (secp256k1.JacobianPoint, error) {
	var p secp256k1.JacobianPoint
	secp256k1.AddNonConst(q0, q1, &p)
	if p.Z.IsZero() || (p.X.IsZero() && p.Y.IsZero()) {
		return secp256k1.JacobianPoint{}, ErrIdentity
	}
	p.ToAffine()
	return p, nil
}
