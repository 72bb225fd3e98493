package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// MulModN and AddModN against math/big and decred on edge and random
// scalars.

func scalarEdges(t testing.TB) []secp256k1.ModNScalar {
	n := secp256k1.Params().N
	var out []secp256k1.ModNScalar
	for _, v := range []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2),
		new(big.Int).Sub(n, big.NewInt(1)), new(big.Int).Sub(n, big.NewInt(2)),
		new(big.Int).Lsh(big.NewInt(1), 128), new(big.Int).Lsh(big.NewInt(1), 255),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1)),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 192), big.NewInt(1)),
		new(big.Int).Rsh(n, 1), new(big.Int).Add(new(big.Int).Rsh(n, 1), big.NewInt(1)),
	} {
		var b [32]byte
		v.FillBytes(b[:])
		var s secp256k1.ModNScalar
		require.Zero(t, s.SetBytes(&b))
		out = append(out, s)
	}
	return out
}

func bigOf(s *secp256k1.ModNScalar) *big.Int {
	b := s.Bytes()
	return new(big.Int).SetBytes(b[:])
}

func requireScalarOps(t testing.TB, a, b *secp256k1.ModNScalar) {
	n := secp256k1.Params().N
	x, y := ScalarOf(a), ScalarOf(b)
	back := x.ModN()
	require.True(t, back.Equals(a))
	require.Equal(t, a.IsZero(), x.IsZero())

	m := MulModN(&x, &y)
	mm := m.ModN()
	var want secp256k1.ModNScalar
	want.Mul2(a, b)
	require.True(t, want.Equals(&mm), "%v·%v", bigOf(a), bigOf(b))
	require.Zero(t, new(big.Int).Mod(new(big.Int).Mul(bigOf(a), bigOf(b)), n).Cmp(bigOf(&mm)))

	s := AddModN(&x, &y)
	ss := s.ModN()
	want.Add2(a, b)
	require.True(t, want.Equals(&ss), "%v+%v", bigOf(a), bigOf(b))
	// Results are fully reduced: ModN's SetBytes would have reduced them.
	require.Equal(t, ScalarOf(&ss), s)
	require.Equal(t, ScalarOf(&mm), m)
}

func TestScalarModN(t *testing.T) {
	edges := scalarEdges(t)
	for i := range edges {
		for j := range edges {
			requireScalarOps(t, &edges[i], &edges[j])
		}
	}
	rng := rand.New(rand.NewPCG(31, 32))
	for range 3000 {
		a, b := randScalar(rng), randScalar(rng)
		requireScalarOps(t, &a, &b)
		requireScalarOps(t, &a, &edges[rng.IntN(len(edges))])
	}
}

func FuzzScalarModN(f *testing.F) {
	f.Add(make([]byte, 32), make([]byte, 32))
	f.Add([]byte{0xff, 0xff}, []byte{0x01})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var x, y secp256k1.ModNScalar
		x.SetByteSlice(a)
		y.SetByteSlice(b)
		requireScalarOps(t, &x, &y)
	})
}
