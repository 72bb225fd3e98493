package multisig_test

import (
	"encoding/binary"
	"errors"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/stretchr/testify/require"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the randomized property tests (0 picks one and logs it)")

// propertyRNG returns a ChaCha8 generator seeded from -seed or the clock,
// and logs the seed so that a failure can be replayed with -seed.
func propertyRNG(t *testing.T) *rand.ChaCha8 {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with go test ./multisig -run '%s' -seed %d)", seed, t.Name(), seed)
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	return rand.NewChaCha8(key)
}

// checkFlip verifies a Σ or msg with one bit flipped, which must fail with
// the sentinel of the half the flip lands in (or as malformed).
func checkFlip(t *testing.T, pkU, pkM *ecdsa.PublicKey, msg, raw []byte, p ecdsa.Profile, sigBit, msgBit int) {
	t.Helper()
	var want error
	switch {
	case sigBit >= 0:
		raw = flipByte(raw, sigBit/8, 1<<(sigBit%8))
		want = multisig.ErrUserSignature
		if sigBit >= 8*ecdsa.InverseSSignatureSize {
			want = multisig.ErrMerchantSignature
		}
	default:
		msg = flipByte(msg, msgBit/8, 1<<(msgBit%8))
		want = multisig.ErrUserSignature
	}
	err := parseVerify(pkU, pkM, msg, raw, p)
	if !errors.Is(err, want) && !errors.Is(err, multisig.ErrMalformedSignature) {
		t.Fatalf("%s: flipping bit %d of Σ / bit %d of msg: got %v, want %v or a malformed signature", p, sigBit, msgBit, err, want)
	}
}

// TestBitFlips: any single bit flip of Σ or of msg makes parsing or
// verification fail. Random keys, messages and profiles, then random flips.
func TestBitFlips(t *testing.T) {
	rng := propertyRNG(t)
	r := rand.New(rng)
	iterations := 400
	if testing.Short() {
		iterations = 40
	}
	var users, merchants []*ecdsa.PrivateKey
	for range 3 {
		u, err := ecdsa.GenerateKey(rng)
		require.NoError(t, err)
		m, err := ecdsa.GenerateKey(rng)
		require.NoError(t, err)
		users, merchants = append(users, u), append(merchants, m)
	}
	for range iterations {
		user, merchant := users[r.IntN(len(users))], merchants[r.IntN(len(merchants))]
		p := profiles[r.IntN(len(profiles))]
		msg := make([]byte, r.IntN(80))
		_, _ = rng.Read(msg)
		_, sig := consume(t, user, merchant, msg, p)
		raw := sig.Bytes()
		pkU, pkM := user.PublicKey(), merchant.PublicKey()
		require.NoError(t, parseVerify(pkU, pkM, msg, raw, p))
		for range 4 {
			if len(msg) == 0 || r.IntN(2) == 0 {
				checkFlip(t, pkU, pkM, msg, raw, p, r.IntN(8*multisig.SignatureSize), -1)
			} else {
				checkFlip(t, pkU, pkM, msg, raw, p, -1, r.IntN(8*len(msg)))
			}
		}
	}
}

// TestBitFlipsExhaustive flips every bit of one Σ and its msg per profile.
func TestBitFlipsExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive bit flips are skipped under -short; TestBitFlips samples them")
	}
	for _, p := range profiles {
		f := newFixture(t, p)
		pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()
		for bit := range 8 * multisig.SignatureSize {
			checkFlip(t, pkU, pkM, f.msg, f.raw, p, bit, -1)
		}
		for bit := range 8 * len(f.msg) {
			checkFlip(t, pkU, pkM, f.msg, f.raw, p, -1, bit)
		}
	}
}
