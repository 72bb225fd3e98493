package postgres

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The tables, in the Store's schema. Ids (event ids, serials, certificate
// ids) are bytea: package ticket allows any UTF-8, NUL included, which
// PostgreSQL's text does not hold.
//
//	ledger_events     an event's encoding (ticket.Event.Bytes) and counters
//	ledger_tickets    a ticket's state after its latest record, a column
//	                  per field of ticket.Ticket
//	ledger_records    each ticket's records (ticket.Record.Bytes), indexed
//	                  from 0 in order
//	ledger_held       held counts by (event, certificate)
//	ledger_standings  standings by certificate
//	ledger_cancellations  an event's cancellation
//	                  (ticket.Cancellation.Bytes)
var tables = []struct{ name, columns, constraints string }{
	{"ledger_events", `
	id       bytea NOT NULL PRIMARY KEY,
	encoding bytea NOT NULL,
	sold     bigint NOT NULL CHECK (sold BETWEEN 0 AND 4294967295),
	serials  numeric(20, 0) NOT NULL CHECK (serials BETWEEN 0 AND 18446744073709551615)`, ""},

	// merchant is the 33-byte compressed key, holder the certificate's
	// encoding (ticket.Certificate.Bytes) and holder_id its id, payee
	// the address's version and hash, issued and updated Unix
	// nanoseconds (NULL for the zero time), head the latest record's
	// hash.
	{"ledger_tickets", `
	event         bytea NOT NULL,
	serial        bytea NOT NULL,
	merchant      bytea NOT NULL CHECK (length(merchant) = 33),
	holder        bytea NOT NULL,
	holder_id     bytea NOT NULL,
	state         smallint NOT NULL CHECK (state BETWEEN 0 AND 255),
	age           bigint NOT NULL CHECK (age BETWEEN 0 AND 4294967295),
	price         bigint NOT NULL,
	list_price    bigint NOT NULL,
	payee_version smallint NOT NULL CHECK (payee_version BETWEEN 0 AND 255),
	payee_hash    bytea NOT NULL CHECK (length(payee_hash) = 20),
	issued        bigint,
	updated       bigint,
	head          bytea NOT NULL CHECK (length(head) = 32)`,
		"PRIMARY KEY (event, serial)"},

	{"ledger_records", `
	event    bytea NOT NULL,
	serial   bytea NOT NULL,
	idx      integer NOT NULL CHECK (idx >= 0),
	encoding bytea NOT NULL`,
		"PRIMARY KEY (event, serial, idx), FOREIGN KEY (event, serial) REFERENCES %s.ledger_tickets (event, serial)"},

	{"ledger_held", `
	event bytea NOT NULL,
	cert  bytea NOT NULL,
	n     bigint NOT NULL`,
		"PRIMARY KEY (event, cert)"},

	// A cancellation's encoding (ticket.Cancellation.Bytes) by event.
	{"ledger_cancellations", `
	event    bytea NOT NULL PRIMARY KEY,
	encoding bytea NOT NULL`, ""},

	{"ledger_standings", `
	cert       bytea NOT NULL PRIMARY KEY,
	reputation bigint NOT NULL,
	transfers  bigint NOT NULL CHECK (transfers BETWEEN 0 AND 4294967295)`, ""},
}

// statements are the Store's SQL, with its schema's tables named in full,
// so that a connection's search_path does not matter once it is open.
type statements struct {
	create, probe []string

	lock string

	event, putEvent                       string
	ticket, putTicket, records, putRecord string
	held, putHeld                         string
	standing, putStanding                 string
	cancellation, putCancellation         string
	tickets                               string
}

// divisionByZero is the SQLSTATE of a PutEvent that would change a stored
// event's encoding.
const divisionByZero = "22012"

const ticketColumns = `merchant, holder, holder_id, state, age, price, list_price, payee_version, payee_hash, issued, updated, head`

func newStatements(schema string) statements {
	q := pgx.Identifier{schema}.Sanitize()
	t := func(name string) string { return q + "." + name }
	var s statements
	for _, tb := range tables {
		cols := tb.columns
		if tb.constraints != "" {
			cols += ",\n\t" + strings.ReplaceAll(tb.constraints, "%s", q)
		}
		s.create = append(s.create, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (%s\n)", t(tb.name), cols))
		var names []string
		for _, line := range strings.Split(strings.TrimSpace(tb.columns), "\n") {
			names = append(names, strings.Fields(line)[0])
		}
		s.probe = append(s.probe, fmt.Sprintf("SELECT %s FROM %s LIMIT 0", strings.Join(names, ", "), t(tb.name)))
	}
	s.lock = `SELECT pg_advisory_xact_lock($1)`

	s.event = `SELECT e.encoding, e.sold, e.serials::text, c.encoding FROM ` + t("ledger_events") + ` e
	LEFT JOIN ` + t("ledger_cancellations") + ` c ON c.event = e.id WHERE e.id = $1`
	// An event's encoding never changes: a PutEvent that would change it
	// writes no row, and the statement then divides by zero, an error
	// that aborts the transaction before its COMMIT (which is sent in the
	// same batch) and that the Store reports as such.
	s.putEvent = `WITH put AS (INSERT INTO ` + t("ledger_events") + ` AS e (id, encoding, sold, serials)
	VALUES ($1, $2, $3, $4::numeric)
	ON CONFLICT (id) DO UPDATE SET sold = EXCLUDED.sold, serials = EXCLUDED.serials
	WHERE e.encoding = EXCLUDED.encoding RETURNING 1)
	SELECT 1 / count(*) FROM put`

	s.ticket = `SELECT ` + ticketColumns + ` FROM ` + t("ledger_tickets") + ` WHERE event = $1 AND serial = $2`
	s.putTicket = `INSERT INTO ` + t("ledger_tickets") + ` (event, serial, ` + ticketColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
	ON CONFLICT (event, serial) DO UPDATE SET merchant = EXCLUDED.merchant, holder = EXCLUDED.holder,
	holder_id = EXCLUDED.holder_id, state = EXCLUDED.state, age = EXCLUDED.age, price = EXCLUDED.price,
	list_price = EXCLUDED.list_price, payee_version = EXCLUDED.payee_version, payee_hash = EXCLUDED.payee_hash,
	issued = EXCLUDED.issued, updated = EXCLUDED.updated, head = EXCLUDED.head`
	s.tickets = `SELECT serial, ` + ticketColumns + ` FROM ` + t("ledger_tickets") + ` WHERE event = $1`
	s.records = `SELECT encoding FROM ` + t("ledger_records") + ` WHERE event = $1 AND serial = $2 ORDER BY idx`
	s.putRecord = `INSERT INTO ` + t("ledger_records") + ` (event, serial, idx, encoding)
	SELECT $1::bytea, $2::bytea, COALESCE(MAX(idx) + 1, 0), $3::bytea
	FROM ` + t("ledger_records") + ` WHERE event = $1::bytea AND serial = $2::bytea`

	s.held = `SELECT n FROM ` + t("ledger_held") + ` WHERE event = $1 AND cert = $2`
	s.putHeld = `INSERT INTO ` + t("ledger_held") + ` (event, cert, n) VALUES ($1, $2, $3)
	ON CONFLICT (event, cert) DO UPDATE SET n = EXCLUDED.n`

	s.standing = `SELECT reputation, transfers FROM ` + t("ledger_standings") + ` WHERE cert = $1`
	s.putStanding = `INSERT INTO ` + t("ledger_standings") + ` (cert, reputation, transfers) VALUES ($1, $2, $3)
	ON CONFLICT (cert) DO UPDATE SET reputation = EXCLUDED.reputation, transfers = EXCLUDED.transfers`
	s.cancellation = `SELECT encoding FROM ` + t("ledger_cancellations") + ` WHERE event = $1`
	s.putCancellation = `INSERT INTO ` + t("ledger_cancellations") + ` (event, encoding) VALUES ($1, $2)`
	return s
}
