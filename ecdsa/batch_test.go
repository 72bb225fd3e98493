package ecdsa

import (
	"crypto/sha256"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// constReader gives constant bytes: weights of zero, which the batch
// raises to one.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

func batchFixture(t testing.TB, n int, profile Profile) []BatchItem {
	items := make([]BatchItem, n)
	for i := range items {
		seed := sha256.Sum256([]byte(fmt.Sprintf("batch key %d", i%7)))
		key, err := ParsePrivateKey(seed[:])
		require.NoError(t, err)
		msg := []byte(fmt.Sprintf("batch message %d", i))
		sig, err := SignRBound(key, msg, &SignOptions{Profile: profile})
		require.NoError(t, err)
		items[i] = BatchItem{PublicKey: key.PublicKey(), Message: msg, Signature: sig}
	}
	return items
}

func TestVerifyRBoundBatch(t *testing.T) {
	for _, profile := range []Profile{SHA256, PaperSHA1} {
		for _, n := range []int{0, 1, 3, 5, 17, 40, 64, 200} {
			if testing.Short() && n > 64 {
				continue
			}
			items := batchFixture(t, n, profile)
			require.NoError(t, VerifyRBoundBatch(items, profile, nil), "n=%d", n)
			if n == 0 {
				continue
			}
			// One bad signature is found in any position: every one for
			// the small batches, the ends and the middle for the large.
			positions := []int{0, n / 2, n - 1}
			if n <= 40 {
				positions = positions[:0]
				for i := range n {
					positions = append(positions, i)
				}
			}
			for _, bad := range positions {
				tampered := append([]BatchItem(nil), items...)
				tampered[bad].Message = []byte("another message")
				err := VerifyRBoundBatch(tampered, profile, nil)
				var be *BatchError
				require.ErrorAs(t, err, &be)
				require.ErrorIs(t, err, ErrInvalidSignature)
				require.Equal(t, []int{bad}, be.Invalid, "n=%d", n)
			}
		}
		// The other profile's digest fails every signature.
		items := batchFixture(t, 9, profile)
		other := PaperSHA1
		if profile == PaperSHA1 {
			other = SHA256
		}
		var be *BatchError
		require.ErrorAs(t, VerifyRBoundBatch(items, other, nil), &be)
		require.Len(t, be.Invalid, 9)
	}
}

// Two signatures whose errors cancel when every weight is 1. A signer who
// knows its nonces d1, d2 replaces s1 by s1' and s2 by s2' chosen so that
// d1·s1/s1' + d2·s2/s2' = d1 + d2: each signature is then invalid, but
// (u1 + u2)·G + (v1 + v2)·pk = R1 + R2 still holds. Random weights refuse
// the pair, which is why the weights must be random.
func TestVerifyRBoundBatchCancellingErrors(t *testing.T) {
	items := batchFixture(t, 24, SHA256) // above batchLeaf: combined first
	seed := sha256.Sum256([]byte("batch key 0"))
	key, err := ParsePrivateKey(seed[:])
	require.NoError(t, err)
	nonce := func(msg []byte) secp256k1.ModNScalar {
		h := sha256.Sum256(msg)
		return ecc.Nonce(&key.k, h[:], nil, &ecc.TagRBoundSHA256, 0)
	}
	// Items 0 and 7 are both signed by key 0 (keys repeat every 7 items).
	i1, i2 := 0, 7
	d1, d2 := nonce(items[i1].Message), nonce(items[i2].Message)
	s1, s2 := items[i1].Signature.s, items[i2].Signature.s
	var s1p, s2p, t1, t2 secp256k1.ModNScalar
	s1p.SetInt(1).Add(&s1) // s1' = s1 + 1
	// s2' = d2·s2 / (d1 + d2 − d1·s1/s1')
	t1.InverseValNonConst(&s1p).Mul(&s1).Mul(&d1).Negate().Add(&d1).Add(&d2)
	t2.Mul2(&d2, &s2)
	s2p.InverseValNonConst(&t1).Mul(&t2)
	forged := append([]BatchItem(nil), items...)
	sig1, sig2 := *items[i1].Signature, *items[i2].Signature
	sig1.s, sig2.s = s1p, s2p
	forged[i1].Signature, forged[i2].Signature = &sig1, &sig2
	require.Error(t, VerifyRBound(forged[i1].PublicKey, forged[i1].Message, &sig1, SHA256))
	require.Error(t, VerifyRBound(forged[i2].PublicKey, forged[i2].Message, &sig2, SHA256))

	b := &batch{items: forged, random: constReader(0)} // weights 0, raised to 1
	all := b.prepare()
	require.Len(t, all, len(forged))
	ok, err := b.combined(all)
	require.NoError(t, err)
	require.True(t, ok, "with weights 1 the two errors cancel")

	err = VerifyRBoundBatch(forged, SHA256, mrand.NewChaCha8([32]byte{1}))
	var be *BatchError
	require.ErrorAs(t, err, &be)
	require.Equal(t, []int{i1, i2}, be.Invalid)
}

func TestVerifyRBoundBatchRandomnessFailure(t *testing.T) {
	items := batchFixture(t, batchLeaf+1, SHA256)
	err := VerifyRBoundBatch(items, SHA256, errReader{})
	require.Error(t, err)
	require.False(t, errors.Is(err, ErrInvalidSignature))
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("no randomness") }

// TestSignatureZeroScalars covers the parts of the zero-value checks that
// only a signature built inside the package can reach: the check of an
// inverse-s signature refuses s = 0 even when a is set.
func TestSignatureZeroScalars(t *testing.T) {
	key, err := GenerateKey(nil)
	require.NoError(t, err)
	sig := &InverseSSignature{}
	sig.a.SetInt(1)
	require.ErrorIs(t, VerifyInverseS(key.PublicKey(), []byte("m"), sig, SHA256), ErrMalformedSignature)
	require.Nil(t, sig.Bytes())
	sig = &InverseSSignature{}
	sig.s.SetInt(1)
	require.ErrorIs(t, VerifyInverseS(key.PublicKey(), []byte("m"), sig, SHA256), ErrMalformedSignature)
}
