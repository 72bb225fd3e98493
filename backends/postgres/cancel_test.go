package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/backends/postgres"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// cancelTx returns the store's transaction as a ledger.CancellationTx.
func cancelTx(t *testing.T, tx ledger.Tx) ledger.CancellationTx {
	t.Helper()
	c, ok := tx.(ledger.CancellationTx)
	require.True(t, ok, "the store's transactions do not keep cancellations")
	return c
}

func TestCancellations(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.NewFixture(t, 1)
	m := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	ev := m.NewEvent(t, "called-off", 3)
	c, err := ticket.NewCancellation(f.Merchants[0], ev, ledgertest.T0)
	require.NoError(t, err)
	s := openStore(t, 4)

	none := func(tx ledger.Tx) error {
		_, err := cancelTx(t, tx).Cancellation(ev.ID())
		require.ErrorIs(t, err, ledger.ErrNotFound)
		return nil
	}
	require.NoError(t, s.View(ctx, none))
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{Event: ev}) }))
	// Read with the event (one query) and alone.
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		_, err := tx.Event(ev.ID())
		require.NoError(t, err)
		return none(tx)
	}))
	require.NoError(t, s.Update(ctx, none))

	// Written, and read back in the same transaction.
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		ctx := cancelTx(t, tx)
		if err := ctx.PutCancellation(c); err != nil {
			return err
		}
		got, err := ctx.Cancellation(ev.ID())
		require.NoError(t, err)
		require.Equal(t, c.Bytes(), got.Bytes())
		return nil
	}))
	has := func(tx ledger.Tx) error {
		got, err := cancelTx(t, tx).Cancellation(ev.ID())
		require.NoError(t, err)
		require.Equal(t, c.Bytes(), got.Bytes())
		return nil
	}
	require.NoError(t, s.View(ctx, has))
	require.NoError(t, s.Update(ctx, has))
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		_, err := tx.Event(ev.ID())
		require.NoError(t, err)
		return has(tx)
	}))

	// An event is cancelled once; a second cancellation writes nothing.
	err = s.Update(ctx, func(tx ledger.Tx) error {
		if err := tx.SetHeld(ev.ID(), "someone", 1); err != nil {
			return err
		}
		return cancelTx(t, tx).PutCancellation(c)
	})
	require.ErrorIs(t, err, ledger.ErrStore)
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		n, err := tx.Held(ev.ID(), "someone")
		require.NoError(t, err)
		require.Zero(t, n)
		return nil
	}))

	for _, bad := range []*ticket.Cancellation{nil, {}} {
		var inner error
		err := s.Update(ctx, func(tx ledger.Tx) error { inner = cancelTx(t, tx).PutCancellation(bad); return inner })
		require.ErrorIs(t, err, ledger.ErrStore)
		require.Same(t, inner, err)
	}
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		require.ErrorIs(t, cancelTx(t, tx).PutCancellation(c), ledger.ErrStore)
		return nil
	}))
}

func TestTickets(t *testing.T) {
	ctx := context.Background()
	ev, tks, recs := sample(t)
	s := openStore(t, 8)
	list := func(tx ledger.Tx, event string) map[string]*ticket.Ticket {
		got, err := cancelTx(t, tx).Tickets(event)
		require.NoError(t, err)
		out := map[string]*ticket.Ticket{}
		for _, tk := range got {
			out[tk.Serial] = tk
		}
		require.Len(t, out, len(got), "a ticket listed twice")
		return out
	}
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		require.Empty(t, list(tx, ev.ID()))
		return nil
	}))
	second := *tks[0]
	second.Serial = "2"
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		if err := tx.PutEvent(ledger.EventState{Event: ev, Sold: 2, Serials: 2}); err != nil {
			return err
		}
		if err := tx.Append(tks[0], recs[0]); err != nil {
			return err
		}
		return tx.Append(&second, recs[0])
	}))
	// Stored tickets, and those written in the transaction in their
	// place.
	require.ErrorIs(t, s.Update(ctx, func(tx ledger.Tx) error {
		got := list(tx, ev.ID())
		require.Len(t, got, 2)
		ledgertest.RequireSameTicket(t, tks[0], got["1"])
		ledgertest.RequireSameTicket(t, &second, got["2"])
		if err := tx.Append(tks[1], recs[1]); err != nil {
			return err
		}
		third := second
		third.Serial = "3"
		if err := tx.Append(&third, recs[0]); err != nil {
			return err
		}
		got = list(tx, ev.ID())
		require.Len(t, got, 3)
		ledgertest.RequireSameTicket(t, tks[1], got["1"])
		ledgertest.RequireSameTicket(t, &third, got["3"])
		require.Empty(t, list(tx, "other"))
		return errRollback
	}), errRollback)
}

// TestTicketsPhantom checks that a new ticket cannot join an event's set
// of tickets while an Update that listed them runs: the Append waits for
// it to end.
func TestTicketsPhantom(t *testing.T) {
	ctx := context.Background()
	ev, tks, recs := sample(t)
	s := openStore(t, 4)
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{Event: ev}) }))
	var (
		listed   = make(chan struct{})
		wg       sync.WaitGroup
		listedAt time.Time
		bDone    time.Time
		counted  int
	)
	const hold = 300 * time.Millisecond
	wg.Go(func() {
		require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
			got, err := cancelTx(t, tx).Tickets(ev.ID())
			if err != nil {
				return err
			}
			counted = len(got)
			listedAt = time.Now()
			close(listed)
			time.Sleep(hold)
			return tx.SetHeld(ev.ID(), "count", len(got))
		}))
	})
	wg.Go(func() {
		<-listed
		// Another Store, as another process would have.
		other, err := postgres.Open(ctx, newPool(t, s.Schema(), 2))
		require.NoError(t, err)
		require.NoError(t, other.Update(ctx, func(tx ledger.Tx) error { return tx.Append(tks[0], recs[0]) }))
		bDone = time.Now()
	})
	wg.Wait()
	require.Zero(t, counted)
	// The Append waited for the listing transaction, which held on for
	// hold after listing. (Comparing the two ends' times instead is racy:
	// the Append may commit before the lister's goroutine reads the clock.)
	require.GreaterOrEqual(t, bDone.Sub(listedAt), hold, "a ticket was added while the event's tickets were being listed")
}

// TestCorruptCancellation checks stored cancellations the Store cannot
// have written.
func TestCorruptCancellation(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.NewFixture(t, 1)
	m := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	ev := m.NewEvent(t, "called-off", 3)
	c, err := ticket.NewCancellation(f.Merchants[0], ev, ledgertest.T0)
	require.NoError(t, err)
	for _, sql := range []string{
		`UPDATE %s.ledger_cancellations SET encoding = '\x00'`,
		`UPDATE %s.ledger_cancellations SET event = 'other'`,
	} {
		s := openStore(t, 2)
		require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error { return cancelTx(t, tx).PutCancellation(c) }))
		_, err := server.admin.Exec(ctx, fmt.Sprintf(sql, pgx.Identifier{s.Schema()}.Sanitize()))
		require.NoError(t, err)
		id := ev.ID()
		if sql[len(sql)-7:] == "'other'" {
			id = "other"
		}
		require.ErrorIs(t, s.View(ctx, func(tx ledger.Tx) error {
			_, err := cancelTx(t, tx).Cancellation(id)
			return err
		}), ledger.ErrStore, sql)
	}
}
