package gate

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ticket"
)

const (
	snapshotDomain = "CBETS/gate/v1/snapshot"
	// maxEvent bounds an event's encoding (SPEC section 8.6), well above
	// its size with a 64-byte id; maxCertificate is the largest encoding
	// of a certificate (SPEC section 8.3).
	maxEvent       = 512
	maxCertificate = 154 + maxIDLen
	// minEntry is the size of the smallest ticket entry.
	minEntry = 4 + 1 + 1 + 32 + 8 + 4 + 155
)

// entry is what a gate knows of one ticket.
type entry struct {
	serial  string
	state   ticket.State
	head    [32]byte
	updated time.Time
	holder  *ticket.Certificate
}

// Snapshot is what a gate knows of an event: the event's published terms
// and, for each ticket the ledger has, its serial, state, Head, the time
// of its latest record and its holder's certificate — the ticket's state as
// the ledger had it at the snapshot's time. The merchant signs it with
// MerchantSign (R-bound, SPEC section 3), so a gate loads it from any
// channel. Its encoding (Bytes) is
//
//	u32 len ‖ "CBETS/gate/v1/snapshot" ‖ u32 len ‖ event (SPEC section 8.6) ‖
//	time (i64, Unix ns) ‖ count (u32) ‖ count × ticket ‖ signature (65)
//	ticket = u32 len ‖ serial ‖ state (u8, 1 to 7) ‖ Head (32) ‖
//	         updated (i64, Unix ns) ‖ u32 len ‖ holder certificate (SPEC section 8.3)
//
// with the tickets in increasing byte order of their serials, at most the
// event's capacity of them, and the merchant's R-bound signature over all
// bytes before it.
type Snapshot struct {
	event   *ticket.Event
	taken   time.Time
	entries []entry // by serial
	index   map[string]int
	sig     *ecdsa.RBoundSignature
	enc     []byte
}

// NewSnapshot signs a snapshot of event ev, taken at the given time, with
// the tickets as the ledger has them. merchant must be the event's merchant
// (ErrKey, or ErrSignature if ev does not verify under it); every ticket
// must be of ev (ErrEvent), have a serial, a holder certificate, a state
// and a Head, and appear once (ErrMalformed); there may not be more than
// the event's capacity of them (ErrMalformed). A wiped key panics.
func NewSnapshot(merchant *ecdsa.PrivateKey, ev *ticket.Event, tickets []*ticket.Ticket, at time.Time) (*Snapshot, error) {
	const fn = "NewSnapshot"
	if err := checkPriv(fn, "merchant", merchant); err != nil {
		return nil, err
	}
	if ev.Bytes() == nil {
		return nil, errorf(ErrMalformed, "%s: event is nil or the zero Event", fn)
	}
	if !ev.Merchant().Equal(merchant.PublicKey()) {
		return nil, errorf(ErrKey, "%s: merchant is not the merchant of event %q", fn, ev.ID())
	}
	if err := ev.Verify(merchant.PublicKey()); err != nil {
		return nil, errorf(ErrSignature, "%s: %w", fn, err)
	}
	if !representable(at) {
		return nil, errorf(ErrMalformed, "%s: time %v cannot be encoded", fn, at)
	}
	if uint64(len(tickets)) > uint64(ev.Terms().Capacity) {
		return nil, errorf(ErrMalformed, "%s: %d tickets for an event of capacity %d", fn, len(tickets), ev.Terms().Capacity)
	}
	s := &Snapshot{event: ev, taken: time.Unix(0, at.UnixNano()).UTC(), entries: make([]entry, 0, len(tickets))}
	for i, t := range tickets {
		if t == nil {
			return nil, errorf(ErrMalformed, "%s: ticket %d is nil", fn, i)
		}
		if t.Event != ev.ID() || !t.Merchant.Equal(ev.Merchant()) {
			return nil, errorf(ErrEvent, "%s: ticket %q/%q is not of event %q", fn, t.Event, t.Serial, ev.ID())
		}
		e := entry{serial: t.Serial, state: t.State, head: t.Head, updated: t.Updated, holder: t.Holder}
		if err := e.check(); err != nil {
			return nil, errorf(ErrMalformed, "%s: %w", fn, err)
		}
		s.entries = append(s.entries, e)
	}
	slices.SortFunc(s.entries, func(a, b entry) int { return strings.Compare(a.serial, b.serial) })
	if err := s.buildIndex(); err != nil {
		return nil, errorf(ErrMalformed, "%s: %w", fn, err)
	}
	msg := s.signed()
	sig, err := ecdsa.SignRBound(merchant, msg, nil)
	if err != nil {
		return nil, errorf(ErrKey, "%s: signing: %w", fn, err)
	}
	s.sig = sig
	s.enc = append(msg, sig.Bytes()...)
	return s, nil
}

// check validates an entry's fields (ErrMalformed).
func (e *entry) check() error {
	if err := checkID("serial", e.serial); err != nil {
		return err
	}
	switch {
	case e.holder.Bytes() == nil:
		return errorf(ErrMalformed, "ticket %q has no holder certificate", e.serial)
	case e.state < ticket.Valid || e.state > ticket.Expired:
		return errorf(ErrMalformed, "ticket %q has unknown state %d", e.serial, e.state)
	case e.head == [32]byte{}:
		return errorf(ErrMalformed, "ticket %q has a zero Head", e.serial)
	case !representable(e.updated):
		return errorf(ErrMalformed, "ticket %q has an update time out of range", e.serial)
	}
	return nil
}

// buildIndex indexes the sorted entries, refusing a serial twice.
func (s *Snapshot) buildIndex() error {
	s.index = make(map[string]int, len(s.entries))
	for i := range s.entries {
		if i > 0 && s.entries[i-1].serial == s.entries[i].serial {
			return errorf(ErrMalformed, "serial %q twice", s.entries[i].serial)
		}
		s.index[s.entries[i].serial] = i
	}
	return nil
}

// signed returns the bytes the merchant signs.
func (s *Snapshot) signed() []byte {
	w := wire.NewBuilder(snapshotDomain)
	w.Var(s.event.Bytes())
	w.I64(s.taken.UnixNano())
	w.U32(uint32(len(s.entries)))
	for i := range s.entries {
		e := &s.entries[i]
		w.String(e.serial)
		w.U8(uint8(e.state))
		w.Fixed(e.head[:])
		w.I64(e.updated.UnixNano())
		w.Var(e.holder.Bytes())
	}
	return w.Bytes()
}

// ParseSnapshot decodes the encoding of Snapshot strictly: the event, the
// certificates and the signature must decode, the serials be valid ids in
// increasing order, the states known, the Heads not zero and the count not
// above the event's capacity. It verifies no signature: New does.
func ParseSnapshot(b []byte) (*Snapshot, error) {
	s, err := parseSnapshot(b)
	if err != nil {
		return nil, errorf(ErrMalformed, "snapshot: %w", err)
	}
	return s, nil
}

func parseSnapshot(b []byte) (*Snapshot, error) {
	r := wire.NewReader(b, snapshotDomain)
	evb := r.Var(maxEvent)
	ns := r.I64()
	n := r.U32()
	if err := r.Err(); err != nil {
		return nil, err
	}
	ev, err := ticket.ParseEvent(evb)
	if err != nil {
		return nil, err
	}
	if n > ev.Terms().Capacity {
		return nil, errorf(ErrMalformed, "%d tickets for an event of capacity %d", n, ev.Terms().Capacity)
	}
	// Each entry takes at least minEntry bytes: a count the input cannot
	// hold allocates nothing.
	if uint64(n)*minEntry > uint64(len(b)) {
		return nil, wire.ErrShort
	}
	s := &Snapshot{event: ev, taken: time.Unix(0, ns).UTC(), entries: make([]entry, 0, n)}
	for range n {
		e := entry{serial: r.String(maxIDLen), state: ticket.State(r.U8())}
		copy(e.head[:], r.Fixed(32))
		e.updated = time.Unix(0, r.I64()).UTC()
		cb := r.Var(maxCertificate)
		if err := r.Err(); err != nil {
			return nil, err
		}
		if e.holder, err = ticket.ParseCertificate(cb); err != nil {
			return nil, err
		}
		if err := e.check(); err != nil {
			return nil, err
		}
		if k := len(s.entries); k > 0 && s.entries[k-1].serial >= e.serial {
			return nil, errorf(ErrMalformed, "serial %q out of order", e.serial)
		}
		s.entries = append(s.entries, e)
	}
	sigb := r.Fixed(ecdsa.RBoundSignatureSize)
	if err := r.Done(); err != nil {
		return nil, err
	}
	if s.sig, err = ecdsa.ParseRBoundSignature(sigb); err != nil {
		return nil, err
	}
	if err := s.buildIndex(); err != nil {
		return nil, err
	}
	s.enc = bytes.Clone(b)
	return s, nil
}

// complete reports whether s came from NewSnapshot or ParseSnapshot.
func (s *Snapshot) complete() bool { return s != nil && s.sig != nil }

// Verify checks that merchant signed the snapshot and its event: ErrKey for
// a nil or zero key or one that is not the event's merchant, ErrSignature
// for a signature that does not verify, ErrMalformed for a nil or zero
// Snapshot.
func (s *Snapshot) Verify(merchant *ecdsa.PublicKey) error {
	if !s.complete() {
		return errorf(ErrMalformed, "snapshot is nil or the zero Snapshot")
	}
	if err := checkPub("merchant key", merchant); err != nil {
		return err
	}
	if !s.event.Merchant().Equal(merchant) {
		return errorf(ErrKey, "snapshot of event %q is another merchant's", s.event.ID())
	}
	if err := s.event.Verify(merchant); err != nil {
		return errorf(ErrSignature, "snapshot: %w", err)
	}
	msg := s.enc[:len(s.enc)-ecdsa.RBoundSignatureSize]
	if err := ecdsa.VerifyRBound(merchant, msg, s.sig, ecdsa.SHA256); err != nil {
		return errorf(ErrSignature, "snapshot of event %q is not signed by its merchant: %w", s.event.ID(), err)
	}
	return nil
}

// Bytes returns the encoding, a new slice; nil for a nil or zero Snapshot.
func (s *Snapshot) Bytes() []byte {
	if !s.complete() {
		return nil
	}
	return bytes.Clone(s.enc)
}

// Event returns the snapshot's event (nil for a nil or zero Snapshot).
func (s *Snapshot) Event() *ticket.Event {
	if s == nil {
		return nil
	}
	return s.event
}

// Time returns when the snapshot was taken (the zero Time for a nil or
// zero Snapshot).
func (s *Snapshot) Time() time.Time {
	if s == nil {
		return time.Time{}
	}
	return s.taken
}

// Len returns the number of tickets in the snapshot.
func (s *Snapshot) Len() int {
	if s == nil {
		return 0
	}
	return len(s.entries)
}

// lookup returns the entry of serial, or nil.
func (s *Snapshot) lookup(serial string) *entry {
	i, ok := s.index[serial]
	if !ok {
		return nil
	}
	return &s.entries[i]
}

// representable reports whether t survives the Unix-nanosecond encoding.
func representable(t time.Time) bool {
	return !t.Before(time.Unix(0, math.MinInt64)) && !t.After(time.Unix(0, math.MaxInt64))
}
