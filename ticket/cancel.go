package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
)

const cancelDomain = "CBETS/ticket/v1/cancellation"

// Cancellation is a merchant's signed statement that an event is called
// off from a given time (SPEC section 8.6): from then on, every ticket of
// the event that is not consumed, refunded or returned can only be
// refunded, to its current holder, for the price that holder paid
// (Refund). It names the event by id and by the hash of its encoding, so it
// applies to those terms only, and it is signed with MerchantSign by the
// event's merchant. A Cancellation is immutable.
type Cancellation struct {
	event     string
	merchant  *ecdsa.PublicKey
	eventHash [32]byte
	at        time.Time
	sig       *ecdsa.RBoundSignature
}

// NewCancellation signs the cancellation of ev from time at with the
// merchant's key, which must be ev's merchant's (ErrEvent). at must lie
// before the event's end (ErrEvent): an event that is over cannot be
// called off. A nil or zero event is refused with ErrMalformed, a nil or
// zero key with ErrKey; a wiped one panics.
func NewCancellation(merchant *ecdsa.PrivateKey, ev *Event, at time.Time) (*Cancellation, error) {
	const fn = "NewCancellation"
	if err := checkPriv(fn, "merchant", merchant); err != nil {
		return nil, err
	}
	if !ev.complete() {
		return nil, errorf(ErrMalformed, "%s: event is nil or empty", fn)
	}
	if !merchant.PublicKey().Equal(ev.merchant) {
		return nil, errorf(ErrEvent, "%s: event %q is another merchant's", fn, ev.terms.ID)
	}
	c := &Cancellation{event: ev.terms.ID, merchant: ev.merchant, eventHash: ev.Hash(), at: at.UTC()}
	if err := c.checkTime(ev); err != nil {
		return nil, err
	}
	sig, err := ecdsa.SignRBound(merchant, c.signed(), nil)
	if err != nil {
		return nil, errorf(ErrKey, "%s: signing the cancellation of %q: %w", fn, ev.terms.ID, err)
	}
	c.sig = sig
	return c, nil
}

// checkTime requires c's time to be representable and before ev's end.
func (c *Cancellation) checkTime(ev *Event) error {
	if !representable(c.at) {
		return errorf(ErrEvent, "cancellation of %q: time %v cannot be encoded", c.event, c.at)
	}
	if !c.at.Before(ev.terms.End) {
		return errorf(ErrEvent, "cancellation of %q at %s, after the event ended at %s", c.event,
			jsonTime(c.at), jsonTime(ev.terms.End))
	}
	return nil
}

func (c *Cancellation) complete() bool {
	return c != nil && pubOK(c.merchant) && c.sig != nil
}

// signed returns the bytes the merchant signs; c is complete or being
// signed.
func (c *Cancellation) signed() []byte {
	w := wire.NewBuilder(cancelDomain)
	w.String(c.event)
	w.Fixed(c.merchant.Bytes())
	w.Fixed(c.eventHash[:])
	w.I64(c.at.UnixNano())
	return w.Bytes()
}

// Bytes returns the canonical encoding, the merchant's signature included:
//
//	u32 len ‖ "CBETS/ticket/v1/cancellation" ‖ u32 len ‖ event id ‖
//	merchant pk (33) ‖ event hash (32, Event.Hash) ‖ time (i64, Unix ns) ‖
//	signature (65)
//
// A nil or zero Cancellation has no encoding: Bytes returns nil.
func (c *Cancellation) Bytes() []byte {
	if !c.complete() {
		return nil
	}
	return append(c.signed(), c.sig.Bytes()...)
}

// Hash returns SHA-256 of Bytes.
func (c *Cancellation) Hash() [32]byte { return sha256.Sum256(c.Bytes()) }

// ParseCancellation decodes the encoding of Bytes strictly. It does not
// check the signature or the event: call Verify.
func ParseCancellation(b []byte) (*Cancellation, error) {
	r := wire.NewReader(b, cancelDomain)
	c := &Cancellation{event: r.String(maxIDLen)}
	pkb := r.Fixed(ecdsa.PublicKeySize)
	copy(c.eventHash[:], r.Fixed(32))
	c.at = time.Unix(0, r.I64()).UTC()
	sigb := r.Fixed(ecdsa.RBoundSignatureSize)
	if err := r.Done(); err != nil {
		return nil, errorf(ErrMalformed, "cancellation: %w", err)
	}
	if err := checkID("cancelled event id", c.event); err != nil {
		return nil, err
	}
	var err error
	if c.merchant, err = ecdsa.ParsePublicKey(pkb); err != nil {
		return nil, errorf(ErrMalformed, "cancellation merchant key: %w", err)
	}
	if c.sig, err = ecdsa.ParseRBoundSignature(sigb); err != nil {
		return nil, errorf(ErrMalformed, "cancellation signature: %w", err)
	}
	return c, nil
}

// Verify checks that c cancels ev: ev verifies under its merchant's key, c
// names ev's id, merchant and hash, its time lies before ev's end, and ev's
// merchant signed it. A nil or zero Cancellation or Event is refused with
// ErrMalformed, any other failure with ErrEvent.
func (c *Cancellation) Verify(ev *Event) error {
	if !c.complete() {
		return errorf(ErrMalformed, "cancellation is nil or empty")
	}
	if !ev.complete() {
		return errorf(ErrMalformed, "event is nil or empty")
	}
	if err := ev.verify(ev.merchant, nil); err != nil {
		return err
	}
	return c.verify(ev, nil)
}

// verify checks c against ev, which the caller has verified, deferring
// the signature into b.
func (c *Cancellation) verify(ev *Event, b *rbounds) error {
	switch {
	case !c.complete():
		return errorf(ErrMalformed, "cancellation is nil or empty")
	case c.event != ev.terms.ID || !c.merchant.Equal(ev.merchant) || c.eventHash != ev.Hash():
		return errorf(ErrEvent, "the cancellation of %q is not that of event %q", c.event, ev.terms.ID)
	}
	if err := c.checkTime(ev); err != nil {
		return err
	}
	msg := c.signed()
	return b.verify(c.merchant, msg, c.sig, func() error {
		if err := ecdsa.VerifyRBound(c.merchant, msg, c.sig, ecdsa.SHA256); err != nil {
			return errorf(ErrEvent, "the cancellation of %q is not signed by its merchant: %w", c.event, err)
		}
		return nil
	})
}

// Event returns the id of the event cancelled ("" for a nil Cancellation).
func (c *Cancellation) Event() string {
	if c == nil {
		return ""
	}
	return c.event
}

// EventHash returns the hash of the event cancelled (Event.Hash; zero for
// a nil Cancellation).
func (c *Cancellation) EventHash() [32]byte {
	if c == nil {
		return [32]byte{}
	}
	return c.eventHash
}

// Merchant returns the merchant's key (nil for a nil or zero
// Cancellation).
func (c *Cancellation) Merchant() *ecdsa.PublicKey {
	if c == nil {
		return nil
	}
	return c.merchant
}

// Time returns when the event is called off (the zero time for a nil
// Cancellation).
func (c *Cancellation) Time() time.Time {
	if c == nil {
		return time.Time{}
	}
	return c.at
}

type cancellationJSON struct {
	Event     string `json:"event"`
	Merchant  string `json:"merchant"`
	EventHash string `json:"event_hash"`
	Time      string `json:"time"`
	Encoding  string `json:"encoding"`
}

func (c *Cancellation) jsonForm() cancellationJSON {
	return cancellationJSON{Event: c.event, Merchant: hex.EncodeToString(c.merchant.Bytes()),
		EventHash: hex.EncodeToString(c.eventHash[:]), Time: jsonTime(c.at), Encoding: hex.EncodeToString(c.Bytes())}
}

// MarshalJSON implements json.Marshaler. A nil Cancellation is null; the
// zero Cancellation has no encoding and is refused with ErrMalformed.
func (c *Cancellation) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	if !c.complete() {
		return nil, errorf(ErrMalformed, "the zero Cancellation has no encoding")
	}
	return json.Marshal(c.jsonForm())
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Cancellation) UnmarshalJSON(b []byte) error {
	return unmarshalChecked(b, ParseCancellation, (*Cancellation).jsonForm, c)
}
