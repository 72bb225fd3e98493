package ecc

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Multi-scalar multiplication for batch verification, by Pippenger's bucket
// method: every scalar is split by GLV into halves of at most 129 bits, the
// halves are recoded in signed c-bit digits, and for each window every
// point is added once into the bucket of its digit, the buckets then summed
// with two running sums. Its cost per point falls as the batch grows, where
// Strauss's stays fixed. Variable time, for public data only.

// IsIdentityMSM reports whether g·G + Σ k_i·P_i is the point at infinity.
// The points must be on the curve, preferably affine (Z = 1, as every
// decoder of the package returns them; another Z costs an inversion); a
// point at infinity contributes nothing.
//
// A product of many terms runs on up to GOMAXPROCS goroutines, which all
// end before it returns: the points are prepared in chunks, and the
// windows are shared out among them. The answer does not depend on their
// number.
func IsIdentityMSM(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint) bool {
	acc := msm(g, k, p, msmWorkers(2*len(k)))
	return acc.inf
}

// msm returns g·G + Σ k_i·P_i, computed on up to workers goroutines.
func msm(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint, workers int) jac {
	if len(k) != len(p) {
		panic("ecc: scalars and points differ in number")
	}
	all := make([]msmTerm, 2*len(k)+2) // the halves of k_i·P_i at 2i and 2i+1
	pts := make([]aff, 2*len(k)+2)     // P_i and φ(P_i), by pairs
	parallel(len(k), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			j := jacFromPoint(&p[i])
			if j.inf {
				continue
			}
			if !feEqual(&j.z, &feOne) {
				j.toAffine()
			}
			pts[2*i] = aff{x: j.x, y: j.y}
			setSplit(all[2*i:2*i+2], &k[i], pts[2*i:2*i+2])
		}
	})
	pts[2*len(k)] = baseTables[0].pts[0][0]
	setSplit(all[2*len(k):], g, pts[2*len(k):])
	terms := all[:0] // the non-zero halves, in order
	for _, t := range all {
		if t.p != nil {
			terms = append(terms, t)
		}
	}
	return pippenger(terms, workers)
}

// msmWorkers is the number of goroutines for a product of about n GLV
// halves: one below parallelMin, else GOMAXPROCS.
func msmWorkers(n int) int {
	if n < parallelMin {
		return 1
	}
	return max(1, runtime.GOMAXPROCS(0))
}

// parallelMin is the number of GLV halves from which a product is shared
// among goroutines: below it a window costs less than starting one.
const parallelMin = 256

// Parallel calls f on consecutive chunks [lo, hi) covering [0, n), on up
// to GOMAXPROCS goroutines (the caller's among them) with at least grain
// indices each, and returns when all are done. f must be safe to run
// concurrently on disjoint chunks.
func Parallel(n, grain int, f func(lo, hi int)) {
	parallel(n, min(n/max(grain, 1), runtime.GOMAXPROCS(0)), f)
}

// parallel calls f on consecutive chunks [lo, hi) covering [0, n), on up to
// workers goroutines (the caller's among them), and returns when all are
// done.
func parallel(n, workers int, f func(lo, hi int)) {
	workers = min(workers, n)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { f(w*n/workers, (w+1)*n/workers) })
	}
	f(0, n/workers)
	wg.Wait()
}

// msmTerm is one GLV half: |k| < 2^130 as limbs, its sign, and its point.
type msmTerm struct {
	k   [3]uint64
	neg bool
	p   *aff
}

// setSplit sets out to the GLV halves of s·pt[0], leaving a zero half
// alone (its point nil); pt[1] receives φ(pt[0]) when the second half is
// not zero.
func setSplit(out []msmTerm, s *secp256k1.ModNScalar, pt []aff) {
	k1, k2, n1, n2 := splitScalar(s)
	if k1 != [3]uint64{} {
		out[0] = msmTerm{k1, n1, &pt[0]}
	}
	if k2 != [3]uint64{} {
		phiTable(pt[1:2], pt[0:1])
		out[1] = msmTerm{k2, n2, &pt[1]}
	}
}

// windowBits picks the window c minimising the additions, about
// ⌈131/c⌉·(n + 2^c).
func windowBits(n int) uint {
	best, bestCost := uint(2), -1
	for c := uint(2); c <= 16; c++ {
		cost := (131/int(c) + 1) * (n + 1<<c)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = c, cost
		}
	}
	return best
}

// digitsOf recodes k < 2^130 into signed c-bit digits in [−2^(c−1), 2^(c−1)].
func digitsOf(out []int32, k [3]uint64, c uint) {
	mask := uint64(1)<<c - 1
	var carry uint64
	for j := range out {
		bit := uint(j) * c
		var d uint64
		if bit < 192 {
			limb, off := bit/64, bit%64
			d = k[limb] >> off
			if off+c > 64 && limb < 2 {
				d |= k[limb+1] << (64 - off)
			}
			d &= mask
		}
		d += carry
		carry = 0
		if d > mask>>1 {
			out[j] = int32(int64(d) - int64(mask+1))
			carry = 1
		} else {
			out[j] = int32(d)
		}
	}
}

// pippenger returns Σ k_i·P_i over the terms: per window of c bits, each
// point is added into the bucket of its digit (mixed additions, or affine
// ones for many terms), and the buckets are summed as S_w = Σ d·B_d with a
// running sum; then Σ 2^(c·w)·S_w by doublings. The windows are
// independent: up to workers goroutines take them in turn, each with
// buckets of its own.
func pippenger(terms []msmTerm, workers int) jac {
	acc := jac{inf: true}
	if len(terms) == 0 {
		return acc
	}
	c := windowBits(len(terms))
	windows := int(131/c) + 2 // the last one takes the final carry
	digits := make([]int32, windows*len(terms))
	parallel(len(terms), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			// Window-major, so that a window reads its digits in order.
			var d [131/2 + 2]int32
			digitsOf(d[:windows], terms[i].k, c)
			for j := range windows {
				digits[j*len(terms)+i] = d[j]
			}
		}
	})
	sums := make([]jac, windows)
	var next atomic.Int32
	parallel(min(workers, windows), workers, func(int, int) {
		ws := newWindowSums(c, len(terms))
		for {
			w := int(next.Add(1)) - 1
			if w >= windows {
				return
			}
			sums[w] = ws.sum(terms, digits[w*len(terms):(w+1)*len(terms)])
		}
	})
	for w := windows - 1; w >= 0; w-- {
		for range c {
			acc.double(&acc)
		}
		acc.add(&acc, &sums[w])
	}
	return acc
}

// windowSums holds one goroutine's buckets.
type windowSums struct {
	buckets []jac
	aff     *affineBuckets
}

func newWindowSums(c uint, terms int) *windowSums {
	ws := &windowSums{}
	if terms >= affineMin {
		ws.aff = newAffineBuckets(1<<(c-1)+1, terms)
	} else {
		ws.buckets = make([]jac, 1<<(c-1)+1)
	}
	return ws
}

// sum returns Σ d·B_d for one window, whose digits (one per term) are
// given.
func (ws *windowSums) sum(terms []msmTerm, digits []int32) jac {
	running, sum := jac{inf: true}, jac{inf: true}
	if a := ws.aff; a != nil {
		a.fill(terms, digits)
		for b := len(a.count) - 1; b >= 1; b-- {
			if a.count[b] != 0 {
				running.addAff(&running, &a.pts[a.start[b]], false)
			}
			sum.add(&sum, &running)
		}
		return sum
	}
	for b := range ws.buckets {
		ws.buckets[b].inf = true
	}
	for i := range terms {
		if d, neg := bucketOf(digits[i], terms[i].neg); d != 0 {
			ws.buckets[d].addAff(&ws.buckets[d], terms[i].p, neg)
		}
	}
	for b := len(ws.buckets) - 1; b >= 1; b-- {
		running.add(&running, &ws.buckets[b])
		sum.add(&sum, &running)
	}
	return sum
}

// affineMin is the number of terms from which the buckets are summed in
// affine coordinates: each level of the summation costs one inversion, paid
// back only when the buckets hold many points. Measured with safegcd
// inversions on 128-bit scalars (a batch's weights): affine sums are 4%
// faster at 700 terms, 10% at 1,160 and 14% at 1,450.
const affineMin = 700

// affineBuckets sums the points of each bucket of one window in affine
// coordinates, by a pairwise tree: every addition of a level shares one
// field inversion (Montgomery's trick), so an addition costs about 5M + 1S
// where a mixed Jacobian one costs 8M + 3S.
type affineBuckets struct {
	count, start []int // bucket b holds pts[start[b] : start[b]+count[b]]
	pts          []aff
	inv          []fe   // per pair: the denominator, then its inverse
	pre          []fe   // prefix products for the batch inversion
	kind         []byte // per pair: pairAdd, pairDouble or pairCancel
}

const (
	pairAdd = iota
	pairDouble
	pairCancel
)

func newAffineBuckets(buckets, terms int) *affineBuckets {
	return &affineBuckets{
		count: make([]int, buckets), start: make([]int, buckets),
		pts: make([]aff, terms), inv: make([]fe, terms/2+1), pre: make([]fe, terms/2+1),
		kind: make([]byte, terms/2+1),
	}
}

// fill files a window's signed points by bucket and sums each bucket, so
// that afterwards every bucket holds at most one point.
func (a *affineBuckets) fill(terms []msmTerm, digits []int32) {
	clear(a.count)
	for i := range terms {
		if d, _ := bucketOf(digits[i], false); d != 0 {
			a.count[d]++
		}
	}
	off := 0
	for b := range a.count {
		a.start[b] = off
		off += a.count[b]
	}
	clear(a.count)
	for i := range terms {
		d, neg := bucketOf(digits[i], terms[i].neg)
		if d == 0 {
			continue
		}
		p := &a.pts[a.start[d]+a.count[d]]
		*p = *terms[i].p
		if neg {
			feNeg(&p.y, &p.y)
		}
		a.count[d]++
	}
	for a.level() {
	}
}

// bucketOf returns the bucket |d| of a signed digit and the sign of the
// point added there: neg, flipped when d is negative.
func bucketOf(d int32, neg bool) (int32, bool) {
	if d < 0 {
		return -d, !neg
	}
	return d, neg
}

// level adds the points of every bucket in pairs, with one inversion for
// all the pairs, and reports whether any bucket had two points.
func (a *affineBuckets) level() bool {
	// Denominators: x2 − x1 for an addition, 2y for a doubling.
	n := 0
	for b, c := range a.count {
		for j := 0; j+1 < c; j += 2 {
			p, q := &a.pts[a.start[b]+j], &a.pts[a.start[b]+j+1]
			d := &a.inv[n]
			feSub(d, &q.x, &p.x)
			a.kind[n] = pairAdd
			if feIsZero(d) {
				feAdd(d, &p.y, &q.y)
				if feIsZero(d) {
					a.kind[n], *d = pairCancel, feOne
				} else {
					a.kind[n] = pairDouble
				}
			}
			n++
		}
	}
	if n == 0 {
		return false
	}
	// Montgomery's trick: inv[k] becomes 1/inv[k].
	acc := feOne
	for k := range n {
		a.pre[k] = acc
		feMul(&acc, &acc, &a.inv[k])
	}
	var inv fe
	feInvCT(&inv, &acc) // safegcd: faster than Fermat
	for k := n - 1; k >= 0; k-- {
		var t fe
		feMul(&t, &inv, &a.pre[k])
		feMul(&inv, &inv, &a.inv[k])
		a.inv[k] = t
	}
	// Sums, written forward in place: pair j of a bucket reads positions
	// 2j and 2j+1 and writes at most position j.
	n = 0
	for b, c := range a.count {
		out := a.start[b]
		for j := 0; j+1 < c; j += 2 {
			p, q := &a.pts[a.start[b]+j], &a.pts[a.start[b]+j+1]
			k := n
			n++
			var lambda, t fe
			switch a.kind[k] {
			case pairCancel:
				continue
			case pairDouble:
				feSqr(&t, &p.x)
				feMulSmall(&t, &t, 3)
				feMul(&lambda, &t, &a.inv[k]) // 3x²/2y
			default:
				feSub(&t, &q.y, &p.y)
				feMul(&lambda, &t, &a.inv[k]) // (y2 − y1)/(x2 − x1)
			}
			var x3, y3 fe
			feSqr(&x3, &lambda)
			feSub(&x3, &x3, &p.x)
			feSub(&x3, &x3, &q.x)
			feSub(&t, &p.x, &x3)
			feMul(&y3, &lambda, &t)
			feSub(&y3, &y3, &p.y)
			a.pts[out] = aff{x: x3, y: y3}
			out++
		}
		if c%2 == 1 {
			a.pts[out] = a.pts[a.start[b]+c-1]
			out++
		}
		a.count[b] = out - a.start[b]
	}
	return true
}
