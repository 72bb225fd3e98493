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
// bounds the tickets bought.
//
// # Applying a record
//
// Apply parses the record, reads the ticket's current state, and runs one step
// of ticket.Replay on it (ticket.Step: user and merchant signatures,
// certificates, the transition's rules, the settlement, and for a Buy the
// event's signature, face value and sale window). Signatures are checked
// outside the store's transaction; the transaction then checks that the
// ticket's head has not moved and the facts that span tickets, and writes the
// record, the ticket's new state and the counters together, or nothing.
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
//
// A certificate the ledger has never seen starts at Config.InitialStanding
// (zero unless the deployment grants more). Reputation changes saturate at
// the int64 range.
//
// # Concurrency
//
// A Ledger is safe for concurrent use. Two records racing for one ticket, one
// certificate's limit or an event's last seat have exactly the outcomes of
// some serial order: the store serializes the transactions, and a record
// whose ticket moved between its check and its transaction is refused with
// ErrStale rather than applied to a state it was not checked against.
//
// Nothing here reads a clock: the merchant's transitions take the time, and
// the ledger checks a record against the times it carries.
package ledger
