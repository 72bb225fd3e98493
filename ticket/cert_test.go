package ticket_test

import (
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// registrarSigned returns a certificate for (id, pub, wid) signed by the
// registrar over the documented layout, bypassing IssueCertificate's
// checks: what a careless registrar could publish.
func registrarSigned(t *testing.T, registrar *ecdsa.PrivateKey, id string, pub *ecdsa.PublicKey, wid ecdsa.Address) *ticket.Certificate {
	t.Helper()
	h := wid.Hash()
	f := certFields{domain: "CBETS/ticket/v1/certificate", id: id, pk: pub.Bytes(), widVersion: wid.Version(), widHash: h[:]}
	sig, err := ecdsa.SignRBound(registrar, f.bytes(), nil)
	require.NoError(t, err)
	f.sig = sig.Bytes()
	c, err := ticket.ParseCertificate(f.bytes())
	require.NoError(t, err)
	return c
}

// The WID a certificate binds is its key's address under
// ecdsa.DefaultAddressVersion, and nothing else.
func TestCertificateWID(t *testing.T) {
	w := newWorld(t)
	pub := w.eve.key.PublicKey()
	own := pub.Address(ecdsa.DefaultAddressVersion)
	for _, tc := range []struct {
		name string
		wid  ecdsa.Address
	}{
		{"another key's address", w.alice.wid},
		{"own hash, another version", pub.Address(0x6f)},
		{"all zeros", ecdsa.Address{}},
		{"zero hash, default version", ecdsa.AddressFromHash(ecdsa.DefaultAddressVersion, [20]byte{})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ticket.IssueCertificate(w.registrar, "eve", pub, tc.wid)
			require.ErrorIs(t, err, ticket.ErrWID)
			requireMessage(t, err)

			// Signed by the registrar anyway: verification refuses it
			// too, and so do the transitions and Replay.
			c := registrarSigned(t, w.registrar, "eve", pub, tc.wid)
			require.ErrorIs(t, c.Verify(w.registrar.PublicKey()), ticket.ErrWID)
			q, err := ticket.NewBuyRequest(w.eve.key, c, w.m.PublicKey(), "concert", "W-1", buyPrice, t0)
			require.NoError(t, err)
			_, _, err = w.m.Buy(q, w.buyFacts(t, w.m, q, 0), t0)
			require.ErrorIs(t, err, ticket.ErrWID)
			requireMessage(t, err)

			// A merchant that signs such a Buy anyway: Replay refuses it.
			h := w.bought(t)
			rec := cloneRecord(t, h.recs[0])
			rec.Request = q
			_, err = ticket.Replay([]*ticket.Record{resign(t, w.merchantKey, rec)}, w.v)
			requireRecordError(t, err, 0, ticket.ErrWID)
		})
	}
	c, err := ticket.IssueCertificate(w.registrar, "eve", pub, own)
	require.NoError(t, err)
	require.NoError(t, c.Verify(w.registrar.PublicKey()))
	require.NoError(t, registrarSigned(t, w.registrar, "eve", pub, own).Verify(w.registrar.PublicKey()))
}
