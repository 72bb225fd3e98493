package ledgertest

import (
	"context"
	"math"
	"testing"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// counts is what the ledger keeps about one seller, one buyer and an event.
type counts struct {
	sold                    uint32
	sellerHeld, buyerHeld   int
	seller, buyer, stranger ticket.Standing
}

func (s *suite) testCounts(t *testing.T) {
	ctx := context.Background()
	u, v, w := s.f.Users[0], s.f.Users[1], s.f.Users[2]
	read := func(t *testing.T, m *Market) counts {
		t.Helper()
		var c counts
		es, err := m.Ledger.Event(ctx, "concert")
		require.NoError(t, err)
		c.sold = es.Sold
		held := func(x *User) int {
			n, err := m.Ledger.Held(ctx, "concert", x.ID())
			require.NoError(t, err)
			return n
		}
		standing := func(x *User) ticket.Standing {
			st, err := m.Ledger.Standing(ctx, x.ID())
			require.NoError(t, err)
			return st
		}
		c.sellerHeld, c.buyerHeld = held(u), held(v)
		c.seller, c.buyer, c.stranger = standing(u), standing(v), standing(w)
		return c
	}

	// walk runs Buy, List, Delist, List, Transfer, Consume under cfg's
	// initial standing and checks the counts after each record.
	walk := func(t *testing.T, edits ...func(*ledger.Config)) {
		m := s.market(t, edits...)
		m.Publish(t, "concert", 5)
		init := m.Config.InitialStanding
		reward := m.Config.Policy.PurchaseReward
		want := counts{seller: init, buyer: init, stranger: init}
		require.Equal(t, want, read(t, m), "a new certificate starts at InitialStanding, holding nothing")

		var tk *ticket.Ticket
		t.Run("Buy", func(t *testing.T) {
			tk = m.Buy(t, u, "concert")
			want.sold, want.sellerHeld = 1, 1
			want.seller.Reputation += reward
			require.Equal(t, want, read(t, m))
		})
		t.Run("List", func(t *testing.T) {
			rec := m.SignList(t, tk, ResalePrice)
			require.Equal(t, want.seller, rec.Seller, "the listing relied on the ledger's standing")
			tk = m.Apply(t, rec)
			require.Equal(t, want, read(t, m), "a listing changes nothing")
		})
		t.Run("Delist", func(t *testing.T) {
			tk = m.Delist(t, tk)
			require.Equal(t, want, read(t, m), "a delisting changes nothing")
			tk = m.List(t, tk)
			require.Equal(t, want, read(t, m))
		})
		t.Run("Transfer", func(t *testing.T) {
			rec := m.SignTransfer(t, tk, v)
			require.Equal(t, want.seller, rec.Seller)
			require.Negative(t, rec.SellerReputation, "resold above its price: the seller loses reputation")
			require.Equal(t, reward, rec.SignerReputation)
			tk = m.Apply(t, rec)
			want.sellerHeld, want.buyerHeld = 0, 1
			want.seller.Reputation += rec.SellerReputation
			want.seller.Transfers++
			want.buyer.Reputation += reward
			require.Equal(t, want, read(t, m))
		})
		t.Run("Consume", func(t *testing.T) {
			tk = m.Consume(t, tk)
			require.Equal(t, ticket.Consumed, tk.State)
			require.Equal(t, want, read(t, m), "a consumed ticket still counts as held")
		})
		m.Audit(t)
	}
	t.Run("per record kind", func(t *testing.T) { walk(t) })
	t.Run("InitialStanding", func(t *testing.T) {
		walk(t, func(c *ledger.Config) {
			c.InitialStanding = ticket.Standing{Reputation: 777, Transfers: 3}
		})
	})
	t.Run("zero InitialStanding", func(t *testing.T) {
		walk(t, func(c *ledger.Config) {
			c.InitialStanding = ticket.Standing{}
			c.Policy.ListingThreshold = 0
		})
	})
	t.Run("reputation saturates", func(t *testing.T) {
		m := s.market(t, func(c *ledger.Config) {
			c.InitialStanding = ticket.Standing{Reputation: math.MinInt64 + 1, Transfers: math.MaxUint32}
			c.Policy.ListingThreshold = math.MinInt64
		})
		m.Publish(t, "concert", 5)
		tk := m.List(t, m.Buy(t, u, "concert"))
		m.Transfer(t, tk, v)
		got := read(t, m)
		require.Equal(t, ticket.Standing{Reputation: math.MinInt64, Transfers: math.MaxUint32}, got.seller)

		m = s.market(t, func(c *ledger.Config) {
			c.InitialStanding = ticket.Standing{Reputation: math.MaxInt64 - 1}
		})
		m.Publish(t, "concert", 5)
		m.Buy(t, u, "concert")
		got = read(t, m)
		require.Equal(t, ticket.Standing{Reputation: math.MaxInt64}, got.seller)
	})
}
