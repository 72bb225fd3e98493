package mixer_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

// sampleSet holds one valid encoding of each message type, from one round
// with 3 participants and 2 slots.
type sampleSet struct {
	ann, req, roster, reg, tx, conf, ref, signed []byte
}

func samples(t testing.TB) sampleSet {
	t.Helper()
	p := testParams
	p.Slots = 2
	w := newWorld(t, 3, withParams(p))
	var s sampleSet
	s.ann = w.server.Announcement().Bytes()
	reqs := w.announce(t)
	s.req = reqs[2]
	s.roster = w.request(t, reqs)
	regs := w.register(t, s.roster)
	s.reg = regs[1][1]
	s.tx = w.submit(t, regs)
	out := w.confirm(t, s.tx)
	s.signed = out[0].Data
	c, err := mixer.NewConfirmation(w.keys[0], w.server.Session(), w.server.Transaction().Hash(), nil)
	require.NoError(t, err)
	s.conf = c.Bytes()
	f, err := mixer.NewRefusal(w.keys[1], w.server.Session(), [32]byte{}, mixer.ReasonOutputMissing, nil)
	require.NoError(t, err)
	s.ref = f.Bytes()
	return s
}

// parsers re-encode what they decode.
var parsers = map[mixer.Kind]func([]byte) ([]byte, error){
	mixer.KindAnnouncement: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseAnnouncement(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindRequest: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseRequest(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindRoster: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseRoster(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindRegistration: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseRegistration(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindTransaction: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseTransaction(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindConfirmation: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseConfirmation(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindRefusal: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseRefusal(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
	mixer.KindSignedTransaction: func(b []byte) ([]byte, error) {
		v, err := mixer.ParseSignedTransaction(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	},
}

func (s sampleSet) byKind() map[mixer.Kind][]byte {
	return map[mixer.Kind][]byte{
		mixer.KindAnnouncement: s.ann, mixer.KindRequest: s.req, mixer.KindRoster: s.roster,
		mixer.KindRegistration: s.reg, mixer.KindTransaction: s.tx, mixer.KindConfirmation: s.conf,
		mixer.KindRefusal: s.ref, mixer.KindSignedTransaction: s.signed,
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	all := samples(t).byKind()
	require.Len(t, all, len(parsers))
	for kind, b := range all {
		t.Run(kind.String(), func(t *testing.T) {
			k, err := mixer.KindOf(b)
			require.NoError(t, err)
			require.Equal(t, kind, k)
			out, err := parsers[kind](b)
			require.NoError(t, err)
			require.Equal(t, b, out)

			// Domain separation: no other parser takes it.
			for other, parse := range parsers {
				if other != kind {
					_, err := parse(b)
					require.ErrorIs(t, err, mixer.ErrMalformed, "%v parsed as %v", kind, other)
				}
			}
			// Truncated, extended, or with a changed domain.
			for _, bad := range [][]byte{b[:len(b)-1], b[:len(b)/2], b[:3], append(bytes.Clone(b), 0), {}} {
				_, err := parsers[kind](bad)
				require.ErrorIs(t, err, mixer.ErrMalformed)
				requireReadable(t, err)
			}
			wrong := bytes.Clone(b)
			wrong[5] ^= 0x20
			_, err = parsers[kind](wrong)
			require.ErrorIs(t, err, mixer.ErrMalformed)
			_, err = mixer.KindOf(wrong)
			require.ErrorIs(t, err, mixer.ErrMalformed)
		})
	}
}

// TestLayout rebuilds each message from its accessors with the layout its
// documentation gives, byte for byte.
func TestLayout(t *testing.T) {
	s := samples(t)
	putAddr := func(w *wire.Builder, a ecdsa.Address) {
		w.U8(a.Version())
		h := a.Hash()
		w.Fixed(h[:])
	}
	putParams := func(w *wire.Builder, p mixer.Params) {
		w.I64(p.Denomination)
		w.U32(uint32(p.Slots))
		w.I64(p.Fee)
		w.U8(p.AddressVersion)
	}
	tail := func(b []byte, n int) []byte { return b[len(b)-n:] }

	a, err := mixer.ParseAnnouncement(s.ann)
	require.NoError(t, err)
	w := wire.NewBuilder("CBETS/mixer/v1/announcement")
	sid := a.Session()
	w.Fixed(sid[:])
	putParams(w, a.Params())
	lo, hi := a.Participants()
	w.U32(uint32(lo))
	w.U32(uint32(hi))
	for _, d := range []time.Time{a.Deadlines().Request, a.Deadlines().Register, a.Deadlines().Confirm} {
		w.I64(d.UnixNano())
	}
	require.Equal(t, s.ann, w.Bytes(), "announcement")

	q, err := mixer.ParseRequest(s.req)
	require.NoError(t, err)
	w = wire.NewBuilder("CBETS/mixer/v1/request")
	sid = q.Session()
	w.Fixed(sid[:])
	w.Fixed(q.PublicKey().Bytes())
	w.U32(uint32(len(q.Inputs())))
	for _, in := range q.Inputs() {
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	ch, ok := q.Change()
	require.True(t, ok)
	require.True(t, ch.Owner.Equal(q.PublicKey()))
	w.U8(1)
	putAddr(w, ch.Address)
	w.I64(ch.Amount)
	w.Var(tail(s.req, ecdsa.RBoundSignatureSize))
	require.Equal(t, s.req, w.Bytes(), "request")

	ro, err := mixer.ParseRoster(s.roster)
	require.NoError(t, err)
	w = wire.NewBuilder("CBETS/mixer/v1/roster")
	sid, prev := ro.Session(), ro.Previous()
	w.Fixed(sid[:])
	w.Fixed(prev[:])
	putParams(w, ro.Params())
	w.I64(ro.Deadlines().Register.UnixNano())
	w.I64(ro.Deadlines().Confirm.UnixNano())
	w.U32(uint32(len(ro.Ring())))
	for _, k := range ro.Ring() {
		w.Fixed(k.Bytes())
	}
	require.Equal(t, s.roster, w.Bytes(), "roster")

	g, err := mixer.ParseRegistration(s.reg)
	require.NoError(t, err)
	w = wire.NewBuilder("CBETS/mixer/v1/registration")
	sid = g.Session()
	w.Fixed(sid[:])
	w.U32(uint32(g.Slot()))
	putAddr(w, g.Address())
	w.I64(g.Amount())
	w.Var(tail(s.reg, ringsig.SignatureSize(3)))
	require.Equal(t, s.reg, w.Bytes(), "registration")
	img := g.KeyImage()
	require.Equal(t, img[:], tail(s.reg, ringsig.SignatureSize(3))[:33])

	tx, err := mixer.ParseTransaction(s.tx)
	require.NoError(t, err)
	w = wire.NewBuilder("CBETS/mixer/v1/transaction")
	sid = tx.Session()
	w.Fixed(sid[:])
	putParams(w, tx.Params())
	d := tx.RingDigest()
	w.Fixed(d[:])
	w.U32(uint32(len(tx.Inputs())))
	for _, in := range tx.Inputs() {
		w.Fixed(in.Owner.Bytes())
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	w.U32(uint32(len(tx.Outputs())))
	for _, o := range tx.Outputs() {
		w.U32(uint32(o.Slot))
		putAddr(w, o.Address)
		w.I64(o.Amount)
		w.Var(o.Signature)
	}
	w.U32(uint32(len(tx.Change())))
	for i, c := range tx.Change() {
		if i > 0 {
			require.Negative(t, bytes.Compare(tx.Change()[i-1].Owner.Bytes(), c.Owner.Bytes()), "change sorted by owner")
		}
		w.Fixed(c.Owner.Bytes())
		putAddr(w, c.Address)
		w.I64(c.Amount)
	}
	w.I64(tx.Fee())
	require.Equal(t, s.tx, w.Bytes(), "transaction")
	ring, err := ringsig.NewRing(tx.Ring())
	require.NoError(t, err)
	require.Equal(t, ring.Digest(), tx.RingDigest())

	for _, tc := range []struct {
		domain string
		b      []byte
		reason bool
	}{{"CBETS/mixer/v1/confirmation", s.conf, false}, {"CBETS/mixer/v1/refusal", s.ref, true}} {
		var sess mixer.SessionID
		var h [32]byte
		var pk *ecdsa.PublicKey
		w = wire.NewBuilder(tc.domain)
		if tc.reason {
			f, err := mixer.ParseRefusal(tc.b)
			require.NoError(t, err)
			sess, h, pk = f.Session(), f.TxHash(), f.PublicKey()
		} else {
			c, err := mixer.ParseConfirmation(tc.b)
			require.NoError(t, err)
			sess, h, pk = c.Session(), c.TxHash(), c.PublicKey()
		}
		w.Fixed(sess[:])
		w.Fixed(h[:])
		w.Fixed(pk.Bytes())
		if tc.reason {
			w.U8(uint8(mixer.ReasonOutputMissing))
		}
		w.Var(tail(tc.b, ecdsa.RBoundSignatureSize))
		require.Equal(t, tc.b, w.Bytes(), tc.domain)
	}

	st, err := mixer.ParseSignedTransaction(s.signed)
	require.NoError(t, err)
	w = wire.NewBuilder("CBETS/mixer/v1/signed-transaction")
	w.Var(st.Transaction().Bytes())
	w.U32(3)
	rest := tail(s.signed, 3*(33+65))
	for i, k := range st.Transaction().Ring() {
		require.Equal(t, k.Bytes(), rest[i*98:i*98+33])
		w.Fixed(rest[i*98 : (i+1)*98])
	}
	require.Equal(t, s.signed, w.Bytes(), "signed transaction")
}

// TestSizes checks the message sizes the package documentation gives.
func TestSizes(t *testing.T) {
	for _, n := range []int{2, 5} {
		for _, slots := range []int{1, 3} {
			t.Run(fmt.Sprintf("N=%d,S=%d", n, slots), func(t *testing.T) {
				p := testParams
				p.Slots = slots
				w := newWorld(t, n, withParams(p))
				reqs := w.announce(t)
				require.Len(t, w.server.Announcement().Bytes(), 116)
				for i, q := range reqs {
					want := 165
					for _, in := range w.configs[i].Inputs {
						want += 12 + len(in.ID)
					}
					if w.configs[i].Change != nil {
						want += 29
					}
					require.Len(t, q, want)
				}
				roster := w.request(t, reqs)
				require.Len(t, roster, 130+33*n)
				regs := w.register(t, roster)
				require.Len(t, regs[0][0], 133+32*(n+1))
				txb := w.submit(t, regs)
				tx, err := mixer.ParseTransaction(txb)
				require.NoError(t, err)
				want := 135 + len(tx.Outputs())*(70+32*(n+1)) + 62*len(tx.Change())
				for _, in := range tx.Inputs() {
					want += 45 + len(in.ID)
				}
				require.Len(t, txb, want)
				out := w.confirm(t, txb)
				require.Len(t, out[0].Data, 45+len(txb)+98*n)
				c, err := mixer.NewConfirmation(w.keys[0], tx.Session(), tx.Hash(), nil)
				require.NoError(t, err)
				require.Len(t, c.Bytes(), 197)
				f, err := mixer.NewRefusal(w.keys[0], tx.Session(), tx.Hash(), mixer.ReasonFee, nil)
				require.NoError(t, err)
				require.Len(t, f.Bytes(), 193)
			})
		}
	}
}

// TestParseRejects: encodings that are well framed but not canonical or
// out of range.
func TestParseRejects(t *testing.T) {
	s := samples(t)
	tx, err := mixer.ParseTransaction(s.tx)
	require.NoError(t, err)
	ro, err := mixer.ParseRoster(s.roster)
	require.NoError(t, err)
	q, err := mixer.ParseRequest(s.req)
	require.NoError(t, err)
	sid := tx.Session()
	k := []*ecdsa.PublicKey{keyFrom(t, "a").PublicKey(), keyFrom(t, "b").PublicKey()}
	sig := make([]byte, ecdsa.RBoundSignatureSize)
	copy(sig, s.conf[len(s.conf)-ecdsa.RBoundSignatureSize:])

	// request encodes a request; flag 1 adds a change of changeAmount.
	request := func(inputs []mixer.Input, flag byte, changeAmount ...int64) []byte {
		w := wire.NewBuilder("CBETS/mixer/v1/request")
		w.Fixed(sid[:])
		w.Fixed(q.PublicKey().Bytes())
		w.U32(uint32(len(inputs)))
		for _, in := range inputs {
			w.Var(in.ID)
			w.I64(in.Amount)
		}
		w.U8(flag)
		if len(changeAmount) > 0 {
			w.U8(0)
			w.Fixed(make([]byte, 20))
			w.I64(changeAmount[0])
		}
		w.Var(sig)
		return w.Bytes()
	}
	_, err = mixer.ParseRequest(request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 9))
	require.NoError(t, err, "the request encoder is faithful")
	roster := func(p mixer.Params, keys [][]byte) []byte {
		w := wire.NewBuilder("CBETS/mixer/v1/roster")
		w.Fixed(sid[:])
		w.Fixed(make([]byte, 32))
		w.I64(p.Denomination)
		w.U32(uint32(p.Slots))
		w.I64(p.Fee)
		w.U8(p.AddressVersion)
		w.I64(ro.Deadlines().Register.UnixNano())
		w.I64(ro.Deadlines().Confirm.UnixNano())
		w.U32(uint32(len(keys)))
		for _, k := range keys {
			w.Fixed(k)
		}
		return w.Bytes()
	}
	sorted := [][]byte{k[0].Bytes(), k[1].Bytes()}
	if bytes.Compare(sorted[0], sorted[1]) > 0 {
		sorted[0], sorted[1] = sorted[1], sorted[0]
	}
	registration := func(slot uint32, amount int64, sig []byte) []byte {
		w := wire.NewBuilder("CBETS/mixer/v1/registration")
		w.Fixed(sid[:])
		w.U32(slot)
		w.U8(0)
		w.Fixed(make([]byte, 20))
		w.I64(amount)
		w.Var(sig)
		return w.Bytes()
	}
	ringSig := s.reg[len(s.reg)-ringsig.SignatureSize(3):]
	// txWith re-encodes the sample transaction with edits.
	txWith := func(edit func(ins []mixer.TxInput, outs []mixer.Output, ch []mixer.Change, fee *int64, digest *[32]byte) []mixer.TxInput) []byte {
		ins, outs, ch, fee, digest := tx.Inputs(), tx.Outputs(), tx.Change(), tx.Fee(), tx.RingDigest()
		ins = edit(ins, outs, ch, &fee, &digest)
		w := wire.NewBuilder("CBETS/mixer/v1/transaction")
		w.Fixed(sid[:])
		p := tx.Params()
		w.I64(p.Denomination)
		w.U32(uint32(p.Slots))
		w.I64(p.Fee)
		w.U8(p.AddressVersion)
		w.Fixed(digest[:])
		w.U32(uint32(len(ins)))
		for _, in := range ins {
			w.Fixed(in.Owner.Bytes())
			w.Var(in.ID)
			w.I64(in.Amount)
		}
		w.U32(uint32(len(outs)))
		for _, o := range outs {
			w.U32(uint32(o.Slot))
			w.U8(o.Address.Version())
			h := o.Address.Hash()
			w.Fixed(h[:])
			w.I64(o.Amount)
			w.Var(o.Signature)
		}
		w.U32(uint32(len(ch)))
		for _, c := range ch {
			w.Fixed(c.Owner.Bytes())
			w.U8(c.Address.Version())
			h := c.Address.Hash()
			w.Fixed(h[:])
			w.I64(c.Amount)
		}
		w.I64(fee)
		return w.Bytes()
	}
	same := func(ins []mixer.TxInput, _ []mixer.Output, _ []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
		return ins
	}
	_, err = mixer.ParseTransaction(txWith(same))
	require.NoError(t, err, "the re-encoder is faithful")

	for _, tc := range []struct {
		name  string
		parse func([]byte) ([]byte, error)
		data  []byte
	}{
		{"request without inputs", parsers[mixer.KindRequest], request(nil, 0)},
		{"request inputs unsorted", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{2}, Amount: 1}, {ID: []byte{1}, Amount: 1}}, 0)},
		{"request input twice", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 1}, {ID: []byte{1}, Amount: 1}}, 0)},
		{"request zero amount", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}}}, 0)},
		{"request empty id", parsers[mixer.KindRequest], request([]mixer.Input{{Amount: 1}}, 0)},
		{"request amounts overflow", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 1 << 62}, {ID: []byte{2}, Amount: 1 << 62}}, 0)},
		{"request change flag 2", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 1}}, 2)},
		{"request change address without change", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 0)},
		{"request negative change", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, -1)},
		{"request change not below the inputs", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 10)},
		{"roster unsorted", parsers[mixer.KindRoster], roster(testParams, [][]byte{sorted[1], sorted[0]})},
		{"roster repeated key", parsers[mixer.KindRoster], roster(testParams, [][]byte{sorted[0], sorted[0]})},
		{"roster of one", parsers[mixer.KindRoster], roster(testParams, sorted[:1])},
		{"roster bad key", parsers[mixer.KindRoster], roster(testParams, [][]byte{sorted[0], bytes.Repeat([]byte{0xff}, 33)})},
		{"roster zero slots", parsers[mixer.KindRoster], roster(mixer.Params{Denomination: 1}, sorted)},
		{"roster negative fee", parsers[mixer.KindRoster], roster(mixer.Params{Denomination: 1, Slots: 1, Fee: -1}, sorted)},
		{"registration slot too large", parsers[mixer.KindRegistration], registration(mixer.MaxSlots, 1, ringSig)},
		{"registration zero amount", parsers[mixer.KindRegistration], registration(0, 0, ringSig)},
		{"registration bad signature", parsers[mixer.KindRegistration], registration(0, 1, make([]byte, len(ringSig)))},
		{"transaction digest not the owners'", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, _ []mixer.Change, _ *int64, d *[32]byte) []mixer.TxInput {
			d[0] ^= 1
			return ins
		})},
		{"transaction inputs unsorted", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, _ []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			ins[0], ins[1] = ins[1], ins[0]
			return ins
		})},
		{"transaction outputs unsorted", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, outs []mixer.Output, _ []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			outs[0], outs[1] = outs[1], outs[0]
			return ins
		})},
		{"transaction address twice", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, outs []mixer.Output, _ []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			outs[len(outs)-1].Address = outs[0].Address
			return ins
		})},
		{"transaction change is an output", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, outs []mixer.Output, ch []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			ch[0].Address = outs[0].Address
			return ins
		})},
		{"transaction output slot too large", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, outs []mixer.Output, _ []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			outs[len(outs)-1].Slot = 2
			return ins
		})},
		{"transaction zero change", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, ch []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			ch[0].Amount = 0
			return ins
		})},
		{"transaction change unsorted", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, ch []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			ch[0], ch[1] = ch[1], ch[0]
			return ins
		})},
		{"transaction change owner twice", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, ch []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			ch[1].Owner = ch[0].Owner
			return ins
		})},
		{"transaction change owner owns no input", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, ch []mixer.Change, _ *int64, _ *[32]byte) []mixer.TxInput {
			ch[0].Owner = k[0]
			return ins
		})},
		{"transaction change owner not a key", parsers[mixer.KindTransaction], func() []byte {
			// The last occurrence of the owner's key is its change entry.
			b := txWith(same)
			b[bytes.LastIndex(b, tx.Change()[0].Owner.Bytes())] = 0x05
			return b
		}()},
		{"transaction negative fee", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, _ []mixer.Change, fee *int64, _ *[32]byte) []mixer.TxInput {
			*fee = -1
			return ins
		})},
		{"transaction one owner", parsers[mixer.KindTransaction], txWith(func(ins []mixer.TxInput, _ []mixer.Output, _ []mixer.Change, _ *int64, d *[32]byte) []mixer.TxInput {
			for i := range ins {
				ins[i].Owner = ins[0].Owner
			}
			return ins
		})},
		{"transaction without inputs", parsers[mixer.KindTransaction], txWith(func([]mixer.TxInput, []mixer.Output, []mixer.Change, *int64, *[32]byte) []mixer.TxInput {
			return nil
		})},
		{"refusal unknown reason", parsers[mixer.KindRefusal], func() []byte {
			b := bytes.Clone(s.ref)
			b[len(b)-ecdsa.RBoundSignatureSize-5] = 200
			return b
		}()},
		{"confirmation bad key", parsers[mixer.KindConfirmation], func() []byte {
			b := bytes.Clone(s.conf)
			b[4+27+64] = 0x05
			return b
		}()},
		{"signed transaction missing a signature", parsers[mixer.KindSignedTransaction], func() []byte {
			b := bytes.Clone(s.signed[:len(s.signed)-98])
			b[len(b)-98*2-1] = 2
			return b
		}()},
		{"signed transaction signatures out of order", parsers[mixer.KindSignedTransaction], func() []byte {
			b := bytes.Clone(s.signed)
			end := len(b)
			first, second := bytes.Clone(b[end-196:end-98]), bytes.Clone(b[end-98:])
			copy(b[end-196:], second)
			copy(b[end-98:], first)
			return b
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.parse(tc.data)
			require.ErrorIs(t, err, mixer.ErrMalformed)
			requireReadable(t, err)
		})
	}
	_, err = mixer.ParseRequest(request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 0))
	require.ErrorIs(t, err, mixer.ErrChangeAddress)
}

func TestParams(t *testing.T) {
	for _, tc := range []struct {
		p   mixer.Params
		ok  bool
		due int64
	}{
		{mixer.Params{Denomination: 100, Slots: 1, Fee: 5}, true, 105},
		{mixer.Params{Denomination: 100, Slots: 3, Fee: 0}, true, 300},
		{mixer.Params{Denomination: 100, Slots: mixer.MaxSlots, Fee: 1}, true, 1601},
		{mixer.Params{Denomination: 0, Slots: 1}, false, 0},
		{mixer.Params{Denomination: -5, Slots: 1}, false, 0},
		{mixer.Params{Denomination: 1, Slots: 0}, false, 0},
		{mixer.Params{Denomination: 1, Slots: mixer.MaxSlots + 1}, false, 0},
		{mixer.Params{Denomination: 1, Slots: 1, Fee: -1}, false, 0},
		{mixer.Params{Denomination: 1 << 62, Slots: 2, Fee: 0}, false, 0},
		{mixer.Params{Denomination: 1 << 62, Slots: 1, Fee: 1 << 62}, false, 0},
	} {
		err := tc.p.Validate()
		if tc.ok {
			require.NoError(t, err, "%+v", tc.p)
			require.Equal(t, tc.due, tc.p.Due())
		} else {
			require.ErrorIs(t, err, mixer.ErrParams, "%+v", tc.p)
			require.Zero(t, tc.p.Due())
		}
	}
}

func TestSessionIDs(t *testing.T) {
	a, err := mixer.NewSessionID(nil)
	require.NoError(t, err)
	b, err := mixer.NewSessionID(nil)
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	_, err = mixer.NewSessionID(bytes.NewReader(make([]byte, 31)))
	require.Error(t, err)
	require.Len(t, a.String(), 64)

	n1 := mixer.NextSessionID(a, [32]byte{1})
	require.Equal(t, n1, mixer.NextSessionID(a, [32]byte{1}))
	require.NotEqual(t, n1, mixer.NextSessionID(a, [32]byte{2}))
	require.NotEqual(t, n1, mixer.NextSessionID(b, [32]byte{1}))
}

func TestReasons(t *testing.T) {
	seen := map[error]bool{}
	for r := mixer.ReasonDeclined; r <= mixer.ReasonAddressVersion; r++ {
		err := r.Err()
		require.False(t, seen[err])
		seen[err] = true
		require.Equal(t, r, mixer.ReasonOf(fmt.Errorf("wrapped: %w", err)))
		require.Equal(t, err.Error(), r.String())
	}
	require.Equal(t, mixer.ReasonDeclined, mixer.ReasonOf(errors.New("other")))
	require.Error(t, mixer.Reason(200).Err())
	_, err := mixer.NewRefusal(keyFrom(t, "k"), mixer.SessionID{}, [32]byte{}, 200, nil)
	require.ErrorIs(t, err, mixer.ErrParams)
}

func TestKindNames(t *testing.T) {
	for k := mixer.KindAnnouncement; k <= mixer.KindSignedTransaction; k++ {
		require.NotContains(t, k.String(), "Kind(")
	}
	require.Equal(t, "Kind(0)", mixer.Kind(0).String())
	for p := mixer.PhaseNew; p <= mixer.PhaseFailed; p++ {
		require.NotContains(t, p.String(), "Phase(")
	}
	require.Equal(t, "Phase(9)", mixer.Phase(9).String())
}

// TestAccessorsCopy: values handed out do not alias the message.
func TestAccessorsCopy(t *testing.T) {
	s := samples(t)
	tx, err := mixer.ParseTransaction(s.tx)
	require.NoError(t, err)
	tx.Inputs()[0].ID[0] ^= 1
	tx.Outputs()[0].Signature[0] ^= 1
	b := tx.Bytes()
	b[0] ^= 1
	require.Equal(t, s.tx, tx.Bytes())
	q, err := mixer.ParseRequest(s.req)
	require.NoError(t, err)
	q.Inputs()[0].ID[0] ^= 1
	require.Equal(t, s.req, q.Bytes())
}
