package gate_test

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// rawEntry is a snapshot's ticket as its layout writes it.
type rawEntry struct {
	serial  string
	state   byte
	head    [32]byte
	updated int64
	cert    []byte
}

func rawEntryOf(tk *ticket.Ticket) rawEntry {
	return rawEntry{tk.Serial, byte(tk.State), tk.Head, tk.Updated.UnixNano(), tk.Holder.Bytes()}
}

// rawSnapshot writes the layout of the Snapshot doc, signed by key, or
// with sig when key is nil.
func rawSnapshot(tb testing.TB, key *ecdsa.PrivateKey, sig, ev []byte, taken int64, count uint32, es ...rawEntry) []byte {
	tb.Helper()
	w := wire.NewBuilder("CBETS/gate/v1/snapshot")
	w.Var(ev)
	w.I64(taken)
	w.U32(count)
	for _, e := range es {
		w.String(e.serial)
		w.U8(e.state)
		w.Fixed(e.head[:])
		w.I64(e.updated)
		w.Var(e.cert)
	}
	b := w.Bytes()
	if key != nil {
		s, err := ecdsa.SignRBound(key, b, nil)
		require.NoError(tb, err)
		sig = s.Bytes()
	}
	return append(b, sig...)
}

func TestSnapshot(t *testing.T) {
	c := getCast(t)
	a := c.buy(t, c.users[0], concert, "1")
	b := c.buy(t, c.users[1], concert, "10")
	d := c.buy(t, c.users[2], concert, "2").list(t, sold.Add(time.Minute))
	s := c.snapshot(t, doors, d.tk, a.tk, b.tk)
	require.Equal(t, 3, s.Len())
	require.Equal(t, doors, s.Time())
	require.Same(t, c.concert, s.Event())
	require.NoError(t, s.Verify(c.m.PublicKey()))

	// The layout, with the tickets in the byte order of their serials,
	// whatever order they were given in.
	enc := s.Bytes()
	require.Equal(t, rawSnapshot(t, c.merchantKey, nil, c.concert.Bytes(), doors.UnixNano(), 3,
		rawEntryOf(a.tk), rawEntryOf(b.tk), rawEntryOf(d.tk)), enc)
	require.Equal(t, enc, c.snapshot(t, doors, a.tk, b.tk, d.tk).Bytes())
	enc[0] ^= 1
	require.NotEqual(t, enc, s.Bytes(), "Bytes returns a copy")

	back, err := gate.ParseSnapshot(s.Bytes())
	require.NoError(t, err)
	require.Equal(t, s.Bytes(), back.Bytes())
	require.NoError(t, back.Verify(c.m.PublicKey()))
	require.Equal(t, 3, back.Len())
	require.Equal(t, doors, back.Time())
	require.Equal(t, c.concert.Bytes(), back.Event().Bytes())

	empty := c.snapshot(t, doors)
	require.Zero(t, empty.Len())
	require.NoError(t, empty.Verify(c.m.PublicKey()))

	// The longest event id and serial, and every state a ticket records.
	long := strings.Repeat("x", 64)
	ev, err := ticket.NewEvent(c.merchantKey, ticket.EventTerms{ID: long, Capacity: 10, FaceValue: 1,
		SaleStart: sold, SaleEnd: doors, Start: doors, End: end})
	require.NoError(t, err)
	var tks []*ticket.Ticket
	for st := ticket.Valid; st <= ticket.Expired; st++ {
		tk := *a.tk
		tk.Event, tk.Serial, tk.State = long, strings.Repeat(string(rune('0'+st)), 64), st
		tks = append(tks, &tk)
	}
	s, err = gate.NewSnapshot(c.merchantKey, ev, tks, doors)
	require.NoError(t, err)
	back, err = gate.ParseSnapshot(s.Bytes())
	require.NoError(t, err)
	require.Equal(t, s.Bytes(), back.Bytes())
	require.Equal(t, 7, back.Len())
}

func TestNewSnapshotRefuses(t *testing.T) {
	c := getCast(t)
	a := c.buy(t, c.users[0], concert, "1")
	elsewhere := c.buy(t, c.users[1], other, "1")
	edited := func(f func(*ticket.Ticket)) *ticket.Ticket {
		tk := *a.tk
		f(&tk)
		return &tk
	}
	small, err := ticket.NewEvent(c.merchantKey, ticket.EventTerms{ID: concert, Capacity: 1, FaceValue: 1,
		SaleStart: sold, SaleEnd: doors, Start: doors, End: doors.Add(time.Hour)})
	require.NoError(t, err)
	foreign, err := ticket.NewEvent(c.users[0].key, ticket.EventTerms{ID: concert, Capacity: 1, FaceValue: 1,
		SaleStart: sold, SaleEnd: doors, Start: doors, End: doors.Add(time.Hour)})
	require.NoError(t, err)
	// The concert's terms with another capacity under the concert's
	// signature.
	evb := c.concert.Bytes()
	evb[29+len(concert)+33+3] ^= 1
	forged, err := ticket.ParseEvent(evb)
	require.NoError(t, err)
	far := time.Unix(0, math.MaxInt64).Add(time.Nanosecond)

	for _, tc := range []struct {
		name string
		key  *ecdsa.PrivateKey
		ev   *ticket.Event
		tks  []*ticket.Ticket
		at   time.Time
		want error
	}{
		{"nil key", nil, c.concert, nil, doors, gate.ErrKey},
		{"zero key", new(ecdsa.PrivateKey), c.concert, nil, doors, gate.ErrKey},
		{"nil event", c.merchantKey, nil, nil, doors, gate.ErrMalformed},
		{"zero event", c.merchantKey, new(ticket.Event), nil, doors, gate.ErrMalformed},
		{"another merchant's event", c.merchantKey, foreign, nil, doors, gate.ErrKey},
		{"event whose signature fails", c.merchantKey, forged, nil, doors, gate.ErrSignature},
		{"time out of range", c.merchantKey, c.concert, nil, far, gate.ErrMalformed},
		{"more tickets than the capacity", c.merchantKey, small, []*ticket.Ticket{a.tk, edited(func(tk *ticket.Ticket) { tk.Serial = "2" })}, doors, gate.ErrMalformed},
		{"nil ticket", c.merchantKey, c.concert, []*ticket.Ticket{nil}, doors, gate.ErrMalformed},
		{"ticket of another event", c.merchantKey, c.concert, []*ticket.Ticket{elsewhere.tk}, doors, gate.ErrEvent},
		{"ticket of another merchant", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.Merchant = c.users[0].key.PublicKey() })}, doors, gate.ErrEvent},
		{"serial twice", c.merchantKey, c.concert, []*ticket.Ticket{a.tk, a.tk}, doors, gate.ErrMalformed},
		{"empty serial", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.Serial = "" })}, doors, gate.ErrMalformed},
		{"no holder", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.Holder = nil })}, doors, gate.ErrMalformed},
		{"state 0", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.State = 0 })}, doors, gate.ErrMalformed},
		{"state 8", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.State = 8 })}, doors, gate.ErrMalformed},
		{"zero Head", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.Head = [32]byte{} })}, doors, gate.ErrMalformed},
		{"update time out of range", c.merchantKey, c.concert, []*ticket.Ticket{edited(func(tk *ticket.Ticket) { tk.Updated = far })}, doors, gate.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := gate.NewSnapshot(tc.key, tc.ev, tc.tks, tc.at)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, s)
			requireMessage(t, err)
		})
	}
	_, err = gate.NewSnapshot(c.merchantKey, small, []*ticket.Ticket{a.tk}, doors)
	require.NoError(t, err, "as many tickets as the capacity")
}

func TestParseSnapshot(t *testing.T) {
	c := getCast(t)
	a := c.buy(t, c.users[0], concert, "1")
	b := c.buy(t, c.users[1], concert, "2")
	ea, eb := rawEntryOf(a.tk), rawEntryOf(b.tk)
	sig := c.snapshot(t, doors).Bytes()
	sig = sig[len(sig)-65:] // a valid encoding; parsing does not verify it
	ev := c.concert.Bytes()
	raw := func(count uint32, es ...rawEntry) []byte {
		return rawSnapshot(t, nil, sig, ev, doors.UnixNano(), count, es...)
	}
	good := raw(2, ea, eb)
	s, err := gate.ParseSnapshot(good)
	require.NoError(t, err)
	require.Equal(t, good, s.Bytes())
	small, err := ticket.NewEvent(c.merchantKey, ticket.EventTerms{ID: concert, Capacity: 1, FaceValue: 1,
		SaleStart: sold, SaleEnd: doors, Start: doors, End: doors.Add(time.Hour)})
	require.NoError(t, err)
	edit := func(e rawEntry, f func(*rawEntry)) rawEntry { f(&e); return e }

	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"another domain", append([]byte{0, 0, 0, 22}, good[26:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"event that does not parse", rawSnapshot(t, nil, sig, ev[:len(ev)-1], 0, 0)},
		{"count above the capacity", rawSnapshot(t, nil, sig, small.Bytes(), 0, 2, ea, eb)},
		{"count the input cannot hold", raw(5000)},
		{"count above the entries", raw(3, ea, eb)},
		{"count below the entries", raw(1, ea, eb)},
		{"serials out of order", raw(2, eb, ea)},
		{"serial twice", raw(2, ea, ea)},
		{"empty serial", raw(1, edit(ea, func(e *rawEntry) { e.serial = "" }))},
		{"serial not UTF-8", raw(1, edit(ea, func(e *rawEntry) { e.serial = "\xff" }))},
		{"state 0", raw(1, edit(ea, func(e *rawEntry) { e.state = 0 }))},
		{"state 8", raw(1, edit(ea, func(e *rawEntry) { e.state = 8 }))},
		{"zero Head", raw(1, edit(ea, func(e *rawEntry) { e.head = [32]byte{} }))},
		{"certificate that does not parse", raw(1, edit(ea, func(e *rawEntry) { e.cert = e.cert[1:] }))},
		{"signature that does not parse", rawSnapshot(t, nil, make([]byte, 65), ev, 0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := gate.ParseSnapshot(tc.b)
			require.ErrorIs(t, err, gate.ErrMalformed)
			require.Nil(t, s)
			requireMessage(t, err)
		})
	}
}

func TestSnapshotVerify(t *testing.T) {
	c := getCast(t)
	a := c.buy(t, c.users[0], concert, "1")
	s := c.snapshot(t, doors, a.tk)
	ea := rawEntryOf(a.tk)
	parse := func(b []byte) *gate.Snapshot {
		s, err := gate.ParseSnapshot(b)
		require.NoError(t, err)
		return s
	}
	tampered := s.Bytes()
	tampered[len(tampered)-65-len(ea.cert)-4-8-1] ^= 1 // the last byte of the Head
	// The concert's terms with another capacity under the concert's
	// signature, in a snapshot the merchant signed.
	evb := c.concert.Bytes()
	evb[29+len(concert)+33+3] ^= 1
	forgedEvent := rawSnapshot(t, c.merchantKey, nil, evb, 0, 1, ea)
	// Another merchant's event, signed by that merchant.
	foreign, err := ticket.NewEvent(c.users[0].key, ticket.EventTerms{ID: concert, Capacity: 1, FaceValue: 1,
		SaleStart: sold, SaleEnd: doors, Start: doors, End: doors.Add(time.Hour)})
	require.NoError(t, err)
	foreignSnap, err := gate.NewSnapshot(c.users[0].key, foreign, nil, doors)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		s    *gate.Snapshot
		key  *ecdsa.PublicKey
		want error
	}{
		{"nil snapshot", nil, c.m.PublicKey(), gate.ErrMalformed},
		{"zero snapshot", new(gate.Snapshot), c.m.PublicKey(), gate.ErrMalformed},
		{"nil key", s, nil, gate.ErrKey},
		{"zero key", s, new(ecdsa.PublicKey), gate.ErrKey},
		{"another merchant's key", s, c.users[0].key.PublicKey(), gate.ErrKey},
		{"another merchant's snapshot", foreignSnap, c.m.PublicKey(), gate.ErrKey},
		{"altered ticket", parse(tampered), c.m.PublicKey(), gate.ErrSignature},
		{"event not signed by the merchant", parse(forgedEvent), c.m.PublicKey(), gate.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Verify(tc.key)
			require.ErrorIs(t, err, tc.want)
			requireMessage(t, err)
			_, err = gate.New("g", tc.s, tc.key)
			require.ErrorIs(t, err, tc.want, "New verifies the snapshot")
		})
	}
	for _, k := range []*ecdsa.PublicKey{nil, new(ecdsa.PublicKey)} {
		require.ErrorContains(t, s.Verify(k), "gate: merchant key is nil or the zero PublicKey")
	}
}

// A count that the input cannot hold allocates nothing: a snapshot of an
// event of 100,000 seats that claims them all in a few hundred bytes.
func TestParseSnapshotBoundsAllocation(t *testing.T) {
	c := getCast(t)
	big, err := ticket.NewEvent(c.merchantKey, ticket.EventTerms{ID: concert, Capacity: 100000, FaceValue: 1,
		SaleStart: sold, SaleEnd: doors, Start: doors, End: doors.Add(time.Hour)})
	require.NoError(t, err)
	b := rawSnapshot(t, c.merchantKey, nil, big.Bytes(), 0, 100000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = gate.ParseSnapshot(b)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, gate.ErrMalformed)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
}
