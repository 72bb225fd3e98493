// Package ticket implements the ticket life cycle of the CB-ETS paper —
// Algorithms 1–3 (buying, consuming, transferring), the paper's resale tax
// and its reputation mechanism — as pure functions that a ticketing backend
// calls (SPEC section 8). The library decides whether a transition is valid
// and produces the signed record; the backend stores the records (it has the
// chain) and the facts that span many tickets.
//
// # Model
//
// A registrar (the paper's third party of System initialization) issues each
// user a Certificate binding an id to the user's key and wallet address WID.
// The WID must be the address of that key under ecdsa.DefaultAddressVersion:
// IssueCertificate refuses any other (another key's address, another
// version, the zero address) and Certificate.Verify refuses a certificate
// that breaks the rule even if the registrar signed it (ErrWID).
//
// A merchant publishes each event it sells (NewEvent): the event id its
// tickets name, the capacity, the face value every Buy pays, the sale
// window, the event's time, and the rules of resale (a cut-off and a cap),
// admission (when the doors open) and returns (a cut-off and a penalty),
// signed with MerchantSign. It may later call the event off with a signed
// Cancellation (NewCancellation).
//
// A Ticket is the state after its latest Record: event and serial, the
// merchant's key pk_M, the holder's certificate, the State, the age
// (transfers so far), the price the holder paid, the listing while listed,
// times, Head, the hash of the latest record, and the event's terms and
// cancellation the record was checked against.
//
// A user asks for a transition with a signed Request; the merchant's
// transition checks it and returns the next Ticket and a Record signed with
// MerchantSign. Each transition is a pure function of (current ticket,
// request, merchant keys and policy, facts, now); nothing reads a clock.
//
//	Buy       Algorithm 1   → Valid        UserSign by the buyer; MerchantSign
//	List      request 3     Valid/Transferred → Listed    holder's ω (Price', MID)
//	Delist    (not in paper) Listed → Valid/Transferred   holder's ω
//	Transfer  Algorithm 3   Listed → Transferred, age+1   buyer's ω over (T*, Price', t3)
//	Consume   Algorithm 2   Valid/Transferred → Consumed  2-of-2 Σ (package multisig)
//	Refund    (not in paper) Valid/Listed/Transferred → Refunded  holder's ω (amount, payee)
//	Return    (not in paper) Valid/Transferred → Returned holder's ω (amount, payee)
//
// Consumed, Refunded and Returned are final. Expired is never recorded: a
// ticket still valid, listed or transferred when its event ends is expired
// from then on (Ticket.StateAt). The paper's state codes are available
// through State.PaperCode: 1 valid, −1 listed, 2 transferred, 0 consumed
// (and refunded, returned, expired).
//
// # Rules
//
// Only the holder lists, delists, consumes, claims a refund or returns, and
// every request carries the holder's (or, for Transfer, the buyer's)
// signature, so a merchant alone can neither consume, refund, return nor
// alter a ticket: nobody, the merchant included, ends a ticket without a
// signature these rules name. A Listed ticket can be sold once: the
// transfer moves it out of Listed. Consumption needs a ticket that is not
// listed, and Consumed is final. A ticket is resold at most
// Policy.MaxTransfers times (default 1). Request and record times never go
// back past the ticket's latest record, and a request may not come from
// after the merchant's now. Every request names the ticket, the merchant and
// the ticket's Head, so a request signed for one ticket, merchant or state is
// refused for any other. Certificates are checked against the registrar's key
// at every transition that names one.
//
// # The event's terms
//
// Every transition is checked against the terms of the ticket's event,
// published by its merchant, and against the event's cancellation if the
// merchant signed one, at the transition's time (the merchant's now; the
// record time on replay):
//
//   - Cancellation: from its time on, a Refund is the only transition, and
//     refused before (ErrState); every other is refused (ErrCancelled). A
//     listed ticket can be refunded: the listing ends with it. A ticket of
//     a cancelled event never expires: its refund stays owed.
//   - Buy: the face value, inside the sale window [SaleStart, SaleEnd)
//     (ErrPrice, ErrSaleClosed).
//   - Expiry: at or after End, nothing else is accepted (ErrExpired).
//   - List and Transfer: before ResaleCutoff (ErrClosed), at a price at
//     most EventTerms.MaxResale — a share of the face value in basis
//     points and/or an amount (ErrResaleCap). The resale tax applies below
//     the cap as to any resale.
//   - Consume: from DoorsOpen (ErrClosed).
//   - Return: only under terms that take returns, before ReturnCutoff
//     (ErrClosed), of a ticket not listed.
//
// A Refund pays the current holder — not the first buyer — the price that
// holder paid (Ticket.Price); a Return pays that price minus the penalty,
// ⌊Price × ReturnPenaltyBasisPoints / 10000⌋, and reverses the holder's
// purchase reward. In both the holder signs the amount and the address it
// is paid at (Request.Price, Request.Payee), and the record carries the
// amount paid (Record.Payout) and the amount withheld (Record.Tax).
//
// The merchant's transitions take the terms and the cancellation from
// Facts and, when the facts do not give them, from the ticket (Ticket.Terms,
// Ticket.Cancellation; Consume and Delist take no facts). A ticket without
// its terms is refused (ErrEvent): a backend that stores tickets without
// them sets them again from the event (package ledger does), and records
// the event's cancellation on its tickets.
//
// # Facts the backend keeps
//
// Some rules depend on more than one ticket. The backend keeps, from the
// records it has accepted:
//
//   - held(event, certificate id): how many tickets of the event the
//     certificate holds (the paper's "if cert_i exists … refused"; keyed by
//     certificate id, so two certificates of one key count apart);
//   - standing(certificate id): a Standing, the user's reputation and the
//     number of transfers the user has made as a seller;
//   - sold(event): how many tickets of the event were bought and not
//     returned, and which serials exist.
//
// A certificate the backend has never seen holds no tickets and starts with
// the zero Standing — reputation 0, no transfers — unless the deployment
// grants an initial standing (a consortium may carry reputations over).
// Under the default policy a new user therefore cannot list: 500 is reached
// after 100 purchases at +5.
//
// The transitions take these facts in Facts, and the backend updates them
// after it stores each record, by the record's kind (buyer is the request's
// certificate, seller the holder before the record):
//
//	Buy       Facts{Held: held(event, buyer), Event: the event's terms}
//	          held(event, buyer) += 1
//	          standing(buyer).Reputation += Record.SignerReputation
//	          sold(event) += 1
//	List      Facts{Seller: standing(holder)}
//	          nothing changes
//	Delist    (no facts)
//	          nothing changes
//	Transfer  Facts{Held: held(event, buyer), Seller: standing(seller)}
//	          held(event, seller) −= 1, held(event, buyer) += 1
//	          standing(seller).Reputation += Record.SellerReputation (≤ 0)
//	          standing(seller).Transfers += 1
//	          standing(buyer).Reputation += Record.SignerReputation
//	Consume   (no facts)
//	          nothing changes: a consumed ticket still counts as held
//	Refund    Facts{Cancellation: the event's cancellation}
//	          held(event, holder) −= 1; sold(event) is unchanged
//	Return    (no facts beyond the terms)
//	          held(event, holder) −= 1, sold(event) −= 1 (the seat can be sold again)
//	          standing(holder).Reputation += Record.SignerReputation (−reward)
//
// Every transition also takes the event's terms and cancellation (Facts.Event
// and Facts.Cancellation, or the ticket's own), which the backend keeps
// with the event.
//
// Reputation sums saturate at the int64 range, transfer counts at the
// uint32 range. The transitions refuse a Buy or Transfer whose buyer's held
// count has reached Policy.PerCertificateLimit (ErrLimit) and a List whose
// seller's reputation is below Policy.ListingThreshold (ErrReputation). The
// event's capacity and the uniqueness of (event, serial) are the backend's
// to enforce: a merchant's transition sees one ticket.
//
// A refunded or returned ticket no longer counts as held, and a returned
// one no longer as sold; a consumed one still counts as both. The backend
// can list the refunds a cancelled event still owes: its tickets still
// valid, listed or transferred, each owed its Price.
//
// The standing the merchant relied on is written into List and Transfer
// records, so Replay checks the listing gate and the settlement against it;
// a backend applying a record must also check that it equals its own
// standing of the seller. The held count is not recorded, and Replay cannot
// check it: a backend applying a Buy or Transfer must check that the buyer's
// held count is still below the limit. Package ledger applies these rules
// to a store, in one transaction per record.
//
// # Reputation and tax (paper step 10, eq. 24)
//
// The policy's defaults are the paper's: +5 per purchase (Buy and the buyer
// of a Transfer), −ΔPrice·x for the seller of a transfer (ΔPrice the
// positive price difference in whole coins, rounded up; x the seller's
// transfers including this one), no listing below 500, and above 1500 the
// resale tax charged at 80%. The tax is computed by package tax (Table 5's
// full-rate schedule by default), and the record carries Tax and the seller's
// Payout = Price' − Tax. Records carry reputation changes; the backend keeps
// the scores.
//
// # Encodings
//
// Certificates, events, cancellations, requests and records each have one
// canonical binary encoding (domain-separated, length-prefixed; the layouts
// are on the types), which is also what the signatures cover. Parsers are strict: Bytes of a
// parsed value returns the input. The JSON forms show the fields for people
// and carry the binary encoding, which is authoritative.
//
// # Replay
//
// Replay rebuilds a ticket from its records and re-verifies every
// signature, certificate, rule and settlement, so anyone with the registrar's
// and merchants' public keys, the published events and their cancellations
// (Verifier.Events, Verifier.Cancellations) can audit a ticket's whole
// history offline, refunds and returns included. Every record must find its
// event among Verifier.Events. Step is one step of it, for a backend that
// keeps each ticket's state. Replay has no clock: the ticket it returns
// carries its event's terms, and Ticket.StateAt says whether it has expired
// at a given time; its JSON form shows the time it expires.
//
// A Verifier may carry a SignatureCache (Verifier.Signatures): Step and
// Replay then skip the signatures it holds and add those they verify, so
// that a record checked once — in a consensus node's mempool, say — costs
// no signature verification when its block applies it. An entry is the
// SHA-256 of the exact scheme, key(s), message and signature, and only this
// package adds entries, after a verification succeeded; the cache is
// trusted as the process's own memory, and results and errors are the
// same with or without it. PrecheckSignatures (and
// Verifier.PrecheckSignatures) verify the R-bound signatures of many
// records — a block's — in one batch and fill the cache with those that
// verify.
//
// # Errors and bad input
//
// Every error wraps one of the package's sentinels (ErrMalformed, ErrKey,
// ErrWID, ErrPolicy, ErrSignature, ErrClosed, ErrExpired, ErrCancelled,
// ErrResaleCap, …); test with errors.Is. A message names the package once
// and says what was wrong once: "ticket: record 3 (transfer): request is for
// another ticket or an earlier state" matches ErrForeign. Nil and zero
// values never cause a panic: constructors and verifiers refuse a nil or
// zero key with ErrKey, a nil or zero certificate, event, cancellation,
// request, record or ticket with ErrMalformed, and methods of nil and zero
// receivers return zero results or errors. A zero-value ecdsa.PublicKey is
// never used to verify anything. The one panic is a private key wiped with
// PrivateKey.Zero given to a function that signs: it happens at the call,
// and the message names the argument.
//
// # What this is not
//
// The package keeps no state and has no notion of a ledger: it does not stop
// a backend from storing two histories for one ticket. The backend must
// store each ticket's records in order and serialise transitions per ticket;
// a consensus engine (or a database transaction) does that.
//
// Timing: signing uses package ecdsa (see its notes on constant time);
// everything else handles public data.
package ticket
