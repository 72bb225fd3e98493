package ringsig

import "errors"

// Errors of this package; test for them with errors.Is. Each error the
// package returns starts with exactly one of these and adds the detail after
// it; an error from another package (the random source, ecdsa, h2c) comes
// last, wrapped.
var (
	// ErrRingSize: fewer than MinRingSize or more than MaxRingSize members,
	// or a nil or zero-value *Ring (not made by NewRing or ParseRing).
	ErrRingSize = errors.New("ringsig: ring size out of range")
	// ErrRingMember: a member that is nil or not a valid key.
	ErrRingMember = errors.New("ringsig: invalid ring member")
	// ErrDuplicateMember: the same key twice in a ring.
	ErrDuplicateMember = errors.New("ringsig: duplicate ring member")
	// ErrSigningKey: the private key given to Sign is nil or zero (wiped
	// by Zero, or a zero-value ecdsa.PrivateKey).
	ErrSigningKey = errors.New("ringsig: invalid signing key")
	// ErrSignerIndex: the index is out of range or the key at it is not
	// the signer's.
	ErrSignerIndex = errors.New("ringsig: signer is not at the given index")
	// ErrScope: the scope cannot be hashed to the curve, or a nil or
	// zero-value *Scope (not made by NewScope).
	ErrScope = errors.New("ringsig: invalid scope")
	// ErrMalformedSignature: wrong length, a scalar not below n, a zero
	// challenge, a key image that is not a canonical curve point, or a nil
	// or zero-value *Signature (not made by ParseSignature or Sign).
	ErrMalformedSignature = errors.New("ringsig: malformed signature")
	// ErrRingMismatch: the signature has a different number of responses
	// than the ring has members.
	ErrRingMismatch = errors.New("ringsig: signature and ring sizes differ")
	// ErrInvalidSignature: the challenge chain does not close, one of its
	// challenges is zero, or one of its points L_i, R_i is the point at
	// infinity.
	ErrInvalidSignature = errors.New("ringsig: signature does not verify")
	// ErrZeroTag: Link was given the zero Tag, which Verify never returns
	// with a nil error.
	ErrZeroTag = errors.New("ringsig: zero tag")
)
