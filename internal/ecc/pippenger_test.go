package ecc

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// The bucket method against the sum of decred's single multiplications,
// for sizes across the window choices and with scalars that cancel.
func TestIsIdentityMSM(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 5, 40, 150, 600, 900} { // 900: the affine buckets
		k := make([]secp256k1.ModNScalar, n)
		p := make([]secp256k1.JacobianPoint, n)
		var sum secp256k1.JacobianPoint
		for i := range k {
			k[i] = randScalar(rng)
			if i%7 == 3 {
				k[i].SetInt(uint32(i)) // short scalars
			}
			s := randScalar(rng)
			secp256k1.ScalarBaseMultNonConst(&s, &p[i])
			p[i].ToAffine()
			var kp secp256k1.JacobianPoint
			secp256k1.ScalarMultNonConst(&k[i], &p[i], &kp)
			secp256k1.AddNonConst(&sum, &kp, &sum)
		}
		// g·G = −sum needs log_G(sum): instead put −sum in as a point.
		sum.ToAffine()
		neg := sum
		neg.Y.Negate(1).Normalize()
		var one, zero secp256k1.ModNScalar
		one.SetInt(1)
		require.True(t, IsIdentityMSM(&zero, append(k, one), append(p, neg)), "n=%d", n)
		k[0].Add(&one)
		require.False(t, IsIdentityMSM(&zero, append(k, one), append(p, neg)), "n=%d", n)
	}
	// g·G alone.
	var g secp256k1.ModNScalar
	g.SetInt(5)
	require.False(t, IsIdentityMSM(&g, nil, nil))
	g.SetInt(0)
	require.True(t, IsIdentityMSM(&g, nil, nil))
}

func TestDigitsOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 2000 {
		x := [3]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64() & 3}
		for _, c := range []uint{2, 5, 9, 13, 16} {
			windows := int(131/c) + 2
			d := make([]int32, windows)
			digitsOf(d, x, c)
			// Σ d_j·2^(jc) == x, in 192-bit arithmetic.
			var acc [4]uint64
			for j := windows - 1; j >= 0; j-- {
				for range c {
					acc = shl1(acc)
				}
				acc = addSigned(acc, int64(d[j]))
				require.LessOrEqual(t, d[j], int32(1)<<(c-1))
				require.GreaterOrEqual(t, d[j], -(int32(1) << (c - 1)))
			}
			require.Equal(t, [4]uint64{x[0], x[1], x[2], 0}, acc)
		}
	}
}

func shl1(a [4]uint64) [4]uint64 {
	return [4]uint64{a[0] << 1, a[1]<<1 | a[0]>>63, a[2]<<1 | a[1]>>63, a[3]<<1 | a[2]>>63}
}

func addSigned(a [4]uint64, v int64) [4]uint64 {
	if v >= 0 {
		var c uint64
		a[0], c = add64(a[0], uint64(v), 0)
		for i := 1; i < 4; i++ {
			a[i], c = add64(a[i], 0, c)
		}
		return a
	}
	u := uint64(-v)
	borrow := uint64(0)
	if a[0] < u {
		borrow = 1
	}
	a[0] -= u
	for i := 1; i < 4 && borrow == 1; i++ {
		if a[i] == 0 {
			a[i] = ^uint64(0)
		} else {
			a[i]--
			borrow = 0
		}
	}
	return a
}

// Equal and opposite points with equal scalars meet in the same buckets,
// where the affine additions must double and cancel.
func TestIsIdentityMSMBucketEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var zero, one secp256k1.ModNScalar
	one.SetInt(1)
	for round := range 20 {
		big := round%5 == 0
		a, s := randScalar(rng), randScalar(rng)
		var p, negP, ap, negAP secp256k1.JacobianPoint
		secp256k1.ScalarBaseMultNonConst(&s, &p)
		p.ToAffine()
		negP = p
		negP.Y.Negate(1).Normalize()
		secp256k1.ScalarMultNonConst(&a, &p, &ap)
		ap.ToAffine()
		negAP = ap
		negAP.Y.Negate(1).Normalize()
		require.True(t, IsIdentityMSM(&zero, []secp256k1.ModNScalar{a, a}, []secp256k1.JacobianPoint{p, negP}))
		require.True(t, IsIdentityMSM(&zero, []secp256k1.ModNScalar{a, a, a, one}, []secp256k1.JacobianPoint{p, p, negP, negAP}))
		var a3 secp256k1.ModNScalar
		a3.SetInt(3)
		a3.Mul(&a)
		var a3p secp256k1.JacobianPoint
		secp256k1.ScalarMultNonConst(&a3, &p, &a3p)
		a3p.ToAffine()
		a3p.Y.Negate(1).Normalize()
		many := []secp256k1.ModNScalar{a, a, a, one}
		pts := []secp256k1.JacobianPoint{p, p, p, a3p}
		pairs := 200 // enough terms for the bucket method
		if big {
			pairs = affineMin // and for its affine buckets
		}
		for range pairs {
			many = append(many, a, a)
			pts = append(pts, p, negP)
		}
		require.True(t, IsIdentityMSM(&zero, many, pts))
		many[0].Add(&one)
		require.False(t, IsIdentityMSM(&zero, many, pts))
	}
}
