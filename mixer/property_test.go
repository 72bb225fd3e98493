package mixer_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
	"github.com/stretchr/testify/require"
)

// TestPropertyNoCoinsWithoutSignature runs rounds with random faults and
// checks, whatever happened, that no client's coins are in a completed
// transaction it did not sign (requireSafe), and that a client no fault
// touched is in the completed transaction, if there is one.
func TestPropertyNoCoinsWithoutSignature(t *testing.T) {
	runs := 40
	if testing.Short() {
		runs = 10
	}
	rng := rand.New(rand.NewPCG(2026, 7))
	kinds := []mixsim.FaultKind{mixsim.Drop, mixsim.Tamper, mixsim.Silent, mixsim.DifferentRing, mixsim.Refuse, mixsim.DropOutput, mixsim.Replay}
	phases := []mixer.Phase{mixer.PhaseRequesting, mixer.PhaseRegistering, mixer.PhaseConfirming}
	for run := range runs {
		n := 2 + rng.IntN(4)
		cfg := mixsim.Config{Participants: n, Seed: fmt.Sprint("property ", run), Audit: mixer.Audit(rng.IntN(2)), ClientWorkers: rng.IntN(3)}
		if rng.IntN(3) == 0 {
			cfg.Params = mixsim.DefaultParams()
			cfg.Params.Slots = 2
		}
		touched := map[int]bool{}
		for range rng.IntN(4) {
			f := mixsim.Fault{Kind: kinds[rng.IntN(len(kinds))], Client: rng.IntN(n), Phase: phases[rng.IntN(len(phases))], Attempt: rng.IntN(2)}
			cfg.Faults = append(cfg.Faults, f)
			touched[f.Client] = true
		}
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			rep, err := mixsim.Run(cfg)
			require.NoError(t, err)
			requireSafe(t, rep)
			if rep.Signed == nil {
				return
			}
			for i, c := range rep.Clients {
				if !touched[i] {
					require.Equal(t, mixer.PhaseComplete, c.Phase, "untouched client %d, faults %+v", i, cfg.Faults)
				}
			}
		})
	}
}
