package gate_test

// Shared fixtures: fixed keys, a registrar, a merchant selling two events,
// holders with certificates, tickets bought through the merchant's
// transitions with their records, snapshots and gates.

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

const (
	concert = "concert-2026-12-01"
	other   = "theatre-2026-12-02"
)

var (
	// sold is when the tickets are bought; doors is when the doors open,
	// the start of a slot; the event ends at end.
	sold  = time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)
	doors = time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	end   = doors.Add(4 * time.Hour)
)

// user is a key with its certificate.
type user struct {
	key  *ecdsa.PrivateKey
	cert *ticket.Certificate
}

// cast holds the keys, certificates and events every test shares;
// building them costs signatures, so it is done once.
type cast struct {
	registrar, merchantKey *ecdsa.PrivateKey
	policy                 ticket.Policy
	m                      *ticket.Merchant
	concert, other         *ticket.Event
	users                  []*user
	// merchantUser is a certificate for the merchant's own key.
	merchantUser *user
	v            *ticket.Verifier
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
		registrar:   testkit.KeyFromLabel(tb, "cbets/gate/test/registrar"),
		merchantKey: testkit.KeyFromLabel(tb, "cbets/gate/test/merchant"),
	}
	scale, err := tax.NewScale(100)
	if err != nil {
		return nil, err
	}
	c.policy = ticket.DefaultPolicy(scale)
	c.policy.PerCertificateLimit = 10000
	c.policy.ListingThreshold = 0
	if c.m, err = ticket.NewMerchant(c.merchantKey, c.registrar.PublicKey(), c.policy); err != nil {
		return nil, err
	}
	terms := func(id string) ticket.EventTerms {
		return ticket.EventTerms{ID: id, Capacity: 5000, FaceValue: 10000, SaleStart: sold.Add(-time.Hour),
			SaleEnd: doors.Add(-time.Hour), Start: doors.Add(time.Hour), End: end, DoorsOpen: sold}
	}
	if c.concert, err = ticket.NewEvent(c.merchantKey, terms(concert)); err != nil {
		return nil, err
	}
	if c.other, err = ticket.NewEvent(c.merchantKey, terms(other)); err != nil {
		return nil, err
	}
	mk := func(id string, key *ecdsa.PrivateKey) *user {
		if err != nil {
			return nil
		}
		u := &user{key: key}
		u.cert, err = ticket.IssueCertificate(c.registrar, id, key.PublicKey(), key.PublicKey().Address(ecdsa.DefaultAddressVersion))
		return u
	}
	for i := range 8 {
		id := fmt.Sprintf("holder-%d", i)
		c.users = append(c.users, mk(id, testkit.KeyFromLabel(tb, "cbets/gate/test/user/"+id)))
	}
	c.merchantUser = mk("merchant", c.merchantKey)
	if err != nil {
		return nil, err
	}
	c.v, err = ticket.NewVerifier(c.registrar.PublicKey(), []*ecdsa.PublicKey{c.m.PublicKey()}, c.policy)
	if err != nil {
		return nil, err
	}
	c.v.Events = []*ticket.Event{c.concert, c.other}
	return c, nil
}

// held is one ticket with its records and its holder.
type held struct {
	c      *cast
	holder *user
	tk     *ticket.Ticket
	recs   []*ticket.Record
	now    time.Time
}

// buy has u buy (event, serial) at sold.
func (c *cast) buy(tb testing.TB, u *user, event, serial string) *held {
	tb.Helper()
	req, err := ticket.NewBuyRequest(u.key, u.cert, c.m.PublicKey(), event, serial, 10000, sold)
	require.NoError(tb, err)
	ev := c.concert
	if event == other {
		ev = c.other
	}
	tk, rec, err := c.m.Buy(req, ticket.Facts{Event: ev}, sold)
	require.NoError(tb, err)
	return &held{c: c, holder: u, tk: tk, recs: []*ticket.Record{rec}, now: sold}
}

// step records the outcome of a transition that must be accepted.
func (h *held) step(tb testing.TB, tk *ticket.Ticket, rec *ticket.Record, err error) *held {
	tb.Helper()
	require.NoError(tb, err)
	h.tk = tk
	h.recs = append(h.recs, rec)
	return h
}

// list lists the ticket at the given time.
func (h *held) list(tb testing.TB, at time.Time) *held {
	tb.Helper()
	req, err := ticket.NewListRequest(h.holder.key, h.tk, 12000, h.holder.cert.WID(), at)
	require.NoError(tb, err)
	tk, rec, err := h.c.m.List(h.tk, req, ticket.Facts{}, at)
	return h.step(tb, tk, rec, err)
}

// transfer lists the ticket and sells it to buyer, at the given time.
func (h *held) transfer(tb testing.TB, buyer *user, at time.Time) *held {
	tb.Helper()
	h.list(tb, at)
	req, err := ticket.NewTransferRequest(buyer.key, buyer.cert, h.tk, at)
	require.NoError(tb, err)
	tk, rec, err := h.c.m.Transfer(h.tk, req, ticket.Facts{}, at)
	h.step(tb, tk, rec, err)
	h.holder = buyer
	return h
}

// consume consumes the ticket through the merchant, at the given time.
func (h *held) consume(tb testing.TB, at time.Time) *held {
	tb.Helper()
	req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, at)
	require.NoError(tb, err)
	tk, rec, err := h.c.m.Consume(h.tk, req, at)
	return h.step(tb, tk, rec, err)
}

// pass returns the holder's pass for the slot containing at, encoded.
func (h *held) pass(tb testing.TB, at time.Time) []byte {
	tb.Helper()
	p, err := gate.NewPass(h.holder.key, h.tk, at)
	require.NoError(tb, err)
	return p.Bytes()
}

// snapshot signs a snapshot of the concert with the tickets.
func (c *cast) snapshot(tb testing.TB, at time.Time, tks ...*ticket.Ticket) *gate.Snapshot {
	tb.Helper()
	s, err := gate.NewSnapshot(c.merchantKey, c.concert, tks, at)
	require.NoError(tb, err)
	return s
}

// gate returns a new gate over a snapshot.
func (c *cast) gate(tb testing.TB, id string, s *gate.Snapshot) *gate.Gate {
	tb.Helper()
	g, err := gate.New(id, s, c.m.PublicKey())
	require.NoError(tb, err)
	return g
}

// tickets returns the current tickets of hs.
func tickets(hs ...*held) []*ticket.Ticket {
	out := make([]*ticket.Ticket, len(hs))
	for i, h := range hs {
		out[i] = h.tk
	}
	return out
}

// encodePass writes the layout of the Pass doc from the fields of a
// signed Consume request, independently of the package's encoder.
func encodePass(req *ticket.Request) []byte {
	b := []byte{0x47, byte(len(req.Event))}
	b = append(b, req.Event...)
	b = append(b, byte(len(req.Serial)))
	b = append(b, req.Serial...)
	b = binary.BigEndian.AppendUint32(b, uint32(req.Time.Unix()/30))
	b = append(b, req.Prev[:8]...)
	return append(b, req.Sig...)
}

// signConsume signs a Consume request for h's ticket with key at t2,
// whatever the ticket's holder, as a forger would.
func signConsume(tb testing.TB, key *ecdsa.PrivateKey, tk *ticket.Ticket, cert *ticket.Certificate, t2 time.Time) *ticket.Request {
	tb.Helper()
	q := &ticket.Request{Kind: ticket.KindConsume, Event: tk.Event, Serial: tk.Serial, Merchant: tk.Merchant,
		Prev: tk.Head, Cert: cert, Time: t2.UTC()}
	sig, err := ecdsa.SignInverseS(key, q.SignedBytes(), nil)
	require.NoError(tb, err)
	q.Sig = sig.Bytes()
	return q
}

// sentinels are the package's errors, for the message checks.
var sentinels = []error{
	gate.ErrMalformed, gate.ErrKey, gate.ErrEvent, gate.ErrUnknown, gate.ErrState, gate.ErrStale,
	gate.ErrSlot, gate.ErrClosed, gate.ErrSignature, gate.ErrAdmitted,
}

// requireMessage checks that an error of this package names the package
// once, first, and does not repeat a sentinel's generic text.
func requireMessage(tb testing.TB, err error) {
	tb.Helper()
	msg := err.Error()
	require.True(tb, strings.HasPrefix(msg, "gate: "), msg)
	for _, pkg := range []string{"gate: ", "ticket: ", "ecdsa: "} {
		require.LessOrEqual(tb, strings.Count(msg, pkg), 1, "package prefix repeated: %s", msg)
	}
	own, _, _ := strings.Cut(msg, "ecdsa: ")
	own, _, _ = strings.Cut(own, "ticket: ")
	for _, s := range sentinels {
		if _, ok := err.(*gate.AdmittedError); ok {
			break
		}
		require.NotContains(tb, own, strings.TrimPrefix(s.Error(), "gate: "), "sentinel text in: %s", msg)
	}
}
