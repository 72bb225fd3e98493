package tax

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSettle(t *testing.T) {
	cents := mustScale(t, 100)
	s := Table5(cents)
	tests := []struct {
		name          string
		price, resale Amount
		tax           Amount
		err           error
	}{
		{"resold at cost", 5000, 5000, 0, nil},
		{"resold at a loss", 5000, 4000, 0, nil},
		{"free ticket resold free", 0, 0, 0, nil},
		{"free ticket resold", 0, 300, 159, nil},
		{"3 coins over", 5000, 5300, 159, nil},
		{"3.01 coins over", 5000, 5301, 181, nil},
		{"200 coins over", 5000, 25000, 19000, nil},
		{"largest resale", 0, math.MaxInt64, 8762203435012037017, nil},
		{"largest price", math.MaxInt64, 0, 0, nil},
		{"negative price", -1, 100, 0, ErrNegative},
		{"negative resale", 100, -1, 0, ErrNegative},
		{"most negative price", math.MinInt64, 0, 0, ErrNegative},
	}
	for _, tc := range tests {
		st, err := s.Settle(tc.price, tc.resale)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		require.Equal(t, Settlement{
			Price: tc.price, Resale: tc.resale, Difference: tc.resale - tc.price,
			Tax: tc.tax, Payout: tc.resale - tc.tax,
		}, st, tc.name)
		require.GreaterOrEqual(t, st.Payout, min(tc.price, tc.resale), tc.name)
	}
}

func TestDiscount(t *testing.T) {
	d := PaperDiscount()
	require.Equal(t, int64(1500), d.Threshold())
	require.Equal(t, 80*Percent, d.Charged())
	require.False(t, d.Applies(1500), "the paper says more than 1500")
	require.True(t, d.Applies(1501))
	require.False(t, d.Applies(-1))

	var zero Discount
	require.False(t, zero.Applies(math.MaxInt64))
	require.Equal(t, MaxRate, zero.Charged())

	custom, err := NewDiscount(-10, 0)
	require.NoError(t, err)
	require.True(t, custom.Applies(0))
	require.Equal(t, Rate(0), custom.Charged())

	full, err := NewDiscount(0, MaxRate)
	require.NoError(t, err)
	require.False(t, full.Applies(1), "charging 100% is no discount")

	for _, bad := range []Rate{MaxRate + 1, 65535} {
		_, err := NewDiscount(1500, bad)
		require.ErrorIs(t, err, ErrRate)
	}
}

func TestSettleDiscounted(t *testing.T) {
	cents := mustScale(t, 100)
	d := PaperDiscount()
	tests := []struct {
		name       string
		s          *Schedule
		diff       Amount
		reputation int64
		tax        Amount
		discounted bool
	}{
		// 0.53 · 0.8 = 0.424 rounds to 0; rounding twice would give 1.
		{"single rounding", Table5(cents), 1, 1501, 0, true},
		{"no discount at 1500", Table5(cents), 1, 1500, 1, false},
		{"3 coins", Table5(cents), 300, 2000, 127, true},          // 159 · 0.8 = 127.2
		{"3.01 coins", Table5(cents), 301, 2000, 144, true},       // 180.6 · 0.8 = 144.48
		{"marginal", Table5Marginal(cents), 301, 2000, 128, true}, // 159.6 · 0.8 = 127.68
		{"quadratic", Equation41(cents), 299, 2000, 179, true},    // 223.5025 · 0.8 = 178.802
		{"quadratic cap", Equation41(cents), 1000, 2000, 800, true},
		{"no difference", Table5(cents), 0, 2000, 0, true},
	}
	for _, tc := range tests {
		st, err := tc.s.SettleDiscounted(1000, 1000+tc.diff, tc.reputation, d)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.tax, st.Tax, tc.name)
		require.Equal(t, tc.discounted, st.Discounted, tc.name)
		require.Equal(t, st.Resale-st.Tax, st.Payout, tc.name)
		require.Equal(t, oracleTax(tc.s, tc.diff, chargedFor(d, tc.reputation)), st.Tax, tc.name)
	}
	_, err := Table5(cents).SettleDiscounted(-1, 0, 2000, d)
	require.ErrorIs(t, err, ErrNegative)
}

func chargedFor(d Discount, reputation int64) Rate {
	if d.Applies(reputation) {
		return d.Charged()
	}
	return MaxRate
}
