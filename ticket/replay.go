package ticket

import (
	"fmt"

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
	// Events are the published events whose tickets are accepted: a Buy
	// must name one of them, by its merchant.
	Events []*Event
}

// Replay rebuilds a ticket from its records alone and verifies every step:
// the first record is a Buy and only the first; each record's request
// satisfies the transition rules against the ticket so far (the same checks
// the merchant's transitions make, including every user signature and
// certificate); each names the previous record's hash; each settlement
// (reputation, tax, payout) is what the policy gives for the recorded
// standing; a Consume record's 2-of-2 signature verifies and contains the
// holder's ω; and each record carries a valid MerchantSign by a known
// merchant, the ticket's own. An altered, missing, reordered or foreign
// record is refused with a *RecordError naming it.
//
// Replay cannot check the per-certificate limit: how many tickets a
// certificate held is a fact about other tickets, which the merchant
// attested by signing.
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
	batch := &rbounds{}
	for i, rec := range records {
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

func (v *Verifier) verify(cur *Ticket, rec *Record, batch *rbounds) error {
	req := rec.Request
	merchant := req.Merchant
	if !pubOK(merchant) {
		return errorf(ErrMalformed, "request without a merchant key")
	}
	if !representable(rec.Time) {
		return errorf(ErrTime, "record time %v cannot be encoded", rec.Time)
	}
	known := false
	for _, m := range v.Merchants {
		known = known || m.Equal(merchant) // merchant is valid: nil and zero entries never match
	}
	if !known {
		return errorf(ErrForeign, "record of an unknown merchant")
	}
	if cur != nil && rec.Time.Before(cur.Updated) {
		return errorf(ErrTime, "record time %v is before the previous record's %v", rec.Time, cur.Updated)
	}
	if err := v.Policy.check(cur, req, v.Registrar, merchant, rec.Time, batch); err != nil {
		return err
	}
	if req.Kind == KindBuy {
		if err := v.event(req.Event, merchant).checkBuy(req, rec.Time, batch); err != nil {
			return err
		}
	}
	want := &Record{Request: req, Time: rec.Time}
	if err := v.Policy.settle(cur, want, Facts{Seller: rec.Seller}, false); err != nil {
		return err
	}
	if want.Seller != rec.Seller || want.Tax != rec.Tax || want.Payout != rec.Payout ||
		want.SignerReputation != rec.SignerReputation || want.SellerReputation != rec.SellerReputation {
		return errorf(ErrMismatch, "settlement differs from the policy's")
	}
	if req.Kind == KindConsume {
		sigma, err := multisig.ParseSignature(rec.Consumption)
		if err != nil {
			return errorf(ErrMalformed, "consumption signature: %w", err)
		}
		if string(sigma.UserSignature().Bytes()) != string(req.Sig) {
			return errorf(ErrMismatch, "Σ does not contain the holder's ω")
		}
		if err := multisig.Verify(req.Cert.PublicKey(), merchant, req.SignedBytes(), sigma, ecdsa.SHA256); err != nil {
			return errorf(ErrSignature, "consumption signature: %w", err)
		}
	} else if len(rec.Consumption) != 0 {
		return errorf(ErrMalformed, "consumption signature on a %v record", req.Kind)
	}
	sig, err := ecdsa.ParseRBoundSignature(rec.MerchantSig)
	if err != nil {
		return errorf(ErrMalformed, "merchant signature: %w", err)
	}
	msg := rec.SignedBytes()
	return batch.verify(merchant, msg, sig, func() error {
		if err := ecdsa.VerifyRBound(merchant, msg, sig, ecdsa.SHA256); err != nil {
			return errorf(ErrSignature, "merchant signature: %w", err)
		}
		return nil
	})
}
