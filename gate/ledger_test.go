package gate_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// ledgerTickets reads every ticket of an event from a ledger, as a
// merchant does to sign a snapshot.
func ledgerTickets(tb testing.TB, l *ledger.Ledger, event string) []*ticket.Ticket {
	tb.Helper()
	tks, err := l.Tickets(context.Background(), event)
	require.NoError(tb, err)
	return tks
}

// The whole path through a ledger: tickets bought and applied, a snapshot
// of the ledger's tickets, two gates, a transfer in the ledger after the
// snapshot, reconciliation against the ledger, and every kept admission
// consumed by the merchant and applied; the ledger's histories replay.
func TestLedgerEndToEnd(t *testing.T) {
	c := getCast(t)
	ctx := context.Background()
	l, err := ledger.New(ledger.NewMemStore(), ledger.Config{
		Registrar: c.registrar.PublicKey(), Merchants: []*ecdsa.PublicKey{c.m.PublicKey()}, Policy: c.policy,
	})
	require.NoError(t, err)
	_, err = l.Publish(ctx, c.concert.Bytes())
	require.NoError(t, err)
	apply := func(_ *ticket.Ticket, rec *ticket.Record, err error) *ticket.Ticket {
		t.Helper()
		require.NoError(t, err)
		tk, err := l.Apply(ctx, rec.Bytes())
		require.NoError(t, err)
		return tk
	}
	keys := map[string]*user{}
	for i := range 6 {
		u := c.users[i]
		serial, err := l.AllocateSerial(ctx, concert)
		require.NoError(t, err)
		req, err := ticket.NewBuyRequest(u.key, u.cert, c.m.PublicKey(), concert, serial, 10000, sold)
		require.NoError(t, err)
		facts, err := l.Facts(ctx, req)
		require.NoError(t, err)
		apply(c.m.Buy(req, facts, sold))
		keys[serial] = u
	}

	snap := c.snapshot(t, doors.Add(-time.Hour), ledgerTickets(t, l, concert)...)
	snapTickets := map[string]*ticket.Ticket{}
	for _, tk := range ledgerTickets(t, l, concert) {
		snapTickets[tk.Serial] = tk
	}

	// Ticket 6 is resold after the snapshot.
	at := doors.Add(-30 * time.Minute)
	cur := snapTickets["6"]
	req, err := ticket.NewListRequest(keys["6"].key, cur, 12000, keys["6"].cert.WID(), at)
	require.NoError(t, err)
	facts, err := l.Facts(ctx, req)
	require.NoError(t, err)
	cur = apply(c.m.List(cur, req, facts, at))
	req, err = ticket.NewTransferRequest(c.users[7].key, c.users[7].cert, cur, at)
	require.NoError(t, err)
	facts, err = l.Facts(ctx, req)
	require.NoError(t, err)
	apply(c.m.Transfer(cur, req, facts, at))

	// Two gates; ticket 2 is shown at both, ticket 6 by its old holder.
	north, south := c.gate(t, "north", snap), c.gate(t, "south", snap)
	for s := 1; s <= 6; s++ {
		serial := strconv.Itoa(s)
		p, err := gate.NewPass(keys[serial].key, snapTickets[serial], doors.Add(time.Duration(s)*time.Second))
		require.NoError(t, err)
		g := north
		if s%2 == 0 {
			g = south
		}
		_, err = g.Admit(p.Bytes(), doors.Add(10*time.Second))
		require.NoError(t, err)
		if s == 2 {
			_, err = north.Admit(p.Bytes(), doors.Add(20*time.Second))
			require.NoError(t, err)
		}
	}

	r, err := gate.Reconcile(ledgerTickets(t, l, concert), append(north.Admissions(), south.Admissions()...))
	require.NoError(t, err)
	require.Equal(t, outcome{
		admitted:   []string{"1@north/0", "2@north/0", "3@north/0", "4@south/0", "5@north/0"},
		duplicates: []string{"2@south/0 kept 2@north/0"},
		refused:    []string{"6@south/0 " + gate.ErrStale.Error()},
	}, outcomeOf(r))

	v, err := ticket.NewVerifier(c.registrar.PublicKey(), []*ecdsa.PublicKey{c.m.PublicKey()}, c.policy)
	require.NoError(t, err)
	v.Events = []*ticket.Event{c.concert}
	for _, a := range r.Admitted {
		serial := a.Request().Serial
		cur, _, err := l.Ticket(ctx, concert, serial)
		require.NoError(t, err)
		apply(c.m.Consume(cur, a.Request(), a.Time()))
		_, recs, err := l.Ticket(ctx, concert, serial)
		require.NoError(t, err)
		replayed, err := ticket.Replay(recs, v)
		require.NoError(t, err)
		require.Equal(t, ticket.Consumed, replayed.State, serial)
	}
	// The duplicate cannot be consumed a second time: the ticket moved on.
	d := r.Duplicates[0].Other
	cur, _, err = l.Ticket(ctx, concert, d.Request().Serial)
	require.NoError(t, err)
	_, _, err = c.m.Consume(cur, d.Request(), doors.Add(time.Hour))
	require.ErrorIs(t, err, ticket.ErrForeign)
}
