package ledger_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// A ledger with Config.Signatures answers every record as one without:
// the same tickets, and the same errors for refused records, each refused
// again alike; the cache fills with the signatures that verified, and a
// block's records prechecked into it apply the same.
func TestLedgerSignatureCache(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.NewFixture(t, 4)
	cfg := f.Config()
	cfg.MerchantSerials = true
	cfg.Policy.PerCertificateLimit = 10
	plain := f.NewMarket(t, ledger.NewMemStore(), cfg)
	cache := ticket.NewSignatureCache(0)
	cfg.Signatures = cache
	cached := f.NewMarket(t, ledger.NewMemStore(), cfg)
	ev := plain.PublishTerms(t, f.Terms("gala", 50))
	cached.PublishEvent(t, ev)

	// apply applies rec to both ledgers, twice to the cached one, and
	// checks that they agree; it returns the ticket, nil when refused.
	apply := func(rec *ticket.Record, what string) *ticket.Ticket {
		t.Helper()
		want, wantErr := plain.Ledger.Apply(ctx, rec.Bytes())
		for i := range 2 {
			got, err := cached.Ledger.Apply(ctx, rec.Bytes())
			if wantErr != nil {
				require.Error(t, err, "%s, apply %d", what, i)
				require.Equal(t, wantErr.Error(), err.Error(), "%s, apply %d", what, i)
				continue
			}
			if i == 0 {
				require.NoError(t, err, what)
				testkit.RequireSameTicket(t, want, got, what)
			} else {
				require.Error(t, err, "%s applied twice", what) // stale, or its serial sold
			}
		}
		return want
	}
	// tampered returns rec with byte i of its merchant signature flipped.
	tampered := func(rec *ticket.Record, i int) *ticket.Record {
		c, err := ticket.ParseRecord(rec.Bytes())
		require.NoError(t, err)
		c.MerchantSig[i] ^= 1
		return c
	}

	u := f.Users
	buy := plain.SignBuy(t, u[0], "gala", "1")
	require.Nil(t, apply(tampered(buy, 50), "buy with a bad merchant signature"))
	tk := apply(buy, "buy")
	require.NotNil(t, tk)
	list := plain.SignList(t, tk, ledgertest.ResalePrice)
	require.Nil(t, apply(tampered(list, 40), "listing with a bad merchant signature"))
	tk = apply(list, "listing")
	xfer := plain.SignTransfer(t, tk, u[1])
	tk = apply(xfer, "transfer")
	require.Nil(t, apply(list, "listing replayed"))
	plain.SetClock(ledgertest.DoorsOpen)
	apply(plain.SignConsume(t, tk), "consume")
	n := cache.Len()
	require.Positive(t, n)

	// A block of buys prechecked into the cache, one of them bad.
	var block []*ticket.Record
	for i := range 8 {
		block = append(block, plain.SignBuy(t, u[i%len(u)], "gala", fmt.Sprintf("B-%d", i)))
	}
	block[3] = tampered(block[3], 60)
	ticket.PrecheckSignatures(block, cache)
	require.Equal(t, n+2*len(block)-1, cache.Len(), "each buy's two signatures, but the bad one")
	for i, rec := range block {
		require.Equal(t, i != 3, apply(rec, fmt.Sprintf("block record %d", i)) != nil)
	}
	plain.Audit(t)
	want, err := plain.Ledger.Tickets(ctx, "gala")
	require.NoError(t, err)
	got, err := cached.Ledger.Tickets(ctx, "gala")
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		testkit.RequireSameTicket(t, want[i], got[i])
	}
	we, err := plain.Ledger.Event(ctx, "gala")
	require.NoError(t, err)
	ge, err := cached.Ledger.Event(ctx, "gala")
	require.NoError(t, err)
	require.Equal(t, we.Sold, ge.Sold)
}
