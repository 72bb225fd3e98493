package tax

import "math"

// Notch is a range of price differences where asking more leaves the seller
// less. A seller who could ask a difference of Edge keeps Keep = Edge −
// Tax(Edge); every difference D with Edge < D < Until keeps less than that,
// and Until is the smallest difference above Edge that keeps at least Keep
// again. When Unbounded is set no difference above Edge keeps Keep again and
// Until is zero.
//
// Differences are Price' − Price: for a ticket bought at P, the asking prices
// P+Edge+1 … P+Until−1 all pay the seller less than asking P+Edge.
type Notch struct {
	Edge      Amount
	Keep      Amount
	Until     Amount
	Unbounded bool
}

// Notches lists the ranges where a higher resale price leaves the seller
// less, in increasing order of Edge, computed from the rounded tax (without
// any reputation discount).
//
// A FullRate schedule has one notch at each bracket threshold where the rate
// rises: crossing it taxes the whole difference at the higher rate. A
// Marginal schedule has none: each extra unit of difference is taxed at most
// 100%, so the payout never falls. An Equation41 schedule has one unbounded
// notch starting at the largest difference that keeps the maximum of one
// coin (at D = 2 coins, D − D²/4 peaks; beyond it every extra unit is taxed
// more than 100% until the cap at 4 coins takes everything). A nil or zero
// Schedule has none.
func (s *Schedule) Notches() []Notch {
	if !s.made() {
		return nil
	}
	switch s.kind {
	case FullRate:
		return s.fullRateNotches()
	case Quadratic:
		return []Notch{s.quadraticNotch()}
	}
	return nil
}

// keep is what the seller keeps of a difference d.
func (s *Schedule) keep(d Amount) Amount { return d - s.Tax(d) }

func (s *Schedule) fullRateNotches() []Notch {
	var out []Notch
	for k := 1; k < len(s.brackets); k++ {
		edge := s.brackets[k].Over
		if edge == math.MaxInt64 {
			break // the bracket above can never be reached
		}
		target := s.keep(edge)
		if s.keep(edge+1) >= target {
			continue // the rate did not rise enough to lower the payout
		}
		n := Notch{Edge: edge, Keep: target, Unbounded: true}
		// Within one bracket the payout never decreases as d grows, so
		// scan brackets for the first whose top recovers target, then
		// bisect inside it.
		for m := k; m < len(s.brackets); m++ {
			lo := max(edge+1, s.brackets[m].Over+1)
			hi := Amount(math.MaxInt64)
			if m+1 < len(s.brackets) {
				hi = s.brackets[m+1].Over
			}
			if lo > hi || s.keep(hi) < target {
				continue
			}
			n.Until = firstAtLeast(lo, hi, func(d Amount) bool { return s.keep(d) >= target })
			n.Unbounded = false
			break
		}
		out = append(out, n)
	}
	return out
}

// quadraticNotch finds the last difference keeping the peak payout. The
// payout D − round(D²/4s) is largest, one coin, at D = 2 coins; for D ≥ 2
// coins each extra unit raises the exact tax by more than one unit, so the
// rounded payout never increases again.
func (s *Schedule) quadraticNotch() Notch {
	coin := Amount(s.scale.UnitsPerCoin())
	peak := 2 * coin
	best := s.keep(peak)
	// Largest d in [peak, 4 coins] with keep(d) ≥ best: one below the first
	// d whose keep falls short.
	fall := firstAtLeast(peak, 4*coin, func(d Amount) bool { return s.keep(d) < best })
	return Notch{Edge: fall - 1, Keep: best, Unbounded: true}
}

// firstAtLeast returns the smallest d in [lo, hi] for which ok(d) holds,
// given that ok is monotone (false … false true … true) on the range and
// ok(hi) holds.
func firstAtLeast(lo, hi Amount, ok func(Amount) bool) Amount {
	for lo < hi {
		mid := lo + (hi-lo)/2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
