package mixer_test

import (
	"bytes"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/mixer"
	"github.com/stretchr/testify/require"
)

// evilTx is a transaction a misbehaving server could send, built from the
// honest one.
type evilTx struct {
	inputs  []mixer.TxInput
	outputs []mixer.Output
	change  []mixer.Change
	fee     int64
	params  mixer.Params
}

// atTransaction runs a 3-client session up to the transaction and returns
// the world and the honest transaction.
func atTransaction(t *testing.T, opts ...worldOption) (*world, *mixer.Transaction) {
	t.Helper()
	w := newWorld(t, 3, opts...)
	txb := w.submit(t, w.register(t, w.request(t, w.announce(t))))
	tx, err := mixer.ParseTransaction(txb)
	require.NoError(t, err)
	return w, tx
}

// outputOf returns the index in outs of client i's output in slot 0.
func outputOf(w *world, outs []mixer.Output, i int) int {
	a := w.clients[i].Addresses()[0]
	return slices.IndexFunc(outs, func(o mixer.Output) bool { return o.Address == a })
}

// changeOf returns the index in ch of client i's change output.
func changeOf(w *world, ch []mixer.Change, i int) int {
	return slices.IndexFunc(ch, func(c mixer.Change) bool { return c.Owner.Equal(w.keys[i].PublicKey()) })
}

func inputOf(ins []mixer.TxInput, id []byte) int {
	return slices.IndexFunc(ins, func(in mixer.TxInput) bool { return bytes.Equal(in.ID, id) })
}

// TestClientRefuses: each way a server can get the transaction wrong, and
// the error and Refusal reason the victim answers with.
func TestClientRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		victim int
		audit  mixer.Audit
		edit   func(*testing.T, *world, *evilTx)
		want   error
	}{
		{"output missing (server dropped it)", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.outputs = slices.Delete(e.outputs, outputOf(w, e.outputs, 1), outputOf(w, e.outputs, 1)+1)
		}, mixer.ErrOutputMissing},
		{"own output with a wrong amount", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.outputs[outputOf(w, e.outputs, 1)].Amount--
		}, mixer.ErrWrongAmount},
		{"another output with a wrong amount", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.outputs[outputOf(w, e.outputs, 2)].Amount--
		}, mixer.ErrWrongAmount},
		{"own output with another signature", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.outputs[outputOf(w, e.outputs, 1)].Signature = e.outputs[outputOf(w, e.outputs, 2)].Signature
		}, mixer.ErrOutputMissing},
		{"change short", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.change[changeOf(w, e.change, 1)].Amount--
		}, mixer.ErrChangeMismatch},
		{"change missing", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.change = slices.Delete(e.change, changeOf(w, e.change, 1), changeOf(w, e.change, 1)+1)
		}, mixer.ErrChangeMismatch},
		{"change to another address", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.change[changeOf(w, e.change, 1)].Address = *addressFrom(t, "thief")
		}, mixer.ErrChangeMismatch},
		{"change at its address under another owner", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			// Client 1's change moves to client 0's name; its address and
			// amount alone no longer count.
			e.change[changeOf(w, e.change, 1)].Owner = w.keys[0].PublicKey()
		}, mixer.ErrChangeMismatch},
		{"change where none is due", 0, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.change = append(e.change, mixer.Change{Owner: w.keys[0].PublicKey(), Address: *addressFrom(t, "gift"), Amount: 1})
		}, mixer.ErrChangeMismatch},
		{"fee not the rule", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.fee++
		}, mixer.ErrFee},
		{"parameters changed", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.params.Fee = 0
			e.fee = 0
		}, mixer.ErrParamsMismatch},
		{"own input missing", 2, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			j := inputOf(e.inputs, w.configs[2].Inputs[1].ID)
			e.inputs = slices.Delete(e.inputs, j, j+1)
		}, mixer.ErrInputMissing},
		{"own input with another amount", 2, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.inputs[inputOf(e.inputs, w.configs[2].Inputs[1].ID)].Amount++
		}, mixer.ErrInputMissing},
		{"own input under another owner", 2, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.inputs[inputOf(e.inputs, w.configs[2].Inputs[1].ID)].Owner = w.keys[1].PublicKey()
		}, mixer.ErrInputMissing},
		{"another coin spent in its name", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.inputs = append(e.inputs, mixer.TxInput{Owner: w.keys[1].PublicKey(), ID: inputID("savings"), Amount: 1000})
		}, mixer.ErrInputMissing},
		{"a different ring", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.inputs = append(e.inputs, mixer.TxInput{Owner: keyFrom(t, "sybil").PublicKey(), ID: inputID("sybil"), Amount: 1})
		}, mixer.ErrRingMismatch},
		{"pays out more than it takes", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.change[changeOf(w, e.change, 2)].Amount += 1000
		}, mixer.ErrUnbalanced},
		{"another output's ring signature broken", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			s := e.outputs[outputOf(w, e.outputs, 2)].Signature
			s[len(s)-1] ^= 1
		}, mixer.ErrBadRingSignature},
		{"an output forged from another's signature", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			o := e.outputs[outputOf(w, e.outputs, 2)]
			o.Address = *addressFrom(t, "thief")
			e.outputs = append(e.outputs, o)
		}, mixer.ErrKeyImageReused},
		{"an output to another address version", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			o := &e.outputs[outputOf(w, e.outputs, 2)]
			o.Address = ecdsa.AddressFromHash(0x6f, o.Address.Hash())
		}, mixer.ErrAddressVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, tx := atTransaction(t, withAudit(tc.audit))
			e := &evilTx{inputs: tx.Inputs(), outputs: tx.Outputs(), change: tx.Change(), fee: tx.Fee(), params: tx.Params()}
			tc.edit(t, w, e)
			evil, err := mixer.NewTransaction(tx.Session(), e.params, e.inputs, e.outputs, e.change, e.fee)
			require.NoError(t, err)
			msg, err := w.answer(t, tc.victim, evil.Bytes())
			requireRefusal(t, w, tc.victim, msg, err, tc.want)
			requireReadable(t, err)
			f, err := mixer.ParseRefusal(msg.Data)
			require.NoError(t, err)
			require.Equal(t, evil.Hash(), f.TxHash())
			require.Nil(t, w.clients[tc.victim].Transaction())

			// The server records the refusal; the victim is excluded.
			_, err = w.server.Handle(msg.Data, w.now)
			require.NoError(t, err)
			r, ok := w.server.Refusal(w.keys[tc.victim].PublicKey())
			require.True(t, ok)
			require.ErrorIs(t, r.Err(), tc.want)
		})
	}
}

// TestAuditOwnSkipsOthersSignatures: a broken ring signature of another
// member is only caught by AuditAll; the client's coins are safe either way.
func TestAuditOwnSkipsOthersSignatures(t *testing.T) {
	w, tx := atTransaction(t, withAudit(mixer.AuditOwn))
	outs := tx.Outputs()
	s := outs[outputOf(w, outs, 2)].Signature
	s[len(s)-1] ^= 1
	evil, err := mixer.NewTransaction(tx.Session(), tx.Params(), tx.Inputs(), outs, tx.Change(), tx.Fee())
	require.NoError(t, err)
	msg, err := w.answer(t, 1, evil.Bytes())
	require.NoError(t, err)
	require.Equal(t, mixer.KindConfirmation, msg.Kind)
	require.ErrorIs(t, evil.VerifySignatures(1), mixer.ErrBadRingSignature)
}

// TestDifferentRings: the server gives client 1 a ring of its own. The
// client registers over it; the server cannot use that registration over
// the real ring, and the transaction's ring digest is not client 1's.
func TestDifferentRings(t *testing.T) {
	w := newWorld(t, 3)
	roster := w.request(t, w.announce(t))
	ro, err := mixer.ParseRoster(roster)
	require.NoError(t, err)
	fake := []*ecdsa.PublicKey{w.keys[1].PublicKey(), keyFrom(t, "sybil 1").PublicKey(), keyFrom(t, "sybil 2").PublicKey()}
	d := ro.Deadlines()
	forged, err := mixer.NewRoster(ro.Session(), ro.Previous(), ro.Params(), d.Register, d.Confirm, fake)
	require.NoError(t, err)
	regs := w.register(t, roster, 0, 2)
	regs[1] = w.register(t, forged.Bytes(), 1)[1]
	_, err = w.server.Handle(regs[1][0], w.now)
	require.ErrorIs(t, err, mixer.ErrBadRingSignature)
	delete(regs, 1)
	txb := w.submit(t, regs)
	msg, err := w.answer(t, 1, txb)
	requireRefusal(t, w, 1, msg, err, mixer.ErrRingMismatch)
}

func TestClientRoster(t *testing.T) {
	w := newWorld(t, 3)
	reqs := w.announce(t)
	roster := w.request(t, reqs)
	ro, err := mixer.ParseRoster(roster)
	require.NoError(t, err)
	d := ro.Deadlines()
	mk := func(session, prev mixer.SessionID, p mixer.Params, keys []*ecdsa.PublicKey) []byte {
		r, err := mixer.NewRoster(session, prev, p, d.Register, d.Confirm, keys)
		require.NoError(t, err)
		return r.Bytes()
	}
	sid := ro.Session()
	ring := ro.Ring()

	// Refused without a change of state.
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"another session", mk(mixer.SessionID{7}, mixer.SessionID{}, testParams, ring), mixer.ErrWrongSession},
		{"a restart roster", mk(sid, mixer.SessionID{7}, testParams, ring), mixer.ErrWrongSession},
		{"garbage", []byte{0, 0, 0, 1, 'x'}, mixer.ErrMalformed},
		{"truncated", roster[:len(roster)-1], mixer.ErrMalformed},
		{"a transaction now", func() []byte {
			_, tx := atTransaction(t)
			return tx.Bytes()
		}(), mixer.ErrPhase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := w.clients[0].Handle(tc.data, w.now)
			require.ErrorIs(t, err, tc.want)
			requireReadable(t, err)
			require.Empty(t, msgs)
			require.Equal(t, mixer.PhaseRequesting, w.clients[0].Phase())
		})
	}

	// Fatal.
	p := testParams
	p.Fee++
	msgs, err := w.clients[0].Handle(mk(sid, mixer.SessionID{}, p, ring), w.now)
	requireRefusal(t, w, 0, msgs[0], err, mixer.ErrParamsMismatch)

	msgs, err = w.clients[1].Handle(mk(sid, mixer.SessionID{}, testParams, []*ecdsa.PublicKey{w.keys[0].PublicKey(), keyFrom(t, "x").PublicKey()}), w.now)
	require.ErrorIs(t, err, mixer.ErrRingMismatch)
	require.Empty(t, msgs)
	require.Equal(t, mixer.PhaseFailed, w.clients[1].Phase())

	msgs, err = w.clients[2].Handle(roster, d.Register.Add(time.Nanosecond))
	require.ErrorIs(t, err, mixer.ErrDeadline)
	require.Empty(t, msgs)
	require.Equal(t, mixer.PhaseFailed, w.clients[2].Phase())
}

func TestClientRestartRoster(t *testing.T) {
	w, tx := atTransaction(t)
	m, err := w.answer(t, 0, tx.Bytes())
	require.NoError(t, err)
	require.Equal(t, mixer.KindConfirmation, m.Kind)
	require.Equal(t, mixer.PhaseConfirming, w.clients[0].Phase())
	sid := tx.Session()
	next := mixer.NextSessionID(sid, tx.Hash())
	reg, conf := w.now.Add(time.Hour), w.now.Add(2*time.Hour)
	mk := func(session, prev mixer.SessionID, keys []*ecdsa.PublicKey) []byte {
		r, err := mixer.NewRoster(session, prev, testParams, reg, conf, keys)
		require.NoError(t, err)
		return r.Bytes()
	}
	ring := tx.Ring()

	_, err = w.clients[0].Handle(mk(mixer.SessionID{3}, sid, ring), w.now)
	require.ErrorIs(t, err, mixer.ErrWrongSession, "an id not derived from the signed transaction")
	_, err = w.clients[0].Handle(mk(next, mixer.SessionID{3}, ring), w.now)
	require.ErrorIs(t, err, mixer.ErrWrongSession)
	require.Equal(t, mixer.PhaseConfirming, w.clients[0].Phase())

	_, err = w.clients[0].Handle(mk(next, sid, append(ring, keyFrom(t, "newcomer").PublicKey())), w.now)
	require.ErrorIs(t, err, mixer.ErrRingMismatch, "a restart adds nobody")
	require.Equal(t, mixer.PhaseFailed, w.clients[0].Phase())

	// Client 1 takes a proper restart without client 2.
	_, err = w.answer(t, 1, tx.Bytes())
	require.NoError(t, err)
	var survivors []*ecdsa.PublicKey
	for _, k := range ring {
		if !k.Equal(w.keys[2].PublicKey()) {
			survivors = append(survivors, k)
		}
	}
	msgs, err := w.clients[1].Handle(mk(next, sid, survivors), w.now)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.Equal(t, next, w.clients[1].Session())
	require.Equal(t, mixer.PhaseRegistering, w.clients[1].Phase())
}

func TestClientAnnouncement(t *testing.T) {
	ann := func(p mixer.Params) []byte {
		s, err := mixer.NewServer(mixer.ServerConfig{Session: mixer.SessionID{1}, Params: p, Deadlines: testDeadlines(), Inputs: ledger{}})
		require.NoError(t, err)
		return s.Announcement().Bytes()
	}
	due := testParams.Due()
	key := keyFrom(t, "c")
	for _, tc := range []struct {
		name   string
		cfg    mixer.ClientConfig
		params mixer.Params
		now    time.Time
		want   error
	}{
		{"fee above the cap", mixer.ClientConfig{Inputs: []mixer.Input{{ID: []byte{1}, Amount: due}}, MaxFee: testParams.Fee - 1}, testParams, t0, mixer.ErrFee},
		{"too little", mixer.ClientConfig{Inputs: []mixer.Input{{ID: []byte{1}, Amount: due - 1}}, MaxFee: 100}, testParams, t0, mixer.ErrFunds},
		{"excess without change", mixer.ClientConfig{Inputs: []mixer.Input{{ID: []byte{1}, Amount: due + 1}}, MaxFee: 100}, testParams, t0, mixer.ErrChangeAddress},
		{"change of another version", mixer.ClientConfig{Inputs: []mixer.Input{{ID: []byte{1}, Amount: due + 1}}, MaxFee: 100, Change: func() *ecdsa.Address {
			a := key.PublicKey().Address(0x6f)
			return &a
		}()}, testParams, t0, mixer.ErrAddressVersion},
		{"too late", mixer.ClientConfig{Inputs: []mixer.Input{{ID: []byte{1}, Amount: due}}, MaxFee: 100}, testParams, testDeadlines().Request.Add(time.Nanosecond), mixer.ErrDeadline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Key = key
			c, err := mixer.NewClient(tc.cfg)
			require.NoError(t, err)
			msgs, err := c.Handle(ann(tc.params), tc.now)
			require.ErrorIs(t, err, tc.want)
			requireReadable(t, err)
			require.Empty(t, msgs)
			require.Equal(t, mixer.PhaseNew, c.Phase())
		})
	}
	// A change address and no change in this session: the request names
	// no change address.
	c, err := mixer.NewClient(mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{ID: []byte{1}, Amount: due}}, MaxFee: 100, Change: addressFrom(t, "change")})
	require.NoError(t, err)
	msgs, err := c.Handle(ann(testParams), t0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	q, err := mixer.ParseRequest(msgs[0].Data)
	require.NoError(t, err)
	_, ok := q.Change()
	require.False(t, ok)
	_, err = c.Handle(ann(testParams), t0)
	require.ErrorIs(t, err, mixer.ErrPhase)
	_, err = c.Decline()
	require.ErrorIs(t, err, mixer.ErrPhase)
}

func TestClientConfig(t *testing.T) {
	key := keyFrom(t, "c")
	one := []mixer.Input{{ID: []byte{1}, Amount: 5}}
	for _, tc := range []struct {
		name string
		cfg  mixer.ClientConfig
	}{
		{"no key", mixer.ClientConfig{Inputs: one}},
		{"no inputs", mixer.ClientConfig{Key: key}},
		{"too many inputs", mixer.ClientConfig{Key: key, Inputs: make([]mixer.Input, mixer.MaxInputs+1)}},
		{"empty id", mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{Amount: 5}}}},
		{"long id", mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{ID: make([]byte, mixer.MaxInputIDSize+1), Amount: 5}}}},
		{"zero amount", mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{ID: []byte{1}}}}},
		{"amounts overflow", mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{ID: []byte{1}, Amount: 1 << 62}, {ID: []byte{2}, Amount: 1 << 62}}}},
		{"negative fee cap", mixer.ClientConfig{Key: key, Inputs: one, MaxFee: -1}},
		{"unknown audit", mixer.ClientConfig{Key: key, Inputs: one, Audit: 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mixer.NewClient(tc.cfg)
			require.ErrorIs(t, err, mixer.ErrParams)
			requireReadable(t, err)
		})
	}
	_, err := mixer.NewClient(mixer.ClientConfig{Key: key, Inputs: append(one, one...)})
	require.ErrorIs(t, err, mixer.ErrInputReused)
}

func TestClientDeadlines(t *testing.T) {
	w := newWorld(t, 3)
	roster := w.request(t, w.announce(t))
	w.register(t, roster)
	d := w.server.Roster().Deadlines()
	require.NoError(t, w.clients[0].Tick(d.Confirm))
	require.ErrorIs(t, w.clients[0].Tick(d.Confirm.Add(time.Nanosecond)), mixer.ErrDeadline)
	require.Equal(t, mixer.PhaseFailed, w.clients[0].Phase())
}

func TestClientSigned(t *testing.T) {
	w, tx := atTransaction(t)
	for i := range 3 {
		m, err := w.answer(t, i, tx.Bytes())
		require.NoError(t, err)
		out, err := w.server.Handle(m.Data, w.now)
		require.NoError(t, err)
		if i == 2 {
			require.Len(t, out, 1)
		}
	}
	signed := w.server.Signed().Bytes()
	bad := bytes.Clone(signed)
	bad[len(bad)-1] ^= 1
	_, err := w.clients[0].Handle(bad, w.now)
	require.ErrorIs(t, err, mixer.ErrIncomplete)
	require.Equal(t, mixer.PhaseConfirming, w.clients[0].Phase())

	_, err = w.clients[0].Handle(signed, w.now)
	require.NoError(t, err)
	require.Equal(t, mixer.PhaseComplete, w.clients[0].Phase())
	require.Equal(t, tx.Hash(), w.clients[0].Signed().Transaction().Hash())
	_, err = w.clients[0].Handle(signed, w.now)
	require.ErrorIs(t, err, mixer.ErrPhase)
}

// TestClientSignedAuditOwn: an AuditOwn client looks only for its own
// confirmation in the signed transaction.
func TestClientSignedAuditOwn(t *testing.T) {
	w, tx := atTransaction(t, withAudit(mixer.AuditOwn))
	for i := range 3 {
		m, err := w.answer(t, i, tx.Bytes())
		require.NoError(t, err)
		_, err = w.server.Handle(m.Data, w.now)
		require.NoError(t, err)
	}
	signed := w.server.Signed().Bytes()
	ring := tx.Ring()
	// flip returns signed with the signature of ring member j altered.
	flip := func(j int) []byte {
		b := bytes.Clone(signed)
		b[len(b)-(len(ring)-j)*98+97] ^= 1
		return b
	}
	own := slices.IndexFunc(ring, w.keys[0].PublicKey().Equal)
	other := (own + 1) % len(ring)
	_, err := w.clients[0].Handle(flip(own), w.now)
	require.ErrorIs(t, err, mixer.ErrIncomplete)
	require.Equal(t, mixer.PhaseConfirming, w.clients[0].Phase())
	_, err = w.clients[0].Handle(flip(other), w.now)
	require.NoError(t, err, "another owner's signature is the publisher's to check")
	require.Equal(t, mixer.PhaseComplete, w.clients[0].Phase())
	st, err := mixer.ParseSignedTransaction(flip(other))
	require.NoError(t, err)
	require.ErrorIs(t, st.Verify(), mixer.ErrIncomplete)
}

// TestOutputKeys: without Rand the output keys are a function of the key,
// the session and the ring (a wallet can find them again); with Rand they
// are fresh, and the round works the same.
func TestOutputKeys(t *testing.T) {
	a, _ := atTransaction(t)
	b, _ := atTransaction(t)
	require.Equal(t, a.clients[1].Addresses(), b.clients[1].Addresses())
	require.NotEqual(t, a.clients[1].Addresses(), a.clients[2].Addresses())

	h := newWorld(t, 3)
	for i := range h.configs {
		h.configs[i].Rand = rand.Reader
		var err error
		h.clients[i], err = mixer.NewClient(h.configs[i])
		require.NoError(t, err)
	}
	h.round(t)
	require.NotEqual(t, a.clients[1].Addresses(), h.clients[1].Addresses())
	for i, c := range h.clients {
		require.Equal(t, mixer.PhaseComplete, c.Phase(), "client %d", i)
	}
}
