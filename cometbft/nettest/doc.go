// Package nettest runs a cbets network as real processes on loopback, one
// cbetsd per validator, for process-level tests and load runs: Build
// compiles cbetsd, New writes a testnet with `cbetsd testnet` on free
// ports, and a Network starts, stops (SIGTERM) and kills (SIGKILL) its
// validators, reaches them through CometBFT's HTTP RPC, and checks that
// they agree: the same block and app hash at a common height, the same
// answers to queries.
//
// The package's tests are the fault tests: a validator killed under load
// and restarted catches up to the same app hash; all four stopped (SIGTERM,
// then SIGKILL) and started again resume from disk with the same height,
// app hash and state, and go on. They build cbetsd once (TestMain), keep
// each validator's log in a file and print the end of every log when a
// test fails. -short shortens the loads; -nettest.long lengthens them.
//
// It trusts the cbetsd it runs and the machine: every address is
// 127.0.0.1, every process a child of the caller, killed when the caller
// dies (Linux).
package nettest
