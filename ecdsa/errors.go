package ecdsa

import (
	"errors"
	"fmt"
)

// Errors returned by the parsers, signers and verifiers of this package.
// They are usually wrapped with detail; test for them with errors.Is.
var (
	// ErrInvalidPrivateKey: not 32 bytes, zero, or not less than the group
	// order n; or a nil *PrivateKey given to a signer.
	ErrInvalidPrivateKey = errors.New("ecdsa: invalid private key")
	// ErrInvalidPublicKey: wrong length or prefix, coordinate ≥ p, or not on
	// the curve; or a nil or zero-value *PublicKey given to a verifier.
	ErrInvalidPublicKey = errors.New("ecdsa: invalid public key")

	// ErrAddressEncoding: the address is not a base58 string that decodes
	// to anything (empty, or a character outside the base58 alphabet).
	ErrAddressEncoding = errors.New("ecdsa: address is not valid base58")
	// ErrAddressLength: the decoded address is not 1 + 20 + 4 bytes long.
	ErrAddressLength = errors.New("ecdsa: address has the wrong length")
	// ErrAddressChecksum: the 4-byte double-SHA-256 checksum does not match.
	ErrAddressChecksum = errors.New("ecdsa: address checksum mismatch")
	// ErrAddressVersion: the version byte is not the one expected.
	ErrAddressVersion = errors.New("ecdsa: address has the wrong version")

	// ErrMalformedSignature: the signature encoding is wrong (length,
	// scalar out of range, high s, point not on the curve); or a nil or
	// zero-value signature given to a verifier.
	ErrMalformedSignature = errors.New("ecdsa: malformed signature")
	// ErrInvalidSignature: the signature is well formed but does not verify.
	ErrInvalidSignature = errors.New("ecdsa: signature does not verify")
)

// The verifiers' and signers' refusals of nil and zero-value arguments and
// of r = 0, made once: the hot path does not allocate them.
var (
	errNilPrivateKey = fmt.Errorf("%w: nil", ErrInvalidPrivateKey)
	errNilPublicKey  = fmt.Errorf("%w: nil", ErrInvalidPublicKey)
	errZeroPublicKey = fmt.Errorf("%w: zero value, not made by ParsePublicKey or PrivateKey.PublicKey", ErrInvalidPublicKey)
	errNilSignature  = fmt.Errorf("%w: nil", ErrMalformedSignature)
	errZeroSignature = fmt.Errorf("%w: zero value, not made by a parser or a signer", ErrMalformedSignature)
	// x(R) = n: the points (n, ±y) exist (x = 0 does not); with r = 0, s
	// would not depend on the key.
	errRZero = fmt.Errorf("%w: x(R) ≡ 0 mod n", ErrInvalidSignature)
)

// decredError carries an error of decred's secp256k1 package with its
// description cut to what this package's sentinel does not already say:
// decred's "invalid public key: x >= field prime" is wrapped as
// "ecdsa: invalid public key: x >= field prime". errors.Is still finds
// decred's ErrorKind.
type decredError struct {
	msg string
	err error
}

func (e *decredError) Error() string { return e.msg }
func (e *decredError) Unwrap() error { return e.err }
