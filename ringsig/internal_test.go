package ringsig

// Tests that need the package's unexported fields: values of Signature and
// Tag that neither ParseSignature nor Verify ever produce.

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

func internalFixture(t *testing.T, n int) ([]*ecdsa.PrivateKey, *Ring, *Scope, []byte) {
	t.Helper()
	keys := make([]*ecdsa.PrivateKey, n)
	pubs := make([]*ecdsa.PublicKey, n)
	for i := range keys {
		h := sha256.Sum256(fmt.Appendf(nil, "cbets/ringsig/internal/key/%d", i))
		k, err := ecdsa.ParsePrivateKey(h[:])
		require.NoError(t, err)
		keys[i], pubs[i] = k, k.PublicKey()
	}
	ring, err := NewRing(pubs)
	require.NoError(t, err)
	scope, err := NewScope([]byte("cbets/ringsig/internal/scope"))
	require.NoError(t, err)
	return keys, ring, scope, []byte("cbets/ringsig/internal/msg")
}

// TestVerifyRejectsZeroChallenge hands Verify a signature with c_0 = 0,
// which ParseSignature refuses to build. Verify must name the zero
// challenge: without its check the chain would run on (L_0 = s_0·G,
// R_0 = s_0·h, independent of pk_0 and I) and fail only because it does not
// close, with the generic error.
//
// The intermediate challenges c_1, …, c_{N−1} cannot be made zero in a
// test: each is SHA-256 of data that includes L and R, reduced mod n, and is
// zero only if the digest is 0 or n, a preimage search of about 2^255
// hashes. c_0 is the one challenge the signature carries, hence the one an
// attacker chooses; ParseSignature rejects c_0 = 0 (TestZeroChallenge) and
// Verify's loop repeats the check for every challenge it computes. Sign's
// retry on a zero challenge is unreachable for the same reason.
func TestVerifyRejectsZeroChallenge(t *testing.T) {
	keys, ring, scope, msg := internalFixture(t, 3)
	sig, err := Sign(keys[1], ring, 1, scope, msg, nil)
	require.NoError(t, err)
	_, err = Verify(ring, scope, msg, sig)
	require.NoError(t, err)

	zero := *sig
	zero.s = slices.Clone(sig.s)
	zero.c0.Zero()
	_, err = Verify(ring, scope, msg, &zero)
	require.ErrorIs(t, err, ErrInvalidSignature)
	require.ErrorContains(t, err, "challenge 0 is zero")

	_, err = ParseSignature(zero.Bytes())
	require.ErrorIs(t, err, ErrMalformedSignature)
}

// TestLinkComparesScope: tags with equal key images but different scopes
// do not link. Verify cannot produce such a pair (one key gives different
// images in different scopes, and k·h_A = k'·h_B needs log_{h_B}(h_A)),
// so the tags are built here.
func TestLinkComparesScope(t *testing.T) {
	keys, ring, scope, msg := internalFixture(t, 2)
	sig, err := Sign(keys[0], ring, 0, scope, msg, nil)
	require.NoError(t, err)
	tag, err := Verify(ring, scope, msg, sig)
	require.NoError(t, err)
	require.Equal(t, scope.digest, tag.scope)

	other, err := NewScope([]byte("cbets/ringsig/internal/other-scope"))
	require.NoError(t, err)
	moved := tag
	moved.scope = other.digest
	require.Equal(t, tag.Image(), moved.Image())
	linked, err := Link(tag, moved)
	require.NoError(t, err)
	require.False(t, linked)
	linked, err = Link(tag, tag)
	require.NoError(t, err)
	require.True(t, linked)
}

// TestFillRefusesInfinity: a signing attempt whose chain meets the point at
// infinity is discarded (Sign then takes the next RFC 6979 iterations), as
// the verifier would refuse it. RFC 6979 never yields α = 0, and a response
// from the seed hits −c_i·k_i or −c_i·k with probability 2^-256, so the
// attempts are run here with α and the responses chosen: α = 0 makes
// L_π = αG and R_π = αh infinity; for the member i = π+1, s_i = −c_i·k
// makes R_i = (s_i + c_i·k)·h infinity and s_i = −c_i·k_i makes
// L_i = (s_i + c_i·k_i)·G infinity.
func TestFillRefusesInfinity(t *testing.T) {
	const n, pi = 3, 1
	keys, ring, scope, msg := internalFixture(t, n)
	scalar := func(key *ecdsa.PrivateKey) secp256k1.ModNScalar {
		k, ok := ecc.ParseNonZeroScalar(key.Bytes())
		require.True(t, ok)
		return k
	}
	k, ki := scalar(keys[pi]), scalar(keys[pi+1])
	var alpha, seed secp256k1.ModNScalar
	alpha.SetInt(12345)
	seed.SetInt(67890)

	// c_{π+1} = c(αG, αh), the challenge member π+1 answers.
	var l, r secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&alpha, &l)
	secp256k1.ScalarMultNonConst(&alpha, &scope.h, &r)
	sig := newSignature(n, scope, &k)
	c := chain{prefix: challengePrefix(ring, scope, msg, &sig.imageC)}
	next := c.next(&l, &r)
	minus := func(x *secp256k1.ModNScalar) *secp256k1.ModNScalar {
		var v secp256k1.ModNScalar
		v.Mul2(&next, x).Negate()
		return &v
	}

	var zero secp256k1.ModNScalar
	for _, tc := range []struct {
		name  string
		alpha *secp256k1.ModNScalar
		si    *secp256k1.ModNScalar // response of member π+1, nil: from the seed
		ok    bool
	}{
		{"α and responses from the seed", &alpha, nil, true},
		{"α = 0", &zero, nil, false},
		{"s_{π+1} = −c_{π+1}·k: R_{π+1} = infinity", &alpha, minus(&k), false},
		{"s_{π+1} = −c_{π+1}·k_{π+1}: L_{π+1} = infinity", &alpha, minus(&ki), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig := newSignature(n, scope, &k)
			sig.responses(&seed, pi)
			if tc.si != nil {
				sig.s[pi+1] = *tc.si
			}
			require.Equal(t, tc.ok, sig.fill(ring, scope, &c, pi, tc.alpha, &k))
			if !tc.ok {
				return
			}
			_, err := Verify(ring, scope, msg, sig)
			require.NoError(t, err)
		})
	}
}

// TestFirstSignatureBuildsNoTables: a ring's first signature goes without
// the members' tables; its second signature, or a verification, builds
// them; a ring that has verified signs with them at once.
func TestFirstSignatureBuildsNoTables(t *testing.T) {
	keys, ring, scope, msg := internalFixture(t, 4)
	sig, err := Sign(keys[1], ring, 1, scope, msg, nil)
	require.NoError(t, err)
	require.False(t, ring.built.Load(), "one signature, no tables")
	_, err = Sign(keys[2], ring, 2, scope, msg, nil)
	require.NoError(t, err)
	require.True(t, ring.built.Load(), "the second signature builds them")

	_, verifier, _, _ := internalFixture(t, 4)
	_, err = Verify(verifier, scope, msg, sig)
	require.NoError(t, err)
	require.True(t, verifier.built.Load())
	require.NotNil(t, verifier.signingTables(), "a ring with tables signs with them")
}
