package ticket

import (
	"fmt"
	"strings"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/cbets/cbets/tax"
)

// State is the life-cycle state of a ticket (SPEC section 8).
type State uint8

// Ticket states. Consumed, Refunded and Returned are final; Expired is
// never recorded: it is derived from the time (Ticket.StateAt).
const (
	Valid       State = 1 // bought, never transferred
	Listed      State = 2 // offered for resale
	Transferred State = 3 // resold; valid for its new holder
	Consumed    State = 4 // used; final
	Refunded    State = 5 // refunded after the event's cancellation; final
	Returned    State = 6 // returned by its holder; final
	Expired     State = 7 // the event ended before the ticket was used
)

func (s State) String() string {
	switch s {
	case Valid:
		return "valid"
	case Listed:
		return "listed"
	case Transferred:
		return "transferred"
	case Consumed:
		return "consumed"
	case Refunded:
		return "refunded"
	case Returned:
		return "returned"
	case Expired:
		return "expired"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// live reports whether a ticket in state s can still be used, resold,
// returned or refunded.
func (s State) live() bool { return s == Valid || s == Listed || s == Transferred }

// PaperCode returns the paper's code for the state, for display: 1 valid,
// −1 waiting for transfer, 2 transferred (not transferable again), 0 invalid
// (consumed, and the states the paper does not have: refunded, returned,
// expired).
func (s State) PaperCode() int {
	switch s {
	case Valid:
		return 1
	case Listed:
		return -1
	case Transferred:
		return 2
	}
	return 0
}

// Standing is a user's reputation standing (paper step 10), kept by the
// backend: the reputation score and the number of transfers the user has
// made as a seller.
type Standing struct {
	Reputation int64
	Transfers  uint32
}

// Facts are what the backend knows and the library cannot: the inputs of
// the rules that look beyond one ticket.
type Facts struct {
	// Held is the number of tickets of the event that the requesting
	// certificate already holds (Buy, and the buyer of a Transfer).
	Held int
	// Seller is the holder's standing (List and Transfer).
	Seller Standing
	// Event is the terms of the ticket's event, as published. A Buy
	// needs them; the other transitions use the ticket's own Terms when
	// Event is nil.
	Event *Event
	// Cancellation is the event's cancellation, if its merchant has
	// cancelled it; when nil, the transitions other than Buy use the
	// ticket's own Cancellation.
	Cancellation *Cancellation
}

// Ticket is the state of one ticket after its latest record. Transitions
// take it as input and return the next one; Replay rebuilds it from the
// records alone.
type Ticket struct {
	Event, Serial string
	Merchant      *ecdsa.PublicKey
	Holder        *Certificate
	State         State
	// Age counts transfers (the paper's ticket age).
	Age uint32
	// Price is what the holder paid.
	Price tax.Amount
	// ListPrice and Payee are Price' and MID while the ticket is Listed.
	ListPrice tax.Amount
	Payee     ecdsa.Address
	// Issued is the time of the Buy record (t1), Updated of the latest.
	Issued, Updated time.Time
	// Head is the hash of the latest record.
	Head [32]byte
	// Terms are the published terms of the ticket's event, and
	// Cancellation its cancellation when the merchant has called it off.
	// They are not part of any record: the merchant's transitions and
	// Replay set them from the event and cancellation they checked the
	// record against, and a backend that stores tickets without them
	// sets them again from the event and its cancellation (package
	// ledger does). The transitions other than Buy use them when their
	// Facts do not say.
	Terms        *Event
	Cancellation *Cancellation
}

// StateAt returns the ticket's state at time now: State, or Expired when
// the ticket is still valid, listed or transferred at or after its event's
// end (Terms.End) and the event is not cancelled. A ticket of a cancelled
// event does not expire: its refund is owed until it is paid. Replay has no
// clock: it returns the recorded State and the Terms, from which StateAt
// derives the state at any time. A nil Ticket has the zero State; one
// without Terms never expires. Only a cancellation of the ticket's own
// terms (naming their hash) keeps it from expiring; a zero or foreign one
// does not. StateAt checks no signature: the transitions and Replay do.
func (t *Ticket) StateAt(now time.Time) State {
	switch {
	case t == nil:
		return 0
	case t.State.live() && t.Terms.complete() && !now.Before(t.Terms.terms.End) && !t.cancelledByOwnTerms():
		return Expired
	}
	return t.State
}

// cancelledByOwnTerms reports whether t carries a cancellation of its own
// terms; t.Terms is complete.
func (t *Ticket) cancelledByOwnTerms() bool {
	return t.Cancellation.complete() && t.Cancellation.eventHash == t.Terms.Hash()
}

// check makes sure t can be acted on: not nil, with a merchant key and a
// holder certificate. The rest of a ticket is checked by the rules.
func (t *Ticket) check() error {
	switch {
	case t == nil:
		return errorf(ErrMalformed, "no ticket")
	case !pubOK(t.Merchant):
		return errorf(ErrMalformed, "ticket without a merchant key")
	case !t.Holder.complete():
		return errorf(ErrMalformed, "ticket without a holder certificate")
	}
	return nil
}

// request starts a request on t by its holder; t passed check.
func (t *Ticket) request(kind Kind, price tax.Amount, payee ecdsa.Address, at time.Time) *Request {
	return &Request{Kind: kind, Event: t.Event, Serial: t.Serial, Merchant: t.Merchant, Prev: t.Head,
		Cert: t.Holder, Price: price, Payee: payee, Time: at}
}

// Merchant holds what a merchant needs to run the transitions: its key, the
// registrar's public key, and the policy. Make one with NewMerchant; the
// transitions of a nil or zero Merchant return ErrKey.
type Merchant struct {
	key       *ecdsa.PrivateKey
	pub       *ecdsa.PublicKey
	registrar *ecdsa.PublicKey
	policy    Policy
}

// NewMerchant checks its arguments and returns a Merchant: key is the
// merchant's signing key and registrar the key that signs certificates
// (ErrKey when nil or zero), and policy must be valid (ErrPolicy). A key
// wiped by PrivateKey.Zero panics, here and in the transitions.
func NewMerchant(key *ecdsa.PrivateKey, registrar *ecdsa.PublicKey, policy Policy) (*Merchant, error) {
	if err := checkPriv("NewMerchant", "key", key); err != nil {
		return nil, err
	}
	if err := checkPub("NewMerchant: registrar", registrar); err != nil {
		return nil, err
	}
	if err := policy.validate(); err != nil {
		return nil, err
	}
	return &Merchant{key: key, pub: key.PublicKey(), registrar: registrar, policy: policy}, nil
}

// PublicKey returns the merchant's public key pk_M (nil for a nil or zero
// Merchant).
func (m *Merchant) PublicKey() *ecdsa.PublicKey {
	if m == nil {
		return nil
	}
	return m.pub
}

// Buy runs Algorithm 1 on the merchant's side: it checks the buyer's
// certificate, the per-certificate limit (facts.Held) and the buyer's
// UserSign over the request, then signs the record with MerchantSign. The
// backend must make sure the (event, serial) is not already sold: a ticket
// that exists has a history, and Buy starts one.
func (m *Merchant) Buy(req *Request, facts Facts, now time.Time) (*Ticket, *Record, error) {
	return m.transition(nil, req, KindBuy, facts, now)
}

// List accepts the holder's listing (request 3 of Algorithm 3), if the
// holder's reputation (facts.Seller) reaches the policy's threshold, the
// ticket may still be transferred, the resale is open and the price within
// the event's resale cap.
func (m *Merchant) List(cur *Ticket, req *Request, facts Facts, now time.Time) (*Ticket, *Record, error) {
	return m.transition(cur, req, KindList, facts, now)
}

// Delist accepts the holder's request to take a listing back.
func (m *Merchant) Delist(cur *Ticket, req *Request, now time.Time) (*Ticket, *Record, error) {
	return m.transition(cur, req, KindDelist, Facts{}, now)
}

// Transfer runs Algorithm 3 on the merchant's side: the buyer's signature
// over (T*, Price', t3) at the listed price moves the ticket to the buyer,
// age + 1, and the record settles the resale tax and the seller's payout
// (eq. 24) under the policy's schedule and the seller's standing.
func (m *Merchant) Transfer(cur *Ticket, req *Request, facts Facts, now time.Time) (*Ticket, *Record, error) {
	return m.transition(cur, req, KindTransfer, facts, now)
}

// Consume runs Algorithm 2 on the merchant's side: it verifies the holder's
// ω and completes it into the 2-of-2 signature Σ, which the record carries.
// Without the holder's ω the merchant cannot consume a ticket. The event's
// terms and cancellation are the ticket's own (cur.Terms,
// cur.Cancellation): admission is open from the doors' opening until the
// end.
func (m *Merchant) Consume(cur *Ticket, req *Request, now time.Time) (*Ticket, *Record, error) {
	return m.transition(cur, req, KindConsume, Facts{}, now)
}

// Refund pays back a ticket of a cancelled event: from the cancellation's
// time (facts.Cancellation, else cur.Cancellation) the holder's signed
// request is accepted for a ticket that is valid, listed (the listing
// ends) or transferred, and the record pays the holder's payee the price
// the holder paid (Record.Payout = cur.Price). The ticket is then
// Refunded, which is final.
func (m *Merchant) Refund(cur *Ticket, req *Request, facts Facts, now time.Time) (*Ticket, *Record, error) {
	return m.transition(cur, req, KindRefund, facts, now)
}

// Return takes a ticket back from its holder, as the event's terms allow:
// before their return cut-off, for a ticket that is valid or transferred
// (not listed) and whose event is not cancelled. The record pays the
// holder's payee the price paid minus the return penalty (Record.Payout;
// Record.Tax is the penalty withheld) and reverses the holder's purchase
// reward (Record.SignerReputation = −Policy.PurchaseReward). The ticket is
// then Returned, which is final, and its seat is the event's to sell again.
func (m *Merchant) Return(cur *Ticket, req *Request, facts Facts, now time.Time) (*Ticket, *Record, error) {
	return m.transition(cur, req, KindReturn, facts, now)
}

func (m *Merchant) transition(cur *Ticket, req *Request, kind Kind, facts Facts, now time.Time) (*Ticket, *Record, error) {
	if m == nil || m.key == nil {
		return nil, nil, errorf(ErrKey, "Merchant not made by NewMerchant")
	}
	if wiped(m.key) {
		panic(prefix + "Merchant." + transitionName(kind) + ": the merchant's key is a wiped private key")
	}
	if req == nil {
		return nil, nil, errorf(ErrMalformed, "no request")
	}
	if req.Kind != kind {
		return nil, nil, errorf(ErrMalformed, "a %v request given to %v", req.Kind, kind)
	}
	if !representable(now) {
		return nil, nil, errorf(ErrTime, "%v cannot be encoded in a record", now)
	}
	if facts.Held < 0 {
		return nil, nil, errorf(ErrMalformed, "negative held count %d", facts.Held)
	}
	if err := m.policy.check(cur, req, m.registrar, m.pub, now, nil); err != nil {
		return nil, nil, err
	}
	if kind != KindBuy {
		if facts.Event == nil {
			facts.Event = cur.Terms
		}
		if facts.Cancellation == nil {
			facts.Cancellation = cur.Cancellation
		}
	}
	if err := facts.Event.rules(facts.Cancellation, req, now, nil); err != nil {
		return nil, nil, err
	}
	rec := &Record{Request: req, Time: now.UTC()}
	if err := m.policy.settle(cur, rec, facts, true); err != nil {
		return nil, nil, err
	}
	if kind == KindConsume {
		omega, _ := ecdsa.ParseInverseSSignature(req.Sig) // form checked by check
		sigma, err := multisig.Complete(m.key, req.Cert.PublicKey(), req.SignedBytes(), omega, nil)
		if err != nil {
			return nil, nil, errorf(ErrSignature, "consume request signed by %q: %w", req.Cert.ID(), err)
		}
		rec.Consumption = sigma.Bytes()
	}
	sig, err := ecdsa.SignRBound(m.key, rec.SignedBytes(), nil)
	if err != nil {
		return nil, nil, errorf(ErrKey, "Merchant.%s: signing the record: %w", transitionName(kind), err)
	}
	rec.MerchantSig = sig.Bytes()
	return advance(cur, rec, facts.Event, facts.Cancellation), rec, nil
}

// transitionName is the name of the Merchant method running kind.
func transitionName(kind Kind) string {
	name := kind.String()
	return strings.ToUpper(name[:1]) + name[1:]
}

// check verifies a request against the current ticket: its form, the
// merchant, the certificate, the ticket identity and head, the times, the
// state rules, and the user's signature (but for Consume, see below). It is
// shared by the merchant's transitions and by Replay, which passes b to
// verify the R-bound signatures of a whole history in one batch.
func (p *Policy) check(cur *Ticket, req *Request, registrar, merchant *ecdsa.PublicKey, now time.Time, b *rbounds) error {
	if err := req.checkForm(b); err != nil {
		return err
	}
	if !req.Merchant.Equal(merchant) {
		return errorf(ErrForeign, "request names another merchant")
	}
	if err := req.Cert.verify(registrar, b); err != nil {
		return err
	}
	if req.Time.After(now) {
		return errorf(ErrTime, "request time %v is after %v", req.Time, now)
	}
	if req.Kind == KindBuy {
		if cur != nil {
			return errorf(ErrState, "the ticket already exists")
		}
		return req.verifySig(b)
	}
	if cur == nil {
		return errorf(ErrState, "no ticket to %v", req.Kind)
	}
	if err := cur.check(); err != nil {
		return err
	}
	if req.Event != cur.Event || req.Serial != cur.Serial || !req.Merchant.Equal(cur.Merchant) || req.Prev != cur.Head {
		return errorf(ErrForeign, "request is for another ticket or an earlier state")
	}
	if req.Time.Before(cur.Updated) || now.Before(cur.Updated) {
		return errorf(ErrTime, "request or record time is before the ticket's latest record at %v", cur.Updated)
	}
	holderSigns := req.Kind != KindTransfer // and not Buy, handled above
	if holderSigns && (req.Cert.ID() != cur.Holder.ID() || !req.Cert.PublicKey().Equal(cur.Holder.PublicKey())) {
		return errorf(ErrNotHolder, "%v signed by %q, but %q holds the ticket", req.Kind, req.Cert.ID(), cur.Holder.ID())
	}
	switch req.Kind {
	case KindList:
		if cur.State != Valid && cur.State != Transferred {
			return errorf(ErrState, "cannot list a %v ticket", cur.State)
		}
		if cur.Age >= p.MaxTransfers {
			return errorf(ErrTransferLimit, "cannot list a ticket transferred %d of %d times", cur.Age, p.MaxTransfers)
		}
	case KindDelist:
		if cur.State != Listed {
			return errorf(ErrState, "cannot delist a %v ticket", cur.State)
		}
	case KindTransfer:
		if cur.State != Listed {
			return errorf(ErrState, "cannot transfer a %v ticket", cur.State)
		}
		if req.Price != cur.ListPrice {
			return errorf(ErrPrice, "%d offered for a ticket listed at %d", req.Price, cur.ListPrice)
		}
		if req.Cert.PublicKey().Equal(cur.Holder.PublicKey()) || req.Cert.ID() == cur.Holder.ID() {
			return errorf(ErrState, "the holder cannot buy its own listing")
		}
	case KindReturn:
		if cur.State != Valid && cur.State != Transferred {
			return errorf(ErrState, "cannot return a %v ticket", cur.State)
		}
	case KindRefund:
		if !cur.State.live() {
			return errorf(ErrState, "cannot refund a %v ticket", cur.State)
		}
	case KindConsume:
		if cur.State != Valid && cur.State != Transferred {
			return errorf(ErrState, "cannot consume a %v ticket", cur.State)
		}
		// The holder's ω is verified once, as part of the 2-of-2
		// signature: by multisig.Complete in the merchant's transition
		// and by multisig.Verify in Replay.
		return nil
	}
	return req.verifySig(b)
}

// settle fills in the record's settlement from the facts: the standing the
// merchant relied on, the resale tax and payout, the amount refunded, and
// the reputation changes. With live set (a merchant's transition) it also
// enforces the rules on facts that records do not carry (the
// per-certificate limit). facts.Event is the event checked by rules.
func (p *Policy) settle(cur *Ticket, rec *Record, facts Facts, live bool) error {
	req := rec.Request
	switch req.Kind {
	case KindBuy, KindTransfer:
		if live && facts.Held >= p.PerCertificateLimit {
			return errorf(ErrLimit, "certificate %q already holds %d tickets of event %q, the limit is %d",
				req.Cert.ID(), facts.Held, req.Event, p.PerCertificateLimit)
		}
		rec.SignerReputation = p.PurchaseReward
	}
	switch req.Kind {
	case KindList:
		rec.Seller = facts.Seller
		if facts.Seller.Reputation < p.ListingThreshold {
			return errorf(ErrReputation, "reputation %d is below the listing threshold %d", facts.Seller.Reputation, p.ListingThreshold)
		}
	case KindTransfer:
		rec.Seller = facts.Seller
		s, err := p.resale(cur.Price, req.Price, facts.Seller)
		if err != nil {
			return err
		}
		rec.Tax, rec.Payout, rec.SellerReputation = s.tax, s.payout, s.reputation
	case KindRefund:
		if req.Price != cur.Price {
			return errorf(ErrPrice, "refund of %d asked, the holder paid %d", req.Price, cur.Price)
		}
		rec.Payout = cur.Price
	case KindReturn:
		penalty := facts.Event.terms.returnPenalty(cur.Price)
		if req.Price != cur.Price-penalty {
			return errorf(ErrPrice, "return for %d asked, the holder paid %d and the penalty is %d",
				req.Price, cur.Price, penalty)
		}
		rec.Tax, rec.Payout = penalty, cur.Price-penalty
		rec.SignerReputation = -p.PurchaseReward
	}
	return nil
}

// advance returns the ticket after rec, which has been checked against the
// event ev and its cancellation c.
func advance(cur *Ticket, rec *Record, ev *Event, c *Cancellation) *Ticket {
	req := rec.Request
	var next Ticket
	if cur != nil {
		next = *cur
	}
	switch req.Kind {
	case KindBuy:
		next = Ticket{Event: req.Event, Serial: req.Serial, Merchant: req.Merchant, Holder: req.Cert,
			State: Valid, Price: req.Price, Issued: rec.Time}
	case KindList:
		next.State, next.ListPrice, next.Payee = Listed, req.Price, req.Payee
	case KindDelist:
		next.State = Valid
		if next.Age > 0 {
			next.State = Transferred
		}
		next.ListPrice, next.Payee = 0, ecdsa.Address{}
	case KindTransfer:
		next.Holder, next.State, next.Age, next.Price = req.Cert, Transferred, next.Age+1, req.Price
		next.ListPrice, next.Payee = 0, ecdsa.Address{}
	case KindConsume:
		next.State = Consumed
	case KindRefund, KindReturn:
		next.State = Refunded
		if req.Kind == KindReturn {
			next.State = Returned
		}
		next.ListPrice, next.Payee = 0, ecdsa.Address{}
	}
	next.Updated = rec.Time
	next.Head = rec.Hash()
	next.Terms, next.Cancellation = ev, c
	return &next
}
