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
