package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

func TestMemStore(t *testing.T) {
	ledgertest.TestStore(t, func(*testing.T) ledger.Store { return ledger.NewMemStore() })
}

// plainStore is a MemStore whose transactions implement ledger.Tx only and
// keep of a ticket the fields a store must keep, as a store that keeps no
// cancellations and stores tickets in columns: neither Terms nor
// Cancellation.
type plainStore struct{ m *ledger.MemStore }

type plainTx struct{ ledger.Tx }

func (tx plainTx) Ticket(event, serial string) (*ticket.Ticket, error) {
	t, err := tx.Tx.Ticket(event, serial)
	if t != nil {
		t.Terms, t.Cancellation = nil, nil
	}
	return t, err
}

func (tx plainTx) Append(t *ticket.Ticket, rec *ticket.Record) error {
	if t != nil {
		c := *t
		c.Terms, c.Cancellation = nil, nil
		t = &c
	}
	return tx.Tx.Append(t, rec)
}

func (p plainStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return p.m.Update(ctx, func(tx ledger.Tx) error { return fn(plainTx{tx}) })
}

func (p plainStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	return p.m.View(ctx, func(tx ledger.Tx) error { return fn(plainTx{tx}) })
}

// columnStore is plainStore with cancellations: its transactions implement
// ledger.CancellationTx, and its tickets still lack Terms and
// Cancellation.
type columnStore struct{ m *ledger.MemStore }

type columnTx struct {
	plainTx
	c ledger.CancellationTx
}

func (tx columnTx) Cancellation(event string) (*ticket.Cancellation, error) {
	return tx.c.Cancellation(event)
}

func (tx columnTx) PutCancellation(c *ticket.Cancellation) error { return tx.c.PutCancellation(c) }

func (tx columnTx) Tickets(event string) ([]*ticket.Ticket, error) {
	tks, err := tx.c.Tickets(event)
	for _, t := range tks {
		t.Terms, t.Cancellation = nil, nil
	}
	return tks, err
}

func (s columnStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return s.m.Update(ctx, func(tx ledger.Tx) error { return fn(columnTx{plainTx{tx}, tx.(ledger.CancellationTx)}) })
}

func (s columnStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	return s.m.View(ctx, func(tx ledger.Tx) error { return fn(columnTx{plainTx{tx}, tx.(ledger.CancellationTx)}) })
}

// A store that keeps cancellations but not a ticket's terms passes the
// suite: the ledger sets them from the event.
func TestStoreWithoutTerms(t *testing.T) {
	ledgertest.TestStore(t, func(*testing.T) ledger.Store { return columnStore{ledger.NewMemStore()} })
}

// A store without ledger.CancellationTx passes the suite, its cases of
// cancellations skipped.
func TestStoreWithoutCancellations(t *testing.T) {
	ledgertest.TestStore(t, func(*testing.T) ledger.Store { return plainStore{ledger.NewMemStore()} })
}

// A Ledger over such a store applies every record, returns and expiry
// included, and cannot cancel.
func TestLedgerWithoutCancellations(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.NewFixture(t, 2)
	m := f.NewMarket(t, plainStore{ledger.NewMemStore()}, f.Config())
	m.PublishTerms(t, f.RuledTerms("gala", 5))
	tk := m.Return(t, m.Buy(t, f.Users[0], "gala"))
	require.Equal(t, ticket.Returned, tk.State)
	used := m.Buy(t, f.Users[1], "gala")
	m.SetClock(ledgertest.DoorsOpen)
	m.Consume(t, used)
	c := m.SignCancel(t, "gala", m.Tick())
	_, err := m.Ledger.Cancel(ctx, c.Bytes())
	require.ErrorIs(t, err, ledger.ErrStore)
	_, err = m.Ledger.RefundsOwed(ctx, "gala")
	require.ErrorIs(t, err, ledger.ErrStore)
	_, err = m.Ledger.Cancellation(ctx, "gala")
	require.ErrorIs(t, err, ledger.ErrNotFound)
	got, _, err := m.Ledger.Ticket(ctx, "gala", tk.Serial)
	require.NoError(t, err)
	require.Nil(t, got.Cancellation)
	require.Equal(t, ticket.Returned, got.StateAt(ledgertest.EventEnd.Add(time.Hour)))
	require.Equal(t, 2, m.Audit(t))
}

// ApplyRecord of a parsed record has Apply's outcome, on acceptance and
// on refusal, and stores the same bytes.
func TestApplyRecord(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.NewFixture(t, 2)
	m := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	twin := f.NewMarket(t, ledger.NewMemStore(), f.Config())
	m.Publish(t, "gala", 5)
	twin.PublishEvent(t, m.Events()[0])
	twin.Allocate(t, "gala")
	serial := m.Allocate(t, "gala")
	buy := m.SignBuy(t, f.Users[0], "gala", serial)
	parsed, err := ticket.ParseRecord(buy.Bytes())
	require.NoError(t, err)

	bad := *parsed
	bad.MerchantSig = append([]byte(nil), parsed.MerchantSig...)
	bad.MerchantSig[len(bad.MerchantSig)-1] ^= 1
	_, want := twin.Ledger.Apply(ctx, bad.Bytes())
	_, got := m.Ledger.ApplyRecord(ctx, &bad)
	require.ErrorIs(t, want, ticket.ErrSignature)
	require.Equal(t, want.Error(), got.Error())

	wantTk, err := twin.Ledger.Apply(ctx, buy.Bytes())
	require.NoError(t, err)
	gotTk, err := m.Ledger.ApplyRecord(ctx, parsed)
	require.NoError(t, err)
	require.Equal(t, wantTk, gotTk)
	_, recs, err := m.Ledger.Ticket(ctx, "gala", serial)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, buy.Bytes(), recs[0].Bytes())

	// The same record again is refused as Apply refuses it.
	_, want = twin.Ledger.Apply(ctx, buy.Bytes())
	_, got = m.Ledger.ApplyRecord(ctx, parsed)
	require.ErrorIs(t, got, ledger.ErrSerial)
	require.Equal(t, want.Error(), got.Error())
}
