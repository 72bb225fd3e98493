package tax

import "fmt"

// Discount is the reputation incentive of the paper's transfer step 10: a
// seller whose reputation is above a threshold is charged only part of the
// tax. The zero Discount never applies.
type Discount struct {
	above  int64
	rebate Rate // MaxRate − the part of the tax charged; 0 means no discount
}

// NewDiscount returns a discount under which sellers with a reputation
// strictly above threshold pay charged (a Rate of the normal tax, at most
// 100%) instead of the whole tax.
func NewDiscount(threshold int64, charged Rate) (Discount, error) {
	if charged > MaxRate {
		return Discount{}, fmt.Errorf("%w: discount charges %d basis points of the tax, above 100%%", ErrRate, charged)
	}
	return Discount{above: threshold, rebate: MaxRate - charged}, nil
}

// PaperDiscount returns the paper's incentive: above 1500 reputation points
// the resale tax is charged at 80%.
func PaperDiscount() Discount {
	return Discount{above: 1500, rebate: 20 * Percent}
}

// Threshold returns the reputation a seller must exceed.
func (d Discount) Threshold() int64 { return d.above }

// Charged returns the part of the tax charged when the discount applies.
func (d Discount) Charged() Rate { return MaxRate - d.rebate }

// Applies reports whether the discount lowers the tax of a seller with the
// given reputation.
func (d Discount) Applies(reputation int64) bool {
	return d.rebate != 0 && reputation > d.above
}

// Settlement is the outcome of one resale under equation (24): the merchant
// withholds Tax and pays Payout = Resale − Tax to the seller (MID_Eve).
type Settlement struct {
	Price      Amount // what the seller paid for the ticket
	Resale     Amount // Price', what the buyer pays
	Difference Amount // Resale − Price; zero or negative means no tax
	Tax        Amount // withheld by the merchant, 0 ≤ Tax ≤ max(Difference, 0)
	Payout     Amount // Resale − Tax, paid to the seller; never negative
	Discounted bool   // the reputation discount was applied
}

// Settle computes the tax and the seller's payout for a ticket bought at
// price and resold at resale. Both must be zero or positive (ErrNegative);
// a nil or zero Schedule is refused with ErrSchedule.
func (s *Schedule) Settle(price, resale Amount) (Settlement, error) {
	return s.SettleDiscounted(price, resale, 0, Discount{})
}

// SettleDiscounted is Settle for a seller with the given reputation under
// discount d: when d applies, the exact tax is scaled by d.Charged() before
// the single rounding step, so the result is not a rounded value rounded
// again. A nil or zero Schedule is refused with ErrSchedule.
func (s *Schedule) SettleDiscounted(price, resale Amount, reputation int64, d Discount) (Settlement, error) {
	if !s.made() {
		return Settlement{}, ErrSchedule
	}
	if price < 0 {
		return Settlement{}, fmt.Errorf("%w: price %d", ErrNegative, price)
	}
	if resale < 0 {
		return Settlement{}, fmt.Errorf("%w: resale price %d", ErrNegative, resale)
	}
	st := Settlement{Price: price, Resale: resale, Difference: resale - price} // both ≥ 0: no overflow
	charged := uint64(MaxRate)
	if d.Applies(reputation) {
		charged = uint64(d.Charged())
		st.Discounted = true
	}
	st.Tax = s.tax(st.Difference, charged)
	st.Payout = resale - st.Tax
	return st, nil
}
