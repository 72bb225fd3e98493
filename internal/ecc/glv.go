package ecc

import (
	"encoding/binary"
	"math/big"
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// The GLV endomorphism of secp256k1 (Gallant, Lambert and Vanstone 2001):
// φ(x, y) = (β·x, y) = λ·(x, y). The constants are the published ones; the
// lattice basis (a1, b1), (a2, b2) of {(i, j) : i + j·λ ≡ 0 mod n} is the
// one in "Guide to Elliptic Curve Cryptography", section 3.5.
const (
	lambdaHex = "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72"
	betaHex   = "7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee"
	a1Hex     = "3086d221a7d46bcde86c90e49284eb15"
	minusB1   = "e4437ed6010e88286f547fa90abfe4c3"
	a2Hex     = "114ca50f7a8e2f3f657c1108d9d44cfd8"
)

// glvConstants are derived once, at package initialisation, and never
// written again.
type glvConstants struct {
	lambda secp256k1.ModNScalar
	beta   fe
	g1, g2 [4]uint64 // round(2^384·b2/n), round(2^384·(−b1)/n), little-endian limbs
	// The lattice basis as little-endian limbs: a1 = b2, −b1 and a2.
	a1, mb1, a2 [4]uint64
}

var glv = func() glvConstants {
	hexInt := func(s string) *big.Int {
		v, ok := new(big.Int).SetString(s, 16)
		if !ok {
			panic("ecc: bad constant")
		}
		return v
	}
	n := secp256k1.Params().N
	scalar := func(v *big.Int) secp256k1.ModNScalar {
		var s secp256k1.ModNScalar
		s.SetByteSlice(new(big.Int).Mod(v, n).Bytes())
		return s
	}
	limbsOf := func(v *big.Int) [4]uint64 {
		f := feFromBig(v) // any value below 2^256
		return f
	}
	roundDiv := func(num *big.Int) [4]uint64 {
		// round(num / n) = floor((2·num + n) / 2n)
		q := new(big.Int).Lsh(num, 1)
		q.Add(q, n)
		q.Div(q, new(big.Int).Lsh(n, 1))
		return limbsOf(q)
	}
	var c glvConstants
	lambda := hexInt(lambdaHex)
	b2 := hexInt(a1Hex) // b2 = a1
	mb1 := hexInt(minusB1)
	c.lambda = scalar(lambda)
	c.a1, c.mb1, c.a2 = limbsOf(b2), limbsOf(mb1), limbsOf(hexInt(a2Hex))
	c.beta = feFromBig(hexInt(betaHex))
	two384 := new(big.Int).Lsh(big.NewInt(1), 384)
	c.g1 = roundDiv(new(big.Int).Mul(two384, b2))
	c.g2 = roundDiv(new(big.Int).Mul(two384, mb1))
	return c
}()

// feFromBig returns the limbs of 0 ≤ v < 2^256.
func feFromBig(v *big.Int) fe {
	var b [32]byte
	v.FillBytes(b[:])
	return feSetBytes(&b)
}

// limbs returns s as little-endian 64-bit limbs.
func limbs(s *secp256k1.ModNScalar) [4]uint64 {
	b := s.Bytes()
	return [4]uint64{
		binary.BigEndian.Uint64(b[24:]),
		binary.BigEndian.Uint64(b[16:]),
		binary.BigEndian.Uint64(b[8:]),
		binary.BigEndian.Uint64(b[0:]),
	}
}

// mulShift384 returns round(k·g / 2^384) for 256-bit k and g, when it is
// below 2^128 (true of both g1 and g2 with k < n).
func mulShift384(k, g *[4]uint64) [2]uint64 {
	var p [8]uint64
	for i := range 4 {
		var carry uint64
		for j := range 4 {
			carry, p[i+j] = mulAddAdd(k[i], g[j], p[i+j], carry)
		}
		p[i+4] = carry
	}
	// Bits 384 and up, rounded by bit 383.
	r0, c := bits.Add64(p[6], p[5]>>63, 0)
	r1, _ := bits.Add64(p[7], 0, c)
	return [2]uint64{r0, r1}
}

// mulAddAdd returns a·b + c + d as (hi, lo); it cannot overflow 128 bits.
func mulAddAdd(a, b, c, d uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(a, b)
	var cc uint64
	lo, cc = bits.Add64(lo, c, 0)
	hi += cc
	lo, cc = bits.Add64(lo, d, 0)
	hi += cc
	return hi, lo
}

// mulLow256 returns a·b mod 2^256 for a < 2^128.
func mulLow256(a [2]uint64, b *[4]uint64) [4]uint64 {
	var r [4]uint64
	for i := range 2 {
		var carry uint64
		for j := 0; i+j < 4; j++ {
			carry, r[i+j] = mulAddAdd(a[i], b[j], r[i+j], carry)
		}
	}
	return r
}

// sub256 returns a − b mod 2^256.
func sub256(a, b [4]uint64) [4]uint64 {
	var r [4]uint64
	var c uint64
	r[0], c = bits.Sub64(a[0], b[0], 0)
	r[1], c = bits.Sub64(a[1], b[1], c)
	r[2], c = bits.Sub64(a[2], b[2], c)
	r[3], _ = bits.Sub64(a[3], b[3], c)
	return r
}

// abs256 reads x as a two's-complement 256-bit integer and returns its
// magnitude (as three limbs: the caller knows it is below 2^192) and sign.
func abs256(x [4]uint64) ([3]uint64, bool) {
	if x[3]>>63 == 0 {
		return [3]uint64{x[0], x[1], x[2]}, false
	}
	x = sub256([4]uint64{}, x)
	return [3]uint64{x[0], x[1], x[2]}, true
}

// splitScalar writes k ≡ k1 + k2·λ (mod n) and returns |k1|, |k2| (each
// below 2^129) as little-endian limbs with their signs:
// k ≡ (neg1 ? −1 : 1)·k1 + (neg2 ? −1 : 1)·k2·λ.
//
// With c1 = round(b2·k/n) and c2 = round(−b1·k/n), k1 = k − c1·a1 − c2·a2
// and k2 = −c1·b1 − c2·b2 hold as integers (then k1 + k2·λ ≡ k because
// a_i + b_i·λ ≡ 0) and are small, so they are computed exactly in 256-bit
// two's complement, with no reduction mod n.
func splitScalar(k *secp256k1.ModNScalar) (k1, k2 [3]uint64, neg1, neg2 bool) {
	kl := limbs(k)
	c1 := mulShift384(&kl, &glv.g1)
	c2 := mulShift384(&kl, &glv.g2)
	// b2 = a1.
	r1 := sub256(sub256(kl, mulLow256(c1, &glv.a1)), mulLow256(c2, &glv.a2))
	r2 := sub256(mulLow256(c1, &glv.mb1), mulLow256(c2, &glv.a1))
	k1, neg1 = abs256(r1)
	k2, neg2 = abs256(r2)
	return k1, k2, neg1, neg2
}

func add64(x, y, c uint64) (uint64, uint64) { return bits.Add64(x, y, c) }
