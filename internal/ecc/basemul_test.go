package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// decredBaseMult is decred's k·G in affine form, (0, 0, 0) for k = 0.
func decredBaseMult(k *secp256k1.ModNScalar) secp256k1.JacobianPoint {
	var want secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(k, &want)
	if IsInfinity(&want) {
		return secp256k1.JacobianPoint{}
	}
	want.ToAffine()
	return want
}

func requireSameAffine(t *testing.T, want, got *secp256k1.JacobianPoint, msg string, args ...any) {
	t.Helper()
	w, g := *want, *got
	w.X.Normalize()
	w.Y.Normalize()
	w.Z.Normalize()
	require.True(t, w.X.Equals(&g.X) && w.Y.Equals(&g.Y) && w.Z.Equals(&g.Z),
		append([]any{msg + ": want (%v, %v, %v), got (%v, %v, %v)"}, append(args, w.X, w.Y, w.Z, g.X, g.Y, g.Z)...)...)
}

// combEdgeScalars adds to edgeScalars values at the comb's edges: the
// scalars that make d = k + offset 0, 1, n − 1 or all teeth equal, for the
// blind at hand.
func combEdgeScalars(bl *combBlind) []secp256k1.ModNScalar {
	out := edgeScalars()
	for _, d := range []int64{0, 1, -1, 2, -2} {
		var v, k secp256k1.ModNScalar
		v.SetInt(uint32(max(d, -d)))
		if d < 0 {
			v.Negate()
		}
		k.NegateVal(&bl.offset).Add(&v)
		out = append(out, k)
	}
	n := secp256k1.Params().N
	for _, pattern := range []string{
		"1111111111111111111111111111111111111111111111111111111111111111", // every nibble 1
		"8888888888888888888888888888888888888888888888888888888888888888",
		"7777777777777777777777777777777777777777777777777777777777777777",
		"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
	} {
		v, _ := new(big.Int).SetString(pattern, 16)
		var d, k secp256k1.ModNScalar
		d.SetByteSlice(new(big.Int).Mod(v, n).Bytes())
		k.NegateVal(&bl.offset).Add(&d)
		out = append(out, k)
	}
	return out
}

// testBlinds are the process's blind, the unblinded one, and blinds whose
// b is 1, 2, n − 1, λ and a random value, with z = 1 and random z.
func testBlinds(t *testing.T, tab *combTable, rng *rand.Rand) map[string]*combBlind {
	_, proc := comb()
	out := map[string]*combBlind{"process": proc, "unblinded": unblinded()}
	var lambda secp256k1.ModNScalar
	lb, _ := new(big.Int).SetString(lambdaHex, 16)
	lambda.SetByteSlice(lb.Bytes())
	z := randFe(rng)
	if feIsZero(&z) {
		z = feOne
	}
	for name, b := range map[string]secp256k1.ModNScalar{
		"1": *new(secp256k1.ModNScalar).SetInt(1), "2": *new(secp256k1.ModNScalar).SetInt(2),
		"n-1": *new(secp256k1.ModNScalar).SetInt(1).Negate(), "lambda": lambda, "random": randScalar(rng),
	} {
		out["b="+name] = newCombBlind(tab, &b, &feOne)
		out["b="+name+",z"] = newCombBlind(tab, &b, &z)
	}
	return out
}

func TestCombAgainstDecred(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tab, _ := comb()
	random := 200
	if testing.Short() {
		random = 20
	}
	for name, bl := range testBlinds(t, tab, rng) {
		ks := combEdgeScalars(bl)
		for range random {
			ks = append(ks, randScalar(rng))
		}
		// b = (2^combBits − 1)/2 − offset. k = b makes the comb's sum
		// infinity, k = 2b makes the final addition a doubling (k = 0,
		// among the edge scalars, makes it cancel).
		b := combHalfBits()
		b.Add(new(secp256k1.ModNScalar).NegateVal(&bl.offset))
		twoB := b
		twoB.Add(&b)
		ks = append(ks, b, twoB)
		for i := range ks {
			want := decredBaseMult(&ks[i])
			p := combMul(tab, bl, &ks[i])
			x, y, inf := p.affineCT()
			var got secp256k1.JacobianPoint
			if inf == 0 {
				got.X, got.Y = feToField(&x), feToField(&y)
				got.Z.SetInt(1)
			}
			requireSameAffine(t, &want, &got, "blind %s, k = %x", name, ks[i].Bytes())
		}
	}
}
