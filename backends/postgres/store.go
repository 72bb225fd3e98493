package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// maxAttempts bounds how many times Update runs fn when its transactions
// keep failing with a deadlock or a serialization failure.
const maxAttempts = 64

// Store is a ledger.Store in PostgreSQL tables. Make one with Open. It is
// safe for concurrent use, and any number of Stores, in any number of
// processes, may share one schema.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	sql    statements
	events eventCache
}

// Open returns a Store over the tables of the first existing schema on the
// pool's search_path (PostgreSQL's current_schema()), creating them if they
// do not exist. It is idempotent, and safe to run concurrently from many
// processes: creation is serialized by a lock on the schema. Tables of the
// Store's names that lack its columns are refused.
func Open(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	switch {
	case pool == nil:
		return nil, fmt.Errorf("%w: postgres: Open with a nil pool", ledger.ErrStore)
	case ctx == nil:
		return nil, fmt.Errorf("%w: postgres: Open with a nil context", ledger.ErrStore)
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, storeError("opening the schema", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var schema *string
	if err := tx.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, storeError("reading the current schema", err)
	}
	if schema == nil {
		return nil, fmt.Errorf("%w: postgres: no schema of the pool's search_path exists", ledger.ErrStore)
	}
	s := &Store{pool: pool, schema: *schema, sql: newStatements(*schema)}
	if _, err := tx.Exec(ctx, s.sql.lock, s.lockKey(kindSchema)); err != nil {
		return nil, storeError("locking the schema", err)
	}
	for _, q := range s.sql.create {
		if _, err := tx.Exec(ctx, q); err != nil {
			return nil, storeError("creating the tables", err)
		}
	}
	for _, q := range s.sql.probe {
		if _, err := tx.Exec(ctx, q); err != nil {
			return nil, storeError("checking the tables", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, storeError("creating the tables", err)
	}
	return s, nil
}

// Schema returns the name of the schema holding the Store's tables.
func (s *Store) Schema() string {
	if s == nil {
		return ""
	}
	return s.schema
}

// check refuses a Store not made by Open, a nil context and a nil
// function.
func (s *Store) check(ctx context.Context, fn func(ledger.Tx) error) error {
	switch {
	case s == nil || s.pool == nil:
		return fmt.Errorf("%w: postgres: Store not made by Open", ledger.ErrStore)
	case ctx == nil:
		return fmt.Errorf("%w: postgres: nil context", ledger.ErrStore)
	case fn == nil:
		return fmt.Errorf("%w: postgres: nil transaction function", ledger.ErrStore)
	}
	return nil
}

// Update implements ledger.Store. It runs fn in a READ COMMITTED
// transaction in which every row fn reads or writes is first locked (see
// the package documentation), and commits what fn wrote if fn returns nil.
// When the transaction fails with a deadlock (SQLSTATE 40P01) or a
// serialization failure (40001), it is rolled back and fn runs again, in a
// new transaction, up to 64 times.
func (s *Store) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	if err := s.check(ctx, fn); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		retry, err := s.update(ctx, fn)
		if !retry {
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("%w (after %d attempts)", err, attempt)
		}
		// Back off for a random time, growing to about 64 ms, so that the
		// transactions that deadlocked do not meet again.
		d := time.Millisecond << min(attempt-1, 6)
		timer := time.NewTimer(d/2 + rand.N(d))
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%w: postgres: %w", ledger.ErrStore, context.Cause(ctx))
		case <-timer.C:
		}
	}
}

// Transaction modes. Every read of an Update runs after its lock is
// granted, so it must see what committed meanwhile: READ COMMITTED, set
// explicitly whatever the server's default.
const (
	beginUpdate = "BEGIN ISOLATION LEVEL READ COMMITTED"
	beginView   = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
)

// update runs fn once and reports whether it may run again.
func (s *Store) update(ctx context.Context, fn func(ledger.Tx) error) (bool, error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, storeError("acquiring a connection", err)
	}
	tx := &tx{s: s, ctx: ctx, conn: c, begin: beginUpdate, writable: true, locked: map[int64]bool{}}
	defer tx.release()
	ferr := fn(tx)
	tx.done = true
	switch {
	case tx.failed != nil && retryable(tx.cause):
		return true, tx.failed
	case ferr != nil:
		return false, ferr
	case tx.failed != nil:
		return false, tx.failed
	}
	if err := tx.commit(); err != nil {
		return tx.failed != nil && retryable(tx.cause), err
	}
	return false, nil
}

// View implements ledger.Store: fn runs in a REPEATABLE READ, READ ONLY
// transaction, which sees one snapshot and takes no locks.
func (s *Store) View(ctx context.Context, fn func(ledger.Tx) error) error {
	if err := s.check(ctx, fn); err != nil {
		return err
	}
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return storeError("acquiring a connection", err)
	}
	tx := &tx{s: s, ctx: ctx, conn: c, begin: beginView}
	defer tx.release()
	ferr := fn(tx)
	tx.done = true
	switch {
	case ferr != nil:
		return ferr
	case tx.failed != nil:
		return tx.failed
	}
	return nil
}

// retryable reports whether err is a deadlock or a serialization failure,
// after which the transaction has been rolled back and may run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func storeError(op string, err error) error {
	return fmt.Errorf("%w: postgres: %s: %w", ledger.ErrStore, op, err)
}

// Kinds of lock keys.
const (
	kindSchema   = 'S'
	kindEvent    = 'e'
	kindTicket   = 't'
	kindHeld     = 'h'
	kindStanding = 's'
)

// lockKey returns the advisory lock key of one row of the Store: the first
// eight bytes of SHA-256 over the schema, the kind of row and its key,
// each length-prefixed. Two rows whose keys collide share a lock, which
// costs concurrency, never correctness.
func (s *Store) lockKey(kind byte, parts ...string) int64 {
	h := sha256.New()
	var n [4]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put([]byte("cbets/ledger/postgres"))
	put([]byte(s.schema))
	put([]byte{kind})
	for _, p := range parts {
		put([]byte(p))
	}
	return int64(binary.BigEndian.Uint64(h.Sum(nil)))
}

// eventCache keeps parsed events by their encoding: every transaction
// reads its event, and events never change once published. Parsed events
// are immutable, so one may be returned to many callers.
type eventCache struct {
	mu sync.Mutex
	m  map[string]*ticket.Event
}

const eventCacheSize = 1024

func (c *eventCache) parse(b []byte) (*ticket.Event, error) {
	c.mu.Lock()
	e, ok := c.m[string(b)]
	c.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := ticket.ParseEvent(b)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= eventCacheSize {
		c.m = map[string]*ticket.Event{}
	}
	c.m[string(b)] = e
	c.mu.Unlock()
	return e, nil
}
