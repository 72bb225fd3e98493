package h2c

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// testRand returns a deterministic source so that failures reproduce.
func testRand(t testing.TB) *rand.Rand {
	t.Helper()
	var seed [32]byte
	copy(seed[:], t.Name())
	return rand.New(rand.NewChaCha8(seed))
}

// randomField returns a uniformly distributed normalized field element.
func randomField(r *rand.Rand) secp256k1.FieldVal {
	var b [48]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	var f secp256k1.FieldVal
	fieldFromWide(&f, &b)
	return f
}

// unnormalized returns a representation of f with magnitude 2 whose words
// differ from the normalized ones: f + p, built as (f + 1) + (p - 1).
func unnormalized(f *secp256k1.FieldVal) secp256k1.FieldVal {
	var pm1, r secp256k1.FieldVal
	pm1.SetInt(1).Negate(1) // p - 1 as p + p - 1 words (mag 2)
	r.Set(f).AddInt(1)
	r.Normalize()
	r.Add(&pm1)
	return r
}

func TestFieldConstants(t *testing.T) {
	require.Equal(t, 0, fieldToBig(&sswuZ).Cmp(refZ), "Z = -11")
	require.Equal(t, 0, fieldToBig(&isoA).Cmp(refA))
	require.Equal(t, 0, fieldToBig(&isoB).Cmp(refB), "B' = 1771")

	// c2 = sqrt(-Z).
	c2 := fieldToBig(&sqrtMinusZ)
	require.Equal(t, 0, refMul(c2, c2).Cmp(refNeg(refZ)))

	// 2^256 mod p.
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)
	require.Equal(t, 0, fieldToBig(&twoPow256).Cmp(refMod(two256)))

	// Z is a non-square, as section 6.6.2 requires.
	require.False(t, refIsSquare(refZ))

	// The isogeny coefficients match the reference table.
	for name, f := range map[string]*secp256k1.FieldVal{
		"k10": &isoK10, "k11": &isoK11, "k12": &isoK12, "k13": &isoK13,
		"k20": &isoK20, "k21": &isoK21,
		"k30": &isoK30, "k31": &isoK31, "k32": &isoK32, "k33": &isoK33,
		"k40": &isoK40, "k41": &isoK41, "k42": &isoK42,
	} {
		require.Equal(t, 0, fieldToBig(f).Cmp(refKs[name]), name)
	}
}

// TestIsogenyKernelNotRational backs the claim that MapToCurve never returns
// the point at infinity: x_den = (x - x0)^2 and y_den = (x - x0)^3 vanish only
// at x0, and x0^3 + A'*x0 + B' is not a square, so no point of E' over the
// base field has x-coordinate x0.
func TestIsogenyKernelNotRational(t *testing.T) {
	k := refKs
	x0 := refMul(refNeg(k["k21"]), refInv0(big.NewInt(2)))
	require.Equal(t, 0, refMul(x0, x0).Cmp(k["k20"]), "x_den = (x - x0)^2")
	three := big.NewInt(3)
	require.Equal(t, 0, refMul(refNeg(three), x0).Cmp(k["k42"]), "y_den = (x - x0)^3")
	require.Equal(t, 0, refMul(three, x0, x0).Cmp(k["k41"]))
	require.Equal(t, 0, refNeg(refMul(x0, x0, x0)).Cmp(k["k40"]))
	require.False(t, refIsSquare(refIsoG(x0)))

	// The projective isogeny yields Z = 0 at x0, the identity.
	xn := bigToField(x0)
	var one secp256k1.FieldVal
	one.SetInt(1)
	var p secp256k1.JacobianPoint
	isoMap(&p, &xn, &one, &one)
	require.True(t, p.Z.IsZero())
	require.True(t, p.X.IsZero() && p.Y.IsZero())
}

func TestFieldFromWide(t *testing.T) {
	r := testRand(t)
	pBytes := refP.FillBytes(make([]byte, 48))
	cases := [][48]byte{{}}
	var ones [48]byte
	for i := range ones {
		ones[i] = 0xff
	}
	cases = append(cases, ones, [48]byte(pBytes))
	pm1 := new(big.Int).Sub(refP, big.NewInt(1))
	cases = append(cases, [48]byte(pm1.FillBytes(make([]byte, 48))))
	// Low 32 bytes >= p with the high part zero and nonzero.
	var lowOnes [48]byte
	for i := 16; i < 48; i++ {
		lowOnes[i] = 0xff
	}
	cases = append(cases, lowOnes)
	lowOnes[15] = 1
	cases = append(cases, lowOnes)
	for range 500 {
		var b [48]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		cases = append(cases, b)
	}
	for _, b := range cases {
		var f secp256k1.FieldVal
		fieldFromWide(&f, &b)
		want := refMod(new(big.Int).SetBytes(b[:]))
		require.Equal(t, fieldHex(&f), hexOf(want), "input %x", b)

		// The result is normalized: renormalizing changes nothing.
		g := f
		g.Normalize()
		require.Equal(t, g, f)
	}
}

func hexOf(v *big.Int) string {
	return fieldHex(ptr(bigToField(v)))
}

func ptr[T any](v T) *T { return &v }

func TestPowPMinus3Div4(t *testing.T) {
	r := testRand(t)
	e := new(big.Int).Rsh(new(big.Int).Sub(refP, big.NewInt(3)), 2)
	inputs := []secp256k1.FieldVal{{}, *new(secp256k1.FieldVal).SetInt(1)}
	for range 50 {
		inputs = append(inputs, randomField(r))
	}
	for _, x := range inputs {
		var got secp256k1.FieldVal
		ecc.PowPMinus3Div4(&got, &x)
		want := new(big.Int).Exp(fieldToBig(&x), e, refP)
		require.Equal(t, hexOf(want), fieldHex(&got))

		// An unnormalized input of magnitude 2 gives the same result.
		xu := unnormalized(&x)
		var got2 secp256k1.FieldVal
		ecc.PowPMinus3Div4(&got2, &xu)
		require.Equal(t, fieldHex(&got), fieldHex(&got2))
	}
}

func TestSqrtRatio(t *testing.T) {
	r := testRand(t)
	type pair struct{ u, v secp256k1.FieldVal }
	var one secp256k1.FieldVal
	one.SetInt(1)
	pairs := []pair{{secp256k1.FieldVal{}, one}, {one, one}, {sswuZ, one}}
	for range 100 {
		pairs = append(pairs, pair{randomField(r), randomField(r)})
	}
	for _, pr := range pairs {
		if isZeroBit(&pr.v) == 1 {
			continue
		}
		var y secp256k1.FieldVal
		isQR := sqrtRatio(&y, &pr.u, &pr.v)

		u, v := fieldToBig(&pr.u), fieldToBig(&pr.v)
		ratio := refMul(u, refInv0(v))
		wantQR := refIsSquare(ratio)
		require.Equal(t, wantQR, isQR == 1)

		// y^2 = u/v when u/v is square, Z*u/v otherwise.
		yb := fieldToBig(&y)
		if wantQR {
			require.Equal(t, 0, refMul(yb, yb).Cmp(ratio))
		} else {
			require.Equal(t, 0, refMul(yb, yb).Cmp(refMul(refZ, ratio)))
		}

		// y is normalized.
		yn := y
		yn.Normalize()
		require.Equal(t, yn, y)
	}
}

func TestSgn0(t *testing.T) {
	pm1 := new(big.Int).Sub(refP, big.NewInt(1))
	pm2 := new(big.Int).Sub(refP, big.NewInt(2))
	tests := []struct {
		name string
		v    *big.Int
		want uint32
	}{
		{"zero", big.NewInt(0), 0},
		{"one", big.NewInt(1), 1},
		{"two", big.NewInt(2), 0},
		{"p-1", pm1, 0},
		{"p-2", pm2, 1},
		{"Z", refZ, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := bigToField(tc.v)
			require.Equal(t, tc.want, sgn0(&f))

			// Unnormalized words (value + p) must not change the answer:
			// p is odd, so reading the raw low bit would flip it.
			fu := unnormalized(&f)
			before := fu
			require.Equal(t, tc.want, sgn0(&fu))
			require.Equal(t, before, fu, "sgn0 must not modify its input")
		})
	}

	// p itself, as set from bytes, is zero.
	var p secp256k1.FieldVal
	require.True(t, p.SetByteSlice(refP.Bytes()))
	require.Equal(t, uint32(0), sgn0(&p))
	require.Equal(t, uint32(1), isZeroBit(&p))
}

func TestFieldSelect(t *testing.T) {
	r := testRand(t)
	a, b := randomField(r), randomField(r)
	au := unnormalized(&a)

	var got secp256k1.FieldVal
	fieldSelect(&got, &a, &b, 0)
	require.Equal(t, a, got)
	fieldSelect(&got, &a, &b, 1)
	require.Equal(t, b, got)
	fieldSelect(&got, &au, &b, 0)
	require.Equal(t, au, got, "the selected words are kept as they are")

	// Aliasing the result with either input.
	x, y := a, b
	fieldSelect(&x, &x, &y, 1)
	require.Equal(t, b, x)
	x, y = a, b
	fieldSelect(&y, &x, &y, 0)
	require.Equal(t, a, y)
}

func TestFieldFromHexRejectsBadConstants(t *testing.T) {
	require.Panics(t, func() { fieldFromHex("zz") })
	require.Panics(t, func() { fieldFromHex("01") })
	require.Panics(t, func() { fieldFromHex(refP.Text(16)) })
	require.NotPanics(t, func() { fieldFromHex(new(big.Int).Sub(refP, big.NewInt(1)).Text(16)) })
}
