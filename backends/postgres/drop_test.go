package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/backends/postgres"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// dropSize is a ticket drop: an event of Capacity seats, Certs
// certificates each allowed Limit tickets, and Attempts purchase attempts
// from Workers goroutines.
type dropSize struct {
	Capacity          uint32
	Certs, Limit      int
	Attempts, Workers int
}

var (
	fullDrop  = dropSize{Capacity: 1000, Certs: 5000, Limit: 2, Attempts: 10000, Workers: 64}
	shortDrop = dropSize{Capacity: 100, Certs: 500, Limit: 2, Attempts: 1000, Workers: 64}
)

func (d dropSize) String() string {
	return fmt.Sprintf("%d seats, %d certificates (limit %d), %d attempts from %d connections",
		d.Capacity, d.Certs, d.Limit, d.Attempts, d.Workers)
}

// fixtures caches the drop's keys and certificates by size: deriving 5,000
// keys and issuing their certificates takes a while and is the same every
// time (every key comes from a fixed label).
var fixtures sync.Map // int → func() *ledgertest.Fixture

func dropFixture(tb testing.TB, certs int) *ledgertest.Fixture {
	tb.Helper()
	f, _ := fixtures.LoadOrStore(certs, sync.OnceValue(func() *ledgertest.Fixture {
		return ledgertest.NewFixture(tb, certs)
	}))
	return f.(func() *ledgertest.Fixture)()
}

// buyers returns who makes each attempt, the same every run: a quarter of
// the attempts come from a hundred eager certificates, which soon reach
// their limit, the rest from certificates drawn uniformly.
func (d dropSize) buyers() []int {
	r := rand.New(rand.NewPCG(1, 2))
	eager := min(100, d.Certs)
	out := make([]int, d.Attempts)
	for i := range out {
		if r.IntN(4) == 0 {
			out[i] = r.IntN(eager)
		} else {
			out[i] = r.IntN(d.Certs)
		}
	}
	return out
}

// outcome is how an attempt ended: the stage that refused it (allocate,
// merchant, apply) and the sentinel its error carries, or "bought".
type outcome struct{ stage, sentinel string }

// expected are the refusals a drop may meet. A Buy of a serial allocated
// once cannot be stale (ledger.ErrStale) or name a sold serial
// (ledger.ErrSerial): those, like any other error, fail the drop.
var expected = []struct {
	name string
	err  error
}{
	{"ErrSoldOut", ledger.ErrSoldOut},
	{"ErrLimit", ticket.ErrLimit},
}

func classify(stage string, err error) (outcome, bool) {
	for _, e := range expected {
		if errors.Is(err, e.err) {
			return outcome{stage, e.name}, true
		}
	}
	return outcome{stage, err.Error()}, false
}

// dropResult is what a drop did.
type dropResult struct {
	// Wall is the drop's time, SoldOut when the last purchase committed.
	Wall, SoldOut time.Duration
	Outcomes      map[outcome]int
	// Latency of every attempt, and of the committed ones, sorted.
	Latency, Bought []time.Duration
}

func (r *dropResult) BuysPerSecond() float64 { return float64(len(r.Bought)) / r.Wall.Seconds() }

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func (r *dropResult) String() string {
	var outs []string
	for o, n := range r.Outcomes {
		outs = append(outs, fmt.Sprintf("%s %s: %d", o.stage, o.sentinel, n))
	}
	slices.Sort(outs)
	return fmt.Sprintf("%d bought in %v, sold out after %v (%.0f buys/s); attempt p50 %v, p99 %v; buy p50 %v, p99 %v; %v",
		len(r.Bought), r.Wall.Round(time.Millisecond), r.SoldOut.Round(time.Millisecond), r.BuysPerSecond(),
		percentile(r.Latency, 0.50), percentile(r.Latency, 0.99),
		percentile(r.Bought, 0.50), percentile(r.Bought, 0.99), outs)
}

// runDrop publishes an event on a new ledger over store and runs the
// drop's attempts, Workers at a time. Each attempt allocates a serial, has
// the buyer sign a Buy request, the merchant run Merchant.Buy with the
// ledger's facts, and applies the record. Unexpected errors fail tb.
func runDrop(tb testing.TB, d dropSize, store ledger.Store) (*ledgertest.Market, *dropResult) {
	tb.Helper()
	f := dropFixture(tb, d.Certs)
	cfg := f.Config()
	cfg.Policy.PerCertificateLimit = d.Limit
	m := f.NewMarket(tb, store, cfg)
	ev := m.Publish(tb, "drop", d.Capacity)
	merchant := m.Merchants[0]
	buyers := d.buyers()
	ctx := context.Background()

	// The buyer's signature and the merchant's transition take turns on
	// the CPUs, GOMAXPROCS at a time, as a server's CPU-bound work would.
	// With 64 goroutines signing at once the Go scheduler's run queues are
	// never empty, and it then looks for goroutines whose database reply
	// has arrived only every 10 ms or so (sysmon's network poll): the
	// transaction holding an event's lock would stall, and every purchase
	// behind it. (Ledger.Apply's own verification is not bounded.)
	cpu := make(chan struct{}, runtime.GOMAXPROCS(0))
	attempt := func(u *ledgertest.User) (outcome, error) {
		serial, err := m.Ledger.AllocateSerial(ctx, ev.ID())
		if err != nil {
			return outcome{stage: "allocate"}, err
		}
		now := m.Tick()
		cpu <- struct{}{}
		req, err := ticket.NewBuyRequest(u.Key, u.Cert, merchant.PublicKey(), ev.ID(), serial, ev.Terms().FaceValue, now)
		<-cpu
		if err != nil {
			return outcome{stage: "request"}, err
		}
		facts, err := m.Ledger.Facts(ctx, req)
		if err != nil {
			return outcome{stage: "facts"}, err
		}
		cpu <- struct{}{}
		_, rec, err := merchant.Buy(req, facts, now)
		<-cpu
		if err != nil {
			return outcome{stage: "merchant"}, err
		}
		if _, err := m.Ledger.Apply(ctx, rec.Bytes()); err != nil {
			return outcome{stage: "apply"}, err
		}
		return outcome{"bought", ""}, nil
	}

	type done struct {
		o        outcome
		lat, end time.Duration
		err      error
	}
	results := make([]done, d.Attempts)
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range d.Workers {
		wg.Go(func() {
			for i := range next {
				t0 := time.Now()
				o, err := attempt(f.Users[buyers[i]])
				results[i] = done{o, time.Since(t0), time.Since(start), err}
			}
		})
	}
	for i := range d.Attempts {
		next <- i
	}
	close(next)
	wg.Wait()
	r := &dropResult{Wall: time.Since(start), Outcomes: map[outcome]int{}}

	var unexpected []string
	for _, x := range results {
		o := x.o
		if x.err != nil {
			var ok bool
			if o, ok = classify(o.stage, x.err); !ok && len(unexpected) < 10 {
				unexpected = append(unexpected, o.stage+": "+o.sentinel)
			}
		} else {
			r.Bought = append(r.Bought, x.lat)
			r.SoldOut = max(r.SoldOut, x.end)
		}
		r.Outcomes[o]++
		r.Latency = append(r.Latency, x.lat)
	}
	require.Empty(tb, unexpected, "attempts failed with errors a drop should not meet")
	slices.Sort(r.Latency)
	slices.Sort(r.Bought)
	return m, r
}

// checkDrop checks what a drop left: exactly Capacity tickets sold (the
// event's count, the tickets stored and the committed attempts agree),
// every ticket's records replaying to the stored ticket, no certificate
// above its limit, and held counts that are the tickets' holders.
func checkDrop(tb testing.TB, d dropSize, m *ledgertest.Market, r *dropResult) {
	tb.Helper()
	ctx := context.Background()
	es, err := m.Ledger.Event(ctx, "drop")
	require.NoError(tb, err)
	require.Equal(tb, d.Capacity, es.Sold, "seats sold")
	require.Len(tb, r.Bought, int(d.Capacity), "committed purchases")
	v := m.Verifier(tb)
	holders := map[string]int{}
	stored := 0
	for n := uint64(1); n <= es.Serials; n++ {
		serial := strconv.FormatUint(n, 10)
		t, recs, err := m.Ledger.Ticket(ctx, "drop", serial)
		if errors.Is(err, ledger.ErrNotFound) {
			continue
		}
		require.NoError(tb, err)
		stored++
		replayed, err := ticket.Replay(recs, v)
		require.NoError(tb, err, "ticket %s does not replay", serial)
		ledgertest.RequireSameTicket(tb, replayed, t, "ticket %s", serial)
		holders[t.Holder.ID()]++
	}
	require.Equal(tb, int(d.Capacity), stored, "tickets stored")
	for id, n := range holders {
		require.LessOrEqual(tb, n, d.Limit, "certificate %q holds more than its limit", id)
		held, err := m.Ledger.Held(ctx, "drop", id)
		require.NoError(tb, err)
		require.Equal(tb, n, held, "held count of %q", id)
	}
}

// openDropStore returns a Store in a new schema over a pool with a
// connection for each worker, all connected.
func openDropStore(tb testing.TB, d dropSize) ledger.Store {
	tb.Helper()
	pool := newPool(tb, newSchema(tb), int32(d.Workers))
	connect(tb, pool)
	s, err := postgres.Open(context.Background(), pool)
	require.NoError(tb, err)
	return s
}

// TestDrop runs a ticket drop against PostgreSQL: 10,000 purchase attempts
// from 64 connections for 1,000 seats, each certificate allowed two
// (-short: 1,000 attempts for 100 seats).
func TestDrop(t *testing.T) {
	d := fullDrop
	if testing.Short() {
		d = shortDrop
	}
	dropFixture(t, d.Certs)
	m, r := runDrop(t, d, openDropStore(t, d))
	t.Logf("%v: %v", d, r)
	checkDrop(t, d, m, r)
}

// BenchmarkDrop runs a drop of TestDrop's full size against PostgreSQL and
// against ledger.MemStore, the baseline. A drop takes seconds, so each
// sub-benchmark runs exactly one drop whatever b.N is: the framework's
// first call of each -count round (b.N = 1) runs it, and the calls of its
// ramp-up under a longer -benchtime (b.N > 1) report that drop again. The
// metrics are per drop: ns/op is the drop's wall time, buys/s the
// committed purchases per second of it, sellout-s when the last seat was
// sold, and p50-ms and p99-ms the latency of an attempt (allocation,
// signatures, facts, merchant, apply), refused attempts included.
func BenchmarkDrop(b *testing.B) {
	d := fullDrop
	dropFixture(b, d.Certs)
	stores := []struct {
		name string
		open func(testing.TB) ledger.Store
	}{
		{"postgres", func(tb testing.TB) ledger.Store { return openDropStore(tb, d) }},
		{"memory", func(testing.TB) ledger.Store { return ledger.NewMemStore() }},
	}
	for _, s := range stores {
		var r *dropResult
		b.Run("store="+s.name, func(b *testing.B) {
			if b.N == 1 || r == nil {
				b.StopTimer()
				store := s.open(b)
				b.StartTimer()
				var m *ledgertest.Market
				m, r = runDrop(b, d, store)
				b.StopTimer()
				checkDrop(b, d, m, r)
			}
			ms := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
			b.ReportMetric(float64(r.Wall.Nanoseconds()), "ns/op")
			b.ReportMetric(r.BuysPerSecond(), "buys/s")
			b.ReportMetric(r.SoldOut.Seconds(), "sellout-s")
			b.ReportMetric(ms(percentile(r.Latency, 0.50)), "p50-ms")
			b.ReportMetric(ms(percentile(r.Latency, 0.99)), "p99-ms")
		})
	}
}
