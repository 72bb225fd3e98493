package gate_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// encodeAdmission writes the layout of the Admission doc.
func encodeAdmission(gateID string, at time.Time, req []byte) []byte {
	w := wire.NewBuilder("CBETS/gate/v1/admission")
	w.String(gateID)
	w.I64(at.UnixNano())
	w.Var(req)
	return w.Bytes()
}

// admissionOf parses an admission of req at gate id and time at, as a
// gate that synced it would present it.
func admissionOf(tb testing.TB, id string, at time.Time, req *ticket.Request) *gate.Admission {
	tb.Helper()
	a, err := gate.ParseAdmission(encodeAdmission(id, at, req.Bytes()))
	require.NoError(tb, err)
	return a
}

func TestAdmissionEncoding(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	g := c.gate(t, "north", c.snapshot(t, doors, h.tk))
	now := doors.Add(45 * time.Second)
	adm, err := g.Admit(h.pass(t, doors.Add(10*time.Second)), now)
	require.NoError(t, err)
	req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, doors)
	require.NoError(t, err)
	enc := adm.Bytes()
	require.Equal(t, encodeAdmission("north", now, req.Bytes()), enc)

	back, err := gate.ParseAdmission(enc)
	require.NoError(t, err)
	require.Equal(t, enc, back.Bytes())
	require.Equal(t, "north", back.Gate())
	require.Equal(t, now, back.Time())
	require.Equal(t, adm.Pass().Bytes(), back.Pass().Bytes())
	require.Equal(t, `"concert-2026-12-01"/"1" at gate "north", slot 2026-12-01T19:00:00Z`, back.String())

	// Request returns a copy.
	q := back.Request()
	q.Sig[0] ^= 1
	q.Serial = "2"
	require.Equal(t, req.Bytes(), back.Request().Bytes())
}

func TestParseAdmission(t *testing.T) {
	c := getCast(t)
	h := c.buy(t, c.users[0], concert, "1")
	req, err := ticket.NewConsumeRequest(h.holder.key, h.tk, doors)
	require.NoError(t, err)
	offSlot, err := ticket.NewConsumeRequest(h.holder.key, h.tk, doors.Add(time.Second))
	require.NoError(t, err)
	list, err := ticket.NewListRequest(h.holder.key, h.tk, 12000, h.holder.cert.WID(), doors)
	require.NoError(t, err)
	good := encodeAdmission("g", doors, req.Bytes())
	_, err = gate.ParseAdmission(good)
	require.NoError(t, err)
	_, err = gate.ParseAdmission(encodeAdmission("g", doors.Add(time.Minute-1), req.Bytes()))
	require.NoError(t, err, "the last instant of the next slot")

	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"another domain", append([]byte{0, 0, 0, 23}, good[27:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"empty gate id", encodeAdmission("", doors, req.Bytes())},
		{"gate id of 65 bytes", encodeAdmission(string(bytes.Repeat([]byte{'g'}, 65)), doors, req.Bytes())},
		{"gate id not UTF-8", encodeAdmission("\xff", doors, req.Bytes())},
		{"request that does not parse", encodeAdmission("g", doors, req.Bytes()[1:])},
		{"request longer than any", encodeAdmission("g", doors, make([]byte, 1025))},
		{"a List request", encodeAdmission("g", doors, list.Bytes())},
		{"time not the start of a slot", encodeAdmission("g", doors.Add(time.Second), offSlot.Bytes())},
		{"gate time before the slot", encodeAdmission("g", doors.Add(-1), req.Bytes())},
		{"gate time two slots later", encodeAdmission("g", doors.Add(time.Minute), req.Bytes())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := gate.ParseAdmission(tc.b)
			require.ErrorIs(t, err, gate.ErrMalformed)
			require.Nil(t, a)
			requireMessage(t, err)
		})
	}
}
