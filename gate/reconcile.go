package gate

import (
	"bytes"
	"cmp"
	"slices"
	"strings"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// Reconciliation is the outcome of Reconcile.
type Reconciliation struct {
	// Admitted holds one admission per ticket, by event and serial: the
	// merchant hands each admission's Request to ticket.Merchant.Consume.
	Admitted []*Admission
	// Duplicates are the other valid admissions of a ticket in Admitted,
	// each with the one kept: evidence that one ticket entered twice.
	// They are never consumed.
	Duplicates []Duplicate
	// Refused are the admissions that cannot be consumed, each with the
	// reason.
	Refused []Refusal
}

// Duplicate is a second valid admission of a ticket: Kept is the admission
// Reconcile chose, Other the one it set aside. Both passes (Pass) carry
// the holder's signature.
type Duplicate struct {
	Kept, Other *Admission
}

// Refusal is an admission Reconcile refused, and why: Err matches
// ErrUnknown, ErrStale, ErrState, ErrSlot, ErrSignature or ErrClosed.
type Refusal struct {
	Admission *Admission
	Err       error
}

// Reconcile merges the admissions of any number of gates, made offline
// against snapshots, with the tickets as the ledger has them now
// (current). For each admission, in turn:
//
//  1. the ledger has the ticket, else it is refused (ErrUnknown);
//  2. the request names the ledger's Head, holder and merchant, else it is
//     refused (ErrStale): the ticket was transferred, listed or consumed
//     after the gate's snapshot, and the pass is no longer the holder's
//     consent to consume it;
//  3. the rules of a Consume hold on the ledger's ticket (ErrState,
//     ErrSlot), and ω verifies under the holder's key (ErrSignature),
//     else it is refused;
//  4. the admission's gate time lies in the event's admission window
//     (the ticket's Terms: DoorsOpen to End) and before the event's
//     cancellation if the ticket has one, else it is refused (ErrClosed);
//  5. of the admissions of one ticket that pass, the earliest slot wins;
//     a tie goes to the smaller gate id (byte order), then to the smaller
//     encoding (Admission.Bytes), which for one gate id is the earlier
//     gate time. The winner goes to Admitted; every other is a Duplicate
//     of it.
//
// The merchant then consumes each admission in Admitted at its gate time,
// ticket.Merchant.Consume(ticket, a.Request(), a.Time()): the record says
// when the ticket was used, and every rule above holds at that time, also
// when the gates sync after the event has ended.
//
// Admissions with the same encoding count once (a gate may sync twice).
// The outcome does not depend on the order of the inputs: every list is
// sorted by event, serial and the order of rule 5. A nil or zero
// admission, a nil ticket, a ticket without a holder, merchant, Head or
// event terms (Ticket.Terms, which the merchant's Consume needs), and two
// tickets with one event and serial are refused with ErrMalformed.
func Reconcile(current []*ticket.Ticket, admissions []*Admission) (*Reconciliation, error) {
	type key struct{ event, serial string }
	type state struct {
		e        entry
		merchant *ecdsa.PublicKey
		terms    *ticket.Event
		cancel   *ticket.Cancellation
	}
	tickets := make(map[key]*state, len(current))
	// verified holds the (terms, cancellation) pairs already checked, so
	// that an event's signatures are verified once, not once per ticket.
	verified := map[[2]string]bool{}
	for i, t := range current {
		if t == nil || !pubOK(t.Merchant) || t.Terms.Bytes() == nil {
			return nil, errorf(ErrMalformed, "Reconcile: ticket %d is nil or has no merchant key or terms", i)
		}
		// The terms and the cancellation decide the admission window:
		// they must be the ticket's event's, signed by the event's
		// merchant. (A ticket whose own merchant is another makes its
		// admissions stale below.)
		if t.Terms.ID() != t.Event {
			return nil, errorf(ErrMalformed, "Reconcile: ticket %q/%q carries the terms of event %q", t.Event, t.Serial, t.Terms.ID())
		}
		if pair := [2]string{string(t.Terms.Bytes()), string(t.Cancellation.Bytes())}; !verified[pair] {
			err := t.Terms.Verify(t.Terms.Merchant())
			if err == nil && t.Cancellation != nil {
				err = t.Cancellation.Verify(t.Terms)
			}
			if err != nil {
				return nil, errorf(ErrMalformed, "Reconcile: ticket %q/%q: %w", t.Event, t.Serial, err)
			}
			verified[pair] = true
		}
		s := &state{e: entry{serial: t.Serial, state: t.State, head: t.Head, updated: t.Updated, holder: t.Holder},
			merchant: t.Merchant, terms: t.Terms, cancel: t.Cancellation}
		if err := s.e.check(); err != nil {
			return nil, errorf(ErrMalformed, "Reconcile: %w", err)
		}
		k := key{t.Event, t.Serial}
		if tickets[k] != nil {
			return nil, errorf(ErrMalformed, "Reconcile: ticket %q/%q twice", t.Event, t.Serial)
		}
		tickets[k] = s
	}
	type item struct {
		a   *Admission
		enc []byte
	}
	items := make([]item, 0, len(admissions))
	for i, a := range admissions {
		if !a.complete() {
			return nil, errorf(ErrMalformed, "Reconcile: admission %d is nil or the zero Admission", i)
		}
		items = append(items, item{a, a.Bytes()})
	}
	slices.SortFunc(items, func(x, y item) int {
		a, b := x.a, y.a
		return cmp.Or(
			strings.Compare(a.req.Event, b.req.Event),
			strings.Compare(a.req.Serial, b.req.Serial),
			cmp.Compare(a.pass.slot, b.pass.slot),
			strings.Compare(a.gate, b.gate),
			bytes.Compare(x.enc, y.enc),
		)
	})
	items = slices.CompactFunc(items, func(x, y item) bool { return bytes.Equal(x.enc, y.enc) })

	out := &Reconciliation{}
	var kept *Admission
	for _, it := range items {
		a := it.a
		if kept != nil && (kept.req.Event != a.req.Event || kept.req.Serial != a.req.Serial) {
			kept = nil
		}
		s := tickets[key{a.req.Event, a.req.Serial}]
		if s == nil {
			out.Refused = append(out.Refused, Refusal{a, errorf(ErrUnknown, "the ledger has no ticket %q/%q", a.req.Event, a.req.Serial)})
			continue
		}
		err := consumable(&s.e, s.merchant, a.req, a.pass.sig)
		if err == nil {
			err = admissionOpen(s.terms, s.cancel, a.at)
		}
		if err != nil {
			out.Refused = append(out.Refused, Refusal{a, err})
			continue
		}
		if kept != nil {
			out.Duplicates = append(out.Duplicates, Duplicate{Kept: kept, Other: a})
			continue
		}
		kept = a
		out.Admitted = append(out.Admitted, a)
	}
	return out, nil
}
