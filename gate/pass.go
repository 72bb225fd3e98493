package gate

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// Pass layout constants.
const (
	// PassVersion is the first byte of every pass: the layout's domain
	// and version, 'G' for version 1.
	PassVersion = 0x47
	// SlotLength is the length of a time slot: a pass signed for slot n
	// carries t2 = n·30 s after the Unix epoch.
	SlotLength = 30 * time.Second
	// HeadPrefixSize is how many leading bytes of the ticket's Head a
	// pass repeats, so that a gate tells a pass signed over another state
	// of the ticket from a forged one.
	HeadPrefixSize = 8
	// MaxPassSize is the size of a pass with 64-byte event id and serial:
	// 207 bytes, within the 213 bytes a QR code of version 10 holds in
	// byte mode at error-correction level M.
	MaxPassSize = passFixed + 2*maxIDLen

	slotSeconds = int64(SlotLength / time.Second)
	// passFixed is a pass's size without its event id and serial.
	passFixed = 1 + 1 + 1 + 4 + HeadPrefixSize + ecdsa.InverseSSignatureSize
	// maxSlot is the last slot a pass may name: every time at which a
	// gate accepts it, up to the end of the slot after it, is
	// representable as i64 Unix nanoseconds (SPEC section 8.2).
	maxSlot = uint32(math.MaxInt64/int64(time.Second)/slotSeconds - 2)
)

// Pass is what a holder's wallet shows at the door, as a QR code: the
// holder's consumption signature ω of Algorithm 2 over the Consume request
// for the ticket's current state at the start of a 30-second slot, with
// just enough around it for a gate to rebuild that request from its
// snapshot. The pass is the Consume request compressed: the merchant key,
// the Head and the holder's certificate, which the request also names,
// come from the gate's snapshot. Its encoding (Bytes) is
//
//	offset  size  field
//	0       1     0x47, version 1
//	1       1     E, the length of the event id, 1 to 64
//	2       E     event id, UTF-8
//	2+E     1     S, the length of the serial, 1 to 64
//	3+E     S     serial, UTF-8
//	3+E+S   4     slot n, u32 big-endian, n ≤ 307445732: t2 = n·30 s
//	7+E+S   8     the first 8 bytes of the ticket's Head
//	15+E+S  64    ω = a ‖ s (SPEC section 4.2) over the signed bytes of
//	              the Consume request (SPEC section 8.4) with prev = Head
//	              and time t2
//
// 79 + E + S bytes: 101 for event "concert-2026-12-01" and serial
// "1234", at most 207.
type Pass struct {
	event, serial string
	slot          uint32
	head          [HeadPrefixSize]byte
	sig           *ecdsa.InverseSSignature
}

// NewPass signs a pass for ticket t with the holder's key: ω over
// ticket.NewConsumeRequest(holder, t, t2), where t2 is the start of the
// slot that contains at. The ticket must be Valid or Transferred (ErrState),
// and t2 must not be before its latest record (ErrSlot: within the 30
// seconds after a ticket is bought or transferred, wait for the next
// slot). A wallet whose clock may run ahead of the gates' should pass its
// time minus that error, as a gate refuses a slot that has not begun.
// holder must be the key of the ticket's holder certificate (ErrKey); a
// wiped key panics.
func NewPass(holder *ecdsa.PrivateKey, t *ticket.Ticket, at time.Time) (*Pass, error) {
	const fn = "NewPass"
	if err := checkPriv(fn, "holder", holder); err != nil {
		return nil, err
	}
	if t == nil || !pubOK(t.Merchant) || t.Holder.ID() == "" {
		return nil, errorf(ErrMalformed, "%s: ticket is nil or has no merchant key or holder", fn)
	}
	if !holder.PublicKey().Equal(t.Holder.PublicKey()) {
		return nil, errorf(ErrKey, "%s: holder is not the key of certificate %q", fn, t.Holder.ID())
	}
	if t.State != ticket.Valid && t.State != ticket.Transferred {
		return nil, errorf(ErrState, "%s: ticket %q is %v", fn, t.Serial, t.State)
	}
	slot, ok := slotOf(at)
	if !ok {
		return nil, errorf(ErrSlot, "%s: %v is outside the slots a pass can name", fn, at)
	}
	if slotStart(slot).Before(t.Updated) {
		return nil, errorf(ErrSlot, "%s: the slot starting %v begins before the ticket's latest record at %v",
			fn, slotStart(slot), t.Updated.UTC())
	}
	req, err := ticket.NewConsumeRequest(holder, t, slotStart(slot))
	if err != nil {
		return nil, errorf(ErrMalformed, "%s: %w", fn, err)
	}
	return passOf(req)
}

// passOf compresses a signed Consume request whose time is a slot's start.
func passOf(req *ticket.Request) (*Pass, error) {
	slot, ok := slotOf(req.Time)
	if !ok || !slotStart(slot).Equal(req.Time) {
		return nil, errorf(ErrMalformed, "request time %v is not the start of a slot", req.Time)
	}
	sig, err := ecdsa.ParseInverseSSignature(req.Sig)
	if err != nil {
		return nil, errorf(ErrMalformed, "pass signature: %w", err)
	}
	p := &Pass{event: req.Event, serial: req.Serial, slot: slot, sig: sig}
	copy(p.head[:], req.Prev[:])
	return p, nil
}

// slotOf returns the slot that contains t, and false before the epoch or
// after the last slot.
func slotOf(t time.Time) (uint32, bool) {
	s := t.Unix()
	if s < 0 || s/slotSeconds > int64(maxSlot) {
		return 0, false
	}
	return uint32(s / slotSeconds), true
}

// slotStart returns the first instant of slot n, in UTC.
func slotStart(n uint32) time.Time {
	return time.Unix(int64(n)*slotSeconds, 0).UTC()
}

// currentSlot returns the slot that contains now, which may lie before the
// epoch (a negative slot) or after the last one.
func currentSlot(now time.Time) int64 {
	s := now.Unix()
	n := s / slotSeconds
	if s%slotSeconds < 0 {
		n--
	}
	return n
}

// inWindow reports whether a gate at now accepts slot: its current slot
// or the one before.
func inWindow(slot uint32, now time.Time) bool {
	c := currentSlot(now)
	return int64(slot) == c || int64(slot) == c-1
}

// ParsePass decodes the layout of Pass strictly: every field in range, the
// ids UTF-8, ω a valid encoding (SPEC section 4.2), no trailing bytes. It
// does not verify ω: a Gate does, against its snapshot.
func ParsePass(b []byte) (*Pass, error) {
	fail := func(what string) (*Pass, error) {
		return nil, errorf(ErrMalformed, "pass: %s", what)
	}
	switch {
	case len(b) == 0:
		return fail("empty")
	case b[0] != PassVersion:
		return fail("not a version 1 pass")
	}
	r := b[1:]
	id := func(what string) (string, bool) {
		if len(r) < 1 || int(r[0]) > len(r)-1 {
			return "", false
		}
		n := 1 + int(r[0])
		s := string(r[1:n])
		r = r[n:]
		return s, checkID(what, s) == nil
	}
	event, ok := id("event id")
	if !ok {
		return fail("bad event id")
	}
	serial, ok := id("serial")
	if !ok {
		return fail("bad serial")
	}
	if len(r) != 4+HeadPrefixSize+ecdsa.InverseSSignatureSize {
		return fail("wrong length")
	}
	p := &Pass{event: event, serial: serial, slot: binary.BigEndian.Uint32(r)}
	if p.slot > maxSlot {
		return fail("slot out of range")
	}
	copy(p.head[:], r[4:])
	sig, err := ecdsa.ParseInverseSSignature(r[4+HeadPrefixSize:])
	if err != nil {
		return nil, errorf(ErrMalformed, "pass signature: %w", err)
	}
	p.sig = sig
	return p, nil
}

// complete reports whether p came from NewPass or ParsePass.
func (p *Pass) complete() bool { return p != nil && p.sig != nil }

// Bytes returns the pass's encoding, a new slice; nil for a nil or zero
// Pass.
func (p *Pass) Bytes() []byte {
	if !p.complete() {
		return nil
	}
	b := make([]byte, 0, passFixed+len(p.event)+len(p.serial))
	b = append(b, PassVersion, byte(len(p.event)))
	b = append(b, p.event...)
	b = append(b, byte(len(p.serial)))
	b = append(b, p.serial...)
	b = binary.BigEndian.AppendUint32(b, p.slot)
	b = append(b, p.head[:]...)
	return append(b, p.sig.Bytes()...)
}

// Event returns the event id ("" for a nil or zero Pass).
func (p *Pass) Event() string {
	if p == nil {
		return ""
	}
	return p.event
}

// Serial returns the ticket's serial ("" for a nil or zero Pass).
func (p *Pass) Serial() string {
	if p == nil {
		return ""
	}
	return p.serial
}

// Slot returns the slot number n (0 for a nil or zero Pass).
func (p *Pass) Slot() uint32 {
	if p == nil {
		return 0
	}
	return p.slot
}

// Time returns t2, the start of the pass's slot, in UTC: the time the
// Consume request carries (the zero Time for a nil or zero Pass).
func (p *Pass) Time() time.Time {
	if !p.complete() {
		return time.Time{}
	}
	return slotStart(p.slot)
}

// request rebuilds the Consume request the holder signed, from the pass
// and the snapshot's entry; the caller checked the head prefix.
func (p *Pass) request(merchant *ecdsa.PublicKey, e *entry) *ticket.Request {
	return &ticket.Request{Kind: ticket.KindConsume, Event: p.event, Serial: p.serial, Merchant: merchant,
		Prev: e.head, Cert: e.holder, Time: slotStart(p.slot), Sig: p.sig.Bytes()}
}
