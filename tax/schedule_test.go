package tax

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRateString(t *testing.T) {
	for r, want := range map[Rate]string{
		0: "0%", 1: "0.01%", 10: "0.1%", 53 * Percent: "53%", 1250: "12.5%", 1205: "12.05%", MaxRate: "100%",
	} {
		require.Equal(t, want, r.String())
	}
}

func TestKindString(t *testing.T) {
	require.Equal(t, "full-rate", FullRate.String())
	require.Equal(t, "marginal", Marginal.String())
	require.Equal(t, "quadratic", Quadratic.String())
	require.Equal(t, "Kind(0)", Kind(0).String())
}

func TestNewScheduleValidation(t *testing.T) {
	cents := mustScale(t, 100)
	tests := []struct {
		name     string
		brackets []Bracket
		err      error
	}{
		{"nil", nil, ErrBrackets},
		{"empty", []Bracket{}, ErrBrackets},
		{"first above zero", []Bracket{{Over: 1, Rate: 10}}, ErrBrackets},
		{"first negative", []Bracket{{Over: -1, Rate: 10}, {Over: 5, Rate: 10}}, ErrBrackets},
		{"equal thresholds", []Bracket{{0, 10}, {300, 20}, {300, 30}}, ErrBrackets},
		{"decreasing thresholds", []Bracket{{0, 10}, {900, 20}, {300, 30}}, ErrBrackets},
		{"rate above 100%", []Bracket{{0, MaxRate + 1}}, ErrRate},
		{"later rate above 100%", []Bracket{{0, 10}, {300, 65535}}, ErrRate},
		{"single bracket", []Bracket{{0, 53 * Percent}}, nil},
		{"zero and full rates", []Bracket{{0, 0}, {300, MaxRate}}, nil},
		{"falling rates", []Bracket{{0, 60 * Percent}, {300, 10 * Percent}}, nil},
		{"top at max amount", []Bracket{{0, 10}, {math.MaxInt64, 20}}, nil},
	}
	for _, tc := range tests {
		for _, mk := range []func(Scale, []Bracket) (*Schedule, error){NewFullRate, NewMarginal} {
			s, err := mk(cents, tc.brackets)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err, tc.name)
				require.Nil(t, s, tc.name)
				continue
			}
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.brackets, s.Brackets(), tc.name)
		}
	}
}

func TestScheduleIsImmutable(t *testing.T) {
	in := []Bracket{{0, 10 * Percent}, {100, 20 * Percent}}
	s, err := NewFullRate(Scale{}, in)
	require.NoError(t, err)
	in[1].Rate = 90 * Percent
	out := s.Brackets()
	out[0].Rate = 90 * Percent
	require.Equal(t, []Bracket{{0, 10 * Percent}, {100, 20 * Percent}}, s.Brackets())
	require.Equal(t, Amount(10), s.Tax(100)) // 100 is not above 100
	require.Equal(t, Amount(20), s.Tax(101))
	require.Nil(t, Equation41(Scale{}).Brackets())
}

// A Schedule not made by a constructor taxes nothing and cannot settle.
func TestZeroSchedule(t *testing.T) {
	for _, s := range []*Schedule{nil, {}} {
		require.Equal(t, Amount(0), s.Tax(100))
		require.Equal(t, Kind(0), s.Kind())
		require.Equal(t, Scale{}, s.Scale())
		require.Nil(t, s.Brackets())
		require.Nil(t, s.Notches())
		_, err := s.Settle(1, 2)
		require.ErrorIs(t, err, ErrSchedule)
		_, err = s.SettleDiscounted(1, 2, 2000, PaperDiscount())
		require.ErrorIs(t, err, ErrSchedule)
	}
}

func TestTable5Brackets(t *testing.T) {
	cents := mustScale(t, 100)
	s := Table5(cents)
	require.Equal(t, FullRate, s.Kind())
	require.Equal(t, cents, s.Scale())
	require.Equal(t, []Bracket{
		{0, 5300}, {300, 6000}, {900, 7000}, {1800, 7500}, {7000, 8000}, {11000, 8500}, {16000, 9500},
	}, s.Brackets())
	require.Equal(t, Marginal, Table5Marginal(cents).Kind())
	require.Equal(t, s.Brackets(), Table5Marginal(cents).Brackets())
	require.Equal(t, Quadratic, Equation41(cents).Kind())
	// The largest scale still holds Table 5's thresholds.
	big := Table5(mustScale(t, 1e12))
	require.Equal(t, Amount(160e12), big.Brackets()[6].Over)
}

// TestTaxBracketEdges checks each schedule at and around every Table 5
// threshold, at 100 units per coin. Expected values are worked by hand; the
// oracle confirms them.
func TestTaxBracketEdges(t *testing.T) {
	cents := mustScale(t, 100)
	full, marginal, quad := Table5(cents), Table5Marginal(cents), Equation41(cents)
	tests := []struct {
		diff                 string
		full, marginal, quad Amount
	}{
		{"-1000", 0, 0, 0},
		{"-0.01", 0, 0, 0},
		{"0", 0, 0, 0},
		{"0.01", 1, 1, 0},       // 0.53 rounds to 1; 1/400 to 0
		{"0.50", 27, 27, 6},     // 26.5 rounds up; 2500/400 = 6.25
		{"1", 53, 53, 25},       // 1²/4 = 0.25 coin
		{"2", 106, 106, 100},    // 2²/4 = 1 coin
		{"2.99", 158, 158, 224}, // 158.47; 223.5025
		{"3", 159, 159, 225},
		{"3.01", 181, 160, 227}, // 180.6; 159 + 0.6; 226.5025
		{"3.99", 239, 218, 398}, // 239.4; 159 + 59.4; 398.0025
		{"4", 240, 219, 400},    // cap: D²/4 = D
		{"4.01", 241, 220, 401},
		{"8.99", 539, 518, 899},
		{"9", 540, 519, 900},
		{"9.01", 631, 520, 901}, // 630.7; 519 + 0.7
		{"17.99", 1259, 1148, 1799},
		{"18", 1260, 1149, 1800},
		{"18.01", 1351, 1150, 1801}, // 1350.75; 1149.75
		{"69.99", 5249, 5048, 6999},
		{"70", 5250, 5049, 7000},
		{"70.01", 5601, 5050, 7001}, // 5600.8; 5049.8
		{"109.99", 8799, 8248, 10999},
		{"110", 8800, 8249, 11000},
		{"110.01", 9351, 8250, 11001}, // 9350.85; 8249.85
		{"159.99", 13599, 12498, 15999},
		{"160", 13600, 12499, 16000},
		{"160.01", 15201, 12500, 16001}, // 15200.95; 12499.95
		{"1000", 95000, 92299, 100000},
	}
	for _, tc := range tests {
		d, err := cents.Parse(tc.diff)
		require.NoError(t, err)
		for _, c := range []struct {
			s    *Schedule
			want Amount
		}{{full, tc.full}, {marginal, tc.marginal}, {quad, tc.quad}} {
			got := c.s.Tax(d)
			require.Equal(t, c.want, got, "%v tax on %s", c.s.Kind(), tc.diff)
			require.Equal(t, oracleTax(c.s, d, MaxRate), got, "%v oracle on %s", c.s.Kind(), tc.diff)
		}
	}
}

func TestTaxWholeCoins(t *testing.T) {
	coins := Scale{}
	for d, want := range map[Amount][3]Amount{
		1: {1, 1, 0}, // 0.53; 0.25
		2: {1, 1, 1}, // 1.06; 1
		3: {2, 2, 2}, // 1.59; 2.25
		4: {2, 2, 4}, // 2.4; 1.59 + 0.6 = 2.19; cap
		9: {5, 5, 9}, // 5.4; 1.59 + 3.6 = 5.19
	} {
		require.Equal(t, want[0], Table5(coins).Tax(d), "full %d", d)
		require.Equal(t, want[1], Table5Marginal(coins).Tax(d), "marginal %d", d)
		require.Equal(t, want[2], Equation41(coins).Tax(d), "quadratic %d", d)
	}
}

func TestTaxExtremes(t *testing.T) {
	for _, units := range []int64{1, 100, 1e12} {
		sc := mustScale(t, units)
		custom, err := NewFullRate(sc, []Bracket{{0, MaxRate}, {math.MaxInt64 - 1, 0}})
		require.NoError(t, err)
		zero, err := NewMarginal(sc, []Bracket{{0, 0}})
		require.NoError(t, err)
		for _, s := range []*Schedule{Table5(sc), Table5Marginal(sc), Equation41(sc), custom, zero} {
			for _, d := range []Amount{math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 / 2, 4*Amount(units) - 1, 4 * Amount(units), 1, math.MinInt64, math.MinInt64 + 1} {
				got := s.Tax(d)
				require.Equal(t, oracleTax(s, d, MaxRate), got, "%v at %v, d=%d", s.Kind(), sc, d)
				require.Equal(t, oracleTax(s, d, 80*Percent), s.tax(d, uint64(80*Percent)), "%v discounted at %v, d=%d", s.Kind(), sc, d)
				require.GreaterOrEqual(t, got, Amount(0))
				require.LessOrEqual(t, got, max(d, 0))
			}
		}
	}
	require.Equal(t, Amount(8762203435012037017), Table5(Scale{}).Tax(math.MaxInt64)) // ·0.95, rounded up from .65
	require.Equal(t, Amount(math.MaxInt64), Equation41(Scale{}).Tax(math.MaxInt64))
}

// TestTaxAgainstOracle compares random differences, schedules and discounts
// with the math/big oracle.
func TestTaxAgainstOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for range n {
		sc := Scale{exp: uint8(rng.IntN(MaxScaleExponent + 1))}
		s := randomSchedule(rng, sc)
		var d Amount
		switch rng.IntN(3) {
		case 0:
			d = Amount(rng.Int64())
		case 1:
			d = Amount(rng.Int64N(20 * sc.UnitsPerCoin()))
		default:
			d = Amount(rng.Int64N(1000*sc.UnitsPerCoin())) - 10
		}
		charged := Rate(rng.IntN(int(MaxRate) + 1))
		require.Equal(t, oracleTax(s, d, charged), s.tax(d, uint64(charged)), "%v %v d=%d charged=%v", s.Kind(), s.Brackets(), d, charged)
	}
}

func randomSchedule(rng *rand.Rand, sc Scale) *Schedule {
	switch rng.IntN(4) {
	case 0:
		return Equation41(sc)
	case 1:
		return Table5(sc)
	}
	n := 1 + rng.IntN(8)
	bs := make([]Bracket, n)
	over := Amount(0)
	for k := range bs {
		if k > 0 {
			over += 1 + Amount(rng.Int64N(50*sc.UnitsPerCoin()))
		}
		bs[k] = Bracket{Over: over, Rate: Rate(rng.IntN(int(MaxRate) + 1))}
	}
	var s *Schedule
	var err error
	if rng.IntN(2) == 0 {
		s, err = NewFullRate(sc, bs)
	} else {
		s, err = NewMarginal(sc, bs)
	}
	if err != nil {
		panic(err)
	}
	return s
}
