package ecc

import (
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Multi-scalar multiplication for batch verification, by Pippenger's bucket
// method: every scalar is split by GLV into halves of at most 129 bits, the
// halves are recoded in signed c-bit digits, and for each window every
// point is added once into the bucket of its digit, the buckets then summed
// with two running sums. Its cost per point falls as the batch grows, where
// Strauss's stays fixed. Variable time, for public data only.

// IsIdentityMSM reports whether g·G + Σ k_i·P_i is the point at infinity.
// The points must be affine (Z = 1, normalized) and not infinity.
func IsIdentityMSM(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint) bool {
	if len(k) != len(p) {
		panic("ecc: scalars and points differ in number")
	}
	terms := make([]msmTerm, 0, 2*len(k)+2)
	phis := make([]secp256k1.JacobianPoint, len(k)+1)
	for i := range k {
		terms = appendSplit(terms, &k[i], &p[i], &phis[i])
	}
	terms = appendSplit(terms, g, &generator, &phis[len(k)])
	acc := pippenger(terms)
	return IsInfinity(&acc)
}

// msmTerm is one GLV half: |k| < 2^130 as limbs, its sign, and its point.
type msmTerm struct {
	k   [3]uint64
	neg bool
	p   *secp256k1.JacobianPoint
}

// generator is G in affine form; never written after initialisation.
var generator = func() secp256k1.JacobianPoint {
	var g secp256k1.JacobianPoint
	var one secp256k1.ModNScalar
	one.SetInt(1)
	secp256k1.ScalarBaseMultNonConst(&one, &g)
	g.ToAffine()
	return g
}()

// appendSplit appends the GLV halves of s·pt; phi receives φ(pt) when the
// second half is not zero.
func appendSplit(terms []msmTerm, s *secp256k1.ModNScalar, pt, phi *secp256k1.JacobianPoint) []msmTerm {
	k1, k2, n1, n2 := splitScalar(s)
	if !k1.IsZero() {
		l := limbs(&k1)
		terms = append(terms, msmTerm{[3]uint64{l[0], l[1], l[2]}, n1, pt})
	}
	if !k2.IsZero() {
		*phi = *pt
		phi.X.Mul(&glv.beta).Normalize()
		l := limbs(&k2)
		terms = append(terms, msmTerm{[3]uint64{l[0], l[1], l[2]}, n2, phi})
	}
	return terms
}

// windowBits picks the window c minimising the additions, about
// ⌈131/c⌉·(n + 2^c).
func windowBits(n int) uint {
	best, bestCost := uint(2), -1
	for c := uint(2); c <= 16; c++ {
		cost := (131/int(c) + 1) * (n + 1<<c)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = c, cost
		}
	}
	return best
}

// digitsOf recodes k < 2^130 into signed c-bit digits in [−2^(c−1), 2^(c−1)].
func digitsOf(out []int32, k [3]uint64, c uint) {
	mask := uint64(1)<<c - 1
	var carry uint64
	for j := range out {
		bit := uint(j) * c
		var d uint64
		if bit < 192 {
			limb, off := bit/64, bit%64
			d = k[limb] >> off
			if off+c > 64 && limb < 2 {
				d |= k[limb+1] << (64 - off)
			}
			d &= mask
		}
		d += carry
		carry = 0
		if d > mask>>1 {
			out[j] = int32(int64(d) - int64(mask+1))
			carry = 1
		} else {
			out[j] = int32(d)
		}
	}
}

func pippenger(terms []msmTerm) secp256k1.JacobianPoint {
	var acc secp256k1.JacobianPoint
	if len(terms) == 0 {
		return acc
	}
	c := windowBits(len(terms))
	windows := int(131/c) + 2 // the last one takes the final carry
	digits := make([]int32, windows*len(terms))
	for i := range terms {
		digitsOf(digits[i*windows:(i+1)*windows], terms[i].k, c)
	}
	buckets := make([]secp256k1.JacobianPoint, 1<<(c-1)+1)
	var neg secp256k1.JacobianPoint
	for w := windows - 1; w >= 0; w-- {
		for range c {
			secp256k1.DoubleNonConst(&acc, &acc)
		}
		clear(buckets)
		for i := range terms {
			d := digits[i*windows+w]
			if d == 0 {
				continue
			}
			p, flip := terms[i].p, terms[i].neg
			if d < 0 {
				d, flip = -d, !flip
			}
			if flip {
				neg.X, neg.Z = p.X, p.Z
				neg.Y.NegateVal(&p.Y, 1).Normalize()
				p = &neg
			}
			secp256k1.AddNonConst(&buckets[d], p, &buckets[d])
		}
		var running, sum secp256k1.JacobianPoint
		for b := len(buckets) - 1; b >= 1; b-- {
			secp256k1.AddNonConst(&running, &buckets[b], &running)
			secp256k1.AddNonConst(&sum, &running, &sum)
		}
		secp256k1.AddNonConst(&acc, &sum, &acc)
	}
	return acc
}
