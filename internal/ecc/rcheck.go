package ecc

import "github.com/decred/dcrd/dcrec/secp256k1/v4"

// The check u1·G + u2·Q = R with half-size multipliers (see halfgcd.go):
// with v·u2 ≡ w (mod n) from halfGCD, w = a + b·ω and v = c + d·ω, it
// decides whether
//
//	(v·u1 mod n)·G + a·Q + b·φ(Q) − c·R − d·φ(R) = infinity,
//
// one Strauss–Shamir chain of about 65 doublings: G's 256-bit multiplier is
// split by GLV and then at 2^64 over a table of G and 2^64·G (rcheckBase),
// and a, b, c, d have about 64 bits each. The tables of Q and R are built
// per call on one scaled curve, with no inversion.

// rcheckWindow is the width of the single-use tables of Q and R: 4
// measured faster than 5, whose fewer additions in the chain (about a
// sixth of the digits instead of a fifth) cost more to tabulate (twice the
// points).
const (
	rcheckWindow = 4
	rcheckPer    = 1 << (rcheckWindow - 2)
)

// lambdaN is λ as a Scalar.
var lambdaN = ScalarOf(&glv.lambda)

// IsMulAddEqual reports whether u1·G + u2·Q == R (variable time, for public
// data only: verification). Q and R must be on the curve or infinity, and
// no argument may be nil (MulAdd's contract: callers check first). It
// gives the result of comparing MulAdd(u1, u2, Q) with R, at about half
// the doublings when u2 ≠ 0 and neither point is infinity.
func IsMulAddEqual(u1, u2 *secp256k1.ModNScalar, q, r *secp256k1.JacobianPoint) bool {
	if u2.IsZero() || IsInfinity(q) || IsInfinity(r) {
		return isMulAddEqualFull(u1, u2, q, r)
	}
	w, v, ok := halfGCD(u2)
	if !ok {
		return isMulAddEqualFull(u1, u2, q, r)
	}
	a, an := w.x.abs()
	b, bn := w.y.abs()
	c, cn := v.x.abs()
	d, dn := v.y.abs()
	if a[2]|b[2]|c[2]|d[2] != 0 {
		return isMulAddEqualFull(u1, u2, q, r) // not reached: see halfGCD
	}
	// v mod n = c + d·λ, not zero since N(v) < n; the test is cheap.
	vc, vd := scalarOfSigned(c, cn), scalarOfSigned(d, dn)
	vd = MulModN(&vd, &lambdaN)
	vn := AddModN(&vc, &vd)
	if vn.IsZero() {
		return isMulAddEqualFull(u1, u2, q, r)
	}
	us := ScalarOf(u1)
	gs := MulModN(&vn, &us)
	g := gs.ModN()

	var pts, phis [2 * rcheckPer]aff
	var zr [2 * rcheckPer]fe
	ps := [2]jac{jacFromPoint(q), jacFromPoint(r)}
	zt := oddMultiplesShared(pts[:], zr[:], ps[:])
	phiTable(phis[:], pts[:])
	qt := Table{w: rcheckWindow, pieces: 1, iso: true, zt: zt}
	qt.pts[0], qt.pts[1] = pts[:rcheckPer], phis[:rcheckPer]
	rt := Table{w: rcheckWindow, pieces: 1, iso: true, zt: zt}
	rt.pts[0], rt.pts[1] = pts[rcheckPer:], phis[rcheckPer:]

	gt := rcheckBase()
	var terms [3]term
	top := terms[0].set(&g, gt)
	top = max(top, terms[1].setHalves(a, b, an, bn, rcheckWindow))
	top = max(top, terms[2].setHalves(c, d, !cn, !dn, rcheckWindow))
	tabs := [3]*Table{gt, &qt, &rt}
	acc := strauss(terms[:], tabs[:], top)
	return acc.inf || feIsZero(&acc.z)
}

// isMulAddEqualFull is IsMulAddEqual by MulAdd and a comparison.
func isMulAddEqualFull(u1, u2 *secp256k1.ModNScalar, q, r *secp256k1.JacobianPoint) bool {
	p := MulAdd(u1, u2, q)
	pj, rj := jacFromPoint(&p), jacFromPoint(r)
	return jacEqual(&pj, &rj)
}

// jacEqual reports whether p and q are the same point: both infinity, or
// X1·Z2² = X2·Z1² and Y1·Z2³ = Y2·Z1³.
func jacEqual(p, q *jac) bool {
	if p.inf || q.inf {
		return p.inf && q.inf
	}
	var z1z1, z2z2, s, t fe
	feSqr(&z1z1, &p.z)
	feSqr(&z2z2, &q.z)
	feMul(&s, &p.x, &z2z2)
	feMul(&t, &q.x, &z1z1)
	if !feEqual(&s, &t) {
		return false
	}
	feMul(&s, &p.y, &z2z2)
	feMul(&s, &s, &q.z)
	feMul(&t, &q.y, &z1z1)
	feMul(&t, &t, &p.z)
	return feEqual(&s, &t)
}

// scalarOfSigned returns ±m mod n for m < 2^128, negative when neg is set.
func scalarOfSigned(m [3]uint64, neg bool) Scalar {
	s := Scalar{m[0], m[1]}
	if neg && !s.IsZero() {
		s = Scalar(sub256(scalarN, s))
	}
	return s
}

// setHalves sets the term of a single-piece table to x + y·λ with |x|, |y|
// below 2^128 and their signs, and returns the number of digits needed.
func (t *term) setHalves(x, y [3]uint64, negX, negY bool, w uint) int {
	t.n = 2
	t.len[0] = wnaf(&t.naf[0], x, w)
	t.len[1] = wnaf(&t.naf[1], y, w)
	t.neg[0], t.neg[1] = negX, negY
	return max(t.len[0], t.len[1])
}

// oddMultiplesShared writes the m = len(t)/len(ps) odd multiples P, 3P, …,
// (2m−1)·P of each point ps[k] (on the curve, not infinity) into
// t[k·m : (k+1)·m], all as affine points of one curve scaled by the
// returned zt, with no inversion: libsecp256k1's ecmult chains the tables
// the same way (secp256k1_ge_table_set_globalz).
//
// Each point's multiples are chained by mixed additions as in
// oddMultiplesIso, and the Z of every entry, as a Jacobian point of
// secp256k1, is that of the one before times a known ratio zr[i]; the next
// point starts from the last entry's Z (it is rescaled to it), so the ratios
// run across tables, and one backward pass brings every entry to the last
// one's Z, which is zt. zr is scratch of len(t).
func oddMultiplesShared(t []aff, zr []fe, ps []jac) fe {
	m := len(t) / len(ps)
	var z fe // Z of the last entry so far
	for k := range ps {
		p := ps[k]
		off := k * m
		pz := p.z
		if k > 0 {
			// The same point with Z·z: its chain continues the last one.
			var z2, z3 fe
			feSqr(&z2, &z)
			feMul(&z3, &z2, &z)
			feMul(&p.x, &p.x, &z2)
			feMul(&p.y, &p.y, &z3)
			feMul(&p.z, &p.z, &z)
		}
		// D = 2P is affine on the curve scaled by C = Z_D, where P is
		// (X·C², Y·C³, Z); an entry (x, y, Z) there is (x, y, Z·C) on
		// secp256k1.
		var d jac
		d.double(&p)
		da := aff{x: d.x, y: d.y}
		var c2, c3 fe
		feSqr(&c2, &d.z)
		feMul(&c3, &c2, &d.z)
		acc := jac{z: p.z}
		feMul(&acc.x, &p.x, &c2)
		feMul(&acc.y, &p.y, &c3)
		t[off] = aff{x: acc.x, y: acc.y}
		if k > 0 {
			feMul(&zr[off], &d.z, &pz) // (Z·z·C) / z
		}
		for i := 1; i < m; i++ {
			zr[off+i], _ = acc.addAff(&acc, &da, false)
			t[off+i] = aff{x: acc.x, y: acc.y}
		}
		feMul(&z, &acc.z, &d.z)
	}
	// Entry i has Z_i, and Z_last = Z_i·zr[i+1]·…·zr[last].
	last := len(t) - 1
	if last > 0 {
		s := zr[last]
		for i := last - 1; i >= 0; i-- {
			t[i] = t[i].scaled(&s)
			if i > 0 {
				feMul(&s, &s, &zr[i])
			}
		}
	}
	return z
}
