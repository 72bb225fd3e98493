package ecc

import (
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Variable-time modular inversion for public values (verification), by
// the same safegcd divsteps as modinv.go in libsecp256k1's modinv64_var
// form: each round performs 62 divsteps, several at a time where g has
// trailing zeros or where a few bits of g can be cleared at once by a
// multiple of f (an inverse of f modulo 2^4 or 2^6), and the rounds stop
// as soon as g is zero, usually after about 450 divsteps instead of the
// constant-time code's fixed 590. Its running time depends on the input:
// never use it on a secret.

// divsteps62Var performs 62 divsteps on the low 64 bits f0, g0 of f and g
// (f odd) from eta = −delta, returning the new eta and the transition
// matrix t, scaled by 2^62, for which t·[f, g] = 2^62·[f', g'].
func divsteps62Var(eta int64, f0, g0 uint64, t *trans2x2) int64 {
	u, v, q, r := uint64(1), uint64(0), uint64(0), uint64(1)
	f, g := f0, g0
	i := 62
	for {
		// The zero bits of g, at most the i divsteps left, are divsteps
		// that halve g.
		zeros := bits.TrailingZeros64(g | ^uint64(0)<<uint(i))
		g >>= uint(zeros)
		u <<= uint(zeros)
		v <<= uint(zeros)
		eta -= int64(zeros)
		i -= zeros
		if i == 0 {
			break
		}
		// g is odd. With eta < 0, the divstep swaps f and g (negating
		// the new g); then up to min(eta+1, i) low bits of g are cleared
		// by adding w·f, w = −g/f modulo a power of two.
		var w uint64
		if eta < 0 {
			eta = -eta
			f, g = g, -f
			u, q = q, -u
			v, r = r, -v
			limit := min(int(eta)+1, i)
			m := ^uint64(0) >> uint(64-limit) & 63
			w = f * g * (f*f - 2) & m
		} else {
			limit := min(int(eta)+1, i)
			m := ^uint64(0) >> uint(64-limit) & 15
			w = f + (f+1)&4<<1 // f⁻¹ modulo 16
			w = -w * g & m
		}
		g += f * w
		q += u * w
		r += v * w
	}
	*t = trans2x2{int64(u), int64(v), int64(q), int64(r)}
	return eta
}

// modInvVar returns x⁻¹ modulo the modulus for 0 ≤ x < m (zero for zero),
// in variable time.
func modInvVar(x *s62, mi *modInfo) s62 {
	d, e := s62{}, s62{1}
	f, g := mi.m, *x
	eta := int64(-1) // −delta, delta = 1
	for g != (s62{}) {
		var t trans2x2
		eta = divsteps62Var(eta, uint64(f[0]), uint64(g[0]), &t)
		updateDE(&d, &e, &t, mi)
		updateFG(&f, &g, &t)
	}
	// f = ±1 (for x ≠ 0): d = ±x⁻¹.
	normalize62(&d, f[4], mi)
	return d
}

// InverseModNVar returns s⁻¹ mod n (zero for zero) in variable time: for
// public scalars only, such as a signature's s in verification.
func InverseModNVar(s *secp256k1.ModNScalar) secp256k1.ModNScalar {
	return inverseModN(s, true)
}

// feInvVar sets z = 1/x (zero for zero) in variable time.
func feInvVar(z, x *fe) {
	c := feCanon(x)
	a := [4]uint64(c)
	s := toS62(&a)
	r := modInvVar(&s, &modInfoP)
	*z = fe(fromS62(&r))
}
