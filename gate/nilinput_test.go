package gate_test

// Every exported function and method of the package, called with nil and
// zero-value arguments and receivers: nothing panics, and where an error is
// returned it matches the documented sentinel. TestNilInputCoversAPI checks
// that every exported identifier appears in this file.

import (
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// nilCase is one call: want is the sentinel its error must match, or nil
// when the call must succeed or returns no error (testkit.Err2, Err3 and
// NoErr adapt calls to it).
type nilCase struct {
	name string
	want error
	call func() error
}

func TestNilInput(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	snap := c.snapshot(t, doors, h.tk)
	g := c.gate(t, "g", snap)
	pass := h.pass(t, doors)
	adm, err := c.gate(t, "other", snap).Admit(pass, doors)
	require.NoError(t, err)
	var (
		nilPriv    *ecdsa.PrivateKey
		zeroPriv   = new(ecdsa.PrivateKey)
		nilPub     *ecdsa.PublicKey
		zeroPub    = new(ecdsa.PublicKey)
		nilTicket  *ticket.Ticket
		zeroTicket = new(ticket.Ticket)
		nilEvent   *ticket.Event
		zeroEvent  = new(ticket.Event)
		nilPass    *gate.Pass
		zeroPass   = new(gate.Pass)
		nilSnap    *gate.Snapshot
		zeroSnap   = new(gate.Snapshot)
		nilGate    *gate.Gate
		zeroGate   = new(gate.Gate)
		nilAdm     *gate.Admission
		zeroAdm    = new(gate.Admission)
		nilAE      *gate.AdmittedError
		zeroAE     = new(gate.AdmittedError)
		zeroTime   time.Time
	)
	cases := []nilCase{
		// Constants and the values Reconcile returns.
		{"constants", nil, testkit.NoErr(func() {
			_ = []any{gate.PassVersion, gate.SlotLength, gate.HeadPrefixSize, gate.MaxPassSize}
			_ = gate.Reconciliation{Duplicates: []gate.Duplicate{{}}, Refused: []gate.Refusal{{}}}
		})},
		{"sentinels", nil, testkit.NoErr(func() {
			for _, s := range []error{gate.ErrMalformed, gate.ErrKey, gate.ErrEvent, gate.ErrUnknown, gate.ErrState,
				gate.ErrStale, gate.ErrSlot, gate.ErrClosed, gate.ErrSignature, gate.ErrAdmitted} {
				require.True(t, strings.HasPrefix(s.Error(), "gate: "), s.Error())
			}
			require.Len(t, sentinels, 10)
		})},

		{"NewPass nil key", gate.ErrKey, func() error { return testkit.Err2(gate.NewPass(nilPriv, h.tk, doors)) }},
		{"NewPass zero key", gate.ErrKey, func() error { return testkit.Err2(gate.NewPass(zeroPriv, h.tk, doors)) }},
		{"NewPass nil ticket", gate.ErrMalformed, func() error { return testkit.Err2(gate.NewPass(h.holder.key, nilTicket, doors)) }},
		{"NewPass zero ticket", gate.ErrMalformed, func() error { return testkit.Err2(gate.NewPass(h.holder.key, zeroTicket, doors)) }},
		{"NewPass zero time", gate.ErrSlot, func() error { return testkit.Err2(gate.NewPass(h.holder.key, h.tk, zeroTime)) }},
		{"ParsePass nil", gate.ErrMalformed, func() error { return testkit.Err2(gate.ParsePass(nil)) }},
		{"Pass nil", nil, testkit.NoErr(func() {
			require.Nil(t, nilPass.Bytes())
			require.Empty(t, nilPass.Event())
			require.Empty(t, nilPass.Serial())
			require.Zero(t, nilPass.Slot())
			require.True(t, nilPass.Time().IsZero())
		})},
		{"Pass zero", nil, testkit.NoErr(func() {
			require.Nil(t, zeroPass.Bytes())
			require.Empty(t, zeroPass.Event())
			require.Empty(t, zeroPass.Serial())
			require.Zero(t, zeroPass.Slot())
			require.True(t, zeroPass.Time().IsZero())
		})},

		{"NewSnapshot nil key", gate.ErrKey, func() error { return testkit.Err2(gate.NewSnapshot(nilPriv, c.concert, nil, doors)) }},
		{"NewSnapshot zero key", gate.ErrKey, func() error { return testkit.Err2(gate.NewSnapshot(zeroPriv, c.concert, nil, doors)) }},
		{"NewSnapshot nil event", gate.ErrMalformed, func() error { return testkit.Err2(gate.NewSnapshot(c.merchantKey, nilEvent, nil, doors)) }},
		{"NewSnapshot zero event", gate.ErrMalformed, func() error { return testkit.Err2(gate.NewSnapshot(c.merchantKey, zeroEvent, nil, doors)) }},
		{"NewSnapshot nil ticket", gate.ErrMalformed, func() error {
			return testkit.Err2(gate.NewSnapshot(c.merchantKey, c.concert, []*ticket.Ticket{nilTicket}, doors))
		}},
		{"NewSnapshot zero ticket", gate.ErrEvent, func() error {
			return testkit.Err2(gate.NewSnapshot(c.merchantKey, c.concert, []*ticket.Ticket{zeroTicket}, doors))
		}},
		{"NewSnapshot zero time", gate.ErrMalformed, func() error { return testkit.Err2(gate.NewSnapshot(c.merchantKey, c.concert, nil, zeroTime)) }},
		{"ParseSnapshot nil", gate.ErrMalformed, func() error { return testkit.Err2(gate.ParseSnapshot(nil)) }},
		{"Snapshot nil Verify", gate.ErrMalformed, func() error { return nilSnap.Verify(c.m.PublicKey()) }},
		{"Snapshot zero Verify", gate.ErrMalformed, func() error { return zeroSnap.Verify(c.m.PublicKey()) }},
		{"Snapshot Verify nil key", gate.ErrKey, func() error { return snap.Verify(nilPub) }},
		{"Snapshot Verify zero key", gate.ErrKey, func() error { return snap.Verify(zeroPub) }},
		{"Snapshot nil", nil, testkit.NoErr(func() {
			require.Nil(t, nilSnap.Bytes())
			require.Nil(t, nilSnap.Event())
			require.True(t, nilSnap.Time().IsZero())
			require.Zero(t, nilSnap.Len())
		})},
		{"Snapshot zero", nil, testkit.NoErr(func() {
			require.Nil(t, zeroSnap.Bytes())
			require.Nil(t, zeroSnap.Event())
			require.True(t, zeroSnap.Time().IsZero())
			require.Zero(t, zeroSnap.Len())
		})},

		{"New nil snapshot", gate.ErrMalformed, func() error { return testkit.Err2(gate.New("g", nilSnap, c.m.PublicKey())) }},
		{"New zero snapshot", gate.ErrMalformed, func() error { return testkit.Err2(gate.New("g", zeroSnap, c.m.PublicKey())) }},
		{"New nil key", gate.ErrKey, func() error { return testkit.Err2(gate.New("g", snap, nilPub)) }},
		{"New zero key", gate.ErrKey, func() error { return testkit.Err2(gate.New("g", snap, zeroPub)) }},
		{"New empty id", gate.ErrMalformed, func() error { return testkit.Err2(gate.New("", snap, c.m.PublicKey())) }},
		{"Gate nil Check", gate.ErrMalformed, func() error { return testkit.Err2(nilGate.Check(pass, doors)) }},
		{"Gate zero Check", gate.ErrMalformed, func() error { return testkit.Err2(zeroGate.Check(pass, doors)) }},
		{"Gate nil Admit", gate.ErrMalformed, func() error { return testkit.Err2(nilGate.Admit(pass, doors)) }},
		{"Gate zero Admit", gate.ErrMalformed, func() error { return testkit.Err2(zeroGate.Admit(pass, doors)) }},
		{"Gate nil Restore", gate.ErrMalformed, func() error { return nilGate.Restore(adm) }},
		{"Gate zero Restore", gate.ErrMalformed, func() error { return zeroGate.Restore(adm) }},
		{"Gate Check nil pass", gate.ErrMalformed, func() error { return testkit.Err2(g.Check(nil, doors)) }},
		{"Gate Check zero time", gate.ErrClosed, func() error { return testkit.Err2(g.Check(pass, zeroTime)) }},
		{"Gate Admit nil pass", gate.ErrMalformed, func() error { return testkit.Err2(g.Admit(nil, doors)) }},
		{"Gate Restore nil admission", gate.ErrMalformed, func() error { return g.Restore(nilAdm) }},
		{"Gate Restore zero admission", gate.ErrMalformed, func() error { return g.Restore(zeroAdm) }},
		{"Gate nil", nil, testkit.NoErr(func() {
			require.Empty(t, nilGate.ID())
			require.Nil(t, nilGate.Snapshot())
			require.Nil(t, nilGate.Admissions())
		})},
		{"Gate zero", nil, testkit.NoErr(func() {
			require.Empty(t, zeroGate.ID())
			require.Nil(t, zeroGate.Snapshot())
			require.Nil(t, zeroGate.Admissions())
		})},

		{"ParseAdmission nil", gate.ErrMalformed, func() error { return testkit.Err2(gate.ParseAdmission(nil)) }},
		{"Admission nil", nil, testkit.NoErr(func() {
			require.Nil(t, nilAdm.Bytes())
			require.Empty(t, nilAdm.Gate())
			require.True(t, nilAdm.Time().IsZero())
			require.Nil(t, nilAdm.Request())
			require.Nil(t, nilAdm.Pass())
			require.Equal(t, "<no admission>", nilAdm.String())
		})},
		{"Admission zero", nil, testkit.NoErr(func() {
			require.Nil(t, zeroAdm.Bytes())
			require.Empty(t, zeroAdm.Gate())
			require.True(t, zeroAdm.Time().IsZero())
			require.Nil(t, zeroAdm.Request())
			require.Nil(t, zeroAdm.Pass())
			require.Equal(t, "<no admission>", zeroAdm.String())
		})},
		{"AdmittedError nil", gate.ErrAdmitted, func() error {
			require.Equal(t, gate.ErrAdmitted.Error(), nilAE.Error())
			return nilAE.Unwrap()
		}},
		{"AdmittedError zero", gate.ErrAdmitted, func() error {
			require.Equal(t, gate.ErrAdmitted.Error(), zeroAE.Error())
			return zeroAE
		}},
		{"AdmittedError zero admission", gate.ErrAdmitted, func() error {
			return &gate.AdmittedError{First: zeroAdm}
		}},

		{"Reconcile nil", nil, func() error { return testkit.Err2(gate.Reconcile(nil, nil)) }},
		{"Reconcile nil ticket", gate.ErrMalformed, func() error { return testkit.Err2(gate.Reconcile([]*ticket.Ticket{nilTicket}, nil)) }},
		{"Reconcile zero ticket", gate.ErrMalformed, func() error { return testkit.Err2(gate.Reconcile([]*ticket.Ticket{zeroTicket}, nil)) }},
		{"Reconcile nil admission", gate.ErrMalformed, func() error { return testkit.Err2(gate.Reconcile(nil, []*gate.Admission{nilAdm})) }},
		{"Reconcile zero admission", gate.ErrMalformed, func() error { return testkit.Err2(gate.Reconcile(nil, []*gate.Admission{zeroAdm})) }},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		require.False(t, seen[tc.name], "case %q twice", tc.name)
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			if _, ok := err.(*gate.AdmittedError); !ok && err != gate.ErrAdmitted {
				requireMessage(t, err)
			}
		})
	}
	t.Logf("%d cases", len(cases))
}

// Every exported identifier of the package appears in this file: a new
// function, method or type needs its nil and zero-value cases here.
func TestNilInputCoversAPI(t *testing.T) {
	t.Logf("%d exported identifiers", testkit.RequireCoversAPI(t, "nilinput_test.go"))
}
