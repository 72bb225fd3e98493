package ledgertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// Amounts of the fixture, in cents (scale 100).
const (
	// FaceValue is the price of every event's tickets.
	FaceValue tax.Amount = 10000
	// ResalePrice is the listing price of the helpers: 20 coins above
	// FaceValue, so a transfer costs its seller 20 reputation points
	// under the default policy.
	ResalePrice tax.Amount = 12000
	// ResaleCap is the resale cap of RuledTerms: 110% of FaceValue.
	ResaleCap tax.Amount = 11000
	// ReturnPenalty is what a Return under RuledTerms withholds from
	// FaceValue: 10%.
	ReturnPenalty tax.Amount = 1000
)

// T0 is the start of every Market's clock; events are on sale from an
// hour before it until 30 days after.
var T0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// User is a user key and the certificate the fixture's registrar issued
// for it.
type User struct {
	Key  *ecdsa.PrivateKey
	Cert *ticket.Certificate
}

// ID returns the user's certificate id.
func (u *User) ID() string { return u.Cert.ID() }

// Fixture is the cast of the suite, every key derived from a fixed label
// (the scalar is SHA-256 of "cbets/ledger/test/" and a name): a registrar,
// the merchants a ledger accepts, a merchant no ledger knows, users with
// certificates, and a user whose certificate another registrar issued.
type Fixture struct {
	Registrar      *ecdsa.PrivateKey
	OtherRegistrar *ecdsa.PrivateKey
	// Merchants are accepted by the Config of Fixture.Config; Stranger is
	// not.
	Merchants []*ecdsa.PrivateKey
	Stranger  *ecdsa.PrivateKey
	// Users are named "user-0", "user-1", …
	Users []*User
	// Foreign holds a certificate of OtherRegistrar.
	Foreign *User
	Scale   tax.Scale

	byID map[string]*User
}

// NewFixture derives the fixture's keys and issues n users' certificates.
func NewFixture(tb testing.TB, n int) *Fixture {
	tb.Helper()
	key := func(name string) *ecdsa.PrivateKey {
		return testkit.KeyFromLabel(tb, "cbets/ledger/test/"+name)
	}
	f := &Fixture{
		Registrar:      key("registrar"),
		OtherRegistrar: key("registrar/other"),
		Merchants:      []*ecdsa.PrivateKey{key("merchant/0"), key("merchant/1")},
		Stranger:       key("merchant/stranger"),
		byID:           map[string]*User{},
	}
	var err error
	f.Scale, err = tax.NewScale(100)
	require.NoError(tb, err)
	issue := func(registrar *ecdsa.PrivateKey, name string) *User {
		u := &User{Key: key("user/" + name)}
		pub := u.Key.PublicKey()
		u.Cert, err = ticket.IssueCertificate(registrar, name, pub, pub.Address(ecdsa.DefaultAddressVersion))
		require.NoError(tb, err)
		f.byID[name] = u
		return u
	}
	for i := range n {
		f.Users = append(f.Users, issue(f.Registrar, fmt.Sprintf("user-%d", i)))
	}
	f.Foreign = issue(f.OtherRegistrar, "foreign")
	return f
}

// User returns the fixture's user with this certificate id, nil if none.
func (f *Fixture) User(id string) *User { return f.byID[id] }

// Config returns a ledger configuration of the fixture: its registrar and
// merchants, the paper's default policy, and an initial reputation of 1000,
// above the policy's listing threshold of 500, so that a new user may list.
func (f *Fixture) Config() ledger.Config {
	var merchants []*ecdsa.PublicKey
	for _, k := range f.Merchants {
		merchants = append(merchants, k.PublicKey())
	}
	return ledger.Config{
		Registrar:       f.Registrar.PublicKey(),
		Merchants:       merchants,
		Policy:          ticket.DefaultPolicy(f.Scale),
		InitialStanding: ticket.Standing{Reputation: 1000},
	}
}

// Terms returns the terms of an event with capacity seats at FaceValue,
// on sale from an hour before T0 until 30 days after, when it takes place.
func (f *Fixture) Terms(id string, capacity uint32) ticket.EventTerms {
	start := T0.Add(30 * 24 * time.Hour)
	return ticket.EventTerms{ID: id, Capacity: capacity, FaceValue: FaceValue,
		SaleStart: T0.Add(-time.Hour), SaleEnd: start, Start: start, End: start.Add(24 * time.Hour)}
}

// Times of RuledTerms, from T0.
var (
	// ReturnCutoff closes returns, 23 days after T0.
	ReturnCutoff = T0.Add(23 * 24 * time.Hour)
	// ResaleCutoff closes resale, 29 days after T0.
	ResaleCutoff = T0.Add(29 * 24 * time.Hour)
	// DoorsOpen opens admission, two hours before the start.
	DoorsOpen = T0.Add(30*24*time.Hour - 2*time.Hour)
	// EventEnd is the end of every event of Fixture.Terms, 31 days after
	// T0.
	EventEnd = T0.Add(31 * 24 * time.Hour)
)

// RuledTerms returns Terms(id, capacity) with every rule of the terms set:
// doors at DoorsOpen, resale until ResaleCutoff at most ResaleCap, returns
// until ReturnCutoff at a 10% penalty.
func (f *Fixture) RuledTerms(id string, capacity uint32) ticket.EventTerms {
	t := f.Terms(id, capacity)
	t.DoorsOpen, t.ResaleCutoff, t.ReturnCutoff = DoorsOpen, ResaleCutoff, ReturnCutoff
	t.ResaleCapBasisPoints, t.ReturnPenaltyBasisPoints = 11000, 1000
	return t
}

// Market is a Ledger over a store with the fixture's merchants running the
// transitions, on a clock that starts at T0 and moves a second per
// request. The Sign methods build a request, ask the ledger for its facts
// (Ledger.Facts) and return the record the merchant signs; applying it is
// left to the caller. A Market is safe for concurrent use.
type Market struct {
	*Fixture
	Store  ledger.Store
	Ledger *ledger.Ledger
	Config ledger.Config
	// Merchants run the transitions for Fixture.Merchants, under
	// Config.Policy.
	Merchants []*ticket.Merchant

	mu            sync.Mutex
	now           time.Time
	events        []*ticket.Event
	cancellations []*ticket.Cancellation
	// bought holds the serials of the Buys signed through the Market,
	// by event.
	bought map[string]map[string]bool
}

// NewMarket returns a Market with a new Ledger over store.
func (f *Fixture) NewMarket(tb testing.TB, store ledger.Store, cfg ledger.Config) *Market {
	tb.Helper()
	l, err := ledger.New(store, cfg)
	require.NoError(tb, err)
	m := &Market{Fixture: f, Store: store, Ledger: l, Config: cfg, now: T0, bought: map[string]map[string]bool{}}
	for _, k := range f.Merchants {
		mm, err := ticket.NewMerchant(k, f.Registrar.PublicKey(), cfg.Policy)
		require.NoError(tb, err)
		m.Merchants = append(m.Merchants, mm)
	}
	return m
}

// Tick moves the clock a second on and returns it.
func (m *Market) Tick() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(time.Second)
	return m.now
}

// SetClock sets the clock: the next request is a second after now.
func (m *Market) SetClock(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = now.Add(-time.Second)
}

// Events returns the events published through the Market.
func (m *Market) Events() []*ticket.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*ticket.Event(nil), m.events...)
}

// Verifier returns a ticket.Verifier for the ledger's records: the
// configuration's keys and policy, and the events published through the
// Market.
func (m *Market) Verifier(tb testing.TB) *ticket.Verifier {
	tb.Helper()
	v, err := ticket.NewVerifier(m.Config.Registrar, m.Config.Merchants, m.Config.Policy)
	require.NoError(tb, err)
	v.Events = m.Events()
	m.mu.Lock()
	v.Cancellations = append([]*ticket.Cancellation(nil), m.cancellations...)
	m.mu.Unlock()
	return v
}

// merchant returns the Market's merchant with this key.
func (m *Market) merchant(tb testing.TB, pub *ecdsa.PublicKey) *ticket.Merchant {
	tb.Helper()
	for _, mm := range m.Merchants {
		if mm.PublicKey().Equal(pub) {
			return mm
		}
	}
	require.FailNow(tb, "no merchant of the market has this key")
	return nil
}

// holder returns the user holding t.
func (m *Market) holder(tb testing.TB, t *ticket.Ticket) *User {
	tb.Helper()
	require.NotNil(tb, t)
	u := m.User(t.Holder.ID())
	require.NotNil(tb, u, "ticket held by %q, not a user of the fixture", t.Holder.ID())
	return u
}

// NewEvent signs f.Terms(id, capacity) with the first merchant's key.
func (m *Market) NewEvent(tb testing.TB, id string, capacity uint32) *ticket.Event {
	tb.Helper()
	ev, err := ticket.NewEvent(m.Fixture.Merchants[0], m.Terms(id, capacity))
	require.NoError(tb, err)
	return ev
}

// Publish publishes an event of the first merchant.
func (m *Market) Publish(tb testing.TB, id string, capacity uint32) *ticket.Event {
	tb.Helper()
	return m.PublishEvent(tb, m.NewEvent(tb, id, capacity))
}

// PublishTerms publishes an event of the first merchant with these terms.
func (m *Market) PublishTerms(tb testing.TB, terms ticket.EventTerms) *ticket.Event {
	tb.Helper()
	ev, err := ticket.NewEvent(m.Fixture.Merchants[0], terms)
	require.NoError(tb, err)
	return m.PublishEvent(tb, ev)
}

// SignCancel returns the cancellation of the published event at the given
// time, signed by its merchant.
func (m *Market) SignCancel(tb testing.TB, event string, at time.Time) *ticket.Cancellation {
	tb.Helper()
	s, err := m.Ledger.Event(context.Background(), event)
	require.NoError(tb, err)
	for _, k := range m.Fixture.Merchants {
		if k.PublicKey().Equal(s.Event.Merchant()) {
			c, err := ticket.NewCancellation(k, s.Event, at)
			require.NoError(tb, err)
			return c
		}
	}
	require.FailNow(tb, "no merchant of the fixture published "+event)
	return nil
}

// Cancel cancels the published event at the given time, which the ledger
// must accept, and adds the cancellation to the Market's Verifier.
func (m *Market) Cancel(tb testing.TB, event string, at time.Time) *ticket.Cancellation {
	tb.Helper()
	c := m.SignCancel(tb, event, at)
	got, err := m.Ledger.Cancel(context.Background(), c.Bytes())
	require.NoError(tb, err)
	require.Equal(tb, c.Bytes(), got.Bytes())
	m.mu.Lock()
	m.cancellations = append(m.cancellations, got)
	m.mu.Unlock()
	return got
}

// PublishEvent publishes ev, which must be accepted.
func (m *Market) PublishEvent(tb testing.TB, ev *ticket.Event) *ticket.Event {
	tb.Helper()
	got, err := m.Ledger.Publish(context.Background(), ev.Bytes())
	require.NoError(tb, err)
	require.Equal(tb, ev.Bytes(), got.Bytes())
	m.mu.Lock()
	m.events = append(m.events, got)
	m.mu.Unlock()
	return got
}

// Allocate allocates a serial of event, which must be granted.
func (m *Market) Allocate(tb testing.TB, event string) string {
	tb.Helper()
	s, err := m.Ledger.AllocateSerial(context.Background(), event)
	require.NoError(tb, err)
	return s
}

// facts returns the ledger's facts for req.
func (m *Market) facts(tb testing.TB, req *ticket.Request) ticket.Facts {
	tb.Helper()
	f, err := m.Ledger.Facts(context.Background(), req)
	require.NoError(tb, err)
	return f
}

// signed returns a function that checks a transition's outcome and returns
// its record: signed(tb)(m.Buy(…)).
func signed(tb testing.TB) func(*ticket.Ticket, *ticket.Record, error) *ticket.Record {
	return func(t *ticket.Ticket, rec *ticket.Record, err error) *ticket.Record {
		tb.Helper()
		require.NoError(tb, err)
		require.NotNil(tb, t)
		require.NotNil(tb, rec)
		return rec
	}
}

// SignBuy returns u's Buy of (event, serial) at the published face value,
// signed by the event's merchant with the facts the ledger gives.
func (m *Market) SignBuy(tb testing.TB, u *User, event, serial string) *ticket.Record {
	tb.Helper()
	s, err := m.Ledger.Event(context.Background(), event)
	require.NoError(tb, err)
	now := m.Tick()
	req, err := ticket.NewBuyRequest(u.Key, u.Cert, s.Event.Merchant(), event, serial, s.Event.Terms().FaceValue, now)
	require.NoError(tb, err)
	m.mu.Lock()
	if m.bought[event] == nil {
		m.bought[event] = map[string]bool{}
	}
	m.bought[event][serial] = true
	m.mu.Unlock()
	return signed(tb)(m.merchant(tb, s.Event.Merchant()).Buy(req, m.facts(tb, req), now))
}

// SignList returns the holder's listing of t at price, paid to the
// holder's WID.
func (m *Market) SignList(tb testing.TB, t *ticket.Ticket, price tax.Amount) *ticket.Record {
	tb.Helper()
	u, now := m.holder(tb, t), m.Tick()
	req, err := ticket.NewListRequest(u.Key, t, price, u.Cert.WID(), now)
	require.NoError(tb, err)
	return signed(tb)(m.merchant(tb, t.Merchant).List(t, req, m.facts(tb, req), now))
}

// SignDelist returns the holder's delisting of t.
func (m *Market) SignDelist(tb testing.TB, t *ticket.Ticket) *ticket.Record {
	tb.Helper()
	u, now := m.holder(tb, t), m.Tick()
	req, err := ticket.NewDelistRequest(u.Key, t, now)
	require.NoError(tb, err)
	return signed(tb)(m.merchant(tb, t.Merchant).Delist(t, req, now))
}

// SignTransfer returns buyer's purchase of the listed t.
func (m *Market) SignTransfer(tb testing.TB, t *ticket.Ticket, buyer *User) *ticket.Record {
	tb.Helper()
	now := m.Tick()
	req, err := ticket.NewTransferRequest(buyer.Key, buyer.Cert, t, now)
	require.NoError(tb, err)
	return signed(tb)(m.merchant(tb, t.Merchant).Transfer(t, req, m.facts(tb, req), now))
}

// SignConsume returns the holder's consumption of t.
func (m *Market) SignConsume(tb testing.TB, t *ticket.Ticket) *ticket.Record {
	tb.Helper()
	u, now := m.holder(tb, t), m.Tick()
	req, err := ticket.NewConsumeRequest(u.Key, t, now)
	require.NoError(tb, err)
	return signed(tb)(m.merchant(tb, t.Merchant).Consume(t, req, now))
}

// SignRefund returns the holder's refund claim for t, paid to the holder's
// WID, signed by the merchant with the facts the ledger gives.
func (m *Market) SignRefund(tb testing.TB, t *ticket.Ticket) *ticket.Record {
	tb.Helper()
	u, now := m.holder(tb, t), m.Tick()
	req, err := ticket.NewRefundRequest(u.Key, t, u.Cert.WID(), now)
	require.NoError(tb, err)
	return signed(tb)(m.merchant(tb, t.Merchant).Refund(t, req, m.facts(tb, req), now))
}

// SignReturn returns the holder's return of t, paid to the holder's WID,
// signed by the merchant with the facts the ledger gives.
func (m *Market) SignReturn(tb testing.TB, t *ticket.Ticket) *ticket.Record {
	tb.Helper()
	u, now := m.holder(tb, t), m.Tick()
	req, err := ticket.NewReturnRequest(u.Key, t, u.Cert.WID(), now)
	require.NoError(tb, err)
	return signed(tb)(m.merchant(tb, t.Merchant).Return(t, req, m.facts(tb, req), now))
}

// Apply applies rec, which must be accepted, and returns the ticket after
// it.
func (m *Market) Apply(tb testing.TB, rec *ticket.Record) *ticket.Ticket {
	tb.Helper()
	t, err := m.Ledger.Apply(context.Background(), rec.Bytes())
	require.NoError(tb, err, "%v record of %q/%q", rec.Request.Kind, rec.Request.Event, rec.Request.Serial)
	return t
}

// Buy allocates a serial of event and applies u's Buy of it.
func (m *Market) Buy(tb testing.TB, u *User, event string) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignBuy(tb, u, event, m.Allocate(tb, event)))
}

// List applies the holder's listing of t at ResalePrice.
func (m *Market) List(tb testing.TB, t *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignList(tb, t, ResalePrice))
}

// Delist applies the holder's delisting of t.
func (m *Market) Delist(tb testing.TB, t *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignDelist(tb, t))
}

// Transfer applies buyer's purchase of the listed t.
func (m *Market) Transfer(tb testing.TB, t *ticket.Ticket, buyer *User) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignTransfer(tb, t, buyer))
}

// Consume applies the holder's consumption of t.
func (m *Market) Consume(tb testing.TB, t *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignConsume(tb, t))
}

// Refund applies the holder's refund of t.
func (m *Market) Refund(tb testing.TB, t *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignRefund(tb, t))
}

// Return applies the holder's return of t.
func (m *Market) Return(tb testing.TB, t *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	return m.Apply(tb, m.SignReturn(tb, t))
}
