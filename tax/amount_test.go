package tax

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustScale(t testing.TB, units int64) Scale {
	t.Helper()
	s, err := NewScale(units)
	require.NoError(t, err)
	return s
}

func TestNewScale(t *testing.T) {
	for e := range MaxScaleExponent + 1 {
		u := pow10(uint8(e))
		s, err := NewScale(u)
		require.NoError(t, err)
		require.Equal(t, u, s.UnitsPerCoin())
		require.Equal(t, e, s.Decimals())
	}
	for _, bad := range []int64{0, -1, -100, 2, 3, 99, 101, 250, 1e13, 1e18, math.MaxInt64, math.MinInt64} {
		_, err := NewScale(bad)
		require.ErrorIs(t, err, ErrScale, "units %d", bad)
	}
	var zero Scale
	require.Equal(t, int64(1), zero.UnitsPerCoin(), "the zero Scale counts whole coins")
	require.Equal(t, "100 units per coin", mustScale(t, 100).String())
}

func TestCoins(t *testing.T) {
	cents := mustScale(t, 100)
	tests := []struct {
		scale Scale
		n     int64
		want  Amount
		err   error
	}{
		{cents, 0, 0, nil},
		{cents, 3, 300, nil},
		{cents, -3, -300, nil},
		{cents, math.MaxInt64 / 100, math.MaxInt64 / 100 * 100, nil},
		{cents, math.MaxInt64/100 + 1, 0, ErrOverflow},
		{cents, math.MinInt64/100 - 1, 0, ErrOverflow},
		{Scale{}, math.MaxInt64, math.MaxInt64, nil},
		{Scale{}, math.MinInt64, math.MinInt64, nil},
		{mustScale(t, 1e12), 9_223_372, 9_223_372_000_000_000_000, nil},
		{mustScale(t, 1e12), 9_223_373, 0, ErrOverflow},
	}
	for _, tc := range tests {
		got, err := tc.scale.Coins(tc.n)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, "%d coins at %v", tc.n, tc.scale)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
}

func TestParseFormat(t *testing.T) {
	cents := mustScale(t, 100)
	milli := mustScale(t, 1000)
	tests := []struct {
		scale Scale
		text  string
		want  Amount
		err   error
		canon string // Format of the result, if different from text
	}{
		{cents, "2.99", 299, nil, ""},
		{cents, "3", 300, nil, "3.00"},
		{cents, "3.0", 300, nil, "3.00"},
		{cents, "3.01", 301, nil, ""},
		{cents, "0.01", 1, nil, ""},
		{cents, "0", 0, nil, "0.00"},
		{cents, "-0", 0, nil, "0.00"},
		{cents, "+1.5", 150, nil, "1.50"},
		{cents, "-2.5", -250, nil, "-2.50"},
		{cents, "007.10", 710, nil, "7.10"},
		{cents, "1.230000000000000000000", 123, nil, "1.23"},
		{cents, "92233720368547758.07", math.MaxInt64, nil, ""},
		{cents, "-92233720368547758.08", math.MinInt64, nil, ""},
		{cents, "92233720368547758.08", 0, ErrOverflow, ""},
		{cents, "-92233720368547758.09", 0, ErrOverflow, ""},
		{cents, "92233720368547759", 0, ErrOverflow, ""},
		{cents, "99999999999999999999999", 0, ErrOverflow, ""},
		{Scale{}, "9223372036854775807", math.MaxInt64, nil, ""},
		{Scale{}, "9223372036854775808", 0, ErrOverflow, ""},
		{Scale{}, "-9223372036854775808", math.MinInt64, nil, ""},
		{Scale{}, "12.000", 12, nil, "12"},
		{Scale{}, "12.5", 0, ErrPrecision, ""},
		{cents, "2.999", 0, ErrPrecision, ""},
		{cents, "0.001", 0, ErrPrecision, ""},
		{milli, "2.999", 2999, nil, ""},
		{cents, "", 0, ErrSyntax, ""},
		{cents, "-", 0, ErrSyntax, ""},
		{cents, "+", 0, ErrSyntax, ""},
		{cents, ".5", 0, ErrSyntax, ""},
		{cents, "5.", 0, ErrSyntax, ""},
		{cents, "1.2.3", 0, ErrSyntax, ""},
		{cents, "1,5", 0, ErrSyntax, ""},
		{cents, " 1", 0, ErrSyntax, ""},
		{cents, "1 ", 0, ErrSyntax, ""},
		{cents, "1e3", 0, ErrSyntax, ""},
		{cents, "1_000", 0, ErrSyntax, ""},
		{cents, "--1", 0, ErrSyntax, ""},
		{cents, "0x10", 0, ErrSyntax, ""},
		{cents, "١", 0, ErrSyntax, ""},
	}
	for _, tc := range tests {
		got, err := tc.scale.Parse(tc.text)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, "%q", tc.text)
			continue
		}
		require.NoError(t, err, "%q", tc.text)
		require.Equal(t, tc.want, got, "%q", tc.text)
		canon := tc.canon
		if canon == "" {
			canon = tc.text
		}
		require.Equal(t, canon, tc.scale.Format(got))
	}
}
