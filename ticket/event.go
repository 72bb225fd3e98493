package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/tax"
)

// Errors of events; test for them with errors.Is.
var (
	// ErrEvent: a Buy names no event, or terms that are malformed, not
	// signed by the ticket's merchant, or of another event; or NewEvent
	// was given terms that do not hold together.
	ErrEvent = errors.New("ticket: event terms missing, invalid or not the ticket's")
	// ErrSaleClosed: a Buy accepted outside the event's sale window.
	ErrSaleClosed = errors.New("ticket: outside the event's sale window")
)

const eventDomain = "CBETS/ticket/v1/event"

// EventTerms are what a merchant sells (SPEC section 8.6): the event id that
// every ticket of the event names, how many tickets it has, the face value
// every Buy pays, when tickets are on sale and when the event takes place.
// Times are instants; the sale window is [SaleStart, SaleEnd), the event
// [Start, End).
type EventTerms struct {
	ID         string
	Capacity   uint32
	FaceValue  tax.Amount
	SaleStart  time.Time
	SaleEnd    time.Time
	Start, End time.Time
}

// check validates the terms: an id as for tickets, a capacity of at least
// one, a face value that is not negative, representable times, a sale
// window and an event of positive length, and a sale that closes by the
// end of the event.
func (t *EventTerms) check() error {
	if err := checkID("event id", t.ID); err != nil {
		return err
	}
	switch {
	case t.Capacity == 0:
		return errorf(ErrEvent, "event %q has capacity 0", t.ID)
	case t.FaceValue < 0:
		return errorf(ErrEvent, "event %q has a negative face value", t.ID)
	}
	for _, at := range []time.Time{t.SaleStart, t.SaleEnd, t.Start, t.End} {
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

// NewEvent signs terms with the merchant's key. Terms that do not hold
// together are refused with ErrEvent or ErrMalformed (an id that is not 1
// to 64 bytes of UTF-8); a nil or zero merchant key with ErrKey; a wiped
// one panics.
func NewEvent(merchant *ecdsa.PrivateKey, terms EventTerms) (*Event, error) {
	if err := checkPriv("NewEvent", "merchant", merchant); err != nil {
		return nil, err
	}
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
	for _, at := range []time.Time{e.terms.SaleStart, e.terms.SaleEnd, e.terms.Start, e.terms.End} {
		w.I64(at.UnixNano())
	}
	return w.Bytes()
}

// Bytes returns the canonical encoding, the merchant's signature included:
//
//	u32 len ‖ "CBETS/ticket/v1/event" ‖ u32 len ‖ id ‖ merchant pk (33) ‖
//	capacity (u32) ‖ face value (u64, minor units) ‖ sale start ‖ sale end ‖
//	start ‖ end (each i64, Unix ns) ‖ signature (65)
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
	times := make([]time.Time, 4)
	for i := range times {
		times[i] = time.Unix(0, r.I64()).UTC()
	}
	sigb := r.Fixed(ecdsa.RBoundSignatureSize)
	if err := r.Done(); err != nil {
		return nil, errorf(ErrMalformed, "event: %w", err)
	}
	if face > 1<<63-1 {
		return nil, errorf(ErrMalformed, "event: face value out of range")
	}
	t.FaceValue = tax.Amount(face)
	t.SaleStart, t.SaleEnd, t.Start, t.End = times[0], times[1], times[2], times[3]
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

// checkBuy applies the event's rules to a Buy accepted at now: the event is
// signed by the request's merchant, the request names it and pays its face
// value, and now lies in the sale window.
func (e *Event) checkBuy(req *Request, now time.Time, b *rbounds) error {
	if e == nil {
		return errorf(ErrEvent, "Buy of event %q without its terms", req.Event)
	}
	if err := e.verify(req.Merchant, b); err != nil {
		return err
	}
	t := &e.terms
	switch {
	case req.Event != t.ID:
		return errorf(ErrEvent, "Buy of event %q with the terms of %q", req.Event, t.ID)
	case req.Price != t.FaceValue:
		return errorf(ErrPrice, "Buy at %d, the event's face value is %d", req.Price, t.FaceValue)
	case now.Before(t.SaleStart) || !now.Before(t.SaleEnd):
		return errorf(ErrSaleClosed, "Buy at %v, sale open from %v until %v", now.UTC(), t.SaleStart.UTC(), t.SaleEnd.UTC())
	}
	return nil
}

type eventJSON struct {
	ID        string `json:"id"`
	Merchant  string `json:"merchant"`
	Capacity  uint32 `json:"capacity"`
	FaceValue int64  `json:"face_value"`
	SaleStart string `json:"sale_start"`
	SaleEnd   string `json:"sale_end"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Encoding  string `json:"encoding"`
}

func (e *Event) jsonForm() eventJSON {
	f := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	t := &e.terms
	return eventJSON{ID: t.ID, Merchant: hex.EncodeToString(e.merchant.Bytes()), Capacity: t.Capacity,
		FaceValue: int64(t.FaceValue), SaleStart: f(t.SaleStart), SaleEnd: f(t.SaleEnd), Start: f(t.Start),
		End: f(t.End), Encoding: hex.EncodeToString(e.Bytes())}
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
