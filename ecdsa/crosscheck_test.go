package ecdsa_test

// Cross-checks against decred's standard ECDSA (SPEC section 4, last
// paragraph): an inverse-s signature (a, s) is the standard signature
// (a, s⁻¹) over the same digest, and an R-bound signature (R, s) is the
// standard signature (x(R) mod n, s) over e = H(msg ‖ x32 ‖ y32).

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	dcrecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

func decredPub(t testing.TB, pub *ecdsa.PublicKey) *secp256k1.PublicKey {
	t.Helper()
	dp, err := secp256k1.ParsePubKey(pub.Bytes())
	require.NoError(t, err)
	return dp
}

func scalarOf(t testing.TB, v *big.Int) secp256k1.ModNScalar {
	t.Helper()
	var s secp256k1.ModNScalar
	require.False(t, s.SetByteSlice(be32(v)), "scalar %x overflows", v)
	return s
}

func crossCheckCases(t testing.TB) []struct {
	key *ecdsa.PrivateKey
	msg []byte
} {
	n := 24
	if testing.Short() {
		n = 8
	}
	out := make([]struct {
		key *ecdsa.PrivateKey
		msg []byte
	}, n)
	for i := range out {
		out[i].key = keyFromLabel(t, fmt.Sprintf("cbets/ecdsa/test/cross/%d", i))
		out[i].msg = []byte(fmt.Sprintf("cross-check message %d", i))
	}
	out[0].key = keyFromInt(t, bigOne)
	out[1].key = keyFromInt(t, new(big.Int).Sub(curveN, bigOne))
	out[2].msg = nil
	return out
}

func TestInverseSVerifiesUnderDecred(t *testing.T) {
	for _, p := range profiles {
		for i, c := range crossCheckCases(t) {
			sig, err := ecdsa.SignInverseS(c.key, c.msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			b := sig.Bytes()
			a, s := new(big.Int).SetBytes(b[:32]), new(big.Int).SetBytes(b[32:])
			r, sStd := scalarOf(t, a), scalarOf(t, invN(s))
			std := dcrecdsa.NewSignature(&r, &sStd)
			hash := hashProfile(p, c.msg)
			dp := decredPub(t, c.key.PublicKey())
			require.True(t, std.Verify(hash, dp), "%s case %d", p, i)
			// The negated standard s verifies too (decred does not
			// require low s), and another digest does not.
			sNeg := scalarOf(t, negN(invN(s)))
			require.True(t, dcrecdsa.NewSignature(&r, &sNeg).Verify(hash, dp))
			require.False(t, std.Verify(hashProfile(otherProfile(p), c.msg), dp))
		}
	}
}

func TestDecredSignatureVerifiesAsInverseS(t *testing.T) {
	for i, c := range crossCheckCases(t) {
		dk := secp256k1.PrivKeyFromBytes(c.key.Bytes())
		hash := sha256.Sum256(c.msg)
		std := dcrecdsa.Sign(dk, hash[:])
		r, s := std.R(), std.S()
		rb, sb := r.Bytes(), s.Bytes()
		sInv := invN(new(big.Int).SetBytes(sb[:]))
		if sInv.Cmp(halfN) > 0 {
			sInv = negN(sInv)
		}
		sig, err := ecdsa.ParseInverseSSignature(cat(rb[:], be32(sInv)))
		require.NoError(t, err)
		require.NoError(t, ecdsa.VerifyInverseS(c.key.PublicKey(), c.msg, sig, ecdsa.SHA256), "case %d", i)
		require.ErrorIs(t, ecdsa.VerifyInverseS(c.key.PublicKey(), c.msg, sig, ecdsa.PaperSHA1), ecdsa.ErrInvalidSignature)
	}
}

func TestRBoundVerifiesUnderDecred(t *testing.T) {
	for _, p := range profiles {
		for i, c := range crossCheckCases(t) {
			sig, err := ecdsa.SignRBound(c.key, c.msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			b := sig.Bytes()
			R := mustPointWithX(t, new(big.Int).SetBytes(b[1:33]), b[0] == 0x03)
			e := rboundDigest(p, c.msg, R)
			r, s := scalarOf(t, modN(R.x)), scalarOf(t, new(big.Int).SetBytes(b[33:]))
			std := dcrecdsa.NewSignature(&r, &s)
			dp := decredPub(t, c.key.PublicKey())
			require.True(t, std.Verify(be32(e), dp), "%s case %d", p, i)
			// e binds R: the digest of msg alone does not verify.
			require.False(t, std.Verify(hashProfile(p, c.msg), dp))
		}
	}
}
