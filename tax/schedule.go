package tax

import (
	"fmt"
	"sort"
	"strconv"
)

// Rate is a tax rate in basis points: 1 is 0.01%, Percent is 1% and MaxRate
// (10 000) is 100%. Integer basis points keep every tax product exact.
type Rate uint16

// Rate units.
const (
	BasisPoint Rate = 1
	Percent    Rate = 100
	MaxRate    Rate = 100 * Percent
)

// String formats r as a percentage, for example "53%" or "12.5%".
func (r Rate) String() string {
	s := strconv.FormatUint(uint64(r/Percent), 10)
	if f := r % Percent; f != 0 {
		frac := fmt.Sprintf("%02d", f)
		if frac[1] == '0' {
			frac = frac[:1]
		}
		s += "." + frac
	}
	return s + "%"
}

// Bracket is one row of a progressive schedule: Rate applies to differences
// above Over, up to the next bracket's Over. The first bracket of a schedule
// must have Over 0, so that it covers every positive difference up to the
// second threshold, and the last bracket is open-ended.
//
// Table 5's "3 < Difference ≤ 9: 60%" is Bracket{Over: 3 coins, Rate: 60%}.
type Bracket struct {
	Over Amount
	Rate Rate
}

// Kind is the way a schedule turns a price difference into a tax.
type Kind int

// Schedule kinds.
const (
	// FullRate taxes the whole difference at the rate of the bracket the
	// difference falls in (the paper's "full rate progressive tax rate",
	// equation (24) with Table 5).
	FullRate Kind = iota + 1
	// Marginal taxes each slice of the difference at its own bracket's rate,
	// like an income-tax schedule.
	Marginal
	// Quadratic is the rule Tax = D²/4 of equation (41), D in coins, capped
	// at D.
	Quadratic
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case FullRate:
		return "full-rate"
	case Marginal:
		return "marginal"
	case Quadratic:
		return "quadratic"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Schedule turns the difference D = Price' − Price of a resale into the tax
// the merchant withholds. Schedules are immutable and safe for concurrent
// use. A Schedule must come from one of the constructors. A nil or zero
// Schedule has no kind and no brackets: Kind returns 0, Tax returns 0,
// Notches and Brackets return nil, and Settle and SettleDiscounted refuse it
// with ErrSchedule.
type Schedule struct {
	kind     Kind
	scale    Scale
	brackets []Bracket // nil for Quadratic
}

// NewFullRate returns a full-rate progressive schedule: a positive difference
// D is taxed as a whole at the rate of the last bracket whose Over is below D.
// Brackets are given in minor units of scale and are copied.
func NewFullRate(scale Scale, brackets []Bracket) (*Schedule, error) {
	return newProgressive(FullRate, scale, brackets)
}

// NewMarginal returns a marginal (excess) progressive schedule: the part of
// a positive difference between a bracket's Over and the next bracket's Over
// is taxed at that bracket's rate, and the tax is the sum over brackets.
func NewMarginal(scale Scale, brackets []Bracket) (*Schedule, error) {
	return newProgressive(Marginal, scale, brackets)
}

func newProgressive(kind Kind, scale Scale, brackets []Bracket) (*Schedule, error) {
	if len(brackets) == 0 {
		return nil, fmt.Errorf("%w: no brackets", ErrBrackets)
	}
	if brackets[0].Over != 0 {
		return nil, fmt.Errorf("%w: first bracket starts above %d, want 0", ErrBrackets, brackets[0].Over)
	}
	for i, b := range brackets {
		if b.Rate > MaxRate {
			return nil, fmt.Errorf("%w: bracket %d has rate %d basis points, above 100%%", ErrRate, i, b.Rate)
		}
		if i > 0 && b.Over <= brackets[i-1].Over {
			return nil, fmt.Errorf("%w: bracket %d starts at %d, not above bracket %d's %d", ErrBrackets, i, b.Over, i-1, brackets[i-1].Over)
		}
	}
	return &Schedule{kind: kind, scale: scale, brackets: append([]Bracket(nil), brackets...)}, nil
}

// Table5Brackets returns the brackets of the paper's Table 5 in minor units
// of scale: 53% up to 3 coins, 60% up to 9, 70% up to 18, 75% up to 70, 80%
// up to 110, 85% up to 160 and 95% above. Each call returns a new slice.
func Table5Brackets(scale Scale) []Bracket {
	return []Bracket{
		{Over: 0, Rate: 53 * Percent},
		{Over: scale.coins(3), Rate: 60 * Percent},
		{Over: scale.coins(9), Rate: 70 * Percent},
		{Over: scale.coins(18), Rate: 75 * Percent},
		{Over: scale.coins(70), Rate: 80 * Percent},
		{Over: scale.coins(110), Rate: 85 * Percent},
		{Over: scale.coins(160), Rate: 95 * Percent},
	}
}

// Table5 returns the paper's schedule: Table 5 applied at full rate, as
// equation (24) prescribes.
func Table5(scale Scale) *Schedule {
	return &Schedule{kind: FullRate, scale: scale, brackets: Table5Brackets(scale)}
}

// Table5Marginal returns Table 5's brackets applied marginally, the
// notch-free alternative to Table5.
func Table5Marginal(scale Scale) *Schedule {
	return &Schedule{kind: Marginal, scale: scale, brackets: Table5Brackets(scale)}
}

// Equation41 returns the quadratic rule of equation (41): Tax = D²/4 with D and the tax
// in coins, that is D²/(4·UnitsPerCoin) in minor units. Because D²/4 exceeds
// D beyond 4 coins, the tax is capped at D: a seller never pays more than the
// whole difference.
func Equation41(scale Scale) *Schedule {
	return &Schedule{kind: Quadratic, scale: scale}
}

// made reports whether s came from a constructor.
func (s *Schedule) made() bool { return s != nil && s.kind != 0 }

// Kind returns the schedule's kind, or 0 for a nil or zero Schedule.
func (s *Schedule) Kind() Kind {
	if !s.made() {
		return 0
	}
	return s.kind
}

// Scale returns the unit scale the schedule's amounts are expressed in (the
// zero Scale for a nil or zero Schedule).
func (s *Schedule) Scale() Scale {
	if !s.made() {
		return Scale{}
	}
	return s.scale
}

// Brackets returns a copy of the schedule's brackets, or nil for a
// Quadratic, nil or zero schedule.
func (s *Schedule) Brackets() []Bracket {
	if !s.made() || s.brackets == nil {
		return nil
	}
	return append([]Bracket(nil), s.brackets...)
}

// Tax returns the tax on a price difference diff = Price' − Price. A
// difference of zero or less is not taxed; otherwise the tax is between 0 and
// diff. A nil or zero Schedule taxes nothing; use Settle, which refuses it,
// where money moves.
func (s *Schedule) Tax(diff Amount) Amount {
	if !s.made() {
		return 0
	}
	return s.tax(diff, uint64(MaxRate))
}

// tax computes the tax on d with only charged/MaxRate of it collected. The
// exact tax is a rational number num/den of minor units, held in 128 bits,
// and is rounded once, to the nearest unit with halves up.
//
// Bounds: d < 2^63 and every rate and charge is at most 10^4 < 2^14, so the
// progressive numerators stay below 2^91. The quadratic numerator d²·charge
// is only formed for d < 4·10^12, so it stays below 2^97, and its
// denominator 4·UnitsPerCoin·10^4 below 2^56.
func (s *Schedule) tax(d Amount, charged uint64) Amount {
	if d <= 0 {
		return 0
	}
	ud := uint64(d)
	const whole = uint64(MaxRate)
	switch s.kind {
	case FullRate:
		// Last bracket whose Over is below d; bracket 0 has Over 0 < d.
		k := sort.Search(len(s.brackets), func(i int) bool { return s.brackets[i].Over >= d }) - 1
		num := mul64(ud, uint64(s.brackets[k].Rate)*charged)
		return Amount(num.roundDiv(whole * whole))
	case Marginal:
		var num u128
		for k, b := range s.brackets {
			if d <= b.Over {
				break
			}
			top := d
			if k+1 < len(s.brackets) && s.brackets[k+1].Over < d {
				top = s.brackets[k+1].Over
			}
			num = num.add(mul64(uint64(top-b.Over), uint64(b.Rate)))
		}
		return Amount(num.mul(charged).roundDiv(whole * whole))
	case Quadratic:
		fourCoins := 4 * uint64(s.scale.UnitsPerCoin())
		if ud >= fourCoins {
			// D²/4 ≥ D: the cap applies.
			return Amount(mul64(ud, charged).roundDiv(whole))
		}
		return Amount(mul64(ud, ud).mul(charged).roundDiv(fourCoins * whole))
	}
	panic("tax: Schedule used without a constructor")
}
