package multisig_test

import (
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/multisig"
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

func BenchmarkDecredSign(b *testing.B) {
	f := newFixture(b, ecdsa.SHA256)
	testkit.DecredSign(b, f.merchant, f.msg)
}

func BenchmarkDecredVerify(b *testing.B) {
	f := newFixture(b, ecdsa.SHA256)
	testkit.DecredVerify(b, f.merchant, f.msg)
}
