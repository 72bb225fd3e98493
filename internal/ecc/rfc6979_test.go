package ecc

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// TestNonceAgainstDecred compares nonceRFC6979 with decred's NonceRFC6979
// on random keys and hashes of every length the two treat differently,
// with and without extra data and version, and with retries.
func TestNonceAgainstDecred(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	randBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	// A key at the group order's edge and all-ones inputs.
	nb := secp256k1.Params().N.Bytes()
	ones := make([]byte, 32)
	for i := range ones {
		ones[i] = 0xff
	}
	keys := [][]byte{nb, ones, {1}, randBytes(33), randBytes(31)}
	for range 20 {
		keys = append(keys, randBytes(32))
	}
	for _, key := range keys {
		for _, hashLen := range []int{0, 20, 31, 32, 33} {
			hash := randBytes(hashLen)
			for _, extra := range [][]byte{nil, randBytes(32), randBytes(31)} {
				for _, version := range [][]byte{nil, TagRBoundSHA256[:], randBytes(15)} {
					for iter := range uint32(3) {
						want := secp256k1.NonceRFC6979(key, hash, extra, version, iter)
						got := nonceRFC6979(key, hash, extra, version, iter)
						require.True(t, want.Equals(&got), "key %x hash %x extra %x version %x iter %d", key, hash, extra, version, iter)
					}
				}
			}
		}
	}
}

func TestNonceAllocations(t *testing.T) {
	var sk secp256k1.ModNScalar
	sk.SetInt(7)
	h := make([]byte, 32)
	var extra [32]byte
	allocs := testing.AllocsPerRun(100, func() {
		Nonce(&sk, h, &extra, &TagInverseSSHA256, 1)
	})
	require.Zero(t, allocs)
}
