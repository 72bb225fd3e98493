package app_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// The app hashes of the golden history (TestGoldenAppHash): the genesis
// state's, and the last block's. They change only with the commitment's
// definition, the state's layout or the rules: never by accident.
const (
	goldenGenesisHash = "381499e6e096be190799a39b7f92ee1f19c89811f8a9617a603978cf57ff8302"
	goldenAppHash     = "222011d189df7da7e13e15ebe57e57e6d32c006ce899f883e253ff1842c2c02b"
)

// golden runs a fixed history from fixed keys and times through InitChain,
// FinalizeBlock and Commit: two events published; three tickets bought;
// a listing, its sale and a consumption; the second event cancelled and
// its ticket refunded. It returns the app hash after InitChain and after
// each block.
func golden(t *testing.T, a *app.App) []string {
	t.Helper()
	key := func(label string) *ecdsa.PrivateKey { return testkit.KeyFromLabel(t, "cbets/cometbft/golden/"+label) }
	registrar, mkey := key("registrar"), key("merchant")
	users := map[string]*user{}
	for _, name := range []string{"alice", "bob", "carol"} {
		k := key("user/" + name)
		cert := must(ticket.IssueCertificate(registrar, name, k.PublicKey(), k.PublicKey().Address(ecdsa.DefaultAddressVersion)))
		users[name] = &user{k, cert}
	}
	g := app.NewGenesis(registrar.PublicKey(), []*ecdsa.PublicKey{mkey.PublicKey()}, 100)
	g.Standings = []app.GenesisStanding{{Certificate: "alice", Reputation: 600}, {Certificate: "bob", Reputation: 20, Transfers: 1}}
	scale := must(tax.NewScale(100))
	merchant := must(ticket.NewMerchant(mkey, registrar.PublicKey(), ticket.DefaultPolicy(scale)))

	var hashes []string
	init := must(a.InitChain(ctx, &abci.RequestInitChain{ChainId: "golden", InitialHeight: 1, AppStateBytes: must(g.JSON())}))
	hashes = append(hashes, hex.EncodeToString(init.AppHash))
	height := int64(0)
	block := func(txs ...[]byte) {
		t.Helper()
		height++
		res := must(a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Txs: txs}))
		for i, r := range res.TxResults {
			require.Equal(t, app.CodeOK, r.Code, "block %d tx %d: %s", height, i, r.Log)
		}
		must(a.Commit(ctx, &abci.RequestCommit{}))
		hashes = append(hashes, hex.EncodeToString(res.AppHash))
	}
	facts := func(req *ticket.Request) ticket.Facts {
		t.Helper()
		f := query[app.FactsView](t, a, app.PathFacts, req.Bytes())
		return f.Facts()
	}

	t0 := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	clock := t0
	now := func() time.Time { clock = clock.Add(time.Minute); return clock }
	terms := func(id string, capacity uint32) ticket.EventTerms {
		start := t0.Add(30 * 24 * time.Hour)
		return ticket.EventTerms{ID: id, Capacity: capacity, FaceValue: 4500,
			SaleStart: t0.Add(-time.Hour), SaleEnd: start, Start: start, End: start.Add(4 * time.Hour)}
	}
	concert := must(ticket.NewEvent(mkey, terms("golden-concert", 10)))
	matinee := must(ticket.NewEvent(mkey, terms("golden-matinee", 5)))
	block(concert.Bytes(), matinee.Bytes())

	buy := func(u *user, ev *ticket.Event, serial string) (*ticket.Ticket, *ticket.Record) {
		t.Helper()
		req := must(ticket.NewBuyRequest(u.key, u.cert, mkey.PublicKey(), ev.ID(), serial, 4500, now()))
		tk, rec, err := merchant.Buy(req, facts(req), now())
		require.NoError(t, err)
		return tk, rec
	}
	alice, bob, carol := users["alice"], users["bob"], users["carol"]
	a1, r1 := buy(alice, concert, "A-1")
	b2, r2 := buy(bob, concert, "A-2")
	c1, r3 := buy(carol, matinee, "M-1")
	block(r1.Bytes(), r2.Bytes(), r3.Bytes())

	req := must(ticket.NewListRequest(alice.key, a1, 5200, alice.cert.WID(), now()))
	listed, rec, err := merchant.List(a1, req, facts(req), now())
	require.NoError(t, err)
	block(rec.Bytes())

	req = must(ticket.NewTransferRequest(carol.key, carol.cert, listed, now()))
	_, sale, err := merchant.Transfer(listed, req, facts(req), now())
	require.NoError(t, err)
	req = must(ticket.NewConsumeRequest(bob.key, b2, now()))
	_, consume, err := merchant.Consume(b2, req, now())
	require.NoError(t, err)
	block(sale.Bytes(), consume.Bytes())

	cancel := must(ticket.NewCancellation(mkey, matinee, now()))
	block(cancel.Bytes())
	req = must(ticket.NewRefundRequest(carol.key, c1, carol.cert.WID(), now()))
	_, refund, err := merchant.Refund(c1, req, facts(req), now())
	require.NoError(t, err)
	block(refund.Bytes())
	return hashes
}

// TestGoldenAppHash: the golden history gives the same app hashes on every
// run: goldenGenesisHash after InitChain, goldenAppHash after the last
// block.
func TestGoldenAppHash(t *testing.T) {
	a := must(app.New(dbm.NewMemDB()))
	hashes := golden(t, a)
	t.Logf("golden app hashes (InitChain, then each block): %q", hashes)
	require.Equal(t, goldenGenesisHash, hashes[0])
	require.Equal(t, goldenAppHash, hashes[len(hashes)-1])
	again := golden(t, must(app.New(dbm.NewMemDB())))
	require.Equal(t, hashes, again)
}

func TestStoreQuery(t *testing.T) {
	c := newChain(t)
	a := c.apps[0]
	concert := c.event(c.terms("concert", 10))
	_, rec := c.buy(c.users["eve"], concert, "A-1", 4500)
	_, h1 := c.block(concert.Bytes())
	_, h2 := c.block(rec.Bytes())
	require.NotEqual(t, h1, h2)
	prt := app.ProofRuntime()

	get := func(key []byte) *abci.ResponseQuery {
		t.Helper()
		res := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStore, Data: key, Prove: true}))
		require.Equal(t, app.CodeOK, res.Code, res.Log)
		require.Equal(t, key, res.Key)
		require.Equal(t, int64(2), res.Height, "the height whose state answered")
		_, hash := a.LastCommitted()
		if res.Value != nil {
			require.NoError(t, prt.VerifyValue(res.ProofOps, hash, app.KeyPath(key), res.Value))
		} else {
			require.NoError(t, prt.VerifyAbsence(res.ProofOps, hash, app.KeyPath(key)))
		}
		return res
	}

	// Every kind of key, present, with its decoder.
	n, tk, err := app.ParseTicketEntry(get(app.TicketKey("concert", "A-1")).Value)
	require.NoError(t, err)
	require.Equal(t, uint32(1), n)
	require.Equal(t, "eve", tk.Holder.ID())
	r, err := ticket.ParseRecord(get(app.RecordKey("concert", "A-1", 0)).Value)
	require.NoError(t, err)
	require.Equal(t, rec.Bytes(), r.Bytes())
	es, err := app.ParseEventEntry(get(app.EventKey("concert")).Value)
	require.NoError(t, err)
	require.Equal(t, concert.Bytes(), es.Event.Bytes())
	require.Equal(t, uint32(1), es.Sold)
	held, err := app.ParseHeld(get(app.HeldKey("concert", "eve")).Value)
	require.NoError(t, err)
	require.Equal(t, 1, held)
	st, err := app.ParseStanding(get(app.StandingKey("eve")).Value)
	require.NoError(t, err)
	require.Equal(t, ticket.Standing{Reputation: 625, Transfers: 1}, st)
	require.Equal(t, c.genesis, get(app.GenesisKey()).Value)

	// Absent keys.
	for _, k := range [][]byte{app.TicketKey("concert", "A-2"), app.RecordKey("concert", "A-1", 1),
		app.CancellationKey("concert"), app.HeldKey("concert", "frank"), app.StandingKey("frank"), app.EventKey("nope")} {
		require.Nil(t, get(k).Value, "%q", k)
	}

	// Without Prove: the value alone.
	res := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStore, Data: app.EventKey("concert")}))
	require.Equal(t, app.CodeOK, res.Code)
	require.Nil(t, res.ProofOps)
	require.Equal(t, get(app.EventKey("concert")).Value, res.Value)

	// Keys outside the committed state.
	for _, k := range [][]byte{nil, []byte("m/height"), []byte("m/apphash"), []byte("x/\x00\x00t/"), []byte("y/\x00\x00")} {
		res := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStore, Data: k, Prove: true}))
		require.Equal(t, app.CodeBadQuery, res.Code, "%q", k)
	}

	// A block that changes nothing: the state that answers is still the
	// one of height 2, whose app hash the header at 3 carries; any height
	// from 2 to the last committed one is the same state.
	_, h3 := c.block(rec.Bytes()) // refused: the serial is sold
	require.Equal(t, h2, h3)
	get(app.TicketKey("concert", "A-1"))
	for _, q := range []struct {
		height int64
		code   uint32
	}{{1, app.CodeBadQuery}, {2, app.CodeOK}, {3, app.CodeOK}, {4, app.CodeBadQuery}} {
		res := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStore, Data: app.EventKey("concert"), Height: q.height}))
		require.Equal(t, q.code, res.Code, "height %d: %s", q.height, res.Log)
	}
	view := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathEvent, Data: []byte("concert")}))
	require.Equal(t, int64(2), view.Height)
}

func TestParseEntries(t *testing.T) {
	for _, b := range [][]byte{nil, {1}, make([]byte, 13)} {
		_, err := app.ParseEventEntry(b)
		require.ErrorIs(t, err, app.ErrEntry)
		_, _, err = app.ParseTicketEntry(b)
		require.ErrorIs(t, err, app.ErrEntry)
		_, err = app.ParseHeld(b)
		require.ErrorIs(t, err, app.ErrEntry)
		_, err = app.ParseStanding(b)
		require.ErrorIs(t, err, app.ErrEntry)
	}
	_, err := app.ParseHeld([]byte{0, 0, 0, 1, 0, 0, 0, 0})
	require.ErrorIs(t, err, app.ErrEntry, "out of range")
	n, err := app.ParseHeld([]byte{0, 0, 0, 0, 0, 0, 0, 3})
	require.NoError(t, err)
	require.Equal(t, 3, n)
	s, err := app.ParseStanding([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 2})
	require.NoError(t, err)
	require.Equal(t, ticket.Standing{Reputation: -2, Transfers: 2}, s)
}

// TestResumeChecksCommitment: an application reopened over a store whose
// stored app hash is not its commitment's (corrupt, or written by an older
// version) refuses to start.
func TestResumeChecksCommitment(t *testing.T) {
	dir := t.TempDir()
	c := newChain(t, dir)
	ev := c.event(c.terms("e", 1))
	c.block(ev.Bytes())
	require.NoError(t, c.apps[1].Close())
	db := must(dbm.NewGoLevelDB("app", dir))
	require.NoError(t, db.Set([]byte("m/apphash"), make([]byte, 32)))
	require.NoError(t, db.Close())
	_, err := app.Open(dir)
	require.ErrorContains(t, err, "commitment")
	require.FileExists(t, filepath.Join(dir, "app.db", "CURRENT"))
}

// TestStoreQueryJSON: the views are still served, without proofs.
func TestStoreQueryJSON(t *testing.T) {
	c := newChain(t)
	res := must(c.apps[0].Query(ctx, &abci.RequestQuery{Path: app.PathStanding, Data: []byte("eve"), Prove: true}))
	require.Equal(t, app.CodeOK, res.Code)
	require.Nil(t, res.ProofOps)
	var v app.StandingView
	require.NoError(t, json.Unmarshal(res.Value, &v))
	require.Equal(t, int64(620), v.Reputation)
}

// TestRestartCommitment: an application reopened from its store reports
// the same app hash, proves keys against it, and commits further blocks
// with the hashes of applications that never stopped.
func TestRestartCommitment(t *testing.T) {
	dir := t.TempDir()
	c := newChain(t, dir)
	eve, alice := c.users["eve"], c.users["alice"]
	ev := c.event(c.terms("e", 10))
	_, buy := c.buy(eve, ev, "1", 4500)
	c.block(ev.Bytes())
	_, hash := c.block(buy.Bytes())
	require.NoError(t, c.apps[1].Close())
	a := must(app.Open(dir))
	t.Cleanup(func() { a.Close() })
	c.apps[1] = a
	height, got := a.LastCommitted()
	require.Equal(t, int64(2), height)
	require.Equal(t, hash, got)
	res := must(a.Query(ctx, &abci.RequestQuery{Path: app.PathStore, Data: app.TicketKey("e", "1"), Prove: true}))
	require.Equal(t, app.CodeOK, res.Code, res.Log)
	require.NoError(t, app.ProofRuntime().VerifyValue(res.ProofOps, hash, app.KeyPath(app.TicketKey("e", "1")), res.Value))
	for i, u := range []*user{alice, c.users["frank"], c.users["grace"]} {
		_, rec := c.buy(u, ev, fmt.Sprint(10+i), 4500)
		rs, _ := c.block(rec.Bytes()) // every application gives the same hash
		require.Equal(t, app.CodeOK, rs[0].Code, rs[0].Log)
	}
}
