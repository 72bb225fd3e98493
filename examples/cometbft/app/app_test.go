package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/examples/cometbft/app"
	"github.com/cbets/cbets/ticket"
)

var ctx = context.Background()

type user struct {
	key  *ecdsa.PrivateKey
	cert *ticket.Certificate
}

// ledger drives two applications with the same blocks, without consensus,
// and checks that they agree.
type ledger struct {
	t        *testing.T
	merchant *ticket.Merchant
	users    map[string]*user
	genesis  []byte
	apps     []*app.App
	height   int64
	clock    time.Time
}

func newLedger(t *testing.T, dirs ...string) *ledger {
	t.Helper()
	registrar := must(ecdsa.GenerateKey(nil))
	mkey := must(ecdsa.GenerateKey(nil))
	l := &ledger{t: t, users: map[string]*user{}, clock: time.Now().Add(-time.Hour).UTC()}
	for _, name := range []string{"alice", "eve", "frank", "grace"} {
		k := must(ecdsa.GenerateKey(nil))
		c := must(ticket.IssueCertificate(registrar, name, k.PublicKey(), k.PublicKey().Address(ecdsa.DefaultAddressVersion)))
		l.users[name] = &user{k, c}
	}
	g := app.NewGenesis(registrar.PublicKey(), []*ecdsa.PublicKey{mkey.PublicKey()}, 100)
	g.Standings = []app.GenesisStanding{{Certificate: "eve", Reputation: 620, Transfers: 1}}
	l.genesis = must(g.JSON())
	l.merchant = must(ticket.NewMerchant(mkey, registrar.PublicKey(), must(g.Policy())))
	l.apps = append(l.apps, must(app.New(dbm.NewMemDB())))
	for _, d := range dirs {
		a := must(app.Open(d))
		t.Cleanup(func() { a.Close() })
		l.apps = append(l.apps, a)
	}
	var hash []byte
	for i, a := range l.apps {
		res := must(a.InitChain(ctx, &abci.RequestInitChain{ChainId: "test", AppStateBytes: l.genesis}))
		if i > 0 && !bytes.Equal(res.AppHash, hash) {
			t.Fatalf("InitChain app hashes differ")
		}
		hash = res.AppHash
	}
	return l
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (l *ledger) now() time.Time {
	l.clock = l.clock.Add(time.Minute)
	return l.clock
}

// block finalizes and commits txs on every application, checks that they
// return the same results and app hash, and returns the results.
func (l *ledger) block(txs ...[]byte) ([]*abci.ExecTxResult, []byte) {
	l.t.Helper()
	l.height++
	var first *abci.ResponseFinalizeBlock
	for i, a := range l.apps {
		res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: l.height, Txs: txs, Time: l.clock})
		if err != nil {
			l.t.Fatal(err)
		}
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			l.t.Fatal(err)
		}
		if i == 0 {
			first = res
			continue
		}
		if !bytes.Equal(res.AppHash, first.AppHash) {
			l.t.Fatalf("height %d: app %d hash %x, app 0 %x", l.height, i, res.AppHash, first.AppHash)
		}
		for j := range txs {
			if res.TxResults[j].Code != first.TxResults[j].Code {
				l.t.Fatalf("height %d tx %d: codes differ", l.height, j)
			}
		}
	}
	return first.TxResults, first.AppHash
}

func codes(rs []*abci.ExecTxResult) []uint32 {
	var out []uint32
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func (l *ledger) checkTx(tx []byte) uint32 {
	return must(l.apps[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: tx})).Code
}

func query[T any](t *testing.T, a *app.App, path string, data []byte) T {
	t.Helper()
	res := must(a.Query(ctx, &abci.RequestQuery{Path: path, Data: data}))
	if res.Code != app.CodeOK {
		t.Fatalf("query %s: %d %s", path, res.Code, res.Log)
	}
	var v T
	if err := json.Unmarshal(res.Value, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLedger(t *testing.T) {
	l := newLedger(t, t.TempDir())
	m := l.merchant
	eve, frank, grace := l.users["eve"], l.users["frank"], l.users["grace"]
	event := "concert"

	if code := l.checkTx([]byte("not a record")); code != app.CodeMalformed {
		t.Fatalf("garbage: code %d", code)
	}

	// Buy.
	req := must(ticket.NewBuyRequest(eve.key, eve.cert, m.PublicKey(), event, "A-15", 4500, l.now()))
	bought, buyRec, err := m.Buy(req, ticket.Facts{}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	if code := l.checkTx(buyRec.Bytes()); code != app.CodeOK {
		t.Fatalf("CheckTx buy: %d", code)
	}
	// A second ticket for Eve, by a merchant that was told she holds none.
	req = must(ticket.NewBuyRequest(eve.key, eve.cert, m.PublicKey(), event, "A-16", 4500, l.now()))
	_, second, err := m.Buy(req, ticket.Facts{}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	rs, h1 := l.block(buyRec.Bytes(), second.Bytes(), buyRec.Bytes())
	if got := codes(rs); got[0] != app.CodeOK || got[1] != app.CodeLimit || got[2] != app.CodeState {
		t.Fatalf("buy block codes %v", got)
	}

	// List, with a standing the ledger does not have, then the true one.
	req = must(ticket.NewListRequest(eve.key, bought, 6200, eve.cert.WID(), l.now()))
	_, lie, err := m.List(bought, req, ticket.Facts{Seller: ticket.Standing{Reputation: 2000, Transfers: 1}}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	listed, listRec, err := m.List(bought, req, ticket.Facts{Seller: ticket.Standing{Reputation: 625, Transfers: 1}}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	// Two sales of the listing and a consumption in one block: the block
	// applies them in order, so Frank's sale wins.
	fq := must(ticket.NewTransferRequest(frank.key, frank.cert, listed, l.now()))
	sold, frankRec, err := m.Transfer(listed, fq, ticket.Facts{Seller: ticket.Standing{Reputation: 625, Transfers: 1}}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	gq := must(ticket.NewTransferRequest(grace.key, grace.cert, listed, l.now()))
	_, graceRec, err := m.Transfer(listed, gq, ticket.Facts{Seller: ticket.Standing{Reputation: 625, Transfers: 1}}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	rs, h2 := l.block(lie.Bytes(), listRec.Bytes(), frankRec.Bytes(), graceRec.Bytes())
	if got := codes(rs); got[0] != app.CodeStanding || got[1] != app.CodeOK || got[2] != app.CodeOK || got[3] != app.CodeForeign {
		t.Fatalf("resale block codes %v", got)
	}
	if bytes.Equal(h1, h2) {
		t.Fatal("app hash did not change")
	}
	if code := l.checkTx(graceRec.Bytes()); code != app.CodeForeign {
		t.Fatalf("CheckTx second sale: %d", code)
	}

	// Facts the ledger derived: reputation (+5 per purchase, −ΔPrice·x for
	// the seller: 17 coins × 2) and tickets held.
	if s := query[app.StandingView](t, l.apps[1], app.PathStanding, []byte("eve")); s.Reputation != 620+5-34 || s.Transfers != 2 {
		t.Fatalf("eve's standing %+v", s)
	}
	if s := query[app.StandingView](t, l.apps[1], app.PathStanding, []byte("frank")); s.Reputation != 5 || s.Transfers != 0 {
		t.Fatalf("frank's standing %+v", s)
	}
	held := func(cert string) uint32 {
		q := must(json.Marshal(app.HeldQuery{Event: event, Certificate: cert}))
		return query[app.HeldView](t, l.apps[0], app.PathHeld, q).Held
	}
	if held("eve") != 0 || held("frank") != 1 || held("grace") != 0 {
		t.Fatalf("held: eve %d frank %d grace %d", held("eve"), held("frank"), held("grace"))
	}

	// A merchant's record from two minutes ahead: CheckTx turns it away.
	cq := must(ticket.NewConsumeRequest(frank.key, sold, l.now()))
	if _, early, err := m.Consume(sold, cq, time.Now().Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	} else if code := l.checkTx(early.Bytes()); code != app.CodeTime {
		t.Fatalf("CheckTx of a record from the future: %d", code)
	}

	_, consumeRec, err := m.Consume(sold, cq, l.now())
	if err != nil {
		t.Fatal(err)
	}
	// Σ altered after the merchant signed: refused.
	bad := *consumeRec
	bad.Consumption = append([]byte(nil), consumeRec.Consumption...)
	bad.Consumption[len(bad.Consumption)-1] ^= 1
	rs, _ = l.block(bad.Bytes(), consumeRec.Bytes())
	if got := codes(rs); got[0] == app.CodeOK || got[1] != app.CodeOK {
		t.Fatalf("consume block codes %v", got)
	}

	view := query[app.TicketView](t, l.apps[1], app.PathTicket, must(json.Marshal(app.TicketQuery{Event: event, Serial: "A-15"})))
	if len(view.Records) != 4 {
		t.Fatalf("%d records", len(view.Records))
	}
	v := must(must(app.ParseGenesis(l.genesis)).Verifier())
	if final, err := ticket.Replay(view.Records, v); err != nil || final.State != ticket.Consumed {
		t.Fatalf("replay of the served history: %v", err)
	}
	var shown struct {
		State  string `json:"state"`
		Holder string `json:"holder"`
	}
	if err := json.Unmarshal(view.Ticket, &shown); err != nil || shown.State != "consumed" || shown.Holder != "frank" {
		t.Fatalf("ticket %s (%v)", view.Ticket, err)
	}
}

// TestResume closes an application and reopens its store: Info reports
// the last committed height and app hash, and the reopened application
// goes on in step with one that never stopped.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	l := newLedger(t, dir)
	m, alice := l.merchant, l.users["alice"]
	req := must(ticket.NewBuyRequest(alice.key, alice.cert, m.PublicKey(), "e", "1", 100, l.now()))
	bought, rec, err := m.Buy(req, ticket.Facts{}, l.now())
	if err != nil {
		t.Fatal(err)
	}
	_, hash := l.block(rec.Bytes())

	// Finalized but not committed: lost at the restart, as CometBFT
	// expects (it replays the block).
	cq := must(ticket.NewConsumeRequest(alice.key, bought, l.now()))
	_, crec, err := m.Consume(bought, cq, l.now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.apps[1].FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 2, Txs: [][]byte{crec.Bytes()}}); err != nil {
		t.Fatal(err)
	}
	if err := l.apps[1].Close(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	l.apps[1] = a
	info := must(a.Info(ctx, &abci.RequestInfo{}))
	if info.LastBlockHeight != 1 || !bytes.Equal(info.LastBlockAppHash, hash) {
		t.Fatalf("Info after reopening: %d %x, want 1 %x", info.LastBlockHeight, info.LastBlockAppHash, hash)
	}
	rs, _ := l.block(crec.Bytes())
	if rs[0].Code != app.CodeOK {
		t.Fatalf("consume after restart: %d %s", rs[0].Code, rs[0].Log)
	}
}

func TestNotStarted(t *testing.T) {
	a := must(app.New(dbm.NewMemDB()))
	if res := must(a.CheckTx(ctx, &abci.RequestCheckTx{Tx: []byte{1}})); res.Code != app.CodeNotStarted {
		t.Fatalf("code %d", res.Code)
	}
	if _, err := a.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: []byte(`{"registrar":"00"}`)}); err == nil {
		t.Fatal("bad genesis accepted")
	}
}
