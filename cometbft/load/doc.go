// Package load drives a CometBFT network with transactions at the highest
// rate it accepts and measures what it commits: the cbets ledger's ticket
// transitions, or, as the baseline, CometBFT's kvstore example application
// with transactions of the same sizes.
//
// A cbets workload is made before the timed window, offline: Key derives
// every key from a seed and a label, so the registrar and merchant of a
// seed are those of the genesis Parties.AppState wrote for the network;
// Parties.Workload publishes one event and makes, for each ticket, a
// chain of three merchant-signed records — a distinct user's buy of a
// distinct serial, its listing, and a second user's transfer — with the
// facts a fresh ledger will hold. KVStoreWorkload copies a workload's
// shape and sizes into "key=value" transactions.
//
// Run commits the workload's setup, then broadcasts (broadcast_tx_sync)
// through every node from many workers for a duration, each chain's next
// transaction only after the one before it was seen in a committed block,
// backing off while the mempool is full. It follows the committed blocks
// (/block and /block_results) and reports the committed transitions per
// second and the time from broadcast to commit (p50, p99).
//
// Run trusts the nodes it is given: it counts what their blocks hold and
// checks nothing against a commit's signatures.
package load
