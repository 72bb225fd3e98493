package ticket_test

// The rules of an event's terms beyond the sale window: the resale cap and
// cut-off, the admission window, expiry, cancellations with refunds, and
// returns; each checked by the merchant's transitions and by Replay.

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// Times of richTerms, from t0.
var (
	returnCutoff = t0.Add(5 * 24 * time.Hour)
	resaleCutoff = t0.Add(9 * 24 * time.Hour)
	doorsOpen    = t0.Add(10*24*time.Hour - 2*time.Hour)
	eventStart   = t0.Add(10 * 24 * time.Hour)
	eventEnd     = eventStart.Add(4 * time.Hour)
)

// capPrice is the resale cap of richTerms: 110% of buyPrice.
const capPrice tax.Amount = 11000

// richTerms are terms with every rule set: on sale from an hour before t0,
// returns until returnCutoff at a 10% penalty, resale until resaleCutoff at
// most 110% of the face value, doors at doorsOpen, the event
// [eventStart, eventEnd).
func richTerms(id string) ticket.EventTerms {
	return ticket.EventTerms{ID: id, Capacity: 100, FaceValue: buyPrice,
		SaleStart: t0.Add(-time.Hour), SaleEnd: eventStart, Start: eventStart, End: eventEnd,
		DoorsOpen: doorsOpen, ResaleCutoff: resaleCutoff, ResaleCapBasisPoints: 11000,
		ReturnCutoff: returnCutoff, ReturnPenaltyBasisPoints: 1000}
}

// richWorld is a world with "gala" under richTerms, published by the first
// merchant.
func richWorld(tb testing.TB, edits ...func(*ticket.Policy)) (*world, *ticket.Event) {
	tb.Helper()
	w := newWorld(tb, edits...)
	return w, w.publish(tb, w.merchantKey, richTerms("gala"))
}

func TestEventTermsCheck(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		edit func(*ticket.EventTerms)
	}{
		{"doors open at the end", func(e *ticket.EventTerms) { e.DoorsOpen = e.End }},
		{"doors open after the end", func(e *ticket.EventTerms) { e.DoorsOpen = e.End.Add(time.Hour) }},
		{"doors open out of range", func(e *ticket.EventTerms) { e.DoorsOpen = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"resale cut-off after the start", func(e *ticket.EventTerms) { e.ResaleCutoff = e.Start.Add(time.Nanosecond) }},
		{"resale cut-off out of range", func(e *ticket.EventTerms) { e.ResaleCutoff = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"negative resale cap", func(e *ticket.EventTerms) { e.ResaleCap = -1 }},
		{"return cut-off after the start", func(e *ticket.EventTerms) { e.ReturnCutoff = e.Start.Add(time.Nanosecond) }},
		{"return cut-off out of range", func(e *ticket.EventTerms) { e.ReturnCutoff = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"return penalty above 100%", func(e *ticket.EventTerms) { e.ReturnPenaltyBasisPoints = 10001 }},
		{"return penalty without returns", func(e *ticket.EventTerms) { e.ReturnCutoff = time.Time{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			terms := richTerms("gala")
			tc.edit(&terms)
			ev, err := ticket.NewEvent(w.merchantKey, terms)
			require.ErrorIs(t, err, ticket.ErrEvent)
			require.Nil(t, ev)
			requireMessage(t, err)
		})
	}
	t.Run("accepted at the limits", func(t *testing.T) {
		terms := richTerms("gala")
		terms.DoorsOpen = terms.End.Add(-time.Nanosecond)
		terms.ResaleCutoff, terms.ReturnCutoff = terms.Start, terms.Start
		terms.ReturnPenaltyBasisPoints = 10000
		terms.ResaleCapBasisPoints, terms.ResaleCap = math.MaxUint32, math.MaxInt64
		_, err := ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
		// A cut-off before the sale forbids resale; doors before the
		// sale are the default's.
		terms.ResaleCutoff, terms.DoorsOpen = terms.SaleStart.Add(-time.Hour), terms.SaleStart.Add(-time.Hour)
		_, err = ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
	})
	t.Run("defaults", func(t *testing.T) {
		terms := testTerms("plain")
		ev, err := ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
		got := ev.Terms()
		require.True(t, got.DoorsOpen.Equal(terms.SaleStart), "doors open at the sale's start")
		require.True(t, got.ResaleCutoff.Equal(terms.Start), "resale closes at the start")
		require.True(t, got.ReturnCutoff.IsZero(), "no returns")
		_, bounded := got.MaxResale()
		require.False(t, bounded)
		back, err := ticket.ParseEvent(ev.Bytes())
		require.NoError(t, err)
		require.Equal(t, ev.Bytes(), back.Bytes())
		require.True(t, back.Terms().ReturnCutoff.IsZero())
	})
}

func TestMaxResale(t *testing.T) {
	for _, tc := range []struct {
		name    string
		face    tax.Amount
		bp      uint32
		cap     tax.Amount
		want    tax.Amount
		bounded bool
	}{
		{"none", 10000, 0, 0, 0, false},
		{"ratio", 10000, 11000, 0, 11000, true},
		{"ratio rounds down", 9999, 11000, 0, 10998, true},
		{"ratio of a small price", 1, 15000, 0, 1, true},
		{"ratio below face value", 10000, 9000, 0, 9000, true},
		{"ratio of a free ticket", 0, 11000, 0, 0, true},
		{"amount", 10000, 0, 12500, 12500, true},
		{"the lower of both: amount", 10000, 20000, 15000, 15000, true},
		{"the lower of both: ratio", 10000, 11000, 15000, 11000, true},
		{"ratio at the int64 range", math.MaxInt64, 10000, 0, math.MaxInt64, true},
		{"ratio saturates", math.MaxInt64, math.MaxUint32, 0, math.MaxInt64, true},
		{"ratio just above the int64 range", math.MaxInt64, 10001, 0, math.MaxInt64, true},
		{"large ratio, exact", 1 << 40, math.MaxUint32, 0, exactShare(1<<40, math.MaxUint32), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ticket.EventTerms{FaceValue: tc.face, ResaleCapBasisPoints: tc.bp, ResaleCap: tc.cap}.MaxResale()
			require.Equal(t, tc.bounded, ok)
			require.Equal(t, tc.want, got)
		})
	}
}

// exactShare is ⌊a × bp / 10000⌋ in big integers.
func exactShare(a int64, bp uint32) tax.Amount {
	x := new(big.Int).Mul(big.NewInt(a), big.NewInt(int64(bp)))
	return tax.Amount(x.Quo(x, big.NewInt(10000)).Int64())
}

func TestResaleCap(t *testing.T) {
	w, gala := richWorld(t)
	h := w.buyOf(t, gala, w.eve, "1", t0)
	t.Run("List above the cap", func(t *testing.T) {
		now := h.now.Add(time.Minute)
		req, err := ticket.NewListRequest(w.eve.key, h.tk, capPrice+1, w.eve.wid, now)
		require.NoError(t, err)
		_, _, err = w.m.List(h.tk, req, goodStanding, now)
		require.ErrorIs(t, err, ticket.ErrResaleCap)
		requireMessage(t, err)
		// The facts' terms, when given, are the ones applied.
		_, _, err = w.m.List(h.tk, req, ticket.Facts{Seller: goodStanding.Seller, Event: gala}, now)
		require.ErrorIs(t, err, ticket.ErrResaleCap)
	})
	t.Run("List and Transfer at the cap", func(t *testing.T) {
		h := w.buyOf(t, gala, w.bob, "2", t0).list(t, capPrice).transfer(t, w.carol)
		require.Equal(t, capPrice, h.tk.Price)
		// The tax applies below the cap as to any resale.
		require.Positive(t, h.recs[2].Tax)
		got, err := ticket.Replay(h.recs, w.v)
		require.NoError(t, err)
		requireSameTicket(t, h.tk, got)
	})
	t.Run("Transfer above the cap", func(t *testing.T) {
		// A listing above the cap, as a backend that lost the terms
		// might hold it.
		listed := *w.buyOf(t, gala, w.bob, "3", t0).list(t, capPrice).tk
		listed.ListPrice = capPrice + 1
		now := t0.Add(time.Hour)
		req, err := ticket.NewTransferRequest(w.carol.key, w.carol.cert, &listed, now)
		require.NoError(t, err)
		_, _, err = w.m.Transfer(&listed, req, goodStanding, now)
		require.ErrorIs(t, err, ticket.ErrResaleCap)
	})
	t.Run("absolute cap", func(t *testing.T) {
		terms := richTerms("fair")
		terms.ResaleCapBasisPoints, terms.ResaleCap = 0, 10500
		fair := w.publish(t, w.merchantKey, terms)
		h := w.buyOf(t, fair, w.eve, "1", t0)
		now := h.now.Add(time.Minute)
		req, err := ticket.NewListRequest(w.eve.key, h.tk, 10501, w.eve.wid, now)
		require.NoError(t, err)
		_, _, err = w.m.List(h.tk, req, goodStanding, now)
		require.ErrorIs(t, err, ticket.ErrResaleCap)
		h.list(t, 10500)
	})
	t.Run("Replay", func(t *testing.T) {
		// The merchant lists above the cap under terms it did not
		// publish: Replay checks the published ones, for the listing
		// and for the transfer.
		terms := richTerms("gala")
		terms.ResaleCapBasisPoints = 0
		uncapped, err := ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
		h := w.buyOf(t, gala, w.bob, "4", t0)
		now := h.tick()
		req, err := ticket.NewListRequest(w.bob.key, h.tk, capPrice+1, w.bob.wid, now)
		require.NoError(t, err)
		h.accept(t)(w.m.List(h.tk, req, ticket.Facts{Seller: goodStanding.Seller, Event: uncapped}, now))
		now = h.tick()
		req, err = ticket.NewTransferRequest(w.carol.key, w.carol.cert, h.tk, now)
		require.NoError(t, err)
		h.accept(t)(w.m.Transfer(h.tk, req, ticket.Facts{Seller: goodStanding.Seller, Event: uncapped}, now))
		_, err = ticket.Replay(h.recs, w.v)
		requireRecordError(t, err, 1, ticket.ErrResaleCap)
		_, err = ticket.Step(h.tks[1], h.recs[2], w.v)
		require.ErrorIs(t, err, ticket.ErrResaleCap)
	})
}

func TestResaleCutoff(t *testing.T) {
	w, gala := richWorld(t)
	h := w.buyOf(t, gala, w.eve, "1", t0)
	list := func(tk *ticket.Ticket, at time.Time) error {
		req, err := ticket.NewListRequest(w.eve.key, tk, buyPrice, w.eve.wid, at)
		require.NoError(t, err)
		_, _, err = w.m.List(tk, req, goodStanding, at)
		return err
	}
	require.ErrorIs(t, list(h.tk, resaleCutoff), ticket.ErrClosed)
	require.ErrorIs(t, list(h.tk, resaleCutoff.Add(time.Hour)), ticket.ErrClosed)
	require.NoError(t, list(h.tk, resaleCutoff.Add(-time.Nanosecond)))

	// Listed before the cut-off: no transfer from it on, but the holder
	// may still delist.
	h.at(resaleCutoff.Add(-2*time.Minute)).list(t, buyPrice)
	req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, h.tk, resaleCutoff)
	require.NoError(t, err)
	_, _, err = w.m.Transfer(h.tk, req, goodStanding, resaleCutoff)
	require.ErrorIs(t, err, ticket.ErrClosed)
	requireMessage(t, err)
	h.at(resaleCutoff).delist(t)
	got, err := ticket.Replay(h.recs, w.v)
	require.NoError(t, err)
	requireSameTicket(t, h.tk, got)

	// Replay checks the cut-off at the record time.
	late := w.buyOf(t, gala, w.bob, "2", t0)
	now := resaleCutoff
	lreq, err := ticket.NewListRequest(w.bob.key, late.tk, buyPrice, w.bob.wid, now)
	require.NoError(t, err)
	terms := richTerms("gala")
	terms.ResaleCutoff = terms.Start
	open, err := ticket.NewEvent(w.merchantKey, terms)
	require.NoError(t, err)
	late.accept(t)(w.m.List(late.tk, lreq, ticket.Facts{Seller: goodStanding.Seller, Event: open}, now))
	_, err = ticket.Replay(late.recs, w.v)
	requireRecordError(t, err, 1, ticket.ErrClosed)
}

func TestAdmissionWindow(t *testing.T) {
	w, gala := richWorld(t)
	h := w.buyOf(t, gala, w.eve, "1", t0)
	consume := func(at time.Time) error {
		req, err := ticket.NewConsumeRequest(w.eve.key, h.tk, at)
		require.NoError(t, err)
		_, _, err = w.m.Consume(h.tk, req, at)
		return err
	}
	require.ErrorIs(t, consume(doorsOpen.Add(-time.Nanosecond)), ticket.ErrClosed)
	require.ErrorIs(t, consume(t0.Add(time.Hour)), ticket.ErrClosed)
	require.ErrorIs(t, consume(eventEnd), ticket.ErrExpired)
	require.NoError(t, consume(doorsOpen))
	require.NoError(t, consume(eventEnd.Add(-time.Nanosecond)))

	// A ticket whose terms are missing cannot be consumed by the
	// merchant, who would not know the window.
	bare := *h.tk
	bare.Terms = nil
	req, err := ticket.NewConsumeRequest(w.eve.key, &bare, doorsOpen)
	require.NoError(t, err)
	_, _, err = w.m.Consume(&bare, req, doorsOpen)
	require.ErrorIs(t, err, ticket.ErrEvent)

	// Replay checks the window at the record time.
	terms := richTerms("gala")
	terms.DoorsOpen = time.Time{}
	early, err := ticket.NewEvent(w.merchantKey, terms)
	require.NoError(t, err)
	withEarly := *h.tk
	withEarly.Terms = early
	at := t0.Add(time.Hour)
	req, err = ticket.NewConsumeRequest(w.eve.key, &withEarly, at)
	require.NoError(t, err)
	h.accept(t)(w.m.Consume(&withEarly, req, at))
	_, err = ticket.Replay(h.recs, w.v)
	requireRecordError(t, err, 1, ticket.ErrClosed)
}

func TestExpiry(t *testing.T) {
	w, gala := richWorld(t, maxTransfers(2))
	live := w.buyOf(t, gala, w.eve, "1", t0)
	listed := w.buyOf(t, gala, w.bob, "2", t0).list(t, buyPrice)
	require.Equal(t, ticket.Valid, live.tk.StateAt(eventEnd.Add(-time.Nanosecond)))
	for _, tk := range []*ticket.Ticket{live.tk, listed.tk} {
		require.Equal(t, ticket.Expired, tk.StateAt(eventEnd))
		require.Equal(t, ticket.Expired, tk.StateAt(eventEnd.Add(24*time.Hour)))
		require.Zero(t, ticket.Expired.PaperCode())
	}
	// Only a cancellation of the ticket's own terms keeps it from
	// expiring: a zero one, or another event's, does not.
	withZero := *live.tk
	withZero.Cancellation = new(ticket.Cancellation)
	require.Equal(t, ticket.Expired, withZero.StateAt(eventEnd))
	foreign, err := ticket.NewCancellation(w.merchantKey, w.event(t, w.m, "concert"), t0)
	require.NoError(t, err)
	withForeign := *live.tk
	withForeign.Cancellation = foreign
	require.Equal(t, ticket.Expired, withForeign.StateAt(eventEnd))
	own, err := ticket.NewCancellation(w.merchantKey, live.tk.Terms, t0)
	require.NoError(t, err)
	withOwn := *live.tk
	withOwn.Cancellation = own
	require.Equal(t, ticket.Valid, withOwn.StateAt(eventEnd), "a cancelled event's ticket is owed a refund, not expired")
	// No transition at or after the end.
	refused := []struct {
		name string
		call func(time.Time) error
	}{
		{"list", func(at time.Time) error {
			req, err := ticket.NewListRequest(w.eve.key, live.tk, buyPrice, w.eve.wid, at)
			require.NoError(t, err)
			return testkit.Err3(w.m.List(live.tk, req, goodStanding, at))
		}},
		{"consume", func(at time.Time) error {
			req, err := ticket.NewConsumeRequest(w.eve.key, live.tk, at)
			require.NoError(t, err)
			return testkit.Err3(w.m.Consume(live.tk, req, at))
		}},
		{"return", func(at time.Time) error {
			req, err := ticket.NewReturnRequest(w.eve.key, live.tk, w.eve.wid, at)
			require.NoError(t, err)
			return testkit.Err3(w.m.Return(live.tk, req, ticket.Facts{}, at))
		}},
		{"delist", func(at time.Time) error {
			req, err := ticket.NewDelistRequest(w.bob.key, listed.tk, at)
			require.NoError(t, err)
			return testkit.Err3(w.m.Delist(listed.tk, req, at))
		}},
		{"transfer", func(at time.Time) error {
			req, err := ticket.NewTransferRequest(w.carol.key, w.carol.cert, listed.tk, at)
			require.NoError(t, err)
			return testkit.Err3(w.m.Transfer(listed.tk, req, goodStanding, at))
		}},
		{"refund", func(at time.Time) error {
			req, err := ticket.NewRefundRequest(w.eve.key, live.tk, w.eve.wid, at)
			require.NoError(t, err)
			return testkit.Err3(w.m.Refund(live.tk, req, ticket.Facts{}, at))
		}},
	}
	for _, r := range refused {
		for _, at := range []time.Time{eventEnd, eventEnd.Add(time.Hour)} {
			err := r.call(at)
			if r.name == "refund" {
				require.ErrorIs(t, err, ticket.ErrState, "a refund needs a cancellation")
				continue
			}
			require.ErrorIs(t, err, ticket.ErrExpired, "%s at %v", r.name, at)
			requireMessage(t, err)
		}
	}
	// A used ticket does not expire; Replay shows the recorded state and
	// the terms StateAt reads.
	used := w.buyOf(t, gala, w.carol, "3", t0).at(doorsOpen).consume(t)
	require.Equal(t, ticket.Consumed, used.tk.StateAt(eventEnd))
	got, err := ticket.Replay(live.recs, w.v)
	require.NoError(t, err)
	require.Equal(t, ticket.Valid, got.State)
	require.Equal(t, ticket.Expired, got.StateAt(eventEnd))
	require.Equal(t, gala.Bytes(), got.Terms.Bytes())
	// A ticket without its terms never expires: nothing says when.
	bare := *got
	bare.Terms = nil
	require.Equal(t, ticket.Valid, bare.StateAt(eventEnd))
	// The JSON form shows when the ticket expires.
	doc, err := json.Marshal(got)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	require.Equal(t, "valid", m["state"])
	require.Equal(t, eventEnd.Format(time.RFC3339Nano), m["expires"])
	h := gala.Hash()
	require.Equal(t, hexOf(h[:]), m["event_hash"])
	require.NotContains(t, m, "cancelled")
	// Replay refuses a record at the end, signed under terms that ended
	// later.
	terms := richTerms("gala")
	terms.End = terms.End.Add(time.Hour)
	longer, err := ticket.NewEvent(w.merchantKey, terms)
	require.NoError(t, err)
	withLonger := *live.tk
	withLonger.Terms = longer
	req, err := ticket.NewConsumeRequest(w.eve.key, &withLonger, eventEnd)
	require.NoError(t, err)
	live.accept(t)(w.m.Consume(&withLonger, req, eventEnd))
	_, err = ticket.Replay(live.recs, w.v)
	requireRecordError(t, err, 1, ticket.ErrExpired)
}

func TestCancellation(t *testing.T) {
	w, gala := richWorld(t)
	at := t0.Add(24 * time.Hour)
	c, err := ticket.NewCancellation(w.merchantKey, gala, at)
	require.NoError(t, err)
	require.NoError(t, c.Verify(gala))
	require.Equal(t, "gala", c.Event())
	require.Equal(t, gala.Hash(), c.EventHash())
	require.True(t, c.Merchant().Equal(w.merchantKey.PublicKey()))
	require.True(t, c.Time().Equal(at))
	back, err := ticket.ParseCancellation(c.Bytes())
	require.NoError(t, err)
	require.Equal(t, c.Bytes(), back.Bytes())
	require.Equal(t, c.Hash(), back.Hash())
	require.NoError(t, back.Verify(gala))

	t.Run("NewCancellation refuses", func(t *testing.T) {
		_, err := ticket.NewCancellation(w.merchant2Key, gala, at)
		require.ErrorIs(t, err, ticket.ErrEvent)
		requireMessage(t, err)
		_, err = ticket.NewCancellation(w.merchantKey, gala, eventEnd)
		require.ErrorIs(t, err, ticket.ErrEvent)
		_, err = ticket.NewCancellation(w.merchantKey, gala, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
		require.ErrorIs(t, err, ticket.ErrEvent)
		_, err = ticket.NewCancellation(w.merchantKey, gala, eventEnd.Add(-time.Nanosecond))
		require.NoError(t, err)
	})
	t.Run("Verify refuses", func(t *testing.T) {
		other := w.publish(t, w.merchantKey, richTerms("other"))
		require.ErrorIs(t, c.Verify(other), ticket.ErrEvent)
		// Same id, other terms.
		terms := richTerms("gala")
		terms.Capacity++
		same, err := ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
		require.ErrorIs(t, c.Verify(same), ticket.ErrEvent)
		// Same terms, the other merchant's.
		theirs, err := ticket.NewEvent(w.merchant2Key, richTerms("gala"))
		require.NoError(t, err)
		require.ErrorIs(t, c.Verify(theirs), ticket.ErrEvent)
		// A signature of another key, or over other bytes.
		f := cancelOf(c)
		sig, err := ecdsa.SignRBound(w.merchant2Key, f.signed(), nil)
		require.NoError(t, err)
		f.sig = sig.Bytes()
		forged, err := ticket.ParseCancellation(f.bytes())
		require.NoError(t, err)
		require.ErrorIs(t, forged.Verify(gala), ticket.ErrEvent)
		f = cancelOf(c)
		f.time++
		moved, err := ticket.ParseCancellation(f.bytes())
		require.NoError(t, err)
		err = moved.Verify(gala)
		require.ErrorIs(t, err, ticket.ErrEvent)
		requireMessage(t, err)
		// A cancellation after the end, even signed.
		f = cancelOf(c)
		f.time = eventEnd.UnixNano()
		sig, err = ecdsa.SignRBound(w.merchantKey, f.signed(), nil)
		require.NoError(t, err)
		f.sig = sig.Bytes()
		late, err := ticket.ParseCancellation(f.bytes())
		require.NoError(t, err)
		require.ErrorIs(t, late.Verify(gala), ticket.ErrEvent)
		// An event that does not verify, even with a cancellation
		// naming it.
		ef := eventOf(gala)
		ef.capacity++
		tampered, err := ticket.ParseEvent(ef.bytes())
		require.NoError(t, err)
		require.ErrorIs(t, c.Verify(tampered), ticket.ErrEvent)
		ofTampered, err := ticket.NewCancellation(w.merchantKey, tampered, at)
		require.NoError(t, err)
		require.ErrorIs(t, ofTampered.Verify(tampered), ticket.ErrEvent)
	})
	t.Run("JSON", func(t *testing.T) {
		doc, err := json.Marshal(c)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(doc, &m))
		require.Equal(t, "gala", m["event"])
		require.Equal(t, at.Format(time.RFC3339Nano), m["time"])
		var got ticket.Cancellation
		require.NoError(t, json.Unmarshal(doc, &got))
		require.Equal(t, c.Bytes(), got.Bytes())
	})
}

// cancelled is a world where "gala" is cancelled at cancelAt, with eve's
// valid ticket 1, bob's listed ticket 2, carol's ticket 3 bought from bob
// at capPrice, and alice's consumed ticket 4, all before the cancellation.
type cancelled struct {
	w                        *world
	gala                     *ticket.Event
	c                        *ticket.Cancellation
	valid, listed, xfer, use *hist
}

var cancelAt = doorsOpen.Add(time.Hour)

func newCancelled(tb testing.TB) *cancelled {
	tb.Helper()
	w, gala := richWorld(tb)
	s := &cancelled{w: w, gala: gala}
	s.valid = w.buyOf(tb, gala, w.eve, "1", t0)
	s.listed = w.buyOf(tb, gala, w.bob, "2", t0).list(tb, buyPrice+500)
	s.xfer = w.buyOf(tb, gala, w.bob, "3", t0).list(tb, capPrice).transfer(tb, w.carol)
	s.use = w.buyOf(tb, gala, w.alice, "4", t0).at(doorsOpen).consume(tb)
	s.c = w.cancel(tb, gala, cancelAt)
	for _, h := range []*hist{s.valid, s.listed, s.xfer, s.use} {
		tk, err := ticket.Replay(h.recs, w.v)
		require.NoError(tb, err)
		require.Equal(tb, s.c.Bytes(), tk.Cancellation.Bytes(), "Replay shows the cancellation")
		h.tk = tk
		h.at(cancelAt)
	}
	return s
}

func TestRefund(t *testing.T) {
	s := newCancelled(t)
	w := s.w
	t.Run("refunds", func(t *testing.T) {
		for _, c := range []struct {
			h    *hist
			paid tax.Amount
		}{{s.valid, buyPrice}, {s.listed, buyPrice}, {s.xfer, capPrice}} {
			h := *c.h
			h.recs = append([]*ticket.Record(nil), h.recs...)
			h.refund(t)
			rec := h.recs[len(h.recs)-1]
			require.Equal(t, ticket.Refunded, h.tk.State)
			require.Equal(t, ticket.Refunded, h.tk.StateAt(eventEnd))
			require.Zero(t, ticket.Refunded.PaperCode())
			require.Equal(t, c.paid, rec.Payout, "the current holder is paid what it paid")
			require.Zero(t, rec.Tax)
			require.Zero(t, rec.SignerReputation)
			require.Equal(t, h.holder.wid, rec.Request.Payee)
			require.Zero(t, h.tk.ListPrice, "a listing ends with its refund")
			require.Equal(t, ecdsa.Address{}, h.tk.Payee)
			got, err := ticket.Replay(h.recs, w.v)
			require.NoError(t, err)
			requireSameTicket(t, h.tk, got)
			// Refunded is final.
			now := h.tick()
			req, err := ticket.NewRefundRequest(h.holder.key, h.tk, h.holder.wid, now)
			require.NoError(t, err)
			_, _, err = w.m.Refund(h.tk, req, ticket.Facts{}, now)
			require.ErrorIs(t, err, ticket.ErrState)
		}
	})
	t.Run("after the end", func(t *testing.T) {
		h := *s.valid
		h.recs = append([]*ticket.Record(nil), h.recs...)
		h.at(eventEnd.Add(30 * 24 * time.Hour)).refund(t)
		_, err := ticket.Replay(h.recs, w.v)
		require.NoError(t, err)
	})
	t.Run("the refund's facts", func(t *testing.T) {
		// The ticket does not carry the cancellation; the facts do.
		bare := *s.valid.tk
		bare.Cancellation = nil
		now := cancelAt
		req, err := ticket.NewRefundRequest(w.eve.key, &bare, w.eve.wid, now)
		require.NoError(t, err)
		_, _, err = w.m.Refund(&bare, req, ticket.Facts{}, now)
		require.ErrorIs(t, err, ticket.ErrState)
		_, _, err = w.m.Refund(&bare, req, ticket.Facts{Cancellation: s.c}, now)
		require.NoError(t, err)
		// A cancellation of another event is refused.
		other := w.publish(t, w.merchantKey, richTerms("other"))
		oc, err := ticket.NewCancellation(w.merchantKey, other, cancelAt)
		require.NoError(t, err)
		_, _, err = w.m.Refund(&bare, req, ticket.Facts{Cancellation: oc}, now)
		require.ErrorIs(t, err, ticket.ErrEvent)
	})
	t.Run("refused", func(t *testing.T) {
		refund := func(tk *ticket.Ticket, key *ecdsa.PrivateKey, price tax.Amount, at time.Time) error {
			req := &ticket.Request{Kind: ticket.KindRefund, Event: tk.Event, Serial: tk.Serial, Merchant: tk.Merchant,
				Prev: tk.Head, Cert: tk.Holder, Price: price, Payee: tk.Holder.WID(), Time: at}
			signAs(t, key, req)
			return testkit.Err3(w.m.Refund(tk, req, ticket.Facts{}, at))
		}
		// Before the cancellation's time.
		require.ErrorIs(t, refund(s.valid.tk, w.eve.key, buyPrice, cancelAt.Add(-time.Nanosecond)), ticket.ErrState)
		// Another amount than the price paid.
		require.ErrorIs(t, refund(s.xfer.tk, w.carol.key, buyPrice, cancelAt), ticket.ErrPrice)
		require.ErrorIs(t, refund(s.valid.tk, w.eve.key, buyPrice+1, cancelAt), ticket.ErrPrice)
		// Signed by another than the holder.
		req, err := ticket.NewRefundRequest(w.eve.key, s.valid.tk, w.eve.wid, cancelAt)
		require.NoError(t, err)
		req.Cert = w.bob.cert
		signAs(t, w.bob.key, req)
		_, _, err = w.m.Refund(s.valid.tk, req, ticket.Facts{}, cancelAt)
		require.ErrorIs(t, err, ticket.ErrNotHolder)
		// A consumed ticket.
		require.ErrorIs(t, refund(s.use.tk, w.alice.key, buyPrice, cancelAt), ticket.ErrState)
		// Not the holder's signature.
		require.ErrorIs(t, refund(s.valid.tk, w.bob.key, buyPrice, cancelAt), ticket.ErrSignature)
	})
	t.Run("nothing else after the cancellation", func(t *testing.T) {
		now := cancelAt
		for name, call := range map[string]func() error{
			"list": func() error {
				req, err := ticket.NewListRequest(w.eve.key, s.valid.tk, buyPrice, w.eve.wid, now)
				require.NoError(t, err)
				return testkit.Err3(w.m.List(s.valid.tk, req, goodStanding, now))
			},
			"consume": func() error {
				req, err := ticket.NewConsumeRequest(w.eve.key, s.valid.tk, now)
				require.NoError(t, err)
				return testkit.Err3(w.m.Consume(s.valid.tk, req, now))
			},
			"return": func() error {
				// Returns are closed by then anyway; the cancellation
				// is said first.
				req, err := ticket.NewReturnRequest(w.eve.key, s.valid.tk, w.eve.wid, now)
				require.NoError(t, err)
				return testkit.Err3(w.m.Return(s.valid.tk, req, ticket.Facts{}, now))
			},
			"delist": func() error {
				req, err := ticket.NewDelistRequest(w.bob.key, s.listed.tk, now)
				require.NoError(t, err)
				return testkit.Err3(w.m.Delist(s.listed.tk, req, now))
			},
			"transfer": func() error {
				req, err := ticket.NewTransferRequest(w.alice.key, w.alice.cert, s.listed.tk, now)
				require.NoError(t, err)
				return testkit.Err3(w.m.Transfer(s.listed.tk, req, goodStanding, now))
			},
			"buy": func() error {
				req, err := ticket.NewBuyRequest(w.alice.key, w.alice.cert, w.m.PublicKey(), "gala", "9", buyPrice, now)
				require.NoError(t, err)
				return testkit.Err3(w.m.Buy(req, ticket.Facts{Event: s.gala, Cancellation: s.c}, now))
			},
		} {
			err := call()
			require.ErrorIs(t, err, ticket.ErrCancelled, name)
			requireMessage(t, err)
		}
		// A Buy before the cancellation's time is accepted, though the
		// cancellation is known.
		early := cancelAt.Add(-time.Hour)
		req, err := ticket.NewBuyRequest(w.alice.key, w.alice.cert, w.m.PublicKey(), "gala", "9", buyPrice, early)
		require.NoError(t, err)
		_, _, err = w.m.Buy(req, ticket.Facts{Event: s.gala, Cancellation: s.c}, early)
		require.NoError(t, err)
	})
	t.Run("Replay", func(t *testing.T) {
		h := *s.xfer
		h.recs = append([]*ticket.Record(nil), h.recs...)
		h.refund(t)
		n := len(h.recs) - 1
		// Without the cancellation the refund is refused; with a
		// cancellation that does not verify, or two, every record is.
		v := *w.v
		v.Cancellations = nil
		_, err := ticket.Replay(h.recs, &v)
		requireRecordError(t, err, n, ticket.ErrState)
		f := cancelOf(s.c)
		f.sig[40] ^= 1
		bad, err := ticket.ParseCancellation(f.bytes())
		require.NoError(t, err)
		v.Cancellations = []*ticket.Cancellation{bad}
		_, err = ticket.Replay(h.recs, &v)
		requireRecordError(t, err, 0, ticket.ErrEvent)
		later, err := ticket.NewCancellation(w.merchantKey, s.gala, cancelAt.Add(time.Hour))
		require.NoError(t, err)
		v.Cancellations = []*ticket.Cancellation{s.c, later}
		_, err = ticket.Replay(h.recs, &v)
		requireRecordError(t, err, 0, ticket.ErrEvent)
		// The same cancellation twice is one.
		v.Cancellations = []*ticket.Cancellation{s.c, s.c, nil, new(ticket.Cancellation)}
		_, err = ticket.Replay(h.recs, &v)
		require.NoError(t, err)
		// An altered amount, whoever signs it again.
		alt := cloneRecord(t, h.recs[n])
		alt.Payout--
		resign(t, w.merchantKey, alt)
		_, err = ticket.Replay(append(h.recs[:n:n], alt), w.v)
		requireRecordError(t, err, n, ticket.ErrMismatch)
		alt = cloneRecord(t, h.recs[n])
		alt.Tax, alt.Payout = 1, alt.Payout-1
		resign(t, w.merchantKey, alt)
		_, err = ticket.Replay(append(h.recs[:n:n], alt), w.v)
		requireRecordError(t, err, n, ticket.ErrMismatch)
		alt = cloneRecord(t, h.recs[n])
		alt.Request.Price--
		alt.Payout--
		signAs(t, w.carol.key, alt.Request)
		resign(t, w.merchantKey, alt)
		_, err = ticket.Replay(append(h.recs[:n:n], alt), w.v)
		requireRecordError(t, err, n, ticket.ErrPrice)
		// A record after the cancellation's time, other than a refund.
		late := *s.valid
		late.recs = append([]*ticket.Record(nil), late.recs...)
		req, err := ticket.NewConsumeRequest(w.eve.key, late.tk, cancelAt)
		require.NoError(t, err)
		bare := *late.tk
		bare.Cancellation = nil
		late.accept(t)(w.m.Consume(&bare, req, cancelAt))
		_, err = ticket.Replay(late.recs, w.v)
		requireRecordError(t, err, 1, ticket.ErrCancelled)
		_, err = ticket.Step(s.valid.tk, late.recs[1], w.v)
		require.ErrorIs(t, err, ticket.ErrCancelled)
	})
	t.Run("JSON", func(t *testing.T) {
		h := *s.valid
		h.recs = append([]*ticket.Record(nil), h.recs...)
		h.refund(t)
		doc, err := json.Marshal(h.recs[len(h.recs)-1])
		require.NoError(t, err)
		var r map[string]any
		require.NoError(t, json.Unmarshal(doc, &r))
		require.Equal(t, "refund", r["request"].(map[string]any)["kind"])
		require.Equal(t, w.eve.wid.String(), r["request"].(map[string]any)["payee"])
		require.EqualValues(t, buyPrice, r["payout"])
		doc, err = json.Marshal(s.valid.tk)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(doc, &m))
		require.Equal(t, cancelAt.Format(time.RFC3339Nano), m["cancelled"])
		// A ticket of a cancelled event does not expire: its refund is
		// owed.
		require.Equal(t, ticket.Valid, s.valid.tk.StateAt(eventEnd))
	})
}

func TestReturn(t *testing.T) {
	w, gala := richWorld(t)
	t.Run("with a penalty", func(t *testing.T) {
		h := w.buyOf(t, gala, w.eve, "1", t0).ret(t)
		rec := h.recs[1]
		require.Equal(t, ticket.Returned, h.tk.State)
		require.Equal(t, ticket.Returned, h.tk.StateAt(eventEnd))
		require.Zero(t, ticket.Returned.PaperCode())
		require.Equal(t, tax.Amount(1000), rec.Tax, "10% withheld")
		require.Equal(t, tax.Amount(9000), rec.Payout)
		require.Equal(t, rec.Payout, rec.Request.Price, "the holder signed the amount")
		require.Equal(t, -w.policy.PurchaseReward, rec.SignerReputation, "the purchase reward is taken back")
		got, err := ticket.Replay(h.recs, w.v)
		require.NoError(t, err)
		requireSameTicket(t, h.tk, got)
		// Returned is final.
		now := h.tick()
		for name, call := range map[string]func() (*ticket.Request, error){
			"return": func() (*ticket.Request, error) {
				return ticket.NewReturnRequest(w.eve.key, h.tk, w.eve.wid, now)
			},
			"consume": func() (*ticket.Request, error) { return ticket.NewConsumeRequest(w.eve.key, h.tk, now) },
			"list": func() (*ticket.Request, error) {
				return ticket.NewListRequest(w.eve.key, h.tk, buyPrice, w.eve.wid, now)
			},
		} {
			req, err := call()
			require.NoError(t, err)
			var tErr error
			switch req.Kind {
			case ticket.KindReturn:
				tErr = testkit.Err3(w.m.Return(h.tk, req, ticket.Facts{}, now))
			case ticket.KindConsume:
				tErr = testkit.Err3(w.m.Consume(h.tk, req, now))
			case ticket.KindList:
				tErr = testkit.Err3(w.m.List(h.tk, req, goodStanding, now))
			}
			require.ErrorIs(t, tErr, ticket.ErrState, name)
		}
	})
	t.Run("a resold ticket, penalty rounded down", func(t *testing.T) {
		h := w.buyOf(t, gala, w.bob, "2", t0).list(t, 10999).transfer(t, w.carol).ret(t)
		rec := h.recs[len(h.recs)-1]
		require.Equal(t, tax.Amount(1099), rec.Tax, "10% of 109.99, rounded down")
		require.Equal(t, tax.Amount(9900), rec.Payout)
		_, err := ticket.Replay(h.recs, w.v)
		require.NoError(t, err)
	})
	t.Run("no penalty", func(t *testing.T) {
		terms := richTerms("free-return")
		terms.ReturnPenaltyBasisPoints = 0
		ev := w.publish(t, w.merchantKey, terms)
		h := w.buyOf(t, ev, w.eve, "1", t0).ret(t)
		require.Equal(t, buyPrice, h.recs[1].Payout)
		require.Zero(t, h.recs[1].Tax)
	})
	ret := func(tk *ticket.Ticket, key *ecdsa.PrivateKey, price tax.Amount, at time.Time, facts ticket.Facts) error {
		req := &ticket.Request{Kind: ticket.KindReturn, Event: tk.Event, Serial: tk.Serial, Merchant: tk.Merchant,
			Prev: tk.Head, Cert: tk.Holder, Price: price, Payee: tk.Holder.WID(), Time: at}
		signAs(t, key, req)
		return testkit.Err3(w.m.Return(tk, req, facts, at))
	}
	t.Run("refused", func(t *testing.T) {
		h := w.buyOf(t, gala, w.eve, "3", t0)
		require.ErrorIs(t, ret(h.tk, w.eve.key, 9000, returnCutoff, ticket.Facts{}), ticket.ErrClosed)
		require.NoError(t, ret(h.tk, w.eve.key, 9000, returnCutoff.Add(-time.Nanosecond), ticket.Facts{}))
		require.ErrorIs(t, ret(h.tk, w.eve.key, 9001, t0.Add(time.Hour), ticket.Facts{}), ticket.ErrPrice)
		require.ErrorIs(t, ret(h.tk, w.eve.key, buyPrice, t0.Add(time.Hour), ticket.Facts{}), ticket.ErrPrice)
		require.ErrorIs(t, ret(h.tk, w.bob.key, 9000, t0.Add(time.Hour), ticket.Facts{}), ticket.ErrSignature)
		// Listed: delist first.
		listed := w.buyOf(t, gala, w.bob, "4", t0).list(t, buyPrice)
		require.ErrorIs(t, ret(listed.tk, w.bob.key, 9000, t0.Add(time.Hour), ticket.Facts{}), ticket.ErrState)
		// An event without returns.
		plain := w.event(t, w.m, "concert")
		p := w.buyOf(t, plain, w.eve, "R-1", t0)
		_, err := ticket.NewReturnRequest(w.eve.key, p.tk, w.eve.wid, t0.Add(time.Hour))
		require.ErrorIs(t, err, ticket.ErrClosed)
		err = ret(p.tk, w.eve.key, buyPrice, t0.Add(time.Hour), ticket.Facts{})
		require.ErrorIs(t, err, ticket.ErrClosed)
		requireMessage(t, err)
		// After a cancellation.
		c, err := ticket.NewCancellation(w.merchantKey, gala, t0.Add(time.Hour))
		require.NoError(t, err)
		require.ErrorIs(t, ret(h.tk, w.eve.key, 9000, t0.Add(time.Hour), ticket.Facts{Cancellation: c}), ticket.ErrCancelled)
		// A ticket without its terms.
		bare := *h.tk
		bare.Terms = nil
		_, err = ticket.NewReturnRequest(w.eve.key, &bare, w.eve.wid, t0.Add(time.Hour))
		require.ErrorIs(t, err, ticket.ErrEvent)
		require.ErrorIs(t, ret(&bare, w.eve.key, 9000, t0.Add(time.Hour), ticket.Facts{}), ticket.ErrEvent)
	})
	t.Run("Replay", func(t *testing.T) {
		h := w.buyOf(t, gala, w.alice, "5", t0).ret(t)
		for name, edit := range map[string]func(*ticket.Record){
			"payout":       func(r *ticket.Record) { r.Payout++ },
			"penalty":      func(r *ticket.Record) { r.Tax-- },
			"both":         func(r *ticket.Record) { r.Tax, r.Payout = r.Tax-1, r.Payout+1 },
			"reputation":   func(r *ticket.Record) { r.SignerReputation = 0 },
			"no reduction": func(r *ticket.Record) { r.SignerReputation = w.policy.PurchaseReward },
		} {
			alt := cloneRecord(t, h.recs[1])
			edit(alt)
			resign(t, w.merchantKey, alt)
			_, err := ticket.Replay([]*ticket.Record{h.recs[0], alt}, w.v)
			requireRecordError(t, err, 1, ticket.ErrMismatch, name)
		}
		alt := cloneRecord(t, h.recs[1])
		alt.Request.Price++
		alt.Payout++
		signAs(t, w.alice.key, alt.Request)
		resign(t, w.merchantKey, alt)
		_, err := ticket.Replay([]*ticket.Record{h.recs[0], alt}, w.v)
		requireRecordError(t, err, 1, ticket.ErrPrice)
		// Returned after the cut-off, under terms the merchant did not
		// publish.
		terms := richTerms("gala")
		terms.ReturnCutoff = terms.Start
		longer, err := ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
		late := w.buyOf(t, gala, w.alice, "6", t0)
		now := returnCutoff
		req, err := ticket.NewReturnRequest(w.alice.key, late.tk, w.alice.wid, now)
		require.NoError(t, err)
		late.accept(t)(w.m.Return(late.tk, req, ticket.Facts{Event: longer}, now))
		_, err = ticket.Replay(late.recs, w.v)
		requireRecordError(t, err, 1, ticket.ErrClosed)
	})
}

// The merchant's transitions refuse terms of another event than the
// request's, given in the facts or carried by the ticket.
func TestTransitionOtherEvent(t *testing.T) {
	w, gala := richWorld(t)
	other := w.publish(t, w.merchantKey, richTerms("other"))
	req, err := ticket.NewBuyRequest(w.eve.key, w.eve.cert, w.m.PublicKey(), "gala", "1", buyPrice, t0)
	require.NoError(t, err)
	_, _, err = w.m.Buy(req, ticket.Facts{Event: other}, t0)
	require.ErrorIs(t, err, ticket.ErrEvent)
	requireMessage(t, err)
	h := w.buyOf(t, gala, w.eve, "1", t0)
	now := h.now.Add(time.Minute)
	list, err := ticket.NewListRequest(w.eve.key, h.tk, buyPrice, w.eve.wid, now)
	require.NoError(t, err)
	_, _, err = w.m.List(h.tk, list, ticket.Facts{Seller: goodStanding.Seller, Event: other}, now)
	require.ErrorIs(t, err, ticket.ErrEvent)
	moved := *h.tk
	moved.Terms = other
	cons, err := ticket.NewConsumeRequest(w.eve.key, &moved, doorsOpen)
	require.NoError(t, err)
	_, _, err = w.m.Consume(&moved, cons, doorsOpen)
	require.ErrorIs(t, err, ticket.ErrEvent)
	_, _, err = w.m.Consume(h.tk, cons, doorsOpen)
	require.NoError(t, err)
}

// Every record needs its event in the verifier, whatever its kind.
func TestStepNeedsEvent(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t).list(t, resalePrice)
	v := *w.v
	v.Events = nil
	_, err := ticket.Step(h.tks[0], h.recs[1], &v)
	require.ErrorIs(t, err, ticket.ErrEvent)
	requireMessage(t, err)
	// The event of another merchant with the same id does not do.
	v.Events = []*ticket.Event{w.event(t, w.m2, "concert")}
	_, err = ticket.Step(h.tks[0], h.recs[1], &v)
	require.ErrorIs(t, err, ticket.ErrEvent)
	v.Events = w.v.Events
	_, err = ticket.Step(h.tks[0], h.recs[1], &v)
	require.NoError(t, err)
}
