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

// TestCombTable checks every entry of the table against decred's
// multiplication by the entry's scalar: table(b, m) = Σ_t (2·m_t − 1)·
// 2^((b·combTeeth + t)·combSpacing)·G/2, the top tooth 0.
func TestCombTable(t *testing.T) {
	tab, _ := comb()
	n := secp256k1.Params().N
	half := new(big.Int).ModInverse(big.NewInt(2), n)
	step := 1
	if testing.Short() {
		step = 7
	}
	for b := range combBlocks {
		for m := 0; m < combPoints; m += step {
			v := new(big.Int)
			for tooth := range combTeeth {
				term := new(big.Int).Lsh(half, uint((b*combTeeth+tooth)*combSpacing))
				if m>>tooth&1 == 1 {
					v.Add(v, term)
				} else {
					v.Sub(v, term)
				}
			}
			var k secp256k1.ModNScalar
			k.SetByteSlice(v.Mod(v, n).Bytes())
			want := decredBaseMult(&k)
			e := tab[b][m]
			require.Equal(t, feFromField(&want.X), e.x, "table(%d, %d)", b, m)
			require.Equal(t, feFromField(&want.Y), e.y, "table(%d, %d)", b, m)
		}
	}
}

// TestScalarBaseMult checks the exported function, with the process's
// blind, against decred on the edge scalars and random ones: k = 0 gives
// (0, 0, 0), and nothing is allocated.
func TestScalarBaseMult(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	_, bl := comb()
	ks := combEdgeScalars(bl)
	for range 100 {
		ks = append(ks, randScalar(rng))
	}
	for i := range ks {
		want := decredBaseMult(&ks[i])
		var got secp256k1.JacobianPoint
		got.X.SetInt(5) // overwritten, infinity included
		ScalarBaseMult(&ks[i], &got)
		requireSameAffine(t, &want, &got, "k = %x", ks[i].Bytes())
	}
	var zero secp256k1.ModNScalar
	var got secp256k1.JacobianPoint
	ScalarBaseMult(&zero, &got)
	require.True(t, got.X.IsZero() && got.Y.IsZero() && got.Z.IsZero(), "0·G")
	k := randScalar(rng)
	require.Zero(t, testing.AllocsPerRun(20, func() { ScalarBaseMult(&k, &got) }))
}

// TestInverseModN checks InverseModN against math/big and decred on the
// edge scalars (0, 1, 2, n−1, n−2, (n±1)/2, λ, 2^128, …) and random ones.
func TestInverseModN(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	n := secp256k1.Params().N
	ks := edgeScalars()
	for _, v := range modInvEdges(n) {
		var k secp256k1.ModNScalar
		k.SetByteSlice(v.Bytes())
		ks = append(ks, k)
	}
	for range 1000 {
		ks = append(ks, randScalar(rng))
	}
	for i := range ks {
		kb := ks[i].Bytes()
		want := new(big.Int).ModInverse(new(big.Int).SetBytes(kb[:]), n)
		if want == nil {
			want = new(big.Int)
		}
		got := InverseModN(&ks[i])
		gb := got.Bytes()
		require.Zero(t, want.Cmp(new(big.Int).SetBytes(gb[:])), "1/%x", kb)
		var dec secp256k1.ModNScalar
		dec.InverseValNonConst(&ks[i])
		require.True(t, dec.Equals(&got))
	}
	k := randScalar(rng)
	require.Zero(t, testing.AllocsPerRun(20, func() { k = InverseModN(&k) }))
}

// FuzzScalarBaseMult compares ScalarBaseMult with decred on scalars made
// from the fuzzer's bytes (reduced mod n) and on the unblinded comb.
func FuzzScalarBaseMult(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add(secp256k1.Params().N.Bytes())
	f.Add(new(big.Int).Sub(secp256k1.Params().N, big.NewInt(1)).Bytes())
	f.Add([]byte("an all-ASCII thirty-two byte key"))
	tab, _ := comb()
	ub := unblinded()
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 32 {
			b = b[:32]
		}
		var k secp256k1.ModNScalar
		k.SetByteSlice(b)
		want := decredBaseMult(&k)
		var got secp256k1.JacobianPoint
		ScalarBaseMult(&k, &got)
		requireSameAffine(t, &want, &got, "k = %x", b)
		p := combMul(tab, ub, &k)
		x, y, inf := p.affineCT()
		if inf != 0 {
			require.True(t, k.IsZero())
			return
		}
		require.Equal(t, feFromField(&want.X), x)
		require.Equal(t, feFromField(&want.Y), y)
	})
}
