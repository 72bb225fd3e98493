// Package postgres is a ledger.Store in PostgreSQL (SPEC section 8: the
// backend that keeps each ticket's records in order and the facts that
// span tickets), over a pgx connection pool. It lives in a module of its
// own, github.com/cbets/cbets/backends/postgres, so that the library's
// module does not depend on a database driver.
//
// # Usage
//
//	pool, err := pgxpool.New(ctx, "postgres://ledger@db.example/cbets")
//	if err != nil { … }
//	store, err := postgres.Open(ctx, pool) // creates the tables if need be
//	if err != nil { … }
//	l, err := ledger.New(store, ledger.Config{Registrar: …, Merchants: …, Policy: …})
//	if err != nil { … }
//	ev, err := l.Publish(ctx, event.Bytes())
//	serial, err := l.AllocateSerial(ctx, ev.ID())
//	…
//	t, err := l.Apply(ctx, record.Bytes())
//
// The tables live in the first existing schema of the pool's search_path;
// to keep several ledgers in one database, give each a schema
// (pgxpool.Config.ConnConfig.RuntimeParams["search_path"]). Open is
// idempotent and may run in many processes at once. Every concurrent
// Update or View holds one of the pool's connections while it runs.
//
// # Storage
//
// Events and records are stored as their canonical encodings
// (ticket.Event.Bytes, ticket.Record.Bytes) and parsed back strictly
// (ticket.ParseEvent, ticket.ParseRecord); a ticket's state after its latest
// record is stored a column per field of ticket.Ticket, its merchant as the
// 33-byte compressed key and its holder as the certificate's encoding
// (ticket.Certificate.Bytes); records are keyed by (event, serial, index).
// An event's cancellation is stored as its encoding
// (ticket.Cancellation.Bytes; the Store's transactions implement
// ledger.CancellationTx). A ticket's Terms and Cancellation are not stored:
// package ticket leaves them out of records, and the ledger sets them
// from the event and its cancellation. Ids are stored as bytea, since
// package ticket allows any UTF-8, NUL included. Stored data that does not parse is reported as ledger.ErrStore,
// as is every failure of the database.
//
// # Concurrency
//
// The ledger.Store contract asks for serializable Updates. This store gets
// them with READ COMMITTED transactions under strict two-phase locking:
// before an Update first reads a row — an event, a ticket with its
// records, a held count, a standing — it takes a transaction-scoped
// exclusive advisory lock on that row's key (pg_advisory_xact_lock), and
// rows written without being read are locked before they are written, when
// the transaction's writes are sent, in one batch, as fn returns. Locks are
// released when the transaction ends, after its commit is visible, and a
// READ COMMITTED statement sees every transaction committed before it
// starts; each read is a statement of its own, sent after its lock
// statement in the same round trip. So every read sees the latest committed
// state of its row and nothing changes the row until the transaction ends:
// conflicting transactions are ordered by their locks, and the outcome is
// that of running them one at a time in that order. An event's
// cancellation shares the event's lock (and is read with it, in one
// query); listing an event's tickets (CancellationTx.Tickets) takes the
// event's lock too, as does every Append, so that no ticket joins the list
// while the transaction that read it runs.
//
// Why not SERIALIZABLE with retries: every Buy and every serial allocation
// writes its event's row. Under serializable snapshot isolation, concurrent
// writers of one row abort each other (SQLSTATE 40001) and redo their whole
// transaction, so in a drop with dozens of connections most of the work is
// thrown away and a transaction may fail again and again. Locks queue the
// writers instead, and each transaction normally runs once. Why advisory
// locks rather than SELECT … FOR UPDATE: the ledger reads rows that do not
// exist yet — a ticket before its Buy, a certificate's first held count or
// standing — and FOR UPDATE cannot lock a row that is not there; a lock on
// the row's key can, so two first purchases by one certificate cannot both
// see a held count of zero.
//
// Consequences. The ledger reads a record's event first, so the Updates of
// one event run one at a time (each holds the event's lock for a few round
// trips); events do not wait for each other. Two transactions that lock
// the same rows in different orders — say transfers between the same two
// certificates in two events — may deadlock: PostgreSQL aborts one after
// its deadlock_timeout (one second by default) with SQLSTATE 40P01, and
// Update runs fn again in a new transaction, from the state it then sees.
// The ledger.Store contract allows this: fn may run more than once and has
// no effects but through its Tx. Update also retries on 40001, which READ
// COMMITTED does not normally raise, up to 64 attempts in all, with a
// random back-off; a failed commit whose outcome is unknown (the
// connection broke) is reported, never retried. Lock keys are 64-bit
// hashes of the schema and the row's key, in the database's one space of
// advisory locks: a collision, with another row or another application's
// lock, only makes a transaction wait. An Update takes a handful of locks;
// the server's max_locks_per_transaction bounds how many all transactions
// hold at once.
//
// A View runs in a REPEATABLE READ, READ ONLY transaction: one snapshot, no
// locks, and it never waits for an Update. A Tx, like the connection under
// it, is for the goroutine running fn alone, and only until fn returns.
//
// # Tests
//
// The tests start a PostgreSQL server of their own (initdb into a
// temporary directory; when run as root, the server runs as the postgres
// or nobody user) and fail, rather than skip, when its binaries are
// missing: install postgresql-15 (apt-get install -y postgresql-15) or set
// PG_BINDIR. They run the ledgertest conformance suite, a drop (TestDrop:
// 10,000 purchase attempts from 64 connections for 1,000 seats; -short
// scales it down) and BenchmarkDrop, which compares this store with
// ledger.MemStore.
//
// Nothing here is secret: the package handles public records, and nothing
// it does needs to be constant time.
package postgres
