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
// A Ticket is the state after its latest Record: event and serial, the
// merchant's key pk_M, the holder's certificate, the State, the age
// (transfers so far), the price the holder paid, the listing while listed,
// times, and Head, the hash of the latest record.
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
//
// The paper's state codes are available through State.PaperCode: 1 valid,
// −1 listed, 2 transferred, 0 consumed.
//
// # Rules
//
// Only the holder lists, delists or consumes, and every request carries the
// holder's (or, for Transfer, the buyer's) signature, so a merchant alone can
// neither consume nor alter a ticket. A Listed ticket can be sold once: the
// transfer moves it out of Listed. Consumption needs a ticket that is not
// listed, and Consumed is final. A ticket is resold at most
// Policy.MaxTransfers times (default 1). Request and record times never go
// back past the ticket's latest record, and a request may not come from
// after the merchant's now. Every request names the ticket, the merchant and
// the ticket's Head, so a request signed for one ticket, merchant or state is
// refused for any other. Certificates are checked against the registrar's key
// at every transition that names one.
//
// # Facts the backend supplies
//
// Two rules depend on more than one ticket: how many tickets of the event a
// certificate holds (Facts.Held, against Policy.PerCertificateLimit, the
// paper's "if cert_i exists … refused") and the seller's reputation standing
// (Facts.Seller). The backend knows them from its records. The standing the
// merchant relied on is written into the record, so Replay can check the
// listing gate and the settlement; the per-certificate count is not, and
// Replay cannot check it.
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
// Certificates, requests and records each have one canonical binary
// encoding (domain-separated, length-prefixed; the layouts are on the types),
// which is also what the signatures cover. Parsers are strict: Bytes of a
// parsed value returns the input. The JSON forms show the fields for people
// and carry the binary encoding, which is authoritative.
//
// # Replay
//
// Replay rebuilds a ticket from its records and re-verifies every
// signature, certificate, rule and settlement, so anyone with the registrar's
// and merchants' public keys can audit a ticket offline.
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
