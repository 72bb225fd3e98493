package ledger

import (
	"context"

	"github.com/cbets/cbets/ticket"
)

// Store keeps a ledger's state: events with their counters, tickets with
// their records, held counts and standings. A Ledger does every check; a
// Store only keeps what it is given, atomically. MemStore is the in-memory
// implementation; ledgertest.TestStore is the conformance suite every
// implementation must pass.
type Store interface {
	// Update runs fn in a read-write transaction and commits what it wrote
	// if fn returns nil; if fn returns an error, nothing it wrote is kept
	// and Update returns that error unchanged. Concurrent Updates must be
	// serializable: the outcome is that of some order in which each ran
	// alone. A store may run fn again after a conflict (fn then starts
	// from the state of the new transaction), so fn has no effects but
	// through tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// state. Writes through tx fail.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction of a Store. Values passed in and returned are
// owned by the caller: a store keeps encodings or copies, never the
// caller's pointers.
type Tx interface {
	// Event returns the event with this id and its counters, or an error
	// wrapping ErrNotFound.
	Event(id string) (EventState, error)
	// PutEvent stores an event's state: a new event, or new counters of
	// one already stored (whose Event must then be the stored one).
	PutEvent(s EventState) error

	// Ticket returns the ticket's state after its latest record, or an
	// error wrapping ErrNotFound.
	Ticket(event, serial string) (*ticket.Ticket, error)
	// Records returns the ticket's records in order (none when the ticket
	// does not exist).
	Records(event, serial string) ([]*ticket.Record, error)
	// Append stores rec as the next record of ticket (t.Event, t.Serial)
	// and t as the ticket's state after it.
	Append(t *ticket.Ticket, rec *ticket.Record) error

	// Held returns how many tickets of event the certificate holds (0
	// when none were recorded).
	Held(event, cert string) (int, error)
	// SetHeld records that count.
	SetHeld(event, cert string, n int) error

	// Standing returns the certificate's standing, and false when none
	// was recorded.
	Standing(cert string) (ticket.Standing, bool, error)
	// SetStanding records the certificate's standing.
	SetStanding(cert string, s ticket.Standing) error
}

// CancellationTx is what a Tx needs besides Tx for cancelled events: the
// event's cancellation and the list of its tickets. A Ledger over a store
// whose transactions do not implement it cannot cancel events (Cancel and
// RefundsOwed fail with ErrStore) and applies records as for events never
// cancelled.
type CancellationTx interface {
	// Cancellation returns the event's cancellation, or an error wrapping
	// ErrNotFound.
	Cancellation(event string) (*ticket.Cancellation, error)
	// PutCancellation stores the cancellation of c.Event(), which has
	// none.
	PutCancellation(c *ticket.Cancellation) error
	// Tickets returns the states of the event's tickets (none when it has
	// none), in any order.
	Tickets(event string) ([]*ticket.Ticket, error)
}

// EventState is a published event and its counters.
type EventState struct {
	Event *ticket.Event
	// Sold counts the event's tickets bought and not returned: a Return
	// gives its seat back.
	Sold uint32
	// Serials counts the serials allocated: serials 1 to Serials have
	// been handed out, each once.
	Serials uint64
}
