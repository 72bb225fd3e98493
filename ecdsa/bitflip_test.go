package ecdsa_test

import (
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
)

var bitflipSeed = flag.Uint64("bitflip.seed", 0, "seed of TestBitFlip (0: from the clock)")

// TestBitFlip signs random messages under random keys and checks that
// flipping any single bit of the signature encoding or of the message makes
// parsing or verification fail, for both schemes and both profiles. Each
// iteration flips one random bit of each; the first signature of each scheme
// and profile has every bit flipped in turn. Reproduce a failure with
// -bitflip.seed=N.
func TestBitFlip(t *testing.T) {
	seed := *bitflipSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -bitflip.seed=%d)", seed, seed)
	iterations := 200
	if testing.Short() {
		iterations = 25
	}
	for _, s := range schemes {
		for _, p := range profiles {
			t.Run(s.name+"/"+p.String(), func(t *testing.T) {
				var seedBytes [32]byte
				for i := range 8 {
					seedBytes[i] = byte(seed >> (8 * i))
				}
				seedBytes[8], seedBytes[9] = byte(len(s.name)), byte(p)
				rng := rand.NewChaCha8(seedBytes)
				r := rand.New(rng)
				for it := range iterations {
					key, err := ecdsa.GenerateKey(rng)
					require.NoError(t, err)
					pub := key.PublicKey()
					msg := make([]byte, r.IntN(80))
					_, _ = rng.Read(msg)
					sig, err := s.sign(key, msg, &ecdsa.SignOptions{Profile: p})
					require.NoError(t, err)
					require.NoError(t, s.verify(pub, msg, sig, p))

					sigBits := []int{r.IntN(8 * len(sig))}
					var msgBits []int
					if len(msg) > 0 {
						msgBits = []int{r.IntN(8 * len(msg))}
					}
					if it == 0 {
						sigBits, msgBits = allBits(len(sig)), allBits(len(msg))
					}
					for _, bit := range sigBits {
						requireRejected(t, s.verify(pub, msg, flipBit(sig, bit), p), "iteration %d: sig bit %d", it, bit)
					}
					for _, bit := range msgBits {
						requireRejected(t, s.verify(pub, flipBit(msg, bit), sig, p), "iteration %d: msg bit %d", it, bit)
					}
				}
			})
		}
	}
}

func allBits(n int) []int {
	out := make([]int, 8*n)
	for i := range out {
		out[i] = i
	}
	return out
}
