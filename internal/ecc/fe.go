package ecc

import (
	"encoding/binary"
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// fe is an element of the secp256k1 base field GF(p), p = 2^256 − 2^32 − 977,
// held in four little-endian 64-bit limbs.
//
// Results of the arithmetic are only weakly reduced: any 256-bit value
// congruent to the element, that is the element itself or the element plus
// p. Every operation accepts such inputs. Comparisons and encodings go
// through feCanon, which returns the unique value below p.
//
// The arithmetic (feMul, feSqr, feAdd, feSub, feMulSmall, feCanon, feInv)
// is branch-free, but feIsZero and feEqual are not, and the point routines
// built on the field branch on the values (the exceptional cases of
// addition, skipped digits): the engine as a whole is variable time and
// handles only public data.
type fe [4]uint64

// feC is 2^256 mod p = 2^32 + 977: a carry out of bit 256 is worth feC.
const feC = 0x1000003D1

// feP is p in limbs.
var feP = fe{0xFFFFFFFEFFFFFC2F, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF}

// feOne is 1.
var feOne = fe{1}

// The multiplication and squaring accumulate the 512-bit product column by
// column (product scanning) in a stack array, loading the operands from
// memory as each column needs them: the loads then follow the previous
// column's store, which keeps the compiler from hoisting all the MULQs
// ahead of their carry chains (they clobber the flags) and spilling the 32
// partial products.

// acc3 returns (c0, c1, c2) + a·b, a 192-bit accumulator; the caller makes
// sure it cannot overflow.
func acc3(a, b, c0, c1, c2 uint64) (uint64, uint64, uint64) {
	h, l := bits.Mul64(a, b)
	var cc uint64
	c0, cc = bits.Add64(c0, l, 0)
	c1, cc = bits.Add64(c1, h, cc)
	c2, _ = bits.Add64(c2, 0, cc)
	return c0, c1, c2
}

// mac2 returns a·b + (hi·2^64 + lo) as (hi, lo); the caller makes sure it
// fits in 128 bits.
func mac2(a, b, lo, hi uint64) (uint64, uint64) {
	h, l := bits.Mul64(a, b)
	var cc uint64
	l, cc = bits.Add64(l, lo, 0)
	h, _ = bits.Add64(h, hi, cc)
	return h, l
}

// feMulGeneric sets z = x·y in pure Go: the multiplication on every
// platform without fe_amd64.s, and with the purego build tag.
func feMulGeneric(z, x, y *fe) {
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	var t [8]uint64
	var c0, c1, c2 uint64
	c1, t[0] = bits.Mul64(x0, y[0])
	c0, c1, c2 = acc3(x0, y[1], c1, 0, 0)
	c0, c1, c2 = acc3(x1, y[0], c0, c1, c2)
	t[1] = c0
	c0, c1, c2 = acc3(x0, y[2], c1, c2, 0)
	c0, c1, c2 = acc3(x1, y[1], c0, c1, c2)
	c0, c1, c2 = acc3(x2, y[0], c0, c1, c2)
	t[2] = c0
	c0, c1, c2 = acc3(x0, y[3], c1, c2, 0)
	c0, c1, c2 = acc3(x1, y[2], c0, c1, c2)
	c0, c1, c2 = acc3(x2, y[1], c0, c1, c2)
	c0, c1, c2 = acc3(x3, y[0], c0, c1, c2)
	t[3] = c0
	c0, c1, c2 = acc3(x1, y[3], c1, c2, 0)
	c0, c1, c2 = acc3(x2, y[2], c0, c1, c2)
	c0, c1, c2 = acc3(x3, y[1], c0, c1, c2)
	t[4] = c0
	c0, c1, c2 = acc3(x2, y[3], c1, c2, 0)
	c0, c1, c2 = acc3(x3, y[2], c0, c1, c2)
	t[5] = c0
	t[7], t[6] = mac2(x3, y[3], c1, c2)
	// Reduction: 2^256 ≡ feC folds the upper half onto the lower.
	var c uint64
	h, r0 := bits.Mul64(t[4], feC)
	r0, c = bits.Add64(r0, t[0], 0)
	h, _ = bits.Add64(h, 0, c)
	h, r1 := mac2(t[5], feC, h, 0)
	r1, c = bits.Add64(r1, t[1], 0)
	h, _ = bits.Add64(h, 0, c)
	h, r2 := mac2(t[6], feC, h, 0)
	r2, c = bits.Add64(r2, t[2], 0)
	h, _ = bits.Add64(h, 0, c)
	h, r3 := mac2(t[7], feC, h, 0)
	r3, c = bits.Add64(r3, t[3], 0)
	h, _ = bits.Add64(h, 0, c)
	// h·feC < 2^68.
	hi, lo := bits.Mul64(h, feC)
	r0, c = bits.Add64(r0, lo, 0)
	r1, c = bits.Add64(r1, hi, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	// A carry leaves r below 2^68: adding feC once more cannot carry past r1.
	r0, c = bits.Add64(r0, feC&-c, 0)
	r1 += c
	z[0], z[1], z[2], z[3] = r0, r1, r2, r3
}

// feSqrGeneric sets z = x² in pure Go, as feMulGeneric.
func feSqrGeneric(z, x *fe) {
	var t [8]uint64
	var hi, lo, c0, c1, c2 uint64
	// The products xi·xj with i < j, once each, column by column.
	hi, t[1] = bits.Mul64(x[0], x[1])
	hi, t[2] = mac2(x[0], x[2], hi, 0)
	c0, c1, c2 = acc3(x[0], x[3], hi, 0, 0)
	c0, c1, c2 = acc3(x[1], x[2], c0, c1, c2)
	t[3] = c0
	c0, c1, c2 = acc3(x[1], x[3], c1, c2, 0)
	t[4] = c0
	t[6], t[5] = mac2(x[2], x[3], c1, c2)
	// Doubled, plus the squares xi².
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	t1, t2, t3, t4, t5, t6 := t[1], t[2], t[3], t[4], t[5], t[6]
	t7 := t6 >> 63
	t6 = t6<<1 | t5>>63
	t5 = t5<<1 | t4>>63
	t4 = t4<<1 | t3>>63
	t3 = t3<<1 | t2>>63
	t2 = t2<<1 | t1>>63
	t1 <<= 1
	var t0, cc uint64
	hi, t0 = bits.Mul64(x0, x0)
	t1, cc = bits.Add64(t1, hi, 0)
	hi, lo = bits.Mul64(x1, x1)
	t2, cc = bits.Add64(t2, lo, cc)
	t3, cc = bits.Add64(t3, hi, cc)
	hi, lo = bits.Mul64(x2, x2)
	t4, cc = bits.Add64(t4, lo, cc)
	t5, cc = bits.Add64(t5, hi, cc)
	hi, lo = bits.Mul64(x3, x3)
	t6, cc = bits.Add64(t6, lo, cc)
	t7, _ = bits.Add64(t7, hi, cc)
	// Reduction, as in feMulGeneric.
	var c uint64
	h, r0 := bits.Mul64(t4, feC)
	r0, c = bits.Add64(r0, t0, 0)
	h, _ = bits.Add64(h, 0, c)
	h, r1 := mac2(t5, feC, h, 0)
	r1, c = bits.Add64(r1, t1, 0)
	h, _ = bits.Add64(h, 0, c)
	h, r2 := mac2(t6, feC, h, 0)
	r2, c = bits.Add64(r2, t2, 0)
	h, _ = bits.Add64(h, 0, c)
	h, r3 := mac2(t7, feC, h, 0)
	r3, c = bits.Add64(r3, t3, 0)
	h, _ = bits.Add64(h, 0, c)
	// h·feC < 2^68.
	hi, lo = bits.Mul64(h, feC)
	r0, c = bits.Add64(r0, lo, 0)
	r1, c = bits.Add64(r1, hi, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	// A carry leaves r below 2^68: adding feC once more cannot carry past r1.
	r0, c = bits.Add64(r0, feC&-c, 0)
	r1 += c
	z[0], z[1], z[2], z[3] = r0, r1, r2, r3
}

// feSqrN sets z = x^(2^n), n ≥ 1.
func feSqrN(z, x *fe, n int) {
	feSqr(z, x)
	for i := 1; i < n; i++ {
		feSqr(z, z)
	}
}

// feAdd sets z = x + y.
func feAdd(z, x, y *fe) {
	z0, c := bits.Add64(x[0], y[0], 0)
	z1, c := bits.Add64(x[1], y[1], c)
	z2, c := bits.Add64(x[2], y[2], c)
	z3, c := bits.Add64(x[3], y[3], c)
	// 2^256 ≡ feC. A second carry leaves a value below feC, so the last
	// correction stays in limb 0.
	z0, c = bits.Add64(z0, feC&-c, 0)
	z1, c = bits.Add64(z1, 0, c)
	z2, c = bits.Add64(z2, 0, c)
	z3, c = bits.Add64(z3, 0, c)
	z[0], z[1], z[2], z[3] = z0+feC&-c, z1, z2, z3
}

// feSub sets z = x − y.
func feSub(z, x, y *fe) {
	z0, b := bits.Sub64(x[0], y[0], 0)
	z1, b := bits.Sub64(x[1], y[1], b)
	z2, b := bits.Sub64(x[2], y[2], b)
	z3, b := bits.Sub64(x[3], y[3], b)
	// A borrow means 2^256 was added: take feC off (2^256 − feC = p). A
	// second borrow leaves a value of at least 2^256 − feC, so the last
	// correction stays in limb 0.
	z0, b = bits.Sub64(z0, feC&-b, 0)
	z1, b = bits.Sub64(z1, 0, b)
	z2, b = bits.Sub64(z2, 0, b)
	z3, b = bits.Sub64(z3, 0, b)
	z[0], z[1], z[2], z[3] = z0-feC&-b, z1, z2, z3
}

// feNeg sets z = −x.
func feNeg(z, x *fe) {
	feSub(z, &fe{}, x)
}

// feMulSmall sets z = k·x for k < 2^29.
func feMulSmall(z, x *fe, k uint64) {
	h, z0 := bits.Mul64(x[0], k)
	h, z1 := mac2(x[1], k, h, 0)
	h, z2 := mac2(x[2], k, h, 0)
	h, z3 := mac2(x[3], k, h, 0)
	// h < k, so h·feC < 2^62.
	var c uint64
	z0, c = bits.Add64(z0, h*feC, 0)
	z1, c = bits.Add64(z1, 0, c)
	z2, c = bits.Add64(z2, 0, c)
	z3, c = bits.Add64(z3, 0, c)
	z[0], z[1], z[2], z[3] = z0+feC&-c, z1, z2, z3
}

// feCanon returns the value of x below p.
func feCanon(x *fe) fe {
	// x ≥ p exactly when x + feC carries out of 2^256; x < 2^256 < 2p, so
	// one subtraction of p (an addition of feC modulo 2^256) suffices.
	z0, c := bits.Add64(x[0], feC, 0)
	z1, c := bits.Add64(x[1], 0, c)
	z2, c := bits.Add64(x[2], 0, c)
	z3, c := bits.Add64(x[3], 0, c)
	m := -c
	return fe{z0&m | x[0]&^m, z1&m | x[1]&^m, z2&m | x[2]&^m, z3&m | x[3]&^m}
}

// feIsZero reports whether x ≡ 0: the weakly reduced forms of zero are 0
// and p.
func feIsZero(x *fe) bool {
	if x[0]|x[1]|x[2]|x[3] == 0 {
		return true
	}
	return *x == feP
}

// feEqual reports whether x ≡ y.
func feEqual(x, y *fe) bool {
	var d fe
	feSub(&d, x, y)
	return feIsZero(&d)
}

// feInv sets z = 1/x by Fermat's little theorem, x^(p−2), with 255
// squarings and 15 multiplications; zero maps to zero. Since
// p − 2 = 4·(p−3)/4 + 1, it is the chain of fePowPMinus3Div4 followed by
// two squarings and a multiplication.
func feInv(z, x *fe) {
	var t fe
	fePowPMinus3Div4(&t, x)
	feSqrN(&t, &t, 2)
	feMul(z, &t, x)
}

// fePowPMinus3Div4 sets z = x^((p−3)/4) with a fixed addition chain: the
// exponent is, from the top, 223 ones, a zero, 22 ones and 0000 1 0 11.
// It is the square root's exponent (p ≡ 3 mod 4) and the head of feInv's.
// Branch-free: constant time.
func fePowPMinus3Div4(z, x *fe) {
	var x2, x3, x6, x9, x11, x22, x44, x88, x176, x220, x223, t fe
	// xk = x^(2^k − 1), k ones.
	feSqr(&x2, x)
	feMul(&x2, &x2, x)
	feSqr(&x3, &x2)
	feMul(&x3, &x3, x)
	feSqrN(&x6, &x3, 3)
	feMul(&x6, &x6, &x3)
	feSqrN(&x9, &x6, 3)
	feMul(&x9, &x9, &x3)
	feSqrN(&x11, &x9, 2)
	feMul(&x11, &x11, &x2)
	feSqrN(&x22, &x11, 11)
	feMul(&x22, &x22, &x11)
	feSqrN(&x44, &x22, 22)
	feMul(&x44, &x44, &x22)
	feSqrN(&x88, &x44, 44)
	feMul(&x88, &x88, &x44)
	feSqrN(&x176, &x88, 88)
	feMul(&x176, &x176, &x88)
	feSqrN(&x220, &x176, 44)
	feMul(&x220, &x220, &x44)
	feSqrN(&x223, &x220, 3)
	feMul(&x223, &x223, &x3)
	// 223 ones, then 0 and 22 ones.
	feSqrN(&t, &x223, 23)
	feMul(&t, &t, &x22)
	// Then 0000 1 and 0 11.
	feSqrN(&t, &t, 5)
	feMul(&t, &t, x)
	feSqrN(&t, &t, 3)
	feMul(z, &t, &x2)
}

// PowPMinus3Div4 sets r = x^((p−3)/4) for decred field values (x of any
// magnitude, r normalized), on the package's faster field: the exponent of
// the square roots of RFC 9380's sqrt_ratio (package h2c). Constant time.
func PowPMinus3Div4(r, x *secp256k1.FieldVal) {
	fx := feFromField(x)
	var fr fe
	fePowPMinus3Div4(&fr, &fx)
	*r = feToField(&fr)
}

// feSetBytes decodes a 32-byte big-endian value, which may be p or more
// (it is then only weakly reduced).
func feSetBytes(b *[32]byte) fe {
	return fe{
		binary.BigEndian.Uint64(b[24:]),
		binary.BigEndian.Uint64(b[16:]),
		binary.BigEndian.Uint64(b[8:]),
		binary.BigEndian.Uint64(b[0:]),
	}
}

// feBytes returns the canonical 32-byte big-endian encoding of x.
func feBytes(x *fe) [32]byte {
	c := feCanon(x)
	var b [32]byte
	binary.BigEndian.PutUint64(b[0:], c[3])
	binary.BigEndian.PutUint64(b[8:], c[2])
	binary.BigEndian.PutUint64(b[16:], c[1])
	binary.BigEndian.PutUint64(b[24:], c[0])
	return b
}

// feFromField converts a decred field value (of any magnitude).
func feFromField(f *secp256k1.FieldVal) fe {
	n := *f
	n.Normalize()
	var b [32]byte
	n.PutBytesUnchecked(b[:])
	return feSetBytes(&b)
}

// feToField converts x to a normalized decred field value.
func feToField(x *fe) secp256k1.FieldVal {
	b := feBytes(x)
	var f secp256k1.FieldVal
	f.SetBytes(&b)
	return f
}
