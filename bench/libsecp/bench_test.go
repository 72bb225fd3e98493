package libsecp

import (
	"crypto/sha256"
	"flag"
	"runtime"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decred "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

var rounds = flag.Int("rounds", 1, "how many times each benchmark runs its implementations in turn")

// benchMsg is the message every implementation signs or verifies; each
// operation includes its SHA-256, as package ecdsa's signers hash the
// message themselves.
var benchMsg = []byte("CB-ETS benchmark message: m2 ‖ t2, 64 bytes long...............")

type impl struct {
	name string
	op   func(b *testing.B)
}

// interleave runs the implementations in turn, -rounds times, as
// sub-benchmarks impl=name.
func interleave(b *testing.B, impls []impl) {
	for range *rounds {
		for _, im := range impls {
			b.Run("impl="+im.name, func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				b.ReportAllocs()
				start := threadCPU()
				im.op(b)
				b.ReportMetric(float64(threadCPU()-start)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

func benchLib(b *testing.B, key *ecdsa.PrivateKey) *lib {
	l, err := newLib()
	require.NoError(b, err)
	b.Cleanup(l.close)
	l.setKey(key.Bytes())
	return l
}

func BenchmarkSign(b *testing.B) {
	key := testkit.KeyFromLabel(b, "cbets/bench/libsecp/key")
	priv := secp256k1.PrivKeyFromBytes(key.Bytes())
	l := benchLib(b, key)
	interleave(b, []impl{
		{"libsecp", func(b *testing.B) {
			for b.Loop() {
				h := sha256.Sum256(benchMsg)
				l.setDigest(&h)
				if !l.sign() {
					b.Fatal("secp256k1_ecdsa_sign failed")
				}
			}
		}},
		{"decred", func(b *testing.B) {
			for b.Loop() {
				h := sha256.Sum256(benchMsg)
				decred.Sign(priv, h[:])
			}
		}},
		{"cbets-rbound", func(b *testing.B) {
			for b.Loop() {
				if _, err := ecdsa.SignRBound(key, benchMsg, nil); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"cbets-inverses", func(b *testing.B) {
			for b.Loop() {
				if _, err := ecdsa.SignInverseS(key, benchMsg, nil); err != nil {
					b.Fatal(err)
				}
			}
		}},
	})
}

func BenchmarkVerify(b *testing.B) {
	key := testkit.KeyFromLabel(b, "cbets/bench/libsecp/key")
	pub := key.PublicKey()
	priv := secp256k1.PrivKeyFromBytes(key.Bytes())
	dpub := priv.PubKey()
	h := sha256.Sum256(benchMsg)
	dsig := decred.Sign(priv, h[:])
	l := benchLib(b, key)
	l.setDigest(&h)
	require.True(b, l.sign())
	rs, ok := l.compact()
	require.True(b, ok)
	require.True(b, l.setSignature(&rs, pub.Bytes()))
	rb, err := ecdsa.SignRBound(key, benchMsg, nil)
	require.NoError(b, err)
	is, err := ecdsa.SignInverseS(key, benchMsg, nil)
	require.NoError(b, err)
	interleave(b, []impl{
		{"libsecp", func(b *testing.B) {
			for b.Loop() {
				h := sha256.Sum256(benchMsg)
				l.setDigest(&h)
				if !l.verify() {
					b.Fatal("libsecp256k1 signature does not verify")
				}
			}
		}},
		{"decred", func(b *testing.B) {
			for b.Loop() {
				h := sha256.Sum256(benchMsg)
				if !dsig.Verify(h[:], dpub) {
					b.Fatal("decred signature does not verify")
				}
			}
		}},
		{"cbets-rbound", func(b *testing.B) {
			for b.Loop() {
				if err := ecdsa.VerifyRBound(pub, benchMsg, rb, ecdsa.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"cbets-inverses", func(b *testing.B) {
			for b.Loop() {
				if err := ecdsa.VerifyInverseS(pub, benchMsg, is, ecdsa.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		}},
	})
}
