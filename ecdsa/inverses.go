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

// Bytes returns a copy of the 64-byte encoding.
func (sig *InverseSSignature) Bytes() []byte {
	out := make([]byte, InverseSSignatureSize)
	sig.a.PutBytesUnchecked(out[:32])
	sig.s.PutBytesUnchecked(out[32:])
	return out
}

// SignInverseS produces the consumption signature ω (paper eq. 11–13):
// d = RFC 6979 nonce, a = x(dG) mod n, e = H(msg) mod n,
// b = d⁻¹(e + k·a), s = b⁻¹, low-s normalised. It returns an error only when
// hedging randomness cannot be read.
func SignInverseS(key *PrivateKey, msg []byte, opts *SignOptions) (*InverseSSignature, error) {
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
	sig.a, sig.s = ecc.SignInverseS(key.scalar(), &e, h[:], extra, tag)
	return sig, nil
}

// VerifyInverseS checks ω (paper eq. 14–17): u' = e·s, v' = a·s,
// P = u'G + v'·pk; it accepts iff P is not infinity and x(P) mod n = a. It
// returns nil or an error wrapping ErrInvalidSignature.
func VerifyInverseS(pub *PublicKey, msg []byte, sig *InverseSSignature, profile Profile) error {
	e := ecc.Digest(profile.IsSHA1(), msg)
	if !ecc.VerifyInverseS(pub.point(), &e, &sig.a, &sig.s) {
		return ErrInvalidSignature
	}
	return nil
}
