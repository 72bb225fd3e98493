package ticket_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// enc writes the documented layouts independently of the package.
type enc struct{ b []byte }

func (e *enc) u8(v byte) *enc      { e.b = append(e.b, v); return e }
func (e *enc) u32(v uint32) *enc   { e.b = binary.BigEndian.AppendUint32(e.b, v); return e }
func (e *enc) u64(v uint64) *enc   { e.b = binary.BigEndian.AppendUint64(e.b, v); return e }
func (e *enc) fixed(p []byte) *enc { e.b = append(e.b, p...); return e }
func (e *enc) v(p []byte) *enc     { return e.u32(uint32(len(p))).fixed(p) }
func (e *enc) s(p string) *enc     { return e.v([]byte(p)) }

// certFields, reqFields and recFields are the fields of the three layouts,
// as raw values that the tests may set to anything.
type certFields struct {
	domain, id string
	pk         []byte
	widVersion byte
	widHash    []byte
	sig        []byte
}

func (f certFields) bytes() []byte {
	e := new(enc).s(f.domain).s(f.id).fixed(f.pk).u8(f.widVersion).fixed(f.widHash).fixed(f.sig)
	return e.b
}

func certOf(c *ticket.Certificate) certFields {
	h := c.WID().Hash()
	b := c.Bytes()
	return certFields{domain: "CBETS/ticket/v1/certificate", id: c.ID(), pk: c.PublicKey().Bytes(),
		widVersion: c.WID().Version(), widHash: h[:], sig: b[len(b)-65:]}
}

type reqFields struct {
	domain        string
	kind          byte
	event, serial string
	merchant      []byte
	prev          []byte
	cert          []byte
	price         uint64
	payeeVersion  byte
	payeeHash     []byte
	time          int64
	sig           []byte
}

func (f reqFields) bytes() []byte {
	e := new(enc).s(f.domain).u8(f.kind).s(f.event).s(f.serial).fixed(f.merchant).fixed(f.prev).v(f.cert).
		u64(f.price).u8(f.payeeVersion).fixed(f.payeeHash).u64(uint64(f.time)).v(f.sig)
	return e.b
}

func reqOf(q *ticket.Request) reqFields {
	h := q.Payee.Hash()
	return reqFields{domain: "CBETS/ticket/v1/request", kind: byte(q.Kind), event: q.Event, serial: q.Serial,
		merchant: q.Merchant.Bytes(), prev: q.Prev[:], cert: q.Cert.Bytes(), price: uint64(q.Price),
		payeeVersion: q.Payee.Version(), payeeHash: h[:], time: q.Time.UnixNano(), sig: q.Sig}
}

type recFields struct {
	domain                       string
	req                          []byte
	time, sellerRep              int64
	sellerTransfers              uint32
	tax, payout                  uint64
	signerDelta, sellerDelta     int64
	consumption, merchantSigFull []byte
}

func (f recFields) bytes() []byte {
	e := new(enc).s(f.domain).v(f.req).u64(uint64(f.time)).u64(uint64(f.sellerRep)).u32(f.sellerTransfers).
		u64(f.tax).u64(f.payout).u64(uint64(f.signerDelta)).u64(uint64(f.sellerDelta)).v(f.consumption).v(f.merchantSigFull)
	return e.b
}

func recOf(r *ticket.Record) recFields {
	return recFields{domain: "CBETS/ticket/v1/record", req: r.Request.Bytes(), time: r.Time.UnixNano(),
		sellerRep: r.Seller.Reputation, sellerTransfers: r.Seller.Transfers, tax: uint64(r.Tax), payout: uint64(r.Payout),
		signerDelta: r.SignerReputation, sellerDelta: r.SellerReputation, consumption: r.Consumption,
		merchantSigFull: r.MerchantSig}
}

// eventFields and cancelFields are the fields of the event and
// cancellation layouts.
type eventFields struct {
	domain, id                                       string
	merchant                                         []byte
	capacity                                         uint32
	face                                             uint64
	saleStart, saleEnd, start, end, doors, resaleEnd int64
	capBP                                            uint32
	capAmount                                        uint64
	returns                                          byte
	returnEnd                                        int64
	penaltyBP                                        uint32
	sig                                              []byte
}

func (f eventFields) signed() []byte {
	e := new(enc).s(f.domain).s(f.id).fixed(f.merchant).u32(f.capacity).u64(f.face)
	for _, at := range []int64{f.saleStart, f.saleEnd, f.start, f.end, f.doors, f.resaleEnd} {
		e.u64(uint64(at))
	}
	e.u32(f.capBP).u64(f.capAmount).u8(f.returns).u64(uint64(f.returnEnd)).u32(f.penaltyBP)
	return e.b
}

func (f eventFields) bytes() []byte { return append(f.signed(), f.sig...) }

func eventOf(ev *ticket.Event) eventFields {
	t := ev.Terms()
	b := ev.Bytes()
	f := eventFields{domain: "CBETS/ticket/v1/event", id: t.ID, merchant: ev.Merchant().Bytes(), capacity: t.Capacity,
		face: uint64(t.FaceValue), saleStart: t.SaleStart.UnixNano(), saleEnd: t.SaleEnd.UnixNano(),
		start: t.Start.UnixNano(), end: t.End.UnixNano(), doors: t.DoorsOpen.UnixNano(),
		resaleEnd: t.ResaleCutoff.UnixNano(), capBP: t.ResaleCapBasisPoints, capAmount: uint64(t.ResaleCap),
		penaltyBP: t.ReturnPenaltyBasisPoints, sig: slicesClone(b[len(b)-65:])}
	if !t.ReturnCutoff.IsZero() {
		f.returns, f.returnEnd = 1, t.ReturnCutoff.UnixNano()
	}
	return f
}

type cancelFields struct {
	domain, event string
	merchant      []byte
	eventHash     []byte
	time          int64
	sig           []byte
}

func (f cancelFields) signed() []byte {
	return new(enc).s(f.domain).s(f.event).fixed(f.merchant).fixed(f.eventHash).u64(uint64(f.time)).b
}

func (f cancelFields) bytes() []byte { return append(f.signed(), f.sig...) }

func cancelOf(c *ticket.Cancellation) cancelFields {
	b := c.Bytes()
	h := c.EventHash()
	return cancelFields{domain: "CBETS/ticket/v1/cancellation", event: c.Event(), merchant: c.Merchant().Bytes(),
		eventHash: h[:], time: c.Time().UnixNano(), sig: slicesClone(b[len(b)-65:])}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// samples returns a certificate, one request and one record of each kind:
// those of the history buy → list → delist → list → transfer → consume
// (indexes 0 to 5), a return (6) and a refund (7) of tickets of "gala"
// (richTerms), which is cancelled at cancelAt in the world's verifier.
func samples(t testing.TB) (*world, []*ticket.Request, []*ticket.Record) {
	t.Helper()
	w := newWorld(t)
	h := w.bought(t).list(t, resalePrice).delist(t).list(t, resalePrice).transfer(t, w.alice).consume(t)
	gala := w.publish(t, w.merchantKey, richTerms("gala"))
	ret := w.buyOf(t, gala, w.bob, "R-1", t0).ret(t)
	refund := w.buyOf(t, gala, w.carol, "R-2", t0)
	refund.tk.Cancellation = w.cancel(t, gala, cancelAt)
	refund.at(cancelAt).refund(t)
	recs := append(slicesCloneRecs(h.recs), ret.recs[1], refund.recs[1])
	var reqs []*ticket.Request
	for _, r := range recs {
		reqs = append(reqs, r.Request)
	}
	return w, reqs, recs
}

func slicesCloneRecs(recs []*ticket.Record) []*ticket.Record {
	return append([]*ticket.Record(nil), recs...)
}

// The documented layouts are the encodings.
func TestEncodingLayout(t *testing.T) {
	w, reqs, recs := samples(t)
	for _, c := range []*ticket.Certificate{w.eve.cert, w.alice.cert, w.mallory.cert} {
		require.Equal(t, certOf(c).bytes(), c.Bytes())
	}
	for _, q := range reqs {
		require.Equal(t, reqOf(q).bytes(), q.Bytes(), "%v", q.Kind)
		// SignedBytes is Bytes without the signature field.
		require.Equal(t, q.SignedBytes(), q.Bytes()[:len(q.Bytes())-4-len(q.Sig)])
	}
	for _, r := range recs {
		require.Equal(t, recOf(r).bytes(), r.Bytes(), "%v", r.Request.Kind)
		require.Equal(t, r.SignedBytes(), r.Bytes()[:len(r.Bytes())-4-len(r.MerchantSig)])
	}
	require.Equal(t, []ticket.Kind{ticket.KindBuy, ticket.KindList, ticket.KindDelist, ticket.KindList,
		ticket.KindTransfer, ticket.KindConsume, ticket.KindReturn, ticket.KindRefund}, kinds(recs))
	// Events with and without the optional rules, and a cancellation.
	for _, ev := range w.v.Events {
		f := eventOf(ev)
		require.Equal(t, f.bytes(), ev.Bytes(), ev.ID())
		require.Len(t, ev.Bytes(), 212+len(ev.ID()))
		require.Equal(t, sha256.Sum256(f.bytes()), ev.Hash())
	}
	require.Len(t, w.v.Cancellations, 1)
	for _, c := range w.v.Cancellations {
		f := cancelOf(c)
		require.Equal(t, f.bytes(), c.Bytes())
		require.Len(t, c.Bytes(), 4+28+4+len(c.Event())+33+32+8+65)
		require.Equal(t, sha256.Sum256(f.bytes()), c.Hash())
		h := w.v.Events[len(w.v.Events)-1].Hash()
		require.Equal(t, h[:], f.eventHash)
	}
}

func kinds(recs []*ticket.Record) []ticket.Kind {
	var out []ticket.Kind
	for _, r := range recs {
		out = append(out, r.Request.Kind)
	}
	return out
}

func TestParseEventRejects(t *testing.T) {
	w := newWorld(t)
	rich, plain := eventOf(w.publish(t, w.merchantKey, richTerms("gala"))), eventOf(w.event(t, w.m, "concert"))
	for _, tc := range []struct {
		name string
		base eventFields
		edit func(*eventFields)
		want error
	}{
		{"wrong domain", plain, func(f *eventFields) { f.domain = "CBETS/ticket/v1/cancellation" }, ticket.ErrMalformed},
		{"returns flag 2", rich, func(f *eventFields) { f.returns = 2 }, ticket.ErrMalformed},
		{"returns flag 255", plain, func(f *eventFields) { f.returns = 255 }, ticket.ErrMalformed},
		{"no returns with a cut-off", plain, func(f *eventFields) { f.returnEnd = rich.returnEnd }, ticket.ErrMalformed},
		{"no returns with a cut-off at −1", plain, func(f *eventFields) { f.returnEnd = -1 }, ticket.ErrMalformed},
		{"no returns with a penalty", plain, func(f *eventFields) { f.penaltyBP = 1 }, ticket.ErrEvent},
		{"penalty above 100%", rich, func(f *eventFields) { f.penaltyBP = 10001 }, ticket.ErrEvent},
		{"resale cap ≥ 2^63", rich, func(f *eventFields) { f.capAmount = 1 << 63 }, ticket.ErrMalformed},
		{"face value ≥ 2^63", rich, func(f *eventFields) { f.face = math.MaxUint64 }, ticket.ErrMalformed},
		{"doors at the end", rich, func(f *eventFields) { f.doors = f.end }, ticket.ErrEvent},
		{"resale cut-off after the start", rich, func(f *eventFields) { f.resaleEnd = f.start + 1 }, ticket.ErrEvent},
		{"return cut-off after the start", rich, func(f *eventFields) { f.returnEnd = f.start + 1 }, ticket.ErrEvent},
		{"capacity 0", plain, func(f *eventFields) { f.capacity = 0 }, ticket.ErrEvent},
		{"empty id", plain, func(f *eventFields) { f.id = "" }, ticket.ErrMalformed},
		{"merchant key prefix 4", plain, func(f *eventFields) { f.merchant = append([]byte{4}, f.merchant[1:]...) }, ticket.ErrMalformed},
		{"zero signature", plain, func(f *eventFields) { f.sig = make([]byte, 65) }, ticket.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.base
			tc.edit(&f)
			ev, err := ticket.ParseEvent(f.bytes())
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, ev)
		})
	}
	// The layout without doors, cut-offs, caps and returns.
	old := new(enc).s(plain.domain).s(plain.id).fixed(plain.merchant).u32(plain.capacity).u64(plain.face).
		u64(uint64(plain.saleStart)).u64(uint64(plain.saleEnd)).u64(uint64(plain.start)).u64(uint64(plain.end)).
		fixed(plain.sig).b
	for _, raw := range [][]byte{nil, {}, old, append(plain.bytes(), 0), plain.bytes()[:len(plain.bytes())-1]} {
		_, err := ticket.ParseEvent(raw)
		require.ErrorIs(t, err, ticket.ErrMalformed)
	}
	// The layout decodes field by field: the edits above that keep the
	// terms valid parse to the values set.
	f := rich
	f.capBP, f.capAmount, f.penaltyBP = 12345, 777, 0
	ev, err := ticket.ParseEvent(f.bytes())
	require.NoError(t, err)
	got := ev.Terms()
	require.Equal(t, uint32(12345), got.ResaleCapBasisPoints)
	require.Equal(t, tax.Amount(777), got.ResaleCap)
	require.True(t, got.ReturnCutoff.Equal(returnCutoff))
	require.True(t, got.DoorsOpen.Equal(doorsOpen))
	require.True(t, got.ResaleCutoff.Equal(resaleCutoff))
	require.ErrorIs(t, ev.Verify(w.merchantKey.PublicKey()), ticket.ErrEvent, "the signature covers every field")
}

func TestParseCancellationRejects(t *testing.T) {
	w := newWorld(t)
	gala := w.publish(t, w.merchantKey, richTerms("gala"))
	good := cancelOf(w.cancel(t, gala, cancelAt))
	for _, tc := range []struct {
		name string
		edit func(*cancelFields)
	}{
		{"wrong domain", func(f *cancelFields) { f.domain = "CBETS/ticket/v1/event" }},
		{"empty event", func(f *cancelFields) { f.event = "" }},
		{"65-byte event", func(f *cancelFields) { f.event = strings.Repeat("e", 65) }},
		{"event not UTF-8", func(f *cancelFields) { f.event = "ga\xffla" }},
		{"merchant key off the curve", func(f *cancelFields) { f.merchant = append([]byte{2}, bytes.Repeat([]byte{0xff}, 32)...) }},
		{"short event hash", func(f *cancelFields) { f.eventHash = f.eventHash[:31] }},
		{"zero signature", func(f *cancelFields) { f.sig = make([]byte, 65) }},
		{"64-byte signature", func(f *cancelFields) { f.sig = f.sig[:64] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := good
			tc.edit(&f)
			c, err := ticket.ParseCancellation(f.bytes())
			require.ErrorIs(t, err, ticket.ErrMalformed)
			require.Nil(t, c)
		})
	}
	for _, raw := range [][]byte{nil, {}, append(good.bytes(), 0), good.bytes()[:len(good.bytes())-1]} {
		_, err := ticket.ParseCancellation(raw)
		require.ErrorIs(t, err, ticket.ErrMalformed)
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	w, reqs, recs := samples(t)
	for _, c := range []*ticket.Certificate{w.eve.cert, w.alice.cert, w.mallory.cert, w.merchantUser.cert} {
		got, err := ticket.ParseCertificate(c.Bytes())
		require.NoError(t, err)
		require.Equal(t, c.Bytes(), got.Bytes())
		require.True(t, got.Equal(c))
		require.Equal(t, c.ID(), got.ID())
		require.True(t, got.PublicKey().Equal(c.PublicKey()))
		require.Equal(t, c.WID(), got.WID())
		if c == w.mallory.cert {
			require.NoError(t, got.Verify(w.otherRegistrar.PublicKey()))
			require.ErrorIs(t, got.Verify(w.registrar.PublicKey()), ticket.ErrCertificate)
		} else {
			require.NoError(t, got.Verify(w.registrar.PublicKey()))
		}
	}
	for _, q := range reqs {
		got, err := ticket.ParseRequest(q.Bytes())
		require.NoError(t, err, "%v", q.Kind)
		require.Equal(t, q.Bytes(), got.Bytes())
		require.Equal(t, q.Kind, got.Kind)
		require.True(t, got.Time.Equal(q.Time))
		require.Equal(t, time.UTC, got.Time.Location())
	}
	for _, r := range recs {
		got, err := ticket.ParseRecord(r.Bytes())
		require.NoError(t, err, "%v", r.Request.Kind)
		require.Equal(t, r.Bytes(), got.Bytes())
		require.Equal(t, r.Hash(), got.Hash())
	}
	// Extreme but valid values survive.
	q := &ticket.Request{Kind: ticket.KindBuy, Event: strings.Repeat("e", 64), Serial: "\x00", Merchant: w.m.PublicKey(),
		Cert: w.eve.cert, Price: math.MaxInt64, Time: time.Unix(0, math.MinInt64)}
	signAs(t, w.eve.key, q)
	got, err := ticket.ParseRequest(q.Bytes())
	require.NoError(t, err)
	require.Equal(t, q.Bytes(), got.Bytes())
	long, err := ticket.IssueCertificate(w.registrar, strings.Repeat("i", 64), w.eve.key.PublicKey(), w.eve.wid)
	require.NoError(t, err)
	gotCert, err := ticket.ParseCertificate(long.Bytes())
	require.NoError(t, err)
	require.Equal(t, long.Bytes(), gotCert.Bytes())
	_, err = ticket.IssueCertificate(w.registrar, strings.Repeat("i", 65), w.eve.key.PublicKey(), w.eve.wid)
	require.ErrorIs(t, err, ticket.ErrMalformed)
	_, err = ticket.IssueCertificate(w.registrar, "", w.eve.key.PublicKey(), w.eve.wid)
	require.ErrorIs(t, err, ticket.ErrMalformed)
}

func TestParseCertificateRejects(t *testing.T) {
	w := newWorld(t)
	good := certOf(w.eve.cert)
	other := w.alice.key.PublicKey().UncompressedBytes()
	for _, tc := range []struct {
		name string
		edit func(*certFields)
		raw  []byte
	}{
		{name: "wrong domain", edit: func(f *certFields) { f.domain = "CBETS/ticket/v1/certificatE" }},
		{name: "request domain", edit: func(f *certFields) { f.domain = "CBETS/ticket/v1/request" }},
		{name: "empty id", edit: func(f *certFields) { f.id = "" }},
		{name: "65-byte id", edit: func(f *certFields) { f.id = strings.Repeat("x", 65) }},
		{name: "key not on the curve", edit: func(f *certFields) { f.pk = append([]byte{2}, bytes.Repeat([]byte{0xff}, 32)...) }},
		{name: "hybrid key prefix", edit: func(f *certFields) { f.pk = append([]byte{6}, f.pk[1:]...) }},
		{name: "uncompressed key", edit: func(f *certFields) { f.pk = other }},
		{name: "zero signature", edit: func(f *certFields) { f.sig = make([]byte, 65) }},
		{name: "signature s ≥ n", edit: func(f *certFields) {
			f.sig = append(slicesClone(f.sig[:33]), bytes.Repeat([]byte{0xff}, 32)...)
		}},
		{name: "trailing byte", raw: append(good.bytes(), 0)},
		{name: "truncated", raw: good.bytes()[:len(good.bytes())-1]},
		{name: "empty", raw: nil},
		{name: "id length 2^32−1", raw: new(enc).s("CBETS/ticket/v1/certificate").u32(math.MaxUint32).fixed([]byte("eve")).b},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.raw
			if tc.edit != nil {
				f := good
				tc.edit(&f)
				raw = f.bytes()
			}
			c, err := ticket.ParseCertificate(raw)
			require.ErrorIs(t, err, ticket.ErrMalformed)
			require.Nil(t, c)
		})
	}
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }

func TestParseRequestRejects(t *testing.T) {
	w, reqs, _ := samples(t)
	buy, list, delist, transfer, consume := reqOf(reqs[0]), reqOf(reqs[1]), reqOf(reqs[2]), reqOf(reqs[4]), reqOf(reqs[5])
	payee := w.eve.wid.Hash()
	for _, tc := range []struct {
		name string
		base reqFields
		edit func(*reqFields)
		raw  []byte
	}{
		{name: "wrong domain", base: buy, edit: func(f *reqFields) { f.domain = "CBETS/ticket/v1/requesT" }},
		{name: "record domain", base: buy, edit: func(f *reqFields) { f.domain = "CBETS/ticket/v1/record" }},
		{name: "kind 0", base: consume, edit: func(f *reqFields) { f.kind = 0 }},
		{name: "kind 6 of a consume", base: consume, edit: func(f *reqFields) { f.kind = 6 }},
		{name: "kind 255", base: consume, edit: func(f *reqFields) { f.kind = 255 }},
		{name: "buy with prev", base: buy, edit: func(f *reqFields) { f.prev = list.prev }},
		{name: "buy with payee", base: buy, edit: func(f *reqFields) { f.payeeHash = payee[:] }},
		{name: "buy with payee version only", base: buy, edit: func(f *reqFields) { f.payeeVersion = 5 }},
		{name: "list without payee", base: list, edit: func(f *reqFields) { f.payeeHash = make([]byte, 20) }},
		{name: "list without prev", base: list, edit: func(f *reqFields) { f.prev = make([]byte, 32) }},
		{name: "delist with price", base: delist, edit: func(f *reqFields) { f.price = 1 }},
		{name: "delist with payee", base: delist, edit: func(f *reqFields) { f.payeeHash = payee[:] }},
		{name: "delist without prev", base: delist, edit: func(f *reqFields) { f.prev = make([]byte, 32) }},
		{name: "transfer with payee", base: transfer, edit: func(f *reqFields) { f.payeeHash = payee[:] }},
		{name: "transfer without prev", base: transfer, edit: func(f *reqFields) { f.prev = make([]byte, 32) }},
		{name: "consume with price", base: consume, edit: func(f *reqFields) { f.price = 1 }},
		{name: "consume with payee", base: consume, edit: func(f *reqFields) { f.payeeVersion, f.payeeHash = 1, payee[:] }},
		{name: "consume without prev", base: consume, edit: func(f *reqFields) { f.prev = make([]byte, 32) }},
		{name: "return without payee", base: reqOf(reqs[6]), edit: func(f *reqFields) { f.payeeHash = make([]byte, 20) }},
		{name: "return without prev", base: reqOf(reqs[6]), edit: func(f *reqFields) { f.prev = make([]byte, 32) }},
		{name: "refund without payee", base: reqOf(reqs[7]), edit: func(f *reqFields) { f.payeeVersion, f.payeeHash = 0, make([]byte, 20) }},
		{name: "refund without prev", base: reqOf(reqs[7]), edit: func(f *reqFields) { f.prev = make([]byte, 32) }},
		{name: "kind 8", base: reqOf(reqs[7]), edit: func(f *reqFields) { f.kind = 8 }},
		{name: "price ≥ 2^63", base: list, edit: func(f *reqFields) { f.price = 1 << 63 }},
		{name: "empty event", base: consume, edit: func(f *reqFields) { f.event = "" }},
		{name: "65-byte serial", base: consume, edit: func(f *reqFields) { f.serial = strings.Repeat("s", 65) }},
		{name: "merchant key with prefix 5", base: consume, edit: func(f *reqFields) { f.merchant = append([]byte{5}, f.merchant[1:]...) }},
		{name: "malformed certificate", base: consume, edit: func(f *reqFields) { f.cert = f.cert[:len(f.cert)-1] }},
		{name: "certificate with a trailing byte", base: consume, edit: func(f *reqFields) { f.cert = append(slicesClone(f.cert), 0) }},
		{name: "oversize certificate", base: consume, edit: func(f *reqFields) { f.cert = make([]byte, 219) }},
		{name: "buy with a 64-byte signature", base: buy, edit: func(f *reqFields) { f.sig = consume.sig }},
		{name: "consume with a 65-byte signature", base: consume, edit: func(f *reqFields) { f.sig = buy.sig }},
		{name: "66-byte signature", base: buy, edit: func(f *reqFields) { f.sig = append(slicesClone(buy.sig), 0) }},
		{name: "empty signature", base: consume, edit: func(f *reqFields) { f.sig = nil }},
		{name: "high-s ω", base: consume, edit: func(f *reqFields) {
			f.sig = append(slicesClone(f.sig[:32]), bytes.Repeat([]byte{0xff}, 32)...)
		}},
		{name: "trailing byte", raw: append(reqOf(reqs[5]).bytes(), 0)},
		{name: "truncated", raw: reqOf(reqs[5]).bytes()[:100]},
		{name: "longer than 1024 bytes", raw: append(reqOf(reqs[5]).bytes(), make([]byte, 1024)...)},
		{name: "event length 2^32−1", raw: new(enc).s("CBETS/ticket/v1/request").u8(5).u32(math.MaxUint32).b},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.raw
			if tc.edit != nil {
				f := tc.base
				tc.edit(&f)
				raw = f.bytes()
			}
			q, err := ticket.ParseRequest(raw)
			require.ErrorIs(t, err, ticket.ErrMalformed)
			require.Nil(t, q)
		})
	}
}

func TestParseRecordRejects(t *testing.T) {
	_, _, recs := samples(t)
	buy, list, consume := recOf(recs[0]), recOf(recs[1]), recOf(recs[5])
	for _, tc := range []struct {
		name string
		base recFields
		edit func(*recFields)
		raw  []byte
	}{
		{name: "wrong domain", base: buy, edit: func(f *recFields) { f.domain = "CBETS/ticket/v1/recorD" }},
		{name: "request domain", base: buy, edit: func(f *recFields) { f.domain = "CBETS/ticket/v1/request" }},
		{name: "malformed request", base: list, edit: func(f *recFields) { f.req = f.req[1:] }},
		{name: "request with a trailing byte", base: list, edit: func(f *recFields) { f.req = append(slicesClone(f.req), 0) }},
		{name: "request over 1024 bytes", base: list, edit: func(f *recFields) { f.req = make([]byte, 1025) }},
		{name: "tax ≥ 2^63", base: buy, edit: func(f *recFields) { f.tax = 1 << 63 }},
		{name: "payout ≥ 2^63", base: buy, edit: func(f *recFields) { f.payout = math.MaxUint64 }},
		{name: "consumption signature on a buy", base: buy, edit: func(f *recFields) { f.consumption = consume.consumption }},
		{name: "consume without consumption signature", base: consume, edit: func(f *recFields) { f.consumption = nil }},
		{name: "consumption signature of 127 bytes", base: consume, edit: func(f *recFields) { f.consumption = f.consumption[:127] }},
		{name: "consumption signature of 129 bytes", base: consume, edit: func(f *recFields) {
			f.consumption = append(slicesClone(f.consumption), 0)
		}},
		{name: "consumption signature with zero a_m", base: consume, edit: func(f *recFields) {
			c := slicesClone(f.consumption)
			copy(c[64:96], make([]byte, 32))
			f.consumption = c
		}},
		{name: "merchant signature of 64 bytes", base: list, edit: func(f *recFields) { f.merchantSigFull = f.merchantSigFull[:64] }},
		{name: "merchant signature of 66 bytes", base: list, edit: func(f *recFields) {
			f.merchantSigFull = append(slicesClone(f.merchantSigFull), 0)
		}},
		{name: "merchant signature with R off the curve", base: list, edit: func(f *recFields) {
			f.merchantSigFull = append([]byte{2}, bytes.Repeat([]byte{0xff}, 64)...)
		}},
		{name: "empty merchant signature", base: list, edit: func(f *recFields) { f.merchantSigFull = nil }},
		{name: "trailing byte", raw: append(recOf(recs[5]).bytes(), 0)},
		{name: "truncated", raw: recOf(recs[5]).bytes()[:200]},
		{name: "empty", raw: []byte{}},
		{name: "longer than 2048 bytes", raw: make([]byte, 2049)},
		{name: "request length 2^32−1", raw: new(enc).s("CBETS/ticket/v1/record").u32(math.MaxUint32).b},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.raw
			if tc.edit != nil {
				f := tc.base
				tc.edit(&f)
				raw = f.bytes()
			}
			r, err := ticket.ParseRecord(raw)
			require.ErrorIs(t, err, ticket.ErrMalformed)
			require.Nil(t, r)
		})
	}
}

// jsonEdits returns the documents obtained from doc by changing one member
// (recursively, for objects) other than "encoding".
func jsonEdits(t *testing.T, doc []byte) map[string][]byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	out := map[string][]byte{}
	var walk func(path string, obj map[string]any)
	walk = func(path string, obj map[string]any) {
		for k, v := range obj {
			if k == "encoding" && path == "" {
				continue
			}
			p := path + "/" + k
			restore := func() { obj[k] = v }
			switch x := v.(type) {
			case map[string]any:
				walk(p, x)
				continue
			case string:
				obj[k] = x + "0"
			case float64:
				obj[k] = x + 1
			default:
				t.Fatalf("unexpected member %s: %T", p, v)
			}
			b, err := json.Marshal(m)
			require.NoError(t, err)
			out[p] = b
			restore()
			if v == "" || v == 0.0 {
				// A member removed reads as its zero value: the
				// document still says the same.
				continue
			}
			delete(obj, k)
			b, err = json.Marshal(m)
			require.NoError(t, err)
			out[p+" removed"] = b
			restore()
		}
	}
	walk("", m)
	return out
}

func TestJSON(t *testing.T) {
	w, reqs, recs := samples(t)
	type codec struct {
		name string
		v    json.Marshaler
		back func([]byte) ([]byte, error)
	}
	var codecs []codec
	for _, c := range []*ticket.Certificate{w.eve.cert, w.alice.cert} {
		codecs = append(codecs, codec{"certificate " + c.ID(), c, func(b []byte) ([]byte, error) {
			var x ticket.Certificate
			err := json.Unmarshal(b, &x)
			if err != nil {
				return nil, err
			}
			return x.Bytes(), nil
		}})
	}
	for i, q := range reqs {
		codecs = append(codecs, codec{fmt.Sprintf("request %d %v", i, q.Kind), q, func(b []byte) ([]byte, error) {
			var x ticket.Request
			err := json.Unmarshal(b, &x)
			if err != nil {
				return nil, err
			}
			return x.Bytes(), nil
		}})
	}
	for i, r := range recs {
		codecs = append(codecs, codec{fmt.Sprintf("record %d %v", i, r.Request.Kind), r, func(b []byte) ([]byte, error) {
			var x ticket.Record
			err := json.Unmarshal(b, &x)
			if err != nil {
				return nil, err
			}
			return x.Bytes(), nil
		}})
	}
	for _, e := range w.v.Events {
		codecs = append(codecs, codec{"event " + e.ID(), e, func(b []byte) ([]byte, error) {
			var x ticket.Event
			err := json.Unmarshal(b, &x)
			if err != nil {
				return nil, err
			}
			return x.Bytes(), nil
		}})
	}
	for i, c := range w.v.Cancellations {
		codecs = append(codecs, codec{fmt.Sprintf("cancellation %d", i), c, func(b []byte) ([]byte, error) {
			var x ticket.Cancellation
			err := json.Unmarshal(b, &x)
			if err != nil {
				return nil, err
			}
			return x.Bytes(), nil
		}})
	}
	wantBytes := func(v json.Marshaler) []byte {
		switch x := v.(type) {
		case *ticket.Certificate:
			return x.Bytes()
		case *ticket.Request:
			return x.Bytes()
		case *ticket.Record:
			return x.Bytes()
		case *ticket.Event:
			return x.Bytes()
		case *ticket.Cancellation:
			return x.Bytes()
		}
		return nil
	}
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			doc, err := json.Marshal(c.v)
			require.NoError(t, err)
			got, err := c.back(doc)
			require.NoError(t, err)
			require.Equal(t, wantBytes(c.v), got)
			// Indented, the document is the same.
			ind, err := json.MarshalIndent(c.v, "", "  ")
			require.NoError(t, err)
			got, err = c.back(ind)
			require.NoError(t, err)
			require.Equal(t, wantBytes(c.v), got)
			// Any edited or removed readable member is refused.
			edits := jsonEdits(t, doc)
			require.NotEmpty(t, edits)
			for path, b := range edits {
				_, err := c.back(b)
				require.ErrorIs(t, err, ticket.ErrMalformed, "%s edited", path)
			}
			// So is a document whose encoding is another value's.
			var m map[string]any
			require.NoError(t, json.Unmarshal(doc, &m))
			for _, o := range codecs {
				if o.name == c.name || strings.Fields(o.name)[0] != strings.Fields(c.name)[0] {
					continue
				}
				m["encoding"] = hex.EncodeToString(wantBytes(o.v))
				b, err := json.Marshal(m)
				require.NoError(t, err)
				_, err = c.back(b)
				require.ErrorIs(t, err, ticket.ErrMalformed, "encoding of %s", o.name)
			}
			for _, bad := range []string{"zz", "", hex.EncodeToString(wantBytes(c.v)) + "00"} {
				m["encoding"] = bad
				b, err := json.Marshal(m)
				require.NoError(t, err)
				_, err = c.back(b)
				require.ErrorIs(t, err, ticket.ErrMalformed, "encoding %q", bad)
			}
			for _, bad := range []string{`[]`, `"x"`, `{"encoding": 5}`, `null`, `{}`, `{"encoding": "00"}`} {
				_, err := c.back([]byte(bad))
				require.ErrorIs(t, err, ticket.ErrMalformed, "document %s", bad)
			}
			_, err = c.back(doc[:len(doc)-1])
			require.Error(t, err, "truncated document")
		})
	}

	t.Run("readable fields", func(t *testing.T) {
		doc, err := json.Marshal(recs[4])
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(doc, &m))
		require.Equal(t, hex.EncodeToString(recs[4].Bytes()), m["encoding"])
		h := recs[4].Hash()
		require.Equal(t, hex.EncodeToString(h[:]), m["hash"])
		require.EqualValues(t, recs[4].Tax, m["tax"])
		require.EqualValues(t, recs[4].Payout, m["payout"])
		req := m["request"].(map[string]any)
		require.Equal(t, "transfer", req["kind"])
		require.Equal(t, "alice", req["certificate"])
		require.Equal(t, "concert", req["event"])
		require.Equal(t, recs[4].Request.Time.Format(time.RFC3339Nano), req["time"])
		require.NotContains(t, req, "payee")

		doc, err = json.Marshal(w.eve.cert)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(doc, &m))
		require.Equal(t, "eve", m["id"])
		require.Equal(t, w.eve.wid.String(), m["wid"])
	})

	t.Run("ticket", func(t *testing.T) {
		h := newWorld(t).bought(t).list(t, resalePrice)
		doc, err := json.Marshal(h.tk)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(doc, &m))
		require.Equal(t, "listed", m["state"])
		require.EqualValues(t, -1, m["paper_code"])
		require.EqualValues(t, resalePrice, m["list_price"])
		require.Equal(t, h.holder.wid.String(), m["payee"])
		require.Equal(t, "eve", m["holder"])
		require.Equal(t, hex.EncodeToString(h.tk.Head[:]), m["head"])
	})
}

// Ids are bytes; the JSON forms show them as text. A value whose JSON form
// can be written must be readable back.
func TestJSONInvalidUTF8(t *testing.T) {
	w := newWorld(t)
	c, err := ticket.IssueCertificate(w.registrar, "ev\xffe", w.eve.key.PublicKey(), w.eve.wid)
	if err != nil {
		require.ErrorIs(t, err, ticket.ErrMalformed)
		return
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return
	}
	var back ticket.Certificate
	require.NoError(t, json.Unmarshal(doc, &back))
	require.Equal(t, c.Bytes(), back.Bytes())

	req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "conc\xffert", "A-1", buyPrice, t0)
	if err != nil {
		require.ErrorIs(t, err, ticket.ErrMalformed)
		return
	}
	doc, err = json.Marshal(req)
	if err != nil {
		return
	}
	var backReq ticket.Request
	require.NoError(t, json.Unmarshal(doc, &backReq))
	require.Equal(t, req.Bytes(), backReq.Bytes())
}
