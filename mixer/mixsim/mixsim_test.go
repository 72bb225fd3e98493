package mixsim_test

import (
	"flag"
	"testing"

	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
	"github.com/stretchr/testify/require"
)

func TestNames(t *testing.T) {
	for k := mixsim.Drop; k <= mixsim.Replay; k++ {
		require.NotContains(t, k.String(), "FaultKind(")
	}
	require.Equal(t, "FaultKind(0)", mixsim.FaultKind(0).String())
	for _, s := range mixsim.Stages() {
		require.NotContains(t, s.String(), "Stage(")
	}
	require.Equal(t, "Stage(9)", mixsim.Stage(9).String())
}

func TestRunCompletes(t *testing.T) {
	rep, err := mixsim.Run(mixsim.Config{Participants: 3, Workers: 1})
	require.NoError(t, err)
	require.NotNil(t, rep.Signed)
	require.NoError(t, rep.Signed.Verify())
	require.Len(t, rep.Attempts, 1)
	require.Equal(t, mixer.PhaseComplete, rep.Attempts[0].Outcome)
	for _, c := range rep.Clients {
		require.Equal(t, mixer.PhaseComplete, c.Phase)
		require.Len(t, c.Confirmed, 1)
		require.Len(t, c.Addresses, 1)
	}
	require.Equal(t, mixsim.DefaultParams(), rep.Params)
}

// The mixer benchmarks take -mixer.large; mixsim has no large benchmarks,
// but accepts the flag so that it can be given for ./mixer/... as a whole.
var _ = flag.Bool("mixer.large", false, "no effect in mixsim (see the mixer benchmarks)")

// Every exported identifier of the package appears in package mixer's nil
// and zero-value table, which covers mixsim too.
func TestNilInputCoversAPI(t *testing.T) {
	t.Logf("%d exported identifiers", testkit.RequireCoversAPI(t, "../nilinput_test.go"))
}
