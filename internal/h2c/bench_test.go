package h2c

import (
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// The speed target for hash-to-curve is at most half the time of decred's
// ScalarMultNonConst on a random scalar and point, measured in the same run;
// BenchmarkScalarMultNonConst is that baseline, and BenchmarkRatio reports
// the quotient directly.

var (
	benchMsg  = []byte("mixer session 0123456789abcdef/output slot 7")
	benchDST  = []byte(DST)
	benchSink secp256k1.JacobianPoint
)

// benchScalarAndPoint returns a random scalar and a random affine point.
func benchScalarAndPoint(b *testing.B) (secp256k1.ModNScalar, secp256k1.JacobianPoint) {
	r := testRand(b)
	var kb, pb [32]byte
	for i := range kb {
		kb[i] = byte(r.Uint32())
		pb[i] = byte(r.Uint32())
	}
	var k, pk secp256k1.ModNScalar
	k.SetBytes(&kb)
	pk.SetBytes(&pb)
	var p secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&pk, &p)
	p.ToAffine()
	return k, p
}

func BenchmarkExpandMessageXMD(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ExpandMessageXMD(benchMsg, benchDST, 2*elementLength); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashToField(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HashToField(benchMsg, benchDST, 2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapToCurve(b *testing.B) {
	u := randomField(testRand(b))
	b.ReportAllocs()
	for b.Loop() {
		benchSink = MapToCurve(&u)
	}
}

func BenchmarkHashToCurve(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, err := HashToCurve(benchMsg, benchDST)
		if err != nil {
			b.Fatal(err)
		}
		benchSink = p
	}
}

// BenchmarkScalarMultNonConst is the baseline: decred's variable-time scalar
// multiplication of a random affine point by a random scalar.
func BenchmarkScalarMultNonConst(b *testing.B) {
	k, p := benchScalarAndPoint(b)
	b.ReportAllocs()
	for b.Loop() {
		secp256k1.ScalarMultNonConst(&k, &p, &benchSink)
	}
}

// BenchmarkRatio alternates HashToCurve and ScalarMultNonConst and reports
// the ratio of their total times as "h2c/smul" (target: at most 0.5).
func BenchmarkRatio(b *testing.B) {
	k, p := benchScalarAndPoint(b)
	var h2c, smul time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		q, err := HashToCurve(benchMsg, benchDST)
		t1 := time.Now()
		secp256k1.ScalarMultNonConst(&k, &p, &benchSink)
		t2 := time.Now()
		if err != nil {
			b.Fatal(err)
		}
		benchSink = q
		h2c += t1.Sub(t0)
		smul += t2.Sub(t1)
	}
	b.ReportMetric(float64(h2c)/float64(smul), "h2c/smul")
}
