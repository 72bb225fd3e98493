package ecc

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

var bigP = secp256k1.Params().P

func feToBig(x *fe) *big.Int {
	v := new(big.Int)
	for i := 3; i >= 0; i-- {
		v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(x[i]))
	}
	return v
}

// feEdgeValues are 256-bit values around the reduction boundaries: 0, 1,
// p − 1, p, p + 1, 2^256 − 1, values near 2^256 − feC, near 2^255, with
// all-ones and all-zero limbs.
func feEdgeValues() []fe {
	hex := []string{
		"0", "1", "2", "3d1", "1000003d0", "1000003d1", "1000003d2",
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e", // p − 1
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", // p
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30", // p + 1
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2d", // p − 2
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // 2^256 − 1
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffff00000000",
		"8000000000000000000000000000000000000000000000000000000000000000",
		"7fffffffffffffffffffffffffffffffffffffffffffffffffffffff7ffffe17", // (p − 1)/2
		"ffffffffffffffff", "10000000000000000", "ffffffffffffffffffffffffffffffff",
		"100000000000000000000000000000000000000000000000000000000000000",
		"ffffffffffffffff0000000000000000ffffffffffffffff0000000000000000",
		"0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff",
	}
	out := make([]fe, len(hex))
	for i, h := range hex {
		v, ok := new(big.Int).SetString(h, 16)
		if !ok {
			panic(h)
		}
		out[i] = feFromBig(v)
	}
	return out
}

func randFe(rng *rand.Rand) fe {
	x := fe{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
	switch rng.IntN(8) {
	case 0: // near 2^256
		x[1], x[2], x[3] = ^uint64(0), ^uint64(0), ^uint64(0)
	case 1: // near p
		x = feP
		x[0] -= rng.Uint64N(1 << 20)
		if rng.IntN(2) == 0 {
			x[0] += 1 << 21
		}
	case 2: // small
		x = fe{rng.Uint64N(1 << 40)}
	}
	return x
}

// checkFe requires that got is weakly reduced (always true of four limbs)
// and congruent to want.
func checkFe(t *testing.T, what string, want *big.Int, got fe, in ...fe) {
	t.Helper()
	w := new(big.Int).Mod(want, bigP)
	g := feToBig(&got)
	g.Mod(g, bigP)
	if w.Cmp(g) != 0 {
		t.Fatalf("%s%x: got %x, want %x", what, in, feToBig(&got), w)
	}
	c := feCanon(&got)
	require.Zero(t, feToBig(&c).Cmp(w), "%s: canonical form", what)
}

func TestFieldAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vals := feEdgeValues()
	for range 3000 {
		vals = append(vals, randFe(rng))
	}
	edge := len(feEdgeValues())
	for i, x := range vals {
		xb := feToBig(&x)
		var z fe
		feSqr(&z, &x)
		checkFe(t, "sqr", new(big.Int).Mul(xb, xb), z, x)
		feNeg(&z, &x)
		checkFe(t, "neg", new(big.Int).Neg(xb), z, x)
		for _, k := range []uint64{0, 1, 2, 3, 4, 8, 977, 1<<29 - 1} {
			feMulSmall(&z, &x, k)
			checkFe(t, "mulsmall", new(big.Int).Mul(xb, new(big.Int).SetUint64(k)), z, x)
		}
		c := feCanon(&x)
		require.Zero(t, feToBig(&c).Cmp(new(big.Int).Mod(xb, bigP)))
		require.Equal(t, new(big.Int).Mod(xb, bigP).Sign() == 0, feIsZero(&x))
		b := feBytes(&x)
		require.Zero(t, new(big.Int).SetBytes(b[:]).Cmp(new(big.Int).Mod(xb, bigP)))
		f := feToField(&x)
		back := feFromField(&f)
		require.Equal(t, feCanon(&x), back)
		// Pairs: every edge value with every value, and random pairs.
		var others []fe
		if i < edge {
			others = vals
		} else {
			others = []fe{vals[rng.IntN(len(vals))], vals[rng.IntN(edge)]}
		}
		for _, y := range others {
			yb := feToBig(&y)
			feMul(&z, &x, &y)
			checkFe(t, "mul", new(big.Int).Mul(xb, yb), z, x, y)
			feAdd(&z, &x, &y)
			checkFe(t, "add", new(big.Int).Add(xb, yb), z, x, y)
			feSub(&z, &x, &y)
			checkFe(t, "sub", new(big.Int).Sub(xb, yb), z, x, y)
			eq := new(big.Int).Sub(xb, yb)
			require.Equal(t, eq.Mod(eq, bigP).Sign() == 0, feEqual(&x, &y))
		}
	}
}

func TestFieldAliasing(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 200 {
		x, y := randFe(rng), randFe(rng)
		var want fe
		feMul(&want, &x, &y)
		z := x
		feMul(&z, &z, &y)
		require.Equal(t, want, z)
		z = y
		feMul(&z, &x, &z)
		require.Equal(t, want, z)
		feAdd(&want, &x, &y)
		z = x
		feAdd(&z, &z, &y)
		require.Equal(t, want, z)
		feSub(&want, &x, &y)
		z = y
		feSub(&z, &x, &z)
		require.Equal(t, want, z)
		feSqr(&want, &x)
		z = x
		feSqr(&z, &z)
		require.Equal(t, want, z)
	}
}

func TestFieldInverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	vals := feEdgeValues()
	for range 300 {
		vals = append(vals, randFe(rng))
	}
	for _, x := range vals {
		var z fe
		feInv(&z, &x)
		xb := new(big.Int).Mod(feToBig(&x), bigP)
		if xb.Sign() == 0 {
			require.True(t, feIsZero(&z))
			continue
		}
		checkFe(t, "inv", new(big.Int).ModInverse(xb, bigP), z, x)
		var one fe
		feMul(&one, &z, &x)
		require.Equal(t, feOne, feCanon(&one))
	}
}

// TestFieldChains runs long random chains of operations on weakly reduced
// values against math/big, so that results of one operation feed the next.
func TestFieldChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var regs [6]fe
	var refs [6]*big.Int
	for i := range regs {
		regs[i] = randFe(rng)
		refs[i] = feToBig(&regs[i])
	}
	for step := range 200000 {
		d, a, b := rng.IntN(6), rng.IntN(6), rng.IntN(6)
		var want *big.Int
		switch rng.IntN(6) {
		case 0:
			feMul(&regs[d], &regs[a], &regs[b])
			want = new(big.Int).Mul(refs[a], refs[b])
		case 1:
			feSqr(&regs[d], &regs[a])
			want = new(big.Int).Mul(refs[a], refs[a])
		case 2:
			feAdd(&regs[d], &regs[a], &regs[b])
			want = new(big.Int).Add(refs[a], refs[b])
		case 3:
			feSub(&regs[d], &regs[a], &regs[b])
			want = new(big.Int).Sub(refs[a], refs[b])
		case 4:
			feNeg(&regs[d], &regs[a])
			want = new(big.Int).Neg(refs[a])
		case 5:
			k := rng.Uint64N(9)
			feMulSmall(&regs[d], &regs[a], k)
			want = new(big.Int).Mul(refs[a], new(big.Int).SetUint64(k))
		}
		refs[d] = want.Mod(want, bigP)
		if step%97 == 0 {
			checkFe(t, "chain", refs[d], regs[d])
		}
	}
}

// FuzzFeMul checks feMul and feSqr (the assembly where there is one)
// against math/big and against the pure-Go code on any pair of 256-bit
// values.
func FuzzFeMul(f *testing.F) {
	edge := feEdgeValues()
	for i := range edge {
		x, y := feBytes(&edge[i]), feBytes(&edge[len(edge)-1-i])
		f.Add(x[:], y[:])
	}
	f.Fuzz(func(t *testing.T, xb, yb []byte) {
		if len(xb) != 32 || len(yb) != 32 {
			return
		}
		// Raw limbs, not reduced: every 256-bit value is a valid input.
		var x, y fe
		for i := range 4 {
			x[i] = binary.LittleEndian.Uint64(xb[8*i:])
			y[i] = binary.LittleEndian.Uint64(yb[8*i:])
		}
		var z, g fe
		feMul(&z, &x, &y)
		feMulGeneric(&g, &x, &y)
		require.Equal(t, g, z)
		checkFe(t, "mul", new(big.Int).Mul(feToBig(&x), feToBig(&y)), z, x, y)
		feSqr(&z, &x)
		feSqrGeneric(&g, &x)
		require.Equal(t, g, z)
		checkFe(t, "sqr", new(big.Int).Mul(feToBig(&x), feToBig(&x)), z, x)
	})
}
