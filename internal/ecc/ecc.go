package ecc

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Nonce tags: the 16-byte RFC 6979 "version" of each scheme and hash profile
// (SPEC section 2). A key that signs the same message under two schemes, or
// under two hash profiles of one scheme, draws unrelated nonces.
var (
	TagRBoundSHA256    = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'R', 'B', 'O', 'U', 'N', 'D', '/', '2', '5', '6'}
	TagRBoundSHA1      = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'R', 'B', 'O', 'U', 'N', 'D', '/', 'S', 'H', '1'}
	TagInverseSSHA256  = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'I', 'N', 'V', 'R', 'S', 'S', '/', '2', '5', '6'}
	TagInverseSSHA1    = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'I', 'N', 'V', 'R', 'S', 'S', '/', 'S', 'H', '1'}
	TagMerchantSHA256  = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'M', 'R', 'C', 'H', 'N', 'T', '/', '2', '5', '6'}
	TagMerchantSHA1    = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'M', 'R', 'C', 'H', 'N', 'T', '/', 'S', 'H', '1'}
	TagRingSignature   = [16]byte{'C', 'B', 'E', 'T', 'S', '/', 'L', 'S', 'A', 'G', '/', 'N', 'O', 'N', 'C', 'E'}
	maxNonceIterations = uint32(1 << 16)
)

// Digest returns H(parts[0] ‖ parts[1] ‖ …) with SHA-1 when sha1Profile is
// set and SHA-256 otherwise, read as an integer and reduced mod n (bits2int:
// both digests are at most 256 bits long, so no truncation is needed).
func Digest(sha1Profile bool, parts ...[]byte) secp256k1.ModNScalar {
	var e secp256k1.ModNScalar
	if sha1Profile {
		h := sha1.New()
		for _, p := range parts {
			h.Write(p)
		}
		var buf [sha1.Size]byte
		e.SetByteSlice(h.Sum(buf[:0]))
		return e
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	var buf [sha256.Size]byte
	e.SetByteSlice(h.Sum(buf[:0]))
	return e
}

// MessageDigest returns the SHA-256 of msg, which feeds every signer's
// nonce, and e = H(msg) mod n under the profile, computing SHA-256 once when
// the profile is SHA-256.
func MessageDigest(sha1Profile bool, msg []byte) ([32]byte, secp256k1.ModNScalar) {
	h := sha256.Sum256(msg)
	if sha1Profile {
		return h, Digest(true, msg)
	}
	var e secp256k1.ModNScalar
	e.SetBytes(&h)
	return h, e
}

// ParseScalar decodes a 32-byte big-endian scalar and reports whether it is
// canonical (less than n). A non-canonical value is rejected, never reduced.
func ParseScalar(b []byte) (secp256k1.ModNScalar, bool) {
	var s secp256k1.ModNScalar
	if len(b) != 32 {
		return s, false
	}
	if s.SetByteSlice(b) {
		s.Zero()
		return s, false
	}
	return s, true
}

// ParseNonZeroScalar is ParseScalar that also rejects zero.
func ParseNonZeroScalar(b []byte) (secp256k1.ModNScalar, bool) {
	s, ok := ParseScalar(b)
	return s, ok && !s.IsZero()
}

// ParseCompressedPoint decodes a 33-byte compressed SEC1 point into affine
// Jacobian form (Z = 1). It accepts only 0x02 and 0x03 prefixes and an x
// coordinate below p that is on the curve, so the encoding is canonical.
func ParseCompressedPoint(b []byte) (secp256k1.JacobianPoint, bool) {
	var p secp256k1.JacobianPoint
	if len(b) != 33 || (b[0] != 0x02 && b[0] != 0x03) {
		return p, false
	}
	x, ok := decompress(b)
	if !ok {
		return secp256k1.JacobianPoint{}, false
	}
	p.X, p.Y = feToField(&x[0]), feToField(&x[1])
	p.Z.SetInt(1)
	return p, true
}

// decompress returns the affine coordinates of the point a 33-byte
// compressed encoding names, on the package's field, and whether it is
// one: x below p, on the curve, y of the parity the prefix says. Since
// p ≡ 3 mod 4, y = (x³+7)^((p+1)/4) = (x³+7)·(x³+7)^((p−3)/4) when x³+7 is
// a square, which y² = x³+7 then confirms. Variable time (public input).
func decompress(b []byte) (xy [2]fe, ok bool) {
	var xb [32]byte
	copy(xb[:], b[1:])
	x := feSetBytes(&xb)
	if c := feCanon(&x); c != x {
		return xy, false // x ≥ p
	}
	var rhs, y, y2 fe
	feSqr(&rhs, &x)
	feMul(&rhs, &rhs, &x)
	feAdd(&rhs, &rhs, &fe{7})
	fePowPMinus3Div4(&y, &rhs)
	feMul(&y, &y, &rhs)
	feSqr(&y2, &y)
	if !feEqual(&y2, &rhs) {
		return xy, false
	}
	y = feCanon(&y)
	if y[0]&1 != uint64(b[0]&1) {
		feNeg(&y, &y)
		y = feCanon(&y)
	}
	return [2]fe{x, y}, true
}

// CompressAffine writes the 33-byte compressed encoding of p, which must be
// in affine form (Z = 1) with normalized coordinates.
func CompressAffine(p *secp256k1.JacobianPoint) [33]byte {
	var out [33]byte
	out[0] = 0x02
	if p.Y.IsOdd() {
		out[0] = 0x03
	}
	p.X.PutBytesUnchecked(out[1:])
	return out
}

// IsInfinity reports whether p is the point at infinity.
func IsInfinity(p *secp256k1.JacobianPoint) bool {
	return p.Z.IsZero() || (p.X.IsZero() && p.Y.IsZero())
}

// ScalarFromField reduces a field element mod n.
func ScalarFromField(f *secp256k1.FieldVal) secp256k1.ModNScalar {
	var buf [32]byte
	f.PutBytes(&buf)
	var s secp256k1.ModNScalar
	s.SetBytes(&buf)
	return s
}

// Nonce returns the RFC 6979 nonce for the secret key sk and the 32-byte
// hash, under the scheme tag, with optional 32 bytes of extra entropy
// (hedging) and the retry counter iter (SPEC section 2).
func Nonce(sk *secp256k1.ModNScalar, hash []byte, extra *[32]byte, tag *[16]byte, iter uint32) secp256k1.ModNScalar {
	var skb [32]byte
	sk.PutBytes(&skb)
	var ex []byte
	if extra != nil {
		ex = extra[:]
	}
	k := nonceRFC6979(skb[:], hash, ex, tag[:], iter)
	clear(skb[:])
	return k
}

// EqualsAffine reports whether the Jacobian point p equals the affine point
// (ax, ay), without an inversion: X = ax·Z² and Y = ay·Z³.
func EqualsAffine(p *secp256k1.JacobianPoint, ax, ay *secp256k1.FieldVal) bool {
	if IsInfinity(p) {
		return false
	}
	var z2, z3, t secp256k1.FieldVal
	z2.SquareVal(&p.Z)
	z3.Mul2(&z2, &p.Z)
	t.Mul2(ax, &z2).Normalize()
	x := p.X
	x.Normalize()
	if !t.Equals(&x) {
		return false
	}
	t.Mul2(ay, &z3).Normalize()
	y := p.Y
	y.Normalize()
	return t.Equals(&y)
}

// orderAsField is n as a field element, for the x ≥ n case of XModNEquals.
var orderAsField = func() secp256k1.FieldVal {
	var f secp256k1.FieldVal
	n := secp256k1.Params().N.Bytes()
	f.SetByteSlice(n)
	return f
}()

// XModNEquals reports whether int(x(P)) mod n equals r for a Jacobian point
// P, without an inversion (the check of paper eq. 16–17 and of standard ECDSA).
func XModNEquals(p *secp256k1.JacobianPoint, r *secp256k1.ModNScalar) bool {
	if IsInfinity(p) {
		return false
	}
	var z2, rf, t secp256k1.FieldVal
	z2.SquareVal(&p.Z)
	rb := r.Bytes()
	rf.SetBytes(&rb)
	x := p.X
	x.Normalize()
	if t.Mul2(&rf, &z2).Normalize().Equals(&x) {
		return true
	}
	// x(P) may lie in [n, p): then r = x − n and x = r + n < p.
	if rf.IsGtOrEqPrimeMinusOrder() {
		return false
	}
	rf.Add(&orderAsField)
	return t.Mul2(&rf, &z2).Normalize().Equals(&x)
}

// SignInverseS computes the inverse-s ECDSA signature (a, s) of paper
// eq. 11–13 (SPEC section 4) for the secret key sk over the digest e. hash is
// the 32-byte SHA-256 of the message that feeds the nonce, tag the scheme's
// nonce tag and extra the optional hedging entropy. s is low-s normalised.
func SignInverseS(sk, e *secp256k1.ModNScalar, hash []byte, extra *[32]byte, tag *[16]byte) (a, s secp256k1.ModNScalar) {
	for iter := uint32(0); iter < maxNonceIterations; iter++ {
		d := Nonce(sk, hash, extra, tag, iter)
		var R secp256k1.JacobianPoint
		ScalarBaseMult(&d, &R)
		a = ScalarFromField(&R.X)
		if a.IsZero() {
			d.Zero()
			continue
		}
		// b = d⁻¹(e + k·a); s = b⁻¹ = d·(e + k·a)⁻¹.
		var b secp256k1.ModNScalar
		b.Mul2(sk, &a).Add(e)
		if b.IsZero() {
			d.Zero()
			continue
		}
		s = InverseModN(&b)
		s.Mul(&d)
		d.Zero()
		b.Zero()
		lowS(&s)
		return a, s
	}
	panic("ecc: no valid nonce found")
}

// lowS replaces s by n − s when s > (n−1)/2, without a branch on s: the
// signature shows only the result, not which of ±s the signer computed.
func lowS(s *secp256k1.ModNScalar) {
	var over int
	if s.IsOverHalfOrder() { // compiled to a flag-setting instruction
		over = 1
	}
	var neg secp256k1.ModNScalar
	neg.NegateVal(s)
	sb, nb := s.Bytes(), neg.Bytes()
	subtle.ConstantTimeCopy(over, sb[:], nb[:])
	s.SetBytes(&sb)
	clear(sb[:])
	clear(nb[:])
	neg.Zero()
}

// VerifyInverseS checks an inverse-s signature (a, s) over the digest e under
// the public key q (paper eq. 14–17): u' = e·s, v' = a·s, P = u'G + v'Q,
// accept iff P is not infinity and x(P) mod n = a. The caller checks the
// ranges of a and s.
func VerifyInverseS(q *secp256k1.JacobianPoint, e, a, s *secp256k1.ModNScalar) bool {
	var u, v secp256k1.ModNScalar
	u.Mul2(e, s)
	v.Mul2(a, s)
	p := MulAdd(&u, &v, q)
	return XModNEquals(&p, a)
}

// ReadExtra reads the 32 bytes of hedging entropy for Nonce from r, or
// returns nil when r is nil (deterministic signing).
func ReadExtra(r io.Reader) (*[32]byte, error) {
	if r == nil {
		return nil, nil
	}
	var extra [32]byte
	if _, err := io.ReadFull(r, extra[:]); err != nil {
		return nil, fmt.Errorf("reading hedging randomness: %w", err)
	}
	return &extra, nil
}
