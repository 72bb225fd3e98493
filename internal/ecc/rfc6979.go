package ecc

import (
	"crypto/sha256"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// rfc6979Key is the most the HMAC key material of Nonce holds:
// int2octets(x) ‖ hash ‖ extra ‖ tag.
const rfc6979Key = 32 + 32 + 32 + 16

// hmacSHA256 returns HMAC-SHA256 under the 32-byte key k of
// v ‖ sep ‖ data (sep omitted when negative), hashing from stack buffers so
// that nothing is allocated. len(data) ≤ rfc6979Key.
func hmacSHA256(k, v *[32]byte, sep int, data []byte) [32]byte {
	var inner [sha256.BlockSize + 32 + 1 + rfc6979Key]byte
	var outer [sha256.BlockSize + sha256.Size]byte
	for i := range sha256.BlockSize {
		var kb byte
		if i < 32 {
			kb = k[i]
		}
		inner[i] = kb ^ 0x36
		outer[i] = kb ^ 0x5c
	}
	n := sha256.BlockSize + copy(inner[sha256.BlockSize:], v[:])
	if sep >= 0 {
		inner[n] = byte(sep)
		n++
	}
	n += copy(inner[n:], data)
	ih := sha256.Sum256(inner[:n])
	copy(outer[sha256.BlockSize:], ih[:])
	out := sha256.Sum256(outer[:])
	clear(inner[:])
	clear(outer[:])
	clear(ih[:])
	return out
}

// nonceRFC6979 is decred's secp256k1.NonceRFC6979 (RFC 6979 section 3.2
// with HMAC-SHA256, the extra data and version of section 3.6, and
// extraIterations valid candidates skipped), byte for byte, without its
// heap allocations. privKey and hash are cut to 32 bytes or left-padded
// with zeros; extra is used only when 32 bytes long, version only when 16.
func nonceRFC6979(privKey, hash, extra, version []byte, extraIterations uint32) secp256k1.ModNScalar {
	var keyBuf [rfc6979Key]byte
	privKey = privKey[:min(len(privKey), 32)]
	hash = hash[:min(len(hash), 32)]
	off := 32 - len(privKey)
	off += copy(keyBuf[off:], privKey)
	off += 32 - len(hash)
	off += copy(keyBuf[off:], hash)
	switch {
	case len(extra) == 32:
		off += copy(keyBuf[off:], extra)
		if len(version) == 16 {
			off += copy(keyBuf[off:], version)
		}
	case len(version) == 16:
		off += 32 // zero extra data
		off += copy(keyBuf[off:], version)
	}
	key := keyBuf[:off]
	var k, v [32]byte
	for i := range v {
		v[i] = 1
	}
	k = hmacSHA256(&k, &v, 0, key)  // step D
	v = hmacSHA256(&k, &v, -1, nil) // step E
	k = hmacSHA256(&k, &v, 1, key)  // step F
	v = hmacSHA256(&k, &v, -1, nil) // step G
	var generated uint32
	for {
		v = hmacSHA256(&k, &v, -1, nil) // step H1, H2
		var secret secp256k1.ModNScalar
		overflow := secret.SetBytes(&v)
		if overflow == 0 && !secret.IsZero() {
			generated++
			if generated > extraIterations {
				clear(keyBuf[:])
				clear(k[:])
				clear(v[:])
				return secret
			}
		}
		k = hmacSHA256(&k, &v, 0, nil) // step H3
		v = hmacSHA256(&k, &v, -1, nil)
	}
}
