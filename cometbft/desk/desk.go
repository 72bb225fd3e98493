// Package desk is a merchant's front end on the ledger: it publishes the
// merchant's events, reads a ticket and the facts from a node, runs the
// merchant's transition (package ticket) and submits the signed record as a
// transaction. The validators
// then re-verify the record; the desk is the only place the merchant's
// secret key is used.
package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cometbft/cometbft/libs/bytes"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ticket"
)

// Ledger is what the desk needs of a node; CometBFT's RPC clients (local
// and HTTP) have it.
type Ledger interface {
	ABCIQuery(ctx context.Context, path string, data bytes.HexBytes) (*ctypes.ResultABCIQuery, error)
	BroadcastTxCommit(ctx context.Context, tx types.Tx) (*ctypes.ResultBroadcastTxCommit, error)
}

// RejectedError reports a transaction the ledger refused: at CheckTx (the
// mempool) or in the block (FinalizeBlock).
type RejectedError struct {
	InBlock bool
	Code    uint32
	Log     string
}

func (e *RejectedError) Error() string {
	where := "check"
	if e.InBlock {
		where = "block"
	}
	return fmt.Sprintf("desk: ledger refused the transaction (%s, code %d): %s", where, e.Code, e.Log)
}

// Committed is a record the ledger committed.
type Committed struct {
	Ticket *ticket.Ticket
	Record *ticket.Record
	Height int64
}

// Desk runs one merchant's transitions against a ledger.
type Desk struct {
	Merchant *ticket.Merchant
	// Verifier holds the ledger's keys and policy (app.Genesis.Verifier),
	// to replay what the ledger returns; the desk adds each ticket's
	// event, read from the ledger.
	Verifier *ticket.Verifier
	Ledger   Ledger
	// Now is the merchant's clock; nil means time.Now.
	Now func() time.Time
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// SubmitTx broadcasts a transaction and waits until it is committed or
// refused. It returns the height of the block that holds it.
func SubmitTx(ctx context.Context, l Ledger, tx []byte) (int64, error) {
	res, err := l.BroadcastTxCommit(ctx, tx)
	if err != nil {
		return 0, err
	}
	if res.CheckTx.Code != app.CodeOK {
		return 0, &RejectedError{Code: res.CheckTx.Code, Log: res.CheckTx.Log}
	}
	if res.TxResult.Code != app.CodeOK {
		return res.Height, &RejectedError{InBlock: true, Code: res.TxResult.Code, Log: res.TxResult.Log}
	}
	return res.Height, nil
}

// Submit submits a record (SubmitTx).
func Submit(ctx context.Context, l Ledger, rec *ticket.Record) (int64, error) {
	return SubmitTx(ctx, l, rec.Bytes())
}

func query[T any](ctx context.Context, l Ledger, path string, data []byte) (*T, error) {
	res, err := l.ABCIQuery(ctx, path, data)
	if err != nil {
		return nil, err
	}
	if res.Response.Code != app.CodeOK {
		return nil, fmt.Errorf("desk: query %s: code %d: %s", path, res.Response.Code, res.Response.Log)
	}
	var v T
	if err := json.Unmarshal(res.Response.Value, &v); err != nil {
		return nil, fmt.Errorf("desk: query %s: %w", path, err)
	}
	return &v, nil
}

// Event returns a published event. Its signature is checked by whoever
// relies on it: Merchant.Buy and Replay verify it against the ticket's
// merchant.
func Event(ctx context.Context, l Ledger, id string) (*ticket.Event, error) {
	v, err := query[app.EventView](ctx, l, app.PathEvent, []byte(id))
	if err != nil {
		return nil, err
	}
	if v.Event == nil || v.Event.ID() != id {
		return nil, fmt.Errorf("desk: query %s: the ledger returned another event than %q", app.PathEvent, id)
	}
	return v.Event, nil
}

// Facts returns the facts the ledger gives for a request, as the
// validators will check them.
func Facts(ctx context.Context, l Ledger, req *ticket.Request) (ticket.Facts, error) {
	v, err := query[app.FactsView](ctx, l, app.PathFacts, req.Bytes())
	if err != nil {
		return ticket.Facts{}, err
	}
	return v.Facts(), nil
}

// History returns a ticket's records as the ledger holds them, and the
// ticket Replay rebuilds from them under v and the ticket's event as the
// ledger holds it (so the desk trusts no node blindly: Replay checks every
// signature, the event's included).
func History(ctx context.Context, l Ledger, v *ticket.Verifier, event, serial string) (*ticket.Ticket, []*ticket.Record, error) {
	ev, err := Event(ctx, l, event)
	if err != nil {
		return nil, nil, err
	}
	q, _ := json.Marshal(app.TicketQuery{Event: event, Serial: serial})
	view, err := query[app.TicketView](ctx, l, app.PathTicket, q)
	if err != nil {
		return nil, nil, err
	}
	withEvent := *v
	withEvent.Events = append(slices.Clone(v.Events), ev)
	t, err := ticket.Replay(view.Records, &withEvent)
	if err != nil {
		return nil, nil, err
	}
	return t, view.Records, nil
}

// Standing returns the ledger's standing of a certificate.
func Standing(ctx context.Context, l Ledger, cert string) (ticket.Standing, error) {
	s, err := query[app.StandingView](ctx, l, app.PathStanding, []byte(cert))
	if err != nil {
		return ticket.Standing{}, err
	}
	return ticket.Standing{Reputation: s.Reputation, Transfers: s.Transfers}, nil
}

// Held returns how many tickets of the event the certificate holds.
func Held(ctx context.Context, l Ledger, event, cert string) (int, error) {
	q, _ := json.Marshal(app.HeldQuery{Event: event, Certificate: cert})
	h, err := query[app.HeldView](ctx, l, app.PathHeld, q)
	if err != nil {
		return 0, err
	}
	return h.Held, nil
}

// Publish publishes an event the merchant signed (ticket.NewEvent) and
// waits until it is committed. Tickets of the event can be sold from the
// next block on.
func (d *Desk) Publish(ctx context.Context, ev *ticket.Event) (int64, error) {
	if ev == nil || ev.Bytes() == nil {
		return 0, fmt.Errorf("desk: Publish of a nil or zero event")
	}
	return SubmitTx(ctx, d.Ledger, ev.Bytes())
}

// Ticket returns the ticket's current state on the ledger.
func (d *Desk) Ticket(ctx context.Context, event, serial string) (*ticket.Ticket, error) {
	t, _, err := History(ctx, d.Ledger, d.Verifier, event, serial)
	return t, err
}

// Buy runs Algorithm 1 with the ledger's facts: the event's terms and the
// buyer's count of its tickets.
func (d *Desk) Buy(ctx context.Context, req *ticket.Request) (*Committed, error) {
	return d.run(ctx, req, false, true, func(_ *ticket.Ticket, f ticket.Facts, now time.Time) (*ticket.Ticket, *ticket.Record, error) {
		return d.Merchant.Buy(req, f, now)
	})
}

// List accepts the holder's listing with the holder's standing on the
// ledger.
func (d *Desk) List(ctx context.Context, req *ticket.Request) (*Committed, error) {
	return d.run(ctx, req, true, true, func(cur *ticket.Ticket, f ticket.Facts, now time.Time) (*ticket.Ticket, *ticket.Record, error) {
		return d.Merchant.List(cur, req, f, now)
	})
}

// Delist takes a listing back.
func (d *Desk) Delist(ctx context.Context, req *ticket.Request) (*Committed, error) {
	return d.run(ctx, req, true, false, func(cur *ticket.Ticket, _ ticket.Facts, now time.Time) (*ticket.Ticket, *ticket.Record, error) {
		return d.Merchant.Delist(cur, req, now)
	})
}

// Transfer runs Algorithm 3 with the ledger's facts: the buyer's count of
// tickets and the seller's standing.
func (d *Desk) Transfer(ctx context.Context, req *ticket.Request) (*Committed, error) {
	return d.run(ctx, req, true, true, func(cur *ticket.Ticket, f ticket.Facts, now time.Time) (*ticket.Ticket, *ticket.Record, error) {
		return d.Merchant.Transfer(cur, req, f, now)
	})
}

// Consume runs Algorithm 2: the merchant completes the holder's ω.
func (d *Desk) Consume(ctx context.Context, req *ticket.Request) (*Committed, error) {
	return d.run(ctx, req, true, false, func(cur *ticket.Ticket, _ ticket.Facts, now time.Time) (*ticket.Ticket, *ticket.Record, error) {
		return d.Merchant.Consume(cur, req, now)
	})
}

// run reads what a transition needs from the ledger — the ticket (held)
// and the facts (facts) — runs it at the desk's time and submits the
// record.
func (d *Desk) run(ctx context.Context, req *ticket.Request, held, facts bool,
	step func(cur *ticket.Ticket, f ticket.Facts, now time.Time) (*ticket.Ticket, *ticket.Record, error)) (*Committed, error) {
	var (
		cur *ticket.Ticket
		f   ticket.Facts
		err error
	)
	if held {
		if cur, err = d.Ticket(ctx, req.Event, req.Serial); err != nil {
			return nil, err
		}
	}
	if facts {
		if f, err = Facts(ctx, d.Ledger, req); err != nil {
			return nil, err
		}
	}
	t, rec, err := step(cur, f, d.now())
	return d.submit(ctx, t, rec, err)
}

func (d *Desk) submit(ctx context.Context, t *ticket.Ticket, rec *ticket.Record, err error) (*Committed, error) {
	if err != nil {
		return nil, err
	}
	h, err := Submit(ctx, d.Ledger, rec)
	if err != nil {
		return nil, err
	}
	return &Committed{Ticket: t, Record: rec, Height: h}, nil
}
