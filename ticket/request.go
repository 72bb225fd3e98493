package ticket

import (
	"fmt"
	"math"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/tax"
)

const (
	requestDomain = "CBETS/ticket/v1/request"
	maxRequest    = 1024
)

// Kind names a transition.
type Kind uint8

// The transitions of a ticket.
const (
	KindBuy      Kind = 1 // Algorithm 1
	KindList     Kind = 2 // request 3 of Algorithm 3
	KindDelist   Kind = 3 // the holder takes a listing back
	KindTransfer Kind = 4 // Algorithm 3, the buyer's side
	KindConsume  Kind = 5 // Algorithm 2
	KindRefund   Kind = 6 // the holder's refund after a cancellation
	KindReturn   Kind = 7 // the holder returns the ticket, if the terms allow
)

func (k Kind) String() string {
	switch k {
	case KindBuy:
		return "buy"
	case KindList:
		return "list"
	case KindDelist:
		return "delist"
	case KindTransfer:
		return "transfer"
	case KindConsume:
		return "consume"
	case KindRefund:
		return "refund"
	case KindReturn:
		return "return"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Request is what a user signs to ask for a transition. Its signed bytes
// (SignedBytes) are the msg of the user's signature:
//
//	u32 len ‖ "CBETS/ticket/v1/request" ‖ kind (1) ‖ u32 len ‖ event ‖
//	u32 len ‖ serial ‖ merchant pk (33) ‖ prev record hash (32) ‖
//	u32 len ‖ certificate ‖ price (u64, minor units) ‖
//	payee version (1) ‖ payee hash (20) ‖ time (i64, Unix ns)
//
// and Bytes appends u32 len ‖ signature. Fields a kind does not use are
// zero (prev for Buy, payee for Buy, Delist, Transfer and Consume, price
// for Delist and Consume); the parser rejects anything else, so each
// request has one encoding.
//
// The signer and the signature scheme depend on the kind:
//
//	Buy       buyer (Cert), R-bound UserSign over (enroll, cert, pk_M, pk_i, …)
//	List      holder, inverse-s ω over (ticket, Price', MID, t3)
//	Delist    holder, inverse-s
//	Transfer  buyer (Cert), inverse-s ω over (T*, Price', t3)
//	Consume   holder, inverse-s ω over (invalidate, ticket, t2), completed
//	          by the merchant into the 2-of-2 signature of package multisig
//	Refund    holder, inverse-s ω over (ticket, amount, payee, time)
//	Return    holder, inverse-s ω over (ticket, amount, payee, time)
//
// A Refund or Return request names the address the holder is paid at
// (Payee) and, as Price, the amount the holder accepts: for a Refund the
// price the holder paid, for a Return that price minus the event's return
// penalty.
//
// Every request names the ticket (event, serial), the merchant and, but for
// Buy, the hash of the ticket's latest record, so a request signed for one
// ticket, merchant or moment is refused for any other.
type Request struct {
	Kind     Kind
	Event    string
	Serial   string
	Merchant *ecdsa.PublicKey
	Prev     [32]byte
	Cert     *Certificate  // the signer's certificate
	Price    tax.Amount    // Buy: price; List, Transfer: Price'; Refund, Return: the amount refunded
	Payee    ecdsa.Address // List: MID; Refund, Return: where the refund is paid
	Time     time.Time     // t1, t2 or t3, as the user signs it
	Sig      []byte
}

// SignedBytes returns the bytes the user signs. A nil Request has none; a
// missing merchant key or certificate is encoded empty, which no parser
// accepts.
func (q *Request) SignedBytes() []byte {
	if q == nil {
		return nil
	}
	w := wire.NewBuilder(requestDomain)
	w.U8(uint8(q.Kind))
	w.String(q.Event)
	w.String(q.Serial)
	w.Fixed(q.Merchant.Bytes())
	w.Fixed(q.Prev[:])
	w.Var(q.Cert.Bytes())
	w.U64(uint64(q.Price))
	putAddress(w, q.Payee)
	w.I64(q.Time.UnixNano())
	return w.Bytes()
}

// Bytes returns the canonical encoding, signature included (nil for a nil
// Request).
func (q *Request) Bytes() []byte {
	if q == nil {
		return nil
	}
	b := q.SignedBytes()
	w := wire.Builder{}
	w.Var(q.Sig)
	return append(b, w.Bytes()...)
}

// ParseRequest decodes Bytes strictly. It checks the encoding and the form
// of the signature, not whether it verifies.
func ParseRequest(b []byte) (*Request, error) {
	if len(b) > maxRequest {
		return nil, errorf(ErrMalformed, "request longer than %d bytes", maxRequest)
	}
	r := wire.NewReader(b, requestDomain)
	q, err := readRequest(r)
	if err == nil {
		err = r.Done()
	}
	if err != nil {
		return nil, errorf(ErrMalformed, "request: %w", err)
	}
	return q, nil
}

func readRequest(r *wire.Reader) (*Request, error) {
	q := &Request{Kind: Kind(r.U8())}
	q.Event = r.String(maxIDLen)
	q.Serial = r.String(maxIDLen)
	pkb := r.Fixed(ecdsa.PublicKeySize)
	copy(q.Prev[:], r.Fixed(32))
	certb := r.Var(maxCertificate)
	price := r.U64()
	q.Payee = readAddress(r)
	ns := r.I64()
	sig := r.Var(ecdsa.RBoundSignatureSize)
	if err := r.Err(); err != nil {
		return nil, err
	}
	var err error
	if q.Merchant, err = ecdsa.ParsePublicKey(pkb); err != nil {
		return nil, err
	}
	if q.Cert, err = ParseCertificate(certb); err != nil {
		return nil, err
	}
	if price > math.MaxInt64 {
		return nil, fmt.Errorf("price out of range")
	}
	q.Price = tax.Amount(price)
	q.Time = time.Unix(0, ns).UTC()
	q.Sig = append([]byte(nil), sig...)
	if err := q.checkForm(nil); err != nil {
		return nil, err
	}
	return q, nil
}

// checkForm checks what a request must satisfy whatever the ticket: a
// merchant key and a certificate, a known kind, ids, the zero fields of its
// kind, and a signature of the right form. A Buy's signature that b's
// cache holds has that form (rbounds.holds) and is not parsed again:
// parsing it decompresses R.
func (q *Request) checkForm(b *rbounds) error {
	if err := q.checkFields(); err != nil {
		return err
	}
	var err error
	switch {
	case q.Kind == KindBuy && b.signatures() != nil && b.holds(q.Cert.PublicKey(), q.SignedBytes(), q.Sig):
	case q.Kind == KindBuy:
		_, err = ecdsa.ParseRBoundSignature(q.Sig)
	default:
		_, err = ecdsa.ParseInverseSSignature(q.Sig)
	}
	if err != nil {
		return errorf(ErrMalformed, "%v signature: %w", q.Kind, err)
	}
	return nil
}

// checkFields is checkForm without the signature.
func (q *Request) checkFields() error {
	switch {
	case !pubOK(q.Merchant):
		return errorf(ErrMalformed, "request without a merchant key")
	case !q.Cert.complete():
		return errorf(ErrMalformed, "request without a certificate")
	}
	if err := checkID("event", q.Event); err != nil {
		return err
	}
	if err := checkID("serial", q.Serial); err != nil {
		return err
	}
	if q.Price < 0 {
		return errorf(ErrMalformed, "negative price")
	}
	if !representable(q.Time) {
		return errorf(ErrMalformed, "request time out of range")
	}
	zeroPrev := q.Prev == [32]byte{}
	zeroPayee := q.Payee == ecdsa.Address{}
	switch q.Kind {
	case KindBuy:
		if !zeroPrev || !zeroPayee {
			return errorf(ErrMalformed, "buy request with prev or payee")
		}
	case KindList:
		if zeroPrev || zeroPayee {
			return errorf(ErrMalformed, "list request without prev or payee")
		}
	case KindTransfer:
		if zeroPrev || !zeroPayee {
			return errorf(ErrMalformed, "transfer request without prev or with payee")
		}
	case KindDelist, KindConsume:
		if zeroPrev || !zeroPayee || q.Price != 0 {
			return errorf(ErrMalformed, "%v request without prev, or with payee or price", q.Kind)
		}
	case KindRefund, KindReturn:
		if zeroPrev || zeroPayee {
			return errorf(ErrMalformed, "%v request without prev or payee", q.Kind)
		}
	default:
		return errorf(ErrMalformed, "unknown kind %d", q.Kind)
	}
	return nil
}

// representable reports whether t survives the Unix-nanosecond encoding.
func representable(t time.Time) bool {
	return !t.Before(time.Unix(0, math.MinInt64)) && !t.After(time.Unix(0, math.MaxInt64))
}

// verifySig checks the user's signature on the request under the
// certificate's key; an R-bound one (Buy) goes through b, an inverse-s
// one through b's cache.
func (q *Request) verifySig(b *rbounds) error {
	if b.omegaVerified(q) {
		return nil // Replay verified this ω ahead of its fold
	}
	msg := q.SignedBytes()
	pub := q.Cert.PublicKey()
	fail := func(err error) error {
		return errorf(ErrSignature, "%v request signed by %q: %w", q.Kind, q.Cert.ID(), err)
	}
	if q.Kind == KindBuy {
		if b.holds(pub, msg, q.Sig) {
			return nil
		}
		sig, err := ecdsa.ParseRBoundSignature(q.Sig)
		if err != nil {
			return fail(err)
		}
		return b.verify(pub, msg, sig, func() error {
			if err := ecdsa.VerifyRBound(pub, msg, sig, ecdsa.SHA256); err != nil {
				return fail(err)
			}
			return nil
		})
	}
	sig, err := ecdsa.ParseInverseSSignature(q.Sig)
	if err == nil {
		err = b.signatures().verifyInverseS(pub, msg, sig)
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// sign checks the key and the request and fills in the user's signature;
// fn and what name the function and the key's argument in errors.
func (q *Request) sign(fn, what string, user *ecdsa.PrivateKey) (*Request, error) {
	if err := checkPriv(fn, what, user); err != nil {
		return nil, err
	}
	q.Time = q.Time.UTC()
	q.Sig = nil
	if err := q.checkFields(); err != nil {
		return nil, err
	}
	if !user.PublicKey().Equal(q.Cert.PublicKey()) {
		return nil, errorf(ErrSignature, "%s: %s is not the key of certificate %q", fn, what, q.Cert.ID())
	}
	msg := q.SignedBytes()
	if q.Kind == KindBuy {
		sig, err := ecdsa.SignRBound(user, msg, nil)
		if err != nil {
			return nil, errorf(ErrKey, "%s: signing: %w", fn, err)
		}
		q.Sig = sig.Bytes()
	} else {
		sig, err := ecdsa.SignInverseS(user, msg, nil)
		if err != nil {
			return nil, errorf(ErrKey, "%s: signing: %w", fn, err)
		}
		q.Sig = sig.Bytes()
	}
	return q, nil
}

// NewBuyRequest is the buyer's step 1 of Algorithm 1: it signs a request to
// buy ticket (event, serial) from merchant at price, at time t1. user must
// be the key of cert.
func NewBuyRequest(user *ecdsa.PrivateKey, cert *Certificate, merchant *ecdsa.PublicKey, event, serial string, price tax.Amount, t1 time.Time) (*Request, error) {
	q := &Request{Kind: KindBuy, Event: event, Serial: serial, Merchant: merchant, Cert: cert, Price: price, Time: t1}
	return q.sign("NewBuyRequest", "user", user)
}

// NewListRequest is the holder's request 3 (eq. 23): list ticket t for
// resale at price (Price'), paying the seller's share to payee (MID), at t3.
func NewListRequest(holder *ecdsa.PrivateKey, t *Ticket, price tax.Amount, payee ecdsa.Address, t3 time.Time) (*Request, error) {
	return holderRequest("NewListRequest", holder, t, KindList, price, payee, t3)
}

// NewDelistRequest asks to take a listing back.
func NewDelistRequest(holder *ecdsa.PrivateKey, t *Ticket, now time.Time) (*Request, error) {
	return holderRequest("NewDelistRequest", holder, t, KindDelist, 0, ecdsa.Address{}, now)
}

// NewTransferRequest is the buyer's step 7 of Algorithm 3: it signs
// (T*, Price', t3) for the listed ticket t, at its listed price.
func NewTransferRequest(buyer *ecdsa.PrivateKey, buyerCert *Certificate, t *Ticket, t3 time.Time) (*Request, error) {
	const fn = "NewTransferRequest"
	if err := checkPriv(fn, "buyer", buyer); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	q := t.request(KindTransfer, t.ListPrice, ecdsa.Address{}, t3)
	q.Cert = buyerCert
	return q.sign(fn, "buyer", buyer)
}

// NewConsumeRequest is the holder's ω of Algorithm 2: it signs
// (invalidate, ticket, t2).
func NewConsumeRequest(holder *ecdsa.PrivateKey, t *Ticket, t2 time.Time) (*Request, error) {
	return holderRequest("NewConsumeRequest", holder, t, KindConsume, 0, ecdsa.Address{}, t2)
}

// NewRefundRequest is the holder's claim of a refund for ticket t of a
// cancelled event: the price the holder paid (t.Price), paid to payee,
// signed at the given time.
func NewRefundRequest(holder *ecdsa.PrivateKey, t *Ticket, payee ecdsa.Address, at time.Time) (*Request, error) {
	const fn = "NewRefundRequest"
	if err := checkPriv(fn, "holder", holder); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t.request(KindRefund, t.Price, payee, at).sign(fn, "holder", holder)
}

// NewReturnRequest is the holder's return of ticket t, as its event's
// terms (t.Terms) allow: the holder accepts the price paid minus the
// return penalty, paid to payee. A ticket without its terms is refused
// with ErrEvent, terms that take no returns with ErrClosed.
func NewReturnRequest(holder *ecdsa.PrivateKey, t *Ticket, payee ecdsa.Address, at time.Time) (*Request, error) {
	const fn = "NewReturnRequest"
	if err := checkPriv(fn, "holder", holder); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	if !t.Terms.complete() {
		return nil, errorf(ErrEvent, "%s: ticket without its event's terms", fn)
	}
	terms := &t.Terms.terms
	if terms.ReturnCutoff.IsZero() {
		return nil, errorf(ErrClosed, "%s: event %q takes no returns", fn, terms.ID)
	}
	return t.request(KindReturn, t.Price-terms.returnPenalty(t.Price), payee, at).sign(fn, "holder", holder)
}

// holderRequest signs a request on t by its holder.
func holderRequest(fn string, holder *ecdsa.PrivateKey, t *Ticket, kind Kind, price tax.Amount, payee ecdsa.Address, at time.Time) (*Request, error) {
	if err := checkPriv(fn, "holder", holder); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t.request(kind, price, payee, at).sign(fn, "holder", holder)
}
