package load

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/localnet"
)

// fixedNow is the clock of the workloads whose bytes the tests pin.
var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestKeyIsFixed(t *testing.T) {
	k, err := Key(1, "registrar")
	require.NoError(t, err)
	// The derivation must not change by accident: a genesis written by one
	// version names the keys of the next.
	require.Equal(t, "7ad34008cdb8d3e641d17b44e0913616c618a77b65036294868e1f62ecbfce31", hex.EncodeToString(k.Bytes()))
	again, err := Key(1, "registrar")
	require.NoError(t, err)
	require.True(t, k.Equal(again))
	other, err := Key(2, "registrar")
	require.NoError(t, err)
	require.False(t, k.Equal(other))
	other, err = Key(1, "merchant")
	require.NoError(t, err)
	require.False(t, k.Equal(other))
}

func TestAppStateParses(t *testing.T) {
	p, err := NewParties(7)
	require.NoError(t, err)
	b, err := p.AppState()
	require.NoError(t, err)
	g, err := app.ParseGenesis(b)
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(p.Registrar.PublicKey().Bytes()), g.Registrar)
	require.Equal(t, []string{hex.EncodeToString(p.Merchant.PublicKey().Bytes())}, g.Merchants)
	require.Equal(t, int64(InitialReputation), g.InitialStanding.Reputation)
}

func TestWorkloadOptions(t *testing.T) {
	p, err := NewParties(1)
	require.NoError(t, err)
	good := CbetsOptions{Event: "ev", Tickets: 2, Now: fixedNow}
	for _, tc := range []struct {
		name string
		p    *Parties
		edit func(*CbetsOptions)
	}{
		{"nil parties", nil, func(*CbetsOptions) {}},
		{"zero parties", &Parties{}, func(*CbetsOptions) {}},
		{"no event", p, func(o *CbetsOptions) { o.Event = "" }},
		{"long event", p, func(o *CbetsOptions) { o.Event = string(bytes.Repeat([]byte("e"), 41)) }},
		{"no tickets", p, func(o *CbetsOptions) { o.Tickets = 0 }},
		{"too many tickets", p, func(o *CbetsOptions) { o.Tickets = 1<<24 + 1 }},
		{"no clock", p, func(o *CbetsOptions) { o.Now = time.Time{} }},
		{"negative parallel", p, func(o *CbetsOptions) { o.Parallel = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			_, err := tc.p.Workload(o)
			require.ErrorIs(t, err, ErrOptions)
		})
	}
	w, err := p.Workload(good)
	require.NoError(t, err)
	require.Len(t, w.Chains, 2)
	for _, tc := range []struct {
		name   string
		like   *Workload
		chains int
		tag    string
	}{
		{"nil workload", nil, 1, "t"},
		{"empty workload", &Workload{}, 1, "t"},
		{"no chains", w, 0, "t"},
		{"too many chains", w, 1<<24 + 1, "t"},
		{"no tag", w, 1, ""},
		{"too small", &Workload{Chains: []Chain{{Txs: []Tx{{Bytes: []byte("x")}}}}}, 1, "t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := KVStoreWorkload(tc.like, tc.chains, tc.tag)
			require.ErrorIs(t, err, ErrOptions)
		})
	}
}

// TestWorkloadCommits runs a workload through the application itself, as
// every validator does: the event in one block, then every buy, every
// listing and every transfer, each kind in a block of its own. All commit
// with code 0, so the facts the records were made with are the ledger's.
func TestWorkloadCommits(t *testing.T) {
	p, err := NewParties(3)
	require.NoError(t, err)
	const tickets = 20
	w, err := p.Workload(CbetsOptions{Event: "commits", Tickets: tickets, Now: time.Now()})
	require.NoError(t, err)
	require.Equal(t, 3*tickets, w.Transactions())
	serials := map[string]bool{}
	for _, c := range w.Chains {
		require.False(t, serials[c.Serial], "serial %s twice", c.Serial)
		serials[c.Serial] = true
		require.Equal(t, []string{KindBuy, KindList, KindTransfer}, []string{c.Txs[0].Kind, c.Txs[1].Kind, c.Txs[2].Kind})
	}

	state, err := p.AppState()
	require.NoError(t, err)
	a, err := app.New(dbm.NewMemDB())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = a.InitChain(ctx, &abci.RequestInitChain{ChainId: "load", InitialHeight: 1, AppStateBytes: state})
	require.NoError(t, err)
	height := int64(0)
	block := func(txs [][]byte) {
		height++
		res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Txs: txs, Time: time.Now()})
		require.NoError(t, err)
		for i, r := range res.TxResults {
			require.Zero(t, r.Code, "block %d tx %d: %s", height, i, r.Log)
		}
		_, err = a.Commit(ctx, &abci.RequestCommit{})
		require.NoError(t, err)
	}
	block([][]byte{w.Setup[0].Bytes})
	for step := range 3 {
		var txs [][]byte
		for _, c := range w.Chains {
			txs = append(txs, c.Txs[step].Bytes)
		}
		block(txs)
	}
}

func TestWorkloadIsDeterministic(t *testing.T) {
	p, err := NewParties(5)
	require.NoError(t, err)
	opt := CbetsOptions{Event: "fixed", Tickets: 3, Now: fixedNow}
	a, err := p.Workload(opt)
	require.NoError(t, err)
	opt.Parallel = 1
	b, err := p.Workload(opt)
	require.NoError(t, err)
	require.Equal(t, a.Setup, b.Setup)
	// Signatures are deterministic (RFC 6979 nonces), so the bytes are.
	require.Equal(t, a.Chains, b.Chains)
}

func TestKVStoreWorkload(t *testing.T) {
	p, err := NewParties(1)
	require.NoError(t, err)
	like, err := p.Workload(CbetsOptions{Event: "sizes", Tickets: 3, Now: fixedNow})
	require.NoError(t, err)
	w, err := KVStoreWorkload(like, 7, "run-1")
	require.NoError(t, err)
	require.Equal(t, "kvstore", w.App)
	require.Len(t, w.Chains, 7)
	require.Len(t, w.Setup, 1)
	require.Len(t, w.Setup[0].Bytes, len(like.Setup[0].Bytes))
	keys := map[string]bool{}
	check := func(tx Tx, size int, kind string) {
		require.Len(t, tx.Bytes, size)
		require.Equal(t, kind, tx.Kind)
		// kvstore's CheckTx: one '=', not first or last, no ':'.
		require.Equal(t, 1, bytes.Count(tx.Bytes, []byte("=")))
		require.Zero(t, bytes.Count(tx.Bytes, []byte(":")))
		key, _, _ := bytes.Cut(tx.Bytes, []byte("="))
		require.NotEmpty(t, key)
		require.False(t, keys[string(key)], "key %s twice", key)
		keys[string(key)] = true
	}
	for i, c := range w.Chains {
		src := like.Chains[i%len(like.Chains)]
		require.Len(t, c.Txs, len(src.Txs))
		for j, tx := range c.Txs {
			check(tx, len(src.Txs[j].Bytes), src.Txs[j].Kind)
		}
	}
	other, err := KVStoreWorkload(like, 1, "run-2")
	require.NoError(t, err)
	require.NotEqual(t, w.Chains[0].Txs[0].Bytes, other.Chains[0].Txs[0].Bytes, "another tag, other keys")
}

func TestRunOptions(t *testing.T) {
	w := &Workload{Chains: []Chain{{Txs: []Tx{{Bytes: []byte("a=b")}}}}}
	for _, tc := range []struct {
		name string
		cfg  Config
		w    *Workload
	}{
		{"no node", Config{Duration: time.Second}, w},
		{"nil node", Config{Nodes: []Node{nil}, Duration: time.Second}, w},
		{"no duration", Config{Nodes: []Node{deadNode{}}}, w},
		{"negative workers", Config{Nodes: []Node{deadNode{}}, Duration: time.Second, Workers: -1}, w},
		{"negative resubmit", Config{Nodes: []Node{deadNode{}}, Duration: time.Second, Resubmit: -1}, w},
		{"negative poll", Config{Nodes: []Node{deadNode{}}, Duration: time.Second, Poll: -1}, w},
		{"negative setup timeout", Config{Nodes: []Node{deadNode{}}, Duration: time.Second, SetupTimeout: -1}, w},
		{"negative pending bound", Config{Nodes: []Node{deadNode{}}, Duration: time.Second, MaxPending: -1}, w},
		{"nil workload", Config{Nodes: []Node{deadNode{}}, Duration: time.Second}, nil},
		{"empty workload", Config{Nodes: []Node{deadNode{}}, Duration: time.Second}, &Workload{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.cfg, tc.w)
			require.ErrorIs(t, err, ErrOptions)
		})
	}
	_, err := Run(context.Background(), Config{Nodes: []Node{deadNode{}}, Duration: time.Second}, w)
	require.ErrorIs(t, err, errDead)
}

var errDead = errors.New("dead node")

// deadNode answers nothing.
type deadNode struct{ Node }

func (deadNode) Status(context.Context) (*ctypes.ResultStatus, error) { return nil, errDead }

// TestRunInProcess runs a load on four in-process validators until a
// ticket was bought, listed and transferred: the event commits in the
// setup, then the chains, none refused.
func TestRunInProcess(t *testing.T) {
	p, err := NewParties(11)
	require.NoError(t, err)
	state, err := p.AppState()
	require.NoError(t, err)
	net, err := localnet.Start(localnet.Config{Validators: 4, Dir: t.TempDir(), AppState: state})
	require.NoError(t, err)
	defer net.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, _, err = net.WaitAgree(ctx, 0)
	require.NoError(t, err)

	w, err := p.Workload(CbetsOptions{Event: "in-process", Tickets: 100, Now: time.Now()})
	require.NoError(t, err)
	var nodes []Node
	for _, v := range net.Validators() {
		nodes = append(nodes, v.Client())
	}
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	res, err := Run(lctx, Config{Nodes: nodes, Duration: time.Minute, Workers: 4, MaxPending: 40,
		Progress: func(r *Result) {
			if r.PerKind[KindTransfer] > 0 {
				stop()
			}
		}}, w)
	require.NoError(t, err)
	t.Log(res)
	require.Positive(t, res.PerKind[KindBuy])
	require.Positive(t, res.PerKind[KindList], "a listing follows a committed buy")
	require.Positive(t, res.PerKind[KindTransfer], "a transfer follows a committed listing")
	require.Zero(t, res.Refused)
	require.Zero(t, res.FailedInBlock)
	require.Positive(t, res.Rate)
	require.LessOrEqual(t, res.P50Ms, res.P99Ms)
	require.LessOrEqual(t, res.P99Ms, res.MaxMs)
	require.LessOrEqual(t, res.Committed, w.Transactions())
	for _, n := range res.Progress {
		require.LessOrEqual(t, n, 3)
	}
	require.Contains(t, res.String(), "committed")

	// A setup the ledger refuses fails the run: another publication of
	// the event's id.
	again, err := p.Workload(CbetsOptions{Event: "in-process", Tickets: 1, Now: time.Now().Add(time.Second)})
	require.NoError(t, err)
	_, err = Run(ctx, Config{Nodes: nodes, Duration: time.Second}, again)
	require.ErrorIs(t, err, ErrSetup)
	require.ErrorContains(t, err, "CheckTx refused")
	// The same transaction again is in the mempools' caches and never
	// commits again: the setup times out.
	_, err = Run(ctx, Config{Nodes: nodes, Duration: time.Second, SetupTimeout: time.Second}, w)
	require.ErrorIs(t, err, ErrSetup)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
