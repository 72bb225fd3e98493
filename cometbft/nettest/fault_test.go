package nettest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/load"
)

// seed is the seed of the tests' keys.
const seed = 16

// cbetsState returns the parties of the tests and their genesis app state.
func cbetsState(t *testing.T) (*load.Parties, []byte) {
	t.Helper()
	p, err := load.NewParties(seed)
	require.NoError(t, err)
	state, err := p.AppState()
	require.NoError(t, err)
	return p, state
}

// startNetwork writes and starts a 4-validator network of app (empty:
// cbets) and waits until every validator committed a block. A validator
// that exits at once (another process took a port between the search and
// the bind) makes it try again on other ports, twice at most. When the
// test fails, the end of every validator's log is printed.
func startNetwork(t *testing.T, ctx context.Context, appName string, state []byte) *Network {
	t.Helper()
	for attempt := 1; ; attempt++ {
		n, err := New(ctx, Config{Binary: binary, Dir: t.TempDir(), Validators: 4, AppState: state, App: appName})
		require.NoError(t, err)
		err = n.Start()
		if err == nil {
			err = n.WaitHeight(ctx, 1)
		}
		if err != nil && attempt < 3 && strings.Contains(err.Error(), "exited") {
			t.Logf("a validator exited at start (base port %d), trying other ports: %v\n%s", n.BasePort(), err, n.Tails(5))
			require.NoError(t, n.Kill())
			continue
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("validators' logs (base port %d):\n%s", n.BasePort(), n.Tails(40))
			}
			if err := n.Close(); err != nil {
				t.Errorf("closing the network: %v", err)
			}
		})
		require.NoError(t, err)
		return n
	}
}

// clients returns an RPC client of every validator, as load nodes.
func clients(t *testing.T, n *Network) []load.Node {
	t.Helper()
	var out []load.Node
	for _, nd := range n.Nodes {
		c, err := nd.Client()
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

// loadUntil runs a load of w on n in the background until it has
// committed at least want transactions, and returns what it measured.
func loadUntil(t *testing.T, ctx context.Context, n *Network, cfg load.Config, w *load.Workload, want int) *load.Result {
	t.Helper()
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	cfg.Nodes, cfg.Duration = clients(t, n), 10*time.Minute
	cfg.Progress = func(r *load.Result) {
		if r.Committed >= want {
			stop()
		}
	}
	res, err := load.Run(lctx, cfg, w)
	require.NoError(t, err)
	t.Logf("load: %v", res)
	require.GreaterOrEqual(t, res.Committed, want, "committed by the load")
	return res
}

// wallTime logs the test's wall time when it ends.
func wallTime(t *testing.T) {
	start := time.Now()
	t.Cleanup(func() { t.Logf("wall time %v", time.Since(start).Round(time.Millisecond)) })
}

// unsold is a serial no chain of a workload sells.
const unsold = "never-sold"

// ticketAnswers asks every validator for the tickets of chains (all must
// agree) and returns the answers by serial. A ticket whose chain was seen
// to commit k records has at least k (a record in flight when the load
// stopped commits later); a serial never sold is unknown everywhere.
func ticketAnswers(t *testing.T, ctx context.Context, n *Network, chains []load.Chain, progress []int) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ask := func(event, serial string) (uint32, []byte) {
		q, err := json.Marshal(app.TicketQuery{Event: event, Serial: serial})
		require.NoError(t, err)
		code, value, err := n.Query(ctx, app.PathTicket, q)
		require.NoError(t, err)
		return code, value
	}
	for i, c := range chains {
		code, value := ask(c.Event, c.Serial)
		out[c.Serial] = value
		if progress[i] == 0 && code != app.CodeOK {
			continue
		}
		require.Equal(t, app.CodeOK, code, "ticket %s: %s", c.Serial, value)
		var view struct {
			Records []json.RawMessage `json:"records"`
		}
		require.NoError(t, json.Unmarshal(value, &view))
		if k := len(view.Records); k < progress[i] || k > len(c.Txs) {
			t.Fatalf("ticket %s has %d records; %d were seen committed, the chain has %d", c.Serial, k, progress[i], len(c.Txs))
		}
	}
	if len(chains) > 0 {
		code, _ := ask(chains[0].Event, unsold)
		require.Equal(t, app.CodeNotFound, code, "a serial never sold")
	}
	return out
}

// sample returns up to per chains of each progress 0 … 3, with their
// progress.
func sample(chains []load.Chain, progress []int, per int) ([]load.Chain, []int) {
	var cs []load.Chain
	var ps []int
	count := map[int]int{}
	for i, c := range chains {
		k := progress[i]
		if count[k] < per {
			count[k]++
			cs, ps = append(cs, c), append(ps, k)
		}
	}
	return cs, ps
}

// TestKillRestart kills one validator with SIGKILL while a load runs,
// keeps loading while the other three commit blocks, restarts it from its
// home: it catches up, and the four agree on the app hash at a common
// height, on the app hash at a height it missed, and on the tickets.
func TestKillRestart(t *testing.T) {
	wallTime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p, state := cbetsState(t)
	n := startNetwork(t, ctx, "", state)

	w, err := p.Workload(load.CbetsOptions{Event: "kill-restart", Tickets: sized(600, 1500, 6000), Now: time.Now()})
	require.NoError(t, err)
	var committed atomic.Int64
	lctx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	type outcome struct {
		res *load.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := load.Run(lctx, load.Config{Nodes: clients(t, n), Workers: 4, MaxPending: 200, Duration: 10 * time.Minute,
			Resubmit: 3 * time.Second, Progress: func(r *load.Result) { committed.Store(int64(r.Committed)) }}, w)
		done <- outcome{res, err}
	}()
	waitCommitted := func(atLeast int64) {
		t.Helper()
		for committed.Load() < atLeast {
			select {
			case o := <-done:
				t.Fatalf("the load ended early: %v %v", o.res, o.err)
			case <-ctx.Done():
				t.Fatalf("the load committed %d transactions, want %d: %v", committed.Load(), atLeast, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	waitCommitted(20)

	victim := n.Nodes[3]
	st, err := victim.Status(ctx)
	require.NoError(t, err)
	killedAt := st.SyncInfo.LatestBlockHeight
	require.NoError(t, victim.Kill())
	before := committed.Load()
	down := int64(sized(2, 4, 12))
	h, err := n.Nodes[0].WaitHeight(ctx, killedAt+down)
	require.NoError(t, err)
	waitCommitted(before + 10) // the three go on committing the load
	t.Logf("node 3 killed at height %d; the others went on to %d", killedAt, h)

	restart := time.Now()
	require.NoError(t, victim.Start())
	target := n.MaxHeight(ctx)
	caught, err := victim.WaitHeight(ctx, target)
	require.NoError(t, err)
	t.Logf("node 3 restarted and caught up to height %d in %v", caught, time.Since(restart).Round(time.Millisecond))
	_, err = n.Nodes[0].WaitHeight(ctx, caught+1)
	require.NoError(t, err)

	stopLoad()
	o := <-done
	require.NoError(t, o.err)
	t.Logf("load: %v", o.res)
	require.Zero(t, o.res.FailedInBlock)

	require.NoError(t, n.WaitIdle(ctx))
	a, err := n.Agree(ctx, caught)
	require.NoError(t, err)
	t.Logf("the four agree at height %d: app hash %X", a.Height, a.AppHash)
	// The app hash after a block node 3 missed is the same on all four: it
	// replayed the block rather than skipping it.
	missed := killedAt + 1
	want, err := n.Nodes[0].AppHashAt(ctx, missed)
	require.NoError(t, err)
	for _, nd := range n.Nodes[1:] {
		got, err := nd.AppHashAt(ctx, missed)
		require.NoError(t, err)
		require.Equal(t, want, got, "app hash after height %d on node %d", missed, nd.Index)
	}
	cs, ps := sample(w.Chains, o.res.Progress, 3)
	ticketAnswers(t, ctx, n, cs, ps)
}

// TestFullRestart loads a network for a few seconds, then stops all four
// validators — with SIGTERM, then with SIGKILL — and starts them again
// from disk: each resumes at its height or later, the app hash after the
// last height they agreed on before is the one every header names, the
// tickets read the same, and the network goes on, transactions included.
func TestFullRestart(t *testing.T) {
	wallTime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p, state := cbetsState(t)
	n := startNetwork(t, ctx, "", state)

	w, err := p.Workload(load.CbetsOptions{Event: "full-restart", Tickets: sized(300, 600, 3000), Now: time.Now()})
	require.NoError(t, err)
	res := loadUntil(t, ctx, n, load.Config{MaxPending: 400}, w, sized(100, 300, 3000))
	require.Zero(t, res.Refused)
	require.Zero(t, res.FailedInBlock)

	require.NoError(t, n.WaitIdle(ctx))
	a, err := n.Agree(ctx, 0)
	require.NoError(t, err)
	cs, ps := sample(w.Chains, res.Progress, 3)
	answers := ticketAnswers(t, ctx, n, cs, ps)

	for _, tc := range []struct {
		name string
		stop func() error
	}{
		{"SIGTERM", func() error { return n.Stop(30 * time.Second) }},
		{"SIGKILL", n.Kill},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wallTime(t)
			heights := make([]int64, len(n.Nodes))
			for i, nd := range n.Nodes {
				st, err := nd.Status(ctx)
				require.NoError(t, err)
				heights[i] = st.SyncInfo.LatestBlockHeight
			}
			require.NoError(t, tc.stop())
			top := int64(0)
			for i, nd := range n.Nodes {
				require.False(t, nd.Running())
				top = max(top, heights[i])
			}
			require.NoError(t, n.Start())
			for i, nd := range n.Nodes {
				_, err := nd.WaitHeight(ctx, 0)
				require.NoError(t, err)
				c, err := nd.Client()
				require.NoError(t, err)
				info, err := c.ABCIInfo(ctx)
				require.NoError(t, err)
				require.GreaterOrEqual(t, info.Response.LastBlockHeight, heights[i], "node %d resumed below its height", i)
			}
			// Progress: new blocks past the highest height before the stop.
			require.NoError(t, n.WaitHeight(ctx, top+2))
			for _, nd := range n.Nodes {
				got, err := nd.AppHashAt(ctx, a.Height)
				require.NoError(t, err)
				require.Equal(t, a.AppHash, got, "app hash after height %d on node %d", a.Height, nd.Index)
			}
			again, err := n.Agree(ctx, top)
			require.NoError(t, err)
			require.Equal(t, a.AppHash, again.AppHash, "no transaction since: the same state")
			if got := ticketAnswers(t, ctx, n, cs, ps); !reflect.DeepEqual(answers, got) {
				t.Fatalf("the tickets read otherwise after the restart:\nbefore %s\nafter  %s", answers, got)
			}
			t.Logf("restarted from heights %v; agree at %d, app hash %X", heights, again.Height, again.AppHash)
		})
	}

	// Transactions commit after the restarts.
	w2, err := p.Workload(load.CbetsOptions{Event: "after-restart", Tickets: 100, Now: time.Now()})
	require.NoError(t, err)
	loadUntil(t, ctx, n, load.Config{}, w2, 20)
}

// TestLoadKVStore runs the load generator's baseline, kvstore with
// transactions the sizes of the cbets ones, against real processes.
func TestLoadKVStore(t *testing.T) {
	wallTime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, state := cbetsState(t)
	n := startNetwork(t, ctx, "kvstore", state)
	like, err := p.Workload(load.CbetsOptions{Event: "sizes", Tickets: 8, Now: time.Now()})
	require.NoError(t, err)
	w, err := load.KVStoreWorkload(like, sized(500, 1000, 5000), fmt.Sprintf("kv-%d", time.Now().UnixNano()))
	require.NoError(t, err)
	res := loadUntil(t, ctx, n, load.Config{MaxPending: 1000}, w, sized(300, 1000, 10000))
	require.Zero(t, res.Refused)
	require.Zero(t, res.FailedInBlock)
}
