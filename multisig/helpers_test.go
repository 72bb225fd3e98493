package multisig_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/multisig"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// Field indices of Σ = a_u ‖ s_u ‖ a_m ‖ s_m, 32 bytes each.
const (
	fieldAU = iota
	fieldSU
	fieldAM
	fieldSM
)

var (
	curveN   = secp256k1.Params().N
	halfN    = new(big.Int).Rsh(curveN, 1) // (n−1)/2, n being odd
	maxU256  = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	profiles = []ecdsa.Profile{ecdsa.SHA256, ecdsa.PaperSHA1}
)

// Nonce tags of SPEC section 2, spelled out here so that the reference
// implementation below does not share them with the code under test.
const (
	tagUserSHA256     = "CBETS/INVRSS/256"
	tagUserSHA1       = "CBETS/INVRSS/SH1"
	tagMerchantSHA256 = "CBETS/MRCHNT/256"
	tagMerchantSHA1   = "CBETS/MRCHNT/SH1"
)

// Labels of the fixed test keys: each private key is SHA-256(label).
const (
	labelUser1     = "cbets/multisig/test/user/1"
	labelUser2     = "cbets/multisig/test/user/2"
	labelMerchant1 = "cbets/multisig/test/merchant/1"
	labelMerchant2 = "cbets/multisig/test/merchant/2"
)

// baseMsg is the consumption message most tests sign: the encoding of
// (m2, t2) is the ticket package's business, any bytes do here.
var baseMsg = []byte("CB-ETS consume: ticket 0001, gate 7, t2=2019-03-01T10:00:00Z")

// keyFromLabel derives a key as the vector files document.
var keyFromLabel = testkit.KeyFromLabel

func opts(p ecdsa.Profile) *ecdsa.SignOptions {
	return &ecdsa.SignOptions{Profile: p}
}

func otherProfile(p ecdsa.Profile) ecdsa.Profile {
	if p == ecdsa.SHA256 {
		return ecdsa.PaperSHA1
	}
	return ecdsa.SHA256
}

// consume runs the whole flow deterministically: the holder signs ω, the
// merchant completes it into Σ.
func consume(t testing.TB, user, merchant *ecdsa.PrivateKey, msg []byte, p ecdsa.Profile) (*ecdsa.InverseSSignature, *multisig.Signature) {
	t.Helper()
	omega, err := ecdsa.SignInverseS(user, msg, opts(p))
	require.NoError(t, err)
	sig, err := multisig.Complete(merchant, user.PublicKey(), msg, omega, opts(p))
	require.NoError(t, err)
	return omega, sig
}

// parseVerify is what a verifier holding raw bytes does.
func parseVerify(pkU, pkM *ecdsa.PublicKey, msg, raw []byte, p ecdsa.Profile) error {
	sig, err := multisig.ParseSignature(raw)
	if err != nil {
		return err
	}
	return multisig.Verify(pkU, pkM, msg, sig, p)
}

// requireOnly asserts that err wraps want and none of the other sentinels.
func requireOnly(t testing.TB, err, want error) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, want)
	for _, other := range []error{multisig.ErrMalformedSignature, multisig.ErrUserSignature, multisig.ErrMerchantSignature, multisig.ErrSameKey, ecdsa.ErrInvalidPublicKey, ecdsa.ErrInvalidPrivateKey} {
		if other != want {
			require.NotErrorIs(t, err, other)
		}
	}
}

// field returns field i of Σ as an integer.
func field(raw []byte, i int) *big.Int {
	return new(big.Int).SetBytes(raw[32*i : 32*i+32])
}

// withField returns a copy of raw whose field i is v (which must fit in 256 bits).
func withField(raw []byte, i int, v *big.Int) []byte {
	out := append([]byte(nil), raw...)
	v.FillBytes(out[32*i : 32*i+32])
	return out
}

func modN(v *big.Int) *big.Int {
	return new(big.Int).Mod(v, curveN)
}

// merchantScalar returns t = s_m − s_u mod n.
func merchantScalar(raw []byte) *big.Int {
	return modN(new(big.Int).Sub(field(raw, fieldSM), field(raw, fieldSU)))
}

// withT returns a copy of raw whose merchant scalar is t, i.e. with
// s_m = s_u + t mod n.
func withT(raw []byte, t *big.Int) []byte {
	return withField(raw, fieldSM, modN(new(big.Int).Add(field(raw, fieldSU), t)))
}

// withHighSU replaces s_u by n − s_u and adjusts s_m so that t is unchanged:
// (a_u, n − s_u) is the malleated twin of ω, which only the low-s rule
// rejects.
func withHighSU(raw []byte) []byte {
	t := merchantScalar(raw)
	out := withField(raw, fieldSU, new(big.Int).Sub(curveN, field(raw, fieldSU)))
	return withT(out, t)
}

// withHighT replaces t by n − t, the malleated twin of the merchant half.
func withHighT(raw []byte) []byte {
	return withT(raw, new(big.Int).Sub(curveN, merchantScalar(raw)))
}

// rebase moves σ2 onto another ω keeping the merchant scalar t: the result
// is ω' ‖ a_m ‖ (s_u' + t).
func rebase(raw, omega []byte) []byte {
	t := merchantScalar(raw)
	out := append(append([]byte(nil), omega...), raw[64:]...)
	return withT(out, t)
}

func flipByte(b []byte, i int, mask byte) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= mask
	return out
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// refDigest is e = int(H(msg)) mod n.
func refDigest(msg []byte, p ecdsa.Profile) *big.Int {
	if p == ecdsa.PaperSHA1 {
		h := sha1.Sum(msg)
		return modN(new(big.Int).SetBytes(h[:]))
	}
	h := sha256.Sum256(msg)
	return modN(new(big.Int).SetBytes(h[:]))
}

// refInverseS is an independent implementation of SPEC section 4 steps 1–4
// (big.Int arithmetic, decred's RFC 6979 and base-point multiplication):
// it returns (a, s) with s low.
func refInverseS(t testing.TB, sk []byte, msg []byte, p ecdsa.Profile, tag string, extra []byte) (a, s *big.Int) {
	t.Helper()
	h := sha256.Sum256(msg)
	e := refDigest(msg, p)
	k := new(big.Int).SetBytes(sk)
	for iter := uint32(0); iter < 16; iter++ {
		dScalar := secp256k1.NonceRFC6979(sk, h[:], extra, []byte(tag), iter)
		db := dScalar.Bytes()
		d := new(big.Int).SetBytes(db[:])
		a = modN(secp256k1.PrivKeyFromBytes(db[:]).PubKey().X())
		if a.Sign() == 0 {
			continue
		}
		b := modN(new(big.Int).Add(e, new(big.Int).Mul(k, a)))
		if b.Sign() == 0 {
			continue
		}
		s = modN(new(big.Int).Mul(d, new(big.Int).ModInverse(b, curveN)))
		if s.Cmp(halfN) > 0 {
			s.Sub(curveN, s)
		}
		return a, s
	}
	t.Fatal("reference signer found no nonce")
	return nil, nil
}

// refPublicKey is sk·G, compressed, by decred.
func refPublicKey(sk []byte) []byte {
	return secp256k1.PrivKeyFromBytes(sk).PubKey().SerializeCompressed()
}

// refBinding is the message the merchant's half signs (SPEC section 5):
// B = "CBETS/2OF2/v1" ‖ pk_u (33) ‖ pk_m (33) ‖ ω (64) ‖ msg.
func refBinding(pkU, pkM, omega, msg []byte) []byte {
	return concat([]byte("CBETS/2OF2/v1"), pkU, pkM, omega, msg)
}

// refCombined is an independent implementation of SPEC section 5: the
// holder's ω on msg under the inverse-s tag, the merchant's (a_m, t) on B
// under the merchant tag, Σ = a_u ‖ s_u ‖ a_m ‖ (s_u + t mod n). It does
// not refuse one key in both roles.
func refCombined(t testing.TB, skUser, skMerchant, msg []byte, p ecdsa.Profile, extra []byte) []byte {
	t.Helper()
	tagU, tagM := tagUserSHA256, tagMerchantSHA256
	if p == ecdsa.PaperSHA1 {
		tagU, tagM = tagUserSHA1, tagMerchantSHA1
	}
	au, su := refInverseS(t, skUser, msg, p, tagU, nil)
	omega := make([]byte, 64)
	au.FillBytes(omega[:32])
	su.FillBytes(omega[32:])
	b := refBinding(refPublicKey(skUser), refPublicKey(skMerchant), omega, msg)
	am, tm := refInverseS(t, skMerchant, b, p, tagM, extra)
	out := make([]byte, multisig.SignatureSize)
	copy(out, omega)
	am.FillBytes(out[64:96])
	modN(new(big.Int).Add(su, tm)).FillBytes(out[96:128])
	return out
}

// binding returns B for the keys, ω = Σ[:64] and msg.
func binding(pkU, pkM *ecdsa.PublicKey, raw, msg []byte) []byte {
	return refBinding(pkU.Bytes(), pkM.Bytes(), raw[:64], msg)
}

// roleSwap returns (a_m, t) ‖ (a_u, s_u + t): the merchant's half as ω and
// the holder's as σ2, for verification under swapped keys.
func roleSwap(raw []byte) []byte {
	tm := merchantScalar(raw)
	out := make([]byte, multisig.SignatureSize)
	copy(out[:32], raw[64:96])
	tm.FillBytes(out[32:64])
	copy(out[64:96], raw[:32])
	copy(out[96:], raw[96:])
	return out
}

// recoverOtherKey returns a public key other than pk under which the
// inverse-s signature (a, s) verifies on msg: with R = ±(x = a),
// Q = a⁻¹(s⁻¹·R − e·G) (decred's point arithmetic; SEC 1 section 4.1.6
// rewritten for s = b⁻¹). When (a, s) is pk's signature on msg, one of the
// two candidates is pk and the other is returned: an ECDSA signature does
// not pin down its key.
func recoverOtherKey(t testing.TB, pk *ecdsa.PublicKey, msg []byte, a, s *big.Int, p ecdsa.Profile) *ecdsa.PublicKey {
	t.Helper()
	scalar := func(v *big.Int) *secp256k1.ModNScalar {
		var k secp256k1.ModNScalar
		k.SetByteSlice(modN(v).Bytes())
		return &k
	}
	var eG secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(scalar(refDigest(msg, p)), &eG)
	eG.ToAffine()
	eG.Y.Negate(1).Normalize()
	for _, odd := range []bool{false, true} {
		var r, sR, sum, q secp256k1.JacobianPoint
		r.X.SetByteSlice(a.Bytes())
		require.True(t, secp256k1.DecompressY(&r.X, odd, &r.Y), "x = a is not on the curve")
		r.Y.Normalize()
		r.Z.SetInt(1)
		secp256k1.ScalarMultNonConst(scalar(new(big.Int).ModInverse(s, curveN)), &r, &sR)
		secp256k1.AddNonConst(&sR, &eG, &sum)
		secp256k1.ScalarMultNonConst(scalar(new(big.Int).ModInverse(a, curveN)), &sum, &q)
		q.ToAffine()
		other, err := ecdsa.ParsePublicKey(secp256k1.NewPublicKey(&q.X, &q.Y).SerializeCompressed())
		require.NoError(t, err)
		if !other.Equal(pk) {
			return other
		}
	}
	t.Fatal("both recovered keys are pk")
	return nil
}
