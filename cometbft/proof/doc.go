// Package proof checks what a CometBFT node of the ticket ledger (package
// app) answers, so that a client need not trust the node it asks.
//
// A Checker asks the node's "/store" query for a key of the committed state
// (app.TicketKey, app.RecordKey, app.EventKey, …) with a proof, and accepts
// the value, or its absence, only if:
//
//   - the proof (two crypto/merkle proof operators, see the "Proofs"
//     section of package app) runs from the key and value to an app hash
//     (Verify);
//   - that app hash is the one in the block header at the height after
//     the answer's (the header at h+1 carries the app hash of the state at
//     h), waited for if it is not made yet, within the context's deadline;
//   - the header is of the genesis's chain, its validator set is the
//     genesis's, and its commit is signed by more than 2/3 of the genesis
//     validators' voting power (types.ValidatorSet.VerifyCommitLight with
//     the header's block id).
//
// A Checker also refuses, with ErrProof, an answer from a state older than
// one it has already accepted: a node's state never goes back, so an older
// one is the node hiding what came since (a resale, a cancellation). A
// Checker's readings therefore never go back in time; a node can still
// answer every one of them from a state older than the chain's newest, and
// a client that must know it reads the present compares the height with
// one it trusts (another node's, or a header's time).
//
// Anything else is refused with an error that wraps ErrProof. The typed
// readers (Ticket, EventState, Cancellation, Standing, Held) decode the
// values with package app's decoders; Ticket reads a ticket's entry and
// every record at one height, retrying at the newer state when the chain
// moves on between its queries.
//
// What a Checker trusts: the genesis document it is given (chain id,
// validators and app state), and that more than 2/3 of the genesis
// validators' power is honest. The application makes no validator
// updates, so the genesis validators sign every block; a chain whose
// validators changed would be refused. It does not trust the node: a node
// can refuse to answer or stall (an error, bounded by the context), but
// not make the Checker accept a value, or an absence, the validators did
// not commit.
package proof
