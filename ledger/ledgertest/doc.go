// Package ledgertest is the conformance suite of ledger.Store, in the
// manner of testing/fstest: a store passes when
//
//	func TestStore(t *testing.T) {
//		ledgertest.TestStore(t, func(t *testing.T) ledger.Store { return open(t) })
//	}
//
// passes, open returning a fresh, empty store each time.
//
// The suite checks the Store contract directly (an Update that fails writes
// nothing, a View cannot write, values are copies, records stay in order,
// what is missing wraps ledger.ErrNotFound, and ledger.CancellationTx when
// the store's transactions implement it) and then a ledger.Ledger over the
// store: every rule and refusal of the package doc (events, serials,
// capacity, the per-certificate limit, the standing a record relied on, a
// ticket that moved, every check of ticket.Step, the event's terms —
// resale cap and cut-off, admission, expiry, returns — and cancellations
// with their refunds), the held counts, sold counts and standings after
// each kind of record, malformed and mutated encodings, and records racing
// from many goroutines for one ticket, one certificate's limit, an event's
// last seats, one serial, a seller's standing and an event's cancellation.
// After each race, every ticket's records must replay (ticket.Replay) to the
// state the ledger stores, and every counter must be what the records
// imply. The cases of cancellations are skipped for a store whose
// transactions do not implement ledger.CancellationTx.
//
// The helpers are exported for other tests of stores: a Fixture of keys
// derived from fixed labels (registrar, merchants, users with
// certificates) and of event terms (Terms, RuledTerms), a Market that runs
// the merchants' transitions with the facts a Ledger gives and applies the
// records, State to compare what a ledger shows before and after, and
// Audit.
//
// The suite makes a few thousand Apply calls at most, fewer with -short.
package ledgertest
