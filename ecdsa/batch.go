package ecdsa

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// BatchItem is one R-bound signature to verify in a batch. Its fields
// may be nil: the item is then refused as VerifyRBound refuses the same
// arguments.
type BatchItem struct {
	PublicKey *PublicKey
	Message   []byte
	Signature *RBoundSignature
}

// BatchError lists the items of a batch that do not verify, by index in
// ascending order, with the error VerifyRBound returns for each. It wraps
// ErrInvalidSignature, and the items' errors.
type BatchError struct {
	// Invalid holds the indices of the refused items, in ascending order.
	Invalid []int
	// Errors[j] is the error VerifyRBound returns for item Invalid[j].
	Errors []error
}

func (e *BatchError) Error() string {
	var invalid []int
	if e != nil {
		invalid = e.Invalid
	}
	return fmt.Sprintf("ecdsa: %d of the batch's signatures do not verify: %v", len(invalid), invalid)
}

// Unwrap returns ErrInvalidSignature followed by the items' errors, so that
// errors.Is finds, say, ErrInvalidPublicKey when an item's key is nil.
func (e *BatchError) Unwrap() []error {
	errs := []error{ErrInvalidSignature}
	if e != nil {
		errs = append(errs, e.Errors...)
	}
	return errs
}

// batchLeaf is the size at and below which signatures are checked one by
// one, whether a whole batch or a half of a failing one: below about 20
// signatures the bucket method costs more per signature than a single
// verification (measured: 42 µs per signature in batches of 8 and 36 µs in
// batches of 16, against 39 µs for one VerifyRBound).
const batchLeaf = 16

// VerifyRBoundBatch verifies R-bound signatures together, with the result
// VerifyRBound would give for each: nil when all verify (an empty batch
// included), else a *BatchError naming exactly the items VerifyRBound
// refuses, with VerifyRBound's error for each.
//
// Each item first gets the checks VerifyRBound makes before its
// multiplication: the key is not nil or the zero value, the signature is not
// nil or the zero value, and r = x(R) mod n is not 0. An item that fails
// one is refused and kept out of the products below, so it cannot make
// the others fail.
//
// Because an R-bound signature carries the whole point R, the checks
// R_i = u_i·G + v_i·pk_i of the remaining items combine: with independent
// random 128-bit weights z_i, they all hold iff (Σ z_i·u_i)·G +
// Σ z_i·v_i·pk_i − Σ z_i·R_i is the point at infinity, one multi-scalar
// multiplication (Pippenger's method) instead of one per signature, in
// which the terms of one key (equal encodings) merge into one,
// (Σ z_i·v_i)·pk. A batch with an invalid signature passes with
// probability at most 2^-128 per check, whatever the signer does, since
// the weights are drawn after the signatures are fixed; that is why they
// must be random and secret until then. random supplies them
// (crypto/rand.Reader when nil); an error reading it is returned as is,
// not as a *BatchError. When the combination fails, it is halved and each
// half checked with fresh weights, down to single signatures, so the
// caller learns which failed. Batches of at most 16 signatures are
// verified one by one, which is faster at that size. Large batches are
// hashed and multiplied on up to GOMAXPROCS goroutines, which all end
// before VerifyRBoundBatch returns; the answer does not depend on their
// number.
//
// The consumption signature ω (inverse-s ECDSA) cannot be batched this
// way: it carries only a = x(dG) mod n, not the point, so its check is a
// comparison of x-coordinates that no random combination preserves (the
// point would have to be recovered first, with a square root and a choice
// of sign per signature). Verify those one by one with VerifyInverseS.
func VerifyRBoundBatch(items []BatchItem, profile Profile, random io.Reader) error {
	sha1 := profile.IsSHA1() // panics on an unknown profile, as VerifyRBound does
	if random == nil {
		random = rand.Reader
	}
	s, _ := batchScratchPool.Get().(*batchScratch)
	if s == nil {
		s = new(batchScratch)
	}
	defer batchScratchPool.Put(s)
	b := &batch{items: items, sha1: sha1, random: random, s: s}
	if err := b.check(b.prepare()); err != nil {
		return err
	}
	if len(b.invalid) == 0 {
		return nil
	}
	slices.SortFunc(b.invalid, func(x, y batchFailure) int { return x.i - y.i })
	be := &BatchError{Invalid: make([]int, len(b.invalid)), Errors: make([]error, len(b.invalid))}
	for j, f := range b.invalid {
		be.Invalid[j], be.Errors[j] = f.i, f.err
	}
	return be
}

type batch struct {
	items  []BatchItem
	sha1   bool
	random io.Reader
	// per item that passed the prechecks: u = e·s⁻¹ and v = r·s⁻¹
	u, v    []ecc.Scalar
	invalid []batchFailure
	s       *batchScratch
}

type batchFailure struct {
	i   int
	err error
}

// batchScratch holds a batch's buffers. It is kept in batchScratchPool
// between batches: a batch of 4,096 signatures needs about 2 MB of them,
// and allocating them anew for every batch made the garbage collector run
// about once per batch. It holds no reference to the items.
type batchScratch struct {
	u, v []ecc.Scalar
	ok   []int
	buf  []byte // the weights' random bytes
	k    []secp256k1.ModNScalar
	p    []secp256k1.JacobianPoint
	keys []*batchKeys // the chunks' key sums, emptied
}

// chunkKeys returns empty key sums for a chunk starting at lo, reused
// when s has some.
func (s *batchScratch) chunkKeys(mu *sync.Mutex, lo int) *batchKeys {
	mu.Lock()
	defer mu.Unlock()
	if n := len(s.keys); n > 0 {
		bk := s.keys[n-1]
		s.keys = s.keys[:n-1]
		bk.lo = lo
		return bk
	}
	return &batchKeys{lo: lo, at: make(map[[PublicKeySize]byte]int)}
}

// putKeys empties the key sums and keeps them for the next chunks.
func (s *batchScratch) putKeys(parts []*batchKeys) {
	for _, bk := range parts {
		clear(bk.at)
		clear(bk.keys) // no reference to the items is kept
		bk.g, bk.keys, bk.sums = ecc.Scalar{}, bk.keys[:0], bk.sums[:0]
		s.keys = append(s.keys, bk)
	}
}

var batchScratchPool sync.Pool // of *batchScratch

// resize returns b with length n, reallocated only when its capacity is
// short; the contents are left as they are.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// batchChunk is what a goroutine found in its chunk [lo, hi) of the
// batch: the items that passed the prechecks, in ok[lo:passed], and the
// failures.
type batchChunk struct {
	lo, passed int
	failed     []batchFailure
}

// prepare makes VerifyRBound's prechecks on every item, recording the
// failures, and computes u_i and v_i for the items that pass. It returns
// the indices of those items, in ascending order. The items are shared in
// chunks among goroutines, each making the prechecks and computing the
// scalars of its own.
func (b *batch) prepare() []int {
	if b.s == nil {
		b.s = new(batchScratch)
	}
	n := len(b.items)
	b.u, b.v = resize(b.s.u, n), resize(b.s.v, n)
	ok := resize(b.s.ok, n)
	b.s.u, b.s.v, b.s.ok = b.u, b.v, ok
	var mu sync.Mutex
	var chunks []batchChunk
	ecc.Parallel(n, batchGrain, func(lo, hi int) {
		c := batchChunk{lo: lo, passed: lo}
		for i := lo; i < hi; i++ {
			it := &b.items[i]
			r, err := rboundPrecheck(it.PublicKey, it.Signature)
			if err != nil {
				c.failed = append(c.failed, batchFailure{i, err})
				continue
			}
			b.v[i] = ecc.ScalarOf(&r)
			ok[c.passed] = i
			c.passed++
		}
		b.scalars(ok[lo:c.passed])
		mu.Lock()
		chunks = append(chunks, c)
		mu.Unlock()
	})
	slices.SortFunc(chunks, func(x, y batchChunk) int { return x.lo - y.lo })
	passed := ok[:0] // each chunk's items move down, or stay
	for _, c := range chunks {
		passed = append(passed, ok[c.lo:c.passed]...)
		b.invalid = append(b.invalid, c.failed...)
	}
	return passed
}

// batchGrain is the least number of signatures a goroutine is given to
// check, hash or weigh: fewer cost less than starting it.
const batchGrain = 256

// scalars sets u_i = e_i·s_i⁻¹ and v_i = r_i·s_i⁻¹ for the items at idx,
// whose v_i holds r_i, with one scalar inversion for them all
// (Montgomery's trick). The prefix products are kept in u_i until u_i is
// computed.
func (b *batch) scalars(idx []int) {
	if len(idx) == 0 {
		return
	}
	acc := ecc.Scalar{1}
	for _, i := range idx {
		b.u[i] = acc
		s := ecc.ScalarOf(&b.items[i].Signature.s) // ≠ 0: the signature is not the zero value
		acc = ecc.MulModN(&acc, &s)
	}
	accN := acc.ModN()
	invN := ecc.InverseModNVar(&accN)
	inv := ecc.ScalarOf(&invN)
	for j := len(idx) - 1; j >= 0; j-- {
		i := idx[j]
		w := ecc.MulModN(&inv, &b.u[i]) // s_i⁻¹
		s := ecc.ScalarOf(&b.items[i].Signature.s)
		inv = ecc.MulModN(&inv, &s)
		eN := rboundDigest(b.sha1, b.items[i].Message, &b.items[i].Signature.r)
		e := ecc.ScalarOf(&eN)
		b.u[i] = ecc.MulModN(&e, &w)
		b.v[i] = ecc.MulModN(&b.v[i], &w) // r·s⁻¹
	}
}

// check verifies the items at idx, recording the invalid ones.
func (b *batch) check(idx []int) error {
	if len(idx) <= batchLeaf {
		for _, i := range idx {
			if !b.single(i) {
				b.invalid = append(b.invalid, batchFailure{i, ErrInvalidSignature})
			}
		}
		return nil
	}
	ok, err := b.combined(idx)
	if err != nil || ok {
		return err
	}
	half := len(idx) / 2
	if err := b.check(idx[:half]); err != nil {
		return err
	}
	return b.check(idx[half:])
}

// single is VerifyRBound's final comparison for item i.
func (b *batch) single(i int) bool {
	it := b.items[i]
	u, v := b.u[i].ModN(), b.v[i].ModN()
	p := ecc.MulAdd(&u, &v, it.PublicKey.point())
	return ecc.EqualsAffine(&p, &it.Signature.r.X, &it.Signature.r.Y)
}

// combined checks the random combination of the items at idx. The terms
// of items signed by the same key (equal encodings) are merged into one,
// (Σ z_i·v_i)·pk: in a ticket's history every merchant signature has the
// same key, and the product then has about one point per signature
// instead of two. The sum is the same point, so the check is unchanged.
// The items are weighed, and their keys merged, in chunks shared among
// goroutines; the chunks' keys are then merged in order.
func (b *batch) combined(idx []int) (bool, error) {
	buf := resize(b.s.buf, 16*len(idx))
	b.s.buf = buf
	if _, err := io.ReadFull(b.random, buf); err != nil {
		return false, fmt.Errorf("ecdsa: reading batch weights: %w", err)
	}
	// Terms 0 to len(idx)−1 are z_j·(−R_j), then come the keys'.
	k := resize(b.s.k, 2*len(idx))[:len(idx)]
	p := resize(b.s.p, 2*len(idx))[:len(idx)]
	b.s.k, b.s.p = k, p
	var mu sync.Mutex
	var parts []*batchKeys
	ecc.Parallel(len(idx), batchGrain, func(lo, hi int) {
		part := b.s.chunkKeys(&mu, lo)
		for j := lo; j < hi; j++ {
			i := idx[j]
			w := buf[16*j : 16*j+16] // big-endian
			z := ecc.Scalar{binary.BigEndian.Uint64(w[8:]), binary.BigEndian.Uint64(w[:8])}
			if z.IsZero() {
				z[0] = 1
			}
			k[j] = z.ModN()
			zu := ecc.MulModN(&z, &b.u[i])
			part.g = ecc.AddModN(&part.g, &zu)
			zv := ecc.MulModN(&z, &b.v[i])
			part.add(b.items[i].PublicKey, &zv)
			p[j] = b.items[i].Signature.r
			p[j].Y.Negate(1).Normalize()
		}
		mu.Lock()
		parts = append(parts, part)
		mu.Unlock()
	})
	defer b.s.putKeys(parts)
	slices.SortFunc(parts, func(x, y *batchKeys) int { return x.lo - y.lo })
	all := parts[0]
	for _, part := range parts[1:] {
		all.g = ecc.AddModN(&all.g, &part.g)
		for a, pub := range part.keys {
			all.add(pub, &part.sums[a])
		}
	}
	for a, pub := range all.keys {
		k = append(k, all.sums[a].ModN())
		p = append(p, *pub.point())
	}
	gN := all.g.ModN()
	return ecc.IsIdentityMSM(&gN, k, p), nil
}

// batchKeys sums a chunk's terms: g = Σ z_j·u_j, and Σ z_j·v_j per key, the
// keys in the order they first appear.
type batchKeys struct {
	lo   int
	g    ecc.Scalar
	at   map[[PublicKeySize]byte]int // a key's index in keys and sums
	keys []*PublicKey
	sums []ecc.Scalar
}

// add adds zv to the sum of pub's terms.
func (bk *batchKeys) add(pub *PublicKey, zv *ecc.Scalar) {
	if a, ok := bk.at[pub.compressed]; ok {
		bk.sums[a] = ecc.AddModN(&bk.sums[a], zv)
		return
	}
	bk.at[pub.compressed] = len(bk.keys)
	bk.keys = append(bk.keys, pub)
	bk.sums = append(bk.sums, *zv)
}
