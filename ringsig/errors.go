package ringsig

import "errors"

// Errors of this package; test for them with errors.Is.
var (
	// ErrRingSize: fewer than MinRingSize or more than MaxRingSize members.
	ErrRingSize = errors.New("ringsig: ring size out of range")
	// ErrRingMember: a member that is not a valid key.
	ErrRingMember = errors.New("ringsig: invalid ring member")
	// ErrDuplicateMember: the same key twice in a ring.
	ErrDuplicateMember = errors.New("ringsig: duplicate ring member")
	// ErrSignerIndex: the index is out of range or the key at it is not
	// the signer's.
	ErrSignerIndex = errors.New("ringsig: signer is not at the given index")
	// ErrScope: the scope cannot be hashed to the curve.
	ErrScope = errors.New("ringsig: invalid scope")
	// ErrMalformedSignature: wrong length, a scalar not below n, a zero
	// challenge, or a key image that is not a canonical curve point.
	ErrMalformedSignature = errors.New("ringsig: malformed signature")
	// ErrRingMismatch: the signature has a different number of responses
	// than the ring has members.
	ErrRingMismatch = errors.New("ringsig: signature and ring sizes differ")
	// ErrInvalidSignature: the challenge chain does not close.
	ErrInvalidSignature = errors.New("ringsig: signature does not verify")
)
