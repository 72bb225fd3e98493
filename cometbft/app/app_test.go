package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

var ctx = context.Background()

type user struct {
	key  *ecdsa.PrivateKey
	cert *ticket.Certificate
}

// chain drives applications with the same blocks, without consensus, and
// checks that they agree. The shadow application is given only the
// transactions each block accepted and must reach the same app hash: a
// refused transaction writes nothing.
type chain struct {
	t        *testing.T
	mkey     *ecdsa.PrivateKey
	merchant *ticket.Merchant
	verifier *ticket.Verifier
	users    map[string]*user
	genesis  []byte
	apps     []*app.App
	shadow   *app.App
	height   int64
	clock    time.Time
	initHash []byte
}

func newChain(t *testing.T, dirs ...string) *chain {
	t.Helper()
	registrar := must(ecdsa.GenerateKey(nil))
	c := &chain{t: t, mkey: must(ecdsa.GenerateKey(nil)), users: map[string]*user{},
		clock: time.Now().Add(-time.Hour).UTC()}
	for _, name := range []string{"alice", "eve", "frank", "grace"} {
		k := must(ecdsa.GenerateKey(nil))
		cert := must(ticket.IssueCertificate(registrar, name, k.PublicKey(), k.PublicKey().Address(ecdsa.DefaultAddressVersion)))
		c.users[name] = &user{k, cert}
	}
	g := app.NewGenesis(registrar.PublicKey(), []*ecdsa.PublicKey{c.mkey.PublicKey()}, 100)
	g.Standings = []app.GenesisStanding{{Certificate: "eve", Reputation: 620, Transfers: 1},
		{Certificate: "alice", Reputation: 600}}
	c.genesis = must(g.JSON())
	c.verifier = must(g.Verifier())
	c.merchant = must(ticket.NewMerchant(c.mkey, registrar.PublicKey(), c.verifier.Policy))
	c.apps = append(c.apps, must(app.New(dbm.NewMemDB())))
	for _, d := range dirs {
		a := must(app.Open(d))
		t.Cleanup(func() { a.Close() })
		c.apps = append(c.apps, a)
	}
	c.shadow = must(app.New(dbm.NewMemDB()))
	for _, a := range append(c.apps, c.shadow) {
		res := must(a.InitChain(ctx, &abci.RequestInitChain{ChainId: "test", AppStateBytes: c.genesis}))
		if c.initHash != nil {
			require.Equal(t, c.initHash, res.AppHash, "InitChain app hashes differ")
		}
		c.initHash = res.AppHash
	}
	return c
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (c *chain) now() time.Time {
	c.clock = c.clock.Add(time.Minute)
	return c.clock
}

// terms returns terms of an event on sale from two hours before the
// chain's clock for 30 days, at 45 coins a seat.
func (c *chain) terms(id string, capacity uint32) ticket.EventTerms {
	start := c.clock.Add(30 * 24 * time.Hour)
	return ticket.EventTerms{ID: id, Capacity: capacity, FaceValue: 4500,
		SaleStart: c.clock.Add(-2 * time.Hour), SaleEnd: start, Start: start, End: start.Add(4 * time.Hour)}
}

func (c *chain) event(terms ticket.EventTerms) *ticket.Event {
	return must(ticket.NewEvent(c.mkey, terms))
}

// buy returns u's Buy of (ev, serial) at price, signed by the merchant who
// is told that u holds none and that ev is the event's terms.
func (c *chain) buy(u *user, ev *ticket.Event, serial string, price tax.Amount) (*ticket.Ticket, *ticket.Record) {
	c.t.Helper()
	req := must(ticket.NewBuyRequest(u.key, u.cert, c.merchant.PublicKey(), ev.ID(), serial, price, c.now()))
	t, rec, err := c.merchant.Buy(req, ticket.Facts{Event: ev}, c.now())
	require.NoError(c.t, err)
	return t, rec
}

// finalize finalizes txs on every application, checks that they return
// the same results and app hash, and returns them.
func (c *chain) finalize(txs ...[]byte) ([]*abci.ExecTxResult, []byte) {
	c.t.Helper()
	c.height++
	var first *abci.ResponseFinalizeBlock
	for i, a := range c.apps {
		res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: c.height, Txs: txs, Time: c.clock})
		require.NoError(c.t, err)
		if i == 0 {
			first = res
			continue
		}
		require.Equal(c.t, first.AppHash, res.AppHash, "height %d: app %d", c.height, i)
		for j := range txs {
			require.Equal(c.t, first.TxResults[j].Code, res.TxResults[j].Code, "height %d tx %d", c.height, j)
		}
	}
	var accepted [][]byte
	for j, r := range first.TxResults {
		if r.Code == app.CodeOK {
			accepted = append(accepted, txs[j])
		}
	}
	res, err := c.shadow.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: c.height, Txs: accepted})
	require.NoError(c.t, err)
	require.Equal(c.t, first.AppHash, res.AppHash, "height %d: the accepted transactions alone give another app hash", c.height)
	return first.TxResults, first.AppHash
}

// commit commits the finalized block on every application.
func (c *chain) commit() {
	c.t.Helper()
	for _, a := range append(c.apps, c.shadow) {
		_, err := a.Commit(ctx, &abci.RequestCommit{})
		require.NoError(c.t, err)
	}
}

// block finalizes and commits txs.
func (c *chain) block(txs ...[]byte) ([]*abci.ExecTxResult, []byte) {
	c.t.Helper()
	rs, h := c.finalize(txs...)
	c.commit()
	return rs, h
}

func codes(rs []*abci.ExecTxResult) []uint32 {
	var out []uint32
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func (c *chain) checkTx(tx []byte) uint32 {
	return must(c.apps[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: tx})).Code
}

func query[T any](t *testing.T, a *app.App, path string, data []byte) T {
	t.Helper()
	res := must(a.Query(ctx, &abci.RequestQuery{Path: path, Data: data}))
	require.Equal(t, app.CodeOK, res.Code, "query %s: %s", path, res.Log)
	var v T
	require.NoError(t, json.Unmarshal(res.Value, &v))
	return v
}

func prefix(domain string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(domain))), domain...)
}

func TestLedger(t *testing.T) {
	c := newChain(t, t.TempDir())
	m := c.merchant
	eve, frank, grace := c.users["eve"], c.users["frank"], c.users["grace"]
	concert := c.event(c.terms("concert", 10))

	// Neither an event nor a record, or one that does not parse.
	for _, tx := range [][]byte{nil, []byte("not a record"), append(prefix(app.RecordDomain), 0, 1),
		append(prefix(app.EventDomain), 0, 1), prefix("CBETS/ticket/v1/request")} {
		require.Equal(t, app.CodeMalformed, c.checkTx(tx), "%q", tx)
	}

	// A Buy before its event is published.
	bought, buyRec := c.buy(eve, concert, "A-15", 4500)
	require.Equal(t, app.CodeUnknownEvent, c.checkTx(buyRec.Bytes()))

	// The publication, finalized but not committed: CheckTx sees the
	// committed state only.
	rs, h0 := c.finalize(concert.Bytes())
	require.Equal(t, []uint32{app.CodeOK}, codes(rs))
	require.NotEqual(t, c.initHash, h0)
	require.Equal(t, app.CodeUnknownEvent, c.checkTx(buyRec.Bytes()))
	c.commit()
	require.Equal(t, app.CodeOK, c.checkTx(buyRec.Bytes()))
	require.Equal(t, app.CodeEventExists, c.checkTx(concert.Bytes()))
	ev := query[app.EventView](t, c.apps[1], app.PathEvent, []byte("concert"))
	require.Equal(t, concert.Bytes(), ev.Event.Bytes())
	require.Zero(t, ev.Sold)

	// The facts a merchant asks for a Buy: the event and the held count.
	req := must(ticket.NewBuyRequest(grace.key, grace.cert, m.PublicKey(), "concert", "B-1", 4500, c.now()))
	f := query[app.FactsView](t, c.apps[1], app.PathFacts, req.Bytes())
	require.Equal(t, concert.Bytes(), f.Event.Bytes())
	require.Zero(t, f.Held)

	// A second ticket for Eve, by a merchant that was told she holds none;
	// and the first ticket bought again.
	_, second := c.buy(eve, concert, "A-16", 4500)
	rs, h1 := c.block(buyRec.Bytes(), second.Bytes(), buyRec.Bytes())
	require.Equal(t, []uint32{app.CodeOK, app.CodeLimit, app.CodeSerial}, codes(rs))
	require.NotEqual(t, h0, h1)
	require.Equal(t, uint32(1), query[app.EventView](t, c.apps[0], app.PathEvent, []byte("concert")).Sold)

	// List, with a standing the ledger does not have, then the true one.
	seller := ticket.Standing{Reputation: 625, Transfers: 1}
	req = must(ticket.NewListRequest(eve.key, bought, 6200, eve.cert.WID(), c.now()))
	f = query[app.FactsView](t, c.apps[1], app.PathFacts, req.Bytes())
	require.Equal(t, seller, f.Facts().Seller)
	_, lie, err := m.List(bought, req, ticket.Facts{Seller: ticket.Standing{Reputation: 2000, Transfers: 1}}, c.now())
	require.NoError(t, err)
	listed, listRec, err := m.List(bought, req, f.Facts(), c.now())
	require.NoError(t, err)
	// Two sales of the listing in one block: the block applies them in
	// order, so Frank's sale wins and Grace's names a head the ticket has
	// left (stale).
	fq := must(ticket.NewTransferRequest(frank.key, frank.cert, listed, c.now()))
	sold, frankRec, err := m.Transfer(listed, fq, ticket.Facts{Seller: seller}, c.now())
	require.NoError(t, err)
	gq := must(ticket.NewTransferRequest(grace.key, grace.cert, listed, c.now()))
	_, graceRec, err := m.Transfer(listed, gq, ticket.Facts{Seller: seller}, c.now())
	require.NoError(t, err)
	rs, h2 := c.block(lie.Bytes(), listRec.Bytes(), frankRec.Bytes(), graceRec.Bytes())
	require.Equal(t, []uint32{app.CodeStanding, app.CodeOK, app.CodeOK, app.CodeStale}, codes(rs))
	require.NotEqual(t, h1, h2)
	require.Equal(t, app.CodeStale, c.checkTx(graceRec.Bytes()))

	// A block of refused transactions leaves the app hash as it was.
	rs, h3 := c.block(graceRec.Bytes(), lie.Bytes())
	require.Equal(t, []uint32{app.CodeStale, app.CodeStale}, codes(rs))
	require.Equal(t, h2, h3)

	// Facts the ledger derived: reputation (+5 per purchase, −ΔPrice·x for
	// the seller: 17 coins × 2) and tickets held.
	standing := func(cert string) app.StandingView {
		return query[app.StandingView](t, c.apps[1], app.PathStanding, []byte(cert))
	}
	require.Equal(t, app.StandingView{Certificate: "eve", Reputation: 620 + 5 - 34, Transfers: 2}, standing("eve"))
	require.Equal(t, app.StandingView{Certificate: "frank", Reputation: 5}, standing("frank"))
	held := func(cert string) int {
		q := must(json.Marshal(app.HeldQuery{Event: "concert", Certificate: cert}))
		return query[app.HeldView](t, c.apps[0], app.PathHeld, q).Held
	}
	require.Equal(t, []int{0, 1, 0}, []int{held("eve"), held("frank"), held("grace")})

	// A merchant's record from two minutes ahead: CheckTx turns it away.
	cq := must(ticket.NewConsumeRequest(frank.key, sold, c.now()))
	_, early, err := m.Consume(sold, cq, time.Now().Add(2*time.Minute))
	require.NoError(t, err)
	require.Equal(t, app.CodeTime, c.checkTx(early.Bytes()))

	_, consumeRec, err := m.Consume(sold, cq, c.now())
	require.NoError(t, err)
	// Σ altered after the merchant signed: refused.
	bad := *consumeRec
	bad.Consumption = append([]byte(nil), consumeRec.Consumption...)
	bad.Consumption[len(bad.Consumption)-1] ^= 1
	rs, _ = c.block(bad.Bytes(), consumeRec.Bytes())
	require.NotEqual(t, app.CodeOK, rs[0].Code)
	require.Equal(t, app.CodeOK, rs[1].Code)

	// The ticket as served: its records replay, with the event's terms,
	// to the state the ledger shows.
	view := query[app.TicketView](t, c.apps[1], app.PathTicket, must(json.Marshal(app.TicketQuery{Event: "concert", Serial: "A-15"})))
	require.Len(t, view.Records, 4)
	_, err = ticket.Replay(view.Records, c.verifier)
	require.ErrorIs(t, err, ticket.ErrEvent, "replay without the event's terms")
	v := *c.verifier
	v.Events = []*ticket.Event{query[app.EventView](t, c.apps[1], app.PathEvent, []byte("concert")).Event}
	final, err := ticket.Replay(view.Records, &v)
	require.NoError(t, err)
	require.Equal(t, ticket.Consumed, final.State)
	var shown struct {
		State  string `json:"state"`
		Holder string `json:"holder"`
		Head   string `json:"head"`
	}
	require.NoError(t, json.Unmarshal(view.Ticket, &shown))
	require.Equal(t, "consumed", shown.State)
	require.Equal(t, "frank", shown.Holder)
	require.Equal(t, fmt.Sprintf("%x", final.Head), shown.Head)
}

// TestEventRules runs the rules of events and serials through blocks.
func TestEventRules(t *testing.T) {
	c := newChain(t)
	alice, eve, frank, grace := c.users["alice"], c.users["eve"], c.users["frank"], c.users["grace"]
	small := c.event(c.terms("small", 1))
	closingTerms := c.terms("closing", 10)
	closingTerms.SaleEnd = c.clock.Add(20 * time.Minute)
	closing := c.event(closingTerms)

	// Publications: an event of a merchant the genesis does not name, and
	// one whose terms changed after signing.
	stranger := must(ticket.NewEvent(must(ecdsa.GenerateKey(nil)), c.terms("stranger", 5)))
	altered := c.event(c.terms("altered", 5)).Bytes()
	altered[len(prefix(app.EventDomain))+4+len("altered")+ecdsa.PublicKeySize+3] ^= 2 // capacity 5 → 7
	_, err := ticket.ParseEvent(altered)
	require.NoError(t, err, "the altered event still parses")
	rs, _ := c.block(small.Bytes(), closing.Bytes(), stranger.Bytes(), altered, small.Bytes())
	require.Equal(t, []uint32{app.CodeOK, app.CodeOK, app.CodeForeign, app.CodeEvent, app.CodeEventExists}, codes(rs))

	// The last seat: the second Buy of "small" finds it sold out.
	_, a := c.buy(alice, small, "1", 4500)
	_, b := c.buy(frank, small, "2", 4500)
	// A Buy of an event never published.
	_, never := c.buy(grace, c.event(c.terms("never", 5)), "1", 4500)
	// A merchant told another face value than the published one.
	cheap := closingTerms
	cheap.FaceValue = 4000
	_, underpriced := c.buy(eve, c.event(cheap), "1", 4000)
	rs, _ = c.block(a.Bytes(), b.Bytes(), never.Bytes(), underpriced.Bytes())
	require.Equal(t, []uint32{app.CodeOK, app.CodeSoldOut, app.CodeUnknownEvent, app.CodePrice}, codes(rs))

	// A merchant told a later close of the sale than the published one.
	c.clock = closingTerms.SaleEnd
	later := closingTerms
	later.SaleEnd = later.Start
	bought, late := c.buy(eve, c.event(later), "2", 4500)
	// A List of a ticket the ledger does not have.
	lq := must(ticket.NewListRequest(eve.key, bought, 5000, eve.cert.WID(), c.now()))
	_, list, err := c.merchant.List(bought, lq, ticket.Facts{Seller: ticket.Standing{Reputation: 620, Transfers: 1}}, c.now())
	require.NoError(t, err)
	rs, _ = c.block(late.Bytes(), list.Bytes())
	require.Equal(t, []uint32{app.CodeSaleClosed, app.CodeNotFound}, codes(rs))
}

// TestCancellation runs an event's cancellation through blocks: the
// cancellation changes the app hash, and from its time on the event's
// tickets are refunded and neither sold, listed nor transferred.
func TestCancellation(t *testing.T) {
	c := newChain(t, t.TempDir())
	m := c.merchant
	alice, eve, grace := c.users["alice"], c.users["eve"], c.users["grace"]
	show := c.event(c.terms("show", 10))
	before := must(ticket.NewCancellation(c.mkey, show, c.clock))
	_, never := c.buy(grace, c.event(c.terms("never", 5)), "1", 4500)
	neverCancel := must(ticket.NewCancellation(c.mkey, c.event(c.terms("never", 5)), c.now()))

	rs, _ := c.block(show.Bytes(), neverCancel.Bytes(), append(prefix(app.CancellationDomain), 0, 1))
	require.Equal(t, []uint32{app.CodeOK, app.CodeUnknownEvent, app.CodeMalformed}, codes(rs))
	a, buyA := c.buy(eve, show, "1", 4500)
	b, buyB := c.buy(alice, show, "2", 4500)
	rs, _ = c.block(buyA.Bytes(), buyB.Bytes())
	require.Equal(t, []uint32{app.CodeOK, app.CodeOK}, codes(rs))
	standing := func(u *user, t0 *ticket.Ticket) ticket.Facts {
		req := must(ticket.NewListRequest(u.key, t0, 5000, u.cert.WID(), c.clock))
		f := query[app.FactsView](t, c.apps[1], app.PathFacts, req.Bytes())
		return f.Facts()
	}
	lq := must(ticket.NewListRequest(eve.key, a, 5000, eve.cert.WID(), c.now()))
	listedA, listA, err := m.List(a, lq, standing(eve, a), c.now())
	require.NoError(t, err)
	rs, h0 := c.block(listA.Bytes())
	require.Equal(t, []uint32{app.CodeOK}, codes(rs))

	// A cancellation from two minutes ahead: CheckTx turns it away.
	ahead := must(ticket.NewCancellation(c.mkey, show, time.Now().Add(2*time.Minute)))
	require.Equal(t, app.CodeTime, c.checkTx(ahead.Bytes()))

	// A cancellation older than the tickets' records is refused; the
	// event's is accepted, once.
	cancel := must(ticket.NewCancellation(c.mkey, show, c.now()))
	rs, h1 := c.block(before.Bytes(), cancel.Bytes(), cancel.Bytes())
	require.Equal(t, []uint32{app.CodeTime, app.CodeOK, app.CodeCancelled}, codes(rs))
	require.NotEqual(t, h0, h1, "the app hash covers the cancellation")
	require.Equal(t, app.CodeCancelled, c.checkTx(cancel.Bytes()))

	// Records of a merchant not told of the cancellation: a List, a
	// Transfer and a Buy are refused; the refunds of a listed and a valid
	// ticket, made with the facts the node gives, are accepted.
	// (The node's facts now carry the cancellation, and the merchant would
	// refuse these itself; they are left out here.)
	untold := func(f ticket.Facts) ticket.Facts {
		require.Equal(t, cancel.Bytes(), f.Cancellation.Bytes())
		f.Cancellation = nil
		return f
	}
	lq = must(ticket.NewListRequest(alice.key, b, 5000, alice.cert.WID(), c.now()))
	_, listB, err := m.List(b, lq, untold(standing(alice, b)), c.now())
	require.NoError(t, err)
	tq := must(ticket.NewTransferRequest(grace.key, grace.cert, listedA, c.now()))
	_, transferA, err := m.Transfer(listedA, tq, untold(standing(eve, listedA)), c.now())
	require.NoError(t, err)
	_, buyC := c.buy(grace, show, "3", 4500)
	refund := func(u *user, t0 *ticket.Ticket) *ticket.Record {
		req := must(ticket.NewRefundRequest(u.key, t0, u.cert.WID(), c.now()))
		f := query[app.FactsView](t, c.apps[1], app.PathFacts, req.Bytes())
		require.Equal(t, cancel.Bytes(), f.Cancellation.Bytes(), "the facts carry the cancellation a Refund needs")
		_, rec, err := m.Refund(t0, req, f.Facts(), c.now())
		require.NoError(t, err)
		return rec
	}
	refundA, refundB := refund(eve, listedA), refund(alice, b)
	rs, h2 := c.block(listB.Bytes(), transferA.Bytes(), buyC.Bytes(), never.Bytes(), refundA.Bytes(), refundB.Bytes())
	require.Equal(t, []uint32{app.CodeCancelled, app.CodeCancelled, app.CodeCancelled, app.CodeUnknownEvent,
		app.CodeOK, app.CodeOK}, codes(rs))
	require.NotEqual(t, h1, h2)
	for _, serial := range []string{"1", "2"} {
		view := query[app.TicketView](t, c.apps[1], app.PathTicket, must(json.Marshal(app.TicketQuery{Event: "show", Serial: serial})))
		require.Equal(t, ticket.KindRefund, view.Records[len(view.Records)-1].Request.Kind)
	}
	require.NotEqual(t, app.CodeOK, c.checkTx(refund(alice, b).Bytes()), "a ticket is refunded once")
}

// TestCodes maps every sentinel the ledger and package ticket return, and
// the application's own, to its result code.
func TestCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		code uint32
	}{
		{nil, app.CodeOK},
		{ticket.ErrMalformed, app.CodeMalformed},
		{ticket.ErrSignature, app.CodeSignature},
		{ticket.ErrCertificate, app.CodeCertificate},
		{ticket.ErrWID, app.CodeCertificate},
		{ticket.ErrForeign, app.CodeForeign},
		{ticket.ErrState, app.CodeState},
		{ticket.ErrNotHolder, app.CodeNotHolder},
		{ticket.ErrTime, app.CodeTime},
		{ticket.ErrLimit, app.CodeLimit},
		{ticket.ErrTransferLimit, app.CodeTransferLimit},
		{ticket.ErrReputation, app.CodeReputation},
		{ticket.ErrPrice, app.CodePrice},
		{ticket.ErrMismatch, app.CodeMismatch},
		{ticket.ErrSaleClosed, app.CodeSaleClosed},
		{ticket.ErrEvent, app.CodeEvent},
		{ticket.ErrCancelled, app.CodeCancelled},
		{ticket.ErrExpired, app.CodeExpired},
		{ticket.ErrClosed, app.CodeClosed},
		{ticket.ErrResaleCap, app.CodeResaleCap},
		{ledger.ErrStanding, app.CodeStanding},
		{ledger.ErrNotFound, app.CodeNotFound},
		{ledger.ErrUnknownEvent, app.CodeUnknownEvent},
		{ledger.ErrEventExists, app.CodeEventExists},
		{ledger.ErrSoldOut, app.CodeSoldOut},
		{ledger.ErrSerial, app.CodeSerial},
		{ledger.ErrStale, app.CodeStale},
		{ledger.ErrStore, app.CodeInternal},
		{ledger.ErrConfig, app.CodeInternal},
		{app.ErrNotStarted, app.CodeNotStarted},
		{ticket.ErrKey, app.CodeRejected},
		{errors.New("other"), app.CodeRejected},
		// A failure of the store is internal whatever else it matches.
		{errors.Join(ticket.ErrMalformed, ledger.ErrStore), app.CodeInternal},
	} {
		require.Equal(t, c.code, app.Code(c.err), "%v", c.err)
		if c.err != nil {
			require.Equal(t, c.code, app.Code(fmt.Errorf("wrapped: %w", c.err)), "%v wrapped", c.err)
		}
	}
}

// TestDomains checks that the transactions are told apart by the domains
// package ticket's encodings begin with.
func TestDomains(t *testing.T) {
	c := newChain(t)
	ev := c.event(c.terms("e", 1))
	_, rec := c.buy(c.users["alice"], ev, "1", 4500)
	require.True(t, bytes.HasPrefix(rec.Bytes(), prefix(app.RecordDomain)))
	require.True(t, bytes.HasPrefix(ev.Bytes(), prefix(app.EventDomain)))
	cancel := must(ticket.NewCancellation(c.mkey, ev, c.now()))
	require.True(t, bytes.HasPrefix(cancel.Bytes(), prefix(app.CancellationDomain)))
}

// TestResume closes an application and reopens its store: Info reports
// the last committed height and app hash, and the reopened application
// goes on in step with one that never stopped.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	c := newChain(t, dir)
	m, alice := c.merchant, c.users["alice"]
	ev := c.event(c.terms("e", 1))
	bought, rec := c.buy(alice, ev, "1", 4500)
	rs, hash := c.block(ev.Bytes(), rec.Bytes())
	require.Equal(t, []uint32{app.CodeOK, app.CodeOK}, codes(rs))

	// Finalized but not committed: lost at the restart, as CometBFT
	// expects (it replays the block).
	cq := must(ticket.NewConsumeRequest(alice.key, bought, c.now()))
	_, crec, err := m.Consume(bought, cq, c.now())
	require.NoError(t, err)
	_, err = c.apps[1].FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 2, Txs: [][]byte{crec.Bytes()}})
	require.NoError(t, err)
	require.NoError(t, c.apps[1].Close())
	a, err := app.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	c.apps[1] = a
	info := must(a.Info(ctx, &abci.RequestInfo{}))
	require.Equal(t, int64(1), info.LastBlockHeight)
	require.Equal(t, hash, info.LastBlockAppHash)
	rs, _ = c.block(crec.Bytes())
	require.Equal(t, app.CodeOK, rs[0].Code, rs[0].Log)
}

// failingDB fails every read once fail is set.
type failingDB struct {
	dbm.DB
	fail bool
}

func (f *failingDB) Get(k []byte) ([]byte, error) {
	if f.fail {
		return nil, errors.New("disk on fire")
	}
	return f.DB.Get(k)
}

// TestStoreFailure: when the store fails, FinalizeBlock stops with an
// error rather than refuse the transaction (which another validator would
// accept), and CheckTx answers CodeInternal.
func TestStoreFailure(t *testing.T) {
	c := newChain(t)
	db := &failingDB{DB: dbm.NewMemDB()}
	a := must(app.New(db))
	_, err := a.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: c.genesis})
	require.NoError(t, err)
	ev := c.event(c.terms("e", 1))
	db.fail = true
	require.Equal(t, app.CodeInternal, must(a.CheckTx(ctx, &abci.RequestCheckTx{Tx: ev.Bytes()})).Code)
	_, err = a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Txs: [][]byte{ev.Bytes()}})
	require.ErrorIs(t, err, ledger.ErrStore)
	_, err = a.Commit(ctx, &abci.RequestCommit{})
	require.Error(t, err, "Commit without a finalized block")
	db.fail = false
	res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Txs: [][]byte{ev.Bytes()}})
	require.NoError(t, err)
	require.Equal(t, app.CodeOK, res.TxResults[0].Code)
}

func TestNotStarted(t *testing.T) {
	a := must(app.New(dbm.NewMemDB()))
	res := must(a.CheckTx(ctx, &abci.RequestCheckTx{Tx: []byte{1}}))
	require.Equal(t, app.CodeNotStarted, res.Code)
	q := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStanding, Data: []byte("eve")}))
	require.Equal(t, app.CodeNotStarted, q.Code)
	_, err := a.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: []byte(`{"registrar":"00"}`)})
	require.Error(t, err)
}

// TestInitialStanding: a certificate without a recorded standing starts
// at the genesis's initial standing.
func TestInitialStanding(t *testing.T) {
	registrar, merchant := must(ecdsa.GenerateKey(nil)), must(ecdsa.GenerateKey(nil))
	g := app.NewGenesis(registrar.PublicKey(), []*ecdsa.PublicKey{merchant.PublicKey()}, 100)
	g.InitialStanding = &app.Standing{Reputation: 700, Transfers: 2}
	g.Standings = []app.GenesisStanding{{Certificate: "eve", Reputation: 3}}
	a := must(app.New(dbm.NewMemDB()))
	_, err := a.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: must(g.JSON())})
	require.NoError(t, err)
	require.Equal(t, app.StandingView{Certificate: "new", Reputation: 700, Transfers: 2},
		query[app.StandingView](t, a, app.PathStanding, []byte("new")))
	require.Equal(t, app.StandingView{Certificate: "eve", Reputation: 3},
		query[app.StandingView](t, a, app.PathStanding, []byte("eve")))
}

func TestQueryErrors(t *testing.T) {
	c := newChain(t)
	a := c.apps[0]
	for _, q := range []struct {
		path string
		data []byte
		code uint32
	}{
		{"/nothing", nil, app.CodeUnknownQuery},
		{app.PathTicket, []byte("{"), app.CodeBadQuery},
		{app.PathTicket, must(json.Marshal(app.TicketQuery{Event: "e", Serial: "1"})), app.CodeNotFound},
		{app.PathEvent, []byte("e"), app.CodeNotFound},
		{app.PathFacts, []byte("not a request"), app.CodeBadQuery},
		{app.PathHeld, []byte("["), app.CodeBadQuery},
	} {
		res := must(a.Query(ctx, &abci.RequestQuery{Path: q.path, Data: q.data}))
		require.Equal(t, q.code, res.Code, "%s %q: %s", q.path, q.data, res.Log)
	}
	res := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStanding, Data: []byte("eve"), Height: 7}))
	require.Equal(t, app.CodeBadQuery, res.Code)
}
