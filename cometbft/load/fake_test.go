package load

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"
)

// fakeChain is a node whose mempool and blocks the test scripts: every
// 20 ms it commits what its mempool holds.
type fakeChain struct {
	mu      sync.Mutex
	mempool []types.Tx
	seen    map[string]bool // in the mempool or committed: "in cache"
	blocks  []types.Txs
	// full answers that many broadcasts "mempool is full".
	full int
	// refuse answers CheckTx code 25 to a transaction that many times.
	refuse map[string]int
	// lose accepts a transaction once without keeping it (a node that
	// died with it in its mempool).
	lose map[string]bool
	// failInBlock commits a transaction with code 1.
	failInBlock map[string]bool
	// down fails every call.
	down bool
}

var errDown = errors.New("connection refused")

func newFakeChain(ctx context.Context) *fakeChain {
	c := &fakeChain{seen: map[string]bool{}, refuse: map[string]int{}, lose: map[string]bool{}, failInBlock: map[string]bool{}}
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.mu.Lock()
				c.blocks = append(c.blocks, c.mempool)
				c.mempool = nil
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *fakeChain) BroadcastTxSync(_ context.Context, tx types.Tx) (*ctypes.ResultBroadcastTx, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch k := string(tx); {
	case c.down:
		return nil, errDown
	case c.full > 0:
		c.full--
		return nil, errors.New("mempool is full: number of txs 5000 (max: 5000)")
	case c.refuse[k] > 0:
		c.refuse[k]--
		return &ctypes.ResultBroadcastTx{Code: 25, Log: "stale"}, nil
	case c.seen[k]:
		return nil, errors.New("tx already exists in cache")
	case c.lose[k]:
		delete(c.lose, k)
		return &ctypes.ResultBroadcastTx{}, nil
	}
	c.seen[string(tx)] = true
	c.mempool = append(c.mempool, tx)
	return &ctypes.ResultBroadcastTx{}, nil
}

func (c *fakeChain) Status(context.Context) (*ctypes.ResultStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return nil, errDown
	}
	return &ctypes.ResultStatus{SyncInfo: ctypes.SyncInfo{LatestBlockHeight: int64(len(c.blocks))}}, nil
}

func (c *fakeChain) block(h *int64) (types.Txs, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down || h == nil || *h < 1 || *h > int64(len(c.blocks)) {
		return nil, errDown
	}
	return c.blocks[*h-1], nil
}

func (c *fakeChain) Block(_ context.Context, h *int64) (*ctypes.ResultBlock, error) {
	txs, err := c.block(h)
	if err != nil {
		return nil, err
	}
	return &ctypes.ResultBlock{Block: &types.Block{Header: types.Header{Height: *h}, Data: types.Data{Txs: txs}}}, nil
}

func (c *fakeChain) BlockResults(_ context.Context, h *int64) (*ctypes.ResultBlockResults, error) {
	txs, err := c.block(h)
	if err != nil {
		return nil, err
	}
	res := &ctypes.ResultBlockResults{Height: *h}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tx := range txs {
		r := &abci.ExecTxResult{}
		if c.failInBlock[string(tx)] {
			r.Code = 1
		}
		res.TxsResults = append(res.TxsResults, r)
	}
	return res, nil
}

// fakeWorkload has n chains of three transactions.
func fakeWorkload(n int) *Workload {
	w := &Workload{App: "fake", Setup: []Tx{{Bytes: []byte("setup"), Kind: KindEvent}}}
	for i := range n {
		c := Chain{Event: "e", Serial: fmt.Sprint(i)}
		for j, kind := range []string{KindBuy, KindList, KindTransfer} {
			c.Txs = append(c.Txs, Tx{Bytes: fmt.Appendf(nil, "%d/%d", i, j), Kind: kind})
		}
		w.Chains = append(w.Chains, c)
	}
	return w
}

// TestRunHandlesTheNodes drives Run against scripted nodes: a full
// mempool is waited out, a follow-up refused a few times is tried again,
// a transaction a node lost is broadcast again, one committed with a
// non-zero code ends its chain, a dead node's share goes to the others,
// and every other chain commits in order.
func TestRunHandlesTheNodes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b, dead := newFakeChain(ctx), newFakeChain(ctx), newFakeChain(ctx)
	dead.down = true
	a.full, b.full = 5, 5
	// Transactions go to a and b in turn; whichever gets one keeps it.
	for _, c := range []*fakeChain{a, b} {
		c.refuse["1/1"] = 3
		c.lose["2/0"] = true
		c.failInBlock["3/1"] = true
	}
	// a and b are one chain: what one commits, the other's blocks hold.
	shared := &sharedChain{a: a, b: b}
	w := fakeWorkload(6)
	res, err := Run(ctx, Config{Nodes: []Node{shared.node(a), dead, shared.node(b)}, Workers: 3, Duration: 2 * time.Second,
		Resubmit: 300 * time.Millisecond, Poll: 5 * time.Millisecond}, w)
	require.NoError(t, err)
	t.Log(res)
	require.Positive(t, res.MempoolFull)
	require.Positive(t, res.CheckRetries)
	require.Positive(t, res.Resubmitted)
	require.Positive(t, res.NodeErrors)
	require.Equal(t, 1, res.FailedInBlock)
	require.Zero(t, res.Refused)
	require.True(t, res.Exhausted)
	require.Equal(t, []int{3, 3, 3, 1, 3, 3}, res.Progress)
	require.Equal(t, 16, res.Committed)
	require.Equal(t, map[string]int{KindBuy: 6, KindList: 5, KindTransfer: 5}, res.PerKind)
}

// TestRunGivesUpARefusedTransaction: a buy CheckTx keeps refusing is
// given up, and its chain with it.
func TestRunGivesUpARefusedTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the retries (2 s)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newFakeChain(ctx)
	c.refuse["0/0"] = 1 << 30
	res, err := Run(ctx, Config{Nodes: []Node{c}, Workers: 2, Duration: 3 * time.Second, Poll: 5 * time.Millisecond}, fakeWorkload(2))
	require.NoError(t, err)
	require.Equal(t, 1, res.Refused)
	require.Equal(t, maxCheckRetries, res.CheckRetries)
	require.Equal(t, []int{0, 3}, res.Progress)
}

// sharedChain makes two fake nodes one network: a block is the union of
// both mempools, so each reports every committed transaction.
type sharedChain struct{ a, b *fakeChain }

func (s *sharedChain) node(c *fakeChain) Node { return &sharedNode{fakeChain: c, s: s} }

type sharedNode struct {
	*fakeChain
	s *sharedChain
}

// Status, Block and BlockResults answer from a's blocks and b's merged:
// block h holds both nodes' block h.
func (n *sharedNode) Status(ctx context.Context) (*ctypes.ResultStatus, error) {
	sa, err := n.s.a.Status(ctx)
	if err != nil {
		return nil, err
	}
	sb, err := n.s.b.Status(ctx)
	if err != nil {
		return nil, err
	}
	sa.SyncInfo.LatestBlockHeight = min(sa.SyncInfo.LatestBlockHeight, sb.SyncInfo.LatestBlockHeight)
	return sa, nil
}

func (n *sharedNode) Block(ctx context.Context, h *int64) (*ctypes.ResultBlock, error) {
	ra, err := n.s.a.Block(ctx, h)
	if err != nil {
		return nil, err
	}
	rb, err := n.s.b.Block(ctx, h)
	if err != nil {
		return nil, err
	}
	ra.Block.Data.Txs = append(append(types.Txs{}, ra.Block.Data.Txs...), rb.Block.Data.Txs...)
	return ra, nil
}

func (n *sharedNode) BlockResults(ctx context.Context, h *int64) (*ctypes.ResultBlockResults, error) {
	ra, err := n.s.a.BlockResults(ctx, h)
	if err != nil {
		return nil, err
	}
	rb, err := n.s.b.BlockResults(ctx, h)
	if err != nil {
		return nil, err
	}
	ra.TxsResults = append(append([]*abci.ExecTxResult{}, ra.TxsResults...), rb.TxsResults...)
	return ra, nil
}

func TestQueue(t *testing.T) {
	q := newQueue()
	ctx, cancel := context.WithCancel(context.Background())
	require.Nil(t, q.pop(ctx, false))
	a, b := &pendingTx{chain: 1}, &pendingTx{chain: 2}
	q.push(a)
	q.push(b)
	require.Same(t, a, q.pop(ctx, true))
	require.Same(t, b, q.pop(ctx, true))
	go func() {
		time.Sleep(10 * time.Millisecond)
		q.push(a)
	}()
	require.Same(t, a, q.pop(ctx, true), "a waiting pop wakes on a push")
	cancel()
	require.Nil(t, q.pop(ctx, true), "a done context ends the wait")
}
