package ecdsa

import (
	"fmt"
	"io"

	"github.com/cbets/cbets/internal/ecc"
)

// Profile selects the hash function H of the signature schemes (SPEC
// sections 3 and 4). The verifier chooses the profile; it is not read from
// the signature.
type Profile uint8

const (
	// SHA256 is the default profile.
	SHA256 Profile = iota
	// PaperSHA1 hashes with SHA-1, as the paper does. Use it only to
	// reproduce the paper: SHA-1 is not collision resistant.
	PaperSHA1
)

func (p Profile) String() string {
	switch p {
	case SHA256:
		return "sha256"
	case PaperSHA1:
		return "sha1"
	default:
		return fmt.Sprintf("Profile(%d)", uint8(p))
	}
}

// IsSHA1 reports whether p is the SHA-1 paper profile. It panics on a
// profile that is neither, which is a programming error.
func (p Profile) IsSHA1() bool {
	switch p {
	case SHA256:
		return false
	case PaperSHA1:
		return true
	}
	panic("ecdsa: unknown profile " + p.String())
}

// SignOptions adjusts signing. The zero value (and a nil *SignOptions)
// signs deterministically with the SHA-256 profile.
type SignOptions struct {
	// Profile is the hash profile.
	Profile Profile
	// Rand, when not nil, hedges the nonce: 32 bytes read from it are mixed
	// into the RFC 6979 derivation (the "extra data" of RFC 6979 section
	// 3.6). Hedged signatures are not reproducible, and remain safe if Rand
	// is broken.
	Rand io.Reader
}

// prepare returns the profile and the hedging bytes (nil when not hedging).
func (o *SignOptions) prepare() (Profile, *[32]byte, error) {
	if o == nil {
		return SHA256, nil, nil
	}
	o.Profile.IsSHA1() // panics on an unknown profile
	extra, err := ecc.ReadExtra(o.Rand)
	if err != nil {
		return 0, nil, fmt.Errorf("ecdsa: %w", err)
	}
	return o.Profile, extra, nil
}
