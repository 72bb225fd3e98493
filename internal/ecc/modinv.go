package ecc

import "math/bits"

// Constant-time modular inversion by Bernstein and Yang's "safegcd"
// divsteps ("Fast constant-time gcd computation and modular inversion",
// 2019), in the form libsecp256k1 uses (modinv64, with Pieter Wuille's
// improved bound of 590 divsteps for 256-bit moduli): ten rounds of 59
// branch-free divsteps on the low bits of f and g, each round applying its
// 2×2 transition matrix to the full f, g (signed 62-bit limbs) and to the
// Bézout coefficients d, e modulo the modulus. The number of rounds, every
// loop bound and every memory access are fixed; no branch or index depends
// on the input. An input of zero gives zero.

// s62 is a signed integer Σ v[i]·2^(62·i): limbs 0–3 in [0, 2^62) when
// normalised, limb 4 signed.
type s62 [5]int64

// modInfo describes an odd modulus m for modInv.
type modInfo struct {
	m     s62    // the modulus
	inv62 uint64 // m⁻¹ mod 2^62
}

const m62 = ^uint64(0) >> 2

// p = 2^256 − 2^32 − 977 and n, the group order, as s62 values.
var (
	modInfoP = modInfo{m: s62{-0x1000003D1, 0, 0, 0, 256}, inv62: 0x27C7F6E22DDACACF}
	modInfoN = modInfo{m: s62{0x3FD25E8CD0364141, 0x2ABB739ABD2280EE, -0x15, 0, 256}, inv62: 0x34F20099AA774EC1}
)

// trans2x2 is the transition matrix of 59 divsteps, scaled by 2^62.
type trans2x2 struct{ u, v, q, r int64 }

// i128 is a signed 128-bit accumulator hi·2^64 + lo (hi signed).
type i128 struct {
	lo uint64
	hi uint64
}

// mul128 returns a·b as a signed 128-bit value.
func mul128(a, b int64) i128 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	// The unsigned product of the two's-complement words, corrected:
	// a negative a contributes −2^64·b, a negative b −2^64·a.
	hi -= uint64(a>>63)&uint64(b) + uint64(b>>63)&uint64(a)
	return i128{lo: lo, hi: hi}
}

// addMul adds a·b.
func (x *i128) addMul(a, b int64) {
	p := mul128(a, b)
	var c uint64
	x.lo, c = bits.Add64(x.lo, p.lo, 0)
	x.hi, _ = bits.Add64(x.hi, p.hi, c)
}

// shr62 shifts right by 62 bits, arithmetically.
func (x *i128) shr62() {
	x.lo = x.lo>>62 | x.hi<<2
	x.hi = uint64(int64(x.hi) >> 62)
}

// divsteps59 performs 59 divsteps on the low 64 bits f0, g0 of f and g (f
// odd) from zeta = −(delta + 1/2), returning the new zeta and the
// transition matrix t, scaled by 2^62, for which
// t·[f, g] = 2^62·[f', g'].
func divsteps59(zeta int64, f0, g0 uint64, t *trans2x2) int64 {
	// The matrix starts as the identity times 8 = 2^(62−59).
	u, v, q, r := uint64(8), uint64(0), uint64(0), uint64(8)
	f, g := f0, g0
	for i := 3; i < 62; i++ {
		// c1: zeta < 0; c2: g odd.
		c1 := uint64(zeta >> 63)
		c2 := -(g & 1)
		// x, y, z = f, u, v, negated when zeta < 0.
		x := (f ^ c1) - c1
		y := (u ^ c1) - c1
		z := (v ^ c1) - c1
		// Add them to g, q, r when g is odd.
		g += x & c2
		q += y & c2
		r += z & c2
		// zeta < 0 and g odd: swap (f, u, v) with the new (g, q, r)
		// relative values, and zeta = −zeta − 2; else zeta − 1.
		c1 &= c2
		zeta = (zeta ^ int64(c1)) - 1
		f += g & c1
		u += q & c1
		v += r & c1
		g >>= 1
		u <<= 1
		v <<= 1
	}
	t.u, t.v, t.q, t.r = int64(u), int64(v), int64(q), int64(r)
	return zeta
}

// updateDE sets [d, e] = t·[d, e]/2^62 modulo the modulus, keeping them in
// (−2·m, m): the multiple of m added makes the low 62 bits vanish.
func updateDE(d, e *s62, t *trans2x2, mi *modInfo) {
	u, v, q, r := t.u, t.v, t.q, t.r
	// md, me start as zero, plus [u, q] if d is negative, plus [v, r] if e
	// is negative.
	sd, se := d[4]>>63, e[4]>>63
	md := (u & sd) + (v & se)
	me := (q & sd) + (r & se)
	cd := mul128(u, d[0])
	cd.addMul(v, e[0])
	ce := mul128(q, d[0])
	ce.addMul(r, e[0])
	// Correct md, me so that t·[d, e] + m·[md, me] has 62 zero low bits.
	md -= int64((mi.inv62*cd.lo + uint64(md)) & m62)
	me -= int64((mi.inv62*ce.lo + uint64(me)) & m62)
	cd.addMul(mi.m[0], md)
	ce.addMul(mi.m[0], me)
	cd.shr62()
	ce.shr62()
	for i := 1; i < 5; i++ {
		cd.addMul(u, d[i])
		cd.addMul(v, e[i])
		ce.addMul(q, d[i])
		ce.addMul(r, e[i])
		cd.addMul(mi.m[i], md)
		ce.addMul(mi.m[i], me)
		d[i-1] = int64(cd.lo & m62)
		e[i-1] = int64(ce.lo & m62)
		cd.shr62()
		ce.shr62()
	}
	d[4] = int64(cd.lo)
	e[4] = int64(ce.lo)
}

// updateFG sets [f, g] = t·[f, g]/2^62 (exact: the low 62 bits vanish).
func updateFG(f, g *s62, t *trans2x2) {
	u, v, q, r := t.u, t.v, t.q, t.r
	cf := mul128(u, f[0])
	cf.addMul(v, g[0])
	cg := mul128(q, f[0])
	cg.addMul(r, g[0])
	cf.shr62()
	cg.shr62()
	for i := 1; i < 5; i++ {
		cf.addMul(u, f[i])
		cf.addMul(v, g[i])
		cg.addMul(q, f[i])
		cg.addMul(r, g[i])
		f[i-1] = int64(cf.lo & m62)
		g[i-1] = int64(cg.lo & m62)
		cf.shr62()
		cg.shr62()
	}
	f[4] = int64(cf.lo)
	g[4] = int64(cg.lo)
}

// normalize62 brings r from (−2·m, m) to [0, m), negated first when sign
// is negative.
func normalize62(r *s62, sign int64, mi *modInfo) {
	const m = int64(m62)
	r0, r1, r2, r3, r4 := r[0], r[1], r[2], r[3], r[4]
	// Add m if negative, then negate if asked: (−m, m).
	add := r4 >> 63
	r0 += mi.m[0] & add
	r1 += mi.m[1] & add
	r2 += mi.m[2] & add
	r3 += mi.m[3] & add
	r4 += mi.m[4] & add
	neg := sign >> 63
	r0 = (r0 ^ neg) - neg
	r1 = (r1 ^ neg) - neg
	r2 = (r2 ^ neg) - neg
	r3 = (r3 ^ neg) - neg
	r4 = (r4 ^ neg) - neg
	r1 += r0 >> 62
	r0 &= m
	r2 += r1 >> 62
	r1 &= m
	r3 += r2 >> 62
	r2 &= m
	r4 += r3 >> 62
	r3 &= m
	// Add m again if still negative: [0, m).
	add = r4 >> 63
	r0 += mi.m[0] & add
	r1 += mi.m[1] & add
	r2 += mi.m[2] & add
	r3 += mi.m[3] & add
	r4 += mi.m[4] & add
	r1 += r0 >> 62
	r0 &= m
	r2 += r1 >> 62
	r1 &= m
	r3 += r2 >> 62
	r2 &= m
	r4 += r3 >> 62
	r3 &= m
	r[0], r[1], r[2], r[3], r[4] = r0, r1, r2, r3, r4
}

// modInv returns x⁻¹ modulo the modulus for 0 ≤ x < m (zero for zero), in
// constant time.
func modInv(x *s62, mi *modInfo) s62 {
	d, e := s62{}, s62{1}
	f, g := mi.m, *x
	zeta := int64(-1) // −(delta + 1/2), delta = 1/2
	for range 10 {
		var t trans2x2
		zeta = divsteps59(zeta, uint64(f[0]), uint64(g[0]), &t)
		updateDE(&d, &e, &t, mi)
		updateFG(&f, &g, &t)
	}
	// g is now 0 and f = ±1 (for x ≠ 0): d = ±x⁻¹.
	normalize62(&d, f[4], mi)
	return d
}

// toS62 converts 256-bit little-endian limbs.
func toS62(a *[4]uint64) s62 {
	return s62{
		int64(a[0] & m62),
		int64((a[0]>>62 | a[1]<<2) & m62),
		int64((a[1]>>60 | a[2]<<4) & m62),
		int64((a[2]>>58 | a[3]<<6) & m62),
		int64(a[3] >> 56),
	}
}

// fromS62 converts a normalised value below 2^256.
func fromS62(r *s62) [4]uint64 {
	return [4]uint64{
		uint64(r[0]) | uint64(r[1])<<62,
		uint64(r[1])>>2 | uint64(r[2])<<60,
		uint64(r[2])>>4 | uint64(r[3])<<58,
		uint64(r[3])>>6 | uint64(r[4])<<56,
	}
}

// feInvCT sets z = 1/x (zero for zero) by safegcd, in constant time.
func feInvCT(z, x *fe) {
	c := feCanon(x)
	a := [4]uint64(c)
	s := toS62(&a)
	r := modInv(&s, &modInfoP)
	*z = fe(fromS62(&r))
}
