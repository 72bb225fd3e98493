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
		for _, w := range []uint{2, 5, 7, 8, 10, 12} {
			var out [nafLen]int16
			n := wnaf(&out, x, w)
			want := new(big.Int).SetUint64(x[2])
			want.Lsh(want, 64).Add(want, new(big.Int).SetUint64(x[1]))
			want.Lsh(want, 64).Add(want, new(big.Int).SetUint64(x[0]))
			got := new(big.Int)
			for j := n - 1; j >= 0; j-- {
				got.Lsh(got, 1).Add(got, big.NewInt(int64(out[j])))
				if out[j] != 0 {
					require.Equal(t, int16(1), out[j]&1|(-out[j])&1, "digits are odd")
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

// edgeScalars are scalars at the edges of the GLV split and the wNAF: 0, 1,
// 2, n−1, n−2, (n−1)/2, (n+1)/2, λ, −λ, λ², 2^128, 2^129 − 1, 2^64, and
// values whose halves are all ones.
func edgeScalars() []secp256k1.ModNScalar {
	n := secp256k1.Params().N
	lambda, _ := new(big.Int).SetString(lambdaHex, 16)
	vals := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(3),
		new(big.Int).Sub(n, big.NewInt(1)),
		new(big.Int).Sub(n, big.NewInt(2)),
		new(big.Int).Rsh(n, 1),
		new(big.Int).Add(new(big.Int).Rsh(n, 1), big.NewInt(1)),
		lambda,
		new(big.Int).Sub(n, lambda),
		new(big.Int).Mod(new(big.Int).Mul(lambda, lambda), n),
		new(big.Int).Lsh(big.NewInt(1), 128),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 129), big.NewInt(1)),
		new(big.Int).Lsh(big.NewInt(1), 64),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(1)),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)), // reduced mod n
		new(big.Int).Mod(new(big.Int).Add(lambda, big.NewInt(1)), n),
	}
	out := make([]secp256k1.ModNScalar, len(vals))
	for i, v := range vals {
		out[i].SetByteSlice(new(big.Int).Mod(v, n).Bytes())
	}
	return out
}

// checkAllForms compares a·G + b·Q from every entry point with the simple
// path.
func checkAllForms(t *testing.T, a, b *secp256k1.ModNScalar, q *secp256k1.JacobianPoint) {
	t.Helper()
	var g secp256k1.JacobianPoint
	var one secp256k1.ModNScalar
	one.SetInt(1)
	secp256k1.ScalarBaseMultNonConst(&one, &g)
	want := simpleMulAdd(a, &g, b, q)
	requireSamePoint(t, want, MulAdd(a, b, q))
	requireSamePoint(t, want, MulAddTables(a, NewTable(&g, 4), b, NewTable(q, 5)))
	requireSamePoint(t, want, MulAddTable(a, b, NewTable(q, 3)))
	split := NewAffineTables([]secp256k1.JacobianPoint{g, *q}, 5, true)
	requireSamePoint(t, want, MulAddTables(a, split[0], b, split[1]))
	requireSamePoint(t, want, MulAddTable(a, b, split[1]))
	// Mixed: split and unsplit tables in one product.
	requireSamePoint(t, want, MulAddTables(a, split[0], b, NewTable(q, 6)))
}

// TestMulAddEdges runs edge scalars against points related to G (G, −G,
// λG, 2G, 3G, (n−1)G), where the tables of both terms hold the same or
// opposite points and the accumulator meets P + P and P + (−P).
func TestMulAddEdges(t *testing.T) {
	edges := edgeScalars()
	rng := rand.New(rand.NewPCG(31, 32))
	var qs []secp256k1.JacobianPoint
	for _, k := range append([]secp256k1.ModNScalar{}, edges[1], edges[2], edges[3], edges[4], edges[8], edges[9], edges[10]) {
		var q secp256k1.JacobianPoint
		secp256k1.ScalarBaseMultNonConst(&k, &q)
		qs = append(qs, q)
	}
	var inf secp256k1.JacobianPoint
	for qi, q := range qs {
		for i := range edges {
			for j := range edges {
				checkAllForms(t, &edges[i], &edges[j], &q)
			}
		}
		_ = qi
	}
	// Q at infinity.
	for i := range edges {
		b := randScalar(rng)
		requireSamePoint(t, simpleMulAdd(&edges[i], &qs[0], &b, &inf), MulAdd(&edges[i], &b, &inf))
	}
	// b = −a·k/m for Q = (m/k)·G... simpler: Q = c·G and a = −b·c, so the
	// sum is infinity, for random and edge b.
	for range 50 {
		c, b := randScalar(rng), randScalar(rng)
		var q secp256k1.JacobianPoint
		secp256k1.ScalarBaseMultNonConst(&c, &q)
		var a secp256k1.ModNScalar
		a.Mul2(&b, &c).Negate()
		got := MulAdd(&a, &b, &q)
		require.True(t, IsInfinity(&got))
		checkAllForms(t, &a, &b, &q)
	}
}

// FuzzMulAdd compares the multiplication with the simple path (decred's
// ScalarMultNonConst, ScalarBaseMultNonConst and AddNonConst) on scalars
// and points from the fuzzer; Q = c·G, or infinity for c = 0.
func FuzzMulAdd(f *testing.F) {
	edges := edgeScalars()
	for i := range edges {
		a, b := edges[i].Bytes(), edges[(i+5)%len(edges)].Bytes()
		c := edges[(i+3)%len(edges)].Bytes()
		f.Add(a[:], b[:], c[:], uint8(i))
	}
	f.Fuzz(func(t *testing.T, ab, bb, cb []byte, sel uint8) {
		var a, b, c secp256k1.ModNScalar
		a.SetByteSlice(ab)
		b.SetByteSlice(bb)
		c.SetByteSlice(cb)
		var g, q secp256k1.JacobianPoint
		var one secp256k1.ModNScalar
		one.SetInt(1)
		secp256k1.ScalarBaseMultNonConst(&one, &g)
		secp256k1.ScalarBaseMultNonConst(&c, &q)
		switch sel % 4 {
		case 1: // a·G + b·(−a/b)·G-like cancellation: b·Q = −a·G
			if !b.IsZero() && !c.IsZero() {
				a.Mul2(&b, &c).Negate()
			}
		case 2: // Q in a random Jacobian form
			if !IsInfinity(&q) {
				var z secp256k1.FieldVal
				z.SetByteSlice(cb)
				if z.Normalize().IsZero() {
					z.SetInt(1)
				}
				var z2, z3 secp256k1.FieldVal
				z2.SquareVal(&z)
				z3.Mul2(&z2, &z)
				q.X.Mul(&z2).Normalize()
				q.Y.Mul(&z3).Normalize()
				q.Z.Mul(&z).Normalize()
			}
		case 3: // a = b
			a = b
		}
		want := simpleMulAdd(&a, &g, &b, &q)
		requireSamePoint(t, want, MulAdd(&a, &b, &q))
		w := uint(2 + sel%5)
		requireSamePoint(t, want, MulAddTable(&a, &b, NewTable(&q, w)))
		split := NewAffineTables([]secp256k1.JacobianPoint{q}, w, true)[0]
		requireSamePoint(t, want, MulAddTable(&a, &b, split))
	})
}
