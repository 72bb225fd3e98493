package h2c

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// naiveExpandXMD transcribes RFC 9380 section 5.3.1 literally, building each
// hash input as one byte string.
func naiveExpandXMD(msg, dst []byte, n int) []byte {
	if len(dst) > 255 {
		h := sha256.Sum256(append([]byte("H2C-OVERSIZE-DST-"), dst...))
		dst = h[:]
	}
	dstPrime := append(append([]byte{}, dst...), byte(len(dst)))
	ell := (n + 31) / 32
	var msgPrime []byte
	msgPrime = append(msgPrime, make([]byte, 64)...)
	msgPrime = append(msgPrime, msg...)
	msgPrime = append(msgPrime, byte(n>>8), byte(n), 0)
	msgPrime = append(msgPrime, dstPrime...)
	b0 := sha256.Sum256(msgPrime)
	b1 := sha256.Sum256(append(append(b0[:], 1), dstPrime...))
	out := append([]byte{}, b1[:]...)
	prev := b1
	for i := 2; i <= ell; i++ {
		in := make([]byte, 32)
		for j := range in {
			in[j] = b0[j] ^ prev[j]
		}
		in = append(append(in, byte(i)), dstPrime...)
		prev = sha256.Sum256(in)
		out = append(out, prev[:]...)
	}
	return out[:n]
}

func TestExpandMessageXMDLengths(t *testing.T) {
	dsts := map[string][]byte{
		"1 byte":    []byte("X"),
		"255 bytes": bytes.Repeat([]byte("d"), 255),
		"256 bytes": []byte(expandLongDST),
		"1000":      bytes.Repeat([]byte{0xa5}, 1000),
	}
	msgs := [][]byte{nil, []byte("abc"), bytes.Repeat([]byte("m"), 200)}
	lengths := []int{1, 2, 31, 32, 33, 47, 48, 63, 64, 65, 96, 127, 128, 255, 256, 1000, 8159, MaxXMDLength}
	for name, dst := range dsts {
		for _, msg := range msgs {
			for _, n := range lengths {
				got, err := ExpandMessageXMD(msg, dst, n)
				require.NoError(t, err)
				require.Equal(t, naiveExpandXMD(msg, dst, n), got, "dst %s, len(msg) %d, len %d", name, len(msg), n)
			}
		}
	}
}

func TestExpandMessageXMDErrors(t *testing.T) {
	tests := []struct {
		name    string
		dst     []byte
		length  int
		wantErr error
	}{
		{"zero length", []byte("D"), 0, ErrOutputLength},
		{"negative length", []byte("D"), -1, ErrOutputLength},
		{"one past maximum", []byte("D"), MaxXMDLength + 1, ErrOutputLength},
		{"2-byte overflow", []byte("D"), 65536, ErrOutputLength},
		{"huge length", []byte("D"), 1 << 40, ErrOutputLength},
		{"nil DST", nil, 32, ErrEmptyDST},
		{"empty DST", []byte{}, 32, ErrEmptyDST},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ExpandMessageXMD([]byte("msg"), tc.dst, tc.length)
			require.ErrorIs(t, err, tc.wantErr)
			require.Nil(t, out)
		})
	}
	require.Equal(t, 8160, MaxXMDLength)
}

// TestOversizeDST checks section 5.3.3: a tag of 256 bytes or more acts as
// its hash, a tag of 255 bytes is used as it is.
func TestOversizeDST(t *testing.T) {
	msg := []byte("abc")
	for _, n := range []int{256, 257, 4096} {
		long := bytes.Repeat([]byte{'t'}, n)
		h := sha256.Sum256(append([]byte("H2C-OVERSIZE-DST-"), long...))
		a, err := ExpandMessageXMD(msg, long, 64)
		require.NoError(t, err)
		b, err := ExpandMessageXMD(msg, h[:], 64)
		require.NoError(t, err)
		require.Equal(t, a, b, "tag of %d bytes", n)
	}
	tag255 := bytes.Repeat([]byte{'t'}, 255)
	h := sha256.Sum256(append([]byte("H2C-OVERSIZE-DST-"), tag255...))
	a, err := ExpandMessageXMD(msg, tag255, 64)
	require.NoError(t, err)
	b, err := ExpandMessageXMD(msg, h[:], 64)
	require.NoError(t, err)
	require.NotEqual(t, a, b, "a 255-byte tag must not be hashed")
}

func TestHashToField(t *testing.T) {
	dst := []byte(DST)
	for _, count := range []int{1, 2, 3, 170} {
		u, err := HashToField([]byte("scope"), dst, count)
		require.NoError(t, err)
		require.Len(t, u, count)
		b, err := ExpandMessageXMD([]byte("scope"), dst, count*48)
		require.NoError(t, err)
		for i := range u {
			want := refMod(new(big.Int).SetBytes(b[i*48 : (i+1)*48]))
			require.Equal(t, hexOf(want), fieldHex(&u[i]), "element %d of %d", i, count)
			n := u[i]
			n.Normalize()
			require.Equal(t, n, u[i], "element must be normalized")
		}
	}
}

func TestHashToFieldErrors(t *testing.T) {
	tests := []struct {
		name    string
		dst     []byte
		count   int
		wantErr error
	}{
		{"zero count", []byte("D"), 0, ErrElementCount},
		{"negative count", []byte("D"), -5, ErrElementCount},
		{"too many", []byte("D"), 171, ErrElementCount},
		{"huge count", []byte("D"), 1 << 40, ErrElementCount},
		{"empty DST", nil, 2, ErrEmptyDST},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := HashToField([]byte("msg"), tc.dst, tc.count)
			require.ErrorIs(t, err, tc.wantErr)
			require.Nil(t, u)
		})
	}
}

func TestHashToCurveErrors(t *testing.T) {
	for _, dst := range [][]byte{nil, {}} {
		p, err := HashToCurve([]byte("msg"), dst)
		require.ErrorIs(t, err, ErrEmptyDST)
		require.True(t, p.Z.IsZero(), "no point on error")
	}
}

// TestHashToCurveRandom is a property test: for random messages and tags the
// result is a finite affine point of secp256k1 equal to the reference.
func TestHashToCurveRandom(t *testing.T) {
	r := testRand(t)
	n := 200
	if testing.Short() {
		n = 20
	}
	for i := range n {
		msg := make([]byte, r.IntN(300))
		for j := range msg {
			msg[j] = byte(r.Uint32())
		}
		dst := []byte(DST)
		if i%4 == 3 {
			dst = make([]byte, 1+r.IntN(400))
			for j := range dst {
				dst[j] = byte(r.Uint32())
			}
		}
		p, err := HashToCurve(msg, dst)
		require.NoError(t, err)
		require.True(t, p.Z.IsOne())
		requireOnE(t, &p)
		want := refHashToCurve(msg, dst)
		require.Equal(t, 0, want.x.Cmp(fieldToBig(&p.X)), "msg %x dst %x", msg, dst)
		require.Equal(t, 0, want.y.Cmp(fieldToBig(&p.Y)), "msg %x dst %x", msg, dst)
	}
}

func TestLibraryDST(t *testing.T) {
	require.Equal(t, "secp256k1_XMD:SHA-256_SSWU_RO_", SuiteID)
	require.Equal(t, "CBETS-V01-CS01-with-secp256k1_XMD:SHA-256_SSWU_RO_", DST)

	// Regression values for the project tag, cross-checked against the
	// math/big reference; any change to them changes every scope base.
	tests := []struct{ msg, x, y string }{
		{
			"",
			"d82c5af86e48e6a50022b83176b66f4c7891f8879d01654b61e180d887b11993",
			"5b6ef8d682ddc41a8bb45bd72c9c0a5c79c9bc296b96a3e3ed5cab57404a406d",
		},
		{
			"session-1/slot-0",
			"f8fccc870749810d242a594fb5d7e913a786d85c6dcdf98e11d0e83616f43536",
			"d488238425d3ce4ce6b63fcd315215da6ebee3dae7dbacaa8b745e33cc71d322",
		},
	}
	for _, tc := range tests {
		p, err := HashToCurve([]byte(tc.msg), []byte(DST))
		require.NoError(t, err)
		ref := refHashToCurve([]byte(tc.msg), []byte(DST))
		require.Equal(t, hex.EncodeToString(ref.x.FillBytes(make([]byte, 32))), fieldHex(&p.X))
		require.Equal(t, hex.EncodeToString(ref.y.FillBytes(make([]byte, 32))), fieldHex(&p.Y))
		require.Equal(t, tc.x, fieldHex(&p.X), "msg %q", tc.msg)
		require.Equal(t, tc.y, fieldHex(&p.Y), "msg %q", tc.msg)
	}
}

// TestDomainSeparation checks that the message and the tag both change the
// point, and that equal inputs give equal points.
func TestDomainSeparation(t *testing.T) {
	a, err := HashToCurve([]byte("scope"), []byte(DST))
	require.NoError(t, err)
	b, err := HashToCurve([]byte("scope"), []byte(DST))
	require.NoError(t, err)
	require.Equal(t, a, b)

	c, err := HashToCurve([]byte("scope"), []byte(rfcSuiteDST))
	require.NoError(t, err)
	require.NotEqual(t, fieldHex(&a.X), fieldHex(&c.X))

	d, err := HashToCurve([]byte("scopf"), []byte(DST))
	require.NoError(t, err)
	require.NotEqual(t, fieldHex(&a.X), fieldHex(&d.X))

	// Moving bytes between the message and the tag changes the point.
	e, err := HashToCurve([]byte(strings.Repeat("s", 2)), []byte("ss"))
	require.NoError(t, err)
	f, err := HashToCurve([]byte("s"), []byte("sss"))
	require.NoError(t, err)
	require.NotEqual(t, fieldHex(&e.X), fieldHex(&f.X))
}
