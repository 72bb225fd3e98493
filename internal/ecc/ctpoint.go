package ecc

// Constant-time field helpers and point formulas for secret-dependent
// points (the fixed-base comb of basemul.go). Unlike point.go, nothing here
// branches on a value or indexes memory by one: the exceptional cases are
// handled by masks, as in libsecp256k1's group_impl.h.

// feCmov sets z = x where m is all ones and leaves z where m is zero.
func feCmov(z, x *fe, m uint64) {
	z[0] ^= (z[0] ^ x[0]) & m
	z[1] ^= (z[1] ^ x[1]) & m
	z[2] ^= (z[2] ^ x[2]) & m
	z[3] ^= (z[3] ^ x[3]) & m
}

// feZeroMask returns all ones when x ≡ 0 and zero otherwise.
func feZeroMask(x *fe) uint64 {
	c := feCanon(x)
	v := c[0] | c[1] | c[2] | c[3]
	// v | −v has its top bit set exactly when v ≠ 0.
	return (v|-v)>>63 - 1
}

// feHalf sets z = x/2: x/2 when the representative x is even, (x + p)/2
// when it is odd (either is congruent to x/2 for any representative).
func feHalf(z, x *fe) {
	m := -(x[0] & 1)
	t0, c := add64(x[0], feP[0]&m, 0)
	t1, c := add64(x[1], feP[1]&m, c)
	t2, c := add64(x[2], feP[2]&m, c)
	t3, c := add64(x[3], feP[3]&m, c)
	z[0] = t0>>1 | t1<<63
	z[1] = t1>>1 | t2<<63
	z[2] = t2>>1 | t3<<63
	z[3] = t3>>1 | c<<63
}

// ctJac is a Jacobian point (X/Z², Y/Z³) whose infinity flag is a mask:
// all ones for the point at infinity, zero otherwise. The formulas below
// keep Z ≡ 0 exactly when the flag is set; X and Y of infinity are
// meaningless.
type ctJac struct {
	x, y, z fe
	inf     uint64
}

// addAffCT sets r = a + b for an affine b, in constant time, with the
// unified formula of libsecp256k1's secp256k1_gej_add_ge (Brier and Joye's
// λ = ((x1 + x2)² − x1·x2)/(y1 + y2), and (y1 − y2)/(x1 − x2) when
// y1 = −y2 but x1 ≠ x2; 7M + 5S). It covers a = b (doubling), a = −b
// (infinity) and a at infinity; b must not be infinity (an aff never is).
func (r *ctJac) addAffCT(a *ctJac, b *aff) {
	var zz, u2, s2, t, m, rr, tt, mAlt, rrAlt, n, q fe
	u1, s1, z1, ainf := a.x, a.y, a.z, a.inf
	feSqr(&zz, &z1)        // Z1²
	feMul(&u2, &b.x, &zz)  // U2 = X2·Z1²
	feMul(&s2, &b.y, &zz)  //
	feMul(&s2, &s2, &z1)   // S2 = Y2·Z1³
	feAdd(&t, &u1, &u2)    // T = U1 + U2
	feAdd(&m, &s1, &s2)    // M = S1 + S2
	feSqr(&rr, &t)         // T²
	feNeg(&mAlt, &u2)      // −U2
	feMul(&tt, &u1, &mAlt) // −U1·U2
	feAdd(&rr, &rr, &tt)   // R = T² − U1·U2
	// M = 0 with Z ≠ 0: y1 = −y2. Then λ = (y1 − y2)/(x1 − x2) instead.
	degenerate := feZeroMask(&m)
	feAdd(&rrAlt, &s1, &s1) // 2·S1 = S1 − S2
	feAdd(&mAlt, &mAlt, &u1)
	feCmov(&rrAlt, &rr, ^degenerate)
	feCmov(&mAlt, &m, ^degenerate)
	feSqr(&n, &mAlt)  // Malt²
	feNeg(&q, &t)     //
	feMul(&q, &q, &n) // Q = −T·Malt²
	// M³·Malt is Malt⁴ when M = Malt, and zero when M = 0.
	feSqr(&n, &n)
	feCmov(&n, &m, degenerate)
	feSqr(&t, &rrAlt)          // Ralt²
	feMul(&r.z, &z1, &mAlt)    // Z3 = Malt·Z1
	feAdd(&r.x, &t, &q)        // X3 = Ralt² + Q
	feAdd(&t, &r.x, &r.x)      //
	feAdd(&t, &t, &q)          // 2·X3 + Q
	feMul(&t, &t, &rrAlt)      //
	feAdd(&t, &t, &n)          // Ralt·(2·X3 + Q) + M³·Malt
	feNeg(&r.y, &t)            //
	feHalf(&r.y, &r.y)         // Y3 = −(Ralt·(2·X3 + Q) + M³·Malt)/2
	feCmov(&r.x, &b.x, ainf)   // a at infinity: the result is b.
	feCmov(&r.y, &b.y, ainf)   //
	feCmov(&r.z, &feOne, ainf) //
	// Z3 = 0 exactly when a = −b (see libsecp256k1's proof).
	r.inf = feZeroMask(&r.z)
}

// doubleCT sets r = 2a in constant time (3M + 4S, the doubling of
// libsecp256k1's secp256k1_gej_double: L = 3/2·X1², S = Y1², T = −X1·S,
// X3 = L² + 2T, Y3 = −(L·(X3 + T) + S²), Z3 = Y1·Z1). No point of
// secp256k1 has order 2, so only infinity doubles to infinity.
func (r *ctJac) doubleCT(a *ctJac) {
	var l, s, t fe
	r.inf = a.inf
	feMul(&r.z, &a.z, &a.y)
	feSqr(&s, &a.y)
	feSqr(&l, &a.x)
	feMulSmall(&l, &l, 3)
	feHalf(&l, &l)
	feNeg(&t, &s)
	feMul(&t, &t, &a.x)
	feSqr(&r.x, &l)
	feAdd(&r.x, &r.x, &t)
	feAdd(&r.x, &r.x, &t)
	feSqr(&s, &s)
	feAdd(&t, &t, &r.x)
	feMul(&r.y, &t, &l)
	feAdd(&r.y, &r.y, &s)
	feNeg(&r.y, &r.y)
}

// affineCT returns the affine coordinates of p (canonical) and p.inf. The
// inversion is safegcd, constant time, and maps Z = 0 to 0, so infinity
// comes out as (0, 0).
func (p *ctJac) affineCT() (x, y fe, inf uint64) {
	var zi, zi2, zi3 fe
	feInvCT(&zi, &p.z)
	feSqr(&zi2, &zi)
	feMul(&zi3, &zi2, &zi)
	feMul(&x, &p.x, &zi2)
	feMul(&y, &p.y, &zi3)
	return feCanon(&x), feCanon(&y), p.inf
}
