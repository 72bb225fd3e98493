package ecdsa

import (
	"fmt"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// InverseSSignatureSize is the length of a consumption signature ω: a32 ‖ s32.
const InverseSSignatureSize = 64

// InverseSSignature is the consumption signature ω = (a, s) of paper eq.
// 11–18 (SPEC section 4). (a, s⁻¹ mod n) is a standard ECDSA signature over
// the same digest.
//
// Only ParseInverseSSignature and SignInverseS make signatures. A nil
// pointer and the zero value are refused by VerifyInverseS with
// ErrMalformedSignature.
type InverseSSignature struct {
	a, s secp256k1.ModNScalar
}

// ParseInverseSSignature decodes a32 ‖ s32 with a ∈ [1, n−1] and
// s ∈ [1, (n−1)/2] (low s, so ω is not malleable). Bytes returns b exactly.
func ParseInverseSSignature(b []byte) (*InverseSSignature, error) {
	if len(b) != InverseSSignatureSize {
		return nil, fmt.Errorf("%w: length %d, want %d", ErrMalformedSignature, len(b), InverseSSignatureSize)
	}
	a, ok := ecc.ParseNonZeroScalar(b[:32])
	if !ok {
		return nil, fmt.Errorf("%w: a is zero or not less than n", ErrMalformedSignature)
	}
	s, ok := ecc.ParseNonZeroScalar(b[32:])
	if !ok {
		return nil, fmt.Errorf("%w: s is zero or not less than n", ErrMalformedSignature)
	}
	if s.IsOverHalfOrder() {
		return nil, fmt.Errorf("%w: s is above (n−1)/2", ErrMalformedSignature)
	}
	return &InverseSSignature{a: a, s: s}, nil
}

// Bytes returns a copy of the 64-byte encoding, or nil when sig is nil or
// the zero value.
func (sig *InverseSSignature) Bytes() []byte {
	if sig.check() != nil {
		return nil
	}
	out := make([]byte, InverseSSignatureSize)
	sig.a.PutBytesUnchecked(out[:32])
	sig.s.PutBytesUnchecked(out[32:])
	return out
}

// check refuses a nil or zero-value signature: the constructors never
// leave a or s zero.
func (sig *InverseSSignature) check() error {
	switch {
	case sig == nil:
		return errNilSignature
	case sig.a.IsZero() || sig.s.IsZero():
		return errZeroSignature
	}
	return nil
}

// SignInverseS produces the consumption signature ω (paper eq. 11–13):
// d = RFC 6979 nonce, a = x(dG) mod n, e = H(msg) mod n,
// b = d⁻¹(e + k·a), s = b⁻¹, low-s normalised. It returns an error wrapping
// ErrInvalidPrivateKey when key is nil, or one when hedging randomness
// cannot be read. It panics when key is the zero value or was wiped by Zero.
func SignInverseS(key *PrivateKey, msg []byte, opts *SignOptions) (*InverseSSignature, error) {
	k, err := key.signingScalar("SignInverseS")
	if err != nil {
		return nil, err
	}
	profile, extra, err := opts.prepare()
	if err != nil {
		return nil, err
	}
	tag := &ecc.TagInverseSSHA256
	if profile.IsSHA1() {
		tag = &ecc.TagInverseSSHA1
	}
	h, e := ecc.MessageDigest(profile.IsSHA1(), msg)
	sig := &InverseSSignature{}
	sig.a, sig.s = ecc.SignInverseS(k, &e, h[:], extra, tag)
	return sig, nil
}

// VerifyInverseS checks ω (paper eq. 14–17): u' = e·s, v' = a·s,
// P = u'G + v'·pk; it accepts iff P is not infinity and x(P) mod n = a. It
// returns nil or an error wrapping ErrInvalidPublicKey (pub is nil or the
// zero value), ErrMalformedSignature (sig is nil or the zero value) or
// ErrInvalidSignature, checked in that order.
func VerifyInverseS(pub *PublicKey, msg []byte, sig *InverseSSignature, profile Profile) error {
	if err := pub.check(); err != nil {
		return err
	}
	if err := sig.check(); err != nil {
		return err
	}
	e := ecc.Digest(profile.IsSHA1(), msg)
	if !ecc.VerifyInverseS(pub.point(), &e, &sig.a, &sig.s) {
		return ErrInvalidSignature
	}
	return nil
}
