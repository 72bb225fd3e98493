package tax

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks that Parse either fails with one of its documented errors
// or returns an amount that Format writes back in a form Parse reads to the
// same amount, and that Format and Parse round-trip every Amount.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2.99", "3", "-0.01", "+7.50", "", ".", "1.", "92233720368547758.07", "1e3", "0.000"} {
		f.Add(s, uint8(2), int64(299))
	}
	f.Add("9223372036854775808", uint8(0), int64(math.MinInt64))
	f.Add("1.000000000001", uint8(12), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, text string, exp uint8, a int64) {
		sc := Scale{exp: exp % (MaxScaleExponent + 1)}
		got, err := sc.Parse(text)
		if err != nil {
			require.True(t, errors.Is(err, ErrSyntax) || errors.Is(err, ErrPrecision) || errors.Is(err, ErrOverflow), "%q: %v", text, err)
		} else {
			again, err := sc.Parse(sc.Format(got))
			require.NoError(t, err)
			require.Equal(t, got, again)
		}
		back, err := sc.Parse(sc.Format(Amount(a)))
		require.NoError(t, err, "%d at %v", a, sc)
		require.Equal(t, Amount(a), back)
	})
}

// FuzzTax checks the tax properties that hold for every difference: the tax
// matches the math/big oracle, 0 ≤ tax ≤ max(D, 0), the payout is never
// below min(Price, Price'), a discount never raises the tax, the tax never
// falls as D grows for the paper's schedules, and a marginal schedule's
// payout never falls as Price' grows.
func FuzzTax(f *testing.F) {
	f.Add(int64(5000), int64(5300), int64(1501), uint8(0), uint8(2))
	f.Add(int64(0), int64(math.MaxInt64), int64(0), uint8(1), uint8(0))
	f.Add(int64(100), int64(399), int64(2000), uint8(2), uint8(2))
	f.Add(int64(math.MaxInt64), int64(0), int64(math.MinInt64), uint8(3), uint8(12))
	f.Fuzz(func(t *testing.T, price, resale, reputation int64, kind, exp uint8) {
		sc := Scale{exp: exp % (MaxScaleExponent + 1)}
		var s *Schedule
		switch kind % 3 {
		case 0:
			s = Table5(sc)
		case 1:
			s = Table5Marginal(sc)
		default:
			s = Equation41(sc)
		}
		// resale and price on their own reach the whole int64 range; their
		// difference is a valid input when neither is negative.
		diffs := []Amount{Amount(resale), Amount(price)}
		if price >= 0 && resale >= 0 {
			d := Amount(resale) - Amount(price)
			require.Equal(t, oracleTax(s, d, MaxRate), s.Tax(d))
			diffs = append(diffs, d)
		}
		for _, diff := range diffs {
			tax := s.Tax(diff)
			require.GreaterOrEqual(t, tax, Amount(0))
			require.LessOrEqual(t, tax, max(diff, 0))
			if diff < math.MaxInt64 {
				require.GreaterOrEqual(t, s.Tax(diff+1), tax, "tax falls after %d", diff)
				if s.Kind() == Marginal {
					require.GreaterOrEqual(t, diff+1-s.Tax(diff+1), diff-tax, "marginal payout falls after %d", diff)
				}
			}
		}

		st, err := s.SettleDiscounted(Amount(price), Amount(resale), reputation, PaperDiscount())
		if price < 0 || resale < 0 {
			require.ErrorIs(t, err, ErrNegative)
			return
		}
		require.NoError(t, err)
		plain, err := s.Settle(Amount(price), Amount(resale))
		require.NoError(t, err)
		require.LessOrEqual(t, st.Tax, plain.Tax)
		require.Equal(t, st.Resale, st.Tax+st.Payout)
		require.GreaterOrEqual(t, st.Payout, min(st.Price, st.Resale))
		require.GreaterOrEqual(t, st.Payout, Amount(0))
	})
}
