package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbets/cbets/backends/postgres"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestStore runs the conformance suite, each store in a schema of its own.
func TestStore(t *testing.T) {
	ledgertest.TestStore(t, func(t *testing.T) ledger.Store { return openStore(t, 16) })
}

var errRollback = errors.New("roll back")

// sample returns a ticket's history made on a MemStore: a Buy, a List and
// a Transfer, with the tickets after each, and the event.
func sample(t *testing.T) (*ticket.Event, []*ticket.Ticket, []*ticket.Record) {
	t.Helper()
	f := ledgertest.NewFixture(t, 2)
	m := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	ev := m.Publish(t, "sample", 2)
	rec := m.SignBuy(t, f.Users[0], "sample", m.Allocate(t, "sample"))
	recs := []*ticket.Record{rec}
	tks := []*ticket.Ticket{m.Apply(t, rec)}
	rec = m.SignList(t, tks[0], ledgertest.ResalePrice)
	recs, tks = append(recs, rec), append(tks, m.Apply(t, rec))
	rec = m.SignTransfer(t, tks[1], f.Users[1])
	recs, tks = append(recs, rec), append(tks, m.Apply(t, rec))
	return ev, tks, recs
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	ev, tks, recs := sample(t)

	t.Run("idempotent", func(t *testing.T) {
		pool := newPool(t, newSchema(t), 4)
		s, err := postgres.Open(ctx, pool)
		require.NoError(t, err)
		require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.PutEvent(ledger.EventState{Event: ev, Sold: 1, Serials: 1}); err != nil {
				return err
			}
			return tx.Append(tks[0], recs[0])
		}))
		// Opening again keeps the tables and what they hold.
		s, err = postgres.Open(ctx, pool)
		require.NoError(t, err)
		require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
			es, err := tx.Event(ev.ID())
			require.NoError(t, err)
			require.Equal(t, uint32(1), es.Sold)
			got, err := tx.Records(tks[0].Event, tks[0].Serial)
			require.NoError(t, err)
			require.Len(t, got, 1)
			return nil
		}))
	})

	t.Run("concurrently", func(t *testing.T) {
		schema := newSchema(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			pool := newPool(t, schema, 2)
			wg.Go(func() { _, errs[i] = postgres.Open(ctx, pool) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		var n int
		require.NoError(t, server.admin.QueryRow(ctx,
			`SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&n))
		require.Equal(t, 6, n)
	})

	t.Run("refusals", func(t *testing.T) {
		_, err := postgres.Open(ctx, nil)
		require.ErrorIs(t, err, ledger.ErrStore)

		// A search_path naming no existing schema.
		_, err = postgres.Open(ctx, newPool(t, "nosuchschema", 2))
		require.ErrorIs(t, err, ledger.ErrStore)
		require.ErrorContains(t, err, "no schema")

		// A table of the Store's name without its columns.
		schema := newSchema(t)
		_, err = server.admin.Exec(ctx, "CREATE TABLE "+pgx.Identifier{schema, "ledger_held"}.Sanitize()+" (event bytea, n bigint)")
		require.NoError(t, err)
		_, err = postgres.Open(ctx, newPool(t, schema, 2))
		require.ErrorIs(t, err, ledger.ErrStore)
		require.ErrorContains(t, err, "checking the tables")
	})
}

func TestMisuse(t *testing.T) {
	ctx := context.Background()
	ev, tks, recs := sample(t)
	var zero *postgres.Store
	require.ErrorIs(t, zero.Update(ctx, func(ledger.Tx) error { return nil }), ledger.ErrStore)
	require.ErrorIs(t, zero.View(ctx, func(ledger.Tx) error { return nil }), ledger.ErrStore)
	require.ErrorIs(t, new(postgres.Store).Update(ctx, func(ledger.Tx) error { return nil }), ledger.ErrStore)
	require.Empty(t, zero.Schema())

	s := openStore(t, 4)
	require.NotEmpty(t, s.Schema())
	require.ErrorIs(t, s.Update(ctx, nil), ledger.ErrStore)
	require.ErrorIs(t, s.View(ctx, nil), ledger.ErrStore)
	var nilCtx context.Context
	require.ErrorIs(t, s.Update(nilCtx, func(ledger.Tx) error { return nil }), ledger.ErrStore)
	require.ErrorIs(t, s.View(nilCtx, func(ledger.Tx) error { return nil }), ledger.ErrStore)
	_, err := postgres.Open(nilCtx, newPool(t, s.Schema(), 1))
	require.ErrorIs(t, err, ledger.ErrStore)

	// fn's error comes back unchanged.
	err = s.Update(ctx, func(ledger.Tx) error { return errRollback })
	require.Same(t, errRollback, err)

	// A Tx used after its function returned.
	var leaked ledger.Tx
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error { leaked = tx; return nil }))
	_, err = leaked.Event(ev.ID())
	require.ErrorIs(t, err, ledger.ErrStore)
	require.ErrorIs(t, leaked.SetHeld("e", "c", 1), ledger.ErrStore)

	bad := *tks[0]
	bad.Updated = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	noHolder := *tks[0]
	noHolder.Holder = nil
	noMerchant := *tks[0]
	noMerchant.Merchant = &ecdsa.PublicKey{}
	cases := []struct {
		name string
		fn   func(tx ledger.Tx) error
	}{
		{"PutEvent without an event", func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{}) }},
		{"PutEvent of the zero Event", func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{Event: &ticket.Event{}}) }},
		{"Append of a nil ticket", func(tx ledger.Tx) error { return tx.Append(nil, recs[0]) }},
		{"Append of a nil record", func(tx ledger.Tx) error { return tx.Append(tks[0], nil) }},
		{"Append of a record without a request", func(tx ledger.Tx) error { return tx.Append(tks[0], &ticket.Record{}) }},
		{"Append of a ticket without a holder", func(tx ledger.Tx) error { return tx.Append(&noHolder, recs[0]) }},
		{"Append of a ticket without a merchant", func(tx ledger.Tx) error { return tx.Append(&noMerchant, recs[0]) }},
		{"Append of a time out of range", func(tx ledger.Tx) error { return tx.Append(&bad, recs[0]) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var inner error
			err := s.Update(ctx, func(tx ledger.Tx) error { inner = c.fn(tx); return inner })
			require.ErrorIs(t, inner, ledger.ErrStore)
			require.Same(t, inner, err)
		})
	}
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		_, err := tx.Ticket(tks[0].Event, tks[0].Serial)
		require.ErrorIs(t, err, ledger.ErrNotFound)
		return nil
	}))

	t.Run("canceled context", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		require.ErrorIs(t, s.Update(c, func(ledger.Tx) error { return nil }), context.Canceled)
		require.ErrorIs(t, s.View(c, func(ledger.Tx) error { return nil }), context.Canceled)
	})
}

// TestEventEncodingFixed checks that PutEvent cannot change a stored
// event's encoding, and that such an Update writes nothing.
func TestEventEncodingFixed(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, 4)
	f := ledgertest.NewFixture(t, 1)
	m := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	a, b := m.NewEvent(t, "same", 5), m.NewEvent(t, "same", 6)
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{Event: a}) }))
	err := s.Update(ctx, func(tx ledger.Tx) error {
		if err := tx.SetHeld("same", "someone", 1); err != nil {
			return err
		}
		return tx.PutEvent(ledger.EventState{Event: b, Sold: 1})
	})
	require.ErrorIs(t, err, ledger.ErrStore)
	require.ErrorContains(t, err, "stored with other terms")
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		es, err := tx.Event("same")
		require.NoError(t, err)
		require.Equal(t, a.Bytes(), es.Event.Bytes())
		require.Zero(t, es.Sold)
		n, err := tx.Held("same", "someone")
		require.NoError(t, err)
		require.Zero(t, n)
		return nil
	}))
}

// TestColumns checks that a ticket is stored a column per field of its
// state after its latest record, and comes back the same, zero times and
// all; and that ids are bytes, NUL and invalid UTF-8 included.
func TestColumns(t *testing.T) {
	ctx := context.Background()
	ev, tks, recs := sample(t)
	s := openStore(t, 4)
	zero := *tks[0]
	zero.Serial, zero.Issued, zero.Updated = "zero", time.Time{}, time.Time{}
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		if err := tx.PutEvent(ledger.EventState{Event: ev, Sold: 1, Serials: 1<<64 - 1}); err != nil {
			return err
		}
		for i := range tks {
			if err := tx.Append(tks[i], recs[i]); err != nil {
				return err
			}
		}
		return tx.Append(&zero, recs[0])
	}))
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		es, err := tx.Event(ev.ID())
		require.NoError(t, err)
		require.Equal(t, uint64(1<<64-1), es.Serials)
		got, err := tx.Ticket(tks[2].Event, tks[2].Serial)
		require.NoError(t, err)
		ledgertest.RequireSameTicket(t, tks[2], got)
		got, err = tx.Ticket(zero.Event, zero.Serial)
		require.NoError(t, err)
		ledgertest.RequireSameTicket(t, &zero, got)
		require.True(t, got.Issued.IsZero() && got.Updated.IsZero())
		stored, err := tx.Records(tks[2].Event, tks[2].Serial)
		require.NoError(t, err)
		require.Len(t, stored, 3)
		for i := range recs {
			require.Equal(t, recs[i].Bytes(), stored[i].Bytes())
		}
		return nil
	}))

	var (
		merchant, holder, holderID, payeeHash, head []byte
		state, payeeVersion                         int16
		age, price, listPrice                       int64
		issued, updated                             *int64
		idx                                         []int32
	)
	q := fmt.Sprintf(`SELECT merchant, holder, holder_id, state, age, price, list_price, payee_version, payee_hash,
		issued, updated, head FROM %s.ledger_tickets WHERE event = $1 AND serial = $2`, pgx.Identifier{s.Schema()}.Sanitize())
	want := tks[2]
	require.NoError(t, server.admin.QueryRow(ctx, q, []byte(want.Event), []byte(want.Serial)).Scan(&merchant, &holder,
		&holderID, &state, &age, &price, &listPrice, &payeeVersion, &payeeHash, &issued, &updated, &head))
	require.Equal(t, want.Merchant.Bytes(), merchant)
	require.Len(t, merchant, 33)
	require.Equal(t, want.Holder.Bytes(), holder)
	require.Equal(t, want.Holder.ID(), string(holderID))
	require.Equal(t, int16(ticket.Transferred), state)
	require.Equal(t, int64(1), age)
	require.Equal(t, int64(ledgertest.ResalePrice), price)
	require.Zero(t, listPrice)
	require.NotNil(t, issued)
	require.Equal(t, want.Issued.UnixNano(), *issued)
	require.Equal(t, want.Updated.UnixNano(), *updated)
	require.Equal(t, want.Head[:], head)
	rows, err := server.admin.Query(ctx, fmt.Sprintf(`SELECT idx FROM %s.ledger_records WHERE event = $1 AND serial = $2 ORDER BY idx`,
		pgx.Identifier{s.Schema()}.Sanitize()), []byte(want.Event), []byte(want.Serial))
	require.NoError(t, err)
	idx, err = pgx.CollectRows(rows, pgx.RowTo[int32])
	require.NoError(t, err)
	require.Equal(t, []int32{0, 1, 2}, idx)
	require.NoError(t, server.admin.QueryRow(ctx, q, []byte(zero.Event), []byte(zero.Serial)).Scan(&merchant, &holder,
		&holderID, &state, &age, &price, &listPrice, &payeeVersion, &payeeHash, &issued, &updated, &head))
	require.Nil(t, issued)
	require.Nil(t, updated)

	// Ids are bytes.
	odd := []string{"a\x00b", "\xff\xfe", "", "ü"}
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		for i, id := range odd {
			if err := tx.SetHeld(id, id, i+1); err != nil {
				return err
			}
			if err := tx.SetStanding(id, ticket.Standing{Reputation: int64(-i), Transfers: uint32(i)}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		for i, id := range odd {
			n, err := tx.Held(id, id)
			require.NoError(t, err)
			require.Equal(t, i+1, n)
			st, ok, err := tx.Standing(id)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, ticket.Standing{Reputation: int64(-i), Transfers: uint32(i)}, st)
			_, err = tx.Ticket(id, id)
			require.ErrorIs(t, err, ledger.ErrNotFound)
			_, err = tx.Event(id)
			require.ErrorIs(t, err, ledger.ErrNotFound)
		}
		return nil
	}))
}

// TestCorrupt checks that rows the Store cannot have written are reported
// as ledger.ErrStore, with the tables' CHECK constraints dropped so that
// the Store's own checks are reached.
func TestCorrupt(t *testing.T) {
	ctx := context.Background()
	ev, tks, recs := sample(t)
	cases := []struct {
		name, sql string
		read      func(tx ledger.Tx) error
	}{
		{"event encoding", `UPDATE %s.ledger_events SET encoding = '\x00'`, readEvent},
		{"event of another id", `UPDATE %s.ledger_events SET id = 'other'`, func(tx ledger.Tx) error { _, err := tx.Event("other"); return err }},
		{"sold", `UPDATE %s.ledger_events SET sold = 4294967296`, readEvent},
		{"serials", `UPDATE %s.ledger_events SET serials = 18446744073709551616`, readEvent},
		{"ticket merchant", `UPDATE %s.ledger_tickets SET merchant = '\x02'`, readTicket},
		{"ticket holder", `UPDATE %s.ledger_tickets SET holder = '\x00'`, readTicket},
		{"ticket holder id", `UPDATE %s.ledger_tickets SET holder_id = 'someone'`, readTicket},
		{"ticket state", `UPDATE %s.ledger_tickets SET state = 256`, readTicket},
		{"ticket payee version", `UPDATE %s.ledger_tickets SET payee_version = -1`, readTicket},
		{"ticket age", `UPDATE %s.ledger_tickets SET age = -1`, readTicket},
		{"ticket head", `UPDATE %s.ledger_tickets SET head = '\x00'`, readTicket},
		{"ticket payee hash", `UPDATE %s.ledger_tickets SET payee_hash = '\x00'`, readTicket},
		{"record", `UPDATE %s.ledger_records SET encoding = '\x00'`, func(tx ledger.Tx) error {
			_, err := tx.Records(tks[0].Event, tks[0].Serial)
			return err
		}},
		{"standing", `UPDATE %s.ledger_standings SET transfers = -1`, func(tx ledger.Tx) error {
			_, _, err := tx.Standing("c")
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t, 2)
			schema := pgx.Identifier{s.Schema()}.Sanitize()
			_, err := server.admin.Exec(ctx, fmt.Sprintf(`DO $$ DECLARE r record; BEGIN
				FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
					WHERE connamespace = %s::regnamespace AND contype = 'c' LOOP
					EXECUTE format('ALTER TABLE %%s DROP CONSTRAINT %%I', r.t, r.conname);
				END LOOP; END $$`, quoteLiteral(s.Schema())))
			require.NoError(t, err)
			require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
				if err := tx.PutEvent(ledger.EventState{Event: ev}); err != nil {
					return err
				}
				if err := tx.SetStanding("c", ticket.Standing{}); err != nil {
					return err
				}
				return tx.Append(tks[0], recs[0])
			}))
			require.NoError(t, s.View(ctx, func(tx ledger.Tx) error { // intact
				return errors.Join(readEvent(tx), readTicket(tx))
			}))
			_, err = server.admin.Exec(ctx, fmt.Sprintf(c.sql, schema))
			require.NoError(t, err)
			require.ErrorIs(t, s.View(ctx, c.read), ledger.ErrStore)
			require.ErrorIs(t, s.Update(ctx, c.read), ledger.ErrStore)
		})
	}
}

func readEvent(tx ledger.Tx) error { _, err := tx.Event("sample"); return err }

func readTicket(tx ledger.Tx) error { _, err := tx.Ticket("sample", "1"); return err }

func quoteLiteral(s string) string { return "'" + s + "'" }

// TestLocks checks that Updates that read and write one row are
// serialized, when the row exists and when it does not yet: 64 goroutines
// over two Stores (two pools, as two processes would have) each add one to
// held counts and a standing that start out missing, read-modify-write,
// and no increment is lost.
func TestLocks(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	var stores []*postgres.Store
	for range 2 {
		s, err := postgres.Open(ctx, newPool(t, schema, 32))
		require.NoError(t, err)
		stores = append(stores, s)
	}
	const workers, rounds = 64, 8
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%2]
		wg.Go(func() {
			for r := range rounds {
				err := s.Update(ctx, func(tx ledger.Tx) error {
					key := strconv.Itoa(r % 2)
					n, err := tx.Held("e", key)
					if err != nil {
						return err
					}
					st, _, err := tx.Standing("c")
					if err != nil {
						return err
					}
					if err := tx.SetHeld("e", key, n+1); err != nil {
						return err
					}
					st.Reputation++
					return tx.SetStanding("c", st)
				})
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, stores[1].View(ctx, func(tx ledger.Tx) error {
		for _, key := range []string{"0", "1"} {
			n, err := tx.Held("e", key)
			require.NoError(t, err)
			require.Equal(t, workers*rounds/2, n)
		}
		st, ok, err := tx.Standing("c")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(workers*rounds), st.Reputation)
		return nil
	}))
}

// TestDeadlock makes two Updates lock two rows in opposite orders, so that
// PostgreSQL aborts one with a deadlock, and checks that Update runs its
// function again and both commit.
func TestDeadlock(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, 4)
	var (
		runs    atomic.Int32
		barrier sync.WaitGroup
		wg      sync.WaitGroup
	)
	barrier.Add(2)
	first := [2]atomic.Bool{}
	for i, order := range [][2]string{{"a", "b"}, {"b", "a"}} {
		wg.Go(func() {
			err := s.Update(ctx, func(tx ledger.Tx) error {
				runs.Add(1)
				n, err := tx.Held("e", order[0])
				if err != nil {
					return err
				}
				if !first[i].Swap(true) {
					// Both hold their first lock before either asks for
					// its second.
					barrier.Done()
					barrier.Wait()
				}
				m, err := tx.Held("e", order[1])
				if err != nil {
					return err
				}
				if err := tx.SetHeld("e", order[0], n+1); err != nil {
					return err
				}
				return tx.SetHeld("e", order[1], m+1)
			})
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.GreaterOrEqual(t, runs.Load(), int32(3), "one of the functions ran again")
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		for _, k := range []string{"a", "b"} {
			n, err := tx.Held("e", k)
			require.NoError(t, err)
			require.Equal(t, 2, n)
		}
		return nil
	}))
}
