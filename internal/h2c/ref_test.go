package h2c

import (
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// This file holds an independent, slow reference of the suite written
// directly from the RFC 9380 pseudocode with math/big: the simplified SWU
// map with explicit inversions and square roots (section 6.6.2), the
// isogeny in affine form (Appendix E.1) and affine addition on E.  Tests
// compare the optimized code against it.

var (
	refP  = mustBig("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
	refA  = mustBig("3f8731abdd661adca08a5558f0f5d272e953d363cb6f0e5d405447c01a444533")
	refB  = big.NewInt(1771)
	refZ  = new(big.Int).Sub(refP, big.NewInt(11))
	refKs = map[string]*big.Int{
		"k10": mustBig("8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa8c7"),
		"k11": mustBig("07d3d4c80bc321d5b9f315cea7fd44c5d595d2fc0bf63b92dfff1044f17c6581"),
		"k12": mustBig("534c328d23f234e6e2a413deca25caece4506144037c40314ecbd0b53d9dd262"),
		"k13": mustBig("8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa88c"),
		"k20": mustBig("d35771193d94918a9ca34ccbb7b640dd86cd409542f8487d9fe6b745781eb49b"),
		"k21": mustBig("edadc6f64383dc1df7c4b2d51b54225406d36b641f5e41bbc52a56612a8c6d14"),
		"k30": mustBig("4bda12f684bda12f684bda12f684bda12f684bda12f684bda12f684b8e38e23c"),
		"k31": mustBig("c75e0c32d5cb7c0fa9d0a54b12a0a6d5647ab046d686da6fdffc90fc201d71a3"),
		"k32": mustBig("29a6194691f91a73715209ef6512e576722830a201be2018a765e85a9ecee931"),
		"k33": mustBig("2f684bda12f684bda12f684bda12f684bda12f684bda12f684bda12f38e38d84"),
		"k40": mustBig("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffff93b"),
		"k41": mustBig("7a06534bb8bdb49fd5e9e6632722c2989467c1bfc8e8d978dfb425d2685c2573"),
		"k42": mustBig("6484aa716545ca2cf3a70c3fa8fe337e0a3d21162f0d6299a7bf8192bfd2a76f"),
	}
)

func mustBig(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bad hex " + s)
	}
	return v
}

// refPoint is an affine point; inf marks the point at infinity.
type refPoint struct {
	x, y *big.Int
	inf  bool
}

func refMod(v *big.Int) *big.Int { return v.Mod(v, refP) }

func refMul(a ...*big.Int) *big.Int {
	r := big.NewInt(1)
	for _, v := range a {
		r.Mul(r, v)
		refMod(r)
	}
	return r
}

func refAdd(a ...*big.Int) *big.Int {
	r := new(big.Int)
	for _, v := range a {
		r.Add(r, v)
	}
	return refMod(r)
}

func refNeg(a *big.Int) *big.Int { return refMod(new(big.Int).Neg(a)) }

// refInv0 is inv0 of RFC 9380 section 4: 0 maps to 0.
func refInv0(a *big.Int) *big.Int {
	if a.Sign() == 0 {
		return new(big.Int)
	}
	return new(big.Int).ModInverse(a, refP)
}

func refIsSquare(a *big.Int) bool {
	e := new(big.Int).Rsh(new(big.Int).Sub(refP, big.NewInt(1)), 1)
	r := new(big.Int).Exp(a, e, refP)
	return r.Sign() == 0 || r.Cmp(big.NewInt(1)) == 0
}

func refSqrt(a *big.Int) *big.Int {
	r := new(big.Int).ModSqrt(a, refP)
	if r == nil {
		panic("no square root")
	}
	return r
}

func refSgn0(a *big.Int) uint { return a.Bit(0) }

func refIsoG(x *big.Int) *big.Int {
	return refAdd(refMul(x, x, x), refMul(refA, x), refB)
}

// refSSWU is map_to_curve_simple_swu of RFC 9380 section 6.6.2 onto E'.
func refSSWU(u *big.Int) refPoint {
	zu2 := refMul(refZ, u, u)
	tv1 := refInv0(refAdd(refMul(zu2, zu2), zu2))
	var x1 *big.Int
	if tv1.Sign() == 0 {
		x1 = refMul(refB, refInv0(refMul(refZ, refA)))
	} else {
		x1 = refMul(refNeg(refB), refInv0(refA), refAdd(big.NewInt(1), tv1))
	}
	x, y := x1, (*big.Int)(nil)
	if gx1 := refIsoG(x1); refIsSquare(gx1) {
		y = refSqrt(gx1)
	} else {
		x = refMul(zu2, x1)
		y = refSqrt(refIsoG(x))
	}
	if refSgn0(u) != refSgn0(y) {
		y = refNeg(y)
	}
	return refPoint{x: x, y: y}
}

// refIso is the 3-isogeny E' -> E of Appendix E.1 in affine form.
func refIso(p refPoint) refPoint {
	k := refKs
	x := p.x
	x2 := refMul(x, x)
	x3 := refMul(x2, x)
	xNum := refAdd(refMul(k["k13"], x3), refMul(k["k12"], x2), refMul(k["k11"], x), k["k10"])
	xDen := refAdd(x2, refMul(k["k21"], x), k["k20"])
	yNum := refAdd(refMul(k["k33"], x3), refMul(k["k32"], x2), refMul(k["k31"], x), k["k30"])
	yDen := refAdd(x3, refMul(k["k42"], x2), refMul(k["k41"], x), k["k40"])
	if xDen.Sign() == 0 || yDen.Sign() == 0 {
		return refPoint{inf: true}
	}
	return refPoint{
		x: refMul(xNum, refInv0(xDen)),
		y: refMul(p.y, yNum, refInv0(yDen)),
	}
}

// refAddE adds two affine points of E: y^2 = x^3 + 7.
func refAddE(p, q refPoint) refPoint {
	switch {
	case p.inf:
		return q
	case q.inf:
		return p
	}
	var lambda *big.Int
	if p.x.Cmp(q.x) == 0 {
		if refAdd(p.y, q.y).Sign() == 0 {
			return refPoint{inf: true}
		}
		lambda = refMul(big.NewInt(3), p.x, p.x, refInv0(refMul(big.NewInt(2), p.y)))
	} else {
		lambda = refMul(refAdd(q.y, refNeg(p.y)), refInv0(refAdd(q.x, refNeg(p.x))))
	}
	x := refAdd(refMul(lambda, lambda), refNeg(p.x), refNeg(q.x))
	y := refAdd(refMul(lambda, refAdd(p.x, refNeg(x))), refNeg(p.y))
	return refPoint{x: x, y: y}
}

// refMapToCurve is map_to_curve for the suite on a reduced u.
func refMapToCurve(u *big.Int) refPoint { return refIso(refSSWU(u)) }

// refHashToCurve is hash_to_curve for the suite; it uses ExpandMessageXMD,
// which the K.1 vectors check separately.
func refHashToCurve(msg, dst []byte) refPoint {
	b, err := ExpandMessageXMD(msg, dst, 2*elementLength)
	if err != nil {
		panic(err)
	}
	u0 := refMod(new(big.Int).SetBytes(b[:elementLength]))
	u1 := refMod(new(big.Int).SetBytes(b[elementLength:]))
	return refAddE(refMapToCurve(u0), refMapToCurve(u1))
}

// bigToField converts a reduced big integer into a normalized field element.
func bigToField(v *big.Int) secp256k1.FieldVal {
	var b [32]byte
	v.FillBytes(b[:])
	var f secp256k1.FieldVal
	if f.SetBytes(&b) != 0 {
		panic("value not reduced")
	}
	return f
}

// fieldToBig converts a field element (normalized or not) to a big integer.
func fieldToBig(f *secp256k1.FieldVal) *big.Int {
	var t secp256k1.FieldVal
	t.Set(f).Normalize()
	b := t.Bytes()
	return new(big.Int).SetBytes(b[:])
}

// affineOf returns the affine coordinates of a Jacobian point.
func affineOf(p *secp256k1.JacobianPoint) refPoint {
	var t secp256k1.JacobianPoint
	t.Set(p)
	t.Z.Normalize()
	if t.Z.IsZero() {
		return refPoint{inf: true}
	}
	t.ToAffine()
	return refPoint{x: fieldToBig(&t.X), y: fieldToBig(&t.Y)}
}
