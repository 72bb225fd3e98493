package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/internal/testkit"
)

// TestNilAndZeroApp checks the ABCI methods of a nil and a zero-value App,
// a zero Store, and the decoders with nil input: errors, never a panic.
func TestNilAndZeroApp(t *testing.T) {
	ctx := context.Background()
	for name, a := range map[string]*app.App{"nil": nil, "zero": {}} {
		for call, f := range map[string]func() error{
			"Info":            func() error { return testkit.Err2(a.Info(ctx, nil)) },
			"InitChain":       func() error { return testkit.Err2(a.InitChain(ctx, nil)) },
			"CheckTx":         func() error { return testkit.Err2(a.CheckTx(ctx, nil)) },
			"PrepareProposal": func() error { return testkit.Err2(a.PrepareProposal(ctx, nil)) },
			"ProcessProposal": func() error { return testkit.Err2(a.ProcessProposal(ctx, nil)) },
			"FinalizeBlock":   func() error { return testkit.Err2(a.FinalizeBlock(ctx, nil)) },
			"Commit":          func() error { return testkit.Err2(a.Commit(ctx, nil)) },
			"Query":           func() error { return testkit.Err2(a.Query(ctx, nil)) },
			"Close":           a.Close,
			"LastCommitted":   testkit.NoErr(func() { a.LastCommitted() }),
		} {
			require.NotPanics(t, func() { _ = f() }, "%s App: %s", name, call)
		}
	}
	var s app.Store
	require.Error(t, testkit.Err2(s.AppHash()))
	require.Error(t, s.Flush())
	require.Error(t, testkit.Err2(app.New(nil)))
	require.Error(t, testkit.Err3(app.ParseTicketEntry(nil)))
	require.Error(t, testkit.Err2(app.ParseEventEntry(nil)))
	require.Error(t, testkit.Err2(app.ParseHeld(nil)))
	require.Error(t, testkit.Err2(app.ParseStanding(nil)))
	require.NotPanics(t, func() { _, _ = app.BucketOp{}.Run(nil) })
}
