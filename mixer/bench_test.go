package mixer_test

import (
	"flag"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
	"github.com/cbets/cbets/ringsig"
)

// large adds the benchmarks of 50-, 100- and 256-member sessions, which
// take up to several seconds per operation (a 256-member round) and to set
// up. Without it every benchmark of the package is of 10 members (but
// BenchmarkRing's, of 10 and 100), and the package's benchmarks take well
// under two minutes with the default -benchtime or with -benchtime=100x.
// With it, use the default -benchtime or a small count, and give the
// packages before the flag (go test hands the flags after the first one it
// does not know, and what follows, to the test binary):
//
//	go test ./mixer/... -run '^$' -bench . -mixer.large
//	go test ./mixer -run '^$' -bench 'Round$' -benchtime=3x -mixer.large
var large = flag.Bool("mixer.large", false, "also run the mixer benchmarks of 50, 100 and 256 participants")

// sizes returns the session sizes to measure: 10, and with -mixer.large
// the given larger ones.
func sizes(larger ...int) []int {
	if *large {
		return append([]int{10}, larger...)
	}
	return []int{10}
}

// BenchmarkRound is a whole simulated round with one output per
// participant: every key derivation, ring signature, R-bound signature and
// verification of the server and of every client, the encodings and the
// parsing, all on this machine. The clients audit their own outputs
// (AuditOwn) and work GOMAXPROCS at a time, as they would on their own
// machines; the server verifies with GOMAXPROCS workers. The
// "sequential" cases run the clients, and the server's checks, one after
// the other. cpu-s/op is the process's CPU time, which the machine's
// load changes less than the wall-clock time; bytes/round is every
// message's bytes, once per recipient. See BenchmarkClientAudit for what
// AuditAll adds per client.
//
// N=10 always runs; N=50, N=100, N=256 and the sequential cases of 100
// and 256 only with -mixer.large.
func BenchmarkRound(b *testing.B) {
	for _, n := range sizes(50, 100, 256) {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchRound(b, mixsim.Config{Participants: n, Audit: mixer.AuditOwn, ClientWorkers: runtime.GOMAXPROCS(0)})
		})
	}
	if *large {
		for _, n := range []int{100, 256} {
			b.Run(fmt.Sprintf("N=%d/sequential", n), func(b *testing.B) {
				benchRound(b, mixsim.Config{Participants: n, Audit: mixer.AuditOwn, Workers: 1})
			})
		}
	}
}

// BenchmarkRoundAuditAll is BenchmarkRound with every client re-verifying
// every ring signature, all on this machine: N=10 always, N=50 only with
// -mixer.large.
func BenchmarkRoundAuditAll(b *testing.B) {
	for _, n := range sizes(50) {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchRound(b, mixsim.Config{Participants: n, Audit: mixer.AuditAll, ClientWorkers: runtime.GOMAXPROCS(0)})
		})
	}
}

func benchRound(b *testing.B, cfg mixsim.Config) {
	b.ReportAllocs()
	var rep *mixsim.Report
	cpu := testkit.CPUTime()
	for b.Loop() {
		var err error
		if rep, err = mixsim.Run(cfg); err != nil {
			b.Fatal(err)
		}
		if rep.Signed == nil {
			b.Fatal("round did not complete")
		}
	}
	reportCPU(b, cpu)
	total := rep.Attempts[0].Total()
	b.ReportMetric(float64(total.Messages), "msgs/round")
	b.ReportMetric(float64(total.Bytes), "bytes/round")
}

// reportCPU reports the process's CPU time per operation since start (all
// goroutines), which unlike the wall-clock time does not grow when other
// processes load the machine.
func reportCPU(b *testing.B, start time.Duration) {
	if end := testkit.CPUTime(); end > 0 && b.N > 0 {
		b.ReportMetric((end-start).Seconds()/float64(b.N), "cpu-s/op")
	}
}

// atRegistrations builds an n-member session up to its registrations.
func atRegistrations(b *testing.B, n int, audit mixer.Audit) (*world, [][]byte) {
	w := newWorld(b, n, withAudit(audit))
	regs := w.register(b, w.request(b, w.announce(b)))
	var batch [][]byte
	for i := range n {
		batch = append(batch, regs[i]...)
	}
	return w, batch
}

// BenchmarkServerCheck is the server's verification of the registrations
// of an N-member session (N ring signatures over N members), with one and
// two workers: N=10 always, N=100 only with -mixer.large.
func BenchmarkServerCheck(b *testing.B) {
	for _, n := range sizes(100) {
		w, batch := atRegistrations(b, n, mixer.AuditOwn)
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("N=%d/workers=%d", n, workers), func(b *testing.B) {
				b.ReportAllocs()
				cpu := testkit.CPUTime()
				for b.Loop() {
					for _, c := range w.server.Check(batch, workers) {
						if c.Err() != nil {
							b.Fatal(c.Err())
						}
					}
				}
				reportCPU(b, cpu)
			})
		}
	}
}

// BenchmarkClientAudit is what AuditAll adds to one client of an N-member
// session: parsing the bundle and verifying it, the N outputs' ring
// signatures. N=10 always, N=100 and N=256 only with -mixer.large.
func BenchmarkClientAudit(b *testing.B) {
	for _, n := range sizes(100, 256) {
		w, batch := atRegistrations(b, n, mixer.AuditAll)
		var out []mixer.Message
		for _, g := range batch {
			msgs, err := w.server.Handle(g, w.now)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, msgs...)
		}
		tx, err := mixer.ParseTransaction(out[0].Data, w.server.Roster().Ring())
		if err != nil {
			b.Fatal(err)
		}
		raw := out[1].Data
		b.Run(fmt.Sprintf("N=%d/workers=1", n), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			cpu := testkit.CPUTime()
			for b.Loop() {
				bundle, err := mixer.ParseBundle(raw)
				if err != nil {
					b.Fatal(err)
				}
				if err := tx.VerifyBundle(bundle, 1); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkRing measures the three ringsig operations of an N-member
// round: NewRing (each party builds the ring once), Sign (each member, once
// per slot) and Verify (the server, once per output; an auditing client
// too). Each operation takes milliseconds and the setup is one signature,
// so N=10 and N=100 both always run.
func BenchmarkRing(b *testing.B) {
	for _, n := range []int{10, 100} {
		keys := make([]*ecdsa.PublicKey, n)
		signer := keyFrom(b, "participant 0")
		keys[0] = signer.PublicKey()
		for i := 1; i < n; i++ {
			keys[i] = keyFrom(b, fmt.Sprintf("participant %d", i)).PublicKey()
		}
		ring, err := ringsig.NewRing(keys)
		if err != nil {
			b.Fatal(err)
		}
		var sid mixer.SessionID
		scope, err := ringsig.NewScope(append(sid[:], 0, 0, 0, 0))
		if err != nil {
			b.Fatal(err)
		}
		msg := []byte("CBETS/mixer/v1/registration")
		idx := ring.Index(signer.PublicKey())
		sig, err := ringsig.Sign(signer, ring, idx, scope, msg, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("NewRing/N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu := testkit.CPUTime()
			for b.Loop() {
				if _, err := ringsig.NewRing(keys); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(fmt.Sprintf("Sign/N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu := testkit.CPUTime()
			for b.Loop() {
				if _, err := ringsig.Sign(signer, ring, idx, scope, msg, nil); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(fmt.Sprintf("Verify/N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu := testkit.CPUTime()
			for b.Loop() {
				if _, err := ringsig.Verify(ring, scope, msg, sig); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkParseTransaction decodes the transaction of an N-member round:
// N=10 always, N=100 (whose setup is a whole round) only with
// -mixer.large.
func BenchmarkParseTransaction(b *testing.B) {
	for _, n := range sizes(100) {
		rep, err := mixsim.Run(mixsim.Config{Participants: n, Audit: mixer.AuditOwn})
		if err != nil {
			b.Fatal(err)
		}
		txb := rep.Signed.Transaction().Bytes()
		ring := rep.Signed.Transaction().Ring()
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(txb)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := mixer.ParseTransaction(txb, ring); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
