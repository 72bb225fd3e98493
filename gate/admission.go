package gate

import (
	"bytes"
	"fmt"
	"time"

	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ticket"
)

const (
	admissionDomain = "CBETS/gate/v1/admission"
	maxRequest      = 1024 // SPEC section 8.4
)

// Admission is a gate's record that it let a ticket in: the gate's id, the
// gate's time, and the holder's Consume request rebuilt from the pass and
// the snapshot, which the merchant hands to ticket.Merchant.Consume as it
// is. Its encoding (Bytes), for gates to keep and to sync, is
//
//	u32 len ‖ "CBETS/gate/v1/admission" ‖ u32 len ‖ gate id ‖
//	time (i64, Unix ns) ‖ u32 len ‖ request (SPEC section 8.4)
//
// Only a Gate and ParseAdmission make admissions.
type Admission struct {
	gate string
	at   time.Time
	req  *ticket.Request
	pass *Pass
}

// ParseAdmission decodes the encoding of Admission strictly: a gate id of
// 1 to 64 bytes of UTF-8, a Consume request (ticket.ParseRequest) whose
// time is the start of a slot, and a gate time within that slot or the
// next, as a gate admits. It does not verify ω: Reconcile does.
func ParseAdmission(b []byte) (*Admission, error) {
	a, err := parseAdmission(b)
	if err != nil {
		return nil, errorf(ErrMalformed, "admission: %w", err)
	}
	return a, nil
}

func parseAdmission(b []byte) (*Admission, error) {
	r := wire.NewReader(b, admissionDomain)
	id := r.String(maxIDLen)
	ns := r.I64()
	reqb := r.Var(maxRequest)
	if err := r.Done(); err != nil {
		return nil, err
	}
	if err := checkID("gate id", id); err != nil {
		return nil, err
	}
	req, err := ticket.ParseRequest(reqb)
	if err != nil {
		return nil, err
	}
	if req.Kind != ticket.KindConsume {
		return nil, fmt.Errorf("a %v request", req.Kind)
	}
	p, err := passOf(req)
	if err != nil {
		return nil, err
	}
	at := time.Unix(0, ns).UTC()
	if !inWindow(p.slot, at) {
		return nil, fmt.Errorf("gate time %v is not in the pass's slot or the next", at)
	}
	return &Admission{gate: id, at: at, req: req, pass: p}, nil
}

// complete reports whether a came from a Gate or ParseAdmission.
func (a *Admission) complete() bool { return a != nil && a.pass.complete() }

// Bytes returns the encoding, a new slice; nil for a nil or zero
// Admission.
func (a *Admission) Bytes() []byte {
	if !a.complete() {
		return nil
	}
	w := wire.NewBuilder(admissionDomain)
	w.String(a.gate)
	w.I64(a.at.UnixNano())
	w.Var(a.req.Bytes())
	return w.Bytes()
}

// Gate returns the id of the gate that admitted the ticket ("" for a nil
// or zero Admission).
func (a *Admission) Gate() string {
	if a == nil {
		return ""
	}
	return a.gate
}

// Time returns the gate's time of the admission, in UTC (the zero Time
// for a nil or zero Admission).
func (a *Admission) Time() time.Time {
	if a == nil {
		return time.Time{}
	}
	return a.at
}

// Request returns a copy of the holder's Consume request, ready for
// ticket.Merchant.Consume (nil for a nil or zero Admission).
func (a *Admission) Request() *ticket.Request {
	if !a.complete() {
		return nil
	}
	q := *a.req
	q.Sig = bytes.Clone(q.Sig)
	return &q
}

// Pass returns the pass the gate verified, as the wallet showed it (nil
// for a nil or zero Admission).
func (a *Admission) Pass() *Pass {
	if !a.complete() {
		return nil
	}
	return a.pass
}

// String describes the admission for logs: gate, ticket, slot start.
func (a *Admission) String() string {
	if !a.complete() {
		return "<no admission>"
	}
	return fmt.Sprintf("%q/%q at gate %q, slot %v", a.req.Event, a.req.Serial, a.gate, a.pass.Time().Format(time.RFC3339))
}
