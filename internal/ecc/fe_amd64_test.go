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

// TestFeNoADX runs feMul and feSqr down the path a processor without BMI2
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
	}
}
