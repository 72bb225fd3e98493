package ecc

import (
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Multi-scalar multiplication by Strauss–Shamir interleaving: every scalar
// is split with the GLV endomorphism into two halves of at most 129 bits,
// each half is written in width-w NAF, and one chain of about 130 doublings
// serves all terms, each adding a precomputed odd multiple of its point
// where its digit is non-zero. All of it is variable time and for public
// data only (verification).

const (
	nafLen     = 131 // digits of a 129-bit value in wNAF, with a carry
	varWindow  = 5   // width for a point used once: 8 odd multiples
	baseWindow = 8   // width for G, tabulated once: 64 odd multiples
)

// wnaf writes the width-w NAF of the non-negative k (< 2^130) into out,
// least significant digit first, and returns the number of digits.
func wnaf(out *[nafLen]int8, k *secp256k1.ModNScalar, w uint) int {
	l := limbs(k)
	var x [5]uint64
	copy(x[:], l[:])
	mask := uint64(1)<<w - 1
	half := int64(1) << (w - 1)
	n := 0
	for i := 0; ; i++ {
		if x[0]|x[1]|x[2]|x[3]|x[4] == 0 {
			return n
		}
		var d int64
		if x[0]&1 == 1 {
			d = int64(x[0] & mask)
			if d >= half {
				d -= int64(mask + 1)
			}
			// x -= d
			if d > 0 {
				sub(&x, uint64(d))
			} else {
				add(&x, uint64(-d))
			}
		}
		out[i] = int8(d)
		if d != 0 {
			n = i + 1
		}
		// x >>= 1
		x[0] = x[0]>>1 | x[1]<<63
		x[1] = x[1]>>1 | x[2]<<63
		x[2] = x[2]>>1 | x[3]<<63
		x[3] = x[3]>>1 | x[4]<<63
		x[4] >>= 1
	}
}

func sub(x *[5]uint64, v uint64) {
	var b uint64
	x[0], b = sub64(x[0], v, 0)
	for i := 1; i < 5 && b != 0; i++ {
		x[i], b = sub64(x[i], 0, b)
	}
}

func add(x *[5]uint64, v uint64) {
	var c uint64
	x[0], c = add64(x[0], v, 0)
	for i := 1; i < 5 && c != 0; i++ {
		x[i], c = add64(x[i], 0, c)
	}
}

// oddMultiples fills t with P, 3P, 5P, … (Jacobian, normalized).
func oddMultiples(t []secp256k1.JacobianPoint, p *secp256k1.JacobianPoint) {
	var p2 secp256k1.JacobianPoint
	t[0].Set(p)
	secp256k1.DoubleNonConst(p, &p2)
	for i := 1; i < len(t); i++ {
		secp256k1.AddNonConst(&t[i-1], &p2, &t[i])
	}
}

// toAffine converts the points of t to affine form (Z = 1) with a single
// field inversion (Montgomery's trick). No point may be infinity.
func toAffine(t []secp256k1.JacobianPoint) {
	if len(t) == 0 {
		return
	}
	acc := make([]secp256k1.FieldVal, len(t))
	acc[0].Set(&t[0].Z)
	for i := 1; i < len(t); i++ {
		acc[i].Mul2(&acc[i-1], &t[i].Z)
	}
	var inv secp256k1.FieldVal
	inv.Set(&acc[len(t)-1]).Inverse()
	for i := len(t) - 1; i >= 0; i-- {
		var zi secp256k1.FieldVal // 1/Z_i
		if i > 0 {
			zi.Mul2(&inv, &acc[i-1])
			inv.Mul(&t[i].Z)
		} else {
			zi.Set(&inv)
		}
		var zi2, zi3 secp256k1.FieldVal
		zi2.SquareVal(&zi)
		zi3.Mul2(&zi2, &zi)
		t[i].X.Mul(&zi2).Normalize()
		t[i].Y.Mul(&zi3).Normalize()
		t[i].Z.SetInt(1)
	}
}

// Table holds the odd multiples of a point P and of φ(P) = λP for
// multiplications by any scalar. Tables of points used many times (G, a
// ring's scope base and key image) are worth converting to affine form,
// which makes every addition cheaper.
type Table struct {
	p, phi []secp256k1.JacobianPoint
	w      uint
}

// NewTable precomputes the width-w odd multiples of p (which must not be
// infinity); affine converts them with one inversion.
func NewTable(p *secp256k1.JacobianPoint, w uint, affine bool) *Table {
	n := 1 << (w - 2)
	t := &Table{p: make([]secp256k1.JacobianPoint, n), phi: make([]secp256k1.JacobianPoint, n), w: w}
	oddMultiples(t.p, p)
	if affine {
		toAffine(t.p)
	}
	for i := range t.p {
		t.phi[i] = t.p[i]
		t.phi[i].X.Mul(&glv.beta).Normalize()
	}
	return t
}

var baseTable = func() *Table {
	var g secp256k1.JacobianPoint
	var one secp256k1.ModNScalar
	one.SetInt(1)
	secp256k1.ScalarBaseMultNonConst(&one, &g)
	return NewTable(&g, baseWindow, true)
}()

// term is one scalar, split, against one table.
type term struct {
	naf        [2][nafLen]int8
	len        [2]int
	neg        [2]bool
	pts        [2][]secp256k1.JacobianPoint
}

func (t *term) set(k *secp256k1.ModNScalar, tab *Table) int {
	k1, k2, n1, n2 := splitScalar(k)
	t.len[0] = wnaf(&t.naf[0], &k1, tab.w)
	t.len[1] = wnaf(&t.naf[1], &k2, tab.w)
	t.neg = [2]bool{n1, n2}
	t.pts = [2][]secp256k1.JacobianPoint{tab.p, tab.phi}
	return max(t.len[0], t.len[1])
}

// strauss returns Σ k_i·P_i over the terms.
func strauss(terms []term, top int) secp256k1.JacobianPoint {
	var acc, q secp256k1.JacobianPoint
	for i := top - 1; i >= 0; i-- {
		secp256k1.DoubleNonConst(&acc, &acc)
		for j := range terms {
			t := &terms[j]
			for h := range 2 {
				if i >= t.len[h] {
					continue
				}
				d := t.naf[h][i]
				if d == 0 {
					continue
				}
				neg := t.neg[h]
				if d < 0 {
					d, neg = -d, !neg
				}
				q = t.pts[h][d>>1]
				if neg {
					q.Y.Negate(1).Normalize()
				}
				secp256k1.AddNonConst(&acc, &q, &acc)
			}
		}
	}
	return acc
}

// MulAdd returns u1·G + u2·Q in Jacobian coordinates (variable time). It is
// the one place every verifier computes its multi-scalar product.
func MulAdd(u1, u2 *secp256k1.ModNScalar, q *secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	var terms [2]term
	top := terms[0].set(u1, baseTable)
	var qt Table
	qt.w = varWindow
	var pts, phis [1 << (varWindow - 2)]secp256k1.JacobianPoint
	qt.p, qt.phi = pts[:], phis[:]
	if IsInfinity(q) {
		return strauss(terms[:1], top)
	}
	oddMultiples(qt.p, q)
	for i := range qt.p {
		qt.phi[i] = qt.p[i]
		qt.phi[i].X.Mul(&glv.beta).Normalize()
	}
	top = max(top, terms[1].set(u2, &qt))
	return strauss(terms[:], top)
}

// MulAddTables returns a·P + b·Q for the points of two tables (variable
// time).
func MulAddTables(a *secp256k1.ModNScalar, p *Table, b *secp256k1.ModNScalar, q *Table) secp256k1.JacobianPoint {
	var terms [2]term
	top := max(terms[0].set(a, p), terms[1].set(b, q))
	return strauss(terms[:], top)
}
