package mixer_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
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

// sampleSet holds one valid encoding of each message type, from one round
// with 3 participants and 2 slots, in which client 1 audits only its own
// outputs: notice is its completion, completion client 0's.
type sampleSet struct {
	ann, req, roster, reg, tx, conf, ref, signed, bundle, completion, notice []byte
}

// sampleKeys are the keys of the sample round's participants.
var sampleKeys = func() []*ecdsa.PrivateKey {
	var keys []*ecdsa.PrivateKey
	for i := range 3 {
		h := sha256.Sum256([]byte(fmt.Sprintf("participant %d", i)))
		k, err := ecdsa.ParsePrivateKey(h[:])
		if err != nil {
			panic(err)
		}
		keys = append(keys, k)
	}
	return keys
}()

// sampleRing is the ring of the sample round, which its transaction's
// parser takes.
func sampleRing() []*ecdsa.PublicKey {
	var ring []*ecdsa.PublicKey
	for _, k := range sampleKeys {
		ring = append(ring, k.PublicKey())
	}
	return ring
}

func samples(t testing.TB) sampleSet {
	t.Helper()
	p := testParams
	p.Slots = 2
	w := newWorld(t, 3, withParams(p), withAuditOf(1, mixer.AuditOwn))
	for i, k := range sampleKeys {
		require.True(t, k.PublicKey().Equal(w.keys[i].PublicKey()))
	}
	var s sampleSet
	s.ann = w.server.Announcement().Bytes()
	reqs := w.announce(t)
	s.req = reqs[2]
	s.roster = w.request(t, reqs)
	regs := w.register(t, s.roster)
	s.reg = regs[1][1]
	s.tx = w.submit(t, regs)
	s.bundle = w.bundle
	out := w.confirm(t, s.tx)
	s.signed = out[0].Data
	for _, m := range out[1:] {
		switch {
		case m.To.Equal(w.keys[0].PublicKey()):
			s.completion = m.Data
		case m.To.Equal(w.keys[1].PublicKey()):
			s.notice = m.Data
		}
	}
	c, err := mixer.NewConfirmation(w.keys[0], w.server.Session(), w.server.Transaction().Hash(), nil)
	require.NoError(t, err)
	s.conf = c.Bytes()
	f, err := mixer.NewRefusal(w.keys[1], w.server.Session(), [32]byte{}, mixer.ReasonOutputMissing, nil)
	require.NoError(t, err)
	s.ref = f.Bytes()
	return s
}

// reencode returns a parser that re-encodes what it decodes.
func reencode[T interface{ Bytes() []byte }](parse func([]byte) (T, error)) func([]byte) ([]byte, error) {
	return func(b []byte) ([]byte, error) {
		v, err := parse(b)
		if err != nil {
			return nil, err
		}
		return v.Bytes(), nil
	}
}

// parsers re-encode what they decode; the transaction's takes the sample
// ring.
var parsers = map[mixer.Kind]func([]byte) ([]byte, error){
	mixer.KindAnnouncement: reencode(mixer.ParseAnnouncement),
	mixer.KindRequest:      reencode(mixer.ParseRequest),
	mixer.KindRoster:       reencode(mixer.ParseRoster),
	mixer.KindRegistration: reencode(mixer.ParseRegistration),
	mixer.KindTransaction: reencode(func(b []byte) (*mixer.Transaction, error) {
		return mixer.ParseTransaction(b, sampleRing())
	}),
	mixer.KindConfirmation:      reencode(mixer.ParseConfirmation),
	mixer.KindRefusal:           reencode(mixer.ParseRefusal),
	mixer.KindSignedTransaction: reencode(mixer.ParseSignedTransaction),
	mixer.KindBundle:            reencode(mixer.ParseBundle),
	mixer.KindCompletion:        reencode(mixer.ParseCompletion),
}

func (s sampleSet) byKind() map[mixer.Kind][]byte {
	return map[mixer.Kind][]byte{
		mixer.KindAnnouncement: s.ann, mixer.KindRequest: s.req, mixer.KindRoster: s.roster,
		mixer.KindRegistration: s.reg, mixer.KindTransaction: s.tx, mixer.KindConfirmation: s.conf,
		mixer.KindRefusal: s.ref, mixer.KindSignedTransaction: s.signed, mixer.KindBundle: s.bundle,
		mixer.KindCompletion: s.completion,
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
	require.Equal(t, mixer.AuditAll, q.Audit())
	w.U8(1)
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

	tx, err := mixer.ParseTransaction(s.tx, sampleRing())
	require.NoError(t, err)
	ring := tx.Ring()
	index := func(pk *ecdsa.PublicKey) uint32 { return uint32(slices.IndexFunc(ring, pk.Equal)) }
	w = wire.NewBuilder("CBETS/mixer/v1/transaction")
	sid = tx.Session()
	w.Fixed(sid[:])
	putParams(w, tx.Params())
	d := tx.RingDigest()
	w.Fixed(d[:])
	bd := tx.BundleDigest()
	w.Fixed(bd[:])
	w.U32(uint32(len(tx.Inputs())))
	for _, in := range tx.Inputs() {
		w.U32(index(in.Owner))
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	w.U32(uint32(len(tx.Outputs())))
	for _, o := range tx.Outputs() {
		w.U32(uint32(o.Slot))
		putAddr(w, o.Address)
		w.I64(o.Amount)
	}
	w.U32(uint32(len(tx.Change())))
	for i, c := range tx.Change() {
		if i > 0 {
			require.Negative(t, bytes.Compare(tx.Change()[i-1].Owner.Bytes(), c.Owner.Bytes()), "change sorted by owner")
		}
		w.U32(index(c.Owner))
		putAddr(w, c.Address)
		w.I64(c.Amount)
	}
	w.I64(tx.Fee())
	require.Equal(t, s.tx, w.Bytes(), "transaction")
	rs, err := ringsig.NewRing(ring)
	require.NoError(t, err)
	require.Equal(t, rs.Digest(), tx.RingDigest())
	require.True(t, slices.IsSortedFunc(ring, func(a, b *ecdsa.PublicKey) int { return bytes.Compare(a.Bytes(), b.Bytes()) }))

	// The bundle: the registrations' ring signatures in output order; the
	// transaction commits to SHA-256 of it.
	bundle, err := mixer.ParseBundle(s.bundle)
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(s.bundle), tx.BundleDigest())
	require.Equal(t, tx.BundleDigest(), bundle.Digest())
	require.Equal(t, len(tx.Outputs()), bundle.Len())
	g1, err := mixer.ParseRegistration(s.reg)
	require.NoError(t, err)
	w = wire.NewBuilder("CBETS/mixer/v1/bundle")
	sid = bundle.Session()
	w.Fixed(sid[:])
	w.U32(uint32(bundle.Len()))
	sigLen := ringsig.SignatureSize(3)
	body := s.bundle[len(s.bundle)-bundle.Len()*(4+sigLen):]
	for i, o := range tx.Outputs() {
		sig := body[i*(4+sigLen)+4 : (i+1)*(4+sigLen)]
		w.Var(sig)
		if o.Address == g1.Address() {
			require.Equal(t, tail(s.reg, sigLen), sig, "the output's own registration")
		}
	}
	require.Equal(t, s.bundle, w.Bytes(), "bundle")

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
	rest := s.signed[4+33+4+len(s.tx)+4:]
	var sigs []byte
	for i, k := range st.Transaction().Ring() {
		require.Equal(t, k.Bytes(), rest[i*98:i*98+33])
		w.Fixed(rest[i*98 : (i+1)*98])
		sigs = append(sigs, rest[i*98+33:(i+1)*98]...)
	}
	w.Var(st.Bundle().Bytes())
	require.Equal(t, s.signed, w.Bytes(), "signed transaction")
	require.Equal(t, s.bundle, st.Bundle().Bytes())

	// Completions: a bare notice, and one with every owner's signature in
	// ring order.
	for _, tc := range []struct {
		name string
		b    []byte
		sigs []byte
	}{{"notice", s.notice, nil}, {"completion", s.completion, sigs}} {
		f, err := mixer.ParseCompletion(tc.b)
		require.NoError(t, err)
		w = wire.NewBuilder("CBETS/mixer/v1/completion")
		sid, h := f.Session(), f.TxHash()
		w.Fixed(sid[:])
		w.Fixed(h[:])
		require.Equal(t, tx.Hash(), h)
		w.U32(uint32(len(tc.sigs) / 65))
		require.Equal(t, len(tc.sigs)/65, f.Signatures())
		w.Fixed(tc.sigs)
		require.Equal(t, tc.b, w.Bytes(), tc.name)
	}
}

// TestSizes checks the message sizes the package documentation gives.
func TestSizes(t *testing.T) {
	for _, n := range []int{2, 5} {
		for _, slots := range []int{1, 3} {
			t.Run(fmt.Sprintf("N=%d,S=%d", n, slots), func(t *testing.T) {
				p := testParams
				p.Slots = slots
				w := newWorld(t, n, withParams(p), withAuditOf(1, mixer.AuditOwn))
				reqs := w.announce(t)
				require.Len(t, w.server.Announcement().Bytes(), 116)
				for i, q := range reqs {
					want := 166
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
				tx, err := mixer.ParseTransaction(txb, w.server.Roster().Ring())
				require.NoError(t, err)
				want := 167 + 33*len(tx.Outputs()) + 33*len(tx.Change())
				for _, in := range tx.Inputs() {
					want += 16 + len(in.ID)
				}
				require.Len(t, txb, want)
				require.Len(t, w.bundle, 61+len(tx.Outputs())*(69+32*n))
				out := w.confirm(t, txb)
				require.Len(t, out[0].Data, 49+len(txb)+98*n+len(w.bundle))
				for _, m := range out[1:] {
					if m.To.Equal(w.keys[1].PublicKey()) {
						require.Len(t, m.Data, 97, "a notice")
					} else {
						require.Len(t, m.Data, 97+65*n, "with every owner's signature")
					}
				}
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
	tx, err := mixer.ParseTransaction(s.tx, sampleRing())
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
		w.U8(1)
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

	// The sample transaction as plain values, owners as ring indices, to
	// re-encode with edits.
	type txIn struct {
		owner  uint32
		id     []byte
		amount int64
	}
	type txChange struct {
		owner   uint32
		address ecdsa.Address
		amount  int64
	}
	type txFields struct {
		ins          []txIn
		outs         []mixer.Output
		change       []txChange
		fee          int64
		ring, bundle [32]byte
	}
	ring := tx.Ring()
	index := func(pk *ecdsa.PublicKey) uint32 { return uint32(slices.IndexFunc(ring, pk.Equal)) }
	txWith := func(edit func(f *txFields)) []byte {
		f := txFields{outs: tx.Outputs(), fee: tx.Fee(), ring: tx.RingDigest(), bundle: tx.BundleDigest()}
		for _, in := range tx.Inputs() {
			f.ins = append(f.ins, txIn{index(in.Owner), in.ID, in.Amount})
		}
		for _, c := range tx.Change() {
			f.change = append(f.change, txChange{index(c.Owner), c.Address, c.Amount})
		}
		edit(&f)
		w := wire.NewBuilder("CBETS/mixer/v1/transaction")
		w.Fixed(sid[:])
		p := tx.Params()
		w.I64(p.Denomination)
		w.U32(uint32(p.Slots))
		w.I64(p.Fee)
		w.U8(p.AddressVersion)
		w.Fixed(f.ring[:])
		w.Fixed(f.bundle[:])
		w.U32(uint32(len(f.ins)))
		for _, in := range f.ins {
			w.U32(in.owner)
			w.Var(in.id)
			w.I64(in.amount)
		}
		w.U32(uint32(len(f.outs)))
		for _, o := range f.outs {
			w.U32(uint32(o.Slot))
			w.U8(o.Address.Version())
			h := o.Address.Hash()
			w.Fixed(h[:])
			w.I64(o.Amount)
		}
		w.U32(uint32(len(f.change)))
		for _, c := range f.change {
			w.U32(c.owner)
			w.U8(c.address.Version())
			h := c.address.Hash()
			w.Fixed(h[:])
			w.I64(c.amount)
		}
		w.I64(f.fee)
		return w.Bytes()
	}
	require.Equal(t, s.tx, txWith(func(*txFields) {}), "the re-encoder is faithful")
	parseTx := parsers[mixer.KindTransaction]

	// The sample signed transaction's parts, to re-encode with edits.
	st, err := mixer.ParseSignedTransaction(s.signed)
	require.NoError(t, err)
	rest := s.signed[4+33+4+len(s.tx)+4:]
	var pks, confSigs [][]byte
	for i := range ring {
		pks = append(pks, rest[i*98:i*98+33])
		confSigs = append(confSigs, rest[i*98+33:(i+1)*98])
	}
	signedWith := func(txb []byte, pks, sigs [][]byte, bundle []byte) []byte {
		w := wire.NewBuilder("CBETS/mixer/v1/signed-transaction")
		w.Var(txb)
		w.U32(uint32(len(pks)))
		for i := range pks {
			w.Fixed(pks[i])
			w.Fixed(sigs[i])
		}
		w.Var(bundle)
		return w.Bytes()
	}
	require.Equal(t, s.signed, signedWith(s.tx, pks, confSigs, st.Bundle().Bytes()), "the re-encoder is faithful")

	bundleWith := func(sigs ...[]byte) []byte {
		w := wire.NewBuilder("CBETS/mixer/v1/bundle")
		w.Fixed(sid[:])
		w.U32(uint32(len(sigs)))
		for _, s := range sigs {
			w.Var(s)
		}
		return w.Bytes()
	}
	_, err = mixer.ParseBundle(bundleWith(ringSig, ringSig))
	require.NoError(t, err, "the bundle encoder is faithful")
	completionWith := func(n uint32, sigs ...[]byte) []byte {
		w := wire.NewBuilder("CBETS/mixer/v1/completion")
		w.Fixed(sid[:])
		h := tx.Hash()
		w.Fixed(h[:])
		w.U32(n)
		for _, s := range sigs {
			w.Fixed(s)
		}
		return w.Bytes()
	}
	_, err = mixer.ParseCompletion(completionWith(2, sig, sig))
	require.NoError(t, err, "the completion encoder is faithful")

	for _, tc := range []struct {
		name  string
		parse func([]byte) ([]byte, error)
		data  []byte
		want  error // ErrMalformed when nil
	}{
		{"request without inputs", parsers[mixer.KindRequest], request(nil, 0), nil},
		{"request inputs unsorted", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{2}, Amount: 1}, {ID: []byte{1}, Amount: 1}}, 0), nil},
		{"request input twice", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 1}, {ID: []byte{1}, Amount: 1}}, 0), nil},
		{"request zero amount", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}}}, 0), nil},
		{"request empty id", parsers[mixer.KindRequest], request([]mixer.Input{{Amount: 1}}, 0), nil},
		{"request amounts overflow", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 1 << 62}, {ID: []byte{2}, Amount: 1 << 62}}, 0), nil},
		{"request change flag 2", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 1}}, 2), nil},
		{"request change address without change", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 0), nil},
		{"request negative change", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, -1), nil},
		{"request change not below the inputs", parsers[mixer.KindRequest], request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 10), nil},
		{"request bundle flag 2", parsers[mixer.KindRequest], func() []byte {
			b := request([]mixer.Input{{ID: []byte{1}, Amount: 1}}, 0)
			b[len(b)-ecdsa.RBoundSignatureSize-5] = 2
			return b
		}(), nil},
		{"roster unsorted", parsers[mixer.KindRoster], roster(testParams, [][]byte{sorted[1], sorted[0]}), nil},
		{"roster repeated key", parsers[mixer.KindRoster], roster(testParams, [][]byte{sorted[0], sorted[0]}), nil},
		{"roster of one", parsers[mixer.KindRoster], roster(testParams, sorted[:1]), nil},
		{"roster bad key", parsers[mixer.KindRoster], roster(testParams, [][]byte{sorted[0], bytes.Repeat([]byte{0xff}, 33)}), nil},
		{"roster zero slots", parsers[mixer.KindRoster], roster(mixer.Params{Denomination: 1}, sorted), nil},
		{"roster negative fee", parsers[mixer.KindRoster], roster(mixer.Params{Denomination: 1, Slots: 1, Fee: -1}, sorted), nil},
		{"registration slot too large", parsers[mixer.KindRegistration], registration(mixer.MaxSlots, 1, ringSig), nil},
		{"registration zero amount", parsers[mixer.KindRegistration], registration(0, 0, ringSig), nil},
		{"registration bad signature", parsers[mixer.KindRegistration], registration(0, 1, make([]byte, len(ringSig))), nil},
		{"transaction digest not the ring's", parseTx, txWith(func(f *txFields) { f.ring[0] ^= 1 }), mixer.ErrRingMismatch},
		{"transaction inputs unsorted", parseTx, txWith(func(f *txFields) { f.ins[0], f.ins[1] = f.ins[1], f.ins[0] }), nil},
		{"transaction input owner outside the ring", parseTx, txWith(func(f *txFields) { f.ins[0].owner = 3 }), nil},
		{"transaction a member owning no input", parseTx, txWith(func(f *txFields) {
			for i := range f.ins {
				f.ins[i].owner = 0
			}
		}), nil},
		{"transaction outputs unsorted", parseTx, txWith(func(f *txFields) { f.outs[0], f.outs[1] = f.outs[1], f.outs[0] }), nil},
		{"transaction address twice", parseTx, txWith(func(f *txFields) { f.outs[len(f.outs)-1].Address = f.outs[0].Address }), nil},
		{"transaction change is an output", parseTx, txWith(func(f *txFields) { f.change[0].address = f.outs[0].Address }), nil},
		{"transaction output slot too large", parseTx, txWith(func(f *txFields) { f.outs[len(f.outs)-1].Slot = 2 }), nil},
		{"transaction zero output", parseTx, txWith(func(f *txFields) { f.outs[0].Amount = 0 }), nil},
		{"transaction zero change", parseTx, txWith(func(f *txFields) { f.change[0].amount = 0 }), nil},
		{"transaction change unsorted", parseTx, txWith(func(f *txFields) { f.change[0], f.change[1] = f.change[1], f.change[0] }), nil},
		{"transaction change owner twice", parseTx, txWith(func(f *txFields) { f.change[1].owner = f.change[0].owner }), nil},
		{"transaction change owner outside the ring", parseTx, txWith(func(f *txFields) { f.change[1].owner = 3 }), nil},
		{"transaction negative fee", parseTx, txWith(func(f *txFields) { f.fee = -1 }), nil},
		{"transaction without inputs", parseTx, txWith(func(f *txFields) { f.ins = nil }), nil},
		{"refusal unknown reason", parsers[mixer.KindRefusal], func() []byte {
			b := bytes.Clone(s.ref)
			b[len(b)-ecdsa.RBoundSignatureSize-5] = 200
			return b
		}(), nil},
		{"confirmation bad key", parsers[mixer.KindConfirmation], func() []byte {
			b := bytes.Clone(s.conf)
			b[4+27+64] = 0x05
			return b
		}(), nil},
		{"bundle of two ring sizes", parsers[mixer.KindBundle], bundleWith(ringSig, append(bytes.Clone(ringSig), make([]byte, 32)...)), nil},
		{"bundle bad signature", parsers[mixer.KindBundle], bundleWith(ringSig, make([]byte, len(ringSig))), nil},
		{"bundle too long", parsers[mixer.KindBundle], func() []byte {
			b := bundleWith()
			b[len(b)-1] = 0xff
			return b
		}(), nil},
		{"completion of one signature", parsers[mixer.KindCompletion], completionWith(1, sig), nil},
		{"completion of too many", parsers[mixer.KindCompletion], completionWith(mixer.MaxParticipants + 1), nil},
		{"completion bad signature", parsers[mixer.KindCompletion], completionWith(2, sig, make([]byte, len(sig))), nil},
		{"signed transaction missing a signature", parsers[mixer.KindSignedTransaction], signedWith(s.tx, pks[:2], confSigs[:2], st.Bundle().Bytes()), nil},
		{"signed transaction of one owner", parsers[mixer.KindSignedTransaction], signedWith(s.tx, pks[:1], confSigs[:1], st.Bundle().Bytes()), nil},
		{"signed transaction signatures out of order", parsers[mixer.KindSignedTransaction], signedWith(s.tx, [][]byte{pks[1], pks[0], pks[2]}, [][]byte{confSigs[1], confSigs[0], confSigs[2]}, st.Bundle().Bytes()), nil},
		{"signed transaction bad owner key", parsers[mixer.KindSignedTransaction], signedWith(s.tx, [][]byte{pks[0], pks[1], bytes.Repeat([]byte{0xff}, 33)}, confSigs, st.Bundle().Bytes()), nil},
		{"signed transaction bad signature encoding", parsers[mixer.KindSignedTransaction], signedWith(s.tx, pks, [][]byte{confSigs[0], confSigs[1], make([]byte, 65)}, st.Bundle().Bytes()), nil},
		{"signed transaction without its bundle", parsers[mixer.KindSignedTransaction], signedWith(s.tx, pks, confSigs, nil), nil},
		{"signed transaction with another bundle", parsers[mixer.KindSignedTransaction], signedWith(s.tx, pks, confSigs, bundleWith(ringSig, ringSig, ringSig, ringSig, ringSig, ringSig)), nil},
		{"signed transaction with a bundle its transaction does not commit to", parsers[mixer.KindSignedTransaction], func() []byte {
			b := st.Bundle().Bytes()
			// Swap the first two signatures: still a bundle of the session.
			body := b[len(b)-st.Bundle().Len()*(4+len(ringSig)):]
			first := bytes.Clone(body[:4+len(ringSig)])
			copy(body, body[4+len(ringSig):2*(4+len(ringSig))])
			copy(body[4+len(ringSig):], first)
			return signedWith(s.tx, pks, confSigs, b)
		}(), nil},
		{"signed transaction whose transaction does not parse", parsers[mixer.KindSignedTransaction], signedWith(txWith(func(f *txFields) { f.fee = -1 }), pks, confSigs, st.Bundle().Bytes()), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.parse(tc.data)
			want := tc.want
			if want == nil {
				want = mixer.ErrMalformed
			}
			require.ErrorIs(t, err, want)
			requireReadable(t, err)
		})
	}
	_, err = mixer.ParseRequest(request([]mixer.Input{{ID: []byte{1}, Amount: 10}}, 1, 0))
	require.ErrorIs(t, err, mixer.ErrChangeAddress)
	_, err = mixer.ParseTransaction(s.tx, []*ecdsa.PublicKey{k[0]})
	require.ErrorIs(t, err, mixer.ErrParams, "a ring of one")
	_, err = mixer.ParseTransaction(s.tx, k)
	require.ErrorIs(t, err, mixer.ErrRingMismatch, "another ring")
	shuffled := sampleRing()
	shuffled[0], shuffled[2] = shuffled[2], shuffled[0]
	_, err = mixer.ParseTransaction(s.tx, shuffled)
	require.NoError(t, err, "the ring in any order")
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
	for k := mixer.KindAnnouncement; k <= mixer.KindCompletion; k++ {
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
	tx, err := mixer.ParseTransaction(s.tx, sampleRing())
	require.NoError(t, err)
	tx.Inputs()[0].ID[0] ^= 1
	tx.Outputs()[0].Amount++
	tx.Ring()[0] = nil
	b := tx.Bytes()
	b[0] ^= 1
	require.Equal(t, s.tx, tx.Bytes())
	require.NotNil(t, tx.Ring()[0])
	g, err := mixer.ParseBundle(s.bundle)
	require.NoError(t, err)
	g.Bytes()[0] ^= 1
	require.Equal(t, s.bundle, g.Bytes())
	f, err := mixer.ParseCompletion(s.completion)
	require.NoError(t, err)
	f.Bytes()[0] ^= 1
	require.Equal(t, s.completion, f.Bytes())
	q, err := mixer.ParseRequest(s.req)
	require.NoError(t, err)
	q.Inputs()[0].ID[0] ^= 1
	require.Equal(t, s.req, q.Bytes())
}
