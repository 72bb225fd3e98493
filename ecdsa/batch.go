package ecdsa

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"slices"

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
	b := &batch{items: items, sha1: sha1, random: random}
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
}

type batchFailure struct {
	i   int
	err error
}

// prepare makes VerifyRBound's prechecks on every item, recording the
// failures, and computes u_i and v_i for the items that pass. It returns
// the indices of those items, in ascending order.
func (b *batch) prepare() []int {
	n := len(b.items)
	b.u, b.v = make([]ecc.Scalar, n), make([]ecc.Scalar, n)
	ok := make([]int, 0, n)
	for i := range b.items {
		it := &b.items[i]
		r, err := rboundPrecheck(it.PublicKey, it.Signature)
		if err != nil {
			b.invalid = append(b.invalid, batchFailure{i, err})
			continue
		}
		b.v[i] = ecc.ScalarOf(&r)
		ok = append(ok, i)
	}
	ecc.Parallel(len(ok), batchGrain, func(lo, hi int) { b.scalars(ok[lo:hi]) })
	return ok
}

// batchGrain is the least number of signatures a goroutine is given to
// hash or weigh: fewer cost less than starting it.
const batchGrain = 256

// scalars sets u_i = e_i·s_i⁻¹ and v_i = r_i·s_i⁻¹ for the items at idx,
// whose v_i holds r_i, with one scalar inversion for them all
// (Montgomery's trick).
func (b *batch) scalars(idx []int) {
	prefix := make([]ecc.Scalar, len(idx))
	ss := make([]ecc.Scalar, len(idx))
	acc := ecc.Scalar{1}
	for j, i := range idx {
		prefix[j] = acc
		ss[j] = ecc.ScalarOf(&b.items[i].Signature.s) // ≠ 0: the signature is not the zero value
		acc = ecc.MulModN(&acc, &ss[j])
	}
	accN := acc.ModN()
	invN := ecc.InverseModN(&accN)
	inv := ecc.ScalarOf(&invN)
	for j := len(idx) - 1; j >= 0; j-- {
		i := idx[j]
		w := ecc.MulModN(&inv, &prefix[j]) // s_i⁻¹
		inv = ecc.MulModN(&inv, &ss[j])
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
func (b *batch) combined(idx []int) (bool, error) {
	buf := make([]byte, 16*len(idx))
	if _, err := io.ReadFull(b.random, buf); err != nil {
		return false, fmt.Errorf("ecdsa: reading batch weights: %w", err)
	}
	// Terms 0 to len(idx)−1 are z_j·(−R_j), then come the keys'.
	k := make([]secp256k1.ModNScalar, len(idx), 2*len(idx))
	p := make([]secp256k1.JacobianPoint, len(idx), 2*len(idx))
	zu := make([]ecc.Scalar, len(idx)) // z_j·u_j, and z_j·v_j
	zv := make([]ecc.Scalar, len(idx))
	ecc.Parallel(len(idx), batchGrain, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			i := idx[j]
			w := buf[16*j : 16*j+16] // big-endian
			z := ecc.Scalar{binary.BigEndian.Uint64(w[8:]), binary.BigEndian.Uint64(w[:8])}
			if z.IsZero() {
				z[0] = 1
			}
			k[j] = z.ModN()
			zu[j] = ecc.MulModN(&z, &b.u[i])
			zv[j] = ecc.MulModN(&z, &b.v[i])
			p[j] = b.items[i].Signature.r
			p[j].Y.Negate(1).Normalize()
		}
	})
	keyAt := make(map[[PublicKeySize]byte]int) // a key's index in keyK
	var keyK []ecc.Scalar
	var g ecc.Scalar
	for j, i := range idx {
		g = ecc.AddModN(&g, &zu[j])
		pub := b.items[i].PublicKey
		if at, ok := keyAt[pub.compressed]; ok {
			keyK[at] = ecc.AddModN(&keyK[at], &zv[j])
			continue
		}
		keyAt[pub.compressed] = len(keyK)
		keyK = append(keyK, zv[j])
		p = append(p, *pub.point())
	}
	for _, c := range keyK {
		k = append(k, c.ModN())
	}
	gN := g.ModN()
	return ecc.IsIdentityMSM(&gN, k, p), nil
}
