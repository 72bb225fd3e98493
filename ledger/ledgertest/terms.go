package ledgertest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// cancels skips t when the store's transactions do not keep cancellations.
func (s *suite) cancels(t *testing.T) {
	t.Helper()
	var ok bool
	err := s.open(t).View(context.Background(), func(tx ledger.Tx) error {
		_, ok = tx.(ledger.CancellationTx)
		return nil
	})
	require.NoError(t, err)
	if !ok {
		t.Skip("the store's transactions do not implement ledger.CancellationTx")
	}
}

// testCancellationTx checks the contract of CancellationTx directly, with
// values made by a Market over a MemStore.
func (s *suite) testCancellationTx(t *testing.T) {
	s.cancels(t)
	ctx := context.Background()
	src := s.f.NewMarket(t, ledger.NewMemStore(), s.f.Config())
	ev := src.Publish(t, "store", 4)
	a := src.Buy(t, s.f.Users[0], "store")
	b := src.List(t, src.Buy(t, s.f.Users[1], "store"))
	other := src.Publish(t, "other", 4)
	o := src.Buy(t, s.f.Users[0], "other")
	c := src.SignCancel(t, "store", DoorsOpen)
	recs := func(tk *ticket.Ticket) []*ticket.Record {
		_, rs, err := src.Ledger.Ticket(ctx, tk.Event, tk.Serial)
		require.NoError(t, err)
		return rs
	}
	write := func(tx ledger.Tx) error {
		for _, e := range []*ticket.Event{ev, other} {
			if err := tx.PutEvent(ledger.EventState{Event: e}); err != nil {
				return err
			}
		}
		for _, tk := range []*ticket.Ticket{a, b, o} {
			for _, r := range recs(tk) {
				if err := tx.Append(tk, r); err != nil {
					return err
				}
			}
		}
		return tx.(ledger.CancellationTx).PutCancellation(c)
	}
	serials := func(tks []*ticket.Ticket) []string {
		var out []string
		for _, tk := range tks {
			out = append(out, tk.Serial)
		}
		slices.Sort(out)
		return out
	}
	requireWritten := func(t *testing.T, st ledger.Store) {
		t.Helper()
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			ctx := tx.(ledger.CancellationTx)
			got, err := ctx.Cancellation("store")
			require.NoError(t, err)
			require.Equal(t, c.Bytes(), got.Bytes())
			_, err = ctx.Cancellation("other")
			require.ErrorIs(t, err, ledger.ErrNotFound)
			tks, err := ctx.Tickets("store")
			require.NoError(t, err)
			require.Equal(t, []string{"1", "2"}, serials(tks))
			for _, tk := range tks {
				want := a
				if tk.Serial == b.Serial {
					want = b
				}
				RequireSameTicket(t, want, tk)
			}
			tks, err = ctx.Tickets("other")
			require.NoError(t, err)
			require.Len(t, tks, 1)
			RequireSameTicket(t, o, tks[0])
			return nil
		}))
	}
	requireEmpty := func(t *testing.T, st ledger.Store) {
		t.Helper()
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			ctx := tx.(ledger.CancellationTx)
			_, err := ctx.Cancellation("store")
			require.ErrorIs(t, err, ledger.ErrNotFound)
			tks, err := ctx.Tickets("store")
			require.NoError(t, err)
			require.Empty(t, tks)
			return nil
		}))
	}
	t.Run("empty", func(t *testing.T) { requireEmpty(t, s.open(t)) })
	t.Run("Update commits", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.Update(ctx, write))
		requireWritten(t, st)
	})
	t.Run("Update that fails writes nothing", func(t *testing.T) {
		st := s.open(t)
		err := st.Update(ctx, func(tx ledger.Tx) error {
			if err := write(tx); err != nil {
				return err
			}
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		requireEmpty(t, st)
	})
	t.Run("reads its writes", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.Update(ctx, func(tx ledger.Tx) error {
			if err := write(tx); err != nil {
				return err
			}
			got, err := tx.(ledger.CancellationTx).Cancellation("store")
			require.NoError(t, err)
			require.Equal(t, c.Bytes(), got.Bytes())
			tks, err := tx.(ledger.CancellationTx).Tickets("store")
			require.NoError(t, err)
			require.Equal(t, []string{"1", "2"}, serials(tks))
			return nil
		}))
	})
	t.Run("View cannot write", func(t *testing.T) {
		st := s.open(t)
		require.NoError(t, st.View(ctx, func(tx ledger.Tx) error {
			require.Error(t, tx.(ledger.CancellationTx).PutCancellation(c))
			return nil
		}))
		requireEmpty(t, st)
	})
}

// refuseOther has the first merchant sign a record under terms other than
// the ledger's (edit applied to RuledTerms of the event) and requires the
// ledger to refuse it with want. sign runs the transition with those terms
// in its facts.
func (s *suite) refuseOther(t *testing.T, m *Market, event string, edit func(*ticket.EventTerms),
	sign func(facts ticket.Facts) *ticket.Record, want error) {
	t.Helper()
	terms := s.f.RuledTerms(event, 5)
	edit(&terms)
	ev, err := ticket.NewEvent(s.f.Merchants[0], terms)
	require.NoError(t, err)
	refuse(t, m, sign(ticket.Facts{Seller: m.Config.InitialStanding, Event: ev}).Bytes(), want)
}

func (s *suite) testTerms(t *testing.T) {
	ctx := context.Background()
	u, v, w := s.f.Users[0], s.f.Users[1], s.f.Users[2]
	t.Run("ErrResaleCap", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		tk := m.Buy(t, u, "gala")
		// At the cap the listing and the transfer are accepted.
		listed := m.Apply(t, m.SignList(t, tk, ResaleCap))
		sold := m.Transfer(t, listed, v)
		require.Equal(t, ResaleCap, sold.Price)
		// Above it, a listing signed under uncapped terms is refused.
		tk = m.Buy(t, w, "gala")
		now := m.Tick()
		req, err := ticket.NewListRequest(w.Key, tk, ResaleCap+1, w.Cert.WID(), now)
		require.NoError(t, err)
		s.refuseOther(t, m, "gala", func(e *ticket.EventTerms) { e.ResaleCapBasisPoints = 0 },
			func(f ticket.Facts) *ticket.Record { return signed(t)(m.Merchants[0].List(tk, req, f, now)) },
			ticket.ErrResaleCap)
		m.Audit(t)
	})
	t.Run("ErrClosed resale", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		tk := m.Buy(t, u, "gala")
		listed := m.Apply(t, m.SignList(t, tk, FaceValue))
		m.SetClock(ResaleCutoff)
		now := m.Tick()
		req, err := ticket.NewTransferRequest(v.Key, v.Cert, listed, now)
		require.NoError(t, err)
		s.refuseOther(t, m, "gala", func(e *ticket.EventTerms) { e.ResaleCutoff = e.Start },
			func(f ticket.Facts) *ticket.Record { return signed(t)(m.Merchants[0].Transfer(listed, req, f, now)) },
			ticket.ErrClosed)
		// The holder may still delist.
		m.Delist(t, listed)
		m.Audit(t)
	})
	t.Run("ErrClosed admission", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		tk := m.Buy(t, u, "gala")
		now := m.Tick()
		req, err := ticket.NewConsumeRequest(u.Key, tk, now)
		require.NoError(t, err)
		early := *tk
		terms := s.f.RuledTerms("gala", 5)
		terms.DoorsOpen = time.Time{}
		early.Terms, err = ticket.NewEvent(s.f.Merchants[0], terms)
		require.NoError(t, err)
		refuse(t, m, signed(t)(m.Merchants[0].Consume(&early, req, now)).Bytes(), ticket.ErrClosed)
		m.SetClock(DoorsOpen)
		m.Consume(t, tk)
		m.Audit(t)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		tk := m.Buy(t, u, "gala")
		got, _, err := m.Ledger.Ticket(ctx, "gala", tk.Serial)
		require.NoError(t, err)
		require.Equal(t, ticket.Valid, got.StateAt(EventEnd.Add(-time.Nanosecond)))
		require.Equal(t, ticket.Expired, got.StateAt(EventEnd), "the ledger's ticket carries its terms")
		m.SetClock(EventEnd)
		now := m.Tick()
		req, err := ticket.NewConsumeRequest(u.Key, tk, now)
		require.NoError(t, err)
		longer := *tk
		terms := s.f.RuledTerms("gala", 5)
		terms.End = terms.End.Add(time.Hour)
		longer.Terms, err = ticket.NewEvent(s.f.Merchants[0], terms)
		require.NoError(t, err)
		refuse(t, m, signed(t)(m.Merchants[0].Consume(&longer, req, now)).Bytes(), ticket.ErrExpired)
		m.Audit(t)
	})
	t.Run("Return", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 2))
		init, reward := m.Config.InitialStanding, m.Config.Policy.PurchaseReward
		tk := m.Buy(t, u, "gala")
		m.Buy(t, v, "gala")
		_, err := m.Ledger.AllocateSerial(ctx, "gala")
		require.ErrorIs(t, err, ledger.ErrSoldOut)
		rec := m.SignReturn(t, tk)
		require.Equal(t, ReturnPenalty, rec.Tax)
		require.Equal(t, FaceValue-ReturnPenalty, rec.Payout)
		require.Equal(t, -reward, rec.SignerReputation)
		tk = m.Apply(t, rec)
		require.Equal(t, ticket.Returned, tk.State)
		es, err := m.Ledger.Event(ctx, "gala")
		require.NoError(t, err)
		require.Equal(t, uint32(1), es.Sold, "the seat is given back")
		held, err := m.Ledger.Held(ctx, "gala", u.ID())
		require.NoError(t, err)
		require.Zero(t, held)
		st, err := m.Ledger.Standing(ctx, u.ID())
		require.NoError(t, err)
		require.Equal(t, init, st, "the purchase reward is taken back")
		// The seat is sold again, under a new serial; u, holding none,
		// may buy it.
		again := m.Buy(t, u, "gala")
		require.NotEqual(t, tk.Serial, again.Serial)
		// A returned ticket is final.
		now := m.Tick()
		req, err := ticket.NewConsumeRequest(u.Key, tk, now)
		require.NoError(t, err)
		_, _, err = m.Merchants[0].Consume(tk, req, now)
		require.ErrorIs(t, err, ticket.ErrState)
		require.Equal(t, 3, m.Audit(t))
	})
	t.Run("Return with a corrupt sold count", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 2))
		tk := m.Buy(t, u, "gala")
		rec := m.SignReturn(t, tk)
		require.NoError(t, m.Store.Update(ctx, func(tx ledger.Tx) error {
			es, err := tx.Event("gala")
			if err != nil {
				return err
			}
			es.Sold = 0
			return tx.PutEvent(es)
		}))
		refuse(t, m, rec.Bytes(), ledger.ErrStore)
	})
	t.Run("Return refused", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		m.Publish(t, "plain", 5)
		tk := m.Buy(t, u, "gala")
		// An altered amount, signed again by the merchant.
		rec := m.SignReturn(t, tk)
		rec.Tax, rec.Payout = rec.Tax-1, rec.Payout+1
		resign(t, rec, u.Key, s.f.Merchants[0])
		refuse(t, m, rec.Bytes(), ticket.ErrMismatch)
		// An event that takes no returns.
		p := m.Buy(t, v, "plain")
		now := m.Tick()
		req := &ticket.Request{Kind: ticket.KindReturn, Event: "plain", Serial: p.Serial, Merchant: p.Merchant,
			Prev: p.Head, Cert: v.Cert, Price: FaceValue - ReturnPenalty, Payee: v.Cert.WID(), Time: now}
		resign(t, &ticket.Record{Request: req}, v.Key, s.f.Merchants[0])
		s.refuseOther(t, m, "plain", func(e *ticket.EventTerms) {},
			func(f ticket.Facts) *ticket.Record { return signed(t)(m.Merchants[0].Return(p, req, f, now)) },
			ticket.ErrClosed)
		// After the return cut-off.
		m.SetClock(ReturnCutoff)
		now = m.Tick()
		req, err := ticket.NewReturnRequest(u.Key, tk, u.Cert.WID(), now)
		require.NoError(t, err)
		s.refuseOther(t, m, "gala", func(e *ticket.EventTerms) { e.ReturnCutoff = e.Start },
			func(f ticket.Facts) *ticket.Record { return signed(t)(m.Merchants[0].Return(tk, req, f, now)) },
			ticket.ErrClosed)
		m.Audit(t)
	})
}

func (s *suite) testCancel(t *testing.T) {
	s.cancels(t)
	ctx := context.Background()
	u, v, w, x := s.f.Users[0], s.f.Users[1], s.f.Users[2], s.f.Users[3]
	// market has u's valid ticket, v's listed one, the ticket w bought
	// from x, and x's consumed one; "gala" is not cancelled yet.
	type tickets struct{ valid, listed, resold, used *ticket.Ticket }
	market := func(t *testing.T) (*Market, tickets) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 10))
		var k tickets
		k.valid = m.Buy(t, u, "gala")
		k.listed = m.Apply(t, m.SignList(t, m.Buy(t, v, "gala"), FaceValue))
		k.resold = m.Transfer(t, m.Apply(t, m.SignList(t, m.Buy(t, x, "gala"), ResaleCap)), w)
		used := m.Buy(t, s.f.Users[4], "gala")
		m.SetClock(DoorsOpen)
		k.used = m.Consume(t, used)
		return m, k
	}
	t.Run("refunds", func(t *testing.T) {
		m, k := market(t)
		owed, err := m.Ledger.RefundsOwed(ctx, "gala")
		require.NoError(t, err)
		require.Empty(t, owed, "an event not cancelled owes nothing")
		_, err = m.Ledger.Cancellation(ctx, "gala")
		require.ErrorIs(t, err, ledger.ErrNotFound)
		all, err := m.Ledger.Tickets(ctx, "gala")
		require.NoError(t, err)
		require.Equal(t, []string{k.valid.Serial, k.listed.Serial, k.resold.Serial, k.used.Serial}, serialsOf(all),
			"Tickets lists every ticket, consumed too, by serial")
		c := m.Cancel(t, "gala", m.Tick())
		got, err := m.Ledger.Cancellation(ctx, "gala")
		require.NoError(t, err)
		require.Equal(t, c.Bytes(), got.Bytes())
		owed, err = m.Ledger.RefundsOwed(ctx, "gala")
		require.NoError(t, err)
		require.Equal(t, []string{k.valid.Serial, k.listed.Serial, k.resold.Serial}, serialsOf(owed))
		for _, tk := range owed {
			require.Equal(t, c.Bytes(), tk.Cancellation.Bytes())
		}
		require.Equal(t, ResaleCap, owed[2].Price, "the current holder is owed what it paid")
		require.Equal(t, w.ID(), owed[2].Holder.ID())
		// Each holder claims its refund; the ledger's tickets carry the
		// cancellation the merchant needs, and so do the facts.
		for i, tk := range []*ticket.Ticket{k.valid, k.listed, k.resold} {
			cur, _, err := m.Ledger.Ticket(ctx, "gala", tk.Serial)
			require.NoError(t, err)
			u := m.holder(t, cur)
			req, err := ticket.NewRefundRequest(u.Key, cur, u.Cert.WID(), m.Tick())
			require.NoError(t, err)
			f, err := m.Ledger.Facts(ctx, req)
			require.NoError(t, err)
			require.Equal(t, c.Bytes(), f.Cancellation.Bytes())
			require.Equal(t, cur.Terms.Bytes(), f.Event.Bytes())
			rec := m.SignRefund(t, cur)
			require.Equal(t, tk.Price, rec.Payout)
			done := m.Apply(t, rec)
			require.Equal(t, ticket.Refunded, done.State)
			held, err := m.Ledger.Held(ctx, "gala", tk.Holder.ID())
			require.NoError(t, err)
			require.Zero(t, held, "a refunded ticket is held by nobody")
			owed, err = m.Ledger.RefundsOwed(ctx, "gala")
			require.NoError(t, err)
			require.Len(t, owed, 2-i)
		}
		es, err := m.Ledger.Event(ctx, "gala")
		require.NoError(t, err)
		require.Equal(t, uint32(4), es.Sold, "a refund does not give a seat back")
		require.Equal(t, 4, m.Audit(t))
	})
	t.Run("only refunds", func(t *testing.T) {
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 10))
		valid := m.Buy(t, u, "gala")
		listed := m.Apply(t, m.SignList(t, m.Buy(t, v, "gala"), FaceValue))
		// Records signed before the cancellation, timed at or after it.
		buy := m.SignBuy(t, w, "gala", m.Allocate(t, "gala"))
		recs := []*ticket.Record{buy, m.SignList(t, valid, FaceValue), m.SignDelist(t, listed),
			m.SignTransfer(t, listed, x), m.SignReturn(t, valid)}
		m.SetClock(DoorsOpen)
		recs = append(recs, m.SignConsume(t, valid))
		m.Cancel(t, "gala", buy.Time)
		for _, rec := range recs {
			refuse(t, m, rec.Bytes(), ticket.ErrCancelled)
		}
		_, err := m.Ledger.AllocateSerial(ctx, "gala")
		require.ErrorIs(t, err, ticket.ErrCancelled)
		// A refund is accepted after the end, too.
		m.SetClock(EventEnd.Add(24 * time.Hour))
		cur, _, err := m.Ledger.Ticket(ctx, "gala", listed.Serial)
		require.NoError(t, err)
		m.Refund(t, cur)
		m.Audit(t)
	})
	t.Run("refund refused", func(t *testing.T) {
		m, k := market(t)
		// Before the cancellation: signed under a cancellation the
		// merchant did not give the ledger.
		c := m.SignCancel(t, "gala", m.Tick())
		now := m.Tick()
		req, err := ticket.NewRefundRequest(u.Key, k.valid, u.Cert.WID(), now)
		require.NoError(t, err)
		rec := signed(t)(m.Merchants[0].Refund(k.valid, req, ticket.Facts{Cancellation: c}, now))
		refuse(t, m, rec.Bytes(), ticket.ErrState)
		m.Cancel(t, "gala", now.Add(time.Hour))
		refuse(t, m, rec.Bytes(), ticket.ErrState)
		// An altered amount.
		m.SetClock(now.Add(time.Hour))
		cur, _, err := m.Ledger.Ticket(ctx, "gala", k.resold.Serial)
		require.NoError(t, err)
		rec = m.SignRefund(t, cur)
		rec.Payout = FaceValue
		resign(t, rec, w.Key, s.f.Merchants[0])
		refuse(t, m, rec.Bytes(), ticket.ErrMismatch)
		// A consumed ticket.
		cur, _, err = m.Ledger.Ticket(ctx, "gala", k.used.Serial)
		require.NoError(t, err)
		now = m.Tick()
		req, err = ticket.NewRefundRequest(s.f.Users[4].Key, cur, s.f.Users[4].Cert.WID(), now)
		require.NoError(t, err)
		_, _, err = m.Merchants[0].Refund(cur, req, ticket.Facts{}, now)
		require.ErrorIs(t, err, ticket.ErrState)
		m.Audit(t)
	})
	t.Run("Cancel refused", func(t *testing.T) {
		m, k := market(t)
		m.Publish(t, "other", 5)
		// Before the latest record of a ticket: it would void it.
		refuseCancel(t, m, m.SignCancel(t, "gala", k.used.Updated).Bytes(), ticket.ErrTime)
		refuseCancel(t, m, m.SignCancel(t, "gala", T0).Bytes(), ticket.ErrTime)
		// Another merchant's signature, a tampered one, an unknown
		// event, the other event's hash.
		es, err := m.Ledger.Event(ctx, "gala")
		require.NoError(t, err)
		c, err := ticket.NewCancellation(s.f.Merchants[1], mustEvent(t, s.f.Merchants[1], s.f.RuledTerms("gala", 10)), m.Tick())
		require.NoError(t, err)
		refuseCancel(t, m, c.Bytes(), ticket.ErrEvent)
		b := m.SignCancel(t, "gala", m.Tick()).Bytes()
		b[len(b)-10] ^= 1
		refuseCancel(t, m, b, ticket.ErrEvent)
		stranger := mustEvent(t, s.f.Stranger, s.f.RuledTerms("opera", 5))
		c, err = ticket.NewCancellation(s.f.Stranger, stranger, m.Tick())
		require.NoError(t, err)
		refuseCancel(t, m, c.Bytes(), ledger.ErrUnknownEvent)
		// The merchant's cancellation of terms the ledger does not have.
		terms := s.f.RuledTerms("gala", 10)
		terms.Capacity++
		c, err = ticket.NewCancellation(s.f.Merchants[0], mustEvent(t, s.f.Merchants[0], terms), m.Tick())
		require.NoError(t, err)
		refuseCancel(t, m, c.Bytes(), ticket.ErrEvent)
		require.NotEqual(t, es.Event.Hash(), c.EventHash())
		// Bytes that do not parse.
		refuseCancel(t, m, nil, ticket.ErrMalformed)
		refuseCancel(t, m, append(m.SignCancel(t, "gala", m.Tick()).Bytes(), 0), ticket.ErrMalformed)
		// Twice.
		m.Cancel(t, "gala", m.Tick())
		refuseCancel(t, m, m.SignCancel(t, "gala", m.Tick()).Bytes(), ticket.ErrCancelled)
		m.Audit(t)
	})
	t.Run("cancellation lands after the checks", func(t *testing.T) {
		hs := &hookStore{Store: s.open(t)}
		m := s.f.NewMarket(t, hs, s.f.Config())
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		tk := m.Buy(t, u, "gala")
		list := m.SignList(t, tk, FaceValue)
		var after State
		hs.mu.Lock()
		hs.hook = func() {
			m.Cancel(t, "gala", list.Time)
			after = m.State(t)
		}
		hs.mu.Unlock()
		got, err := m.Ledger.Apply(ctx, list.Bytes())
		require.ErrorIs(t, err, ticket.ErrCancelled)
		require.Nil(t, got)
		require.Equal(t, after, m.State(t))
		// A record timed before a cancellation that lands after its
		// checks stands, and the ticket after it carries the
		// cancellation.
		hs2 := &hookStore{Store: s.open(t)}
		m = s.f.NewMarket(t, hs2, s.f.Config())
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		list = m.SignList(t, m.Buy(t, u, "gala"), FaceValue)
		var c *ticket.Cancellation
		hs2.mu.Lock()
		hs2.hook = func() { c = m.Cancel(t, "gala", list.Time.Add(time.Hour)) }
		hs2.mu.Unlock()
		got = m.Apply(t, list)
		require.Equal(t, ticket.Listed, got.State)
		require.Equal(t, c.Bytes(), got.Cancellation.Bytes())
		m.Audit(t)
	})
}

func serialsOf(tks []*ticket.Ticket) []string {
	var out []string
	for _, tk := range tks {
		out = append(out, tk.Serial)
	}
	return out
}

func mustEvent(t *testing.T, key *ecdsa.PrivateKey, terms ticket.EventTerms) *ticket.Event {
	t.Helper()
	ev, err := ticket.NewEvent(key, terms)
	require.NoError(t, err)
	return ev
}

// refuseCancel has the ledger cancel with b, requires an error matching
// want, and requires the ledger's state unchanged.
func refuseCancel(t *testing.T, m *Market, b []byte, want error) {
	t.Helper()
	before := m.State(t)
	got, err := m.Ledger.Cancel(context.Background(), b)
	require.ErrorIs(t, err, want)
	require.Nil(t, got)
	require.Equal(t, before, m.State(t), "a refused cancellation changed the ledger")
}
