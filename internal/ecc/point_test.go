package ecc

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// randPoint returns k·G for a random k, in affine form.
func randPoint(rng *rand.Rand) secp256k1.JacobianPoint {
	k := randScalar(rng)
	var p secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&k, &p)
	p.ToAffine()
	return p
}

// randZ returns p in Jacobian form with a random Z.
func randZ(rng *rand.Rand, p *secp256k1.JacobianPoint) jac {
	j := jacFromPoint(p)
	if j.inf {
		return j
	}
	z := randFe(rng)
	if feIsZero(&z) {
		z = feOne
	}
	a := aff{x: j.x, y: j.y}
	var z2, z3 fe
	feSqr(&z2, &z)
	feMul(&z3, &z2, &z)
	var r jac
	feMul(&r.x, &a.x, &z2)
	feMul(&r.y, &a.y, &z3)
	feMul(&r.z, &j.z, &z)
	return r
}

// requireSameJac compares a fast point with a decred one.
func requireSameJac(t *testing.T, want secp256k1.JacobianPoint, got *jac, msg string) {
	t.Helper()
	g := got.point()
	if IsInfinity(&want) {
		require.True(t, got.inf || IsInfinity(&g), "%s: want infinity", msg)
		return
	}
	require.False(t, got.inf, "%s: unexpected infinity", msg)
	want.ToAffine()
	g.ToAffine()
	require.True(t, want.X.Equals(&g.X) && want.Y.Equals(&g.Y), "%s: points differ", msg)
}

func affOf(t *testing.T, p *secp256k1.JacobianPoint) aff {
	t.Helper()
	q := *p
	q.ToAffine()
	j := jacFromPoint(&q)
	require.False(t, j.inf)
	return aff{x: j.x, y: j.y}
}

func negPoint(p *secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	n := *p
	n.Y.Normalize().Negate(1).Normalize()
	return n
}

func TestPointOpsAgainstDecred(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	var inf secp256k1.JacobianPoint
	for i := range 400 {
		p, q := randPoint(rng), randPoint(rng)
		switch i {
		case 0:
			q = p // P + P
		case 1:
			q = negPoint(&p) // P + (−P)
		case 2:
			p = inf
		case 3:
			q = inf
		case 4:
			p, q = inf, inf
		}
		var want secp256k1.JacobianPoint
		secp256k1.AddNonConst(&p, &q, &want)
		pj, qj := randZ(rng, &p), randZ(rng, &q)

		// General addition, also in place.
		var r jac
		r.add(&pj, &qj)
		requireSameJac(t, want, &r, "add")
		r = pj
		r.add(&r, &qj)
		requireSameJac(t, want, &r, "add in place")

		// Doubling.
		var want2 secp256k1.JacobianPoint
		secp256k1.DoubleNonConst(&p, &want2)
		r.double(&pj)
		requireSameJac(t, want2, &r, "double")
		r = pj
		r.add(&r, &pj)
		requireSameJac(t, want2, &r, "double via add")

		if IsInfinity(&q) {
			continue
		}
		qa := affOf(t, &q)
		// Mixed addition, plain and with the point negated.
		r = pj
		r.addAff(&r, &qa, false)
		requireSameJac(t, want, &r, "addAff")
		nq := negPoint(&q)
		var wantNeg secp256k1.JacobianPoint
		secp256k1.AddNonConst(&p, &nq, &wantNeg)
		r.addAff(&pj, &qa, true)
		requireSameJac(t, wantNeg, &r, "addAff neg")

		// Mixed addition onto a point of a scaled curve.
		zt := randFe(rng)
		ps := pj
		if !ps.inf {
			s0 := aff{x: pj.x, y: pj.y}
			s := s0.scaled(&zt)
			ps.x, ps.y = s.x, s.y
		}
		for _, neg := range []bool{false, true} {
			r = ps
			r.addAffZinv(&r, &qa, neg, &zt)
			if !r.inf {
				feMul(&r.z, &r.z, &zt)
			}
			w := want
			if neg {
				w = wantNeg
			}
			requireSameJac(t, w, &r, "addAffZinv")
		}
	}
}

// TestPointExceptionalMixed drives addAff and addAffZinv into P + P and
// P + (−P) with P in Jacobian form.
func TestPointExceptionalMixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for range 50 {
		p := randPoint(rng)
		pa := affOf(t, &p)
		pj := randZ(rng, &p)
		var want secp256k1.JacobianPoint
		secp256k1.DoubleNonConst(&p, &want)
		var r jac
		r.addAff(&pj, &pa, false)
		requireSameJac(t, want, &r, "P + P")
		r.addAff(&pj, &pa, true)
		require.True(t, r.inf, "P − P")

		zt := randFe(rng)
		ps := pj
		s0 := aff{x: pj.x, y: pj.y}
		s := s0.scaled(&zt)
		ps.x, ps.y = s.x, s.y
		r.addAffZinv(&ps, &pa, false, &zt)
		feMul(&r.z, &r.z, &zt)
		requireSameJac(t, want, &r, "P + P scaled")
		r.addAffZinv(&ps, &pa, true, &zt)
		require.True(t, r.inf, "P − P scaled")

		// From infinity.
		inf := jac{inf: true}
		r.addAffZinv(&inf, &pa, false, &zt)
		feMul(&r.z, &r.z, &zt)
		requireSameJac(t, p, &r, "∞ + P scaled")
		r.addAff(&inf, &pa, true)
		requireSameJac(t, negPoint(&p), &r, "∞ − P")
	}
}

func TestOddMultiplesIso(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for range 20 {
		p := randPoint(rng)
		pj := randZ(rng, &p)
		for _, n := range []int{1, 2, 8, 32} {
			tab := make([]aff, n)
			zt := oddMultiplesIso(tab, &pj)
			var zi fe
			feInv(&zi, &zt)
			for i := range tab {
				var k secp256k1.ModNScalar
				k.SetInt(uint32(2*i + 1))
				var want secp256k1.JacobianPoint
				secp256k1.ScalarMultNonConst(&k, &p, &want)
				a := tab[i].scaled(&zi)
				got := jac{x: a.x, y: a.y, z: feOne}
				requireSameJac(t, want, &got, "odd multiple")
			}
		}
	}
}

func TestToAffinePair(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	var inf secp256k1.JacobianPoint
	for i := range 50 {
		a, b := randPoint(rng), randPoint(rng)
		switch i {
		case 0:
			a = inf
		case 1:
			b = inf
		case 2:
			a, b = inf, inf
		}
		wa, wb := a, b
		ja, jb := randZ(rng, &a), randZ(rng, &b)
		ga, gb := ja.point(), jb.point()
		ToAffinePair(&ga, &gb)
		for _, c := range []struct{ want, got secp256k1.JacobianPoint }{{wa, ga}, {wb, gb}} {
			if IsInfinity(&c.want) {
				require.True(t, IsInfinity(&c.got))
				continue
			}
			require.True(t, c.got.Z.IsOne())
			require.True(t, c.want.X.Equals(&c.got.X) && c.want.Y.Equals(&c.got.Y))
		}
	}
}

func TestToAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	var inf secp256k1.JacobianPoint
	ToAffine(&inf)
	require.True(t, IsInfinity(&inf))
	for range 50 {
		p := randPoint(rng)
		j := randZ(rng, &p)
		got := j.point()
		ToAffine(&got)
		require.True(t, got.Z.IsOne())
		require.True(t, got.X.Equals(&p.X) && got.Y.Equals(&p.Y))
	}
}

// TestInfinityTable: a table of the point at infinity gives products at
// infinity, and NewTable takes it too.
func TestInfinityTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	var inf secp256k1.JacobianPoint
	p := randPoint(rng)
	tabs := NewAffineTables([]secp256k1.JacobianPoint{p, inf}, 5, true)
	a, b := randScalar(rng), randScalar(rng)
	var want secp256k1.JacobianPoint
	secp256k1.ScalarMultNonConst(&a, &p, &want)
	requireSamePoint(t, want, MulAddTables(&a, tabs[0], &b, tabs[1]))
	got := MulAddTables(&a, tabs[1], &b, NewTable(&inf, 4))
	require.True(t, IsInfinity(&got))
	var g secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&a, &g)
	requireSamePoint(t, g, MulAddTable(&a, &b, tabs[1]))
}

// TestBaseTable checks G's tables against decred's multiples of G.
func TestBaseTable(t *testing.T) {
	for ti, tab := range baseTables {
		for j := range tab.pieces {
			for i, a := range tab.pts[2*j] {
				var k secp256k1.ModNScalar
				k.SetInt(uint32(2*i + 1))
				var s secp256k1.ModNScalar
				s.SetInt(1)
				for range 128 / tab.pieces * j { // the base of piece j
					s.Add(&s)
				}
				k.Mul(&s)
				var want secp256k1.JacobianPoint
				secp256k1.ScalarBaseMultNonConst(&k, &want)
				got := jac{x: a.x, y: a.y, z: feOne}
				requireSameJac(t, want, &got, "base table")
				if i > 8 && ti == 0 {
					break // the first few of the 256 suffice
				}
			}
		}
	}
}
