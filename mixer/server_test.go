package mixer_test

import (
	"bytes"
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

func TestRound(t *testing.T) {
	for _, slots := range []int{1, 3} {
		t.Run(fmt.Sprintf("slots=%d", slots), func(t *testing.T) {
			p := testParams
			p.Slots = slots
			w := newWorld(t, 4, withParams(p))
			signed := w.round(t)

			st, err := mixer.ParseSignedTransaction(signed)
			require.NoError(t, err)
			require.Equal(t, signed, st.Bytes())
			require.NoError(t, st.Verify())
			tx := st.Transaction()
			require.NoError(t, tx.VerifyBundle(st.Bundle(), 2))
			require.Equal(t, w.server.Session(), tx.Session())
			require.Equal(t, p, tx.Params())
			require.Equal(t, w.server.Roster().RingDigest(), tx.RingDigest())
			require.Equal(t, int64(0), tx.Surplus())
			require.Equal(t, 4*p.Fee, tx.Fee())
			require.Equal(t, mixer.PhaseComplete, w.server.Phase())
			require.Same(t, w.server.Signed(), w.server.Signed())

			// Inputs: 4 + 2 second coins, sorted by id.
			ins := tx.Inputs()
			require.Len(t, ins, 6)
			require.True(t, slices.IsSortedFunc(ins, func(a, b mixer.TxInput) int { return bytes.Compare(a.ID, b.ID) }))

			// Outputs: S per client, the denomination, at the client's
			// addresses, sorted by (slot, address).
			outs := tx.Outputs()
			require.Len(t, outs, 4*slots)
			for _, c := range w.clients {
				require.Equal(t, mixer.PhaseComplete, c.Phase())
				require.NoError(t, c.Err())
				keys, addrs := c.OutputKeys(), c.Addresses()
				require.Len(t, addrs, slots)
				for s, a := range addrs {
					require.Equal(t, keys[s].PublicKey().Address(p.AddressVersion), a)
					n := 0
					for _, o := range outs {
						if o.Address == a {
							n++
							require.Equal(t, s, o.Slot)
							require.Equal(t, p.Denomination, o.Amount)
						}
					}
					require.Equal(t, 1, n)
				}
			}
			for i := 1; i < len(outs); i++ {
				require.Less(t, outs[i-1].Slot*1000, outs[i].Slot*1000+1)
			}

			// Change: client i (i ≥ 1) gets 10·i, plus 7 for i ≥ 2.
			ch := tx.Change()
			require.Len(t, ch, 3)
			for i := 1; i < 4; i++ {
				want := int64(10 * i)
				if i >= 2 {
					want += 7
				}
				require.Contains(t, ch, mixer.Change{Owner: w.keys[i].PublicKey(), Address: *w.configs[i].Change, Amount: want})
			}
		})
	}
}

func TestRequestFaults(t *testing.T) {
	w := newWorld(t, 3)
	reqs := w.announce(t)
	ann := w.server.Announcement()
	p := ann.Params()
	due := p.Due()
	other := keyFrom(t, "outsider")
	w.ledger[string(inputID("outsider"))] = coin{other.PublicKey(), due}
	mine := []mixer.Input{{ID: inputID("outsider"), Amount: due}}
	w.ledger[string(inputID("small"))] = coin{other.PublicKey(), 10}
	w.ledger[string(inputID("big"))] = coin{other.PublicKey(), due + 5}
	big := []mixer.Input{{ID: inputID("big"), Amount: due + 5}}

	// sign signs a request under parameters whose due is d, so that
	// NewRequest builds what the server must refuse.
	sign := func(key *ecdsa.PrivateKey, session mixer.SessionID, d int64, in []mixer.Input, change *ecdsa.Address) []byte {
		r, err := mixer.NewRequest(key, session, mixer.Params{Denomination: d, Slots: 1, AddressVersion: p.AddressVersion}, in, change, mixer.AuditAll, nil)
		require.NoError(t, err)
		return r.Bytes()
	}
	tampered := bytes.Clone(reqs[1])
	// Flip a bit of the amount: the encoding stays valid, the signature
	// no longer covers it.
	q, err := mixer.ParseRequest(reqs[1])
	require.NoError(t, err)
	amountAt := bytes.Index(tampered, q.Inputs()[0].ID) + len(q.Inputs()[0].ID) + 7
	tampered[amountAt] ^= 1

	for _, tc := range []struct {
		name string
		data []byte
		now  time.Time
		want error
	}{
		{"bad ownership signature", tampered, t0, mixer.ErrBadSignature},
		{"signed by another key", func() []byte {
			b := bytes.Clone(reqs[1])
			sig := sign(other, ann.Session(), due, mine, nil)
			return append(b[:len(b)-65], sig[len(sig)-65:]...)
		}(), t0, mixer.ErrBadSignature},
		{"unknown input", sign(other, ann.Session(), due, []mixer.Input{{ID: inputID("nowhere"), Amount: due}}, nil), t0, mixer.ErrUnknownInput},
		{"another owner's input", sign(other, ann.Session(), due, []mixer.Input{{ID: inputID("0"), Amount: due}}, nil), t0, mixer.ErrUnknownInput},
		{"wrong amount", sign(other, ann.Session(), due, []mixer.Input{{ID: inputID("outsider"), Amount: due + 1}}, addressFrom(t, "x")), t0, mixer.ErrUnknownInput},
		{"too little", sign(other, ann.Session(), 10, []mixer.Input{{ID: inputID("small"), Amount: 10}}, nil), t0, mixer.ErrFunds},
		{"excess without change address", sign(other, ann.Session(), due+5, big, nil), t0, mixer.ErrChangeAddress},
		{"change address without change", sign(other, ann.Session(), due-5, mine, addressFrom(t, "x")), t0, mixer.ErrChangeAddress},
		{"change of another amount", sign(other, ann.Session(), due+2, big, addressFrom(t, "x")), t0, mixer.ErrFunds},
		{"change address version", func() []byte {
			a := other.PublicKey().Address(0x6f)
			r, err := mixer.NewRequest(other, ann.Session(), mixer.Params{Denomination: due, Slots: 1, AddressVersion: 0x6f}, big, &a, mixer.AuditAll, nil)
			require.NoError(t, err)
			return r.Bytes()
		}(), t0, mixer.ErrAddressVersion},
		{"replay from an earlier session", sign(other, mixer.SessionID{1}, due, mine, nil), t0, mixer.ErrWrongSession},
		{"after the deadline", sign(other, ann.Session(), due, mine, nil), ann.Deadlines().Request.Add(time.Nanosecond), mixer.ErrDeadline},
		{"not a request", ann.Bytes(), t0, mixer.ErrPhase},
		{"garbage", []byte("garbage"), t0, mixer.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.server.Handle(tc.data, tc.now)
			require.ErrorIs(t, err, tc.want)
			requireReadable(t, err)
			require.Empty(t, w.server.Participants())
		})
	}

	// Client 0 joins; its key and its input cannot be used again, by it or
	// by anyone.
	_, err = w.server.Handle(reqs[0], t0)
	require.NoError(t, err)
	_, err = w.server.Handle(reqs[0], t0)
	require.ErrorIs(t, err, mixer.ErrDuplicateParticipant)
	_, err = w.server.Handle(reqs[2], t0)
	require.NoError(t, err)
	w.ledger[string(inputID("2"))] = coin{other.PublicKey(), w.configs[2].Inputs[0].Amount}
	_, err = w.server.Handle(sign(other, ann.Session(), w.configs[2].Inputs[0].Amount-5, w.configs[2].Inputs[:1], w.configs[2].Change), t0)
	require.ErrorIs(t, err, mixer.ErrInputReused)
	require.Len(t, w.server.Participants(), 2)

	// A request with the same id twice does not even build.
	_, err = mixer.NewRequest(other, ann.Session(), p, append(mine, mine...), nil, mixer.AuditAll, nil)
	require.ErrorIs(t, err, mixer.ErrInputReused)
}

// TestNewRequest: the constructor refuses what a server would.
func TestNewRequest(t *testing.T) {
	key := keyFrom(t, "requester")
	due := testParams.Due()
	exact := []mixer.Input{{ID: []byte{1}, Amount: due}}
	more := []mixer.Input{{ID: []byte{1}, Amount: due + 3}}
	for _, tc := range []struct {
		name   string
		p      mixer.Params
		inputs []mixer.Input
		change *ecdsa.Address
		want   error
	}{
		{"invalid parameters", mixer.Params{}, exact, nil, mixer.ErrParams},
		{"no inputs", testParams, nil, nil, mixer.ErrParams},
		{"too many inputs", testParams, make([]mixer.Input, mixer.MaxInputs+1), nil, mixer.ErrParams},
		{"bad input", testParams, []mixer.Input{{ID: []byte{1}}}, nil, mixer.ErrParams},
		{"input twice", testParams, append(exact, exact...), nil, mixer.ErrInputReused},
		{"too little", testParams, []mixer.Input{{ID: []byte{1}, Amount: due - 1}}, nil, mixer.ErrFunds},
		{"change without an address", testParams, more, nil, mixer.ErrChangeAddress},
		{"an address without change", testParams, exact, addressFrom(t, "x"), mixer.ErrChangeAddress},
		{"change address version", testParams, more, func() *ecdsa.Address {
			a := key.PublicKey().Address(0x6f)
			return &a
		}(), mixer.ErrAddressVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mixer.NewRequest(key, mixer.SessionID{1}, tc.p, tc.inputs, tc.change, mixer.AuditAll, nil)
			require.ErrorIs(t, err, tc.want)
			requireReadable(t, err)
		})
	}
	q, err := mixer.NewRequest(key, mixer.SessionID{1}, testParams, more, addressFrom(t, "x"), mixer.AuditAll, nil)
	require.NoError(t, err)
	ch, ok := q.Change()
	require.True(t, ok)
	require.Equal(t, mixer.Change{Owner: key.PublicKey(), Address: *addressFrom(t, "x"), Amount: 3}, ch)
	q, err = mixer.NewRequest(key, mixer.SessionID{1}, testParams, exact, nil, mixer.AuditAll, nil)
	require.NoError(t, err)
	_, ok = q.Change()
	require.False(t, ok)
}

// TestChangeAddressSquat: a participant who names another's change address
// first — reused, or seen on the ledger — neither keeps that participant
// out nor takes its change: each change output is bound to its owner.
func TestChangeAddressSquat(t *testing.T) {
	const victim, squatter = 1, 2
	w := newWorld(t, 4)
	w.configs[squatter].Change = w.configs[victim].Change
	var err error
	w.clients[squatter], err = mixer.NewClient(w.configs[squatter])
	require.NoError(t, err)

	reqs := w.announce(t)
	// The squatter's request reaches the server first.
	reqs[victim], reqs[squatter] = reqs[squatter], reqs[victim]
	roster := w.request(t, reqs)
	tx, err := mixer.ParseTransaction(w.submit(t, w.register(t, roster)), w.server.Roster().Ring())
	require.NoError(t, err)
	var both []mixer.Change
	for _, c := range tx.Change() {
		if c.Address == *w.configs[victim].Change {
			both = append(both, c)
		}
	}
	require.Len(t, both, 2, "two change outputs to one address, one per owner")
	w.complete(t, w.confirm(t, tx.Bytes()))

	// A zero-change squat — naming the victim's address with no change
	// to take — is refused outright.
	w = newWorld(t, 3)
	reqs = w.announce(t)
	exact := w.configs[0]
	q, err := mixer.NewRequest(exact.Key, w.server.Session(), w.params, exact.Inputs, w.configs[victim].Change, mixer.AuditAll, nil)
	require.ErrorIs(t, err, mixer.ErrChangeAddress)
	require.Nil(t, q)
	squat := zeroChangeRequest(t, exact.Key, w.server.Session(), exact.Inputs, *w.configs[victim].Change)
	_, err = w.server.Handle(squat, t0)
	require.ErrorIs(t, err, mixer.ErrChangeAddress)
	_, err = w.server.Handle(reqs[victim], t0)
	require.NoError(t, err)
}

// zeroChangeRequest signs a request naming a change address with a change
// of zero, which NewRequest does not build and ParseRequest refuses.
func zeroChangeRequest(t *testing.T, key *ecdsa.PrivateKey, session mixer.SessionID, inputs []mixer.Input, change ecdsa.Address) []byte {
	w := wire.NewBuilder("CBETS/mixer/v1/request")
	w.Fixed(session[:])
	w.Fixed(key.PublicKey().Bytes())
	w.U32(uint32(len(inputs)))
	for _, in := range inputs {
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	w.U8(1)
	w.U8(change.Version())
	h := change.Hash()
	w.Fixed(h[:])
	w.I64(0)
	w.U8(1)
	sig, err := ecdsa.SignRBound(key, w.Bytes(), nil)
	require.NoError(t, err)
	w.Var(sig.Bytes())
	return w.Bytes()
}

func TestTooFewParticipants(t *testing.T) {
	w := newWorld(t, 3, withServer(func(c *mixer.ServerConfig) { c.MinParticipants = 3 }))
	reqs := w.announce(t)
	for _, q := range reqs[:2] {
		_, err := w.server.Handle(q, t0)
		require.NoError(t, err)
	}
	require.Empty(t, w.server.Tick(testDeadlines().Request))
	require.Equal(t, mixer.PhaseRequesting, w.server.Phase())
	require.Empty(t, w.server.Tick(testDeadlines().Request.Add(time.Nanosecond)))
	require.Equal(t, mixer.PhaseFailed, w.server.Phase())
	require.ErrorIs(t, w.server.Err(), mixer.ErrTooFewParticipants)
	_, _, err := w.server.Restart(t0.Add(time.Hour), t0.Add(2*time.Hour))
	require.ErrorIs(t, err, mixer.ErrPhase)
	// The clients give up once the register deadline passes.
	require.NoError(t, w.clients[0].Tick(testDeadlines().Register))
	require.ErrorIs(t, w.clients[0].Tick(testDeadlines().Register.Add(time.Nanosecond)), mixer.ErrDeadline)
	require.Equal(t, mixer.PhaseFailed, w.clients[0].Phase())
}

func TestSessionFullClosesEarly(t *testing.T) {
	w := newWorld(t, 3, withServer(func(c *mixer.ServerConfig) { c.MaxParticipants = 2 }))
	reqs := w.announce(t)
	out, err := w.server.Handle(reqs[0], t0)
	require.NoError(t, err)
	require.Empty(t, out)
	out, err = w.server.Handle(reqs[1], t0)
	require.NoError(t, err)
	require.Len(t, out, 1)
	require.Equal(t, mixer.KindRoster, out[0].Kind)
	require.Equal(t, mixer.PhaseRegistering, w.server.Phase())
	_, err = w.server.Handle(reqs[2], t0)
	require.ErrorIs(t, err, mixer.ErrPhase)
}

func TestRegistrationFaults(t *testing.T) {
	p := testParams
	p.Slots = 2
	w := newWorld(t, 3, withParams(p))
	roster := w.request(t, w.announce(t))
	regs := w.register(t, roster, 0, 1)
	ro, err := mixer.ParseRoster(roster)
	require.NoError(t, err)
	sid := w.server.Session()

	reg := func(key *ecdsa.PrivateKey, ro *mixer.Roster, slot int, addr string, amount int64) []byte {
		g, err := mixer.NewRegistration(key, ro, slot, *addressFrom(t, addr), amount, nil)
		require.NoError(t, err)
		return g.Bytes()
	}
	badSig := bytes.Clone(regs[0][0])
	badSig[len(badSig)-1] ^= 1
	outsider := keyFrom(t, "outsider")
	otherRing, err := mixer.NewRoster(sid, mixer.SessionID{}, p, ro.Deadlines().Register, ro.Deadlines().Confirm, []*ecdsa.PublicKey{outsider.PublicKey(), w.keys[0].PublicKey(), w.keys[1].PublicKey()})
	require.NoError(t, err)
	oldRoster, err := mixer.NewRoster(mixer.SessionID{9}, mixer.SessionID{}, p, ro.Deadlines().Register, ro.Deadlines().Confirm, ro.Ring())
	require.NoError(t, err)
	wrongVersion, err := mixer.NewRegistration(w.keys[2], ro, 0, w.keys[2].PublicKey().Address(0x6f), p.Denomination, nil)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		data []byte
		now  time.Time
		want error
	}{
		{"bad ring signature", badSig, w.now, mixer.ErrBadRingSignature},
		{"signed over another ring", reg(outsider, otherRing, 0, "o", p.Denomination), w.now, mixer.ErrBadRingSignature},
		{"wrong amount", reg(w.keys[2], ro, 0, "w", p.Denomination-1), w.now, mixer.ErrWrongAmount},
		{"wrong address version", wrongVersion.Bytes(), w.now, mixer.ErrAddressVersion},
		{"replay from an earlier session", reg(w.keys[2], oldRoster, 0, "r", p.Denomination), w.now, mixer.ErrWrongSession},
		{"after the deadline", reg(w.keys[2], ro, 0, "late", p.Denomination), ro.Deadlines().Register.Add(time.Nanosecond), mixer.ErrDeadline},
		{"a request now", func() []byte {
			q, err := mixer.NewRequest(w.keys[2], sid, p, w.configs[2].Inputs, w.configs[2].Change, mixer.AuditAll, nil)
			require.NoError(t, err)
			return q.Bytes()
		}(), w.now, mixer.ErrPhase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := w.server.Handle(tc.data, tc.now)
			require.ErrorIs(t, err, tc.want)
			require.Empty(t, out)
			requireReadable(t, err)
		})
	}

	for _, g := range append(regs[0], regs[1]...) {
		_, err := w.server.Handle(g, w.now)
		require.NoError(t, err)
	}
	// The same bytes again, or a second output by client 0 in slot 1: the
	// key image is already used in that slot.
	_, err = w.server.Handle(regs[0][1], w.now)
	require.ErrorIs(t, err, mixer.ErrKeyImageReused)
	_, err = w.server.Handle(reg(w.keys[0], ro, 1, "second", p.Denomination), w.now)
	require.ErrorIs(t, err, mixer.ErrKeyImageReused)
	// Client 2 registering client 0's address.
	g0, err := mixer.ParseRegistration(regs[0][0])
	require.NoError(t, err)
	dup, err := mixer.NewRegistration(w.keys[2], ro, 0, g0.Address(), p.Denomination, nil)
	require.NoError(t, err)
	_, err = w.server.Handle(dup.Bytes(), w.now)
	require.ErrorIs(t, err, mixer.ErrDuplicateAddress)
	// …or the change address of client 1.
	ch, err := mixer.NewRegistration(w.keys[2], ro, 0, *w.configs[1].Change, p.Denomination, nil)
	require.NoError(t, err)
	_, err = w.server.Handle(ch.Bytes(), w.now)
	require.ErrorIs(t, err, mixer.ErrDuplicateAddress)

	// Client 2 stays silent: the deadline builds the transaction without
	// its outputs, whose coins are left over.
	w.now = ro.Deadlines().Register.Add(time.Nanosecond)
	out := w.server.Tick(w.now)
	require.Len(t, out, 1+3, "the transaction, and the bundle to each participant")
	tx, err := mixer.ParseTransaction(out[0].Data, ro.Ring())
	require.NoError(t, err)
	require.Len(t, tx.Outputs(), 4)
	require.Equal(t, 2*p.Denomination, tx.Surplus())
}

func TestCheckParallelMatchesSequential(t *testing.T) {
	w := newWorld(t, 5)
	roster := w.request(t, w.announce(t))
	regs := w.register(t, roster)
	var batch [][]byte
	for i := range 5 {
		batch = append(batch, regs[i]...)
	}
	bad := bytes.Clone(batch[2])
	bad[len(bad)-3] ^= 0x40
	batch = append(batch, bad, []byte("junk"), batch[0])

	seq := w.server.Check(batch, 1)
	par := w.server.Check(batch, 4)
	require.Len(t, par, len(batch))
	for i := range batch {
		require.Equal(t, seq[i].Err() == nil, par[i].Err() == nil, "item %d", i)
	}
	require.ErrorIs(t, par[5].Err(), mixer.ErrBadRingSignature)
	require.ErrorIs(t, par[6].Err(), mixer.ErrMalformed)

	// Check changed nothing; Accept records in any order.
	require.Equal(t, mixer.PhaseRegistering, w.server.Phase())
	var txs []mixer.Message
	for n, i := range []int{7, 0, 4, 3, 2, 1, 5, 6} {
		out, err := w.server.Accept(par[i], w.now)
		switch {
		case n == 1:
			require.ErrorIs(t, err, mixer.ErrKeyImageReused) // its copy went first
		case i == 5 || i == 6:
			require.Error(t, err)
		default:
			require.NoError(t, err)
		}
		txs = append(txs, out...)
	}
	require.Len(t, txs, 1+5, "the transaction and the bundles")
	require.Equal(t, mixer.KindTransaction, txs[0].Kind)

	// A result checked by another server is refused.
	other := newWorld(t, 2)
	_, err := other.server.Accept(par[0], w.now)
	require.ErrorIs(t, err, mixer.ErrWrongSession)
}

func TestConfirmationFaults(t *testing.T) {
	w := newWorld(t, 3)
	roster := w.request(t, w.announce(t))
	txb := w.submit(t, w.register(t, roster))
	tx, err := mixer.ParseTransaction(txb, w.server.Roster().Ring())
	require.NoError(t, err)
	sid := w.server.Session()

	conf := func(key *ecdsa.PrivateKey, session mixer.SessionID, h [32]byte) []byte {
		c, err := mixer.NewConfirmation(key, session, h, nil)
		require.NoError(t, err)
		return c.Bytes()
	}
	good, err := w.answer(t, 0, txb)
	require.NoError(t, err)
	badSig := bytes.Clone(good.Data)
	badSig[len(badSig)-1] ^= 1

	for _, tc := range []struct {
		name string
		data []byte
		now  time.Time
		want error
	}{
		{"bad signature", badSig, w.now, mixer.ErrBadSignature},
		{"not a participant", conf(keyFrom(t, "outsider"), sid, tx.Hash()), w.now, mixer.ErrNotParticipant},
		{"another transaction", conf(w.keys[0], sid, [32]byte{1}), w.now, mixer.ErrWrongSession},
		{"replay from an earlier session", conf(w.keys[0], mixer.SessionID{2}, tx.Hash()), w.now, mixer.ErrWrongSession},
		{"after the deadline", good.Data, testDeadlines().Confirm.Add(time.Nanosecond), mixer.ErrDeadline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.server.Handle(tc.data, tc.now)
			require.ErrorIs(t, err, tc.want)
			require.Empty(t, w.server.Confirmed())
			requireReadable(t, err)
		})
	}
	_, err = w.server.Handle(good.Data, w.now)
	require.NoError(t, err)
	_, err = w.server.Handle(good.Data, w.now)
	require.ErrorIs(t, err, mixer.ErrDuplicateParticipant)
	require.Len(t, w.server.Confirmed(), 1)
	require.Len(t, w.server.Excluded(), 2)

	// A signed transaction cannot be built without everyone.
	c0, err := mixer.ParseConfirmation(good.Data)
	require.NoError(t, err)
	bundle, err := mixer.ParseBundle(w.bundle)
	require.NoError(t, err)
	_, err = mixer.NewSignedTransaction(tx, bundle, []*mixer.Confirmation{c0})
	require.ErrorIs(t, err, mixer.ErrIncomplete)
}

// TestRestart: a client refusing to confirm is excluded and the round
// restarts with the survivors only, under the derived session id, with
// their old inputs and fresh outputs.
func TestRestart(t *testing.T) {
	w := newWorld(t, 4)
	roster := w.request(t, w.announce(t))
	regs := w.register(t, roster)
	txb := w.submit(t, regs)
	tx, err := mixer.ParseTransaction(txb, w.server.Roster().Ring())
	require.NoError(t, err)
	oldAddrs := w.clients[0].Addresses()

	_, _, err = w.server.Restart(t0.Add(time.Hour), t0.Add(2*time.Hour))
	require.ErrorIs(t, err, mixer.ErrPhase)

	w.confirm(t, txb, 0, 1, 3)
	// Client 2 receives the transaction but declines.
	msgs, err := w.clients[2].Decline()
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	_, err = w.server.Handle(msgs[0].Data, w.now)
	require.NoError(t, err)
	require.Equal(t, mixer.PhaseFailed, w.server.Phase(), "every owner answered")
	require.ErrorIs(t, w.server.Err(), mixer.ErrIncomplete)
	r, ok := w.server.Refusal(w.keys[2].PublicKey())
	require.True(t, ok)
	require.Equal(t, mixer.ReasonDeclined, r)
	require.ErrorIs(t, w.clients[2].Err(), mixer.ErrDeclined)
	require.Equal(t, []*ecdsa.PublicKey{w.keys[2].PublicKey()}, w.server.Excluded())

	next, out, err := w.server.Restart(w.now.Add(time.Minute), w.now.Add(2*time.Minute))
	require.NoError(t, err)
	require.Equal(t, mixer.NextSessionID(w.server.Session(), tx.Hash()), next.Session())
	require.Equal(t, w.server.Session(), next.Previous())
	require.Equal(t, mixer.PhaseRegistering, next.Phase())
	require.Len(t, next.Participants(), 3)
	require.Len(t, out, 1)
	ro, err := mixer.ParseRoster(out[0].Data)
	require.NoError(t, err)
	require.Equal(t, w.server.Session(), ro.Previous())
	require.Len(t, ro.Ring(), 3)
	require.Equal(t, -1, slices.IndexFunc(ro.Ring(), w.keys[2].PublicKey().Equal))

	// The excluded client does not take the restart.
	_, err = w.clients[2].Handle(out[0].Data, w.now)
	require.ErrorIs(t, err, mixer.ErrPhase)

	first := w.server
	w.server = next
	regs2 := w.register(t, out[0].Data, 0, 1, 3)
	require.NotEqual(t, oldAddrs, w.clients[0].Addresses(), "fresh outputs")
	require.Equal(t, next.Session(), w.clients[0].Session())

	// Registrations and confirmations of the first session are refused.
	_, err = next.Handle(regs[0][0], w.now)
	require.ErrorIs(t, err, mixer.ErrWrongSession)
	c0, err := mixer.NewConfirmation(w.keys[0], first.Session(), tx.Hash(), nil)
	require.NoError(t, err)
	_, err = next.Handle(c0.Bytes(), w.now)
	require.ErrorIs(t, err, mixer.ErrWrongSession)
	// So is the old transaction, at a client.
	_, err = w.clients[0].Handle(txb, w.now)
	require.ErrorIs(t, err, mixer.ErrWrongSession)
	require.Equal(t, mixer.PhaseRegistering, w.clients[0].Phase())

	// The survivors' change addresses stay out of bounds for outputs.
	squat, err := mixer.NewRegistration(w.keys[0], ro, 0, *w.configs[1].Change, testParams.Denomination, nil)
	require.NoError(t, err)
	_, err = next.Handle(squat.Bytes(), w.now)
	require.ErrorIs(t, err, mixer.ErrDuplicateAddress)

	tx2 := w.submit(t, regs2)
	fin := w.confirm(t, tx2, 0, 1, 3)
	require.Len(t, fin, 1+3)
	st, err := mixer.ParseSignedTransaction(fin[0].Data)
	require.NoError(t, err)
	require.NoError(t, st.Verify())
	for _, in := range st.Transaction().Inputs() {
		require.False(t, in.Owner.Equal(w.keys[2].PublicKey()), "the excluded client's coins stay out")
	}
	require.Len(t, st.Transaction().Inputs(), 1+1+2)
	for _, i := range []int{0, 1, 3} {
		_, err := w.clients[i].Handle(fin[0].Data, w.now)
		require.NoError(t, err)
		require.Equal(t, mixer.PhaseComplete, w.clients[i].Phase())
	}
}

func TestRestartChecks(t *testing.T) {
	t.Run("too few survivors", func(t *testing.T) {
		w := newWorld(t, 3)
		txb := w.submit(t, w.register(t, w.request(t, w.announce(t))))
		w.confirm(t, txb, 0)
		w.now = testDeadlines().Confirm.Add(time.Nanosecond)
		require.Empty(t, w.server.Tick(w.now))
		require.ErrorIs(t, w.server.Err(), mixer.ErrDeadline)
		_, _, err := w.server.Restart(w.now.Add(time.Minute), w.now.Add(2*time.Minute))
		require.ErrorIs(t, err, mixer.ErrTooFewParticipants)
	})
	t.Run("input spent meanwhile", func(t *testing.T) {
		w := newWorld(t, 4)
		txb := w.submit(t, w.register(t, w.request(t, w.announce(t))))
		w.confirm(t, txb, 0, 1, 2)
		w.now = testDeadlines().Confirm.Add(time.Nanosecond)
		w.server.Tick(w.now)
		delete(w.ledger, string(inputID("1")))
		next, _, err := w.server.Restart(w.now.Add(time.Minute), w.now.Add(2*time.Minute))
		require.NoError(t, err)
		require.Len(t, next.Participants(), 2)
	})
	t.Run("deadlines out of order", func(t *testing.T) {
		w := newWorld(t, 3)
		txb := w.submit(t, w.register(t, w.request(t, w.announce(t))))
		w.confirm(t, txb, 0, 1)
		w.server.Tick(testDeadlines().Confirm.Add(time.Nanosecond))
		_, _, err := w.server.Restart(t0.Add(time.Hour), t0)
		require.ErrorIs(t, err, mixer.ErrParams)
	})
}

// TestRingSignatureScope pins the scope and message of a registration: a
// third party can re-verify it with package ringsig alone.
func TestRingSignatureScope(t *testing.T) {
	w := newWorld(t, 2)
	roster := w.request(t, w.announce(t))
	regs := w.register(t, roster)
	ro, err := mixer.ParseRoster(roster)
	require.NoError(t, err)
	ring, err := ringsig.NewRing(ro.Ring())
	require.NoError(t, err)
	sid := ro.Session()
	scope, err := ringsig.NewScope(append(sid[:], 0, 0, 0, 0))
	require.NoError(t, err)
	g, err := mixer.ParseRegistration(regs[1][0])
	require.NoError(t, err)
	b := regs[1][0]
	sigLen := ringsig.SignatureSize(2)
	sig, err := ringsig.ParseSignature(b[len(b)-sigLen:])
	require.NoError(t, err)
	msg := b[:len(b)-sigLen-4]
	_, err = ringsig.Verify(ring, scope, msg, sig)
	require.NoError(t, err)
	require.Equal(t, g.KeyImage(), sig.KeyImage())
}

func TestServerConfig(t *testing.T) {
	good := mixer.ServerConfig{Params: testParams, Deadlines: testDeadlines(), Inputs: ledger{}}
	for _, tc := range []struct {
		name string
		edit func(*mixer.ServerConfig)
	}{
		{"no input source", func(c *mixer.ServerConfig) { c.Inputs = nil }},
		{"zero denomination", func(c *mixer.ServerConfig) { c.Params.Denomination = 0 }},
		{"no slots", func(c *mixer.ServerConfig) { c.Params.Slots = 0 }},
		{"too many slots", func(c *mixer.ServerConfig) { c.Params.Slots = mixer.MaxSlots + 1 }},
		{"negative fee", func(c *mixer.ServerConfig) { c.Params.Fee = -1 }},
		{"due overflows", func(c *mixer.ServerConfig) { c.Params.Denomination = 1 << 62; c.Params.Slots = 2 }},
		{"min 1", func(c *mixer.ServerConfig) { c.MinParticipants = 1 }},
		{"min above max", func(c *mixer.ServerConfig) { c.MinParticipants = 5; c.MaxParticipants = 4 }},
		{"max too large", func(c *mixer.ServerConfig) { c.MaxParticipants = mixer.MaxParticipants + 1 }},
		{"deadlines out of order", func(c *mixer.ServerConfig) { c.Deadlines.Confirm = c.Deadlines.Register }},
		{"zero deadline", func(c *mixer.ServerConfig) { c.Deadlines.Request = time.Time{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			_, err := mixer.NewServer(c)
			require.ErrorIs(t, err, mixer.ErrParams)
			requireReadable(t, err)
		})
	}
	_, err := mixer.NewServer(good)
	require.NoError(t, err)
}

// TestChangeAddressWithoutChange: a client configured with a change address
// joins a session that leaves it no change; its request names none, and the
// transaction has no change output under its key.
func TestChangeAddressWithoutChange(t *testing.T) {
	w := newWorld(t, 3)
	w.configs[0].Change = addressFrom(t, "change 0")
	var err error
	w.clients[0], err = mixer.NewClient(w.configs[0])
	require.NoError(t, err)
	st, err := mixer.ParseSignedTransaction(w.round(t))
	require.NoError(t, err)
	for _, c := range st.Transaction().Change() {
		require.False(t, c.Owner.Equal(w.keys[0].PublicKey()))
		require.NotEqual(t, *w.configs[0].Change, c.Address)
	}
	require.Len(t, st.Transaction().Change(), 2)
}
