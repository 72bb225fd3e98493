package ecc

import (
	"math"
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Half-size multipliers for a check whose result is known (Antipa, Brown,
// Gallant, Lambert, Struik and Vanstone, "Accelerated verification of ECDSA
// signatures", SAC 2005). To decide whether u1·G + u2·Q = R, any v ≢ 0 and
// w ≡ v·u2 (mod n) serve: since n is prime, the equation holds iff
// (v·u1)·G + w·Q − v·R is infinity. The extended Euclidean algorithm on
// (n, u2), stopped at the first remainder below √n, gives such v and w of
// about 128 bits each, which halves the doublings of w·Q and v·R.
//
// With the GLV endomorphism the same idea goes one level further. The ring
// Z[ω] of Eisenstein integers (ω² + ω + 1 = 0) maps onto Z/n by ω ↦ λ, and
// the kernel is the ideal of π = a1 + b1·ω, the first vector of the GLV
// basis, of norm N(π) = a1² − a1·b1 + b1² = n (N(x + yω) = x² − xy + y²).
// Z[ω] is Euclidean for that norm, so the extended Euclidean algorithm on
// (π, ρ), ρ = k1 + k2·ω the GLV split of u2, stopped at the first remainder
// of norm below 2^128, gives w = a + b·ω (the remainder) and v = c + d·ω
// (its cofactor) with v·ρ ≡ w (mod π), all four coordinates of about 64
// bits: w·Q = a·Q + b·φ(Q) and v·R = c·R + d·φ(R), and the check needs
// about 65 doublings instead of 130.
//
// The quotients are rounded from float64 approximations. Any quotient keeps
// the invariant v·ρ ≡ w exact (the integer arithmetic is exact); a poor one
// only slows the reduction. A quotient beyond 2^52, too large for float64,
// ends the reduction early, with a remainder above the bound and a cofactor
// below it (u2 = 2^64 gives one at once; random inputs with probability
// about 2^-100). All of it is variable time, for public data only.

// i192 is a signed integer in 192-bit two's complement, little-endian limbs.
// The reduction's values stay below 2^132 in magnitude.
type i192 [3]uint64

// i192Of returns m, or −m when neg is set.
func i192Of(m [3]uint64, neg bool) i192 {
	x := i192(m)
	if neg {
		x.negate()
	}
	return x
}

// negate sets x = −x.
func (x *i192) negate() {
	var c uint64
	x[0], c = bits.Sub64(0, x[0], 0)
	x[1], c = bits.Sub64(0, x[1], c)
	x[2], _ = bits.Sub64(0, x[2], c)
}

// abs returns |x| and whether x is negative.
func (x *i192) abs() ([3]uint64, bool) {
	if int64(x[2]) >= 0 {
		return [3]uint64(*x), false
	}
	y := *x
	y.negate()
	return [3]uint64(y), true
}

// float returns x as a float64, to within a relative 2^-52: the top 63
// bits of the magnitude go through an int64 conversion (a uint64 one is
// slower), scaled by a power of two, and the sign is set on the result's
// bits (the reduction's signs are random: a branch on them mispredicts).
func (x *i192) float() float64 {
	s := uint64(int64(x[2]) >> 63) // all ones when x < 0
	var c uint64
	m0, c := bits.Add64(x[0]^s, s&1, 0)
	m1, c := bits.Add64(x[1]^s, 0, c)
	m2 := x[2] ^ s + c
	hi, lo, e := m2, m1, 128
	if hi == 0 {
		hi, lo, e = m1, m0, 64
		if hi == 0 {
			hi, lo, e = m0, 0, 0
		}
	}
	z := uint(bits.LeadingZeros64(hi))
	top := hi<<z | lo>>(64-z)
	// |x| ≈ top·2^(e − z) = (top/2)·2^(e − z + 1)
	scale := math.Float64frombits(uint64(1023+e-int(z)+1) << 52)
	f := float64(int64(top>>1)) * scale
	return math.Float64frombits(math.Float64bits(f) ^ s<<63)
}

// subMul sets x = x − q·y (mod 2^192); |q| < 2^63.
func (x *i192) subMul(y *i192, q int64) {
	if q == 0 {
		return
	}
	m := uint64(q)
	if q < 0 {
		m = uint64(-q)
	}
	h0, l0 := bits.Mul64(y[0], m)
	h1, l1 := bits.Mul64(y[1], m)
	p1, c := bits.Add64(l1, h0, 0)
	p2 := y[2]*m + h1 + c
	if q < 0 {
		x[0], c = bits.Add64(x[0], l0, 0)
		x[1], c = bits.Add64(x[1], p1, c)
		x[2], _ = bits.Add64(x[2], p2, c)
		return
	}
	x[0], c = bits.Sub64(x[0], l0, 0)
	x[1], c = bits.Sub64(x[1], p1, c)
	x[2], _ = bits.Sub64(x[2], p2, c)
}

// eis is the Eisenstein integer x + y·ω.
type eis struct {
	x, y i192
}

// subMul sets e = e − q·f for q = q0 + q1·ω. With ω² = −1 − ω,
// q·f = (q0·f.x − q1·f.y) + (q0·f.y + q1·f.x − q1·f.y)·ω.
func (e *eis) subMul(f *eis, q0, q1 int64) {
	e.x.subMul(&f.x, q0)
	e.x.subMul(&f.y, -q1)
	e.y.subMul(&f.y, q0-q1)
	e.y.subMul(&f.x, q1)
}

// eisPi is π = a1 + b1·ω, whose ideal is the kernel of ω ↦ λ.
var eisPi = eis{
	x: i192{glv.a1[0], glv.a1[1], glv.a1[2]},
	y: i192Of([3]uint64{glv.mb1[0], glv.mb1[1], glv.mb1[2]}, true),
}

const (
	// halfGCDBound is the norm below which a remainder stops the reduction:
	// √n, so that remainder and cofactor are both about 64 bits.
	halfGCDBound = 0x1p128
	// halfGCDMaxRounds bounds the reduction's rounds; it takes about 3.
	halfGCDMaxRounds = 64
	// halfGCDMaxQuotient bounds a quotient's coordinates, within which
	// float64 rounds them to within one.
	halfGCDMaxQuotient = 0x1p52
	// halfGCDRoundDrop is how far a round lets the norm of the remainders
	// fall (2^48: 24 bits of each coordinate) before it applies its steps
	// to the exact values. The float64 remainders, rounded once at the
	// start of the round, lose about twice those bits to the growing
	// matrix: 2^-48 keeps them good to a few bits, enough for the
	// quotients, and measured faster than 2^-40 and 2^-56.
	halfGCDRoundDrop = 0x1p-48
	// halfGCDMaxEntry bounds |quotient|·|matrix entry| within a round, so
	// that the matrix stays far inside int64.
	halfGCDMaxEntry = 0x1p50
)

// halfGCD returns w = a + b·ω and v = c + d·ω with v·u2 ≡ w (mod n) under
// ω ↦ λ and v ≢ 0, both of norm about 2^128 or less (unless a large
// quotient ended the reduction early; every coordinate stays below 2^130),
// or false when u2 = 0 (or after halfGCDMaxRounds rounds, which the
// reduction does not reach). Variable time.
//
// The steps run in rounds, as in Lehmer's algorithm: a round takes the
// remainders as float64, runs the Euclidean steps on those approximations
// while they stay accurate, collecting the steps as a 2×2 matrix of small
// Eisenstein integers, and then applies the matrix to the exact remainders
// and cofactors.
func halfGCD(u2 *secp256k1.ModNScalar) (w, v eis, ok bool) {
	k1, k2, n1, n2 := splitScalar(u2)
	// Remainders r_(i−1) = a, r_i = b and cofactors ta, tb of ρ, with
	// r ≡ t·ρ (mod π): r_(−1) = π = 0·ρ, r_0 = ρ = 1·ρ.
	a, b := eisPi, eis{x: i192Of(k1, n1), y: i192Of(k2, n2)}
	ta, tb := eis{}, eis{x: i192{1}}
	for range halfGCDMaxRounds {
		fa0, fa1 := a.x.float(), a.y.float()
		fb0, fb1 := b.x.float(), b.y.float()
		nb := eisNormFloat(fb0, fb1)
		if nb < halfGCDBound {
			if nb == 0 {
				return w, v, false // u2 = 0
			}
			return b, tb, true
		}
		floor := eisNormFloat(fa0, fa1) * halfGCDRoundDrop
		// (a, b) becomes (m00·a + m01·b, m10·a + m11·b), the entries
		// Eisenstein integers [x, y] = x + y·ω held exactly in float64
		// (below 2^53 in magnitude).
		m00, m01, m10, m11 := [2]float64{1, 0}, [2]float64{}, [2]float64{}, [2]float64{1, 0}
		maxEntry := 1.0
		huge := false
		for steps := 0; ; steps++ {
			q0, q1, ok := eisQuotient(fa0, fa1, fb0, fb1, nb)
			if !ok {
				huge = true // see below
				break
			}
			if steps > 0 && (math.Abs(q0)+math.Abs(q1))*maxEntry > halfGCDMaxEntry {
				break // the next round takes this quotient exactly
			}
			// b' = a − q·b: the remainders, and the matrix's rows.
			fa0, fa1, fb0, fb1 = fb0, fb1, eisSubMulX(fa0, fb0, fb1, q0, q1), eisSubMulY(fa1, fb0, fb1, q0, q1)
			m00, m01, m10, m11 = m10, m11,
				[2]float64{eisSubMulX(m00[0], m10[0], m10[1], q0, q1), eisSubMulY(m00[1], m10[0], m10[1], q0, q1)},
				[2]float64{eisSubMulX(m01[0], m11[0], m11[1], q0, q1), eisSubMulY(m01[1], m11[0], m11[1], q0, q1)}
			if e := math.Abs(m10[0]) + math.Abs(m10[1]) + math.Abs(m11[0]) + math.Abs(m11[1]); e > maxEntry {
				maxEntry = e
			}
			nb = eisNormFloat(fb0, fb1)
			if nb < halfGCDBound || nb < floor {
				break
			}
		}
		a, b = eisCombine(&a, &b, m00, m01), eisCombine(&a, &b, m10, m11)
		ta, tb = eisCombine(&ta, &tb, m00, m01), eisCombine(&ta, &tb, m10, m11)
		if huge {
			// A quotient beyond 2^52: b is far smaller than a, so its
			// cofactor is small, and b and its cofactor serve, unbalanced
			// (u2 = 2^64, for one).
			return b, tb, true
		}
	}
	return w, v, false
}

// eisNormFloat is x² − x·y + y².
func eisNormFloat(x, y float64) float64 { return x*x - x*y + y*y }

// eisSubMulX and eisSubMulY return the coordinates of e − q·f for
// e = ex + ey·ω, f = fx + fy·ω, q = q0 + q1·ω:
// q·f = (q0·fx − q1·fy) + (q0·fy + q1·fx − q1·fy)·ω.
func eisSubMulX(ex, fx, fy, q0, q1 float64) float64 { return ex - (q0*fx - q1*fy) }
func eisSubMulY(ey, fx, fy, q0, q1 float64) float64 { return ey - (q0*fy + q1*fx - q1*fy) }

// eisCombine returns m0·a + m1·b for Eisenstein integers m0, m1 with
// integer coordinates below 2^53, held in float64. The products may leave
// 192 bits: the arithmetic is modulo 2^192, and the result fits.
func eisCombine(a, b *eis, m0, m1 [2]float64) eis {
	var r eis
	r.subMul(a, -int64(m0[0]), -int64(m0[1]))
	r.subMul(b, -int64(m1[0]), -int64(m1[1]))
	return r
}

// eisQuotient returns an Eisenstein integer q0 + q1·ω near the quotient
// (fa0 + fa1·ω) / (fb0 + fb1·ω), nb being the divisor's norm, as float64
// (exact integers). With conj(x + yω) = (x − y) − yω, the quotient is
// (fa0 + fa1·ω)·conj(fb0 + fb1·ω) / nb = x + y·ω. Rounding both
// coordinates leaves an error e = ex + ey·ω, |ex|, |ey| ≤ 1/2, of norm
// ex² − ex·ey + ey² up to 3/4; moving the quotient by 1 changes that norm
// by 1 − 2ex + ey, by ω by 1 − 2ey + ex, by −1 and −ω by 1 + 2ex − ey and
// 1 + 2ey − ex (by ±(1 + ω) it never falls), and the quotient moves when
// one of these is negative. It returns false when a coordinate reaches
// halfGCDMaxQuotient.
func eisQuotient(fa0, fa1, fb0, fb1, nb float64) (q0, q1 float64, ok bool) {
	inv := 1 / nb
	x := (fa0*(fb0-fb1) + fa1*fb1) * inv
	y := (fa1*fb0 - fa0*fb1) * inv
	if !(math.Abs(x) < halfGCDMaxQuotient && math.Abs(y) < halfGCDMaxQuotient) {
		return 0, 0, false
	}
	q0, q1 = math.Round(x), math.Round(y)
	ex, ey := x-q0, y-q1
	switch {
	case 2*ex-ey > 1: // 1 − 2ex + ey < 0
		q0++
	case ey-2*ex > 1:
		q0--
	case 2*ey-ex > 1:
		q1++
	case ex-2*ey > 1:
		q1--
	}
	return q0, q1, true
}
