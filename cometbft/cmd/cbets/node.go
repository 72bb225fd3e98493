package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/desk"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// Node is what cbets needs of a CometBFT node; its RPC clients (HTTP and
// in-process) have it.
type Node interface {
	desk.Ledger
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
// against (when the command takes --genesis).
type conn struct {
	node     Node
	doc      *types.GenesisDoc
	app      *app.Genesis
	verifier *ticket.Verifier
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
	return c, nil
}

// context returns the command's context, ending after --timeout.
func (f *nodeFlags) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), f.timeout)
}

// merchant reports whether the genesis accepts a merchant key.
func (c *conn) merchant(pub *ecdsa.PublicKey) bool {
	return slices.ContainsFunc(c.verifier.Merchants, pub.Equal)
}

// event returns a published event, checked: it has the id asked for and is
// signed by a merchant the genesis accepts.
func (c *conn) event(ctx context.Context, id string) (*ticket.Event, error) {
	ev, err := desk.Event(ctx, c.node, id)
	if err != nil {
		return nil, err
	}
	if !c.merchant(ev.Merchant()) {
		return nil, fmt.Errorf("event %q: its merchant %x is not one the genesis accepts", id, ev.Merchant().Bytes())
	}
	if err := ev.Verify(ev.Merchant()); err != nil {
		return nil, fmt.Errorf("event %q: %w", id, err)
	}
	return ev, nil
}

// records returns a ticket's records as the node holds them, and the height
// of the state they were read from.
func (c *conn) records(ctx context.Context, event, serial string) ([]*ticket.Record, int64, error) {
	q, err := json.Marshal(app.TicketQuery{Event: event, Serial: serial})
	if err != nil {
		return nil, 0, err
	}
	res, err := c.node.ABCIQuery(ctx, app.PathTicket, q)
	if err != nil {
		return nil, 0, err
	}
	if r := res.Response; r.Code != app.CodeOK {
		return nil, 0, fmt.Errorf("query %s: code %d: %s", app.PathTicket, r.Code, r.Log)
	}
	var view app.TicketView
	if err := json.Unmarshal(res.Response.Value, &view); err != nil {
		return nil, 0, fmt.Errorf("query %s: %w", app.PathTicket, err)
	}
	return view.Records, res.Response.Height, nil
}

// ticket fetches a ticket's event and records and replays the records
// under the genesis's keys and policy and the event's terms: the ticket
// returned is what the records prove, not what the node says.
func (c *conn) ticket(ctx context.Context, event, serial string) (*ticket.Ticket, []*ticket.Record, int64, error) {
	ev, err := c.event(ctx, event)
	if err != nil {
		return nil, nil, 0, err
	}
	recs, height, err := c.records(ctx, event, serial)
	if err != nil {
		return nil, nil, 0, err
	}
	v := *c.verifier
	v.Events = []*ticket.Event{ev}
	t, err := ticket.Replay(recs, &v)
	if err != nil {
		return nil, recs, height, fmt.Errorf("ticket %s/%s at height %d does not replay: %w", event, serial, height, err)
	}
	return t, recs, height, nil
}
