package gate

import (
	"fmt"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// Gate is one door's state machine: it holds a snapshot of an event,
// verifies passes against it offline and admits each ticket once. It reads
// no clock (every call takes the time) and starts no goroutine; it is not
// safe for concurrent use: a door scans one pass at a time.
type Gate struct {
	id       string
	snap     *Snapshot
	merchant *ecdsa.PublicKey
	admitted map[string]*Admission // by serial
	order    []*Admission
}

// New returns a gate named id (1 to 64 bytes of UTF-8; ErrMalformed) over
// snap, which must be signed by merchant, the event's merchant (Verify:
// ErrKey, ErrSignature). The gate starts with no admission.
func New(id string, snap *Snapshot, merchant *ecdsa.PublicKey) (*Gate, error) {
	if err := checkID("gate id", id); err != nil {
		return nil, err
	}
	if err := snap.Verify(merchant); err != nil {
		return nil, err
	}
	return &Gate{id: id, snap: snap, merchant: merchant, admitted: map[string]*Admission{}}, nil
}

func (g *Gate) ok() error {
	if g == nil || g.snap == nil {
		return errorf(ErrMalformed, "Gate not made by New")
	}
	return nil
}

// ID returns the gate's id ("" for a nil or zero Gate).
func (g *Gate) ID() string {
	if g == nil {
		return ""
	}
	return g.id
}

// Snapshot returns the gate's snapshot (nil for a nil or zero Gate).
func (g *Gate) Snapshot() *Snapshot {
	if g == nil {
		return nil
	}
	return g.snap
}

// Check verifies a pass shown at time now and returns the admission the
// gate would make, without making it. The rules, in the order they are
// checked:
//
//  1. the pass parses (ParsePass; ErrMalformed);
//  2. it names the snapshot's event (ErrEvent);
//  3. now lies in the event's admission window, from its doors' opening
//     until its end (EventTerms.DoorsOpen, End; ErrClosed), as a Consume
//     at now requires;
//  4. the pass's slot is the gate's current slot ⌊now / 30 s⌋ or the one
//     before (ErrSlot);
//  5. the snapshot has the ticket (ErrUnknown);
//  6. the pass's Head prefix is the snapshot's Head of the ticket
//     (ErrStale);
//  7. the rules of a Consume on the snapshot's ticket state (consumable):
//     Valid or Transferred, and not held under the merchant's key
//     (ErrState); the slot does not begin before the ticket's latest
//     record (ErrSlot); ω verifies under the holder's certificate key over
//     the rebuilt request's signed bytes (ErrSignature);
//  8. the gate has not admitted the ticket (ErrAdmitted, as an
//     *AdmittedError carrying the first admission).
func (g *Gate) Check(pass []byte, now time.Time) (*Admission, error) {
	if err := g.ok(); err != nil {
		return nil, err
	}
	p, err := ParsePass(pass)
	if err != nil {
		return nil, err
	}
	if ev := g.snap.event.ID(); p.event != ev {
		return nil, errorf(ErrEvent, "pass for event %q at a gate of %q", p.event, ev)
	}
	if err := admissionOpen(g.snap.event, nil, now); err != nil {
		return nil, err
	}
	if !inWindow(p.slot, now) {
		return nil, errorf(ErrSlot, "pass for the slot starting %v shown at %v", p.Time(), now.UTC())
	}
	e := g.snap.lookup(p.serial)
	if e == nil {
		return nil, errorf(ErrUnknown, "ticket %q is not in the snapshot", p.serial)
	}
	if [HeadPrefixSize]byte(e.head[:HeadPrefixSize]) != p.head {
		return nil, errorf(ErrStale, "pass for %q names Head %x…, the snapshot has %x…", p.serial, p.head, e.head[:HeadPrefixSize])
	}
	req := p.request(g.merchant, e)
	if err := consumable(e, g.merchant, req, p.sig); err != nil {
		return nil, err
	}
	if first := g.admitted[p.serial]; first != nil {
		return nil, &AdmittedError{First: first}
	}
	return &Admission{gate: g.id, at: time.Unix(0, now.UnixNano()).UTC(), req: req, pass: p}, nil
}

// Admit runs Check and, if the pass is accepted, records the admission:
// the gate admits the ticket no more.
func (g *Gate) Admit(pass []byte, now time.Time) (*Admission, error) {
	a, err := g.Check(pass, now)
	if err != nil {
		return nil, err
	}
	g.record(a)
	return a, nil
}

func (g *Gate) record(a *Admission) {
	g.admitted[a.req.Serial] = a
	g.order = append(g.order, a)
}

// Restore records an admission made earlier — by this gate before it
// restarted, or by another gate that shared it — so that the gate does not
// admit the ticket again. The admission must pass the rules of Check but
// the slot window: its event is the snapshot's (ErrEvent), its gate time
// lies in the event's admission window (ErrClosed), the snapshot has the
// ticket (ErrUnknown), the request names the snapshot's Head, holder and
// merchant (ErrStale), and the rules of a Consume hold (ErrState, ErrSlot,
// ErrSignature). A ticket already admitted gives an *AdmittedError.
func (g *Gate) Restore(a *Admission) error {
	if err := g.ok(); err != nil {
		return err
	}
	if !a.complete() {
		return errorf(ErrMalformed, "admission is nil or the zero Admission")
	}
	if ev := g.snap.event.ID(); a.req.Event != ev {
		return errorf(ErrEvent, "admission for event %q at a gate of %q", a.req.Event, ev)
	}
	if err := admissionOpen(g.snap.event, nil, a.at); err != nil {
		return err
	}
	e := g.snap.lookup(a.req.Serial)
	if e == nil {
		return errorf(ErrUnknown, "ticket %q is not in the snapshot", a.req.Serial)
	}
	if err := consumable(e, g.merchant, a.req, a.pass.sig); err != nil {
		return err
	}
	if first := g.admitted[a.req.Serial]; first != nil {
		return &AdmittedError{First: first}
	}
	g.record(a)
	return nil
}

// Admissions returns the gate's admissions in the order it recorded them,
// restored ones included (a new slice; nil for a nil or zero Gate).
func (g *Gate) Admissions() []*Admission {
	if g == nil {
		return nil
	}
	return append([]*Admission(nil), g.order...)
}

// consumable applies to req the rules of a Consume on the ticket state e
// of merchant's event, as ticket.Merchant.Consume applies them: the
// request names e's Head, holder and merchant (ErrStale); the ticket is
// Valid or Transferred and its holder's key is not the merchant's, which a
// 2-of-2 signature needs (ErrState); t2 is not before the ticket's latest
// record (ErrSlot); and ω verifies under the holder's key over the
// request's signed bytes (ErrSignature).
func consumable(e *entry, merchant *ecdsa.PublicKey, req *ticket.Request, sig *ecdsa.InverseSSignature) error {
	switch {
	case req.Prev != e.head || !req.Cert.Equal(e.holder) || !req.Merchant.Equal(merchant):
		return errorf(ErrStale, "request for %q names another Head, holder or merchant than the ticket has", e.serial)
	case e.state != ticket.Valid && e.state != ticket.Transferred:
		return errorf(ErrState, "ticket %q is %v", e.serial, e.state)
	case e.holder.PublicKey().Equal(merchant):
		return errorf(ErrState, "ticket %q is held under the merchant's own key", e.serial)
	case req.Time.Before(e.updated):
		return errorf(ErrSlot, "the slot starting %v begins before ticket %q's latest record at %v", req.Time, e.serial, e.updated)
	}
	if err := ecdsa.VerifyInverseS(e.holder.PublicKey(), req.SignedBytes(), sig, ecdsa.SHA256); err != nil {
		return errorf(ErrSignature, "pass for %q is not signed by holder %q: %w", e.serial, e.holder.ID(), err)
	}
	return nil
}

// admissionOpen refuses a time outside ev's admission window [DoorsOpen,
// End), and a time at or after the cancellation c, if there is one: the
// times at which the merchant's Consume accepts a ticket of ev.
func admissionOpen(ev *ticket.Event, c *ticket.Cancellation, at time.Time) error {
	t := ev.Terms()
	switch {
	case c != nil && !at.Before(c.Time()):
		return errorf(ErrClosed, "event %q was called off at %v", t.ID, c.Time())
	case at.Before(t.DoorsOpen):
		return errorf(ErrClosed, "the doors of event %q open at %v, not at %v", t.ID, t.DoorsOpen, at.UTC())
	case !at.Before(t.End):
		return errorf(ErrClosed, "event %q ended at %v, before %v", t.ID, t.End, at.UTC())
	}
	return nil
}

// AdmittedError refuses a second admission of a ticket; First is the
// admission the gate made, the evidence. It matches ErrAdmitted.
type AdmittedError struct {
	First *Admission
}

func (e *AdmittedError) Error() string {
	if e == nil || !e.First.complete() {
		return ErrAdmitted.Error()
	}
	return fmt.Sprintf("gate: ticket %q already admitted at gate %q at %v", e.First.req.Serial, e.First.gate,
		e.First.at.Format(time.RFC3339))
}

// Unwrap returns ErrAdmitted.
func (e *AdmittedError) Unwrap() error { return ErrAdmitted }
