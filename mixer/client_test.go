package mixer_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

// evilTx is a transaction a misbehaving server could send, built from the
// honest one's parts.
type evilTx struct {
	inputs []mixer.TxInput
	regs   []*mixer.Registration
	change []mixer.Change
	fee    int64
	params mixer.Params
}

// atTransaction runs a 3-client session up to the transaction and returns
// the world and the honest transaction; w.bundle holds its bundle (when a
// client audits everything) and w.regs the registrations.
func atTransaction(t *testing.T, opts ...worldOption) (*world, *mixer.Transaction) {
	t.Helper()
	w := newWorld(t, 3, opts...)
	txb := w.submit(t, w.register(t, w.request(t, w.announce(t))))
	tx, err := mixer.ParseTransaction(txb, w.server.Roster().Ring())
	require.NoError(t, err)
	return w, tx
}

// regOf returns the index in regs of client i's registration in slot 0.
func regOf(w *world, regs []*mixer.Registration, i int) int {
	a := w.clients[i].Addresses()[0]
	return slices.IndexFunc(regs, func(g *mixer.Registration) bool { return g.Address() == a })
}

// forge returns a registration of address for amount in slot 0, ring-signed
// by client i: valid, but not client i's own output.
func forge(t *testing.T, w *world, i int, address ecdsa.Address, amount int64) *mixer.Registration {
	g, err := mixer.NewRegistration(w.keys[i], w.server.Roster(), 0, address, amount, nil)
	require.NoError(t, err)
	return g
}

// changeOf returns the index in ch of client i's change output.
func changeOf(w *world, ch []mixer.Change, i int) int {
	return slices.IndexFunc(ch, func(c mixer.Change) bool { return c.Owner.Equal(w.keys[i].PublicKey()) })
}

func inputOf(ins []mixer.TxInput, id []byte) int {
	return slices.IndexFunc(ins, func(in mixer.TxInput) bool { return bytes.Equal(in.ID, id) })
}

// TestClientRefuses: each way a server can get the transaction or its
// bundle wrong, and the error and Refusal reason the victim answers with.
func TestClientRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		victim int
		audit  mixer.Audit
		edit   func(*testing.T, *world, *evilTx)
		want   error
	}{
		{"output missing (server dropped it)", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.regs = slices.Delete(e.regs, regOf(w, e.regs, 1), regOf(w, e.regs, 1)+1)
		}, mixer.ErrOutputMissing},
		{"own output with a wrong amount", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.regs[regOf(w, e.regs, 1)] = forge(t, w, 2, w.clients[1].Addresses()[0], testParams.Denomination-1)
		}, mixer.ErrWrongAmount},
		{"another output with a wrong amount", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.regs[regOf(w, e.regs, 2)] = forge(t, w, 2, w.clients[2].Addresses()[0], testParams.Denomination-1)
		}, mixer.ErrWrongAmount},
		{"own output registered by another member", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.regs[regOf(w, e.regs, 1)] = forge(t, w, 2, w.clients[1].Addresses()[0], testParams.Denomination)
		}, mixer.ErrOutputMissing},
		{"change short", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.change[changeOf(w, e.change, 1)].Amount--
		}, mixer.ErrChangeMismatch},
		{"change missing", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.change = slices.Delete(e.change, changeOf(w, e.change, 1), changeOf(w, e.change, 1)+1)
		}, mixer.ErrChangeMismatch},
		{"change to another address", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.change[changeOf(w, e.change, 1)].Address = *addressFrom(t, "thief")
		}, mixer.ErrChangeMismatch},
		{"change at its address under another owner", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			// Client 1's change moves to client 0's name; its address and
			// amount alone no longer count.
			e.change[changeOf(w, e.change, 1)].Owner = w.keys[0].PublicKey()
		}, mixer.ErrChangeMismatch},
		{"change where none is due", 0, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.change = append(e.change, mixer.Change{Owner: w.keys[0].PublicKey(), Address: *addressFrom(t, "gift"), Amount: 1})
		}, mixer.ErrChangeMismatch},
		{"fee not the rule", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.fee++
		}, mixer.ErrFee},
		{"parameters changed", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.params.Fee = 0
			e.fee = 0
		}, mixer.ErrParamsMismatch},
		{"own input missing", 2, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			j := inputOf(e.inputs, w.configs[2].Inputs[1].ID)
			e.inputs = slices.Delete(e.inputs, j, j+1)
		}, mixer.ErrInputMissing},
		{"own input with another amount", 2, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.inputs[inputOf(e.inputs, w.configs[2].Inputs[1].ID)].Amount++
		}, mixer.ErrInputMissing},
		{"own input under another owner", 2, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.inputs[inputOf(e.inputs, w.configs[2].Inputs[1].ID)].Owner = w.keys[1].PublicKey()
		}, mixer.ErrInputMissing},
		{"another coin spent in its name", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.inputs = append(e.inputs, mixer.TxInput{Owner: w.keys[1].PublicKey(), ID: inputID("savings"), Amount: 1000})
		}, mixer.ErrInputMissing},
		{"a different ring", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.inputs = append(e.inputs, mixer.TxInput{Owner: keyFrom(t, "sybil").PublicKey(), ID: inputID("sybil"), Amount: 1})
		}, mixer.ErrRingMismatch},
		{"a different ring, auditing everything", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			e.inputs = append(e.inputs, mixer.TxInput{Owner: keyFrom(t, "sybil").PublicKey(), ID: inputID("sybil"), Amount: 1})
		}, mixer.ErrRingMismatch},
		{"pays out more than it takes", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.change[changeOf(w, e.change, 2)].Amount += 1000
		}, mixer.ErrUnbalanced},
		{"more outputs in a slot than members", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.regs = append(e.regs, forge(t, w, 2, *addressFrom(t, "thief"), testParams.Denomination))
		}, mixer.ErrKeyImageReused},
		{"an output to another address version", 1, mixer.AuditOwn, func(t *testing.T, w *world, e *evilTx) {
			e.regs[regOf(w, e.regs, 2)] = forge(t, w, 2, ecdsa.AddressFromHash(0x6f, w.clients[2].Addresses()[0].Hash()), testParams.Denomination)
		}, mixer.ErrAddressVersion},
		{"another output's ring signature broken", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			b := e.regs[regOf(w, e.regs, 2)].Bytes()
			b[len(b)-1] ^= 1
			g, err := mixer.ParseRegistration(b)
			require.NoError(t, err)
			e.regs[regOf(w, e.regs, 2)] = g
		}, mixer.ErrBadRingSignature},
		{"a member's key image twice in a slot", 1, mixer.AuditAll, func(t *testing.T, w *world, e *evilTx) {
			// Client 0's output gives way to one that client 2 signed,
			// which also signed its own.
			e.regs[regOf(w, e.regs, 0)] = forge(t, w, 2, *addressFrom(t, "thief"), testParams.Denomination)
		}, mixer.ErrKeyImageReused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, tx := atTransaction(t, withAudit(tc.audit))
			e := &evilTx{inputs: tx.Inputs(), regs: w.registrations(t), change: tx.Change(), fee: tx.Fee(), params: tx.Params()}
			tc.edit(t, w, e)
			evil, bundle, err := mixer.NewTransaction(tx.Session(), e.params, e.inputs, e.regs, e.change, e.fee)
			require.NoError(t, err)
			msg, err := w.answerWith(t, tc.victim, evil.Bytes(), bundle.Bytes())
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

// TestClientRefusesBundle: a client that audits everything refuses the
// honest transaction with a bundle it does not commit to, whichever comes
// first.
func TestClientRefusesBundle(t *testing.T) {
	for _, bundleFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("bundle first %v", bundleFirst), func(t *testing.T) {
			w, tx := atTransaction(t)
			regs := w.registrations(t)
			// Client 2 signs its own output again, hedged: another valid
			// registration, another bundle.
			g, err := mixer.NewRegistration(w.keys[2], w.server.Roster(), 0, w.clients[2].Addresses()[0], testParams.Denomination, &ringsig.SignOptions{Rand: rand.Reader})
			require.NoError(t, err)
			regs[regOf(w, regs, 2)] = g
			_, other, err := mixer.NewTransaction(tx.Session(), tx.Params(), tx.Inputs(), regs, tx.Change(), tx.Fee())
			require.NoError(t, err)
			require.NotEqual(t, tx.BundleDigest(), other.Digest())
			first, second := tx.Bytes(), other.Bytes()
			if bundleFirst {
				first, second = second, first
			}
			msgs, err := w.clients[1].Handle(first, w.now)
			require.NoError(t, err)
			require.Empty(t, msgs)
			msgs, err = w.clients[1].Handle(second, w.now)
			require.Len(t, msgs, 1)
			requireRefusal(t, w, 1, msgs[0], err, mixer.ErrBadRingSignature)
		})
	}
}

// TestAuditOwnSkipsTheBundle: a broken ring signature of another member,
// or another member's registration of the client's own output, is only
// caught by AuditAll, or by whoever verifies the signed transaction; the
// client's coins are safe either way. A client that audits its own outputs
// is sent no bundle and takes none.
func TestAuditOwnSkipsTheBundle(t *testing.T) {
	w, tx := atTransaction(t, withAudit(mixer.AuditOwn))
	require.Nil(t, w.bundle, "nobody asked for the bundle")
	regs := w.registrations(t)
	b := regs[regOf(w, regs, 2)].Bytes()
	b[len(b)-1] ^= 1
	broken, err := mixer.ParseRegistration(b)
	require.NoError(t, err)
	regs[regOf(w, regs, 2)] = broken
	// Client 0 registers client 1's output instead of its own.
	regs[regOf(w, regs, 1)] = forge(t, w, 0, w.clients[1].Addresses()[0], testParams.Denomination)
	regs = slices.Delete(regs, regOf(w, regs, 0), regOf(w, regs, 0)+1)
	evil, bundle, err := mixer.NewTransaction(tx.Session(), tx.Params(), tx.Inputs(), regs, tx.Change(), tx.Fee())
	require.NoError(t, err)
	_, err = w.clients[1].Handle(bundle.Bytes(), w.now)
	require.ErrorIs(t, err, mixer.ErrPhase)
	msg, err := w.answer(t, 1, evil.Bytes())
	require.NoError(t, err)
	require.Equal(t, mixer.KindConfirmation, msg.Kind)
	require.ErrorIs(t, evil.VerifyBundle(bundle, 1), mixer.ErrBadRingSignature)
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

	// A client that audits everything and holds the transaction but not
	// its bundle gives up too.
	w, tx := atTransaction(t)
	msgs, err := w.clients[1].Handle(tx.Bytes(), w.now)
	require.NoError(t, err)
	require.Empty(t, msgs)
	require.Equal(t, mixer.PhaseRegistering, w.clients[1].Phase())
	err = w.clients[1].Tick(w.server.Roster().Deadlines().Confirm.Add(time.Nanosecond))
	require.ErrorIs(t, err, mixer.ErrDeadline)
	require.Contains(t, err.Error(), "no bundle")
}

// confirmAll has every client answer tx and the server take the answers;
// it returns the server's messages at completion.
func confirmAll(t *testing.T, w *world, tx *mixer.Transaction) []mixer.Message {
	t.Helper()
	var out []mixer.Message
	for i := range w.clients {
		m, err := w.answer(t, i, tx.Bytes())
		require.NoError(t, err)
		msgs, err := w.server.Handle(m.Data, w.now)
		require.NoError(t, err)
		out = append(out, msgs...)
	}
	require.Len(t, out, 1+len(w.clients))
	return out
}

// completionFor returns the completion the server sent client i.
func completionFor(t *testing.T, w *world, out []mixer.Message, i int) []byte {
	t.Helper()
	j := slices.IndexFunc(out, func(m mixer.Message) bool { return m.To.Equal(w.keys[i].PublicKey()) })
	require.GreaterOrEqual(t, j, 0)
	require.Equal(t, mixer.KindCompletion, out[j].Kind)
	return out[j].Data
}

// flipSig returns a signed transaction with the last byte of ring member
// j's confirmation signature flipped.
func flipSig(signed []byte, txLen, j int) []byte {
	b := bytes.Clone(signed)
	b[4+33+4+txLen+4+j*98+97] ^= 1
	return b
}

// flipCompletion returns a completion with the last byte of ring member
// j's signature flipped.
func flipCompletion(c []byte, j int) []byte {
	b := bytes.Clone(c)
	b[4+25+64+4+j*65+64] ^= 1
	return b
}

// TestClientSigned: a client that audits everything completes on every
// owner's valid signature, from the completion the server sends it or from
// the published signed transaction, and on nothing less.
func TestClientSigned(t *testing.T) {
	w, tx := atTransaction(t)
	out := confirmAll(t, w, tx)
	signed := w.server.Signed().Bytes()
	require.Equal(t, signed, out[0].Data)
	full := completionFor(t, w, out, 0)
	f, err := mixer.ParseCompletion(full)
	require.NoError(t, err)
	require.Equal(t, 3, f.Signatures())
	c := w.clients[0]

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"a completion with a bad signature", flipCompletion(full, 2), mixer.ErrIncomplete},
		{"a bare notice", func() []byte {
			b := bytes.Clone(full[:4+25+64+4])
			b[len(b)-1] = 0
			return b
		}(), mixer.ErrIncomplete},
		{"a completion of another transaction", func() []byte {
			b := bytes.Clone(full)
			b[4+25+32] ^= 1
			return b
		}(), mixer.ErrIncomplete},
		{"a completion short of a signature", func() []byte {
			b := bytes.Clone(full[:len(full)-65])
			b[4+25+64+3] = 2
			return b
		}(), mixer.ErrIncomplete},
		{"a completion of another session", func() []byte {
			b := bytes.Clone(full)
			b[4+25] ^= 1
			return b
		}(), mixer.ErrWrongSession},
		{"a signed transaction with a bad signature", flipSig(signed, len(tx.Bytes()), 1), mixer.ErrIncomplete},
		{"a signed transaction with another bundle", func() []byte {
			b := bytes.Clone(signed)
			b[len(b)-1] ^= 1
			return b
		}(), mixer.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Handle(tc.data, w.now)
			require.ErrorIs(t, err, tc.want)
			requireReadable(t, err)
			require.Equal(t, mixer.PhaseConfirming, c.Phase())
			require.Nil(t, c.Signed())
		})
	}

	_, err = c.Handle(full, w.now)
	require.NoError(t, err)
	require.Equal(t, mixer.PhaseComplete, c.Phase())
	require.Equal(t, tx.Hash(), c.Signed().Transaction().Hash())
	require.Equal(t, signed, c.Signed().Bytes(), "assembled from the transaction, the bundle and the signatures")
	// Copies of the outcome change nothing.
	for _, b := range [][]byte{full, signed, w.bundle} {
		msgs, err := c.Handle(b, w.now)
		require.NoError(t, err)
		require.Empty(t, msgs)
	}
	require.Equal(t, mixer.PhaseComplete, c.Phase())
	_, err = c.Handle(flipCompletion(full, 2), w.now)
	require.NoError(t, err, "a copy of the outcome is not checked again")
	_, err = c.Handle(tx.Bytes(), w.now)
	require.ErrorIs(t, err, mixer.ErrPhase)

	// Client 1 completes on the published signed transaction.
	_, err = w.clients[1].Handle(signed, w.now)
	require.NoError(t, err)
	require.Equal(t, mixer.PhaseComplete, w.clients[1].Phase())
	require.Equal(t, signed, w.clients[1].Signed().Bytes())
}

// TestClientSignedAuditOwn: a client that audits its own outputs completes
// on the server's notice, or finds its own confirmation in what else it is
// handed.
func TestClientSignedAuditOwn(t *testing.T) {
	w, tx := atTransaction(t, withAudit(mixer.AuditOwn))
	out := confirmAll(t, w, tx)
	signed := w.server.Signed().Bytes()
	notice := completionFor(t, w, out, 0)
	require.Len(t, notice, 97)
	ring := tx.Ring()
	own := slices.IndexFunc(ring, w.keys[0].PublicKey().Equal)
	other := (own + 1) % len(ring)

	_, err := w.clients[0].Handle(flipSig(signed, len(tx.Bytes()), own), w.now)
	require.ErrorIs(t, err, mixer.ErrIncomplete)
	require.Equal(t, mixer.PhaseConfirming, w.clients[0].Phase())
	_, err = w.clients[0].Handle(flipSig(signed, len(tx.Bytes()), other), w.now)
	require.NoError(t, err, "another owner's signature is the ledger's to check")
	require.Equal(t, mixer.PhaseComplete, w.clients[0].Phase())
	st, err := mixer.ParseSignedTransaction(flipSig(signed, len(tx.Bytes()), other))
	require.NoError(t, err)
	require.ErrorIs(t, st.Verify(), mixer.ErrIncomplete)

	// The notice.
	_, err = w.clients[1].Handle(notice, w.now)
	require.NoError(t, err)
	require.Equal(t, mixer.PhaseComplete, w.clients[1].Phase())
	require.Nil(t, w.clients[1].Signed(), "it never had the bundle")

	// A completion with every signature: its own must be there.
	var full []byte
	{
		w2, tx2 := atTransaction(t, withAuditOf(0, mixer.AuditOwn))
		out := confirmAll(t, w2, tx2)
		full = completionFor(t, w2, out, 1)
		own := slices.IndexFunc(tx2.Ring(), w2.keys[0].PublicKey().Equal)
		_, err = w2.clients[0].Handle(flipCompletion(full, own), w2.now)
		require.ErrorIs(t, err, mixer.ErrIncomplete)
		_, err = w2.clients[0].Handle(flipCompletion(full, (own+1)%3), w2.now)
		require.NoError(t, err)
		require.Equal(t, mixer.PhaseComplete, w2.clients[0].Phase())
	}
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

// TestSignedTransactionVerifiesBundle: a transaction every owner signed is
// still refused by Verify, as by NewSignedTransaction, when its bundle does
// not register its outputs — a broken ring signature, a member's key image
// twice in a slot — and, at parsing, when the bundle is not the one the
// transaction commits to.
func TestSignedTransactionVerifiesBundle(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, w *world, regs []*mixer.Registration)
		want error
	}{
		{"a broken ring signature", func(t *testing.T, w *world, regs []*mixer.Registration) {
			b := regs[regOf(w, regs, 2)].Bytes()
			b[len(b)-1] ^= 1
			g, err := mixer.ParseRegistration(b)
			require.NoError(t, err)
			regs[regOf(w, regs, 2)] = g
		}, mixer.ErrBadRingSignature},
		{"a key image twice in a slot", func(t *testing.T, w *world, regs []*mixer.Registration) {
			regs[regOf(w, regs, 0)] = forge(t, w, 2, *addressFrom(t, "thief"), testParams.Denomination)
		}, mixer.ErrKeyImageReused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, tx := atTransaction(t, withAudit(mixer.AuditOwn))
			_, honest, err := mixer.NewTransaction(tx.Session(), tx.Params(), tx.Inputs(), w.registrations(t), tx.Change(), tx.Fee())
			require.NoError(t, err)
			require.Equal(t, tx.BundleDigest(), honest.Digest())
			regs := w.registrations(t)
			tc.edit(t, w, regs)
			evil, bundle, err := mixer.NewTransaction(tx.Session(), tx.Params(), tx.Inputs(), regs, tx.Change(), tx.Fee())
			require.NoError(t, err)
			var confs []*mixer.Confirmation
			for _, k := range w.keys {
				c, err := mixer.NewConfirmation(k, evil.Session(), evil.Hash(), nil)
				require.NoError(t, err)
				confs = append(confs, c)
			}
			_, err = mixer.NewSignedTransaction(evil, bundle, confs)
			require.ErrorIs(t, err, tc.want)
			requireReadable(t, err)

			// The same, encoded as a ledger would receive it: it parses,
			// and Verify refuses it.
			encode := func(b *mixer.Bundle) []byte {
				e := wire.NewBuilder("CBETS/mixer/v1/signed-transaction")
				e.Var(evil.Bytes())
				e.U32(uint32(len(evil.Ring())))
				for _, pk := range evil.Ring() {
					c := confs[slices.IndexFunc(confs, func(c *mixer.Confirmation) bool { return c.PublicKey().Equal(pk) })]
					b := c.Bytes()
					e.Fixed(pk.Bytes())
					e.Fixed(b[len(b)-ecdsa.RBoundSignatureSize:])
				}
				e.Var(b.Bytes())
				return e.Bytes()
			}
			st, err := mixer.ParseSignedTransaction(encode(bundle))
			require.NoError(t, err)
			require.ErrorIs(t, st.Verify(), tc.want)

			// The honest bundle does not go with the evil transaction,
			// which commits to another.
			_, err = mixer.ParseSignedTransaction(encode(honest))
			require.ErrorIs(t, err, mixer.ErrMalformed)
			requireReadable(t, err)
		})
	}
}

// TestClientRefusesOutputInAnotherSlot: a client's output of slot 0 moved to
// slot 1 (registered there by another member) is not its output.
func TestClientRefusesOutputInAnotherSlot(t *testing.T) {
	p := testParams
	p.Slots = 2
	w, tx := atTransaction(t, withParams(p), withAudit(mixer.AuditOwn))
	regs := w.registrations(t)
	moved, err := mixer.NewRegistration(w.keys[2], w.server.Roster(), 1, w.clients[1].Addresses()[0], p.Denomination, nil)
	require.NoError(t, err)
	var edited []*mixer.Registration
	for _, g := range regs {
		switch {
		case g.Address() == w.clients[1].Addresses()[0]:
			edited = append(edited, moved)
		case g.Address() == w.clients[2].Addresses()[1]:
			// Client 2's own output of slot 1 gives way, so that no slot
			// holds more outputs than members.
		default:
			edited = append(edited, g)
		}
	}
	evil, bundle, err := mixer.NewTransaction(tx.Session(), p, tx.Inputs(), edited, tx.Change(), tx.Fee())
	require.NoError(t, err)
	msg, err := w.answerWith(t, 1, evil.Bytes(), bundle.Bytes())
	requireRefusal(t, w, 1, msg, err, mixer.ErrOutputMissing)
}

// TestClientRefusesBundleOfAnotherSize: a transaction that commits to a
// bundle with fewer signatures than outputs is refused by a client that
// audits everything — here the one whose output is last, past the bundle's
// end — and nothing reads past the bundle.
func TestClientRefusesBundleOfAnotherSize(t *testing.T) {
	w, tx := atTransaction(t)
	outs := tx.Outputs()
	victim := slices.IndexFunc(w.clients, func(c *mixer.Client) bool { return c.Addresses()[0] == outs[len(outs)-1].Address })
	require.GreaterOrEqual(t, victim, 0)
	// A bundle of the other registrations only, and the transaction
	// re-encoded to commit to it.
	var others []*mixer.Registration
	for _, g := range w.registrations(t) {
		if g.Address() != outs[len(outs)-1].Address {
			others = append(others, g)
		}
	}
	_, short, err := mixer.NewTransaction(tx.Session(), tx.Params(), tx.Inputs(), others, tx.Change(), tx.Fee())
	require.NoError(t, err)
	b := tx.Bytes()
	d := tx.BundleDigest()
	at := bytes.Index(b, d[:])
	require.Positive(t, at)
	sd := short.Digest()
	copy(b[at:], sd[:])
	evil, err := mixer.ParseTransaction(b, tx.Ring())
	require.NoError(t, err)
	require.Equal(t, short.Digest(), evil.BundleDigest())
	msg, err := w.answerWith(t, victim, evil.Bytes(), short.Bytes())
	requireRefusal(t, w, victim, msg, err, mixer.ErrBadRingSignature)
}

// TestBundleOfAnotherSession: a transaction that commits to its outputs'
// very ring signatures, in a bundle labelled with another session, does not
// verify.
func TestBundleOfAnotherSession(t *testing.T) {
	w, tx := atTransaction(t)
	g, err := mixer.ParseBundle(w.bundle)
	require.NoError(t, err)
	relabelled := bytes.Clone(w.bundle)
	relabelled[4+21] ^= 1
	other, err := mixer.ParseBundle(relabelled)
	require.NoError(t, err)
	require.NotEqual(t, g.Session(), other.Session())
	b := tx.Bytes()
	d, od := tx.BundleDigest(), other.Digest()
	copy(b[bytes.Index(b, d[:]):], od[:])
	evil, err := mixer.ParseTransaction(b, tx.Ring())
	require.NoError(t, err)
	err = evil.VerifyBundle(other, 1)
	require.ErrorIs(t, err, mixer.ErrBadRingSignature)
	require.Contains(t, err.Error(), "another session")
	require.NoError(t, tx.VerifyBundle(g, 1))
}
