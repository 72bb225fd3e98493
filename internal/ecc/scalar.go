package ecc

import (
	"encoding/binary"
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Scalar arithmetic mod n on 64-bit limbs, for batch verification, which
// makes several products per signature: decred's ModNScalar multiplies on
// 32-bit limbs, several times slower. Variable time, for public data only.

// Scalar is a scalar mod n as little-endian 64-bit limbs, below n.
type Scalar [4]uint64

// n and 2^256 − n = nc0 + nc1·2^64 + 2^128.
var scalarN = Scalar{0xBFD25E8CD0364141, 0xBAAEDCE6AF48A03B, 0xFFFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFFF}

const (
	nc0 = 0x402DA1732FC9BEBF
	nc1 = 0x4551231950B75FC4
)

// ScalarOf converts a decred scalar.
func ScalarOf(s *secp256k1.ModNScalar) Scalar { return Scalar(limbs(s)) }

// ModN converts x back to a decred scalar.
func (x *Scalar) ModN() secp256k1.ModNScalar {
	var b [32]byte
	binary.BigEndian.PutUint64(b[0:], x[3])
	binary.BigEndian.PutUint64(b[8:], x[2])
	binary.BigEndian.PutUint64(b[16:], x[1])
	binary.BigEndian.PutUint64(b[24:], x[0])
	var s secp256k1.ModNScalar
	s.SetBytes(&b)
	return s
}

// IsZero reports whether x is 0.
func (x *Scalar) IsZero() bool { return x[0]|x[1]|x[2]|x[3] == 0 }

// MulModN returns a·b mod n (variable time).
func MulModN(a, b *Scalar) Scalar {
	var l [8]uint64
	for i := range 4 {
		var carry uint64
		for j := range 4 {
			// a_i·b_j + l + carry < 2^128
			hi, lo := bits.Mul64(a[i], b[j])
			var c uint64
			lo, c = bits.Add64(lo, l[i+j], 0)
			hi += c
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			l[i+j], carry = lo, hi
		}
		l[i+4] = carry
	}
	return reduce512(&l)
}

// AddModN returns a + b mod n.
func AddModN(a, b *Scalar) Scalar {
	var r Scalar
	var c uint64
	r[0], c = bits.Add64(a[0], b[0], 0)
	r[1], c = bits.Add64(a[1], b[1], c)
	r[2], c = bits.Add64(a[2], b[2], c)
	r[3], c = bits.Add64(a[3], b[3], c)
	return reduceOnce(r, c)
}

// reduceOnce returns c·2^256 + r − n when that is not negative, else r:
// r mod n for c·2^256 + r < 2n.
func reduceOnce(r Scalar, c uint64) Scalar {
	var t Scalar
	var bw uint64
	t[0], bw = bits.Sub64(r[0], scalarN[0], 0)
	t[1], bw = bits.Sub64(r[1], scalarN[1], bw)
	t[2], bw = bits.Sub64(r[2], scalarN[2], bw)
	t[3], bw = bits.Sub64(r[3], scalarN[3], bw)
	if c != 0 || bw == 0 {
		return t
	}
	return r
}

// reduce512 returns x mod n for a 512-bit x, folding the limbs above 2^256
// with 2^256 ≡ 2^256 − n (129 bits): each fold takes 127 bits off.
func reduce512(x *[8]uint64) Scalar {
	v := *x
	for v[4]|v[5]|v[6]|v[7] != 0 {
		y := [8]uint64{v[0], v[1], v[2], v[3]}
		for i := range 4 {
			h := v[4+i]
			if h == 0 {
				continue
			}
			addMulAt(&y, i, h, nc0)
			addMulAt(&y, i+1, h, nc1)
			addAt(&y, i+2, h)
		}
		v = y
	}
	return reduceOnce(Scalar{v[0], v[1], v[2], v[3]}, 0)
}

// addMulAt adds a·b·2^(64k) to y, which does not overflow.
func addMulAt(y *[8]uint64, k int, a, b uint64) {
	hi, lo := bits.Mul64(a, b)
	var c uint64
	y[k], c = bits.Add64(y[k], lo, 0)
	y[k+1], c = bits.Add64(y[k+1], hi, c)
	for j := k + 2; c != 0 && j < len(y); j++ {
		y[j], c = bits.Add64(y[j], 0, c)
	}
}

// addAt adds a·2^(64k) to y, which does not overflow.
func addAt(y *[8]uint64, k int, a uint64) {
	var c uint64
	y[k], c = bits.Add64(y[k], a, 0)
	for j := k + 1; c != 0 && j < len(y); j++ {
		y[j], c = bits.Add64(y[j], 0, c)
	}
}
