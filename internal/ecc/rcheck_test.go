package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// refMulAddEqual decides u1·G + u2·Q == R with decred's arithmetic.
func refMulAddEqual(u1, u2 *secp256k1.ModNScalar, q, r *secp256k1.JacobianPoint) bool {
	p := simpleMulAdd(u1, generatorPoint(), u2, q)
	if IsInfinity(&p) || IsInfinity(r) {
		return IsInfinity(&p) && IsInfinity(r)
	}
	rr := *r
	p.ToAffine()
	rr.ToAffine()
	return p.X.Equals(&rr.X) && p.Y.Equals(&rr.Y)
}

func generatorPoint() *secp256k1.JacobianPoint {
	g := generator()
	p := g.point()
	return &p
}

func baseMul(k *secp256k1.ModNScalar) secp256k1.JacobianPoint {
	var p secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(k, &p)
	return p
}

// projective returns p with a random Z ≠ 1 (the same point).
func projective(rng *rand.Rand, p secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	if IsInfinity(&p) {
		return p
	}
	z := randFe(rng)
	zf := feToField(&z)
	var z2, z3 secp256k1.FieldVal
	z2.SquareVal(&zf)
	z3.Mul2(&z2, &zf)
	p.X.Mul(&z2).Normalize()
	p.Y.Mul(&z3).Normalize()
	p.Z.Mul(&zf).Normalize()
	return p
}

// checkMulAddEqual compares IsMulAddEqual with decred and with MulAdd and
// EqualsAffine, and returns the answer.
func checkMulAddEqual(t testing.TB, u1, u2 *secp256k1.ModNScalar, q, r *secp256k1.JacobianPoint) bool {
	t.Helper()
	want := refMulAddEqual(u1, u2, q, r)
	got := IsMulAddEqual(u1, u2, q, r)
	require.Equal(t, want, got, "u1 = %v, u2 = %v", u1, u2)
	if !IsInfinity(r) {
		ra := *r
		ra.ToAffine()
		p := MulAdd(u1, u2, q)
		require.Equal(t, want, EqualsAffine(&p, &ra.X, &ra.Y))
	}
	return got
}

// mulAddCase is an input of IsMulAddEqual and its answer.
type mulAddCase struct {
	name   string
	u1, u2 secp256k1.ModNScalar
	q, r   secp256k1.JacobianPoint
	want   bool
}

func TestIsMulAddEqual(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var one, nMinus1, zero secp256k1.ModNScalar
	one.SetInt(1)
	nMinus1.SetInt(1).Negate()
	g := *generatorPoint()
	edges := halfGCDEdgeScalars()
	edgeNames := make([]string, 0, len(edges))
	for name := range edges {
		edgeNames = append(edgeNames, name)
	}
	count := 40
	if testing.Short() {
		count = 10
	}
	for i := range count {
		u1, u2, k := randScalar(rng), randScalar(rng), randScalar(rng)
		if i < len(edgeNames) {
			u2 = scalarOfBig(edges[edgeNames[i]])
		}
		q := baseMul(&k)
		truth := simpleMulAdd(&u1, &g, &u2, &q)
		truth.ToAffine()
		kr := randScalar(rng)
		cases := []mulAddCase{
			{"true", u1, u2, q, truth, true},
			{"true projective", u1, u2, projective(rng, q), projective(rng, truth), true},
			{"negated", u1, u2, q, negPoint(&truth), false},
			{"true+G", u1, u2, q, simpleMulAdd(&one, &truth, &one, &g), false},
			{"random R", u1, u2, q, baseMul(&kr), false},
			{"R = Q", u1, u2, q, q, false},
			{"R = -Q", u1, u2, q, negPoint(&q), false},
			{"u1 = 0", zero, u2, q, simpleMulAdd(&zero, &g, &u2, &q), true},
			{"u1 = n-1", nMinus1, u2, q, simpleMulAdd(&nMinus1, &g, &u2, &q), true},
			{"u2 = 0", u1, zero, q, baseMul(&u1), true},
			{"u2 = 0, wrong R", u1, zero, q, q, false},
			{"Q = G", u1, u2, g, simpleMulAdd(&u1, &g, &u2, &g), true},
			{"Q infinity", u1, u2, secp256k1.JacobianPoint{}, baseMul(&u1), true},
			{"R infinity", u1, u2, q, secp256k1.JacobianPoint{}, false},
			{"both infinity", zero, u2, secp256k1.JacobianPoint{}, secp256k1.JacobianPoint{}, true},
		}
		// Q = R: u1·G + u2·R = R when u1·G = (1 − u2)·R.
		{
			var c secp256k1.ModNScalar
			c.NegateVal(&u2).Add(&one).Mul(&k) // (1 − u2)·k
			cases = append(cases,
				mulAddCase{"Q = R, true", c, u2, q, q, true},
			)
			// u1·G + u2·R = −R when u1·G = −(1 + u2)·R.
			var m secp256k1.ModNScalar
			m.Set(&u2).Add(&one).Negate().Mul(&k)
			cases = append(cases,
				mulAddCase{"Q = -R, true", m, u2, q, negPoint(&q), true},
			)
		}
		for _, c := range cases {
			got := checkMulAddEqual(t, &c.u1, &c.u2, &c.q, &c.r)
			require.Equal(t, c.want, got, "%s (round %d)", c.name, i)
		}
	}
}

// TestIsMulAddEqualHalfGCDEdges runs the check with the inputs that make
// halfGCD stop early or at once.
func TestIsMulAddEqualHalfGCDEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	n := secp256k1.Params().N
	for name, v := range halfGCDEdgeScalars() {
		u2 := scalarOfBig(v)
		u1, k := randScalar(rng), randScalar(rng)
		q := baseMul(&k)
		truth := simpleMulAdd(&u1, generatorPoint(), &u2, &q)
		require.True(t, checkMulAddEqual(t, &u1, &u2, &q, &truth), name)
		bad := negPoint(&truth)
		require.False(t, checkMulAddEqual(t, &u1, &u2, &q, &bad), name)
		// u2 = small/small': the half-size multipliers are tiny.
		inv := new(big.Int).ModInverse(big.NewInt(3), n)
		u2 = scalarOfBig(inv.Mul(inv, v))
		truth = simpleMulAdd(&u1, generatorPoint(), &u2, &q)
		require.True(t, checkMulAddEqual(t, &u1, &u2, &q, &truth), name)
	}
}

func FuzzIsMulAddEqual(f *testing.F) {
	f.Add([]byte{1}, []byte{2}, []byte{3}, uint8(0))
	f.Add([]byte{}, []byte{1}, []byte{7}, uint8(1))
	f.Add([]byte{0xff, 0xff}, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0}, []byte{5}, uint8(2))
	f.Add([]byte{9}, []byte{}, []byte{5}, uint8(3))
	f.Fuzz(func(t *testing.T, b1, b2, bq []byte, mode uint8) {
		var u1, u2, k secp256k1.ModNScalar
		u1.SetByteSlice(b1)
		u2.SetByteSlice(b2)
		k.SetByteSlice(bq)
		q := baseMul(&k)
		truth := simpleMulAdd(&u1, generatorPoint(), &u2, &q)
		var r secp256k1.JacobianPoint
		switch mode % 5 {
		case 0:
			r = truth
		case 1:
			r = negPoint(&truth)
		case 2:
			r = q
		case 3:
			r = simpleMulAdd(&u1, &truth, &u1, generatorPoint())
		default:
			var kr secp256k1.ModNScalar
			kr.SetByteSlice(append(bq, b1...))
			r = baseMul(&kr)
		}
		checkMulAddEqual(t, &u1, &u2, &q, &r)
	})
}

func BenchmarkIsMulAddEqual(b *testing.B) {
	b.ReportAllocs()
	rng := rand.New(rand.NewPCG(1, 2))
	u1, u2, k := randScalar(rng), randScalar(rng), randScalar(rng)
	q := baseMul(&k)
	r := simpleMulAdd(&u1, generatorPoint(), &u2, &q)
	r.ToAffine()
	IsMulAddEqual(&u1, &u2, &q, &r) // builds G's table
	for b.Loop() {
		if !IsMulAddEqual(&u1, &u2, &q, &r) {
			b.Fatal("false")
		}
	}
}
