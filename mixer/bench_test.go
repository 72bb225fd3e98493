package mixer_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
	"github.com/cbets/cbets/ringsig"
)

// BenchmarkRound is a whole simulated round with one output per
// participant: every key derivation, ring signature, R-bound signature and
// verification of the server and of every client, the encodings and the
// parsing, all on this machine. The clients audit their own outputs
// (AuditOwn) and work GOMAXPROCS at a time, as they would on their own
// machines; the server verifies with GOMAXPROCS workers. The "sequential"
// case runs the clients one after the other. See BenchmarkClientAudit for
// what AuditAll adds per client.
func BenchmarkRound(b *testing.B) {
	for _, n := range []int{10, 50, 100} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchRound(b, mixsim.Config{Participants: n, Audit: mixer.AuditOwn, ClientWorkers: runtime.GOMAXPROCS(0)})
		})
	}
	b.Run("N=100/sequential", func(b *testing.B) {
		benchRound(b, mixsim.Config{Participants: 100, Audit: mixer.AuditOwn})
	})
}

// BenchmarkRoundAuditAll is BenchmarkRound with every client re-verifying
// every ring signature, all on this machine.
func BenchmarkRoundAuditAll(b *testing.B) {
	for _, n := range []int{10} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchRound(b, mixsim.Config{Participants: n, Audit: mixer.AuditAll, ClientWorkers: runtime.GOMAXPROCS(0)})
		})
	}
}

func benchRound(b *testing.B, cfg mixsim.Config) {
	b.ReportAllocs()
	var rep *mixsim.Report
	cpu := cpuTime()
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
	if end := cpuTime(); end > 0 && b.N > 0 {
		b.ReportMetric((end-start).Seconds()/float64(b.N), "cpu-s/op")
	}
}

// atRegistrations builds an n-member session up to its registrations.
func atRegistrations(b *testing.B, n int) (*world, [][]byte) {
	w := newWorld(b, n, withAudit(mixer.AuditOwn))
	regs := w.register(b, w.request(b, w.announce(b)))
	var batch [][]byte
	for i := range n {
		batch = append(batch, regs[i]...)
	}
	return w, batch
}

// BenchmarkServerCheck is the server's verification of the registrations
// of a 100-member session (100 ring signatures over 100 members).
func BenchmarkServerCheck(b *testing.B) {
	w, batch := atRegistrations(b, 100)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("N=100/workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
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

// BenchmarkClientAudit is what AuditAll adds to one client of a
// 100-member session: re-verifying the 100 outputs' ring signatures.
func BenchmarkClientAudit(b *testing.B) {
	w, batch := atRegistrations(b, 100)
	var txb []byte
	for _, g := range batch {
		out, err := w.server.Handle(g, w.now)
		if err != nil {
			b.Fatal(err)
		}
		if len(out) == 1 {
			txb = out[0].Data
		}
	}
	tx, err := mixer.ParseTransaction(txb)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("N=100/workers=1", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if err := tx.VerifySignatures(1); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// BenchmarkRing measures the three ringsig operations of a 100-member
// round: NewRing (each party builds the ring once), Sign (each member, once
// per slot) and Verify (the server, once per output; an auditing client
// too).
func BenchmarkRing(b *testing.B) {
	w, batch := atRegistrations(b, 100)
	ring, err := ringsig.NewRing(w.server.Roster().Ring())
	if err != nil {
		b.Fatal(err)
	}
	sid := w.server.Session()
	scope, err := ringsig.NewScope(append(sid[:], 0, 0, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	g := batch[0]
	size := ringsig.SignatureSize(100)
	sig, err := ringsig.ParseSignature(g[len(g)-size:])
	if err != nil {
		b.Fatal(err)
	}
	msg := g[:len(g)-size-4]
	keys := w.server.Roster().Ring()
	b.Run("NewRing/N=100", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if _, err := ringsig.NewRing(keys); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("Sign/N=100", func(b *testing.B) {
		idx := ring.Index(w.keys[0].PublicKey())
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if _, err := ringsig.Sign(w.keys[0], ring, idx, scope, msg, nil); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("Verify/N=100", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if _, err := ringsig.Verify(ring, scope, msg, sig); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// BenchmarkParseTransaction decodes the transaction of a 100-member round.
func BenchmarkParseTransaction(b *testing.B) {
	rep, err := mixsim.Run(mixsim.Config{Participants: 100, Audit: mixer.AuditOwn})
	if err != nil {
		b.Fatal(err)
	}
	txb := rep.Signed.Transaction().Bytes()
	b.SetBytes(int64(len(txb)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mixer.ParseTransaction(txb); err != nil {
			b.Fatal(err)
		}
	}
}
