package tax

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustMarket(t testing.TB, p Params) *Market {
	t.Helper()
	m, err := NewMarket(p)
	require.NoError(t, err)
	return m
}

func TestNewMarketValidation(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name   string
		change func(p *Params)
	}{
		{"no model", func(p *Params) { p.Model = 0 }},
		{"unknown model", func(p *Params) { p.Model = 3 }},
		{"l1 zero", func(p *Params) { p.L1 = 0 }},
		{"l1 negative", func(p *Params) { p.L1 = -0.01 }},
		{"l1 NaN", func(p *Params) { p.L1 = nan }},
		{"l1 infinite", func(p *Params) { p.L1 = inf }},
		{"l1 huge", func(p *Params) { p.L1 = 2e9 }},
		{"l2 negative", func(p *Params) { p.L2 = -0.015 }},
		{"l2 NaN", func(p *Params) { p.L2 = nan }},
		{"l2 tiny", func(p *Params) { p.L2 = 1e-12 }},
		{"eta zero", func(p *Params) { p.Eta = 0 }},
		{"eta above one", func(p *Params) { p.Eta = 1.01 }},
		{"eta NaN", func(p *Params) { p.Eta = nan }},
		{"epsilon zero", func(p *Params) { p.Epsilon = 0 }},
		{"epsilon one", func(p *Params) { p.Epsilon = 1 }},
		{"epsilon NaN", func(p *Params) { p.Epsilon = nan }},
		{"epsilon tiny", func(p *Params) { p.Epsilon = 1e-13 }},
		{"no iterations", func(p *Params) { p.MaxIterations = 0 }},
		{"negative iterations", func(p *Params) { p.MaxIterations = -1 }},
		{"too many iterations", func(p *Params) { p.MaxIterations = MaxMarketIterations + 1 }},
		{"no buyers", func(p *Params) { p.Willingness, p.BuyMax = nil, nil }},
		{"no transferees", func(p *Params) { p.TransferMax = nil }},
		{"buyer lengths differ", func(p *Params) { p.BuyMax = p.BuyMax[1:] }},
		{"willingness zero", func(p *Params) { p.Willingness[3] = 0 }},
		{"willingness negative", func(p *Params) { p.Willingness[0] = -1 }},
		{"willingness NaN", func(p *Params) { p.Willingness[34] = nan }},
		{"buy max zero", func(p *Params) { p.BuyMax[0] = 0 }},
		{"buy max infinite", func(p *Params) { p.BuyMax[0] = inf }},
		{"transfer max negative", func(p *Params) { p.TransferMax[44] = -1 }},
		{"transfer max NaN", func(p *Params) { p.TransferMax[0] = nan }},
		{"too many pairs", func(p *Params) {
			p.Willingness = make([]float64, 1025)
			p.BuyMax = make([]float64, 1025)
			p.TransferMax = make([]float64, 1025)
			for i := range 1025 {
				p.Willingness[i], p.BuyMax[i], p.TransferMax[i] = 1, 1, 1
			}
		}},
	}
	for _, tc := range tests {
		p := PaperSetting()
		tc.change(&p)
		m, err := NewMarket(p)
		require.ErrorIs(t, err, ErrParams, tc.name)
		require.Nil(t, m, tc.name)
	}
	for _, ok := range []func(p *Params){
		func(p *Params) { p.L2 = 0 },
		func(p *Params) { p.Eta = 1 },
		func(p *Params) { p.Model = ModelPrinted },
		func(p *Params) { p.MaxIterations = MaxMarketIterations },
		func(p *Params) { p.Willingness, p.BuyMax, p.TransferMax = []float64{1}, []float64{1}, []float64{1} },
	} {
		p := PaperSetting()
		ok(&p)
		_, err := NewMarket(p)
		require.NoError(t, err)
	}
}

func TestMarketCopiesParams(t *testing.T) {
	p := PaperSetting()
	m := mustMarket(t, p)
	p.Willingness[0] = 99
	got := m.Params()
	require.Equal(t, PaperSetting(), got)
	got.TransferMax[0] = 99
	require.Equal(t, PaperSetting(), m.Params())
	require.Equal(t, 35, m.Buyers())
	require.Equal(t, 45, m.Transferees())
	require.Equal(t, "concave", ModelConcave.String())
	require.Equal(t, "printed", ModelPrinted.String())
	require.Equal(t, "Model(0)", Model(0).String())
}

func pairMarket(t *testing.T, model Model) *Market {
	return mustMarket(t, Params{
		Model: model, L1: 0.01, L2: 0.015, Eta: 0.8, Epsilon: 1e-10, MaxIterations: 10_000,
		Willingness: []float64{0.05}, BuyMax: []float64{1}, TransferMax: []float64{1},
	})
}

func TestAgentFunctions(t *testing.T) {
	const tol = 1e-15
	type call func(m *Market) (float64, error)
	sat := func(i int, x float64) call { return func(m *Market) (float64, error) { return m.Satisfaction(i, x) } }
	cost := func(j int, x float64) call { return func(m *Market) (float64, error) { return m.Cost(j, x) } }
	bid := func(i int, x, tot float64) call {
		return func(m *Market) (float64, error) { return m.BuyerBid(i, x, tot) }
	}
	ask := func(j int, x float64) call { return func(m *Market) (float64, error) { return m.TransfereeBid(j, x) } }
	tests := []struct {
		name  string
		model Model
		f     call
		want  float64
		err   bool
	}{
		{"printed A", ModelPrinted, sat(0, 0.5), 0.05 * math.Log(1.6), false},
		{"printed A at cap", ModelPrinted, sat(0, 1.25), 0, false},
		{"printed A past log domain", ModelPrinted, sat(0, 2.5), 0, true},
		{"printed E below cap", ModelPrinted, cost(0, 1), 0.01, false},
		{"printed E above cap", ModelPrinted, cost(0, 2), 0.02 + 0.015*math.Log(1.6), false},
		{"printed a", ModelPrinted, bid(0, 0.25, 0.5), 0.8 * 0.05 * 0.25 / 1.6, false},
		{"printed e below cap", ModelPrinted, ask(0, 1.25), 0.01, false},
		{"printed e above cap", ModelPrinted, ask(0, 2), 0.01 + 0.012/1.6, false},
		{"concave A", ModelConcave, sat(0, 0.5), 0.05 * math.Log(1.4), false},
		{"concave A far", ModelConcave, sat(0, 1000), 0.05 * math.Log(801), false},
		{"concave E", ModelConcave, cost(0, 0.5), 0.005 + 0.015*math.Log(1.25), false},
		{"concave E past barrier", ModelConcave, cost(0, 2.5), 0, true},
		{"concave a", ModelConcave, bid(0, 0.25, 0.5), 0.8 * 0.05 * 0.25 / 1.4, false},
		{"concave e", ModelConcave, ask(0, 0.5), 0.01 + 0.012/1.6, false},
		{"concave e at zero", ModelConcave, ask(0, 0), 0.01 + 0.012/2, false},
		{"concave e past barrier", ModelConcave, ask(0, 2.5), 0, true},
	}
	for _, tc := range tests {
		got, err := tc.f(pairMarket(t, tc.model))
		if tc.err {
			require.ErrorIs(t, err, ErrDomain, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		require.InDelta(t, tc.want, got, tol, tc.name)
	}
	for _, model := range []Model{ModelPrinted, ModelConcave} {
		for _, bad := range []call{
			sat(-1, 0), sat(1, 0), sat(0, -1), sat(0, math.NaN()), sat(0, math.Inf(1)),
			cost(-1, 0), cost(1, 0), cost(0, -0.1), cost(0, math.NaN()), cost(0, math.Inf(1)),
			bid(1, 0, 0), bid(0, -0.1, 1), bid(0, 0.6, 0.5), bid(0, math.NaN(), 0.5), bid(0, 0.1, -1),
			ask(-1, 0), ask(2, 0), ask(0, -1), ask(0, math.NaN()),
		} {
			_, err := bad(pairMarket(t, model))
			require.ErrorIs(t, err, ErrDomain, "%v", model)
		}
	}
}

// TestBidsAreMarginals checks the derivation behind (38)–(39): a transferee's
// bid is the derivative of its cost, and a buyer's bid per ticket is the
// derivative of its satisfaction (with the sign the printed equations drop).
func TestBidsAreMarginals(t *testing.T) {
	const h = 1e-6
	for _, tc := range []struct {
		model Model
		sign  float64
	}{{ModelConcave, 1}, {ModelPrinted, -1}} {
		m := pairMarket(t, tc.model)
		for _, x := range []float64{0.1, 0.5, 1.2} {
			hi, _ := m.Satisfaction(0, x+h)
			lo, _ := m.Satisfaction(0, x-h)
			bid, err := m.BuyerBid(0, x, x)
			require.NoError(t, err)
			require.InDelta(t, tc.sign*(hi-lo)/(2*h), bid/x, 1e-8, "%v at %v", tc.model, x)
		}
		for _, x := range []float64{0.1, 0.5, 1.2, 2, 3} {
			if tc.model == ModelConcave && x > 2 {
				continue
			}
			hi, _ := m.Cost(0, x+h)
			lo, _ := m.Cost(0, x-h)
			ask, err := m.TransfereeBid(0, x)
			require.NoError(t, err)
			require.InDelta(t, (hi-lo)/(2*h), ask, 1e-8, "%v at %v", tc.model, x)
		}
	}
}

// TestPaperSettingFig7 pins the reproduction reported in the package doc.
func TestPaperSettingFig7(t *testing.T) {
	p := PaperSetting()
	m := mustMarket(t, p)
	r, err := m.Run()
	require.NoError(t, err)
	require.True(t, r.Converged)
	require.Equal(t, 16, r.Iterations)
	require.InDelta(t, 23.77, r.Volume, 0.005)
	require.InDelta(t, 0.2278, r.Objective, 0.0001)
	require.Len(t, r.Steps, 16)
	for k, st := range r.Steps {
		require.Equal(t, k+1, st.Iteration)
		if k > 0 {
			require.Greater(t, st.Objective, r.Steps[k-1].Objective, "the objective climbs at every round")
		}
		if k < 15 {
			require.False(t, st.RA < p.Epsilon && st.RE < p.Epsilon, "round %d already meets (42)", k+1)
		}
	}
	last := r.Steps[15]
	require.Less(t, last.RA, p.Epsilon)
	require.Less(t, last.RE, p.Epsilon)
	require.Equal(t, r.Volume, last.Volume)
	require.Equal(t, r.Objective, last.Objective)
	require.InDelta(t, 43.75, r.Steps[0].Volume, 1e-9, "the start asks for every buyer's cap")
	checkResultShape(t, m, r)
}

func TestPrintedModelSaturates(t *testing.T) {
	p := PaperSetting()
	p.Model = ModelPrinted
	m := mustMarket(t, p)
	r, err := m.Run()
	require.NoError(t, err)
	require.True(t, r.Converged)
	require.Equal(t, 7, r.Iterations)
	require.InDelta(t, 41.42, r.Volume, 0.005)
	require.Negative(t, r.Objective)
	for _, e := range r.TransfereeBids {
		require.Equal(t, p.L1, e, "under the caps the l2 term never engages")
	}
	for _, st := range r.Steps {
		require.Zero(t, st.RE)
	}
	checkResultShape(t, m, r)

	// Run to the limit: the 33 buyers with η·w_i ≥ l1 hold their caps.
	p.Epsilon = 1e-9
	r, err = mustMarket(t, p).Run()
	require.NoError(t, err)
	require.InDelta(t, 33*1.25, r.Volume, 1e-6)
}

func checkResultShape(t *testing.T, m *Market, r *Result) {
	t.Helper()
	p := m.Params()
	require.Len(t, r.Allocation, m.Buyers())
	require.Len(t, r.BuyerBids, m.Buyers())
	require.Len(t, r.TransfereeBids, m.Transferees())
	sold := make([]float64, m.Transferees())
	total := 0.0
	for i := range m.Buyers() {
		require.Len(t, r.Allocation[i], m.Transferees())
		require.Len(t, r.BuyerBids[i], m.Transferees())
		row := 0.0
		for j, x := range r.Allocation[i] {
			require.GreaterOrEqual(t, x, 0.0)
			require.GreaterOrEqual(t, r.BuyerBids[i][j], 0.0)
			row += x
			sold[j] += x
		}
		require.LessOrEqual(t, p.Eta*row, p.BuyMax[i]*(1+1e-12), "buyer %d over its cap", i)
		total += row
	}
	for j, s := range sold {
		require.LessOrEqual(t, p.Eta*s, p.TransferMax[j]*(1+1e-12), "transferee %d over its cap", j)
		require.Positive(t, r.TransfereeBids[j])
	}
	require.InDelta(t, r.Volume, total, 1e-9)
}

func TestRunIsDeterministic(t *testing.T) {
	m := mustMarket(t, PaperSetting())
	r1, err := m.Run()
	require.NoError(t, err)
	r2, err := m.Run()
	require.NoError(t, err)
	require.Equal(t, r1, r2)

	s1, err := m.RunSeeded(1)
	require.NoError(t, err)
	s1b, err := m.RunSeeded(1)
	require.NoError(t, err)
	require.Equal(t, s1, s1b)
	s2, err := m.RunSeeded(2)
	require.NoError(t, err)
	require.NotEqual(t, s1.BuyerBids, s2.BuyerBids)
	for _, s := range []*Result{s1, s2} {
		require.True(t, s.Converged)
		require.InDelta(t, r1.Volume, s.Volume, 0.2, "random starts reach the same win-win point")
		checkResultShape(t, m, s)
	}
}

// TestWinWinPointIsOptimal runs the paper setting to a tight ε and checks the
// KKT conditions of (27) under (28): a buyer who trades values a ticket at
// the transferees' marginal cost unless its cap binds, and a buyer who does
// not trade values a ticket at no more than that cost.
func TestWinWinPointIsOptimal(t *testing.T) {
	p := PaperSetting()
	p.Epsilon = 1e-9
	m := mustMarket(t, p)
	r, err := m.Run()
	require.NoError(t, err)
	require.True(t, r.Converged)
	require.InDelta(t, 23.589, r.Volume, 0.001)

	sold := make([]float64, m.Transferees())
	for i := range r.Allocation {
		for j, x := range r.Allocation[i] {
			sold[j] += x
		}
	}
	cheapest := math.Inf(1)
	for j, s := range sold {
		e, err := m.TransfereeBid(j, s)
		require.NoError(t, err)
		cheapest = min(cheapest, e)
	}
	trading := 0
	for i, row := range r.Allocation {
		bought := 0.0
		for _, x := range row {
			bought += x
		}
		value := p.Eta * p.Willingness[i] / (1 + p.Eta*bought)
		switch {
		case bought < 1e-4: // leaving the market; the last leaver slowly
			require.LessOrEqual(t, value, cheapest*(1+1e-6), "buyer %d stays out yet values more", i)
		case p.Eta*bought >= p.BuyMax[i]*(1-1e-9):
			require.GreaterOrEqual(t, value, cheapest*(1-1e-6), "buyer %d at its cap", i)
			trading++
		default:
			require.InEpsilon(t, cheapest, value, 1e-6, "buyer %d", i)
			trading++
		}
	}
	require.Equal(t, 26, trading)
}

// TestSinglePair compares a one-buyer, one-transferee market with the root
// of its first-order condition η·w/(1+η·x) = l1 + l2·η/(t^max − η·x + 1).
func TestSinglePair(t *testing.T) {
	m := pairMarket(t, ModelConcave)
	r, err := m.Run()
	require.NoError(t, err)
	require.True(t, r.Converged)
	lo, hi := 0.0, 1.25
	for range 200 {
		x := (lo + hi) / 2
		if 0.8*0.05/(1+0.8*x) > 0.01+0.012/(1-0.8*x+1) {
			lo = x
		} else {
			hi = x
		}
	}
	require.InDelta(t, lo, r.Volume, 1e-7)
}

func TestMaxIterationsReached(t *testing.T) {
	p := PaperSetting()
	p.MaxIterations = 3
	r, err := mustMarket(t, p).Run()
	require.NoError(t, err)
	require.False(t, r.Converged)
	require.Equal(t, 3, r.Iterations)
	require.Len(t, r.Steps, 3)
}

// TestRunExtremeParams runs markets at the corners of the accepted
// parameter ranges: each run must end, with either finite results or
// ErrNumeric.
func TestRunExtremeParams(t *testing.T) {
	for _, model := range []Model{ModelPrinted, ModelConcave} {
		for _, v := range []float64{paramMin, 1, paramMax} {
			for _, w := range []float64{paramMin, paramMax} {
				p := Params{
					Model: model, L1: v, L2: v, Eta: min(v, 1), Epsilon: 1e-3, MaxIterations: 20,
					Willingness: []float64{w, 1}, BuyMax: []float64{v, paramMax}, TransferMax: []float64{paramMin, v, 1},
				}
				m := mustMarket(t, p)
				r, err := m.Run()
				if err != nil {
					require.ErrorIs(t, err, ErrNumeric)
					continue
				}
				require.False(t, math.IsNaN(r.Volume) || math.IsInf(r.Volume, 0))
				checkResultShape(t, m, r)
			}
		}
	}
}

// TestWillingnessRanges pins the sensitivity figures quoted in the package
// doc: the paper setting with other spreads of w_i.
func TestWillingnessRanges(t *testing.T) {
	tests := []struct {
		lo, hi     float64
		iterations int
		volume     float64
	}{
		{0.01, 0.05, 19, 19.54},
		{0.02, 0.05, 19, 24.70},
		{0.03, 0.04, 12, 25.32},
		{0.01, 0.06, 16, 23.77},
		{0.01, 0.07, 14, 26.71},
		{0.01, 0.10, 11, 31.84},
	}
	for _, tc := range tests {
		p := PaperSetting()
		for i := range p.Willingness {
			p.Willingness[i] = tc.lo + (tc.hi-tc.lo)*float64(i)/float64(len(p.Willingness)-1)
		}
		r, err := mustMarket(t, p).Run()
		require.NoError(t, err)
		require.True(t, r.Converged)
		require.Equal(t, tc.iterations, r.Iterations, "w from %v to %v", tc.lo, tc.hi)
		require.InDelta(t, tc.volume, r.Volume, 0.005, "w from %v to %v", tc.lo, tc.hi)
	}
}

// TestSeededRuns pins the random-start figures quoted in the package doc.
func TestSeededRuns(t *testing.T) {
	m := mustMarket(t, PaperSetting())
	for seed := uint64(1); seed <= 5; seed++ {
		r, err := m.RunSeeded(seed)
		require.NoError(t, err)
		require.True(t, r.Converged)
		require.Contains(t, []int{20, 21}, r.Iterations, "seed %d", seed)
		require.InDelta(t, 23.705, r.Volume, 0.01, "seed %d", seed)
	}
}
