package ringsig_test

// Benchmarks of the package and, as baselines in the same run, decred's
// ScalarMultNonConst (a random scalar times a random point) and decred's
// ECDSA Verify. The targets are Verify(N) ≤ 1.3·N·DecredVerify and
// NewScope (hash-to-curve) ≤ 0.5·DecredScalarMultNonConst. Run:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./ringsig/ > /tmp/ringsig-bench.txt
//	go run golang.org/x/perf/cmd/benchstat@latest /tmp/ringsig-bench.txt
//
// NewScope includes the precomputed multiples of h that every signature in
// the scope reuses; HashToCurve is hash_to_curve alone.

import (
	"fmt"
	"testing"

	"github.com/cbets/cbets/internal/h2c"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ringsig"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

var benchSizes = []int{2, 16, 64, 128}

func BenchmarkSign(b *testing.B) {
	for _, n := range benchSizes {
		f := newFixture(b, n)
		signer := n / 2
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ringsig.Sign(f.keys[signer], f.ring, signer, f.scope, f.msg, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignOnce is one signature over a ring made for it, as a mixing
// participant signs: NewRing and Sign, without the ring's precomputed
// tables (BenchmarkSign reuses one ring, whose tables every signature after
// the first shares). NewRing alone is part of the figure: it parses the
// keys and hashes the digest.
func BenchmarkSignOnce(b *testing.B) {
	for _, n := range benchSizes {
		f := newFixture(b, n)
		signer := n / 2
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ring, err := ringsig.NewRing(f.pubs)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ringsig.Sign(f.keys[signer], ring, signer, f.scope, f.msg, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, n := range benchSizes {
		f := newFixture(b, n)
		sig := f.sign(b, n/2)
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ringsig.Verify(f.ring, f.scope, f.msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewScope(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ringsig.NewScope(testScope); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashToCurve(b *testing.B) {
	dst := []byte(h2c.DST)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h2c.HashToCurve(testScope, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSignature(b *testing.B) {
	enc := newFixture(b, 16).sign(b, 3).Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ringsig.ParseSignature(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecredScalarMultNonConst(b *testing.B) {
	k, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		b.Fatal(err)
	}
	q, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		b.Fatal(err)
	}
	var p, r secp256k1.JacobianPoint
	q.PubKey().AsJacobian(&p)
	b.ReportAllocs()
	for b.Loop() {
		secp256k1.ScalarMultNonConst(&k.Key, &p, &r)
	}
}

func BenchmarkDecredVerify(b *testing.B) {
	testkit.DecredVerify(b, keyFromLabel(b, "cbets/ringsig/bench/decred"), testMsg)
}
