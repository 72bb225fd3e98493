package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
)

// historyLengths are the numbers of records a ticket has before the one
// measured.
var historyLengths = []int{1, 10, 100}

// history applies to m a ticket's history of n records — a Buy, then a List
// and a Delist in turn — and returns them with the next record of the
// turn, signed and not applied: a List after 1 record, a Delist after 10 or
// 100. The two cost the same checks (the holder's certificate and
// inverse-s signature, the merchant's R-bound signature).
func history(b *testing.B, m *ledgertest.Market, n int) (recs []*ticket.Record, next *ticket.Record) {
	b.Helper()
	u := m.Users[0]
	rec := m.SignBuy(b, u, "concert", m.Allocate(b, "concert"))
	tk := m.Apply(b, rec)
	for i := 1; ; i++ {
		recs = append(recs, rec)
		if i%2 == 1 {
			rec = m.SignList(b, tk, ledgertest.ResalePrice)
		} else {
			rec = m.SignDelist(b, tk)
		}
		if i == n {
			return recs, rec
		}
		tk = m.Apply(b, rec)
	}
}

var errRollback = errors.New("roll back")

// rollback is a Store whose transactions run in full and are then rolled
// back, so that one record can be applied again and again to the same
// state.
type rollback struct{ ledger.Store }

func (r rollback) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return r.Store.Update(ctx, func(tx ledger.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRollback
	})
}

// BenchmarkApply measures Ledger.Apply of one record to a ticket with a
// history of n records in a MemStore: parsing, reading the ticket, one
// ticket.Step, and the transaction's checks and writes. Each iteration
// applies the same record to the same state: the store's transaction runs
// in full, with every read and write, and is rolled back instead of
// committed (rollback), which leaves out only MemStore's merge of a
// transaction's writes into its maps. Its cost must not grow with n.
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	f := ledgertest.NewFixture(b, 1)
	for _, n := range historyLengths {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			store := ledger.NewMemStore()
			m := f.NewMarket(b, store, f.Config())
			m.Publish(b, "concert", 10)
			_, next := history(b, m, n)
			l, err := ledger.New(rollback{store}, m.Config)
			if err != nil {
				b.Fatal(err)
			}
			raw := next.Bytes()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Apply(ctx, raw); !errors.Is(err, errRollback) {
					b.Fatalf("Apply: %v", err)
				}
			}
		})
	}
}

// BenchmarkReplayApply is the way without a ledger that BenchmarkApply
// replaces: a backend that keeps only the records checks a new one by
// parsing it and replaying the ticket's whole history with it
// (ticket.Replay, which verifies the history's R-bound signatures in one
// batch). The stored records are kept parsed, as MemStore keeps them.
func BenchmarkReplayApply(b *testing.B) {
	f := ledgertest.NewFixture(b, 1)
	for _, n := range historyLengths {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			m := f.NewMarket(b, ledger.NewMemStore(), f.Config())
			m.Publish(b, "concert", 10)
			recs, next := history(b, m, n)
			v := m.Verifier(b)
			raw := next.Bytes()
			all := make([]*ticket.Record, n+1)
			copy(all, recs)
			b.ReportAllocs()
			for b.Loop() {
				rec, err := ticket.ParseRecord(raw)
				if err != nil {
					b.Fatal(err)
				}
				all[n] = rec
				tk, err := ticket.Replay(all, v)
				if err != nil {
					b.Fatalf("Replay: %v", err)
				}
				if tk.Head != next.Hash() {
					b.Fatal("Replay ends at another head")
				}
			}
		})
	}
}
