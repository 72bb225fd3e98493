package h2c

import (
	"crypto/sha256"
	"fmt"
)

const (
	// hashSize is b_in_bytes, the output size of SHA-256.
	hashSize = sha256.Size

	// hashBlockSize is s_in_bytes, the input block size of SHA-256.
	hashBlockSize = sha256.BlockSize

	// MaxXMDLength is the largest output length expand_message_xmd with
	// SHA-256 supports: ell = ceil(len / 32) must not exceed 255.
	MaxXMDLength = 255 * hashSize

	// maxDSTLength is the longest tag used as it is; longer tags are first
	// hashed (RFC 9380 section 5.3.3).
	maxDSTLength = 255

	// oversizeDSTPrefix is prepended to a tag longer than 255 bytes before
	// it is hashed to 32 bytes (RFC 9380 section 5.3.3).
	oversizeDSTPrefix = "H2C-OVERSIZE-DST-"
)

// ExpandMessageXMD implements expand_message_xmd of RFC 9380 section 5.3.1
// with SHA-256.  It returns lenInBytes uniformly distributed bytes derived
// from msg under the domain separation tag dst.
//
// dst must not be empty.  A tag longer than 255 bytes is replaced by
// SHA-256("H2C-OVERSIZE-DST-" || dst) as section 5.3.3 prescribes.
// lenInBytes must lie in [1, MaxXMDLength].
func ExpandMessageXMD(msg, dst []byte, lenInBytes int) ([]byte, error) {
	if err := checkXMDArgs(dst, lenInBytes); err != nil {
		return nil, err
	}
	out := make([]byte, lenInBytes)
	expandXMD(out, msg, dst)
	return out, nil
}

// checkXMDArgs validates the tag and the requested output length.
func checkXMDArgs(dst []byte, lenInBytes int) error {
	if len(dst) == 0 {
		return ErrEmptyDST
	}
	if lenInBytes < 1 || lenInBytes > MaxXMDLength {
		return fmt.Errorf("%w: %d bytes requested, want 1 to %d",
			ErrOutputLength, lenInBytes, MaxXMDLength)
	}
	return nil
}

// expandXMD fills out with expand_message_xmd(msg, dst, len(out)).  The
// caller has checked the arguments with checkXMDArgs.
func expandXMD(out, msg, dst []byte) {
	// DST' = DST || I2OSP(len(DST), 1), with an oversized DST hashed first.
	var dstHash [hashSize]byte
	if len(dst) > maxDSTLength {
		h := sha256.New()
		h.Write([]byte(oversizeDSTPrefix))
		h.Write(dst)
		h.Sum(dstHash[:0])
		dst = dstHash[:]
	}

	outLen := len(out)
	ell := (outLen + hashSize - 1) / hashSize

	// b_0 = H(Z_pad || msg || I2OSP(len, 2) || I2OSP(0, 1) || DST').
	var zPad [hashBlockSize]byte
	var tail [3 + maxDSTLength + 1]byte
	tail[0] = byte(outLen >> 8)
	tail[1] = byte(outLen)
	tail[2] = 0
	n := 3 + copy(tail[3:], dst)
	tail[n] = byte(len(dst))
	n++

	h := sha256.New()
	h.Write(zPad[:])
	h.Write(msg)
	h.Write(tail[:n])
	var b0 [hashSize]byte
	h.Sum(b0[:0])

	// b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST'), with b_1 using
	// b_0 alone; taking b_(0) as all zero in the xor covers both cases.
	var block [hashSize + 1 + maxDSTLength + 1]byte
	m := hashSize + 1 + copy(block[hashSize+1:], dst)
	block[m] = byte(len(dst))
	m++
	var prev [hashSize]byte
	for i := 1; i <= ell; i++ {
		for j := range hashSize {
			block[j] = b0[j] ^ prev[j]
		}
		block[hashSize] = byte(i)
		prev = sha256.Sum256(block[:m])
		copy(out[(i-1)*hashSize:], prev[:])
	}
}
