package ecdsa_test

// Differential tests of the batch's merged key terms and of its work
// shared among goroutines: batches by one key, by two, and by keys parsed
// apart from each other (equal encodings, distinct values), at the sizes
// where the work is split (batchGrain = 256 signatures per goroutine) and
// around them, must refuse exactly what VerifyRBound refuses.

import (
	"fmt"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
)

// newKeyPool is newDiffPool with the given number of keys; with reparse,
// every item gets its own copy of its key, parsed from one of its
// encodings.
func newKeyPool(t testing.TB, p ecdsa.Profile, n, keys int, reparse bool) *diffPool {
	pool := newDiffPool(t, p, 0)
	pool.keys, pool.ks = pool.keys[:keys], pool.ks[:keys]
	for i := range n {
		key := pool.keys[i%keys]
		msg := fmt.Appendf(nil, "batch merge message %d", i)
		sig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
		require.NoError(t, err)
		pub := key.PublicKey()
		if reparse {
			// from the compressed and the uncompressed encodings in turn
			enc := pub.Bytes()
			if i%2 == 1 {
				enc = pub.UncompressedBytes()
			}
			pub, err = ecdsa.ParsePublicKey(enc)
			require.NoError(t, err)
		}
		pool.items = append(pool.items, ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: sig})
	}
	return pool
}

func TestVerifyRBoundBatchSharedKeys(t *testing.T) {
	sizes := []int{17, 40, 255, 256, 257}
	if !testing.Short() {
		sizes = append(sizes, 511, 512, 513, 1000)
	}
	pools := []struct {
		name string
		pool *diffPool
	}{
		{"one key", newKeyPool(t, ecdsa.SHA256, slices.Max(sizes), 1, false)},
		{"one key parsed apart", newKeyPool(t, ecdsa.SHA256, slices.Max(sizes), 1, true)},
		{"two keys parsed apart", newKeyPool(t, ecdsa.SHA256, slices.Max(sizes), 2, true)},
	}
	for _, pc := range pools {
		for _, n := range sizes {
			// none mutated, one (in the middle, then at either end of a
			// goroutine's share), a few
			for trial, at := range []int{-2, n / 2, 255, 256, -1} {
				seed := uint64(n)<<8 | uint64(trial)
				rng := mrand.New(mrand.NewPCG(seed, 0x6e4))
				items := slices.Clone(pc.pool.items[:n])
				var applied []string
				for i := range items {
					if i == at || (at == -1 && rng.Float64() < 0.05) {
						m := batchMutations[rng.IntN(len(batchMutations))]
						m.apply(t, rng, pc.pool, items, i)
						applied = append(applied, fmt.Sprintf("%d: %s", i, m.name))
					}
				}
				t.Run(fmt.Sprintf("%s/n=%d/at=%d", pc.name, n, at), func(t *testing.T) {
					requireBatchMatchesSingle(t, items, ecdsa.SHA256, seed)
					if t.Failed() {
						t.Logf("mutations: %v", applied)
					}
				})
			}
		}
	}
}

// TestVerifyRBoundBatchOneKeyEachMutation applies every mutation, alone,
// to a one-key batch large enough to be split among goroutines.
func TestVerifyRBoundBatchOneKeyEachMutation(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 40
	}
	pool := newKeyPool(t, ecdsa.SHA256, n, 1, false)
	for _, m := range batchMutations {
		for _, at := range []int{0, n / 2, n - 1} {
			seed := uint64(at)
			rng := mrand.New(mrand.NewPCG(seed, 0x1e4))
			items := slices.Clone(pool.items)
			m.apply(t, rng, pool, items, at)
			t.Run(fmt.Sprintf("%s/at=%d", m.name, at), func(t *testing.T) {
				requireBatchMatchesSingle(t, items, ecdsa.SHA256, seed)
			})
		}
	}
}

// weightCounter counts the bytes read from r.
type weightCounter struct {
	r *mrand.ChaCha8
	n int
}

func (c *weightCounter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	return n, err
}

// TestVerifyRBoundBatchOneCombination requires a valid batch to pass its
// first combination, reading 16 bytes of weight per signature and no
// more: a product that came out wrong (a merged key term, a share of the
// windows lost) would send the batch down to one-by-one checks, which
// still blame no item.
func TestVerifyRBoundBatchOneCombination(t *testing.T) {
	sizes := []int{17, 255, 256, 257, 600}
	if testing.Short() {
		sizes = sizes[:3]
	}
	for _, keys := range []int{1, 2, 7} {
		pool := newKeyPool(t, ecdsa.SHA256, slices.Max(sizes), keys, keys == 2)
		for _, n := range sizes {
			r := &weightCounter{r: mrand.NewChaCha8([32]byte{byte(n), byte(keys)})}
			require.NoError(t, ecdsa.VerifyRBoundBatch(pool.items[:n], ecdsa.SHA256, r), "keys=%d n=%d", keys, n)
			require.Equal(t, 16*n, r.n, "keys=%d n=%d", keys, n)
		}
	}
}

// TestVerifyRBoundBatchGoroutines checks a batch of seven keys, split into
// up to five chunks (of at least batchGrain = 256 signatures), with
// failures of the prechecks and of the combination in several chunks,
// under GOMAXPROCS 1, 2 and 4: the chunks' failures and key sums must
// merge into exactly what VerifyRBound refuses, in order, whatever the
// number of goroutines.
func TestVerifyRBoundBatchGoroutines(t *testing.T) {
	n := 1300
	if testing.Short() {
		n = 600
	}
	pool := newKeyPool(t, ecdsa.SHA256, n, 7, true)
	for _, procs := range []int{1, 2, 4} {
		for trial, rate := range []float64{0, 0.004, 0.02} {
			seed := uint64(procs)<<8 | uint64(trial)
			rng := mrand.New(mrand.NewPCG(seed, 0x90))
			items := slices.Clone(pool.items)
			var applied []string
			for i := range items {
				if rng.Float64() < rate {
					m := batchMutations[rng.IntN(len(batchMutations))]
					m.apply(t, rng, pool, items, i)
					applied = append(applied, fmt.Sprintf("%d: %s", i, m.name))
				}
			}
			t.Run(fmt.Sprintf("procs=%d/rate=%v", procs, rate), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				requireBatchMatchesSingle(t, items, ecdsa.SHA256, seed)
				if t.Failed() {
					t.Logf("mutations: %v", applied)
				}
			})
		}
	}
}
