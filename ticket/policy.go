package ticket

import (
	"math"
	"math/bits"

	"github.com/cbets/cbets/tax"
)

// Policy holds the parameters of the rules, with the paper's figures as
// defaults (DefaultPolicy).
type Policy struct {
	// PerCertificateLimit is how many tickets of one event a certificate
	// may hold (paper Buying step 3: "if cert_i exists … refused"): 1.
	PerCertificateLimit int
	// MaxTransfers is how many times a ticket may be resold: 1 ("the
	// ticket can only be transferred once").
	MaxTransfers uint32
	// PurchaseReward is the reputation gained per purchase: 5.
	PurchaseReward int64
	// ListingThreshold is the reputation below which a user may not list
	// a ticket: 500.
	ListingThreshold int64
	// Schedule is the resale tax (eq. 24): Table 5's full-rate schedule.
	Schedule *tax.Schedule
	// Discount is the reputation incentive: above 1500 the tax is
	// charged at 80%.
	Discount tax.Discount
}

// DefaultPolicy returns the paper's rules for amounts in the given scale.
func DefaultPolicy(scale tax.Scale) Policy {
	return Policy{
		PerCertificateLimit: 1,
		MaxTransfers:        1,
		PurchaseReward:      5,
		ListingThreshold:    500,
		Schedule:            tax.Table5(scale),
		Discount:            tax.PaperDiscount(),
	}
}

// validate checks a policy given to NewMerchant or Replay (ErrPolicy): a
// tax schedule made by package tax's constructors, a per-certificate limit
// of at least 1 and a reward that is not negative.
func (p *Policy) validate() error {
	switch {
	case p.Schedule.Kind() == 0:
		return errorf(ErrPolicy, "policy without a tax schedule")
	case p.PerCertificateLimit < 1:
		return errorf(ErrPolicy, "policy's per-certificate limit %d is below 1", p.PerCertificateLimit)
	case p.PurchaseReward < 0:
		return errorf(ErrPolicy, "policy's purchase reward %d is negative", p.PurchaseReward)
	}
	return nil
}

type resale struct {
	tax, payout tax.Amount
	reputation  int64
}

// resale settles a transfer at price' of a ticket bought at price (eq. 24)
// and computes the seller's reputation change −ΔPrice·x (paper step 10),
// where ΔPrice is the difference in whole coins, rounded up, and x counts
// the seller's transfers including this one.
func (p *Policy) resale(price, resalePrice tax.Amount, seller Standing) (resale, error) {
	st, err := p.Schedule.SettleDiscounted(price, resalePrice, seller.Reputation, p.Discount)
	if err != nil {
		return resale{}, errorf(ErrMalformed, "resale settlement: %w", err)
	}
	var coins uint64
	if st.Difference > 0 {
		unit := uint64(p.Schedule.Scale().UnitsPerCoin())
		coins = (uint64(st.Difference) + unit - 1) / unit
	}
	hi, penalty := bits.Mul64(coins, uint64(seller.Transfers)+1)
	if hi != 0 || penalty > math.MaxInt64 {
		return resale{}, errorf(ErrMalformed, "the seller's reputation change overflows")
	}
	return resale{tax: st.Tax, payout: st.Payout, reputation: -int64(penalty)}, nil
}
