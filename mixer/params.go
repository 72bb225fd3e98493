package mixer

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ringsig"
)

// Limits of a session. They bound every decoder, so that no message can make
// a parser allocate more than a few tens of megabytes.
const (
	// MinParticipants is the smallest ring: a ring signature over one
	// member would name its signer.
	MinParticipants = ringsig.MinRingSize
	// MaxParticipants is the largest ring a session may gather.
	MaxParticipants = 256
	// MaxSlots is the largest number of outputs per participant.
	MaxSlots = 16
	// MaxInputs is the largest number of inputs one participant may bring.
	MaxInputs = 16
	// MaxInputIDSize is the longest input identifier, in bytes.
	MaxInputIDSize = 64
)

// SessionID names a session. Every message carries it, every signature of
// the protocol covers it, and the ring-signature scope of a slot is
// SessionID ‖ u32be(slot), so nothing signed for one session is accepted in
// another.
type SessionID [32]byte

// NewSessionID draws a session id from random (crypto/rand when nil).
func NewSessionID(random io.Reader) (SessionID, error) {
	if random == nil {
		random = rand.Reader
	}
	var id SessionID
	if _, err := io.ReadFull(random, id[:]); err != nil {
		return SessionID{}, fmt.Errorf("mixer: reading session id: %w", err)
	}
	return id, nil
}

// NextSessionID is the id of the session that restarts prev after its
// transaction txHash failed to collect every signature:
// SHA256("CBETS/mixer/v1/next" ‖ prev ‖ txHash). Clients recompute it, so a
// server cannot present an old or unrelated session as the restart.
func NextSessionID(prev SessionID, txHash [32]byte) SessionID {
	h := sha256.New()
	h.Write([]byte(nextDomain))
	h.Write(prev[:])
	h.Write(txHash[:])
	var id SessionID
	h.Sum(id[:0])
	return id
}

// String returns the id in hex.
func (id SessionID) String() string { return hex.EncodeToString(id[:]) }

// scope returns the ring-signature scope of a slot: id ‖ u32be(slot).
func (id SessionID) scope(slot int) []byte {
	b := make([]byte, 0, 36)
	b = append(b, id[:]...)
	return binary.BigEndian.AppendUint32(b, uint32(slot))
}

// Params are the terms of a session, fixed when it is announced. Amounts are
// integer minor units.
type Params struct {
	// Denomination is the amount of every mixed output (> 0). Equal
	// amounts are what keeps amounts from linking outputs to inputs.
	Denomination int64
	// Slots is the number of outputs each participant receives, 1 to
	// MaxSlots.
	Slots int
	// Fee is what each participant pays the server (≥ 0).
	Fee int64
	// AddressVersion is the version byte of output and change addresses.
	AddressVersion byte
}

// Validate checks the ranges of the fields and that a participant's due,
// Slots·Denomination + Fee, fits in an int64.
func (p Params) Validate() error {
	if p.Denomination <= 0 {
		return fmt.Errorf("%w: denomination %d is not positive", ErrParams, p.Denomination)
	}
	if p.Slots < 1 || p.Slots > MaxSlots {
		return fmt.Errorf("%w: %d slots, want 1 to %d", ErrParams, p.Slots, MaxSlots)
	}
	if p.Fee < 0 {
		return fmt.Errorf("%w: negative fee %d", ErrParams, p.Fee)
	}
	if _, ok := p.due(); !ok {
		return fmt.Errorf("%w: slots·denomination + fee overflows", ErrParams)
	}
	return nil
}

// Due returns what each participant's inputs must cover:
// Slots·Denomination + Fee. It returns 0 for parameters that do not
// validate.
func (p Params) Due() int64 {
	if p.Validate() != nil {
		return 0
	}
	d, _ := p.due()
	return d
}

func (p Params) due() (int64, bool) {
	if p.Denomination <= 0 || p.Slots < 1 || p.Fee < 0 {
		return 0, false
	}
	if p.Denomination > math.MaxInt64/int64(p.Slots) {
		return 0, false
	}
	return addAmount(int64(p.Slots)*p.Denomination, p.Fee)
}

func (p Params) put(w *wire.Builder) {
	w.I64(p.Denomination)
	w.U32(uint32(p.Slots))
	w.I64(p.Fee)
	w.U8(p.AddressVersion)
}

func readParams(r *wire.Reader) Params {
	var p Params
	p.Denomination = r.I64()
	slots := r.U32()
	p.Fee = r.I64()
	p.AddressVersion = r.U8()
	if slots > MaxSlots {
		r.Fail(fmt.Errorf("%d slots, want at most %d", slots, MaxSlots))
		return p
	}
	p.Slots = int(slots)
	if r.Err() == nil {
		if err := p.Validate(); err != nil {
			r.Fail(err)
		}
	}
	return p
}

// Deadlines end the phases of a session. A message dated at or before a
// phase's deadline is on time; Tick moves a session on once now is after it.
type Deadlines struct {
	Request  time.Time // end of requesting (phase 1)
	Register time.Time // end of output registration (phase 2)
	Confirm  time.Time // end of confirmation (phase 3)
}

// validate checks that the deadlines are representable and in order.
func (d Deadlines) validate(withRequest bool) error {
	ts := []time.Time{d.Register, d.Confirm}
	if withRequest {
		ts = []time.Time{d.Request, d.Register, d.Confirm}
	}
	for i, t := range ts {
		if !representable(t) {
			return fmt.Errorf("%w: deadline %v out of range", ErrParams, t)
		}
		if i > 0 && !t.After(ts[i-1]) {
			return fmt.Errorf("%w: deadlines not increasing", ErrParams)
		}
	}
	return nil
}

// representable reports whether t survives the encoding as Unix nanoseconds.
func representable(t time.Time) bool {
	return !t.IsZero() && time.Unix(0, t.UnixNano()).Equal(t)
}

func putTime(w *wire.Builder, t time.Time) { w.I64(t.UnixNano()) }

func readTime(r *wire.Reader) time.Time { return time.Unix(0, r.I64()).UTC() }

// Input is a coin a participant offers: an identifier the backend
// understands (for example a transaction id and output index) and its amount
// in minor units.
type Input struct {
	ID     []byte
	Amount int64
}

func (in Input) check() error {
	if len(in.ID) == 0 || len(in.ID) > MaxInputIDSize {
		return fmt.Errorf("input id of %d bytes, want 1 to %d", len(in.ID), MaxInputIDSize)
	}
	if in.Amount <= 0 {
		return fmt.Errorf("input amount %d is not positive", in.Amount)
	}
	return nil
}

// InputSource is the backend's view of the ledger. The server asks it, for
// every input of every request (and again when a session restarts), whether
// the input exists, is unspent, holds exactly in.Amount and can be spent by
// owner. It returns nil to accept; an error to refuse, which the server
// wraps in ErrUnknownInput. The server calls it only from Handle and Restart,
// never concurrently.
type InputSource interface {
	CheckInput(owner *ecdsa.PublicKey, in Input) error
}

// InputSourceFunc adapts a function to InputSource.
type InputSourceFunc func(owner *ecdsa.PublicKey, in Input) error

// CheckInput calls f; a nil f refuses every input.
func (f InputSourceFunc) CheckInput(owner *ecdsa.PublicKey, in Input) error {
	if f == nil {
		return errors.New("nil InputSourceFunc")
	}
	return f(owner, in)
}

// sumInputs adds the amounts of inputs, checking each input and overflow.
func sumInputs(inputs []Input) (int64, error) {
	var total int64
	for _, in := range inputs {
		if err := in.check(); err != nil {
			return 0, err
		}
		var ok bool
		if total, ok = addAmount(total, in.Amount); !ok {
			return 0, fmt.Errorf("input amounts overflow")
		}
	}
	return total, nil
}

// sortedInputs returns a sorted copy of inputs, or an error if an id
// repeats.
func sortedInputs(inputs []Input) ([]Input, error) {
	out := make([]Input, len(inputs))
	for i, in := range inputs {
		out[i] = Input{ID: bytes.Clone(in.ID), Amount: in.Amount}
	}
	sortInputs(out)
	for i := 1; i < len(out); i++ {
		if bytes.Equal(out[i-1].ID, out[i].ID) {
			return nil, fmt.Errorf("%w: input %x offered twice", ErrInputReused, out[i].ID)
		}
	}
	return out, nil
}

// addAmount returns a + b for non-negative a and b, and false on overflow.
func addAmount(a, b int64) (int64, bool) {
	if a < 0 || b < 0 || a > math.MaxInt64-b {
		return 0, false
	}
	return a + b, true
}

func putAddress(w *wire.Builder, a ecdsa.Address) {
	w.U8(a.Version())
	h := a.Hash()
	w.Fixed(h[:])
}

func readAddress(r *wire.Reader) ecdsa.Address {
	v := r.U8()
	var h [20]byte
	copy(h[:], r.Fixed(20))
	return ecdsa.AddressFromHash(v, h)
}

// compareAddress orders addresses by version byte, then hash.
func compareAddress(a, b ecdsa.Address) int {
	if a.Version() != b.Version() {
		return int(a.Version()) - int(b.Version())
	}
	ha, hb := a.Hash(), b.Hash()
	return bytes.Compare(ha[:], hb[:])
}

type keyBytes = [ecdsa.PublicKeySize]byte

// keyOf returns the compressed encoding of pk as a map key (zero for a nil
// or zero-value key, whose Bytes is nil).
func keyOf(pk *ecdsa.PublicKey) keyBytes {
	var k keyBytes
	copy(k[:], pk.Bytes())
	return k
}

// checkPrivateKey refuses a nil, zero-value or wiped key, whose Bytes is
// nil.
func checkPrivateKey(key *ecdsa.PrivateKey) error {
	b := key.Bytes()
	if b == nil {
		return fmt.Errorf("%w: nil, zero-value or wiped private key", ErrParams)
	}
	clear(b)
	return nil
}

// changeDue returns what inputs holding total leave beyond p.Due(), and
// checks that a change address is named exactly when that is positive.
func changeDue(p Params, total int64, hasAddress bool) (int64, error) {
	due := p.Due()
	if total < due {
		return 0, fmt.Errorf("%w: inputs hold %d, %d due", ErrFunds, total, due)
	}
	change := total - due
	switch {
	case change > 0 && !hasAddress:
		return 0, fmt.Errorf("%w: inputs hold %d beyond the amount due", ErrChangeAddress, change)
	case change == 0 && hasAddress:
		return 0, fmt.Errorf("%w: inputs hold exactly the amount due", ErrChangeAddress)
	}
	return change, nil
}
