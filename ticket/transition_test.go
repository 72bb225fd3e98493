package ticket_test

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// outcome is what a transition returned.
type outcome struct {
	tk  *ticket.Ticket
	rec *ticket.Record
	err error
}

func result(tk *ticket.Ticket, rec *ticket.Record, err error) outcome { return outcome{tk, rec, err} }

// refusal is a transition that must be refused with want.
type refusal struct {
	name  string
	edits []func(*ticket.Policy)
	want  error
	run   func(t *testing.T, w *world) outcome
}

func runRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.edits...)
			got := tc.run(t, w)
			require.ErrorIs(t, got.err, tc.want)
			requireMessage(t, got.err)
			require.Nil(t, got.tk, "a refused transition returns no ticket")
			require.Nil(t, got.rec, "a refused transition returns no record")
		})
	}
}

// Each method refuses a request of another kind.
func TestTransitionWrongKind(t *testing.T) {
	runRefusals(t, []refusal{
		{name: "Buy given a list request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), h.now))
		}},
		{name: "List given a delist request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewDelistRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.List(h.tk, req, goodStanding, h.now))
		}},
		{name: "List given a buy request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			return result(w.m.List(h.tk, h.recs[0].Request, goodStanding, h.tick()))
		}},
		{name: "Delist given a list request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			return result(w.m.Delist(h.tk, req, h.now))
		}},
		{name: "Transfer given a delist request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewDelistRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Transfer(h.tk, req, goodStanding, h.now))
		}},
		{name: "Consume given a delist request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewDelistRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Consume(h.tk, req, h.now))
		}},
		{name: "Consume given a transfer request", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Consume(h.tk, req, h.now))
		}},
	})
}

// Requests built by hand that break the form of their kind.
func TestTransitionMalformedRequest(t *testing.T) {
	edit := func(kind ticket.Kind, f func(q *ticket.Request, w *world)) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			if kind == ticket.KindDelist || kind == ticket.KindTransfer {
				h.list(t, resalePrice)
			}
			now := h.tick()
			signer := w.eve
			q := h.draft(kind, w.eve.cert, 0, ecdsa.Address{}, now)
			switch kind {
			case ticket.KindList:
				q.Price, q.Payee = resalePrice, w.eve.wid
			case ticket.KindTransfer:
				q.Price, q.Cert, signer = h.tk.ListPrice, w.alice.cert, w.alice
			}
			f(q, w)
			signAs(t, signer.key, q)
			switch kind {
			case ticket.KindList:
				return result(w.m.List(h.tk, q, goodStanding, now))
			case ticket.KindDelist:
				return result(w.m.Delist(h.tk, q, now))
			case ticket.KindTransfer:
				return result(w.m.Transfer(h.tk, q, goodStanding, now))
			default:
				return result(w.m.Consume(h.tk, q, now))
			}
		}
	}
	buy := func(f func(q *ticket.Request, w *world)) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			q := &ticket.Request{Kind: ticket.KindBuy, Event: "concert", Serial: "A-1", Merchant: w.m.PublicKey(),
				Cert: w.eve.cert, Price: buyPrice, Time: t0}
			f(q, w)
			signAs(t, w.eve.key, q)
			return result(w.m.Buy(q, w.buyFacts(t, w.m, q, 0), t0))
		}
	}
	long := string(make([]byte, 65))
	runRefusals(t, []refusal{
		{name: "buy with prev", want: ticket.ErrMalformed, run: buy(func(q *ticket.Request, _ *world) { q.Prev[0] = 1 })},
		{name: "buy with payee", want: ticket.ErrMalformed, run: buy(func(q *ticket.Request, w *world) { q.Payee = w.eve.wid })},
		{name: "buy with an empty event", want: ticket.ErrMalformed, run: buy(func(q *ticket.Request, _ *world) { q.Event = "" })},
		{name: "buy with a 65-byte serial", want: ticket.ErrMalformed, run: buy(func(q *ticket.Request, _ *world) { q.Serial = long })},
		{name: "buy at a negative price", want: ticket.ErrMalformed, run: buy(func(q *ticket.Request, _ *world) { q.Price = -1 })},
		{name: "buy without a certificate", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			q := &ticket.Request{Kind: ticket.KindBuy, Event: "concert", Serial: "A-1", Merchant: w.m.PublicKey(),
				Price: buyPrice, Time: t0, Sig: make([]byte, 65)}
			return result(w.m.Buy(q, w.buyFacts(t, w.m, q, 0), t0))
		}},
		{name: "buy without a merchant", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			q := &ticket.Request{Kind: ticket.KindBuy, Event: "concert", Serial: "A-1", Cert: w.eve.cert,
				Price: buyPrice, Time: t0, Sig: make([]byte, 65)}
			return result(w.m.Buy(q, w.buyFacts(t, w.m, q, 0), t0))
		}},
		{name: "buy with an inverse-s signature", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			q := &ticket.Request{Kind: ticket.KindBuy, Event: "concert", Serial: "A-1", Merchant: w.m.PublicKey(),
				Cert: w.eve.cert, Price: buyPrice, Time: t0}
			sig, err := ecdsa.SignInverseS(w.eve.key, q.SignedBytes(), nil)
			require.NoError(t, err)
			q.Sig = sig.Bytes()
			return result(w.m.Buy(q, w.buyFacts(t, w.m, q, 0), t0))
		}},
		{name: "list without payee", want: ticket.ErrMalformed, run: edit(ticket.KindList, func(q *ticket.Request, _ *world) { q.Payee = ecdsa.Address{} })},
		{name: "list without prev", want: ticket.ErrMalformed, run: edit(ticket.KindList, func(q *ticket.Request, _ *world) { q.Prev = [32]byte{} })},
		{name: "list with an R-bound signature", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			q := h.draft(ticket.KindList, w.eve.cert, resalePrice, w.eve.wid, h.tick())
			sig, err := ecdsa.SignRBound(w.eve.key, q.SignedBytes(), nil)
			require.NoError(t, err)
			q.Sig = sig.Bytes()
			return result(w.m.List(h.tk, q, goodStanding, h.now))
		}},
		{name: "delist with price", want: ticket.ErrMalformed, run: edit(ticket.KindDelist, func(q *ticket.Request, _ *world) { q.Price = 1 })},
		{name: "delist with payee", want: ticket.ErrMalformed, run: edit(ticket.KindDelist, func(q *ticket.Request, w *world) { q.Payee = w.eve.wid })},
		{name: "transfer with payee", want: ticket.ErrMalformed, run: edit(ticket.KindTransfer, func(q *ticket.Request, w *world) { q.Payee = w.alice.wid })},
		{name: "transfer without prev", want: ticket.ErrMalformed, run: edit(ticket.KindTransfer, func(q *ticket.Request, _ *world) { q.Prev = [32]byte{} })},
		{name: "consume with price", want: ticket.ErrMalformed, run: edit(ticket.KindConsume, func(q *ticket.Request, _ *world) { q.Price = 1 })},
		{name: "consume with payee", want: ticket.ErrMalformed, run: edit(ticket.KindConsume, func(q *ticket.Request, w *world) { q.Payee = w.eve.wid })},
		{name: "consume without prev", want: ticket.ErrMalformed, run: edit(ticket.KindConsume, func(q *ticket.Request, _ *world) { q.Prev = [32]byte{} })},
		{name: "consume at a time out of range", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			q := signAs(t, w.eve.key, h.draft(ticket.KindConsume, w.eve.cert, 0, ecdsa.Address{}, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)))
			return result(w.m.Consume(h.tk, q, h.tick()))
		}},
		{name: "consume without signature", want: ticket.ErrMalformed, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			q := h.draft(ticket.KindConsume, w.eve.cert, 0, ecdsa.Address{}, h.tick())
			return result(w.m.Consume(h.tk, q, h.now))
		}},
	})
}

// The request names another merchant than the one asked, or a
// certificate the registrar did not sign.
func TestTransitionForeignMerchantAndCertificate(t *testing.T) {
	runRefusals(t, []refusal{
		{name: "buy naming another merchant", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m2.PublicKey(), "concert", "A-1", buyPrice, t0)
			require.NoError(t, err)
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0))
		}},
		{name: "list of another merchant's ticket", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.buy(t, w.m2, w.eve, "concert", "A-1")
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			return result(w.m.List(h.tk, req, goodStanding, h.now))
		}},
		{name: "consume of another merchant's ticket", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.buy(t, w.m2, w.eve, "concert", "A-1")
			req, err := ticket.NewConsumeRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Consume(h.tk, req, h.now))
		}},
		{name: "buy with a certificate of another registrar", want: ticket.ErrCertificate, run: func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.mallory.key, w.mallory.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
			require.NoError(t, err)
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0))
		}},
		{name: "transfer to a buyer certified by another registrar", want: ticket.ErrCertificate, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewTransferRequest(w.mallory.key, w.mallory.cert, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Transfer(h.tk, req, goodStanding, h.now))
		}},
		{name: "holder's key under another registrar's certificate", want: ticket.ErrCertificate, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			forged, err := ticket.IssueCertificate(w.otherRegistrar, "eve", w.eve.key.PublicKey(), w.eve.wid)
			require.NoError(t, err)
			q := signAs(t, w.eve.key, h.draft(ticket.KindConsume, forged, 0, ecdsa.Address{}, h.tick()))
			return result(w.m.Consume(h.tk, q, h.now))
		}},
	})
}

// Times: a request may not come from after now, nor from before the
// ticket's latest record, and now may not lie before it either.
func TestTransitionTime(t *testing.T) {
	runRefusals(t, []refusal{
		{name: "buy request after now", want: ticket.ErrTime, run: func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0.Add(time.Nanosecond))
			require.NoError(t, err)
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0))
		}},
		{name: "list request after now", want: ticket.ErrTime, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick().Add(time.Second))
			require.NoError(t, err)
			return result(w.m.List(h.tk, req, goodStanding, h.now))
		}},
		{name: "list request before the latest record", want: ticket.ErrTime, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tk.Updated.Add(-time.Nanosecond))
			require.NoError(t, err)
			return result(w.m.List(h.tk, req, goodStanding, h.tick()))
		}},
		{name: "transfer request before the listing", want: ticket.ErrTime, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tk.Updated.Add(-time.Second))
			require.NoError(t, err)
			return result(w.m.Transfer(h.tk, req, goodStanding, h.tick()))
		}},
		{name: "consume with now before the latest record", want: ticket.ErrTime, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice).delist(t)
			req, err := ticket.NewConsumeRequest(w.eve.key, h.tk, t0)
			require.NoError(t, err)
			return result(w.m.Consume(h.tk, req, h.tk.Updated.Add(-time.Second)))
		}},
		{name: "delist with both times before the latest record", want: ticket.ErrTime, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			before := h.tk.Updated.Add(-time.Nanosecond)
			req, err := ticket.NewDelistRequest(w.eve.key, h.tk, before)
			require.NoError(t, err)
			return result(w.m.Delist(h.tk, req, before))
		}},
	})
}

// A request names its ticket, merchant and state: it is refused for any
// other ticket, merchant or state.
func TestTransitionIdentity(t *testing.T) {
	// other signs kind on h's ticket as if its event, serial or merchant
	// were different.
	other := func(kind ticket.Kind, edit func(*ticket.Ticket, *world)) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			fake := *h.tk
			edit(&fake, w)
			now := h.tick()
			var req *ticket.Request
			var err error
			switch kind {
			case ticket.KindList:
				req, err = ticket.NewListRequest(w.eve.key, &fake, resalePrice, w.eve.wid, now)
			default:
				req, err = ticket.NewConsumeRequest(w.eve.key, &fake, now)
			}
			require.NoError(t, err)
			if kind == ticket.KindList {
				return result(w.m.List(h.tk, req, goodStanding, now))
			}
			return result(w.m.Consume(h.tk, req, now))
		}
	}
	runRefusals(t, []refusal{
		{name: "list naming another event", want: ticket.ErrForeign, run: other(ticket.KindList, func(f *ticket.Ticket, _ *world) { f.Event = "opera" })},
		{name: "consume naming another serial", want: ticket.ErrForeign, run: other(ticket.KindConsume, func(f *ticket.Ticket, _ *world) { f.Serial = "A-2" })},
		{name: "consume naming another head", want: ticket.ErrForeign, run: other(ticket.KindConsume, func(f *ticket.Ticket, _ *world) { f.Head[31] ^= 1 })},
		{name: "another merchant's ticket with this merchant named", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			// The ticket belongs to m2; the request names m, the
			// merchant asked, and the ticket's head.
			h := w.buy(t, w.m2, w.eve, "concert", "A-1")
			fake := *h.tk
			fake.Merchant = w.m.PublicKey()
			req, err := ticket.NewConsumeRequest(w.eve.key, &fake, h.tick())
			require.NoError(t, err)
			return result(w.m.Consume(h.tk, req, h.now))
		}},
		{name: "request for one ticket used on another of the same holder", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			a := w.buy(t, w.m, w.eve, "concert", "A-1")
			b := w.buy(t, w.m, w.eve, "opera", "B-7")
			req, err := ticket.NewConsumeRequest(w.eve.key, a.tk, a.tick())
			require.NoError(t, err)
			return result(w.m.Consume(b.tk, req, a.now))
		}},
		{name: "list request for one ticket used on a twin at another serial", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			a := w.buy(t, w.m, w.eve, "concert", "A-1")
			b := w.buy(t, w.m, w.eve, "concert", "A-2")
			req, err := ticket.NewListRequest(w.eve.key, a.tk, resalePrice, w.eve.wid, a.tick())
			require.NoError(t, err)
			return result(w.m.List(b.tk, req, goodStanding, a.now))
		}},
		{name: "list request reused after delist", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			h.accept(t)(w.m.List(h.tk, req, goodStanding, h.now))
			h.delist(t)
			return result(w.m.List(h.tk, req, goodStanding, h.tick()))
		}},
		{name: "transfer request for an earlier listing", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tick())
			require.NoError(t, err)
			h.delist(t).list(t, resalePrice)
			return result(w.m.Transfer(h.tk, req, goodStanding, h.tick()))
		}},
		{name: "consume request signed before a listing", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewConsumeRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			h.list(t, resalePrice).delist(t)
			return result(w.m.Consume(h.tk, req, h.tick()))
		}},
		{name: "second buyer of a listing already sold", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			listed := h.tk
			now := h.tick()
			bob, err := ticket.NewTransferRequest(w.bob.key, w.bob.cert, listed, now)
			require.NoError(t, err)
			h.transfer(t, w.alice)
			return result(w.m.Transfer(h.tk, bob, goodStanding, h.tick()))
		}},
		{name: "second consume request signed on the same state", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			valid := h.tk
			second, err := ticket.NewConsumeRequest(w.eve.key, valid, h.now.Add(time.Second))
			require.NoError(t, err)
			h.consume(t)
			return result(w.m.Consume(h.tk, second, h.tick()))
		}},
		{name: "consume request replayed after consumption", want: ticket.ErrForeign, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).consume(t)
			return result(w.m.Consume(h.tk, h.recs[1].Request, h.tick()))
		}},
		{name: "list with no ticket", want: ticket.ErrState, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			return result(w.m.List(nil, req, goodStanding, h.now))
		}},
	})
}

// Only the holder lists, delists and consumes; the merchant alone can do
// none of it.
func TestTransitionHolder(t *testing.T) {
	// as has p sign kind on the ticket with p's own certificate.
	as := func(p func(*world) *party, kind ticket.Kind, prepare func(*testing.T, *hist)) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			if prepare != nil {
				prepare(t, h)
			}
			u := p(w)
			now := h.tick()
			q := h.draft(kind, u.cert, 0, ecdsa.Address{}, now)
			if kind == ticket.KindList {
				q.Price, q.Payee = resalePrice, u.wid
			}
			signAs(t, u.key, q)
			switch kind {
			case ticket.KindList:
				return result(w.m.List(h.tk, q, goodStanding, now))
			case ticket.KindDelist:
				return result(w.m.Delist(h.tk, q, now))
			default:
				return result(w.m.Consume(h.tk, q, now))
			}
		}
	}
	alice := func(w *world) *party { return w.alice }
	eve := func(w *world) *party { return w.eve }
	merchant := func(w *world) *party { return w.merchantUser }
	eveAgain := func(w *world) *party { return w.eveAgain }
	listed := func(t *testing.T, h *hist) { h.list(t, resalePrice) }
	sold := func(t *testing.T, h *hist) { h.list(t, resalePrice).transfer(t, h.w.alice) }
	runRefusals(t, []refusal{
		{name: "list by a non-holder", want: ticket.ErrNotHolder, run: as(alice, ticket.KindList, nil)},
		{name: "delist by a non-holder", want: ticket.ErrNotHolder, run: as(alice, ticket.KindDelist, listed)},
		{name: "consume by a non-holder", want: ticket.ErrNotHolder, run: as(alice, ticket.KindConsume, nil)},
		{name: "list by the previous holder", want: ticket.ErrNotHolder, run: as(eve, ticket.KindList, sold)},
		{name: "consume by the previous holder", want: ticket.ErrNotHolder, run: as(eve, ticket.KindConsume, sold)},
		{name: "consume by the holder's key under another certificate", want: ticket.ErrNotHolder, run: as(eveAgain, ticket.KindConsume, nil)},
		{name: "merchant consumes with its own certificate and ω", want: ticket.ErrNotHolder, run: as(merchant, ticket.KindConsume, nil)},
		{name: "merchant lists with its own certificate", want: ticket.ErrNotHolder, run: as(merchant, ticket.KindList, nil)},
		{name: "merchant consumes with the holder's certificate and its own ω", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			q := signAs(t, w.merchantKey, h.draft(ticket.KindConsume, w.eve.cert, 0, ecdsa.Address{}, h.tick()))
			return result(w.m.Consume(h.tk, q, h.now))
		}},
		{name: "merchant delists with the holder's certificate", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			q := signAs(t, w.merchantKey, h.draft(ticket.KindDelist, w.eve.cert, 0, ecdsa.Address{}, h.tick()))
			return result(w.m.Delist(h.tk, q, h.now))
		}},
		{name: "merchant forges a transfer with a certificate it signed", want: ticket.ErrCertificate, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			self, err := ticket.IssueCertificate(w.merchantKey, "alice", w.merchantKey.PublicKey(), w.merchantUser.wid)
			require.NoError(t, err)
			req, err := ticket.NewTransferRequest(w.merchantKey, self, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Transfer(h.tk, req, goodStanding, h.now))
		}},
		{name: "merchant forges a transfer with the buyer's certificate", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			q := signAs(t, w.merchantKey, h.draft(ticket.KindTransfer, w.alice.cert, h.tk.ListPrice, ecdsa.Address{}, h.tick()))
			return result(w.m.Transfer(h.tk, q, goodStanding, h.now))
		}},
		{name: "merchant forges a buy", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			q := &ticket.Request{Kind: ticket.KindBuy, Event: "concert", Serial: "A-1", Merchant: w.m.PublicKey(),
				Cert: w.eve.cert, Price: buyPrice, Time: t0}
			return result(w.m.Buy(signAs(t, w.merchantKey, q), w.buyFacts(t, w.m, q, 0), t0))
		}},
	})
}

// The state rules of List, Delist, Transfer and Consume.
func TestTransitionState(t *testing.T) {
	listReq := func(t *testing.T, h *hist) outcome {
		req, err := ticket.NewListRequest(h.holder.key, h.tk, resalePrice, h.holder.wid, h.tick())
		require.NoError(t, err)
		return result(h.m.List(h.tk, req, goodStanding, h.now))
	}
	delistReq := func(t *testing.T, h *hist) outcome {
		req, err := ticket.NewDelistRequest(h.holder.key, h.tk, h.tick())
		require.NoError(t, err)
		return result(h.m.Delist(h.tk, req, h.now))
	}
	transferReq := func(buyer func(*world) *party) func(t *testing.T, h *hist) outcome {
		return func(t *testing.T, h *hist) outcome {
			b := buyer(h.w)
			q := signAs(t, b.key, h.draft(ticket.KindTransfer, b.cert, resalePrice, ecdsa.Address{}, h.tick()))
			return result(h.m.Transfer(h.tk, q, goodStanding, h.now))
		}
	}
	consumeReq := func(t *testing.T, h *hist) outcome {
		req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, h.tick())
		require.NoError(t, err)
		return result(h.m.Consume(h.tk, req, h.now))
	}
	bob := func(w *world) *party { return w.bob }
	eve := func(w *world) *party { return w.eve }
	eveAgain := func(w *world) *party { return w.eveAgain }
	valid := func(t *testing.T, w *world) *hist { return w.bought(t) }
	listed := func(t *testing.T, w *world) *hist { return w.bought(t).list(t, resalePrice) }
	transferred := func(t *testing.T, w *world) *hist {
		return w.bought(t).list(t, resalePrice).transfer(t, w.alice)
	}
	twice := func(t *testing.T, w *world) *hist {
		return transferred(t, w).list(t, resalePrice).transfer(t, w.bob)
	}
	consumed := func(t *testing.T, w *world) *hist { return w.bought(t).consume(t) }
	on := func(state func(*testing.T, *world) *hist, op func(*testing.T, *hist) outcome) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome { return op(t, state(t, w)) }
	}
	runRefusals(t, []refusal{
		{name: "list a listed ticket", want: ticket.ErrState, run: on(listed, listReq)},
		{name: "list a consumed ticket", want: ticket.ErrState, run: on(consumed, listReq)},
		{name: "list a transferred ticket", want: ticket.ErrTransferLimit, run: on(transferred, listReq)},
		{name: "list a ticket transferred twice, two allowed", edits: []func(*ticket.Policy){maxTransfers(2)},
			want: ticket.ErrTransferLimit, run: on(twice, listReq)},
		{name: "list with no transfer allowed", edits: []func(*ticket.Policy){maxTransfers(0)},
			want: ticket.ErrTransferLimit, run: on(valid, listReq)},
		{name: "delist a valid ticket", want: ticket.ErrState, run: on(valid, delistReq)},
		{name: "delist a transferred ticket", want: ticket.ErrState, run: on(transferred, delistReq)},
		{name: "delist a consumed ticket", want: ticket.ErrState, run: on(consumed, delistReq)},
		{name: "transfer a valid ticket", want: ticket.ErrState, run: on(valid, transferReq(bob))},
		{name: "transfer a transferred ticket", want: ticket.ErrState, run: on(transferred, transferReq(bob))},
		{name: "transfer a consumed ticket", want: ticket.ErrState, run: on(consumed, transferReq(bob))},
		{name: "holder buys its own listing", want: ticket.ErrState, run: on(listed, transferReq(eve))},
		{name: "holder buys its own listing under another certificate", want: ticket.ErrState, run: on(listed, transferReq(eveAgain))},
		{name: "consume a listed ticket", want: ticket.ErrState, run: on(listed, consumeReq)},
		{name: "consume a consumed ticket", want: ticket.ErrState, run: on(consumed, consumeReq)},
		{name: "transfer below the listed price", want: ticket.ErrPrice, run: func(t *testing.T, w *world) outcome {
			h := listed(t, w)
			q := signAs(t, w.bob.key, h.draft(ticket.KindTransfer, w.bob.cert, resalePrice-1, ecdsa.Address{}, h.tick()))
			return result(w.m.Transfer(h.tk, q, goodStanding, h.now))
		}},
		{name: "transfer above the listed price", want: ticket.ErrPrice, run: func(t *testing.T, w *world) outcome {
			h := listed(t, w)
			q := signAs(t, w.bob.key, h.draft(ticket.KindTransfer, w.bob.cert, resalePrice+1, ecdsa.Address{}, h.tick()))
			return result(w.m.Transfer(h.tk, q, goodStanding, h.now))
		}},
	})
}

// The rules on facts: the per-certificate limit and the listing gate.
func TestTransitionFacts(t *testing.T) {
	buyHeld := func(held int) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
			require.NoError(t, err)
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, held), t0))
		}
	}
	transferHeld := func(held int) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tick())
			require.NoError(t, err)
			return result(w.m.Transfer(h.tk, req, ticket.Facts{Held: held, Seller: goodStanding.Seller}, h.now))
		}
	}
	listAt := func(rep int64) func(*testing.T, *world) outcome {
		return func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			return result(w.m.List(h.tk, req, ticket.Facts{Seller: ticket.Standing{Reputation: rep}}, h.now))
		}
	}
	runRefusals(t, []refusal{
		{name: "buy holding one", want: ticket.ErrLimit, run: buyHeld(1)},
		{name: "buy holding five", want: ticket.ErrLimit, run: buyHeld(5)},
		{name: "buy holding two of two", edits: []func(*ticket.Policy){perCertificate(2)}, want: ticket.ErrLimit, run: buyHeld(2)},
		{name: "transfer to a buyer holding one", want: ticket.ErrLimit, run: transferHeld(1)},
		{name: "transfer to a buyer holding two of two", edits: []func(*ticket.Policy){perCertificate(2)}, want: ticket.ErrLimit, run: transferHeld(2)},
		{name: "list at reputation 499", want: ticket.ErrReputation, run: listAt(499)},
		{name: "list at reputation 0", want: ticket.ErrReputation, run: listAt(0)},
		{name: "list at negative reputation", want: ticket.ErrReputation, run: listAt(-100)},
	})
	t.Run("accepted at the limits", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			edits []func(*ticket.Policy)
			run   func(*testing.T, *world) outcome
		}{
			{"buy holding none", nil, buyHeld(0)},
			{"buy holding one of two", []func(*ticket.Policy){perCertificate(2)}, buyHeld(1)},
			{"transfer to a buyer holding none", nil, transferHeld(0)},
			{"transfer to a buyer holding one of two", []func(*ticket.Policy){perCertificate(2)}, transferHeld(1)},
			{"list at reputation 500", nil, listAt(500)},
			{"list at reputation 1501", nil, listAt(1501)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := tc.run(t, newWorld(t, tc.edits...))
				require.NoError(t, got.err)
				require.NotNil(t, got.tk)
				require.NotNil(t, got.rec)
			})
		}
	})
	t.Run("the listing records the standing relied on", func(t *testing.T) {
		got := listAt(777)(t, newWorld(t))
		require.NoError(t, got.err)
		require.Equal(t, ticket.Standing{Reputation: 777}, got.rec.Seller)
	})
}

// A signature that does not cover the request as given is refused.
func TestTransitionSignature(t *testing.T) {
	runRefusals(t, []refusal{
		{name: "buy signed by another key", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			q := &ticket.Request{Kind: ticket.KindBuy, Event: "concert", Serial: "A-1", Merchant: w.m.PublicKey(),
				Cert: w.eve.cert, Price: buyPrice, Time: t0}
			return result(w.m.Buy(signAs(t, w.alice.key, q), w.buyFacts(t, w.m, q, 0), t0))
		}},
		{name: "buy with the price raised after signing", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
			require.NoError(t, err)
			req.Price++
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0))
		}},
		{name: "buy with the serial changed after signing", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
			require.NoError(t, err)
			req.Serial = "A-2"
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0))
		}},
		{name: "buy with a signature bit flipped", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
			require.NoError(t, err)
			req.Sig[len(req.Sig)-1] ^= 1
			return result(w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0))
		}},
		{name: "list with the price changed after signing", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			req.Price = 2 * resalePrice
			return result(w.m.List(h.tk, req, goodStanding, h.now))
		}},
		{name: "list with the payee changed after signing", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tick())
			require.NoError(t, err)
			req.Payee = w.merchantUser.wid
			return result(w.m.List(h.tk, req, goodStanding, h.now))
		}},
		{name: "delist signed by another key", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			q := signAs(t, w.bob.key, h.draft(ticket.KindDelist, w.eve.cert, 0, ecdsa.Address{}, h.tick()))
			return result(w.m.Delist(h.tk, q, h.now))
		}},
		{name: "transfer signed by another key", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			q := signAs(t, w.bob.key, h.draft(ticket.KindTransfer, w.alice.cert, resalePrice, ecdsa.Address{}, h.tick()))
			return result(w.m.Transfer(h.tk, q, goodStanding, h.now))
		}},
		{name: "transfer with the buyer's certificate swapped after signing", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t).list(t, resalePrice)
			req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tick())
			require.NoError(t, err)
			req.Cert = w.bob.cert
			return result(w.m.Transfer(h.tk, req, goodStanding, h.now))
		}},
		{name: "consume signed by another key", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			q := signAs(t, w.bob.key, h.draft(ticket.KindConsume, w.eve.cert, 0, ecdsa.Address{}, h.tick()))
			return result(w.m.Consume(h.tk, q, h.now))
		}},
		{name: "consume with the time changed after signing", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewConsumeRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			req.Time = req.Time.Add(-time.Second)
			return result(w.m.Consume(h.tk, req, h.now))
		}},
		{name: "consume with ω of another message", want: ticket.ErrSignature, run: func(t *testing.T, w *world) outcome {
			h := w.bought(t)
			req, err := ticket.NewConsumeRequest(w.eve.key, h.tk, h.tick())
			require.NoError(t, err)
			sig, err := ecdsa.SignInverseS(w.eve.key, []byte("another message"), nil)
			require.NoError(t, err)
			req.Sig = sig.Bytes()
			return result(w.m.Consume(h.tk, req, h.now))
		}},
	})
	t.Run("request builders check the signing key", func(t *testing.T) {
		w := newWorld(t)
		_, err := ticket.NewBuyRequest(w.alice.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
		require.ErrorIs(t, err, ticket.ErrSignature)
		h := w.bought(t)
		_, err = ticket.NewConsumeRequest(w.alice.key, h.tk, h.tick())
		require.ErrorIs(t, err, ticket.ErrSignature)
		_, err = ticket.NewTransferRequest(w.alice.key, w.bob.cert, h.tk, h.now)
		require.ErrorIs(t, err, ticket.ErrSignature)
	})
	t.Run("request builders check the form", func(t *testing.T) {
		w := newWorld(t)
		_, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "", "A-1", buyPrice, t0)
		require.ErrorIs(t, err, ticket.ErrMalformed)
		_, err = ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", -5, t0)
		require.ErrorIs(t, err, ticket.ErrMalformed)
		_, err = ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice,
			time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC))
		require.ErrorIs(t, err, ticket.ErrMalformed)
		h := w.bought(t)
		_, err = ticket.NewListRequest(w.eve.key, h.tk, resalePrice, ecdsa.Address{}, h.tick())
		require.ErrorIs(t, err, ticket.ErrMalformed)
	})
}

// The accepted transitions: the next ticket, the record, and what they
// settle.
func TestTransitionLifecycle(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	buy := h.recs[0]
	require.Equal(t, ticket.Valid, h.tk.State)
	require.Equal(t, 1, h.tk.State.PaperCode())
	require.Equal(t, "concert", h.tk.Event)
	require.Equal(t, "A-1", h.tk.Serial)
	require.True(t, h.tk.Merchant.Equal(w.m.PublicKey()))
	require.True(t, h.tk.Holder.Equal(w.eve.cert))
	require.Equal(t, uint32(0), h.tk.Age)
	require.Equal(t, buyPrice, h.tk.Price)
	require.True(t, h.tk.Issued.Equal(t0))
	require.True(t, h.tk.Updated.Equal(t0))
	require.Equal(t, buy.Hash(), h.tk.Head)
	require.Equal(t, int64(5), buy.SignerReputation)
	require.Zero(t, buy.SellerReputation)
	require.Zero(t, buy.Tax)
	require.Zero(t, buy.Payout)
	require.Empty(t, buy.Consumption)

	h.list(t, resalePrice)
	require.Equal(t, ticket.Listed, h.tk.State)
	require.Equal(t, -1, h.tk.State.PaperCode())
	require.Equal(t, resalePrice, h.tk.ListPrice)
	require.Equal(t, w.eve.wid, h.tk.Payee)
	require.Equal(t, buy.Hash(), h.recs[1].Request.Prev)
	require.Zero(t, h.recs[1].SignerReputation)

	h.delist(t)
	require.Equal(t, ticket.Valid, h.tk.State)
	require.Zero(t, h.tk.ListPrice)
	require.Equal(t, ecdsa.Address{}, h.tk.Payee)

	h.list(t, resalePrice).transfer(t, w.alice)
	tr := h.recs[4]
	require.Equal(t, ticket.Transferred, h.tk.State)
	require.Equal(t, 2, h.tk.State.PaperCode())
	require.True(t, h.tk.Holder.Equal(w.alice.cert))
	require.Equal(t, uint32(1), h.tk.Age)
	require.Equal(t, resalePrice, h.tk.Price)
	require.Zero(t, h.tk.ListPrice)
	require.True(t, h.tk.Issued.Equal(t0), "Issued stays the time of the Buy")
	// D = 20 coins lies in (18, 70]: 75%, Payout = Price' − Tax, and the
	// seller loses ΔPrice·x = 20·1.
	require.Equal(t, tax.Amount(1500), tr.Tax)
	require.Equal(t, tax.Amount(10500), tr.Payout)
	require.Equal(t, int64(5), tr.SignerReputation)
	require.Equal(t, int64(-20), tr.SellerReputation)
	require.Equal(t, goodStanding.Seller, tr.Seller)

	h.consume(t)
	cons := h.recs[5]
	require.Equal(t, ticket.Consumed, h.tk.State)
	require.Equal(t, 0, h.tk.State.PaperCode())
	require.Len(t, cons.Consumption, 128)
	require.True(t, h.tk.Holder.Equal(w.alice.cert))
	for i := 1; i < len(h.recs); i++ {
		require.Equal(t, h.recs[i-1].Hash(), h.recs[i].Request.Prev, "record %d", i)
		require.False(t, h.recs[i].Time.Before(h.recs[i-1].Time), "record %d", i)
	}
}

func TestTransitionDelistAfterTransfer(t *testing.T) {
	w := newWorld(t, maxTransfers(2))
	h := w.bought(t).list(t, resalePrice).transfer(t, w.alice).list(t, resalePrice+500)
	require.Equal(t, ticket.Listed, h.tk.State)
	h.delist(t)
	require.Equal(t, ticket.Transferred, h.tk.State, "a delisted ticket that was resold is Transferred")
	require.Equal(t, uint32(1), h.tk.Age)
	h.list(t, resalePrice).transfer(t, w.bob)
	require.Equal(t, uint32(2), h.tk.Age)
	require.True(t, h.tk.Holder.Equal(w.bob.cert))
	// Alice bought at 12000 and sells at 12000: no tax, no penalty.
	last := h.recs[len(h.recs)-1]
	require.Zero(t, last.Tax)
	require.Equal(t, resalePrice, last.Payout)
	require.Zero(t, last.SellerReputation)
	got, err := ticket.Replay(h.recs, w.v)
	require.NoError(t, err)
	requireSameTicket(t, h.tk, got)
}

// Times equal to the latest record and to now are accepted.
func TestTransitionTimeBoundaries(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, h.tk.Updated)
	require.NoError(t, err)
	h.accept(t)(w.m.List(h.tk, req, goodStanding, h.tk.Updated))
	require.True(t, h.tk.Updated.Equal(t0))
	req, err = ticket.NewDelistRequest(w.eve.key, h.tk, t0)
	require.NoError(t, err)
	h.accept(t)(w.m.Delist(h.tk, req, t0.Add(time.Hour)))
	require.True(t, h.tk.Updated.Equal(t0.Add(time.Hour)))
	// Non-UTC times are accepted and recorded in UTC.
	paris := time.FixedZone("CET", 3600)
	now := t0.Add(2 * time.Hour).In(paris)
	req, err = ticket.NewConsumeRequest(w.eve.key, h.tk, now)
	require.NoError(t, err)
	h.accept(t)(w.m.Consume(h.tk, req, now))
	require.Equal(t, time.UTC, h.recs[3].Time.Location())
	require.True(t, h.recs[3].Time.Equal(now))
	got, err := ticket.Replay(parsedCopies(t, h.recs), w.v)
	require.NoError(t, err)
	requireSameTicket(t, h.tk, got)
}

// Transitions are pure: the input ticket is not modified, and the same
// inputs give the same record.
func TestTransitionPure(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	before := *h.tk
	now := h.tick()
	req, err := ticket.NewListRequest(w.eve.key, h.tk, resalePrice, w.eve.wid, now)
	require.NoError(t, err)
	reqBytes := req.Bytes()
	tk1, rec1, err := w.m.List(h.tk, req, goodStanding, now)
	require.NoError(t, err)
	tk2, rec2, err := w.m.List(h.tk, req, goodStanding, now)
	require.NoError(t, err)
	require.Equal(t, before, *h.tk)
	require.Equal(t, reqBytes, req.Bytes())
	require.Equal(t, rec1.Bytes(), rec2.Bytes())
	requireSameTicket(t, tk1, tk2)
	require.NotSame(t, tk1, h.tk)
}

// The resale settlement (eq. 24), the seller's penalty −ΔPrice·x (paper
// step 10) and the reputation discount above 1500.
func TestTransferSettlement(t *testing.T) {
	for _, tc := range []struct {
		name          string
		resale        tax.Amount
		seller        ticket.Standing
		tax           tax.Amount
		sellerPenalty int64
	}{
		// Bought at 100 coins (10000 cents).
		{"20 coins up, 75%", 12000, ticket.Standing{Reputation: 600}, 1500, -20},
		{"20 coins up, third transfer", 12000, ticket.Standing{Reputation: 600, Transfers: 2}, 1500, -60},
		{"reputation 1500 is not discounted", 12000, ticket.Standing{Reputation: 1500}, 1500, -20},
		{"reputation 1501 pays 80%", 12000, ticket.Standing{Reputation: 1501}, 1200, -20},
		{"one coin up, 53%", 10100, ticket.Standing{Reputation: 600}, 53, -1},
		{"half a coin up rounds the penalty up", 10050, ticket.Standing{Reputation: 600}, 27, -1},
		{"3 coins up, 53%", 10300, ticket.Standing{Reputation: 600}, 159, -3},
		{"3.01 coins up, 60% of the whole", 10301, ticket.Standing{Reputation: 600}, 181, -4},
		{"at cost", 10000, ticket.Standing{Reputation: 600}, 0, 0},
		{"at a loss", 8000, ticket.Standing{Reputation: 600}, 0, 0},
		{"for free", 0, ticket.Standing{Reputation: 600}, 0, 0},
		{"200 coins up, 95%, discounted", 30000, ticket.Standing{Reputation: 2000, Transfers: 1}, 15200, -400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			h := w.bought(t).list(t, tc.resale)
			req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tick())
			require.NoError(t, err)
			tk, rec, err := w.m.Transfer(h.tk, req, ticket.Facts{Seller: tc.seller}, h.now)
			require.NoError(t, err)
			require.Equal(t, tc.tax, rec.Tax)
			require.Equal(t, tc.resale-tc.tax, rec.Payout)
			require.Equal(t, tc.sellerPenalty, rec.SellerReputation)
			require.Equal(t, int64(5), rec.SignerReputation)
			require.Equal(t, tc.seller, rec.Seller)
			require.Equal(t, tc.resale, tk.Price)
			// The settlement is what the policy's schedule gives.
			st, err := w.policy.Schedule.SettleDiscounted(buyPrice, tc.resale, tc.seller.Reputation, w.policy.Discount)
			require.NoError(t, err)
			require.Equal(t, st.Tax, rec.Tax)
			// Replay accepts the settlement for the recorded standing.
			_, err = ticket.Replay(append(h.recs, rec), w.v)
			require.NoError(t, err)
		})
	}
}

func TestNewMerchantPolicy(t *testing.T) {
	c := getCast(t)
	for _, tc := range []struct {
		name string
		edit func(*ticket.Policy)
	}{
		{"no schedule", func(p *ticket.Policy) { p.Schedule = nil }},
		{"limit 0", func(p *ticket.Policy) { p.PerCertificateLimit = 0 }},
		{"negative reward", func(p *ticket.Policy) { p.PurchaseReward = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ticket.DefaultPolicy(c.scale)
			tc.edit(&p)
			_, err := ticket.NewMerchant(c.merchantKey, c.registrar.PublicKey(), p)
			require.Error(t, err)
			_, err = ticket.Replay([]*ticket.Record{{}}, &ticket.Verifier{Registrar: c.registrar.PublicKey(), Policy: p})
			require.Error(t, err)
		})
	}
	p := ticket.DefaultPolicy(c.scale)
	require.Equal(t, 1, p.PerCertificateLimit)
	require.Equal(t, uint32(1), p.MaxTransfers)
	require.Equal(t, int64(5), p.PurchaseReward)
	require.Equal(t, int64(500), p.ListingThreshold)
	require.Equal(t, int64(1500), p.Discount.Threshold())
	require.Equal(t, 80*tax.Percent, p.Discount.Charged())
}

func TestStateNames(t *testing.T) {
	for _, tc := range []struct {
		s     ticket.State
		name  string
		paper int
	}{
		{ticket.Valid, "valid", 1},
		{ticket.Listed, "listed", -1},
		{ticket.Transferred, "transferred", 2},
		{ticket.Consumed, "consumed", 0},
		{ticket.State(9), "State(9)", 0},
	} {
		require.Equal(t, tc.name, tc.s.String())
		require.Equal(t, tc.paper, tc.s.PaperCode())
	}
	for k, name := range map[ticket.Kind]string{ticket.KindBuy: "buy", ticket.KindList: "list",
		ticket.KindDelist: "delist", ticket.KindTransfer: "transfer", ticket.KindConsume: "consume", 0: "Kind(0)"} {
		require.Equal(t, name, k.String())
	}
}

// A merchant's now outside the Unix-nanosecond range (after April 2262)
// cannot be encoded: the transition must refuse it rather than sign a
// record whose encoding says another time.
func TestTransitionNowOutOfRange(t *testing.T) {
	w := newWorld(t)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", "A-1", buyPrice, t0)
	require.NoError(t, err)
	_, rec, err := w.m.Buy(req, w.buyFacts(t, w.m, req, 0), far)
	if err != nil {
		return
	}
	parsed, err := ticket.ParseRecord(rec.Bytes())
	require.NoError(t, err)
	require.True(t, parsed.Time.Equal(rec.Time), "signed %v, encoded %v", rec.Time, parsed.Time)
	_, err = ticket.Replay([]*ticket.Record{parsed}, w.v)
	require.NoError(t, err)
}

// A Merchant and a Verifier are used from many goroutines at once (run
// with -race); signing is deterministic, so each history equals the one
// built alone.
func TestConcurrentUse(t *testing.T) {
	w := newWorld(t)
	const n = 4
	alone := make([][]byte, n)
	for i := range n {
		h := w.buy(t, w.m, w.eve, "concert", fmt.Sprintf("C-%d", i)).list(t, resalePrice).transfer(t, w.alice).consume(t)
		alone[i] = h.recs[len(h.recs)-1].Bytes()
	}
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("panic: %v", r)
				}
			}()
			st := &hist{w: w, m: w.m, holder: w.eve, now: t0}
			req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "concert", fmt.Sprintf("C-%d", i), buyPrice, t0)
			if err != nil {
				errs[i] = err
				return
			}
			tk, rec, err := w.m.Buy(req, w.buyFacts(t, w.m, req, 0), t0)
			steps := []func() (*ticket.Ticket, *ticket.Record, error){
				func() (*ticket.Ticket, *ticket.Record, error) {
					q, err := ticket.NewListRequest(w.eve.key, tk, resalePrice, w.eve.wid, st.tick())
					if err != nil {
						return nil, nil, err
					}
					return w.m.List(tk, q, goodStanding, st.now)
				},
				func() (*ticket.Ticket, *ticket.Record, error) {
					q, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, tk, st.tick())
					if err != nil {
						return nil, nil, err
					}
					return w.m.Transfer(tk, q, goodStanding, st.now)
				},
				func() (*ticket.Ticket, *ticket.Record, error) {
					q, err := ticket.NewConsumeRequest(w.alice.key, tk, st.tick())
					if err != nil {
						return nil, nil, err
					}
					return w.m.Consume(tk, q, st.now)
				},
			}
			recs := []*ticket.Record{rec}
			for _, step := range steps {
				if err != nil {
					break
				}
				tk, rec, err = step()
				recs = append(recs, rec)
			}
			if err == nil {
				_, err = ticket.Replay(recs, w.v)
			}
			errs[i] = err
			if err == nil {
				got[i] = rec.Bytes()
			}
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "goroutine %d", i)
		require.Equal(t, alone[i], got[i], "goroutine %d", i)
	}
}

// The seller's penalty −ΔPrice·x must fit in an int64.
func TestTransferPenaltyOverflow(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t).list(t, math.MaxInt64)
	req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, h.tick())
	require.NoError(t, err)
	seller := ticket.Standing{Reputation: 600, Transfers: math.MaxUint32}
	tk, rec, err := w.m.Transfer(h.tk, req, ticket.Facts{Seller: seller}, h.now)
	require.ErrorIs(t, err, ticket.ErrMalformed)
	require.Nil(t, tk)
	require.Nil(t, rec)
	// A first transfer at the same price fits: ⌈(2^63−1−10000)/100⌉ coins.
	tk, rec, err = w.m.Transfer(h.tk, req, goodStanding, h.now)
	require.NoError(t, err)
	require.NotNil(t, tk)
	require.Equal(t, -int64((math.MaxInt64-int64(buyPrice)+99)/100), rec.SellerReputation)
	require.Equal(t, tax.Amount(math.MaxInt64)-rec.Tax, rec.Payout)
}
