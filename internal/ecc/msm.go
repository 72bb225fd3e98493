package ecc

import (
	"math/bits"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Multi-scalar multiplication by Strauss–Shamir interleaving: every scalar
// is split with the GLV endomorphism into two halves of at most 129 bits,
// each half is written in width-w NAF, and one chain of doublings serves all
// terms, each adding a precomputed odd multiple of its point where its digit
// is non-zero.
//
// A point used many times (G, a ring's members, a scope base, a key image)
// can be tabulated "split": with the multiples of 2^64·P as well, each GLV
// half is cut again into 64-bit pieces, and the chain shrinks from about 130
// doublings to about 66. When every term of a product is split, the product
// pays half the doublings.
//
// All of it is variable time and for public data only (verification).

const (
	nafLen     = 131 // digits of a 129-bit value in wNAF, with a carry
	varWindow  = 5   // width for a point used once: 8 odd multiples
	baseWindow = 8   // width for G, tabulated once: 64 odd multiples
)

// wnaf writes the width-w NAF of the non-negative x (< 2^130, as three
// little-endian limbs) into out, which must be zero, least significant
// digit first, and returns the number of digits. Runs of zero digits are
// skipped whole: after a non-zero digit the next w−1 digits are zero.
func wnaf(out *[nafLen]int8, x [3]uint64, w uint) int {
	mask := uint64(1)<<w - 1
	half := uint64(1) << (w - 1)
	n := 0
	for i := 0; x[0]|x[1]|x[2] != 0; {
		if x[0]&1 == 0 {
			z := trailingZeros(&x)
			shiftRight(&x, z)
			i += int(z)
			continue
		}
		d := x[0] & mask
		if d >= half {
			// digit d − 2^w < 0: x += 2^w − d
			var c uint64
			x[0], c = add64(x[0], mask+1-d, 0)
			x[1], c = add64(x[1], 0, c)
			x[2] += c
			out[i] = int8(int64(d) - int64(mask+1))
		} else {
			x[0] -= d // no borrow: the low w bits of x are d
			out[i] = int8(d)
		}
		n = i + 1
		shiftRight(&x, w)
		i += int(w)
	}
	return n
}

// trailingZeros counts the trailing zero bits of a non-zero x, at most 63
// at a time.
func trailingZeros(x *[3]uint64) uint {
	switch {
	case x[0] != 0:
		return uint(bits.TrailingZeros64(x[0]))
	default:
		return 63
	}
}

// shiftRight shifts x right by 0 < s < 64 bits.
func shiftRight(x *[3]uint64, s uint) {
	x[0] = x[0]>>s | x[1]<<(64-s)
	x[1] = x[1]>>s | x[2]<<(64-s)
	x[2] >>= s
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

// ToAffinePair converts a and b (not infinity) to affine form with one
// inversion.
func ToAffinePair(a, b *secp256k1.JacobianPoint) {
	pair := [2]secp256k1.JacobianPoint{*a, *b}
	toAffine(pair[:])
	*a, *b = pair[0], pair[1]
}

// Table holds odd multiples of a point P for multiplications by any scalar:
// of P and φ(P) = λP and, for a split table, of 2^64·P and φ(2^64·P).
type Table struct {
	pts [4][]secp256k1.JacobianPoint // P, φ(P), 2^64·P, φ(2^64·P)
	w   uint
}

func (t *Table) split() bool { return t.pts[2] != nil }

// NewTable precomputes the width-w odd multiples of p (not infinity), in
// Jacobian form; for a point used once.
func NewTable(p *secp256k1.JacobianPoint, w uint) *Table {
	t := &Table{w: w}
	t.pts[0] = make([]secp256k1.JacobianPoint, 1<<(w-2))
	oddMultiples(t.pts[0], p)
	t.fillPhi()
	return t
}

// NewAffineTables precomputes width-w tables for all the points (none may
// be infinity), converted to affine form with a single field inversion, so
// that every addition from them is a cheaper mixed addition. Split tables
// also hold the multiples of 2^64·P: worth their 64 extra doublings per
// point when the table serves several products.
func NewAffineTables(points []secp256k1.JacobianPoint, w uint, split bool) []*Table {
	per := 1 << (w - 2)
	bases := 1
	if split {
		bases = 2
	}
	all := make([]secp256k1.JacobianPoint, per*bases*len(points))
	tables := make([]*Table, len(points))
	for i := range points {
		off := i * per * bases
		oddMultiples(all[off:off+per], &points[i])
		if split {
			p64 := points[i]
			for range 64 {
				secp256k1.DoubleNonConst(&p64, &p64)
			}
			oddMultiples(all[off+per:off+2*per], &p64)
		}
	}
	toAffine(all)
	for i := range points {
		off := i * per * bases
		t := &Table{w: w}
		t.pts[0] = all[off : off+per : off+per]
		if split {
			t.pts[2] = all[off+per : off+2*per : off+2*per]
		}
		t.fillPhi()
		tables[i] = t
	}
	return tables
}

// fillPhi derives the φ tables: φ(x, y) = (β·x, y), which keeps Z
// (Jacobian x is X/Z², and β·X/Z² = β·x).
func (t *Table) fillPhi() {
	for _, k := range []int{0, 2} {
		if t.pts[k] == nil {
			continue
		}
		t.pts[k+1] = make([]secp256k1.JacobianPoint, len(t.pts[k]))
		for i := range t.pts[k] {
			t.pts[k+1][i] = t.pts[k][i]
			t.pts[k+1][i].X.Mul(&glv.beta).Normalize()
		}
	}
}

// baseTables are G's tables, unsplit and split, built once at package
// initialisation and never written again.
var baseTables = func() [2]*Table {
	var g secp256k1.JacobianPoint
	var one secp256k1.ModNScalar
	one.SetInt(1)
	secp256k1.ScalarBaseMultNonConst(&one, &g)
	return [2]*Table{
		NewAffineTables([]secp256k1.JacobianPoint{g}, baseWindow, false)[0],
		NewAffineTables([]secp256k1.JacobianPoint{g}, baseWindow, true)[0],
	}
}()

// baseFor returns G's table that matches the other term's: split with
// split.
func baseFor(other *Table) *Table {
	if other.split() {
		return baseTables[1]
	}
	return baseTables[0]
}

// term is one scalar split for one table: up to four wNAF digit strings,
// digit string h going with the table's points pts[h]. It holds no pointer
// to the table, so a table built on the stack stays there.
type term struct {
	naf [4][nafLen]int8
	len [4]int
	neg [4]bool
}

// set splits k for the table and returns the number of digits needed.
func (t *term) set(k *secp256k1.ModNScalar, tab *Table) int {
	k1, k2, n1, n2 := splitScalar(k)
	halves := [2]secp256k1.ModNScalar{k1, k2}
	negs := [2]bool{n1, n2}
	top := 0
	for h := range 2 {
		l := limbs(&halves[h]) // below 2^129: l[3] is zero
		x := [3]uint64{l[0], l[1], l[2]}
		if !tab.split() {
			t.len[h] = wnaf(&t.naf[h], x, tab.w)
			t.neg[h] = negs[h]
			top = max(top, t.len[h])
			continue
		}
		lo := [3]uint64{l[0]}
		hi := [3]uint64{l[1], l[2]}
		t.len[h] = wnaf(&t.naf[h], lo, tab.w)
		t.len[h+2] = wnaf(&t.naf[h+2], hi, tab.w)
		t.neg[h], t.neg[h+2] = negs[h], negs[h]
		top = max(top, t.len[h], t.len[h+2])
	}
	if !tab.split() {
		t.len[2], t.len[3] = 0, 0
	}
	return top
}

// strauss returns Σ k_i·P_i over the terms and their tables.
func strauss(terms []term, tabs []*Table, top int) secp256k1.JacobianPoint {
	var acc, q secp256k1.JacobianPoint
	for i := top - 1; i >= 0; i-- {
		secp256k1.DoubleNonConst(&acc, &acc)
		for j := range terms {
			t := &terms[j]
			for h := range 4 {
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
				p := &tabs[j].pts[h][d>>1]
				if neg {
					q.X, q.Z = p.X, p.Z
					q.Y.NegateVal(&p.Y, 1).Normalize()
					p = &q
				}
				secp256k1.AddNonConst(&acc, p, &acc)
			}
		}
	}
	return acc
}

// MulAdd returns u1·G + u2·Q in Jacobian coordinates (variable time). It is
// the one place every verifier computes its multi-scalar product.
func MulAdd(u1, u2 *secp256k1.ModNScalar, q *secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	if IsInfinity(q) {
		var terms [1]term
		tabs := [1]*Table{baseTables[0]}
		return strauss(terms[:], tabs[:], terms[0].set(u1, tabs[0]))
	}
	var pts, phis [1 << (varWindow - 2)]secp256k1.JacobianPoint
	qt := Table{w: varWindow}
	qt.pts[0], qt.pts[1] = pts[:], phis[:]
	oddMultiples(qt.pts[0], q)
	for i := range pts {
		phis[i] = pts[i]
		phis[i].X.Mul(&glv.beta).Normalize()
	}
	return MulAddTable(u1, u2, &qt)
}

// MulAddTable returns u1·G + u2·Q for a precomputed table of Q.
func MulAddTable(u1, u2 *secp256k1.ModNScalar, q *Table) secp256k1.JacobianPoint {
	return MulAddTables(u1, baseFor(q), u2, q)
}

// MulAddTables returns a·P + b·Q for the points of two tables (variable
// time).
func MulAddTables(a *secp256k1.ModNScalar, p *Table, b *secp256k1.ModNScalar, q *Table) secp256k1.JacobianPoint {
	var terms [2]term
	tabs := [2]*Table{p, q}
	top := max(terms[0].set(a, p), terms[1].set(b, q))
	return strauss(terms[:], tabs[:], top)
}
