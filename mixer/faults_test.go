package mixer_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
	"github.com/stretchr/testify/require"
)

// requireSafe checks the protocol's property on a run: a completed
// transaction carries a valid signature of every input owner, each owner's
// client signed exactly that transaction and got its outputs, and no client
// that did not sign it has coins in it.
func requireSafe(t *testing.T, rep *mixsim.Report) {
	t.Helper()
	owners := map[string]bool{}
	if st := rep.Signed; st != nil {
		require.NoError(t, st.Verify())
		tx := st.Transaction()
		require.Zero(t, tx.Surplus(), "every owner signed, so every output is there")
		for _, in := range tx.Inputs() {
			owners[string(in.Owner.Bytes())] = true
		}
		outs := map[string]bool{}
		for _, o := range tx.Outputs() {
			outs[o.Address.String()] = true
		}
		for i, c := range rep.Clients {
			if !owners[string(c.Key.Bytes())] {
				continue
			}
			require.Contains(t, c.Confirmed, tx.Hash(), "client %d's coins moved without its signature", i)
			require.Equal(t, mixer.PhaseComplete, c.Phase, "client %d", i)
			for _, a := range c.Addresses {
				require.True(t, outs[a.String()], "client %d lost an output", i)
			}
		}
	}
	for i, c := range rep.Clients {
		if c.Phase == mixer.PhaseComplete {
			require.True(t, owners[string(c.Key.Bytes())], "client %d completed outside the transaction", i)
		}
	}
}

// refusedWith reports whether the server refused a message with err.
func refusedWith(rep *mixsim.Report, err error) bool {
	for _, a := range rep.Attempts {
		for _, r := range a.Refused {
			if errors.Is(r.Err, err) {
				return true
			}
		}
	}
	return false
}

// TestFaults runs a 4-client round with each fault on client 1 and checks
// how the round ends.
func TestFaults(t *testing.T) {
	const victim = 1
	for _, tc := range []struct {
		name      string
		faults    []mixsim.Fault
		audit     mixer.Audit
		sessions  int         // sessions opened
		owners    int         // owners of the completed transaction (0: none)
		excluded  [][]int     // per failed session
		clientErr error       // the victim's final error
		server    error       // an error the server answered with
		phase     mixer.Phase // the victim's final phase
	}{
		{name: "no fault", sessions: 1, owners: 4, phase: mixer.PhaseComplete},
		{name: "silent when requesting", faults: []mixsim.Fault{{Kind: mixsim.Silent, Client: victim, Phase: mixer.PhaseRequesting}},
			sessions: 1, owners: 3, phase: mixer.PhaseNew},
		{name: "silent when registering", faults: []mixsim.Fault{{Kind: mixsim.Silent, Client: victim, Phase: mixer.PhaseRegistering}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrDeadline, phase: mixer.PhaseFailed},
		{name: "silent when confirming", faults: []mixsim.Fault{{Kind: mixsim.Silent, Client: victim, Phase: mixer.PhaseConfirming}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrDeadline, phase: mixer.PhaseFailed},
		{name: "request lost", faults: []mixsim.Fault{{Kind: mixsim.Drop, Client: victim, Phase: mixer.PhaseRequesting}},
			sessions: 1, owners: 3, clientErr: mixer.ErrDeadline, phase: mixer.PhaseFailed},
		{name: "bad ownership signature", faults: []mixsim.Fault{{Kind: mixsim.Tamper, Client: victim, Phase: mixer.PhaseRequesting}},
			sessions: 1, owners: 3, clientErr: mixer.ErrDeadline, server: mixer.ErrBadSignature, phase: mixer.PhaseFailed},
		{name: "bad ring signature", faults: []mixsim.Fault{{Kind: mixsim.Tamper, Client: victim, Phase: mixer.PhaseRegistering}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrOutputMissing, server: mixer.ErrBadRingSignature, phase: mixer.PhaseFailed},
		{name: "registration lost", faults: []mixsim.Fault{{Kind: mixsim.Drop, Client: victim, Phase: mixer.PhaseRegistering}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrOutputMissing, phase: mixer.PhaseFailed},
		{name: "server drops an output", faults: []mixsim.Fault{{Kind: mixsim.DropOutput, Client: victim}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrOutputMissing, phase: mixer.PhaseFailed},
		{name: "refuses to confirm", faults: []mixsim.Fault{{Kind: mixsim.Refuse, Client: victim}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrDeclined, phase: mixer.PhaseFailed},
		{name: "bad confirmation signature", faults: []mixsim.Fault{{Kind: mixsim.Tamper, Client: victim, Phase: mixer.PhaseConfirming}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, server: mixer.ErrBadSignature, phase: mixer.PhaseConfirming},
		{name: "confirmation lost", faults: []mixsim.Fault{{Kind: mixsim.Drop, Client: victim, Phase: mixer.PhaseConfirming}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, phase: mixer.PhaseConfirming},
		{name: "different rings", faults: []mixsim.Fault{{Kind: mixsim.DifferentRing, Client: victim}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrRingMismatch, server: mixer.ErrBadRingSignature, phase: mixer.PhaseFailed},
		{name: "different rings, clients audit only their own", audit: mixer.AuditOwn, faults: []mixsim.Fault{{Kind: mixsim.DifferentRing, Client: victim}},
			sessions: 2, owners: 3, excluded: [][]int{{victim}}, clientErr: mixer.ErrRingMismatch, phase: mixer.PhaseFailed},
		{name: "replay from the earlier session", faults: []mixsim.Fault{{Kind: mixsim.Refuse, Client: 3}, {Kind: mixsim.Replay, Client: victim, Attempt: 1}},
			sessions: 2, owners: 3, excluded: [][]int{{3}}, server: mixer.ErrWrongSession, phase: mixer.PhaseComplete},
		{name: "a fault in each of two sessions", faults: []mixsim.Fault{{Kind: mixsim.Refuse, Client: victim}, {Kind: mixsim.Silent, Client: 2, Phase: mixer.PhaseConfirming, Attempt: 1}},
			sessions: 3, owners: 2, excluded: [][]int{{victim}, {2}}, clientErr: mixer.ErrDeclined, phase: mixer.PhaseFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := mixsim.Run(mixsim.Config{Participants: 4, Faults: tc.faults, Audit: tc.audit})
			require.NoError(t, err)
			requireSafe(t, rep)
			require.Len(t, rep.Attempts, tc.sessions)
			if tc.owners == 0 {
				require.Nil(t, rep.Signed)
			} else {
				require.NotNil(t, rep.Signed)
				require.Len(t, rep.Signed.Transaction().Ring(), tc.owners)
			}
			for i, ex := range tc.excluded {
				require.Equal(t, mixer.PhaseFailed, rep.Attempts[i].Outcome)
				require.Equal(t, ex, rep.Attempts[i].Excluded)
			}
			last := rep.Attempts[len(rep.Attempts)-1]
			require.Equal(t, mixer.PhaseComplete, last.Outcome)
			v := rep.Clients[victim]
			require.Equal(t, tc.phase, v.Phase)
			if tc.clientErr != nil {
				require.ErrorIs(t, v.Err, tc.clientErr)
			}
			if tc.server != nil {
				require.True(t, refusedWith(rep, tc.server), "server never answered %v: %+v", tc.server, rep.Attempts)
			}
			// Restarts bring no one new, and keep the first session's
			// inputs.
			for i := 1; i < len(rep.Attempts); i++ {
				require.LessOrEqual(t, rep.Attempts[i].Participants, rep.Attempts[i-1].Participants)
				require.Zero(t, rep.Attempts[i].Traffic[mixsim.StageAnnounce].Messages)
			}
		})
	}
}

func TestFaultsUntilTooFew(t *testing.T) {
	rep, err := mixsim.Run(mixsim.Config{Participants: 3, Faults: []mixsim.Fault{
		{Kind: mixsim.Refuse, Client: 0},
		{Kind: mixsim.Refuse, Client: 1, Attempt: 1},
	}})
	require.NoError(t, err)
	requireSafe(t, rep)
	require.Nil(t, rep.Signed)
	require.Len(t, rep.Attempts, 2)
	require.ErrorIs(t, rep.Attempts[1].Err, mixer.ErrTooFewParticipants)
	require.Equal(t, mixer.PhaseConfirming, rep.Clients[2].Phase, "the last survivor waits, having signed a transaction that never completed")
}

func TestFaultsMaxAttempts(t *testing.T) {
	rep, err := mixsim.Run(mixsim.Config{Participants: 4, MaxAttempts: 1, Faults: []mixsim.Fault{{Kind: mixsim.Refuse, Client: 0}}})
	require.NoError(t, err)
	requireSafe(t, rep)
	require.Nil(t, rep.Signed)
	require.Len(t, rep.Attempts, 1)
	require.Equal(t, []int{0}, rep.Attempts[0].Excluded)
}

func TestSimulationReproducible(t *testing.T) {
	cfg := mixsim.Config{Participants: 3, Faults: []mixsim.Fault{{Kind: mixsim.Refuse, Client: 2}}, Seed: "same"}
	a, err := mixsim.Run(cfg)
	require.NoError(t, err)
	b, err := mixsim.Run(cfg)
	require.NoError(t, err)
	require.Equal(t, a.Signed.Bytes(), b.Signed.Bytes())
	require.Equal(t, a.Traffic(), b.Traffic())
	var ta, tb bytes.Buffer
	require.NoError(t, a.WriteTable(&ta))
	require.NoError(t, b.WriteTable(&tb))
	require.Equal(t, ta.String(), tb.String())
	cfg.ClientWorkers = 4
	p, err := mixsim.Run(cfg)
	require.NoError(t, err)
	require.Equal(t, a.Signed.Bytes(), p.Signed.Bytes(), "clients working at once change nothing")
	require.Equal(t, a.Traffic(), p.Traffic())
	cfg.Seed = "other"
	c, err := mixsim.Run(cfg)
	require.NoError(t, err)
	require.NotEqual(t, a.Signed.Bytes(), c.Signed.Bytes())
}

// TestTraffic pins the message counts of a clean round: N announcements, N
// requests and N rosters, N·S registrations, N transactions and a bundle
// per participant that audits everything, N confirmations, the signed
// transaction published once and N completions (bare notices to those that
// audit their own outputs, every owner's signature to the others).
func TestTraffic(t *testing.T) {
	for _, audit := range []mixer.Audit{mixer.AuditAll, mixer.AuditOwn} {
		for _, slots := range []int{1, 2} {
			p := mixsim.DefaultParams()
			p.Slots = slots
			const n = 5
			rep, err := mixsim.Run(mixsim.Config{Participants: n, Params: p, Audit: audit})
			require.NoError(t, err)
			auditors := 0
			if audit == mixer.AuditAll {
				auditors = n
			}
			tr := rep.Attempts[0].Traffic
			require.Equal(t, n, tr[mixsim.StageAnnounce].Messages)
			require.Equal(t, 2*n, tr[mixsim.StageRequest].Messages)
			require.Equal(t, n*slots+n+auditors, tr[mixsim.StageGeneration].Messages)
			require.Equal(t, 2*n+1, tr[mixsim.StageConfirmation].Messages)
			require.Equal(t, n*116, tr[mixsim.StageAnnounce].Bytes)
			txLen := len(rep.Signed.Transaction().Bytes())
			bundleLen := len(rep.Signed.Bundle().Bytes())
			require.Equal(t, 61+n*slots*(69+32*n), bundleLen)
			require.Equal(t, n*(133+32*(n+1))*slots+n*txLen+auditors*bundleLen, tr[mixsim.StageGeneration].Bytes)
			signedLen := 49 + txLen + 98*n + bundleLen
			require.Len(t, rep.Signed.Bytes(), signedLen)
			require.Equal(t, n*197+signedLen+n*97+auditors*65*n, tr[mixsim.StageConfirmation].Bytes)
			total := rep.Attempts[0].Total()
			sum := 0
			for _, s := range mixsim.Stages() {
				sum += tr[s].Bytes
			}
			require.Equal(t, sum, total.Bytes)
			for i, c := range rep.Clients {
				require.Equal(t, mixer.PhaseComplete, c.Phase, "client %d", i)
			}
		}
	}
}

func TestSimulationConfig(t *testing.T) {
	for _, cfg := range []mixsim.Config{
		{Participants: 1},
		{Participants: mixer.MaxParticipants + 1},
		{Participants: 3, Faults: []mixsim.Fault{{Kind: mixsim.Drop, Client: 3}}},
		{Participants: 3, Params: mixer.Params{Denomination: -1, Slots: 1}},
	} {
		_, err := mixsim.Run(cfg)
		require.Error(t, err)
	}
}
