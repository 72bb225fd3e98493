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

func TestSignInverseS(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/inverse-s")
	k := new(big.Int).SetBytes(key.Bytes())
	pub := key.PublicKey()
	msg := []byte("m2 ‖ t2")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			sig, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			b := sig.Bytes()
			require.Len(t, b, ecdsa.InverseSSignatureSize)
			require.Equal(t, refSignInverseS(k, msg, p), b)
			require.LessOrEqual(t, new(big.Int).SetBytes(b[32:]).Cmp(halfN), 0, "s must be low")
			require.NoError(t, ecdsa.VerifyInverseS(pub, msg, sig, p))

			again, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			require.Equal(t, b, again.Bytes())
			parsed, err := ecdsa.ParseInverseSSignature(b)
			require.NoError(t, err)
			require.Equal(t, b, parsed.Bytes())
			require.NoError(t, ecdsa.VerifyInverseS(pub, msg, parsed, p))

			sig.Bytes()[0] ^= 1
			require.Equal(t, b, sig.Bytes())
		})
	}
	t.Run("nil options sign with SHA-256", func(t *testing.T) {
		a, err := ecdsa.SignInverseS(key, msg, nil)
		require.NoError(t, err)
		b, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{})
		require.NoError(t, err)
		require.Equal(t, a.Bytes(), b.Bytes())
		require.NoError(t, ecdsa.VerifyInverseS(pub, msg, a, ecdsa.SHA256))
	})
	t.Run("the profiles draw different nonces", func(t *testing.T) {
		a, err := ecdsa.SignInverseS(key, msg, nil)
		require.NoError(t, err)
		b, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: ecdsa.PaperSHA1})
		require.NoError(t, err)
		require.NotEqual(t, a.Bytes()[:32], b.Bytes()[:32])
	})
}

// TestSignInverseSLowS signs until both branches of the low-s normalisation
// have been taken, and checks each against the reference signer.
func TestSignInverseSLowS(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/inverse-s/low-s")
	k := new(big.Int).SetBytes(key.Bytes())
	pub := key.PublicKey()
	var negated, kept int
	for i := 0; i < 64 && (negated == 0 || kept == 0); i++ {
		msg := []byte{byte(i)}
		sig, err := ecdsa.SignInverseS(key, msg, nil)
		require.NoError(t, err)
		require.Equal(t, refSignInverseS(k, msg, ecdsa.SHA256), sig.Bytes())
		require.NoError(t, ecdsa.VerifyInverseS(pub, msg, sig, ecdsa.SHA256))
		// Recompute s before normalisation: s = d·(e + k·a)⁻¹.
		d := refNonce(k, msg, tagInvS[ecdsa.SHA256], 0)
		a := modN(baseMul(d).x)
		raw := mulN(d, invN(new(big.Int).Add(digestN(ecdsa.SHA256, msg), mulN(k, a))))
		if raw.Cmp(halfN) > 0 {
			negated++
		} else {
			kept++
		}
	}
	require.Positive(t, negated)
	require.Positive(t, kept)
}

func TestSignInverseSHedged(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/inverse-s/hedged")
	pub := key.PublicKey()
	msg := []byte("hedged")
	det, err := ecdsa.SignInverseS(key, msg, nil)
	require.NoError(t, err)
	for _, p := range profiles {
		a, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: p, Rand: rand.Reader})
		require.NoError(t, err)
		b, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: p, Rand: rand.Reader})
		require.NoError(t, err)
		require.NotEqual(t, a.Bytes(), b.Bytes())
		require.NotEqual(t, det.Bytes(), a.Bytes())
		require.NoError(t, ecdsa.VerifyInverseS(pub, msg, a, p))
		require.NoError(t, ecdsa.VerifyInverseS(pub, msg, b, p))
	}
	extra := bytes.Repeat([]byte{0xa5}, 32)
	a, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Rand: bytes.NewReader(extra)})
	require.NoError(t, err)
	b, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Rand: bytes.NewReader(extra)})
	require.NoError(t, err)
	require.Equal(t, a.Bytes(), b.Bytes())

	boom := errors.New("boom")
	sig, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Rand: iotest.ErrReader(boom)})
	require.ErrorIs(t, err, boom)
	require.Nil(t, sig)
}

func TestParseInverseSSignatureInvalid(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/inverse-s")
	sig, err := ecdsa.SignInverseS(key, []byte("m"), nil)
	require.NoError(t, err)
	good := sig.Bytes()
	s := new(big.Int).SetBytes(good[32:])
	withA := func(a *big.Int) []byte { return cat(be32(a), good[32:]) }
	withS := func(s *big.Int) []byte { return cat(good[:32], be32(s)) }
	max := new(big.Int).Sub(two256, bigOne)

	tests := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"63 bytes", good[:63]},
		{"65 bytes", append(append([]byte{}, good...), 0)},
		{"DER-sized 72 bytes", make([]byte, 72)},
		{"a = 0", withA(big.NewInt(0))},
		{"a = n", withA(curveN)},
		{"a = n + 1", withA(new(big.Int).Add(curveN, bigOne))},
		{"a = 2^256 − 1", withA(max)},
		{"s = 0", withS(big.NewInt(0))},
		{"s = n", withS(curveN)},
		{"s = n + 1", withS(new(big.Int).Add(curveN, bigOne))},
		{"s = 2^256 − 1", withS(max)},
		{"high s: s negated", withS(negN(s))},
		{"s = (n + 1)/2, the smallest high s", withS(new(big.Int).Add(halfN, bigOne))},
		{"s = n − 1", withS(new(big.Int).Sub(curveN, bigOne))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ecdsa.ParseInverseSSignature(tt.b)
			require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
			requireNoRepeatedPrefix(t, err)
			require.NotErrorIs(t, err, ecdsa.ErrInvalidSignature)
			require.Nil(t, got)
			if len(tt.b) != ecdsa.InverseSSignatureSize {
				require.ErrorContains(t, err, "length")
			}
		})
	}
	for _, b := range [][]byte{withS(bigOne), withS(halfN), withA(bigOne), withA(new(big.Int).Sub(curveN, bigOne))} {
		got, err := ecdsa.ParseInverseSSignature(b)
		require.NoError(t, err)
		require.Equal(t, b, got.Bytes())
	}
}

func TestVerifyInverseSInvalid(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/inverse-s")
	pub := key.PublicKey()
	other := keyFromLabel(t, "cbets/ecdsa/test/inverse-s/other").PublicKey()
	msg := []byte("m2 ‖ t2")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			sig, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			good := sig.Bytes()
			a, s := new(big.Int).SetBytes(good[:32]), new(big.Int).SetBytes(good[32:])
			otherSig, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: otherProfile(p)})
			require.NoError(t, err)
			rb, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			P1 := mustPointWithX(t, bigOne, false)
			wrapA := new(big.Int).Sub(curveP, curveN)
			wrapA.Add(wrapA, bigOne)

			tests := []struct {
				name string
				pub  *ecdsa.PublicKey
				msg  []byte
				sig  []byte
			}{
				{"wrong msg", pub, []byte("m2 ‖ t3"), good},
				{"empty msg", pub, nil, good},
				{"wrong key", other, msg, good},
				{"wrong profile: signature made under the other profile", pub, msg, otherSig.Bytes()},
				{"a + 1", pub, msg, inverseSSig(modN(new(big.Int).Add(a, bigOne)), s)},
				{"s − 1", pub, msg, inverseSSig(a, new(big.Int).Sub(s, bigOne))},
				{"(a, s) from the R-bound signature's x(R) and s", pub, msg, func() []byte {
					b := rb.Bytes()
					v := new(big.Int).SetBytes(b[33:])
					if v.Cmp(halfN) > 0 {
						v = negN(v)
					}
					return inverseSSig(modN(new(big.Int).SetBytes(b[1:33])), v)
				}()},
				{"P is the point at infinity", inverseSKeyFor(t, p, msg, a, s, infinity), msg, good},
				{"a = p − n + 1, x(P) = 1 = a + n − p: a + n ≥ p is no candidate", inverseSKeyFor(t, p, msg, wrapA, s, P1), msg, inverseSSig(wrapA, s)},
				{"x(P) = n + 2 but a = n + 2 − 1", inverseSKeyFor(t, p, msg, bigOne, s, mustPointWithX(t, new(big.Int).Add(curveN, big.NewInt(2)), false)), msg, inverseSSig(bigOne, s)},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					parsed, err := ecdsa.ParseInverseSSignature(tt.sig)
					require.NoError(t, err)
					err = ecdsa.VerifyInverseS(tt.pub, tt.msg, parsed, p)
					require.ErrorIs(t, err, ecdsa.ErrInvalidSignature)
					require.NotErrorIs(t, err, ecdsa.ErrMalformedSignature)
				})
			}
			t.Run("s negated is rejected by the parser", func(t *testing.T) {
				_, err := ecdsa.ParseInverseSSignature(inverseSSig(a, negN(s)))
				require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
				requireNoRepeatedPrefix(t, err)
			})
		})
	}
}

// TestVerifyInverseSEdgeCases builds signatures under keys chosen so that P
// lands on a chosen point, for the comparison x(P) mod n = a (paper eq.
// 16–17) at its edges.
func TestVerifyInverseSEdgeCases(t *testing.T) {
	msg := []byte("edge")
	nPlus2 := new(big.Int).Add(curveN, big.NewInt(2))
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			for _, s := range []*big.Int{bigOne, big.NewInt(3), halfN} {
				// x(P) = n + 2 ≥ n: a = x(P) − n = 2 must verify (the
				// second candidate of the comparison), and a = n + 2 must
				// not parse.
				Pn := mustPointWithX(t, nPlus2, s.Bit(0) == 1)
				pub := inverseSKeyFor(t, p, msg, big.NewInt(2), s, Pn)
				sig, err := ecdsa.ParseInverseSSignature(inverseSSig(big.NewInt(2), s))
				require.NoError(t, err)
				require.NoError(t, ecdsa.VerifyInverseS(pub, msg, sig, p), "x(P) ≥ n, s = %x", s)
				_, err = ecdsa.ParseInverseSSignature(inverseSSig(nPlus2, s))
				require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
				requireNoRepeatedPrefix(t, err)

				// x(P) = 1, a = 1 verifies; a = n + 1 must not parse.
				P1 := mustPointWithX(t, bigOne, true)
				pub = inverseSKeyFor(t, p, msg, bigOne, s, P1)
				sig, err = ecdsa.ParseInverseSSignature(inverseSSig(bigOne, s))
				require.NoError(t, err)
				require.NoError(t, ecdsa.VerifyInverseS(pub, msg, sig, p), "a = 1, s = %x", s)
				_, err = ecdsa.ParseInverseSSignature(inverseSSig(new(big.Int).Add(curveN, bigOne), s))
				require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
				requireNoRepeatedPrefix(t, err)
				if sn := new(big.Int).Add(curveN, s); sn.Cmp(two256) < 0 {
					_, err = ecdsa.ParseInverseSSignature(inverseSSig(bigOne, sn))
					require.ErrorIs(t, err, ecdsa.ErrMalformedSignature)
					requireNoRepeatedPrefix(t, err)
				}

				// The largest a that is compared with x(P) − n as well:
				// a = p − n − 1, x(P) = p − 1.
				top := new(big.Int).Sub(curveP, bigOne)
				if Ptop, ok := pointWithX(top, false); ok {
					aTop := new(big.Int).Sub(top, curveN)
					pub = inverseSKeyFor(t, p, msg, aTop, s, Ptop)
					sig, err = ecdsa.ParseInverseSSignature(inverseSSig(aTop, s))
					require.NoError(t, err)
					require.NoError(t, ecdsa.VerifyInverseS(pub, msg, sig, p))
				}
			}
		})
	}
}

// TestVerifyInverseSZeroValues: nil and zero-value keys and signatures are
// refused with their own sentinels. Read as a point, the zero-value key
// would be infinity, under which P = u'G and anyone can sign: forged is
// such a forgery (a = x(tG) mod n, s = t/e, so that P = e·s·G = tG).
func TestVerifyInverseSZeroValues(t *testing.T) {
	key := keyFromLabel(t, "cbets/ecdsa/test/inverse-s")
	pub := key.PublicKey()
	msg := []byte("m")
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			sig, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			forged := forgeInverseSUnderInfinity(t, p, msg)

			for _, tt := range []struct {
				name string
				pub  *ecdsa.PublicKey
				sig  *ecdsa.InverseSSignature
				want error
				text string
			}{
				{"nil key", nil, sig, ecdsa.ErrInvalidPublicKey, "ecdsa: invalid public key: nil"},
				{"zero-value key", &ecdsa.PublicKey{}, sig, ecdsa.ErrInvalidPublicKey, "ecdsa: invalid public key: zero value, not made by ParsePublicKey or PrivateKey.PublicKey"},
				{"zero-value key, forgery for infinity", &ecdsa.PublicKey{}, forged, ecdsa.ErrInvalidPublicKey, ""},
				{"nil key, forgery for infinity", nil, forged, ecdsa.ErrInvalidPublicKey, ""},
				{"nil signature", pub, nil, ecdsa.ErrMalformedSignature, "ecdsa: malformed signature: nil"},
				{"zero-value signature", pub, &ecdsa.InverseSSignature{}, ecdsa.ErrMalformedSignature, "ecdsa: malformed signature: zero value, not made by a parser or a signer"},
				{"nil key and signature: the key is checked first", nil, nil, ecdsa.ErrInvalidPublicKey, ""},
				{"forgery under a real key", pub, forged, ecdsa.ErrInvalidSignature, ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := ecdsa.VerifyInverseS(tt.pub, msg, tt.sig, p)
					requireOnlySentinel(t, err, tt.want)
					if tt.text != "" {
						require.EqualError(t, err, tt.text)
					}
				})
			}
		})
	}
}

// forgeInverseSUnderInfinity returns ω = (a, s) with a = x(tG) mod n and
// s = t/e: with the point at infinity as the key, P = e·s·G = tG and ω
// verifies. Low s keeps P = ±tG, which has the same x.
func forgeInverseSUnderInfinity(t *testing.T, p ecdsa.Profile, msg []byte) *ecdsa.InverseSSignature {
	t.Helper()
	tt := big.NewInt(0xC0FFEE)
	a := modN(baseMul(tt).x)
	s := mulN(tt, invN(digestN(p, msg)))
	if s.Cmp(halfN) > 0 {
		s = negN(s)
	}
	sig, err := ecdsa.ParseInverseSSignature(inverseSSig(a, s))
	require.NoError(t, err)
	return sig
}
