package ringsig_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

// TestRingSize: 2 ≤ N ≤ MaxRingSize, from keys and from bytes.
func TestRingSize(t *testing.T) {
	_, pubs := testKeys(t, 0, ringsig.MaxRingSize+1)
	for _, c := range []struct {
		n  int
		ok bool
	}{
		{0, false},
		{1, false},
		{ringsig.MinRingSize, true},
		{3, true},
		{ringsig.MaxRingSize, true},
		{ringsig.MaxRingSize + 1, false},
	} {
		t.Run(fmt.Sprintf("N=%d", c.n), func(t *testing.T) {
			enc := cat(pubBytes(pubs[:c.n])...)
			r, err := ringsig.NewRing(pubs[:c.n])
			pr, perr := ringsig.ParseRing(enc)
			if !c.ok {
				require.ErrorIs(t, err, ringsig.ErrRingSize)
				require.Nil(t, r)
				require.ErrorIs(t, perr, ringsig.ErrRingSize)
				require.Nil(t, pr)
				return
			}
			require.NoError(t, err)
			require.NoError(t, perr)
			require.Equal(t, c.n, r.Len())
			require.Equal(t, c.n, pr.Len())
			requireSameBytes(t, enc, r.Bytes())
			requireSameBytes(t, enc, pr.Bytes())
			require.Equal(t, r.Digest(), pr.Digest())
		})
	}
	require.Equal(t, 2, ringsig.MinRingSize)

	// ParseRing refuses an oversized input before decoding any member: a
	// handful of allocations for the error, not one per key.
	tooMany := cat(pubBytes(pubs)...)
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := ringsig.ParseRing(tooMany); err == nil {
			panic("oversized ring accepted")
		}
	})
	require.Less(t, allocs, 16.0)

	r, err := ringsig.NewRing(nil)
	require.ErrorIs(t, err, ringsig.ErrRingSize)
	require.Nil(t, r)
	r, err = ringsig.ParseRing(nil)
	require.ErrorIs(t, err, ringsig.ErrRingSize)
	require.Nil(t, r)
}

// TestParseRingMembers: the input must be whole 33-byte compressed keys.
func TestParseRingMembers(t *testing.T) {
	_, pubs := testKeys(t, 0, 3)
	enc := cat(pubBytes(pubs)...)
	xOff := firstX(false)
	for _, c := range []struct {
		name string
		b    []byte
	}{
		{"one byte short", enc[:len(enc)-1]},
		{"one byte long", append(clone(enc), 0)},
		{"34 bytes", enc[:34]},
		{"member 1 with prefix 04", cat(enc[:33], []byte{0x04}, enc[34:])},
		{"member 2 with prefix 00", cat(enc[:66], []byte{0x00}, enc[67:])},
		{"member 0 all zero", cat(make([]byte, 33), enc[33:])},
		{"member 0 with x = p + 1", cat([]byte{0x02}, be32(new(big.Int).Add(curveP, bigOne)), enc[33:])},
		{"member 1 off the curve", cat(enc[:33], []byte{0x03}, be32(xOff), enc[66:])},
		{"two uncompressed keys", cat(pubs[0].UncompressedBytes(), pubs[1].UncompressedBytes())},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ringsig.ParseRing(c.b)
			require.ErrorIs(t, err, ringsig.ErrRingMember)
			require.Nil(t, r)
		})
	}
	_, err := ringsig.ParseRing(cat(enc[:33], []byte{0x04}, enc[34:]))
	require.ErrorIs(t, err, ecdsa.ErrInvalidPublicKey, "the key's own error is kept")

	r, err := ringsig.NewRing([]*ecdsa.PublicKey{pubs[0], nil, pubs[2]})
	require.ErrorIs(t, err, ringsig.ErrRingMember)
	require.Nil(t, r)

	// A zero-value key (not made by ecdsa) is an error, not a panic.
	r, err = ringsig.NewRing([]*ecdsa.PublicKey{pubs[0], new(ecdsa.PublicKey)})
	require.ErrorIs(t, err, ringsig.ErrRingMember)
	require.Nil(t, r)
}

// TestDuplicateMembers: a key may appear only once, however it was given.
func TestDuplicateMembers(t *testing.T) {
	_, pubs := testKeys(t, 0, 4)
	a, b, c, d := pubs[0], pubs[1], pubs[2], pubs[3]
	aAgain, err := ecdsa.ParsePublicKey(a.UncompressedBytes())
	require.NoError(t, err)
	for _, keys := range [][]*ecdsa.PublicKey{
		{a, a},
		{a, b, a},
		{b, a, a},
		{a, b, c, d, b},
		{a, b, aAgain},
	} {
		r, err := ringsig.NewRing(keys)
		require.ErrorIs(t, err, ringsig.ErrDuplicateMember)
		require.Nil(t, r)

		enc := cat(pubBytes(keys)...)
		r, err = ringsig.ParseRing(enc)
		require.ErrorIs(t, err, ringsig.ErrDuplicateMember)
		require.Nil(t, r)
	}
	// The same point with the other parity is another key.
	neg := clone(a.Bytes())
	neg[0] ^= 0x02 ^ 0x03
	r, err := ringsig.ParseRing(cat(a.Bytes(), neg))
	require.NoError(t, err)
	require.Equal(t, 2, r.Len())
}

// TestRingEncoding: D, Bytes, accessors and independence from the caller's
// slice.
func TestRingEncoding(t *testing.T) {
	_, pubs := testKeys(t, 0, 5)
	keys := append([]*ecdsa.PublicKey(nil), pubs...)
	r := mustRing(t, keys)
	enc := cat(pubBytes(pubs)...)
	requireSameBytes(t, enc, r.Bytes())
	d := r.Digest()
	requireSameBytes(t, refDigest(pubBytes(pubs)), d[:])
	for i, p := range pubs {
		require.True(t, r.Key(i).Equal(p))
		require.Equal(t, i, r.Index(p))
	}
	_, outsider := testKeys(t, 800, 1)
	require.Equal(t, -1, r.Index(outsider[0]))

	keys[0] = outsider[0]
	require.True(t, r.Key(0).Equal(pubs[0]), "NewRing must copy the slice")
	requireSameBytes(t, enc, r.Bytes())

	p, err := ringsig.ParseRing(enc)
	require.NoError(t, err)
	require.Equal(t, d, p.Digest())
	enc[0] ^= 1
	requireSameBytes(t, r.Bytes(), p.Bytes(), "ParseRing must not keep the caller's bytes")

	// D depends on the order and on N.
	swapped := mustRing(t, []*ecdsa.PublicKey{pubs[1], pubs[0], pubs[2], pubs[3], pubs[4]})
	require.NotEqual(t, d, swapped.Digest())
	require.NotEqual(t, d, mustRing(t, pubs[:4]).Digest())
}
