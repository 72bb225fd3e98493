package tax

import (
	"math/big"
)

// oracleTax recomputes a schedule's tax with math/big rationals, independently
// of the 128-bit arithmetic under test: the exact tax, times charged/100%,
// rounded once to the nearest unit with halves up.
func oracleTax(s *Schedule, d Amount, charged Rate) Amount {
	if d <= 0 {
		return 0
	}
	D := new(big.Rat).SetInt64(int64(d))
	exact := new(big.Rat)
	switch s.Kind() {
	case FullRate:
		var rate Rate
		for _, b := range s.Brackets() {
			if b.Over < d {
				rate = b.Rate
			}
		}
		exact.Mul(D, big.NewRat(int64(rate), int64(MaxRate)))
	case Marginal:
		bs := s.Brackets()
		for k, b := range bs {
			if d <= b.Over {
				break
			}
			top := d
			if k+1 < len(bs) && bs[k+1].Over < d {
				top = bs[k+1].Over
			}
			slice := new(big.Rat).SetInt64(int64(top - b.Over))
			exact.Add(exact, slice.Mul(slice, big.NewRat(int64(b.Rate), int64(MaxRate))))
		}
	case Quadratic:
		exact.Mul(D, D)
		exact.Quo(exact, new(big.Rat).SetInt64(4*s.Scale().UnitsPerCoin()))
		if exact.Cmp(D) > 0 {
			exact.Set(D)
		}
	}
	exact.Mul(exact, big.NewRat(int64(charged), int64(MaxRate)))
	// floor(exact + 1/2) = floor((2·num + den) / (2·den))
	num := new(big.Int).Lsh(exact.Num(), 1)
	num.Add(num, exact.Denom())
	den := new(big.Int).Lsh(exact.Denom(), 1)
	q := new(big.Int).Quo(num, den)
	if !q.IsInt64() {
		panic("oracle: tax does not fit int64")
	}
	return Amount(q.Int64())
}
