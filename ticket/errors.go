package ticket

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/cbets/cbets/ecdsa"
)

// Errors of the constructors, the transitions and Replay; test for them
// with errors.Is. An error's message says what was wrong once, without the
// sentinel's generic text: "ticket: request is for another ticket or an
// earlier state" matches ErrForeign.
var (
	ErrMalformed     = errors.New("ticket: malformed")
	ErrKey           = errors.New("ticket: key missing, zero or invalid")
	ErrWID           = errors.New("ticket: WID is not the address of the certificate's key")
	ErrPolicy        = errors.New("ticket: invalid policy")
	ErrSignature     = errors.New("ticket: signature does not verify")
	ErrCertificate   = errors.New("ticket: certificate not signed by the registrar")
	ErrForeign       = errors.New("ticket: request or record is for another ticket, merchant or state")
	ErrState         = errors.New("ticket: transition not allowed in this state")
	ErrNotHolder     = errors.New("ticket: signer is not the holder")
	ErrTime          = errors.New("ticket: time goes backwards or lies in the future")
	ErrLimit         = errors.New("ticket: certificate already holds its limit of tickets for the event")
	ErrTransferLimit = errors.New("ticket: ticket already transferred the maximum number of times")
	ErrReputation    = errors.New("ticket: reputation too low to list")
	ErrPrice         = errors.New("ticket: price does not match the listing")
	ErrMismatch      = errors.New("ticket: record does not match its request")
)

const prefix = "ticket: "

// ruleError is an error of this package: it matches its sentinel with
// errors.Is and reads "ticket: " and the detail, which wraps any cause.
type ruleError struct {
	sentinel error
	detail   error
}

func (e *ruleError) Error() string   { return prefix + e.detail.Error() }
func (e *ruleError) Unwrap() []error { return []error{e.sentinel, e.detail} }

// inner is a ruleError wrapped by another error of this package: it reads
// without the package prefix, which the outer error carries.
type inner struct{ e *ruleError }

func (i inner) Error() string { return i.e.detail.Error() }
func (i inner) Unwrap() error { return i.e }

// errorf returns an error matching sentinel whose message is "ticket: "
// and the formatted detail. Errors of this package among args lose their
// prefix, so that each layer names the package once.
func errorf(sentinel error, format string, args ...any) error {
	for i, a := range args {
		if re, ok := a.(*ruleError); ok {
			args[i] = inner{re}
		}
	}
	return &ruleError{sentinel: sentinel, detail: fmt.Errorf(format, args...)}
}

// detail returns err's message without the package prefix.
func detail(err error) string {
	if re, ok := err.(*ruleError); ok {
		return re.detail.Error()
	}
	return strings.TrimPrefix(err.Error(), prefix)
}

// pubOK reports whether p is a usable public key: not nil, and not the zero
// PublicKey, whose encoding is not a point. Every key this package acts on
// passes it first: the zero value would verify forged signatures as the
// point at infinity.
func pubOK(p *ecdsa.PublicKey) bool {
	if p == nil {
		return false
	}
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

// checkPriv returns an ErrKey error for a nil or zero-value private key and
// panics, naming the argument, on a key wiped with PrivateKey.Zero: signing
// with it is a programming error, not bad input.
func checkPriv(fn, what string, k *ecdsa.PrivateKey) error {
	switch {
	case k == nil || !pubOK(k.PublicKey()):
		return errorf(ErrKey, "%s: %s is nil or the zero PrivateKey", fn, what)
	case wiped(k):
		panic(prefix + fn + ": " + what + " is a wiped private key")
	}
	return nil
}

// wiped reports whether k's scalar is zero, as after PrivateKey.Zero, for
// a key not nil: Bytes returns no scalar or 32 zero bytes.
func wiped(k *ecdsa.PrivateKey) bool {
	b := k.Bytes()
	defer clear(b)
	var zero [ecdsa.PrivateKeySize]byte
	return len(b) != ecdsa.PrivateKeySize || subtle.ConstantTimeCompare(b, zero[:]) == 1
}
