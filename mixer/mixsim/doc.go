// Package mixsim simulates rounds of the coin-mixing protocol of package
// mixer: one server and N clients exchanging encoded messages in one
// process, on a simulated clock, with faults injected on the way. The tests
// and benchmarks of package mixer use it, and so can a report that needs
// the protocol's traffic: a Report counts, per session and per phase, the
// messages sent and their bytes (the paper's Table 7 counts "CoC" and
// "TL"). The server's messages go where mixer.Message says — every
// participant, one (a bundle, a completion), or, for the signed
// transaction, the ledger — and count once per recipient, the published
// signed transaction once.
//
// By default every client's work runs on the calling goroutine, one client
// after the other, and only the server's batch verification
// (mixer.Server.Check) uses several cores (Config.Workers, GOMAXPROCS by
// default); Config.ClientWorkers lets several clients work at once, as they
// would on their own machines. Either way the goroutines end before Run
// returns, and the outcome is the same.
//
// Keys, input ids, change addresses and session ids derive from
// Config.Seed, so a run is reproducible: the same Config gives the same
// messages, byte for byte.
package mixsim
