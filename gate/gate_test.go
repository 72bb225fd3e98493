package gate_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// A pass goes through a gate, and the admission through the merchant's
// Consume as it is; the record completes the ticket's history, which
// replays to Consumed.
func TestPassToReplay(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1234")
	g := c.gate(t, "north-1", c.snapshot(t, doors.Add(-time.Hour), h.tk))

	shown := doors.Add(12 * time.Second)
	pass := h.pass(t, shown)
	require.Len(t, pass, 101, "79 bytes and the ids")
	adm, err := g.Admit(pass, shown.Add(3*time.Second))
	require.NoError(t, err)
	require.Equal(t, "north-1", adm.Gate())
	require.Equal(t, shown.Add(3*time.Second), adm.Time())
	require.Equal(t, pass, adm.Pass().Bytes())
	require.Equal(t, doors, adm.Pass().Time(), "t2 is the slot's start")

	// The admission holds the request the holder's wallet signed.
	want, err := ticket.NewConsumeRequest(h.holder.key, h.tk, doors)
	require.NoError(t, err)
	require.Equal(t, want.Bytes(), adm.Request().Bytes())

	// Synced as bytes, then consumed by the merchant.
	synced, err := gate.ParseAdmission(adm.Bytes())
	require.NoError(t, err)
	tk, rec, err := c.m.Consume(h.tk, synced.Request(), synced.Time())
	require.NoError(t, err)
	require.Equal(t, ticket.Consumed, tk.State)
	require.Equal(t, want.Bytes(), rec.Request.Bytes())
	replayed, err := ticket.Replay(append(h.recs, rec), c.v)
	require.NoError(t, err)
	require.Equal(t, ticket.Consumed, replayed.State)
	require.Equal(t, tk.Head, replayed.Head)
}

// gateCase is one pass shown at one time.
type gateCase struct {
	name string
	pass []byte
	now  time.Time
	want error // nil: admitted
}

// TestCheckRules has a case for every rule of Gate.Check.
func TestCheckRules(t *testing.T) {
	c := getCast(t)
	u := c.users
	ok := c.buy(t, u[0], concert, "1")
	listed := c.buy(t, u[1], concert, "2").list(t, sold.Add(time.Hour))
	consumed := c.buy(t, u[2], concert, "3").consume(t, sold.Add(time.Hour))
	moved := c.buy(t, u[3], concert, "4")
	movedBefore := moved.tk
	late := c.buy(t, u[4], concert, "5").transfer(t, u[7], doors.Add(10*time.Second))
	own := c.buy(t, c.merchantUser, concert, "6")
	elsewhere := c.buy(t, u[5], other, "1")
	missing := c.buy(t, u[6], concert, "7")
	g := c.gate(t, "g", c.snapshot(t, doors.Add(15*time.Second), ok.tk, listed.tk, consumed.tk, movedBefore, late.tk, own.tk))
	moved.transfer(t, u[7], doors.Add(16*time.Second)) // after the snapshot

	now := doors.Add(20 * time.Second)
	good := ok.pass(t, doors)
	edit := func(b []byte, f func([]byte)) []byte {
		b = bytes.Clone(b)
		f(b)
		return b
	}
	slotAt := 1 + 1 + len(concert) + 1 + 1 // the pass of serial "1"
	headAt := slotAt + 4
	sigAt := headAt + 8
	// A Head that agrees with the ticket's in the 8 bytes the pass shows.
	otherHead := *ok.tk
	otherHead.Head[31] ^= 1
	otherPass := c.buy(t, u[1], concert, "8").pass(t, doors)

	for _, tc := range []gateCase{
		{"current slot", good, now, nil},
		{"current slot, first instant", good, doors, nil},
		{"previous slot", ok.pass(t, doors.Add(-time.Second)), now, nil},
		{"previous slot, last instant", ok.pass(t, doors.Add(-30*time.Second)), doors.Add(30*time.Second - 1), nil},

		{"empty", nil, now, gate.ErrMalformed},
		{"garbage", []byte("not a pass"), now, gate.ErrMalformed},
		{"truncated", good[:len(good)-1], now, gate.ErrMalformed},
		{"another event", elsewhere.pass(t, doors), now, gate.ErrEvent},
		{"two slots old", ok.pass(t, doors.Add(-30*time.Second)), doors.Add(30 * time.Second), gate.ErrSlot},
		{"slot not begun", good, doors.Add(-time.Nanosecond), gate.ErrSlot},
		{"last instant before the end", ok.pass(t, end.Add(-time.Second)), end.Add(-time.Nanosecond), nil},
		{"before the doors open", good, sold.Add(-time.Nanosecond), gate.ErrClosed},
		{"at the end", ok.pass(t, end), end, gate.ErrClosed},
		{"not in the snapshot", missing.pass(t, doors), now, gate.ErrUnknown},
		{"transferred after the snapshot", moved.pass(t, doors.Add(30*time.Second)), doors.Add(40 * time.Second), gate.ErrStale},
		{"Head prefix altered", edit(good, func(b []byte) { b[headAt] ^= 1 }), now, gate.ErrStale},
		{"listed", encodePass(signConsume(t, listed.holder.key, listed.tk, listed.holder.cert, doors)), now, gate.ErrState},
		{"consumed", encodePass(signConsume(t, consumed.holder.key, consumed.tk, consumed.holder.cert, doors)), now, gate.ErrState},
		{"held under the merchant's key", own.pass(t, doors), now, gate.ErrState},
		{"slot before the latest record", encodePass(signConsume(t, late.holder.key, late.tk, late.holder.cert, doors)), now, gate.ErrSlot},
		{"signed by another key", encodePass(signConsume(t, u[7].key, ok.tk, ok.holder.cert, doors)), now, gate.ErrSignature},
		{"signed over another Head", encodePass(signConsume(t, ok.holder.key, &otherHead, ok.holder.cert, doors)), now, gate.ErrSignature},
		{"signed for another slot", edit(good, func(b []byte) { b[slotAt+3]-- }), now, gate.ErrSignature},
		{"another ticket's ω", edit(good, func(b []byte) { copy(b[sigAt:], otherPass[len(otherPass)-64:]) }), now, gate.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			adm, err := g.Check(tc.pass, tc.now)
			if tc.want == nil {
				require.NoError(t, err)
				require.NotNil(t, adm)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, adm)
			requireMessage(t, err)
		})
	}
	require.Empty(t, g.Admissions(), "Check admits nothing")

	// Once admitted, a ticket is refused with the first admission as
	// evidence: the same pass, and a new one of a later slot.
	first, err := g.Admit(good, now)
	require.NoError(t, err)
	for _, again := range [][]byte{good, ok.pass(t, doors.Add(30*time.Second))} {
		adm, err := g.Admit(again, doors.Add(50*time.Second))
		require.ErrorIs(t, err, gate.ErrAdmitted)
		require.Nil(t, adm)
		var ae *gate.AdmittedError
		require.True(t, errors.As(err, &ae))
		require.Same(t, first, ae.First)
		require.Contains(t, err.Error(), `"1" already admitted at gate "g"`)
	}
	require.Equal(t, []*gate.Admission{first}, g.Admissions())
}

// The first check that fails is reported: a pass wrong in several ways
// names the earliest rule of Check's list.
func TestCheckOrder(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	g := c.gate(t, "g", c.snapshot(t, doors, h.tk))
	stale := *h.tk
	stale.Head[0] ^= 1
	forged := encodePass(signConsume(t, c.users[1].key, &stale, h.holder.cert, doors))
	_, err := g.Check(forged, doors.Add(time.Hour))
	require.ErrorIs(t, err, gate.ErrSlot)
	_, err = g.Check(forged, doors)
	require.ErrorIs(t, err, gate.ErrStale)
}

func TestNew(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	s := c.snapshot(t, doors, h.tk)
	for _, tc := range []struct {
		name string
		id   string
		want error
	}{
		{"empty id", "", gate.ErrMalformed},
		{"long id", string(make([]byte, 65)), gate.ErrMalformed},
		{"id not UTF-8", "\xff", gate.ErrMalformed},
	} {
		_, err := gate.New(tc.id, s, c.m.PublicKey())
		require.ErrorIs(t, err, tc.want, tc.name)
		requireMessage(t, err)
	}
	_, err := gate.New("g", s, c.users[0].key.PublicKey())
	require.ErrorIs(t, err, gate.ErrKey, "a snapshot is checked against the merchant's key")
	g, err := gate.New(string(bytes.Repeat([]byte{'x'}, 64)), s, c.m.PublicKey())
	require.NoError(t, err)
	require.Same(t, s, g.Snapshot())
	require.Len(t, g.ID(), 64)
}

// A gate restarted, or told of another gate's admissions, refuses the
// tickets they admitted; Restore applies the rules of Check but the time
// window.
func TestRestore(t *testing.T) {
	c := getCast(t)
	a := c.buy(t, c.users[0], concert, "1")
	b := c.buy(t, c.users[1], concert, "2")
	elsewhere := c.buy(t, c.users[2], other, "1")
	missing := c.buy(t, c.users[3], concert, "3")
	s := c.snapshot(t, doors, a.tk, b.tk, missing.tk)
	g1 := c.gate(t, "east", s)
	adm, err := g1.Admit(a.pass(t, doors), doors)
	require.NoError(t, err)
	admMissing, err := g1.Admit(missing.pass(t, doors), doors)
	require.NoError(t, err)

	// An admission synced from a gate that admitted a after the end.
	reqLate, err := ticket.NewConsumeRequest(a.holder.key, a.tk, end.Add(-30*time.Second))
	require.NoError(t, err)
	late := admissionOf(t, "late", end.Add(10*time.Second), reqLate)

	// A gate of another event.
	otherSnap, err := gate.NewSnapshot(c.merchantKey, c.other, []*ticket.Ticket{elsewhere.tk}, doors)
	require.NoError(t, err)
	g3 := c.gate(t, "theatre", otherSnap)
	admOther, err := g3.Admit(elsewhere.pass(t, doors), doors)
	require.NoError(t, err)

	// An admission of bOld, which is consumed later.
	bOld := c.buy(t, c.users[1], concert, "4")
	admB, err := c.gate(t, "old", c.snapshot(t, doors, bOld.tk)).Admit(bOld.pass(t, doors), doors)
	require.NoError(t, err)
	bOld.consume(t, doors.Add(time.Second))

	g2 := c.gate(t, "west", c.snapshot(t, doors.Add(time.Minute), a.tk, b.tk, bOld.tk))
	for _, tc := range []struct {
		name string
		adm  *gate.Admission
		want error
	}{
		{"nil", nil, gate.ErrMalformed},
		{"zero", new(gate.Admission), gate.ErrMalformed},
		{"another event", admOther, gate.ErrEvent},
		{"after the end", late, gate.ErrClosed},
		{"not in the snapshot", admMissing, gate.ErrUnknown},
		{"consumed since", admB, gate.ErrStale},
	} {
		require.ErrorIs(t, g2.Restore(tc.adm), tc.want, tc.name)
	}
	require.NoError(t, g2.Restore(adm))
	_, err = g2.Admit(a.pass(t, doors.Add(time.Hour)), doors.Add(time.Hour))
	require.ErrorIs(t, err, gate.ErrAdmitted)
	require.ErrorIs(t, g2.Restore(adm), gate.ErrAdmitted)
	require.Equal(t, []*gate.Admission{adm}, g2.Admissions())

}
