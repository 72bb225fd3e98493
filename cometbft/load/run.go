package load

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
)

// Node is what the load needs of a node: CometBFT's RPC clients, HTTP
// (rpc/client/http) and in-process (rpc/client/local), have it.
type Node interface {
	BroadcastTxSync(ctx context.Context, tx types.Tx) (*ctypes.ResultBroadcastTx, error)
	Status(ctx context.Context) (*ctypes.ResultStatus, error)
	Block(ctx context.Context, height *int64) (*ctypes.ResultBlock, error)
	BlockResults(ctx context.Context, height *int64) (*ctypes.ResultBlockResults, error)
}

// Config says how a load runs.
type Config struct {
	// Nodes receive the transactions in turn; the first one that answers
	// is followed for committed blocks.
	Nodes []Node
	// Workers is how many goroutines broadcast at once; 0 means 8 per
	// node.
	Workers int
	// Duration is the timed window.
	Duration time.Duration
	// Resubmit is how long an accepted transaction may wait for its block
	// before it is broadcast again, through the next node (its first node
	// may have died with it in its mempool); 0 means 15 s.
	Resubmit time.Duration
	// Poll is the pause between looks for new blocks; 0 means 20 ms.
	Poll time.Duration
	// SetupTimeout bounds the wait for the setup to commit; 0 means 60 s.
	SetupTimeout time.Duration
	// MaxPending, when positive, bounds the transactions broadcast and not
	// yet committed: no chain starts while as many are on their way. Zero
	// sets no bound but the nodes' mempools.
	MaxPending int
	// Progress, when not nil, is called about once a second during the
	// window with the result so far.
	Progress func(*Result)
}

// Result is what a run measured. Times are from the start of the
// broadcast_tx_sync call that the node accepted to the moment the
// follower saw the transaction in a committed block with code 0; the rate
// counts the transactions committed in the window over its length.
type Result struct {
	App     string `json:"app"`
	Nodes   int    `json:"nodes"`
	Workers int    `json:"workers"`
	// MaxPending is Config.MaxPending.
	MaxPending int     `json:"max_pending,omitempty"`
	Seconds    float64 `json:"seconds"`
	Tickets    int     `json:"tickets_prepared"`
	Prepared   int     `json:"transactions_prepared"`
	// Committed counts the chains' transactions committed in the window
	// with code 0, per kind in PerKind.
	Committed int            `json:"committed"`
	PerKind   map[string]int `json:"committed_per_kind"`
	Rate      float64        `json:"committed_per_second"`
	P50Ms     float64        `json:"p50_ms"`
	P99Ms     float64        `json:"p99_ms"`
	MaxMs     float64        `json:"max_ms"`
	// Broadcasts counts broadcast_tx_sync calls, Accepted those a node
	// took into its mempool.
	Broadcasts int `json:"broadcasts"`
	Accepted   int `json:"accepted"`
	// MempoolFull counts broadcasts refused because a mempool was full
	// (the worker backs off and tries again); CheckRetries those CheckTx
	// refused and that were tried again (a follow-up reaching a node that
	// had not committed its predecessor yet); Resubmitted accepted
	// transactions broadcast again after Resubmit; NodeErrors failed
	// calls.
	MempoolFull  int `json:"mempool_full"`
	CheckRetries int `json:"check_retries"`
	Resubmitted  int `json:"resubmitted"`
	NodeErrors   int `json:"node_errors"`
	// Refused counts transactions given up after CheckTx kept refusing
	// them, FailedInBlock those committed with a non-zero code; their
	// chains stop there.
	Refused       int `json:"refused"`
	FailedInBlock int `json:"failed_in_block"`
	// Blocks is how many blocks were committed in the window, from
	// FirstHeight to LastHeight, with at most MaxBlockTxs transactions.
	Blocks      int   `json:"blocks"`
	FirstHeight int64 `json:"first_height"`
	LastHeight  int64 `json:"last_height"`
	MaxBlockTxs int   `json:"max_block_txs"`
	// Exhausted reports that every chain was started before the window
	// closed: the rate may be the workload's limit, not the network's.
	Exhausted bool `json:"exhausted"`
	// Progress is, per chain, how many of its transactions committed
	// (setup and window alike).
	Progress []int `json:"-"`
	// LoadAverage is the machine's load average when the run ended, when
	// the caller fills it.
	LoadAverage string `json:"load_average,omitempty"`
}

// String is the run's one-line summary.
func (r *Result) String() string {
	var kinds []string
	for _, k := range slices.Sorted(maps.Keys(r.PerKind)) {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, r.PerKind[k]))
	}
	bound := ""
	if r.MaxPending > 0 {
		bound = fmt.Sprintf(" (at most %d pending)", r.MaxPending)
	}
	s := fmt.Sprintf("%s: %d nodes, %d workers%s, %.1fs: %d committed (%s) = %.1f/s, broadcast→commit p50 %.0f ms p99 %.0f ms, %d blocks, max %d txs/block, mempool full %d, refused %d, failed in block %d",
		r.App, r.Nodes, r.Workers, bound, r.Seconds, r.Committed, strings.Join(kinds, ", "), r.Rate, r.P50Ms, r.P99Ms,
		r.Blocks, r.MaxBlockTxs, r.MempoolFull, r.Refused, r.FailedInBlock)
	if r.Exhausted {
		s += ", workload exhausted"
	}
	if r.LoadAverage != "" {
		s += ", load average " + r.LoadAverage
	}
	return s
}

// ErrSetup reports a setup transaction that did not commit with code 0.
var ErrSetup = errors.New("load: setup failed")

// maxCheckRetries bounds how often a transaction CheckTx refused is tried
// again (checkRetryPause apart) before it is given up.
const (
	maxCheckRetries = 40
	checkRetryPause = 50 * time.Millisecond
)

// pendingTx is one transaction on its way.
type pendingTx struct {
	chain, step int // chain -1: setup
	tx          []byte
	hash        [32]byte
	sent        time.Time // start of the first accepted broadcast
	last        time.Time // start of the latest accepted broadcast
	accepted    bool
	retries     int
	done        chan outcome // setup only
}

// outcome is how a setup transaction ended.
type outcome struct {
	inBlock bool
	code    uint32
	log     string
}

// queue holds the transactions ready to be broadcast (again), first in
// first out, without bound.
type queue struct {
	mu     sync.Mutex
	items  []*pendingTx
	signal chan struct{}
}

func newQueue() *queue { return &queue{signal: make(chan struct{}, 1)} }

func (q *queue) push(p *pendingTx) {
	q.mu.Lock()
	q.items = append(q.items, p)
	q.mu.Unlock()
	q.wake()
}

func (q *queue) wake() {
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// pop returns the first item, or nil when there is none and wait is false
// or ctx is done.
func (q *queue) pop(ctx context.Context, wait bool) *pendingTx {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			p := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			more := len(q.items) > 0
			q.mu.Unlock()
			if more {
				q.wake()
			}
			return p
		}
		q.mu.Unlock()
		if !wait {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-q.signal:
		}
	}
}

type runner struct {
	cfg   Config
	w     *Workload
	start time.Time
	end   time.Time

	nextChain atomic.Int64
	nextNode  atomic.Uint64
	ready     *queue
	windowOn  atomic.Bool

	mu        sync.Mutex
	pending   map[[32]byte]*pendingTx
	latencies []time.Duration
	res       Result
}

// Run submits the workload's setup, waits for it to commit, then submits
// the chains through the nodes for cfg.Duration at the highest rate they
// accept: every worker broadcasts (broadcast_tx_sync) the next transaction
// ready — a follow-up whose predecessor committed first, else the next
// chain's first — and backs off while the mempool is full. It returns
// what it measured when the window closes or ctx is done, whichever comes
// first; an error only if it could not run (no node answers, the setup
// failed).
func Run(ctx context.Context, cfg Config, w *Workload) (*Result, error) {
	switch {
	case len(cfg.Nodes) == 0:
		return nil, fmt.Errorf("%w: no node", ErrOptions)
	case slices.Contains(cfg.Nodes, nil):
		return nil, fmt.Errorf("%w: a nil node", ErrOptions)
	case cfg.Duration <= 0:
		return nil, fmt.Errorf("%w: duration %v", ErrOptions, cfg.Duration)
	case cfg.Workers < 0 || cfg.Resubmit < 0 || cfg.Poll < 0 || cfg.SetupTimeout < 0 || cfg.MaxPending < 0:
		return nil, fmt.Errorf("%w: negative workers, resubmit, poll, setup timeout or pending bound", ErrOptions)
	case w == nil || len(w.Chains) == 0:
		return nil, fmt.Errorf("%w: empty workload", ErrOptions)
	}
	if cfg.Workers == 0 {
		cfg.Workers = 8 * len(cfg.Nodes)
	}
	if cfg.Resubmit == 0 {
		cfg.Resubmit = 15 * time.Second
	}
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	if cfg.SetupTimeout == 0 {
		cfg.SetupTimeout = time.Minute
	}
	r := &runner{cfg: cfg, w: w, pending: map[[32]byte]*pendingTx{}, ready: newQueue()}
	r.res = Result{App: w.App, Nodes: len(cfg.Nodes), Workers: cfg.Workers, MaxPending: cfg.MaxPending, Tickets: len(w.Chains),
		Prepared: w.Transactions(), PerKind: map[string]int{}, Progress: make([]int, len(w.Chains))}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	height, err := r.latestHeight(ctx)
	if err != nil {
		return nil, err
	}
	var bg sync.WaitGroup
	defer bg.Wait()
	defer cancel()
	bg.Go(func() { r.follow(ctx, height+1) })

	if err := r.setup(ctx); err != nil {
		return nil, err
	}

	r.mu.Lock()
	r.start = time.Now()
	r.end = r.start.Add(cfg.Duration)
	r.mu.Unlock()
	r.windowOn.Store(true)
	wctx, wcancel := context.WithDeadline(ctx, r.end)
	defer wcancel()
	var workers sync.WaitGroup
	for range cfg.Workers {
		workers.Go(func() { r.work(wctx) })
	}
	bg.Go(func() { r.resubmit(wctx) })
	if cfg.Progress != nil {
		bg.Go(func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-wctx.Done():
					return
				case <-t.C:
					cfg.Progress(r.snapshot(time.Now()))
				}
			}
		})
	}
	<-wctx.Done()
	r.windowOn.Store(false)
	workers.Wait()
	now := time.Now()
	if now.After(r.end) {
		now = r.end
	}
	return r.snapshot(now), nil
}

// snapshot returns the result so far, the window closing at now.
func (r *runner) snapshot(now time.Time) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.res
	res.PerKind = maps.Clone(r.res.PerKind)
	res.Progress = slices.Clone(r.res.Progress)
	res.Seconds = now.Sub(r.start).Seconds()
	if res.Seconds > 0 {
		res.Rate = float64(res.Committed) / res.Seconds
	}
	lat := slices.Clone(r.latencies)
	slices.Sort(lat)
	res.P50Ms, res.P99Ms = quantile(lat, 0.50), quantile(lat, 0.99)
	if len(lat) > 0 {
		res.MaxMs = ms(lat[len(lat)-1])
	}
	res.Exhausted = r.nextChain.Load() >= int64(len(r.w.Chains))
	return &res
}

// quantile returns the q-quantile of sorted in milliseconds (nearest
// rank), 0 for none.
func quantile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return ms(sorted[max(i, 0)])
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// latestHeight asks the nodes in turn for the latest height.
func (r *runner) latestHeight(ctx context.Context) (int64, error) {
	var errs []error
	for _, n := range r.cfg.Nodes {
		st, err := n.Status(ctx)
		if err == nil {
			return st.SyncInfo.LatestBlockHeight, nil
		}
		errs = append(errs, err)
	}
	return 0, fmt.Errorf("load: no node answers: %w", errors.Join(errs...))
}

// setup broadcasts the setup transactions and waits until each committed
// with code 0.
func (r *runner) setup(ctx context.Context) error {
	if len(r.w.Setup) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.SetupTimeout)
	defer cancel()
	var txs []*pendingTx
	for _, s := range r.w.Setup {
		p := r.track(-1, 0, s.Bytes)
		p.done = make(chan outcome, 1)
		txs = append(txs, p)
		r.ready.push(p)
	}
	go func() {
		backoff := new(time.Duration)
		for ctx.Err() == nil {
			if p := r.ready.pop(ctx, true); p != nil {
				r.submit(ctx, p, backoff)
			}
		}
	}()
	for i, p := range txs {
		select {
		case o := <-p.done:
			if o.code != 0 {
				where := "CheckTx refused"
				if o.inBlock {
					where = "committed with code"
				}
				return fmt.Errorf("%w: setup transaction %d (%d bytes): %s %d: %s", ErrSetup, i, len(p.tx), where, o.code, o.log)
			}
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ErrSetup, ctx.Err())
		}
	}
	return nil
}

// track returns a new pending transaction, step of chain (-1: setup).
func (r *runner) track(chain, step int, tx []byte) *pendingTx {
	p := &pendingTx{chain: chain, step: step, tx: tx, hash: sha256.Sum256(tx)}
	r.mu.Lock()
	r.pending[p.hash] = p
	r.mu.Unlock()
	return p
}

// node returns the next node in turn.
func (r *runner) node() Node {
	return r.cfg.Nodes[int(r.nextNode.Add(1)%uint64(len(r.cfg.Nodes)))]
}

// work broadcasts until ctx is done.
func (r *runner) work(ctx context.Context) {
	backoff := new(time.Duration)
	for ctx.Err() == nil {
		p := r.ready.pop(ctx, false)
		if p == nil && r.cfg.MaxPending > 0 && r.inFlight() >= r.cfg.MaxPending {
			sleep(ctx, 5*time.Millisecond)
			continue
		}
		if p == nil {
			if i := int(r.nextChain.Add(1)) - 1; i < len(r.w.Chains) {
				p = r.track(i, 0, r.w.Chains[i].Txs[0].Bytes)
			} else {
				r.nextChain.Store(int64(len(r.w.Chains)))
				if p = r.ready.pop(ctx, true); p == nil {
					return
				}
			}
		}
		r.submit(ctx, p, backoff)
	}
}

// inFlight returns the number of transactions on their way.
func (r *runner) inFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// submit broadcasts p once through the next node and handles the answer.
func (r *runner) submit(ctx context.Context, p *pendingTx, backoff *time.Duration) {
	r.mu.Lock()
	if _, ok := r.pending[p.hash]; !ok {
		r.mu.Unlock()
		return // committed (or given up) while it waited
	}
	r.res.Broadcasts++
	r.mu.Unlock()

	t0 := time.Now()
	res, err := r.node().BroadcastTxSync(ctx, p.tx)
	switch {
	case err != nil && strings.Contains(err.Error(), "mempool is full"):
		r.count(func(res *Result) { res.MempoolFull++ })
		sleep(ctx, bump(backoff))
		r.ready.push(p)
	case err != nil && strings.Contains(err.Error(), "tx already exists in cache"):
		r.accepted(p, t0)
		*backoff = 0
	case err != nil:
		if ctx.Err() == nil {
			r.count(func(res *Result) { res.NodeErrors++ })
		}
		sleep(ctx, 50*time.Millisecond)
		r.ready.push(p)
	case res.Code != 0:
		r.refused(p, res)
	default:
		r.accepted(p, t0)
		*backoff = 0
	}
}

// bump doubles the back-off, from 5 ms to at most 200 ms, and returns it.
func bump(b *time.Duration) time.Duration {
	*b = min(max(2**b, 5*time.Millisecond), 200*time.Millisecond)
	return *b
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (r *runner) count(f func(*Result)) {
	r.mu.Lock()
	f(&r.res)
	r.mu.Unlock()
}

// accepted notes that a node took p.
func (r *runner) accepted(p *pendingTx, t0 time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !p.accepted {
		p.accepted, p.sent = true, t0
		r.res.Accepted++
	}
	p.last = t0
}

// refused handles a CheckTx refusal. A copy broadcast again is refused
// when the first is in a mempool or committed: it is nothing. Otherwise
// the transaction is tried again a while — a follow-up may reach a node
// that has not committed its predecessor yet — then given up; a setup
// transaction is given up at once.
func (r *runner) refused(p *pendingTx, res *ctypes.ResultBroadcastTx) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.pending[p.hash]; !ok || p.accepted {
		return
	}
	if p.chain >= 0 && p.retries < maxCheckRetries {
		p.retries++
		r.res.CheckRetries++
		time.AfterFunc(checkRetryPause, func() { r.ready.push(p) })
		return
	}
	delete(r.pending, p.hash)
	if p.chain < 0 {
		p.done <- outcome{code: res.Code, log: res.Log}
		return
	}
	if r.windowOn.Load() {
		r.res.Refused++
	}
}

// resubmit broadcasts again the transactions accepted long ago and not
// committed.
func (r *runner) resubmit(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			var again []*pendingTx
			r.mu.Lock()
			for _, p := range r.pending {
				if p.accepted && now.Sub(p.last) > r.cfg.Resubmit {
					p.last = now
					again = append(again, p)
					r.res.Resubmitted++
				}
			}
			r.mu.Unlock()
			for _, p := range again {
				r.ready.push(p)
			}
		}
	}
}

// follow reads every committed block from height on, from the first node
// that answers, and settles the transactions it holds.
func (r *runner) follow(ctx context.Context, height int64) {
	n := 0
	fail := func() {
		r.count(func(res *Result) { res.NodeErrors++ })
		n = (n + 1) % len(r.cfg.Nodes)
		sleep(ctx, r.cfg.Poll)
	}
	for ctx.Err() == nil {
		node := r.cfg.Nodes[n]
		st, err := node.Status(ctx)
		if err != nil {
			fail()
			continue
		}
		for ; height <= st.SyncInfo.LatestBlockHeight && ctx.Err() == nil; height++ {
			h := height
			b, err := node.Block(ctx, &h)
			if err != nil {
				break
			}
			br, err := node.BlockResults(ctx, &h)
			if err != nil {
				break
			}
			r.settle(b, br)
		}
		if height <= st.SyncInfo.LatestBlockHeight {
			fail()
			continue
		}
		sleep(ctx, r.cfg.Poll)
	}
}

// settle notes the block's transactions committed.
func (r *runner) settle(b *ctypes.ResultBlock, br *ctypes.ResultBlockResults) {
	now := time.Now()
	var next []*pendingTx
	r.mu.Lock()
	window := r.windowOn.Load() && now.Before(r.end)
	if window {
		r.res.Blocks++
		if r.res.FirstHeight == 0 {
			r.res.FirstHeight = b.Block.Height
		}
		r.res.LastHeight = b.Block.Height
		r.res.MaxBlockTxs = max(r.res.MaxBlockTxs, len(b.Block.Txs))
	}
	for i, tx := range b.Block.Txs {
		hash := sha256.Sum256(tx)
		p, ok := r.pending[hash]
		if !ok {
			continue
		}
		delete(r.pending, hash)
		var code uint32
		if i < len(br.TxsResults) {
			code = br.TxsResults[i].Code
		}
		if p.chain < 0 {
			p.done <- outcome{inBlock: true, code: code, log: br.TxsResults[i].Log}
			continue
		}
		if code != 0 {
			if window {
				r.res.FailedInBlock++
			}
			continue
		}
		r.res.Progress[p.chain]++
		c := r.w.Chains[p.chain]
		if window {
			r.res.Committed++
			r.res.PerKind[c.Txs[p.step].Kind]++
			if !p.sent.IsZero() {
				r.latencies = append(r.latencies, now.Sub(p.sent))
			}
		}
		if s := p.step + 1; s < len(c.Txs) {
			n := &pendingTx{chain: p.chain, step: s, tx: c.Txs[s].Bytes, hash: sha256.Sum256(c.Txs[s].Bytes)}
			r.pending[n.hash] = n
			next = append(next, n)
		}
	}
	r.mu.Unlock()
	for _, p := range next {
		r.ready.push(p)
	}
}
