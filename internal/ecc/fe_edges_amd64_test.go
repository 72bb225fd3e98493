//go:build amd64 && !purego

package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// feAsmEdges are values at the carry/borrow boundaries of FE_ADD, FE_SUB,
// FE_DOUBLE and FE_MUL_SMALL: below C, around C, around p, in [p, 2^256),
// near 2^256 − k·C.
func feAsmEdges() []fe {
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)
	c := big.NewInt(feC)
	var vals []*big.Int
	for _, d := range []int64{-2, -1, 0, 1, 2} {
		vals = append(vals, big.NewInt(max(0, d+2)))
		vals = append(vals, new(big.Int).Add(c, big.NewInt(d)))
		vals = append(vals, new(big.Int).Add(bigP, big.NewInt(d)))
		for k := int64(1); k <= 9; k++ {
			// 2^256 − k·C + d, and 2^256 − k·C/4 (the ×4 carry boundary).
			v := new(big.Int).Sub(two256, new(big.Int).Mul(c, big.NewInt(k)))
			vals = append(vals, v.Add(v, big.NewInt(d)))
			w := new(big.Int).Sub(two256, new(big.Int).Div(new(big.Int).Mul(c, big.NewInt(k)), big.NewInt(4)))
			vals = append(vals, w.Add(w, big.NewInt(d)))
		}
	}
	vals = append(vals, new(big.Int).Sub(two256, big.NewInt(1)), new(big.Int).Sub(two256, big.NewInt(2)),
		new(big.Int).Sub(c, big.NewInt(1)).Mul(new(big.Int).Sub(c, big.NewInt(1)), big.NewInt(1)))
	var out []fe
	for _, v := range vals {
		if v.Sign() >= 0 && v.Cmp(two256) < 0 {
			out = append(out, feFromBig(v))
		}
	}
	return append(out, feEdgeValues()...)
}

// TestFeSubAddEdges drives FE_SUB and FE_DOUBLE with chosen operands:
// with z = 1, jacAddPrefix computes R = y − Y1 and H = x − X1 (y·1 and x·1
// reduce to themselves), and jacDouble's Z3 = 2·Y1 and, with Y1 = 1,
// D = 4·X1 (FE_MUL_SMALL) and 2·D (FE_DOUBLE).
func TestFeSubAddEdges(t *testing.T) {
	if !useADX {
		t.Skip("no ADX")
	}
	vals := feAsmEdges()
	one := feOne
	for _, x := range vals {
		for _, y := range vals {
			q := jac{x: y, y: y, z: x}
			var gh, gr, wh, wr fe
			jacAddPrefix(&gh, &gr, &q, &x, &x, &one)
			jacAddPrefixGeneric(&wh, &wr, &q, &x, &x, &one)
			require.Equal(t, wh, gh, "H %x %x", x, y)
			require.Equal(t, wr, gr, "R %x %x", x, y)
			checkFe(t, "sub", new(big.Int).Sub(feToBig(&x), feToBig(&y)), gh, x, y)

			// Full doubling on edge coordinates, limb for limb.
			var wd, gd jac
			jacDoubleGeneric(&wd, &q)
			jacDouble(&gd, &q)
			require.Equal(t, wd, gd, "double %x", q)
			// Full tail and full prefix on edge coordinates.
			r := jac{x: x, y: x, z: y}
			var wt, gt jac
			var w3, g3 [3]fe
			jacAddFullPrefixGeneric(&wt, &w3[0], &w3[1], &w3[2], &q, &r)
			jacAddFullPrefix(&gt, &g3[0], &g3[1], &g3[2], &q, &r)
			require.Equal(t, w3, g3)
			require.Equal(t, wt, gt)
			jacAddTailGeneric(&wt, &q, &x, &y, &q.z)
			jacAddTail(&gt, &q, &x, &y, &q.z)
			require.Equal(t, wt, gt, "tail")
			var wa, ga aff
			affAddInvGeneric(&wa, &aff{x, y}, &aff{y, x}, &one)
			affAddInv(&ga, &aff{x, y}, &aff{y, x}, &one)
			require.Equal(t, wa, ga, "affAddInv")
		}
		// Z3 = 2·Y1 with Z1 = 1; D = 4·X1 with Y1 = 1.
		q := jac{x: x, y: x, z: one}
		var d jac
		jacDouble(&d, &q)
		checkFe(t, "double", new(big.Int).Lsh(feToBig(&x), 1), d.z, x)
		q = jac{x: x, y: one, z: one}
		var wd jac
		jacDouble(&d, &q)
		jacDoubleGeneric(&wd, &q)
		require.Equal(t, wd, d)
		// X3 = 9·X1⁴ − 8·X1 checks 4·X1 and 2·D through the result.
		xb := feToBig(&x)
		x4 := new(big.Int).Exp(xb, big.NewInt(4), bigP)
		want := new(big.Int).Sub(x4.Mul(x4, big.NewInt(9)), new(big.Int).Mul(xb, big.NewInt(8)))
		checkFe(t, "x3", want, d.x, x)
	}
}

// TestFeMulSecondFoldCarry constructs products x·y whose first fold
// leaves h·2^256 + r with r + h·C ≥ 2^256, so that FE_REDUCE's last
// conditional addition of C runs, for many h; and checks math/big, Go and
// assembly.
func TestFeMulSecondFoldCarry(t *testing.T) {
	if !useADX {
		t.Skip("no ADX")
	}
	rng := rand.New(rand.NewPCG(99, 100))
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)
	c := big.NewInt(feC)
	hit := 0
	for tries := 0; hit < 3000 && tries < 200000; tries++ {
		// F = h·2^256 + 2^256 − j, j ≤ h·C; P = F + T·p, P_lo = F − C·T.
		h := new(big.Int).SetUint64(1 + rng.Uint64N(1<<rng.UintN(12)))
		j := new(big.Int).SetUint64(1 + rng.Uint64N(h.Uint64()*feC))
		F := new(big.Int).Mul(h, two256)
		F.Add(F, two256).Sub(F, j)
		// x a little above T's range over the solutions' spacing.
		tlo := new(big.Int).Sub(F, two256)
		tlo.Div(tlo, c).Add(tlo, big.NewInt(1))
		thi := new(big.Int).Div(F, c)
		span := new(big.Int).Sub(thi, tlo)
		// y ≈ P/x < 2^256 needs x above h·span; a T exists with odds span/x.
		hs := new(big.Int).Mul(span, h)
		x := new(big.Int).SetUint64(rng.Uint64())
		x.Mul(x, hs).Rsh(x, 66).Add(x, hs)
		if x.Sign() <= 0 || x.Cmp(two256) >= 0 {
			continue
		}
		pinv := new(big.Int).ModInverse(bigP, x)
		if pinv == nil {
			continue
		}
		t0 := new(big.Int).Neg(F)
		t0.Mul(t0, pinv).Mod(t0, x)
		// smallest T ≥ tlo with T ≡ t0 mod x
		T := new(big.Int).Sub(tlo, t0)
		T.Add(T, new(big.Int).Sub(x, big.NewInt(1))).Div(T, x).Mul(T, x).Add(T, t0)
		if T.Cmp(thi) > 0 {
			continue
		}
		P := new(big.Int).Mul(T, bigP)
		P.Add(P, F)
		y, rem := new(big.Int).QuoRem(P, x, new(big.Int))
		if rem.Sign() != 0 || y.Cmp(two256) >= 0 {
			continue
		}
		// The product's first fold really carries again.
		mask := new(big.Int).Sub(two256, big.NewInt(1))
		f1 := new(big.Int).Rsh(P, 256)
		f1.Mul(f1, c).Add(f1, new(big.Int).And(P, mask))
		hh := new(big.Int).Rsh(f1, 256)
		rr := new(big.Int).And(f1, mask)
		require.True(t, rr.Add(rr, hh.Mul(hh, c)).Cmp(two256) >= 0)
		xf, yf := feFromBig(x), feFromBig(y)
		var got, want fe
		feMul(&got, &xf, &yf)
		feMulGeneric(&want, &xf, &yf)
		require.Equal(t, want, got, "mul %x %x", xf, yf)
		checkFe(t, "mul", P, got, xf, yf)
		hit++
	}
	t.Logf("%d constructed second-fold carries", hit)
	require.Greater(t, hit, 100)
	// Squares 2^256 − d: h = C − 1 and a carry whenever (d − C)² ≥ C.
	for d := uint64(1); d < 3*feC; d += 1 + d/64 {
		x := fe{-d, ^uint64(0), ^uint64(0), ^uint64(0)}
		var got, want fe
		feSqr(&got, &x)
		feSqrGeneric(&want, &x)
		require.Equal(t, want, got, "sqr %x", x)
		feMul(&got, &x, &x)
		require.Equal(t, want, got, "mul %x", x)
	}
}
