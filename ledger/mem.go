package ledger

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/cbets/cbets/ticket"
)

// MemStore is a Store in memory: every Update runs alone, under one lock,
// against a copy-on-write view that is kept only if it succeeds. It is safe
// for concurrent use; its zero value is not, use NewMemStore. Its
// transactions implement CancellationTx.
type MemStore struct {
	mu sync.RWMutex
	s  memState
}

type heldKey struct{ event, cert string }

type ticketKey struct{ event, serial string }

type memState struct {
	events    map[string]EventState
	tickets   map[ticketKey]ticket.Ticket
	records   map[ticketKey][]*ticket.Record
	held      map[heldKey]int
	standings map[string]ticket.Standing
	cancelled map[string]*ticket.Cancellation
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{s: memState{
		events:    map[string]EventState{},
		tickets:   map[ticketKey]ticket.Ticket{},
		records:   map[ticketKey][]*ticket.Record{},
		held:      map[heldKey]int{},
		standings: map[string]ticket.Standing{},
		cancelled: map[string]*ticket.Cancellation{},
	}}
}

// check refuses a MemStore not made by NewMemStore, a nil context or
// function, and a context that is done.
func (m *MemStore) check(ctx context.Context, fn func(Tx) error) error {
	switch {
	case m == nil || m.s.events == nil || m.s.cancelled == nil:
		return fmt.Errorf("%w: MemStore not made by NewMemStore", ErrStore)
	case ctx == nil:
		return fmt.Errorf("%w: nil context", ErrStore)
	case fn == nil:
		return fmt.Errorf("%w: nil transaction function", ErrStore)
	}
	return ctx.Err()
}

// Update implements Store.
func (m *MemStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := m.check(ctx, fn); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{base: &m.s, writable: true}
	if err := fn(tx); err != nil {
		return err
	}
	tx.commit()
	return nil
}

// View implements Store.
func (m *MemStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := m.check(ctx, fn); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{base: &m.s})
}

// memTx reads through its writes to the base state; commit moves them in.
type memTx struct {
	base      *memState
	writable  bool
	events    map[string]EventState
	tickets   map[ticketKey]ticket.Ticket
	appended  map[ticketKey][]*ticket.Record
	held      map[heldKey]int
	standings map[string]ticket.Standing
	cancelled map[string]*ticket.Cancellation
}

var _ CancellationTx = (*memTx)(nil)

func (tx *memTx) write() error {
	if !tx.writable {
		return fmt.Errorf("%w: write in a read-only transaction", ErrStore)
	}
	return nil
}

func lookup[K comparable, V any](over, base map[K]V, k K) (V, bool) {
	if v, ok := over[k]; ok {
		return v, true
	}
	v, ok := base[k]
	return v, ok
}

func put[K comparable, V any](m *map[K]V, k K, v V) {
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[k] = v
}

func (tx *memTx) Event(id string) (EventState, error) {
	s, ok := lookup(tx.events, tx.base.events, id)
	if !ok {
		return EventState{}, fmt.Errorf("%w: event %q", ErrNotFound, id)
	}
	return s, nil
}

func (tx *memTx) PutEvent(s EventState) error {
	if err := tx.write(); err != nil {
		return err
	}
	if s.Event.Bytes() == nil {
		return fmt.Errorf("%w: PutEvent without an event", ErrStore)
	}
	put(&tx.events, s.Event.ID(), s)
	return nil
}

func (tx *memTx) Ticket(event, serial string) (*ticket.Ticket, error) {
	t, ok := lookup(tx.tickets, tx.base.tickets, ticketKey{event, serial})
	if !ok {
		return nil, fmt.Errorf("%w: ticket %q/%q", ErrNotFound, event, serial)
	}
	return &t, nil
}

func (tx *memTx) Records(event, serial string) ([]*ticket.Record, error) {
	k := ticketKey{event, serial}
	recs := slices.Concat(tx.base.records[k], tx.appended[k])
	for i, r := range recs {
		recs[i] = cloneRecord(r)
	}
	return recs, nil
}

func (tx *memTx) Append(t *ticket.Ticket, rec *ticket.Record) error {
	if err := tx.write(); err != nil {
		return err
	}
	if t == nil || rec == nil {
		return fmt.Errorf("%w: Append of a nil ticket or record", ErrStore)
	}
	k := ticketKey{t.Event, t.Serial}
	put(&tx.tickets, k, *t)
	if tx.appended == nil {
		tx.appended = map[ticketKey][]*ticket.Record{}
	}
	tx.appended[k] = append(tx.appended[k], cloneRecord(rec))
	return nil
}

func (tx *memTx) Held(event, cert string) (int, error) {
	n, _ := lookup(tx.held, tx.base.held, heldKey{event, cert})
	return n, nil
}

func (tx *memTx) SetHeld(event, cert string, n int) error {
	if err := tx.write(); err != nil {
		return err
	}
	put(&tx.held, heldKey{event, cert}, n)
	return nil
}

func (tx *memTx) Standing(cert string) (ticket.Standing, bool, error) {
	s, ok := lookup(tx.standings, tx.base.standings, cert)
	return s, ok, nil
}

func (tx *memTx) SetStanding(cert string, s ticket.Standing) error {
	if err := tx.write(); err != nil {
		return err
	}
	put(&tx.standings, cert, s)
	return nil
}

// Cancellation implements CancellationTx.
func (tx *memTx) Cancellation(event string) (*ticket.Cancellation, error) {
	c, ok := lookup(tx.cancelled, tx.base.cancelled, event)
	if !ok {
		return nil, fmt.Errorf("%w: cancellation of %q", ErrNotFound, event)
	}
	return c, nil
}

// PutCancellation implements CancellationTx.
func (tx *memTx) PutCancellation(c *ticket.Cancellation) error {
	if err := tx.write(); err != nil {
		return err
	}
	if c.Bytes() == nil {
		return fmt.Errorf("%w: PutCancellation without a cancellation", ErrStore)
	}
	put(&tx.cancelled, c.Event(), c)
	return nil
}

// Tickets implements CancellationTx.
func (tx *memTx) Tickets(event string) ([]*ticket.Ticket, error) {
	keys := map[ticketKey]bool{}
	for _, m := range []map[ticketKey]ticket.Ticket{tx.base.tickets, tx.tickets} {
		for k := range m {
			if k.event == event {
				keys[k] = true
			}
		}
	}
	var out []*ticket.Ticket
	for k := range keys {
		t, _ := lookup(tx.tickets, tx.base.tickets, k)
		out = append(out, &t)
	}
	return out, nil
}

func (tx *memTx) commit() {
	b := tx.base
	maps.Copy(b.cancelled, tx.cancelled)
	maps.Copy(b.events, tx.events)
	maps.Copy(b.tickets, tx.tickets)
	maps.Copy(b.held, tx.held)
	maps.Copy(b.standings, tx.standings)
	for k, recs := range tx.appended {
		b.records[k] = append(b.records[k], recs...)
	}
}

// cloneRecord copies a record deeply enough that neither the caller nor
// the store can change the other's: the slices and the request are new.
func cloneRecord(r *ticket.Record) *ticket.Record {
	c := *r
	if r.Request != nil {
		q := *r.Request
		q.Sig = slices.Clone(q.Sig)
		c.Request = &q
	}
	c.Consumption = slices.Clone(r.Consumption)
	c.MerchantSig = slices.Clone(r.MerchantSig)
	return &c
}
