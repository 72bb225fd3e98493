// Package ledger is the backend's half of the ticket protocol, written once:
// it applies the records of package ticket to a store atomically, with every
// check package ticket makes for one record and the checks that span tickets,
// which package ticket cannot make (SPEC section 12).
//
// A Ledger sits over a Store: MemStore here, a Postgres store in the module
// github.com/cbets/cbets/backends/postgres, or any other implementation that
// passes the conformance suite in package ledgertest.
//
// # Events and serials
//
// A merchant publishes an event (ticket.NewEvent, Ledger.Publish) before it
// sells any ticket of it; event ids are unique in a ledger. Serials are the
// ledger's: AllocateSerial hands out "1", "2", … for an event, each once, and
// a Buy must name an allocated serial that is not sold. The event's capacity
// bounds the tickets bought and not returned: a Return gives its seat back,
// to be sold under a new serial.
//
// # Cancellations and refunds
//
// A merchant calls an event off with a signed ticket.Cancellation
// (Ledger.Cancel). The ledger accepts it when it verifies as the event's
// merchant's, the event has none yet, and it is later than the latest record
// of every ticket of the event, so that it never voids a record the ledger
// holds. From its time on, only Refund records are accepted for the event's
// tickets (ticket.ErrCancelled for any other, also for a record checked
// before the cancellation was stored and timed at or after it), and no
// serial is allocated. RefundsOwed lists the tickets still owed a refund:
// those valid, listed or transferred, each owed its Price, to its holder.
//
// Cancellations need more of a store than Tx: the transactions of a store
// that keeps them implement CancellationTx (the event's cancellation and the
// list of its tickets). MemStore's do. Over a store whose transactions do
// not, Cancel and RefundsOwed fail with ErrStore and no event is ever
// cancelled; every other rule applies.
//
// # Applying a record
//
// Apply parses the record, reads the ticket's current state, and runs one step
// of ticket.Replay on it (ticket.Step: user and merchant signatures,
// certificates, the transition's rules, the settlement, and the event's
// terms — its signature, the face value and sale window of a Buy, the
// resale cut-off and cap, the admission window, returns, expiry at the end
// — and its cancellation, at the record's time). Signatures are checked
// outside the store's transaction; the transaction then checks that the
// ticket's head has not moved and the facts that span tickets, and writes the
// record, the ticket's new state and the counters together, or nothing.
// With Config.Signatures, a ticket.SignatureCache, the signatures of a
// record checked before (a read-only check in a mempool, a block's
// ticket.PrecheckSignatures) are not verified again.
//
// # Held counts and standings
//
// These are the rules of package ticket's doc ("Facts the backend keeps"),
// applied per record kind:
//
//	Buy       held(event, buyer) + 1, refused at Policy.PerCertificateLimit;
//	          standing(buyer).Reputation + Record.SignerReputation;
//	          sold(event) + 1, refused at the event's capacity
//	List      the record's Seller must equal standing(holder); nothing changes
//	Delist    nothing changes
//	Transfer  the record's Seller must equal standing(seller);
//	          held(event, buyer) + 1, refused at the limit; held(event, seller) − 1;
//	          standing(seller).Reputation + Record.SellerReputation and
//	          standing(seller).Transfers + 1;
//	          standing(buyer).Reputation + Record.SignerReputation
//	Consume   nothing changes (a consumed ticket still counts as held)
//	Refund    held(event, holder) − 1; sold(event) is unchanged
//	Return    held(event, holder) − 1; sold(event) − 1 (the seat is sold again);
//	          standing(holder).Reputation + Record.SignerReputation (the
//	          purchase reward taken back)
//
// A refunded or returned ticket is held by nobody. A store need not keep a
// ticket's Terms and Cancellation: the ledger sets them from the event
// whenever it reads a ticket (Apply, Ticket, RefundsOwed), so the merchant's
// transitions that take no facts (Consume, Delist) find them on the ticket
// Ledger.Ticket returns.
//
// A certificate the ledger has never seen starts at Config.InitialStanding
// (zero unless the deployment grants more). Reputation changes saturate at
// the int64 range.
//
// # Concurrency
//
// A Ledger is safe for concurrent use. Two records racing for one ticket, one
// certificate's limit, an event's last seat or its cancellation have exactly
// the outcomes of some serial order: the store serializes the transactions, and a record
// whose ticket moved between its check and its transaction is refused with
// ErrStale rather than applied to a state it was not checked against.
//
// Nothing here reads a clock: the merchant's transitions take the time, and
// the ledger checks a record against the times it carries. Nothing here is
// secret either: the ledger signs nothing, and every check (package
// ticket's verifications included) runs on public data, in variable time.
package ledger
