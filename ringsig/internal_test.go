package ringsig

// Tests that need the package's unexported fields: values of Signature and
// Tag that neither ParseSignature nor Verify ever produce.

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"

	"github.com/cbets/cbets/ecdsa"
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
	require.False(t, Link(tag, moved))
	require.True(t, Link(tag, tag))
}
