package proof_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/proof"
	"github.com/cbets/cbets/internal/testkit"
)

// TestNilAndZeroChecker checks that a nil or zero-value Checker is refused
// with ErrArgument by every reader, never a panic.
func TestNilAndZeroChecker(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]*proof.Checker{"nil": nil, "zero": {}} {
		for call, f := range map[string]func() error{
			"Get":          func() error { return testkit.Err3(c.Get(ctx, app.TicketKey("e", "1"))) },
			"Ticket":       func() error { _, _, _, err := c.Ticket(ctx, "e", "1"); return err },
			"EventState":   func() error { return testkit.Err3(c.EventState(ctx, "e")) },
			"Event":        func() error { return testkit.Err2(c.Event(ctx, "e")) },
			"Cancellation": func() error { return testkit.Err3(c.Cancellation(ctx, "e")) },
			"Standing":     func() error { return testkit.Err3(c.Standing(ctx, "c")) },
			"Held":         func() error { return testkit.Err3(c.Held(ctx, "e", "c")) },
		} {
			require.ErrorIs(t, f(), proof.ErrArgument, "%s Checker: %s", name, call)
		}
	}
	require.ErrorIs(t, proof.Verify(nil, nil, nil, nil), proof.ErrProof)
}
