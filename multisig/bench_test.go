package multisig_test

import (
	"crypto/sha256"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decred "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// The decred benchmarks are the baselines: Complete is one inverse-s
// verification (of ω) and one signing, Verify is two verifications, so
// expect about Sign + Verify and 2 × Verify of decred's standard ECDSA.

func BenchmarkComplete(b *testing.B) {
	f := newFixture(b, ecdsa.SHA256)
	pkU := f.user.PublicKey()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := multisig.Complete(f.merchant, pkU, f.msg, f.omega, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	f := newFixture(b, ecdsa.SHA256)
	pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()
	sig, err := multisig.ParseSignature(f.raw)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := multisig.Verify(pkU, pkM, f.msg, sig, ecdsa.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSignature(b *testing.B) {
	f := newFixture(b, ecdsa.SHA256)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := multisig.ParseSignature(f.raw); err != nil {
			b.Fatal(err)
		}
	}
}

func decredKey(b *testing.B) (*secp256k1.PrivateKey, []byte) {
	f := newFixture(b, ecdsa.SHA256)
	h := sha256.Sum256(f.msg)
	return secp256k1.PrivKeyFromBytes(f.merchant.Bytes()), h[:]
}

func BenchmarkDecredSign(b *testing.B) {
	key, hash := decredKey(b)
	b.ReportAllocs()
	for b.Loop() {
		decred.Sign(key, hash)
	}
}

func BenchmarkDecredVerify(b *testing.B) {
	key, hash := decredKey(b)
	sig := decred.Sign(key, hash)
	pub := key.PubKey()
	b.ReportAllocs()
	for b.Loop() {
		if !sig.Verify(hash, pub) {
			b.Fatal("decred signature does not verify")
		}
	}
}
