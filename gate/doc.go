// Package gate takes the consumption of Algorithm 2 to a door: a holder's
// wallet shows a pass as a QR code, a gate verifies it offline against a
// snapshot of the event and admits each ticket once, and the merchant later
// turns each admission into the Consume record of package ticket, with its
// 2-of-2 signature Σ (SPEC sections 4, 5 and 8).
//
// # The pass
//
// Algorithm 2 needs the holder's consumption signature ω (SPEC section 4)
// and the merchant's key. The merchant's key stays in the back office; the
// door needs only ω. A Pass is the holder's Consume request compressed: ω
// over ticket.NewConsumeRequest(holder, ticket, t2), with t2 the start of
// the current 30-second slot, and beside ω only the event id, the serial,
// the slot number and the first 8 bytes of the ticket's Head — 79 bytes
// plus the ids, 101 for event "concert-2026-12-01" and serial "1234" (a QR
// code of version 6 at error-correction level M), at most 207 (version 10
// holds 213 bytes at level M in byte mode). The layout is on the Pass type.
// The merchant key, the full Head and the holder's certificate, which the
// request also names, come from the gate's snapshot.
//
// # The gate
//
// A Snapshot is an event's published terms and, for each ticket, its
// serial, state, Head, latest record time and holder certificate, as the
// ledger has them, signed by the merchant. A Gate holds one; Gate.Check
// and Gate.Admit apply the rules listed on Check: the pass parses, names
// the snapshot's event, the event's doors are open, the pass's slot is the
// gate's current or previous one, the ticket is in the snapshot with the
// Head the pass names, it can be consumed, and ω verifies under the
// holder's key over the rebuilt request's signed bytes; a ticket is
// admitted once. Each rule refuses with its own sentinel (ErrMalformed,
// ErrEvent, ErrClosed, ErrSlot, ErrUnknown, ErrStale, ErrState,
// ErrSignature, ErrAdmitted). A gate reads no clock and starts
// no goroutine: time is an argument, and the gate is a state machine over
// its snapshot and its admissions.
//
// An Admission holds the rebuilt ticket.Request, which
// ticket.Merchant.Consume accepts as it is: the consumption signature Σ
// still needs the holder's ω, which only the holder's key makes.
//
// # Reconciliation
//
// Gates admit offline and sync later. Reconcile merges the admissions of
// all gates with the tickets as the ledger has them: an admission whose
// ticket the ledger does not have, or whose Head is no longer the ledger's
// (transferred, listed or consumed after the snapshot), is refused; of the
// valid admissions of one ticket the earliest slot wins, ties going to the
// smaller gate id, and the others are reported as duplicates with the kept
// one, never consumed. The merchant consumes each kept admission at its
// gate time, so a sync after the event has ended still consumes the
// tickets that entered. An event called off after a gate's snapshot was
// taken refuses, at reconciliation, the admissions from its cancellation
// on (ErrClosed).
//
// # Threat model
//
// Screenshot replay. A pass of slot n is accepted while the gate's clock
// reads from n·30 s up to (n+2)·30 s, exclusive: for 30 to 60 seconds after
// a wallet with the gate's time makes it. Wallets redraw the code at each
// slot. A wallet clock up to 30 s behind the gate's is always accepted
// for a pass shown at once; a wallet clock ahead by d is refused during
// the last d of each of its slots (the gate sees a slot that has not
// begun), so a wallet signs for its time minus its possible error. A
// screenshot is refused at the gate that admitted the ticket (ErrAdmitted)
// and everywhere once its window has passed; within the window, at another
// gate that does not know of the first admission, it gets in once, and
// Reconcile reports the two admissions, both signed by the holder, as a
// Duplicate. ω is deterministic (RFC 6979), so a copy of one slot's pass
// is byte for byte the holder's.
//
// A stolen phone. The holder's key is the ticket: whoever has it makes
// passes, and the first to reach a gate gets in. The package cannot tell
// a thief from the holder; Admission.Request names the holder's
// certificate, for a door that checks identity.
//
// A gate offline. It knows only its snapshot and its own admissions
// (Gate.Restore teaches it others' when it can sync). A holder can get in
// once at each gate that does not know of the other admissions; Reconcile
// names every duplicate and its holder. A ticket transferred after a
// gate's snapshot was taken is refused at that gate for its new holder
// (ErrStale) and still admitted for its old one, whose admission Reconcile
// refuses: a merchant stops resale before the doors open and gives the
// gates a snapshot taken after.
//
// A colluding gate. A gate holds nothing secret. It can open its door to
// anyone, which no signature prevents, and it can withhold admissions; it
// cannot consume a ticket whose holder did not sign a pass, since the
// merchant's Consume verifies ω. Gate ids and gate times are not
// authenticated here: they decide only which of two valid admissions is
// kept, not whether a ticket is consumed. The channel that syncs gates
// must authenticate them.
//
// # Errors and bad input
//
// Every error wraps one of the package's sentinels; test with errors.Is.
// Parsers (ParsePass, ParseSnapshot, ParseAdmission) are strict: Bytes of
// a parsed value returns the input. Nil and zero values never cause a
// panic; a private key wiped with PrivateKey.Zero given to NewPass or
// NewSnapshot panics at the call, naming the argument.
//
// # Constant time
//
// Nothing at a gate is secret: snapshots, passes and admissions are public,
// and verifying them runs in variable time. NewPass and NewSnapshot sign
// with package ecdsa; see its notes on constant time.
package gate
