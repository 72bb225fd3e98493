package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// race applies every record from a goroutine of its own, all released at
// once, and returns each one's outcome.
func race(m *Market, recs []*ticket.Record) ([]*ticket.Ticket, []error) {
	tks, errs := make([]*ticket.Ticket, len(recs)), make([]error, len(recs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, rec := range recs {
		b := rec.Bytes()
		wg.Go(func() {
			<-start
			tks[i], errs[i] = m.Ledger.Apply(context.Background(), b)
		})
	}
	close(start)
	wg.Wait()
	return tks, errs
}

// winners returns the indexes of the records applied, and requires every
// other to be refused with an error matching one of want.
func winners(t *testing.T, errs []error, want ...error) []int {
	t.Helper()
	var won []int
	refused := make([]int, len(want))
	for i, err := range errs {
		if err == nil {
			won = append(won, i)
			continue
		}
		k := slices.IndexFunc(want, func(w error) bool { return errors.Is(err, w) })
		require.True(t, k >= 0, "record %d refused with %v, want one of %v", i, err, want)
		refused[k]++
	}
	t.Logf("%d applied; refused %v with %q", len(won), refused, want)
	return won
}

func (s *suite) testConcurrency(t *testing.T) {
	ctx := context.Background()
	users := s.f.Users

	t.Run("one ticket", func(t *testing.T) {
		// Transfers of one listing to many buyers, and the holder's
		// delisting, all signed against the same head: exactly one is
		// applied, and every other is refused with ErrStale, whether it
		// was checked before the winner's transaction or after.
		m := s.market(t)
		n := short(4, 16)
		holder := users[0]
		for round := range short(2, 4) {
			event := fmt.Sprintf("round-%d", round)
			m.Publish(t, event, 2)
			tk := m.List(t, m.Buy(t, holder, event))
			recs := []*ticket.Record{m.SignDelist(t, tk)}
			for _, buyer := range users[1 : n+1] {
				recs = append(recs, m.SignTransfer(t, tk, buyer))
			}
			tks, errs := race(m, recs)
			won := winners(t, errs, ledger.ErrStale)
			require.Len(t, won, 1, "round %d: records applied to one head", round)
			got, stored, err := m.Ledger.Ticket(ctx, event, tk.Serial)
			require.NoError(t, err)
			RequireSameTicket(t, tks[won[0]], got)
			require.Len(t, stored, 3)
			require.Equal(t, recs[won[0]].Bytes(), stored[2].Bytes())
			want := holder
			if won[0] > 0 {
				want = users[won[0]]
			}
			require.Equal(t, want.ID(), got.Holder.ID())
		}
		m.Audit(t)
	})

	t.Run("one certificate", func(t *testing.T) {
		// One buyer's purchases of different serials, each signed while
		// the buyer held nothing, exceed the per-certificate limit:
		// exactly limit are applied, every other is refused with
		// ErrLimit.
		const lim = 3
		m := s.market(t, limit(lim))
		m.Publish(t, "concert", 64)
		u := users[0]
		var recs []*ticket.Record
		for range short(8, 16) {
			recs = append(recs, m.SignBuy(t, u, "concert", m.Allocate(t, "concert")))
		}
		_, errs := race(m, recs)
		require.Len(t, winners(t, errs, ticket.ErrLimit), lim)
		n, err := m.Ledger.Held(ctx, "concert", u.ID())
		require.NoError(t, err)
		require.Equal(t, lim, n)
		require.Equal(t, lim, m.Audit(t))
	})

	t.Run("last seats", func(t *testing.T) {
		// More buyers than seats, each with a serial of its own: exactly
		// the capacity is sold, every other buyer is refused with
		// ErrSoldOut, and no serial is sold twice.
		capacity, buyers := short(3, 8), short(8, 24)
		m := s.market(t)
		m.Publish(t, "concert", uint32(capacity))
		var recs []*ticket.Record
		for _, u := range users[:buyers] {
			recs = append(recs, m.SignBuy(t, u, "concert", m.Allocate(t, "concert")))
		}
		tks, errs := race(m, recs)
		won := winners(t, errs, ledger.ErrSoldOut)
		require.Len(t, won, capacity)
		seen := map[string]bool{}
		for _, i := range won {
			require.False(t, seen[tks[i].Serial], "serial %s sold twice", tks[i].Serial)
			seen[tks[i].Serial] = true
			got, _, err := m.Ledger.Ticket(ctx, "concert", tks[i].Serial)
			require.NoError(t, err)
			require.Equal(t, users[i].ID(), got.Holder.ID())
		}
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, uint32(capacity), es.Sold)
		require.Equal(t, capacity, m.Audit(t))
		_, err = m.Ledger.AllocateSerial(ctx, "concert")
		require.ErrorIs(t, err, ledger.ErrSoldOut)
	})

	t.Run("one serial", func(t *testing.T) {
		// Many buyers of one serial: exactly one is applied, every other
		// is refused with ErrSerial.
		m := s.market(t)
		m.Publish(t, "concert", 5)
		serial := m.Allocate(t, "concert")
		var recs []*ticket.Record
		for _, u := range users[:short(6, 16)] {
			recs = append(recs, m.SignBuy(t, u, "concert", serial))
		}
		tks, errs := race(m, recs)
		won := winners(t, errs, ledger.ErrSerial)
		require.Len(t, won, 1)
		got, stored, err := m.Ledger.Ticket(ctx, "concert", serial)
		require.NoError(t, err)
		require.Len(t, stored, 1)
		RequireSameTicket(t, tks[won[0]], got)
		require.Equal(t, 1, m.Audit(t))
	})

	t.Run("serials", func(t *testing.T) {
		// Serials allocated from many goroutines are distinct and are
		// exactly 1 to the number allocated.
		m := s.market(t)
		m.Publish(t, "concert", 5)
		g, k := short(4, 8), short(8, 25)
		got := make([][]string, g)
		errs := make([]error, g)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range g {
			wg.Go(func() {
				<-start
				for range k {
					s, err := m.Ledger.AllocateSerial(ctx, "concert")
					if err != nil {
						errs[i] = err
						return
					}
					got[i] = append(got[i], s)
				}
			})
		}
		close(start)
		wg.Wait()
		seen := map[string]bool{}
		for i := range g {
			require.NoError(t, errs[i])
			for _, s := range got[i] {
				require.False(t, seen[s], "serial %s handed out twice", s)
				seen[s] = true
			}
		}
		for n := 1; n <= g*k; n++ {
			require.True(t, seen[strconv.Itoa(n)], "serial %d not handed out", n)
		}
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, uint64(g*k), es.Serials)
	})

	t.Run("standing", func(t *testing.T) {
		// A seller's listing of one ticket races the transfer of another,
		// which changes the seller's standing the listing relied on: the
		// transfer is applied; the listing is applied if it came first and
		// refused with ErrStanding otherwise.
		m := s.market(t)
		rounds, late := short(3, 8), 0
		for r := range rounds {
			a, b := fmt.Sprintf("a-%d", r), fmt.Sprintf("b-%d", r)
			m.Publish(t, a, 2)
			m.Publish(t, b, 2)
			seller, buyer := users[2*r], users[2*r+1]
			listed := m.List(t, m.Buy(t, seller, a))
			other := m.Buy(t, seller, b)
			transfer, list := m.SignTransfer(t, listed, buyer), m.SignList(t, other, ResalePrice)
			// Which goroutine starts first alternates.
			var errs []error
			if r%2 == 0 {
				_, errs = race(m, []*ticket.Record{transfer, list})
			} else {
				_, errs = race(m, []*ticket.Record{list, transfer})
				slices.Reverse(errs)
			}
			require.NoError(t, errs[0])
			if errs[1] != nil {
				require.ErrorIs(t, errs[1], ledger.ErrStanding)
				late++
			}
		}
		t.Logf("the listing came after the transfer in %d of %d rounds", late, rounds)
		m.Audit(t)
	})

	t.Run("cancellation", func(t *testing.T) {
		// Buys timed before and after a cancellation race it: either the
		// cancellation is applied and every buy timed at or after it is
		// refused with ErrCancelled, or a buy timed after it came first
		// and the cancellation is refused with ErrTime. Either way every
		// ticket replays with the cancellations the ledger holds.
		s.cancels(t)
		m := s.market(t)
		rounds, refused := short(2, 4), 0
		for r := range rounds {
			event := fmt.Sprintf("round-%d", r)
			m.PublishTerms(t, s.f.RuledTerms(event, 40))
			var recs []*ticket.Record
			for _, u := range users[:short(6, 12)] {
				recs = append(recs, m.SignBuy(t, u, event, m.Allocate(t, event)))
			}
			c := m.SignCancel(t, event, recs[len(recs)/2].Time)
			var cerr error
			start := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				<-start
				_, cerr = m.Ledger.Cancel(ctx, c.Bytes())
			})
			close(start)
			tks, errs := race(m, recs)
			wg.Wait()
			if cerr == nil {
				m.mu.Lock()
				m.cancellations = append(m.cancellations, c)
				m.mu.Unlock()
			} else {
				require.ErrorIs(t, cerr, ticket.ErrTime)
				refused++
			}
			late := false
			for i, rec := range recs {
				after := !rec.Time.Before(c.Time())
				switch {
				case errs[i] == nil:
					require.NotNil(t, tks[i])
					require.True(t, cerr != nil || !after, "buy %d timed after the cancellation applied", i)
					late = late || after
				default:
					require.True(t, after, "buy %d timed before the cancellation refused: %v", i, errs[i])
					require.ErrorIs(t, errs[i], ticket.ErrCancelled)
				}
			}
			require.Equal(t, cerr != nil, late)
		}
		t.Logf("the cancellation was refused in %d of %d rounds", refused, rounds)
		m.Audit(t)
	})
}
