package h2c

import (
	"math/big"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// requireOnE checks that p is a finite point of secp256k1.
func requireOnE(t *testing.T, p *secp256k1.JacobianPoint) {
	t.Helper()
	a := affineOf(p)
	require.False(t, a.inf, "point at infinity")
	x, y := bigToField(a.x), bigToField(a.y)
	require.True(t, secp256k1.NewPublicKey(&x, &y).IsOnCurve(), "point not on secp256k1")
}

// requireOnIsoCurve checks that (xn/xd, y) lies on E': y^2 = x^3 + A'x + B'.
func requireOnIsoCurve(t *testing.T, xn, xd, y *secp256k1.FieldVal) {
	t.Helper()
	d := fieldToBig(xd)
	require.NotZero(t, d.Sign(), "x denominator is zero")
	x := refMul(fieldToBig(xn), refInv0(d))
	yb := fieldToBig(y)
	require.Equal(t, 0, refMul(yb, yb).Cmp(refIsoG(x)), "point not on E'")
}

// mapInputs returns the field elements the map tests run on: special values
// and random ones.
func mapInputs(t *testing.T, n int) []secp256k1.FieldVal {
	r := testRand(t)
	pm1 := new(big.Int).Sub(refP, big.NewInt(1))
	in := []secp256k1.FieldVal{
		{},
		*new(secp256k1.FieldVal).SetInt(1),
		*new(secp256k1.FieldVal).SetInt(2),
		bigToField(pm1),
		sswuZ,
	}
	for range n {
		in = append(in, randomField(r))
	}
	return in
}

func TestMapToCurveMatchesReference(t *testing.T) {
	for _, u := range mapInputs(t, 200) {
		before := u
		q := MapToCurve(&u)
		require.Equal(t, before, u, "MapToCurve must not modify u")
		requireOnE(t, &q)

		// Normalized output, as AddNonConst requires.
		for _, c := range []*secp256k1.FieldVal{&q.X, &q.Y, &q.Z} {
			n := *c
			n.Normalize()
			require.Equal(t, n, *c)
		}

		want := refMapToCurve(fieldToBig(&u))
		got := affineOf(&q)
		require.Equal(t, 0, want.x.Cmp(got.x), "u = %s", fieldHex(&u))
		require.Equal(t, 0, want.y.Cmp(got.y), "u = %s", fieldHex(&u))

		// An unnormalized representation of u maps to the same point.
		uu := unnormalized(&u)
		q2 := MapToCurve(&uu)
		require.True(t, q.EquivalentNonConst(&q2))
	}
}

func TestMapToIsoCurve(t *testing.T) {
	for _, u := range mapInputs(t, 200) {
		var xn, xd, y secp256k1.FieldVal
		mapToIsoCurve(&xn, &xd, &y, &u)
		requireOnIsoCurve(t, &xn, &xd, &y)

		// sgn0(y) = sgn0(u) (RFC 9380 section 6.6.2, step 24 of F.2).
		require.Equal(t, sgn0(&u), sgn0(&y), "u = %s", fieldHex(&u))

		want := refSSWU(fieldToBig(&u))
		x := refMul(fieldToBig(&xn), refInv0(fieldToBig(&xd)))
		require.Equal(t, 0, want.x.Cmp(x))
		require.Equal(t, 0, want.y.Cmp(fieldToBig(&y)))
	}
}

// TestExceptionalCase covers Z^2*u^4 + Z*u^2 = 0, where the division in the
// SWU formula is by zero and x1 = B'/(Z*A') instead.  The roots are u = 0 and
// u = ±sqrt(-1/Z) (-1/Z = 1/11 is a square because Z and -1 are non-squares).
func TestExceptionalCase(t *testing.T) {
	root := refSqrt(refNeg(refInv0(refZ)))
	exceptional := map[string]*big.Int{
		"u=0":           big.NewInt(0),
		"u=sqrt(-1/Z)":  root,
		"u=-sqrt(-1/Z)": refNeg(root),
	}
	wantX1 := refMul(refB, refInv0(refMul(refZ, refA)))

	for name, ub := range exceptional {
		t.Run(name, func(t *testing.T) {
			zu2 := refMul(refZ, ub, ub)
			require.Zero(t, refAdd(refMul(zu2, zu2), zu2).Sign(), "not an exceptional input")

			u := bigToField(ub)
			var xn, xd, y secp256k1.FieldVal
			mapToIsoCurve(&xn, &xd, &y, &u)
			requireOnIsoCurve(t, &xn, &xd, &y)
			require.Equal(t, sgn0(&u), sgn0(&y))

			// x' is x1 = B'/(Z*A') or x2 = Z*u^2*x1 (x2 = 0 for u = 0),
			// whichever has a square g(x).
			x := refMul(fieldToBig(&xn), refInv0(fieldToBig(&xd)))
			if refIsSquare(refIsoG(wantX1)) {
				require.Equal(t, 0, x.Cmp(wantX1))
			} else {
				require.Equal(t, 0, x.Cmp(refMul(zu2, wantX1)))
			}

			q := MapToCurve(&u)
			requireOnE(t, &q)
			want := refMapToCurve(ub)
			got := affineOf(&q)
			require.Equal(t, 0, want.x.Cmp(got.x))
			require.Equal(t, 0, want.y.Cmp(got.y))
		})
	}
}

// TestSgn0Choice checks that u and -u map to points of E' with opposite y
// and the same x: the square root is chosen by sgn0(u) alone.
func TestSgn0Choice(t *testing.T) {
	for _, u := range mapInputs(t, 50) {
		if isZeroBit(&u) == 1 {
			continue
		}
		var negU secp256k1.FieldVal
		negU.NegateVal(&u, 1).Normalize()
		require.NotEqual(t, sgn0(&u), sgn0(&negU))

		var xn1, xd1, y1, xn2, xd2, y2 secp256k1.FieldVal
		mapToIsoCurve(&xn1, &xd1, &y1, &u)
		mapToIsoCurve(&xn2, &xd2, &y2, &negU)
		x1 := refMul(fieldToBig(&xn1), refInv0(fieldToBig(&xd1)))
		x2 := refMul(fieldToBig(&xn2), refInv0(fieldToBig(&xd2)))
		require.Equal(t, 0, x1.Cmp(x2))
		if fieldToBig(&y1).Sign() != 0 {
			require.Equal(t, 0, refNeg(fieldToBig(&y1)).Cmp(fieldToBig(&y2)))
			require.Equal(t, sgn0(&u), sgn0(&y1))
			require.Equal(t, sgn0(&negU), sgn0(&y2))
		}
	}
}

func TestSumToAffine(t *testing.T) {
	u := randomField(testRand(t))
	q := MapToCurve(&u)

	// Q + (-Q) is the identity: an error, not a point.
	var negQ secp256k1.JacobianPoint
	negQ.Set(&q)
	negQ.Y.Negate(1).Normalize()
	_, err := sumToAffine(&q, &negQ)
	require.ErrorIs(t, err, ErrIdentity)

	// Q + Q doubles.
	p, err := sumToAffine(&q, &q)
	require.NoError(t, err)
	requireOnE(t, &p)
	want := refAddE(affineOf(&q), affineOf(&q))
	require.Equal(t, 0, want.x.Cmp(fieldToBig(&p.X)))
	require.Equal(t, 0, want.y.Cmp(fieldToBig(&p.Y)))

	// Identity + Q = Q.
	var inf secp256k1.JacobianPoint
	p, err = sumToAffine(&inf, &q)
	require.NoError(t, err)
	require.True(t, p.Z.IsOne())
	require.True(t, p.EquivalentNonConst(&q))
}
