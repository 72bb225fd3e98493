package tax

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNotchesTable5(t *testing.T) {
	cents := mustScale(t, 100)
	want := []Notch{
		{Edge: 300, Keep: 141, Until: 352},
		{Edge: 900, Keep: 360, Until: 1199},
		{Edge: 1800, Keep: 540, Until: 2159},
		{Edge: 7000, Keep: 1750, Until: 8748},
		{Edge: 11000, Keep: 2200, Until: 14664},
		{Edge: 16000, Keep: 2400, Until: 47991},
	}
	s := Table5(cents)
	require.Equal(t, want, s.Notches())
	checkNotchesBruteForce(t, s, 50000)

	// At whole coins rounding hides the first notch: 3 keeps 1, 4 keeps 2.
	coins := Table5(Scale{})
	require.Equal(t, []Notch{
		{Edge: 9, Keep: 4, Until: 12},
		{Edge: 70, Keep: 17, Until: 83},
		{Edge: 110, Keep: 22, Until: 144},
		{Edge: 160, Keep: 24, Until: 471},
	}, coins.Notches())
	checkNotchesBruteForce(t, coins, 1000)
}

func TestNotchesOtherSchedules(t *testing.T) {
	cents := mustScale(t, 100)
	require.Nil(t, Table5Marginal(cents).Notches())

	// D − D²/4 peaks at 2 coins, where it keeps 1 coin; rounding keeps
	// that until D² − 400·D + 40000 < 200, i.e. D ≤ 214 cents.
	require.Equal(t, []Notch{{Edge: 214, Keep: 100, Unbounded: true}}, Equation41(cents).Notches())
	require.Equal(t, []Notch{{Edge: 3, Keep: 1, Unbounded: true}}, Equation41(Scale{}).Notches())
	for _, units := range []int64{1, 10, 100, 1000} {
		s := Equation41(mustScale(t, units))
		checkNotchesBruteForce(t, s, 6*Amount(units))
	}
	big := Equation41(mustScale(t, 1e12)).Notches()
	require.Len(t, big, 1)
	require.Equal(t, Amount(1e12), big[0].Keep)
}

func TestNotchesCustom(t *testing.T) {
	// A jump from 10% to 90% at 10 dominates past the next threshold (12):
	// 10 keeps 9; 11 and 12 keep 1; above 12 the rate is 50%, so the
	// payout recovers 9 at 18.
	s, err := NewFullRate(Scale{}, []Bracket{{0, 10 * Percent}, {10, 90 * Percent}, {12, 50 * Percent}})
	require.NoError(t, err)
	require.Equal(t, []Notch{{Edge: 10, Keep: 9, Until: 18}}, s.Notches())
	checkNotchesBruteForce(t, s, 100)

	// A 100% top rate never gives back what was lost.
	s, err = NewFullRate(Scale{}, []Bracket{{0, 50 * Percent}, {100, MaxRate}})
	require.NoError(t, err)
	require.Equal(t, []Notch{{Edge: 100, Keep: 50, Unbounded: true}}, s.Notches())
	checkNotchesBruteForce(t, s, 1000)

	// Equal or falling rates have no notch; a threshold at the largest
	// amount can never be crossed.
	s, err = NewFullRate(Scale{}, []Bracket{{0, 50 * Percent}, {100, 50 * Percent}, {200, 10 * Percent}, {math.MaxInt64, MaxRate}})
	require.NoError(t, err)
	require.Nil(t, s.Notches())

	// A notch whose recovery lies near the top of the int64 range.
	s, err = NewFullRate(Scale{}, []Bracket{{0, 0}, {math.MaxInt64 / 2, 50 * Percent}})
	require.NoError(t, err)
	n := s.Notches()
	require.Len(t, n, 1)
	require.False(t, n[0].Unbounded)
	require.Equal(t, Amount(math.MaxInt64-1), n[0].Until)
	require.GreaterOrEqual(t, s.keep(n[0].Until), n[0].Keep)
	require.Less(t, s.keep(n[0].Until-1), n[0].Keep)

	s, err = NewFullRate(Scale{}, []Bracket{{0, 0}, {math.MaxInt64 / 2, MaxRate - 1}})
	require.NoError(t, err)
	require.Equal(t, []Notch{{Edge: math.MaxInt64 / 2, Keep: math.MaxInt64 / 2, Unbounded: true}}, s.Notches())
}

// checkNotchesBruteForce verifies Notches against every difference up to
// limit: each notch's range keeps less than its edge, its Until keeps at
// least as much, and every difference where one more unit lowers the payout
// for good is the edge of a listed notch or lies inside one.
func checkNotchesBruteForce(t *testing.T, s *Schedule, limit Amount) {
	t.Helper()
	notches := s.Notches()
	for _, n := range notches {
		require.Equal(t, n.Edge-s.Tax(n.Edge), n.Keep)
		end := n.Until
		if n.Unbounded {
			end = limit
		} else {
			require.GreaterOrEqual(t, s.keep(n.Until), n.Keep, "%+v", n)
		}
		for d := n.Edge + 1; d < end && d <= limit; d++ {
			if s.keep(d) >= n.Keep {
				t.Fatalf("%+v: difference %d keeps %d", n, d, s.keep(d))
			}
		}
	}
	inside := func(d Amount) bool {
		for _, n := range notches {
			if d >= n.Edge && (n.Unbounded || d < n.Until) {
				return true
			}
		}
		return false
	}
	for d := Amount(0); d < limit; d++ {
		if s.keep(d+1) < s.keep(d) && !inside(d) {
			t.Fatalf("payout falls after %d but no notch covers it", d)
		}
	}
}
