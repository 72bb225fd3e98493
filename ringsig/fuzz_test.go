package ringsig_test

import (
	"errors"
	"math/big"
	"testing"

	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

// honestSigs returns the deterministic signatures of every member of the
// fixture's ring of 3.
func honestSigs(f *testing.F, fx *fixture) [][]byte {
	var sigs [][]byte
	for i := range 3 {
		sigs = append(sigs, fx.sign(f, i).Bytes())
	}
	return sigs
}

// boundarySeeds returns encodings derived from the signature b: every
// length boundary, out-of-range scalars, bad key images.
func boundarySeeds(b []byte) [][]byte {
	return [][]byte{
		nil,
		b[:33],
		b[:ringsig.SignatureSize(0)],
		b[:ringsig.SignatureSize(1)],
		b[:ringsig.SignatureSize(2)],
		b[:len(b)-1],
		append(clone(b), 0),
		withScalar(b, 0, new(big.Int)),
		withScalar(b, 1, curveN),
		withScalar(b, 2, new(big.Int).Sub(curveN, bigOne)),
		cat([]byte{0x04}, b[1:]),
		cat([]byte{0x02}, be32(curveP), b[33:]),
	}
}

// FuzzParseSignature: exactly one of a signature and an error; a parsed
// signature encodes back to its input.
func FuzzParseSignature(f *testing.F) {
	sigs := honestSigs(f, newFixture(f, 3))
	for _, s := range append(sigs, boundarySeeds(sigs[0])...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := ringsig.ParseSignature(b)
		require.True(t, (sig == nil) != (err == nil), "exactly one of value and error")
		if err != nil {
			require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
			requireOnePrefix(t, err)
			return
		}
		requireSameBytes(t, b, sig.Bytes())
		require.Len(t, b, ringsig.SignatureSize(sig.Len()))
		require.GreaterOrEqual(t, sig.Len(), ringsig.MinRingSize)
		require.LessOrEqual(t, sig.Len(), ringsig.MaxRingSize)
		img := sig.KeyImage()
		requireSameBytes(t, b[:33], img[:])
		_, ok := refParse(b)
		require.True(t, ok, "the reference parser rejects what ParseSignature accepts")
	})
}

// FuzzParseRing: exactly one of a ring and an error; a parsed ring encodes
// back to its input.
func FuzzParseRing(f *testing.F) {
	_, pubs := testKeys(f, 0, 3)
	enc := cat(pubBytes(pubs)...)
	for _, s := range [][]byte{
		enc, enc[:66], enc[:33], nil, enc[:65], append(clone(enc), 0),
		cat(enc[:33], enc[:33]),
		cat(enc[:33], []byte{0x04}, enc[34:66]),
		cat(enc[:33], []byte{0x02}, be32(curveP)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ringsig.ParseRing(b)
		require.True(t, (r == nil) != (err == nil), "exactly one of value and error")
		if err != nil {
			require.True(t, errors.Is(err, ringsig.ErrRingSize) || errors.Is(err, ringsig.ErrRingMember) ||
				errors.Is(err, ringsig.ErrDuplicateMember), "unexpected error %v", err)
			requireOnePrefix(t, err)
			return
		}
		requireSameBytes(t, b, r.Bytes())
		require.Equal(t, len(b)/33, r.Len())
		members := make([][]byte, r.Len())
		for i := range members {
			members[i] = r.Key(i).Bytes()
			require.Equal(t, i, r.Index(r.Key(i)))
		}
		d := r.Digest()
		requireSameBytes(t, refDigest(members), d[:])
	})
}

// FuzzVerify mutates an honest signature: no input panics, and the only
// encoding that verifies for the fixture's ring, scope and message is the
// honest one. Another would be a malleation of it, or a forgery unless it is
// one of the other members' signatures, which the seeds do not contain and
// mutation cannot reach without their keys.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f, 3)
	honest := fx.sign(f, 1)
	want := honest.Bytes()
	wantTag, err := ringsig.Verify(fx.ring, fx.scope, fx.msg, honest)
	require.NoError(f, err)
	for _, s := range append([][]byte{want}, boundarySeeds(want)...) {
		f.Add(s)
	}
	for _, bit := range []int{0, 8, 8*33 + 7, 8 * len(want) / 2, 8*len(want) - 1} {
		m := clone(want)
		m[bit/8] ^= 1 << (bit % 8)
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := ringsig.ParseSignature(b)
		if err != nil {
			return
		}
		tag, err := ringsig.Verify(fx.ring, fx.scope, fx.msg, sig)
		if err != nil {
			require.True(t, errors.Is(err, ringsig.ErrInvalidSignature) || errors.Is(err, ringsig.ErrRingMismatch),
				"unexpected error %v", err)
			requireOnePrefix(t, err)
			return
		}
		requireSameBytes(t, want, b, "a mutated signature verifies")
		require.Equal(t, wantTag, tag)
	})
}
