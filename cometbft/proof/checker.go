package proof

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// Node is what a Checker asks of a node: CometBFT's RPC clients
// (*rpc/client/http.HTTP, *rpc/client/local.Local) have it.
type Node interface {
	ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*ctypes.ResultABCIQuery, error)
	Commit(ctx context.Context, height *int64) (*ctypes.ResultCommit, error)
}

// ErrArgument reports a bad argument: a nil genesis, node or context, a
// genesis without a chain id or validators, a key outside the committed
// state.
var ErrArgument = errors.New("proof: bad argument")

// ErrNotFound reports a ticket or event the node proved absent.
var ErrNotFound = errors.New("proof: not found")

// ErrRefused reports a query the node answered with an error code.
var ErrRefused = errors.New("proof: the node refused the query")

// ErrMoved reports a ticket read again and again while the chain kept
// changing its state between the reads.
var ErrMoved = errors.New("proof: the state kept moving")

const (
	// pollInterval is how often a Checker asks for a header not made yet.
	pollInterval = 50 * time.Millisecond
	// maxCached bounds the app hashes a Checker remembers.
	maxCached = 64
	// attempts bounds the reads of a ticket (Ticket).
	attempts = 8
)

// Checker checks a node's answers against the headers the genesis
// validators signed. It is safe for concurrent use.
type Checker struct {
	node    Node
	chainID string
	first   int64 // the chain's first height
	vals    *types.ValidatorSet
	initial ticket.Standing // the standing of a certificate with none stored

	mu     sync.Mutex
	hashes map[int64][]byte // checked app hashes, by the height of their state
	floor  int64            // the newest state an accepted answer came from
}

// NewChecker returns a Checker of node's answers for the chain of genesis:
// its chain id, its validators, and its app state (app.Genesis, for the
// initial standing).
func NewChecker(genesis *types.GenesisDoc, node Node) (*Checker, error) {
	if genesis == nil || node == nil {
		return nil, fmt.Errorf("%w: nil genesis or node", ErrArgument)
	}
	if genesis.ChainID == "" || len(genesis.Validators) == 0 {
		return nil, fmt.Errorf("%w: a genesis without a chain id or validators", ErrArgument)
	}
	vals := make([]*types.Validator, 0, len(genesis.Validators))
	seen := map[string]bool{}
	var total int64
	for i, v := range genesis.Validators {
		if v.PubKey == nil || v.Power <= 0 || v.Power > types.MaxTotalVotingPower-total {
			return nil, fmt.Errorf("%w: genesis validator %d: no key, or a power out of range", ErrArgument, i)
		}
		val := types.NewValidator(v.PubKey, v.Power)
		if seen[string(val.Address)] {
			return nil, fmt.Errorf("%w: genesis validator %d: repeated", ErrArgument, i)
		}
		seen[string(val.Address)] = true
		total += v.Power
		vals = append(vals, val)
	}
	set := types.NewValidatorSet(vals) // cannot fail: the keys, powers and total are checked
	g, err := app.ParseGenesis(genesis.AppState)
	if err != nil {
		return nil, fmt.Errorf("%w: genesis app state: %w", ErrArgument, err)
	}
	c := &Checker{node: node, chainID: genesis.ChainID, first: max(genesis.InitialHeight, 1), vals: set,
		hashes: map[int64][]byte{}}
	if s := g.InitialStanding; s != nil {
		c.initial = ticket.Standing{Reputation: s.Reputation, Transfers: s.Transfers}
	}
	return c, nil
}

// Get returns the committed value of key (a key of the committed state:
// app.TicketKey and the like), nil when the node proves it absent, and the
// height h of the state that answered (the header at h+1 carries its app
// hash). A bad answer wraps ErrProof.
func (c *Checker) Get(ctx context.Context, key []byte) ([]byte, int64, error) {
	if c == nil || c.node == nil || c.vals == nil || ctx == nil {
		return nil, 0, fmt.Errorf("%w: nil context, or a Checker not made by NewChecker", ErrArgument)
	}
	if !app.Committed(key) {
		return nil, 0, fmt.Errorf("%w: key %x is not in the committed state", ErrArgument, key)
	}
	res, err := c.node.ABCIQueryWithOptions(ctx, app.PathStore, key, rpcclient.ABCIQueryOptions{Prove: true})
	if err != nil {
		return nil, 0, fmt.Errorf("proof: query of key %x: %w", key, err)
	}
	if res == nil {
		return nil, 0, fmt.Errorf("%w: key %x: no answer", ErrProof, key)
	}
	r := res.Response
	if r.Code != app.CodeOK {
		return nil, 0, fmt.Errorf("%w: key %x: code %d: %s", ErrRefused, key, r.Code, r.Log)
	}
	if !bytes.Equal(r.Key, key) {
		return nil, 0, fmt.Errorf("%w: asked for key %x, answered for %x", ErrProof, key, []byte(r.Key))
	}
	if r.Height < c.first-1 || r.Height == math.MaxInt64 {
		return nil, 0, fmt.Errorf("%w: key %x: a state at height %d, outside the chain's", ErrProof, key, r.Height)
	}
	// A node answers from the newest state it committed, which never goes
	// back: an answer from a state older than one already accepted is a
	// node hiding what came since (a sale, a cancellation).
	c.mu.Lock()
	floor := c.floor
	c.mu.Unlock()
	if r.Height < floor {
		return nil, 0, fmt.Errorf("%w: key %x: a state at height %d, older than the state at height %d it answered from before", ErrProof, key, r.Height, floor)
	}
	hash, err := c.appHash(ctx, r.Height)
	if err != nil {
		return nil, 0, err
	}
	value := r.Value
	if len(value) == 0 {
		value = nil
	}
	if err := Verify(hash, key, value, r.ProofOps); err != nil {
		return nil, 0, fmt.Errorf("%w (height %d)", err, r.Height)
	}
	c.mu.Lock()
	c.floor = max(c.floor, r.Height)
	c.mu.Unlock()
	return value, r.Height, nil
}

// appHash returns the app hash of the state at height, from the header at
// height+1 once it is checked, waiting for it within ctx.
func (c *Checker) appHash(ctx context.Context, height int64) ([]byte, error) {
	c.mu.Lock()
	hash, ok := c.hashes[height]
	c.mu.Unlock()
	if ok {
		return hash, nil
	}
	next := height + 1
	var res *ctypes.ResultCommit
	var err error
	for {
		res, err = c.node.Commit(ctx, &next)
		if err == nil && res != nil {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("proof: no header at height %d (%v): %w", next, err, ctx.Err())
		case <-time.After(pollInterval):
		}
	}
	if hash, err = c.checkHeader(res, next); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.hashes) >= maxCached {
		clear(c.hashes)
	}
	c.hashes[height] = hash
	return hash, nil
}

// checkHeader checks that res is a header of the genesis's chain whose
// commit, for height and the header's block id, is signed by more than
// 2/3 of the genesis validators' power, and returns its app hash.
func (c *Checker) checkHeader(res *ctypes.ResultCommit, height int64) ([]byte, error) {
	bad := func(err error) ([]byte, error) {
		return nil, fmt.Errorf("%w: header at height %d: %w", ErrProof, height, err)
	}
	sh := res.SignedHeader
	if err := sh.ValidateBasic(c.chainID); err != nil {
		return bad(err)
	}
	// The application makes no validator updates: every header names the
	// genesis set, now and next.
	if want := c.vals.Hash(); !bytes.Equal(sh.ValidatorsHash, want) || !bytes.Equal(sh.NextValidatorsHash, want) {
		return bad(errors.New("its validator set is not the genesis's"))
	}
	if err := c.vals.VerifyCommitLight(c.chainID, sh.Commit.BlockID, height, sh.Commit); err != nil {
		return bad(err)
	}
	return bytes.Clone(sh.AppHash), nil
}

// Ticket returns a ticket's state as the ledger keeps it and its records,
// read and checked at one height, which it returns. An absent ticket
// wraps ErrNotFound. If the chain changes its state between the reads,
// they start again at the newer state (ErrMoved after a few attempts).
// The records are as committed: replaying them (ticket.Replay, with the
// event's terms from EventState) is the caller's check of the rules.
func (c *Checker) Ticket(ctx context.Context, event, serial string) (*ticket.Ticket, []*ticket.Record, int64, error) {
	for range attempts {
		t, recs, h, moved, err := c.ticketAt(ctx, event, serial)
		if err != nil || !moved {
			return t, recs, h, err
		}
	}
	return nil, nil, 0, fmt.Errorf("%w: ticket %q/%q: read %d times", ErrMoved, event, serial, attempts)
}

func (c *Checker) ticketAt(ctx context.Context, event, serial string) (*ticket.Ticket, []*ticket.Record, int64, bool, error) {
	v, h, err := c.Get(ctx, app.TicketKey(event, serial))
	if err != nil {
		return nil, nil, 0, false, err
	}
	if v == nil {
		return nil, nil, h, false, fmt.Errorf("%w: ticket %q/%q (height %d)", ErrNotFound, event, serial, h)
	}
	inconsistent := func(format string, args ...any) (*ticket.Ticket, []*ticket.Record, int64, bool, error) {
		return nil, nil, 0, false, fmt.Errorf("proof: ticket %q/%q at height %d: %s", event, serial, h, fmt.Sprintf(format, args...))
	}
	n, t, err := app.ParseTicketEntry(v)
	if err != nil {
		return inconsistent("%v", err)
	}
	recs := make([]*ticket.Record, 0, n)
	for i := range n {
		v, hi, err := c.Get(ctx, app.RecordKey(event, serial, i))
		if err != nil {
			return nil, nil, 0, false, err
		}
		if hi != h {
			return nil, nil, 0, true, nil
		}
		rec, err := ticket.ParseRecord(v) // an absent record does not parse
		if err != nil {
			return inconsistent("record %d of %d: %v", i, n, err)
		}
		recs = append(recs, rec)
	}
	if n == 0 || recs[n-1].Hash() != t.Head {
		return inconsistent("the head is not the latest record's hash")
	}
	return t, recs, h, false, nil
}

// EventState returns an event's entry, its signed terms and counters, and
// the height of the state that answered. An absent event wraps
// ErrNotFound.
func (c *Checker) EventState(ctx context.Context, id string) (ledger.EventState, int64, error) {
	v, h, err := c.Get(ctx, app.EventKey(id))
	if err != nil {
		return ledger.EventState{}, 0, err
	}
	if v == nil {
		return ledger.EventState{}, h, fmt.Errorf("%w: event %q (height %d)", ErrNotFound, id, h)
	}
	s, err := app.ParseEventEntry(v)
	if err != nil {
		return ledger.EventState{}, 0, fmt.Errorf("proof: event %q at height %d: %w", id, h, err)
	}
	return s, h, nil
}

// Event returns an event's terms, signed by its merchant (EventState
// without the counters). An absent event wraps ErrNotFound.
func (c *Checker) Event(ctx context.Context, id string) (*ticket.Event, error) {
	s, _, err := c.EventState(ctx, id)
	return s.Event, err
}

// Cancellation returns an event's cancellation, nil when the node proves
// it has none, and the height of the state that answered.
func (c *Checker) Cancellation(ctx context.Context, event string) (*ticket.Cancellation, int64, error) {
	v, h, err := c.Get(ctx, app.CancellationKey(event))
	if err != nil || v == nil {
		return nil, h, err
	}
	cancel, err := ticket.ParseCancellation(v)
	if err != nil {
		return nil, 0, fmt.Errorf("proof: cancellation of %q at height %d: %w", event, h, err)
	}
	return cancel, h, nil
}

// Standing returns a certificate's standing as the ledger counts it (the
// genesis's initial standing when none is stored), and the height of the
// state that answered.
func (c *Checker) Standing(ctx context.Context, cert string) (ticket.Standing, int64, error) {
	v, h, err := c.Get(ctx, app.StandingKey(cert))
	if err != nil {
		return ticket.Standing{}, 0, err
	}
	if v == nil {
		return c.initial, h, nil
	}
	s, err := app.ParseStanding(v)
	if err != nil {
		return ticket.Standing{}, 0, fmt.Errorf("proof: standing of %q at height %d: %w", cert, h, err)
	}
	return s, h, nil
}

// Held returns how many of an event's tickets a certificate holds (zero
// when none is stored), and the height of the state that answered.
func (c *Checker) Held(ctx context.Context, event, cert string) (int, int64, error) {
	v, h, err := c.Get(ctx, app.HeldKey(event, cert))
	if err != nil || v == nil {
		return 0, h, err
	}
	n, err := app.ParseHeld(v)
	if err != nil {
		return 0, 0, fmt.Errorf("proof: held count of %q for %q at height %d: %w", cert, event, h, err)
	}
	return n, h, nil
}
