package ticket

import (
	"fmt"
	"runtime"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
)

// RecordError reports the record Replay refused: its position in the
// history and its kind. It wraps the reason, whose message it repeats
// without the package prefix: "ticket: record 3 (transfer): request is for
// another ticket or an earlier state".
type RecordError struct {
	Index int
	Kind  Kind
	Err   error
}

func (e *RecordError) Error() string {
	if e == nil {
		return "<nil>"
	}
	reason := "<nil>"
	if e.Err != nil {
		reason = detail(e.Err)
	}
	return fmt.Sprintf("%srecord %d (%v): %s", prefix, e.Index, e.Kind, reason)
}

// Unwrap returns the reason.
func (e *RecordError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Verifier holds the public keys and the policy a history is checked
// against.
type Verifier struct {
	// Registrar signs the certificates.
	Registrar *ecdsa.PublicKey
	// Merchants are the merchants whose records are accepted.
	Merchants []*ecdsa.PublicKey
	// Policy is the policy the merchant applied.
	Policy Policy
	// Events are the published events whose tickets are accepted: every
	// record must name one of them, by its merchant; its terms are
	// checked at every record.
	Events []*Event
	// Cancellations are the merchants' cancellations of events. A
	// cancellation applies to the event whose hash it names; an event
	// with two different cancellations, or with one that does not
	// verify, makes every record of its tickets refused (ErrEvent).
	Cancellations []*Cancellation
	// Signatures, when not nil, holds signatures that verified before:
	// Step and Replay do not verify again one it holds, and add those
	// they verify. Results and errors are the same with or without it.
	// It may be shared by verifiers of different keys and events, and
	// by goroutines.
	Signatures *SignatureCache
}

// Replay rebuilds a ticket from its records alone and verifies every step:
// the first record is a Buy and only the first; each record's request
// satisfies the transition rules against the ticket so far (the same checks
// the merchant's transitions make, including every user signature and
// certificate) and the terms of its event (v.Events) and the event's
// cancellation (v.Cancellations) at the record's time; each names the
// previous record's hash; each settlement (reputation, tax, payout, amount
// refunded) is what the policy and the terms give for the recorded
// standing; a Consume record's 2-of-2 signature verifies and contains the
// holder's ω; and each record carries a valid MerchantSign by a known
// merchant, the ticket's own. An altered, missing, reordered or foreign
// record is refused with a *RecordError naming it.
//
// The ticket returned carries the event's terms and its cancellation, if
// any (Ticket.Terms, Ticket.Cancellation). Replay reads no clock: whether
// the ticket has expired is Ticket.StateAt's to say.
//
// Replay cannot check the per-certificate limit: how many tickets a
// certificate held is a fact about other tickets, which the merchant
// attested by signing.
//
// Replay uses the available cores: the R-bound signatures of the history
// are verified in one batch (ecdsa.VerifyRBoundBatch), and with
// GOMAXPROCS above one and four records or more the holders' inverse-s
// signatures are verified on up to GOMAXPROCS goroutines ahead of the
// fold, a stretch at a time (8 records per core, then as many records as
// the fold has accepted): a history refused at its first record costs at
// most 8 verifications per core more than with one core. Every goroutine
// ends before Replay returns, and the answer does not depend on their
// number.
//
// Before any record, v is checked: a nil Verifier, a nil or zero registrar
// key, or no usable merchant key is refused with ErrKey, an invalid policy
// with ErrPolicy (nil and zero entries of Merchants are skipped). An empty
// history is ErrMalformed.
func Replay(records []*Record, v *Verifier) (*Ticket, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, errorf(ErrMalformed, "empty history")
	}
	var cur *Ticket
	batch := &rbounds{deferred: true, cache: v.Signatures}
	// The holders' inverse-s signatures cannot be batched: with more than
	// one core they are verified side by side ahead of the fold, which
	// then skips those that verified (batch.omegas), a stretch of records
	// at a time: 8 per core first, then as many as the fold has accepted,
	// so that a history refused early costs little more than with one
	// core.
	procs := runtime.GOMAXPROCS(0)
	ahead := len(records) // the records whose ω have been verified ahead
	if procs > 1 && len(records) >= replayParallelMin {
		ahead = 0
		batch.omegas = make([]*Request, len(records))
	}
	for i, rec := range records {
		if i == ahead {
			ahead = min(len(records), i+max(8*procs, i))
			preverifyInverseS(records[i:ahead], batch.omegas[i:ahead], batch.cache)
		}
		batch.at = i
		next, err := v.step(cur, rec, batch)
		if err != nil {
			return nil, batch.before(records, i, err)
		}
		cur = next
	}
	if err := batch.before(records, len(records), nil); err != nil {
		return nil, err
	}
	return cur, nil
}

// replayParallelMin is the least number of records from which Replay
// verifies the holders' signatures on several cores first: one costs
// about as much as starting a goroutine a hundred times.
const replayParallelMin = 4

// cancellation returns v's cancellation of ev (nil when v has none), which
// the rules then verify; two different cancellations of ev are refused.
func (v *Verifier) cancellation(ev *Event) (*Cancellation, error) {
	var found *Cancellation
	h := ev.Hash()
	for _, c := range v.Cancellations {
		if !c.complete() || c.eventHash != h {
			continue
		}
		if found != nil && found.Hash() != c.Hash() {
			return nil, errorf(ErrEvent, "event %q has two cancellations", ev.terms.ID)
		}
		found = c
	}
	return found, nil
}

// verify checks rec against cur and returns the event and cancellation it
// was checked against.
func (v *Verifier) verify(cur *Ticket, rec *Record, batch *rbounds) (*Event, *Cancellation, error) {
	req := rec.Request
	merchant := req.Merchant
	if !pubOK(merchant) {
		return nil, nil, errorf(ErrMalformed, "request without a merchant key")
	}
	if !representable(rec.Time) {
		return nil, nil, errorf(ErrTime, "record time %v cannot be encoded", rec.Time)
	}
	known := false
	for _, m := range v.Merchants {
		known = known || m.Equal(merchant) // merchant is valid: nil and zero entries never match
	}
	if !known {
		return nil, nil, errorf(ErrForeign, "record of an unknown merchant")
	}
	if cur != nil && rec.Time.Before(cur.Updated) {
		return nil, nil, errorf(ErrTime, "record time %v is before the previous record's %v", rec.Time, cur.Updated)
	}
	if err := v.Policy.check(cur, req, v.Registrar, merchant, rec.Time, batch); err != nil {
		return nil, nil, err
	}
	ev := v.event(req.Event, merchant)
	var canc *Cancellation
	if ev.complete() {
		var err error
		if canc, err = v.cancellation(ev); err != nil {
			return nil, nil, err
		}
	}
	if err := ev.rules(canc, req, rec.Time, batch); err != nil {
		return nil, nil, err
	}
	want := &Record{Request: req, Time: rec.Time}
	if err := v.Policy.settle(cur, want, Facts{Seller: rec.Seller, Event: ev}, false); err != nil {
		return nil, nil, err
	}
	if want.Seller != rec.Seller || want.Tax != rec.Tax || want.Payout != rec.Payout ||
		want.SignerReputation != rec.SignerReputation || want.SellerReputation != rec.SellerReputation {
		return nil, nil, errorf(ErrMismatch, "settlement differs from the policy's")
	}
	if req.Kind == KindConsume {
		sigma, err := multisig.ParseSignature(rec.Consumption)
		if err != nil {
			return nil, nil, errorf(ErrMalformed, "consumption signature: %w", err)
		}
		if string(sigma.UserSignature().Bytes()) != string(req.Sig) {
			return nil, nil, errorf(ErrMismatch, "Σ does not contain the holder's ω")
		}
		if err := batch.signatures().verifyTwoOfTwo(req.Cert.PublicKey(), merchant, req.SignedBytes(), sigma); err != nil {
			return nil, nil, errorf(ErrSignature, "consumption signature: %w", err)
		}
	} else if len(rec.Consumption) != 0 {
		return nil, nil, errorf(ErrMalformed, "consumption signature on a %v record", req.Kind)
	}
	msg := rec.SignedBytes()
	if batch.holds(merchant, msg, rec.MerchantSig) {
		return ev, canc, nil
	}
	sig, err := ecdsa.ParseRBoundSignature(rec.MerchantSig)
	if err != nil {
		return nil, nil, errorf(ErrMalformed, "merchant signature: %w", err)
	}
	err = batch.verify(merchant, msg, sig, func() error {
		if err := ecdsa.VerifyRBound(merchant, msg, sig, ecdsa.SHA256); err != nil {
			return errorf(ErrSignature, "merchant signature: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return ev, canc, nil
}
