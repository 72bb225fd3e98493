package mixer

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of this package. They are wrapped with detail; test for them with
// errors.Is.
var (
	// ErrMalformed: bytes that are not a canonical encoding of the
	// expected message.
	ErrMalformed = errors.New("mixer: malformed message")
	// ErrParams: session parameters, deadlines or a configuration out of
	// range.
	ErrParams = errors.New("mixer: invalid parameters")
	// ErrWrongSession: a message of another session, for example one
	// replayed from an earlier session.
	ErrWrongSession = errors.New("mixer: message of another session")
	// ErrPhase: a message the session does not expect in its current
	// phase.
	ErrPhase = errors.New("mixer: message out of phase")
	// ErrDeadline: a message after its phase's deadline, or a session
	// abandoned because a deadline passed.
	ErrDeadline = errors.New("mixer: deadline passed")
	// ErrBadSignature: an ownership signature, confirmation or refusal
	// that does not verify under the participant's key.
	ErrBadSignature = errors.New("mixer: signature does not verify")
	// ErrUnknownInput: the InputSource refused an input (absent, spent,
	// another amount or another owner).
	ErrUnknownInput = errors.New("mixer: input refused by the input source")
	// ErrInputReused: an input offered twice, by one participant or two.
	ErrInputReused = errors.New("mixer: input already in the session")
	// ErrFunds: the inputs do not cover Slots·Denomination + Fee, or the
	// change a request states is not what they hold beyond it.
	ErrFunds = errors.New("mixer: inputs do not match the amount due")
	// ErrChangeAddress: a request that names a change address without
	// change, or has change without a change address to take it.
	ErrChangeAddress = errors.New("mixer: change address without change, or change without an address")
	// ErrDuplicateParticipant: a second request from the same key.
	ErrDuplicateParticipant = errors.New("mixer: key already in the session")
	// ErrSessionFull: the session has MaxParticipants of its announcement.
	ErrSessionFull = errors.New("mixer: session full")
	// ErrTooFewParticipants: fewer than the announced minimum joined, or
	// survived to a restart.
	ErrTooFewParticipants = errors.New("mixer: too few participants")
	// ErrNotParticipant: a key that is not a member of the session's ring.
	ErrNotParticipant = errors.New("mixer: not a participant")
	// ErrBadRingSignature: an output registration whose ring signature
	// does not verify over the session's ring in its slot's scope.
	ErrBadRingSignature = errors.New("mixer: ring signature does not verify")
	// ErrKeyImageReused: a second output in one slot by the same ring
	// member (the same key image).
	ErrKeyImageReused = errors.New("mixer: key image already used in this slot")
	// ErrWrongAmount: an output whose amount is not the denomination.
	ErrWrongAmount = errors.New("mixer: output amount is not the denomination")
	// ErrAddressVersion: an output or change address with another version
	// byte than the session's.
	ErrAddressVersion = errors.New("mixer: address has the wrong version")
	// ErrDuplicateAddress: an output address registered twice, or an
	// output registered at a change address of the session. Change
	// addresses may repeat: each change output is bound to its owner.
	ErrDuplicateAddress = errors.New("mixer: address already in the session")
	// ErrInputMissing: the transaction does not spend each of the client's
	// inputs exactly once, or spends in its name an input it did not offer.
	ErrInputMissing = errors.New("mixer: own inputs not exactly in the transaction")
	// ErrOutputMissing: one of the client's outputs is absent from the
	// transaction, appears twice, or is not the registration it sent.
	ErrOutputMissing = errors.New("mixer: own output missing from the transaction")
	// ErrChangeMismatch: the client's change is absent, repeated or of the
	// wrong amount.
	ErrChangeMismatch = errors.New("mixer: change output wrong")
	// ErrFee: the fee is above the client's cap, or the transaction's fee
	// is not the announced per-participant fee times the participants.
	ErrFee = errors.New("mixer: fee above the cap or not the announced rule")
	// ErrRingMismatch: the ring (or its digest) is not the one the client
	// was given, or a restart brings in keys that were not in the ring.
	ErrRingMismatch = errors.New("mixer: ring differs from the one given")
	// ErrParamsMismatch: parameters or deadlines differ from the
	// announced ones.
	ErrParamsMismatch = errors.New("mixer: parameters differ from the announced ones")
	// ErrUnbalanced: the transaction pays out more than its inputs hold.
	ErrUnbalanced = errors.New("mixer: outputs, change and fee exceed the inputs")
	// ErrDeclined: the participant declined to sign.
	ErrDeclined = errors.New("mixer: participant declined")
	// ErrIncomplete: a signed transaction without a valid signature from
	// every input owner, or a session that has not completed.
	ErrIncomplete = errors.New("mixer: not signed by every input owner")
)

// Reason is why a client refused a session; a Refusal carries it so that the
// server (and its operator) learn the cause. Reason.Err returns the matching
// error of this package.
type Reason uint8

// The reasons a Refusal can give.
const (
	ReasonDeclined         Reason = iota // the user declined
	ReasonMalformed                      // ErrMalformed
	ReasonWrongSession                   // ErrWrongSession
	ReasonDeadline                       // ErrDeadline
	ReasonParamsMismatch                 // ErrParamsMismatch
	ReasonRingMismatch                   // ErrRingMismatch
	ReasonInputMissing                   // ErrInputMissing
	ReasonOutputMissing                  // ErrOutputMissing
	ReasonWrongAmount                    // ErrWrongAmount
	ReasonChangeMismatch                 // ErrChangeMismatch
	ReasonFee                            // ErrFee
	ReasonUnbalanced                     // ErrUnbalanced
	ReasonBadRingSignature               // ErrBadRingSignature
	ReasonKeyImageReused                 // ErrKeyImageReused
	ReasonDuplicateAddress               // ErrDuplicateAddress
	ReasonAddressVersion                 // ErrAddressVersion
	reasonCount
)

var reasonErrs = [reasonCount]error{
	ErrDeclined, ErrMalformed, ErrWrongSession, ErrDeadline, ErrParamsMismatch,
	ErrRingMismatch, ErrInputMissing, ErrOutputMissing, ErrWrongAmount,
	ErrChangeMismatch, ErrFee, ErrUnbalanced, ErrBadRingSignature,
	ErrKeyImageReused, ErrDuplicateAddress, ErrAddressVersion,
}

// Err returns the error of this package that the reason stands for.
func (r Reason) Err() error {
	if r < reasonCount {
		return reasonErrs[r]
	}
	return fmt.Errorf("mixer: unknown reason %d", uint8(r))
}

// String returns the reason's error text.
func (r Reason) String() string { return r.Err().Error() }

// ReasonOf returns the Reason for err: the first of the errors above that
// err wraps, or ReasonDeclined.
func ReasonOf(err error) Reason {
	for i, e := range reasonErrs {
		if i > 0 && errors.Is(err, e) {
			return Reason(i)
		}
	}
	return ReasonDeclined
}

// wrapped is an error that errors.Is matches against both outer and inner,
// and that reads "outer: detail: inner" with inner's "mixer: " dropped, so
// that each layer's words appear once.
type wrapped struct {
	outer, inner error
	detail       string
}

// wrap returns inner, with detail (when not empty), under outer; inner
// itself when it already wraps outer and there is no detail to add.
func wrap(outer error, detail string, inner error) error {
	if detail == "" && errors.Is(inner, outer) {
		return inner
	}
	return &wrapped{outer: outer, inner: inner, detail: detail}
}

func (e *wrapped) Error() string {
	var b strings.Builder
	b.WriteString(e.outer.Error())
	if e.detail != "" {
		b.WriteString(": ")
		b.WriteString(e.detail)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.inner.Error(), "mixer: "))
	return b.String()
}

func (e *wrapped) Unwrap() []error { return []error{e.outer, e.inner} }

// restated is an error that errors.Is matches against both sentinel and
// inner, and that reads "mixer: what: inner": for a lower layer's error
// that already says what sentinel says ("ecdsa: signature does not
// verify"), to which this layer adds only which one it was.
type restated struct {
	sentinel, inner error
	what            string
}

// restate returns inner under sentinel, naming what failed.
func restate(sentinel error, what string, inner error) error {
	return &restated{sentinel: sentinel, inner: inner, what: what}
}

func (e *restated) Error() string { return "mixer: " + e.what + ": " + e.inner.Error() }

func (e *restated) Unwrap() []error { return []error{e.sentinel, e.inner} }
