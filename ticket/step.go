package ticket

import (
	"slices"

	"github.com/cbets/cbets/ecdsa"
)

// NewVerifier returns a Verifier after checking its parts: a valid
// registrar key, at least one valid merchant key (nil and zero entries are
// refused, not skipped) and a valid policy. Set its Events before replaying
// tickets.
func NewVerifier(registrar *ecdsa.PublicKey, merchants []*ecdsa.PublicKey, policy Policy) (*Verifier, error) {
	if err := checkPub("registrar key", registrar); err != nil {
		return nil, err
	}
	if len(merchants) == 0 {
		return nil, errorf(ErrKey, "no merchant key")
	}
	for i, m := range merchants {
		if err := checkPub("merchant key", m); err != nil {
			return nil, errorf(ErrKey, "merchant %d: %w", i, err)
		}
	}
	if err := policy.validate(); err != nil {
		return nil, err
	}
	return &Verifier{Registrar: registrar, Merchants: slices.Clone(merchants), Policy: policy}, nil
}

// check validates the verifier before any record.
func (v *Verifier) check() error {
	if v == nil {
		return errorf(ErrKey, "no Verifier")
	}
	if err := v.Policy.validate(); err != nil {
		return err
	}
	if err := checkPub("verifier's registrar key", v.Registrar); err != nil {
		return err
	}
	if !slices.ContainsFunc(v.Merchants, pubOK) {
		return errorf(ErrKey, "verifier without a merchant key")
	}
	return nil
}

// event returns the verifier's event with this id and merchant, nil when
// it has none (the first, when it has several).
func (v *Verifier) event(id string, merchant *ecdsa.PublicKey) *Event {
	for _, e := range v.Events {
		if e.complete() && e.terms.ID == id && e.merchant.Equal(merchant) {
			return e
		}
	}
	return nil
}

// Step is one step of Replay: it checks rec against cur, the ticket before
// it (nil for a Buy), with exactly the checks Replay makes for that record
// — verifying its signatures one by one rather than in a batch, but for
// those v.Signatures holds — and returns the ticket after it. Replay is a fold of Step over a history; a
// backend that keeps each ticket's current state applies a record with one
// Step instead of replaying the whole history. Errors are those of Replay,
// without the *RecordError around them.
func Step(cur *Ticket, rec *Record, v *Verifier) (*Ticket, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	var b *rbounds
	if v.Signatures != nil {
		b = &rbounds{cache: v.Signatures}
	}
	return v.step(cur, rec, b)
}

// step checks rec against cur, deferring R-bound signatures into batch when
// it is not nil, and returns the next ticket.
func (v *Verifier) step(cur *Ticket, rec *Record, batch *rbounds) (*Ticket, error) {
	if rec == nil || rec.Request == nil {
		return nil, errorf(ErrMalformed, "nil record or request")
	}
	if cur != nil {
		if err := cur.check(); err != nil {
			return nil, err
		}
	}
	ev, canc, err := v.verify(cur, rec, batch)
	if err != nil {
		return nil, err
	}
	return advance(cur, rec, ev, canc), nil
}
