// Package desk is a merchant's front end on the ledger: it reads a ticket
// and the facts from a node, runs the merchant's transition (package
// ticket) and submits the signed record as a transaction. The validators
// then re-verify the record; the desk is the only place the merchant's
// secret key is used.
package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/libs/bytes"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/examples/cometbft/app"
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
	return fmt.Sprintf("desk: ledger refused the record (%s, code %d): %s", where, e.Code, e.Log)
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
	Verifier *ticket.Verifier // to replay what the ledger returns
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

// Submit broadcasts rec and waits until it is committed or refused. It
// returns the height of the block that holds it.
func Submit(ctx context.Context, l Ledger, rec *ticket.Record) (int64, error) {
	res, err := l.BroadcastTxCommit(ctx, rec.Bytes())
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

// History returns a ticket's records as the ledger holds them, and the
// ticket Replay rebuilds from them (so the desk trusts no node blindly).
func History(ctx context.Context, l Ledger, v *ticket.Verifier, event, serial string) (*ticket.Ticket, []*ticket.Record, error) {
	q, _ := json.Marshal(app.TicketQuery{Event: event, Serial: serial})
	view, err := query[app.TicketView](ctx, l, app.PathTicket, q)
	if err != nil {
		return nil, nil, err
	}
	t, err := ticket.Replay(view.Records, v)
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
	return int(h.Held), nil
}

// Ticket returns the ticket's current state on the ledger.
func (d *Desk) Ticket(ctx context.Context, event, serial string) (*ticket.Ticket, error) {
	t, _, err := History(ctx, d.Ledger, d.Verifier, event, serial)
	return t, err
}

// Buy runs Algorithm 1 with the ledger's count of the buyer's tickets.
func (d *Desk) Buy(ctx context.Context, req *ticket.Request) (*Committed, error) {
	held, err := Held(ctx, d.Ledger, req.Event, req.Cert.ID())
	if err != nil {
		return nil, err
	}
	t, rec, err := d.Merchant.Buy(req, ticket.Facts{Held: held}, d.now())
	return d.submit(ctx, t, rec, err)
}

// List accepts the holder's listing with the holder's standing on the
// ledger.
func (d *Desk) List(ctx context.Context, req *ticket.Request) (*Committed, error) {
	cur, err := d.Ticket(ctx, req.Event, req.Serial)
	if err != nil {
		return nil, err
	}
	st, err := Standing(ctx, d.Ledger, cur.Holder.ID())
	if err != nil {
		return nil, err
	}
	t, rec, err := d.Merchant.List(cur, req, ticket.Facts{Seller: st}, d.now())
	return d.submit(ctx, t, rec, err)
}

// Delist takes a listing back.
func (d *Desk) Delist(ctx context.Context, req *ticket.Request) (*Committed, error) {
	cur, err := d.Ticket(ctx, req.Event, req.Serial)
	if err != nil {
		return nil, err
	}
	t, rec, err := d.Merchant.Delist(cur, req, d.now())
	return d.submit(ctx, t, rec, err)
}

// Transfer runs Algorithm 3 with the buyer's count of tickets and the
// seller's standing on the ledger.
func (d *Desk) Transfer(ctx context.Context, req *ticket.Request) (*Committed, error) {
	cur, err := d.Ticket(ctx, req.Event, req.Serial)
	if err != nil {
		return nil, err
	}
	held, err := Held(ctx, d.Ledger, req.Event, req.Cert.ID())
	if err != nil {
		return nil, err
	}
	st, err := Standing(ctx, d.Ledger, cur.Holder.ID())
	if err != nil {
		return nil, err
	}
	t, rec, err := d.Merchant.Transfer(cur, req, ticket.Facts{Held: held, Seller: st}, d.now())
	return d.submit(ctx, t, rec, err)
}

// Consume runs Algorithm 2: the merchant completes the holder's ω.
func (d *Desk) Consume(ctx context.Context, req *ticket.Request) (*Committed, error) {
	cur, err := d.Ticket(ctx, req.Event, req.Serial)
	if err != nil {
		return nil, err
	}
	t, rec, err := d.Merchant.Consume(cur, req, d.now())
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
