package app

import (
	"sync"

	"github.com/cbets/cbets/ticket"
)

// decodedSize bounds each generation of a memo: a memo holds at most
// twice as many values. It covers a full mempool's records, and the
// tickets and events a few blocks touch.
const decodedSize = 4096

// memo remembers values decoded from bytes, keyed by those exact bytes, so
// that the same bytes are not decoded again: a stored ticket entry or
// event read by every record of it, a transaction checked by CheckTx,
// rechecked after each commit, then run in its block. Decoding is
// deterministic, so a value found here is the one decoding would give.
//
// It is bounded: it keeps two generations of at most size values each;
// when the current one is full it becomes the previous one and the oldest
// is dropped, and a value found in the previous one moves to the current.
// It is safe for concurrent use. A nil memo remembers nothing.
//
// The values it holds must not change: a caller of get that hands a value
// out, or may change it, copies it first.
type memo[V any] struct {
	mu        sync.Mutex
	size      int
	cur, prev map[string]V
}

func newMemo[V any](size int) *memo[V] {
	return &memo[V]{size: size, cur: make(map[string]V)}
}

// get returns the value remembered for b.
func (m *memo[V]) get(b []byte) (V, bool) {
	var zero V
	if m == nil {
		return zero, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.cur[string(b)]; ok {
		return v, true
	}
	v, ok := m.prev[string(b)]
	if ok {
		delete(m.prev, string(b))
		m.add(string(b), v)
	}
	return v, ok
}

// put remembers v as the value decoded from b.
func (m *memo[V]) put(b []byte, v V) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.add(string(b), v)
}

// add adds k to the current generation, starting a new one when it is
// full. The caller holds m.mu.
func (m *memo[V]) add(k string, v V) {
	if len(m.cur) >= m.size {
		m.prev, m.cur = m.cur, make(map[string]V, m.size)
	}
	m.cur[k] = v
}

// len returns the number of values m holds.
func (m *memo[V]) len() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.prev)
}

// decoded holds what a Store decodes from its values: events by their
// encoding, and ticket entries by theirs. Each Store over an
// application's database shares the application's; nothing is shared
// between applications.
type decoded struct {
	events  *memo[*ticket.Event]
	tickets *memo[ticketEntry]
}

// ticketEntry is a decoded ticket entry: its record count and state.
type ticketEntry struct {
	n uint32
	t *ticket.Ticket
}

func newDecoded() *decoded {
	return &decoded{events: newMemo[*ticket.Event](decodedSize), tickets: newMemo[ticketEntry](decodedSize)}
}

// event decodes an event's encoding, through the memo.
func (d *decoded) event(b []byte) (*ticket.Event, error) {
	if d != nil {
		if ev, ok := d.events.get(b); ok {
			return copyEvent(ev), nil
		}
	}
	ev, err := ticket.ParseEvent(b)
	if err != nil {
		return nil, err
	}
	if d != nil {
		d.events.put(b, copyEvent(ev))
	}
	return ev, nil
}

// ticket decodes a ticket entry, through the memo.
func (d *decoded) ticket(b []byte) (uint32, *ticket.Ticket, error) {
	if d != nil {
		if e, ok := d.tickets.get(b); ok {
			return e.n, copyTicket(e.t), nil
		}
	}
	n, t, err := decodeTicket(b)
	if err != nil {
		return 0, nil, err
	}
	if d != nil {
		d.tickets.put(b, ticketEntry{n, copyTicket(t)})
	}
	return n, t, nil
}

// copyEvent returns a copy of ev that shares nothing a caller can change
// with it: an Event's fields are unexported, and only UnmarshalJSON,
// which replaces them all, writes them; its keys and signature are
// immutable.
func copyEvent(ev *ticket.Event) *ticket.Event {
	c := *ev
	return &c
}

// copyTicket returns a copy of t that shares nothing a caller can change
// with it: the Ticket's fields are its own, and so is its holder's
// Certificate (whose fields only UnmarshalJSON writes); the keys,
// signatures and the event and cancellation it points to (nil in a
// decoded entry) are immutable or copied by their own readers.
func copyTicket(t *ticket.Ticket) *ticket.Ticket {
	c := *t
	if t.Holder != nil {
		h := *t.Holder
		c.Holder = &h
	}
	return &c
}
