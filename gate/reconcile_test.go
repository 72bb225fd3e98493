package gate_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// admit has a new gate named id over s admit the holder's pass of the slot
// containing passAt, shown at now.
func (c *cast) admit(tb testing.TB, s *gate.Snapshot, id string, h *held, passAt, now time.Time) *gate.Admission {
	tb.Helper()
	a, err := c.gate(tb, id, s).Admit(h.pass(tb, passAt), now)
	require.NoError(tb, err)
	return a
}

// outcome is a Reconciliation in words, for comparisons: each admission
// as "serial@gate/slot".
type outcome struct {
	admitted, duplicates, refused []string
}

func describe(a *gate.Admission) string {
	return fmt.Sprintf("%s@%s/%d", a.Request().Serial, a.Gate(), a.Pass().Slot()-uint32(doors.Unix()/30))
}

func outcomeOf(r *gate.Reconciliation) outcome {
	var o outcome
	for _, a := range r.Admitted {
		o.admitted = append(o.admitted, describe(a))
	}
	for _, d := range r.Duplicates {
		o.duplicates = append(o.duplicates, describe(d.Other)+" kept "+describe(d.Kept))
	}
	for _, f := range r.Refused {
		o.refused = append(o.refused, describe(f.Admission)+" "+sentinelOf(f.Err))
	}
	return o
}

func sentinelOf(err error) string {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "no sentinel: " + err.Error()
}

// TestReconcileRules has a ticket for every rule of Reconcile.
func TestReconcileRules(t *testing.T) {
	c := getCast(t)
	u := c.users
	hs := map[string]*held{}
	var snapTickets []*ticket.Ticket
	for i := 1; i <= 17; i++ {
		s := strconv.Itoa(i)
		owner := u[i%8]
		if i == 5 {
			owner = c.merchantUser
		}
		hs[s] = c.buy(t, owner, concert, s)
		snapTickets = append(snapTickets, hs[s].tk)
	}
	snap := c.snapshot(t, doors.Add(-time.Hour), snapTickets...)
	d0, d1, d3 := doors, doors.Add(30*time.Second), doors.Add(90*time.Second)
	at := func(d time.Time, s int) time.Time { return d.Add(time.Duration(s) * time.Second) }
	var adms []*gate.Admission
	add := func(as ...*gate.Admission) { adms = append(adms, as...) }

	// 1: one admission.
	add(c.admit(t, snap, "A", hs["1"], d0, at(d0, 1)))
	// 2: the earlier slot wins over the smaller gate id.
	add(c.admit(t, snap, "A", hs["2"], d1, at(d1, 1)), c.admit(t, snap, "B", hs["2"], d0, at(d0, 1)))
	// 3: in one slot, the smaller gate id wins (in byte order, "AA" <
	// "B", though its encoding, length first, is the larger).
	add(c.admit(t, snap, "B", hs["3"], d0, at(d0, 1)), c.admit(t, snap, "AA", hs["3"], d0, at(d0, 2)))
	// 4: one slot, one gate id: the earlier gate time wins.
	add(c.admit(t, snap, "A", hs["4"], d0, at(d0, 9)), c.admit(t, snap, "A", hs["4"], d0, at(d0, 3)))
	// 5: held under the merchant's key (a gate refuses it; a forged sync
	// carries it).
	req5, err := ticket.NewConsumeRequest(c.merchantKey, hs["5"].tk, d0)
	require.NoError(t, err)
	add(admissionOf(t, "A", at(d0, 1), req5))
	// 6: transferred after the snapshot.
	add(c.admit(t, snap, "A", hs["6"], d0, at(d0, 1)))
	hs["6"].transfer(t, u[7], doors.Add(-time.Minute))
	// 7: not in the ledger.
	add(c.admit(t, snap, "A", hs["7"], d0, at(d0, 1)))
	// 8, 9, 10, 11: the ledger's ticket has the admission's Head but
	// another holder, another merchant, another state, a later update.
	for _, s := range []string{"8", "9", "10", "11"} {
		add(c.admit(t, snap, "A", hs[s], d0, at(d0, 1)))
	}
	edited := func(s string, f func(*ticket.Ticket)) {
		tk := *hs[s].tk
		f(&tk)
		hs[s].tk = &tk
	}
	edited("8", func(tk *ticket.Ticket) { tk.Holder = u[1].cert }) // 8 is u[0]'s
	edited("9", func(tk *ticket.Ticket) { tk.Merchant = u[0].key.PublicKey() })
	edited("10", func(tk *ticket.Ticket) { tk.State = ticket.Listed })
	edited("11", func(tk *ticket.Ticket) { tk.Updated = at(d0, 1) })
	// 12: ω by another key (12 is u[4]'s).
	add(admissionOf(t, "A", at(d0, 1), signConsume(t, u[7].key, hs["12"].tk, hs["12"].holder.cert, d0)))
	// 13: one gate, one time, one slot, two hedged ω: the smaller
	// encoding wins.
	h13 := hs["13"]
	a13, b13 := admissionOf(t, "A", at(d0, 1), hedged(t, h13, d0)), admissionOf(t, "A", at(d0, 1), hedged(t, h13, d0))
	if string(a13.Bytes()) > string(b13.Bytes()) {
		a13, b13 = b13, a13
	}
	add(b13, a13)
	// 14: one admission synced twice counts once.
	a14 := c.admit(t, snap, "A", hs["14"], d0, at(d0, 1))
	add(a14, a14, admissionOf(t, "A", at(d0, 1), a14.Request()))
	// 15: a forged admission of an earlier slot does not displace a valid
	// one (15 is u[7]'s).
	add(admissionOf(t, "A", at(d0, 1), signConsume(t, u[0].key, hs["15"].tk, hs["15"].holder.cert, d0)),
		c.admit(t, snap, "B", hs["15"], d3, at(d3, 1)))

	// 16: the event is called off before the admission.
	add(c.admit(t, snap, "A", hs["16"], d0, at(d0, 1)))
	cancelled, err := ticket.NewCancellation(c.merchantKey, c.concert, d0)
	require.NoError(t, err)
	edited("16", func(tk *ticket.Ticket) { tk.Cancellation = cancelled })
	// 17: admitted after the event's end (a forged sync).
	req17, err := ticket.NewConsumeRequest(hs["17"].holder.key, hs["17"].tk, end.Add(-30*time.Second))
	require.NoError(t, err)
	add(admissionOf(t, "A", end.Add(10*time.Second), req17))

	var current []*ticket.Ticket
	for s, h := range hs {
		if s != "7" {
			current = append(current, h.tk)
		}
	}
	want := outcome{
		admitted: []string{"1@A/0", "13@A/0", "14@A/0", "15@B/3", "2@B/0", "3@AA/0", "4@A/0"},
		duplicates: []string{
			"13@A/0 kept 13@A/0",
			"2@A/1 kept 2@B/0",
			"3@B/0 kept 3@AA/0",
			"4@A/0 kept 4@A/0",
		},
		refused: []string{
			"10@A/0 " + gate.ErrState.Error(),
			"11@A/0 " + gate.ErrSlot.Error(),
			"12@A/0 " + gate.ErrSignature.Error(),
			"15@A/0 " + gate.ErrSignature.Error(),
			"16@A/0 " + gate.ErrClosed.Error(),
			"17@A/479 " + gate.ErrClosed.Error(),
			"5@A/0 " + gate.ErrState.Error(),
			"6@A/0 " + gate.ErrStale.Error(),
			"7@A/0 " + gate.ErrUnknown.Error(),
			"8@A/0 " + gate.ErrStale.Error(),
			"9@A/0 " + gate.ErrStale.Error(),
		},
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(adms), func(i, j int) { adms[i], adms[j] = adms[j], adms[i] })
		rng.Shuffle(len(current), func(i, j int) { current[i], current[j] = current[j], current[i] })
		r, err := gate.Reconcile(current, adms)
		require.NoError(t, err)
		require.Equal(t, want, outcomeOf(r))
		// Which of the two is kept, where the description does not say.
		require.Equal(t, at(d0, 3), r.Admitted[6].Time(), "4: the earlier gate time")
		require.Equal(t, a13.Bytes(), r.Admitted[1].Bytes(), "13: the smaller encoding")
		require.Equal(t, b13.Bytes(), r.Duplicates[0].Other.Bytes())
		for _, f := range r.Refused {
			requireMessage(t, f.Err)
		}
	}
}

// hedged signs h's Consume request at t2 with a hedged nonce: another
// valid ω each time.
func hedged(tb testing.TB, h *held, t2 time.Time) *ticket.Request {
	tb.Helper()
	q := &ticket.Request{Kind: ticket.KindConsume, Event: h.tk.Event, Serial: h.tk.Serial, Merchant: h.tk.Merchant,
		Prev: h.tk.Head, Cert: h.holder.cert, Time: t2}
	sig, err := ecdsa.SignInverseS(h.holder.key, q.SignedBytes(), &ecdsa.SignOptions{Rand: rand.Reader})
	require.NoError(tb, err)
	q.Sig = sig.Bytes()
	return q
}

// Tickets of two events with one serial are two tickets.
func TestReconcileTwoEvents(t *testing.T) {
	c := getCast(t)
	a := c.buy(t, c.users[0], concert, "1")
	b := c.buy(t, c.users[1], other, "1")
	otherSnap, err := gate.NewSnapshot(c.merchantKey, c.other, []*ticket.Ticket{b.tk}, doors)
	require.NoError(t, err)
	adms := []*gate.Admission{
		c.admit(t, c.snapshot(t, doors, a.tk), "A", a, doors, doors),
		c.admit(t, otherSnap, "A", b, doors, doors),
	}
	r, err := gate.Reconcile([]*ticket.Ticket{a.tk, b.tk}, adms)
	require.NoError(t, err)
	require.Equal(t, adms, r.Admitted)
	require.Empty(t, r.Duplicates)
	require.Empty(t, r.Refused)
}

func TestReconcileRefusesBadInput(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	adm := c.admit(t, c.snapshot(t, doors, h.tk), "A", h, doors, doors)
	noHolder := *h.tk
	noHolder.Holder = nil
	noMerchant := *h.tk
	noMerchant.Merchant = nil
	noTerms := *h.tk
	noTerms.Terms = nil
	otherTerms := *h.tk
	otherTerms.Terms = c.other
	zeroCancel := *h.tk
	zeroCancel.Cancellation = new(ticket.Cancellation)
	foreign, err := ticket.NewCancellation(c.merchantKey, c.other, doors)
	require.NoError(t, err)
	foreignCancel := *h.tk
	foreignCancel.Cancellation = foreign
	forgedBytes := c.concert.Bytes()
	forgedBytes[len(forgedBytes)-1] ^= 1 // the signature's last byte
	forged, err := ticket.ParseEvent(forgedBytes)
	require.NoError(t, err)
	forgedTerms := *h.tk
	forgedTerms.Terms = forged
	for _, tc := range []struct {
		name    string
		current []*ticket.Ticket
		adms    []*gate.Admission
	}{
		{"nil admission", []*ticket.Ticket{h.tk}, []*gate.Admission{nil}},
		{"zero admission", []*ticket.Ticket{h.tk}, []*gate.Admission{adm, new(gate.Admission)}},
		{"nil ticket", []*ticket.Ticket{nil}, nil},
		{"ticket without a holder", []*ticket.Ticket{&noHolder}, nil},
		{"ticket without a merchant", []*ticket.Ticket{&noMerchant}, nil},
		{"ticket without its terms", []*ticket.Ticket{&noTerms}, nil},
		{"ticket with another event's terms", []*ticket.Ticket{&otherTerms}, nil},
		{"ticket with unsigned terms", []*ticket.Ticket{&forgedTerms}, nil},
		{"ticket with a zero cancellation", []*ticket.Ticket{&zeroCancel}, nil},
		{"ticket with another event's cancellation", []*ticket.Ticket{&foreignCancel}, nil},
		{"ticket twice", []*ticket.Ticket{h.tk, h.tk}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := gate.Reconcile(tc.current, tc.adms)
			require.ErrorIs(t, err, gate.ErrMalformed)
			require.Nil(t, r)
			requireMessage(t, err)
		})
	}
	r, err := gate.Reconcile(nil, nil)
	require.NoError(t, err)
	require.Equal(t, &gate.Reconciliation{}, r)
}

// Four gates admit 2,000 tickets offline (200 with -short) against one
// snapshot; some passes are shown twice (a screenshot at the next gate, a
// pass of a later slot at another), and some tickets move on in the ledger
// after the snapshot. Reconcile keeps exactly one admission per valid
// ticket by its rule, reports exactly the injected duplicates and refuses
// exactly the admissions of the tickets that moved; the merchant consumes
// every kept admission.
func TestReconcileFourGates(t *testing.T) {
	c := getCast(t)
	n := 2000
	if testing.Short() {
		n = 200
	}
	hs := make([]*held, n)
	for i := range hs {
		hs[i] = c.buy(t, c.users[i%len(c.users)], concert, strconv.Itoa(i+1))
	}
	snap := c.snapshot(t, doors.Add(-10*time.Minute), tickets(hs...)...)
	before := make([]held, n) // the tickets and holders the snapshot has
	for i, h := range hs {
		before[i] = *h
	}
	ids := []string{"gate-1", "gate-2", "gate-3", "gate-4"}
	gates := make([]*gate.Gate, len(ids))
	for i, id := range ids {
		gates[i] = c.gate(t, id, snap)
	}

	// The ledger moves on after the snapshot.
	moved := map[int]bool{}
	for i := range hs {
		switch {
		case i%41 == 5:
			hs[i].transfer(t, c.users[(i+1)%len(c.users)], doors.Add(-5*time.Minute))
		case i%59 == 7:
			hs[i].consume(t, doors.Add(-5*time.Minute))
		default:
			continue
		}
		moved[i] = true
	}

	// Admissions: every ticket at its gate; a screenshot at the next gate
	// (i%7 == 0), and a pass of a slot 3 later at the gate after
	// (i%11 == 0).
	type shown struct {
		gate int
		slot int
	}
	want := outcome{}
	admit := func(i, g, slot int, extra time.Duration) shown {
		passAt := doors.Add(time.Duration(slot)*30*time.Second + 5*time.Second)
		pass := before[i].pass(t, passAt)
		_, err := gates[g].Admit(pass, passAt.Add(extra))
		require.NoError(t, err, "ticket %d at %s", i+1, ids[g])
		return shown{g, slot}
	}
	for i := range hs {
		g, k := i%4, i%20
		got := []shown{admit(i, g, k, 2*time.Second)}
		if i%7 == 0 {
			got = append(got, admit(i, (g+1)%4, k, 12*time.Second))
		}
		if i%11 == 0 {
			got = append(got, admit(i, (g+2)%4, k+3, 2*time.Second))
		}
		desc := func(s shown) string { return fmt.Sprintf("%d@%s/%d", i+1, ids[s.gate], s.slot) }
		slices.SortFunc(got, func(a, b shown) int {
			if a.slot != b.slot {
				return a.slot - b.slot
			}
			return a.gate - b.gate
		})
		if moved[i] {
			for _, s := range got {
				want.refused = append(want.refused, desc(s)+" "+gate.ErrStale.Error())
			}
			continue
		}
		want.admitted = append(want.admitted, desc(got[0]))
		for _, s := range got[1:] {
			want.duplicates = append(want.duplicates, desc(s)+" kept "+desc(got[0]))
		}
	}
	// Reconcile orders by serial as a string.
	for _, l := range [][]string{want.admitted, want.duplicates, want.refused} {
		slices.SortStableFunc(l, func(a, b string) int {
			sa, _, _ := strings.Cut(a, "@")
			sb, _, _ := strings.Cut(b, "@")
			switch {
			case sa < sb:
				return -1
			case sa > sb:
				return 1
			}
			return 0
		})
	}

	// The gates sync as bytes, gate-2 twice, in any order.
	var synced []*gate.Admission
	for _, g := range append(gates, gates[1]) {
		for _, a := range g.Admissions() {
			back, err := gate.ParseAdmission(a.Bytes())
			require.NoError(t, err)
			synced = append(synced, back)
		}
	}
	mrand.New(mrand.NewPCG(3, 4)).Shuffle(len(synced), func(i, j int) { synced[i], synced[j] = synced[j], synced[i] })
	r, err := gate.Reconcile(tickets(hs...), synced)
	require.NoError(t, err)
	got := outcomeOf(r)
	require.Equal(t, len(want.admitted), len(got.admitted))
	require.Equal(t, want, got)
	require.Len(t, moved, len(hs)-len(r.Admitted))
	t.Logf("%d tickets, %d admissions synced: %d admitted, %d duplicates, %d refused",
		n, len(synced), len(r.Admitted), len(r.Duplicates), len(r.Refused))

	// The merchant consumes every kept admission as it is; a sample of
	// the histories replays.
	bySerial := map[string]*held{}
	for _, h := range hs {
		bySerial[h.tk.Serial] = h
	}
	for i, a := range r.Admitted {
		h := bySerial[a.Request().Serial]
		tk, rec, err := c.m.Consume(h.tk, a.Request(), a.Time())
		require.NoError(t, err, describe(a))
		h.step(t, tk, rec, nil)
		if i%97 == 0 {
			replayed, err := ticket.Replay(h.recs, c.v)
			require.NoError(t, err)
			require.Equal(t, ticket.Consumed, replayed.State)
		}
	}
}
