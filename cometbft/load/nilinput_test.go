package load_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/load"
	"github.com/cbets/cbets/internal/testkit"
)

// TestNilAndZeroParties checks Parties and Workload not made by their
// constructors: errors or empty results, never a panic.
func TestNilAndZeroParties(t *testing.T) {
	for name, p := range map[string]*load.Parties{"nil": nil, "zero": {}} {
		require.ErrorIs(t, testkit.Err2(p.AppState()), load.ErrOptions, name)
		require.Error(t, testkit.Err2(p.Workload(load.CbetsOptions{})), name)
		require.NotPanics(t, func() { p.Genesis() }, name)
	}
	var w *load.Workload
	require.Zero(t, w.Transactions())
	require.Error(t, testkit.Err2(load.KVStoreWorkload(nil, 1, "x")))
}
