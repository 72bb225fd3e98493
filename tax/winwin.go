package tax

import (
	"fmt"
	"math"
)

// Model selects how the win-win market reads the paper's satisfaction and
// cost functions (25)–(26) and the bid rules (38)–(39). The package doc
// explains why two readings exist.
type Model int

// Models.
const (
	// ModelPrinted uses the equations exactly as printed:
	//
	//	A_i(X) = w_i·ln(b_i^max − η·X + 1)                    (25)
	//	E_j(T) = l1·T + l2·ln(1 + max(0, η·T − t_j^max))      (26)
	//	a_ij   = η·w_i·b_ij / (b_i^max − η·X + 1)             (38)
	//	e_j    = l1 + l2·η/(η·T − t_j^max + 1) if η·T > t_j^max, else l1   (39)
	//
	// where X = Σ_j b_ij is what buyer i buys and T = Σ_i t_ji what
	// transferee j transfers. The max(0, ·) is the paper's "for t > t^max,
	// l2 is effective"; without it the logarithm is undefined below the cap.
	ModelPrinted Model = iota + 1

	// ModelConcave uses the reading under which the program (27) is strictly
	// concave, as the paper states it is:
	//
	//	A_i(X) = w_i·ln(1 + η·X)
	//	E_j(T) = l1·T + l2·ln((t_j^max + 1)/(t_j^max − η·T + 1))
	//	a_ij   = η·w_i·b_ij / (1 + η·X)
	//	e_j    = l1 + l2·η/(t_j^max − η·T + 1)
	//
	// Each bid is still the paper's "marginal value times quantity" of
	// (38)–(39), taken of these functions.
	ModelConcave
)

// String returns the model's name.
func (m Model) String() string {
	switch m {
	case ModelPrinted:
		return "printed"
	case ModelConcave:
		return "concave"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// Bounds on market parameters. They keep every intermediate value of the
// iteration finite in float64 and the allocation of the result bounded.
const (
	// MaxAgents bounds Buyers()·Transferees().
	MaxAgents = 1 << 20
	// MaxMarketIterations bounds Params.MaxIterations.
	MaxMarketIterations = 100_000
	// paramMin and paramMax bound every positive real parameter but ε.
	paramMin = 1e-9
	paramMax = 1e9
	// minEpsilon is the smallest ε: relative bid changes below it are
	// rounding noise in float64.
	minEpsilon = 1e-12
)

// Params describe a win-win transfer market (section 4 of the paper):
// buyers i = 0 … len(Willingness)−1 and transferees j = 0 … len(TransferMax)−1.
// Quantities of tickets are real numbers here: the optimisation is a
// continuous relaxation, and float64 is used throughout. This is an economic
// model, not a money path; use Schedule for money.
type Params struct {
	Model Model

	L1, L2  float64 // cost factors l1 > 0 and l2 ≥ 0 of (26)
	Eta     float64 // η of (25)–(28), in [10^-9, 1]
	Epsilon float64 // ε of the stopping rule (42), in [10^-12, 1)

	// MaxIterations bounds Algorithm 4's loop; a run that reaches it
	// without meeting (42) reports Converged = false.
	MaxIterations int

	Willingness []float64 // w_i > 0, one per buyer
	BuyMax      []float64 // b_i^max > 0, one per buyer
	TransferMax []float64 // t_j^max > 0, one per transferee
}

// Market is a validated, immutable set of Params. It is safe for
// concurrent use. A Market must come from NewMarket: a nil or zero Market
// has no buyers or transferees, its functions return ErrDomain and Run and
// RunSeeded return ErrParams.
type Market struct {
	p Params
}

// made reports whether m came from NewMarket.
func (m *Market) made() bool { return m != nil && m.p.Model != 0 }

// NewMarket validates p and returns its market. L1, Eta and every w_i,
// b_i^max and t_j^max must lie between 10^-9 and 10^9 (Eta at most 1); L2
// must be zero or in that range; Epsilon must be at least 10^-12 and below
// 1. There must be at least one buyer and one transferee, at most MaxAgents
// pairs, and 1 ≤ MaxIterations ≤ MaxMarketIterations. NaN and infinities are
// rejected. The slices are copied. Errors wrap ErrParams.
func NewMarket(p Params) (*Market, error) {
	bad := func(format string, args ...any) (*Market, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrParams}, args...)...)
	}
	if p.Model != ModelPrinted && p.Model != ModelConcave {
		return bad("unknown model %d", int(p.Model))
	}
	if !inRange(p.L1) {
		return bad("l1 = %v", p.L1)
	}
	if p.L2 != 0 && !inRange(p.L2) {
		return bad("l2 = %v", p.L2)
	}
	if !inRange(p.Eta) || p.Eta > 1 {
		return bad("eta = %v, want %v ≤ eta ≤ 1", p.Eta, paramMin)
	}
	if !(p.Epsilon >= minEpsilon && p.Epsilon < 1) {
		return bad("epsilon = %v, want %v ≤ epsilon < 1", p.Epsilon, minEpsilon)
	}
	if p.MaxIterations < 1 || p.MaxIterations > MaxMarketIterations {
		return bad("max iterations = %d", p.MaxIterations)
	}
	nb, nt := len(p.Willingness), len(p.TransferMax)
	if nb == 0 || nt == 0 {
		return bad("%d buyers and %d transferees, want at least one of each", nb, nt)
	}
	if len(p.BuyMax) != nb {
		return bad("%d buyers have willingness but %d have a maximum", nb, len(p.BuyMax))
	}
	if nb > MaxAgents/nt {
		return bad("%d buyers × %d transferees exceeds %d pairs", nb, nt, MaxAgents)
	}
	for i := range nb {
		if !inRange(p.Willingness[i]) {
			return bad("w[%d] = %v", i, p.Willingness[i])
		}
		if !inRange(p.BuyMax[i]) {
			return bad("b_max[%d] = %v", i, p.BuyMax[i])
		}
	}
	for j, t := range p.TransferMax {
		if !inRange(t) {
			return bad("t_max[%d] = %v", j, t)
		}
	}
	q := p
	q.Willingness = append([]float64(nil), p.Willingness...)
	q.BuyMax = append([]float64(nil), p.BuyMax...)
	q.TransferMax = append([]float64(nil), p.TransferMax...)
	return &Market{p: q}, nil
}

func inRange(v float64) bool { return v >= paramMin && v <= paramMax } // false for NaN

// PaperSetting returns the setting of the paper's Fig. 7: l1 = 0.01,
// l2 = 0.015, η = 0.8, ε = 0.001, 35 buyers and 45 transferees, read with
// ModelConcave. The paper leaves w_i, b_i^max and t_j^max open; this setting
// uses w_i spread evenly from 0.01 to 0.06 and b_i^max = t_j^max = 1 (one
// ticket per certificate, the ticket package's default). MaxIterations is
// 1000. The package doc reports the outcome.
func PaperSetting() Params {
	const buyers, transferees = 35, 45
	p := Params{
		Model: ModelConcave,
		L1:    0.01, L2: 0.015, Eta: 0.8, Epsilon: 0.001,
		MaxIterations: 1000,
		Willingness:   make([]float64, buyers),
		BuyMax:        make([]float64, buyers),
		TransferMax:   make([]float64, transferees),
	}
	for i := range buyers {
		p.Willingness[i] = 0.01 + 0.05*float64(i)/(buyers-1)
		p.BuyMax[i] = 1
	}
	for j := range transferees {
		p.TransferMax[j] = 1
	}
	return p
}

// Params returns a copy of the market's parameters (the zero Params for a
// nil or zero Market).
func (m *Market) Params() Params {
	if !m.made() {
		return Params{}
	}
	q := m.p
	q.Willingness = append([]float64(nil), m.p.Willingness...)
	q.BuyMax = append([]float64(nil), m.p.BuyMax...)
	q.TransferMax = append([]float64(nil), m.p.TransferMax...)
	return q
}

// Buyers returns the number of buyers.
func (m *Market) Buyers() int {
	if !m.made() {
		return 0
	}
	return len(m.p.Willingness)
}

// Transferees returns the number of transferees.
func (m *Market) Transferees() int {
	if !m.made() {
		return 0
	}
	return len(m.p.TransferMax)
}

func (m *Market) buyer(i int) error {
	if i < 0 || i >= m.Buyers() {
		return fmt.Errorf("%w: buyer %d of %d", ErrDomain, i, m.Buyers())
	}
	return nil
}

func (m *Market) transferee(j int) error {
	if j < 0 || j >= m.Transferees() {
		return fmt.Errorf("%w: transferee %d of %d", ErrDomain, j, m.Transferees())
	}
	return nil
}

// buyerDomain checks that X tickets bought by buyer i keep (25) defined:
// X ≥ 0, and for ModelPrinted η·X < b_i^max + 1.
func (m *Market) buyerDomain(i int, bought float64) error {
	if err := m.buyer(i); err != nil {
		return err
	}
	if !(bought >= 0) || math.IsInf(bought, 1) ||
		(m.p.Model == ModelPrinted && m.p.Eta*bought >= m.p.BuyMax[i]+1) {
		return fmt.Errorf("%w: buyer %d buying %v", ErrDomain, i, bought)
	}
	return nil
}

// transfereeDomain checks that T tickets transferred by j keep (26)
// defined: T ≥ 0, and for ModelConcave η·T < t_j^max + 1.
func (m *Market) transfereeDomain(j int, transferred float64) error {
	if err := m.transferee(j); err != nil {
		return err
	}
	if !(transferred >= 0) || math.IsInf(transferred, 1) ||
		(m.p.Model == ModelConcave && m.p.Eta*transferred >= m.p.TransferMax[j]+1) {
		return fmt.Errorf("%w: transferee %d transferring %v", ErrDomain, j, transferred)
	}
	return nil
}

// Satisfaction returns A_i, the satisfaction of buyer i buying bought
// tickets in all (bought = Σ_j b_ij), under the market's model.
func (m *Market) Satisfaction(i int, bought float64) (float64, error) {
	if err := m.buyerDomain(i, bought); err != nil {
		return 0, err
	}
	return m.satisfaction(i, bought), nil
}

// Cost returns E_j, the cost of transferee j transferring transferred
// tickets in all (transferred = Σ_i t_ji), under the market's model.
func (m *Market) Cost(j int, transferred float64) (float64, error) {
	if err := m.transfereeDomain(j, transferred); err != nil {
		return 0, err
	}
	return m.cost(j, transferred), nil
}

// BuyerBid returns a_ij of equation (38): what buyer i bids for the
// fromOne tickets it receives from one transferee j when it buys bought
// tickets in all (0 ≤ fromOne ≤ bought).
func (m *Market) BuyerBid(i int, fromOne, bought float64) (float64, error) {
	if err := m.buyerDomain(i, bought); err != nil {
		return 0, err
	}
	if !(fromOne >= 0) || fromOne > bought {
		return 0, fmt.Errorf("%w: buyer %d receiving %v of %v", ErrDomain, i, fromOne, bought)
	}
	return m.buyerBid(i, fromOne, bought), nil
}

// TransfereeBid returns e_ji of equation (39): the price per ticket
// transferee j asks of every buyer when it transfers transferred tickets in
// all. The equation does not depend on i.
func (m *Market) TransfereeBid(j int, transferred float64) (float64, error) {
	if err := m.transfereeDomain(j, transferred); err != nil {
		return 0, err
	}
	return m.transfereeBid(j, transferred), nil
}

func (m *Market) satisfaction(i int, x float64) float64 {
	p := &m.p
	if p.Model == ModelPrinted {
		return p.Willingness[i] * math.Log(p.BuyMax[i]-p.Eta*x+1)
	}
	return p.Willingness[i] * math.Log1p(p.Eta*x)
}

func (m *Market) cost(j int, t float64) float64 {
	p := &m.p
	if p.Model == ModelPrinted {
		return p.L1*t + p.L2*math.Log1p(max(0, p.Eta*t-p.TransferMax[j]))
	}
	c := p.TransferMax[j]
	return p.L1*t + p.L2*(math.Log1p(c)-math.Log1p(c-p.Eta*t))
}

func (m *Market) buyerBid(i int, x, total float64) float64 {
	p := &m.p
	if p.Model == ModelPrinted {
		return p.Eta * p.Willingness[i] * x / (p.BuyMax[i] - p.Eta*total + 1)
	}
	return p.Eta * p.Willingness[i] * x / (1 + p.Eta*total)
}

func (m *Market) transfereeBid(j int, t float64) float64 {
	p := &m.p
	if p.Model == ModelPrinted {
		if over := p.Eta*t - p.TransferMax[j]; over > 0 {
			return p.L1 + p.L2*p.Eta/(over+1)
		}
		return p.L1
	}
	return p.L1 + p.L2*p.Eta/(p.TransferMax[j]-p.Eta*t+1)
}
