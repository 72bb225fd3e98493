package ecdsa_test

// Fuzz targets for every parser and both verifiers. Each parser is checked
// against an oracle written here with math/big: it must accept exactly the
// canonical encodings, return exactly one of value and error, and round-trip
// what it accepts. Run one with, for example,
//
//	go test ./ecdsa -run '^$' -fuzz '^FuzzParsePublicKey$' -fuzztime 1m

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/btcsuite/btcd/btcutil/base58"
	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
)

func fuzzScalarSeeds() [][]byte {
	return [][]byte{
		be32(big.NewInt(0)), be32(bigOne), be32(halfN), be32(new(big.Int).Add(halfN, bigOne)),
		be32(new(big.Int).Sub(curveN, bigOne)), be32(curveN), be32(new(big.Int).Add(curveN, bigOne)),
		be32(new(big.Int).Sub(two256, bigOne)),
	}
}

// canonicalScalar reports whether b is 32 bytes encoding a value in [1, max].
func canonicalScalar(b []byte, max *big.Int) bool {
	if len(b) != 32 {
		return false
	}
	v := new(big.Int).SetBytes(b)
	return v.Sign() > 0 && v.Cmp(max) <= 0
}

var nMinus1 = new(big.Int).Sub(curveN, bigOne)

func FuzzParsePrivateKey(f *testing.F) {
	for _, s := range fuzzScalarSeeds() {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Add(make([]byte, 31))
	f.Add(make([]byte, 33))
	f.Fuzz(func(t *testing.T, b []byte) {
		key, err := ecdsa.ParsePrivateKey(b)
		require.NotEqual(t, key == nil, err == nil, "exactly one of key and error")
		require.Equal(t, canonicalScalar(b, nMinus1), err == nil, "oracle disagrees on %x", b)
		if err != nil {
			require.ErrorIs(t, err, ecdsa.ErrInvalidPrivateKey)
			return
		}
		require.Equal(t, b, key.Bytes())
		require.Equal(t, baseMul(new(big.Int).SetBytes(b)).compressed(), key.PublicKey().Bytes())
	})
}

// pointOracle decodes a compressed or uncompressed SEC1 point with math/big.
func pointOracle(b []byte) (affinePoint, bool) {
	switch {
	case len(b) == 33 && (b[0] == 0x02 || b[0] == 0x03):
		x := new(big.Int).SetBytes(b[1:])
		if x.Cmp(curveP) >= 0 {
			return affinePoint{}, false
		}
		return pointWithX(x, b[0] == 0x03)
	case len(b) == 65 && b[0] == 0x04:
		x, y := new(big.Int).SetBytes(b[1:33]), new(big.Int).SetBytes(b[33:])
		if x.Cmp(curveP) >= 0 || y.Cmp(curveP) >= 0 {
			return affinePoint{}, false
		}
		yy := new(big.Int).Mul(y, y)
		if yy.Mod(yy, curveP).Cmp(curveRHS(x)) != 0 {
			return affinePoint{}, false
		}
		return affinePoint{x: x, y: y}, true
	}
	return affinePoint{}, false
}

func FuzzParsePublicKey(f *testing.F) {
	f.Add(baseG.compressed())
	f.Add(baseG.uncompressed())
	f.Add(baseG.neg().compressed())
	hybrid := baseG.uncompressed()
	hybrid[0] = 0x06
	f.Add(hybrid)
	f.Add(cat([]byte{0x02}, be32(bigOne)))
	f.Add(cat([]byte{0x02}, be32(new(big.Int).Add(curveP, bigOne))))
	f.Add(cat([]byte{0x03}, be32(curveN)))
	f.Add(cat([]byte{0x02}, be32(big.NewInt(5))))
	f.Add(cat([]byte{0x04}, make([]byte, 64)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		pub, err := ecdsa.ParsePublicKey(b)
		require.NotEqual(t, pub == nil, err == nil, "exactly one of key and error")
		want, ok := pointOracle(b)
		require.Equal(t, ok, err == nil, "oracle disagrees on %x", b)
		if err != nil {
			require.ErrorIs(t, err, ecdsa.ErrInvalidPublicKey)
			return
		}
		if len(b) == ecdsa.PublicKeySize {
			require.Equal(t, b, pub.Bytes())
		} else {
			require.Equal(t, b, pub.UncompressedBytes())
		}
		require.Equal(t, want.compressed(), pub.Bytes())
	})
}

func FuzzParseAddress(f *testing.F) {
	pub := keyFromInt(f, bigOne).PublicKey()
	f.Add(bitcoinAddressKey1, byte(0x00))
	f.Add(bitcoinAddressKey1Uncompressed, byte(0x00))
	f.Add(pub.Address(0x05).String(), byte(0x05))
	f.Add(pub.Address(0xff).String(), byte(0x00))
	f.Add(bitcoinAddressKey1[:len(bitcoinAddressKey1)-1]+"N", byte(0x00))
	f.Add("", byte(0x00))
	f.Add("1", byte(0x00))
	f.Add("11111111111111111111111111", byte(0x00))
	f.Add("0OIl", byte(0x00))
	f.Fuzz(func(t *testing.T, s string, version byte) {
		a, err := ecdsa.ParseAddress(s, version)
		// Oracle: btcutil's base58check decoder and a length and version
		// check.
		payload, gotVersion, cerr := base58.CheckDecode(s)
		want := cerr == nil && len(payload) == 20 && gotVersion == version
		require.Equal(t, want, err == nil, "oracle disagrees on %q (version 0x%02x): %v", s, version, err)
		if err != nil {
			require.Equal(t, ecdsa.Address{}, a)
			require.True(t, errors.Is(err, ecdsa.ErrAddressEncoding) || errors.Is(err, ecdsa.ErrAddressLength) ||
				errors.Is(err, ecdsa.ErrAddressChecksum) || errors.Is(err, ecdsa.ErrAddressVersion), "unexpected error %v", err)
			return
		}
		require.Equal(t, s, a.String())
		require.Equal(t, version, a.Version())
		h := a.Hash()
		require.Equal(t, payload, h[:])
	})
}

func FuzzParseRBoundSignature(f *testing.F) {
	key := keyFromLabel(f, "cbets/ecdsa/fuzz/key")
	sig, err := ecdsa.SignRBound(key, []byte("fuzz"), nil)
	require.NoError(f, err)
	good := sig.Bytes()
	f.Add(good)
	for _, s := range fuzzScalarSeeds() {
		f.Add(cat(good[:33], s))
	}
	for _, prefix := range []byte{0x00, 0x04, 0x06} {
		b := append([]byte{}, good...)
		b[0] = prefix
		f.Add(b)
	}
	f.Add(cat([]byte{0x02}, be32(new(big.Int).Add(curveP, bigOne)), good[33:]))
	f.Add(cat(mustPointWithX(f, curveN, false).compressed(), good[33:]))
	f.Add(good[:64])
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := ecdsa.ParseRBoundSignature(b)
		require.NotEqual(t, sig == nil, err == nil, "exactly one of signature and error")
		ok := len(b) == ecdsa.RBoundSignatureSize && canonicalScalar(b[33:], nMinus1)
		if ok {
			_, ok = pointOracle(b[:33])
		}
		require.Equal(t, ok, err == nil, "oracle disagrees on %x", b)
		if err != nil {
			require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
			return
		}
		require.Equal(t, b, sig.Bytes())
	})
}

func FuzzParseInverseSSignature(f *testing.F) {
	key := keyFromLabel(f, "cbets/ecdsa/fuzz/key")
	sig, err := ecdsa.SignInverseS(key, []byte("fuzz"), nil)
	require.NoError(f, err)
	good := sig.Bytes()
	f.Add(good)
	for _, s := range fuzzScalarSeeds() {
		f.Add(cat(good[:32], s))
		f.Add(cat(s, good[32:]))
	}
	f.Add(good[:63])
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := ecdsa.ParseInverseSSignature(b)
		require.NotEqual(t, sig == nil, err == nil, "exactly one of signature and error")
		ok := len(b) == ecdsa.InverseSSignatureSize && canonicalScalar(b[:32], nMinus1) && canonicalScalar(b[32:], halfN)
		require.Equal(t, ok, err == nil, "oracle disagrees on %x", b)
		if err != nil {
			require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
			return
		}
		require.Equal(t, b, sig.Bytes())
	})
}

// fuzzVerify feeds mutated signatures and messages to a verifier: it must
// not panic, and whatever it accepts under the fixed key must be one of the
// signatures the key made (anything else would be a forgery or a
// malleation).
func fuzzVerify(f *testing.F, s sigScheme) {
	key := keyFromLabel(f, "cbets/ecdsa/fuzz/key")
	pub := key.PublicKey()
	type signed struct{ msg, sig []byte }
	known := map[ecdsa.Profile][]signed{}
	for _, p := range profiles {
		for _, msg := range [][]byte{nil, []byte("fuzz"), []byte("CB-ETS ticket")} {
			sig, err := s.sign(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(f, err)
			known[p] = append(known[p], signed{msg, sig})
			f.Add(sig, msg, p == ecdsa.PaperSHA1)
			f.Add(flipBit(sig, 8*(len(sig)-1)), msg, p == ecdsa.PaperSHA1)
			f.Add(sig, msg, p != ecdsa.PaperSHA1)
		}
	}
	f.Fuzz(func(t *testing.T, sig, msg []byte, sha1 bool) {
		p := ecdsa.SHA256
		if sha1 {
			p = ecdsa.PaperSHA1
		}
		err := s.verify(pub, msg, sig, p)
		if err != nil {
			requireRejected(t, err)
			return
		}
		for _, k := range known[p] {
			if bytes.Equal(k.msg, msg) && bytes.Equal(k.sig, sig) {
				return
			}
		}
		t.Fatalf("accepted a signature the key never made: sig %x, msg %x, profile %s", sig, msg, p)
	})
}

func FuzzVerifyRBound(f *testing.F)   { fuzzVerify(f, rboundScheme) }
func FuzzVerifyInverseS(f *testing.F) { fuzzVerify(f, inverseSScheme) }
