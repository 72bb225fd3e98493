package app

import (
	"context"
	"encoding/json"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cbets/cbets/ticket"
)

// Query paths.
const (
	PathTicket   = "/ticket"
	PathStanding = "/standing"
	PathHeld     = "/held"
)

// TicketQuery names a ticket (data of PathTicket).
type TicketQuery struct {
	Event  string `json:"event"`
	Serial string `json:"serial"`
}

// TicketView answers PathTicket: the ticket as Replay rebuilds it from its
// records, and the records. Clients replay the records themselves to get a
// ticket.Ticket; Ticket is for people.
type TicketView struct {
	Ticket  json.RawMessage  `json:"ticket"`
	Records []*ticket.Record `json:"records"`
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
	Held        uint32 `json:"held"`
}

// Query answers from the last committed state; only the latest height is
// kept.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	res := &abci.ResponseQuery{Codespace: Codespace, Height: a.height}
	fail := func(code uint32, err error) (*abci.ResponseQuery, error) {
		res.Code, res.Log = code, err.Error()
		return res, nil
	}
	if req.Height != 0 && req.Height != a.height {
		return fail(CodeBadQuery, fmt.Errorf("app: only the latest height %d is kept", a.height))
	}
	v := newView(a.db)
	var out any
	switch req.Path {
	case PathTicket:
		var q TicketQuery
		if err := json.Unmarshal(req.Data, &q); err != nil {
			return fail(CodeBadQuery, err)
		}
		tk := ticketKey(q.Event, q.Serial)
		e, ok, err := v.entry(tk)
		if err != nil {
			return fail(CodeInternal, err)
		}
		if !ok {
			return fail(CodeNotFound, fmt.Errorf("app: no ticket %s/%s", q.Event, q.Serial))
		}
		recs, err := v.records(tk, e.count)
		if err != nil {
			return fail(CodeInternal, err)
		}
		t, err := ticket.Replay(recs, a.verifier)
		if err != nil {
			return fail(CodeInternal, err)
		}
		tj, err := json.Marshal(t)
		if err != nil {
			return fail(CodeInternal, err)
		}
		out = TicketView{Ticket: tj, Records: recs}
	case PathStanding:
		s, err := v.standing(string(req.Data))
		if err != nil {
			return fail(CodeInternal, err)
		}
		out = StandingView{Certificate: string(req.Data), Reputation: s.Reputation, Transfers: s.Transfers}
	case PathHeld:
		var q HeldQuery
		if err := json.Unmarshal(req.Data, &q); err != nil {
			return fail(CodeBadQuery, err)
		}
		n, err := v.held(q.Event, q.Certificate)
		if err != nil {
			return fail(CodeInternal, err)
		}
		out = HeldView{Event: q.Event, Certificate: q.Certificate, Held: n}
	default:
		return fail(CodeUnknownQuery, fmt.Errorf("app: unknown query path %q", req.Path))
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fail(CodeInternal, err)
	}
	res.Value = b
	return res, nil
}
