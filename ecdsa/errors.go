package ecdsa

import "errors"

// Errors returned by the parsers and verifiers of this package. They are
// usually wrapped with detail; test for them with errors.Is.
var (
	// ErrInvalidPrivateKey: not 32 bytes, zero, or not less than the group order n.
	ErrInvalidPrivateKey = errors.New("ecdsa: invalid private key")
	// ErrInvalidPublicKey: wrong length or prefix, coordinate ≥ p, or not on the curve.
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
	// scalar out of range, high s, point not on the curve).
	ErrMalformedSignature = errors.New("ecdsa: malformed signature")
	// ErrInvalidSignature: the signature is well formed but does not verify.
	ErrInvalidSignature = errors.New("ecdsa: signature does not verify")
)
