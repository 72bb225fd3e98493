package h2c

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzHashToCurve checks that HashToCurve never panics, fails only on an
// empty tag, and otherwise returns a finite affine point of secp256k1 equal
// to the math/big reference.
func FuzzHashToCurve(f *testing.F) {
	for _, v := range hashToCurveVectors {
		f.Add([]byte(v.msg), []byte(rfcSuiteDST))
	}
	f.Add([]byte("scope"), []byte(DST))
	f.Add([]byte{}, []byte{})
	f.Add([]byte{0}, []byte(expandLongDST))

	f.Fuzz(func(t *testing.T, msg, dst []byte) {
		p, err := HashToCurve(msg, dst)
		if len(dst) == 0 {
			require.ErrorIs(t, err, ErrEmptyDST)
			return
		}
		require.NoError(t, err)
		require.True(t, p.Z.IsOne())
		requireOnE(t, &p)
		want := refHashToCurve(msg, dst)
		require.Equal(t, 0, want.x.Cmp(fieldToBig(&p.X)))
		require.Equal(t, 0, want.y.Cmp(fieldToBig(&p.Y)))
	})
}

// FuzzExpandMessageXMD compares ExpandMessageXMD with a literal transcription
// of RFC 9380 section 5.3.1 and checks the argument errors.
func FuzzExpandMessageXMD(f *testing.F) {
	f.Add([]byte("abc"), []byte(expandShortDST), 32)
	f.Add([]byte(""), []byte(expandLongDST), 128)
	f.Add([]byte("x"), []byte("D"), 0)
	f.Add([]byte("x"), []byte(""), 7)
	f.Add([]byte("x"), []byte("D"), MaxXMDLength+1)

	f.Fuzz(func(t *testing.T, msg, dst []byte, n int) {
		out, err := ExpandMessageXMD(msg, dst, n)
		switch {
		case len(dst) == 0:
			require.ErrorIs(t, err, ErrEmptyDST)
		case n < 1 || n > MaxXMDLength:
			require.ErrorIs(t, err, ErrOutputLength)
		default:
			require.NoError(t, err)
			require.Equal(t, naiveExpandXMD(msg, dst, n), out)
		}
	})
}
