//go:build amd64 && !purego

package ecc

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFeAsmMatchesGeneric checks the assembly multiplication and squaring
// against the pure-Go code limb for limb (both return the same weakly
// reduced value, not only the same residue), on the edge values paired
// with each other and on random values. The pure-Go code is checked
// against math/big by TestFieldAgainstBig, which runs on the assembly
// here and on the pure Go with -tags purego.
func TestFeAsmMatchesGeneric(t *testing.T) {
	if !useADX {
		t.Skip("the processor lacks BMI2 or ADX: feMul and feSqr run the pure-Go code")
	}
	rng := rand.New(rand.NewPCG(17, 18))
	vals := feEdgeValues()
	for range 20000 {
		vals = append(vals, randFe(rng))
	}
	edge := len(feEdgeValues())
	check := func(x, y fe) {
		var want, got fe
		feMulGeneric(&want, &x, &y)
		feMul(&got, &x, &y)
		require.Equal(t, want, got, "mul %x %x", x, y)
		feSqrGeneric(&want, &x)
		feSqr(&got, &x)
		require.Equal(t, want, got, "sqr %x", x)
	}
	for i, x := range vals {
		if i < edge {
			for _, y := range vals[:edge] {
				check(x, y)
			}
		}
		check(x, vals[rng.IntN(len(vals))])
	}
}

// TestFeNoADX runs feMul, feSqr and the point halves down the path a processor without BMI2
// or ADX takes: the jump from the assembly to the pure-Go code.
func TestFeNoADX(t *testing.T) {
	saved := useADX
	t.Cleanup(func() { useADX = saved })
	useADX = false
	rng := rand.New(rand.NewPCG(19, 20))
	for range 1000 {
		x, y := randFe(rng), randFe(rng)
		var want, got fe
		feMulGeneric(&want, &x, &y)
		feMul(&got, &x, &y)
		require.Equal(t, want, got)
		feSqrGeneric(&want, &x)
		feSqr(&got, &x)
		require.Equal(t, want, got)

		q := jac{x: x, y: y, z: randFe(rng)}
		var wj, gj jac
		jacDoubleGeneric(&wj, &q)
		jacDouble(&gj, &q)
		require.Equal(t, wj, gj)
		var wh, wr, gh, gr fe
		jacAddPrefixGeneric(&wh, &wr, &q, &y, &x, &q.z)
		jacAddPrefix(&gh, &gr, &q, &y, &x, &q.z)
		require.Equal(t, [2]fe{wh, wr}, [2]fe{gh, gr})
		jacAddTailGeneric(&wj, &q, &wh, &wr, &q.z)
		jacAddTail(&gj, &q, &wh, &wr, &q.z)
		require.Equal(t, wj, gj)
		var w3, g3 [3]fe
		r := jac{x: y, y: x, z: randFe(rng)}
		jacAddFullPrefixGeneric(&wj, &w3[0], &w3[1], &w3[2], &q, &r)
		jacAddFullPrefix(&gj, &g3[0], &g3[1], &g3[2], &q, &r)
		require.Equal(t, w3, g3)
		require.Equal(t, wj, gj)
		var wa, ga aff
		affAddInvGeneric(&wa, &aff{x, y}, &aff{y, x}, &q.z)
		affAddInv(&ga, &aff{x, y}, &aff{y, x}, &q.z)
		require.Equal(t, wa, ga)
	}
}

// TestJacDoubleAsmMatchesGeneric checks the assembly doubling against the
// pure-Go formulas limb for limb, on points of the curve and on arbitrary
// coordinates (the formulas are the same algebra on any input), aliased
// and not.
func TestJacDoubleAsmMatchesGeneric(t *testing.T) {
	if !useADX {
		t.Skip("the processor lacks BMI2 or ADX: jacDouble runs the pure-Go code")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	edge := feEdgeValues()
	pick := func() fe {
		if rng.IntN(4) == 0 {
			return edge[rng.IntN(len(edge))]
		}
		return randFe(rng)
	}
	ga := baseTables[0].pts[0][0]
	g := jac{x: ga.x, y: ga.y, z: feOne}
	for range 5000 {
		q := jac{x: pick(), y: pick(), z: pick()}
		if rng.IntN(2) == 0 {
			q = g
			for range rng.IntN(5) {
				q.double(&q)
			}
		}
		var want, got jac
		jacDoubleGeneric(&want, &q)
		jacDouble(&got, &q)
		require.Equal(t, want, got, "double %x", q)
		alias := q
		jacDouble(&alias, &alias)
		require.Equal(t, want, alias, "aliased double %x", q)
	}
}

// TestJacAddAsmMatchesGeneric checks the assembly halves of an addition
// against the pure-Go formulas limb for limb, with the aliasing addAff and
// addAffZinv use (p = q, z = &q.z).
func TestJacAddAsmMatchesGeneric(t *testing.T) {
	if !useADX {
		t.Skip("the processor lacks BMI2 or ADX: the additions run the pure-Go code")
	}
	rng := rand.New(rand.NewPCG(23, 24))
	edge := feEdgeValues()
	pick := func() fe {
		if rng.IntN(4) == 0 {
			return edge[rng.IntN(len(edge))]
		}
		return randFe(rng)
	}
	for range 5000 {
		q := jac{x: pick(), y: pick(), z: pick()}
		x, y, z := pick(), pick(), pick()
		var wh, wr, gh, gr fe
		jacAddPrefixGeneric(&wh, &wr, &q, &x, &y, &z)
		jacAddPrefix(&gh, &gr, &q, &x, &y, &z)
		require.Equal(t, wh, gh, "prefix h")
		require.Equal(t, wr, gr, "prefix r")

		var want, got jac
		jacAddTailGeneric(&want, &q, &wh, &wr, &z)
		jacAddTail(&got, &q, &wh, &wr, &z)
		require.Equal(t, want, got, "tail")
		jacAddTailGeneric(&want, &q, &wh, &wr, &q.z)
		alias := q
		jacAddTail(&alias, &alias, &wh, &wr, &alias.z)
		require.Equal(t, want, alias, "aliased tail")
	}
}

// TestAffAddInvAsmMatchesGeneric checks the assembly affine addition
// against the pure-Go formulas limb for limb, with r aliasing p and q.
func TestAffAddInvAsmMatchesGeneric(t *testing.T) {
	if !useADX {
		t.Skip("the processor lacks BMI2 or ADX: affAddInv runs the pure-Go code")
	}
	rng := rand.New(rand.NewPCG(25, 26))
	for range 5000 {
		p := aff{x: randFe(rng), y: randFe(rng)}
		q := aff{x: randFe(rng), y: randFe(rng)}
		inv := randFe(rng)
		var want, got aff
		affAddInvGeneric(&want, &p, &q, &inv)
		affAddInv(&got, &p, &q, &inv)
		require.Equal(t, want, got)
		ap, aq := p, q
		affAddInv(&ap, &ap, &q, &inv)
		require.Equal(t, want, ap, "r = p")
		affAddInv(&aq, &p, &aq, &inv)
		require.Equal(t, want, aq, "r = q")
	}
}

// TestJacAddFullAsmMatchesGeneric checks the assembly start of a Jacobian
// addition against the pure-Go formulas limb for limb.
func TestJacAddFullAsmMatchesGeneric(t *testing.T) {
	if !useADX {
		t.Skip("the processor lacks BMI2 or ADX: jacAddFullPrefix runs the pure-Go code")
	}
	rng := rand.New(rand.NewPCG(27, 28))
	for range 5000 {
		q := jac{x: randFe(rng), y: randFe(rng), z: randFe(rng)}
		r := jac{x: randFe(rng), y: randFe(rng), z: randFe(rng)}
		var wt, gt jac
		var w, g [3]fe
		jacAddFullPrefixGeneric(&wt, &w[0], &w[1], &w[2], &q, &r)
		jacAddFullPrefix(&gt, &g[0], &g[1], &g[2], &q, &r)
		require.Equal(t, wt, gt)
		require.Equal(t, w, g)
		jacAddFullPrefix(&gt, &g[0], &g[1], &g[2], &q, &q)
		jacAddFullPrefixGeneric(&wt, &w[0], &w[1], &w[2], &q, &q)
		require.Equal(t, wt, gt, "q + q")
		require.Equal(t, w, g, "q + q")
	}
}
