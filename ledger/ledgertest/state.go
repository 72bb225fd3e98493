package ledgertest

import (
	"context"
	"errors"
	"maps"
	"strconv"
	"testing"

	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// State is what a ledger shows through its methods about the events
// published through a Market and the fixture's users. Two States are equal
// (require.Equal) when nothing the ledger keeps for them changed.
type State struct {
	// Events maps an event id to its counters and encoding.
	Events map[string]EventCounters
	// Tickets maps "event/serial" to the ticket's head and record count.
	Tickets map[string]TicketHead
	// Held maps "event/certificate" to a held count, zero counts left
	// out.
	Held map[string]int
	// Standings maps a certificate id to its standing.
	Standings map[string]ticket.Standing
}

// EventCounters are an event's encoding and counters, and the encoding of
// its cancellation ("" when it has none).
type EventCounters struct {
	Encoding      string
	Sold          uint32
	Serials       uint64
	TicketsStored int
	Cancellation  string
}

// TicketHead is a ticket's head, state and number of records.
type TicketHead struct {
	Head    [32]byte
	State   ticket.State
	Holder  string
	Records int
}

// users returns the fixture's users, the foreign one included.
func (f *Fixture) users() []*User {
	return append(append([]*User(nil), f.Users...), f.Foreign)
}

// tickets returns the stored tickets of event with their records: those of
// the serials allocated (1 to serials) and of every serial of a Buy signed
// through the Market.
func (m *Market) tickets(tb testing.TB, event string, serials uint64) map[string]ticketRecords {
	tb.Helper()
	names := map[string]bool{}
	for n := uint64(1); n <= serials; n++ {
		names[strconv.FormatUint(n, 10)] = true
	}
	m.mu.Lock()
	maps.Copy(names, m.bought[event])
	m.mu.Unlock()
	out := map[string]ticketRecords{}
	ctx := context.Background()
	for serial := range names {
		t, recs, err := m.Ledger.Ticket(ctx, event, serial)
		if errors.Is(err, ledger.ErrNotFound) {
			continue
		}
		require.NoError(tb, err, "ticket %q/%q", event, serial)
		out[serial] = ticketRecords{t, recs}
	}
	return out
}

type ticketRecords struct {
	t    *ticket.Ticket
	recs []*ticket.Record
}

// State reads the ledger's State.
func (m *Market) State(tb testing.TB) State {
	tb.Helper()
	ctx := context.Background()
	s := State{Events: map[string]EventCounters{}, Tickets: map[string]TicketHead{},
		Held: map[string]int{}, Standings: map[string]ticket.Standing{}}
	for _, ev := range m.Events() {
		es, err := m.Ledger.Event(ctx, ev.ID())
		require.NoError(tb, err)
		tks := m.tickets(tb, ev.ID(), es.Serials)
		c, err := m.Ledger.Cancellation(ctx, ev.ID())
		if !errors.Is(err, ledger.ErrNotFound) {
			require.NoError(tb, err)
		}
		s.Events[ev.ID()] = EventCounters{Encoding: string(es.Event.Bytes()), Sold: es.Sold,
			Serials: es.Serials, TicketsStored: len(tks), Cancellation: string(c.Bytes())}
		for serial, tr := range tks {
			s.Tickets[ev.ID()+"/"+serial] = TicketHead{Head: tr.t.Head, State: tr.t.State,
				Holder: tr.t.Holder.ID(), Records: len(tr.recs)}
		}
		for _, u := range m.users() {
			n, err := m.Ledger.Held(ctx, ev.ID(), u.ID())
			require.NoError(tb, err)
			if n != 0 {
				s.Held[ev.ID()+"/"+u.ID()] = n
			}
		}
	}
	for _, u := range m.users() {
		st, err := m.Ledger.Standing(ctx, u.ID())
		require.NoError(tb, err)
		s.Standings[u.ID()] = st
	}
	return s
}

// Audit checks the ledger against its own records, for the events
// published and cancelled through the Market: every stored ticket's records
// replay (ticket.Replay, with those events and cancellations) to the ticket
// the ledger stores, terms and cancellation included; an event's Sold
// counts its tickets not returned, within its capacity; its cancellation is
// the Market's; and every user's held counts and standing are what the
// records imply (a refunded or returned ticket is held by nobody),
// starting from Config.InitialStanding (without saturation). It returns
// the number of tickets.
func (m *Market) Audit(tb testing.TB) int {
	tb.Helper()
	ctx := context.Background()
	v := m.Verifier(tb)
	held := map[string]int{}
	standings := map[string]ticket.Standing{}
	for _, u := range m.users() {
		standings[u.ID()] = m.Config.InitialStanding
	}
	add := func(cert string, delta int64, sold bool) {
		s, ok := standings[cert]
		require.True(tb, ok, "a record names %q, not a user of the fixture", cert)
		s.Reputation += delta
		if sold {
			s.Transfers++
		}
		standings[cert] = s
	}
	total := 0
	for _, ev := range m.Events() {
		es, err := m.Ledger.Event(ctx, ev.ID())
		require.NoError(tb, err)
		tks := m.tickets(tb, ev.ID(), es.Serials)
		returned := 0
		for _, tr := range tks {
			if tr.t.State == ticket.Returned {
				returned++
			}
		}
		require.Equal(tb, len(tks)-returned, int(es.Sold), "event %q: Sold and the tickets stored, not returned, differ", ev.ID())
		require.LessOrEqual(tb, es.Sold, ev.Terms().Capacity, "event %q sold beyond its capacity", ev.ID())
		var cancelled *ticket.Cancellation
		for _, c := range v.Cancellations {
			if c.Event() == ev.ID() {
				cancelled = c
			}
		}
		c, err := m.Ledger.Cancellation(ctx, ev.ID())
		if cancelled == nil {
			require.ErrorIs(tb, err, ledger.ErrNotFound, "event %q", ev.ID())
		} else {
			require.NoError(tb, err)
			require.Equal(tb, cancelled.Bytes(), c.Bytes(), "event %q: cancellation", ev.ID())
		}
		total += len(tks)
		for serial, tr := range tks {
			replayed, err := ticket.Replay(tr.recs, v)
			require.NoError(tb, err, "ticket %q/%q does not replay", ev.ID(), serial)
			RequireSameTicket(tb, replayed, tr.t, "ticket %q/%q: stored state is not its records' replay", ev.ID(), serial)
			require.Equal(tb, replayed.Terms.Bytes(), tr.t.Terms.Bytes(), "ticket %q/%q: terms", ev.ID(), serial)
			require.Equal(tb, replayed.Cancellation.Bytes(), tr.t.Cancellation.Bytes(), "ticket %q/%q: cancellation", ev.ID(), serial)
			holder := ""
			for _, rec := range tr.recs {
				req := rec.Request
				switch req.Kind {
				case ticket.KindBuy:
					add(req.Cert.ID(), rec.SignerReputation, false)
				case ticket.KindTransfer:
					add(holder, rec.SellerReputation, true)
					add(req.Cert.ID(), rec.SignerReputation, false)
				case ticket.KindReturn:
					add(holder, rec.SignerReputation, false)
				}
				switch req.Kind {
				case ticket.KindBuy, ticket.KindTransfer:
					holder = req.Cert.ID()
				case ticket.KindRefund, ticket.KindReturn:
					holder = ""
				}
			}
			if holder != "" {
				held[ev.ID()+"/"+holder]++
			}
		}
		for _, u := range m.users() {
			n, err := m.Ledger.Held(ctx, ev.ID(), u.ID())
			require.NoError(tb, err)
			require.Equal(tb, held[ev.ID()+"/"+u.ID()], n, "held count of %q for %q", u.ID(), ev.ID())
		}
	}
	for id, want := range standings {
		got, err := m.Ledger.Standing(ctx, id)
		require.NoError(tb, err)
		require.Equal(tb, want, got, "standing of %q", id)
	}
	return total
}

// RequireSameTicket requires two tickets to agree in every field a store
// keeps: all but Terms and Cancellation, which a Ledger sets from the
// event.
func RequireSameTicket(tb testing.TB, want, got *ticket.Ticket, msgAndArgs ...any) {
	tb.Helper()
	testkit.RequireSameTicket(tb, want, got, msgAndArgs...)
}
