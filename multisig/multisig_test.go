package multisig_test

import (
	"bytes"
	cryptorand "crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/big"
	"testing"
	"testing/iotest"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decred "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

// fixture is one honest consumption under a profile, with a second user,
// a second merchant and a second message to attack it with.
type fixture struct {
	p                   ecdsa.Profile
	user, user2         *ecdsa.PrivateKey
	merchant, merchant2 *ecdsa.PrivateKey
	msg, msg2           []byte
	omega               *ecdsa.InverseSSignature
	raw                 []byte // Σ on msg by user and merchant
}

func newFixture(t testing.TB, p ecdsa.Profile) *fixture {
	t.Helper()
	f := &fixture{
		p:         p,
		user:      keyFromLabel(t, labelUser1),
		user2:     keyFromLabel(t, labelUser2),
		merchant:  keyFromLabel(t, labelMerchant1),
		merchant2: keyFromLabel(t, labelMerchant2),
		msg:       baseMsg,
		msg2:      []byte("CB-ETS consume: ticket 0002, gate 7, t2=2019-03-01T10:00:00Z"),
	}
	var sig *multisig.Signature
	f.omega, sig = consume(t, f.user, f.merchant, f.msg, p)
	f.raw = sig.Bytes()
	return f
}

// rejectCase is a (keys, msg, Σ, profile) that verification must refuse
// with exactly the sentinel want. The same list feeds the known-answer
// files.
type rejectCase struct {
	name     string
	pkU, pkM *ecdsa.PublicKey
	msg, raw []byte
	profile  ecdsa.Profile
	want     error
}

func rejectCases(t testing.TB, f *fixture) []rejectCase {
	t.Helper()
	pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()
	n := curveN
	nPlus1 := new(big.Int).Add(n, big.NewInt(1))
	var (
		malformed = multisig.ErrMalformedSignature
		userErr   = multisig.ErrUserSignature
		merchErr  = multisig.ErrMerchantSignature
	)
	c := func(name string, raw []byte, want error) rejectCase {
		return rejectCase{name: name, pkU: pkU, pkM: pkM, msg: f.msg, raw: raw, profile: f.p, want: want}
	}

	// Σ made under the other profile, same keys and message.
	_, otherProf := consume(t, f.user, f.merchant, f.msg, otherProfile(f.p))
	// The second user's ω on the same message, and the first user's ω on
	// another message.
	omegaUser2, err := ecdsa.SignInverseS(f.user2, f.msg, opts(f.p))
	require.NoError(t, err)
	omegaMsg2, err := ecdsa.SignInverseS(f.user, f.msg2, opts(f.p))
	require.NoError(t, err)
	// The merchant alone: it forges ω with a second key of its own and
	// completes it.
	_, merchantOnly := consume(t, f.merchant2, f.merchant, f.msg, f.p)
	// The user alone: it signs ω and fills σ2 with a second key of its own.
	_, userOnly := consume(t, f.user, f.user2, f.msg, f.p)
	// One key in both roles, computed by the reference implementation
	// (Complete refuses): it would verify but for the distinct-key rule.
	sameKey := refCombined(t, f.user.Bytes(), f.user.Bytes(), f.msg, f.p, nil)
	// The keys other than pk_u and pk_m under which ω and (a_m, t) also
	// verify: ω on msg, (a_m, t) on B.
	pkUOther := recoverOtherKey(t, pkU, f.msg, field(f.raw, fieldAU), field(f.raw, fieldSU), f.p)
	pkMOther := recoverOtherKey(t, pkM, binding(pkU, pkM, f.raw, f.msg), field(f.raw, fieldAM), merchantScalar(f.raw), f.p)
	// The key under which (a_m, t) would verify on msg itself, as σ2 was
	// signed before B: the merchant half of Σ is not a signature on msg.
	pkMOnMsg := recoverOtherKey(t, pkM, f.msg, field(f.raw, fieldAM), merchantScalar(f.raw), f.p)

	cases := []rejectCase{
		c("tampered a_u (byte 31 ^ 0x01)", flipByte(f.raw, 31, 0x01), userErr),
		c("tampered s_u (byte 63 ^ 0x01)", flipByte(f.raw, 63, 0x01), userErr),
		c("tampered a_m (byte 95 ^ 0x01)", flipByte(f.raw, 95, 0x01), merchErr),
		c("tampered s_m (byte 127 ^ 0x01)", flipByte(f.raw, 127, 0x01), merchErr),
		c("a_u = 0", withField(f.raw, fieldAU, new(big.Int)), malformed),
		c("a_u = n", withField(f.raw, fieldAU, n), malformed),
		c("s_u = 0", withField(f.raw, fieldSU, new(big.Int)), malformed),
		c("s_u = n", withField(f.raw, fieldSU, n), malformed),
		c("s_u = 2^256 − 1", withField(f.raw, fieldSU, maxU256), malformed),
		c("high s_u: n − s_u, s_m adjusted to keep t (the malleated ω)", withHighSU(f.raw), malformed),
		c("a_m = 0", withField(f.raw, fieldAM, new(big.Int)), malformed),
		c("a_m = n", withField(f.raw, fieldAM, n), malformed),
		c("a_m = n + 1", withField(f.raw, fieldAM, nPlus1), malformed),
		c("s_m = n", withField(f.raw, fieldSM, n), malformed),
		c("s_m = 2^256 − 1", withField(f.raw, fieldSM, maxU256), malformed),
		c("t = s_m − s_u = 0 (s_m = s_u)", withT(f.raw, new(big.Int)), malformed),
		c("high t: s_m = s_u + (n − t) (the malleated merchant half)", withHighT(f.raw), malformed),
		c("truncated to 127 bytes", f.raw[:127], malformed),
		c("extended to 129 bytes", append(append([]byte(nil), f.raw...), 0), malformed),
		c("ω alone (64 bytes)", f.raw[:64], malformed),
		c("empty signature", []byte{}, malformed),
		c("wrong profile: Σ made under the "+otherProfile(f.p).String()+" profile", otherProf.Bytes(), userErr),
		c("merchant alone: ω forged with the merchant's key", merchantOnly.Bytes(), userErr),
		c("user alone: σ2 filled with the user's key", userOnly.Bytes(), merchErr),
	}

	tampered := c("tampered msg (last byte ^ 0x01)", f.raw, userErr)
	tampered.msg = flipByte(f.msg, len(f.msg)-1, 0x01)
	longer := c("msg with a byte appended", f.raw, userErr)
	longer.msg = append(append([]byte(nil), f.msg...), 0)
	empty := c("empty msg", f.raw, userErr)
	empty.msg = []byte{}
	wrongUser := c("wrong user key", f.raw, userErr)
	wrongUser.pkU = f.user2.PublicKey()
	wrongMerchant := c("wrong merchant key", f.raw, merchErr)
	wrongMerchant.pkM = f.merchant2.PublicKey()
	swapped := c("user and merchant keys swapped", f.raw, userErr)
	swapped.pkU, swapped.pkM = pkM, pkU
	wrongProfile := c("wrong profile: verified under the "+otherProfile(f.p).String()+" profile", f.raw, userErr)
	wrongProfile.profile = otherProfile(f.p)
	// Copied unchanged, σ2 yields t' = s_m − s_u', which is as likely to be
	// high (malformed) as low (a merchant signature that does not verify).
	movedWant := func(raw []byte) error {
		if t := merchantScalar(raw); t.Sign() == 0 || t.Cmp(halfN) > 0 {
			return malformed
		}
		return merchErr
	}
	movedUserRaw := concat(omegaUser2.Bytes(), f.raw[64:])
	movedUser := c("σ2 copied unchanged onto another user's ω of the same msg", movedUserRaw, movedWant(movedUserRaw))
	movedUser.pkU = f.user2.PublicKey()
	movedMsgRaw := concat(omegaMsg2.Bytes(), f.raw[64:])
	movedMsg := c("σ2 copied unchanged onto the user's ω of another msg", movedMsgRaw, movedWant(movedMsgRaw))
	movedMsg.msg = f.msg2
	rebasedMsg := c("σ2 re-based (s_m − s_u + s_u') onto the user's ω of another msg", rebase(f.raw, omegaMsg2.Bytes()), merchErr)
	rebasedMsg.msg = f.msg2

	// The binding of σ2 to pk_u, pk_m and ω (SPEC section 5).
	transplant := c("transplanted σ2: t = s_m − s_u of this Σ added to another user's ω of the same msg", rebase(f.raw, omegaUser2.Bytes()), merchErr)
	transplant.pkU = f.user2.PublicKey()
	swappedRoles := c("roles swapped: (a_m, s_m − s_u) ‖ (a_u, s_m) under swapped keys", roleSwap(f.raw), userErr)
	swappedRoles.pkU, swappedRoles.pkM = pkM, pkU
	sameKeyCase := c("one key in both roles (Σ by the reference computation)", sameKey, multisig.ErrSameKey)
	sameKeyCase.pkM = pkU
	otherUser := c("another user key under which ω also verifies (recovered from ω)", f.raw, merchErr)
	otherUser.pkU = pkUOther
	otherMerchant := c("another merchant key under which (a_m, s_m − s_u) also verifies on B (recovered from it)", f.raw, merchErr)
	otherMerchant.pkM = pkMOther
	otherPair := c("another key pair: both keys recovered as above", f.raw, merchErr)
	otherPair.pkU, otherPair.pkM = pkUOther, pkMOther
	merchantOnMsg := c("a merchant key under which (a_m, s_m − s_u) verifies on msg (recovered from it)", f.raw, merchErr)
	merchantOnMsg.pkM = pkMOnMsg

	return append(cases, tampered, longer, empty, wrongUser, wrongMerchant, swapped, wrongProfile, movedUser, movedMsg, rebasedMsg,
		transplant, swappedRoles, sameKeyCase, otherUser, otherMerchant, otherPair, merchantOnMsg)
}

func TestVerifyRejects(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			require.NoError(t, parseVerify(f.user.PublicKey(), f.merchant.PublicKey(), f.msg, f.raw, p), "the unmodified fixture must verify")
			for _, tc := range rejectCases(t, f) {
				t.Run(tc.name, func(t *testing.T) {
					requireOnly(t, parseVerify(tc.pkU, tc.pkM, tc.msg, tc.raw, tc.profile), tc.want)
				})
			}
		})
	}
}

// TestForgeriesVerifyUnderTheirOwnKeys makes sure the merchant-only and
// user-only rejections above come from the key checks: each forged Σ is a
// well-formed Σ that verifies under the keys that actually made it.
func TestForgeriesVerifyUnderTheirOwnKeys(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()

			_, merchantOnly := consume(t, f.merchant2, f.merchant, f.msg, p)
			require.NoError(t, multisig.Verify(f.merchant2.PublicKey(), pkM, f.msg, merchantOnly, p))
			requireOnly(t, multisig.Verify(pkU, pkM, f.msg, merchantOnly, p), multisig.ErrUserSignature)

			_, userOnly := consume(t, f.user, f.user2, f.msg, p)
			require.NoError(t, multisig.Verify(pkU, f.user2.PublicKey(), f.msg, userOnly, p))
			requireOnly(t, multisig.Verify(pkU, pkM, f.msg, userOnly, p), multisig.ErrMerchantSignature)
		})
	}
}

// TestSameKeyRefused: a 2-of-2 signature needs two keys. Complete refuses
// to complete an ω of its own key, and Verify refuses one key in both
// roles even for a Σ that is otherwise valid (made by the reference
// computation, which does not check).
func TestSameKeyRefused(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			pk := f.merchant.PublicKey()
			omega, err := ecdsa.SignInverseS(f.merchant, f.msg, opts(p))
			require.NoError(t, err)
			sig, err := multisig.Complete(f.merchant, pk, f.msg, omega, opts(p))
			require.Nil(t, sig)
			requireOnly(t, err, multisig.ErrSameKey)

			// The same key parsed afresh is the same key.
			samePK, err := ecdsa.ParsePublicKey(pk.UncompressedBytes())
			require.NoError(t, err)
			sig, err = multisig.Complete(f.merchant, samePK, f.msg, omega, opts(p))
			require.Nil(t, sig)
			requireOnly(t, err, multisig.ErrSameKey)

			raw := refCombined(t, f.merchant.Bytes(), f.merchant.Bytes(), f.msg, p, nil)
			requireOnly(t, parseVerify(pk, samePK, f.msg, raw, p), multisig.ErrSameKey)
			// The distinct-key rule is all that refuses it: each half
			// verifies on its own.
			require.NoError(t, ecdsa.VerifyInverseS(pk, f.msg, mustInverseS(t, raw[:64]), p))
			half := concat(raw[64:96], merchantScalar(raw).FillBytes(make([]byte, 32)))
			require.NoError(t, ecdsa.VerifyInverseS(pk, refBinding(pk.Bytes(), pk.Bytes(), raw[:64], f.msg), mustInverseS(t, half), p))
		})
	}
}

func mustInverseS(t testing.TB, b []byte) *ecdsa.InverseSSignature {
	t.Helper()
	sig, err := ecdsa.ParseInverseSSignature(b)
	require.NoError(t, err)
	return sig
}

func TestCompleteRejectsOmega(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()
			sign := func(k *ecdsa.PrivateKey, msg []byte, p ecdsa.Profile) *ecdsa.InverseSSignature {
				omega, err := ecdsa.SignInverseS(k, msg, opts(p))
				require.NoError(t, err)
				return omega
			}
			// A well-formed ω nobody signed: a and s from SHA-256 of a label,
			// s brought into the low half.
			ha := sha256.Sum256([]byte("cbets/multisig/test/random-omega/a"))
			hs := sha256.Sum256([]byte("cbets/multisig/test/random-omega/s"))
			s := modN(new(big.Int).SetBytes(hs[:]))
			if s.Cmp(halfN) > 0 {
				s.Sub(curveN, s)
			}
			randomRaw := make([]byte, 64)
			modN(new(big.Int).SetBytes(ha[:])).FillBytes(randomRaw[:32])
			s.FillBytes(randomRaw[32:])
			random, err := ecdsa.ParseInverseSSignature(randomRaw)
			require.NoError(t, err)

			cases := []struct {
				name  string
				pkU   *ecdsa.PublicKey
				omega *ecdsa.InverseSSignature
			}{
				{"ω of another message", pkU, sign(f.user, f.msg2, p)},
				{"ω of another user", pkU, sign(f.user2, f.msg, p)},
				{"ω under the other profile", pkU, sign(f.user, f.msg, otherProfile(p))},
				{"ω forged with the merchant's own key", pkU, sign(f.merchant, f.msg, p)},
				{"random well-formed ω", pkU, random},
				{"zero ω", pkU, new(ecdsa.InverseSSignature)},
				{"genuine ω under another merchant's public key", f.merchant2.PublicKey(), f.omega},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					sig, err := multisig.Complete(f.merchant, tc.pkU, f.msg, tc.omega, opts(p))
					require.Nil(t, sig)
					requireOnly(t, err, multisig.ErrUserSignature)
					// ecdsa refuses the zero ω as malformed or as not verifying.
					require.True(t, errors.Is(err, ecdsa.ErrInvalidSignature) || errors.Is(err, ecdsa.ErrMalformedSignature), "%v", err)
				})
			}
			// Under the merchant's own public key, ω is refused before it
			// is verified.
			sig, err := multisig.Complete(f.merchant, pkM, f.msg, f.omega, opts(p))
			require.Nil(t, sig)
			requireOnly(t, err, multisig.ErrSameKey)
		})
	}

	t.Run("nil options are the SHA-256 profile", func(t *testing.T) {
		f := newFixture(t, ecdsa.PaperSHA1)
		_, err := multisig.Complete(f.merchant, f.user.PublicKey(), f.msg, f.omega, nil)
		requireOnly(t, err, multisig.ErrUserSignature)

		g := newFixture(t, ecdsa.SHA256)
		sig, err := multisig.Complete(g.merchant, g.user.PublicKey(), g.msg, g.omega, nil)
		require.NoError(t, err)
		require.Equal(t, g.raw, sig.Bytes())
	})
}

// TestMerchantHalfBinds pins down what σ2 binds (SPEC section 5). The
// merchant's half signs B = "CBETS/2OF2/v1" ‖ pk_u ‖ pk_m ‖ ω ‖ msg, and
// t = s_m − s_u is public: Σ must not be transplantable onto another ω,
// another key pair or swapped roles. Each attack below succeeds against
// the paper's eq. 21–22, where t signs msg alone.
func TestMerchantHalfBinds(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()

			t.Run("transplant onto another user's ω of the same msg", func(t *testing.T) {
				omega2, err := ecdsa.SignInverseS(f.user2, f.msg, opts(p))
				require.NoError(t, err)
				forged := rebase(f.raw, omega2.Bytes())
				requireOnly(t, parseVerify(f.user2.PublicKey(), pkM, f.msg, forged, p), multisig.ErrMerchantSignature)
				// What the merchant produces for that ω differs in σ2.
				_, honest := consume(t, f.user2, f.merchant, f.msg, p)
				require.NotEqual(t, honest.Bytes()[64:], forged[64:])
				require.NoError(t, multisig.Verify(f.user2.PublicKey(), pkM, f.msg, honest, p))
			})

			t.Run("transplant onto a second ω of the same user and msg", func(t *testing.T) {
				// A hedged ω: another valid signature by the same key on msg.
				omega2, err := ecdsa.SignInverseS(f.user, f.msg, &ecdsa.SignOptions{Profile: p, Rand: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 32))})
				require.NoError(t, err)
				require.NotEqual(t, f.omega.Bytes(), omega2.Bytes())
				requireOnly(t, parseVerify(pkU, pkM, f.msg, rebase(f.raw, omega2.Bytes()), p), multisig.ErrMerchantSignature)
			})

			t.Run("roles swapped", func(t *testing.T) {
				swapped := roleSwap(f.raw)
				_, err := multisig.ParseSignature(swapped)
				require.NoError(t, err, "the swapped Σ is well formed")
				requireOnly(t, parseVerify(pkM, pkU, f.msg, swapped, p), multisig.ErrUserSignature)
			})

			t.Run("another key pair", func(t *testing.T) {
				pkUOther := recoverOtherKey(t, pkU, f.msg, field(f.raw, fieldAU), field(f.raw, fieldSU), p)
				require.NoError(t, ecdsa.VerifyInverseS(pkUOther, f.msg, f.omega, p), "ω verifies under the recovered key")
				requireOnly(t, multisig.Verify(pkUOther, pkM, f.msg, mustParse(t, f.raw), p), multisig.ErrMerchantSignature)

				b := binding(pkU, pkM, f.raw, f.msg)
				half := mustInverseS(t, concat(f.raw[64:96], merchantScalar(f.raw).FillBytes(make([]byte, 32))))
				pkMOther := recoverOtherKey(t, pkM, b, field(f.raw, fieldAM), merchantScalar(f.raw), p)
				require.NoError(t, ecdsa.VerifyInverseS(pkMOther, b, half, p), "(a_m, t) verifies on B under the recovered key")
				requireOnly(t, multisig.Verify(pkU, pkMOther, f.msg, mustParse(t, f.raw), p), multisig.ErrMerchantSignature)
				requireOnly(t, multisig.Verify(pkUOther, pkMOther, f.msg, mustParse(t, f.raw), p), multisig.ErrMerchantSignature)

				pkMOnMsg := recoverOtherKey(t, pkM, f.msg, field(f.raw, fieldAM), merchantScalar(f.raw), p)
				require.NoError(t, ecdsa.VerifyInverseS(pkMOnMsg, f.msg, half, p), "(a_m, t) verifies on msg under the recovered key")
				requireOnly(t, multisig.Verify(pkU, pkMOnMsg, f.msg, mustParse(t, f.raw), p), multisig.ErrMerchantSignature)
			})

			t.Run("(a_m, t) is the merchant's inverse-s signature on B, not on msg", func(t *testing.T) {
				half := mustInverseS(t, concat(f.raw[64:96], merchantScalar(f.raw).FillBytes(make([]byte, 32))))
				require.NoError(t, ecdsa.VerifyInverseS(pkM, binding(pkU, pkM, f.raw, f.msg), half, p))
				require.ErrorIs(t, ecdsa.VerifyInverseS(pkM, f.msg, half, p), ecdsa.ErrInvalidSignature)
			})
		})
	}
}

func mustParse(t testing.TB, raw []byte) *multisig.Signature {
	t.Helper()
	sig, err := multisig.ParseSignature(raw)
	require.NoError(t, err)
	return sig
}

func TestCompleteVerify(t *testing.T) {
	long := make([]byte, 4096)
	for i := range long {
		long[i] = byte(i * 7)
	}
	msgs := [][]byte{nil, {}, {0}, []byte("abc"), baseMsg, long}
	user := keyFromLabel(t, labelUser1)
	merchant := keyFromLabel(t, labelMerchant1)
	for _, p := range profiles {
		for i, msg := range msgs {
			t.Run(fmt.Sprintf("%s/msg%d", p, i), func(t *testing.T) {
				omega, sig := consume(t, user, merchant, msg, p)
				raw := sig.Bytes()
				require.Len(t, raw, multisig.SignatureSize)
				require.Equal(t, omega.Bytes(), raw[:64], "Σ starts with ω")
				require.Equal(t, omega.Bytes(), sig.UserSignature().Bytes())
				require.Equal(t, refCombined(t, user.Bytes(), merchant.Bytes(), msg, p, nil), raw, "Σ differs from the reference computation of SPEC section 5")

				require.NoError(t, multisig.Verify(user.PublicKey(), merchant.PublicKey(), msg, sig, p))
				parsed, err := multisig.ParseSignature(raw)
				require.NoError(t, err)
				require.Equal(t, raw, parsed.Bytes())
				require.NoError(t, multisig.Verify(user.PublicKey(), merchant.PublicKey(), msg, parsed, p))

				again, err := multisig.Complete(merchant, user.PublicKey(), msg, omega, opts(p))
				require.NoError(t, err)
				require.Equal(t, raw, again.Bytes(), "Complete is deterministic without Rand")
			})
		}
	}
}

// TestHalvesAreStandardECDSA checks both halves against decred's verifier:
// (a_u, s_u⁻¹) is a standard ECDSA signature over H(msg) under pk_u and
// (a_m, t⁻¹) one over H(B) under pk_m, B being the binding message of SPEC
// section 5; (a_u, s_u) and (a_m, t) are inverse-s signatures that package
// ecdsa accepts on msg and B.
func TestHalvesAreStandardECDSA(t *testing.T) {
	digest := func(msg []byte, p ecdsa.Profile) []byte {
		if p == ecdsa.PaperSHA1 {
			h := sha1.Sum(msg)
			return h[:]
		}
		h := sha256.Sum256(msg)
		return h[:]
	}
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			f := newFixture(t, p)
			pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()
			b := refBinding(refPublicKey(f.user.Bytes()), refPublicKey(f.merchant.Bytes()), f.raw[:64], f.msg)
			halves := []struct {
				name string
				pk   *ecdsa.PublicKey
				msg  []byte
				a, s *big.Int
			}{
				{"user", pkU, f.msg, field(f.raw, fieldAU), field(f.raw, fieldSU)},
				{"merchant", pkM, b, field(f.raw, fieldAM), merchantScalar(f.raw)},
			}
			for _, h := range halves {
				t.Run(h.name, func(t *testing.T) {
					half := make([]byte, 64)
					h.a.FillBytes(half[:32])
					h.s.FillBytes(half[32:])
					require.NoError(t, ecdsa.VerifyInverseS(h.pk, h.msg, mustInverseS(t, half), p))

					var r, s secp256k1.ModNScalar
					r.SetByteSlice(h.a.Bytes())
					s.SetByteSlice(new(big.Int).ModInverse(h.s, curveN).Bytes())
					pub, err := secp256k1.ParsePubKey(h.pk.Bytes())
					require.NoError(t, err)
					require.True(t, decred.NewSignature(&r, &s).Verify(digest(h.msg, p), pub))
				})
			}
			require.Len(t, b, 13+33+33+64+len(f.msg))
		})
	}
}

// TestNonceSeparation checks that the merchant's nonce is drawn under its
// own tag, per profile: the merchant key signing B itself with the plain
// inverse-s scheme gets another nonce. Under both profiles the nonce input
// is SHA256(B): one nonce for two different digests e would give away the
// merchant key.
func TestNonceSeparation(t *testing.T) {
	merchant := keyFromLabel(t, labelMerchant1)
	user := keyFromLabel(t, labelUser1)
	am := map[ecdsa.Profile][]byte{}
	for _, p := range profiles {
		_, sig := consume(t, user, merchant, baseMsg, p)
		raw := sig.Bytes()
		am[p] = raw[64:96]
		b := binding(user.PublicKey(), merchant.PublicKey(), raw, baseMsg)
		plain, err := ecdsa.SignInverseS(merchant, b, opts(p))
		require.NoError(t, err)
		require.NotEqual(t, plain.Bytes()[:32], am[p], "%s: the merchant half reuses the inverse-s nonce", p)
		// Same digest, another nonce: both verify on B.
		half := mustInverseS(t, concat(raw[64:96], merchantScalar(raw).FillBytes(make([]byte, 32))))
		require.NoError(t, ecdsa.VerifyInverseS(merchant.PublicKey(), b, half, p))
		require.NoError(t, ecdsa.VerifyInverseS(merchant.PublicKey(), b, plain, p))
	}
	require.NotEqual(t, am[ecdsa.SHA256], am[ecdsa.PaperSHA1], "the two profiles share the merchant's nonce")
}

// TestSMayBeHigh checks that s_m = s_u + t is not held to the low-s rule
// (only s_u and t are) and that it never wraps mod n.
func TestSMayBeHigh(t *testing.T) {
	user := keyFromLabel(t, labelUser1)
	merchant := keyFromLabel(t, labelMerchant1)
	var high, low int
	for i := 0; high == 0 || low == 0; i++ {
		require.Less(t, i, 64, "no s_m on both sides of (n−1)/2 in 64 signatures")
		msg := fmt.Appendf(nil, "ticket %d", i)
		_, sig := consume(t, user, merchant, msg, ecdsa.SHA256)
		raw := sig.Bytes()
		su, sm, tm := field(raw, fieldSU), field(raw, fieldSM), merchantScalar(raw)
		require.Equal(t, 0, new(big.Int).Add(su, tm).Cmp(sm), "s_m wrapped mod n")
		if sm.Cmp(halfN) > 0 {
			high++
		} else {
			low++
		}
		require.NoError(t, parseVerify(user.PublicKey(), merchant.PublicKey(), msg, raw, ecdsa.SHA256))
	}
}

func TestCompleteHedged(t *testing.T) {
	f := newFixture(t, ecdsa.SHA256)
	pkU := f.user.PublicKey()
	extra := sha256.Sum256([]byte("cbets/multisig/test/hedge"))
	tail := []byte("left unread")
	r := bytes.NewReader(concat(extra[:], tail))

	sig, err := multisig.Complete(f.merchant, pkU, f.msg, f.omega, &ecdsa.SignOptions{Rand: r})
	require.NoError(t, err)
	require.Equal(t, len(tail), r.Len(), "Complete must read exactly 32 bytes of hedging randomness")
	require.Equal(t, refCombined(t, f.user.Bytes(), f.merchant.Bytes(), f.msg, ecdsa.SHA256, extra[:]), sig.Bytes())
	require.NotEqual(t, f.raw, sig.Bytes())
	require.Equal(t, f.raw[:64], sig.Bytes()[:64], "hedging changes only σ2")
	require.NoError(t, multisig.Verify(pkU, f.merchant.PublicKey(), f.msg, sig, ecdsa.SHA256))

	// Fresh randomness from crypto/rand.
	g := newFixture(t, ecdsa.PaperSHA1)
	hedged, err := multisig.Complete(g.merchant, g.user.PublicKey(), g.msg, g.omega, &ecdsa.SignOptions{Profile: ecdsa.PaperSHA1, Rand: cryptorand.Reader})
	require.NoError(t, err)
	require.NoError(t, multisig.Verify(g.user.PublicKey(), g.merchant.PublicKey(), g.msg, hedged, ecdsa.PaperSHA1))

	errBroken := errors.New("entropy source broken")
	for name, rd := range map[string]io.Reader{
		"failing reader": iotest.ErrReader(errBroken),
		"short reader":   bytes.NewReader(make([]byte, 31)),
		"empty reader":   bytes.NewReader(nil),
	} {
		t.Run(name, func(t *testing.T) {
			sig, err := multisig.Complete(f.merchant, pkU, f.msg, f.omega, &ecdsa.SignOptions{Rand: rd})
			require.Error(t, err)
			require.Nil(t, sig)
			require.NotErrorIs(t, err, multisig.ErrUserSignature)
			require.NotErrorIs(t, err, multisig.ErrMerchantSignature)
			require.NotErrorIs(t, err, multisig.ErrMalformedSignature)
		})
	}
	_, err = multisig.Complete(f.merchant, pkU, f.msg, f.omega, &ecdsa.SignOptions{Rand: iotest.ErrReader(errBroken)})
	require.ErrorIs(t, err, errBroken)
}

func TestCompleteLeavesInputsAlone(t *testing.T) {
	f := newFixture(t, ecdsa.SHA256)
	skBefore := f.merchant.Bytes()
	omegaBefore := f.omega.Bytes()
	msg := append([]byte(nil), f.msg...)
	for range 2 {
		sig, err := multisig.Complete(f.merchant, f.user.PublicKey(), msg, f.omega, nil)
		require.NoError(t, err)
		require.Equal(t, f.raw, sig.Bytes())
	}
	require.Equal(t, skBefore, f.merchant.Bytes(), "Complete changed the merchant key")
	require.Equal(t, omegaBefore, f.omega.Bytes(), "Complete changed ω")
	require.Equal(t, f.msg, msg, "Complete changed msg")
}

func TestBytesReturnsCopy(t *testing.T) {
	f := newFixture(t, ecdsa.SHA256)
	sig, err := multisig.ParseSignature(f.raw)
	require.NoError(t, err)
	b := sig.Bytes()
	clear(b)
	require.Equal(t, f.raw, sig.Bytes())
	input := append([]byte(nil), f.raw...)
	sig, err = multisig.ParseSignature(input)
	require.NoError(t, err)
	clear(input)
	require.Equal(t, f.raw, sig.Bytes(), "Signature aliases the parsed slice")
	require.NoError(t, multisig.Verify(f.user.PublicKey(), f.merchant.PublicKey(), f.msg, sig, ecdsa.SHA256))
}

// sigFromScalars encodes Σ from four integers, each below 2^256.
func sigFromScalars(au, su, am, sm *big.Int) []byte {
	out := make([]byte, multisig.SignatureSize)
	for i, v := range []*big.Int{au, su, am, sm} {
		v.FillBytes(out[32*i : 32*i+32])
	}
	return out
}

// TestParseSignature checks the ranges of ParseSignature on synthetic
// scalars (parsing does not verify). The "≡" cases are non-canonical
// encodings that a parser reducing mod n would accept as a valid Σ.
func TestParseSignature(t *testing.T) {
	n := curveN
	one, two := big.NewInt(1), big.NewInt(2)
	add := func(a, b *big.Int) *big.Int { return new(big.Int).Add(a, b) }
	sub := func(a, b *big.Int) *big.Int { return new(big.Int).Sub(a, b) }
	nMinus1 := sub(n, one)
	zero := new(big.Int)

	valid := []struct {
		name           string
		au, su, am, sm *big.Int
	}{
		{"smallest: all 1, t = 1", one, one, one, two},
		{"largest: a = n − 1, s_u = t = (n−1)/2, s_m = n − 1", nMinus1, halfN, nMinus1, nMinus1},
		{"s_m above (n−1)/2 is allowed", one, one, one, add(halfN, one)},
		{"s_u = (n−1)/2, t = 1", one, halfN, one, add(halfN, one)},
	}
	for _, tc := range valid {
		t.Run("valid/"+tc.name, func(t *testing.T) {
			raw := sigFromScalars(tc.au, tc.su, tc.am, tc.sm)
			sig, err := multisig.ParseSignature(raw)
			require.NoError(t, err)
			require.Equal(t, raw, sig.Bytes())
			require.Equal(t, raw[:64], sig.UserSignature().Bytes())
		})
	}

	invalid := []struct {
		name           string
		au, su, am, sm *big.Int
	}{
		{"a_u = 0", zero, one, one, two},
		{"a_u = n", n, one, one, two},
		{"a_u = n + 1 (≡ 1)", add(n, one), one, one, two},
		{"a_u = 2^256 − 1", maxU256, one, one, two},
		{"s_u = 0", one, zero, one, one},
		{"s_u = (n+1)/2", one, add(halfN, one), one, add(halfN, two)},
		{"s_u = n − 1", one, nMinus1, one, zero},
		{"s_u = n", one, n, one, one},
		{"s_u = n + 1 (≡ 1)", one, add(n, one), one, two},
		{"a_m = 0", one, one, zero, two},
		{"a_m = n", one, one, n, two},
		{"a_m = n + 1 (≡ 1)", one, one, add(n, one), two},
		{"a_m = 2^256 − 1", one, one, maxU256, two},
		{"s_m = s_u (t = 0)", one, big.NewInt(5), one, big.NewInt(5)},
		{"s_m = 0 (t = n − s_u, high)", one, big.NewInt(5), one, zero},
		{"s_m < s_u (t = n − 2, high)", one, big.NewInt(5), one, big.NewInt(3)},
		{"t = (n+1)/2", one, one, one, add(halfN, two)},
		{"t = n − 1", one, one, one, zero},
		{"s_m = n (≡ 0)", one, one, one, n},
		{"s_m = n + 2 (≡ 2, t = 1)", one, one, one, add(n, two)},
		{"s_m = 2^256 − 1", one, one, one, maxU256},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			sig, err := multisig.ParseSignature(sigFromScalars(tc.au, tc.su, tc.am, tc.sm))
			require.Nil(t, sig)
			requireOnly(t, err, multisig.ErrMalformedSignature)
		})
	}

	f := newFixture(t, ecdsa.SHA256)
	for _, size := range []int{0, 1, 32, 64, 96, 127, 129, 192, 256} {
		t.Run(fmt.Sprintf("length %d", size), func(t *testing.T) {
			b := make([]byte, size)
			copy(b, f.raw)
			sig, err := multisig.ParseSignature(b)
			require.Nil(t, sig)
			requireOnly(t, err, multisig.ErrMalformedSignature)
		})
	}
	sig, err := multisig.ParseSignature(nil)
	require.Nil(t, sig)
	requireOnly(t, err, multisig.ErrMalformedSignature)
}

// A wiped merchant key is a programming error: Complete panics rather than
// sign with a zero scalar.
func TestCompleteZeroedKeyPanics(t *testing.T) {
	user, merchant := keyFromLabel(t, "zeroed/user"), keyFromLabel(t, "zeroed/merchant")
	msg := []byte("invalidate")
	omega, err := ecdsa.SignInverseS(user, msg, nil)
	require.NoError(t, err)
	merchant.Zero()
	require.PanicsWithValue(t, "multisig: Complete: merchant key is the zero value or was wiped by Zero", func() {
		_, _ = multisig.Complete(merchant, user.PublicKey(), msg, omega, nil)
	})
}
