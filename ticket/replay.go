package ticket

import (
	"fmt"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
)

// RecordError reports the record Replay refused: its position in the
// history and its kind. It wraps the reason.
type RecordError struct {
	Index int
	Kind  Kind
	Err   error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("ticket: record %d (%v): %v", e.Index, e.Kind, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Verifier holds the public keys and the policy a history is checked
// against.
type Verifier struct {
	// Registrar signs the certificates.
	Registrar *ecdsa.PublicKey
	// Merchants are the merchants whose records are accepted.
	Merchants []*ecdsa.PublicKey
	// Policy is the policy the merchant applied.
	Policy Policy
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
func Replay(records []*Record, v *Verifier) (*Ticket, error) {
	if err := v.Policy.validate(); err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("%w: empty history", ErrMalformed)
	}
	var cur *Ticket
	batch := &rbounds{}
	for i, rec := range records {
		if rec == nil || rec.Request == nil {
			return nil, batch.before(records, i, fmt.Errorf("%w: nil record", ErrMalformed))
		}
		batch.at = i
		if err := v.verify(cur, rec, batch); err != nil {
			return nil, batch.before(records, i, err)
		}
		cur = advance(cur, rec)
	}
	if err := batch.before(records, len(records), nil); err != nil {
		return nil, err
	}
	return cur, nil
}

func (v *Verifier) verify(cur *Ticket, rec *Record, batch *rbounds) error {
	req := rec.Request
	merchant := req.Merchant
	if merchant == nil || req.Cert == nil {
		return fmt.Errorf("%w: request without merchant or certificate", ErrMalformed)
	}
	if !representable(rec.Time) {
		return fmt.Errorf("%w: record time %v cannot be encoded", ErrTime, rec.Time)
	}
	known := false
	for _, m := range v.Merchants {
		known = known || (m != nil && m.Equal(merchant))
	}
	if !known {
		return fmt.Errorf("%w: record of an unknown merchant", ErrForeign)
	}
	if cur != nil && rec.Time.Before(cur.Updated) {
		return fmt.Errorf("%w: record time %v before %v", ErrTime, rec.Time, cur.Updated)
	}
	if err := v.Policy.check(cur, req, v.Registrar, merchant, rec.Time, batch); err != nil {
		return err
	}
	want := &Record{Request: req, Time: rec.Time}
	if err := v.Policy.settle(cur, want, Facts{Seller: rec.Seller}, false); err != nil {
		return err
	}
	if want.Seller != rec.Seller || want.Tax != rec.Tax || want.Payout != rec.Payout ||
		want.SignerReputation != rec.SignerReputation || want.SellerReputation != rec.SellerReputation {
		return fmt.Errorf("%w: settlement differs from the policy's", ErrMismatch)
	}
	if req.Kind == KindConsume {
		sigma, err := multisig.ParseSignature(rec.Consumption)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if string(sigma.UserSignature().Bytes()) != string(req.Sig) {
			return fmt.Errorf("%w: Σ does not contain the holder's ω", ErrMismatch)
		}
		if err := multisig.Verify(req.Cert.PublicKey(), merchant, req.SignedBytes(), sigma, ecdsa.SHA256); err != nil {
			return fmt.Errorf("%w: %w", ErrSignature, err)
		}
	} else if len(rec.Consumption) != 0 {
		return fmt.Errorf("%w: consumption signature on a %v record", ErrMalformed, req.Kind)
	}
	sig, err := ecdsa.ParseRBoundSignature(rec.MerchantSig)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	msg := rec.SignedBytes()
	return batch.verify(merchant, msg, sig, func() error {
		if err := ecdsa.VerifyRBound(merchant, msg, sig, ecdsa.SHA256); err != nil {
			return fmt.Errorf("%w: merchant signature: %w", ErrSignature, err)
		}
		return nil
	})
}
