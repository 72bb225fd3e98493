package proof_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/rpc/client/local"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/desk"
	"github.com/cbets/cbets/cometbft/localnet"
	"github.com/cbets/cbets/cometbft/proof"
	"github.com/cbets/cbets/cometbft/scenario"
	"github.com/cbets/cbets/ticket"
)

// CometBFT's RPC clients are Nodes.
var (
	_ proof.Node = (*rpchttp.HTTP)(nil)
	_ proof.Node = (*local.Local)(nil)
)

// liar is a node that passes its answers through hooks that may change
// them. The answers are copies: the node's own are left alone.
type liar struct {
	proof.Node
	before func(key []byte)                           // called before a query
	query  func(key []byte, r *abci.ResponseQuery)    // changes a query's answer
	commit func(height int64, r *ctypes.ResultCommit) // changes a header and its commit
	silent bool                                       // answer queries with nothing
}

func (l *liar) ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*ctypes.ResultABCIQuery, error) {
	if l.before != nil {
		l.before(data)
	}
	if l.silent {
		return nil, nil
	}
	res, err := l.Node.ABCIQueryWithOptions(ctx, path, data, opts)
	if err != nil || l.query == nil {
		return res, err
	}
	r := res.Response
	r.Key, r.Value = slices.Clone(r.Key), slices.Clone(r.Value)
	if r.ProofOps != nil {
		r.ProofOps = cloneOps(r.ProofOps)
	}
	l.query(data, &r)
	return &ctypes.ResultABCIQuery{Response: r}, nil
}

func (l *liar) Commit(ctx context.Context, height *int64) (*ctypes.ResultCommit, error) {
	res, err := l.Node.Commit(ctx, height)
	if err != nil || res == nil || l.commit == nil {
		return res, err
	}
	h, err := types.HeaderFromProto(res.Header.ToProto())
	if err != nil {
		return nil, err
	}
	c, err := types.CommitFromProto(res.Commit.ToProto())
	if err != nil {
		return nil, err
	}
	out := ctypes.NewResultCommit(&h, c, res.CanonicalCommit)
	l.commit(*height, out)
	return out, nil
}

// network is a running network with a short history: the cast's event
// published, and Eve's and Alice's tickets bought.
type network struct {
	net  *localnet.Network
	cast *scenario.Cast
	desk *desk.Desk
	eve  *desk.Committed
}

func startNetwork(t *testing.T, validators int) *network {
	t.Helper()
	cast, err := scenario.NewCast()
	require.NoError(t, err)
	net, err := localnet.Start(localnet.Config{Validators: validators, Dir: t.TempDir(), AppState: cast.Genesis,
		BlockInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, net.Close()) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := &network{net: net, cast: cast,
		desk: &desk.Desk{Merchant: cast.Merchant, Verifier: cast.Verifier, Ledger: net.Validator(0).Client()}}
	_, err = n.desk.Publish(ctx, cast.Concert)
	require.NoError(t, err)
	n.eve = n.buy(t, "eve", "A-1")
	n.buy(t, "alice", "A-2")
	return n
}

func (n *network) buy(t *testing.T, user, serial string) *desk.Committed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u := n.cast.Users[user]
	req, err := ticket.NewBuyRequest(u.Key, u.Cert, n.cast.Merchant.PublicKey(), scenario.Event, serial, scenario.FaceValue, time.Now())
	require.NoError(t, err)
	got, err := n.desk.Buy(ctx, req)
	require.NoError(t, err)
	return got
}

// publish publishes another event, a change of the state.
func (n *network) publish(t *testing.T, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	terms := n.cast.Concert.Terms()
	terms.ID = id
	ev, err := ticket.NewEvent(n.cast.MerchantKey, terms)
	require.NoError(t, err)
	_, err = n.desk.Publish(ctx, ev)
	require.NoError(t, err)
}

func (n *network) checker(t *testing.T, node proof.Node) *proof.Checker {
	t.Helper()
	c, err := proof.NewChecker(n.net.Genesis(), node)
	require.NoError(t, err)
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestLyingNode runs a Checker against a one-validator network through a
// node that lies: about the value, the proof (each operator), the height,
// the header's app hash, the commit's signatures, or the absence of a key.
// Every lie is refused with ErrProof; the honest answers are accepted.
func TestLyingNode(t *testing.T) {
	n := startNetwork(t, 1)
	ctx := testContext(t)
	node := n.net.Validator(0).Client()
	honest := n.checker(t, node)
	present, absent := app.TicketKey(scenario.Event, "A-1"), app.TicketKey(scenario.Event, "A-3")
	value, height, err := honest.Get(ctx, present)
	require.NoError(t, err)
	require.NotNil(t, value)
	got, none, err := honest.Get(ctx, absent)
	require.NoError(t, err)
	require.Nil(t, got)
	require.Equal(t, height, none)
	require.GreaterOrEqual(t, height, n.eve.Height)

	ask := func(key []byte) answer {
		res, err := node.ABCIQueryWithOptions(ctx, app.PathStore, key, rpcclient.ABCIQueryOptions{Prove: true})
		require.NoError(t, err)
		return answer{key: key, value: res.Response.Value, ops: res.Response.ProofOps}
	}
	lies := map[string]*liar{}
	asked := map[string][]byte{} // the key a lie is about, when not present
	for name, x := range tampered(t, ask, ask(present), ask(absent)) {
		lies["proof: "+name] = &liar{query: func(key []byte, r *abci.ResponseQuery) {
			if string(key) == string(x.key) {
				r.Value, r.ProofOps = x.value, x.ops
			}
		}}
		asked["proof: "+name] = x.key
	}
	query := func(f func(r *abci.ResponseQuery)) *liar {
		return &liar{query: func(_ []byte, r *abci.ResponseQuery) { f(r) }}
	}
	commit := func(f func(r *ctypes.ResultCommit)) *liar {
		return &liar{commit: func(_ int64, r *ctypes.ResultCommit) { f(r) }}
	}
	lies["key answered"] = query(func(r *abci.ResponseQuery) { r.Key = app.TicketKey(scenario.Event, "A-2") })
	lies["height before"] = query(func(r *abci.ResponseQuery) { r.Height-- })
	lies["height before the chain"] = query(func(r *abci.ResponseQuery) { r.Height = -1 })
	lies["header's app hash"] = commit(func(r *ctypes.ResultCommit) { r.AppHash = flip(r.AppHash) })
	lies["header's app hash, with its block id"] = commit(func(r *ctypes.ResultCommit) {
		r.AppHash = flip(r.AppHash)
		r.Commit.BlockID.Hash = r.Header.Hash()
	})
	lies["header's chain"] = commit(func(r *ctypes.ResultCommit) { r.ChainID = "another-chain" })
	lies["header's height"] = commit(func(r *ctypes.ResultCommit) {
		r.Height++
		r.Commit.Height++
		r.Commit.BlockID.Hash = r.Header.Hash()
	})
	lies["signature"] = commit(func(r *ctypes.ResultCommit) {
		r.Commit.Signatures[0].Signature = flip(r.Commit.Signatures[0].Signature)
	})
	lies["signature left out"] = commit(func(r *ctypes.ResultCommit) { r.Commit.Signatures[0] = types.NewCommitSigAbsent() })
	lies["no signature"] = commit(func(r *ctypes.ResultCommit) { r.Commit.Signatures = nil })
	lies["another height's header"] = &liar{}
	lies["another height's header"].commit = func(h int64, r *ctypes.ResultCommit) {
		prev := h - 1
		other, err := node.Commit(ctx, &prev)
		require.NoError(t, err)
		r.SignedHeader = other.SignedHeader
	}
	lies["no header"] = commit(func(r *ctypes.ResultCommit) { r.Header = nil })
	for name, l := range lies {
		t.Run(name, func(t *testing.T) {
			l.Node = node
			key := present
			if k, ok := asked[name]; ok {
				key = k
			}
			v, h, err := n.checker(t, l).Get(ctx, key)
			require.ErrorIs(t, err, proof.ErrProof, "got %x at %d", v, h)
			if l.commit != nil {
				_, _, err = n.checker(t, l).Get(ctx, absent)
				require.ErrorIs(t, err, proof.ErrProof, "absent key")
			}
		})
	}

	// The honest answers, through a node that changes nothing.
	v, h, err := n.checker(t, &liar{Node: node}).Get(ctx, present)
	require.NoError(t, err)
	require.Equal(t, value, v)
	require.Equal(t, height, h)

	// A refusal is an error, not a proof failure; so is a node that does
	// not answer.
	refusing := &liar{Node: node, query: func(_ []byte, r *abci.ResponseQuery) { r.Code, r.Log = app.CodeInternal, "no" }}
	_, _, err = n.checker(t, refusing).Get(ctx, present)
	require.ErrorIs(t, err, proof.ErrRefused)
	require.NotErrorIs(t, err, proof.ErrProof)

	// A header from the future never comes: the context ends the wait.
	ahead := &liar{Node: node, query: func(_ []byte, r *abci.ResponseQuery) { r.Height += 1000 }}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, _, err = n.checker(t, ahead).Get(short, present)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// A checker of another validator set refuses the chain's headers.
	gen := *n.net.Genesis()
	gen.Validators = slices.Clone(gen.Validators)
	gen.Validators[0].PubKey = ed25519.GenPrivKey().PubKey()
	other, err := proof.NewChecker(&gen, node)
	require.NoError(t, err)
	_, _, err = other.Get(ctx, present)
	require.ErrorIs(t, err, proof.ErrProof)
}

func flip(b []byte) []byte {
	b = slices.Clone(b)
	b[len(b)-1] ^= 1
	return b
}

// TestReaders reads the ledger's entries through a Checker: the ticket and
// its records at one height, the event, the standings and held counts,
// absences; and a ticket read while the chain moves on.
func TestReaders(t *testing.T) {
	n := startNetwork(t, 1)
	ctx := testContext(t)
	node := n.net.Validator(0).Client()
	c := n.checker(t, node)

	tk, recs, h, err := c.Ticket(ctx, scenario.Event, "A-1")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, n.eve.Ticket.Head, tk.Head)
	require.Equal(t, n.eve.Record.Bytes(), recs[0].Bytes())
	require.GreaterOrEqual(t, h, n.eve.Height)
	v := *n.cast.Verifier
	ev, err := c.Event(ctx, scenario.Event)
	require.NoError(t, err)
	require.Equal(t, n.cast.Concert.Bytes(), ev.Bytes())
	v.Events = []*ticket.Event{ev}
	replayed, err := ticket.Replay(recs, &v)
	require.NoError(t, err)
	require.Equal(t, tk.Head, replayed.Head)

	es, _, err := c.EventState(ctx, scenario.Event)
	require.NoError(t, err)
	require.Equal(t, uint32(2), es.Sold)
	_, _, err = c.EventState(ctx, "no-such-event")
	require.ErrorIs(t, err, proof.ErrNotFound)
	_, err = c.Event(ctx, "no-such-event")
	require.ErrorIs(t, err, proof.ErrNotFound)
	_, _, _, err = c.Ticket(ctx, scenario.Event, "A-9")
	require.ErrorIs(t, err, proof.ErrNotFound)
	cancel, _, err := c.Cancellation(ctx, scenario.Event)
	require.NoError(t, err)
	require.Nil(t, cancel)
	st, _, err := c.Standing(ctx, "eve")
	require.NoError(t, err)
	require.Equal(t, ticket.Standing{Reputation: 625, Transfers: 1}, st)
	st, _, err = c.Standing(ctx, "nobody")
	require.NoError(t, err)
	require.Equal(t, ticket.Standing{}, st, "the genesis's initial standing")
	held, _, err := c.Held(ctx, scenario.Event, "eve")
	require.NoError(t, err)
	require.Equal(t, 1, held)
	held, _, err = c.Held(ctx, scenario.Event, "grace")
	require.NoError(t, err)
	require.Zero(t, held)

	// The chain moves on between the ticket's entry and its record: the
	// ticket is read again, at the newer state.
	var once sync.Once
	moving := &liar{Node: node, before: func(key []byte) {
		if string(key) == string(app.RecordKey(scenario.Event, "A-1", 0)) {
			once.Do(func() { n.publish(t, "moving") })
		}
	}}
	tk2, recs2, h2, err := n.checker(t, moving).Ticket(ctx, scenario.Event, "A-1")
	require.NoError(t, err)
	require.Greater(t, h2, h)
	require.Equal(t, tk.Head, tk2.Head)
	require.Len(t, recs2, 1)

	// A chain that moves at every read.
	moves := 0
	restless := &liar{Node: node, before: func(key []byte) {
		if string(key) == string(app.RecordKey(scenario.Event, "A-1", 0)) {
			moves++
			n.publish(t, fmt.Sprintf("restless-%d", moves))
		}
	}}
	_, _, _, err = n.checker(t, restless).Ticket(ctx, scenario.Event, "A-1")
	require.ErrorIs(t, err, proof.ErrMoved)
}

func TestCheckerArguments(t *testing.T) {
	cast, err := scenario.NewCast()
	require.NoError(t, err)
	pub := ed25519.GenPrivKey().PubKey()
	good := func() *types.GenesisDoc {
		return &types.GenesisDoc{ChainID: "c", AppState: cast.Genesis,
			Validators: []types.GenesisValidator{{PubKey: pub, Power: 10}}}
	}
	node := &liar{}
	_, err = proof.NewChecker(good(), node)
	require.NoError(t, err)
	for name, f := range map[string]func(g *types.GenesisDoc){
		"no chain id":        func(g *types.GenesisDoc) { g.ChainID = "" },
		"no validators":      func(g *types.GenesisDoc) { g.Validators = nil },
		"no key":             func(g *types.GenesisDoc) { g.Validators[0].PubKey = nil },
		"no power":           func(g *types.GenesisDoc) { g.Validators[0].Power = 0 },
		"too much power":     func(g *types.GenesisDoc) { g.Validators[0].Power = types.MaxTotalVotingPower + 1 },
		"repeated validator": func(g *types.GenesisDoc) { g.Validators = append(g.Validators, g.Validators[0]) },
		"bad app state":      func(g *types.GenesisDoc) { g.AppState = []byte("{") },
	} {
		g := good()
		f(g)
		_, err := proof.NewChecker(g, node)
		require.ErrorIs(t, err, proof.ErrArgument, name)
	}
	_, err = proof.NewChecker(nil, node)
	require.ErrorIs(t, err, proof.ErrArgument)
	_, err = proof.NewChecker(good(), nil)
	require.ErrorIs(t, err, proof.ErrArgument)

	c, err := proof.NewChecker(good(), node)
	require.NoError(t, err)
	//lint:ignore SA1012 a nil context is what is tested
	_, _, err = c.Get(nil, app.EventKey("e"))
	require.ErrorIs(t, err, proof.ErrArgument)
	for _, k := range [][]byte{nil, []byte("m/height"), []byte("x/\x00\x00k")} {
		_, _, err = c.Get(context.Background(), k)
		require.ErrorIs(t, err, proof.ErrArgument, "%q", k)
	}
	var nilChecker *proof.Checker
	_, _, err = nilChecker.Get(context.Background(), app.EventKey("e"))
	require.ErrorIs(t, err, proof.ErrArgument)
}

// TestFourValidators: with four validators of equal power a commit is
// accepted with three signatures (or all it has) and refused with two.
func TestFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four validators")
	}
	n := startNetwork(t, 4)
	ctx := testContext(t)
	node := n.net.Validator(1).Client()
	key := app.TicketKey(scenario.Event, "A-1")
	for _, keep := range []int{4, 3, 2} {
		l := &liar{Node: node, commit: func(_ int64, r *ctypes.ResultCommit) {
			kept := 0
			for i, s := range r.Commit.Signatures {
				if s.BlockIDFlag != types.BlockIDFlagCommit {
					continue
				}
				if kept++; kept > keep {
					r.Commit.Signatures[i] = types.NewCommitSigAbsent()
				}
			}
		}}
		_, _, err := n.checker(t, l).Get(ctx, key)
		if keep >= 3 {
			require.NoError(t, err, "%d signatures kept", keep)
		} else {
			require.ErrorIs(t, err, proof.ErrProof, "%d signatures kept", keep)
		}
	}
}
