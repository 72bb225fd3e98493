package ticket_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ticket"
)

// Transitions are pure functions of their inputs, so a benchmark may apply
// one transition to the same ticket many times. To keep the inputs from
// being a single hot case, each benchmark prebuilds benchPool distinct
// (ticket, request) pairs outside the timer and cycles through them.
const benchPool = 16

// benchInput is one prepared transition.
type benchInput struct {
	cur *ticket.Ticket
	req *ticket.Request
	now time.Time
}

// benchHists builds benchPool tickets, each bought by eve with its own
// serial and walked forward by prepare.
func benchHists(b *testing.B, prepare func(*hist)) []*hist {
	b.Helper()
	w := newWorld(b)
	hs := make([]*hist, benchPool)
	for i := range hs {
		hs[i] = w.buy(b, w.m, w.eve, "concert", fmt.Sprintf("A-%d", i))
		if prepare != nil {
			prepare(hs[i])
		}
	}
	return hs
}

func BenchmarkBuy(b *testing.B) {
	w := newWorld(b)
	in := make([]*ticket.Request, benchPool)
	for i := range in {
		req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", fmt.Sprintf("A-%d", i), buyPrice, t0)
		if err != nil {
			b.Fatal(err)
		}
		in[i] = req
	}
	facts := w.buyFacts(b, w.m, in[0], 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, err := w.m.Buy(in[i%benchPool], facts, t0); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkList(b *testing.B) {
	hs := benchHists(b, nil)
	in := make([]benchInput, len(hs))
	for i, h := range hs {
		now := h.tick()
		req, err := ticket.NewListRequest(h.holder.key, h.tk, resalePrice, h.holder.wid, now)
		if err != nil {
			b.Fatal(err)
		}
		in[i] = benchInput{h.tk, req, now}
	}
	m := hs[0].m
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x := in[i%benchPool]
		if _, _, err := m.List(x.cur, x.req, goodStanding, x.now); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkDelist(b *testing.B) {
	hs := benchHists(b, func(h *hist) { h.list(b, resalePrice) })
	in := make([]benchInput, len(hs))
	for i, h := range hs {
		now := h.tick()
		req, err := ticket.NewDelistRequest(h.holder.key, h.tk, now)
		if err != nil {
			b.Fatal(err)
		}
		in[i] = benchInput{h.tk, req, now}
	}
	m := hs[0].m
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x := in[i%benchPool]
		if _, _, err := m.Delist(x.cur, x.req, x.now); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkTransfer(b *testing.B) {
	hs := benchHists(b, func(h *hist) { h.list(b, resalePrice) })
	in := make([]benchInput, len(hs))
	for i, h := range hs {
		now := h.tick()
		alice := h.w.alice
		req, err := ticket.NewTransferRequest(alice.key, alice.cert, h.tk, now)
		if err != nil {
			b.Fatal(err)
		}
		in[i] = benchInput{h.tk, req, now}
	}
	m := hs[0].m
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x := in[i%benchPool]
		if _, _, err := m.Transfer(x.cur, x.req, goodStanding, x.now); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkConsume(b *testing.B) {
	hs := benchHists(b, nil)
	in := make([]benchInput, len(hs))
	for i, h := range hs {
		now := h.tick()
		req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, now)
		if err != nil {
			b.Fatal(err)
		}
		in[i] = benchInput{h.tk, req, now}
	}
	m := hs[0].m
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x := in[i%benchPool]
		if _, _, err := m.Consume(x.cur, x.req, x.now); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkReplay replays buy → list → transfer → consume.
func BenchmarkReplay(b *testing.B) {
	w := newWorld(b)
	h := w.bought(b).list(b, resalePrice).transfer(b, w.alice).consume(b)
	recs := parsedCopies(b, h.recs)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ticket.Replay(recs, w.v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStepTransferCache is Step of a Transfer record (four
// signatures: the buyer's certificate, the event, the buyer's ω, the
// merchant's) without a cache, through a cold cache (empty at each Step:
// every signature verified, and its entry computed and added), and
// through a warm one (every signature cached, as after CheckTx).
func BenchmarkStepTransferCache(b *testing.B) {
	hs := benchHists(b, func(h *hist) { h.list(b, resalePrice).transfer(b, h.w.alice) })
	v := hs[0].w.v
	step := func(b *testing.B, v func() *ticket.Verifier) {
		b.ReportAllocs()
		cpu := testkit.CPUTime()
		i := 0
		for b.Loop() {
			h := hs[i%benchPool]
			if _, err := ticket.Step(h.tks[len(h.tks)-2], h.recs[len(h.recs)-1], v()); err != nil {
				b.Fatal(err)
			}
			i++
		}
		reportCPU(b, cpu)
	}
	b.Run("none", func(b *testing.B) { step(b, func() *ticket.Verifier { return v }) })
	b.Run("cold", func(b *testing.B) {
		step(b, func() *ticket.Verifier { return withCache(v, ticket.NewSignatureCache(0)) })
	})
	b.Run("warm", func(b *testing.B) {
		warm := withCache(v, ticket.NewSignatureCache(0))
		for _, h := range hs {
			if _, err := ticket.Step(h.tks[len(h.tks)-2], h.recs[len(h.recs)-1], warm); err != nil {
				b.Fatal(err)
			}
		}
		step(b, func() *ticket.Verifier { return warm })
	})
}

// BenchmarkPrecheckSignatures is PrecheckSignatures of a block of 256 Buy
// records (512 R-bound signatures: the buyers' and the merchant's) into an
// empty cache, against verifying the same signatures one by one as Step
// does (each parsed, its message encoded, then VerifyRBound).
func BenchmarkPrecheckSignatures(b *testing.B) {
	w := newWorld(b)
	users := []*party{w.eve, w.alice, w.bob, w.carol}
	recs := make([]*ticket.Record, 256)
	for i := range recs {
		recs[i] = w.buy(b, w.m, users[i%len(users)], "concert", fmt.Sprintf("B-%d", i)).recs[0]
	}
	b.Run("batch", func(b *testing.B) {
		b.ReportAllocs()
		cpu := testkit.CPUTime()
		for b.Loop() {
			c := ticket.NewSignatureCache(0)
			ticket.PrecheckSignatures(recs, c)
			if c.Len() != 2*len(recs) {
				b.Fatalf("%d signatures cached, want %d", c.Len(), 2*len(recs))
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("one-by-one", func(b *testing.B) {
		verify := func(pub *ecdsa.PublicKey, msg, sigb []byte) {
			sig, err := ecdsa.ParseRBoundSignature(sigb)
			if err == nil {
				err = ecdsa.VerifyRBound(pub, msg, sig, ecdsa.SHA256)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		cpu := testkit.CPUTime()
		for b.Loop() {
			for _, rec := range recs {
				q := rec.Request
				verify(q.Cert.PublicKey(), q.SignedBytes(), q.Sig)
				verify(q.Merchant, rec.SignedBytes(), rec.MerchantSig)
			}
		}
		reportCPU(b, cpu)
	})
}

// reportCPU reports the process's CPU time per operation since start (all
// goroutines), which unlike the wall-clock time does not grow when other
// processes load the machine.
func reportCPU(b *testing.B, start time.Duration) {
	if end := testkit.CPUTime(); end > 0 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkNewConsumeRequest is the holder's side of a consumption.
func BenchmarkNewConsumeRequest(b *testing.B) {
	h := newWorld(b).bought(b)
	now := h.tick()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ticket.NewConsumeRequest(h.holder.key, h.tk, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRecord decodes a Consume record, the largest kind.
func BenchmarkParseRecord(b *testing.B) {
	h := newWorld(b).bought(b).consume(b)
	raw := h.recs[1].Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ticket.ParseRecord(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// The primitives a transition is made of. A Consume is a certificate
// check (VerifyRBound), the merchant's completion of ω (VerifyInverseS
// and an inverse-s signing) and the record's MerchantSign (SignRBound).
func BenchmarkPrimitives(b *testing.B) {
	c := getCast(b)
	msg := []byte("CBETS benchmark message")
	rb, err := ecdsa.SignRBound(c.merchantKey, msg, nil)
	if err != nil {
		b.Fatal(err)
	}
	is, err := ecdsa.SignInverseS(c.merchantKey, msg, nil)
	if err != nil {
		b.Fatal(err)
	}
	pub := c.merchantKey.PublicKey()
	b.Run("SignRBound", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ecdsa.SignRBound(c.merchantKey, msg, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("VerifyRBound", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ecdsa.VerifyRBound(pub, msg, rb, ecdsa.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SignInverseS", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ecdsa.SignInverseS(c.merchantKey, msg, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("VerifyInverseS", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ecdsa.VerifyInverseS(pub, msg, is, ecdsa.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// decred's standard ECDSA is the baseline for the signatures above.
func BenchmarkDecredSign(b *testing.B) {
	testkit.DecredSign(b, getCast(b).merchantKey, benchDecredMsg)
}

func BenchmarkDecredVerify(b *testing.B) {
	testkit.DecredVerify(b, getCast(b).merchantKey, benchDecredMsg)
}

var benchDecredMsg = []byte("CBETS benchmark message")
