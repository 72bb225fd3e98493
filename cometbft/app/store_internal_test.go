package app

import (
	"context"
	"math"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
)

// history returns the transactions of a small market, events and records
// as a ledger accepted them, the configuration to apply them under (the
// validators') and the final tickets.
func history(t testing.TB) ([][]byte, ledger.Config, []*ticket.Ticket) {
	f := ledgertest.NewFixture(t, 3)
	cfg := f.Config()
	m := f.NewMarket(t, ledger.NewMemStore(), cfg)
	var txs [][]byte
	for _, id := range []string{"b-event", "a-event"} {
		txs = append(txs, m.Publish(t, id, 3).Bytes())
	}
	apply := func(rec *ticket.Record) *ticket.Ticket {
		txs = append(txs, rec.Bytes())
		return m.Apply(t, rec)
	}
	u, v, w := f.Users[0], f.Users[1], f.Users[2]
	one := apply(m.SignBuy(t, u, "b-event", m.Allocate(t, "b-event")))
	two := apply(m.SignBuy(t, v, "a-event", m.Allocate(t, "a-event")))
	one = apply(m.SignList(t, one, ledgertest.ResalePrice))
	one = apply(m.SignTransfer(t, one, w))
	two = apply(m.SignConsume(t, two))
	cfg.MerchantSerials = true // as on the validators
	return txs, cfg, []*ticket.Ticket{one, two}
}

// deliver applies txs to s, calling after(i) after the i-th.
func deliver(t *testing.T, s *Store, cfg ledger.Config, txs [][]byte, after func(i int)) {
	l, err := ledger.New(s, cfg)
	require.NoError(t, err)
	for i, tx := range txs {
		if hasDomain(tx, EventDomain) {
			_, err = l.Publish(context.Background(), tx)
		} else {
			_, err = l.Apply(context.Background(), tx)
		}
		require.NoError(t, err, "tx %d", i)
		after(i)
	}
}

// TestAppHash checks the app hash against its definition, computed here
// from every committed key and value (rebuild), and that it does not
// depend on which writes are still pending.
func TestAppHash(t *testing.T) {
	txs, cfg, _ := history(t)

	s := NewStore(dbm.NewMemDB())
	deliver(t, s, cfg, txs, func(int) {})
	want := rebuild(t, committedState(t, s))
	got, err := s.AppHash()
	require.NoError(t, err)
	require.Equal(t, want, got, "pending")

	// The same history flushed after every transaction, after every
	// second, and at the end.
	for _, every := range []int{1, 2, len(txs)} {
		s := NewStore(dbm.NewMemDB())
		deliver(t, s, cfg, txs, func(i int) {
			if (i+1)%every == 0 {
				require.NoError(t, s.Flush())
			}
		})
		got, err := s.AppHash()
		require.NoError(t, err)
		require.Equal(t, want, got, "flushed every %d", every)
		require.NoError(t, s.Flush())
		got, err = NewStore(s.db).AppHash()
		require.NoError(t, err)
		require.Equal(t, want, got, "flushed every %d, reloaded", every)
	}

	// The empty state.
	empty, err := NewStore(dbm.NewMemDB()).AppHash()
	require.NoError(t, err)
	require.Equal(t, rebuild(t, nil), empty)
}

// TestCorruptValues: stored values that do not decode are reported as
// failures of the store (ledger.ErrStore), never a panic.
func TestCorruptValues(t *testing.T) {
	txs, cfg, tickets := history(t)
	tk := tickets[0]
	good := NewStore(dbm.NewMemDB())
	deliver(t, good, cfg, txs, func(int) {})
	require.NoError(t, good.Flush())
	entry, err := good.db.Get(key(prefixTicket, tk.Event, tk.Serial))
	require.NoError(t, err)
	f := ledgertest.NewFixture(t, 1)
	other := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	other.Publish(t, "other", 2)
	otherCancel := other.SignCancel(t, "other", ledgertest.DoorsOpen).Bytes()
	cancelled := func(tx ledger.Tx) error { _, err := tx.(ledger.CancellationTx).Cancellation(tk.Event); return err }
	listed := func(tx ledger.Tx) error { _, err := tx.(ledger.CancellationTx).Tickets(tk.Event); return err }

	for _, c := range []struct {
		name string
		k, v []byte
		read func(tx ledger.Tx) error
	}{
		{"event", key(prefixEvent, tk.Event), []byte{1, 2, 3},
			func(tx ledger.Tx) error { _, err := tx.Event(tk.Event); return err }},
		{"event encoding", key(prefixEvent, tk.Event), make([]byte, 40),
			func(tx ledger.Tx) error { _, err := tx.Event(tk.Event); return err }},
		{"ticket", key(prefixTicket, tk.Event, tk.Serial), entry[:len(entry)-1],
			func(tx ledger.Tx) error { _, err := tx.Ticket(tk.Event, tk.Serial); return err }},
		{"ticket trailing", key(prefixTicket, tk.Event, tk.Serial), append(entry, 0),
			func(tx ledger.Tx) error { _, err := tx.Ticket(tk.Event, tk.Serial); return err }},
		{"ticket of another key", key(prefixTicket, tk.Event, "other"), entry,
			func(tx ledger.Tx) error { _, err := tx.Ticket(tk.Event, "other"); return err }},
		{"record", recordKey(tk.Event, tk.Serial, 1), []byte("not a record"),
			func(tx ledger.Tx) error { _, err := tx.Records(tk.Event, tk.Serial); return err }},
		{"held", key(prefixHeld, tk.Event, "user-0"), []byte{1},
			func(tx ledger.Tx) error { _, err := tx.Held(tk.Event, "user-0"); return err }},
		{"held range", key(prefixHeld, tk.Event, "user-0"), []byte{0xff, 0, 0, 0, 0, 0, 0, 0},
			func(tx ledger.Tx) error { _, err := tx.Held(tk.Event, "user-0"); return err }},
		{"standing", key(prefixStanding, "user-0"), []byte{1, 2},
			func(tx ledger.Tx) error { _, _, err := tx.Standing("user-0"); return err }},
		{"cancellation", key(prefixCancel, tk.Event), []byte("not a cancellation"), cancelled},
		{"cancellation of another event", key(prefixCancel, tk.Event), otherCancel, cancelled},
		{"ticket listed", key(prefixTicket, tk.Event, tk.Serial), entry[:len(entry)-1], listed},
		{"ticket listed under another key", key(prefixTicket, tk.Event, "other"), entry, listed},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := dbm.NewMemDB()
			s := NewStore(db)
			deliver(t, s, cfg, txs, func(int) {})
			require.NoError(t, s.Flush())
			require.NoError(t, db.Set(c.k, c.v))
			require.NotPanics(t, func() {
				require.ErrorIs(t, s.View(context.Background(), c.read), ledger.ErrStore)
			})
		})
	}
}

// TestStoreMisuse: a zero Store, a nil context and writes the ledger
// never makes are refused with errors.
func TestStoreMisuse(t *testing.T) {
	ctx := context.Background()
	nop := func(ledger.Tx) error { return nil }
	var zero Store
	require.ErrorIs(t, zero.Update(ctx, nop), ledger.ErrStore)
	require.ErrorIs(t, zero.View(ctx, nop), ledger.ErrStore)
	require.ErrorIs(t, zero.Flush(), ledger.ErrStore)
	var nilStore *Store
	require.ErrorIs(t, nilStore.View(ctx, nop), ledger.ErrStore)
	s := NewStore(dbm.NewMemDB())
	//lint:ignore SA1012 a nil context is what is tested
	require.ErrorIs(t, s.View(nil, nop), ledger.ErrStore)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.Update(cancelled, nop), context.Canceled)

	_, _, tickets := history(t)
	tk := tickets[0]
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		require.ErrorIs(t, tx.PutEvent(ledger.EventState{}), ledger.ErrStore)
		require.ErrorIs(t, tx.Append(nil, nil), ledger.ErrStore)
		require.ErrorIs(t, tx.Append(tk, &ticket.Record{}), ledger.ErrStore)
		require.ErrorIs(t, tx.SetHeld("e", "c", -1), ledger.ErrStore)
		require.ErrorIs(t, tx.(ledger.CancellationTx).PutCancellation(nil), ledger.ErrStore)
		require.ErrorIs(t, tx.(ledger.CancellationTx).PutCancellation(&ticket.Cancellation{}), ledger.ErrStore)
		return nil
	}))
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		require.ErrorIs(t, tx.SetStanding("c", ticket.Standing{}), ledger.ErrStore)
		return nil
	}))

	// Writes the ledger never makes: another event under a stored id, a
	// record appended to another ticket, and a record past the last index.
	txs, cfg, _ := history(t)
	deliver(t, s, cfg, txs, func(int) {})
	f := ledgertest.NewFixture(t, 1)
	other := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	again := other.NewEvent(t, tk.Event, 9)
	sold := other.Publish(t, "sold", 2)
	rec := other.SignBuy(t, f.Users[0], "sold", other.Allocate(t, "sold"))
	next := other.Apply(t, rec)
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		require.ErrorIs(t, tx.PutEvent(ledger.EventState{Event: again}), ledger.ErrStore)
		require.NoError(t, tx.PutEvent(ledger.EventState{Event: sold}))
		require.ErrorIs(t, tx.Append(tk, rec), ledger.ErrStore)
		// A second cancellation of an event.
		c := other.SignCancel(t, "sold", ledgertest.DoorsOpen)
		require.NoError(t, tx.(ledger.CancellationTx).PutCancellation(c))
		require.ErrorIs(t, tx.(ledger.CancellationTx).PutCancellation(c), ledger.ErrStore)
		return nil
	}))
	full, err := encodeTicket(math.MaxUint32, next)
	require.NoError(t, err)
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		return tx.(*storeTx).set(key(prefixTicket, next.Event, next.Serial), full)
	}))
	require.NoError(t, s.Update(ctx, func(tx ledger.Tx) error {
		require.ErrorIs(t, tx.Append(next, rec), ledger.ErrStore)
		return nil
	}))
	// Times a record cannot carry are not written.
	for _, at := range []time.Time{{}, tk.Updated.AddDate(-3000, 0, 0)} {
		bad := *tk
		bad.Updated = at
		_, err := encodeTicket(1, &bad)
		require.Error(t, err, "%v", at)
	}
	bad := *tk
	bad.Holder = nil
	_, err = encodeTicket(1, &bad)
	require.Error(t, err)
}

func FuzzDecodeTicket(f *testing.F) {
	_, _, tickets := history(f)
	for _, tk := range tickets {
		b, err := encodeTicket(3, tk)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, tk, err := decodeTicket(b)
		if err != nil {
			return
		}
		again, err := encodeTicket(n, tk)
		if err != nil {
			return // a time outside the encodable range decodes but is not written
		}
		require.Equal(t, b, again)
	})
}
