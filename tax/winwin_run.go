package tax

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Step records one round of Algorithm 4.
type Step struct {
	Iteration int     // round number, from 1
	Volume    float64 // transaction volume of this round's allocation
	Objective float64 // Σ_i A_i − Σ_j E_j of equation (27) at that allocation
	RA, RE    float64 // the relative bid changes of equation (42)
}

// Result is the outcome of running Algorithm 4.
type Result struct {
	// Iterations is the number of rounds run. When Converged is set it is
	// the first round t whose bids met RA < ε and RE < ε.
	Iterations int
	Converged  bool

	// Volume and Objective are those of the last round's allocation.
	Volume    float64
	Objective float64

	// Allocation[i][j] is b_ij = t_ji, the tickets transferee j transfers
	// to buyer i in the last round.
	Allocation [][]float64

	// BuyerBids[i][j] is a_ij and TransfereeBids[j] is e_j (equal to e_ji
	// for every i), the bids submitted after the last round.
	BuyerBids      [][]float64
	TransfereeBids []float64

	// Steps holds one record per round, in order.
	Steps []Step
}

// Run runs Algorithm 4 from the deterministic start: every transferee asks
// its bid (39) at zero volume, and every buyer bids so that, priced at
// those asks, it would receive its whole cap b_i^max/η split evenly over the
// transferees. The result depends only on the market.
func (m *Market) Run() (*Result, error) {
	return m.run(nil)
}

// RunSeeded runs Algorithm 4 from a random start: each buyer bid of Run's
// start is multiplied by a factor drawn uniformly from [0.5, 1.5) by a PCG
// generator seeded with seed. The result depends only on the market and the
// seed.
func (m *Market) RunSeeded(seed uint64) (*Result, error) {
	return m.run(rand.New(rand.NewPCG(seed, 0x6362657473)))
}

// run implements Algorithm 4. Each round t:
//
//  1. the merchant solves (34) under (28), with b_ij = t_ji, given the bids
//     of round t−1 (step 3);
//  2. buyers bid by (38) and transferees by (39) on that allocation
//     (steps 4–5);
//  3. RA and RE of (42) compare the new bids with the previous ones, and
//     the loop stops when both are below ε (steps 6–7).
func (m *Market) run(rng *rand.Rand) (*Result, error) {
	if !m.made() {
		return nil, fmt.Errorf("%w: nil or zero Market, not made by NewMarket", ErrParams)
	}
	p := &m.p
	nb, nt := m.Buyers(), m.Transferees()

	e := make([]float64, nt)
	for j := range nt {
		e[j] = m.transfereeBid(j, 0)
	}
	a := grid(nb, nt)
	for i := range nb {
		for j := range nt {
			a[i][j] = e[j] * p.BuyMax[i] / (p.Eta * float64(nt))
			if rng != nil {
				a[i][j] *= 0.5 + rng.Float64()
			}
		}
	}

	al := newAllocator(m)
	x := grid(nb, nt)
	na, ne := grid(nb, nt), make([]float64, nt)
	bought, sold := make([]float64, nb), make([]float64, nt)
	res := &Result{Steps: make([]Step, 0, 32)}

	for t := 1; t <= p.MaxIterations; t++ {
		al.allocate(a, e, x)

		clear(sold)
		volume := 0.0
		for i := range nb {
			row := 0.0
			for j, v := range x[i] {
				row += v
				sold[j] += v
			}
			volume += row
			// (28) holds up to rounding; clamp so that the bid formulas
			// see exactly the constrained value.
			bought[i] = min(row, p.BuyMax[i]/p.Eta)
		}
		for j := range nt {
			sold[j] = min(sold[j], p.TransferMax[j]/p.Eta)
		}

		objective := 0.0
		var sumA, diffA, sumE, diffE float64
		for i := range nb {
			objective += m.satisfaction(i, bought[i])
			for j := range nt {
				v := m.buyerBid(i, min(x[i][j], bought[i]), bought[i])
				na[i][j] = v
				sumA += v
				diffA += math.Abs(v - a[i][j])
			}
		}
		for j := range nt {
			objective -= m.cost(j, sold[j])
			v := m.transfereeBid(j, sold[j])
			ne[j] = v
			sumE += v
			diffE += math.Abs(v - e[j])
		}
		st := Step{Iteration: t, Volume: volume, Objective: objective, RA: ratio(diffA, sumA), RE: ratio(diffE, sumE)}
		if !finite(volume) || !finite(objective) || !finite(sumA) || !finite(diffA) || !finite(sumE) || !finite(diffE) {
			return nil, fmt.Errorf("%w: round %d", ErrNumeric, t)
		}
		res.Steps = append(res.Steps, st)
		a, na = na, a
		e, ne = ne, e
		res.Iterations = t
		res.Volume, res.Objective = volume, objective
		if st.RA < p.Epsilon && st.RE < p.Epsilon {
			res.Converged = true
			break
		}
	}
	res.Allocation = x
	res.BuyerBids = a
	res.TransfereeBids = e
	return res, nil
}

// ratio is |change| / |new| of (42), read over the whole bid vector with the
// L1 norm. A vector that stays all zero has ratio 0.
func ratio(diff, sum float64) float64 {
	if diff == 0 {
		return 0
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return diff / sum
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func grid(rows, cols int) [][]float64 {
	backing := make([]float64, rows*cols)
	g := make([][]float64, rows)
	for i := range g {
		g[i] = backing[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return g
}

// allocator solves the merchant's problem (34) under constraints (28) with
// the market clearing b_ij = t_ji = x_ij:
//
//	maximise   Σ_ij a_ij·ln x_ij − e_j·x_ij
//	subject to η·Σ_j x_ij ≤ b_i^max,  η·Σ_i x_ij ≤ t_j^max,  x ≥ 0.
//
// Its KKT conditions give x_ij = a_ij / (e_j + η·β_i + η·λ_j) with β, λ ≥ 0
// the multipliers of the two caps. The allocator finds them by exact
// coordinate ascent on the dual: each β_i (then each λ_j) is the root of a
// convex decreasing function, found by Newton's method from the left, and
// sweeps repeat until no multiplier moves. Multipliers are kept between
// rounds as a warm start.
type allocator struct {
	m         *Market
	beta, lam []float64
}

const (
	maxSweeps      = 1000
	maxNewtonSteps = 200
	sweepTolerance = 1e-13
)

func newAllocator(m *Market) *allocator {
	return &allocator{m: m, beta: make([]float64, m.Buyers()), lam: make([]float64, m.Transferees())}
}

func (al *allocator) allocate(a [][]float64, e []float64, x [][]float64) {
	p := &al.m.p
	eta := p.Eta
	nb, nt := len(al.beta), len(al.lam)
	// Multipliers are prices added to the asks; they are compared on the
	// scale of the cheapest ask.
	cheapest := math.Inf(1)
	for _, v := range e {
		cheapest = min(cheapest, v)
	}
	for range maxSweeps {
		moved := 0.0
		for i := range nb {
			row := a[i]
			next := newtonRoot(al.beta[i], p.BuyMax[i], func(mu float64) (float64, float64) {
				var s, d float64
				for j, aij := range row {
					den := e[j] + eta*(mu+al.lam[j])
					s += aij / den
					d += aij / (den * den)
				}
				return eta * s, eta * eta * d
			})
			moved = max(moved, math.Abs(next-al.beta[i])/(cheapest+next))
			al.beta[i] = next
		}
		for j := range nt {
			next := newtonRoot(al.lam[j], p.TransferMax[j], func(mu float64) (float64, float64) {
				var s, d float64
				for i := range nb {
					den := e[j] + eta*(al.beta[i]+mu)
					s += a[i][j] / den
					d += a[i][j] / (den * den)
				}
				return eta * s, eta * eta * d
			})
			moved = max(moved, math.Abs(next-al.lam[j])/(cheapest+next))
			al.lam[j] = next
		}
		if moved <= sweepTolerance {
			break
		}
	}
	for i := range nb {
		for j := range nt {
			x[i][j] = a[i][j] / (e[j] + eta*(al.beta[i]+al.lam[j]))
		}
	}
	// Remove any rounding excess over the caps: rows first, then columns,
	// which only shrinks rows further.
	for i := range nb {
		s := 0.0
		for _, v := range x[i] {
			s += v
		}
		if eta*s > p.BuyMax[i] {
			f := p.BuyMax[i] / (eta * s)
			for j := range x[i] {
				x[i][j] *= f
			}
		}
	}
	for j := range nt {
		s := 0.0
		for i := range nb {
			s += x[i][j]
		}
		if eta*s > p.TransferMax[j] {
			f := p.TransferMax[j] / (eta * s)
			for i := range nb {
				x[i][j] *= f
			}
		}
	}
}

// newtonRoot returns the multiplier μ ≥ 0 for a cap: μ = 0 if load(0) ≤ cap,
// else the root of load(μ) = cap, where load is positive, convex and
// decreasing and returns its value and the negated derivative. Newton's
// method started left of the root stays left of it and converges
// monotonically; the previous multiplier is used as the start when it is
// still left of the root.
func newtonRoot(prev, capacity float64, load func(float64) (float64, float64)) float64 {
	v, d := load(prev)
	mu := prev
	if v <= capacity {
		if prev == 0 {
			return 0
		}
		mu = 0
		if v, d = load(0); v <= capacity {
			return 0
		}
	}
	for range maxNewtonSteps {
		next := mu + (v-capacity)/d
		if !(next > mu) { // converged to rounding, or d underflowed
			break
		}
		mu = next
		if v, d = load(mu); v <= capacity {
			break
		}
	}
	return mu
}
