// Package app is an ABCI 2.0 application that runs the cbets ticket ledger
// (package ledger, over the ticket state machine of package ticket) on every
// validator of a CometBFT network.
//
// # Transactions
//
// A transaction is one of three encodings of package ticket, told apart by
// the domain string they begin with (u32 length ‖ domain):
//
//   - "CBETS/ticket/v1/event": a merchant's signed event terms
//     (ticket.NewEvent, Event.Bytes), published before any ticket of the
//     event is sold (ledger.Ledger.Publish);
//   - "CBETS/ticket/v1/record": a merchant-signed ticket.Record
//     (Record.Bytes), which carries the user's encoded request byte for
//     byte, the merchant's settlement and the merchant's signature
//     (ledger.Ledger.Apply);
//   - "CBETS/ticket/v1/cancellation": the event's merchant's signed
//     ticket.Cancellation (Cancellation.Bytes), kept when the event has none
//     and every ticket's latest record is older than it
//     (ledger.Ledger.Cancel). From its time on, the event's tickets can
//     only be refunded.
//
// The merchant runs the transition on its side (ticket.Merchant.Buy, List,
// Delist, Transfer, Consume) with facts read from the ledger (the "/facts"
// query), then submits the record. Validators never hold a merchant's
// secret key: every validator re-verifies every record as an auditor would.
//
// The other design, the user's request as the transaction and the
// validators running the merchant's transition, would put the merchant's
// key on every validator of a consortium, so that any one of them could
// sign records as the merchant. Here a validator can refuse a record but
// never make one.
//
// # Checks
//
// CheckTx and FinalizeBlock run each transaction through a ledger.Ledger
// configured from the genesis (registrar key, accepted merchants, policy,
// initial standing; serials are the merchants', Config.MerchantSerials).
// A record costs one step, not a replay of its ticket's history: it parses
// strictly; ticket.Step checks it against the ticket's stored state (every
// certificate, user signature, 2-of-2 Σ, settlement and merchant signature;
// for a Buy the event's terms, face value and sale window); then the facts
// that span tickets hold: the ticket's head has not moved, a Buy's serial is
// not sold and its event has a seat left, the buyer holds fewer than the
// policy's limit of the event's tickets, and the seller standing a List or
// Transfer relied on is the ledger's. An event must be signed by an
// accepted merchant and its id must be new. CheckTx also refuses a record
// or cancellation whose time is after the validator's clock by more than
// MaxClockSkew; FinalizeBlock reads no clock.
//
// A refused transaction writes nothing; its result code (Code) says why.
//
// # State
//
// The state is the ledger's, kept by Store in a cometbft-db database: each
// event's encoding and counters, its cancellation, each ticket's records and
// its state after the latest (whose head is the hash of that record), held
// counts per event and certificate, and standings per certificate (the genesis standings,
// then the records' reputation changes). FinalizeBlock applies the block's
// transactions to a Store whose pending writes are the block's; Commit
// writes them in one synchronous batch with the height and app hash, so
// Info reports where a restarted validator resumes. CheckTx and Query see
// the last committed state only.
//
// The app hash is SHA-256 over "CBETS/cometbft/v2/app-hash", the genesis
// app state's hash and every stored cancellation, event entry and ticket
// entry in key order (each as u32 length ‖ key ‖ u32 length ‖ value; a
// cancellation's value is its encoding). The ticket heads
// commit to the whole histories; held counts and standings follow from
// them and the genesis.
//
// # Queries
//
// Query paths: "/ticket" with a JSON {"event","serial"} returns a
// TicketView (the ticket and its records); "/event" with an event id an
// EventView; "/facts" with a request's encoding a FactsView, the facts a
// merchant's transition needs; "/standing" with a certificate id a
// StandingView; "/held" with a JSON {"event","certificate"} a HeldView.
// Queries read the last committed state.
package app
