package ledgertest

import (
	"context"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// resign signs rec's request again with user (R-bound for a Buy,
// inverse-s otherwise) and the record with merchant.
func resign(t *testing.T, rec *ticket.Record, user, merchant *ecdsa.PrivateKey) {
	t.Helper()
	req := rec.Request
	req.Sig = nil
	if req.Kind == ticket.KindBuy {
		sig, err := ecdsa.SignRBound(user, req.SignedBytes(), nil)
		require.NoError(t, err)
		req.Sig = sig.Bytes()
	} else {
		sig, err := ecdsa.SignInverseS(user, req.SignedBytes(), nil)
		require.NoError(t, err)
		req.Sig = sig.Bytes()
	}
	sig, err := ecdsa.SignRBound(merchant, rec.SignedBytes(), nil)
	require.NoError(t, err)
	rec.MerchantSig = sig.Bytes()
}

// refuse applies b, requires an error matching want, and requires the
// ledger's state unchanged.
func refuse(t *testing.T, m *Market, b []byte, want error) {
	t.Helper()
	before := m.State(t)
	got, err := m.Ledger.Apply(context.Background(), b)
	require.ErrorIs(t, err, want)
	require.Nil(t, got)
	require.Equal(t, before, m.State(t), "a refused record changed the ledger")
}

func (s *suite) testPublish(t *testing.T) {
	ctx := context.Background()
	t.Run("published", func(t *testing.T) {
		m := s.market(t)
		ev := m.Publish(t, "concert", 3)
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, ev.Bytes(), es.Event.Bytes())
		require.Zero(t, es.Sold)
		require.Zero(t, es.Serials)
		// Another merchant the ledger knows publishes too, and sells.
		ev2, err := ticket.NewEvent(s.f.Merchants[1], s.f.Terms("opera", 1))
		require.NoError(t, err)
		m.PublishEvent(t, ev2)
		tk := m.Buy(t, s.f.Users[0], "opera")
		require.True(t, tk.Merchant.Equal(s.f.Merchants[1].PublicKey()))
		m.Audit(t)
	})
	t.Run("ErrEventExists", func(t *testing.T) {
		m := s.market(t)
		ev := m.Publish(t, "concert", 3)
		_, err := m.Ledger.Publish(ctx, ev.Bytes())
		require.ErrorIs(t, err, ledger.ErrEventExists)
		// The same id with other terms, or by the other merchant.
		other, err := ticket.NewEvent(s.f.Merchants[0], s.f.Terms("concert", 5))
		require.NoError(t, err)
		_, err = m.Ledger.Publish(ctx, other.Bytes())
		require.ErrorIs(t, err, ledger.ErrEventExists)
		other, err = ticket.NewEvent(s.f.Merchants[1], s.f.Terms("concert", 3))
		require.NoError(t, err)
		_, err = m.Ledger.Publish(ctx, other.Bytes())
		require.ErrorIs(t, err, ledger.ErrEventExists)
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, ev.Bytes(), es.Event.Bytes())
	})
	t.Run("unknown merchant", func(t *testing.T) {
		m := s.market(t)
		ev, err := ticket.NewEvent(s.f.Stranger, s.f.Terms("concert", 3))
		require.NoError(t, err)
		_, err = m.Ledger.Publish(ctx, ev.Bytes())
		require.ErrorIs(t, err, ticket.ErrForeign)
		_, err = m.Ledger.Event(ctx, "concert")
		require.ErrorIs(t, err, ledger.ErrUnknownEvent)
	})
	t.Run("bad signature", func(t *testing.T) {
		m := s.market(t)
		ev := m.NewEvent(t, "concert", 3)
		b := ev.Bytes()
		// The capacity follows the domain, the id and the merchant key.
		at := 4 + len("CBETS/ticket/v1/event") + 4 + len("concert") + ecdsa.PublicKeySize
		binary.BigEndian.PutUint32(b[at:], binary.BigEndian.Uint32(b[at:])+1)
		forged, err := ticket.ParseEvent(b)
		require.NoError(t, err, "the tampered encoding must parse for this test to reach the signature")
		require.Equal(t, uint32(4), forged.Terms().Capacity)
		_, err = m.Ledger.Publish(ctx, b)
		require.ErrorIs(t, err, ticket.ErrEvent)
		_, err = m.Ledger.Event(ctx, "concert")
		require.ErrorIs(t, err, ledger.ErrUnknownEvent)
	})
	t.Run("malformed", func(t *testing.T) {
		m := s.market(t)
		ev := m.NewEvent(t, "concert", 3)
		for _, b := range [][]byte{nil, {}, append(ev.Bytes(), 0), ev.Bytes()[:len(ev.Bytes())-1]} {
			_, err := m.Ledger.Publish(ctx, b)
			require.ErrorIs(t, err, ticket.ErrMalformed)
		}
		_, err := m.Ledger.Event(ctx, "concert")
		require.ErrorIs(t, err, ledger.ErrUnknownEvent)
	})
}

func (s *suite) testAllocate(t *testing.T) {
	ctx := context.Background()
	t.Run("sequence", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 2)
		m.Publish(t, "opera", 2)
		// Serials count per event, and may run past the capacity while
		// no ticket is sold.
		for _, want := range []string{"1", "2", "3"} {
			require.Equal(t, want, m.Allocate(t, "concert"))
		}
		require.Equal(t, "1", m.Allocate(t, "opera"))
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, uint64(3), es.Serials)
		require.Zero(t, es.Sold)
	})
	t.Run("ErrUnknownEvent", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 2)
		_, err := m.Ledger.AllocateSerial(ctx, "opera")
		require.ErrorIs(t, err, ledger.ErrUnknownEvent)
	})
	t.Run("ErrSoldOut", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 1)
		m.Buy(t, s.f.Users[0], "concert")
		_, err := m.Ledger.AllocateSerial(ctx, "concert")
		require.ErrorIs(t, err, ledger.ErrSoldOut)
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, uint64(1), es.Serials)
		require.Equal(t, uint32(1), es.Sold)
	})
}

func (s *suite) testFacts(t *testing.T) {
	ctx := context.Background()
	u, v := s.f.Users[0], s.f.Users[1]
	buyRequest := func(t *testing.T, m *Market, u *User, event string) *ticket.Request {
		t.Helper()
		req, err := ticket.NewBuyRequest(u.Key, u.Cert, s.f.Merchants[0].PublicKey(), event, "1", FaceValue, m.Tick())
		require.NoError(t, err)
		return req
	}
	t.Run("Buy", func(t *testing.T) {
		m := s.market(t, limit(3))
		ev := m.Publish(t, "concert", 5)
		f, err := m.Ledger.Facts(ctx, buyRequest(t, m, u, "concert"))
		require.NoError(t, err)
		require.Equal(t, ev.Bytes(), f.Event.Bytes())
		require.Zero(t, f.Held)
		m.Buy(t, u, "concert")
		m.Buy(t, u, "concert")
		f, err = m.Ledger.Facts(ctx, buyRequest(t, m, u, "concert"))
		require.NoError(t, err)
		require.Equal(t, 2, f.Held)
		f, err = m.Ledger.Facts(ctx, buyRequest(t, m, v, "concert"))
		require.NoError(t, err)
		require.Zero(t, f.Held)
	})
	t.Run("Buy ErrUnknownEvent", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		_, err := m.Ledger.Facts(ctx, buyRequest(t, m, u, "opera"))
		require.ErrorIs(t, err, ledger.ErrUnknownEvent)
	})
	t.Run("List", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.Buy(t, u, "concert")
		req, err := ticket.NewListRequest(u.Key, tk, ResalePrice, u.Cert.WID(), m.Tick())
		require.NoError(t, err)
		f, err := m.Ledger.Facts(ctx, req)
		require.NoError(t, err)
		want := m.Config.InitialStanding
		want.Reputation += m.Config.Policy.PurchaseReward
		require.Equal(t, want, f.Seller)
	})
	t.Run("Transfer", func(t *testing.T) {
		m := s.market(t, limit(2))
		m.Publish(t, "concert", 5)
		tk := m.List(t, m.Buy(t, u, "concert"))
		m.Buy(t, v, "concert")
		req, err := ticket.NewTransferRequest(v.Key, v.Cert, tk, m.Tick())
		require.NoError(t, err)
		f, err := m.Ledger.Facts(ctx, req)
		require.NoError(t, err)
		require.Equal(t, 1, f.Held)
		want := m.Config.InitialStanding
		want.Reputation += m.Config.Policy.PurchaseReward
		require.Equal(t, want, f.Seller)
	})
	t.Run("Transfer ErrNotFound", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.List(t, m.Buy(t, u, "concert"))
		tk.Serial = "2"
		req, err := ticket.NewTransferRequest(v.Key, v.Cert, tk, m.Tick())
		require.NoError(t, err)
		_, err = m.Ledger.Facts(ctx, req)
		require.ErrorIs(t, err, ledger.ErrNotFound)
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		m := s.market(t)
		_, err := m.Ledger.Facts(ctx, nil)
		require.ErrorIs(t, err, ticket.ErrMalformed)
		_, err = m.Ledger.Facts(ctx, &ticket.Request{Kind: ticket.KindBuy, Event: "concert"})
		require.ErrorIs(t, err, ticket.ErrMalformed)
	})
}

// hookStore runs a function once, after the next View returns: a record
// applied by it lands between an Apply's checks and its transaction.
type hookStore struct {
	ledger.Store
	mu   sync.Mutex
	hook func()
}

func (h *hookStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	err := h.Store.View(ctx, fn)
	h.mu.Lock()
	hook := h.hook
	h.hook = nil
	h.mu.Unlock()
	if hook != nil {
		hook()
	}
	return err
}

func (s *suite) testApply(t *testing.T) {
	ctx := context.Background()
	u, v, w := s.f.Users[0], s.f.Users[1], s.f.Users[2]

	t.Run("returns the ticket after the record", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 2)
		rec := m.SignBuy(t, u, "concert", m.Allocate(t, "concert"))
		tk := m.Apply(t, rec)
		require.Equal(t, rec.Hash(), tk.Head)
		got, recs, err := m.Ledger.Ticket(ctx, "concert", "1")
		require.NoError(t, err)
		RequireSameTicket(t, tk, got)
		require.Len(t, recs, 1)
		require.Equal(t, rec.Bytes(), recs[0].Bytes())
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 2)
		rec := m.SignBuy(t, u, "concert", m.Allocate(t, "concert"))
		refuse(t, m, nil, ticket.ErrMalformed)
		refuse(t, m, append(rec.Bytes(), 0), ticket.ErrMalformed)
	})
	t.Run("ErrUnknownEvent", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 2)
		// The merchant sells a ticket of an event it never published.
		ev := m.NewEvent(t, "opera", 2)
		now := m.Tick()
		req, err := ticket.NewBuyRequest(u.Key, u.Cert, ev.Merchant(), "opera", "1", FaceValue, now)
		require.NoError(t, err)
		rec := signed(t)(m.Merchants[0].Buy(req, ticket.Facts{Event: ev}, now))
		refuse(t, m, rec.Bytes(), ledger.ErrUnknownEvent)
	})
	t.Run("ErrSerial", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		require.Equal(t, "1", m.Allocate(t, "concert"))
		// Serials the ledger did not hand out, or not in its form.
		for _, serial := range []string{"2", "0", "01", "+1", "1.0", "x", "18446744073709551617"} {
			refuse(t, m, m.SignBuy(t, u, "concert", serial).Bytes(), ledger.ErrSerial)
		}
		// A serial already sold, to another buyer or by the same record
		// again.
		first := m.SignBuy(t, u, "concert", "1")
		m.Apply(t, first)
		refuse(t, m, m.SignBuy(t, v, "concert", "1").Bytes(), ledger.ErrSerial)
		refuse(t, m, first.Bytes(), ledger.ErrSerial)
	})
	t.Run("MerchantSerials", func(t *testing.T) {
		m := s.market(t, func(c *ledger.Config) { c.MerchantSerials = true })
		m.Publish(t, "concert", 2)
		// A Buy may name any serial not yet sold, none allocated; the
		// capacity still holds.
		m.Apply(t, m.SignBuy(t, u, "concert", "A-1"))
		refuse(t, m, m.SignBuy(t, v, "concert", "A-1").Bytes(), ledger.ErrSerial)
		m.Apply(t, m.SignBuy(t, v, "concert", "7"))
		refuse(t, m, m.SignBuy(t, w, "concert", "B-2").Bytes(), ledger.ErrSoldOut)
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		require.Equal(t, uint32(2), es.Sold)
		require.Zero(t, es.Serials)
		require.Equal(t, 2, m.Audit(t))
	})
	t.Run("ErrSoldOut", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 1)
		a, b := m.Allocate(t, "concert"), m.Allocate(t, "concert")
		m.Apply(t, m.SignBuy(t, u, "concert", a))
		refuse(t, m, m.SignBuy(t, v, "concert", b).Bytes(), ledger.ErrSoldOut)
	})
	t.Run("ErrLimit Buy", func(t *testing.T) {
		m := s.market(t, limit(2))
		m.Publish(t, "concert", 5)
		m.Publish(t, "opera", 5)
		// Three buys signed while u held nothing: the third exceeds the
		// limit when applied.
		recs := []*ticket.Record{}
		for range 3 {
			recs = append(recs, m.SignBuy(t, u, "concert", m.Allocate(t, "concert")))
		}
		m.Apply(t, recs[0])
		m.Apply(t, recs[1])
		refuse(t, m, recs[2].Bytes(), ticket.ErrLimit)
		// The limit is per event.
		m.Buy(t, u, "opera")
		m.Buy(t, u, "opera")
	})
	t.Run("ErrLimit Transfer", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.List(t, m.Buy(t, u, "concert"))
		// v's purchase of the listing is signed while v holds nothing;
		// then v buys a ticket of the event.
		rec := m.SignTransfer(t, tk, v)
		m.Buy(t, v, "concert")
		refuse(t, m, rec.Bytes(), ticket.ErrLimit)
		// w, holding none, may.
		m.Transfer(t, tk, w)
		m.Audit(t)
	})
	t.Run("ErrStale", func(t *testing.T) {
		hs := &hookStore{Store: s.open(t)}
		m := s.f.NewMarket(t, hs, s.f.Config())
		m.Publish(t, "concert", 5)
		tk := m.List(t, m.Buy(t, u, "concert"))
		transfer, delist := m.SignTransfer(t, tk, v), m.SignDelist(t, tk)
		// The delisting lands after the transfer's checks, before its
		// transaction.
		var after State
		hs.mu.Lock()
		hs.hook = func() {
			m.Apply(t, delist)
			after = m.State(t)
		}
		hs.mu.Unlock()
		got, err := m.Ledger.Apply(ctx, transfer.Bytes())
		require.ErrorIs(t, err, ledger.ErrStale)
		require.Nil(t, got)
		require.Equal(t, after, m.State(t))
		tk, _, err = m.Ledger.Ticket(ctx, "concert", "1")
		require.NoError(t, err)
		require.Equal(t, ticket.Valid, tk.State)
		require.Equal(t, u.ID(), tk.Holder.ID())
		m.Audit(t)
	})
	t.Run("ErrStanding List", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		m.Publish(t, "opera", 5)
		tk := m.Buy(t, u, "concert")
		// The listing relies on u's standing; u then buys another ticket,
		// which changes it.
		rec := m.SignList(t, tk, ResalePrice)
		m.Buy(t, u, "opera")
		refuse(t, m, rec.Bytes(), ledger.ErrStanding)
		m.List(t, tk)
	})
	t.Run("ErrStanding Transfer", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		m.Publish(t, "opera", 5)
		tk := m.List(t, m.Buy(t, u, "concert"))
		rec := m.SignTransfer(t, tk, v)
		m.Buy(t, u, "opera")
		refuse(t, m, rec.Bytes(), ledger.ErrStanding)
		m.Transfer(t, tk, v)
		m.Audit(t)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		m := s.market(t)
		ev := m.Publish(t, "concert", 5)
		// A listing of a ticket whose Buy the ledger never applied.
		buy := m.SignBuy(t, u, "concert", m.Allocate(t, "concert"))
		now := m.Tick()
		tk := &ticket.Ticket{Event: "concert", Serial: "1", Merchant: buy.Request.Merchant, Holder: u.Cert,
			State: ticket.Valid, Price: buy.Request.Price, Issued: buy.Time, Updated: buy.Time, Head: buy.Hash(),
			Terms: ev}
		req, err := ticket.NewListRequest(u.Key, tk, ResalePrice, u.Cert.WID(), now)
		require.NoError(t, err)
		rec := signed(t)(m.Merchants[0].List(tk, req, ticket.Facts{Seller: m.Config.InitialStanding}, now))
		refuse(t, m, rec.Bytes(), ledger.ErrNotFound)
		_, _, err = m.Ledger.Ticket(ctx, "concert", "1")
		require.ErrorIs(t, err, ledger.ErrNotFound)
	})
	t.Run("ticket rule ErrSignature", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.Buy(t, u, "concert")
		// A listing signed by the other merchant's key in the ticket's
		// merchant's name.
		rec := m.SignList(t, tk, ResalePrice)
		sig, err := ecdsa.SignRBound(s.f.Merchants[1], rec.SignedBytes(), nil)
		require.NoError(t, err)
		rec.MerchantSig = sig.Bytes()
		refuse(t, m, rec.Bytes(), ticket.ErrSignature)
	})
	t.Run("ErrStale replayed record", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.Buy(t, u, "concert")
		// A record applied again names a head the ticket has left.
		list := m.SignList(t, tk, ResalePrice)
		tk = m.Apply(t, list)
		refuse(t, m, list.Bytes(), ledger.ErrStale)
		m.Delist(t, tk)
		refuse(t, m, list.Bytes(), ledger.ErrStale)
	})
	t.Run("ticket rule ErrForeign", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.Buy(t, u, "concert")
		// The holder's listing of the first merchant's ticket, made
		// out to the second merchant (which the ledger knows) and
		// signed by it.
		rec := m.SignList(t, tk, ResalePrice)
		rec.Request.Merchant = s.f.Merchants[1].PublicKey()
		resign(t, rec, u.Key, s.f.Merchants[1])
		refuse(t, m, rec.Bytes(), ticket.ErrForeign)
	})
	t.Run("ticket rule unknown merchant", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		serial := m.Allocate(t, "concert")
		// A merchant the ledger does not know sells a seat of a
		// published event, under terms of its own.
		stranger, err := ticket.NewMerchant(s.f.Stranger, s.f.Registrar.PublicKey(), m.Config.Policy)
		require.NoError(t, err)
		ev, err := ticket.NewEvent(s.f.Stranger, s.f.Terms("concert", 5))
		require.NoError(t, err)
		now := m.Tick()
		req, err := ticket.NewBuyRequest(u.Key, u.Cert, stranger.PublicKey(), "concert", serial, FaceValue, now)
		require.NoError(t, err)
		rec := signed(t)(stranger.Buy(req, ticket.Facts{Event: ev}, now))
		refuse(t, m, rec.Bytes(), ticket.ErrForeign)
	})
	t.Run("ticket rule ErrCertificate", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		serial := m.Allocate(t, "concert")
		// The merchant, misconfigured with another registrar, sells to a
		// certificate the ledger's registrar never issued.
		mm, err := ticket.NewMerchant(s.f.Merchants[0], s.f.OtherRegistrar.PublicKey(), m.Config.Policy)
		require.NoError(t, err)
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		now := m.Tick()
		req, err := ticket.NewBuyRequest(s.f.Foreign.Key, s.f.Foreign.Cert, mm.PublicKey(), "concert", serial, FaceValue, now)
		require.NoError(t, err)
		rec := signed(t)(mm.Buy(req, ticket.Facts{Event: es.Event}, now))
		refuse(t, m, rec.Bytes(), ticket.ErrCertificate)
	})
	// The merchant signed a Buy under terms other than the ledger's: the
	// ledger checks it against the event it published.
	otherTerms := func(t *testing.T, key *ecdsa.PrivateKey, edit func(*ticket.EventTerms), now time.Time, want error) {
		t.Helper()
		m := s.market(t)
		m.Publish(t, "concert", 5)
		serial := m.Allocate(t, "concert")
		terms := s.f.Terms("concert", 5)
		edit(&terms)
		ev, err := ticket.NewEvent(key, terms)
		require.NoError(t, err)
		mm, err := ticket.NewMerchant(key, s.f.Registrar.PublicKey(), m.Config.Policy)
		require.NoError(t, err)
		req, err := ticket.NewBuyRequest(u.Key, u.Cert, mm.PublicKey(), "concert", serial, terms.FaceValue, now)
		require.NoError(t, err)
		rec := signed(t)(mm.Buy(req, ticket.Facts{Event: ev}, now))
		refuse(t, m, rec.Bytes(), want)
	}
	t.Run("ticket rule ErrEvent", func(t *testing.T) {
		// The other known merchant sells seats of the first's event.
		otherTerms(t, s.f.Merchants[1], func(*ticket.EventTerms) {}, T0, ticket.ErrEvent)
	})
	t.Run("ticket rule ErrPrice", func(t *testing.T) {
		otherTerms(t, s.f.Merchants[0], func(e *ticket.EventTerms) { e.FaceValue = FaceValue - 1 }, T0, ticket.ErrPrice)
	})
	t.Run("ticket rule ErrSaleClosed", func(t *testing.T) {
		otherTerms(t, s.f.Merchants[0], func(e *ticket.EventTerms) { e.SaleStart = T0.Add(-48 * time.Hour) },
			T0.Add(-2*time.Hour), ticket.ErrSaleClosed)
	})
}
