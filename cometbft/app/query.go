package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// Query paths. PathStore answers with proofs; the others are JSON views
// for people and tools that trust the node, and carry no proof.
const (
	PathStore    = "/store"
	PathTicket   = "/ticket"
	PathEvent    = "/event"
	PathFacts    = "/facts"
	PathStanding = "/standing"
	PathHeld     = "/held"
)

// TicketQuery names a ticket (data of PathTicket).
type TicketQuery struct {
	Event  string `json:"event"`
	Serial string `json:"serial"`
}

// TicketView answers PathTicket: the ticket's state as the ledger keeps it,
// and its records. Clients replay the records themselves, with the event's
// terms (PathEvent), to get a ticket.Ticket; Ticket is for people.
type TicketView struct {
	Ticket  json.RawMessage  `json:"ticket"`
	Records []*ticket.Record `json:"records"`
}

// EventView answers PathEvent (data: the event id): the published event,
// signed by its merchant, and the number of its tickets sold.
type EventView struct {
	Event *ticket.Event `json:"event"`
	Sold  uint32        `json:"sold"`
}

// FactsView answers PathFacts (data: a request's encoding, Request.Bytes):
// what the merchant's transition needs to know about other tickets, as
// ledger.Ledger.Facts gives it: for a Buy the event and the buyer's held
// count, for a Transfer the buyer's held count and the seller's standing,
// for a List the holder's standing; with the event, its cancellation if
// it has one, which a Refund needs.
type FactsView struct {
	Held         int                  `json:"held"`
	Seller       Standing             `json:"seller"`
	Event        *ticket.Event        `json:"event,omitempty"`
	Cancellation *ticket.Cancellation `json:"cancellation,omitempty"`
}

// Facts returns the view as ticket.Facts.
func (f *FactsView) Facts() ticket.Facts {
	return ticket.Facts{Held: f.Held, Event: f.Event, Cancellation: f.Cancellation,
		Seller: ticket.Standing{Reputation: f.Seller.Reputation, Transfers: f.Seller.Transfers}}
}

// StandingView answers PathStanding (data: the certificate id).
type StandingView struct {
	Certificate string `json:"certificate"`
	Reputation  int64  `json:"reputation"`
	Transfers   uint32 `json:"transfers"`
}

// HeldQuery names an event and a certificate (data of PathHeld).
type HeldQuery struct {
	Event       string `json:"event"`
	Certificate string `json:"certificate"`
}

// HeldView answers PathHeld.
type HeldView struct {
	Event       string `json:"event"`
	Certificate string `json:"certificate"`
	Held        int    `json:"held"`
}

// Query answers from the last committed state; only the latest state is
// kept. The response's Height is the height whose state answered: the
// height of the block that last changed the app hash (the height before
// the chain's first for the genesis state), so that the header at
// Height+1, which carries that state's app hash, exists or is the next
// block (CometBFT makes a block after one that changed the app hash, even
// with empty blocks off). A request for a height is answered when the
// state at that height is the latest, from Height to the last committed
// height.
//
// PathStore (data: a key of the committed state, see TicketKey and the
// other key functions) answers with the key's value, nil when absent;
// with Prove, with its proof too (ProofOps): see the package doc.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if a == nil {
		return nil, errNilApp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	res := &abci.ResponseQuery{Codespace: Codespace, Height: a.changed}
	fail := func(code uint32, err error) (*abci.ResponseQuery, error) {
		res.Code, res.Log = code, err.Error()
		return res, nil
	}
	if latest := max(a.height, a.changed); req.Height != 0 && (req.Height < a.changed || req.Height > latest) {
		return fail(CodeBadQuery, fmt.Errorf("app: only the latest state is kept, that of heights %d to %d", a.changed, latest))
	}
	if req.Path == PathStore {
		return a.queryStore(req, res)
	}
	l, err := a.ledger(a.store())
	if err != nil {
		return fail(Code(err), err)
	}
	out, code, err := query(l, req.Path, req.Data)
	if err != nil {
		return fail(code, err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fail(CodeInternal, err)
	}
	res.Value = b
	return res, nil
}

// query answers a query path from l, or returns a result code and error.
func query(l *ledger.Ledger, path string, data []byte) (any, uint32, error) {
	ctx := context.Background()
	failed := func(err error) (any, uint32, error) {
		code := Code(err)
		if code == CodeRejected || code == CodeMalformed {
			code = CodeBadQuery
		}
		return nil, code, err
	}
	switch path {
	case PathTicket:
		var q TicketQuery
		if err := json.Unmarshal(data, &q); err != nil {
			return failed(err)
		}
		t, recs, err := l.Ticket(ctx, q.Event, q.Serial)
		if err != nil {
			return failed(err)
		}
		tj, err := json.Marshal(t)
		if err != nil {
			return nil, CodeInternal, err
		}
		return TicketView{Ticket: tj, Records: recs}, CodeOK, nil
	case PathEvent:
		s, err := l.Event(ctx, string(data))
		if errors.Is(err, ledger.ErrUnknownEvent) {
			return nil, CodeNotFound, err
		}
		if err != nil {
			return failed(err)
		}
		return EventView{Event: s.Event, Sold: s.Sold}, CodeOK, nil
	case PathFacts:
		req, err := ticket.ParseRequest(data)
		if err != nil {
			return failed(err)
		}
		f, err := l.Facts(ctx, req)
		if err != nil {
			return failed(err)
		}
		return FactsView{Held: f.Held, Event: f.Event, Cancellation: f.Cancellation,
			Seller: Standing{Reputation: f.Seller.Reputation, Transfers: f.Seller.Transfers}}, CodeOK, nil
	case PathStanding:
		s, err := l.Standing(ctx, string(data))
		if err != nil {
			return failed(err)
		}
		return StandingView{Certificate: string(data), Reputation: s.Reputation, Transfers: s.Transfers}, CodeOK, nil
	case PathHeld:
		var q HeldQuery
		if err := json.Unmarshal(data, &q); err != nil {
			return failed(err)
		}
		n, err := l.Held(ctx, q.Event, q.Certificate)
		if err != nil {
			return failed(err)
		}
		return HeldView{Event: q.Event, Certificate: q.Certificate, Held: n}, CodeOK, nil
	}
	return nil, CodeUnknownQuery, fmt.Errorf("app: unknown query path %q", path)
}

// queryStore answers PathStore into res.
func (a *App) queryStore(req *abci.RequestQuery, res *abci.ResponseQuery) (*abci.ResponseQuery, error) {
	key := slices.Clone(req.Data)
	res.Key = key
	if !Committed(key) {
		res.Code, res.Log = CodeBadQuery, fmt.Sprintf("app: key %x is not in the committed state", key)
		return res, nil
	}
	var err error
	if req.Prove {
		res.Value, res.ProofOps, err = a.commit.prove(key)
	} else {
		res.Value, err = a.db.Get(key)
	}
	if err != nil {
		res.Code, res.Log = CodeInternal, err.Error()
	}
	return res, nil
}
