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
// The points must be on the curve, preferably affine (Z = 1, as every
// decoder of the package returns them; another Z costs an inversion); a
// point at infinity contributes nothing.
func IsIdentityMSM(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint) bool {
	if len(k) != len(p) {
		panic("ecc: scalars and points differ in number")
	}
	terms := make([]msmTerm, 0, 2*len(k)+2)
	pts := make([]aff, 2*len(k)+2) // P_i and φ(P_i), by pairs
	for i := range k {
		j := jacFromPoint(&p[i])
		if j.inf {
			continue
		}
		if !feEqual(&j.z, &feOne) {
			j.toAffine()
		}
		pts[2*i] = aff{x: j.x, y: j.y}
		terms = appendSplit(terms, &k[i], pts[2*i:2*i+2])
	}
	pts[2*len(k)] = baseTables[0].pts[0][0]
	terms = appendSplit(terms, g, pts[2*len(k):])
	acc := pippenger(terms)
	return acc.inf
}

// msmTerm is one GLV half: |k| < 2^130 as limbs, its sign, and its point.
type msmTerm struct {
	k   [3]uint64
	neg bool
	p   *aff
}

// appendSplit appends the GLV halves of s·pt[0]; pt[1] receives φ(pt[0])
// when the second half is not zero.
func appendSplit(terms []msmTerm, s *secp256k1.ModNScalar, pt []aff) []msmTerm {
	k1, k2, n1, n2 := splitScalar(s)
	if k1 != [3]uint64{} {
		terms = append(terms, msmTerm{k1, n1, &pt[0]})
	}
	if k2 != [3]uint64{} {
		phiTable(pt[1:2], pt[0:1])
		terms = append(terms, msmTerm{k2, n2, &pt[1]})
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

// pippenger returns Σ k_i·P_i over the terms: per window of c bits, each
// point is added into the bucket of its digit (mixed additions), and the
// buckets are summed as Σ d·B_d with a running sum.
func pippenger(terms []msmTerm) jac {
	acc := jac{inf: true}
	if len(terms) == 0 {
		return acc
	}
	c := windowBits(len(terms))
	windows := int(131/c) + 2 // the last one takes the final carry
	digits := make([]int32, windows*len(terms))
	for i := range terms {
		digitsOf(digits[i*windows:(i+1)*windows], terms[i].k, c)
	}
	buckets := make([]jac, 1<<(c-1)+1)
	for w := windows - 1; w >= 0; w-- {
		for range c {
			acc.double(&acc)
		}
		for b := range buckets {
			buckets[b].inf = true
		}
		for i := range terms {
			d := digits[i*windows+w]
			if d == 0 {
				continue
			}
			neg := terms[i].neg
			if d < 0 {
				d, neg = -d, !neg
			}
			buckets[d].addAff(&buckets[d], terms[i].p, neg)
		}
		running, sum := jac{inf: true}, jac{inf: true}
		for b := len(buckets) - 1; b >= 1; b-- {
			running.add(&running, &buckets[b])
			sum.add(&sum, &running)
		}
		acc.add(&acc, &sum)
	}
	return acc
}
