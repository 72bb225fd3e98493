package ecc

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// The product shared among goroutines against the one-goroutine product
// and against decred's sum of single multiplications, at the sizes where
// the split changes (the number of halves around parallelMin and
// affineMin, fewer points than goroutines, more goroutines than windows)
// and on inputs that stress the buckets: equal points, few distinct
// points, cancelling pairs, zero and short scalars.

// decredMSM is g·G + Σ k_i·P_i by decred's single multiplications, in
// affine form ((0, 0, 0) for infinity). The points must not be infinity.
func decredMSM(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	var sum secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(g, &sum)
	for i := range k {
		var kp secp256k1.JacobianPoint
		secp256k1.ScalarMultNonConst(&k[i], &p[i], &kp)
		secp256k1.AddNonConst(&sum, &kp, &sum)
	}
	return affineOrZero(sum)
}

func affineOrZero(p secp256k1.JacobianPoint) secp256k1.JacobianPoint {
	if IsInfinity(&p) {
		return secp256k1.JacobianPoint{}
	}
	p.ToAffine()
	return p
}

// msmAffine is msm on the given number of goroutines, in affine form.
func msmAffine(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint, workers int) secp256k1.JacobianPoint {
	acc := msm(g, k, p, workers)
	if acc.inf {
		return secp256k1.JacobianPoint{}
	}
	acc.toAffine()
	return acc.point()
}

func sameAffine(a, b *secp256k1.JacobianPoint) bool {
	return a.X.Equals(&b.X) && a.Y.Equals(&b.Y) && a.Z.Equals(&b.Z)
}

var msmKinds = []string{"random", "equal points", "three points", "cancelling", "zero and short scalars"}

// msmCase builds n terms of the given kind, with g random except for
// "cancelling", whose sum is then infinity.
func msmCase(rng *rand.Rand, n int, kind string) (secp256k1.ModNScalar, []secp256k1.ModNScalar, []secp256k1.JacobianPoint) {
	point := func() secp256k1.JacobianPoint {
		s := randScalar(rng)
		var p secp256k1.JacobianPoint
		secp256k1.ScalarBaseMultNonConst(&s, &p)
		p.ToAffine()
		return p
	}
	g := randScalar(rng)
	k := make([]secp256k1.ModNScalar, n)
	p := make([]secp256k1.JacobianPoint, n)
	pool := []secp256k1.JacobianPoint{point(), point(), point()}
	if kind == "cancelling" {
		g.SetInt(0)
	}
	for i := range k {
		k[i] = randScalar(rng)
		switch kind {
		case "random":
			p[i] = point()
		case "equal points":
			p[i] = pool[0]
		case "three points":
			p[i] = pool[rng.IntN(3)]
		case "cancelling":
			// k·P then k·(−P): the pairs sum to infinity, an odd last
			// term is cancelled by g.
			if i%2 == 1 {
				k[i] = k[i-1]
				p[i] = p[i-1]
				p[i].Y.Negate(1).Normalize()
			} else {
				p[i] = point()
			}
		case "zero and short scalars":
			p[i] = point()
			switch rng.IntN(3) {
			case 0:
				k[i].SetInt(0)
			case 1:
				k[i].SetInt(rng.Uint32())
			}
		}
	}
	if kind == "cancelling" && n%2 == 1 {
		// −k·P = (n − k)·P: g·G must cancel k_last·P_last, so make that
		// point a multiple of G: P = G, g = −k.
		last := n - 1
		p[last] = affineOrZero(decredMSM(new(secp256k1.ModNScalar).SetInt(1), nil, nil))
		g = k[last]
		g.Negate()
	}
	return g, k, p
}

func TestMSMWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	// Halves: about 2n + 2 (a zero half is dropped).
	sizes := []int{0, 1, 2, 3, parallelMin/2 - 2, parallelMin/2 - 1, parallelMin / 2, parallelMin/2 + 1, 300}
	if !testing.Short() {
		sizes = append(sizes, affineMin/2, affineMin/2+1)
	}
	for _, n := range sizes {
		for _, kind := range msmKinds {
			g, k, p := msmCase(rng, n, kind)
			want := decredMSM(&g, k, p)
			if kind == "cancelling" {
				require.True(t, IsInfinity(&want), "n=%d", n)
			}
			for _, workers := range []int{1, 2, 3, 4, 40} {
				got := msmAffine(&g, k, p, workers)
				require.True(t, sameAffine(&want, &got), "%s, n=%d, workers=%d", kind, n, workers)
			}
			require.Equal(t, IsInfinity(&want), IsIdentityMSM(&g, k, p), "%s, n=%d", kind, n)
		}
	}
}

// TestMSMWorkersInfinity puts points at infinity among the others: they
// add nothing, however the product is shared out.
func TestMSMWorkersInfinity(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{1, parallelMin/2 + 1, 300} {
		g, k, p := msmCase(rng, n, "random")
		want := msmAffine(&g, k, p, 1)
		k2, p2 := append([]secp256k1.ModNScalar(nil), k...), append([]secp256k1.JacobianPoint(nil), p...)
		for range 5 {
			at := rng.IntN(len(k2) + 1)
			k2 = append(k2[:at], append([]secp256k1.ModNScalar{randScalar(rng)}, k2[at:]...)...)
			p2 = append(p2[:at], append([]secp256k1.JacobianPoint{{}}, p2[at:]...)...)
		}
		for _, workers := range []int{1, 2, 3} {
			got := msmAffine(&g, k2, p2, workers)
			require.True(t, sameAffine(&want, &got), "n=%d, workers=%d", n, workers)
		}
	}
}

// TestParallel checks that the chunks cover [0, n) once, in order, for
// every number of goroutines.
func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 100} {
		for _, workers := range []int{0, 1, 2, 3, 8, 200} {
			seen := make([]int, n)
			parallel(n, workers, func(lo, hi int) {
				require.LessOrEqual(t, lo, hi)
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			for i, c := range seen {
				require.Equal(t, 1, c, fmt.Sprintf("n=%d workers=%d index %d", n, workers, i))
			}
		}
		for _, grain := range []int{-1, 0, 1, 5, 1000} {
			var count atomic.Int64
			Parallel(n, grain, func(lo, hi int) { count.Add(int64(hi - lo)) })
			require.Equal(t, int64(n), count.Load())
		}
	}
}

// FuzzMSMWorkers draws a case from the fuzzer's bytes (size, kind, seed,
// goroutines) and compares the shared product with the one-goroutine
// one, and with decred's for small sizes.
func FuzzMSMWorkers(f *testing.F) {
	f.Add(uint16(parallelMin/2), byte(0), uint64(1), byte(2))
	f.Add(uint16(3), byte(3), uint64(2), byte(3))
	f.Add(uint16(200), byte(1), uint64(3), byte(5))
	f.Fuzz(func(t *testing.T, size uint16, kind byte, seed uint64, workers byte) {
		n := int(size) % 400
		rng := rand.New(rand.NewPCG(seed, binary.LittleEndian.Uint64([]byte{kind, workers, 0, 0, 0, 0, 0, 0})))
		g, k, p := msmCase(rng, n, msmKinds[int(kind)%len(msmKinds)])
		want := msmAffine(&g, k, p, 1)
		if n <= 8 {
			d := decredMSM(&g, k, p)
			require.True(t, sameAffine(&d, &want))
		}
		got := msmAffine(&g, k, p, 1+int(workers)%6)
		require.True(t, sameAffine(&want, &got))
	})
}

// TestMSMScratchReuse runs products of falling and rising sizes, on one
// and on several goroutines, so that each reuses the pooled buffers of a
// larger or smaller one (the affine buckets and the Jacobian ones in
// turn): stale halves, digits or buckets would change the sum.
func TestMSMScratchReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	sizes := []int{400, 3, 180, 0, 129, 7}
	if !testing.Short() {
		sizes = append([]int{affineMin/2 + 50}, append(sizes, affineMin/2+10, 20)...)
	}
	for _, n := range sizes {
		for _, workers := range []int{1, 2, 3} {
			g, k, p := msmCase(rng, n, msmKinds[rng.IntN(len(msmKinds))])
			want := decredMSM(&g, k, p)
			got := msmAffine(&g, k, p, workers)
			require.True(t, sameAffine(&want, &got), "n=%d, workers=%d", n, workers)
		}
	}
}

// TestMSMUnits checks that the units cover the buckets 1 to top of every
// window with a digit, once each, in window order, and that only the last
// windows (as many as the goroutines) are split.
func TestMSMUnits(t *testing.T) {
	tests := []struct {
		top     []int32
		workers int
		split   int // windows split in two
	}{
		{[]int32{1024, 1024, 1024, 256, 0}, 1, 0},
		{[]int32{1024, 1024, 1024, 256, 0}, 2, 2},
		{[]int32{1024, 0, 1024, 3, 0}, 3, 3},
		{[]int32{1024, 1, 0}, 2, 1}, // a top of 1 cannot be split
		{[]int32{0, 0}, 2, 0},
		{[]int32{5}, 8, 1},
	}
	for _, tt := range tests {
		s := &msmScratch{top: tt.top}
		units := s.units(tt.workers)
		covered := make([][]int, len(tt.top))
		for w, top := range tt.top {
			covered[w] = make([]int, top+1)
		}
		split, prev := 0, -1
		for _, u := range units {
			require.GreaterOrEqual(t, u.w, prev, "%v", tt)
			if u.w == prev {
				split++
			}
			prev = u.w
			require.True(t, 1 <= u.lo && u.lo <= u.hi && u.hi <= tt.top[u.w], "%v: %+v", tt, u)
			for b := u.lo; b <= u.hi; b++ {
				covered[u.w][b]++
			}
		}
		require.Equal(t, tt.split, split, "%v", tt)
		for w, c := range covered {
			for b := 1; b < len(c); b++ {
				require.Equal(t, 1, c[b], "%v: window %d bucket %d", tt, w, b)
			}
		}
	}
}

// TestMulSmall compares m·P by doubling and adding with decred's.
func TestMulSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	s := randScalar(rng)
	var p secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&s, &p)
	p.ToAffine()
	q := jacFromPoint(&p)
	for _, m := range []uint{0, 1, 2, 3, 255, 256, 511, 512, 1 << 15} {
		var got jac
		got.mulSmall(&q, m)
		var km secp256k1.ModNScalar
		km.SetInt(uint32(m))
		var want secp256k1.JacobianPoint
		secp256k1.ScalarMultNonConst(&km, &p, &want)
		want = affineOrZero(want)
		if got.inf {
			require.True(t, IsInfinity(&want), "m=%d", m)
			continue
		}
		got.toAffine()
		gp := got.point()
		require.True(t, sameAffine(&want, &gp), "m=%d", m)
	}
}
