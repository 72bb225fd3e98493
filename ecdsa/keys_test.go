package ecdsa_test

import (
	"bytes"
	"errors"
	"io"
	"math/big"
	"testing"
	"testing/iotest"

	"github.com/cbets/cbets/ecdsa"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

func TestParsePrivateKeyValid(t *testing.T) {
	nMinus1 := new(big.Int).Sub(curveN, bigOne)
	tests := []struct {
		name string
		k    *big.Int
		pub  affinePoint
	}{
		{"k = 1 gives G", big.NewInt(1), baseG},
		{"k = 2 gives 2G", big.NewInt(2), baseG.add(baseG)},
		{"k = n − 1 gives −G", nMinus1, baseG.neg()},
		{"k = (n − 1)/2", halfN, baseMul(halfN)},
		{"k = 2^255", new(big.Int).Lsh(bigOne, 255), baseMul(new(big.Int).Lsh(bigOne, 255))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := be32(tt.k)
			key, err := ecdsa.ParsePrivateKey(b)
			require.NoError(t, err)
			require.Equal(t, b, key.Bytes())
			require.Equal(t, tt.pub.compressed(), key.PublicKey().Bytes())
			require.Equal(t, tt.pub.uncompressed(), key.PublicKey().UncompressedBytes())
			// Bytes returns a copy.
			key.Bytes()[31] ^= 1
			require.Equal(t, b, key.Bytes())
		})
	}
}

func TestParsePrivateKeyInvalid(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"31 bytes", bytes.Repeat([]byte{1}, 31)},
		{"33 bytes", bytes.Repeat([]byte{1}, 33)},
		{"33 bytes with a leading zero", append([]byte{0}, be32(big.NewInt(1))...)},
		{"64 bytes", bytes.Repeat([]byte{1}, 64)},
		{"k = 0", be32(big.NewInt(0))},
		{"k = n", be32(curveN)},
		{"k = n + 1", be32(new(big.Int).Add(curveN, bigOne))},
		{"k = 2^256 − 1", be32(new(big.Int).Sub(two256, bigOne))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := ecdsa.ParsePrivateKey(tt.b)
			require.ErrorIs(t, err, ecdsa.ErrInvalidPrivateKey)
			requireNoRepeatedPrefix(t, err)
			require.Nil(t, key)
			if len(tt.b) != ecdsa.PrivateKeySize {
				// The length is checked, and reported, first.
				require.ErrorContains(t, err, "length")
			}
		})
	}
}

func TestPrivateKeyEqualAndZero(t *testing.T) {
	a := keyFromLabel(t, "cbets/ecdsa/test/equal/a")
	a2, err := ecdsa.ParsePrivateKey(a.Bytes())
	require.NoError(t, err)
	b := keyFromLabel(t, "cbets/ecdsa/test/equal/b")
	require.True(t, a.Equal(a2))
	require.False(t, a.Equal(b))
	require.True(t, a.PublicKey().Equal(a2.PublicKey()))
	require.False(t, a.PublicKey().Equal(b.PublicKey()))

	pub := a2.PublicKey()
	a2.Zero()
	require.Nil(t, a2.Bytes(), "a wiped key has no encoding")
	require.False(t, a.Equal(a2))
	require.True(t, a2.Equal(&ecdsa.PrivateKey{}), "a wiped key holds 0, as the zero value")
	// The public key is not touched, and a zeroed key must not sign: the
	// panic names the signer and its argument.
	require.True(t, pub.Equal(a2.PublicKey()))
	require.PanicsWithValue(t, "ecdsa: SignRBound: key is the zero value or was wiped by Zero", func() { _, _ = ecdsa.SignRBound(a2, []byte("m"), nil) })
	require.PanicsWithValue(t, "ecdsa: SignInverseS: key is the zero value or was wiped by Zero", func() { _, _ = ecdsa.SignInverseS(a2, []byte("m"), nil) })
}

func TestPublicKeyIsACopy(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/copy")
	want := key.PublicKey().Bytes()
	pub := key.PublicKey()
	pub.Bytes()[0] ^= 1
	pub.UncompressedBytes()[0] ^= 1
	require.Equal(t, want, pub.Bytes())
	require.Equal(t, want, key.PublicKey().Bytes())
}

// zeroReader yields zero bytes: every candidate scalar is 0.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// countingReader serves the candidates in order, then fails.
type countingReader struct {
	chunks [][]byte
	reads  int
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.reads >= len(r.chunks) {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, r.chunks[r.reads])
	r.reads++
	return n, nil
}

func TestGenerateKey(t *testing.T) {
	t.Run("crypto/rand", func(t *testing.T) {
		k1, err := ecdsa.GenerateKey(nil)
		require.NoError(t, err)
		k2, err := ecdsa.GenerateKey(nil)
		require.NoError(t, err)
		require.False(t, k1.Equal(k2))
		back, err := ecdsa.ParsePrivateKey(k1.Bytes())
		require.NoError(t, err)
		require.True(t, back.PublicKey().Equal(k1.PublicKey()))
	})
	t.Run("rejection sampling skips 0, n and 2^256 − 1", func(t *testing.T) {
		r := &countingReader{chunks: [][]byte{
			be32(big.NewInt(0)), be32(curveN), be32(new(big.Int).Sub(two256, bigOne)), be32(big.NewInt(7)),
		}}
		k, err := ecdsa.GenerateKey(r)
		require.NoError(t, err)
		require.Equal(t, be32(big.NewInt(7)), k.Bytes())
		require.Equal(t, 4, r.reads)
	})
	t.Run("n − 1 is accepted as is", func(t *testing.T) {
		nMinus1 := be32(new(big.Int).Sub(curveN, bigOne))
		k, err := ecdsa.GenerateKey(bytes.NewReader(nMinus1))
		require.NoError(t, err)
		require.Equal(t, nMinus1, k.Bytes())
	})
	t.Run("a source that never yields a scalar", func(t *testing.T) {
		k, err := ecdsa.GenerateKey(zeroReader{})
		require.Error(t, err)
		require.Nil(t, k)
	})
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("boom")
		k, err := ecdsa.GenerateKey(iotest.ErrReader(boom))
		require.ErrorIs(t, err, boom)
		require.Nil(t, k)
	})
	t.Run("short source", func(t *testing.T) {
		_, err := ecdsa.GenerateKey(bytes.NewReader(make([]byte, 31)))
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})
}

// TestParsePublicKeyValid checks that both SEC1 forms of a point parse to the
// same key, that a compressed input round-trips through Bytes and an
// uncompressed one through UncompressedBytes.
func TestParsePublicKeyValid(t *testing.T) {
	points := map[string]affinePoint{
		"G":                    baseG,
		"−G":                   baseG.neg(),
		"x = 1":                mustPointWithX(t, big.NewInt(1), false),
		"x = 1, odd y":         mustPointWithX(t, big.NewInt(1), true),
		"x = n (x mod n = 0)":  mustPointWithX(t, curveN, true),
		"x = n + 2 ≥ n":        mustPointWithX(t, new(big.Int).Add(curveN, big.NewInt(2)), false),
		"y = 1":                pointWithY1(t),
		"k = SHA-256(label)·G": baseMul(new(big.Int).SetBytes(keyFromLabel(t, "cbets/ecdsa/test/pub").Bytes())),
	}
	for name, pt := range points {
		t.Run(name, func(t *testing.T) {
			c, err := ecdsa.ParsePublicKey(pt.compressed())
			require.NoError(t, err)
			require.Equal(t, pt.compressed(), c.Bytes())
			require.Equal(t, pt.uncompressed(), c.UncompressedBytes())
			u, err := ecdsa.ParsePublicKey(pt.uncompressed())
			require.NoError(t, err)
			require.Equal(t, pt.uncompressed(), u.UncompressedBytes())
			require.Equal(t, pt.compressed(), u.Bytes())
			require.True(t, c.Equal(u))
		})
	}
}

// pointWithY1 returns a point (x, 1): x³ = 1 − 7 = −6 mod p. Since p ≡ 7
// (mod 9), a cube c has the cube root c^((p+2)/9).
func pointWithY1(t testing.TB) affinePoint {
	t.Helper()
	c := new(big.Int).Sub(curveP, big.NewInt(6))
	e := new(big.Int).Add(curveP, big.NewInt(2))
	e.Div(e, big.NewInt(9))
	x := new(big.Int).Exp(c, e, curveP)
	require.Zero(t, new(big.Int).Exp(x, big.NewInt(3), curveP).Cmp(c), "−6 has no cube root of this form")
	pt := affinePoint{x: x, y: big.NewInt(1)}
	require.Zero(t, curveRHS(x).Cmp(big.NewInt(1)))
	return pt
}

func TestParsePublicKeyInvalid(t *testing.T) {
	gc, gu := baseG.compressed(), baseG.uncompressed()
	withPrefix := func(b []byte, prefix byte) []byte {
		out := append([]byte{}, b...)
		out[0] = prefix
		return out
	}
	one := mustPointWithX(t, big.NewInt(1), false)
	y1 := pointWithY1(t)
	pPlus1 := new(big.Int).Add(curveP, bigOne)
	five := big.NewInt(5)
	require.False(t, isSquareModP(curveRHS(five)), "x = 5 must be off the curve for this test")
	offCurveY := new(big.Int).Add(baseG.y, bigOne)

	tests := []struct {
		name   string
		b      []byte
		decred error // decred's error kind, for the forms it parses
	}{
		{"nil", nil, nil},
		{"empty", []byte{}, nil},
		{"1 byte 0x02", []byte{0x02}, nil},
		{"32 bytes (no prefix)", gc[1:], nil},
		{"34 bytes", append(append([]byte{}, gc...), 0), nil},
		{"64 bytes (no prefix)", gu[1:], nil},
		{"66 bytes", append(append([]byte{}, gu...), 0), nil},
		{"33 bytes, prefix 0x00", withPrefix(gc, 0x00), nil},
		{"33 bytes, prefix 0x01", withPrefix(gc, 0x01), nil},
		{"33 bytes, prefix 0x04", withPrefix(gc, 0x04), nil},
		{"33 bytes, prefix 0x05", withPrefix(gc, 0x05), nil},
		{"33 bytes, prefix 0x06", withPrefix(gc, 0x06), nil},
		{"33 bytes, prefix 0x07", withPrefix(gc, 0x07), nil},
		{"65 bytes, prefix 0x00", withPrefix(gu, 0x00), nil},
		{"65 bytes, prefix 0x01", withPrefix(gu, 0x01), nil},
		{"65 bytes, prefix 0x02", withPrefix(gu, 0x02), nil},
		{"65 bytes, prefix 0x03", withPrefix(gu, 0x03), nil},
		{"65 bytes, prefix 0x05", withPrefix(gu, 0x05), nil},
		{"hybrid 0x06 with the right parity of G", withPrefix(gu, 0x06), nil},
		{"hybrid 0x07", withPrefix(gu, 0x07), nil},
		{"compressed x = p + 1 ≥ p (x = 1 is on the curve)", cat([]byte{0x02}, be32(pPlus1)), nil},
		{"compressed x = p", cat([]byte{0x02}, be32(curveP)), nil},
		{"compressed x = 2^256 − 1", cat([]byte{0x03}, be32(new(big.Int).Sub(two256, bigOne))), nil},
		{"compressed x = 5, off the curve", cat([]byte{0x02}, be32(five)), nil},
		{"compressed x = 0, off the curve", cat([]byte{0x02}, be32(big.NewInt(0))), nil},
		{"uncompressed x = p + 1 ≥ p (the point (1, y) reduced)", cat([]byte{0x04}, be32(pPlus1), be32(one.y)), secp256k1.ErrPubKeyXTooBig},
		{"uncompressed y = p + 1 ≥ p (the point (x, 1) reduced)", cat([]byte{0x04}, be32(y1.x), be32(pPlus1)), secp256k1.ErrPubKeyYTooBig},
		{"uncompressed off the curve (G with y + 1)", cat([]byte{0x04}, be32(baseG.x), be32(offCurveY)), secp256k1.ErrPubKeyNotOnCurve},
		{"uncompressed (0, 0)", cat([]byte{0x04}, make([]byte, 64)), secp256k1.ErrPubKeyNotOnCurve},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, err := ecdsa.ParsePublicKey(tt.b)
			require.ErrorIs(t, err, ecdsa.ErrInvalidPublicKey)
			require.Nil(t, pub)
			requireNoRepeatedPrefix(t, err)
			if tt.decred != nil {
				require.ErrorIs(t, err, tt.decred, "decred's error stays in the chain")
			}
		})
	}
}

// TestSpecialXCoordinates documents which x coordinates with x mod n = 0 or
// x ≥ n exist on the curve:
//   - x = 0: x³ + 7 = 7 is not a square mod p, so no point has x = 0;
//   - x = n: n³ + 7 is a square mod p, so the points (n, ±y) exist and give
//     r = x mod n = 0. VerifyRBound's r = 0 branch is therefore reachable by
//     an R-bound signature whose R is (n, y) (see TestVerifyRBoundInvalid);
//   - n + 1 is not an x coordinate, and n + 2 is: x(P) ≥ n does occur for
//     points whose discrete logarithm nobody knows, and VerifyInverseS must
//     then compare a with x(P) − n (see TestVerifyInverseSEdgeCases);
//   - x = 1 (y² = 8; 2 is a square because p ≡ 7 mod 8) is on the curve.
func TestSpecialXCoordinates(t *testing.T) {
	tests := []struct {
		name    string
		x       *big.Int
		onCurve bool
	}{
		{"x = 0", big.NewInt(0), false},
		{"x = 1", big.NewInt(1), true},
		{"x = 5", big.NewInt(5), false},
		{"x = n", curveN, true},
		{"x = n + 1", new(big.Int).Add(curveN, bigOne), false},
		{"x = n + 2", new(big.Int).Add(curveN, big.NewInt(2)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.onCurve, isSquareModP(curveRHS(tt.x)))
			if tt.x.Sign() == 0 {
				// A zero x would need 7 to be a square; the parser must
				// say no for either parity.
				for _, prefix := range []byte{0x02, 0x03} {
					_, err := ecdsa.ParsePublicKey(cat([]byte{prefix}, be32(tt.x)))
					require.ErrorIs(t, err, ecdsa.ErrInvalidPublicKey)
				}
				return
			}
			for _, prefix := range []byte{0x02, 0x03} {
				_, err := ecdsa.ParsePublicKey(cat([]byte{prefix}, be32(tt.x)))
				if tt.onCurve {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, ecdsa.ErrInvalidPublicKey)
				}
			}
		})
	}
	// β is a primitive cube root of unity mod p.
	require.NotZero(t, beta.Cmp(bigOne))
	require.Zero(t, new(big.Int).Exp(beta, big.NewInt(3), curveP).Cmp(bigOne))
	// p − n, the width of the x ≥ n window, is below 2^129.
	require.Less(t, new(big.Int).Sub(curveP, curveN).BitLen(), 130)
}
