package ecdsa

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Encoded sizes, in bytes.
const (
	PrivateKeySize             = 32
	PublicKeySize              = 33 // compressed SEC1
	UncompressedPublicKeySize  = 65
	maxKeyGenerationRejections = 128
)

// PrivateKey is a secp256k1 secret scalar k in [1, n−1] (paper eq. 1) with
// its public key. Users, merchants and the registrar all use this type.
type PrivateKey struct {
	k   secp256k1.ModNScalar
	pub PublicKey
}

// PublicKey is the point kG, kept in affine form with its compressed
// encoding.
type PublicKey struct {
	p          secp256k1.JacobianPoint // affine: Z = 1
	compressed [PublicKeySize]byte
}

// GenerateKey returns a new private key drawn uniformly from [1, n−1] by
// rejection sampling 32-byte strings from rand. A nil rand means
// crypto/rand.Reader.
func GenerateKey(random io.Reader) (*PrivateKey, error) {
	if random == nil {
		random = rand.Reader
	}
	var buf [PrivateKeySize]byte
	defer clear(buf[:])
	for range maxKeyGenerationRejections {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return nil, fmt.Errorf("ecdsa: reading randomness: %w", err)
		}
		if k, ok := ecc.ParseNonZeroScalar(buf[:]); ok {
			return newPrivateKey(&k), nil
		}
	}
	// A uniform source fails this loop with probability below 2^-128·128.
	return nil, fmt.Errorf("ecdsa: randomness source yields no valid scalar")
}

// ParsePrivateKey decodes a 32-byte big-endian scalar. Zero and values not
// less than n are rejected (never reduced), so Bytes returns b exactly.
func ParsePrivateKey(b []byte) (*PrivateKey, error) {
	if len(b) != PrivateKeySize {
		return nil, fmt.Errorf("%w: length %d, want %d", ErrInvalidPrivateKey, len(b), PrivateKeySize)
	}
	k, ok := ecc.ParseNonZeroScalar(b)
	if !ok {
		return nil, fmt.Errorf("%w: scalar is zero or not less than the group order", ErrInvalidPrivateKey)
	}
	key := newPrivateKey(&k)
	k.Zero()
	return key, nil
}

func newPrivateKey(k *secp256k1.ModNScalar) *PrivateKey {
	priv := &PrivateKey{k: *k}
	secp256k1.ScalarBaseMultNonConst(k, &priv.pub.p)
	ecc.ToAffine(&priv.pub.p)
	priv.pub.compressed = ecc.CompressAffine(&priv.pub.p)
	return priv
}

// Bytes returns a copy of the 32-byte big-endian encoding of the scalar.
func (k *PrivateKey) Bytes() []byte {
	b := k.k.Bytes()
	return b[:]
}

// PublicKey returns the public key kG.
func (k *PrivateKey) PublicKey() *PublicKey {
	pub := k.pub
	return &pub
}

// Equal reports whether k and x hold the same scalar, in constant time.
func (k *PrivateKey) Equal(x *PrivateKey) bool {
	a, b := k.k.Bytes(), x.k.Bytes()
	eq := subtle.ConstantTimeCompare(a[:], b[:]) == 1
	clear(a[:])
	clear(b[:])
	return eq
}

// Zero overwrites the secret scalar. The key must not be used afterwards.
// Copies made by Go (or returned by Bytes) are not reached: zeroing is best
// effort.
func (k *PrivateKey) Zero() {
	k.k.Zero()
}

// scalar gives the package's signers the secret scalar.
func (k *PrivateKey) scalar() *secp256k1.ModNScalar {
	if k.k.IsZero() {
		panic("ecdsa: use of a zeroed private key")
	}
	return &k.k
}

// ParsePublicKey decodes a public key in compressed (33 bytes, prefix 0x02
// or 0x03) or uncompressed (65 bytes, prefix 0x04) SEC1 form. The hybrid
// forms 0x06/0x07, coordinates not less than p and points off the curve are
// rejected. Bytes returns the compressed form, so a compressed input
// round-trips exactly and an uncompressed one through UncompressedBytes.
func ParsePublicKey(b []byte) (*PublicKey, error) {
	switch {
	case len(b) == PublicKeySize && (b[0] == 0x02 || b[0] == 0x03):
		p, ok := ecc.ParseCompressedPoint(b)
		if !ok {
			return nil, fmt.Errorf("%w: x coordinate is not on the curve or not less than p", ErrInvalidPublicKey)
		}
		pub := &PublicKey{p: p}
		copy(pub.compressed[:], b)
		return pub, nil
	case len(b) == UncompressedPublicKeySize && b[0] == 0x04:
		// decred checks the coordinates' range and the curve equation.
		dp, err := secp256k1.ParsePubKey(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidPublicKey, err)
		}
		pub := &PublicKey{}
		dp.AsJacobian(&pub.p)
		pub.compressed = ecc.CompressAffine(&pub.p)
		return pub, nil
	default:
		return nil, fmt.Errorf("%w: want 33 bytes with prefix 02/03 or 65 bytes with prefix 04, got %d bytes", ErrInvalidPublicKey, len(b))
	}
}

// Bytes returns a copy of the 33-byte compressed SEC1 encoding.
func (p *PublicKey) Bytes() []byte {
	b := p.compressed
	return b[:]
}

// UncompressedBytes returns the 65-byte uncompressed SEC1 encoding.
func (p *PublicKey) UncompressedBytes() []byte {
	out := make([]byte, UncompressedPublicKeySize)
	out[0] = 0x04
	p.p.X.PutBytesUnchecked(out[1:33])
	p.p.Y.PutBytesUnchecked(out[33:])
	return out
}

// Equal reports whether p and x are the same point.
func (p *PublicKey) Equal(x *PublicKey) bool {
	return p.compressed == x.compressed
}

// point returns the affine point for the verifiers.
func (p *PublicKey) point() *secp256k1.JacobianPoint {
	return &p.p
}
