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

// bindingPrefix opens the message B that the merchant's half signs
// (SPEC section 5).
const bindingPrefix = "CBETS/2OF2/v1"

var (
	// ErrMalformedSignature: Σ is not 128 bytes, a scalar is out of
	// range, either half has a high s, or the Signature is nil or was not
	// made by ParseSignature or Complete.
	ErrMalformedSignature = errors.New("multisig: malformed signature")
	// ErrUserSignature: the holder's half ω does not verify.
	ErrUserSignature = errors.New("multisig: user signature does not verify")
	// ErrMerchantSignature: the merchant's half does not verify.
	ErrMerchantSignature = errors.New("multisig: merchant signature does not verify")
	// ErrSameKey: the holder's key and the merchant's key are one key; a
	// 2-of-2 signature needs two.
	ErrSameKey = errors.New("multisig: user and merchant keys are the same")
)

// Signature is the combined consumption signature Σ = ω ‖ σ2 (SPEC section
// 5), where ω = (a_u, s_u) is the holder's inverse-s signature on msg and
// σ2 = (a_m, s_m) with s_m = s_u + t (paper eq. 22), (a_m, t) being the
// merchant's low-s inverse-s signature on the binding message B.
//
// Only ParseSignature and Complete make signatures. Verify refuses a nil
// pointer and the zero value with ErrMalformedSignature, and the methods
// return nil for them.
type Signature struct {
	raw      [SignatureSize]byte
	user     ecdsa.InverseSSignature // (a_u, s_u)
	merchant ecdsa.InverseSSignature // (a_m, t)
	parsed   bool                    // set by ParseSignature
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
	sig := &Signature{user: *user, merchant: *merchant, parsed: true}
	copy(sig.raw[:], b)
	return sig, nil
}

// Bytes returns a copy of the 128-byte encoding, or nil when sig is nil or
// the zero value.
func (sig *Signature) Bytes() []byte {
	if sig == nil || !sig.parsed {
		return nil
	}
	b := sig.raw
	return b[:]
}

// UserSignature returns a copy of the holder's ω contained in Σ, or nil
// when sig is nil or the zero value.
func (sig *Signature) UserSignature() *ecdsa.InverseSSignature {
	if sig == nil || !sig.parsed {
		return nil
	}
	omega := sig.user
	return &omega
}

// bindingMessage returns B = "CBETS/2OF2/v1" ‖ pk_u ‖ pk_m ‖ ω ‖ msg (SPEC
// section 5), the message that the merchant's half signs: 13 ASCII bytes,
// the two 33-byte compressed keys, the 64-byte ω = a_u ‖ s_u, then msg.
func bindingMessage(pkUser, pkMerchant, omega, msg []byte) []byte {
	b := make([]byte, 0, len(bindingPrefix)+2*ecdsa.PublicKeySize+ecdsa.InverseSSignatureSize+len(msg))
	b = append(b, bindingPrefix...)
	b = append(b, pkUser...)
	b = append(b, pkMerchant...)
	b = append(b, omega...)
	return append(b, msg...)
}

// checkKeys refuses a nil or zero-value key and one key in both roles. A
// *ecdsa.PublicKey made by package ecdsa is always a valid point with a
// 33-byte encoding starting with 0x02 or 0x03; only the zero value, which
// would stand for the point at infinity (under which anyone could forge),
// has another.
func checkKeys(pkUser, pkMerchant *ecdsa.PublicKey) error {
	for _, k := range []struct {
		role string
		pk   *ecdsa.PublicKey
	}{{"user", pkUser}, {"merchant", pkMerchant}} {
		if k.pk == nil {
			return fmt.Errorf("multisig: %s key: %w: nil", k.role, ecdsa.ErrInvalidPublicKey)
		}
		if b := k.pk.Bytes(); len(b) != ecdsa.PublicKeySize || (b[0] != 0x02 && b[0] != 0x03) {
			return fmt.Errorf("multisig: %s key: %w: zero value", k.role, ecdsa.ErrInvalidPublicKey)
		}
	}
	if pkUser.Equal(pkMerchant) {
		return ErrSameKey
	}
	return nil
}

// checkProfile refuses a profile other than ecdsa.SHA256 and
// ecdsa.PaperSHA1, on which package ecdsa would panic.
func checkProfile(p ecdsa.Profile) error {
	if p != ecdsa.SHA256 && p != ecdsa.PaperSHA1 {
		return fmt.Errorf("multisig: unknown hash profile %v", p)
	}
	return nil
}

// Complete is the merchant's step (paper eq. 18–22, SPEC section 5): it
// verifies the holder's ω on msg under pkUser, then signs the binding
// message B = "CBETS/2OF2/v1" ‖ pk_u ‖ pk_m ‖ ω ‖ msg with the inverse-s
// scheme under its own nonce tag, obtaining (a_m, t), and returns
// Σ = ω ‖ a_m ‖ (s_u + t). opts selects the profile (the one ω must verify
// under) and optional hedging; nil means SHA-256, deterministic.
//
// It returns an error wrapping ecdsa.ErrInvalidPrivateKey for a nil
// merchant key, ecdsa.ErrInvalidPublicKey for a nil or zero-value pkUser,
// ErrSameKey when pkUser is the merchant's own key, and ErrUserSignature
// when ω is nil or does not verify; an error wrapping none of these for an
// unknown profile or unreadable hedging randomness. It panics when merchant is the zero
// value or was wiped by Zero: signing with a wiped key is a programming
// error.
func Complete(merchant *ecdsa.PrivateKey, pkUser *ecdsa.PublicKey, msg []byte, omega *ecdsa.InverseSSignature, opts *ecdsa.SignOptions) (*Signature, error) {
	if merchant == nil {
		return nil, fmt.Errorf("multisig: merchant key: %w: nil", ecdsa.ErrInvalidPrivateKey)
	}
	skb := merchant.Bytes()
	k, ok := ecc.ParseNonZeroScalar(skb)
	clear(skb)
	if !ok {
		panic("multisig: Complete: merchant key is the zero value or was wiped by Zero")
	}
	defer k.Zero()

	var o ecdsa.SignOptions
	if opts != nil {
		o = *opts
	}
	profile := o.Profile
	if err := checkProfile(profile); err != nil {
		return nil, err
	}
	pkMerchant := merchant.PublicKey()
	if err := checkKeys(pkUser, pkMerchant); err != nil {
		return nil, err
	}
	if omega == nil {
		return nil, fmt.Errorf("%w: ω is nil", ErrUserSignature)
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
	wb := omega.Bytes()
	h, e := ecc.MessageDigest(profile.IsSHA1(), bindingMessage(pkUser.Bytes(), pkMerchant.Bytes(), wb, msg))
	am, t := ecc.SignInverseS(&k, &e, h[:], extra, tag)

	su, _ := ecc.ParseScalar(wb[32:])
	var sm secp256k1.ModNScalar
	sm.Add2(&su, &t)

	var raw [SignatureSize]byte
	copy(raw[:64], wb)
	am.PutBytesUnchecked(raw[64:96])
	sm.PutBytesUnchecked(raw[96:])
	// ω verified, so s_u is in [1, (n−1)/2] like t: Σ always parses.
	sig, err := ParseSignature(raw[:])
	if err != nil {
		panic("multisig: completed signature does not parse: " + err.Error())
	}
	return sig, nil
}

// Verify checks Σ on msg (SPEC section 5): both keys are valid and
// distinct, ω verifies under pkUser on msg, and (a_m, s_m − s_u) verifies
// as an inverse-s signature under pkMerchant on
// B = "CBETS/2OF2/v1" ‖ pk_u ‖ pk_m ‖ ω ‖ msg, built from these very keys,
// ω and msg. It returns nil, or an error wrapping ErrMalformedSignature
// (nil or zero-value sig), ecdsa.ErrInvalidPublicKey (nil or zero-value
// key), ErrSameKey, ErrUserSignature or ErrMerchantSignature, checked in
// that order; or one wrapping none of these for an unknown profile.
func Verify(pkUser, pkMerchant *ecdsa.PublicKey, msg []byte, sig *Signature, profile ecdsa.Profile) error {
	if sig == nil {
		return fmt.Errorf("%w: nil", ErrMalformedSignature)
	}
	if !sig.parsed {
		return fmt.Errorf("%w: zero value", ErrMalformedSignature)
	}
	if err := checkKeys(pkUser, pkMerchant); err != nil {
		return err
	}
	if err := checkProfile(profile); err != nil {
		return err
	}
	if err := ecdsa.VerifyInverseS(pkUser, msg, &sig.user, profile); err != nil {
		return fmt.Errorf("%w: %w", ErrUserSignature, err)
	}
	b := bindingMessage(pkUser.Bytes(), pkMerchant.Bytes(), sig.raw[:64], msg)
	if err := ecdsa.VerifyInverseS(pkMerchant, b, &sig.merchant, profile); err != nil {
		return fmt.Errorf("%w: %w", ErrMerchantSignature, err)
	}
	return nil
}
