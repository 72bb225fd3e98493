package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// TestConstantTimeFieldHelpers checks feHalf, feZeroMask, feCmov and
// feInvCT against math/big (and feInvCT against feInv) on the edge values,
// non-canonical forms included, and random values.
func TestConstantTimeFieldHelpers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	vals := feEdgeValues()
	for range 2000 {
		vals = append(vals, randFe(rng))
	}
	inv2 := new(big.Int).ModInverse(big.NewInt(2), bigP)
	for _, x := range vals {
		xb := feToBig(&x)
		var z fe
		feHalf(&z, &x)
		checkFe(t, "half", new(big.Int).Mul(xb, inv2), z, x)
		want := uint64(0)
		if new(big.Int).Mod(xb, bigP).Sign() == 0 {
			want = ^uint64(0)
		}
		require.Equal(t, want, feZeroMask(&x), "zero mask of %x", xb)
		y := randFe(rng)
		z = y
		feCmov(&z, &x, 0)
		require.Equal(t, y, z)
		feCmov(&z, &x, ^uint64(0))
		require.Equal(t, x, z)
		feInvCT(&z, &x)
		wantInv := new(big.Int).ModInverse(new(big.Int).Mod(xb, bigP), bigP)
		if wantInv == nil {
			wantInv = new(big.Int)
		}
		checkFe(t, "invCT", wantInv, z, x)
		var f fe
		feInv(&f, &x)
		require.Equal(t, feCanon(&f), feCanon(&z), "safegcd and Fermat differ on %x", xb)
	}
}

// ctOf is p as a ctJac with a random Z (infinity as the mask with junk
// coordinates).
func ctOf(rng *rand.Rand, p *secp256k1.JacobianPoint) ctJac {
	if IsInfinity(p) {
		return ctJac{x: randFe(rng), y: randFe(rng), z: feP, inf: ^uint64(0)}
	}
	j := randZ(rng, p)
	return ctJac{x: j.x, y: j.y, z: j.z}
}

func requireSameCT(t *testing.T, want secp256k1.JacobianPoint, got *ctJac, msg string) {
	t.Helper()
	if IsInfinity(&want) {
		require.Equal(t, ^uint64(0), got.inf, "%s: want infinity", msg)
		return
	}
	require.Zero(t, got.inf, "%s: unexpected infinity", msg)
	j := jac{x: got.x, y: got.y, z: got.z}
	requireSameJac(t, want, &j, msg)
	x, y, inf := got.affineCT()
	require.Zero(t, inf)
	want.ToAffine()
	require.Equal(t, feFromField(&want.X), x, "%s: affine x", msg)
	require.Equal(t, feFromField(&want.Y), y, "%s: affine y", msg)
}

// TestConstantTimePointOps checks addAffCT and doubleCT against decred in
// the general case and in every exceptional one: a = b, a = −b, a at
// infinity, and y1 = −y2 with x1 ≠ x2 (b = −λ·a, x2 = β·x1), where the
// unified formula's denominator vanishes.
func TestConstantTimePointOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var inf secp256k1.JacobianPoint
	for range 300 {
		p, q := randPoint(rng), randPoint(rng)
		phiNegP := p // −λ·p = (β·x, −y)
		phiNegP.X.Mul(betaField())
		phiNegP.X.Normalize()
		phiNegP = negPoint(&phiNegP)
		cases := []struct {
			name string
			a, b secp256k1.JacobianPoint
		}{
			{"general", p, q},
			{"a = b", p, p},
			{"a = −b", p, negPoint(&p)},
			{"a at infinity", inf, q},
			{"y1 = −y2, x2 = β·x1", p, phiNegP},
		}
		for _, c := range cases {
			var want secp256k1.JacobianPoint
			secp256k1.AddNonConst(&c.a, &c.b, &want)
			a := ctOf(rng, &c.a)
			b := affOf(t, &c.b)
			var r ctJac
			r.addAffCT(&a, &b)
			requireSameCT(t, want, &r, c.name)
			a.addAffCT(&a, &b) // aliased
			requireSameCT(t, want, &a, c.name+", aliased")
		}
		for _, pt := range []secp256k1.JacobianPoint{p, inf} {
			var want secp256k1.JacobianPoint
			secp256k1.DoubleNonConst(&pt, &want)
			a := ctOf(rng, &pt)
			a.doubleCT(&a)
			requireSameCT(t, want, &a, "double")
		}
	}
}

// betaField is β as a decred field value.
func betaField() *secp256k1.FieldVal {
	f := feToField(&glv.beta)
	return &f
}
