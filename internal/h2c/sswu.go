package h2c

import "github.com/decred/dcrd/dcrec/secp256k1/v4"

// MapToCurve implements map_to_curve for this suite: the simplified SWU map
// onto the isogenous curve E' (RFC 9380 section 6.6.2) followed by the
// 3-isogeny onto secp256k1 (section 6.6.3, Appendix E.1).  u may be any field
// element, normalized or not; it is not modified.
//
// The result is in Jacobian coordinates with normalized X, Y and Z; Z is in
// general not 1.  It is never the point at infinity for an element of the
// field: the isogeny's denominators vanish only at an x-coordinate that no
// point of E' over the base field has.  MapToCurve runs in constant time.
func MapToCurve(u *secp256k1.FieldVal) secp256k1.JacobianPoint {
	var un secp256k1.FieldVal
	un.Set(u).Normalize()
	var xn, xd, y secp256k1.FieldVal
	mapToIsoCurve(&xn, &xd, &y, &un)
	var p secp256k1.JacobianPoint
	isoMap(&p, &xn, &xd, &y)
	return p
}

// mapToIsoCurve computes the simplified SWU map of RFC 9380 section 6.6.2 on
// E' for a normalized u, following the straight-line form of Appendix F.2.
// The image is x' = xn/xd and y' = y: the x-coordinate is left as a fraction
// so that no inversion is needed; y is affine because its sign has to match
// sgn0(u).  xn and xd have magnitude 1, xd is nonzero and y is normalized.
// Constant time: both candidate x-coordinates are computed and one is
// selected arithmetically.
func mapToIsoCurve(xn, xd, y, u *secp256k1.FieldVal) {
	var tv1, tv2, tv3, tv4, tv5, tv6, x2n, y2, negTv2 secp256k1.FieldVal

	tv1.SquareVal(u).Mul(&sswuZ)  // Z*u^2 (mag 1)
	tv2.SquareVal(&tv1).Add(&tv1) // Z^2*u^4 + Z*u^2 (mag 2)
	tv2.Normalize()               // (mag 1)
	tv3.Set(&tv2).AddInt(1)       // tv2 + 1 (mag 2)
	tv3.Mul(&isoB)                // x1 numerator B'*(tv2 + 1) (mag 1)

	// tv4 = -tv2, or Z in the exceptional case tv2 == 0, in which
	// x1 = B'/(Z*A') as RFC 9380 section 6.6.2 requires.
	negTv2.NegateVal(&tv2, 1)                           // (mag 2)
	fieldSelect(&tv4, &negTv2, &sswuZ, tv2.IsZeroBit()) // (mag <= 2)
	tv4.Mul(&isoA)                                      // x1 denominator A'*tv4 (mag 1)

	// g(x1) = (tv3^3 + A'*tv3*tv4^2 + B'*tv4^3) / tv4^3.
	tv2.SquareVal(&tv3)     // tv3^2 (mag 1)
	tv6.SquareVal(&tv4)     // tv4^2 (mag 1)
	tv5.Mul2(&isoA, &tv6)   // A'*tv4^2 (mag 1)
	tv2.Add(&tv5).Mul(&tv3) // tv3^3 + A'*tv3*tv4^2 (mag 1)
	tv6.Mul(&tv4)           // tv4^3 (mag 1)
	tv5.Mul2(&isoB, &tv6)   // B'*tv4^3 (mag 1)
	tv2.Add(&tv5)           // numerator of g(x1) (mag 2)

	// x2 = Z*u^2 * x1; g(x2) = Z^3*u^6 * g(x1), so when g(x1) is not a
	// square sqrt(g(x2)) = Z*u^2 * u * sqrt(Z * g(x1)).
	x2n.Mul2(&tv1, &tv3) // x2 numerator (mag 1)
	var y1 secp256k1.FieldVal
	isQR := sqrtRatio(&y1, &tv2, &tv6) // sqrt(g(x1)) or sqrt(Z*g(x1)) (normalized)
	y2.Mul2(&tv1, u).Mul(&y1)          // sqrt(g(x2)) (mag 1)

	fieldSelect(xn, &x2n, &tv3, isQR) // (mag 1)
	xd.Set(&tv4)                      // (mag 1)
	fieldSelect(y, &y2, &y1, isQR)    // (mag 1)
	y.Normalize()

	// Make sgn0(y) equal sgn0(u).
	var negY secp256k1.FieldVal
	negY.NegateVal(y, 1) // (mag 2)
	fieldSelect(y, y, &negY, u.IsOddBit()^y.IsOddBit())
	y.Normalize()
}

// isoMap applies the 3-isogeny E' -> E of RFC 9380 Appendix E.1 to the point
// (xn/xd, y) of E' and stores the image in p in Jacobian coordinates, in
// constant time.  Inputs must have magnitude at most 8; p is normalized.
//
// Multiplying the four polynomials of the map by xd^3 clears the fraction
// x' = xn/xd:
//
//	x = xnum/xden,  y = y * ynum/yden,  with
//	xnum = xd^3*x_num(x'), xden = xd^3*x_den(x'),
//	ynum = xd^3*y_num(x'), yden = xd^3*y_den(x').
//
// A Jacobian representative of (xnum/xden, y*ynum/yden) is Z = xden*yden,
// X = xnum*yden*Z, Y = y*ynum*xden*Z^2.  Should a denominator vanish,
// X = Y = Z = 0: the point at infinity, which is the value section 6.6.3
// assigns to that case.
func isoMap(p *secp256k1.JacobianPoint, xn, xd, y *secp256k1.FieldVal) {
	var xn2, xn3, xd2, xd3, m21, m12, t secp256k1.FieldVal
	xn2.SquareVal(xn)  // xn^2 (mag 1)
	xn3.Mul2(&xn2, xn) // xn^3 (mag 1)
	xd2.SquareVal(xd)  // xd^2 (mag 1)
	xd3.Mul2(&xd2, xd) // xd^3 (mag 1)
	m21.Mul2(&xn2, xd) // xn^2*xd (mag 1)
	m12.Mul2(xn, &xd2) // xn*xd^2 (mag 1)

	// xnum = k13*xn^3 + k12*xn^2*xd + k11*xn*xd^2 + k10*xd^3 (mag 4)
	var xnum secp256k1.FieldVal
	xnum.Mul2(&isoK13, &xn3)
	xnum.Add(t.Mul2(&isoK12, &m21))
	xnum.Add(t.Mul2(&isoK11, &m12))
	xnum.Add(t.Mul2(&isoK10, &xd3))

	// xden = xd^3 * (x'^2 + k21*x' + k20)
	//      = xn^2*xd + k21*xn*xd^2 + k20*xd^3 (mag 3)
	var xden secp256k1.FieldVal
	xden.Set(&m21)
	xden.Add(t.Mul2(&isoK21, &m12))
	xden.Add(t.Mul2(&isoK20, &xd3))

	// y * ynum = y * (k33*xn^3 + k32*xn^2*xd + k31*xn*xd^2 + k30*xd^3)
	var ynum secp256k1.FieldVal
	ynum.Mul2(&isoK33, &xn3)
	ynum.Add(t.Mul2(&isoK32, &m21))
	ynum.Add(t.Mul2(&isoK31, &m12))
	ynum.Add(t.Mul2(&isoK30, &xd3)) // (mag 4)
	ynum.Mul(y)                     // (mag 1)

	// yden = xn^3 + k42*xn^2*xd + k41*xn*xd^2 + k40*xd^3 (mag 4)
	var yden secp256k1.FieldVal
	yden.Set(&xn3)
	yden.Add(t.Mul2(&isoK42, &m21))
	yden.Add(t.Mul2(&isoK41, &m12))
	yden.Add(t.Mul2(&isoK40, &xd3))

	p.Z.Mul2(&xden, &yden)           // (mag 1)
	p.X.Mul2(&xnum, &yden).Mul(&p.Z) // (mag 1)
	t.SquareVal(&p.Z)                // Z^2 (mag 1)
	p.Y.Mul2(&ynum, &xden).Mul(&t)   // (mag 1)
	p.X.Normalize()
	p.Y.Normalize()
	p.Z.Normalize()
}
