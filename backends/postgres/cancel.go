package postgres

import (
	"fmt"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/jackc/pgx/v5"
)

var _ ledger.CancellationTx = (*tx)(nil)

// Cancellation implements ledger.CancellationTx. An event's cancellation
// shares the event's lock, and comes with the event when the transaction
// has read it.
func (tx *tx) Cancellation(event string) (*ticket.Cancellation, error) {
	if err := tx.use(); err != nil {
		return nil, err
	}
	enc, ok := tx.cancels[event]
	if !ok {
		enc, ok = tx.cancelRead[event]
	}
	if !ok {
		err := tx.query("reading a cancellation", tx.s.lockKey(kindEvent, event), tx.s.sql.cancellation,
			[]any{[]byte(event)}, func(r pgx.Rows) error { return r.Scan(&enc) })
		if err != nil {
			return nil, err
		}
	}
	if enc == nil {
		return nil, fmt.Errorf("%w: cancellation of %q", ledger.ErrNotFound, event)
	}
	what := fmt.Sprintf("cancellation of %q", event)
	c, err := ticket.ParseCancellation(enc)
	if err != nil {
		return nil, corrupt(what, err)
	}
	if c.Event() != event {
		return nil, corrupt(what, fmt.Errorf("it cancels %q", c.Event()))
	}
	return c, nil
}

// PutCancellation implements ledger.CancellationTx. A second cancellation
// of an event fails when fn returns.
func (tx *tx) PutCancellation(c *ticket.Cancellation) error {
	if err := tx.write(); err != nil {
		return err
	}
	enc := c.Bytes()
	if enc == nil {
		return fmt.Errorf("%w: postgres: PutCancellation without a cancellation", ledger.ErrStore)
	}
	if tx.cancels == nil {
		tx.cancels = map[string][]byte{}
	}
	tx.cancels[c.Event()] = enc
	return nil
}

// Tickets implements ledger.CancellationTx. In an Update it reads under the
// event's lock, which every Append of a ticket of the event also takes, so
// that no ticket is added to the set while the transaction runs.
func (tx *tx) Tickets(event string) ([]*ticket.Ticket, error) {
	var (
		serials [][]byte
		rows    []ticketRow
	)
	err := tx.query("reading an event's tickets", tx.s.lockKey(kindEvent, event), tx.s.sql.tickets,
		[]any{[]byte(event)}, func(r pgx.Rows) error {
			var (
				serial []byte
				row    ticketRow
			)
			err := r.Scan(append([]any{&serial}, row.dest()...)...)
			serials, rows = append(serials, serial), append(rows, row)
			return err
		})
	if err != nil {
		return nil, err
	}
	var out []*ticket.Ticket
	for i, row := range rows {
		serial := string(serials[i])
		if _, ok := tx.tickets[ticketKey{event, serial}]; ok {
			continue // written in this transaction: below
		}
		t, err := row.decode(event, serial)
		if err != nil {
			return nil, corrupt(fmt.Sprintf("ticket %q/%q", event, serial), err)
		}
		out = append(out, t)
	}
	for _, k := range sortedKeys(tx.tickets, compareTicketKeys) {
		if k.event == event {
			t := tx.tickets[k].t
			out = append(out, &t)
		}
	}
	return out, nil
}
