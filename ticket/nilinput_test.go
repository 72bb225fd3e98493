package ticket_test

// Every exported function and method of the package, called with nil and
// zero-value arguments and receivers: nothing panics, and where an error is
// returned it matches the documented sentinel. TestNilInputCoversAPI checks
// that every exported identifier appears in this file.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// e2 and e3 keep the error of a call with two or three results.

func runNilCases(t *testing.T, cases []nilCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		require.False(t, seen[c.name], "case %q twice", c.name)
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.call() })
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			if strings.HasPrefix(err.Error(), "ticket: ") { // not wrapped by encoding/json
				requireMessage(t, err)
			}
		})
	}
}

// jsonOf returns the JSON form of v, which must have one.
func jsonOf(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// nilFixture holds valid values to combine with the nil and zero ones.
type nilFixture struct {
	w                  *world
	listed, valid      *hist // a listed ticket, and one bought and not listed
	buyReq, transfer   *ticket.Request
	buyFacts           ticket.Facts // buyReq's event
	list, delist, cons *ticket.Request
	regPub             *ecdsa.PublicKey
	policy             ticket.Policy
	verifier           *ticket.Verifier
	// gala (richTerms) takes returns; returnable is alice's ticket of
	// it and ret her return request. refundable is carol's ticket of
	// "gala", cancelled by canc, and refund her claim.
	gala                   *ticket.Event
	canc                   *ticket.Cancellation
	returnable, refundable *hist
	ret, refund            *ticket.Request
}

func newNilFixture(t *testing.T) *nilFixture {
	w := newWorld(t)
	f := &nilFixture{w: w, regPub: w.registrar.PublicKey(), policy: w.policy, verifier: w.v}
	f.listed = w.bought(t).list(t, resalePrice)
	f.valid = w.buy(t, w.m, w.bob, "concert", "B-1")
	var err error
	f.buyReq, err = ticket.NewBuyRequest(w.carol.key, w.carol.cert, w.m.PublicKey(), "concert", "C-1", buyPrice, t0)
	require.NoError(t, err)
	f.buyFacts = w.buyFacts(t, w.m, f.buyReq, 0)
	at := f.listed.now.Add(time.Minute)
	f.transfer, err = ticket.NewTransferRequest(w.alice.key, w.alice.cert, f.listed.tk, at)
	require.NoError(t, err)
	f.delist, err = ticket.NewDelistRequest(w.eve.key, f.listed.tk, at)
	require.NoError(t, err)
	f.list, err = ticket.NewListRequest(w.bob.key, f.valid.tk, resalePrice, w.bob.wid, t0.Add(time.Minute))
	require.NoError(t, err)
	f.cons, err = ticket.NewConsumeRequest(w.bob.key, f.valid.tk, t0.Add(time.Minute))
	require.NoError(t, err)
	f.gala = w.publish(t, w.merchantKey, richTerms("gala"))
	f.returnable = w.buyOf(t, f.gala, w.alice, "G-1", t0)
	f.ret, err = ticket.NewReturnRequest(w.alice.key, f.returnable.tk, w.alice.wid, t0.Add(time.Minute))
	require.NoError(t, err)
	f.refundable = w.buyOf(t, f.gala, w.carol, "G-2", t0)
	f.canc, err = ticket.NewCancellation(w.merchantKey, f.gala, cancelAt)
	require.NoError(t, err)
	f.refundable.tk.Cancellation = f.canc
	f.refund, err = ticket.NewRefundRequest(w.carol.key, f.refundable.tk, w.carol.wid, cancelAt)
	require.NoError(t, err)
	return f
}

// nilCase is one call: want is the sentinel its error must match, or nil
// when the call must succeed or returns no error (testkit.Err2, Err3 and
// NoErr adapt calls to it).
type nilCase struct {
	name string
	want error
	call func() error
}

func TestNilInput(t *testing.T) {
	f := newNilFixture(t)
	w := f.w
	later := t0.Add(time.Hour)
	var (
		zeroPriv    = new(ecdsa.PrivateKey)
		zeroPub     = new(ecdsa.PublicKey)
		zeroCert    = new(ticket.Certificate)
		zeroReq     = new(ticket.Request)
		zeroRec     = new(ticket.Record)
		zeroTicket  = new(ticket.Ticket)
		zeroMerch   = new(ticket.Merchant)
		zeroVerif   = new(ticket.Verifier)
		zeroPolicy  ticket.Policy
		zeroFacts   = ticket.Facts{Seller: ticket.Standing{}}
		zeroAddr    ecdsa.Address
		zeroTime    time.Time
		nilPriv     *ecdsa.PrivateKey
		nilPub      *ecdsa.PublicKey
		nilCert     *ticket.Certificate
		nilReq      *ticket.Request
		nilRec      *ticket.Record
		nilTicket   *ticket.Ticket
		nilMerchant *ticket.Merchant
		nilVerifier *ticket.Verifier
		nilErr      *ticket.RecordError
		nilEvent    *ticket.Event
		zeroEvent   = new(ticket.Event)
		zeroTerms   ticket.EventTerms
		nilCanc     *ticket.Cancellation
		zeroCanc    = new(ticket.Cancellation)
		nilCache    *ticket.SignatureCache
		zeroCache   = new(ticket.SignatureCache)
	)
	// A returnable ticket without its terms.
	noTerms := *f.returnable.tk
	noTerms.Terms = nil
	eve, bob := w.eve, w.bob
	ePub := eve.key.PublicKey()
	mPub := w.m.PublicKey()
	recs := f.listed.recs

	// A ticket whose keys are the zero value, and one without a holder.
	zeroKeyTicket := *f.valid.tk
	zeroKeyTicket.Merchant = zeroPub
	noHolder := *f.valid.tk
	noHolder.Holder = zeroCert
	// Requests with a zero-value merchant key or certificate inside.
	withMerchant := func(q *ticket.Request, k *ecdsa.PublicKey) *ticket.Request {
		c := *q
		c.Merchant = k
		return &c
	}
	withCert := func(q *ticket.Request, c *ticket.Certificate) *ticket.Request {
		d := *q
		d.Cert = c
		return &d
	}
	// A record whose request names the zero key as merchant, given to a
	// verifier that lists the zero key: the key must never verify.
	zeroKeyRec := cloneRecord(t, recs[0])
	zeroKeyRec.Request.Merchant = zeroPub
	zeroKeyVerifier := *f.verifier
	zeroKeyVerifier.Merchants = append([]*ecdsa.PublicKey{zeroPub}, f.verifier.Merchants...)
	noMerchants := *f.verifier
	noMerchants.Merchants = []*ecdsa.PublicKey{nil, zeroPub}
	nilRegistrar := *f.verifier
	nilRegistrar.Registrar = nil
	zeroRegistrar := *f.verifier
	zeroRegistrar.Registrar = zeroPub
	badPolicy := f.policy
	badPolicy.Schedule = new(tax.Schedule)

	cases := []nilCase{
		// IssueCertificate
		{"IssueCertificate nil registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.IssueCertificate(nilPriv, "x", ePub, eve.wid)) }},
		{"IssueCertificate zero registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.IssueCertificate(zeroPriv, "x", ePub, eve.wid)) }},
		{"IssueCertificate empty id", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.IssueCertificate(w.registrar, "", ePub, eve.wid)) }},
		{"IssueCertificate nil key", ticket.ErrKey, func() error { return testkit.Err2(ticket.IssueCertificate(w.registrar, "x", nilPub, eve.wid)) }},
		{"IssueCertificate zero key", ticket.ErrKey, func() error { return testkit.Err2(ticket.IssueCertificate(w.registrar, "x", zeroPub, zeroAddr)) }},
		{"IssueCertificate zero WID", ticket.ErrWID, func() error { return testkit.Err2(ticket.IssueCertificate(w.registrar, "x", ePub, zeroAddr)) }},

		// Parsers
		{"ParseCertificate nil", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseCertificate(nil)) }},
		{"ParseRequest nil", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseRequest(nil)) }},
		{"ParseRecord nil", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseRecord(nil)) }},
		{"ParseRecord zero record's bytes", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseRecord(zeroRec.Bytes())) }},
		{"ParseRequest zero request's bytes", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseRequest(zeroReq.Bytes())) }},

		// Certificate methods
		{"Certificate.Bytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilCert.Bytes()) })},
		{"Certificate.Bytes zero", nil, testkit.NoErr(func() { require.Nil(t, zeroCert.Bytes()) })},
		{"Certificate.Verify nil", ticket.ErrMalformed, func() error { return nilCert.Verify(f.regPub) }},
		{"Certificate.Verify zero", ticket.ErrMalformed, func() error { return zeroCert.Verify(f.regPub) }},
		{"Certificate.Verify nil registrar", ticket.ErrKey, func() error { return eve.cert.Verify(nilPub) }},
		{"Certificate.Verify zero registrar", ticket.ErrKey, func() error { return eve.cert.Verify(zeroPub) }},
		{"Certificate.ID nil", nil, testkit.NoErr(func() { require.Empty(t, nilCert.ID()) })},
		{"Certificate.ID zero", nil, testkit.NoErr(func() { require.Empty(t, zeroCert.ID()) })},
		{"Certificate.PublicKey nil", nil, testkit.NoErr(func() { require.Nil(t, nilCert.PublicKey()) })},
		{"Certificate.PublicKey zero", nil, testkit.NoErr(func() { require.Nil(t, zeroCert.PublicKey()) })},
		{"Certificate.WID nil", nil, testkit.NoErr(func() { require.Equal(t, zeroAddr, nilCert.WID()) })},
		{"Certificate.WID zero", nil, testkit.NoErr(func() { require.Equal(t, zeroAddr, zeroCert.WID()) })},
		{"Certificate.Equal nil", nil, testkit.NoErr(func() { require.False(t, eve.cert.Equal(nilCert)) })},
		{"Certificate.Equal zero", nil, testkit.NoErr(func() { require.False(t, zeroCert.Equal(eve.cert)) })},
		{"Certificate.Equal nil and zero", nil, testkit.NoErr(func() { require.True(t, nilCert.Equal(zeroCert)) })},
		{"Certificate.MarshalJSON nil", nil, testkit.NoErr(func() {
			b, err := nilCert.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, "null", string(b))
		})},
		{"Certificate.MarshalJSON zero", ticket.ErrMalformed, func() error { return testkit.Err2(zeroCert.MarshalJSON()) }},
		{"json.Marshal zero Certificate", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(zeroCert)) }},
		{"Certificate.UnmarshalJSON nil receiver", ticket.ErrMalformed, func() error { return nilCert.UnmarshalJSON(jsonOf(t, eve.cert)) }},
		{"Certificate.UnmarshalJSON nil input", ticket.ErrMalformed, func() error { return new(ticket.Certificate).UnmarshalJSON(nil) }},
		{"Certificate.UnmarshalJSON empty object", ticket.ErrMalformed, func() error { return new(ticket.Certificate).UnmarshalJSON([]byte(`{}`)) }},

		// Request methods
		{"Request.SignedBytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilReq.SignedBytes()) })},
		{"Request.SignedBytes zero", nil, testkit.NoErr(func() { _ = zeroReq.SignedBytes() })},
		{"Request.Bytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilReq.Bytes()) })},
		{"Request.Bytes zero", nil, testkit.NoErr(func() { _ = zeroReq.Bytes() })},
		{"Request.MarshalJSON nil", nil, testkit.NoErr(func() {
			b, err := nilReq.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, "null", string(b))
		})},
		{"Request.MarshalJSON zero", ticket.ErrMalformed, func() error { return testkit.Err2(zeroReq.MarshalJSON()) }},
		{"json.Marshal zero Request", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(zeroReq)) }},
		{"json.Marshal Request with zero merchant", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(withMerchant(f.buyReq, zeroPub))) }},
		{"json.Marshal Request with zero certificate", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(withCert(f.buyReq, zeroCert))) }},
		{"Request.UnmarshalJSON nil receiver", ticket.ErrMalformed, func() error { return nilReq.UnmarshalJSON(jsonOf(t, f.buyReq)) }},
		{"Request.UnmarshalJSON nil input", ticket.ErrMalformed, func() error { return new(ticket.Request).UnmarshalJSON(nil) }},

		// Record methods
		{"Record.SignedBytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilRec.SignedBytes()) })},
		{"Record.SignedBytes zero", nil, testkit.NoErr(func() { _ = zeroRec.SignedBytes() })},
		{"Record.Bytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilRec.Bytes()) })},
		{"Record.Bytes zero", nil, testkit.NoErr(func() { _ = zeroRec.Bytes() })},
		{"Record.Bytes zero request", nil, testkit.NoErr(func() { _ = (&ticket.Record{Request: zeroReq}).Bytes() })},
		{"Record.Hash nil", nil, testkit.NoErr(func() { _ = nilRec.Hash() })},
		{"Record.Hash zero", nil, testkit.NoErr(func() { _ = zeroRec.Hash() })},
		{"Record.MarshalJSON nil", nil, testkit.NoErr(func() {
			b, err := nilRec.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, "null", string(b))
		})},
		{"Record.MarshalJSON zero", ticket.ErrMalformed, func() error { return testkit.Err2(zeroRec.MarshalJSON()) }},
		{"json.Marshal zero Record", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(zeroRec)) }},
		{"json.Marshal Record with zero request", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(&ticket.Record{Request: zeroReq})) }},
		{"Record.UnmarshalJSON nil receiver", ticket.ErrMalformed, func() error { return nilRec.UnmarshalJSON(jsonOf(t, recs[0])) }},
		{"Record.UnmarshalJSON nil input", ticket.ErrMalformed, func() error { return new(ticket.Record).UnmarshalJSON(nil) }},

		// Ticket
		{"Ticket.MarshalJSON nil", nil, testkit.NoErr(func() {
			b, err := nilTicket.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, "null", string(b))
		})},
		{"Ticket.MarshalJSON zero", ticket.ErrMalformed, func() error { return testkit.Err2(zeroTicket.MarshalJSON()) }},
		{"json.Marshal zero Ticket", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(zeroTicket)) }},
		{"json.Marshal Ticket with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(&zeroKeyTicket)) }},

		// State, Kind, RecordError
		{"State.String zero", nil, testkit.NoErr(func() { require.Equal(t, "State(0)", ticket.State(0).String()) })},
		{"State.PaperCode zero", nil, testkit.NoErr(func() { require.Zero(t, ticket.State(0).PaperCode()) })},
		{"State names", nil, testkit.NoErr(func() {
			for _, s := range []ticket.State{ticket.Valid, ticket.Listed, ticket.Transferred, ticket.Consumed,
				ticket.Refunded, ticket.Returned, ticket.Expired} {
				require.NotContains(t, s.String(), "State(")
			}
		})},
		{"Kind.String zero", nil, testkit.NoErr(func() { require.Equal(t, "Kind(0)", ticket.Kind(0).String()) })},
		{"Kind names", nil, testkit.NoErr(func() {
			for _, k := range []ticket.Kind{ticket.KindBuy, ticket.KindList, ticket.KindDelist, ticket.KindTransfer,
				ticket.KindConsume, ticket.KindRefund, ticket.KindReturn} {
				require.NotContains(t, k.String(), "Kind(")
			}
		})},
		{"RecordError.Error nil", nil, testkit.NoErr(func() { _ = nilErr.Error() })},
		{"RecordError.Error zero", nil, testkit.NoErr(func() { _ = new(ticket.RecordError).Error() })},
		{"RecordError.Unwrap nil", nil, testkit.NoErr(func() { require.Nil(t, nilErr.Unwrap()) })},
		{"RecordError.Unwrap zero", nil, testkit.NoErr(func() { require.Nil(t, new(ticket.RecordError).Unwrap()) })},

		// NewMerchant, DefaultPolicy
		{"NewMerchant nil key", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewMerchant(nilPriv, f.regPub, f.policy)) }},
		{"NewMerchant zero key", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewMerchant(zeroPriv, f.regPub, f.policy)) }},
		{"NewMerchant nil registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewMerchant(w.merchantKey, nilPub, f.policy)) }},
		{"NewMerchant zero registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewMerchant(w.merchantKey, zeroPub, f.policy)) }},
		{"NewMerchant zero policy", ticket.ErrPolicy, func() error { return testkit.Err2(ticket.NewMerchant(w.merchantKey, f.regPub, zeroPolicy)) }},
		{"NewMerchant zero schedule", ticket.ErrPolicy, func() error { return testkit.Err2(ticket.NewMerchant(w.merchantKey, f.regPub, badPolicy)) }},
		{"DefaultPolicy zero scale", nil, func() error {
			return testkit.Err2(ticket.NewMerchant(w.merchantKey, f.regPub, ticket.DefaultPolicy(tax.Scale{})))
		}},

		// Merchant methods on nil and zero receivers
		{"Merchant.PublicKey nil", nil, testkit.NoErr(func() { require.Nil(t, nilMerchant.PublicKey()) })},
		{"Merchant.PublicKey zero", nil, testkit.NoErr(func() { require.Nil(t, zeroMerch.PublicKey()) })},
		{"Merchant.Buy nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.Buy(f.buyReq, zeroFacts, t0)) }},
		{"Merchant.Buy zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.Buy(f.buyReq, zeroFacts, t0)) }},
		{"Merchant.List nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.List(f.valid.tk, f.list, goodStanding, later)) }},
		{"Merchant.List zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.List(f.valid.tk, f.list, goodStanding, later)) }},
		{"Merchant.Delist nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.Delist(f.listed.tk, f.delist, later)) }},
		{"Merchant.Delist zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.Delist(f.listed.tk, f.delist, later)) }},
		{"Merchant.Transfer nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.Transfer(f.listed.tk, f.transfer, goodStanding, later)) }},
		{"Merchant.Transfer zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.Transfer(f.listed.tk, f.transfer, goodStanding, later)) }},
		{"Merchant.Consume nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.Consume(f.valid.tk, f.cons, later)) }},
		{"Merchant.Consume zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.Consume(f.valid.tk, f.cons, later)) }},
		{"Merchant.Refund nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.Refund(f.refundable.tk, f.refund, zeroFacts, cancelAt)) }},
		{"Merchant.Refund zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.Refund(f.refundable.tk, f.refund, zeroFacts, cancelAt)) }},
		{"Merchant.Return nil", ticket.ErrKey, func() error { return testkit.Err3(nilMerchant.Return(f.returnable.tk, f.ret, zeroFacts, later)) }},
		{"Merchant.Return zero", ticket.ErrKey, func() error { return testkit.Err3(zeroMerch.Return(f.returnable.tk, f.ret, zeroFacts, later)) }},

		// Transitions with nil and zero arguments
		{"Buy nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(nilReq, zeroFacts, t0)) }},
		{"Buy zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(zeroReq, zeroFacts, t0)) }},
		{"Buy zero-kind request of the buy", ticket.ErrMalformed, func() error {
			q := *f.buyReq
			q.Kind = 0
			return testkit.Err3(w.m.Buy(&q, zeroFacts, t0))
		}},
		{"Buy request with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(withMerchant(f.buyReq, zeroPub), zeroFacts, t0)) }},
		{"Buy request with nil merchant key", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(withMerchant(f.buyReq, nilPub), zeroFacts, t0)) }},
		{"Buy request with zero certificate", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(withCert(f.buyReq, zeroCert), zeroFacts, t0)) }},
		{"Buy request with nil certificate", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(withCert(f.buyReq, nilCert), zeroFacts, t0)) }},
		{"Buy zero time", ticket.ErrTime, func() error { return testkit.Err3(w.m.Buy(f.buyReq, zeroFacts, zeroTime)) }},
		{"Buy negative held count", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(f.buyReq, ticket.Facts{Held: -1}, t0)) }},
		{"Buy zero facts", ticket.ErrEvent, func() error { return testkit.Err3(w.m.Buy(f.buyReq, zeroFacts, t0)) }},
		{"Buy nil event", ticket.ErrEvent, func() error { return testkit.Err3(w.m.Buy(f.buyReq, ticket.Facts{Event: nilEvent}, t0)) }},
		{"Buy zero event", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Buy(f.buyReq, ticket.Facts{Event: zeroEvent}, t0)) }},
		{"Buy with the event's terms", nil, func() error { return testkit.Err3(w.m.Buy(f.buyReq, f.buyFacts, t0)) }},
		{"List nil ticket", ticket.ErrState, func() error { return testkit.Err3(w.m.List(nilTicket, f.list, goodStanding, later)) }},
		{"List zero ticket", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.List(zeroTicket, f.list, goodStanding, later)) }},
		{"List ticket with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.List(&zeroKeyTicket, f.list, goodStanding, later)) }},
		{"List ticket with zero holder", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.List(&noHolder, f.list, goodStanding, later)) }},
		{"List nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.List(f.valid.tk, nilReq, goodStanding, later)) }},
		{"List zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.List(f.valid.tk, zeroReq, goodStanding, later)) }},
		{"List zero facts", ticket.ErrReputation, func() error { return testkit.Err3(w.m.List(f.valid.tk, f.list, zeroFacts, later)) }},
		{"Delist nil ticket", ticket.ErrState, func() error { return testkit.Err3(w.m.Delist(nilTicket, f.delist, later)) }},
		{"Delist zero ticket", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Delist(zeroTicket, f.delist, later)) }},
		{"Delist nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Delist(f.listed.tk, nilReq, later)) }},
		{"Delist zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Delist(f.listed.tk, zeroReq, later)) }},
		{"Delist zero time", ticket.ErrTime, func() error { return testkit.Err3(w.m.Delist(f.listed.tk, f.delist, zeroTime)) }},
		{"Transfer nil ticket", ticket.ErrState, func() error { return testkit.Err3(w.m.Transfer(nilTicket, f.transfer, goodStanding, later)) }},
		{"Transfer zero ticket", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Transfer(zeroTicket, f.transfer, goodStanding, later)) }},
		{"Transfer nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Transfer(f.listed.tk, nilReq, goodStanding, later)) }},
		{"Transfer zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Transfer(f.listed.tk, zeroReq, goodStanding, later)) }},
		{"Transfer zero facts", nil, func() error { return testkit.Err3(w.m.Transfer(f.listed.tk, f.transfer, zeroFacts, later)) }},
		{"Consume nil ticket", ticket.ErrState, func() error { return testkit.Err3(w.m.Consume(nilTicket, f.cons, later)) }},
		{"Consume zero ticket", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Consume(zeroTicket, f.cons, later)) }},
		{"Consume ticket with zero holder", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Consume(&noHolder, f.cons, later)) }},
		{"Consume nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Consume(f.valid.tk, nilReq, later)) }},
		{"Consume zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Consume(f.valid.tk, zeroReq, later)) }},
		{"Consume request with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Consume(f.valid.tk, withMerchant(f.cons, zeroPub), later)) }},
		{"Consume ticket without terms", ticket.ErrEvent, func() error {
			tk := *f.valid.tk
			tk.Terms = nilEvent
			return testkit.Err3(w.m.Consume(&tk, f.cons, later))
		}},
		{"Consume ticket with zero terms", ticket.ErrMalformed, func() error {
			tk := *f.valid.tk
			tk.Terms = zeroEvent
			return testkit.Err3(w.m.Consume(&tk, f.cons, later))
		}},
		{"Consume ticket with zero cancellation", ticket.ErrMalformed, func() error {
			tk := *f.valid.tk
			tk.Cancellation = zeroCanc
			return testkit.Err3(w.m.Consume(&tk, f.cons, later))
		}},
		{"Refund nil ticket", ticket.ErrState, func() error { return testkit.Err3(w.m.Refund(nilTicket, f.refund, zeroFacts, cancelAt)) }},
		{"Refund zero ticket", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Refund(zeroTicket, f.refund, zeroFacts, cancelAt)) }},
		{"Refund nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Refund(f.refundable.tk, nilReq, zeroFacts, cancelAt)) }},
		{"Refund zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Refund(f.refundable.tk, zeroReq, zeroFacts, cancelAt)) }},
		{"Refund zero time", ticket.ErrTime, func() error { return testkit.Err3(w.m.Refund(f.refundable.tk, f.refund, zeroFacts, zeroTime)) }},
		{"Refund zero cancellation", ticket.ErrMalformed, func() error {
			return testkit.Err3(w.m.Refund(f.refundable.tk, f.refund, ticket.Facts{Cancellation: zeroCanc}, cancelAt))
		}},
		{"Refund without a cancellation", ticket.ErrState, func() error {
			tk := *f.refundable.tk
			tk.Cancellation = nilCanc
			return testkit.Err3(w.m.Refund(&tk, f.refund, zeroFacts, cancelAt))
		}},
		{"Refund zero facts", nil, func() error { return testkit.Err3(w.m.Refund(f.refundable.tk, f.refund, zeroFacts, cancelAt)) }},
		{"Return nil ticket", ticket.ErrState, func() error { return testkit.Err3(w.m.Return(nilTicket, f.ret, zeroFacts, later)) }},
		{"Return zero ticket", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Return(zeroTicket, f.ret, zeroFacts, later)) }},
		{"Return nil request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Return(f.returnable.tk, nilReq, zeroFacts, later)) }},
		{"Return zero request", ticket.ErrMalformed, func() error { return testkit.Err3(w.m.Return(f.returnable.tk, zeroReq, zeroFacts, later)) }},
		{"Return zero time", ticket.ErrTime, func() error { return testkit.Err3(w.m.Return(f.returnable.tk, f.ret, zeroFacts, zeroTime)) }},
		{"Return zero event", ticket.ErrMalformed, func() error {
			return testkit.Err3(w.m.Return(f.returnable.tk, f.ret, ticket.Facts{Event: zeroEvent}, later))
		}},
		{"Return ticket without terms", ticket.ErrEvent, func() error { return testkit.Err3(w.m.Return(&noTerms, f.ret, zeroFacts, later)) }},
		{"Return zero facts", nil, func() error { return testkit.Err3(w.m.Return(f.returnable.tk, f.ret, zeroFacts, later)) }},
		{"Buy zero cancellation", ticket.ErrMalformed, func() error {
			return testkit.Err3(w.m.Buy(f.buyReq, ticket.Facts{Event: f.buyFacts.Event, Cancellation: zeroCanc}, t0))
		}},

		// Request constructors
		{"NewBuyRequest nil user", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewBuyRequest(nilPriv, eve.cert, mPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest zero user", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewBuyRequest(zeroPriv, eve.cert, mPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest nil certificate", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, nilCert, mPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest zero certificate", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, zeroCert, mPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest nil merchant", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, eve.cert, nilPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest zero merchant", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, eve.cert, zeroPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest empty event", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, eve.cert, mPub, "", "s", 1, t0)) }},
		{"NewBuyRequest empty serial", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, eve.cert, mPub, "e", "", 1, t0)) }},
		{"NewBuyRequest zero time", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewBuyRequest(eve.key, eve.cert, mPub, "e", "s", 1, zeroTime))
		}},
		{"NewBuyRequest another key", ticket.ErrSignature, func() error { return testkit.Err2(ticket.NewBuyRequest(bob.key, eve.cert, mPub, "e", "s", 1, t0)) }},
		{"NewBuyRequest zero price", nil, func() error { return testkit.Err2(ticket.NewBuyRequest(eve.key, eve.cert, mPub, "e", "s", 0, t0)) }},
		{"NewListRequest nil holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewListRequest(nilPriv, f.valid.tk, 1, bob.wid, later)) }},
		{"NewListRequest zero holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewListRequest(zeroPriv, f.valid.tk, 1, bob.wid, later)) }},
		{"NewListRequest nil ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewListRequest(bob.key, nilTicket, 1, bob.wid, later)) }},
		{"NewListRequest zero ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewListRequest(bob.key, zeroTicket, 1, bob.wid, later)) }},
		{"NewListRequest ticket with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewListRequest(bob.key, &zeroKeyTicket, 1, bob.wid, later)) }},
		{"NewListRequest zero payee", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewListRequest(bob.key, f.valid.tk, 1, zeroAddr, later)) }},
		{"NewListRequest zero time", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewListRequest(bob.key, f.valid.tk, 1, bob.wid, zeroTime)) }},
		{"NewDelistRequest nil holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewDelistRequest(nilPriv, f.listed.tk, later)) }},
		{"NewDelistRequest zero holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewDelistRequest(zeroPriv, f.listed.tk, later)) }},
		{"NewDelistRequest nil ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewDelistRequest(eve.key, nilTicket, later)) }},
		{"NewDelistRequest zero ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewDelistRequest(eve.key, zeroTicket, later)) }},
		{"NewDelistRequest ticket with zero holder", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewDelistRequest(eve.key, &noHolder, later)) }},
		{"NewTransferRequest nil buyer", ticket.ErrKey, func() error {
			return testkit.Err2(ticket.NewTransferRequest(nilPriv, w.alice.cert, f.listed.tk, later))
		}},
		{"NewTransferRequest zero buyer", ticket.ErrKey, func() error {
			return testkit.Err2(ticket.NewTransferRequest(zeroPriv, w.alice.cert, f.listed.tk, later))
		}},
		{"NewTransferRequest nil certificate", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewTransferRequest(w.alice.key, nilCert, f.listed.tk, later)) }},
		{"NewTransferRequest zero certificate", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewTransferRequest(w.alice.key, zeroCert, f.listed.tk, later))
		}},
		{"NewTransferRequest nil ticket", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewTransferRequest(w.alice.key, w.alice.cert, nilTicket, later))
		}},
		{"NewTransferRequest zero ticket", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewTransferRequest(w.alice.key, w.alice.cert, zeroTicket, later))
		}},
		{"NewConsumeRequest nil holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewConsumeRequest(nilPriv, f.valid.tk, later)) }},
		{"NewConsumeRequest zero holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewConsumeRequest(zeroPriv, f.valid.tk, later)) }},
		{"NewConsumeRequest nil ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewConsumeRequest(bob.key, nilTicket, later)) }},
		{"NewConsumeRequest zero ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewConsumeRequest(bob.key, zeroTicket, later)) }},
		{"NewConsumeRequest ticket with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewConsumeRequest(bob.key, &zeroKeyTicket, later)) }},
		{"NewRefundRequest nil holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewRefundRequest(nilPriv, f.refundable.tk, bob.wid, later)) }},
		{"NewRefundRequest zero holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewRefundRequest(zeroPriv, f.refundable.tk, bob.wid, later)) }},
		{"NewRefundRequest nil ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewRefundRequest(w.carol.key, nilTicket, bob.wid, later)) }},
		{"NewRefundRequest zero ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewRefundRequest(w.carol.key, zeroTicket, bob.wid, later)) }},
		{"NewRefundRequest zero payee", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewRefundRequest(w.carol.key, f.refundable.tk, zeroAddr, later))
		}},
		{"NewRefundRequest zero time", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewRefundRequest(w.carol.key, f.refundable.tk, bob.wid, zeroTime))
		}},
		{"NewRefundRequest another key", ticket.ErrSignature, func() error { return testkit.Err2(ticket.NewRefundRequest(bob.key, f.refundable.tk, bob.wid, later)) }},
		{"NewRefundRequest another payee", nil, func() error {
			return testkit.Err2(ticket.NewRefundRequest(w.carol.key, f.refundable.tk, bob.wid, later))
		}},
		{"NewReturnRequest nil holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewReturnRequest(nilPriv, f.returnable.tk, bob.wid, later)) }},
		{"NewReturnRequest zero holder", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewReturnRequest(zeroPriv, f.returnable.tk, bob.wid, later)) }},
		{"NewReturnRequest nil ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewReturnRequest(w.alice.key, nilTicket, bob.wid, later)) }},
		{"NewReturnRequest zero ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewReturnRequest(w.alice.key, zeroTicket, bob.wid, later)) }},
		{"NewReturnRequest ticket without terms", ticket.ErrEvent, func() error { return testkit.Err2(ticket.NewReturnRequest(w.alice.key, &noTerms, bob.wid, later)) }},
		{"NewReturnRequest ticket with zero terms", ticket.ErrEvent, func() error {
			tk := noTerms
			tk.Terms = zeroEvent
			return testkit.Err2(ticket.NewReturnRequest(w.alice.key, &tk, bob.wid, later))
		}},
		{"NewReturnRequest no returns", ticket.ErrClosed, func() error { return testkit.Err2(ticket.NewReturnRequest(bob.key, f.valid.tk, bob.wid, later)) }},
		{"NewReturnRequest zero payee", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewReturnRequest(w.alice.key, f.returnable.tk, zeroAddr, later))
		}},
		{"NewReturnRequest zero time", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.NewReturnRequest(w.alice.key, f.returnable.tk, bob.wid, zeroTime))
		}},

		// Events
		{"NewEvent nil merchant", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewEvent(nilPriv, testTerms("x"))) }},
		{"NewEvent zero merchant", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewEvent(zeroPriv, testTerms("x"))) }},
		{"NewEvent zero terms", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewEvent(w.merchantKey, zeroTerms)) }},
		{"NewEvent zero capacity", ticket.ErrEvent, func() error {
			terms := testTerms("x")
			terms.Capacity = 0
			return testkit.Err2(ticket.NewEvent(w.merchantKey, terms))
		}},
		{"ParseEvent nil", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseEvent(nil)) }},
		{"ParseEvent zero event's bytes", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseEvent(zeroEvent.Bytes())) }},
		{"Event.Bytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilEvent.Bytes()) })},
		{"Event.Bytes zero", nil, testkit.NoErr(func() { require.Nil(t, zeroEvent.Bytes()) })},
		{"Event.Hash nil", nil, testkit.NoErr(func() { _ = nilEvent.Hash() })},
		{"Event.Hash zero", nil, testkit.NoErr(func() { _ = zeroEvent.Hash() })},
		{"Event.Verify nil", ticket.ErrMalformed, func() error { return nilEvent.Verify(mPub) }},
		{"Event.Verify zero", ticket.ErrMalformed, func() error { return zeroEvent.Verify(mPub) }},
		{"Event.Verify nil merchant", ticket.ErrKey, func() error { return f.buyFacts.Event.Verify(nilPub) }},
		{"Event.Verify zero merchant", ticket.ErrKey, func() error { return f.buyFacts.Event.Verify(zeroPub) }},
		{"Event.Terms nil", nil, testkit.NoErr(func() { require.Equal(t, zeroTerms, nilEvent.Terms()) })},
		{"Event.Terms zero", nil, testkit.NoErr(func() { require.Equal(t, zeroTerms, zeroEvent.Terms()) })},
		{"Event.ID nil", nil, testkit.NoErr(func() { require.Empty(t, nilEvent.ID()) })},
		{"Event.ID zero", nil, testkit.NoErr(func() { require.Empty(t, zeroEvent.ID()) })},
		{"Event.Merchant nil", nil, testkit.NoErr(func() { require.Nil(t, nilEvent.Merchant()) })},
		{"Event.Merchant zero", nil, testkit.NoErr(func() { require.Nil(t, zeroEvent.Merchant()) })},
		{"Event.MarshalJSON nil", nil, testkit.NoErr(func() {
			b, err := nilEvent.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, "null", string(b))
		})},
		{"Event.MarshalJSON zero", ticket.ErrMalformed, func() error { return testkit.Err2(zeroEvent.MarshalJSON()) }},
		{"json.Marshal zero Event", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(zeroEvent)) }},
		{"Event.UnmarshalJSON nil receiver", ticket.ErrMalformed, func() error { return nilEvent.UnmarshalJSON(jsonOf(t, f.buyFacts.Event)) }},
		{"Event.UnmarshalJSON nil input", ticket.ErrMalformed, func() error { return new(ticket.Event).UnmarshalJSON(nil) }},
		{"EventTerms.MaxResale zero", nil, testkit.NoErr(func() {
			limit, ok := zeroTerms.MaxResale()
			require.Zero(t, limit)
			require.False(t, ok)
		})},
		{"EventTerms.MaxResale negative", nil, testkit.NoErr(func() {
			_, ok := ticket.EventTerms{FaceValue: -1, ResaleCapBasisPoints: 1, ResaleCap: -1}.MaxResale()
			require.False(t, ok)
		})},
		{"NewEvent negative resale cap", ticket.ErrEvent, func() error {
			terms := testTerms("x")
			terms.ResaleCap = -1
			return testkit.Err2(ticket.NewEvent(w.merchantKey, terms))
		}},

		// Cancellations
		{"NewCancellation nil merchant", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewCancellation(nilPriv, f.gala, cancelAt)) }},
		{"NewCancellation zero merchant", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewCancellation(zeroPriv, f.gala, cancelAt)) }},
		{"NewCancellation nil event", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewCancellation(w.merchantKey, nilEvent, cancelAt)) }},
		{"NewCancellation zero event", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.NewCancellation(w.merchantKey, zeroEvent, cancelAt)) }},
		{"NewCancellation zero time", ticket.ErrEvent, func() error { return testkit.Err2(ticket.NewCancellation(w.merchantKey, f.gala, zeroTime)) }},
		{"NewCancellation another merchant", ticket.ErrEvent, func() error { return testkit.Err2(ticket.NewCancellation(w.merchant2Key, f.gala, cancelAt)) }},
		{"ParseCancellation nil", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseCancellation(nil)) }},
		{"ParseCancellation zero cancellation's bytes", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.ParseCancellation(zeroCanc.Bytes())) }},
		{"Cancellation.Bytes nil", nil, testkit.NoErr(func() { require.Nil(t, nilCanc.Bytes()) })},
		{"Cancellation.Bytes zero", nil, testkit.NoErr(func() { require.Nil(t, zeroCanc.Bytes()) })},
		{"Cancellation.Hash nil", nil, testkit.NoErr(func() { _ = nilCanc.Hash() })},
		{"Cancellation.Hash zero", nil, testkit.NoErr(func() { _ = zeroCanc.Hash() })},
		{"Cancellation.Verify nil", ticket.ErrMalformed, func() error { return nilCanc.Verify(f.gala) }},
		{"Cancellation.Verify zero", ticket.ErrMalformed, func() error { return zeroCanc.Verify(f.gala) }},
		{"Cancellation.Verify nil event", ticket.ErrMalformed, func() error { return f.canc.Verify(nilEvent) }},
		{"Cancellation.Verify zero event", ticket.ErrMalformed, func() error { return f.canc.Verify(zeroEvent) }},
		{"Cancellation.Verify", nil, func() error { return f.canc.Verify(f.gala) }},
		{"Cancellation.Event nil", nil, testkit.NoErr(func() { require.Empty(t, nilCanc.Event()) })},
		{"Cancellation.Event zero", nil, testkit.NoErr(func() { require.Empty(t, zeroCanc.Event()) })},
		{"Cancellation.EventHash nil", nil, testkit.NoErr(func() { require.Zero(t, nilCanc.EventHash()) })},
		{"Cancellation.EventHash zero", nil, testkit.NoErr(func() { require.Zero(t, zeroCanc.EventHash()) })},
		{"Cancellation.Merchant nil", nil, testkit.NoErr(func() { require.Nil(t, nilCanc.Merchant()) })},
		{"Cancellation.Merchant zero", nil, testkit.NoErr(func() { require.Nil(t, zeroCanc.Merchant()) })},
		{"Cancellation.Time nil", nil, testkit.NoErr(func() { require.True(t, nilCanc.Time().IsZero()) })},
		{"Cancellation.Time zero", nil, testkit.NoErr(func() { require.True(t, zeroCanc.Time().IsZero()) })},
		{"Cancellation.MarshalJSON nil", nil, testkit.NoErr(func() {
			b, err := nilCanc.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, "null", string(b))
		})},
		{"Cancellation.MarshalJSON zero", ticket.ErrMalformed, func() error { return testkit.Err2(zeroCanc.MarshalJSON()) }},
		{"json.Marshal zero Cancellation", ticket.ErrMalformed, func() error { return testkit.Err2(json.Marshal(zeroCanc)) }},
		{"Cancellation.UnmarshalJSON nil receiver", ticket.ErrMalformed, func() error { return nilCanc.UnmarshalJSON(jsonOf(t, f.canc)) }},
		{"Cancellation.UnmarshalJSON nil input", ticket.ErrMalformed, func() error { return new(ticket.Cancellation).UnmarshalJSON(nil) }},
		{"Ticket.StateAt nil", nil, testkit.NoErr(func() { require.Zero(t, nilTicket.StateAt(later)) })},
		{"Ticket.StateAt zero", nil, testkit.NoErr(func() { require.Zero(t, zeroTicket.StateAt(later)) })},
		{"Ticket.StateAt zero time", nil, testkit.NoErr(func() { require.Equal(t, ticket.Valid, f.returnable.tk.StateAt(zeroTime)) })},
		{"Ticket.StateAt zero terms", nil, testkit.NoErr(func() {
			tk := *f.returnable.tk
			tk.Terms = zeroEvent
			require.Equal(t, ticket.Valid, tk.StateAt(eventEnd))
		})},
		{"json.Marshal Ticket with zero terms and cancellation", nil, func() error {
			tk := *f.returnable.tk
			tk.Terms, tk.Cancellation = zeroEvent, zeroCanc
			return testkit.Err2(json.Marshal(&tk))
		}},
		{"Step zero cancellations", nil, func() error {
			v := *f.verifier
			v.Cancellations = []*ticket.Cancellation{nilCanc, zeroCanc}
			return testkit.Err2(ticket.Step(nilTicket, recs[0], &v))
		}},

		{"Buy outside the sale window", ticket.ErrSaleClosed, func() error {
			early := t0.Add(-2 * time.Hour)
			q, err := ticket.NewBuyRequest(w.carol.key, w.carol.cert, mPub, "concert", "C-2", buyPrice, early)
			require.NoError(t, err)
			return testkit.Err3(w.m.Buy(q, f.buyFacts, early))
		}},

		// NewVerifier and Step
		{"NewVerifier nil registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewVerifier(nilPub, []*ecdsa.PublicKey{mPub}, f.policy)) }},
		{"NewVerifier zero registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewVerifier(zeroPub, []*ecdsa.PublicKey{mPub}, f.policy)) }},
		{"NewVerifier nil merchants", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewVerifier(f.regPub, nil, f.policy)) }},
		{"NewVerifier nil merchant", ticket.ErrKey, func() error {
			return testkit.Err2(ticket.NewVerifier(f.regPub, []*ecdsa.PublicKey{mPub, nilPub}, f.policy))
		}},
		{"NewVerifier zero merchant", ticket.ErrKey, func() error { return testkit.Err2(ticket.NewVerifier(f.regPub, []*ecdsa.PublicKey{zeroPub}, f.policy)) }},
		{"NewVerifier zero policy", ticket.ErrPolicy, func() error { return testkit.Err2(ticket.NewVerifier(f.regPub, []*ecdsa.PublicKey{mPub}, zeroPolicy)) }},
		{"NewVerifier", nil, func() error { return testkit.Err2(ticket.NewVerifier(f.regPub, []*ecdsa.PublicKey{mPub}, f.policy)) }},
		{"Step nil verifier", ticket.ErrKey, func() error { return testkit.Err2(ticket.Step(nilTicket, recs[0], nilVerifier)) }},
		{"Step zero verifier", ticket.ErrPolicy, func() error { return testkit.Err2(ticket.Step(nilTicket, recs[0], zeroVerif)) }},
		{"Step nil record", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Step(nilTicket, nilRec, f.verifier)) }},
		{"Step zero record", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Step(nilTicket, zeroRec, f.verifier)) }},
		{"Step zero ticket", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Step(zeroTicket, recs[1], f.verifier)) }},
		{"Step ticket with zero merchant key", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Step(&zeroKeyTicket, recs[1], f.verifier)) }},
		{"Step Buy", nil, func() error { return testkit.Err2(ticket.Step(nilTicket, recs[0], f.verifier)) }},
		{"Step Buy without the verifier's events", ticket.ErrEvent, func() error {
			v := *f.verifier
			v.Events = []*ticket.Event{nilEvent, zeroEvent}
			return testkit.Err2(ticket.Step(nilTicket, recs[0], &v))
		}},

		// Replay
		{"Replay nil verifier", ticket.ErrKey, func() error { return testkit.Err2(ticket.Replay(recs, nilVerifier)) }},
		{"Replay nil records and verifier", ticket.ErrKey, func() error { return testkit.Err2(ticket.Replay(nil, nilVerifier)) }},
		{"Replay zero verifier", ticket.ErrPolicy, func() error { return testkit.Err2(ticket.Replay(recs, zeroVerif)) }},
		{"Replay nil registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.Replay(recs, &nilRegistrar)) }},
		{"Replay zero registrar", ticket.ErrKey, func() error { return testkit.Err2(ticket.Replay(recs, &zeroRegistrar)) }},
		{"Replay only nil and zero merchants", ticket.ErrKey, func() error { return testkit.Err2(ticket.Replay(recs, &noMerchants)) }},
		{"Replay nil records", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Replay(nil, f.verifier)) }},
		{"Replay nil record", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Replay([]*ticket.Record{nilRec}, f.verifier)) }},
		{"Replay zero record", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Replay([]*ticket.Record{zeroRec}, f.verifier)) }},
		{"Replay record with zero request", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.Replay([]*ticket.Record{{Request: zeroReq}}, f.verifier))
		}},
		{"Replay zero record after a valid one", ticket.ErrMalformed, func() error { return testkit.Err2(ticket.Replay([]*ticket.Record{recs[0], zeroRec}, f.verifier)) }},
		{"Replay request with zero merchant key", ticket.ErrMalformed, func() error {
			return testkit.Err2(ticket.Replay([]*ticket.Record{zeroKeyRec}, &zeroKeyVerifier))
		}},
		{"Replay request with zero certificate", ticket.ErrMalformed, func() error {
			rec := cloneRecord(t, recs[0])
			rec.Request.Cert = zeroCert
			return testkit.Err2(ticket.Replay([]*ticket.Record{rec}, f.verifier))
		}},
		{"Replay record with zero time", ticket.ErrTime, func() error {
			rec := cloneRecord(t, recs[0])
			rec.Time = zeroTime
			return testkit.Err2(ticket.Replay([]*ticket.Record{rec}, f.verifier))
		}},
		{"Replay record with nil signatures", ticket.ErrMalformed, func() error {
			rec := cloneRecord(t, recs[0])
			rec.MerchantSig = nil
			return testkit.Err2(ticket.Replay([]*ticket.Record{rec}, f.verifier))
		}},
		{"Replay a valid history", nil, func() error { return testkit.Err2(ticket.Replay(recs, f.verifier)) }},

		// SignatureCache and PrecheckSignatures
		{"NewSignatureCache zero size", nil, testkit.NoErr(func() { require.Zero(t, ticket.NewSignatureCache(0).Len()) })},
		{"NewSignatureCache negative size", nil, testkit.NoErr(func() { require.Zero(t, ticket.NewSignatureCache(-1).Len()) })},
		{"SignatureCache.Len nil", nil, testkit.NoErr(func() { require.Zero(t, nilCache.Len()) })},
		{"SignatureCache.Len zero", nil, testkit.NoErr(func() { require.Zero(t, zeroCache.Len()) })},
		{"PrecheckSignatures nil records and cache", nil, testkit.NoErr(func() { ticket.PrecheckSignatures(nil, nilCache) })},
		{"PrecheckSignatures nil cache", nil, testkit.NoErr(func() { ticket.PrecheckSignatures(recs, nilCache) })},
		{"PrecheckSignatures nil and zero records", nil, testkit.NoErr(func() {
			c := ticket.NewSignatureCache(0)
			ticket.PrecheckSignatures([]*ticket.Record{nilRec, zeroRec, {Request: zeroReq}, zeroKeyRec}, c)
			require.Zero(t, c.Len())
		})},
		{"PrecheckSignatures into a zero cache", nil, testkit.NoErr(func() {
			c := new(ticket.SignatureCache)
			ticket.PrecheckSignatures(recs, c)
			require.Positive(t, c.Len())
		})},
		{"Verifier.PrecheckSignatures nil verifier", nil, testkit.NoErr(func() { nilVerifier.PrecheckSignatures(recs) })},
		{"Verifier.PrecheckSignatures zero verifier", nil, testkit.NoErr(func() { zeroVerif.PrecheckSignatures(recs) })},
		{"Verifier.PrecheckSignatures zero verifier with a cache", nil, testkit.NoErr(func() {
			v := ticket.Verifier{Signatures: ticket.NewSignatureCache(0), Merchants: []*ecdsa.PublicKey{nilPub, zeroPub}}
			v.PrecheckSignatures([]*ticket.Record{nilRec, zeroRec, {Request: zeroReq}, zeroKeyRec})
			v.PrecheckSignatures(recs) // the signatures records carry with their keys
			require.Positive(t, v.Signatures.Len())
		})},
		{"Verifier.PrecheckSignatures zero events and cancellations", nil, testkit.NoErr(func() {
			v := *f.verifier
			v.Signatures = ticket.NewSignatureCache(0)
			v.Events = []*ticket.Event{nilEvent, zeroEvent}
			v.Cancellations = []*ticket.Cancellation{nilCanc, zeroCanc}
			v.PrecheckSignatures(recs)
		})},
		{"Step with a zero cache", nil, func() error {
			v := *f.verifier
			v.Signatures = new(ticket.SignatureCache)
			return testkit.Err2(ticket.Step(nilTicket, recs[0], &v))
		}},
		{"Step nil record with a cache", ticket.ErrMalformed, func() error {
			v := *f.verifier
			v.Signatures = ticket.NewSignatureCache(0)
			return testkit.Err2(ticket.Step(nilTicket, nilRec, &v))
		}},
		{"Step zero record with a cache", ticket.ErrMalformed, func() error {
			v := *f.verifier
			v.Signatures = ticket.NewSignatureCache(0)
			return testkit.Err2(ticket.Step(nilTicket, zeroRec, &v))
		}},
		{"Replay zero record with a cache", ticket.ErrMalformed, func() error {
			v := *f.verifier
			v.Signatures = ticket.NewSignatureCache(0)
			return testkit.Err2(ticket.Replay([]*ticket.Record{recs[0], zeroRec}, &v))
		}},
		{"Replay with a zero cache", nil, func() error {
			v := *f.verifier
			v.Signatures = new(ticket.SignatureCache)
			return testkit.Err2(ticket.Replay(recs, &v))
		}},
	}
	runNilCases(t, cases)
	t.Logf("%d cases", len(cases))
}

// A verifier that cannot check anything is refused before the first
// record: the error names no record.
func TestReplayChecksVerifierFirst(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	edits := map[string]func(*ticket.Verifier){
		"nil registrar":  func(v *ticket.Verifier) { v.Registrar = nil },
		"zero registrar": func(v *ticket.Verifier) { v.Registrar = new(ecdsa.PublicKey) },
		"no merchants":   func(v *ticket.Verifier) { v.Merchants = nil },
		"zero merchants": func(v *ticket.Verifier) { v.Merchants = []*ecdsa.PublicKey{nil, new(ecdsa.PublicKey)} },
		"zero policy":    func(v *ticket.Verifier) { v.Policy = ticket.Policy{} },
	}
	for name, edit := range edits {
		v := *w.v
		edit(&v)
		for _, err := range []error{testkit.Err2(ticket.Replay(h.recs, &v)), testkit.Err2(ticket.Step(nil, h.recs[0], &v))} {
			require.Error(t, err, name)
			var re *ticket.RecordError
			require.False(t, errors.As(err, &re), "%s: %v", name, err)
			require.True(t, errors.Is(err, ticket.ErrKey) || errors.Is(err, ticket.ErrPolicy), "%s: %v", name, err)
		}
	}
}

// A key wiped with PrivateKey.Zero panics at the call, and the message
// names the argument.
func TestWipedKeyPanics(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	wipedKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.ParsePrivateKey(w.eve.key.Bytes())
		require.NoError(t, err)
		k.Zero()
		return k
	}
	wipedMerchant := func() *ticket.Merchant {
		k, err := ecdsa.ParsePrivateKey(w.merchantKey.Bytes())
		require.NoError(t, err)
		m, err := ticket.NewMerchant(k, w.registrar.PublicKey(), w.policy)
		require.NoError(t, err)
		k.Zero()
		return m
	}
	buy, err := ticket.NewBuyRequest(w.carol.key, w.carol.cert, w.m.PublicKey(), "concert", "W-1", buyPrice, t0)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, want string
		call       func()
	}{
		{"IssueCertificate", "IssueCertificate: registrar", func() {
			_, _ = ticket.IssueCertificate(wipedKey(), "x", w.eve.key.PublicKey(), w.eve.wid)
		}},
		{"NewMerchant", "NewMerchant: key", func() { _, _ = ticket.NewMerchant(wipedKey(), w.registrar.PublicKey(), w.policy) }},
		{"NewBuyRequest", "NewBuyRequest: user", func() {
			_, _ = ticket.NewBuyRequest(wipedKey(), w.eve.cert, w.m.PublicKey(), "e", "s", 1, t0)
		}},
		{"NewListRequest", "NewListRequest: holder", func() { _, _ = ticket.NewListRequest(wipedKey(), h.tk, 1, w.eve.wid, t0) }},
		{"NewDelistRequest", "NewDelistRequest: holder", func() { _, _ = ticket.NewDelistRequest(wipedKey(), h.tk, t0) }},
		{"NewTransferRequest", "NewTransferRequest: buyer", func() { _, _ = ticket.NewTransferRequest(wipedKey(), w.eve.cert, h.tk, t0) }},
		{"NewConsumeRequest", "NewConsumeRequest: holder", func() { _, _ = ticket.NewConsumeRequest(wipedKey(), h.tk, t0) }},
		// Before anything else is checked: the call is the mistake.
		{"NewConsumeRequest nil ticket", "NewConsumeRequest: holder", func() { _, _ = ticket.NewConsumeRequest(wipedKey(), nil, t0) }},
		{"NewTransferRequest nil ticket", "NewTransferRequest: buyer", func() { _, _ = ticket.NewTransferRequest(wipedKey(), nil, nil, t0) }},
		{"NewEvent", "NewEvent: merchant", func() { _, _ = ticket.NewEvent(wipedKey(), testTerms("x")) }},
		{"Merchant.Buy", "Merchant.Buy: the merchant's key", func() { _, _, _ = wipedMerchant().Buy(buy, ticket.Facts{}, t0) }},
		{"Merchant.List", "Merchant.List: the merchant's key", func() { _, _, _ = wipedMerchant().List(h.tk, nil, ticket.Facts{}, t0) }},
		{"Merchant.Delist", "Merchant.Delist: the merchant's key", func() { _, _, _ = wipedMerchant().Delist(h.tk, nil, t0) }},
		{"Merchant.Transfer", "Merchant.Transfer: the merchant's key", func() {
			_, _, _ = wipedMerchant().Transfer(h.tk, nil, ticket.Facts{}, t0)
		}},
		{"Merchant.Consume", "Merchant.Consume: the merchant's key", func() { _, _, _ = wipedMerchant().Consume(nil, nil, t0) }},
		{"Merchant.Refund", "Merchant.Refund: the merchant's key", func() { _, _, _ = wipedMerchant().Refund(nil, nil, ticket.Facts{}, t0) }},
		{"Merchant.Return", "Merchant.Return: the merchant's key", func() { _, _, _ = wipedMerchant().Return(nil, nil, ticket.Facts{}, t0) }},
		{"NewRefundRequest", "NewRefundRequest: holder", func() { _, _ = ticket.NewRefundRequest(wipedKey(), nil, w.eve.wid, t0) }},
		{"NewReturnRequest", "NewReturnRequest: holder", func() { _, _ = ticket.NewReturnRequest(wipedKey(), nil, w.eve.wid, t0) }},
		{"NewCancellation", "NewCancellation: merchant", func() { _, _ = ticket.NewCancellation(wipedKey(), nil, t0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, ok := recover().(string)
				require.True(t, ok, "no panic with a message")
				require.Contains(t, msg, "ticket: "+tc.want)
				require.Contains(t, msg, "wiped")
			}()
			tc.call()
		})
	}
}

// Every exported identifier of the package appears in this file: a new
// function, method or type needs its nil and zero-value cases here.
func TestNilInputCoversAPI(t *testing.T) {
	t.Logf("%d exported identifiers", testkit.RequireCoversAPI(t, "nilinput_test.go"))
}

// sentinels are the package's errors, for the message checks.
var sentinels = []error{
	ticket.ErrMalformed, ticket.ErrKey, ticket.ErrWID, ticket.ErrPolicy, ticket.ErrSignature,
	ticket.ErrCertificate, ticket.ErrForeign, ticket.ErrState, ticket.ErrNotHolder, ticket.ErrTime,
	ticket.ErrLimit, ticket.ErrTransferLimit, ticket.ErrReputation, ticket.ErrPrice, ticket.ErrMismatch,
	ticket.ErrEvent, ticket.ErrSaleClosed, ticket.ErrClosed, ticket.ErrExpired, ticket.ErrCancelled, ticket.ErrResaleCap,
}
