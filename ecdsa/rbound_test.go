package ecdsa_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"
	"testing/iotest"

	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
)

func TestSignRBound(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/rbound")
	k := new(big.Int).SetBytes(key.Bytes())
	pub := key.PublicKey()
	msg := []byte("UserSign: ticket request")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			sig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			b := sig.Bytes()
			require.Len(t, b, ecdsa.RBoundSignatureSize)
			require.Equal(t, refSignRBound(k, msg, p), b)
			require.NoError(t, ecdsa.VerifyRBound(pub, msg, sig, p))

			// Deterministic, and a parsed signature round-trips.
			again, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			require.Equal(t, b, again.Bytes())
			parsed, err := ecdsa.ParseRBoundSignature(b)
			require.NoError(t, err)
			require.Equal(t, b, parsed.Bytes())
			require.NoError(t, ecdsa.VerifyRBound(pub, msg, parsed, p))

			// Bytes returns a copy.
			sig.Bytes()[40] ^= 1
			require.Equal(t, b, sig.Bytes())
		})
	}
	t.Run("nil options sign with SHA-256", func(t *testing.T) {
		a, err := ecdsa.SignRBound(key, msg, nil)
		require.NoError(t, err)
		b, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{})
		require.NoError(t, err)
		require.Equal(t, a.Bytes(), b.Bytes())
		require.NoError(t, ecdsa.VerifyRBound(pub, msg, a, ecdsa.SHA256))
	})
	t.Run("profiles and schemes draw different nonces", func(t *testing.T) {
		// The same key and message under two profiles, and under the other
		// scheme, must not share the nonce point (SPEC section 2).
		s256, err := ecdsa.SignRBound(key, msg, nil)
		require.NoError(t, err)
		s1, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: ecdsa.PaperSHA1})
		require.NoError(t, err)
		inv, err := ecdsa.SignInverseS(key, msg, nil)
		require.NoError(t, err)
		x256, x1 := s256.Bytes()[1:33], s1.Bytes()[1:33]
		require.NotEqual(t, x256, x1)
		require.NotEqual(t, x256, inv.Bytes()[:32])
		require.NotEqual(t, x1, inv.Bytes()[:32])
	})
}

func TestSignRBoundHedged(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/rbound/hedged")
	pub := key.PublicKey()
	msg := []byte("hedged")
	det, err := ecdsa.SignRBound(key, msg, nil)
	require.NoError(t, err)
	for _, p := range profiles {
		a, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p, Rand: rand.Reader})
		require.NoError(t, err)
		b, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p, Rand: rand.Reader})
		require.NoError(t, err)
		require.NotEqual(t, a.Bytes(), b.Bytes())
		require.NotEqual(t, det.Bytes(), a.Bytes())
		require.NoError(t, ecdsa.VerifyRBound(pub, msg, a, p))
		require.NoError(t, ecdsa.VerifyRBound(pub, msg, b, p))
	}
	// Fixed hedging bytes reproduce.
	extra := bytes.Repeat([]byte{0x5a}, 32)
	a, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Rand: bytes.NewReader(extra)})
	require.NoError(t, err)
	b, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Rand: bytes.NewReader(extra)})
	require.NoError(t, err)
	require.Equal(t, a.Bytes(), b.Bytes())

	boom := errors.New("boom")
	sig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Rand: iotest.ErrReader(boom)})
	require.ErrorIs(t, err, boom)
	require.Nil(t, sig)
	sig, err = ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Rand: bytes.NewReader(make([]byte, 31))})
	require.Error(t, err)
	require.Nil(t, sig)
}

func TestParseRBoundSignatureInvalid(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/rbound")
	sig, err := ecdsa.SignRBound(key, []byte("m"), nil)
	require.NoError(t, err)
	good := sig.Bytes()
	withPrefix := func(prefix byte) []byte {
		out := append([]byte{}, good...)
		out[0] = prefix
		return out
	}
	withS := func(s *big.Int) []byte { return cat(good[:33], be32(s)) }
	withX := func(x *big.Int) []byte { return cat([]byte{0x02}, be32(x), good[33:]) }

	tests := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"64 bytes", good[:64]},
		{"66 bytes", append(append([]byte{}, good...), 0)},
		{"97 bytes: uncompressed R ‖ s", cat(baseG.uncompressed(), good[33:])},
		{"R prefix 0x00", withPrefix(0x00)},
		{"R prefix 0x01", withPrefix(0x01)},
		{"R prefix 0x04", withPrefix(0x04)},
		{"R prefix 0x05", withPrefix(0x05)},
		{"R prefix 0x06", withPrefix(0x06)},
		{"R prefix 0x07", withPrefix(0x07)},
		{"x(R) = 0, off the curve", withX(big.NewInt(0))},
		{"x(R) = 5, off the curve", withX(big.NewInt(5))},
		{"x(R) = p", withX(curveP)},
		{"x(R) = p + 1 (x = 1 is on the curve): not reduced", withX(new(big.Int).Add(curveP, bigOne))},
		{"x(R) = 2^256 − 1", withX(new(big.Int).Sub(two256, bigOne))},
		{"s = 0", withS(big.NewInt(0))},
		{"s = n", withS(curveN)},
		{"s = n + 1", withS(new(big.Int).Add(curveN, bigOne))},
		{"s = 2^256 − 1", withS(new(big.Int).Sub(two256, bigOne))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ecdsa.ParseRBoundSignature(tt.b)
			require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
			require.NotErrorIs(t, err, ecdsa.ErrInvalidSignature)
			requireNoRepeatedPrefix(t, err)
			require.Nil(t, got)
			if len(tt.b) != ecdsa.RBoundSignatureSize {
				require.ErrorContains(t, err, "length")
			}
		})
	}
	// The boundary values that must parse.
	for _, s := range []*big.Int{bigOne, halfN, new(big.Int).Add(halfN, bigOne), new(big.Int).Sub(curveN, bigOne)} {
		_, err := ecdsa.ParseRBoundSignature(withS(s))
		require.NoError(t, err, "s = %x", s)
	}
	_, err = ecdsa.ParseRBoundSignature(cat(mustPointWithX(t, curveN, true).compressed(), good[33:]))
	require.NoError(t, err, "R = (n, y) is a curve point and parses")
}

// TestVerifyRBoundInvalid has one case per way a well-formed R-bound
// signature fails to verify. The constructed keys make uG + v·pk land on a
// chosen point, so that each comparison VerifyRBound makes is the one that
// rejects.
func TestVerifyRBoundInvalid(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/rbound")
	pub := key.PublicKey()
	other := keyFromLabel(t, "cbets/ecdsa/test/rbound/other").PublicKey()
	msg := []byte("MerchantSign: ticket")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			sig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			good := sig.Bytes()
			R := mustPointWithX(t, new(big.Int).SetBytes(good[1:33]), good[0] == 0x03)
			s := new(big.Int).SetBytes(good[33:])
			sameY := affinePoint{x: new(big.Int).Mod(new(big.Int).Mul(beta, R.x), curveP), y: R.y}
			otherSig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: otherProfile(p)})
			require.NoError(t, err)

			tests := []struct {
				name string
				pub  *ecdsa.PublicKey
				msg  []byte
				sig  []byte
			}{
				{"wrong msg", pub, []byte("MerchantSign: ticket!"), good},
				{"empty msg", pub, nil, good},
				{"wrong key", other, msg, good},
				{"wrong profile: signature made under the other profile", pub, msg, otherSig.Bytes()},
				{"(−R, −s): not malleable", pub, msg, rboundSig(R.neg(), negN(s))},
				{"(−R, s)", pub, msg, rboundSig(R.neg(), s)},
				{"(R, −s)", pub, msg, rboundSig(R, negN(s))},
				{"R replaced by G", pub, msg, rboundSig(baseG, s)},
				{"R replaced by 2R", pub, msg, rboundSig(R.add(R), s)},
				{"s replaced by s + 1", pub, msg, rboundSig(R, modN(new(big.Int).Add(s, bigOne)))},
				{"uG + v·pk = −R: x matches, y does not", rboundKeyFor(t, p, msg, R, s, R.neg()), msg, good},
				{"uG + v·pk = (β·x, y): y matches, x does not", rboundKeyFor(t, p, msg, R, s, sameY), msg, good},
				{"uG + v·pk = infinity", rboundKeyFor(t, p, msg, R, s, infinity), msg, good},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					parsed, err := ecdsa.ParseRBoundSignature(tt.sig)
					require.NoError(t, err)
					err = ecdsa.VerifyRBound(tt.pub, tt.msg, parsed, p)
					require.ErrorIs(t, err, ecdsa.ErrInvalidSignature)
					require.NotErrorIs(t, err, ecdsa.ErrMalformedSignature)
					requireBatchFinds(t, p, pub, msg, sig, ecdsa.BatchItem{PublicKey: tt.pub, Message: tt.msg, Signature: parsed})
				})
			}

			t.Run("r = x(R) mod n = 0", func(t *testing.T) {
				// R = (n, y) is on the curve (TestSpecialXCoordinates):
				// with r = 0 the signature would not depend on the key.
				Rn := mustPointWithX(t, curveN, false)
				parsed, err := ecdsa.ParseRBoundSignature(rboundSig(Rn, s))
				require.NoError(t, err)
				err = ecdsa.VerifyRBound(pub, msg, parsed, p)
				require.ErrorIs(t, err, ecdsa.ErrInvalidSignature)
				// Only the r = 0 check names x(R); without it, the
				// point comparison would reject with the bare sentinel.
				require.ErrorContains(t, err, "x(R)")
				requireBatchFinds(t, p, pub, msg, sig, ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: parsed})
			})
		})
	}
}

// requireBatchFinds puts bad among valid signatures, in a batch large
// enough to be checked as a combination before bisection, and requires
// VerifyRBoundBatch to name it and only it.
func requireBatchFinds(t *testing.T, p ecdsa.Profile, pub *ecdsa.PublicKey, msg []byte, good *ecdsa.RBoundSignature, bad ecdsa.BatchItem) {
	t.Helper()
	items := make([]ecdsa.BatchItem, 24)
	for i := range items {
		items[i] = ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: good}
	}
	items[5] = bad
	var be *ecdsa.BatchError
	require.ErrorAs(t, ecdsa.VerifyRBoundBatch(items, p, nil), &be)
	require.Equal(t, []int{5}, be.Invalid)
}

// TestVerifyRBoundAcceptsConstructed checks that the constructions of
// TestVerifyRBoundInvalid are sound: aimed at R itself they verify, so the
// rejections there come from the comparison, not from the construction.
func TestVerifyRBoundAcceptsConstructed(t *testing.T) {
	msg := []byte("constructed")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			R := baseMul(big.NewInt(12345))
			for _, s := range []*big.Int{bigOne, big.NewInt(2), halfN, new(big.Int).Sub(curveN, bigOne)} {
				pub := rboundKeyFor(t, p, msg, R, s, R)
				sig, err := ecdsa.ParseRBoundSignature(rboundSig(R, s))
				require.NoError(t, err)
				require.NoError(t, ecdsa.VerifyRBound(pub, msg, sig, p), "s = %x", s)
			}
			// s = 1 verifies, and s = n + 1 must not parse: s is never
			// reduced mod n.
			_, err := ecdsa.ParseRBoundSignature(rboundSig(R, new(big.Int).Add(curveN, bigOne)))
			require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
		})
	}
}

// TestVerifyRBoundZeroValues: nil and zero-value keys and signatures are
// refused with their own sentinels, alone and in a batch. Read as a point,
// the zero-value key would be infinity, under which uG + v·pk = uG and
// anyone can sign: forged is such a forgery (R = tG, s = e/t).
func TestVerifyRBoundZeroValues(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/rbound")
	pub := key.PublicKey()
	msg := []byte("m")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			sig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			forged := forgeRBoundUnderInfinity(t, p, msg)

			for _, tt := range []struct {
				name string
				pub  *ecdsa.PublicKey
				sig  *ecdsa.RBoundSignature
				want error
				text string
			}{
				{"nil key", nil, sig, ecdsa.ErrInvalidPublicKey, "ecdsa: invalid public key: nil"},
				{"zero-value key", &ecdsa.PublicKey{}, sig, ecdsa.ErrInvalidPublicKey, "ecdsa: invalid public key: zero value, not made by ParsePublicKey or PrivateKey.PublicKey"},
				{"zero-value key, forgery for infinity", &ecdsa.PublicKey{}, forged, ecdsa.ErrInvalidPublicKey, ""},
				{"nil key, forgery for infinity", nil, forged, ecdsa.ErrInvalidPublicKey, ""},
				{"nil signature", pub, nil, ecdsa.ErrMalformedSignature, "ecdsa: malformed signature: nil"},
				{"zero-value signature", pub, &ecdsa.RBoundSignature{}, ecdsa.ErrMalformedSignature, "ecdsa: malformed signature: zero value, not made by a parser or a signer"},
				{"nil key and signature: the key is checked first", nil, nil, ecdsa.ErrInvalidPublicKey, ""},
				{"forgery under a real key", pub, forged, ecdsa.ErrInvalidSignature, ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := ecdsa.VerifyRBound(tt.pub, msg, tt.sig, p)
					requireOnlySentinel(t, err, tt.want)
					if tt.text != "" {
						require.EqualError(t, err, tt.text)
					}
					// The same item among valid ones, in a batch checked
					// one by one and in one checked as a combination.
					for _, n := range []int{2, 24} {
						items := make([]ecdsa.BatchItem, n)
						for i := range items {
							items[i] = ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: sig}
						}
						items[1] = ecdsa.BatchItem{PublicKey: tt.pub, Message: msg, Signature: tt.sig}
						err := ecdsa.VerifyRBoundBatch(items, p, nil)
						var be *ecdsa.BatchError
						require.ErrorAs(t, err, &be)
						require.Equal(t, []int{1}, be.Invalid, "n = %d", n)
						require.Equal(t, []error{ecdsa.VerifyRBound(tt.pub, msg, tt.sig, p)}, be.Errors)
						require.ErrorIs(t, err, tt.want)
						require.ErrorIs(t, err, ecdsa.ErrInvalidSignature)
					}
				})
			}
		})
	}
}

// forgeRBoundUnderInfinity returns (R, s) with R = tG and s = e/t for
// e = H(msg ‖ x(R) ‖ y(R)): with the point at infinity as the key,
// uG + v·pk = (e/s)·G = R and the signature verifies.
func forgeRBoundUnderInfinity(t *testing.T, p ecdsa.Profile, msg []byte) *ecdsa.RBoundSignature {
	t.Helper()
	tt := big.NewInt(0xC0FFEE)
	R := baseMul(tt)
	s := mulN(rboundDigest(p, msg, R), invN(tt))
	sig, err := ecdsa.ParseRBoundSignature(rboundSig(R, s))
	require.NoError(t, err)
	return sig
}

func TestProfile(t *testing.T) {
	require.Equal(t, "sha256", ecdsa.SHA256.String())
	require.Equal(t, "sha1", ecdsa.PaperSHA1.String())
	require.Equal(t, "Profile(7)", ecdsa.Profile(7).String())
	require.False(t, ecdsa.SHA256.IsSHA1())
	require.True(t, ecdsa.PaperSHA1.IsSHA1())
	require.Panics(t, func() { ecdsa.Profile(2).IsSHA1() })

	// An unknown profile is a programming error everywhere it is used.
	key := keyFromLabel(t, "cbets/ecdsa/test/profile")
	pub := key.PublicKey()
	opts := &ecdsa.SignOptions{Profile: ecdsa.Profile(9)}
	rs, err := ecdsa.SignRBound(key, []byte("m"), nil)
	require.NoError(t, err)
	is, err := ecdsa.SignInverseS(key, []byte("m"), nil)
	require.NoError(t, err)
	require.Panics(t, func() { _, _ = ecdsa.SignRBound(key, []byte("m"), opts) })
	require.Panics(t, func() { _, _ = ecdsa.SignInverseS(key, []byte("m"), opts) })
	require.Panics(t, func() { _ = ecdsa.VerifyRBound(pub, []byte("m"), rs, ecdsa.Profile(9)) })
	require.Panics(t, func() { _ = ecdsa.VerifyInverseS(pub, []byte("m"), is, ecdsa.Profile(9)) })
}
