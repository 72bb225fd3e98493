package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/cbets/cbets/backends/postgres"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// TestTwoProcesses runs two Ledgers over two Stores, each with a pool of
// its own, on one schema, as two processes of a backend would: purchases
// racing for two events' seats and the certificates' limits, then
// listings, then transfers of each listing racing from both. Afterwards
// every ticket replays to its stored state and every count and standing
// is what the records imply (ledgertest's Audit).
func TestTwoProcesses(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	const users, capacity, limit = 30, 25, 2
	f := ledgertest.NewFixture(t, users)
	cfg := f.Config()
	cfg.Policy.PerCertificateLimit = limit

	var (
		stores  [2]*postgres.Store
		ledgers [2]*ledger.Ledger
		errs    [2]error
		wg      sync.WaitGroup
	)
	for i := range stores {
		pool := newPool(t, schema, 16)
		wg.Go(func() {
			if stores[i], errs[i] = postgres.Open(ctx, pool); errs[i] == nil {
				ledgers[i], errs[i] = ledger.New(stores[i], cfg)
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs[:]...))
	// The Market signs, on one clock, and audits through the first
	// store; records are applied through both ledgers.
	m := f.NewMarket(t, stores[0], cfg)
	merchant := m.Merchants[0]
	events := []string{"one", "two"}
	for _, id := range events {
		m.Publish(t, id, capacity)
	}

	var (
		mu       sync.Mutex
		refusals = map[string]int{}
	)
	refuse := func(what string, err error, want ...error) {
		t.Helper()
		k := slices.IndexFunc(want, func(w error) bool { return errors.Is(err, w) })
		require.True(t, k >= 0, "%s refused with %v, want one of %v", what, err, want)
		mu.Lock()
		refusals[what+": "+want[k].Error()]++
		mu.Unlock()
	}

	// Purchases: every user tries three tickets of each event, from both
	// ledgers at once.
	buy := func(l *ledger.Ledger, u *ledgertest.User, event string) {
		serial, err := l.AllocateSerial(ctx, event)
		if err != nil {
			refuse("allocate", err, ledger.ErrSoldOut)
			return
		}
		now := m.Tick()
		req, err := ticket.NewBuyRequest(u.Key, u.Cert, merchant.PublicKey(), event, serial, ledgertest.FaceValue, now)
		require.NoError(t, err)
		facts, err := l.Facts(ctx, req)
		require.NoError(t, err)
		_, rec, err := merchant.Buy(req, facts, now)
		if err != nil {
			refuse("merchant buy", err, ticket.ErrLimit)
			return
		}
		if _, err := l.Apply(ctx, rec.Bytes()); err != nil {
			refuse("apply buy", err, ledger.ErrSoldOut, ticket.ErrLimit)
		}
	}
	for i, u := range f.Users {
		for _, event := range events {
			for k := range 3 {
				wg.Go(func() { buy(ledgers[(i+k)%2], u, event) })
			}
		}
	}
	wg.Wait()
	require.Equal(t, 2*capacity, m.Audit(t))

	// Listings of event one's tickets, then two transfers of each listing
	// signed against the same head, racing from the two ledgers. At most
	// one may be applied; the other is stale, or signed for a head that
	// moved, or refused for its buyer's limit or for a seller standing that
	// a transfer of the seller's other ticket changed.
	var listed []*ticket.Ticket
	es, err := m.Ledger.Event(ctx, "one")
	require.NoError(t, err)
	for n := uint64(1); n <= es.Serials; n++ {
		t0, _, err := ledgers[n%2].Ticket(ctx, "one", strconv.FormatUint(n, 10))
		if errors.Is(err, ledger.ErrNotFound) {
			continue
		}
		require.NoError(t, err)
		listed = append(listed, m.List(t, t0))
	}
	require.Len(t, listed, capacity)
	transfer := func(l *ledger.Ledger, tk *ticket.Ticket, buyer *ledgertest.User) bool {
		now := m.Tick()
		req, err := ticket.NewTransferRequest(buyer.Key, buyer.Cert, tk, now)
		require.NoError(t, err)
		facts, err := l.Facts(ctx, req)
		require.NoError(t, err)
		_, rec, err := merchant.Transfer(tk, req, facts, now)
		if err != nil {
			refuse("merchant transfer", err, ticket.ErrLimit)
			return false
		}
		if _, err := l.Apply(ctx, rec.Bytes()); err != nil {
			refuse("apply transfer", err, ledger.ErrStale, ticket.ErrForeign, ticket.ErrLimit, ledger.ErrStanding)
			return false
		}
		return true
	}
	won := make([]int, len(listed))
	for i, tk := range listed {
		for k := range 2 {
			buyer := f.Users[(i*7+k*13+1)%users]
			if buyer.ID() == tk.Holder.ID() {
				buyer = f.Users[(i*7+k*13+2)%users]
			}
			wg.Go(func() {
				if transfer(ledgers[k], tk, buyer) {
					mu.Lock()
					won[i]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	transferred := 0
	for i, n := range won {
		require.LessOrEqual(t, n, 1, "listing %d transferred twice", i)
		transferred += n
	}
	require.Positive(t, transferred)
	require.Equal(t, 2*capacity, m.Audit(t))
	t.Logf("%d of %d listings transferred; refusals: %v", transferred, len(listed), refusals)
}
