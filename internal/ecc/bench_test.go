package ecc

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Benchmarks of the field and point layers, for profiling the engine (the
// verifiers' own benchmarks live in their packages).

func BenchmarkFeMul(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := randFe(rng), randFe(rng)
	for b.Loop() {
		feMul(&x, &x, &y)
	}
}

func BenchmarkFeSqr(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randFe(rng)
	for b.Loop() {
		feSqr(&x, &x)
	}
}

func BenchmarkFeInv(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randFe(rng)
	for b.Loop() {
		feInv(&x, &x)
	}
}

func benchPoint() jac {
	var g secp256k1.JacobianPoint
	var k secp256k1.ModNScalar
	k.SetInt(12345)
	secp256k1.ScalarBaseMultNonConst(&k, &g)
	return jacFromPoint(&g)
}

func BenchmarkDouble(b *testing.B) {
	p := benchPoint()
	for b.Loop() {
		p.double(&p)
	}
}

func BenchmarkAddAff(b *testing.B) {
	p := benchPoint()
	a := baseTables[0].pts[0][5]
	for b.Loop() {
		p.addAff(&p, &a, false)
	}
}

func BenchmarkMulAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	u1, u2, c := randScalar(rng), randScalar(rng), randScalar(rng)
	var q secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&c, &q)
	q.ToAffine()
	for b.Loop() {
		MulAdd(&u1, &u2, &q)
	}
}

// BenchmarkRingMember mirrors one member of a ring verification: L = s·G + c·P
// and R = s·h + c·I from split tables, then both to affine form.
func BenchmarkRingMember(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 3))
	pts := make([]secp256k1.JacobianPoint, 3)
	for i := range pts {
		k := randScalar(rng)
		secp256k1.ScalarBaseMultNonConst(&k, &pts[i])
		pts[i].ToAffine()
	}
	member := NewAffineTables(pts[:1], 5, true)[0]
	shared := NewAffineTables(pts[1:], 7, true)
	s, c := randScalar(rng), randScalar(rng)
	for b.Loop() {
		l := MulAddTable(&s, &c, member)
		r := MulAddTables(&s, shared[0], &c, shared[1])
		ToAffinePair(&l, &r)
	}
}

func BenchmarkScalarBaseMult(b *testing.B) {
	k := benchScalar()
	var r secp256k1.JacobianPoint
	b.ReportAllocs()
	for b.Loop() {
		ScalarBaseMult(&k, &r)
	}
}

func BenchmarkScalarBaseMultDecred(b *testing.B) {
	k := benchScalar()
	var r secp256k1.JacobianPoint
	b.ReportAllocs()
	for b.Loop() {
		secp256k1.ScalarBaseMultNonConst(&k, &r)
		r.ToAffine()
	}
}

func BenchmarkInverseModN(b *testing.B) {
	k := benchScalar()
	b.ReportAllocs()
	for b.Loop() {
		k = InverseModN(&k)
	}
}

func BenchmarkInverseModNVar(b *testing.B) {
	k := benchScalar()
	b.ReportAllocs()
	for b.Loop() {
		k = InverseModNVar(&k)
	}
}

func BenchmarkInverseModNDecred(b *testing.B) {
	k := benchScalar()
	b.ReportAllocs()
	for b.Loop() {
		k.InverseNonConst()
	}
}

func BenchmarkFeInvCT(b *testing.B) {
	x := fe{1, 2, 3, 4}
	for b.Loop() {
		feInvCT(&x, &x)
	}
}

func BenchmarkFeInvVar(b *testing.B) {
	x := fe{1, 2, 3, 4}
	for b.Loop() {
		feInvVar(&x, &x)
	}
}

func benchScalar() secp256k1.ModNScalar {
	var k secp256k1.ModNScalar
	k.SetByteSlice([]byte("cbets ecc benchmark scalar 12345"))
	return k
}
