package ecdsa

import (
	"crypto/sha256"
	"fmt"

	"github.com/btcsuite/btcd/btcutil/base58"
	//lint:ignore SA1019 RIPEMD-160 is fixed by the address format (SPEC section 1).
	"golang.org/x/crypto/ripemd160"
)

// DefaultAddressVersion is the version byte of the paper's WID and MID
// addresses: 0x00, the same bytes as a Bitcoin P2PKH address.
const DefaultAddressVersion byte = 0x00

const (
	addressHashSize    = ripemd160.Size
	addressPayloadSize = 1 + addressHashSize
	addressDecodedSize = addressPayloadSize + 4
)

// Address is a wallet address (the paper's WID, MID and addr_m, SPEC
// section 1): a version byte and RIPEMD160(SHA256(compressed public key)),
// written in base58check.
type Address struct {
	version byte
	hash    [addressHashSize]byte
}

// Address returns the address of p under the given version byte. For a nil
// or zero-value p, which holds no key, it returns the zero Address (version
// 0 and a hash of twenty zero bytes, whose preimage nobody knows).
func (p *PublicKey) Address(version byte) Address {
	if !p.valid() {
		return Address{}
	}
	sh := sha256.Sum256(p.compressed[:])
	r := ripemd160.New()
	r.Write(sh[:])
	a := Address{version: version}
	r.Sum(a.hash[:0])
	return a
}

// ParseAddress decodes a base58check address and checks its version byte.
// It returns ErrAddressEncoding, ErrAddressLength, ErrAddressChecksum or
// ErrAddressVersion (in that order of checks). Decoding is exact: the
// result's String is s.
func ParseAddress(s string, version byte) (Address, error) {
	raw := base58.Decode(s)
	if len(raw) == 0 {
		return Address{}, ErrAddressEncoding
	}
	if len(raw) != addressDecodedSize {
		return Address{}, fmt.Errorf("%w: %d bytes, want %d", ErrAddressLength, len(raw), addressDecodedSize)
	}
	sum := checksum(raw[:addressPayloadSize])
	if [4]byte(raw[addressPayloadSize:]) != sum {
		return Address{}, ErrAddressChecksum
	}
	if raw[0] != version {
		return Address{}, fmt.Errorf("%w: 0x%02x, want 0x%02x", ErrAddressVersion, raw[0], version)
	}
	a := Address{version: raw[0], hash: [addressHashSize]byte(raw[1:addressPayloadSize])}
	// base58 with leading-zero digits is a bijection on the strings Decode
	// accepts, so this never fails; it keeps the parser's contract explicit.
	if a.String() != s {
		return Address{}, ErrAddressEncoding
	}
	return a, nil
}

func checksum(payload []byte) [4]byte {
	h1 := sha256.Sum256(payload)
	h2 := sha256.Sum256(h1[:])
	return [4]byte(h2[:4])
}

// String returns the base58check encoding.
func (a Address) String() string {
	var buf [addressDecodedSize]byte
	buf[0] = a.version
	copy(buf[1:], a.hash[:])
	sum := checksum(buf[:addressPayloadSize])
	copy(buf[addressPayloadSize:], sum[:])
	return base58.Encode(buf[:])
}

// Version returns the version byte.
func (a Address) Version() byte { return a.version }

// Hash returns the 20-byte RIPEMD160(SHA256(pk)) the address encodes.
func (a Address) Hash() [20]byte { return a.hash }

// AddressFromHash builds the address with the given version byte and
// 20-byte hash, for decoders of formats that carry an address in binary.
func AddressFromHash(version byte, hash [20]byte) Address {
	return Address{version: version, hash: hash}
}
