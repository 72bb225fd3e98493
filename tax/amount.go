package tax

import (
	"fmt"
	"math"
	"strings"
)

// Amount is a quantity of money in minor units (for example cents when the
// Scale is 100 units per coin). It is a plain integer: amounts add and
// compare exactly, and no floating-point value ever enters a money path.
type Amount int64

// MaxScaleExponent is the largest supported unit scale, as a power of ten:
// at most 10^12 minor units per coin. Larger scales would leave too few whole
// coins in an int64 and would overflow the exact 128-bit intermediate
// products of the quadratic rule.
const MaxScaleExponent = 12

// Scale fixes how many minor units make one coin. Only powers of ten are
// supported (1, 10, 100, … 10^12) so that every Amount has an exact decimal
// form. The zero Scale counts whole coins: one unit per coin.
type Scale struct {
	exp uint8 // units per coin = 10^exp, 0 ≤ exp ≤ MaxScaleExponent
}

// pow10 returns 10^e for 0 ≤ e ≤ MaxScaleExponent.
func pow10(e uint8) int64 {
	u := int64(1)
	for range e {
		u *= 10
	}
	return u
}

// NewScale returns the scale with unitsPerCoin minor units per coin, which
// must be a power of ten between 1 and 10^12.
func NewScale(unitsPerCoin int64) (Scale, error) {
	for e := uint8(0); e <= MaxScaleExponent; e++ {
		if pow10(e) == unitsPerCoin {
			return Scale{exp: e}, nil
		}
	}
	return Scale{}, fmt.Errorf("%w: %d units per coin (want a power of ten from 1 to 10^%d)", ErrScale, unitsPerCoin, MaxScaleExponent)
}

// UnitsPerCoin returns the number of minor units in one coin.
func (s Scale) UnitsPerCoin() int64 { return pow10(s.exp) }

// Decimals returns the number of decimal places of a coin amount: the base-10
// logarithm of UnitsPerCoin.
func (s Scale) Decimals() int { return int(s.exp) }

// Coins returns n whole coins as an Amount, or ErrOverflow.
func (s Scale) Coins(n int64) (Amount, error) {
	u := pow10(s.exp)
	if n > math.MaxInt64/u || n < math.MinInt64/u {
		return 0, fmt.Errorf("%w: %d coins at %d units per coin", ErrOverflow, n, u)
	}
	return Amount(n * u), nil
}

// coins is Coins for constants known to fit.
func (s Scale) coins(n int64) Amount {
	a, err := s.Coins(n)
	if err != nil {
		panic(err)
	}
	return a
}

// Parse reads a decimal coin amount such as "2.99", "-0.5" or "160" and
// returns it in minor units. The grammar is an optional sign, one or more
// digits, and optionally a point followed by one or more digits; nothing else
// (no spaces, exponents or digit separators). Fractional digits beyond the
// scale must be zeros (ErrPrecision otherwise): Parse never rounds.
func (s Scale) Parse(text string) (Amount, error) {
	str := text
	neg := false
	if str != "" && (str[0] == '-' || str[0] == '+') {
		neg = str[0] == '-'
		str = str[1:]
	}
	whole, frac, dot := strings.Cut(str, ".")
	if whole == "" || (dot && frac == "") {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, text)
	}
	// Accumulate the magnitude in uint64; the most negative Amount has a
	// magnitude one above the most positive.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var mag uint64
	unit := uint64(pow10(s.exp))
	for i := 0; i < len(whole); i++ {
		c := whole[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q", ErrSyntax, text)
		}
		d := uint64(c - '0')
		if mag > (limit-d)/10 {
			return 0, fmt.Errorf("%w: %q", ErrOverflow, text)
		}
		mag = mag*10 + d
	}
	if mag > limit/unit {
		return 0, fmt.Errorf("%w: %q", ErrOverflow, text)
	}
	mag *= unit
	place := unit
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q", ErrSyntax, text)
		}
		d := uint64(c - '0')
		place /= 10
		if place == 0 {
			if d != 0 {
				return 0, fmt.Errorf("%w: %q has more than %d decimals", ErrPrecision, text, s.exp)
			}
			continue
		}
		if mag > limit-d*place {
			return 0, fmt.Errorf("%w: %q", ErrOverflow, text)
		}
		mag += d * place
	}
	if neg {
		return Amount(-mag), nil // two's complement; exact even for the minimum
	}
	return Amount(mag), nil
}

// Format writes a as a decimal coin amount with exactly Decimals fractional
// digits, for example "2.99" or "-0.50" at 100 units per coin. Parse reads
// the result back to a.
func (s Scale) Format(a Amount) string {
	mag := uint64(a)
	sign := ""
	if a < 0 {
		mag = -mag
		sign = "-"
	}
	unit := uint64(pow10(s.exp))
	if s.exp == 0 {
		return fmt.Sprintf("%s%d", sign, mag)
	}
	return fmt.Sprintf("%s%d.%0*d", sign, mag/unit, int(s.exp), mag%unit)
}

// String describes the scale, for example "100 units per coin".
func (s Scale) String() string {
	return fmt.Sprintf("%d units per coin", pow10(s.exp))
}
