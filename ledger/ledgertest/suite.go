package ledgertest

import (
	"context"
	"errors"
	"testing"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// TestStore runs the conformance suite against a Store implementation:
// open returns a fresh, empty store each time it is called (the suite calls
// it once per subtest and never closes a store; open may register cleanup
// with t). The suite checks the Store contract directly and then every rule
// and refusal of a Ledger over the store: events and serials, the
// cross-ticket facts, the event's terms, cancellations and refunds, the
// held counts and standings per record kind, malformed input, and records
// racing from many goroutines, after which every ticket must replay to its
// stored state and every counter must be what the records imply. The cases
// of cancellations are skipped when the store's transactions do not
// implement ledger.CancellationTx. With -short it runs smaller races; it
// makes at most a few thousand Apply calls in all.
func TestStore(t *testing.T, open func(t *testing.T) ledger.Store) {
	f := NewFixture(t, users)
	s := &suite{f: f, open: open}
	t.Run("Store", s.testStore)
	t.Run("CancellationTx", s.testCancellationTx)
	t.Run("Publish", s.testPublish)
	t.Run("AllocateSerial", s.testAllocate)
	t.Run("Facts", s.testFacts)
	t.Run("Apply", s.testApply)
	t.Run("Terms", s.testTerms)
	t.Run("Cancel", s.testCancel)
	t.Run("Counts", s.testCounts)
	t.Run("Malformed", s.testMalformed)
	t.Run("Concurrency", s.testConcurrency)
}

// users is the number of users of the suite's fixture: enough for the
// largest race.
const users = 24

type suite struct {
	f    *Fixture
	open func(t *testing.T) ledger.Store
}

// market returns a Market over a fresh store under the fixture's Config,
// edited by each of edits.
func (s *suite) market(t *testing.T, edits ...func(*ledger.Config)) *Market {
	t.Helper()
	cfg := s.f.Config()
	for _, e := range edits {
		e(&cfg)
	}
	return s.f.NewMarket(t, s.open(t), cfg)
}

// limit sets the policy's per-certificate limit.
func limit(n int) func(*ledger.Config) {
	return func(c *ledger.Config) { c.Policy.PerCertificateLimit = n }
}

// short returns a when testing.Short, b otherwise.
func short(a, b int) int {
	if testing.Short() {
		return a
	}
	return b
}

var errRollback = errors.New("ledgertest: roll back")

// testStore checks the Store contract itself, with values made by a Market
// over a MemStore and written to the store under test through its Tx.
func (s *suite) testStore(t *testing.T) {
	ctx := context.Background()
	src := s.f.NewMarket(t, ledger.NewMemStore(), s.f.Config())
	ev := src.Publish(t, "store", 4)
	u := s.f.Users[0]
	tk := []*ticket.Ticket{}
	recs := []*ticket.Record{}
	step := func(rec *ticket.Record) {
		tk = append(tk, src.Apply(t, rec))
		recs = append(recs, rec)
	}
	step(src.SignBuy(t, u, "store", src.Allocate(t, "store")))
	step(src.SignList(t, tk[0], ResalePrice))
	step(src.SignDelist(t, tk[1]))
	step(src.SignList(t, tk[2], ResalePrice))
	id, serial := tk[0].Event, tk[0].Serial

	// write stores the event, the first n records and the counters in
	// one transaction.
	write := func(tx ledger.Tx, n int) error {
		if err := tx.PutEvent(ledger.EventState{Event: ev, Sold: 1, Serials: 2}); err != nil {
			return err
		}
		for i := range n {
			if err := tx.Append(tk[i], recs[i]); err != nil {
				return err
			}
		}
		if err := tx.SetHeld(id, u.ID(), 1); err != nil {
			return err
		}
		return tx.SetStanding(u.ID(), ticket.Standing{Reputation: -7, Transfers: 3})
	}
	// requireWritten checks what write stored.
	requireWritten := func(t *testing.T, st ledger.Store, n int) {
		t.Helper()
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			es, err := tx.Event("store")
			require.NoError(t, err)
			require.Equal(t, ev.Bytes(), es.Event.Bytes())
			require.Equal(t, uint32(1), es.Sold)
			require.Equal(t, uint64(2), es.Serials)
			got, err := tx.Ticket(id, serial)
			require.NoError(t, err)
			RequireSameTicket(t, tk[n-1], got)
			stored, err := tx.Records(id, serial)
			require.NoError(t, err)
			require.Len(t, stored, n)
			for i, r := range stored {
				require.Equal(t, recs[i].Bytes(), r.Bytes(), "record %d", i)
			}
			h, err := tx.Held(id, u.ID())
			require.NoError(t, err)
			require.Equal(t, 1, h)
			sd, ok, err := tx.Standing(u.ID())
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, ticket.Standing{Reputation: -7, Transfers: 3}, sd)
			return nil
		}))
	}
	// requireEmpty checks that nothing of write's is stored.
	requireEmpty := func(t *testing.T, st ledger.Store) {
		t.Helper()
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			_, err := tx.Event("store")
			require.ErrorIs(t, err, ledger.ErrNotFound)
			_, err = tx.Ticket(id, serial)
			require.ErrorIs(t, err, ledger.ErrNotFound)
			got, err := tx.Records(id, serial)
			require.NoError(t, err)
			require.Empty(t, got)
			h, err := tx.Held(id, u.ID())
			require.NoError(t, err)
			require.Zero(t, h)
			_, ok, err := tx.Standing(u.ID())
			require.NoError(t, err)
			require.False(t, ok)
			return nil
		}))
	}

	t.Run("empty", func(t *testing.T) { requireEmpty(t, s.open(t)) })

	t.Run("Update commits", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error { return write(tx, len(recs)) }))
		requireWritten(t, st, len(recs))
	})

	t.Run("Update that fails writes nothing", func(t *testing.T) {
		st := s.open(t)
		err := st.Update(ctx, func(tx ledger.Tx) error {
			if err := write(tx, len(recs)); err != nil {
				return err
			}
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		requireEmpty(t, st)
		// Nor does it undo what was committed before.
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error { return write(tx, 2) }))
		err = st.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.Append(tk[2], recs[2]); err != nil {
				return err
			}
			if err := tx.SetHeld(id, u.ID(), 5); err != nil {
				return err
			}
			if err := tx.SetStanding(u.ID(), ticket.Standing{}); err != nil {
				return err
			}
			if err := tx.PutEvent(ledger.EventState{Event: ev, Sold: 4, Serials: 4}); err != nil {
				return err
			}
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		requireWritten(t, st, 2)
	})

	t.Run("View cannot write", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			require.Error(t, tx.PutEvent(ledger.EventState{Event: ev}))
			require.Error(t, tx.Append(tk[0], recs[0]))
			require.Error(t, tx.SetHeld(id, u.ID(), 1))
			require.Error(t, tx.SetStanding(u.ID(), ticket.Standing{Reputation: 1}))
			return nil
		}))
		requireEmpty(t, st)
		// A View returns fn's error.
		require.ErrorIs(t, st.View(ctx, func(ledger.Tx) error { return errRollback }), errRollback)
	})

	t.Run("Records in order", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error { return write(tx, 1) }))
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error { return tx.Append(tk[1], recs[1]) }))
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.Append(tk[2], recs[2]); err != nil {
				return err
			}
			return tx.Append(tk[3], recs[3])
		}))
		requireWritten(t, st, 4)
		// Another ticket's records are its own.
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			got, err := tx.Records(id, serial+"0")
			require.NoError(t, err)
			require.Empty(t, got)
			got, err = tx.Records("other", serial)
			require.NoError(t, err)
			require.Empty(t, got)
			return nil
		}))
	})

	t.Run("values are copies", func(t *testing.T) {
		st := s.open(t)
		// Values passed in are copied: changing them afterwards changes
		// nothing stored.
		in := *tk[0]
		rec, err := ticket.ParseRecord(recs[0].Bytes())
		require.NoError(t, err)
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.PutEvent(ledger.EventState{Event: ev, Sold: 1, Serials: 2}); err != nil {
				return err
			}
			return tx.Append(&in, rec)
		}))
		in.State, in.Head, in.Serial = ticket.Consumed, [32]byte{1}, "9"
		rec.MerchantSig[3] ^= 1
		rec.Request.Sig[3] ^= 1
		rec.Request.Serial = "9"
		rec.Tax = 99
		// Values returned are copies: changing them changes nothing
		// stored.
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			got, err := tx.Ticket(id, serial)
			require.NoError(t, err)
			RequireSameTicket(t, tk[0], got)
			got.State, got.Head, got.Age = ticket.Consumed, [32]byte{2}, 9
			stored, err := tx.Records(id, serial)
			require.NoError(t, err)
			require.Len(t, stored, 1)
			require.Equal(t, recs[0].Bytes(), stored[0].Bytes())
			stored[0].MerchantSig[0] ^= 1
			stored[0].Request.Sig[0] ^= 1
			stored[0].Request.Price++
			stored[0].Time = stored[0].Time.Add(1)
			stored[0] = nil
			es, err := tx.Event("store")
			require.NoError(t, err)
			es.Sold = 3
			return nil
		}))
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			got, err := tx.Ticket(id, serial)
			require.NoError(t, err)
			RequireSameTicket(t, tk[0], got)
			stored, err := tx.Records(id, serial)
			require.NoError(t, err)
			require.Len(t, stored, 1)
			require.Equal(t, recs[0].Bytes(), stored[0].Bytes())
			es, err := tx.Event("store")
			require.NoError(t, err)
			require.Equal(t, uint32(1), es.Sold)
			return nil
		}))
	})

	t.Run("PutEvent replaces counters", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{Event: ev}) }))
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error {
			es, err := tx.Event("store")
			if err != nil {
				return err
			}
			es.Sold, es.Serials = 2, 3
			return tx.PutEvent(es)
		}))
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			es, err := tx.Event("store")
			require.NoError(t, err)
			require.Equal(t, ev.Bytes(), es.Event.Bytes())
			require.Equal(t, uint32(2), es.Sold)
			require.Equal(t, uint64(3), es.Serials)
			// Another id is not found.
			_, err = tx.Event("store2")
			require.ErrorIs(t, err, ledger.ErrNotFound)
			return nil
		}))
	})

	t.Run("counters are per key", func(t *testing.T) {
		st := s.open(t)
		v := s.f.Users[1]
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.SetHeld(id, u.ID(), 2); err != nil {
				return err
			}
			if err := tx.SetHeld("other", v.ID(), 3); err != nil {
				return err
			}
			return tx.SetStanding(v.ID(), ticket.Standing{Reputation: -1 << 62, Transfers: 1<<32 - 1})
		}))
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			for _, c := range []struct {
				event, cert string
				want        int
			}{{id, u.ID(), 2}, {"other", v.ID(), 3}, {id, v.ID(), 0}, {"other", u.ID(), 0}} {
				n, err := tx.Held(c.event, c.cert)
				require.NoError(t, err)
				require.Equal(t, c.want, n, "held(%q, %q)", c.event, c.cert)
			}
			sd, ok, err := tx.Standing(v.ID())
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, ticket.Standing{Reputation: -1 << 62, Transfers: 1<<32 - 1}, sd)
			_, ok, err = tx.Standing(u.ID())
			require.NoError(t, err)
			require.False(t, ok)
			return nil
		}))
	})
}
