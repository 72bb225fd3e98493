package ecc

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// decredParse is the reference: decred's own decompression with the same
// canonical-encoding rules.
func decredParse(b []byte) (secp256k1.JacobianPoint, bool) {
	var p secp256k1.JacobianPoint
	if len(b) != 33 || (b[0] != 0x02 && b[0] != 0x03) {
		return p, false
	}
	if p.X.SetByteSlice(b[1:]) {
		return secp256k1.JacobianPoint{}, false
	}
	if !secp256k1.DecompressY(&p.X, b[0] == 0x03, &p.Y) {
		return secp256k1.JacobianPoint{}, false
	}
	p.X.Normalize()
	p.Y.Normalize()
	p.Z.SetInt(1)
	return p, true
}

func requireSameParse(t testing.TB, b []byte) {
	t.Helper()
	got, gotOK := ParseCompressedPoint(b)
	want, wantOK := decredParse(b)
	require.Equal(t, wantOK, gotOK, "%x", b)
	if !wantOK {
		require.Equal(t, secp256k1.JacobianPoint{}, got)
		return
	}
	require.True(t, got.X.Equals(&want.X) && got.Y.Equals(&want.Y) && got.Z.Equals(&want.Z), "%x", b)
	require.Equal(t, b, func() []byte { c := CompressAffine(&got); return c[:] }())
}

func TestParseCompressedPointAgainstDecred(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pMinus := func(k byte) []byte { // p − k, big-endian
		b := bytes.Repeat([]byte{0xff}, 32)
		b[27], b[28], b[29], b[30], b[31] = 0xfe, 0xff, 0xff, 0xfc, 0x2f-k
		return b
	}
	var edges [][]byte
	for _, x := range [][]byte{
		make([]byte, 32), // x = 0: 7 is not a square mod p
		append(make([]byte, 31), 1),
		pMinus(1), pMinus(0), // p − 1, p (not canonical)
		bytes.Repeat([]byte{0xff}, 32),                        // 2^256 − 1
		func() []byte { b := pMinus(0); b[31]++; return b }(), // p + 1
	} {
		for _, prefix := range []byte{0x02, 0x03, 0x04, 0x00} {
			edges = append(edges, append([]byte{prefix}, x...))
		}
	}
	edges = append(edges, nil, []byte{0x02}, make([]byte, 34))
	for _, b := range edges {
		requireSameParse(t, b)
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	for range n {
		// A point of the curve in both parities, and a random x (about half
		// of them are not on the curve).
		p := randPoint(rng)
		c := CompressAffine(&p)
		requireSameParse(t, c[:])
		c[0] ^= 1
		requireSameParse(t, c[:])
		var r [33]byte
		r[0] = 0x02 | byte(rng.IntN(2))
		for i := 1; i < 33; i++ {
			r[i] = byte(rng.Uint32())
		}
		requireSameParse(t, r[:])
	}
}

func FuzzParseCompressedPoint(f *testing.F) {
	f.Add(append([]byte{0x02}, make([]byte, 32)...))
	f.Add(secp256k1.PrivKeyFromBytes([]byte{1}).PubKey().SerializeCompressed())
	f.Add(secp256k1.PrivKeyFromBytes([]byte{2}).PubKey().SerializeCompressed())
	f.Fuzz(func(t *testing.T, b []byte) { requireSameParse(t, b) })
}

func BenchmarkParseCompressedPoint(b *testing.B) {
	p := randPoint(rand.New(rand.NewPCG(3, 4)))
	c := CompressAffine(&p)
	b.Run("ecc", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ParseCompressedPoint(c[:])
		}
	})
	b.Run("decred", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decredParse(c[:])
		}
	})
}
