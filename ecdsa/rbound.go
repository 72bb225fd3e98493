package ecdsa

import (
	"crypto/sha256"
	"fmt"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// RBoundSignatureSize is the length of an R-bound signature: compressed R ‖ s.
const RBoundSignatureSize = 33 + 32

// RBoundSignature is the paper's UserSign / MerchantSign signature (eq.
// 2–10, SPEC section 3): the nonce point R itself and s, where the digest
// e = H(msg ‖ x(R) ‖ y(R)) binds R.
//
// Only ParseRBoundSignature and SignRBound make signatures. A nil pointer
// and the zero value are refused by the verifiers with
// ErrMalformedSignature.
type RBoundSignature struct {
	r  secp256k1.JacobianPoint // affine
	rc [33]byte                // compressed R
	s  secp256k1.ModNScalar
}

// ParseRBoundSignature decodes compressed(R) ‖ s32. R must be a canonical
// compressed point on the curve and s must lie in [1, n−1]; the result's
// Bytes returns b exactly.
func ParseRBoundSignature(b []byte) (*RBoundSignature, error) {
	if len(b) != RBoundSignatureSize {
		return nil, fmt.Errorf("%w: length %d, want %d", ErrMalformedSignature, len(b), RBoundSignatureSize)
	}
	r, ok := ecc.ParseCompressedPoint(b[:33])
	if !ok {
		return nil, fmt.Errorf("%w: R is not a compressed curve point", ErrMalformedSignature)
	}
	s, ok := ecc.ParseNonZeroScalar(b[33:])
	if !ok {
		return nil, fmt.Errorf("%w: s is zero or not less than n", ErrMalformedSignature)
	}
	sig := &RBoundSignature{r: r, s: s}
	copy(sig.rc[:], b[:33])
	return sig, nil
}

// Bytes returns a copy of the 65-byte encoding, or nil when sig is nil or
// the zero value.
func (sig *RBoundSignature) Bytes() []byte {
	if sig.check() != nil {
		return nil
	}
	out := make([]byte, RBoundSignatureSize)
	copy(out, sig.rc[:])
	sig.s.PutBytesUnchecked(out[33:])
	return out
}

// check refuses a nil or zero-value signature. The constructors always set
// the prefix of R's encoding to 0x02 or 0x03, so only those two fail.
func (sig *RBoundSignature) check() error {
	switch {
	case sig == nil:
		return errNilSignature
	case sig.rc[0] == 0:
		return errZeroSignature
	}
	return nil
}

// rboundDigest is e = int(H(msg ‖ x32 ‖ y32)) mod n (paper eq. 5).
func rboundDigest(sha1 bool, msg []byte, r *secp256k1.JacobianPoint) secp256k1.ModNScalar {
	var xy [64]byte
	r.X.PutBytesUnchecked(xy[:32])
	r.Y.PutBytesUnchecked(xy[32:])
	return ecc.Digest(sha1, msg, xy[:])
}

// SignRBound is the paper's UserSign (eq. 2–6) and MerchantSign (eq. 9):
// d = RFC 6979 nonce, R = dG, r = x(R) mod n, e = H(msg ‖ x ‖ y) mod n,
// s = d⁻¹(e + r·k) mod n. Unlike the paper's σ = (s, d), the signature
// publishes R, never d. It returns an error wrapping ErrInvalidPrivateKey
// when key is nil, or one when hedging randomness cannot be read. It panics
// when key is the zero value or was wiped by Zero.
func SignRBound(key *PrivateKey, msg []byte, opts *SignOptions) (*RBoundSignature, error) {
	k, err := key.signingScalar("SignRBound")
	if err != nil {
		return nil, err
	}
	profile, extra, err := opts.prepare()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(msg) // the nonce's input; e depends on R
	tag := &ecc.TagRBoundSHA256
	if profile.IsSHA1() {
		tag = &ecc.TagRBoundSHA1
	}
	for iter := uint32(0); iter < maxNonceIterations; iter++ {
		d := ecc.Nonce(k, h[:], extra, tag, iter)
		sig := &RBoundSignature{}
		ecc.ScalarBaseMult(&d, &sig.r)
		r := ecc.ScalarFromField(&sig.r.X)
		if r.IsZero() {
			d.Zero()
			continue
		}
		e := rboundDigest(profile.IsSHA1(), msg, &sig.r)
		dInv := ecc.InverseModN(&d)
		sig.s.Mul2(&r, k).Add(&e).Mul(&dInv)
		d.Zero()
		dInv.Zero()
		if sig.s.IsZero() {
			continue
		}
		sig.rc = ecc.CompressAffine(&sig.r)
		return sig, nil
	}
	panic("ecdsa: no valid nonce found") // each retry has probability about 2^-256
}

// maxNonceIterations bounds the signers' retries, like ecc.SignInverseS.
const maxNonceIterations = 1 << 16

// VerifyRBound checks an R-bound signature (paper eq. 7 and 10, SPEC section
// 3): with r = x(R) mod n ≠ 0, e = H(msg ‖ x ‖ y) mod n, u = e·s⁻¹ and
// v = r·s⁻¹, it accepts iff uG + v·pk equals R as a point (the paper compares
// only r). It returns nil or an error wrapping ErrInvalidPublicKey (pub is
// nil or the zero value), ErrMalformedSignature (sig is nil or the zero
// value) or ErrInvalidSignature, checked in that order.
func VerifyRBound(pub *PublicKey, msg []byte, sig *RBoundSignature, profile Profile) error {
	r, err := rboundPrecheck(pub, sig)
	if err != nil {
		return err
	}
	e := rboundDigest(profile.IsSHA1(), msg, &sig.r)
	var u, v secp256k1.ModNScalar
	w := ecc.InverseModNVar(&sig.s)
	u.Mul2(&e, &w)
	v.Mul2(&r, &w)
	// R is known, so the check runs on half-size multipliers.
	if !ecc.IsMulAddEqual(&u, &v, pub.point(), &sig.r) {
		return ErrInvalidSignature
	}
	return nil
}

// rboundPrecheck makes the checks of VerifyRBound that come before the
// multiplication, and returns r = x(R) mod n. VerifyRBoundBatch makes the
// same checks, in the same order, so both refuse the same items with the
// same errors.
func rboundPrecheck(pub *PublicKey, sig *RBoundSignature) (secp256k1.ModNScalar, error) {
	if err := pub.check(); err != nil {
		return secp256k1.ModNScalar{}, err
	}
	if err := sig.check(); err != nil {
		return secp256k1.ModNScalar{}, err
	}
	r := ecc.ScalarFromField(&sig.r.X)
	if r.IsZero() {
		return r, errRZero
	}
	return r, nil
}
