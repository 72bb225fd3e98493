package multisig

import (
	"errors"
	"fmt"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// SignatureSize is the length of a combined signature Σ = ω ‖ a_m ‖ s_m.
const SignatureSize = 2 * ecdsa.InverseSSignatureSize

var (
	// ErrMalformedSignature: Σ is not 128 bytes, a scalar is out of
	// range, or either half has a high s.
	ErrMalformedSignature = errors.New("multisig: malformed signature")
	// ErrUserSignature: the holder's half ω does not verify.
	ErrUserSignature = errors.New("multisig: user signature does not verify")
	// ErrMerchantSignature: the merchant's half does not verify.
	ErrMerchantSignature = errors.New("multisig: merchant signature does not verify")
)

// Signature is the combined consumption signature Σ = ω ‖ σ2 (SPEC section
// 5), where ω = (a_u, s_u) is the holder's inverse-s signature and
// σ2 = (a_m, s_m) with s_m = s_u + t (paper eq. 22), t being the merchant's
// low-s inverse-s scalar.
type Signature struct {
	raw      [SignatureSize]byte
	user     *ecdsa.InverseSSignature // (a_u, s_u)
	merchant *ecdsa.InverseSSignature // (a_m, t)
}

// ParseSignature decodes Σ. Each of a_u, s_u, a_m, s_m must be below n,
// a_u and a_m non-zero, s_u in [1, (n−1)/2], and t = s_m − s_u mod n in
// [1, (n−1)/2]. Since s_u and t are both at most (n−1)/2, s_m = s_u + t never
// wraps. Bytes returns b exactly.
func ParseSignature(b []byte) (*Signature, error) {
	if len(b) != SignatureSize {
		return nil, fmt.Errorf("%w: length %d, want %d", ErrMalformedSignature, len(b), SignatureSize)
	}
	user, err := ecdsa.ParseInverseSSignature(b[:ecdsa.InverseSSignatureSize])
	if err != nil {
		return nil, fmt.Errorf("%w: user half: %w", ErrMalformedSignature, err)
	}
	sm, ok := ecc.ParseScalar(b[96:])
	if !ok {
		return nil, fmt.Errorf("%w: s_m is not less than n", ErrMalformedSignature)
	}
	su, _ := ecc.ParseScalar(b[32:64])
	var t secp256k1.ModNScalar
	t.NegateVal(&su).Add(&sm)
	half := make([]byte, ecdsa.InverseSSignatureSize)
	copy(half, b[64:96])
	tb := t.Bytes()
	copy(half[32:], tb[:])
	merchant, err := ecdsa.ParseInverseSSignature(half)
	if err != nil {
		return nil, fmt.Errorf("%w: merchant half (a_m, s_m − s_u): %w", ErrMalformedSignature, err)
	}
	sig := &Signature{user: user, merchant: merchant}
	copy(sig.raw[:], b)
	return sig, nil
}

// Bytes returns a copy of the 128-byte encoding.
func (sig *Signature) Bytes() []byte {
	b := sig.raw
	return b[:]
}

// UserSignature returns the holder's ω contained in Σ.
func (sig *Signature) UserSignature() *ecdsa.InverseSSignature {
	return sig.user
}

// Complete is the merchant's step (paper eq. 18–22): it verifies the
// holder's ω on msg under pkUser, then signs msg with the inverse-s scheme
// under its own nonce tag, obtaining (a_m, t), and returns
// Σ = ω ‖ a_m ‖ (s_u + t). opts selects the profile (the one ω must verify
// under) and optional hedging.
func Complete(merchant *ecdsa.PrivateKey, pkUser *ecdsa.PublicKey, msg []byte, omega *ecdsa.InverseSSignature, opts *ecdsa.SignOptions) (*Signature, error) {
	profile := ecdsa.SHA256
	var o ecdsa.SignOptions
	if opts != nil {
		o = *opts
		profile = o.Profile
	}
	if err := ecdsa.VerifyInverseS(pkUser, msg, omega, profile); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUserSignature, err)
	}
	extra, err := ecc.ReadExtra(o.Rand)
	if err != nil {
		return nil, fmt.Errorf("multisig: %w", err)
	}
	tag := &ecc.TagMerchantSHA256
	if profile.IsSHA1() {
		tag = &ecc.TagMerchantSHA1
	}
	skb := merchant.Bytes()
	k, ok := ecc.ParseNonZeroScalar(skb)
	clear(skb)
	if !ok {
		panic("multisig: use of a zeroed private key")
	}
	h, e := ecc.MessageDigest(profile.IsSHA1(), msg)
	am, t := ecc.SignInverseS(&k, &e, h[:], extra, tag)
	k.Zero()

	wb := omega.Bytes()
	su, _ := ecc.ParseScalar(wb[32:])
	var sm secp256k1.ModNScalar
	sm.Add2(&su, &t)

	var raw [SignatureSize]byte
	copy(raw[:64], wb)
	am.PutBytesUnchecked(raw[64:96])
	sm.PutBytesUnchecked(raw[96:])
	sig, err := ParseSignature(raw[:])
	if err != nil {
		panic("multisig: completed signature does not parse: " + err.Error())
	}
	return sig, nil
}

// Verify checks Σ on msg (SPEC section 5): ω verifies under pkUser and
// (a_m, s_m − s_u) verifies as an inverse-s signature under pkMerchant. It
// returns nil, or an error wrapping ErrUserSignature or ErrMerchantSignature.
func Verify(pkUser, pkMerchant *ecdsa.PublicKey, msg []byte, sig *Signature, profile ecdsa.Profile) error {
	if err := ecdsa.VerifyInverseS(pkUser, msg, sig.user, profile); err != nil {
		return fmt.Errorf("%w: %w", ErrUserSignature, err)
	}
	if err := ecdsa.VerifyInverseS(pkMerchant, msg, sig.merchant, profile); err != nil {
		return fmt.Errorf("%w: %w", ErrMerchantSignature, err)
	}
	return nil
}
