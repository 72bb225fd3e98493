package ecc

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// bigOfI192 converts x with math/big.
func bigOfI192(x i192) *big.Int {
	m, neg := x.abs()
	v := new(big.Int).SetUint64(m[2])
	v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(m[1]))
	v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(m[0]))
	if neg {
		v.Neg(v)
	}
	return v
}

// eisBig returns the coordinates of e and its image x + y·λ mod n.
func eisBig(e eis) (x, y, modN *big.Int) {
	n := secp256k1.Params().N
	lambda, _ := new(big.Int).SetString(lambdaHex, 16)
	x, y = bigOfI192(e.x), bigOfI192(e.y)
	modN = new(big.Int).Mul(y, lambda)
	modN.Add(modN, x).Mod(modN, n)
	return x, y, modN
}

// eisNorm is x² − xy + y².
func eisNorm(x, y *big.Int) *big.Int {
	r := new(big.Int).Mul(x, x)
	r.Sub(r, new(big.Int).Mul(x, y))
	return r.Add(r, new(big.Int).Mul(y, y))
}

func scalarOfBig(v *big.Int) secp256k1.ModNScalar {
	var s secp256k1.ModNScalar
	s.SetByteSlice(new(big.Int).Mod(v, secp256k1.Params().N).Bytes())
	return s
}

// halfGCDEdgeScalars are the edge cases of the reduction's input.
func halfGCDEdgeScalars() map[string]*big.Int {
	n := secp256k1.Params().N
	lambda, _ := new(big.Int).SetString(lambdaHex, 16)
	one := big.NewInt(1)
	p128 := new(big.Int).Lsh(one, 128)
	return map[string]*big.Int{
		"1":        one,
		"2":        big.NewInt(2),
		"3":        big.NewInt(3),
		"small":    big.NewInt(0x1234567),
		"2^64":     new(big.Int).Lsh(one, 64),
		"n-1":      new(big.Int).Sub(n, one),
		"n-2":      new(big.Int).Sub(n, big.NewInt(2)),
		"(n-1)/2":  new(big.Int).Rsh(n, 1),
		"2^127":    new(big.Int).Lsh(one, 127),
		"2^128-1":  new(big.Int).Sub(p128, one),
		"2^128":    p128,
		"2^128+1":  new(big.Int).Add(p128, one),
		"2^255":    new(big.Int).Lsh(one, 255),
		"lambda":   lambda,
		"-lambda":  new(big.Int).Sub(n, lambda),
		"lambda^2": new(big.Int).Mod(new(big.Int).Mul(lambda, lambda), n),
		"a1":       bigOfI192(eisPi.x),
		"-b1":      new(big.Int).Neg(bigOfI192(eisPi.y)),
	}
}

// checkHalfGCD verifies halfGCD(u) against math/big: v·u ≡ w (mod n), v ≢ 0,
// every coordinate below 2^(bits) (signs included), and, for bits = 66,
// both norms below 2^129.
func checkHalfGCD(t *testing.T, u *big.Int, maxBits int) {
	t.Helper()
	s := scalarOfBig(u)
	w, v, ok := halfGCD(&s)
	require.True(t, ok, "u = %x", u)
	n := secp256k1.Params().N
	wx, wy, wn := eisBig(w)
	vx, vy, vn := eisBig(v)
	require.NotZero(t, vn.Sign(), "v ≡ 0 for u = %x", u)
	got := new(big.Int).Mul(vn, u)
	require.Zero(t, got.Mod(got, n).Cmp(wn), "v·u ≢ w for u = %x", u)
	if maxBits <= 66 {
		bound := new(big.Int).Lsh(big.NewInt(1), 129)
		require.Negative(t, eisNorm(wx, wy).Cmp(bound), "N(w) for u = %x", u)
		require.Negative(t, eisNorm(vx, vy).Cmp(bound), "N(v) for u = %x", u)
	}
	for _, c := range []*big.Int{wx, wy, vx, vy} {
		require.LessOrEqual(t, c.BitLen(), maxBits, "coordinate %x for u = %x", c, u)
	}
}

func TestEisensteinPi(t *testing.T) {
	px, py, pn := eisBig(eisPi)
	require.Zero(t, pn.Sign(), "π ↦ 0")
	require.Zero(t, eisNorm(px, py).Cmp(secp256k1.Params().N), "N(π) = n")
}

func TestHalfGCDEdges(t *testing.T) {
	for name, u := range halfGCDEdgeScalars() {
		t.Run(name, func(t *testing.T) { checkHalfGCD(t, u, 128) })
	}
	var zero secp256k1.ModNScalar
	_, _, ok := halfGCD(&zero)
	require.False(t, ok, "u = 0")
}

func TestHalfGCDRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	count := 5000
	if testing.Short() {
		count = 500
	}
	for range count {
		k := randScalar(rng)
		b := k.Bytes()
		checkHalfGCD(t, new(big.Int).SetBytes(b[:]), 66)
	}
	// Small multiples and quotients of small numbers: remainders that
	// fall below the bound at once or after one large quotient.
	n := secp256k1.Params().N
	for i := range int64(200) {
		u := big.NewInt(i + 1)
		checkHalfGCD(t, u, 128)
		inv := new(big.Int).ModInverse(big.NewInt(i+2), n)
		checkHalfGCD(t, inv.Mul(inv, big.NewInt(i+1)).Mod(inv, n), 128)
	}
}

func TestI192(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	mod := new(big.Int).Lsh(big.NewInt(1), 192)
	for range 1000 {
		x := i192Of([3]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64() >> 4}, rng.IntN(2) == 0)
		y := i192Of([3]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64() >> 40}, rng.IntN(2) == 0)
		q := int64(rng.Uint64() >> 12)
		if rng.IntN(2) == 0 {
			q = -q
		}
		want := new(big.Int).Mul(bigOfI192(y), big.NewInt(q))
		want.Sub(bigOfI192(x), want)
		x.subMul(&y, q)
		got := bigOfI192(x)
		require.Zero(t, new(big.Int).Mod(new(big.Int).Sub(got, want), mod).Sign())
		f, _ := new(big.Float).SetInt(got).Float64()
		require.InDelta(t, f, x.float(), math.Abs(f)*0x1p-50)
	}
}

func BenchmarkHalfGCD(b *testing.B) {
	b.ReportAllocs()
	k := randScalar(rand.New(rand.NewPCG(1, 2)))
	for b.Loop() {
		halfGCD(&k)
	}
}

func FuzzHalfGCD(f *testing.F) {
	f.Add([]byte{1})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s secp256k1.ModNScalar
		s.SetByteSlice(b)
		if s.IsZero() {
			return
		}
		sb := s.Bytes()
		checkHalfGCD(t, new(big.Int).SetBytes(sb[:]), 128)
	})
}
