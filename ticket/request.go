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
// zero (prev for Buy, payee for all but List, price for Delist and Consume);
// the parser rejects anything else, so each request has one encoding.
//
// The signer and the signature scheme depend on the kind:
//
//	Buy       buyer (Cert), R-bound UserSign over (enroll, cert, pk_M, pk_i, …)
//	List      holder, inverse-s ω over (ticket, Price', MID, t3)
//	Delist    holder, inverse-s
//	Transfer  buyer (Cert), inverse-s ω over (T*, Price', t3)
//	Consume   holder, inverse-s ω over (invalidate, ticket, t2), completed
//	          by the merchant into the 2-of-2 signature of package multisig
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
	Cert     *Certificate // the signer's certificate
	Price    tax.Amount   // Buy: price; List, Transfer: Price'
	Payee    ecdsa.Address
	Time     time.Time // t1, t2 or t3, as the user signs it
	Sig      []byte
}

// SignedBytes returns the bytes the user signs.
func (q *Request) SignedBytes() []byte {
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

// Bytes returns the canonical encoding, signature included.
func (q *Request) Bytes() []byte {
	b := q.SignedBytes()
	w := wire.Builder{}
	w.Var(q.Sig)
	return append(b, w.Bytes()...)
}

// ParseRequest decodes Bytes strictly. It checks the encoding and the form
// of the signature, not whether it verifies.
func ParseRequest(b []byte) (*Request, error) {
	if len(b) > maxRequest {
		return nil, fmt.Errorf("%w: request longer than %d bytes", ErrMalformed, maxRequest)
	}
	r := wire.NewReader(b, requestDomain)
	q, err := readRequest(r)
	if err == nil {
		err = r.Done()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: request: %w", ErrMalformed, err)
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
	if err := q.checkForm(); err != nil {
		return nil, err
	}
	return q, nil
}

// checkForm checks what a request must satisfy whatever the ticket: a known
// kind, ids, the zero fields of its kind, and a signature of the right form.
func (q *Request) checkForm() error {
	if q.Merchant == nil || q.Cert == nil {
		return fmt.Errorf("%w: request without merchant or certificate", ErrMalformed)
	}
	if err := checkID("event", q.Event); err != nil {
		return err
	}
	if err := checkID("serial", q.Serial); err != nil {
		return err
	}
	if q.Price < 0 {
		return fmt.Errorf("%w: negative price", ErrMalformed)
	}
	if !representable(q.Time) {
		return fmt.Errorf("%w: time out of range", ErrMalformed)
	}
	zeroPrev := q.Prev == [32]byte{}
	zeroPayee := q.Payee == ecdsa.Address{}
	var sigErr error
	switch q.Kind {
	case KindBuy:
		if !zeroPrev || !zeroPayee {
			return fmt.Errorf("%w: buy request with prev or payee", ErrMalformed)
		}
		_, sigErr = ecdsa.ParseRBoundSignature(q.Sig)
	case KindList:
		if zeroPrev || zeroPayee {
			return fmt.Errorf("%w: list request without prev or payee", ErrMalformed)
		}
		_, sigErr = ecdsa.ParseInverseSSignature(q.Sig)
	case KindTransfer:
		if zeroPrev || !zeroPayee {
			return fmt.Errorf("%w: transfer request without prev or with payee", ErrMalformed)
		}
		_, sigErr = ecdsa.ParseInverseSSignature(q.Sig)
	case KindDelist, KindConsume:
		if zeroPrev || !zeroPayee || q.Price != 0 {
			return fmt.Errorf("%w: %v request without prev, or with payee or price", ErrMalformed, q.Kind)
		}
		_, sigErr = ecdsa.ParseInverseSSignature(q.Sig)
	default:
		return fmt.Errorf("%w: unknown kind %d", ErrMalformed, q.Kind)
	}
	if sigErr != nil {
		return fmt.Errorf("%w: %v signature: %w", ErrMalformed, q.Kind, sigErr)
	}
	return nil
}

// representable reports whether t survives the Unix-nanosecond encoding.
func representable(t time.Time) bool {
	return !t.Before(time.Unix(0, math.MinInt64)) && !t.After(time.Unix(0, math.MaxInt64))
}

// verifySig checks the user's signature on the request under the
// certificate's key; an R-bound one (Buy) goes through b.
func (q *Request) verifySig(b *rbounds) error {
	msg := q.SignedBytes()
	pub := q.Cert.PublicKey()
	fail := func(err error) error {
		return fmt.Errorf("%w: %v request signed by %q: %w", ErrSignature, q.Kind, q.Cert.ID(), err)
	}
	if q.Kind == KindBuy {
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
		err = ecdsa.VerifyInverseS(pub, msg, sig, ecdsa.SHA256)
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// sign fills in the user's signature.
func (q *Request) sign(user *ecdsa.PrivateKey) (*Request, error) {
	if !user.PublicKey().Equal(q.Cert.PublicKey()) {
		return nil, fmt.Errorf("%w: the signing key is not the certificate's", ErrSignature)
	}
	q.Time = q.Time.UTC()
	q.Sig = nil
	msg := q.SignedBytes()
	if q.Kind == KindBuy {
		sig, err := ecdsa.SignRBound(user, msg, nil)
		if err != nil {
			return nil, err
		}
		q.Sig = sig.Bytes()
	} else {
		sig, err := ecdsa.SignInverseS(user, msg, nil)
		if err != nil {
			return nil, err
		}
		q.Sig = sig.Bytes()
	}
	if err := q.checkForm(); err != nil {
		return nil, err
	}
	return q, nil
}

// NewBuyRequest is the buyer's step 1 of Algorithm 1: it signs a request to
// buy ticket (event, serial) from merchant at price, at time t1.
func NewBuyRequest(user *ecdsa.PrivateKey, cert *Certificate, merchant *ecdsa.PublicKey, event, serial string, price tax.Amount, t1 time.Time) (*Request, error) {
	q := &Request{Kind: KindBuy, Event: event, Serial: serial, Merchant: merchant, Cert: cert, Price: price, Time: t1}
	return q.sign(user)
}

// NewListRequest is the holder's request 3 (eq. 23): list ticket t for
// resale at price (Price'), paying the seller's share to payee (MID), at t3.
func NewListRequest(holder *ecdsa.PrivateKey, t *Ticket, price tax.Amount, payee ecdsa.Address, t3 time.Time) (*Request, error) {
	return t.request(KindList, price, payee, t3).sign(holder)
}

// NewDelistRequest asks to take a listing back.
func NewDelistRequest(holder *ecdsa.PrivateKey, t *Ticket, now time.Time) (*Request, error) {
	return t.request(KindDelist, 0, ecdsa.Address{}, now).sign(holder)
}

// NewTransferRequest is the buyer's step 7 of Algorithm 3: it signs
// (T*, Price', t3) for the listed ticket t, at its listed price.
func NewTransferRequest(buyer *ecdsa.PrivateKey, buyerCert *Certificate, t *Ticket, t3 time.Time) (*Request, error) {
	q := t.request(KindTransfer, t.ListPrice, ecdsa.Address{}, t3)
	q.Cert = buyerCert
	return q.sign(buyer)
}

// NewConsumeRequest is the holder's ω of Algorithm 2: it signs
// (invalidate, ticket, t2).
func NewConsumeRequest(holder *ecdsa.PrivateKey, t *Ticket, t2 time.Time) (*Request, error) {
	return t.request(KindConsume, 0, ecdsa.Address{}, t2).sign(holder)
}
