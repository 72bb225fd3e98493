package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// Keys of the database. Keys of two parts write each part with a uvarint
// length prefix, so distinct parts give distinct keys.
var (
	keyHeight  = []byte("m/height")  // u64 last committed height
	keyAppHash = []byte("m/apphash") // last committed app hash
	keyChanged = []byte("m/changed") // u64 height of the block that last changed the app hash
	keyGenesis = []byte("m/genesis") // genesis app state

	prefixCancel   = []byte("c/") // event id → cancellation encoding
	prefixEvent    = []byte("e/") // event id → u32 sold ‖ u64 serials ‖ event encoding
	prefixTicket   = []byte("t/") // ticket key → u32 records ‖ ticket state
	prefixRecord   = []byte("r/") // ticket key ‖ u32 index → record encoding
	prefixHeld     = []byte("h/") // lp(event) ‖ lp(certificate) → u64 count
	prefixStanding = []byte("s/") // certificate → i64 reputation ‖ u32 transfers
)

func lp(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

func key(prefix []byte, parts ...string) []byte {
	k := slices.Clone(prefix)
	if len(parts) == 1 {
		return append(k, parts[0]...)
	}
	for _, p := range parts {
		k = lp(k, p)
	}
	return k
}

func recordKey(event, serial string, i uint32) []byte {
	return binary.BigEndian.AppendUint32(key(prefixRecord, event, serial), i)
}

// The keys of the committed state, for the "/store" query. Their values
// decode with ParseEventEntry, ticket.ParseCancellation, ParseTicketEntry,
// ticket.ParseRecord, ParseHeld, ParseStanding and ParseGenesis.

// GenesisKey returns the key of the genesis app state (Genesis as JSON, the
// bytes of the genesis document's app_state).
func GenesisKey() []byte { return slices.Clone(keyGenesis) }

// EventKey returns the key of an event's entry: u32 sold ‖ u64 serials ‖
// the event's encoding.
func EventKey(id string) []byte { return key(prefixEvent, id) }

// CancellationKey returns the key of an event's cancellation (its
// encoding).
func CancellationKey(event string) []byte { return key(prefixCancel, event) }

// TicketKey returns the key of a ticket's entry: its record count and its
// state after the latest record.
func TicketKey(event, serial string) []byte { return key(prefixTicket, event, serial) }

// RecordKey returns the key of a ticket's i-th record (from 0), its
// encoding.
func RecordKey(event, serial string, i uint32) []byte { return recordKey(event, serial, i) }

// HeldKey returns the key of the number of an event's tickets a
// certificate holds (u64); absent means none.
func HeldKey(event, cert string) []byte { return key(prefixHeld, event, cert) }

// StandingKey returns the key of a certificate's standing (i64 reputation
// ‖ u32 transfers); absent means the genesis's initial standing.
func StandingKey(cert string) []byte { return key(prefixStanding, cert) }

// ErrEntry reports a stored value that does not decode.
var ErrEntry = errors.New("app: malformed entry")

// ParseEventEntry decodes an event's entry (EventKey).
func ParseEventEntry(b []byte) (ledger.EventState, error) {
	s, err := decodeEvent(nil, b)
	if err != nil {
		return ledger.EventState{}, fmt.Errorf("%w: event: %w", ErrEntry, err)
	}
	return s, nil
}

// ParseTicketEntry decodes a ticket's entry (TicketKey): the number of
// its records and its state.
func ParseTicketEntry(b []byte) (uint32, *ticket.Ticket, error) {
	n, t, err := decodeTicket(b)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: ticket: %w", ErrEntry, err)
	}
	return n, t, nil
}

// ParseHeld decodes a held count (HeldKey).
func ParseHeld(b []byte) (int, error) {
	n, err := decodeHeld(b)
	if err != nil {
		return 0, fmt.Errorf("%w: held count: %w", ErrEntry, err)
	}
	return n, nil
}

// ParseStanding decodes a standing (StandingKey).
func ParseStanding(b []byte) (ticket.Standing, error) {
	s, err := decodeStanding(b)
	if err != nil {
		return ticket.Standing{}, fmt.Errorf("%w: standing: %w", ErrEntry, err)
	}
	return s, nil
}

func decodeHeld(b []byte) (int, error) {
	if len(b) != 8 || binary.BigEndian.Uint64(b) > math.MaxInt32 {
		return 0, errors.New("bad length or range")
	}
	return int(binary.BigEndian.Uint64(b)), nil
}

func decodeStanding(b []byte) (ticket.Standing, error) {
	if len(b) != 12 {
		return ticket.Standing{}, errors.New("bad length")
	}
	return ticket.Standing{Reputation: int64(binary.BigEndian.Uint64(b)), Transfers: binary.BigEndian.Uint32(b[8:])}, nil
}

// Store is the application's state as a ledger.Store: a cometbft-db
// database seen through the writes pending in the Store. Update adds what
// its function wrote to the pending writes, or nothing if the function
// fails; View reads; AppHash returns the app hash of the state with the
// pending writes; Flush moves the pending writes into the database, with
// the commitment's index. During a block the application keeps one Store
// whose pending writes are the block's, and Commit flushes them with the
// height and app hash; CheckTx and Query use a Store with nothing
// pending, the committed state.
//
// Updates run one at a time and Views see the state between two Updates,
// so the Store is serializable and safe for concurrent use. Values are
// stored as encodings: nothing a caller passes in or gets back is shared
// with the Store. The events and ticket entries it decodes are remembered
// by their exact encodings (a bounded number of them), so that the same
// bytes are not decoded again; what a caller gets is a copy.
type Store struct {
	mu      sync.RWMutex
	db      dbm.DB
	pending map[string][]byte
	commit  *commitment // shared by the Stores over db
	dec     *decoded    // shared by the application's Stores (nil: none)

	version uint64 // bumped by every Update that writes
	cache   *delta // the commitment's delta for the pending writes at cached
	cached  uint64
}

var _ ledger.Store = (*Store)(nil)

// NewStore returns a Store over db with nothing pending. Its commitment
// (the top tree, see the package doc) is rebuilt from db when first
// needed.
func NewStore(db dbm.DB) *Store {
	s := newStore(db, newCommitment(db))
	s.dec = newDecoded()
	return s
}

func newStore(db dbm.DB, c *commitment) *Store {
	return &Store{db: db, pending: map[string][]byte{}, commit: c}
}

// use makes the Store's commitment c, the one of its database that the
// application keeps.
func (s *Store) use(c *commitment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.commit != c {
		s.commit, s.cache = c, nil
	}
}

func (s *Store) check(ctx context.Context) error {
	if s == nil || s.db == nil || s.commit == nil {
		return fmt.Errorf("%w: app: Store not made by NewStore", ledger.ErrStore)
	}
	if ctx == nil {
		return fmt.Errorf("%w: app: nil context", ledger.ErrStore)
	}
	return ctx.Err()
}

// Update implements ledger.Store.
func (s *Store) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &storeTx{s: s, writes: map[string][]byte{}, writable: true}
	if err := fn(tx); err != nil {
		return err
	}
	if len(tx.writes) > 0 {
		maps.Copy(s.pending, tx.writes)
		s.version++
	}
	return nil
}

// View implements ledger.Store.
func (s *Store) View(ctx context.Context, fn func(ledger.Tx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&storeTx{s: s})
}

// AppHash returns the app hash of the committed state with the pending
// writes over it. It costs a bucket per written key and the top tree's
// paths from those buckets, and writes nothing: the committed tree moves
// only when Flush writes the pending writes.
func (s *Store) AppHash() ([]byte, error) {
	if err := s.check(context.Background()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.commit.ensure(); err != nil {
		return nil, err
	}
	s.commit.mu.RLock()
	defer s.commit.mu.RUnlock()
	d, err := s.delta()
	if err != nil {
		return nil, err
	}
	return slices.Clone(d.root[:]), nil
}

// delta returns the commitment's delta for the pending writes, computed
// once for a version of them and a state of the commitment. The caller
// holds s.mu for writing and s.commit.mu, and the tree is loaded.
func (s *Store) delta() (*delta, error) {
	c := s.commit
	if d := s.cache; d != nil && s.cached == s.version && d.c == c && d.gen == c.gen {
		return d, nil
	}
	d, err := c.diff(s.pending)
	if err != nil {
		return nil, err
	}
	s.cache, s.cached = d, s.version
	return d, nil
}

// Flush writes the pending writes to the database, with the commitment's
// index, in one synchronous batch, and forgets them.
func (s *Store) Flush() error { return s.flush(nil) }

// flush writes the pending writes, the commitment's index and what extra
// adds in one synchronous batch, then moves the committed tree on; on
// success nothing is pending.
func (s *Store) flush(extra func(dbm.Batch) error) error {
	if err := s.check(context.Background()); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.commit
	if err := c.ensure(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d, err := s.delta()
	if err != nil {
		return err
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, k := range slices.Sorted(maps.Keys(s.pending)) {
		if err := b.Set([]byte(k), s.pending[k]); err != nil {
			return storeErr("writing", err)
		}
	}
	if err := d.write(b); err != nil {
		return storeErr("writing", err)
	}
	if extra != nil {
		if err := extra(b); err != nil {
			return storeErr("writing", err)
		}
	}
	if err := b.WriteSync(); err != nil {
		return storeErr("writing", err)
	}
	c.apply(d)
	clear(s.pending)
	s.version++
	s.cache = nil
	return nil
}

// each calls fn with every key under prefix and its value, in key order,
// the pending writes replacing the database's and over (a transaction's
// writes, or nil) replacing both. It stops at fn's first error.
func (s *Store) each(prefix []byte, over map[string][]byte, fn func(k, v []byte) error) error {
	pend := map[string][]byte{}
	for _, m := range []map[string][]byte{s.pending, over} {
		for k, v := range m {
			if strings.HasPrefix(k, string(prefix)) {
				pend[k] = v
			}
		}
	}
	keys := slices.Sorted(maps.Keys(pend))
	it, err := s.db.Iterator(prefix, prefixEnd(prefix))
	if err != nil {
		return err
	}
	defer it.Close()
	i := 0
	for ; it.Valid(); it.Next() {
		k := string(it.Key())
		for ; i < len(keys) && keys[i] < k; i++ {
			if err := fn([]byte(keys[i]), pend[keys[i]]); err != nil {
				return err
			}
		}
		if i < len(keys) && keys[i] == k {
			continue // pending, taken in its turn
		}
		if err := fn(it.Key(), it.Value()); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	for ; i < len(keys); i++ {
		if err := fn([]byte(keys[i]), pend[keys[i]]); err != nil {
			return err
		}
	}
	return nil
}

// prefixEnd returns the first key after every key beginning with prefix,
// nil when there is none.
func prefixEnd(prefix []byte) []byte {
	end := slices.Clone(prefix)
	for len(end) > 0 && end[len(end)-1] == 0xff {
		end = end[:len(end)-1]
	}
	if len(end) == 0 {
		return nil
	}
	end[len(end)-1]++
	return end
}

func storeErr(doing string, err error) error {
	return fmt.Errorf("%w: app: %s: %w", ledger.ErrStore, doing, err)
}

func corrupt(what string, err error) error {
	return fmt.Errorf("%w: app: corrupt %s: %w", ledger.ErrStore, what, err)
}

// storeTx reads through its writes, the Store's pending writes and the
// database.
type storeTx struct {
	s        *Store
	writes   map[string][]byte
	writable bool
}

var (
	_ ledger.Tx             = (*storeTx)(nil)
	_ ledger.CancellationTx = (*storeTx)(nil)
)

func (tx *storeTx) get(k []byte) ([]byte, error) {
	if v, ok := tx.writes[string(k)]; ok {
		return v, nil
	}
	if v, ok := tx.s.pending[string(k)]; ok {
		return v, nil
	}
	v, err := tx.s.db.Get(k)
	if err != nil {
		return nil, storeErr("reading", err)
	}
	return v, nil
}

func (tx *storeTx) set(k, v []byte) error {
	if !tx.writable {
		return fmt.Errorf("%w: app: write in a read-only transaction", ledger.ErrStore)
	}
	tx.writes[string(k)] = v
	return nil
}

// Event implements ledger.Tx.
func (tx *storeTx) Event(id string) (ledger.EventState, error) {
	b, err := tx.get(key(prefixEvent, id))
	if err != nil {
		return ledger.EventState{}, err
	}
	if b == nil {
		return ledger.EventState{}, fmt.Errorf("%w: event %q", ledger.ErrNotFound, id)
	}
	s, err := decodeEvent(tx.s.dec, b)
	if err != nil {
		return ledger.EventState{}, corrupt(fmt.Sprintf("event %q", id), err)
	}
	return s, nil
}

// PutEvent implements ledger.Tx.
func (tx *storeTx) PutEvent(s ledger.EventState) error {
	enc := s.Event.Bytes()
	if enc == nil {
		return fmt.Errorf("%w: app: PutEvent without an event", ledger.ErrStore)
	}
	k := key(prefixEvent, s.Event.ID())
	old, err := tx.get(k)
	if err != nil {
		return err
	}
	if old != nil && (len(old) < 12 || string(old[12:]) != string(enc)) {
		return fmt.Errorf("%w: app: PutEvent of another event with the stored one's id %q", ledger.ErrStore, s.Event.ID())
	}
	b := binary.BigEndian.AppendUint32(nil, s.Sold)
	b = binary.BigEndian.AppendUint64(b, s.Serials)
	return tx.set(k, append(b, enc...))
}

// decodeEvent decodes an event's entry, its event through d.
func decodeEvent(d *decoded, b []byte) (ledger.EventState, error) {
	if len(b) < 12 {
		return ledger.EventState{}, errShort
	}
	ev, err := d.event(b[12:])
	if err != nil {
		return ledger.EventState{}, err
	}
	return ledger.EventState{Event: ev, Sold: binary.BigEndian.Uint32(b), Serials: binary.BigEndian.Uint64(b[4:])}, nil
}

// entry reads a ticket's entry: its record count and state.
func (tx *storeTx) entry(event, serial string) (uint32, *ticket.Ticket, error) {
	b, err := tx.get(key(prefixTicket, event, serial))
	if err != nil || b == nil {
		return 0, nil, err
	}
	n, t, err := tx.s.dec.ticket(b)
	if err == nil && (t.Event != event || t.Serial != serial) {
		err = errors.New("stored under another ticket's key")
	}
	if err != nil {
		return 0, nil, corrupt(fmt.Sprintf("ticket %q/%q", event, serial), err)
	}
	return n, t, nil
}

// Ticket implements ledger.Tx.
func (tx *storeTx) Ticket(event, serial string) (*ticket.Ticket, error) {
	_, t, err := tx.entry(event, serial)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("%w: ticket %q/%q", ledger.ErrNotFound, event, serial)
	}
	return t, nil
}

// Records implements ledger.Tx.
func (tx *storeTx) Records(event, serial string) ([]*ticket.Record, error) {
	n, _, err := tx.entry(event, serial)
	if err != nil {
		return nil, err
	}
	recs := make([]*ticket.Record, 0, n)
	for i := range n {
		b, err := tx.get(recordKey(event, serial, i))
		if err != nil {
			return nil, err
		}
		rec, err := ticket.ParseRecord(b)
		if err != nil {
			return nil, corrupt(fmt.Sprintf("record %d of %q/%q", i, event, serial), err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Append implements ledger.Tx.
func (tx *storeTx) Append(t *ticket.Ticket, rec *ticket.Record) error {
	if t == nil || rec == nil || rec.Request == nil {
		return fmt.Errorf("%w: app: Append of a nil ticket, record or request", ledger.ErrStore)
	}
	if rec.Request.Event != t.Event || rec.Request.Serial != t.Serial {
		return fmt.Errorf("%w: app: Append of a record of %q/%q to %q/%q", ledger.ErrStore,
			rec.Request.Event, rec.Request.Serial, t.Event, t.Serial)
	}
	enc := rec.Bytes()
	if enc == nil {
		return fmt.Errorf("%w: app: Append of a record without an encoding", ledger.ErrStore)
	}
	n, _, err := tx.entry(t.Event, t.Serial)
	if err != nil {
		return err
	}
	if n == math.MaxUint32 {
		return fmt.Errorf("%w: app: ticket %q/%q has no room for another record", ledger.ErrStore, t.Event, t.Serial)
	}
	state, err := encodeTicket(n+1, t)
	if err != nil {
		return fmt.Errorf("%w: app: ticket %q/%q: %w", ledger.ErrStore, t.Event, t.Serial, err)
	}
	if err := tx.set(recordKey(t.Event, t.Serial, n), enc); err != nil {
		return err
	}
	return tx.set(key(prefixTicket, t.Event, t.Serial), state)
}

// Held implements ledger.Tx.
func (tx *storeTx) Held(event, cert string) (int, error) {
	b, err := tx.get(key(prefixHeld, event, cert))
	if err != nil || b == nil {
		return 0, err
	}
	n, err := decodeHeld(b)
	if err != nil {
		return 0, corrupt(fmt.Sprintf("held count of %q for %q", cert, event), err)
	}
	return n, nil
}

// SetHeld implements ledger.Tx.
func (tx *storeTx) SetHeld(event, cert string, n int) error {
	if n < 0 || n > math.MaxInt32 {
		return fmt.Errorf("%w: app: held count %d out of range", ledger.ErrStore, n)
	}
	return tx.set(key(prefixHeld, event, cert), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// Standing implements ledger.Tx.
func (tx *storeTx) Standing(cert string) (ticket.Standing, bool, error) {
	b, err := tx.get(key(prefixStanding, cert))
	if err != nil || b == nil {
		return ticket.Standing{}, false, err
	}
	s, err := decodeStanding(b)
	if err != nil {
		return ticket.Standing{}, false, corrupt(fmt.Sprintf("standing of %q", cert), err)
	}
	return s, true, nil
}

// SetStanding implements ledger.Tx.
func (tx *storeTx) SetStanding(cert string, s ticket.Standing) error {
	b := binary.BigEndian.AppendUint64(nil, uint64(s.Reputation))
	return tx.set(key(prefixStanding, cert), binary.BigEndian.AppendUint32(b, s.Transfers))
}

// Cancellation implements ledger.CancellationTx.
func (tx *storeTx) Cancellation(event string) (*ticket.Cancellation, error) {
	b, err := tx.get(key(prefixCancel, event))
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%w: cancellation of %q", ledger.ErrNotFound, event)
	}
	c, err := ticket.ParseCancellation(b)
	if err == nil && c.Event() != event {
		err = errors.New("stored under another event's key")
	}
	if err != nil {
		return nil, corrupt(fmt.Sprintf("cancellation of %q", event), err)
	}
	return c, nil
}

// PutCancellation implements ledger.CancellationTx. An event keeps its
// first cancellation: a second is refused.
func (tx *storeTx) PutCancellation(c *ticket.Cancellation) error {
	enc := c.Bytes()
	if enc == nil {
		return fmt.Errorf("%w: app: PutCancellation without a cancellation", ledger.ErrStore)
	}
	k := key(prefixCancel, c.Event())
	old, err := tx.get(k)
	if err != nil {
		return err
	}
	if old != nil {
		return fmt.Errorf("%w: app: PutCancellation of %q, which is already cancelled", ledger.ErrStore, c.Event())
	}
	return tx.set(k, enc)
}

// Tickets implements ledger.CancellationTx: the event's ticket entries in
// the database, the Store's pending writes and the transaction's, in key
// order.
func (tx *storeTx) Tickets(event string) ([]*ticket.Ticket, error) {
	var out []*ticket.Ticket
	err := tx.s.each(lp(slices.Clone(prefixTicket), event), tx.writes, func(k, v []byte) error {
		_, t, err := tx.s.dec.ticket(v)
		if err == nil && (t.Event != event || !bytes.Equal(k, key(prefixTicket, event, t.Serial))) {
			err = errors.New("stored under another ticket's key")
		}
		if err != nil {
			return corrupt(fmt.Sprintf("ticket of %q under key %x", event, k), err)
		}
		out = append(out, t)
		return nil
	})
	if err != nil && !errors.Is(err, ledger.ErrStore) {
		err = storeErr("reading", err)
	}
	return out, err
}

// A ticket's entry:
//
//	u32 records ‖ u32 len ‖ event ‖ u32 len ‖ serial ‖ merchant key (33) ‖
//	u32 len ‖ holder certificate ‖ u8 state ‖ u32 age ‖ i64 price ‖
//	i64 list price ‖ u8 payee version ‖ payee hash (20) ‖ i64 issued ‖
//	i64 updated (Unix ns) ‖ head (32)
func encodeTicket(records uint32, t *ticket.Ticket) ([]byte, error) {
	merchant, holder := t.Merchant.Bytes(), t.Holder.Bytes()
	if merchant == nil || holder == nil {
		return nil, errors.New("no merchant key or holder certificate")
	}
	times := []time.Time{t.Issued, t.Updated}
	for _, at := range times {
		if at.IsZero() || !time.Unix(0, at.UnixNano()).Equal(at) {
			return nil, fmt.Errorf("time %v is not within the range of Unix nanoseconds", at)
		}
	}
	b := binary.BigEndian.AppendUint32(nil, records)
	b = appendVar(b, []byte(t.Event))
	b = appendVar(b, []byte(t.Serial))
	b = append(b, merchant...)
	b = appendVar(b, holder)
	b = append(b, byte(t.State))
	b = binary.BigEndian.AppendUint32(b, t.Age)
	b = binary.BigEndian.AppendUint64(b, uint64(t.Price))
	b = binary.BigEndian.AppendUint64(b, uint64(t.ListPrice))
	hash := t.Payee.Hash()
	b = append(append(b, t.Payee.Version()), hash[:]...)
	for _, at := range times {
		b = binary.BigEndian.AppendUint64(b, uint64(at.UnixNano()))
	}
	return append(b, t.Head[:]...), nil
}

func decodeTicket(b []byte) (uint32, *ticket.Ticket, error) {
	r := &reader{b: b}
	n := r.u32()
	t := &ticket.Ticket{Event: string(r.varBytes()), Serial: string(r.varBytes())}
	merchant := r.take(ecdsa.PublicKeySize)
	holder := r.varBytes()
	t.State = ticket.State(r.u8())
	t.Age = r.u32()
	t.Price, t.ListPrice = tax.Amount(r.u64()), tax.Amount(r.u64())
	version := r.u8()
	hash := r.take(20)
	issued, updated := int64(r.u64()), int64(r.u64())
	head := r.take(32)
	if err := r.done(); err != nil {
		return 0, nil, err
	}
	var err error
	if t.Merchant, err = ecdsa.ParsePublicKey(merchant); err != nil {
		return 0, nil, err
	}
	if t.Holder, err = ticket.ParseCertificate(holder); err != nil {
		return 0, nil, err
	}
	t.Payee = ecdsa.AddressFromHash(version, [20]byte(hash))
	t.Issued, t.Updated = time.Unix(0, issued).UTC(), time.Unix(0, updated).UTC()
	t.Head = [32]byte(head)
	return n, t, nil
}

func appendVar(b, p []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(p))), p...)
}

var errShort = errors.New("value too short")

// reader takes fields off a stored value; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return make([]byte, n)
	}
	if n < 0 || len(r.b) < n {
		r.err = errShort
		return make([]byte, max(n, 0))
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) u8() byte    { return r.take(1)[0] }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.BigEndian.Uint64(r.take(8)) }

func (r *reader) varBytes() []byte {
	n := r.u32()
	if r.err == nil && uint64(n) > uint64(len(r.b)) {
		r.err = errShort
	}
	if r.err != nil {
		return nil
	}
	return r.take(int(n))
}

func (r *reader) done() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = errors.New("trailing bytes")
	}
	return r.err
}
