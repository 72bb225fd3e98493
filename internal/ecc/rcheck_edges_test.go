package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// TestIsMulAddEqualExceptional crosses special multipliers with
// special points and results: cancellations and doublings inside the
// Strauss chain, R = λ·truth (the check multiplies R by c + d·λ), R = −truth,
// R = 2·truth, R = truth ± G, and points given with Z ≠ 1.
func TestIsMulAddEqualExceptional(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := secp256k1.Params().N
	lambda, _ := new(big.Int).SetString(lambdaHex, 16)
	sc := func(v *big.Int) secp256k1.ModNScalar { return scalarOfBig(new(big.Int).Mod(v, n)) }
	bi := func(x int64) *big.Int { return big.NewInt(x) }
	two64 := new(big.Int).Lsh(bi(1), 64)
	two128 := new(big.Int).Lsh(bi(1), 128)
	u2s := []*big.Int{bi(1), bi(2), bi(3), bi(-1), bi(-2), lambda, new(big.Int).Neg(lambda),
		new(big.Int).Add(lambda, bi(1)), new(big.Int).Mul(lambda, lambda), two64, new(big.Int).Sub(two64, bi(1)),
		new(big.Int).Add(two64, bi(1)), two128, new(big.Int).Rsh(n, 1), new(big.Int).Add(new(big.Int).Rsh(n, 1), bi(1)),
		new(big.Int).Mul(lambda, two64), new(big.Int).ModInverse(bi(3), n), new(big.Int).ModInverse(lambda, n)}
	u1s := []*big.Int{bi(0), bi(1), bi(-1), bi(2), lambda, two64, two128}
	g := *generatorPoint()
	one := sc(bi(1))
	lam := sc(lambda)
	for range 6 {
		u1s = append(u1s, new(big.Int).SetUint64(rng.Uint64()).Lsh(new(big.Int).SetUint64(rng.Uint64()), uint(rng.IntN(190))))
		u2s = append(u2s, new(big.Int).SetUint64(rng.Uint64()).Lsh(new(big.Int).SetUint64(rng.Uint64()), uint(rng.IntN(190))))
	}
	k2 := sc(bi(2))
	qs := []secp256k1.JacobianPoint{g, negPoint(&g), baseMul(&k2), baseMul(&lam)}
	if testing.Short() {
		u1s, qs = u1s[:4], qs[:2]
	}
	for _, u1b := range u1s {
		for _, u2b := range u2s {
			u1, u2 := sc(u1b), sc(u2b)
			for _, q := range qs {
				truth := simpleMulAdd(&u1, &g, &u2, &q)
				if IsInfinity(&truth) {
					checkMulAddEqual(t, &u1, &u2, &q, &g)
					continue
				}
				truth.ToAffine()
				rs := []secp256k1.JacobianPoint{
					truth, projective(rng, truth), negPoint(&truth),
					simpleMulAdd(&lam, &truth, &secp256k1.ModNScalar{}, &g),
					simpleMulAdd(&k2, &truth, &secp256k1.ModNScalar{}, &g),
					simpleMulAdd(&one, &truth, &one, &g),
					q, negPoint(&q), g,
				}
				for _, r := range rs {
					checkMulAddEqual(t, &u1, &u2, &q, &r)
					qp := projective(rng, q)
					checkMulAddEqual(t, &u1, &u2, &qp, &r)
				}
			}
		}
	}
}

// TestHalfGCDStructured runs halfGCD on u = (a + b·λ)/(c + d·λ) mod n
// with coordinates of independent random sizes and signs: the Euclidean
// reduction then meets a remainder far below its divisor somewhere in the
// middle (quotients above 2^52, the early exit), or a tiny cofactor.
func TestHalfGCDStructured(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := secp256k1.Params().N
	lambda, _ := new(big.Int).SetString(lambdaHex, 16)
	coord := func() *big.Int {
		bits := rng.IntN(129)
		v := new(big.Int)
		for range 3 {
			v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(rng.Uint64()))
		}
		v.Rsh(v, uint(192-bits))
		if rng.IntN(2) == 0 {
			v.Neg(v)
		}
		return v
	}
	count := 20000
	if testing.Short() {
		count = 2000
	}
	g := *generatorPoint()
	fallback := 0
	for i := range count {
		num := new(big.Int).Mul(coord(), lambda)
		num.Add(num, coord())
		den := new(big.Int).Mul(coord(), lambda)
		den.Add(den, coord()).Mod(den, n)
		if den.Sign() == 0 {
			continue
		}
		u := num.Mul(num, new(big.Int).ModInverse(den, n)).Mod(num, n)
		if u.Sign() == 0 {
			continue
		}
		checkHalfGCD(t, u, 130)
		s := scalarOfBig(u)
		w, v, _ := halfGCD(&s)
		wx, wy, _ := eisBig(w)
		vx, vy, _ := eisBig(v)
		for _, c := range []*big.Int{wx, wy, vx, vy} {
			if c.BitLen() > 128 {
				fallback++
			}
		}
		if i%50 == 0 {
			u1, k := randScalar(rng), randScalar(rng)
			q := baseMul(&k)
			truth := simpleMulAdd(&u1, &g, &s, &q)
			checkMulAddEqual(t, &u1, &s, &q, &truth)
			bad := negPoint(&truth)
			checkMulAddEqual(t, &u1, &s, &q, &bad)
		}
	}
	t.Logf("coordinates above 2^128 (full fallback): %d", fallback)
}
