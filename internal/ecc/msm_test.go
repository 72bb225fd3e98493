package ecc

import (
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
