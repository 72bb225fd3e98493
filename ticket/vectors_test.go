package ticket_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// The known-answer file testdata/terms.json holds events with every rule
// of their terms, a cancellation and ticket histories through the
// transitions those rules govern — capped resale, returns, refunds — some
// valid and some refused at a named record. It is regenerated with
//
//	go test ./ticket -run TestVectors -update
//
// Generation is deterministic: no hedging, and every private key is SHA-256
// of a label "cbets/ticket/test/…" (registrar, merchant/1, user/<name>).
// Without -update the test compares the file with a fresh generation and
// then checks every history from the file alone: Replay under the default
// policy at scale 100 with the file's events and cancellations.
var updateVectors = flag.Bool("update", false, "rewrite the known-answer file testdata/terms.json")

const termsVectorPath = "testdata/terms.json"

type termsVectors struct {
	Scheme        string           `json:"scheme"`
	Comment       string           `json:"comment"`
	Registrar     string           `json:"registrar"`
	Merchant      string           `json:"merchant"`
	Events        []string         `json:"events"`
	Cancellations []string         `json:"cancellations"`
	Histories     []historyVector  `json:"histories"`
	Refused       []refusedHistory `json:"refused"`
}

type historyVector struct {
	Name    string   `json:"name"`
	Records []string `json:"records"`
	// The ticket after the last record, and the last record's
	// settlement.
	State  string `json:"state"`
	Holder string `json:"holder"`
	Price  int64  `json:"price"`
	Tax    int64  `json:"tax"`
	Payout int64  `json:"payout"`
	Head   string `json:"head"`
}

type refusedHistory struct {
	Name    string   `json:"name"`
	Records []string `json:"records"`
	// Index is the record Replay refuses, Error the sentinel.
	Index int    `json:"index"`
	Error string `json:"error"`
}

var vectorErrors = map[string]error{
	"resale-cap": ticket.ErrResaleCap, "closed": ticket.ErrClosed, "expired": ticket.ErrExpired,
	"cancelled": ticket.ErrCancelled, "mismatch": ticket.ErrMismatch, "price": ticket.ErrPrice, "state": ticket.ErrState,
}

func encodings(recs []*ticket.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, hex.EncodeToString(r.Bytes()))
	}
	return out
}

// generateTermsVectors builds the file's contents.
func generateTermsVectors(t *testing.T) termsVectors {
	w, gala := richWorld(t)
	fair := w.publish(t, w.merchantKey, richTerms("fair"))
	out := termsVectors{Scheme: "ticket-terms",
		Comment: "keys: SHA-256 of cbets/ticket/test/registrar, cbets/ticket/test/merchant/1 and " +
			"cbets/ticket/test/user/ and the holder's name; policy: ticket.DefaultPolicy at scale 100; " +
			"gala is cancelled, fair is not",
		Registrar: hex.EncodeToString(w.registrar.PublicKey().Bytes()),
		Merchant:  hex.EncodeToString(w.merchantKey.PublicKey().Bytes())}
	for _, e := range []*ticket.Event{gala, fair} {
		out.Events = append(out.Events, hex.EncodeToString(e.Bytes()))
	}
	valid := func(name string, h *hist) {
		last := h.recs[len(h.recs)-1]
		out.Histories = append(out.Histories, historyVector{Name: name, Records: encodings(h.recs),
			State: h.tk.State.String(), Holder: h.tk.Holder.ID(), Price: int64(h.tk.Price),
			Tax: int64(last.Tax), Payout: int64(last.Payout), Head: hex.EncodeToString(h.tk.Head[:])})
	}
	refused := func(name string, recs []*ticket.Record, index int, sentinel string) {
		out.Refused = append(out.Refused, refusedHistory{Name: name, Records: encodings(recs), Index: index, Error: sentinel})
	}
	// A merchant signing under terms it did not publish.
	other := func(id string, edit func(*ticket.EventTerms)) *ticket.Event {
		terms := richTerms(id)
		edit(&terms)
		e, err := ticket.NewEvent(w.merchantKey, terms)
		require.NoError(t, err)
		return e
	}

	valid("capped resale", w.buyOf(t, gala, w.eve, "1", t0).list(t, capPrice).transfer(t, w.carol))

	over := w.buyOf(t, gala, w.bob, "2", t0)
	now := over.tick()
	req, err := ticket.NewListRequest(w.bob.key, over.tk, capPrice+1, w.bob.wid, now)
	require.NoError(t, err)
	over.accept(t)(w.m.List(over.tk, req, ticket.Facts{Seller: goodStanding.Seller,
		Event: other("gala", func(e *ticket.EventTerms) { e.ResaleCapBasisPoints = 0 })}, now))
	refused("listing above the resale cap", over.recs, 1, "resale-cap")

	ret := w.buyOf(t, gala, w.alice, "3", t0).ret(t)
	valid("return with a 10% penalty", ret)
	alt := cloneRecord(t, ret.recs[1])
	alt.Tax, alt.Payout = alt.Tax-100, alt.Payout+100
	refused("return with a smaller penalty", []*ticket.Record{ret.recs[0], resign(t, w.merchantKey, alt)}, 1, "mismatch")

	late := w.buyOf(t, gala, w.alice, "4", t0)
	now = returnCutoff
	req, err = ticket.NewReturnRequest(w.alice.key, late.tk, w.alice.wid, now)
	require.NoError(t, err)
	late.accept(t)(w.m.Return(late.tk, req, ticket.Facts{
		Event: other("gala", func(e *ticket.EventTerms) { e.ReturnCutoff = e.Start })}, now))
	refused("return at the return cut-off", late.recs, 1, "closed")

	// The cancellation, and the refunds it owes.
	c := w.cancel(t, gala, cancelAt)
	out.Cancellations = []string{hex.EncodeToString(c.Bytes())}
	listed := w.buyOf(t, gala, w.carol, "5", t0).list(t, buyPrice+500)
	listed.tk.Cancellation = c
	valid("refund of a listed ticket after the cancellation", listed.at(cancelAt).refund(t))
	resold := w.buyOf(t, gala, w.eve, "6", t0).list(t, capPrice).transfer(t, w.alice)
	resold.tk.Cancellation = c
	valid("refund of a resold ticket to its holder", resold.at(cancelAt.Add(time.Hour)).refund(t))

	used := w.buyOf(t, gala, w.bob, "7", t0)
	now = cancelAt
	req, err = ticket.NewConsumeRequest(w.bob.key, used.tk, now)
	require.NoError(t, err)
	used.accept(t)(w.m.Consume(used.tk, req, now))
	refused("consumption at the cancellation", used.recs, 1, "cancelled")

	early := w.buyOf(t, gala, w.bob, "8", t0)
	now = cancelAt.Add(-time.Nanosecond)
	req, err = ticket.NewRefundRequest(w.bob.key, early.tk, w.bob.wid, now)
	require.NoError(t, err)
	sooner, err := ticket.NewCancellation(w.merchantKey, gala, t0.Add(time.Hour)) // never published
	require.NoError(t, err)
	early.accept(t)(w.m.Refund(early.tk, req, ticket.Facts{Cancellation: sooner}, now))
	refused("refund before the cancellation's time", early.recs, 1, "state")

	// fair is not cancelled: its tickets expire.
	expired := w.buyOf(t, fair, w.eve, "1", t0)
	longer := *expired.tk
	longer.Terms = other("fair", func(e *ticket.EventTerms) { e.End = e.End.Add(time.Hour) })
	now = eventEnd
	req, err = ticket.NewConsumeRequest(w.eve.key, &longer, now)
	require.NoError(t, err)
	expired.accept(t)(w.m.Consume(&longer, req, now))
	refused("consumption at the end", expired.recs, 1, "expired")

	closed := w.buyOf(t, fair, w.bob, "2", t0)
	now = resaleCutoff
	req, err = ticket.NewListRequest(w.bob.key, closed.tk, buyPrice, w.bob.wid, now)
	require.NoError(t, err)
	closed.accept(t)(w.m.List(closed.tk, req, ticket.Facts{Seller: goodStanding.Seller,
		Event: other("fair", func(e *ticket.EventTerms) { e.ResaleCutoff = e.Start })}, now))
	refused("listing at the resale cut-off", closed.recs, 1, "closed")
	return out
}

func TestVectors(t *testing.T) {
	want, err := json.MarshalIndent(generateTermsVectors(t), "", "  ")
	require.NoError(t, err)
	got := testkit.SyncGolden(t, filepath.FromSlash(termsVectorPath), append(want, '\n'), *updateVectors,
		"go test ./ticket -run TestVectors -update")

	// From the file alone.
	var f termsVectors
	require.NoError(t, json.Unmarshal(got, &f))
	key := func(s string) *ecdsa.PublicKey {
		b, err := hex.DecodeString(s)
		require.NoError(t, err)
		k, err := ecdsa.ParsePublicKey(b)
		require.NoError(t, err)
		return k
	}
	scale, err := tax.NewScale(100)
	require.NoError(t, err)
	v, err := ticket.NewVerifier(key(f.Registrar), []*ecdsa.PublicKey{key(f.Merchant)}, ticket.DefaultPolicy(scale))
	require.NoError(t, err)
	decode := func(s string) []byte {
		b, err := hex.DecodeString(s)
		require.NoError(t, err)
		return b
	}
	for _, s := range f.Events {
		e, err := ticket.ParseEvent(decode(s))
		require.NoError(t, err)
		require.NoError(t, e.Verify(key(f.Merchant)))
		v.Events = append(v.Events, e)
	}
	for _, s := range f.Cancellations {
		c, err := ticket.ParseCancellation(decode(s))
		require.NoError(t, err)
		require.NoError(t, c.Verify(v.Events[0]))
		v.Cancellations = append(v.Cancellations, c)
	}
	records := func(encs []string) []*ticket.Record {
		var out []*ticket.Record
		for _, s := range encs {
			r, err := ticket.ParseRecord(decode(s))
			require.NoError(t, err)
			out = append(out, r)
		}
		return out
	}
	require.NotEmpty(t, f.Histories)
	seen := map[ticket.Kind]bool{}
	for _, h := range f.Histories {
		recs := records(h.Records)
		tk, err := ticket.Replay(recs, v)
		require.NoError(t, err, h.Name)
		last := recs[len(recs)-1]
		seen[last.Request.Kind] = true
		require.Equal(t, h.State, tk.State.String(), h.Name)
		require.Equal(t, h.Holder, tk.Holder.ID(), h.Name)
		require.Equal(t, h.Price, int64(tk.Price), h.Name)
		require.Equal(t, h.Tax, int64(last.Tax), h.Name)
		require.Equal(t, h.Payout, int64(last.Payout), h.Name)
		require.Equal(t, h.Head, hex.EncodeToString(tk.Head[:]), h.Name)
	}
	require.True(t, seen[ticket.KindTransfer] && seen[ticket.KindReturn] && seen[ticket.KindRefund])
	require.NotEmpty(t, f.Refused)
	for _, h := range f.Refused {
		want, ok := vectorErrors[h.Error]
		require.True(t, ok, "%s: unknown error %q", h.Name, h.Error)
		_, err := ticket.Replay(records(h.Records), v)
		var re *ticket.RecordError
		require.True(t, errors.As(err, &re), "%s: %v", h.Name, err)
		require.Equal(t, h.Index, re.Index, "%s: %v", h.Name, err)
		require.ErrorIs(t, err, want, h.Name)
	}
}
