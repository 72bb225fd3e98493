package ledger_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
)

// sentinels are the errors a refusal of Apply or Publish must match.
var sentinels = []error{
	ledger.ErrNotFound, ledger.ErrEventExists, ledger.ErrUnknownEvent, ledger.ErrSoldOut, ledger.ErrSerial,
	ledger.ErrStale, ledger.ErrStanding,
	ticket.ErrMalformed, ticket.ErrKey, ticket.ErrWID, ticket.ErrSignature, ticket.ErrCertificate,
	ticket.ErrForeign, ticket.ErrState, ticket.ErrNotHolder, ticket.ErrTime, ticket.ErrLimit,
	ticket.ErrTransferLimit, ticket.ErrReputation, ticket.ErrPrice, ticket.ErrMismatch, ticket.ErrEvent,
	ticket.ErrSaleClosed, ticket.ErrClosed, ticket.ErrExpired, ticket.ErrCancelled, ticket.ErrResaleCap,
}

// fuzzMarket returns a market with published events and bought tickets,
// "gala" cancelled, and a Ledger over the same store whose transactions are
// rolled back, so that the fuzzed input never changes the state; with
// seeds: a record of each kind, not applied, an event not published and a
// cancellation not applied.
func fuzzMarket(f *testing.F) (*ledger.Ledger, [][]byte) {
	fx := ledgertest.NewFixture(f, 3)
	store := ledger.NewMemStore()
	m := fx.NewMarket(f, store, fx.Config())
	m.Publish(f, "concert", 5)
	m.PublishTerms(f, fx.RuledTerms("gala", 5))
	m.PublishTerms(f, fx.RuledTerms("fair", 5))
	tk := m.Buy(f, fx.Users[0], "concert")
	listed := m.List(f, m.Buy(f, fx.Users[1], "concert"))
	returnable := m.Buy(f, fx.Users[0], "fair")
	refundable := m.Buy(f, fx.Users[0], "gala")
	ret := m.SignReturn(f, returnable)
	refundable.Cancellation = m.Cancel(f, "gala", m.Tick())
	seeds := [][]byte{
		m.SignBuy(f, fx.Users[2], "concert", m.Allocate(f, "concert")).Bytes(),
		m.SignList(f, tk, ledgertest.ResalePrice).Bytes(),
		m.SignDelist(f, listed).Bytes(),
		m.SignTransfer(f, listed, fx.Users[2]).Bytes(),
		m.SignConsume(f, tk).Bytes(),
		m.NewEvent(f, "opera", 5).Bytes(),
		ret.Bytes(),
		m.SignRefund(f, refundable).Bytes(),
		m.SignCancel(f, "fair", m.Tick()).Bytes(),
	}
	l, err := ledger.New(rollback{store}, m.Config)
	if err != nil {
		f.Fatal(err)
	}
	return l, seeds
}

// checkRefusal requires err to be the rollback of an accepted input or a
// refusal matching one of the sentinels.
func checkRefusal(t *testing.T, err error) {
	if err == nil {
		t.Fatal("a transaction was committed")
	}
	if errors.Is(err, errRollback) {
		return
	}
	if !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }) {
		t.Fatalf("refusal matching no sentinel: %v", err)
	}
}

func FuzzApply(f *testing.F) {
	l, seeds := fuzzMarket(f)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tk, err := l.Apply(context.Background(), b)
		if tk != nil {
			t.Fatal("a ticket returned with an error")
		}
		checkRefusal(t, err)
	})
}

func FuzzPublish(f *testing.F) {
	l, seeds := fuzzMarket(f)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := l.Publish(context.Background(), b)
		if ev != nil {
			t.Fatal("an event returned with an error")
		}
		checkRefusal(t, err)
	})
}

func FuzzCancel(f *testing.F) {
	l, seeds := fuzzMarket(f)
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := l.Cancel(context.Background(), b)
		if c != nil {
			t.Fatal("a cancellation returned with an error")
		}
		checkRefusal(t, err)
	})
}
