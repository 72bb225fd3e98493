package ecc

import (
	"math/bits"
	"sync"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Multi-scalar multiplication by Strauss–Shamir interleaving: every scalar
// is split with the GLV endomorphism into two halves of at most 129 bits,
// each half is written in width-w NAF, and one chain of doublings serves all
// terms, each adding a precomputed odd multiple of its point where its digit
// is non-zero.
//
// A point used many times (G, a ring's members, a scope base, a key image)
// can be tabulated "split": with the multiples of 2^32·P, 2^64·P and 2^96·P
// as well, each GLV half is cut again into 32-bit pieces, and the chain
// shrinks from about 130 doublings to about 34. The number of additions
// stays the same (it depends on the digits, not on how they are grouped).
// When every term of a product is split, the product pays a quarter of the
// doublings.
//
// All of it is variable time and for public data only (verification).

const (
	nafLen          = 131 // digits of a 129-bit value in wNAF, with a carry
	maxWindow       = 12  // widest table: 1024 odd multiples per base
	varWindow       = 5   // width for a point used once: 8 odd multiples
	baseWindow      = 10  // width for G, tabulated once: 256 odd multiples
	splitBaseWindow = 8   // width for G's split table: 64 odd multiples per base
	splitPieces     = 4   // pieces of a GLV half in a split table
	maxPieces       = 4
)

// wnaf writes the width-w NAF of the non-negative x (< 2^130, as three
// little-endian limbs) into out, which must be zero, least significant
// digit first, and returns the number of digits. Runs of zero digits are
// skipped whole: after a non-zero digit the next w−1 digits are zero.
func wnaf(out *[nafLen]int16, x [3]uint64, w uint) int {
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
			out[i] = int16(int64(d) - int64(mask+1))
		} else {
			x[0] -= d // no borrow: the low w bits of x are d
			out[i] = int16(d)
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

// oddMultiplesIso writes P, 3P, 5P, … (P not infinity) into t as affine
// points of the curve scaled by the returned zt: the point (x, y) of t
// stands for (x/zt², y/zt³). No inversion is needed (the "effective affine"
// method, as in libsecp256k1's odd-multiples table): with D = 2P in Jacobian
// form, D is affine on the curve scaled by Z_D, where the multiples are
// chained by mixed additions; their Z differ by the known factors H of the
// additions, with which all of them are brought to the last one's Z, and on
// the curve scaled once more by that Z they are all affine.
//
// For P on secp256k1 no addition of the chain is exceptional (its order n
// is prime and far above the multiples); any other input gives an
// unspecified table but no failure.
func oddMultiplesIso(t []aff, p *jac) fe {
	var d jac
	d.double(p)
	da := aff{x: d.x, y: d.y}
	var zd2, zd3 fe
	feSqr(&zd2, &d.z)
	feMul(&zd3, &zd2, &d.z)
	var acc jac
	feMul(&acc.x, &p.x, &zd2)
	feMul(&acc.y, &p.y, &zd3)
	acc.z = p.z
	n := len(t)
	var buf [8]fe
	ratios := buf[:]
	if n > len(buf) {
		ratios = make([]fe, n)
	}
	t[0] = aff{x: acc.x, y: acc.y}
	for i := 1; i < n; i++ {
		ratios[i], _ = acc.addAff(&acc, &da, false)
		t[i] = aff{x: acc.x, y: acc.y}
	}
	// Point i has Z_i, and Z_(n−1) = Z_i·ratios[i+1]·…·ratios[n−1].
	if n > 1 {
		s := ratios[n-1]
		for i := n - 2; i >= 0; i-- {
			t[i] = t[i].scaled(&s)
			if i > 0 {
				feMul(&s, &s, &ratios[i])
			}
		}
	}
	var zt fe
	feMul(&zt, &d.z, &acc.z)
	return zt
}

// feInvBatch sets out[i] = 1/in[i] with one field inversion (Montgomery's
// trick); a zero input gives zero outputs. out and in may be the same.
func feInvBatch(out, in []fe) {
	n := len(in)
	if n == 0 {
		return
	}
	acc := make([]fe, n)
	acc[0] = in[0]
	for i := 1; i < n; i++ {
		feMul(&acc[i], &acc[i-1], &in[i])
	}
	var inv fe
	feInvVar(&inv, &acc[n-1])
	for i := n - 1; i > 0; i-- {
		var zi fe
		feMul(&zi, &inv, &acc[i-1])
		feMul(&inv, &inv, &in[i])
		out[i] = zi
	}
	out[0] = inv
}

// ToAffinePair converts a and b to affine form (Z = 1, normalized
// coordinates) with one field inversion. A point at infinity is left as it
// is.
func ToAffinePair(a, b *secp256k1.JacobianPoint) {
	pa, pb := jacFromPoint(a), jacFromPoint(b)
	switch {
	case pa.inf && pb.inf:
		return
	case pa.inf:
		pb.toAffine()
		*b = pb.point()
		return
	case pb.inf:
		pa.toAffine()
		*a = pa.point()
		return
	}
	var zz, inv, ia, ib fe
	feMul(&zz, &pa.z, &pb.z)
	feInv(&inv, &zz)
	feMul(&ia, &inv, &pb.z)
	feMul(&ib, &inv, &pa.z)
	pa.scaleZinv(&ia)
	pb.scaleZinv(&ib)
	*a, *b = pa.point(), pb.point()
}

// ToAffine converts p to affine form (Z = 1, normalized coordinates), like
// decred's JacobianPoint.ToAffine but faster; the point at infinity is left
// as it is. The inversion is a fixed addition chain on branch-free field
// arithmetic, so p may be a point made from a secret nonce.
func ToAffine(p *secp256k1.JacobianPoint) {
	j := jacFromPoint(p)
	if j.inf {
		return
	}
	j.toAffine()
	*p = j.point()
}

// toAffine sets Z = 1 for a point that is not infinity.
func (p *jac) toAffine() {
	var zi fe
	feInv(&zi, &p.z)
	p.scaleZinv(&zi)
}

// scaleZinv sets Z = 1 given zi = 1/Z.
func (p *jac) scaleZinv(zi *fe) {
	a := aff{x: p.x, y: p.y}
	a = a.scaled(zi)
	p.x, p.y, p.z = feCanon(&a.x), feCanon(&a.y), feOne
}

// Table holds odd multiples of a point P for multiplications by any scalar,
// as affine points: pts[2j] of 2^(j·s)·P and pts[2j+1] of φ(2^(j·s)·P) =
// λ·2^(j·s)·P for the pieces j of s = 128/pieces bits (one piece, s = 128,
// for an unsplit table). A table is immutable once built and may be shared.
type Table struct {
	pts    [2 * maxPieces][]aff
	pieces int
	w      uint
	inf    bool // P is infinity: every product with it is infinity
	// iso marks the single-use tables of MulAdd, whose points lie on the
	// curve scaled by zt (see oddMultiplesIso); every other table is on
	// secp256k1 itself.
	iso bool
	zt  fe
}

func (t *Table) split() bool { return t.pieces > 1 }

// NewTable precomputes the width-w odd multiples of p (2 ≤ w ≤ 12).
// p must be on the curve (any point the package's decoders return is);
// infinity is allowed.
func NewTable(p *secp256k1.JacobianPoint, w uint) *Table {
	return NewAffineTables([]secp256k1.JacobianPoint{*p}, w, false)[0]
}

// NewAffineTables precomputes width-w tables (2 ≤ w ≤ 12) for all the
// points (on the curve; infinity is allowed and gives a table whose products
// are infinity), converted to affine form with a single field inversion for
// all of them. Split tables also hold the multiples of 2^64·P: worth their 64
// extra doublings per point when the table serves several products.
func NewAffineTables(points []secp256k1.JacobianPoint, w uint, split bool) []*Table {
	pieces := 1
	if split {
		pieces = splitPieces
	}
	return newAffineTables(points, w, pieces)
}

// newAffineTables is NewAffineTables with each GLV half cut into pieces
// (1, 2 or 4) of 128/pieces bits: the tables hold the multiples of
// 2^(j·128/pieces)·P for j < pieces.
func newAffineTables(points []secp256k1.JacobianPoint, w uint, pieces int) []*Table {
	if w < 2 || w > maxWindow {
		panic("ecc: table width out of range")
	}
	per := 1 << (w - 2)
	width := 128 / pieces
	all := make([]aff, 2*per*pieces*len(points))
	zts := make([]fe, 0, pieces*len(points))
	tables := make([]*Table, len(points))
	for i := range points {
		t := &Table{w: w, pieces: pieces}
		tables[i] = t
		p := jacFromPoint(&points[i])
		if p.inf {
			t.inf = true
			continue
		}
		for j := range pieces {
			if j > 0 {
				for range width {
					p.double(&p)
				}
			}
			off := ((i*pieces+j)*2 + 0) * per
			t.pts[2*j] = all[off : off+per : off+per]
			t.pts[2*j+1] = all[off+per : off+2*per : off+2*per]
			zts = append(zts, oddMultiplesIso(t.pts[2*j], &p))
		}
	}
	feInvBatch(zts, zts)
	k := 0
	for _, t := range tables {
		if t.inf {
			continue
		}
		for j := range t.pieces {
			base := t.pts[2*j]
			for i := range base {
				a := base[i].scaled(&zts[k])
				base[i] = aff{x: feCanon(&a.x), y: feCanon(&a.y)}
			}
			k++
			phiTable(t.pts[2*j+1], base)
		}
	}
	return tables
}

// phiTable sets dst[i] = φ(src[i]) = (β·x, y). On a scaled curve φ acts
// the same way, so this serves the tables of MulAdd too.
func phiTable(dst, src []aff) {
	for i := range src {
		feMul(&dst[i].x, &src[i].x, &glv.beta)
		dst[i].y = src[i].y
	}
}

// baseTables are G's tables, unsplit and split, built once at package
// initialisation and never written again. G comes from the curve
// parameters: deriving it with ScalarBaseMultNonConst would make every
// program that imports the package decompress decred's signing table.
var baseTables = func() [2]*Table {
	params := secp256k1.Params()
	var g secp256k1.JacobianPoint
	g.X.SetByteSlice(params.Gx.Bytes())
	g.Y.SetByteSlice(params.Gy.Bytes())
	g.Z.SetInt(1)
	return [2]*Table{
		NewAffineTables([]secp256k1.JacobianPoint{g}, baseWindow, false)[0],
		NewAffineTables([]secp256k1.JacobianPoint{g}, splitBaseWindow, true)[0],
	}
}()

// rcheckBaseWindow is the width of G's table for IsMulAddEqual.
const rcheckBaseWindow = 12

// rcheckBase returns G's table for IsMulAddEqual, cut in two pieces (the
// odd multiples of G, 2^64·G and their φ images: 4·2^(w−2) points, 256 KiB
// at width 12, which measured faster than width 10), built on first use
// and never written again.
var rcheckBase = sync.OnceValue(func() *Table {
	g := generator()
	return newAffineTables([]secp256k1.JacobianPoint{g.point()}, rcheckBaseWindow, 2)[0]
})

// baseFor returns G's table that matches the other term's: split with
// split.
func baseFor(other *Table) *Table {
	if other.split() {
		return baseTables[1]
	}
	return baseTables[0]
}

// term is one scalar split for one table: up to 2·maxPieces wNAF digit
// strings, string i going with the table's points pts[i]. It holds no
// pointer to the table, so a table built on the stack stays there.
type term struct {
	naf [2 * maxPieces][nafLen]int16
	len [2 * maxPieces]int
	neg [2 * maxPieces]bool
	n   int // strings in use
}

// set splits k for the table and returns the number of digits needed.
func (t *term) set(k *secp256k1.ModNScalar, tab *Table) int {
	if tab.inf {
		t.n = 0
		return 0
	}
	k1, k2, n1, n2 := splitScalar(k)
	halves := [2][3]uint64{k1, k2}
	negs := [2]bool{n1, n2}
	width := uint(128 / tab.pieces)
	top := 0
	t.n = 2 * tab.pieces
	for h := range 2 {
		for j := range tab.pieces {
			// Bits j·width and up of the half (below 2^129), cut to
			// width bits except for the last piece.
			x := shr192(halves[h], uint(j)*width)
			if j < tab.pieces-1 {
				x = mask192(x, width)
			}
			i := 2*j + h
			t.len[i] = wnaf(&t.naf[i], x, tab.w)
			t.neg[i] = negs[h]
			top = max(top, t.len[i])
		}
	}
	return top
}

// shr192 returns x >> s for s < 192.
func shr192(x [3]uint64, s uint) [3]uint64 {
	for s >= 64 {
		x = [3]uint64{x[1], x[2], 0}
		s -= 64
	}
	if s > 0 {
		x = [3]uint64{x[0]>>s | x[1]<<(64-s), x[1]>>s | x[2]<<(64-s), x[2] >> s}
	}
	return x
}

// mask192 returns x mod 2^s for 0 < s ≤ 128.
func mask192(x [3]uint64, s uint) [3]uint64 {
	switch {
	case s < 64:
		return [3]uint64{x[0] & (1<<s - 1)}
	case s == 64:
		return [3]uint64{x[0]}
	case s < 128:
		return [3]uint64{x[0], x[1] & (1<<(s-64) - 1)}
	default:
		return [3]uint64{x[0], x[1]}
	}
}

// strauss returns Σ k_i·P_i over the terms and their tables. At most one
// table may be a scaled-curve table of MulAdd: the sum then runs on its
// curve, the points of the other tables enter through addAffZinv, and the
// result is mapped back at the end.
func strauss(terms []term, tabs []*Table, top int) jac {
	var zt *fe
	for _, t := range tabs {
		if t.iso {
			zt = &t.zt
		}
	}
	acc := jac{inf: true}
	for i := top - 1; i >= 0; i-- {
		acc.double(&acc)
		for j := range terms {
			t := &terms[j]
			tab := tabs[j]
			for h := range t.n {
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
				a := &tab.pts[h][d>>1]
				if zt != nil && !tab.iso {
					acc.addAffZinv(&acc, a, neg, zt)
				} else {
					acc.addAff(&acc, a, neg)
				}
			}
		}
	}
	if zt != nil && !acc.inf {
		// (X, Y, Z) on the curve scaled by zt is (X, Y, Z·zt) on secp256k1.
		feMul(&acc.z, &acc.z, zt)
	}
	return acc
}

// MulAdd returns u1·G + u2·Q in Jacobian coordinates (variable time). It is
// the one place every verifier computes its multi-scalar product. Q must be
// on the curve or infinity.
func MulAdd(u1, u2 *secp256k1.ModNScalar, q *secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	if IsInfinity(q) {
		var terms [1]term
		tabs := [1]*Table{baseTables[0]}
		r := strauss(terms[:], tabs[:], terms[0].set(u1, tabs[0]))
		return r.point()
	}
	// Q's table is used once: it stays on the scaled curve, which costs
	// no inversion.
	qj := jacFromPoint(q)
	var pts, phis [1 << (varWindow - 2)]aff
	qt := Table{w: varWindow, pieces: 1, iso: true}
	qt.zt = oddMultiplesIso(pts[:], &qj)
	phiTable(phis[:], pts[:])
	qt.pts[0], qt.pts[1] = pts[:], phis[:]
	return MulAddTables(u1, baseTables[0], u2, &qt)
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
	r := strauss(terms[:], tabs[:], top)
	return r.point()
}
