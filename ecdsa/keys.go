package ecdsa

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"io"
	"strings"

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
//
// Only GenerateKey and ParsePrivateKey make usable keys. The zero value, and
// a key wiped by Zero, hold the scalar 0: the signers panic on them (a
// programming error), while a nil *PrivateKey is refused with an error. The methods accept all three without panicking.
type PrivateKey struct {
	k   secp256k1.ModNScalar
	pub PublicKey
}

// PublicKey is the point kG, kept in affine form with its compressed
// encoding.
//
// Only ParsePublicKey and PrivateKey.PublicKey make valid keys. A nil
// *PublicKey and the zero value hold no point: the verifiers refuse them
// with ErrInvalidPublicKey (rather than read the zero value as the point at
// infinity, under which anyone could forge), and the methods return empty
// results for them.
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
	ecc.ScalarBaseMult(k, &priv.pub.p)
	priv.pub.compressed = ecc.CompressAffine(&priv.pub.p)
	return priv
}

// Bytes returns a copy of the 32-byte big-endian encoding of the scalar,
// or nil when k is nil, the zero value or wiped by Zero (the scalar 0,
// which ParsePrivateKey would refuse).
func (k *PrivateKey) Bytes() []byte {
	if k == nil || k.k.IsZero() {
		return nil
	}
	b := k.k.Bytes()
	return b[:]
}

// PublicKey returns the public key kG, or nil when k is nil or the zero
// value. A key wiped by Zero keeps its public key.
func (k *PrivateKey) PublicKey() *PublicKey {
	if k == nil || !k.pub.valid() {
		return nil
	}
	pub := k.pub
	return &pub
}

// Equal reports whether k and x hold the same scalar, in constant time. A
// nil key holds the same scalar, 0, as the zero value and a wiped key.
func (k *PrivateKey) Equal(x *PrivateKey) bool {
	var a, b [32]byte
	if k != nil {
		a = k.k.Bytes()
	}
	if x != nil {
		b = x.k.Bytes()
	}
	eq := subtle.ConstantTimeCompare(a[:], b[:]) == 1
	clear(a[:])
	clear(b[:])
	return eq
}

// Zero overwrites the secret scalar; the signers then panic on the key.
// Zero on a nil key does nothing. Copies made by Go (or returned by Bytes)
// are not reached: zeroing is best effort.
func (k *PrivateKey) Zero() {
	if k != nil {
		k.k.Zero()
	}
}

// signingScalar gives the signer fn the secret scalar of its argument key.
// A nil key is an error; the scalar 0 (the zero value, or a key wiped by
// Zero) panics, naming fn and the argument: signing with a wiped key is a
// programming error, and an error value would let it pass unnoticed.
func (k *PrivateKey) signingScalar(fn string) (*secp256k1.ModNScalar, error) {
	if k == nil {
		return nil, errNilPrivateKey
	}
	if k.k.IsZero() {
		panic("ecdsa: " + fn + ": key is the zero value or was wiped by Zero")
	}
	return &k.k, nil
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
			return nil, fmt.Errorf("%w: %w", ErrInvalidPublicKey, trimDecred(err))
		}
		pub := &PublicKey{}
		dp.AsJacobian(&pub.p)
		pub.compressed = ecc.CompressAffine(&pub.p)
		return pub, nil
	default:
		return nil, fmt.Errorf("%w: want 33 bytes with prefix 02/03 or 65 bytes with prefix 04, got %d bytes", ErrInvalidPublicKey, len(b))
	}
}

// trimDecred cuts the "invalid public key: " that decred's descriptions
// start with, which ErrInvalidPublicKey already says, keeping decred's
// error in the chain.
func trimDecred(err error) error {
	msg := err.Error()
	for _, prefix := range []string{"invalid public key: ", "malformed public key: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return &decredError{msg: msg, err: err}
}

// Bytes returns a copy of the 33-byte compressed SEC1 encoding, or nil when
// p is nil or the zero value.
func (p *PublicKey) Bytes() []byte {
	if !p.valid() {
		return nil
	}
	b := p.compressed
	return b[:]
}

// UncompressedBytes returns the 65-byte uncompressed SEC1 encoding, or nil
// when p is nil or the zero value.
func (p *PublicKey) UncompressedBytes() []byte {
	if !p.valid() {
		return nil
	}
	out := make([]byte, UncompressedPublicKeySize)
	out[0] = 0x04
	p.p.X.PutBytesUnchecked(out[1:33])
	p.p.Y.PutBytesUnchecked(out[33:])
	return out
}

// Equal reports whether p and x are the same point. Nil and the zero value
// are equal to each other and to no valid key.
func (p *PublicKey) Equal(x *PublicKey) bool {
	var a, b [PublicKeySize]byte
	if p != nil {
		a = p.compressed
	}
	if x != nil {
		b = x.compressed
	}
	return a == b
}

// valid reports whether p holds a point: the constructors always set the
// prefix of its encoding to 0x02 or 0x03, so only a nil pointer and the
// zero value fail (they are the only invalid keys the API can produce).
func (p *PublicKey) valid() bool {
	return p != nil && p.compressed[0] != 0
}

// check is valid as the verifiers' error.
func (p *PublicKey) check() error {
	switch {
	case p == nil:
		return errNilPublicKey
	case p.compressed[0] == 0:
		return errZeroPublicKey
	}
	return nil
}

// point returns the affine point for the verifiers.
func (p *PublicKey) point() *secp256k1.JacobianPoint {
	return &p.p
}
