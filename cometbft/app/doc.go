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
// Only valid transactions enter blocks. PrepareProposal runs the mempool's
// transactions in order against the state the block builds, with the rules
// of FinalizeBlock, and keeps those accepted that fit within MaxTxBytes;
// ProcessProposal rejects a block with any transaction refused against
// that state. Neither reads a clock, so every validator accepts a correct
// proposer's block. Before a block runs, the R-bound signatures of its
// records (buy requests, merchant signatures, their certificates, and the
// committed events they name) are verified in one batch
// (ticket.Verifier.PrecheckSignatures) into the application's
// ticket.SignatureCache, which the ledger's checks hit; CheckTx fills the
// same cache, so a transaction checked into the mempool is not verified
// again in its block. Nor is it parsed again: the application keeps the
// records it parsed, by their bytes, for the rechecks and the block
// (Ledger.ApplyRecord), and its Stores keep the events and ticket entries
// they decoded, by their stored bytes, handing out copies. Both are
// bounded, and a value found there is the one decoding gives.
// ProcessProposal keeps an accepted block's outcome under the block's
// hash, and FinalizeBlock of that block reuses it; any other block, as one
// a validator catching up executes, is run with its refused transactions
// recorded, with the same results. After each commit
// the mempool rechecks what it holds against the new state (CheckTx of
// type Recheck), which drops what the block made invalid: the node must
// run with the mempool's recheck on.
//
// # State
//
// The state is the ledger's, kept by Store in a cometbft-db database under
// these keys (lp(s) is uvarint(len s) ‖ s; integers are big-endian):
//
//	m/genesis                           the genesis app state (app_state's bytes)
//	e/ ‖ id                             u32 sold ‖ u64 serials ‖ the event's encoding
//	c/ ‖ event                          the event's cancellation's encoding
//	t/ ‖ lp(event) ‖ lp(serial)         the ticket's entry (below)
//	r/ ‖ lp(event) ‖ lp(serial) ‖ u32 i the ticket's record i (from 0), its encoding
//	h/ ‖ lp(event) ‖ lp(certificate)    u64 the event's tickets the certificate holds
//	s/ ‖ certificate                    i64 reputation ‖ u32 transfers
//
// A ticket's entry is its record count and its state after the latest
// record, whose head is the hash of that record:
//
//	u32 records ‖ u32 len ‖ event ‖ u32 len ‖ serial ‖ merchant key (33) ‖
//	u32 len ‖ holder certificate ‖ u8 state ‖ u32 age ‖ i64 price ‖
//	i64 list price ‖ u8 payee version ‖ payee hash (20) ‖ i64 issued ‖
//	i64 updated (Unix ns) ‖ head (32)
//
// InitChain writes m/genesis and the genesis standings; a certificate
// without a standing has the genesis's initial standing, an absent held
// count is zero. FinalizeBlock applies the block's transactions to a Store
// whose pending writes are the block's; Commit writes them in one
// synchronous batch with the meta keys below, so Info reports where a
// restarted validator resumes. CheckTx and Query see the last committed
// state only. Keys are never deleted, and no value is empty.
//
// Meta keys, outside the committed state: m/height (u64, the last
// committed height), m/apphash (its app hash), m/changed (u64, the height
// of the block that last changed the app hash; for the genesis state the
// height before the chain's first), and the commitment's index: x/ ‖ u16 b
// → bucket b's items, uvarint(n) ‖ n × (uvarint(len k) ‖ k ‖ SHA-256(v))
// in increasing key order, and y/ ‖ u16 b → the root of bucket b, for each
// bucket with keys.
//
// # State commitment
//
// The app hash commits to every key of the state above and its value (the
// committed state: every key of the database but the meta keys). With
// MerkleRoot crypto/merkle's HashFromByteSlices (RFC 6962 over SHA-256: no
// item hashes to SHA-256(""), one item x to SHA-256(0x00 ‖ x), n > 1 items
// to SHA-256(0x01 ‖ left ‖ right), the left part being the first k items,
// k the largest power of two below n):
//
//	bucket(k)  = the first two bytes of SHA-256(k), as a u16 (0 to 65535)
//	item(k, v) = uvarint(len k) ‖ k ‖ uvarint(32) ‖ SHA-256(v)
//	root(b)    = MerkleRoot(item(k, v) for the keys of bucket b, in increasing bytewise order)
//	top(b)     = item(u16 b, root(b)) = 0x02 ‖ u16 b ‖ 0x20 ‖ SHA-256(root(b))
//	app hash   = MerkleRoot(top(0), top(1), …, top(65535))
//
// item(k, v) is the leaf merkle.ValueOp checks for key k and value v, and
// top(b) the leaf it checks for key u16 b and value root(b), so a key's
// proof is a chain of two ValueOps. The top tree is perfect, 16 levels.
// A validator keeps its inner nodes in memory, rebuilt at start from the
// y/ roots and checked against m/apphash. A block's app hash costs, for
// each bucket a written key falls in, that bucket's root (its committed
// items, one read of the x/ index unless the bucket is empty, with the
// block's writes over them) and the 16 nodes on the bucket's path to the
// root. FinalizeBlock computes it without touching the database or the
// committed tree (Store.AppHash); Commit writes the block's writes and
// their x/ and y/ entries in the same batch as the meta keys, then moves
// the tree on. A block finalized and never committed leaves nothing
// behind. The genesis state's app hash is InitChain's, which the first
// block's header carries.
//
// # Proofs
//
// The "/store" query (PathStore) takes a committed key as its data. Its
// response carries the key, its value (nil when absent) and Height, the
// height h whose state answered: the height of m/changed, so that the
// header at h+1, which carries the state's app hash, exists or is the
// next block (CometBFT makes a block right after one that changed the app
// hash, even with empty blocks off). With Prove, ProofOps holds, for a key
// k of bucket b:
//
//   - k present with value v: [merkle.ValueOp(k, proof of item(k, v) in
//     bucket b's tree), merkle.ValueOp(u16 b, proof of top(b) in the top
//     tree: Index b, Total 65536)], of type "simple:v";
//   - k absent: [BucketOp(k, bucket b's items), the same top ValueOp]. A
//     BucketOp (type "cbets:bucket") carries uvarint(n) ‖ n × (uvarint(len
//     kᵢ) ‖ kᵢ ‖ SHA-256(vᵢ)), bucket b's items in increasing key order (as
//     the x/ index keeps them); run with no argument it fails if k is
//     among them, or if they are not in strictly increasing order or not
//     all of bucket(k), and returns MerkleRoot of their items, root(b).
//
// Both verify with crypto/merkle: ProofRuntime's VerifyValue(ops, app hash,
// KeyPath(k), v) or VerifyAbsence(ops, app hash, KeyPath(k)), the key path
// being "/x:" hex(u16 b) "/x:" hex(k). Package proof checks the app hash
// too: it is the header's at h+1, signed by more than 2/3 of the genesis
// validators. The application makes no validator updates, so the genesis
// validators sign every block.
//
// # Queries
//
// Besides "/store", JSON views for people and tools that trust the node,
// without proofs: "/ticket" with a JSON {"event","serial"} returns a
// TicketView (the ticket and its records); "/event" with an event id an
// EventView; "/facts" with a request's encoding a FactsView, the facts a
// merchant's transition needs; "/standing" with a certificate id a
// StandingView; "/held" with a JSON {"event","certificate"} a HeldView.
// Queries read the last committed state.
package app
