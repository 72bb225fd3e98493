package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/desk"
	"github.com/cbets/cbets/cometbft/proof"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// Node is what cbets needs of a CometBFT node: broadcasts and queries
// (package desk), queries with proofs and signed headers (package proof).
// CometBFT's RPC clients, HTTP and in-process, have it.
type Node interface {
	desk.Ledger
	proof.Node
}

// nodeFlags are the flags of a command that talks to a node.
type nodeFlags struct {
	url, genesis string
	timeout      time.Duration
}

// addNodeFlags adds --node and --timeout, and --genesis if the command
// checks what the node returns.
func addNodeFlags(fs *flag.FlagSet, withGenesis bool) *nodeFlags {
	f := &nodeFlags{}
	fs.StringVar(&f.url, "node", "http://127.0.0.1:26657", "the node's RPC address")
	fs.DurationVar(&f.timeout, "timeout", time.Minute, "give up after this long")
	if withGenesis {
		fs.StringVar(&f.genesis, "genesis", "", "the network's CometBFT genesis document (a node home's config/genesis.json)")
	}
	return f
}

// conn is a node, and what the network's genesis says to check its answers
// against (when the command takes --genesis): the validators whose
// signed headers the answers' proofs must reach (checker), and the keys
// and policy the records must replay under (verifier).
type conn struct {
	node     Node
	doc      *types.GenesisDoc
	app      *app.Genesis
	verifier *ticket.Verifier
	checker  *proof.Checker
}

// connect reads the genesis, if any, and makes the node's RPC client. It
// sends nothing: the first request is the command's.
func (f *nodeFlags) connect() (*conn, error) {
	c := &conn{}
	if f.genesis != "" {
		b, err := os.ReadFile(f.genesis)
		if err != nil {
			return nil, err
		}
		if c.doc, err = types.GenesisDocFromJSON(b); err != nil {
			return nil, fmt.Errorf("genesis %s: %w", f.genesis, err)
		}
		if c.app, err = app.ParseGenesis(c.doc.AppState); err != nil {
			return nil, fmt.Errorf("genesis %s: app state: %w", f.genesis, err)
		}
		if c.verifier, err = c.app.Verifier(); err != nil {
			return nil, fmt.Errorf("genesis %s: app state: %w", f.genesis, err)
		}
	}
	node, err := rpchttp.New(f.url, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", f.url, err)
	}
	c.node = node
	if c.doc != nil {
		if c.checker, err = proof.NewChecker(c.doc, node); err != nil {
			return nil, fmt.Errorf("genesis %s: %w", f.genesis, err)
		}
	}
	return c, nil
}

// open connects (connect) and returns the command's context with it.
func (f *nodeFlags) open() (*conn, context.Context, context.CancelFunc, error) {
	c, err := f.connect()
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := f.context()
	return c, ctx, cancel, nil
}

// context returns the command's context, ending after --timeout.
func (f *nodeFlags) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), f.timeout)
}

// merchant reports whether the genesis accepts a merchant key.
func (c *conn) merchant(pub *ecdsa.PublicKey) bool {
	return slices.ContainsFunc(c.verifier.Merchants, pub.Equal)
}

// event returns a published event, proved committed (proof.Checker), with
// its count of tickets sold and the height of the state that answered. Its
// merchant must be one the genesis accepts: the validators refuse any
// other, so another is a sign of a genesis file not the network's.
func (c *conn) event(ctx context.Context, id string) (ledger.EventState, int64, error) {
	s, h, err := c.checker.EventState(ctx, id)
	if err != nil {
		return s, h, err
	}
	if m := s.Event.Merchant(); !c.merchant(m) {
		return s, h, fmt.Errorf("event %q: its merchant %x is not one the genesis accepts", id, m.Bytes())
	}
	return s, h, nil
}

// ticket fetches a ticket's records, its event and the event's
// cancellation, if any, each proved committed (proof.Checker), and replays
// the records under the genesis's keys and policy, the event's terms and
// the cancellation: the ticket returned is what the records prove, not
// what the node says. The height is the state the records were read from.
func (c *conn) ticket(ctx context.Context, event, serial string) (*ticket.Ticket, []*ticket.Record, int64, error) {
	_, recs, height, err := c.checker.Ticket(ctx, event, serial)
	if err != nil {
		return nil, nil, 0, err
	}
	// The event and its cancellation are read after the records, from a
	// state no older than theirs (the checker refuses an older one): both
	// stay once committed, so that state has those the records need, and
	// a cancellation committed by then cannot be hidden.
	ev, _, err := c.event(ctx, event)
	if err != nil {
		return nil, nil, 0, err
	}
	cancellation, _, err := c.checker.Cancellation(ctx, event)
	if err != nil {
		return nil, nil, 0, err
	}
	v := *c.verifier
	v.Events = []*ticket.Event{ev.Event}
	if cancellation != nil {
		v.Cancellations = []*ticket.Cancellation{cancellation}
	}
	t, err := ticket.Replay(recs, &v)
	if err != nil {
		return nil, recs, height, fmt.Errorf("ticket %s/%s at height %d does not replay: %w", event, serial, height, err)
	}
	return t, recs, height, nil
}
