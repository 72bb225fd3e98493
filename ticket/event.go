package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/bits"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/tax"
)

// Errors of events; test for them with errors.Is.
var (
	// ErrEvent: a record names no event, or terms that are malformed, not
	// signed by the ticket's merchant, or of another event; a
	// cancellation is not its event's; or NewEvent or NewCancellation was
	// given terms or a time that do not hold together.
	ErrEvent = errors.New("ticket: event terms missing, invalid or not the ticket's")
	// ErrSaleClosed: a Buy accepted outside the event's sale window.
	ErrSaleClosed = errors.New("ticket: outside the event's sale window")
	// ErrClosed: a List or Transfer at or after the event's resale
	// cut-off, a Consume before its doors open, or a Return the terms do
	// not allow or at or after their return cut-off.
	ErrClosed = errors.New("ticket: the event's terms do not allow this transition at this time")
	// ErrExpired: a transition at or after the end of an event that is
	// not cancelled; the ticket has expired.
	ErrExpired = errors.New("ticket: the event is over and the ticket expired")
	// ErrCancelled: a transition other than Refund at or after the
	// cancellation of the ticket's event, or a second cancellation.
	ErrCancelled = errors.New("ticket: the event is cancelled and its tickets can only be refunded")
	// ErrResaleCap: a List or Transfer above the event's resale cap.
	ErrResaleCap = errors.New("ticket: resale price above the event's cap")
)

const (
	eventDomain = "CBETS/ticket/v1/event"
	// basisPoints is 100%.
	basisPoints = 10000
)

// EventTerms are what a merchant sells (SPEC section 8.6): the event id that
// every ticket of the event names, how many tickets it has, the face value
// every Buy pays, when tickets are on sale and when the event takes place,
// and the rules of resale, admission and returns. Times are instants; the
// sale window is [SaleStart, SaleEnd), the event [Start, End), admission
// [DoorsOpen, End), resale (List, Transfer) open until ResaleCutoff and
// returns until ReturnCutoff. From End on, a ticket of an event that is not
// cancelled has expired: no transition is accepted.
type EventTerms struct {
	ID         string
	Capacity   uint32
	FaceValue  tax.Amount
	SaleStart  time.Time
	SaleEnd    time.Time
	Start, End time.Time
	// DoorsOpen is when admission opens: a Consume is accepted from
	// DoorsOpen until End. NewEvent sets a zero DoorsOpen to SaleStart
	// (admission whenever the ticket is held).
	DoorsOpen time.Time
	// ResaleCutoff closes resale: a List or Transfer is accepted before
	// it, never at or after it. It is at most Start; NewEvent sets a zero
	// ResaleCutoff to Start. A cut-off at or before SaleStart forbids
	// resale.
	ResaleCutoff time.Time
	// ResaleCapBasisPoints bounds the price of a List or Transfer to
	// FaceValue × ResaleCapBasisPoints / 10000, rounded down (11000: at
	// most 110% of the face value); 0 sets no such bound.
	ResaleCapBasisPoints uint32
	// ResaleCap bounds the price of a List or Transfer absolutely, in
	// minor units; 0 sets no such bound. With both bounds, the lower
	// holds. The resale tax applies below the cap as to any resale.
	ResaleCap tax.Amount
	// ReturnCutoff, when not zero, lets a holder return a ticket before it
	// (Return) for the price the holder paid minus the penalty; it is at
	// most Start. The zero time means the event takes no returns.
	ReturnCutoff time.Time
	// ReturnPenaltyBasisPoints is the share of the price paid that a
	// Return withholds, in basis points (at most 10000), rounded down. It
	// is 0 when the event takes no returns.
	ReturnPenaltyBasisPoints uint32
}

// MaxResale returns the highest price at which a ticket of the event may
// be listed or transferred, and false when the terms set no bound.
func (t EventTerms) MaxResale() (tax.Amount, bool) {
	limit, bounded := tax.Amount(math.MaxInt64), false
	if t.ResaleCapBasisPoints != 0 && t.FaceValue >= 0 {
		limit, bounded = share(t.FaceValue, t.ResaleCapBasisPoints), true
	}
	if t.ResaleCap > 0 && (!bounded || t.ResaleCap < limit) {
		limit, bounded = t.ResaleCap, true
	}
	if !bounded {
		return 0, false
	}
	return limit, true
}

// share returns ⌊a × bp / 10000⌋ for a ≥ 0, saturating at the int64 range.
func share(a tax.Amount, bp uint32) tax.Amount {
	q, r := uint64(a)/basisPoints, uint64(a)%basisPoints
	hi, lo := bits.Mul64(q, uint64(bp))
	frac := r * uint64(bp) / basisPoints // r < 10⁴, bp < 2³²: no overflow
	sum, carry := bits.Add64(lo, frac, 0)
	if hi != 0 || carry != 0 || sum > math.MaxInt64 {
		return math.MaxInt64
	}
	return tax.Amount(sum)
}

// returnPenalty is what a Return of a ticket bought at price withholds.
func (t *EventTerms) returnPenalty(price tax.Amount) tax.Amount {
	return share(price, t.ReturnPenaltyBasisPoints)
}

// defaults fills in the times NewEvent derives from others when zero.
func (t *EventTerms) defaults() {
	if t.DoorsOpen.IsZero() {
		t.DoorsOpen = t.SaleStart
	}
	if t.ResaleCutoff.IsZero() {
		t.ResaleCutoff = t.Start
	}
}

// check validates the terms: an id as for tickets, a capacity of at least
// one, a face value and resale cap that are not negative, representable
// times, a sale window and an event of positive length, a sale that closes
// by the end of the event, doors that open before the end, resale and
// return cut-offs no later than the start, and a return penalty of at
// most 100%, zero when the event takes no returns.
func (t *EventTerms) check() error {
	if err := checkID("event id", t.ID); err != nil {
		return err
	}
	switch {
	case t.Capacity == 0:
		return errorf(ErrEvent, "event %q has capacity 0", t.ID)
	case t.FaceValue < 0:
		return errorf(ErrEvent, "event %q has a negative face value", t.ID)
	case t.ResaleCap < 0:
		return errorf(ErrEvent, "event %q has a negative resale cap", t.ID)
	}
	times := []time.Time{t.SaleStart, t.SaleEnd, t.Start, t.End, t.DoorsOpen, t.ResaleCutoff}
	if !t.ReturnCutoff.IsZero() {
		times = append(times, t.ReturnCutoff)
	}
	for _, at := range times {
		if !representable(at) {
			return errorf(ErrEvent, "event %q: time %v cannot be encoded", t.ID, at)
		}
	}
	switch {
	case !t.SaleStart.Before(t.SaleEnd):
		return errorf(ErrEvent, "event %q: the sale window is empty", t.ID)
	case !t.Start.Before(t.End):
		return errorf(ErrEvent, "event %q ends before it starts", t.ID)
	case t.SaleEnd.After(t.End):
		return errorf(ErrEvent, "event %q: the sale closes after the event ends", t.ID)
	case !t.DoorsOpen.Before(t.End):
		return errorf(ErrEvent, "event %q: the doors open at or after the end", t.ID)
	case t.ResaleCutoff.After(t.Start):
		return errorf(ErrEvent, "event %q: the resale cut-off is after the start", t.ID)
	case t.ReturnCutoff.IsZero() && t.ReturnPenaltyBasisPoints != 0:
		return errorf(ErrEvent, "event %q: a return penalty without returns", t.ID)
	case t.ReturnCutoff.After(t.Start):
		return errorf(ErrEvent, "event %q: the return cut-off is after the start", t.ID)
	case t.ReturnPenaltyBasisPoints > basisPoints:
		return errorf(ErrEvent, "event %q: a return penalty above 100%%", t.ID)
	}
	return nil
}

// Event is an event's terms signed by its merchant with MerchantSign, the
// record a merchant publishes before it sells any ticket of the event.
type Event struct {
	terms    EventTerms
	merchant *ecdsa.PublicKey
	sig      *ecdsa.RBoundSignature
}

// NewEvent signs terms with the merchant's key, after setting a zero
// DoorsOpen to SaleStart and a zero ResaleCutoff to Start (Terms returns
// the terms signed). Terms that do not hold together are refused with
// ErrEvent or ErrMalformed (an id that is not 1 to 64 bytes of UTF-8); a
// nil or zero merchant key with ErrKey; a wiped one panics.
func NewEvent(merchant *ecdsa.PrivateKey, terms EventTerms) (*Event, error) {
	if err := checkPriv("NewEvent", "merchant", merchant); err != nil {
		return nil, err
	}
	terms.defaults()
	if err := terms.check(); err != nil {
		return nil, err
	}
	e := &Event{terms: terms, merchant: merchant.PublicKey()}
	sig, err := ecdsa.SignRBound(merchant, e.signed(), nil)
	if err != nil {
		return nil, errorf(ErrKey, "signing event %q: %w", terms.ID, err)
	}
	e.sig = sig
	return e, nil
}

func (e *Event) complete() bool {
	return e != nil && pubOK(e.merchant) && e.sig != nil
}

// signed returns the bytes the merchant signs; e is complete or being
// signed.
func (e *Event) signed() []byte {
	w := wire.NewBuilder(eventDomain)
	w.String(e.terms.ID)
	w.Fixed(e.merchant.Bytes())
	w.U32(e.terms.Capacity)
	w.U64(uint64(e.terms.FaceValue))
	t := &e.terms
	for _, at := range []time.Time{t.SaleStart, t.SaleEnd, t.Start, t.End, t.DoorsOpen, t.ResaleCutoff} {
		w.I64(at.UnixNano())
	}
	w.U32(t.ResaleCapBasisPoints)
	w.U64(uint64(t.ResaleCap))
	if t.ReturnCutoff.IsZero() {
		w.U8(0)
		w.I64(0)
	} else {
		w.U8(1)
		w.I64(t.ReturnCutoff.UnixNano())
	}
	w.U32(t.ReturnPenaltyBasisPoints)
	return w.Bytes()
}

// Bytes returns the canonical encoding, the merchant's signature included:
//
//	u32 len ‖ "CBETS/ticket/v1/event" ‖ u32 len ‖ id ‖ merchant pk (33) ‖
//	capacity (u32) ‖ face value (u64, minor units) ‖ sale start ‖ sale end ‖
//	start ‖ end ‖ doors open ‖ resale cut-off (each i64, Unix ns) ‖
//	resale cap (u32, basis points of the face value) ‖
//	resale cap (u64, minor units) ‖ returns (u8: 0 none, 1 allowed) ‖
//	return cut-off (i64, Unix ns; 0 without returns) ‖
//	return penalty (u32, basis points) ‖ signature (65)
//
// A nil or zero Event has no encoding: Bytes returns nil.
func (e *Event) Bytes() []byte {
	if !e.complete() {
		return nil
	}
	return append(e.signed(), e.sig.Bytes()...)
}

// Hash returns SHA-256 of Bytes.
func (e *Event) Hash() [32]byte { return sha256.Sum256(e.Bytes()) }

// ParseEvent decodes the encoding of Bytes strictly, terms included (as
// NewEvent checks them). It does not check the signature: call Verify.
func ParseEvent(b []byte) (*Event, error) {
	r := wire.NewReader(b, eventDomain)
	var t EventTerms
	t.ID = r.String(maxIDLen)
	pkb := r.Fixed(ecdsa.PublicKeySize)
	t.Capacity = r.U32()
	face := r.U64()
	times := make([]time.Time, 6)
	for i := range times {
		times[i] = time.Unix(0, r.I64()).UTC()
	}
	t.ResaleCapBasisPoints = r.U32()
	resaleCap := r.U64()
	returns, returnCutoff := r.U8(), r.I64()
	t.ReturnPenaltyBasisPoints = r.U32()
	sigb := r.Fixed(ecdsa.RBoundSignatureSize)
	if err := r.Done(); err != nil {
		return nil, errorf(ErrMalformed, "event: %w", err)
	}
	switch {
	case face > math.MaxInt64 || resaleCap > math.MaxInt64:
		return nil, errorf(ErrMalformed, "event: face value or resale cap out of range")
	case returns > 1 || returns == 0 && returnCutoff != 0:
		return nil, errorf(ErrMalformed, "event: returns flag %d with return cut-off %d", returns, returnCutoff)
	}
	t.FaceValue, t.ResaleCap = tax.Amount(face), tax.Amount(resaleCap)
	t.SaleStart, t.SaleEnd, t.Start, t.End = times[0], times[1], times[2], times[3]
	t.DoorsOpen, t.ResaleCutoff = times[4], times[5]
	if returns == 1 {
		t.ReturnCutoff = time.Unix(0, returnCutoff).UTC()
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	pub, err := ecdsa.ParsePublicKey(pkb)
	if err != nil {
		return nil, errorf(ErrMalformed, "event merchant key: %w", err)
	}
	sig, err := ecdsa.ParseRBoundSignature(sigb)
	if err != nil {
		return nil, errorf(ErrMalformed, "event signature: %w", err)
	}
	return &Event{terms: t, merchant: pub, sig: sig}, nil
}

// Verify checks that the event is signed by merchant. A nil or zero Event
// is refused with ErrMalformed, a nil or zero key with ErrKey, another
// merchant's or a bad signature with ErrEvent.
func (e *Event) Verify(merchant *ecdsa.PublicKey) error {
	return e.verify(merchant, nil)
}

func (e *Event) verify(merchant *ecdsa.PublicKey, b *rbounds) error {
	if !e.complete() {
		return errorf(ErrMalformed, "event is nil or empty")
	}
	if err := checkPub("merchant key", merchant); err != nil {
		return err
	}
	if !e.merchant.Equal(merchant) {
		return errorf(ErrEvent, "event %q is another merchant's", e.terms.ID)
	}
	msg := e.signed()
	return b.verify(merchant, msg, e.sig, func() error {
		if err := ecdsa.VerifyRBound(merchant, msg, e.sig, ecdsa.SHA256); err != nil {
			return errorf(ErrEvent, "event %q is not signed by its merchant: %w", e.terms.ID, err)
		}
		return nil
	})
}

// Terms returns the event's terms (the zero EventTerms for a nil Event).
func (e *Event) Terms() EventTerms {
	if e == nil {
		return EventTerms{}
	}
	return e.terms
}

// ID returns the event id ("" for a nil Event).
func (e *Event) ID() string { return e.Terms().ID }

// Merchant returns the merchant's key (nil for a nil or zero Event).
func (e *Event) Merchant() *ecdsa.PublicKey {
	if e == nil {
		return nil
	}
	return e.merchant
}

// rules applies the event's terms and its cancellation c (nil when the
// merchant has not cancelled the event) to req, accepted at now (the
// merchant's now; the record time on replay): e verifies under the
// request's merchant and is the request's event, c is e's, and the time
// allows the transition. b defers R-bound signatures as in Policy.check.
//
// From the cancellation on, only a Refund is accepted, and a Refund only
// then. Otherwise: a Buy pays the face value inside the sale window;
// nothing else is accepted from the end on (the ticket has expired); a
// List or Transfer is accepted before the resale cut-off, at a price
// within the resale cap; a Consume from the doors' opening; a Return
// before the return cut-off of terms that take returns.
func (e *Event) rules(c *Cancellation, req *Request, now time.Time, b *rbounds) error {
	if e == nil {
		return errorf(ErrEvent, "%v of event %q without its terms", req.Kind, req.Event)
	}
	if err := e.verify(req.Merchant, b); err != nil {
		return err
	}
	t := &e.terms
	if req.Event != t.ID {
		return errorf(ErrEvent, "%v of event %q with the terms of %q", req.Kind, req.Event, t.ID)
	}
	if c != nil {
		if err := c.verify(e, b); err != nil {
			return err
		}
	}
	switch cancelled := c != nil && !now.Before(c.at); {
	case req.Kind == KindRefund && !cancelled:
		return errorf(ErrState, "refund at %s of a ticket of event %q, which is not cancelled", jsonTime(now), t.ID)
	case req.Kind == KindRefund:
		return nil
	case cancelled:
		return errorf(ErrCancelled, "%v at %s: event %q was called off at %s", req.Kind, jsonTime(now), t.ID, jsonTime(c.at))
	}
	if req.Kind == KindBuy {
		switch {
		case req.Price != t.FaceValue:
			return errorf(ErrPrice, "buy at %d, the event's face value is %d", req.Price, t.FaceValue)
		case now.Before(t.SaleStart) || !now.Before(t.SaleEnd):
			return errorf(ErrSaleClosed, "buy at %s, sale open from %s until %s", jsonTime(now), jsonTime(t.SaleStart), jsonTime(t.SaleEnd))
		}
		return nil
	}
	if !now.Before(t.End) {
		return errorf(ErrExpired, "%v at %s: event %q ended at %s", req.Kind, jsonTime(now), t.ID, jsonTime(t.End))
	}
	switch req.Kind {
	case KindList, KindTransfer:
		if !now.Before(t.ResaleCutoff) {
			return errorf(ErrClosed, "%v at %s: resale of event %q closed at %s", req.Kind, jsonTime(now), t.ID, jsonTime(t.ResaleCutoff))
		}
		if limit, ok := t.MaxResale(); ok && req.Price > limit {
			return errorf(ErrResaleCap, "%v at %d, event %q allows at most %d", req.Kind, req.Price, t.ID, limit)
		}
	case KindConsume:
		if now.Before(t.DoorsOpen) {
			return errorf(ErrClosed, "consume at %s: the doors of event %q open at %s", jsonTime(now), t.ID, jsonTime(t.DoorsOpen))
		}
	case KindReturn:
		// The zero ReturnCutoff, no returns, lies before every time.
		switch {
		case !now.Before(t.ReturnCutoff) && t.ReturnCutoff.IsZero():
			return errorf(ErrClosed, "event %q takes no returns", t.ID)
		case !now.Before(t.ReturnCutoff):
			return errorf(ErrClosed, "return at %s: returns of event %q closed at %s", jsonTime(now), t.ID, jsonTime(t.ReturnCutoff))
		}
	}
	return nil
}

type eventJSON struct {
	ID              string `json:"id"`
	Merchant        string `json:"merchant"`
	Capacity        uint32 `json:"capacity"`
	FaceValue       int64  `json:"face_value"`
	SaleStart       string `json:"sale_start"`
	SaleEnd         string `json:"sale_end"`
	Start           string `json:"start"`
	End             string `json:"end"`
	DoorsOpen       string `json:"doors_open"`
	ResaleCutoff    string `json:"resale_cutoff"`
	ResaleCapBP     uint32 `json:"resale_cap_basis_points,omitempty"`
	ResaleCap       int64  `json:"resale_cap,omitempty"`
	ReturnCutoff    string `json:"return_cutoff,omitempty"`
	ReturnPenaltyBP uint32 `json:"return_penalty_basis_points,omitempty"`
	Encoding        string `json:"encoding"`
}

// jsonTime is the JSON form of a time.
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (e *Event) jsonForm() eventJSON {
	t := &e.terms
	j := eventJSON{ID: t.ID, Merchant: hex.EncodeToString(e.merchant.Bytes()), Capacity: t.Capacity,
		FaceValue: int64(t.FaceValue), SaleStart: jsonTime(t.SaleStart), SaleEnd: jsonTime(t.SaleEnd),
		Start: jsonTime(t.Start), End: jsonTime(t.End), DoorsOpen: jsonTime(t.DoorsOpen),
		ResaleCutoff: jsonTime(t.ResaleCutoff), ResaleCapBP: t.ResaleCapBasisPoints, ResaleCap: int64(t.ResaleCap),
		ReturnPenaltyBP: t.ReturnPenaltyBasisPoints, Encoding: hex.EncodeToString(e.Bytes())}
	if !t.ReturnCutoff.IsZero() {
		j.ReturnCutoff = jsonTime(t.ReturnCutoff)
	}
	return j
}

// MarshalJSON implements json.Marshaler. A nil Event is null; the zero
// Event has no encoding and is refused with ErrMalformed.
func (e *Event) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	if !e.complete() {
		return nil, errorf(ErrMalformed, "the zero Event has no encoding")
	}
	return json.Marshal(e.jsonForm())
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *Event) UnmarshalJSON(b []byte) error {
	return unmarshalChecked(b, ParseEvent, (*Event).jsonForm, e)
}
