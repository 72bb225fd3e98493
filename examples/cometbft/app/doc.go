// Package app is an ABCI 2.0 application that runs the cbets ticket state
// machine (package ticket) on every validator of a CometBFT network.
//
// # Transactions
//
// A transaction is one merchant-signed ticket.Record in its canonical
// encoding (Record.Bytes). The record carries the user's encoded request
// (Request.Bytes) byte for byte, the merchant's settlement and the
// merchant's signature, so the ledger orders and checks exactly what the
// paper's algorithms sign. The merchant runs the transition on its side
// (ticket.Merchant.Buy, List, Delist, Transfer, Consume) with facts read
// from the ledger, then submits the record. Validators never hold a
// merchant's secret key: every validator re-verifies every record as an
// auditor would.
//
// The other design, the user's request as the transaction and the
// validators running the merchant's transition, would put the merchant's
// key on every validator of a consortium, so that any one of them could
// sign records as the merchant. Here a validator can refuse a record but
// never make one.
//
// # Checks
//
// CheckTx and FinalizeBlock run the same check against the ledger's state:
//
//   - the record parses strictly (and, in CheckTx only, its time is not
//     after the validator's clock by more than MaxClockSkew: FinalizeBlock
//     reads no clock);
//   - a Buy names a ticket that does not exist yet, any other kind one that
//     does, whose history is shorter than MaxHistory;
//   - ticket.Replay accepts the stored history followed by the record under
//     the genesis Verifier (registrar key, accepted merchants, policy): every
//     certificate, user signature, 2-of-2 consumption signature, settlement
//     and merchant signature verifies, and the record names the ticket's
//     current head;
//   - the facts Replay cannot check hold on the ledger: the signer of a Buy
//     or Transfer holds fewer than the policy's limit of tickets of the
//     event, and the seller standing a List or Transfer record relied on is
//     the standing the ledger keeps for the holder.
//
// A rejected transaction changes nothing; its result code (Code) says why.
//
// # State
//
// The application keeps, in an embedded key-value store: each ticket's
// records in order and its head (count, hash of the latest record, holder);
// per event and certificate, the number of tickets held (a consumed ticket
// stays held); per certificate, the reputation standing (genesis standings
// plus the records' reputation changes). The app hash is SHA-256 over the
// genesis app state's hash and every (ticket, head) pair in key order; the
// heads commit to the whole histories and everything else is derived from
// them and the genesis. State is written at Commit in one synchronous batch
// with the height and app hash, so Info reports where a restarted validator
// resumes.
//
// # Queries
//
// Query paths: "/ticket" with a JSON {"event","serial"} returns a
// TicketView (the ticket and its records), "/standing" with a certificate
// id returns a StandingView, "/held" with a JSON {"event","certificate"}
// returns a HeldView. Queries read the last committed state.
package app
