package ecc

import (
	"math/bits"
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
// number. The buffers (about 300 bytes per term, and 200 per term per
// goroutine) are kept in a sync.Pool for the next product.
func IsIdentityMSM(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint) bool {
	acc := msm(g, k, p, msmWorkers(2*len(k)))
	return acc.inf
}

// msm returns g·G + Σ k_i·P_i, computed on up to workers goroutines.
func msm(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint, workers int) jac {
	if len(k) != len(p) {
		panic("ecc: scalars and points differ in number")
	}
	s := getMSMScratch(2*len(k) + 2)
	defer msmScratchPool.Put(s)
	s.prepare(g, k, p, workers)
	return s.pippenger(workers)
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
// concurrently on disjoint chunks. The chunks are fewer than n/grain + 1
// and do not depend on the scheduling, but do on GOMAXPROCS.
func Parallel(n, grain int, f func(lo, hi int)) {
	procs := runtime.GOMAXPROCS(0)
	chunks := min(n/max(grain, 1), chunksPerWorker*procs)
	parallelChunks(n, chunks, min(procs, chunks), f)
}

// chunksPerWorker is the number of chunks per goroutine that parallel
// makes: a goroutine that starts late (waking an idle processor takes tens
// of microseconds) or is slowed by another process then leaves work to the
// others rather than be waited for.
const chunksPerWorker = 8

// parallel calls f on consecutive chunks [lo, hi) covering [0, n), on up to
// workers goroutines (the caller's among them), and returns when all are
// done.
func parallel(n, workers int, f func(lo, hi int)) {
	workers = min(workers, n)
	parallelChunks(n, min(n, chunksPerWorker*workers), workers, f)
}

// parallelChunks calls f on the chunks [c·n/chunks, (c+1)·n/chunks), taken
// in turn by up to workers goroutines.
func parallelChunks(n, chunks, workers int, f func(lo, hi int)) {
	if chunks <= 1 || workers <= 1 {
		f(0, n)
		return
	}
	var next atomic.Int32
	goN(workers, func() {
		for {
			c := int(next.Add(1)) - 1
			if c >= chunks {
				return
			}
			f(c*n/chunks, (c+1)*n/chunks)
		}
	})
}

// goN runs f on workers goroutines, the caller's among them, and returns
// when all have returned.
func goN(workers int, f func()) {
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(f)
	}
	f()
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

// windowBits picks the window c minimising the cost, about ⌈131/c⌉·(n +
// 2^c) additions: n to fill the buckets and two per bucket to sum them.
// With affine buckets a fill costs about a quarter of a bucket's two
// Jacobian additions instead of half, hence 2^(c+1).
func windowBits(n int) uint {
	best, bestCost := uint(2), -1
	for c := uint(2); c <= 16; c++ {
		buckets := 1 << c
		if n >= affineMin {
			buckets <<= 1
		}
		cost := (131/int(c) + 1) * (n + buckets)
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

// msmScratch holds a product's GLV halves, their digits and the
// goroutines' buckets. It is kept in msmScratchPool between products: a
// batch of 4,096 signatures needs about 1.3 MB of them and 0.8 MB per
// goroutine, and allocating them anew for every batch made the garbage
// collector run about once per batch.
type msmScratch struct {
	n      int       // GLV halves: those of k_i·P_i at 2i and 2i+1, then g·G's
	c      uint      // window bits
	terms  []msmTerm // a zero half has k = 0 and no point
	pts    []aff     // P_i and φ(P_i), by pairs
	digits []int32   // window-major: digits[w·n+i] is half i's digit in window w
	top    []int32   // per window, the largest |digit|
	ws     []*windowSums
}

var msmScratchPool sync.Pool // of *msmScratch

// maxWindows is the number of windows of 2-bit digits, the most there are.
const maxWindows = 131/2 + 2

// msmWindows is the number of windows of c-bit digits of a GLV half; the
// last one takes the final carry.
func msmWindows(c uint) int { return int(131/c) + 2 }

// getMSMScratch returns a scratch for n halves, from msmScratchPool when
// it has one.
func getMSMScratch(n int) *msmScratch {
	s, _ := msmScratchPool.Get().(*msmScratch)
	if s == nil {
		s = new(msmScratch)
	}
	s.n, s.c = n, windowBits(n)
	s.terms = resize(s.terms, n)
	s.pts = resize(s.pts, n)
	s.digits = resize(s.digits, msmWindows(s.c)*n)
	s.top = resize(s.top, msmWindows(s.c))
	clear(s.top)
	return s
}

// resize returns b with length n, reallocated only when its capacity is
// short; the contents are left as they are.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// prepare sets the halves of k_i·P_i and of g·G, their digits, and each
// window's largest digit, in chunks on up to workers goroutines.
func (s *msmScratch) prepare(g *secp256k1.ModNScalar, k []secp256k1.ModNScalar, p []secp256k1.JacobianPoint, workers int) {
	var mu sync.Mutex
	parallel(len(k)+1, workers, func(lo, hi int) {
		var top [maxWindows]int32
		for i := lo; i < hi; i++ {
			t, pt := s.terms[2*i:2*i+2], s.pts[2*i:2*i+2]
			t[0], t[1] = msmTerm{}, msmTerm{}
			if i == len(k) {
				pt[0] = baseTables[0].pts[0][0] // G
				setSplit(t, g, pt)
			} else if j := jacFromPoint(&p[i]); !j.inf {
				if !feEqual(&j.z, &feOne) {
					j.toAffine()
				}
				pt[0] = aff{x: j.x, y: j.y}
				setSplit(t, &k[i], pt)
			}
			s.setDigits(2*i, &top)
			s.setDigits(2*i+1, &top)
		}
		mu.Lock()
		for w := range s.top {
			s.top[w] = max(s.top[w], top[w])
		}
		mu.Unlock()
	})
}

// setDigits writes half i's digits, window-major so that a window reads
// its digits in order, and raises top to their absolute values.
func (s *msmScratch) setDigits(i int, top *[maxWindows]int32) {
	var d [maxWindows]int32
	windows := len(s.top)
	digitsOf(d[:windows], s.terms[i].k, s.c)
	for w, x := range d[:windows] {
		s.digits[w*s.n+i] = x
		top[w] = max(top[w], x, -x)
	}
}

// msmUnit is a share of one window's work: the sum over the buckets lo to
// hi, Σ d·B_d.
type msmUnit struct {
	w      int
	lo, hi int32
	sum    jac
}

// units shares out the windows that have a digit other than 0, in order.
// On one goroutine a unit is a window. On several, so that they end
// together, the last windows taken (as many as the goroutines) are split
// in two halves of their buckets, which hold about as many points: the
// last units taken are then half a window, but the others keep the fewer
// inversions of whole windows (each level of a unit's affine sums costs
// one).
func (s *msmScratch) units(workers int) []msmUnit {
	nonzero := 0
	for _, top := range s.top {
		if top != 0 {
			nonzero++
		}
	}
	units := make([]msmUnit, 0, nonzero+workers)
	for w, top := range s.top {
		switch {
		case top == 0:
			continue
		case workers > 1 && top >= 2 && nonzero <= workers:
			units = append(units, msmUnit{w: w, lo: 1, hi: top / 2}, msmUnit{w: w, lo: top/2 + 1, hi: top})
		default:
			units = append(units, msmUnit{w: w, lo: 1, hi: top})
		}
		nonzero--
	}
	return units
}

// pippenger returns Σ k_i·P_i over the prepared halves: per window of c
// bits, each point is added into the bucket of its digit (mixed additions,
// or affine ones for many terms), and the buckets are summed as S_w = Σ
// d·B_d with a running sum; then Σ 2^(c·w)·S_w by doublings. The units of
// work (windows or halves of windows) are independent: up to workers
// goroutines take them in turn, each with buckets of its own.
func (s *msmScratch) pippenger(workers int) jac {
	units := s.units(workers)
	workers = min(workers, len(units))
	for len(s.ws) < workers {
		s.ws = append(s.ws, new(windowSums))
	}
	var next, worker atomic.Int32
	goN(workers, func() {
		ws := s.ws[worker.Add(1)-1]
		ws.resize(s.c, s.n)
		for {
			u := int(next.Add(1)) - 1
			if u >= len(units) {
				return
			}
			un := &units[u]
			un.sum = ws.sum(s.terms, s.digits[un.w*s.n:(un.w+1)*s.n], un.lo, un.hi)
		}
	})
	acc := jac{inf: true}
	u := len(units) - 1
	for w := len(s.top) - 1; w >= 0; w-- {
		for range s.c {
			acc.double(&acc)
		}
		for ; u >= 0 && units[u].w == w; u-- {
			acc.add(&acc, &units[u].sum)
		}
	}
	return acc
}

// windowSums holds one goroutine's buckets.
type windowSums struct {
	affine  bool
	buckets []jac
	aff     affineBuckets
}

// resize makes room for the buckets of c-bit digits of the given number
// of terms.
func (ws *windowSums) resize(c uint, terms int) {
	buckets := 1<<(c-1) + 1
	ws.affine = terms >= affineMin
	if ws.affine {
		ws.aff.resize(buckets, terms)
	} else {
		ws.buckets = resize(ws.buckets, buckets)
	}
}

// sum returns Σ d·B_d over the buckets lo ≤ d ≤ hi of one window, whose
// digits (one per term) are given: the running sum yields Σ (d − lo +
// 1)·B_d and Σ B_d, which (lo − 1) more times completes it.
func (ws *windowSums) sum(terms []msmTerm, digits []int32, lo, hi int32) jac {
	running, sum := jac{inf: true}, jac{inf: true}
	if ws.affine {
		a := &ws.aff
		a.fill(terms, digits, lo, hi)
		for b := hi; b >= lo; b-- {
			if a.count[b] != 0 {
				running.addAff(&running, &a.pts[a.start[b]], false)
			}
			sum.add(&sum, &running)
		}
	} else {
		for b := lo; b <= hi; b++ {
			ws.buckets[b].inf = true
		}
		for i := range terms {
			if d, neg := bucketOf(digits[i], terms[i].neg); d >= lo && d <= hi {
				ws.buckets[d].addAff(&ws.buckets[d], terms[i].p, neg)
			}
		}
		for b := hi; b >= lo; b-- {
			running.add(&running, &ws.buckets[b])
			sum.add(&sum, &running)
		}
	}
	if lo > 1 {
		running.mulSmall(&running, uint(lo-1))
		sum.add(&sum, &running)
	}
	return sum
}

// mulSmall sets p = m·q by doubling and adding, for a small m.
func (p *jac) mulSmall(q *jac, m uint) {
	r := jac{inf: true}
	for i := bits.Len(m) - 1; i >= 0; i-- {
		r.double(&r)
		if m>>i&1 == 1 {
			r.add(&r, q)
		}
	}
	*p = r
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

// resize makes room for the given numbers of buckets and terms.
func (a *affineBuckets) resize(buckets, terms int) {
	a.count, a.start = resize(a.count, buckets), resize(a.start, buckets)
	a.pts = resize(a.pts, terms)
	a.inv, a.pre = resize(a.inv, terms/2+1), resize(a.pre, terms/2+1)
	a.kind = resize(a.kind, terms/2+1)
}

// fill files a window's signed points by bucket, for the buckets lo to hi,
// and sums each bucket, so that afterwards every bucket holds at most one
// point (the others none).
func (a *affineBuckets) fill(terms []msmTerm, digits []int32, lo, hi int32) {
	clear(a.count)
	for i := range terms {
		if d, _ := bucketOf(digits[i], false); d >= lo && d <= hi {
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
		if d < lo || d > hi {
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
	feInvVar(&inv, &acc) // safegcd, variable time: the points are public
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
			switch a.kind[k] {
			case pairCancel:
				continue
			case pairDouble:
				var lambda, t fe
				feSqr(&t, &p.x)
				feMulSmall(&t, &t, 3)
				feMul(&lambda, &t, &a.inv[k]) // 3x²/2y
				affAddLambda(&a.pts[out], p, q, &lambda)
			default:
				affAddInv(&a.pts[out], p, q, &a.inv[k]) // λ = (y2 − y1)/(x2 − x1)
			}
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
