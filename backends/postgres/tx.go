package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tx is a ledger.Tx over one PostgreSQL transaction. In an Update it locks
// each row before its first read (and, at the end, each row written
// without being read), keeps its writes in memory, reading through them,
// and sends them in one batch when fn returns nil.
type tx struct {
	s    *Store
	ctx  context.Context
	conn *pgxpool.Conn
	// begin is the statement that starts the transaction, sent with the
	// first batch; "" once sent.
	begin    string
	writable bool
	done     bool
	// failed is the first error of a statement, after which the
	// transaction is aborted; cause is PostgreSQL's error.
	failed, cause error
	locked        map[int64]bool

	events    map[string]eventWrite
	tickets   map[ticketKey]ticketWrite
	appended  map[ticketKey][][]byte
	held      map[heldKey]int
	standings map[string]ticket.Standing
	cancels   map[string][]byte
	// cancelRead holds the cancellations read along with their events
	// (nil for none).
	cancelRead map[string][]byte
}

type ticketKey struct{ event, serial string }

type heldKey struct{ event, cert string }

type eventWrite struct {
	state    ledger.EventState
	encoding []byte
}

type ticketWrite struct {
	t   ticket.Ticket
	row ticketRow
}

// use checks that tx may run a statement.
func (tx *tx) use() error {
	switch {
	case tx.done:
		return fmt.Errorf("%w: postgres: transaction used after its function returned", ledger.ErrStore)
	case tx.failed != nil:
		return tx.failed
	}
	return nil
}

// write checks that tx may take a write.
func (tx *tx) write() error {
	if err := tx.use(); err != nil {
		return err
	}
	if !tx.writable {
		return fmt.Errorf("%w: postgres: write in a read-only transaction", ledger.ErrStore)
	}
	return nil
}

// fail records a failed statement: the transaction is aborted from here
// on.
func (tx *tx) fail(op string, err error) error {
	tx.failed, tx.cause = storeError(op, err), err
	return tx.failed
}

// send sends b, after the statement that begins the transaction if it has
// not been sent, and calls read with the results of b's statements. It
// returns read's error, or the batch's.
func (tx *tx) send(b *pgx.Batch, read func(pgx.BatchResults) error) error {
	if tx.begin != "" {
		b.QueuedQueries = append([]*pgx.QueuedQuery{{SQL: tx.begin}}, b.QueuedQueries...)
	}
	br := tx.conn.SendBatch(tx.ctx, b)
	err := func() error {
		if tx.begin != "" {
			if _, err := br.Exec(); err != nil {
				return err
			}
			tx.begin = ""
		}
		return read(br)
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// release ends the transaction if it is still open (rolling it back) and
// returns the connection to the pool. A connection that cannot be brought
// back to idle is closed by the pool.
func (tx *tx) release() {
	if tx.conn.Conn().PgConn().TxStatus() != 'I' {
		_, _ = tx.conn.Exec(context.WithoutCancel(tx.ctx), "ROLLBACK")
	}
	tx.conn.Release()
}

// query runs one SELECT, first locking key in an Update (in the same round
// trip, as a separate statement, so that the SELECT's snapshot is taken
// once the lock is held), and calls scan for each row.
func (tx *tx) query(op string, key int64, sql string, args []any, scan func(pgx.Rows) error) error {
	if err := tx.use(); err != nil {
		return err
	}
	var b pgx.Batch
	lock := tx.writable && !tx.locked[key]
	if lock {
		b.Queue(tx.s.sql.lock, key)
	}
	b.Queue(sql, args...)
	err := tx.send(&b, func(br pgx.BatchResults) error {
		if lock {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return tx.fail(op, err)
	}
	if lock {
		tx.locked[key] = true
	}
	return nil
}

func corrupt(what string, err error) error {
	return fmt.Errorf("%w: postgres: stored %s: %w", ledger.ErrStore, what, err)
}

// Event implements ledger.Tx.
func (tx *tx) Event(id string) (ledger.EventState, error) {
	if w, ok := tx.events[id]; ok && tx.use() == nil {
		return w.state, nil
	}
	var (
		enc, cancel []byte
		sold        int64
		serials     string
		found       bool
	)
	err := tx.query("reading an event", tx.s.lockKey(kindEvent, id), tx.s.sql.event, []any{[]byte(id)},
		func(r pgx.Rows) error { found = true; return r.Scan(&enc, &sold, &serials, &cancel) })
	if err != nil {
		return ledger.EventState{}, err
	}
	if !found {
		return ledger.EventState{}, fmt.Errorf("%w: event %q", ledger.ErrNotFound, id)
	}
	// The event's cancellation came with it, under the same lock: keep it
	// for Cancellation, which the ledger asks for next.
	if tx.cancelRead == nil {
		tx.cancelRead = map[string][]byte{}
	}
	tx.cancelRead[id] = cancel
	ev, err := tx.s.events.parse(enc)
	if err != nil {
		return ledger.EventState{}, corrupt(fmt.Sprintf("event %q", id), err)
	}
	n, err := strconv.ParseUint(serials, 10, 64)
	if err != nil || sold < 0 || sold > math.MaxUint32 || ev.ID() != id {
		return ledger.EventState{}, corrupt(fmt.Sprintf("event %q", id), errors.New("counters or id out of range"))
	}
	return ledger.EventState{Event: ev, Sold: uint32(sold), Serials: n}, nil
}

// PutEvent implements ledger.Tx. An event's encoding never changes: a
// PutEvent with another event under a stored id fails when fn returns.
func (tx *tx) PutEvent(s ledger.EventState) error {
	if err := tx.write(); err != nil {
		return err
	}
	enc := s.Event.Bytes()
	if enc == nil {
		return fmt.Errorf("%w: postgres: PutEvent without an event", ledger.ErrStore)
	}
	if tx.events == nil {
		tx.events = map[string]eventWrite{}
	}
	tx.events[s.Event.ID()] = eventWrite{state: s, encoding: enc}
	return nil
}

// Ticket implements ledger.Tx.
func (tx *tx) Ticket(event, serial string) (*ticket.Ticket, error) {
	k := ticketKey{event, serial}
	if w, ok := tx.tickets[k]; ok && tx.use() == nil {
		t := w.t
		return &t, nil
	}
	var (
		row   ticketRow
		found bool
	)
	err := tx.query("reading a ticket", tx.s.lockKey(kindTicket, event, serial), tx.s.sql.ticket,
		[]any{[]byte(event), []byte(serial)},
		func(r pgx.Rows) error { found = true; return r.Scan(row.dest()...) })
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%w: ticket %q/%q", ledger.ErrNotFound, event, serial)
	}
	t, err := row.decode(event, serial)
	if err != nil {
		return nil, corrupt(fmt.Sprintf("ticket %q/%q", event, serial), err)
	}
	return t, nil
}

// Records implements ledger.Tx.
func (tx *tx) Records(event, serial string) ([]*ticket.Record, error) {
	var encs [][]byte
	err := tx.query("reading records", tx.s.lockKey(kindTicket, event, serial), tx.s.sql.records,
		[]any{[]byte(event), []byte(serial)},
		func(r pgx.Rows) error {
			var b []byte
			err := r.Scan(&b)
			encs = append(encs, b)
			return err
		})
	if err != nil {
		return nil, err
	}
	var recs []*ticket.Record
	for i, b := range slices.Concat(encs, tx.appended[ticketKey{event, serial}]) {
		rec, err := ticket.ParseRecord(b)
		if err != nil {
			return nil, corrupt(fmt.Sprintf("record %d of %q/%q", i, event, serial), err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Append implements ledger.Tx.
func (tx *tx) Append(t *ticket.Ticket, rec *ticket.Record) error {
	if err := tx.write(); err != nil {
		return err
	}
	if t == nil || rec == nil || rec.Request == nil {
		return fmt.Errorf("%w: postgres: Append of a nil ticket, record or request", ledger.ErrStore)
	}
	row, err := encodeTicket(t)
	if err != nil {
		return fmt.Errorf("%w: postgres: ticket %q/%q: %w", ledger.ErrStore, t.Event, t.Serial, err)
	}
	k := ticketKey{t.Event, t.Serial}
	if tx.tickets == nil {
		tx.tickets = map[ticketKey]ticketWrite{}
		tx.appended = map[ticketKey][][]byte{}
	}
	tx.tickets[k] = ticketWrite{t: *t, row: row}
	tx.appended[k] = append(tx.appended[k], rec.Bytes())
	return nil
}

// Held implements ledger.Tx.
func (tx *tx) Held(event, cert string) (int, error) {
	if n, ok := tx.held[heldKey{event, cert}]; ok && tx.use() == nil {
		return n, nil
	}
	var n int64
	err := tx.query("reading a held count", tx.s.lockKey(kindHeld, event, cert), tx.s.sql.held,
		[]any{[]byte(event), []byte(cert)}, func(r pgx.Rows) error { return r.Scan(&n) })
	if err != nil {
		return 0, err
	}
	if int64(int(n)) != n {
		return 0, corrupt("held count", errors.New("out of range"))
	}
	return int(n), nil
}

// SetHeld implements ledger.Tx.
func (tx *tx) SetHeld(event, cert string, n int) error {
	if err := tx.write(); err != nil {
		return err
	}
	if tx.held == nil {
		tx.held = map[heldKey]int{}
	}
	tx.held[heldKey{event, cert}] = n
	return nil
}

// Standing implements ledger.Tx.
func (tx *tx) Standing(cert string) (ticket.Standing, bool, error) {
	if s, ok := tx.standings[cert]; ok && tx.use() == nil {
		return s, true, nil
	}
	var (
		rep, transfers int64
		found          bool
	)
	err := tx.query("reading a standing", tx.s.lockKey(kindStanding, cert), tx.s.sql.standing,
		[]any{[]byte(cert)}, func(r pgx.Rows) error { found = true; return r.Scan(&rep, &transfers) })
	if err != nil || !found {
		return ticket.Standing{}, false, err
	}
	if transfers < 0 || transfers > math.MaxUint32 {
		return ticket.Standing{}, false, corrupt(fmt.Sprintf("standing of %q", cert), errors.New("transfers out of range"))
	}
	return ticket.Standing{Reputation: rep, Transfers: uint32(transfers)}, true, nil
}

// SetStanding implements ledger.Tx.
func (tx *tx) SetStanding(cert string, s ticket.Standing) error {
	if err := tx.write(); err != nil {
		return err
	}
	if tx.standings == nil {
		tx.standings = map[string]ticket.Standing{}
	}
	tx.standings[cert] = s
	return nil
}

// commit sends the transaction's writes and its COMMIT in one batch: locks
// on the rows written without being read (in key order), the writes, and
// COMMIT. A write that fails aborts the transaction, and PostgreSQL skips
// the rest of the batch, COMMIT included.
func (tx *tx) commit() error {
	var (
		b     pgx.Batch
		locks []int64
		// onErr translates the error of each queued write.
		onErr []func(error) error
	)
	lock := func(k int64) {
		if !tx.locked[k] {
			tx.locked[k] = true
			locks = append(locks, k)
		}
	}
	queue := func(translate func(error) error, sql string, args ...any) {
		b.Queue(sql, args...)
		onErr = append(onErr, translate)
	}
	failed := func(op string) func(error) error { return func(err error) error { return tx.fail(op, err) } }
	for _, id := range sortedKeys(tx.events, cmp.Compare) {
		w := tx.events[id]
		lock(tx.s.lockKey(kindEvent, id))
		queue(func(err error) error {
			if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == divisionByZero {
				return fmt.Errorf("%w: postgres: event %q is stored with other terms", ledger.ErrStore, id)
			}
			return tx.fail("writing an event", err)
		}, tx.s.sql.putEvent, []byte(id), w.encoding, int64(w.state.Sold), strconv.FormatUint(w.state.Serials, 10))
	}
	for _, id := range sortedKeys(tx.cancels, cmp.Compare) {
		lock(tx.s.lockKey(kindEvent, id))
		queue(failed("writing a cancellation"), tx.s.sql.putCancellation, []byte(id), tx.cancels[id])
	}
	for _, k := range sortedKeys(tx.tickets, compareTicketKeys) {
		r := tx.tickets[k].row
		// The event's lock too: Tickets reads the event's set of
		// tickets under it, and a new ticket must not slip in.
		lock(tx.s.lockKey(kindEvent, k.event))
		lock(tx.s.lockKey(kindTicket, k.event, k.serial))
		queue(failed("writing a ticket"), tx.s.sql.putTicket, append([]any{[]byte(k.event), []byte(k.serial)}, r.args()...)...)
		for _, enc := range tx.appended[k] {
			queue(failed("writing a record"), tx.s.sql.putRecord, []byte(k.event), []byte(k.serial), enc)
		}
	}
	for _, k := range sortedKeys(tx.held, func(a, b heldKey) int {
		return cmp.Or(cmp.Compare(a.event, b.event), cmp.Compare(a.cert, b.cert))
	}) {
		lock(tx.s.lockKey(kindHeld, k.event, k.cert))
		queue(failed("writing a held count"), tx.s.sql.putHeld, []byte(k.event), []byte(k.cert), int64(tx.held[k]))
	}
	for _, cert := range sortedKeys(tx.standings, cmp.Compare) {
		s := tx.standings[cert]
		lock(tx.s.lockKey(kindStanding, cert))
		queue(failed("writing a standing"), tx.s.sql.putStanding, []byte(cert), s.Reputation, int64(s.Transfers))
	}
	if len(onErr) == 0 && tx.begin != "" {
		return nil // nothing was sent: no transaction to end
	}
	slices.Sort(locks)
	var lb pgx.Batch
	for _, k := range locks {
		lb.Queue(tx.s.sql.lock, k)
	}
	lb.QueuedQueries = append(lb.QueuedQueries, b.QueuedQueries...)
	lb.Queue("COMMIT")
	var translated error
	committing := false
	err := tx.send(&lb, func(br pgx.BatchResults) error {
		for range locks {
			if _, err := br.Exec(); err != nil {
				translated = tx.fail("locking", err)
				return err
			}
		}
		for _, translate := range onErr {
			if _, err := br.Exec(); err != nil {
				translated = translate(err)
				return err
			}
		}
		committing = true
		_, err := br.Exec()
		return err
	})
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case translated != nil:
		return translated
	case committing && errors.As(err, &pe):
		return tx.fail("committing", err)
	case committing:
		// Only a failure PostgreSQL reports is known to have rolled
		// back; any other leaves the outcome unknown, and fn must not
		// run again.
		return storeError("committing (outcome unknown)", err)
	}
	return tx.fail("writing", err)
}

func compareTicketKeys(a, b ticketKey) int {
	return cmp.Or(cmp.Compare(a.event, b.event), cmp.Compare(a.serial, b.serial))
}

func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}

// ticketRow is a ticket.Ticket in the columns of ledger_tickets.
type ticketRow struct {
	merchant, holder, holderID []byte
	state                      int16
	age, price, listPrice      int64
	payeeVersion               int16
	payeeHash                  []byte
	issued, updated            *int64
	head                       []byte
}

func (r *ticketRow) dest() []any {
	return []any{&r.merchant, &r.holder, &r.holderID, &r.state, &r.age, &r.price, &r.listPrice,
		&r.payeeVersion, &r.payeeHash, &r.issued, &r.updated, &r.head}
}

func (r *ticketRow) args() []any {
	return []any{r.merchant, r.holder, r.holderID, r.state, r.age, r.price, r.listPrice,
		r.payeeVersion, r.payeeHash, r.issued, r.updated, r.head}
}

// encodeTicket returns t's columns. A ticket needs a merchant key and a
// holder certificate, and times that are zero or within the range of Unix
// nanoseconds in an int64 (as every time a record carries is).
func encodeTicket(t *ticket.Ticket) (ticketRow, error) {
	r := ticketRow{merchant: t.Merchant.Bytes(), holder: t.Holder.Bytes(), holderID: []byte(t.Holder.ID()),
		state: int16(t.State), age: int64(t.Age), price: int64(t.Price), listPrice: int64(t.ListPrice),
		payeeVersion: int16(t.Payee.Version())}
	if r.merchant == nil || r.holder == nil {
		return r, errors.New("no merchant key or holder certificate")
	}
	h := t.Payee.Hash()
	r.payeeHash = h[:]
	r.head = t.Head[:]
	var err error
	if r.issued, err = encodeTime(t.Issued); err != nil {
		return r, err
	}
	if r.updated, err = encodeTime(t.Updated); err != nil {
		return r, err
	}
	return r, nil
}

func encodeTime(at time.Time) (*int64, error) {
	if at.IsZero() {
		return nil, nil
	}
	ns := at.UnixNano()
	if !time.Unix(0, ns).Equal(at) {
		return nil, fmt.Errorf("time %v is out of the range of Unix nanoseconds", at)
	}
	return &ns, nil
}

func decodeTime(ns *int64) time.Time {
	if ns == nil {
		return time.Time{}
	}
	return time.Unix(0, *ns).UTC()
}

// decode returns the ticket of a row, checking what the columns' types do
// not.
func (r *ticketRow) decode(event, serial string) (*ticket.Ticket, error) {
	merchant, err := ecdsa.ParsePublicKey(r.merchant)
	if err != nil {
		return nil, err
	}
	holder, err := ticket.ParseCertificate(r.holder)
	if err != nil {
		return nil, err
	}
	switch {
	case holder.ID() != string(r.holderID):
		return nil, errors.New("holder id differs from the certificate's")
	case r.state < 0 || r.state > math.MaxUint8 || r.payeeVersion < 0 || r.payeeVersion > math.MaxUint8:
		return nil, errors.New("state or payee version out of range")
	case r.age < 0 || r.age > math.MaxUint32:
		return nil, errors.New("age out of range")
	case len(r.payeeHash) != 20 || len(r.head) != 32:
		return nil, errors.New("payee hash or head of the wrong length")
	}
	return &ticket.Ticket{
		Event: event, Serial: serial, Merchant: merchant, Holder: holder,
		State: ticket.State(r.state), Age: uint32(r.age),
		Price: tax.Amount(r.price), ListPrice: tax.Amount(r.listPrice),
		Payee:  ecdsa.AddressFromHash(uint8(r.payeeVersion), [20]byte(r.payeeHash)),
		Issued: decodeTime(r.issued), Updated: decodeTime(r.updated),
		Head: [32]byte(r.head),
	}, nil
}
