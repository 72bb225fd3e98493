// Package node writes CometBFT home directories for the cbets ticket
// application and runs one validator from such a home, with the
// application in the same process. Command cbetsd is its command line.
//
// # Homes
//
// A home is CometBFT's standard layout:
//
//	config/config.toml              CometBFT's configuration
//	config/genesis.json             the chain's genesis; app_state is an app.Genesis
//	config/node_key.json            the node's P2P identity
//	config/priv_validator_key.json  the validator's signing key
//	data/priv_validator_state.json  the last height, round and step signed
//	data/*.db, data/cs.wal          CometBFT's stores and the application's (app.db)
//
// Init writes a home for a chain of one validator; Testnet writes the homes
// of N validators sharing one genesis, wired to each other on 127.0.0.1.
// Neither overwrites a genesis unasked, and neither replaces a validator's
// keys, its signing state or its stores: they are its identity and its
// memory of what it signed and committed. A new chain starts from a new
// home (or an empty data directory).
//
// # Configuration
//
// The homes start from CometBFT's defaults with these choices:
//
//   - Empty blocks are made (create_empty_blocks = true), at most one per
//     create_empty_blocks_interval (1 s) when there are no transactions.
//     The state a query reads at height h is committed to by the app hash
//     of the header at h+1, and a client checks a proof against that header
//     once its commit is signed; so the header after any state must come
//     soon, whether or not transactions follow. (CometBFT makes the block
//     after one that changed the app hash at once; the interval bounds the
//     wait after a block that did not.)
//   - The mempool holds 20,000 transactions (cache 40,000) and rechecks
//     what it holds after each commit (recheck = true), so transactions a
//     block made invalid leave it.
//   - The genesis bounds a block at 1 MiB (block.max_bytes =
//     MaxBlockBytes) instead of CometBFT's 21 MiB. A validator runs every
//     record of a proposal before it votes, a record it has not checked
//     yet costs a full verification (about 175 µs of CPU), and a block
//     whose execution misses the consensus timeouts fails its round:
//     measured with four validators on two cores, a proposer that packed
//     the thousands of records a mempool held into 1–2 MB blocks missed
//     the timeouts round after round. 1 MiB, about 1,800 records, bounds
//     what any proposer can make the others run. The application's own
//     proposals are smaller still (app.MaxProposalTxBytes, 256 KiB, about
//     450 records): on the same machine, loaded with at most 1,000
//     transactions on their way, every block of 1,000 records (570 KB) was
//     decided only in its second round, while most blocks of that budget
//     are decided in their first, one after the other.
//   - Testnet's homes are for loopback: allow_duplicate_ip = true,
//     addr_book_strict = false, P2P on 127.0.0.1:P+10i and RPC on
//     127.0.0.1:P+10i+1 for node i, shorter consensus timeouts (propose
//     1 s, votes 200 ms, commit 300 ms), a 10 ms flush throttle and
//     20 MB/s per connection.
//
// Everything else is edited in config.toml. Start reads config.toml as
// CometBFT's own command does and applies the overrides of Options on top.
//
// # Running
//
// Start runs a validator: the application (cbets, package app, or
// CometBFT's kvstore example as a baseline) is opened over the home's data
// directory and connected through an in-process client; CometBFT's
// handshake replays the blocks the application lacks, so a validator
// resumes from its stores after any stop, a kill -9 included. Stop stops it
// and closes its stores; Run stops it when its context is done (cbetsd:
// on SIGINT or SIGTERM).
//
// A consensus failure (an application error while applying a committed
// block) halts CometBFT's consensus as in CometBFT's own command: the
// process keeps serving RPC but makes no more blocks, and the log says
// "CONSENSUS FAILURE". Restart it once the cause is fixed.
//
// # Trust
//
// The package trusts the home it is given: its keys, its configuration
// and its genesis are the operator's. It checks that they parse, that the
// genesis app state is one the application accepts, and that the
// arguments are valid; files it cannot read or parse are errors, never a
// panic or an exit.
package node
