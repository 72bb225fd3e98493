package app

// SetProposalBytes sets a's budget for a proposal's transactions
// (MaxProposalTxBytes), so that tests reach it with a few records.
func SetProposalBytes(a *App, n int64) { a.proposalBytes = n }
