package ecdsa_test

// Differential tests of VerifyRBoundBatch against VerifyRBound: whatever
// the items, the batch must refuse exactly the items that single
// verification refuses, each with the same error.

import (
	"bytes"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
)

// diffPool holds valid signed items: item i is signed by key i mod
// len(keys), so that keys repeat and swapped or duplicated entries can be
// valid or not.
type diffPool struct {
	p     ecdsa.Profile
	ks    []*big.Int
	keys  []*ecdsa.PrivateKey
	items []ecdsa.BatchItem
}

func newDiffPool(t testing.TB, p ecdsa.Profile, n int) *diffPool {
	pool := &diffPool{p: p}
	for i := range 7 {
		key := keyFromLabel(t, fmt.Sprintf("cbets/ecdsa/test/batchdiff/%d", i))
		pool.keys = append(pool.keys, key)
		pool.ks = append(pool.ks, new(big.Int).SetBytes(key.Bytes()))
	}
	for i := range n {
		key := pool.keys[i%len(pool.keys)]
		msg := fmt.Appendf(nil, "batch diff message %d", i)
		sig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
		require.NoError(t, err)
		pool.items = append(pool.items, ecdsa.BatchItem{PublicKey: key.PublicKey(), Message: msg, Signature: sig})
	}
	return pool
}

// batchMutation changes items[i] (and possibly another item) into
// something single verification may refuse.
type batchMutation struct {
	name  string
	apply func(t testing.TB, rng *mrand.Rand, pool *diffPool, items []ecdsa.BatchItem, i int)
}

var batchMutations = []batchMutation{
	{"zero-value signature", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].Signature = &ecdsa.RBoundSignature{}
	}},
	{"nil signature", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].Signature = nil
	}},
	{"nil key", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].PublicKey = nil
	}},
	{"zero-value key", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].PublicKey = &ecdsa.PublicKey{}
	}},
	{"BatchItem{}", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i] = ecdsa.BatchItem{}
	}},
	{"nil key and zero-value signature", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].PublicKey, items[i].Signature = nil, &ecdsa.RBoundSignature{}
	}},
	{"wrong message", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].Message = append(slices.Clip(items[i].Message), '!')
	}},
	{"nil message", func(_ testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i].Message = nil
	}},
	{"signature bit flip", func(t testing.TB, rng *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		if items[i].Signature.Bytes() == nil {
			return
		}
		for {
			b := flipBit(items[i].Signature.Bytes(), rng.IntN(8*ecdsa.RBoundSignatureSize))
			if sig, err := ecdsa.ParseRBoundSignature(b); err == nil {
				items[i].Signature = sig
				return
			}
		}
	}},
	{"key bit flip", func(t testing.TB, rng *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		if items[i].PublicKey.Bytes() == nil {
			return
		}
		for {
			b := flipBit(items[i].PublicKey.Bytes(), rng.IntN(8*ecdsa.PublicKeySize))
			if pub, err := ecdsa.ParsePublicKey(b); err == nil {
				items[i].PublicKey = pub
				return
			}
		}
	}},
	{"keys swapped with another item", func(_ testing.TB, rng *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		j := rng.IntN(len(items))
		items[i].PublicKey, items[j].PublicKey = items[j].PublicKey, items[i].PublicKey
	}},
	{"signatures swapped with another item", func(_ testing.TB, rng *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		j := rng.IntN(len(items))
		items[i].Signature, items[j].Signature = items[j].Signature, items[i].Signature
	}},
	{"duplicate of another item", func(_ testing.TB, rng *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		items[i] = items[rng.IntN(len(items))]
	}},
	{"signed under the other profile", func(t testing.TB, _ *mrand.Rand, pool *diffPool, items []ecdsa.BatchItem, i int) {
		sig, err := ecdsa.SignRBound(pool.keys[i%len(pool.keys)], pool.items[i].Message, &ecdsa.SignOptions{Profile: otherProfile(pool.p)})
		require.NoError(t, err)
		items[i].Signature = sig
	}},
	{"(−R, −s)", func(t testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		b := items[i].Signature.Bytes()
		if b == nil {
			return
		}
		R := mustPointWithX(t, new(big.Int).SetBytes(b[1:33]), b[0] == 0x03)
		sig, err := ecdsa.ParseRBoundSignature(rboundSig(R.neg(), negN(new(big.Int).SetBytes(b[33:]))))
		require.NoError(t, err)
		items[i].Signature = sig
	}},
	{"x(R) ≡ 0 mod n", func(t testing.TB, _ *mrand.Rand, _ *diffPool, items []ecdsa.BatchItem, i int) {
		b := items[i].Signature.Bytes()
		if b == nil {
			return
		}
		sig, err := ecdsa.ParseRBoundSignature(rboundSig(mustPointWithX(t, curveN, b[0] == 0x03), new(big.Int).SetBytes(b[33:])))
		require.NoError(t, err)
		items[i].Signature = sig
	}},
	{"errors that cancel with equal weights", mutateCancelling},
}

// mutateCancelling changes the s of items i and j, both valid and signed by
// the same key, so that each is invalid but their errors cancel when both
// weights are equal (see TestVerifyRBoundBatchCancellingErrors): with the
// nonces d1, d2, s1' = s1 + 1 and s2' = d2·s2 / (d1 + d2 − d1·s1/s1').
func mutateCancelling(t testing.TB, rng *mrand.Rand, pool *diffPool, items []ecdsa.BatchItem, i int) {
	key := i % len(pool.keys)
	var j int
	for range 8 {
		j = (rng.IntN(len(items)) / len(pool.keys) * len(pool.keys)) + key
		if j < len(items) && j != i {
			break
		}
	}
	if j >= len(items) || j == i || !isPoolItem(pool, items, i) || !isPoolItem(pool, items, j) {
		return
	}
	k := pool.ks[key]
	nonce := func(n int) *big.Int {
		d := refNonce(k, pool.items[n].Message, tagRBound[pool.p], 0)
		require.Equal(t, baseMul(d).compressed(), pool.items[n].Signature.Bytes()[:33])
		return d
	}
	d1, d2 := nonce(i), nonce(j)
	s1 := new(big.Int).SetBytes(items[i].Signature.Bytes()[33:])
	s2 := new(big.Int).SetBytes(items[j].Signature.Bytes()[33:])
	s1p := modN(new(big.Int).Add(s1, bigOne))
	den := modN(new(big.Int).Sub(new(big.Int).Add(d1, d2), mulN(mulN(d1, s1), invN(s1p))))
	s2p := mulN(mulN(d2, s2), invN(den))
	for _, c := range []struct {
		n int
		s *big.Int
	}{{i, s1p}, {j, s2p}} {
		sig, err := ecdsa.ParseRBoundSignature(cat(items[c.n].Signature.Bytes()[:33], be32(c.s)))
		require.NoError(t, err)
		items[c.n].Signature = sig
	}
}

// isPoolItem reports whether items[i] is still the pool's valid item i.
func isPoolItem(pool *diffPool, items []ecdsa.BatchItem, i int) bool {
	return items[i].Signature == pool.items[i].Signature && items[i].PublicKey == pool.items[i].PublicKey &&
		string(items[i].Message) == string(pool.items[i].Message) && items[i].Message != nil
}

// requireBatchMatchesSingle runs both verifiers on items and requires the
// batch to refuse exactly what VerifyRBound refuses, with its errors.
func requireBatchMatchesSingle(t *testing.T, items []ecdsa.BatchItem, p ecdsa.Profile, seed uint64) {
	t.Helper()
	var want []int
	var wantErrs []error
	for i, it := range items {
		if err := ecdsa.VerifyRBound(it.PublicKey, it.Message, it.Signature, p); err != nil {
			want = append(want, i)
			wantErrs = append(wantErrs, err)
		}
	}
	var seedBytes [32]byte
	seedBytes[0], seedBytes[1] = byte(seed), byte(seed>>8)
	err := ecdsa.VerifyRBoundBatch(items, p, mrand.NewChaCha8(seedBytes))
	if len(want) == 0 {
		require.NoError(t, err)
		return
	}
	var be *ecdsa.BatchError
	require.ErrorAs(t, err, &be)
	require.Equal(t, want, be.Invalid)
	require.Equal(t, wantErrs, be.Errors)
	require.ErrorIs(t, err, ecdsa.ErrInvalidSignature)
	for _, e := range wantErrs {
		require.ErrorIs(t, err, e)
	}
}

// batchDiffSizes are the batch sizes around the thresholds: the one-by-one
// leaf (16/17), and those of internal/ecc's Pippenger method as they were
// for 4n + 2 terms (two GLV halves of pk_i and of R_i per item, two of G),
// before the terms of a key were merged: the window widened at 14, 27,
// 85, 240 and 416 items, and the buckets were summed in affine coordinates
// from 1500 terms, 375 items. batchmerge_test.go covers the merged
// product's sizes.
func batchDiffSizes() []int {
	sizes := []int{0, 1, 2, 5, 16, 17, 18, 26, 27, 33, 40, 64, 84, 85}
	if !testing.Short() {
		sizes = append(sizes, 239, 240, 374, 375, 376, 415, 416)
	}
	return sizes
}

func TestVerifyRBoundBatchMatchesSingle(t *testing.T) {
	sizes := batchDiffSizes()
	for _, p := range profiles {
		pool := newDiffPool(t, p, slices.Max(sizes))
		for _, n := range sizes {
			// The share of items mutated: none, one, a few, a third, all
			// (for the large batches, the mixed cases only).
			rates := []float64{0, -1, 0.05, 0.3, 1}
			if n > 100 {
				rates = rates[1:4]
			}
			for trial, rate := range rates {
				seed := uint64(n)<<8 | uint64(trial)<<4 | uint64(p)
				rng := mrand.New(mrand.NewPCG(seed, 0xba7c4))
				items := slices.Clone(pool.items[:n])
				var applied []string
				for i := range items {
					if (rate < 0 && i == n/2) || (rate > 0 && rng.Float64() < rate) {
						m := batchMutations[rng.IntN(len(batchMutations))]
						m.apply(t, rng, pool, items, i)
						applied = append(applied, fmt.Sprintf("%d: %s", i, m.name))
					}
				}
				t.Run(fmt.Sprintf("%s/n=%d/rate=%v", p, n, rate), func(t *testing.T) {
					requireBatchMatchesSingle(t, items, p, seed)
					if t.Failed() {
						t.Logf("mutations: %v", applied)
					}
				})
			}
		}
	}
}

// TestVerifyRBoundBatchEachMutation applies every mutation, alone, at the
// start, the middle and the end of batches checked one by one and as a
// combination.
func TestVerifyRBoundBatchEachMutation(t *testing.T) {
	for _, p := range profiles {
		pool := newDiffPool(t, p, 40)
		for _, m := range batchMutations {
			for _, n := range []int{2, 5, 16, 17, 40} {
				for _, at := range []int{0, n / 2, n - 1} {
					seed := uint64(n)<<8 | uint64(at)
					rng := mrand.New(mrand.NewPCG(seed, 0x3a7))
					items := slices.Clone(pool.items[:n])
					m.apply(t, rng, pool, items, at)
					t.Run(fmt.Sprintf("%s/%s/n=%d/at=%d", p, m.name, n, at), func(t *testing.T) {
						requireBatchMatchesSingle(t, items, p, seed)
					})
				}
			}
		}
	}
}

// TestVerifyRBoundBatchMalformedFirst is the case that blamed the whole
// batch: a malformed item at index 0 made every index invalid (or
// panicked). Only index 0 may be refused.
func TestVerifyRBoundBatchMalformedFirst(t *testing.T) {
	pool := newDiffPool(t, ecdsa.SHA256, 40)
	bad := []struct {
		name string
		item func(ecdsa.BatchItem) ecdsa.BatchItem
		want error
	}{
		{"zero-value signature", func(it ecdsa.BatchItem) ecdsa.BatchItem { it.Signature = &ecdsa.RBoundSignature{}; return it }, ecdsa.ErrMalformedSignature},
		{"nil signature", func(it ecdsa.BatchItem) ecdsa.BatchItem { it.Signature = nil; return it }, ecdsa.ErrMalformedSignature},
		{"nil key", func(it ecdsa.BatchItem) ecdsa.BatchItem { it.PublicKey = nil; return it }, ecdsa.ErrInvalidPublicKey},
		{"zero-value key", func(it ecdsa.BatchItem) ecdsa.BatchItem { it.PublicKey = &ecdsa.PublicKey{}; return it }, ecdsa.ErrInvalidPublicKey},
		{"BatchItem{}", func(ecdsa.BatchItem) ecdsa.BatchItem { return ecdsa.BatchItem{} }, ecdsa.ErrInvalidPublicKey},
	}
	for _, b := range bad {
		for _, n := range []int{1, 2, 5, 16, 17, 40} {
			t.Run(fmt.Sprintf("%s/n=%d", b.name, n), func(t *testing.T) {
				items := slices.Clone(pool.items[:n])
				items[0] = b.item(items[0])
				var err error
				require.NotPanics(t, func() { err = ecdsa.VerifyRBoundBatch(items, ecdsa.SHA256, nil) })
				var be *ecdsa.BatchError
				require.ErrorAs(t, err, &be)
				require.Equal(t, []int{0}, be.Invalid)
				require.Len(t, be.Errors, 1)
				requireOnlySentinel(t, be.Errors[0], b.want)
				require.ErrorIs(t, err, b.want)
			})
		}
	}
}

// FuzzVerifyRBoundBatch builds a batch from the fuzzer's bytes: a size
// (its top bit picks the pool of items all signed by one key, whose terms
// the batch merges) and then, per item, a mutation (or none); the batch
// must refuse exactly the items VerifyRBound refuses.
func FuzzVerifyRBoundBatch(f *testing.F) {
	pools := [2]*diffPool{newDiffPool(f, ecdsa.SHA256, 40), newKeyPool(f, ecdsa.SHA256, 40, 1, true)}
	f.Add([]byte{2, 0, 1})
	f.Add([]byte{17, 0xff, 0, 0xff, 2, 5})
	f.Add(append([]byte{40}, bytes.Repeat([]byte{0x33}, 40)...))
	f.Add([]byte{0x80 | 30, 0xff, 0, 0xff, 2, 5})
	f.Add(append([]byte{0x80 | 40}, bytes.Repeat([]byte{0x33}, 40)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		pool := pools[data[0]>>7]
		n := int(data[0]&0x7f) % (len(pool.items) + 1)
		data = data[1:]
		items := slices.Clone(pool.items[:n])
		rng := mrand.New(mrand.NewPCG(uint64(len(data)), 7))
		for i := 0; i < n && i < len(data); i++ {
			// A byte below the number of mutations picks one; any other
			// leaves the item alone.
			if m := int(data[i]); m < len(batchMutations) {
				batchMutations[m].apply(t, rng, pool, items, i)
			}
		}
		requireBatchMatchesSingle(t, items, ecdsa.SHA256, uint64(len(data)))
	})
}
