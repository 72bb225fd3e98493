package ticket_test

// Shared fixtures: fixed keys, a registrar, two merchants and a few users
// with certificates, and a small driver that walks a ticket through its
// life cycle while keeping its records.

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// t0 is the time of the first request of most tests.
var t0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// keyFromLabel derives a key as the vector files document.
var keyFromLabel = testkit.KeyFromLabel

// party is a user (or a merchant acting as one) with a key and, usually, a
// certificate.
type party struct {
	name string
	key  *ecdsa.PrivateKey
	cert *ticket.Certificate
	wid  ecdsa.Address
}

// cast holds the keys and certificates every test shares. Building them
// costs a few signatures, so it is done once.
type cast struct {
	registrar, otherRegistrar *ecdsa.PrivateKey
	merchantKey, merchant2Key *ecdsa.PrivateKey
	eve, alice, bob, carol    *party
	// mallory's certificate comes from otherRegistrar.
	mallory *party
	// merchantUser is a certificate the registrar issued for the
	// merchant's own key, so the merchant can pose as a user.
	merchantUser *party
	// eveAgain is a second certificate (another id) for eve's key.
	eveAgain *party
	scale    tax.Scale
}

var (
	castOnce sync.Once
	theCast  *cast
	castErr  error
)

func getCast(tb testing.TB) *cast {
	tb.Helper()
	castOnce.Do(func() { theCast, castErr = buildCast(tb) })
	require.NoError(tb, castErr)
	return theCast
}

func buildCast(tb testing.TB) (*cast, error) {
	c := &cast{
		registrar:      keyFromLabel(tb, "cbets/ticket/test/registrar"),
		otherRegistrar: keyFromLabel(tb, "cbets/ticket/test/registrar/other"),
		merchantKey:    keyFromLabel(tb, "cbets/ticket/test/merchant/1"),
		merchant2Key:   keyFromLabel(tb, "cbets/ticket/test/merchant/2"),
	}
	var err error
	if c.scale, err = tax.NewScale(100); err != nil {
		return nil, err
	}
	mk := func(name string, reg, key *ecdsa.PrivateKey) *party {
		if err != nil {
			return nil
		}
		p := &party{name: name, key: key, wid: key.PublicKey().Address(ecdsa.DefaultAddressVersion)}
		p.cert, err = ticket.IssueCertificate(reg, name, key.PublicKey(), p.wid)
		return p
	}
	user := func(name string) *party {
		return mk(name, c.registrar, keyFromLabel(tb, "cbets/ticket/test/user/"+name))
	}
	c.eve, c.alice, c.bob, c.carol = user("eve"), user("alice"), user("bob"), user("carol")
	c.mallory = mk("mallory", c.otherRegistrar, keyFromLabel(tb, "cbets/ticket/test/user/mallory"))
	c.merchantUser = mk("merchant", c.registrar, c.merchantKey)
	if err == nil {
		c.eveAgain = mk("eve-2", c.registrar, c.eve.key)
	}
	return c, err
}

// world is a cast with merchants running a policy.
type world struct {
	*cast
	policy ticket.Policy
	m, m2  *ticket.Merchant
	v      *ticket.Verifier
	// events are the published events, by merchant key and id; Buy's
	// facts and the verifier take them from here.
	eventsMu sync.Mutex
	events   map[string]*ticket.Event
}

// newWorld builds a world under the default policy, edited by each of
// edits.
func newWorld(tb testing.TB, edits ...func(*ticket.Policy)) *world {
	tb.Helper()
	c := getCast(tb)
	w := &world{cast: c, policy: ticket.DefaultPolicy(c.scale)}
	for _, e := range edits {
		e(&w.policy)
	}
	var err error
	w.m, err = ticket.NewMerchant(c.merchantKey, c.registrar.PublicKey(), w.policy)
	require.NoError(tb, err)
	w.m2, err = ticket.NewMerchant(c.merchant2Key, c.registrar.PublicKey(), w.policy)
	require.NoError(tb, err)
	w.v = &ticket.Verifier{
		Registrar: c.registrar.PublicKey(),
		Merchants: []*ecdsa.PublicKey{w.m.PublicKey(), w.m2.PublicKey()},
		Policy:    w.policy,
	}
	return w
}

// saleEnd closes the test events' sale: late enough for every test time.
var saleEnd = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// testTerms are the terms of the test events: on sale from an hour before
// t0, at buyPrice.
func testTerms(id string) ticket.EventTerms {
	return ticket.EventTerms{ID: id, Capacity: 1000, FaceValue: buyPrice, SaleStart: t0.Add(-time.Hour),
		SaleEnd: saleEnd, Start: saleEnd, End: saleEnd.Add(time.Hour)}
}

// event returns merchant m's event id (testTerms), publishing it into the
// world's verifier on first use. A merchant the world does not run has no
// events: nil.
func (w *world) event(tb testing.TB, m *ticket.Merchant, id string) *ticket.Event {
	tb.Helper()
	var key *ecdsa.PrivateKey
	switch {
	case m == nil:
		return nil
	case m.PublicKey().Equal(w.merchantKey.PublicKey()):
		key = w.merchantKey
	case m.PublicKey().Equal(w.merchant2Key.PublicKey()):
		key = w.merchant2Key
	default:
		return nil
	}
	w.eventsMu.Lock()
	defer w.eventsMu.Unlock()
	k := string(key.PublicKey().Bytes()) + id
	if e, ok := w.events[k]; ok {
		return e
	}
	e, err := ticket.NewEvent(key, testTerms(id))
	require.NoError(tb, err)
	if w.events == nil {
		w.events = map[string]*ticket.Event{}
	}
	w.events[k] = e
	w.v.Events = append(w.v.Events, e)
	return e
}

// publish signs terms with key (a merchant of the world) and adds the
// event to the world's verifier.
func (w *world) publish(tb testing.TB, key *ecdsa.PrivateKey, terms ticket.EventTerms) *ticket.Event {
	tb.Helper()
	e, err := ticket.NewEvent(key, terms)
	require.NoError(tb, err)
	w.eventsMu.Lock()
	defer w.eventsMu.Unlock()
	w.v.Events = append(w.v.Events, e)
	return e
}

// cancel signs the cancellation of ev at with the first merchant's key and
// adds it to the world's verifier.
func (w *world) cancel(tb testing.TB, ev *ticket.Event, at time.Time) *ticket.Cancellation {
	tb.Helper()
	c, err := ticket.NewCancellation(w.merchantKey, ev, at)
	require.NoError(tb, err)
	w.eventsMu.Lock()
	defer w.eventsMu.Unlock()
	w.v.Cancellations = append(w.v.Cancellations, c)
	return c
}

// buyOf has u buy (ev, serial) from the first merchant at ev's face value,
// at time at.
func (w *world) buyOf(tb testing.TB, ev *ticket.Event, u *party, serial string, at time.Time) *hist {
	tb.Helper()
	h := &hist{w: w, m: w.m, holder: u, now: at}
	req, err := ticket.NewBuyRequest(u.key, u.cert, w.m.PublicKey(), ev.ID(), serial, ev.Terms().FaceValue, at)
	require.NoError(tb, err)
	return h.accept(tb)(w.m.Buy(req, ticket.Facts{Event: ev}, at))
}

// buyFacts are the facts of a Buy of req from m: its event, published on
// first use, and held tickets.
func (w *world) buyFacts(tb testing.TB, m *ticket.Merchant, req *ticket.Request, held int) ticket.Facts {
	tb.Helper()
	f := ticket.Facts{Held: held}
	if req != nil && req.Event != "" {
		f.Event = w.event(tb, m, req.Event)
	}
	return f
}

func maxTransfers(n uint32) func(*ticket.Policy) {
	return func(p *ticket.Policy) { p.MaxTransfers = n }
}

func perCertificate(n int) func(*ticket.Policy) {
	return func(p *ticket.Policy) { p.PerCertificateLimit = n }
}

// Prices of most tests, in cents (scale 100).
const (
	buyPrice    tax.Amount = 10000 // 100 coins
	resalePrice tax.Amount = 12000 // 120 coins: D = 20 coins, taxed at 75%
)

// goodStanding passes the listing gate without the tax discount.
var goodStanding = ticket.Facts{Seller: ticket.Standing{Reputation: 600}}

// hist is one ticket with its history, driven by a world.
type hist struct {
	w      *world
	m      *ticket.Merchant
	holder *party
	tk     *ticket.Ticket
	recs   []*ticket.Record
	// tks[i] is the ticket after recs[i].
	tks []*ticket.Ticket
	now time.Time
}

// tick advances the ticket's clock by a minute and returns it.
func (h *hist) tick() time.Time {
	h.now = h.now.Add(time.Minute)
	return h.now
}

// accept returns a function that records the outcome of a transition that
// must be accepted: h.accept(tb)(m.List(…)).
func (h *hist) accept(tb testing.TB) func(*ticket.Ticket, *ticket.Record, error) *hist {
	return func(tk *ticket.Ticket, rec *ticket.Record, err error) *hist {
		tb.Helper()
		require.NoError(tb, err)
		require.NotNil(tb, tk)
		require.NotNil(tb, rec)
		h.tk = tk
		h.recs = append(h.recs, rec)
		h.tks = append(h.tks, tk)
		return h
	}
}

// buy has u buy (event, serial) from m at buyPrice.
func (w *world) buy(tb testing.TB, m *ticket.Merchant, u *party, event, serial string) *hist {
	tb.Helper()
	h := &hist{w: w, m: m, holder: u, now: t0}
	req, err := ticket.NewBuyRequest(u.key, u.cert, m.PublicKey(), event, serial, buyPrice, h.now)
	require.NoError(tb, err)
	return h.accept(tb)(m.Buy(req, w.buyFacts(tb, m, req, 0), h.now))
}

// bought is eve's ticket A-1 of "concert" from the first merchant.
func (w *world) bought(tb testing.TB) *hist {
	tb.Helper()
	return w.buy(tb, w.m, w.eve, "concert", "A-1")
}

func (h *hist) list(tb testing.TB, price tax.Amount) *hist {
	tb.Helper()
	now := h.tick()
	req, err := ticket.NewListRequest(h.holder.key, h.tk, price, h.holder.wid, now)
	require.NoError(tb, err)
	return h.accept(tb)(h.m.List(h.tk, req, goodStanding, now))
}

func (h *hist) delist(tb testing.TB) *hist {
	tb.Helper()
	now := h.tick()
	req, err := ticket.NewDelistRequest(h.holder.key, h.tk, now)
	require.NoError(tb, err)
	return h.accept(tb)(h.m.Delist(h.tk, req, now))
}

func (h *hist) transfer(tb testing.TB, buyer *party) *hist {
	tb.Helper()
	now := h.tick()
	req, err := ticket.NewTransferRequest(buyer.key, buyer.cert, h.tk, now)
	require.NoError(tb, err)
	h.accept(tb)(h.m.Transfer(h.tk, req, goodStanding, now))
	h.holder = buyer
	return h
}

func (h *hist) consume(tb testing.TB) *hist {
	tb.Helper()
	now := h.tick()
	req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, now)
	require.NoError(tb, err)
	return h.accept(tb)(h.m.Consume(h.tk, req, now))
}

// refund has the holder claim the refund of h's ticket to the holder's
// WID, with the ticket's own terms and cancellation.
func (h *hist) refund(tb testing.TB) *hist {
	tb.Helper()
	now := h.tick()
	req, err := ticket.NewRefundRequest(h.holder.key, h.tk, h.holder.wid, now)
	require.NoError(tb, err)
	return h.accept(tb)(h.m.Refund(h.tk, req, ticket.Facts{}, now))
}

// ret has the holder return h's ticket, paid to the holder's WID.
func (h *hist) ret(tb testing.TB) *hist {
	tb.Helper()
	now := h.tick()
	req, err := ticket.NewReturnRequest(h.holder.key, h.tk, h.holder.wid, now)
	require.NoError(tb, err)
	return h.accept(tb)(h.m.Return(h.tk, req, ticket.Facts{}, now))
}

// at sets h's clock, so that its next request is a minute after at.
func (h *hist) at(at time.Time) *hist {
	h.now = at.Add(-time.Minute)
	return h
}

// full is the history buy → list → delist → list → transfer → consume.
func (w *world) full(tb testing.TB) *hist {
	tb.Helper()
	return w.bought(tb).list(tb, resalePrice).delist(tb).list(tb, resalePrice).transfer(tb, w.alice).consume(tb)
}

// draft starts a request on h's ticket signed by cert's owner; sign it with
// signAs.
func (h *hist) draft(kind ticket.Kind, cert *ticket.Certificate, price tax.Amount, payee ecdsa.Address, at time.Time) *ticket.Request {
	return &ticket.Request{Kind: kind, Event: h.tk.Event, Serial: h.tk.Serial, Merchant: h.tk.Merchant,
		Prev: h.tk.Head, Cert: cert, Price: price, Payee: payee, Time: at}
}

// signAs signs q with key under the scheme of its kind, whatever its
// certificate says.
func signAs(tb testing.TB, key *ecdsa.PrivateKey, q *ticket.Request) *ticket.Request {
	tb.Helper()
	q.Sig = nil
	msg := q.SignedBytes()
	if q.Kind == ticket.KindBuy {
		sig, err := ecdsa.SignRBound(key, msg, nil)
		require.NoError(tb, err)
		q.Sig = sig.Bytes()
	} else {
		sig, err := ecdsa.SignInverseS(key, msg, nil)
		require.NoError(tb, err)
		q.Sig = sig.Bytes()
	}
	return q
}

// resign replaces the merchant's signature on rec with key's.
func resign(tb testing.TB, key *ecdsa.PrivateKey, rec *ticket.Record) *ticket.Record {
	tb.Helper()
	sig, err := ecdsa.SignRBound(key, rec.SignedBytes(), nil)
	require.NoError(tb, err)
	rec.MerchantSig = sig.Bytes()
	return rec
}

// cloneRecord returns a deep copy of rec through its encoding.
func cloneRecord(tb testing.TB, rec *ticket.Record) *ticket.Record {
	tb.Helper()
	c, err := ticket.ParseRecord(rec.Bytes())
	require.NoError(tb, err)
	return c
}

// requireSameTicket compares every field of two tickets: those a store
// keeps, and the terms and cancellation.
func requireSameTicket(tb testing.TB, want, got *ticket.Ticket, msgAndArgs ...any) {
	tb.Helper()
	testkit.RequireSameTicket(tb, want, got, msgAndArgs...)
	require.Equal(tb, want.Terms.Bytes(), got.Terms.Bytes(), msgAndArgs...)
	require.Equal(tb, want.Cancellation.Bytes(), got.Cancellation.Bytes(), msgAndArgs...)
}

// parsedCopies returns the records decoded from their encodings, as a
// backend that stored bytes would hold them.
func parsedCopies(tb testing.TB, recs []*ticket.Record) []*ticket.Record {
	tb.Helper()
	out := make([]*ticket.Record, len(recs))
	for i, r := range recs {
		out[i] = cloneRecord(tb, r)
	}
	return out
}

// requireMessage checks that the message of an error of this package names
// the package once and does not repeat a sentinel's generic text: each
// layer says what it knows once.
func requireMessage(tb testing.TB, err error) {
	tb.Helper()
	msg := err.Error()
	require.Equal(tb, 1, strings.Count(msg, "ticket: "), "package prefix repeated or missing: %s", msg)
	require.True(tb, strings.HasPrefix(msg, "ticket: "), msg)
	// This package's part of the message ends where another package's
	// begins.
	own := msg
	for _, pkg := range []string{"ecdsa: ", "multisig: ", "tax: "} {
		own, _, _ = strings.Cut(own, pkg)
	}
	for _, s := range sentinels {
		if err != s {
			require.NotContains(tb, own, strings.TrimPrefix(s.Error(), "ticket: "), "sentinel text in: %s", msg)
		}
	}
}
