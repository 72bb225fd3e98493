package ecc

import (
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
	lambda, minusB1, minusB2 secp256k1.ModNScalar
	beta                     secp256k1.FieldVal
	g1, g2                   [4]uint64 // round(2^384·b2/n), round(2^384·(−b1)/n), little-endian limbs
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
	roundDiv := func(num *big.Int) [4]uint64 {
		// round(num / n) = floor((2·num + n) / 2n)
		q := new(big.Int).Lsh(num, 1)
		q.Add(q, n)
		q.Div(q, new(big.Int).Lsh(n, 1))
		var out [4]uint64
		for i, w := range q.Bits() {
			out[i] = uint64(w)
		}
		return out
	}
	var c glvConstants
	lambda := hexInt(lambdaHex)
	b2 := hexInt(a1Hex) // b2 = a1
	mb1 := hexInt(minusB1)
	c.lambda = scalar(lambda)
	c.minusB1 = scalar(mb1)
	c.minusB2 = scalar(new(big.Int).Neg(b2))
	c.beta.SetByteSlice(hexInt(betaHex).Bytes())
	two384 := new(big.Int).Lsh(big.NewInt(1), 384)
	c.g1 = roundDiv(new(big.Int).Mul(two384, b2))
	c.g2 = roundDiv(new(big.Int).Mul(two384, mb1))
	return c
}()

// limbs returns s as little-endian 64-bit limbs.
func limbs(s *secp256k1.ModNScalar) [4]uint64 {
	b := s.Bytes()
	var l [4]uint64
	for i := range 4 {
		for j := range 8 {
			l[i] |= uint64(b[31-8*i-j]) << (8 * j)
		}
	}
	return l
}

// mulShift384 returns round(k·g / 2^384) for 256-bit k and g.
func mulShift384(k, g *[4]uint64) secp256k1.ModNScalar {
	var p [8]uint64
	for i := range 4 {
		var carry uint64
		for j := range 4 {
			hi, lo := bits.Mul64(k[i], g[j])
			var c uint64
			lo, c = bits.Add64(lo, p[i+j], 0)
			hi += c
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			p[i+j] = lo
			carry = hi
		}
		p[i+4] = carry
	}
	// Bits 384 and up, rounded by bit 383.
	r0, c := bits.Add64(p[6], p[5]>>63, 0)
	r1, _ := bits.Add64(p[7], 0, c)
	var b [32]byte
	for j := range 8 {
		b[31-j] = byte(r0 >> (8 * j))
		b[23-j] = byte(r1 >> (8 * j))
	}
	var s secp256k1.ModNScalar
	s.SetBytes(&b)
	return s
}

// splitScalar writes k ≡ k1 + k2·λ (mod n) and returns |k1|, |k2| (each
// below 2^129) with their signs: k ≡ (neg1 ? −1 : 1)·k1 + (neg2 ? −1 : 1)·k2·λ.
func splitScalar(k *secp256k1.ModNScalar) (k1, k2 secp256k1.ModNScalar, neg1, neg2 bool) {
	kl := limbs(k)
	c1 := mulShift384(&kl, &glv.g1)
	c2 := mulShift384(&kl, &glv.g2)
	c1.Mul(&glv.minusB1)
	c2.Mul(&glv.minusB2)
	k2.Add2(&c1, &c2)
	k1.Mul2(&k2, &glv.lambda).Negate().Add(k)
	if k1.IsOverHalfOrder() {
		k1.Negate()
		neg1 = true
	}
	if k2.IsOverHalfOrder() {
		k2.Negate()
		neg2 = true
	}
	return k1, k2, neg1, neg2
}

func add64(x, y, c uint64) (uint64, uint64) { return bits.Add64(x, y, c) }
