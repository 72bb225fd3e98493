package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

func randScalar(rng *rand.Rand) secp256k1.ModNScalar {
	var b [32]byte
	for j := range b {
		b[j] = byte(rng.Uint32())
	}
	var k secp256k1.ModNScalar
	k.SetBytes(&b)
	return k
}

func simpleMulAdd(a *secp256k1.ModNScalar, p *secp256k1.JacobianPoint, b *secp256k1.ModNScalar, q *secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	var x, y, r secp256k1.JacobianPoint
	secp256k1.ScalarMultNonConst(a, p, &x)
	secp256k1.ScalarMultNonConst(b, q, &y)
	secp256k1.AddNonConst(&x, &y, &r)
	return r
}

func requireSamePoint(t *testing.T, want, got secp256k1.JacobianPoint) {
	t.Helper()
	if IsInfinity(&want) {
		require.True(t, IsInfinity(&got))
		return
	}
	want.ToAffine()
	got.ToAffine()
	require.True(t, want.X.Equals(&got.X) && want.Y.Equals(&got.Y))
}

func TestMulAddDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var g secp256k1.JacobianPoint
	var one secp256k1.ModNScalar
	one.SetInt(1)
	secp256k1.ScalarBaseMultNonConst(&one, &g)
	for i := range 300 {
		a, b, c := randScalar(rng), randScalar(rng), randScalar(rng)
		switch i {
		case 0:
			a.SetInt(0)
		case 1:
			b.SetInt(0)
		case 2:
			a.SetInt(1)
			b.SetInt(1)
		case 3:
			a.SetInt(1).Negate()
		}
		var q secp256k1.JacobianPoint
		secp256k1.ScalarBaseMultNonConst(&c, &q)
		if i == 4 { // a·G + b·(−G·a/b) = infinity
			q = g
			var nb secp256k1.ModNScalar
			nb.Set(&a).Negate()
			b = nb
		}
		requireSamePoint(t, simpleMulAdd(&a, &g, &b, &q), MulAdd(&a, &b, &q))
		want := simpleMulAdd(&a, &g, &b, &q)
		requireSamePoint(t, want, MulAddTables(&a, NewAffineTables([]secp256k1.JacobianPoint{g}, 7, false)[0], &b, NewTable(&q, 6)))
		if !IsInfinity(&q) {
			split := NewAffineTables([]secp256k1.JacobianPoint{g, q}, 6, true)
			requireSamePoint(t, want, MulAddTables(&a, split[0], &b, split[1]))
			requireSamePoint(t, want, MulAddTable(&a, &b, split[1]))
			requireSamePoint(t, want, MulAddTable(&a, &b, NewAffineTables([]secp256k1.JacobianPoint{q}, 5, false)[0]))
		}
	}
}

func TestWNAF(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 5000 {
		x := [3]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64() & 3}
		switch i {
		case 0:
			x = [3]uint64{}
		case 1:
			x = [3]uint64{1}
		case 2:
			x = [3]uint64{^uint64(0), ^uint64(0), 3}
		case 3:
			x = [3]uint64{0, 1}
		}
		for _, w := range []uint{2, 5, 7, 8} {
			var out [nafLen]int8
			n := wnaf(&out, x, w)
			want := new(big.Int).SetUint64(x[2])
			want.Lsh(want, 64).Add(want, new(big.Int).SetUint64(x[1]))
			want.Lsh(want, 64).Add(want, new(big.Int).SetUint64(x[0]))
			got := new(big.Int)
			for j := n - 1; j >= 0; j-- {
				got.Lsh(got, 1).Add(got, big.NewInt(int64(out[j])))
				if out[j] != 0 {
					require.Equal(t, int8(1), out[j]&1|(-out[j])&1, "digits are odd")
					require.Less(t, int(out[j]), 1<<(w-1))
					require.Greater(t, int(out[j]), -(1 << (w - 1)))
				}
			}
			require.Zero(t, want.Cmp(got), "x=%v w=%d", x, w)
			for j := n; j < nafLen; j++ {
				require.Zero(t, out[j])
			}
		}
	}
}
