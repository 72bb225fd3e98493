package app

import (
	"context"
	"encoding/json"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// A memo holds at most two generations of its size, finds what it holds
// by the exact bytes, and keeps a value found in the older generation.
func TestMemo(t *testing.T) {
	var none *memo[int]
	none.put([]byte("a"), 1)
	_, ok := none.get([]byte("a"))
	require.False(t, ok)
	require.Zero(t, none.len())

	m := newMemo[int](2)
	m.put([]byte("a"), 1)
	m.put([]byte("b"), 2)
	m.put([]byte("c"), 3) // a, b become the older generation
	v, ok := m.get([]byte("a"))
	require.True(t, ok)
	require.Equal(t, 1, v)
	_, ok = m.get([]byte("ab"))
	require.False(t, ok)
	m.put([]byte("d"), 4) // c, a become the older; b is forgotten
	_, ok = m.get([]byte("b"))
	require.False(t, ok)
	for k, want := range map[string]int{"a": 1, "c": 3, "d": 4} {
		v, ok := m.get([]byte(k))
		require.True(t, ok, k)
		require.Equal(t, want, v, k)
	}
	require.LessOrEqual(t, m.len(), 4)
	for i := range 100 {
		m.put([]byte{byte(i)}, i)
		require.LessOrEqual(t, m.len(), 4)
	}
}

// A Store's decoded values are those of decoding, and what a caller gets
// is its own, whether the Store decoded it then or found it decoded:
// changing a ticket, its holder's certificate or an event it read leaves
// what the Store reads next unchanged.
func TestDecodedCopies(t *testing.T) {
	txs, cfg, tickets := history(t)
	db := dbm.NewMemDB()
	w := NewStore(db)
	deliver(t, w, cfg, txs, func(int) {})
	require.NoError(t, w.Flush())
	s := NewStore(db) // nothing decoded yet
	ctx := context.Background()
	read := func() (*ticket.Ticket, ledger.EventState) {
		var (
			tk *ticket.Ticket
			ev ledger.EventState
		)
		require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
			var err error
			if tk, err = tx.Ticket(tickets[0].Event, tickets[0].Serial); err != nil {
				return err
			}
			ev, err = tx.Event(tickets[0].Event)
			return err
		}))
		return tk, ev
	}
	var raw []byte
	require.NoError(t, s.View(ctx, func(tx ledger.Tx) error {
		var err error
		raw, err = tx.(*storeTx).get(TicketKey(tickets[0].Event, tickets[0].Serial))
		return err
	}))
	_, plain, err := decodeTicket(raw)
	require.NoError(t, err)
	otherEvent, err := ticket.ParseEvent(txs[1])
	require.NoError(t, err)

	var prevTk *ticket.Ticket
	var prevEv *ticket.Event
	for round := range 3 { // decoded, then found twice
		tk, ev := read()
		require.Equal(t, plain, tk, "round %d", round)
		require.Equal(t, txs[0], ev.Event.Bytes(), "round %d", round)
		require.Equal(t, 1, s.dec.tickets.len())
		require.Equal(t, 1, s.dec.events.len())
		if prevTk != nil {
			require.NotSame(t, prevTk, tk)
			require.NotSame(t, prevTk.Holder, tk.Holder)
			require.NotSame(t, prevEv, ev.Event)
		}
		// Change everything a caller can reach.
		tk.State, tk.Serial, tk.Head = ticket.Consumed, "changed", [32]byte{1}
		require.NoError(t, json.Unmarshal(must(json.Marshal(tickets[1].Holder)), tk.Holder))
		require.NotEqual(t, plain.Holder.Bytes(), tk.Holder.Bytes())
		require.NoError(t, json.Unmarshal(must(json.Marshal(otherEvent)), ev.Event))
		require.NotEqual(t, txs[0], ev.Event.Bytes())
		prevTk, prevEv = tk, ev.Event
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
