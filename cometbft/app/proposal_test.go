package app_test

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"

	"github.com/cbets/cbets/internal/testkit"
)

// countingDB counts the reads of its database.
type countingDB struct {
	dbm.DB
	gets int
}

func (c *countingDB) Get(k []byte) ([]byte, error) {
	c.gets++
	return c.DB.Get(k)
}

// addApp adds an application over db to the chain, before its first block.
func (c *chain) addApp(db dbm.DB) *app.App {
	c.t.Helper()
	require.Zero(c.t, c.height, "addApp before the first block")
	a := must(app.New(db))
	res := must(a.InitChain(ctx, &abci.RequestInitChain{ChainId: "test", AppStateBytes: c.genesis}))
	require.Equal(c.t, c.initHash, res.AppHash)
	c.apps = append(c.apps, a)
	return a
}

// blockHash stands for the hash of the block of txs at height.
func blockHash(height int64, txs [][]byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d", height)
	for _, tx := range txs {
		h.Write(tx)
	}
	return h.Sum(nil)
}

func process(t *testing.T, a *app.App, height int64, txs [][]byte) abci.ResponseProcessProposal_ProposalStatus {
	t.Helper()
	res, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: height, Hash: blockHash(height, txs), Txs: txs})
	require.NoError(t, err)
	return res.Status
}

func prepare(t *testing.T, a *app.App, height, maxTxBytes int64, txs [][]byte) [][]byte {
	t.Helper()
	res, err := a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: height, MaxTxBytes: maxTxBytes, Txs: txs})
	require.NoError(t, err)
	require.NoError(t, types.ToTxs(res.Txs).Validate(maxTxBytes), "the proposal exceeds MaxTxBytes as CometBFT counts it")
	return res.Txs
}

func finalizeBlock(t *testing.T, a *app.App, height int64, txs [][]byte) *abci.ResponseFinalizeBlock {
	t.Helper()
	res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Hash: blockHash(height, txs), Txs: txs})
	require.NoError(t, err)
	return res
}

// proposalFixture is a chain whose committed state has the events
// "concert" and "show" and Eve's ticket concert/A-1 listed for sale, and
// transactions each valid against that state and together in order.
type proposalFixture struct {
	c      *chain
	warm   *app.App // gets ProcessProposal before FinalizeBlock
	warmDB *countingDB
	coldDB *countingDB
	cold   *app.App // gets FinalizeBlock only
	valid  [][]byte // v1..v4
	listed *ticket.Ticket
	seller ticket.Standing
}

func newProposalFixture(t *testing.T) *proposalFixture {
	c := newChain(t, t.TempDir())
	f := &proposalFixture{c: c, warmDB: &countingDB{DB: dbm.NewMemDB()}, coldDB: &countingDB{DB: dbm.NewMemDB()}}
	f.warm, f.cold = c.addApp(f.warmDB), c.addApp(f.coldDB)
	m := c.merchant
	alice, eve, frank, grace := c.users["alice"], c.users["eve"], c.users["frank"], c.users["grace"]
	concert, show := c.event(c.terms("concert", 10)), c.event(c.terms("show", 10))
	bought, buy := c.buy(eve, concert, "A-1", 4500)
	rs, _ := c.block(concert.Bytes(), show.Bytes(), buy.Bytes())
	require.Equal(t, []uint32{app.CodeOK, app.CodeOK, app.CodeOK}, codes(rs))
	req := must(ticket.NewListRequest(eve.key, bought, 6200, eve.cert.WID(), c.now()))
	fv := query[app.FactsView](t, c.apps[0], app.PathFacts, req.Bytes())
	facts := fv.Facts()
	listed, list, err := m.List(bought, req, facts, c.now())
	require.NoError(t, err)
	rs, _ = c.block(list.Bytes())
	require.Equal(t, []uint32{app.CodeOK}, codes(rs))
	f.listed, f.seller = listed, facts.Seller

	_, v1 := c.buy(alice, concert, "B-1", 4500)
	v2 := f.transfer(frank)
	_, v3 := c.buy(grace, show, "S-2", 4500)
	_, v4 := c.buy(eve, show, "S-3", 4500)
	f.valid = [][]byte{v1.Bytes(), v2, v3.Bytes(), v4.Bytes()}
	return f
}

// transfer returns u's purchase of Eve's listed ticket.
func (f *proposalFixture) transfer(u *user) []byte {
	c := f.c
	req := must(ticket.NewTransferRequest(u.key, u.cert, f.listed, c.now()))
	_, rec, err := c.merchant.Transfer(f.listed, req, ticket.Facts{Seller: f.seller}, c.now())
	require.NoError(c.t, err)
	return rec.Bytes()
}

// next is the height of the next block.
func (f *proposalFixture) next() int64 { return f.c.height + 1 }

// TestProposals: a block with a transaction refused against the state the
// block builds is rejected by ProcessProposal, and PrepareProposal leaves
// that transaction out and keeps the valid ones in order.
func TestProposals(t *testing.T) {
	f := newProposalFixture(t)
	c := f.c
	alice, frank, grace := c.users["alice"], c.users["frank"], c.users["grace"]
	show := c.event(c.terms("show", 10))

	// Alice's Buy of a show seat, its merchant signature altered.
	_, rec := c.buy(alice, show, "S-1", 4500)
	badSig := *rec
	badSig.MerchantSig = slices.Clone(rec.MerchantSig)
	badSig.MerchantSig[len(badSig.MerchantSig)-1] ^= 1
	// Frank's Buy of the seat v3 buys for Grace.
	_, double := c.buy(frank, show, "S-2", 4500)
	_, unknown := c.buy(alice, c.event(c.terms("never", 5)), "N-1", 4500)

	for _, tc := range []struct {
		name string
		tx   []byte
		code uint32
		// alone: the transaction is valid against the committed state,
		// and refused only against the state the block builds.
		alone bool
	}{
		{"bad signature", badSig.Bytes(), app.CodeSignature, false},
		{"malformed", []byte("not a record"), app.CodeMalformed, false},
		{"malformed record", append(prefix(app.RecordDomain), 0, 1), app.CodeMalformed, false},
		{"stale head", f.transfer(grace), app.CodeStale, true},
		{"serial sold in the block", double.Bytes(), app.CodeSerial, true},
		{"unknown event", unknown.Bytes(), app.CodeUnknownEvent, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			alone := app.CodeOK
			if !tc.alone {
				alone = tc.code
			}
			require.Equal(t, alone, c.checkTx(tc.tx), "against the committed state")
			v := f.valid
			block := [][]byte{v[0], v[1], v[2], tc.tx, v[3]}
			// The transaction is refused, for its reason, by a block run
			// as a validator catching up runs it.
			res := finalizeBlock(t, f.cold, f.next(), block)
			require.Equal(t, []uint32{0, 0, 0, tc.code, 0}, codes(res.TxResults), res.TxResults[3].Log)

			require.Equal(t, abci.ResponseProcessProposal_REJECT, process(t, f.warm, f.next(), block))
			require.Equal(t, abci.ResponseProcessProposal_REJECT, process(t, f.warm, f.next(), [][]byte{v[0], v[1], v[2], tc.tx}))
			if !tc.alone {
				require.Equal(t, abci.ResponseProcessProposal_REJECT, process(t, f.warm, f.next(), [][]byte{tc.tx}))
			}
			require.Equal(t, v, prepare(t, f.warm, f.next(), 1<<20, block))
		})
	}
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), f.valid))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), nil), "an empty block")
	require.Empty(t, prepare(t, f.warm, f.next(), 1<<20, nil))

	// The same transaction twice: the second is refused.
	require.Equal(t, abci.ResponseProcessProposal_REJECT, process(t, f.warm, f.next(), [][]byte{f.valid[0], f.valid[0]}))
	require.Equal(t, f.valid[:1], prepare(t, f.warm, f.next(), 1<<20, [][]byte{f.valid[0], f.valid[0]}))
}

// TestPrepareProposalMaxTxBytes: the kept transactions fit within
// MaxTxBytes as CometBFT counts a block's data; one that does not fit is
// left out and a later one that fits is kept.
func TestPrepareProposalMaxTxBytes(t *testing.T) {
	f := newProposalFixture(t)
	v := f.valid
	size := func(txs ...[]byte) int64 { return types.ComputeProtoSizeForTxs(types.ToTxs(txs)) }
	all := size(v...)
	raw := int64(0)
	for _, tx := range v {
		raw += int64(len(tx))
	}
	// The sizes fall: Alice's Buy of a concert seat, Frank's Transfer,
	// Grace's and Eve's Buys of a show seat (a shorter event id, then a
	// shorter certificate id).
	for i := range 3 {
		require.Greater(t, size(v[i]), size(v[i+1]), "transaction %d", i)
	}
	for _, tc := range []struct {
		max  int64
		want [][]byte
	}{
		{all, v},
		{all + 1000, v},
		{all - 1, v[:3]},
		{raw, v[:3]}, // the encoding's overhead counts
		{size(v[0], v[1]), v[:2]},
		{size(v[0], v[3]), [][]byte{v[0], v[3]}},
		{size(v[0]), v[:1]},
		{size(v[0]) - 1, v[1:2]},
		{0, [][]byte{}},
		{-1, [][]byte{}},
	} {
		require.Equal(t, tc.want, prepare(t, f.warm, f.next(), tc.max, v), "MaxTxBytes %d", tc.max)
	}
	// A transaction left out for its size is not run: a Buy of the same
	// seat after it is kept.
	c := f.c
	show := c.event(c.terms("show", 10))
	_, big := c.buy(c.users["grace"], show, "S-9", 4500)
	_, small := c.buy(c.users["eve"], show, "S-9", 4500)
	require.Greater(t, size(big.Bytes()), size(small.Bytes()))
	block := [][]byte{big.Bytes(), small.Bytes()}
	require.Equal(t, block[1:], prepare(t, f.warm, f.next(), size(small.Bytes()), block))
}

// TestPrepareProposalBudget: the application's budget bounds a proposal as
// MaxTxBytes does, whichever is smaller; the default is
// MaxProposalTxBytes.
func TestPrepareProposalBudget(t *testing.T) {
	f := newProposalFixture(t)
	v := f.valid
	size := func(txs ...[]byte) int64 { return types.ComputeProtoSizeForTxs(types.ToTxs(txs)) }
	require.Equal(t, v, prepare(t, f.warm, f.next(), app.MaxProposalTxBytes+1<<20, v))
	for _, tc := range []struct {
		budget, max int64
		want        [][]byte
	}{
		{size(v...), 1 << 20, v},
		{size(v[0], v[1]), 1 << 20, v[:2]},
		{size(v[0], v[3]), 1 << 20, [][]byte{v[0], v[3]}},
		{size(v[0]) - 1, 1 << 20, v[1:2]},
		{1 << 20, size(v[0], v[1]), v[:2]},
		{0, 1 << 20, [][]byte{}},
	} {
		app.SetProposalBytes(f.warm, tc.budget)
		require.Equal(t, tc.want, prepare(t, f.warm, f.next(), tc.max, v), "budget %d, MaxTxBytes %d", tc.budget, tc.max)
	}
}

// TestFinalizeReusesProposal: FinalizeBlock of a block ProcessProposal
// accepted reuses its outcome, and returns what a validator that did not
// see the proposal returns.
func TestFinalizeReusesProposal(t *testing.T) {
	f := newProposalFixture(t)
	c, v := f.c, f.valid
	// finalize finalizes block (under hash) on the warm and the cold
	// application, checks that they answer the same, and that the warm
	// one reused a proposal (it read less) or ran the block (it read as
	// much).
	finalize := func(block [][]byte, hash []byte, reused bool) {
		t.Helper()
		f.warmDB.gets, f.coldDB.gets = 0, 0
		req := &abci.RequestFinalizeBlock{Height: f.next(), Hash: hash, Txs: block}
		warm := must(f.warm.FinalizeBlock(ctx, req))
		cold := must(f.cold.FinalizeBlock(ctx, req))
		require.Equal(t, cold, warm, "FinalizeBlock with and without ProcessProposal")
		if reused {
			require.Less(t, f.warmDB.gets, f.coldDB.gets, "the proposal's outcome is reused")
		} else {
			require.Equal(t, f.coldDB.gets, f.warmDB.gets, "the block is run")
		}
	}
	block, other := v, [][]byte{v[0], v[2]}
	hash, otherHash := blockHash(f.next(), block), blockHash(f.next(), other)

	// Reused.
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), block))
	finalize(block, hash, true)
	// Another block of the height finalized: run.
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), block))
	finalize(other, otherHash, false)
	// The same transactions under another hash, and the same hash with
	// other transactions: run.
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), block))
	finalize(block, otherHash, false)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), block))
	finalize(other, hash, false)
	// Two rounds' proposals: either may be decided.
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), block))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(t, f.warm, f.next(), other))
	finalize(block, hash, true)
	// A proposal is used once: finalizing the block again runs it.
	finalize(block, hash, false)

	// A rejected block, decided all the same, is run with its refused
	// transaction recorded.
	bad := [][]byte{v[0], v[0]}
	require.Equal(t, abci.ResponseProcessProposal_REJECT, process(t, f.warm, f.next(), bad))
	finalize(bad, blockHash(f.next(), bad), false)

	// Committed on every application: the next height goes on in step.
	rs, h := c.block(block...)
	require.Equal(t, []uint32{0, 0, 0, 0}, codes(rs))
	for _, a := range c.apps {
		height, hash := a.LastCommitted()
		require.Equal(t, c.height, height)
		require.Equal(t, h, hash)
	}
	// What the block did is refused in the next: ProcessProposal and
	// PrepareProposal run against the new committed state.
	require.Equal(t, abci.ResponseProcessProposal_REJECT, process(t, f.warm, f.next(), v[:1]))
	require.Empty(t, prepare(t, f.warm, f.next(), 1<<20, v))
	for _, tx := range v {
		res := must(f.warm.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_Recheck}))
		require.NotEqual(t, app.CodeOK, res.Code, "a recheck sees the new committed state")
	}
}

// TestProposalErrors: a failure of the store is an error, not a smaller
// block or a rejection; so are a height other than the next, a nil
// request and a closed application.
func TestProposalErrors(t *testing.T) {
	f := newProposalFixture(t)
	c := f.c
	db := &failingDB{DB: dbm.NewMemDB()}
	a := must(app.New(db))
	_, err := a.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: c.genesis})
	require.NoError(t, err)
	ev := c.event(c.terms("e", 1))
	db.fail = true
	_, err = a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: 1, MaxTxBytes: 1 << 20, Txs: [][]byte{ev.Bytes()}})
	require.ErrorIs(t, err, ledger.ErrStore)
	_, err = a.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1, Txs: [][]byte{ev.Bytes()}})
	require.ErrorIs(t, err, ledger.ErrStore)
	db.fail = false
	res, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1, Txs: [][]byte{ev.Bytes()}})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, res.Status)

	for _, h := range []int64{0, f.next() - 1, f.next() + 1} {
		_, err = f.warm.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: h, MaxTxBytes: 1 << 20})
		require.Error(t, err, "height %d", h)
		_, err = f.warm.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: h})
		require.Error(t, err, "height %d", h)
	}
	_, err = f.warm.PrepareProposal(ctx, nil)
	require.Error(t, err)
	_, err = f.warm.ProcessProposal(ctx, nil)
	require.Error(t, err)
	require.NoError(t, a.Close())
	_, err = a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: 1})
	require.Error(t, err)
	_, err = a.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1})
	require.Error(t, err)

	// Before the genesis, any transaction is refused and an empty block
	// accepted.
	b := must(app.New(dbm.NewMemDB()))
	require.Empty(t, must(b.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: 1, MaxTxBytes: 1 << 20, Txs: [][]byte{ev.Bytes()}})).Txs)
	require.Equal(t, abci.ResponseProcessProposal_REJECT, must(b.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1, Txs: [][]byte{ev.Bytes()}})).Status)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, must(b.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1})).Status)
}

// benchBuys returns a database whose state has one published event, of
// capacity n, and n Buys of it by distinct users, each a transaction for
// the next block.
func benchBuys(b *testing.B, n int) (dbm.DB, [][]byte) {
	b.Helper()
	registrar, mkey := must(ecdsa.GenerateKey(nil)), must(ecdsa.GenerateKey(nil))
	g := app.NewGenesis(registrar.PublicKey(), []*ecdsa.PublicKey{mkey.PublicKey()}, 100)
	genesis := must(g.JSON())
	merchant := must(ticket.NewMerchant(mkey, registrar.PublicKey(), must(g.Verifier()).Policy))
	now := time.Now().Add(-time.Hour).UTC()
	start := now.Add(30 * 24 * time.Hour)
	ev := must(ticket.NewEvent(mkey, ticket.EventTerms{ID: "concert", Capacity: uint32(n), FaceValue: 4500,
		SaleStart: now.Add(-2 * time.Hour), SaleEnd: start, Start: start, End: start.Add(4 * time.Hour)}))
	txs := make([][]byte, n)
	for i := range txs {
		k := must(ecdsa.GenerateKey(nil))
		cert := must(ticket.IssueCertificate(registrar, fmt.Sprintf("user-%d", i), k.PublicKey(), k.PublicKey().Address(ecdsa.DefaultAddressVersion)))
		req := must(ticket.NewBuyRequest(k, cert, mkey.PublicKey(), "concert", fmt.Sprint(i), 4500, now))
		_, rec, err := merchant.Buy(req, ticket.Facts{Event: ev}, now.Add(time.Second))
		if err != nil {
			b.Fatal(err)
		}
		txs[i] = rec.Bytes()
	}
	db := dbm.NewMemDB()
	a := must(app.New(db))
	must(a.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: genesis}))
	must(a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Txs: [][]byte{ev.Bytes()}}))
	must(a.Commit(ctx, &abci.RequestCommit{}))
	return db, txs
}

// BenchmarkBlock times a block of 200 Buys of distinct users through
// ProcessProposal and FinalizeBlock: cold, on a validator that verifies
// every signature in the block; warm, after CheckTx of each (the
// mempool's check), whose signatures the block's checks find cached; and
// catch-up, FinalizeBlock alone, cold. Besides wall time it reports the
// process's CPU time per block (cpu-ns/op, every thread counted), which a
// loaded machine does not inflate.
func BenchmarkBlock(b *testing.B) {
	const n = 200
	db, txs := benchBuys(b, n)
	hash := blockHash(2, txs)

	for _, mode := range []string{"cold", "warm", "catch-up"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				a := must(app.New(db)) // a validator with nothing cached
				if mode == "warm" {
					for _, tx := range txs {
						if res := must(a.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx})); res.Code != app.CodeOK {
							b.Fatal(res.Log)
						}
					}
				}
				b.StartTimer()
				c0 := testkit.CPUTime()
				if mode != "catch-up" {
					res := must(a.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 2, Hash: hash, Txs: txs}))
					if res.Status != abci.ResponseProcessProposal_ACCEPT {
						b.Fatal("rejected")
					}
				}
				res := must(a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 2, Hash: hash, Txs: txs}))
				cpu += testkit.CPUTime() - c0
				for _, r := range res.TxResults {
					if r.Code != app.CodeOK {
						b.Fatal(r.Log)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/tx")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "cpu-ns/tx")
			}
		})
	}
}

// BenchmarkCheckTx times CheckTx of 200 Buys of distinct users: cold, on
// a validator that has seen none of them, the mempool's first check,
// which verifies every signature; recheck, the mempool's check of each
// again after a commit (CheckTxType_Recheck), which finds them checked.
// It reports the process's CPU time per transaction (cpu-ns/tx) as
// BenchmarkBlock does.
func BenchmarkCheckTx(b *testing.B) {
	const n = 200
	db, txs := benchBuys(b, n)
	for _, mode := range []string{"cold", "recheck"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				a := must(app.New(db))
				typ := abci.CheckTxType_New
				if mode == "recheck" {
					for _, tx := range txs {
						must(a.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx}))
					}
					typ = abci.CheckTxType_Recheck
				}
				b.StartTimer()
				c0 := testkit.CPUTime()
				for _, tx := range txs {
					if res := must(a.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx, Type: typ})); res.Code != app.CodeOK {
						b.Fatal(res.Log)
					}
				}
				cpu += testkit.CPUTime() - c0
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/tx")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "cpu-ns/tx")
			}
		})
	}
}
