package app_test

import (
	"context"
	"sync/atomic"
	"testing"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
)

// TestStoreConformance runs the ledger's conformance suite on the
// application's Store over a fresh MemDB: once with every write left
// pending, as within a block, and once flushed to the database after every
// second Update, so that reads span the database and the pending writes.
func TestStoreConformance(t *testing.T) {
	t.Run("pending", func(t *testing.T) {
		ledgertest.TestStore(t, func(*testing.T) ledger.Store { return app.NewStore(dbm.NewMemDB()) })
	})
	t.Run("flushed", func(t *testing.T) {
		ledgertest.TestStore(t, func(*testing.T) ledger.Store { return &flushing{Store: app.NewStore(dbm.NewMemDB())} })
	})
}

// flushing is a Store that flushes its pending writes after every second
// Update.
type flushing struct {
	*app.Store
	n atomic.Int64
}

func (f *flushing) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	if err := f.Store.Update(ctx, fn); err != nil {
		return err
	}
	if f.n.Add(1)%2 == 0 {
		return f.Store.Flush()
	}
	return nil
}
