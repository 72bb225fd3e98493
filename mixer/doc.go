// Package mixer implements the coin mixing of the CB-ETS paper's Paying
// phase (SPEC section 7): a hybrid server and N participants build one
// transaction that spends every participant's inputs and pays equal
// amounts to fresh addresses, so that nobody — the server included — can
// tell which input paid which output. Output addresses are ecdsa addresses
// of fresh keys (SPEC section 1) and each is registered with a linkable
// ring signature of package ringsig (SPEC section 6).
//
// The package is a library: message types with strict binary encodings, a
// server session (Server) and a participant (Client), each a state machine
// whose methods are pure functions of (state, message, now) that return the
// messages to send. Nothing here opens a socket, reads a clock or keeps a
// goroutine; the caller moves the bytes and passes the time in.
//
// # Protocol
//
// Phase 0. The server announces a session (Announcement): a 32-byte session
// id (NewSessionID, or any value never used twice), the Params — the
// denomination d of every output in integer minor units, the number S of
// output slots per participant, the fee each participant pays and the
// address version — the bounds on the number of participants, and the three
// Deadlines.
//
// Phase 1, requesting. A client sends a Request: its public key pk, its
// inputs (identifier and amount, sorted by identifier), its change — a
// change address and the amount its inputs hold beyond S·d + fee, present
// exactly when that amount is positive — whether it audits everything
// (AuditAll, which asks for the bundle and every owner's signature, see
// phases 2 and 3) and an R-bound signature (the paper's UserSign) by pk's
// key over all of that and the session id, which proves it owns them. The
// server verifies the signature, asks the backend through InputSource
// whether each input exists, is unspent, holds the stated amount and
// belongs to pk, refuses an input already offered by anyone in the
// session, requires the inputs to hold at least S·d + fee and the stated
// change to be the excess (ErrFunds), and refuses a change address without
// change or change without one (ErrChangeAddress). Two requests may name
// the same change address. At the request deadline (or
// as soon as the session is full) the server sends every participant the
// same Roster: the session id, the parameters, the deadlines of phases 2
// and 3 and the ring — every participant's key in ascending byte order.
//
// Phase 2, generation. Each client derives one fresh output key per slot,
// HMAC-SHA256 of its key over the session id, the ring digest and the slot
// (hedged with ClientConfig.Rand when set; OutputKeys returns them), and
// sends for each slot s a Registration of (session, s, address, d)
// ring-signed over the ring with scope = session id ‖ u32be(s). Each
// registration travels on its own anonymous channel (see Network
// assumption). The server verifies the ring signature, enforces the
// denomination and the address version, and refuses a key image already
// used in the slot: a member can register at most one output per slot, so
// the outputs never exceed the N·S the inputs pay for, and no member takes
// more than its share while the ring hides who it is. It also refuses an
// address already registered, or named as a change address
// (ErrDuplicateAddress). At the register deadline (or once every member
// has registered in every slot) it builds the Transaction: all inputs
// sorted by id, each with its owner, the outputs sorted by (slot,
// address), the change outputs each with its owner and sorted by it, the
// fee (participants × fee), the parameters, the digest of the ring, which
// is exactly the set of input owners, and the digest of the Bundle. Owners
// are named by their index in the ring, whose keys every participant has
// from the roster. The Bundle is the outputs' ring signatures in output
// order; the transaction commits to it by its SHA-256 and carries no
// signature itself. The server sends the transaction to every participant
// and the bundle only to those that asked for it.
//
// Phase 3, confirmation. Each client checks, and refuses to sign with a
// reason (a Refusal carrying a Reason, and an error that errors.Is matches)
// unless all of these hold: the session, ring digest and parameters are
// those of its roster (ErrRingMismatch, ErrParamsMismatch); each of its
// inputs appears once, unchanged, and no other input is spent in its name
// (ErrInputMissing); the per-participant fee is within its cap and the
// transaction's fee is that fee times the participants (ErrFee); each of its
// outputs appears once, in its slot and with the denomination
// (ErrOutputMissing, ErrWrongAmount); every output holds the denomination,
// has the session's address version, and no slot holds more outputs than
// members (ErrWrongAmount, ErrAddressVersion, ErrKeyImageReused); the
// change output under its own key pays exactly its inputs minus S·d minus
// the fee to its change address, and there is none when that is zero
// (ErrChangeMismatch); the transaction does not pay out more than its
// inputs (ErrUnbalanced); and, with AuditAll (the default), the bundle is
// the one the transaction commits to, its entries for the client's outputs
// are the very ring signatures the client sent (ErrOutputMissing), no key
// image repeats within a slot (ErrKeyImageReused) and every ring signature
// verifies over the ring (ErrBadRingSignature). An AuditAll client waits
// for both the transaction and the bundle, in either order. It then signs
// the transaction hash with UserSign (Confirmation). When every input owner
// has signed, the server assembles the SignedTransaction — the
// transaction, every owner's signature and the bundle — which it publishes
// once, for the ledger, and which anyone can check offline with Verify,
// every ring signature included. Each participant receives a Completion:
// a bare notice (session and transaction hash) for one that audits its own
// outputs, every owner's signature for one that audits everything, which
// verifies them against the transaction it holds.
//
// Faults. A client silent in phase 1 is simply not in the ring. The server
// cannot tell who did not register an output in phase 2 (the ring hides
// it), so it builds the transaction without the missing outputs; their
// coins stay as an unassigned surplus (Transaction.Surplus) that only their
// owners' signatures could release, and an honest owner refuses a
// transaction without its output. Phase 3 fails as soon as every owner has
// answered and one refused, or at the confirm deadline if one has not
// signed; Server.Excluded names those without an accepted confirmation, and
// Server.Restart opens the next session with the others only — their
// inputs checked again, no new participant or input — under the id
// NextSessionID(old id, old transaction hash), which clients recompute. The
// survivors receive the new Roster, whose Previous is the old id, and
// register fresh outputs. A message of another session, such as one
// replayed from an earlier session, is refused with ErrWrongSession:
// every signature covers the session id, and the ring signatures' scope
// does too. Bad bytes give ErrMalformed, never a panic.
//
// # Messages
//
// Every message is encoded with the length-prefixed encoding of
// internal/wire, starting with its own domain string
// ("CBETS/mixer/v1/announcement", "…/request", "…/roster",
// "…/registration", "…/transaction", "…/bundle", "…/confirmation",
// "…/refusal", "…/signed-transaction", "…/completion"), so no message
// parses as another and KindOf tells them apart. Integers are big-endian,
// amounts and times int64 (times as Unix nanoseconds), variable fields a
// u32 length and the bytes, addresses a version byte and the 20-byte hash.
// The layout of each message is on its type. Parse* functions are strict:
// lists must be in their canonical order without repeats, keys and
// signatures well formed, amounts positive and totals within an int64, and
// Bytes of a parsed value returns its input exactly. A transaction names
// its owners by ring index, so ParseTransaction takes the ring (the
// roster's); the signed transaction carries the owners' keys and parses
// alone. The signatures cover, respectively: the Request encoding up to
// the signature (R-bound ECDSA, SHA-256 profile); the Registration encoding
// up to the signature (LSAG, scope session ‖ u32be(slot)), which for an
// output of the transaction is rebuilt from the session and the output;
// the Confirmation or Refusal encoding up to the signature. A Confirmation
// names the transaction by its hash, SHA-256 of the Transaction encoding,
// and the transaction names its bundle by SHA-256 of the Bundle encoding,
// so one signature covers both.
//
// Message routing: the caller delivers a server Message to every
// participant when its To is nil, to one participant otherwise, and a
// Message with Publish (the signed transaction) to the ledger or a bulletin
// board, once. Messages may share their Data: do not modify it.
//
// Sizes, for N participants, S slots and o ≤ N·S outputs: an Announcement
// is 116 bytes; a Request 166, plus 12 + the id's length per input, plus
// 29 with change; a Roster 130 + 33·N; a Registration 133 + 32·(N+1); a
// Transaction 167, plus 16 + the id's length per input, 33 per output and
// 33 per change output; a Bundle 61 + o·(69 + 32·N); a Confirmation 197;
// a Refusal 193; a SignedTransaction 49 + the transaction + 98·N + the
// bundle; a Completion 97, or 97 + 65·N with every owner's signature.
//
// # Threat model
//
// The server learns who takes part, their inputs and change, and the set
// of outputs; it does not learn which member registered which output,
// provided registrations reach it over an anonymous channel: a ring
// signature over N members is equally likely to come from any of them. It
// can deny service — refuse requests, drop registrations, stall, or
// present different rings — and clients detect the latter ones (a missing
// output, a ring digest that is not theirs) and refuse, but it cannot move
// anyone's coins without their signature: a transaction completes only when
// every input owner has signed it, and an honest client signs only after
// the checks above, which guarantee that it gets its S outputs of d and its
// change and pays at most its fee cap, whatever the server put elsewhere.
// That is the property the tests check: no client's coins are in a
// completed transaction it did not sign.
//
// AuditOwn is enough for that property: a client's outputs are the
// addresses it derived after the roster from its own key, which nobody else
// can register first, so finding them in the transaction, in their slots
// and with the denomination, is all it needs to know of them; which ring
// signature the bundle holds for them changes nothing it receives. AuditAll
// also detects misconduct aimed at others before signing — an output
// without a valid registration, which can only be paid from the surplus of
// a member who must also sign, two outputs of one member in a slot, a
// bundle that is not the one the transaction commits to — at the cost of
// the bundle's download and one ring verification per output, about N·S·N
// point multiplication pairs per client. Misconduct in the bundle never
// reaches the ledger either way: the transaction commits to the bundle,
// and SignedTransaction.Verify, which the ledger runs, checks every ring
// signature. A client that asks for the bundle tells the server it
// audits; a server that cheats only when nobody asks is still caught by
// the ledger, and the completed transaction is public.
//
// Change addresses. Every change output carries its owner's key, and a
// client finds its own by that key, so a participant who names another's
// change address — reused, or read on the ledger — only sends its own change
// there: it keeps nobody out of the session and takes nothing. A request
// names a change address only when it has change, so nobody can name one
// without paying into it. An output registered at a change address of the
// session is refused (ErrDuplicateAddress), and a transaction never pays an
// output and a change output to one address. That refusal cannot be turned
// against anyone: every request, and so every change address, is fixed
// before the roster, and an honest member's output addresses are derived
// after it from its secret key, the session id and the ring digest, so no
// requester can name one in advance, and the rule only refuses a
// registration that chose a change address itself.
//
// Linkability: within a slot, two registrations by one member carry the
// same key image and are linked (that is how the second is refused); across
// slots and sessions key images are unrelated. Still, S outputs
// registered over one connection, or at telling moments, are linked by the
// network; send each over its own channel, at a random moment of the
// phase. Equal amounts hide the link between inputs and outputs; change
// outputs are visibly the change of their owner's inputs. The anonymity set
// of an output is the honest members of its ring: a server that fills a
// session with its own keys learns the remaining member's outputs, which
// no protocol of this kind prevents; clients should insist on large rings.
// A server that presents one session id to the same client with two rings
// gets two unrelated output keys, since the ring digest enters the key
// derivation.
//
// # Network assumption
//
// Registrations must travel over a channel that does not reveal the sender
// (Tor or a mix network, one circuit per registration): the ring signature
// hides which member signed, it cannot hide an IP address. Message.Anonymous
// marks them. Requests, confirmations and refusals name their sender
// anyway and may use an authenticated channel; the announcement, rosters,
// transactions, bundles and completions should reach clients over a
// channel that authenticates the server, since nothing in them is signed by
// it (their integrity rests on the clients' checks and signatures, so a
// forged one can only cause a refusal, or make a client that audits only
// its own outputs stop waiting for a restart).
//
// # What the backend must do
//
// InputSource decides what an input is; it should also reserve the inputs
// of a session, so that no input is offered in two sessions at once. The
// signed transaction moves coins only when the ledger applies it, and the
// ledger must check its inputs again then (unspent, owned by the listed
// keys, holding the listed amounts) and verify it (SignedTransaction.Verify:
// every owner's signature and every output's ring signature). A restart's
// transaction spends the same inputs as the failed one, which its signers
// also signed: the ledger must apply at most one transaction per input, as
// it does anyway.
//
// # Concurrency and timing
//
// Server.Check verifies a batch of registrations with a worker pool bounded
// by its argument, whose goroutines end before it returns; an AuditAll
// client (ClientConfig.Workers), Transaction.VerifyBundle and
// SignedTransaction.Verify (GOMAXPROCS) do the same for the bundle. Those
// are the package's only goroutines. SignedTransaction.Verify, and an
// AuditAll client's completion, check every owner's confirmation in one
// batch (ecdsa.VerifyRBoundBatch). Server and Client are not safe for
// concurrent use.
//
// Constant time: R-bound signing (package ecdsa) is constant time in the
// key and nonce; ring signing (package ringsig) computes k·h and α·h in
// variable time, so an attacker who can time the client's ring signing
// precisely may learn about its key or nonce; output keys are derived with
// HMAC-SHA256, which is constant time. Everything the server does and every
// check a client makes handles public data only, in variable time.
//
// # Costs
//
// A ring signature and its verification each cost about two double point
// multiplications per member, so a round costs O(N²·S) for the server, and
// for each AuditAll client; signing costs O(N·S) per client, and a client
// that audits its own outputs does nothing else of that order. In a
// 100-member round nearly all the CPU time goes to ringsig's Sign and
// Verify; see the benchmarks. Traffic grows as N²: each participant
// receives the roster (33·N bytes) and the transaction (about 100 bytes per
// participant), and sends S ring signatures of 33 + 32·(N+1) bytes; the
// signed transaction, with its bundle of N·S ring signatures, is published
// once. A 256-member round with S = 1 moves about 14 MB in all. An AuditAll
// client adds the bundle, N·S ring signatures (about 2.1 MB at N = 256),
// and N owner signatures.
//
// # What this is not
//
// This is the paper's protocol, which hides the link from inputs to outputs
// from the server only if the network hides the senders, and whose
// messages grow with N. When a user needs more, use a protocol designed for
// it: CoinJoin with blind signatures (for example the ZeroLink/Chaumian
// CoinJoin of Wasabi 1) or WabiSabi with keyed-verification anonymous
// credentials, where the coordinator signs blinded outputs and needs no
// ring signatures, allows arbitrary amounts and scales to hundreds of
// inputs; or CoinShuffle++ (DiceMix), a peer-to-peer protocol whose DC-net
// hides who contributed which output without any anonymous network or
// coordinator.
package mixer
