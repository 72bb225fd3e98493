package gate

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cbets/cbets/ecdsa"
)

// Errors of the package; test for them with errors.Is. A message says what
// was wrong once, without the sentinel's generic text: "gate: pass for
// "1234" is signed over another state of the ticket" matches ErrStale.
var (
	// ErrMalformed: bytes that do not parse, a nil or zero value, an id
	// that is not 1 to 64 bytes of UTF-8, or a time out of range.
	ErrMalformed = errors.New("gate: malformed")
	// ErrKey: a key that is nil, the zero value, or not the one the value
	// needs (the holder's, the event's merchant).
	ErrKey = errors.New("gate: key missing, zero or not the expected one")
	// ErrEvent: a pass or ticket of another event than the snapshot's.
	ErrEvent = errors.New("gate: another event")
	// ErrUnknown: a ticket the snapshot (at the gate) or the ledger (at
	// reconciliation) does not have.
	ErrUnknown = errors.New("gate: unknown ticket")
	// ErrState: a ticket that cannot be consumed: listed, consumed, or
	// held under the merchant's own key.
	ErrState = errors.New("gate: ticket cannot be consumed in its state")
	// ErrStale: a pass or admission signed over a state of the ticket
	// that is not the snapshot's or the ledger's (the ticket moved on).
	ErrStale = errors.New("gate: signed over another state of the ticket")
	// ErrSlot: a pass whose time slot is neither the gate's current slot
	// nor the one before, or begins before the ticket's latest record.
	ErrSlot = errors.New("gate: pass's time slot not accepted")
	// ErrClosed: a gate time outside the event's admission window
	// [DoorsOpen, End), or at or after the event's cancellation.
	ErrClosed = errors.New("gate: admission closed")
	// ErrSignature: the holder's ω or the merchant's signature on a
	// snapshot does not verify.
	ErrSignature = errors.New("gate: signature does not verify")
	// ErrAdmitted: the ticket was already admitted; the error is an
	// *AdmittedError carrying the first admission.
	ErrAdmitted = errors.New("gate: ticket already admitted")
)

const (
	prefix   = "gate: "
	maxIDLen = 64
)

// ruleError matches its sentinel with errors.Is and reads "gate: " and the
// detail, which wraps any cause.
type ruleError struct {
	sentinel error
	detail   error
}

func (e *ruleError) Error() string   { return prefix + e.detail.Error() }
func (e *ruleError) Unwrap() []error { return []error{e.sentinel, e.detail} }

// bare is an error of this package wrapped by another: it reads without
// the package prefix, so that a message names the package once, and it
// still unwraps to the error. Other packages' errors keep their prefix
// ("gate: …: ticket: …").
type bare struct{ err error }

func (b bare) Error() string { return strings.TrimPrefix(b.err.Error(), prefix) }
func (b bare) Unwrap() error { return b.err }

// errorf returns an error matching sentinel whose message is "gate: " and
// the formatted detail. Errors of this package among args lose their
// prefix.
func errorf(sentinel error, format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(*ruleError); ok {
			args[i] = bare{err}
		}
	}
	return &ruleError{sentinel: sentinel, detail: fmt.Errorf(format, args...)}
}

// checkID checks a gate id, event id or serial: 1 to 64 bytes of UTF-8,
// as package ticket requires of its ids.
func checkID(what, s string) error {
	if len(s) == 0 || len(s) > maxIDLen {
		return errorf(ErrMalformed, "%s must be 1 to %d bytes, got %d", what, maxIDLen, len(s))
	}
	if !utf8.ValidString(s) {
		return errorf(ErrMalformed, "%s is not UTF-8", what)
	}
	return nil
}

// pubOK reports whether p is a usable public key: not nil and not the zero
// PublicKey, whose encoding is not a point.
func pubOK(p *ecdsa.PublicKey) bool {
	b := p.Bytes()
	return len(b) == ecdsa.PublicKeySize && (b[0] == 0x02 || b[0] == 0x03)
}

// checkPub returns an ErrKey error naming what unless pubOK(p).
func checkPub(what string, p *ecdsa.PublicKey) error {
	if !pubOK(p) {
		return errorf(ErrKey, "%s is nil or the zero PublicKey", what)
	}
	return nil
}

// checkPriv refuses a nil or zero-value private key with ErrKey and
// panics, naming the function and the argument, on a key wiped with
// PrivateKey.Zero: signing with it is a programming error.
func checkPriv(fn, what string, k *ecdsa.PrivateKey) error {
	if k == nil || !pubOK(k.PublicKey()) {
		return errorf(ErrKey, "%s: %s is nil or the zero PrivateKey", fn, what)
	}
	b := k.Bytes()
	defer clear(b)
	var zero [ecdsa.PrivateKeySize]byte
	if len(b) != ecdsa.PrivateKeySize || subtle.ConstantTimeCompare(b, zero[:]) == 1 {
		panic(prefix + fn + ": " + what + " is a wiped private key")
	}
	return nil
}
