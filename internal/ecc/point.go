package ecc

import "github.com/decred/dcrd/dcrec/secp256k1/v4"

// Point arithmetic of y² = x³ + b (a = 0) on the fe field. The formulas
// never use b, so they hold on every curve y² = x³ + b' as well, in
// particular on the curves isomorphic to secp256k1 through
// (x, y) ↦ (u²·x, u³·y) that the single-use tables of MulAdd live on.
//
// Every routine handles its exceptional cases (infinity operands, P + P,
// P + (−P)) and branches on them: variable time, for public data only.

// jac is a point in Jacobian coordinates, affine (X/Z², Y/Z³), or the point
// at infinity when inf is set (the coordinates are then meaningless).
type jac struct {
	x, y, z fe
	inf     bool
}

// aff is an affine point (x, y), never infinity.
type aff struct {
	x, y fe
}

// jacFromPoint converts a decred point.
func jacFromPoint(p *secp256k1.JacobianPoint) jac {
	if IsInfinity(p) {
		return jac{inf: true}
	}
	return jac{x: feFromField(&p.X), y: feFromField(&p.Y), z: feFromField(&p.Z)}
}

// point converts p to a decred point with normalized coordinates; infinity
// becomes (0, 0, 0), as decred writes it.
func (p *jac) point() secp256k1.JacobianPoint {
	var r secp256k1.JacobianPoint
	if p.inf || feIsZero(&p.z) {
		return r
	}
	r.X, r.Y, r.Z = feToField(&p.x), feToField(&p.y), feToField(&p.z)
	return r
}

// double sets p = 2q; p and q may be the same point.
func (p *jac) double(q *jac) {
	if q.inf {
		p.inf = true
		return
	}
	jacDouble(p, q)
	p.inf = false
	// A point with Y = 0 has order 2, and secp256k1 has none; on another
	// curve (invalid input) it would double to infinity.
	if feIsZero(&p.z) {
		p.inf = true
	}
}

// jacDoubleGeneric sets the coordinates of p to those of 2q, for q not
// infinity, in pure Go: dbl-2009-l of the Explicit-Formulas Database with
// D = 4·X1·B computed directly (3M + 4S, fewer additions than 2M + 5S).
// fe_amd64.s computes the same limbs.
func jacDoubleGeneric(p, q *jac) {
	var a, b, c, d, e, f, t fe
	feSqr(&a, &q.x)         // A = X1²
	feSqr(&b, &q.y)         // B = Y1²
	feSqr(&c, &b)           // C = B²
	feMul(&d, &q.x, &b)     //
	feMulSmall(&d, &d, 4)   // D = 4·X1·B
	feMulSmall(&e, &a, 3)   // E = 3·A
	feSqr(&f, &e)           // F = E²
	feMul(&p.z, &q.y, &q.z) // Z3 = 2·Y1·Z1 (before X3, Y3 overwrite an aliased q)
	feAdd(&p.z, &p.z, &p.z)
	feAdd(&t, &d, &d)
	feSub(&p.x, &f, &t) // X3 = F − 2·D
	feSub(&t, &d, &p.x)
	feMul(&t, &e, &t)     // E·(D − X3)
	feMulSmall(&c, &c, 8) // 8·C
	feSub(&p.y, &t, &c)   // Y3 = E·(D − X3) − 8·C
}

// addAff sets p = q + a, or q − a when neg is set, for an affine a (8M + 3S).
// Z3 = Z1·H, with H returned as the ratio Z3/Z1 (meaningless when the
// result is infinity or came from the doubling of an exceptional case, which
// the second result reports as false).
func (p *jac) addAff(q *jac, a *aff, neg bool) (h fe, ok bool) {
	y2 := a.y
	if neg {
		feNeg(&y2, &y2)
	}
	if q.inf {
		*p = jac{x: a.x, y: y2, z: feOne}
		return h, false
	}
	var r fe
	jacAddPrefix(&h, &r, q, &a.x, &y2, &q.z) // H = X2·Z1² − X1, R = Y2·Z1³ − Y1
	if feIsZero(&h) {
		if feIsZero(&r) {
			p.double(q) // q = a
		} else {
			p.inf = true // q = −a
		}
		return h, false
	}
	p.addTail(q, &h, &r, &q.z)
	return h, true
}

// addAffZinv sets p = q + a (q − a when neg is set) where q lives on the
// curve scaled by zt, (x, y) ↦ (zt²·x, zt³·y), and a on the curve itself
// (9M + 3S). The Jacobian form of a on q's curve is (x, y, 1/zt), so the
// sum of q and a is that of (X1, Y1, Z1·zt) and (x, y, 1) on a's curve, with
// Z3 = Z1·H (libsecp256k1's gej_add_zinv_var takes the same route).
func (p *jac) addAffZinv(q *jac, a *aff, neg bool, zt *fe) {
	y2 := a.y
	if neg {
		feNeg(&y2, &y2)
	}
	if q.inf {
		var t fe
		feSqr(&t, zt)
		feMul(&p.x, &a.x, &t)
		feMul(&t, &t, zt)
		feMul(&p.y, &y2, &t)
		p.z, p.inf = feOne, false
		return
	}
	var az, h, r fe
	feMul(&az, &q.z, zt)                    // Z1·zt
	jacAddPrefix(&h, &r, q, &a.x, &y2, &az) // H = U2 − X1, R = S2 − Y1
	if feIsZero(&h) {
		if feIsZero(&r) {
			p.double(q)
		} else {
			p.inf = true
		}
		return
	}
	p.addTail(q, &h, &r, &q.z)
}

// addTail finishes an addition with U1 = X1 and S1 = Y1 (those of q):
// X3 = R² − H³ − 2·X1·H², Y3 = R·(X1·H² − X3) − Y1·H³, Z3 = z·H. p may be q,
// and z may point into either.
func (p *jac) addTail(q *jac, h, r, z *fe) {
	jacAddTail(p, q, h, r, z)
	p.inf = false
}

// jacAddTailGeneric sets the coordinates of p as addTail, in pure Go;
// fe_amd64.s computes the same limbs.
func jacAddTailGeneric(p, q *jac, h, r, z *fe) {
	var hh, hhh, v, t fe
	feSqr(&hh, h)        // H²
	feMul(&hhh, h, &hh)  // H³
	feMul(&v, &q.x, &hh) // V = X1·H²
	feMul(&p.z, z, h)    // Z3 (q.z is read for the last time)
	feMul(&t, &q.y, &hhh)
	feSqr(&p.x, r)
	feSub(&p.x, &p.x, &hhh)
	feSub(&p.x, &p.x, &v)
	feSub(&p.x, &p.x, &v) // X3 = R² − H³ − 2V
	feSub(&v, &v, &p.x)
	feMul(&v, &v, r)
	feSub(&p.y, &v, &t) // Y3 = R·(V − X3) − Y1·H³
}

// jacAddPrefixGeneric starts the addition of q and an affine (x, y) in pure
// Go, with z = Z1 (or Z1·zt for a q on a scaled curve): U2 = x·z²,
// S2 = y·z³, h = U2 − X1 and r = S2 − Y1. fe_amd64.s computes the same
// limbs.
func jacAddPrefixGeneric(h, r *fe, q *jac, x, y, z *fe) {
	var zz, yz, s2, u2 fe
	feSqr(&zz, z)        // z²
	feMul(&yz, y, z)     //
	feMul(&s2, &yz, &zz) // S2 = y·z³
	feSub(r, &s2, &q.y)  // R = S2 − Y1
	feMul(&u2, x, &zz)   // U2 = x·z²
	feSub(h, &u2, &q.x)  // H = U2 − X1
}

// add sets p = q + r for Jacobian q and r (12M + 4S), every case handled.
func (p *jac) add(q, r *jac) {
	switch {
	case q.inf:
		*p = *r
		return
	case r.inf:
		*p = *q
		return
	}
	var t jac // (U1, S1)
	var h, rr, z fe
	jacAddFullPrefix(&t, &h, &rr, &z, q, r)
	if feIsZero(&h) {
		if feIsZero(&rr) {
			p.double(q)
		} else {
			p.inf = true
		}
		return
	}
	p.addTail(&t, &h, &rr, &z)
}

// jacAddFullPrefixGeneric starts the addition of Jacobian q and r in pure
// Go: t = (U1, S1) with U1 = X1·Z2², S1 = Y1·Z2³, then h = U2 − U1 and
// rr = S2 − S1 with U2 = X2·Z1², S2 = Y2·Z1³, and z = Z1·Z2. fe_amd64.s
// computes the same limbs.
func jacAddFullPrefixGeneric(t *jac, h, rr, z *fe, q, r *jac) {
	var z1z1, z2z2, u2, s2 fe
	feSqr(&z1z1, &q.z)
	feSqr(&z2z2, &r.z)
	feMul(&t.x, &q.x, &z2z2) // U1 = X1·Z2²
	feMul(&u2, &r.x, &z1z1)  // U2 = X2·Z1²
	feMul(&t.y, &q.y, &r.z)
	feMul(&t.y, &t.y, &z2z2) // S1 = Y1·Z2³
	feMul(&s2, &r.y, &q.z)
	feMul(&s2, &s2, &z1z1) // S2 = Y2·Z1³
	feSub(h, &u2, &t.x)
	feSub(rr, &s2, &t.y)
	feMul(z, &q.z, &r.z)
}

// scaled returns the point q on the curve scaled by u, (x, y) ↦ (u²·x, u³·y),
// keeping Z.
func (q *aff) scaled(u *fe) aff {
	var u2, u3 fe
	var r aff
	feSqr(&u2, u)
	feMul(&u3, &u2, u)
	feMul(&r.x, &q.x, &u2)
	feMul(&r.y, &q.y, &u3)
	return r
}

// affAddInvGeneric sets r = p + q for affine points with x1 ≠ x2, given
// inv = 1/(x2 − x1), in pure Go: λ = (y2 − y1)·inv, x3 = λ² − x1 − x2,
// y3 = λ·(x1 − x3) − y1 (2M + 1S). r may be p or q. It is the addition of
// the affine bucket sums, whose inversions are shared; fe_amd64.s computes
// the same limbs.
func affAddInvGeneric(r, p, q *aff, inv *fe) {
	var lambda, t fe
	feSub(&t, &q.y, &p.y)
	feMul(&lambda, &t, inv)
	affAddLambda(r, p, q, &lambda)
}

// affAddLambda sets r = p + q for affine points given the slope λ of the
// line through them (the tangent when p = q): x3 = λ² − x1 − x2,
// y3 = λ·(x1 − x3) − y1. r may be p or q.
func affAddLambda(r, p, q *aff, lambda *fe) {
	var t, x3, y3 fe
	feSqr(&x3, lambda)
	feSub(&x3, &x3, &p.x)
	feSub(&x3, &x3, &q.x)
	feSub(&t, &p.x, &x3)
	feMul(&y3, lambda, &t)
	feSub(&y3, &y3, &p.y)
	r.x, r.y = x3, y3
}
