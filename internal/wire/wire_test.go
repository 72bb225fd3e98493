package wire

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func sample() []byte {
	w := NewBuilder("CBETS/test")
	w.U8(7)
	w.U32(0x01020304)
	w.U64(0x0102030405060708)
	w.I64(-2)
	w.Fixed([]byte{0xaa, 0xbb})
	w.Var([]byte("var"))
	w.String("")
	return w.Bytes()
}

func TestRoundTrip(t *testing.T) {
	b := sample()
	require.Equal(t, []byte{0, 0, 0, 10}, b[:4], "the domain is a variable field")
	r := NewReader(b, "CBETS/test")
	require.Equal(t, uint8(7), r.U8())
	require.Equal(t, uint32(0x01020304), r.U32())
	require.Equal(t, uint64(0x0102030405060708), r.U64())
	require.Equal(t, int64(-2), r.I64())
	require.Equal(t, []byte{0xaa, 0xbb}, r.Fixed(2))
	require.Equal(t, []byte("var"), r.Var(3))
	require.Equal(t, "", r.String(0))
	require.NoError(t, r.Done())
}

func TestReaderErrors(t *testing.T) {
	b := sample()
	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"every truncation", func() error {
			for n := range len(b) {
				r := NewReader(b[:n], "CBETS/test")
				r.U8()
				r.U32()
				r.U64()
				r.I64()
				r.Fixed(2)
				r.Var(3)
				r.String(0)
				if err := r.Done(); !errors.Is(err, ErrShort) {
					return errors.New("truncation not reported")
				}
			}
			return ErrShort
		}, ErrShort},
		{"trailing byte", func() error {
			r := NewReader(append(bytes.Clone(b), 0), "CBETS/test")
			r.U8()
			r.U32()
			r.U64()
			r.I64()
			r.Fixed(2)
			r.Var(3)
			r.String(0)
			return r.Done()
		}, ErrTrailing},
		{"field over its limit", func() error {
			r := NewReader(b, "CBETS/test")
			r.U8()
			r.U32()
			r.U64()
			r.I64()
			r.Fixed(2)
			r.Var(2)
			return r.Err()
		}, ErrTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.run(), tc.want)
		})
	}
	r := NewReader(b, "CBETS/other")
	require.Error(t, r.Err(), "wrong domain")
	require.Zero(t, r.U64(), "reads after an error return zero")
	r = NewReader(b, "CBETS/test")
	r.Fail(errors.New("first"))
	r.Fail(errors.New("second"))
	require.EqualError(t, r.Err(), "first")
}

// FuzzReader: any input yields values or an error, never a panic, and an
// input read to the end without error re-encodes to itself.
func FuzzReader(f *testing.F) {
	f.Add(sample())
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 10})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b, "CBETS/test")
		v8, v32, v64, i64 := r.U8(), r.U32(), r.U64(), r.I64()
		fixed, v, s := r.Fixed(2), r.Var(64), r.String(64)
		if r.Done() != nil {
			return
		}
		w := NewBuilder("CBETS/test")
		w.U8(v8)
		w.U32(v32)
		w.U64(v64)
		w.I64(i64)
		w.Fixed(fixed)
		w.Var(v)
		w.String(s)
		require.Equal(t, b, w.Bytes())
	})
}
