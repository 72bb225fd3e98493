package app

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/cbets/cbets/internal/testkit"
)

// walkAppHash is the app hash as it was before the commitment: SHA-256
// over a domain, the genesis hash and every cancellation, event and
// ticket entry of the state, walked in key order at every block. It is
// kept here as the benchmarks' baseline.
func walkAppHash(s *Store, genesisHash []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := sha256.New()
	h.Write([]byte("CBETS/cometbft/v2/app-hash"))
	h.Write(genesisHash)
	put := func(k, v []byte) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(k))))
		h.Write(k)
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(v))))
		h.Write(v)
	}
	for _, p := range [][]byte{prefixCancel, prefixEvent, prefixTicket} {
		if err := s.each(p, nil, func(k, v []byte) error { put(k, v); return nil }); err != nil {
			return nil, err
		}
	}
	return h.Sum(nil), nil
}

// blockWrites returns the writes of a block of n records, as the ledger
// makes them for purchases: per record a new record, the ticket's entry,
// the buyer's held count and standing; and the event's counters.
func blockWrites(block, n int) map[string][]byte {
	w := map[string][]byte{string(EventKey("bench")): make([]byte, 300)}
	for i := range n {
		serial, cert := fmt.Sprintf("b%d-%d", block, i), fmt.Sprintf("user-b%d-%d", block, i)
		w[string(RecordKey("bench", serial, 0))] = make([]byte, 700)
		w[string(TicketKey("bench", serial))] = make([]byte, 250)
		w[string(HeldKey("bench", cert))] = make([]byte, 8)
		w[string(StandingKey(cert))] = make([]byte, 12)
	}
	for k, v := range w {
		copy(v, k) // values differ
	}
	return w
}

// benchState returns a goleveldb database holding a state of about n keys
// (n/4 tickets, each with a record, a held count and a standing) and its
// commitment.
func benchState(b *testing.B, n int) (dbm.DB, *commitment) {
	b.Helper()
	db, err := dbm.NewGoLevelDB("bench", b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	c := newCommitment(db)
	for block := 0; block*4*1000 < n; block++ {
		s := newStore(db, c)
		write(b, s, blockWrites(-1-block, 1000))
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	return db, c
}

// BenchmarkAppHash: the app hash of a block of 100 records (401 written
// keys) over a state of 10k and 100k keys in goleveldb. "commitment" is
// FinalizeBlock's cost now (Store.AppHash: the written keys' buckets and
// their paths), "commit" adds Commit's (the block's writes, the index and
// the synchronous write), and "walk" is the former app hash, a walk over
// every event and ticket. cpu-ns/op is the benchmark thread's CPU time,
// which a loaded machine does not inflate as it does wall time.
func BenchmarkAppHash(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		db, c := benchState(b, n)
		block := 0
		run := func(name string, measured func(s *Store) error) {
			b.Run(fmt.Sprintf("keys=%dk/%s", n/1000, name), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				var cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					block++
					s := newStore(db, c)
					write(b, s, blockWrites(block, 100))
					b.StartTimer()
					start := testkit.ThreadCPU()
					if err := measured(s); err != nil {
						b.Fatal(err)
					}
					cpu += testkit.ThreadCPU() - start
				}
				if cpu > 0 {
					b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
				}
			})
		}
		run("commitment", func(s *Store) error { _, err := s.AppHash(); return err })
		run("walk", func(s *Store) error { _, err := walkAppHash(s, make([]byte, 32)); return err })
		run("commit", func(s *Store) error {
			if _, err := s.AppHash(); err != nil {
				return err
			}
			return s.Flush()
		})
	}
}
