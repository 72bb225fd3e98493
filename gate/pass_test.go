package gate_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// The pass is the layout of its doc, 79 bytes and the ids, and it fits a
// QR code of version 10 at level M (213 bytes) with the longest ids.
func TestPassLayout(t *testing.T) {
	c := getCast(t)
	long := strings.Repeat("é", 32) // 64 bytes
	for _, tc := range []struct{ event, serial string }{
		{concert, "1234"},
		{concert, "1"},
		{other, long},
	} {
		h := c.buy(t, c.users[0], tc.event, tc.serial)
		p, err := gate.NewPass(h.holder.key, h.tk, doors.Add(29*time.Second))
		require.NoError(t, err)
		req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, doors)
		require.NoError(t, err)
		b := p.Bytes()
		require.Equal(t, encodePass(req), b)
		require.Len(t, b, 79+len(tc.event)+len(tc.serial))
		require.Equal(t, tc.event, p.Event())
		require.Equal(t, tc.serial, p.Serial())
		require.Equal(t, uint32(doors.Unix()/30), p.Slot())
		require.Equal(t, doors, p.Time())
		back, err := gate.ParsePass(b)
		require.NoError(t, err)
		require.Equal(t, b, back.Bytes())
	}
	require.Equal(t, 207, gate.MaxPassSize)
	require.LessOrEqual(t, gate.MaxPassSize, 213)
	require.Equal(t, 30*time.Second, gate.SlotLength)
}

// passWith returns a well-formed pass of the given ids and slot with a
// valid ω encoding (not one that verifies).
func passWith(event, serial string, slot uint32) []byte {
	b := []byte{gate.PassVersion, byte(len(event))}
	b = append(b, event...)
	b = append(b, byte(len(serial)))
	b = append(b, serial...)
	b = binary.BigEndian.AppendUint32(b, slot)
	b = append(b, 1, 2, 3, 4, 5, 6, 7, 8)
	sig := make([]byte, 64)
	sig[31], sig[63] = 1, 1
	return append(b, sig...)
}

func TestParsePass(t *testing.T) {
	const maxSlot = 307445732 // (2^63 − 1) ns in whole seconds, / 30, − 2
	good := passWith("e", "s", 1)
	_, err := gate.ParsePass(good)
	require.NoError(t, err)
	_, err = gate.ParsePass(passWith(strings.Repeat("e", 64), strings.Repeat("s", 64), maxSlot))
	require.NoError(t, err)
	edit := func(f func([]byte) []byte) []byte { return f(bytes.Clone(good)) }
	highS := edit(func(b []byte) []byte {
		copy(b[len(b)-32:], bytes.Repeat([]byte{0xff}, 32))
		b[len(b)-32] = 0x7f // above (n−1)/2, below n
		return b
	})
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"version 0", edit(func(b []byte) []byte { b[0] = 0; return b })},
		{"version 2", edit(func(b []byte) []byte { b[0] = 0x48; return b })},
		{"event length 0", passWith("", "ss", 1)},
		{"serial length 0", passWith("ee", "", 1)},
		{"event of 65 bytes", passWith(strings.Repeat("e", 65), "s", 1)},
		{"serial of 65 bytes", passWith("e", strings.Repeat("s", 65), 1)},
		{"event not UTF-8", passWith("\xff", "s", 1)},
		{"serial not UTF-8", passWith("e", "\xc3", 1)},
		{"event length past the end", edit(func(b []byte) []byte { b[1] = 255; return b })},
		{"serial length past the end", edit(func(b []byte) []byte { b[3] = 200; return b })},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"longer than any pass", append(passWith(strings.Repeat("e", 64), strings.Repeat("s", 64), 1), 0)},
		{"slot past the last", passWith("e", "s", maxSlot+1)},
		{"ω with a = 0", edit(func(b []byte) []byte { b[len(b)-33] = 0; return b })},
		{"ω with s = 0", edit(func(b []byte) []byte { b[len(b)-1] = 0; return b })},
		{"ω with high s", highS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := gate.ParsePass(tc.b)
			require.ErrorIs(t, err, gate.ErrMalformed)
			require.Nil(t, p)
			requireMessage(t, err)
		})
	}
	// The fields end where the signature's 64 bytes do.
	for _, b := range [][]byte{good[:len(good)-1], append(bytes.Clone(good), 0)} {
		_, err := gate.ParsePass(b)
		require.ErrorContains(t, err, "gate: pass: wrong length")
	}
}

// Slots are counted from the epoch: slot 0 begins at 1970-01-01T00:00:00Z,
// and a gate whose clock reads before it is in no slot at all (an event
// whose doors open an hour before the epoch).
func TestCheckAtTheEpoch(t *testing.T) {
	c := getCast(t)
	epoch := time.Unix(0, 0).UTC()
	ev, err := ticket.NewEvent(c.merchantKey, ticket.EventTerms{ID: "epoch", Capacity: 1, FaceValue: 1,
		SaleStart: epoch.Add(-2 * time.Hour), SaleEnd: epoch, Start: epoch, End: epoch.Add(time.Hour),
		DoorsOpen: epoch.Add(-time.Hour)})
	require.NoError(t, err)
	h := c.buy(t, c.users[0], concert, "1")
	tk := *h.tk
	tk.Event, tk.Updated = "epoch", epoch
	s, err := gate.NewSnapshot(c.merchantKey, ev, []*ticket.Ticket{&tk}, epoch)
	require.NoError(t, err)
	g := c.gate(t, "g", s)
	pass := encodePass(signConsume(t, h.holder.key, &tk, h.holder.cert, epoch))
	for _, tc := range []struct {
		now  time.Time
		want error
	}{
		{epoch, nil},
		{epoch.Add(time.Minute - 1), nil},
		{epoch.Add(time.Minute), gate.ErrSlot},
		{epoch.Add(-time.Nanosecond), gate.ErrSlot},
		{epoch.Add(-29 * time.Second), gate.ErrSlot},
		{epoch.Add(-30 * time.Second), gate.ErrSlot},
	} {
		_, err := g.Check(pass, tc.now)
		if tc.want == nil {
			require.NoError(t, err, tc.now)
		} else {
			require.ErrorIs(t, err, tc.want, tc.now)
		}
	}
}

func TestNewPass(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	listed := c.buy(t, c.users[1], concert, "2").list(t, sold.Add(time.Minute))
	consumed := c.buy(t, c.users[2], concert, "3").consume(t, sold.Add(time.Minute))
	moved := c.buy(t, c.users[3], concert, "4").transfer(t, c.users[4], doors.Add(10*time.Second))
	noMerchant := *h.tk
	noMerchant.Merchant = nil
	noHolder := *h.tk
	noHolder.Holder = nil
	last := time.Unix(307445732*30+29, 999999999)
	for _, tc := range []struct {
		name string
		key  *ecdsa.PrivateKey
		tk   *ticket.Ticket
		at   time.Time
		want error
		msg  string
	}{
		{"nil key", nil, h.tk, doors, gate.ErrKey, "nil or the zero PrivateKey"},
		{"zero key", new(ecdsa.PrivateKey), h.tk, doors, gate.ErrKey, "nil or the zero PrivateKey"},
		{"another key", c.users[1].key, h.tk, doors, gate.ErrKey, ""},
		{"nil ticket", h.holder.key, nil, doors, gate.ErrMalformed, ""},
		{"ticket without a merchant", h.holder.key, &noMerchant, doors, gate.ErrMalformed, ""},
		{"ticket without a holder", h.holder.key, &noHolder, doors, gate.ErrMalformed, ""},
		{"listed", listed.holder.key, listed.tk, doors, gate.ErrState, ""},
		{"consumed", consumed.holder.key, consumed.tk, doors, gate.ErrState, ""},
		{"slot before the latest record", moved.holder.key, moved.tk, doors.Add(29 * time.Second), gate.ErrSlot, ""},
		{"before the epoch", h.holder.key, h.tk, time.Unix(-1, 0), gate.ErrSlot, "outside the slots"},
		{"after the last slot", h.holder.key, h.tk, last.Add(time.Nanosecond), gate.ErrSlot, "outside the slots"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := gate.NewPass(tc.key, tc.tk, tc.at)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, p)
			require.Contains(t, err.Error(), tc.msg)
			requireMessage(t, err)
		})
	}
	for _, tc := range []struct {
		h  *held
		at time.Time
	}{{h, last}, {moved, doors.Add(30 * time.Second)}} {
		_, err := gate.NewPass(tc.h.holder.key, tc.h.tk, tc.at)
		require.NoError(t, err, tc.at)
	}
}

// A key wiped with PrivateKey.Zero panics at the call, naming the
// argument.
func TestWipedKeyPanics(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	wiped := func(k *ecdsa.PrivateKey) *ecdsa.PrivateKey {
		w, err := ecdsa.ParsePrivateKey(k.Bytes())
		require.NoError(t, err)
		w.Zero()
		return w
	}
	for _, tc := range []struct {
		name, want string
		call       func()
	}{
		{"NewPass", "gate: NewPass: holder is a wiped private key", func() {
			_, _ = gate.NewPass(wiped(h.holder.key), h.tk, doors)
		}},
		{"NewPass before its arguments", "gate: NewPass: holder is a wiped private key", func() {
			_, _ = gate.NewPass(wiped(h.holder.key), nil, time.Time{})
		}},
		{"NewSnapshot", "gate: NewSnapshot: merchant is a wiped private key", func() {
			_, _ = gate.NewSnapshot(wiped(c.merchantKey), c.concert, nil, doors)
		}},
		{"NewSnapshot before its arguments", "gate: NewSnapshot: merchant is a wiped private key", func() {
			_, _ = gate.NewSnapshot(wiped(c.merchantKey), nil, nil, time.Time{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.PanicsWithValue(t, tc.want, tc.call)
		})
	}
}
