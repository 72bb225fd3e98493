package testkit

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decred "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

// KeyFromLabel returns the private key whose scalar is SHA-256(label), the
// documented way every vector file derives its keys.
func KeyFromLabel(tb testing.TB, label string) *ecdsa.PrivateKey {
	tb.Helper()
	h := sha256.Sum256([]byte(label))
	k, err := ecdsa.ParsePrivateKey(h[:])
	require.NoError(tb, err, "SHA-256(%q) is not a valid scalar", label)
	return k
}

// SyncGolden writes want to path when update is set; then it requires the
// file to hold exactly want and returns its contents. regenerate is the
// command that rewrites the file, for the failure message.
func SyncGolden(tb testing.TB, path string, want []byte, update bool, regenerate string) []byte {
	tb.Helper()
	if update {
		require.NoError(tb, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(tb, os.WriteFile(path, want, 0o644))
		tb.Logf("wrote %s", path)
	}
	got, err := os.ReadFile(path)
	require.NoError(tb, err, "run: %s", regenerate)
	require.Equal(tb, string(want), string(got), "%s is out of date; run: %s", path, regenerate)
	return got
}

// DecredSign benchmarks decred's standard ecdsa.Sign, the baseline of the
// packages' signers, with key over SHA-256(msg), the hash included in each
// operation as the packages' own signers hash msg.
func DecredSign(b *testing.B, key *ecdsa.PrivateKey, msg []byte) {
	priv := secp256k1.PrivKeyFromBytes(key.Bytes())
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256(msg)
		decred.Sign(priv, h[:])
	}
}

// DecredVerify benchmarks decred's standard ecdsa.Signature.Verify, the
// baseline of the packages' verifiers, hash included.
func DecredVerify(b *testing.B, key *ecdsa.PrivateKey, msg []byte) {
	priv := secp256k1.PrivKeyFromBytes(key.Bytes())
	pub := priv.PubKey()
	h := sha256.Sum256(msg)
	sig := decred.Sign(priv, h[:])
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256(msg)
		if !sig.Verify(h[:], pub) {
			b.Fatal("decred signature does not verify")
		}
	}
}
