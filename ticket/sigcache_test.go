package ticket_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// withCache returns a copy of v that verifies through c.
func withCache(v *ticket.Verifier, c *ticket.SignatureCache) *ticket.Verifier {
	vc := *v
	vc.Signatures = c
	return &vc
}

// requireSameOutcome checks that two results of Step or Replay are the
// same: the same error, message and record included, or the same ticket.
func requireSameOutcome(tb testing.TB, want *ticket.Ticket, wantErr error, got *ticket.Ticket, gotErr error, what string) {
	tb.Helper()
	if wantErr != nil {
		require.Error(tb, gotErr, what)
		require.Equal(tb, wantErr.Error(), gotErr.Error(), what)
		require.Nil(tb, got, what)
		var wre, gre *ticket.RecordError
		require.Equal(tb, errors.As(wantErr, &wre), errors.As(gotErr, &gre), what)
		for _, s := range sentinels {
			require.Equal(tb, errors.Is(wantErr, s), errors.Is(gotErr, s), "%s: %v", what, s)
		}
		return
	}
	require.NoError(tb, gotErr, what)
	requireSameTicket(tb, want, got, what)
}

// requireCacheChangesNothing checks that Replay of recs, and the fold of
// Step over them, give through each of caches exactly what they give
// without a cache.
func requireCacheChangesNothing(tb testing.TB, v *ticket.Verifier, recs []*ticket.Record, what string, caches ...*ticket.SignatureCache) {
	tb.Helper()
	want, wantErr := ticket.Replay(recs, v)
	for j, c := range caches {
		got, err := ticket.Replay(recs, withCache(v, c))
		requireSameOutcome(tb, want, wantErr, got, err, fmt.Sprintf("%s: Replay, cache %d", what, j))
	}
	cur := make([]*ticket.Ticket, len(caches)+1) // the ticket so far through each cache, and without one last
	for i, rec := range recs {
		want, wantErr := ticket.Step(cur[len(caches)], rec, v)
		for j, c := range caches {
			got, err := ticket.Step(cur[j], rec, withCache(v, c))
			requireSameOutcome(tb, want, wantErr, got, err, fmt.Sprintf("%s: Step %d, cache %d", what, i, j))
			cur[j] = got
		}
		if wantErr != nil {
			return
		}
		cur[len(caches)] = want
	}
}

// The entry of a signature depends on every byte of the scheme, the keys,
// the message and the signature, and on where one ends and the next
// begins.
func TestSignatureCacheKeys(t *testing.T) {
	pub, msg, sig := []byte("public key"), []byte("message"), []byte("signature")
	base := ticket.CacheKey(ticket.SchemeRBound, pub, msg, sig)
	seen := map[[32]byte]string{base: "base"}
	for name, k := range map[string][32]byte{
		"inverse-s scheme":   ticket.CacheKey(ticket.SchemeInverseS, pub, msg, sig),
		"2-of-2 scheme":      ticket.CacheKey(ticket.SchemeTwoOfTwo, pub, msg, sig),
		"other key":          ticket.CacheKey(ticket.SchemeRBound, []byte("public kez"), msg, sig),
		"other message":      ticket.CacheKey(ticket.SchemeRBound, pub, []byte("messagf"), sig),
		"other signature":    ticket.CacheKey(ticket.SchemeRBound, pub, msg, []byte("signaturf")),
		"boundary moved":     ticket.CacheKey(ticket.SchemeRBound, []byte("public keym"), []byte("essage"), sig),
		"parts swapped":      ticket.CacheKey(ticket.SchemeRBound, msg, pub, sig),
		"a part more":        ticket.CacheKey(ticket.SchemeRBound, pub, msg, sig, nil),
		"a part less":        ticket.CacheKey(ticket.SchemeRBound, pub, msg),
		"scheme in the part": ticket.CacheKey("", []byte(ticket.SchemeRBound), pub, msg, sig),
	} {
		other, dup := seen[k]
		require.False(t, dup, "%s has the entry of %s", name, other)
		seen[k] = name
	}
}

// A warm cache holds every signature of a history; a record that differs
// from a cached one in its key, message, signature or scheme is verified
// in full and refused, with the error it gets without a cache, every time.
func TestSignatureCacheMutations(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	other := w.buy(t, w.m, w.bob, "concert", "B-1").list(t, resalePrice).delist(t).consume(t)
	cache := ticket.NewSignatureCache(0)
	vc := withCache(w.v, cache)
	for _, recs := range [][]*ticket.Record{h.recs, other.recs} {
		_, err := ticket.Replay(recs, vc)
		require.NoError(t, err)
		var cur *ticket.Ticket
		for _, rec := range recs {
			cur, err = ticket.Step(cur, rec, vc)
			require.NoError(t, err)
		}
	}
	// Certificates of eve, alice and bob, the event, 6+4 merchant
	// signatures, 2 buy signatures, 4+2 ω (a Consume's ω is checked
	// within its Σ) and 2 Σ.
	require.Equal(t, 3+1+10+2+6+2, cache.Len())

	// edit returns record i edited; the merchant signs it again when
	// resign is set, so that only the edited signature is wrong.
	edit := func(i int, resignIt bool, f func(*ticket.Record)) func() *ticket.Record {
		return func() *ticket.Record {
			alt := cloneRecord(t, h.recs[i])
			f(alt)
			if resignIt {
				resign(t, w.merchantKey, alt)
			}
			return alt
		}
	}
	omegaOf := func(rec *ticket.Record) *ecdsa.InverseSSignature {
		omega, err := ecdsa.ParseInverseSSignature(rec.Request.Sig)
		require.NoError(t, err)
		return omega
	}
	otherRegistrar := *vc
	otherRegistrar.Registrar = w.otherRegistrar.PublicKey()
	for _, tc := range []struct {
		name  string
		index int
		rec   func() *ticket.Record
		v     *ticket.Verifier // vc when nil
		want  error
	}{
		// The merchant's R-bound signature.
		{"merchant signature by another key", 0, edit(0, false, func(r *ticket.Record) { resign(t, w.merchant2Key, r) }), nil, ticket.ErrSignature},
		{"merchant signature of another record", 3, edit(3, false, func(r *ticket.Record) { r.MerchantSig = h.recs[2].MerchantSig }), nil, ticket.ErrSignature},
		{"merchant signature on another message", 1, edit(1, false, func(r *ticket.Record) { r.Time = r.Time.Add(time.Nanosecond) }), nil, ticket.ErrSignature},
		{"merchant signature of another ticket", 1, edit(1, false, func(r *ticket.Record) { r.MerchantSig = other.recs[1].MerchantSig }), nil, ticket.ErrSignature},
		// The buyer's R-bound signature.
		{"buy signature of another buy", 0, edit(0, true, func(r *ticket.Record) { r.Request.Sig = other.recs[0].Request.Sig }), nil, ticket.ErrSignature},
		{"buy signed by another key", 0, edit(0, true, func(r *ticket.Record) {
			signAs(t, w.bob.key, r.Request)
		}), nil, ticket.ErrSignature},
		// A signature of the other scheme: cached under that scheme,
		// refused under this one (its length already tells).
		{"buy signature of another scheme", 0, edit(0, true, func(r *ticket.Record) { r.Request.Sig = h.recs[1].Request.Sig }), nil, ticket.ErrMalformed},
		// The certificate: the same triple but for the registrar key.
		{"certificate under another registrar", 0, func() *ticket.Record { return h.recs[0] }, &otherRegistrar, ticket.ErrCertificate},
		// The holder's ω.
		{"ω of another record", 3, edit(3, true, func(r *ticket.Record) { r.Request.Sig = h.recs[1].Request.Sig }), nil, ticket.ErrSignature},
		{"ω by another key", 2, edit(2, true, func(r *ticket.Record) { signAs(t, w.alice.key, r.Request) }), nil, ticket.ErrSignature},
		{"ω of another ticket", 2, edit(2, true, func(r *ticket.Record) { r.Request.Sig = other.recs[2].Request.Sig }), nil, ticket.ErrSignature},
		{"ω of another scheme", 3, edit(3, true, func(r *ticket.Record) { r.Request.Sig = h.recs[0].Request.Sig }), nil, ticket.ErrMalformed},
		// The 2-of-2 Σ.
		{"Σ completed by another merchant", 5, edit(5, true, func(r *ticket.Record) {
			sigma, err := multisig.Complete(w.merchant2Key, w.alice.key.PublicKey(), r.Request.SignedBytes(), omegaOf(r), nil)
			require.NoError(t, err)
			r.Consumption = sigma.Bytes()
		}), nil, ticket.ErrSignature},
		{"Σ of another ticket", 5, edit(5, true, func(r *ticket.Record) { r.Consumption = other.recs[3].Consumption }), nil, ticket.ErrMismatch},
		{"Σ over another message", 5, edit(5, true, func(r *ticket.Record) {
			// ω and Σ stay, the request's time changes: Σ contains
			// the ω, but neither signs the request any more.
			r.Request.Time = r.Request.Time.Add(-time.Nanosecond)
		}), nil, ticket.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v
			if v == nil {
				v = vc
			}
			cold := *v
			cold.Signatures = nil
			rec := tc.rec()
			var prev *ticket.Ticket
			if tc.index > 0 {
				prev = h.tks[tc.index-1]
			}
			_, want := ticket.Step(prev, rec, &cold)
			require.ErrorIs(t, want, tc.want)
			n := cache.Len()
			for range 2 {
				tk, err := ticket.Step(prev, rec, v)
				require.Nil(t, tk)
				require.ErrorIs(t, err, tc.want)
				require.Equal(t, want.Error(), err.Error())
				require.Equal(t, n, cache.Len(), "a failing signature entered the cache")
			}
			recs := slices.Clone(h.recs)
			recs[tc.index] = rec
			requireCacheChangesNothing(t, &cold, recs, tc.name, cache)
		})
	}
}

// A signature that fails is never cached: the bad record is refused again,
// with the same error, and the cache does not grow.
func TestSignatureCacheRefusesTwice(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	bad := cloneRecord(t, h.recs[0])
	bad.MerchantSig[40] ^= 1
	cache := ticket.NewSignatureCache(0)
	vc := withCache(w.v, cache)
	_, first := ticket.Step(nil, bad, vc)
	require.ErrorIs(t, first, ticket.ErrSignature)
	n := cache.Len()
	require.Equal(t, 3, n, "the certificate, event and buy signatures verified")
	_, second := ticket.Step(nil, bad, vc)
	require.Equal(t, first.Error(), second.Error())
	_, err := ticket.Replay([]*ticket.Record{bad}, vc)
	requireRecordError(t, err, 0, ticket.ErrSignature)
	require.Equal(t, n, cache.Len())
	// The good record still verifies, and then its signature is cached.
	_, err = ticket.Step(nil, h.recs[0], vc)
	require.NoError(t, err)
	require.Equal(t, n+1, cache.Len())
}

// cacheHistories are the histories of the test worlds: a full life
// cycle, tickets of a cancelled event and their refunds, a return, and a
// ticket of the second merchant; each with the verifier it replays under.
func cacheHistories(t *testing.T) []struct {
	name string
	v    *ticket.Verifier
	recs []*ticket.Record
} {
	w := newWorld(t)
	s := newCancelled(t)
	refunded := *s.xfer
	refunded.recs = slices.Clone(refunded.recs)
	refunded.refund(t)
	rw, gala := richWorld(t)
	returned := rw.buyOf(t, gala, rw.alice, "R-1", t0).ret(t)
	return []struct {
		name string
		v    *ticket.Verifier
		recs []*ticket.Record
	}{
		{"full", w.v, w.full(t).recs},
		{"second merchant", w.v, w.buy(t, w.m2, w.carol, "concert", "M2-1").list(t, resalePrice).transfer(t, w.bob).recs},
		{"cancelled valid", s.w.v, s.valid.recs},
		{"cancelled listed", s.w.v, s.listed.recs},
		{"cancelled consumed", s.w.v, s.use.recs},
		{"refunded", s.w.v, refunded.recs},
		{"returned", rw.v, returned.recs},
	}
}

// Step and Replay give the same results and errors through a cache as
// without one, over the test histories and their alterations: byte flips
// that still parse (one byte in 11, in 97 with -short), fields re-signed by the own merchant, another
// merchant or a stranger, and records dropped, swapped or repeated. Each
// alteration runs through a cache it is new to, through the same cache
// again (which must not have learned its bad signatures), and through one
// shared cache that has seen everything before.
func TestSignatureCacheDifferential(t *testing.T) {
	stride := 11
	if testing.Short() {
		stride = 97
	}
	shared := ticket.NewSignatureCache(0)
	stranger := keyFromLabel(t, "cbets/ticket/test/merchant/stranger")
	w := getCast(t)
	variants := 0
	for _, hc := range cacheHistories(t) {
		check := func(recs []*ticket.Record, what string) {
			variants++
			if raceEnabled && variants%5 != 1 {
				return // a sample: the comparison is sequential
			}
			fresh := ticket.NewSignatureCache(0)
			requireCacheChangesNothing(t, hc.v, recs, hc.name+": "+what, fresh, fresh, shared)
		}
		check(hc.recs, "as recorded")
		for i, rec := range hc.recs {
			raw := rec.Bytes()
			for j := (i * 7) % stride; j < len(raw); j += stride {
				b := slices.Clone(raw)
				b[j] ^= 1 << (j % 8)
				alt, err := ticket.ParseRecord(b)
				if err != nil {
					continue
				}
				recs := slices.Clone(hc.recs)
				recs[i] = alt
				check(recs, fmt.Sprintf("record %d byte %d flipped", i, j))
			}
			for _, key := range []*ecdsa.PrivateKey{w.merchantKey, w.merchant2Key, stranger} {
				alt := cloneRecord(t, rec)
				alt.Time = alt.Time.Add(time.Nanosecond)
				resign(t, key, alt)
				recs := slices.Clone(hc.recs)
				recs[i] = alt
				check(recs, fmt.Sprintf("record %d time re-signed", i))
				alt = cloneRecord(t, rec)
				alt.SignerReputation++
				resign(t, key, alt)
				recs[i] = alt
				check(recs, fmt.Sprintf("record %d settlement re-signed", i))
			}
			check(slices.Delete(slices.Clone(hc.recs), i, i+1), fmt.Sprintf("record %d dropped", i))
			check(slices.Insert(slices.Clone(hc.recs), i, rec), fmt.Sprintf("record %d repeated", i))
			if i+1 < len(hc.recs) {
				recs := slices.Clone(hc.recs)
				recs[i], recs[i+1] = recs[i+1], recs[i]
				check(recs, fmt.Sprintf("records %d and %d swapped", i, i+1))
			}
		}
	}
	t.Logf("%d histories compared; the shared cache holds %d signatures", variants, shared.Len())
}

// precheckMix returns valid records (buys, and a listing of each of a few
// of them) and records with one bad signature, with the signatures that
// verify and those that do not.
type precheckMix struct {
	recs      []*ticket.Record
	prev      []*ticket.Ticket // the ticket each record applies to
	good, bad []ecdsa.BatchItem
}

func newPrecheckMix(t *testing.T, w *world, buys int) *precheckMix {
	m := &precheckMix{}
	item := func(pub *ecdsa.PublicKey, msg, sigb []byte) ecdsa.BatchItem {
		sig, err := ecdsa.ParseRBoundSignature(sigb)
		require.NoError(t, err)
		return ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: sig}
	}
	add := func(prev *ticket.Ticket, rec *ticket.Record, userOK, merchantOK bool) {
		m.recs = append(m.recs, rec)
		m.prev = append(m.prev, prev)
		if rec.Request.Kind == ticket.KindBuy {
			it := item(rec.Request.Cert.PublicKey(), rec.Request.SignedBytes(), rec.Request.Sig)
			if userOK {
				m.good = append(m.good, it)
			} else {
				m.bad = append(m.bad, it)
			}
		}
		it := item(rec.Request.Merchant, rec.SignedBytes(), rec.MerchantSig)
		if merchantOK {
			m.good = append(m.good, it)
		} else {
			m.bad = append(m.bad, it)
		}
	}
	users := []*party{w.eve, w.alice, w.bob, w.carol}
	for i := range buys {
		h := w.buy(t, w.m, users[i%len(users)], "concert", fmt.Sprintf("P-%d", i))
		add(nil, h.recs[0], true, true)
		if i%8 == 0 {
			h.list(t, resalePrice)
			add(h.tks[0], h.recs[1], true, true)
		}
		switch i % 5 {
		case 1: // the buyer's signature over another request
			alt := cloneRecord(t, h.recs[0])
			alt.Request.Sig = m.recs[0].Request.Sig
			resign(t, w.merchantKey, alt)
			add(nil, alt, false, true)
		case 2: // the merchant's signature by another merchant's key
			alt := cloneRecord(t, h.recs[0])
			resign(t, w.merchant2Key, alt)
			add(nil, alt, true, false)
		case 3: // a flipped merchant signature
			alt := cloneRecord(t, h.recs[0])
			alt.Time = alt.Time.Add(time.Nanosecond)
			add(nil, alt, true, false)
		}
	}
	// Records PrecheckSignatures skips: nil, without a request, with a
	// signature that does not parse.
	short := cloneRecord(t, m.recs[0])
	short.MerchantSig = short.MerchantSig[:64]
	m.recs = append(m.recs, nil, &ticket.Record{}, short)
	m.prev = append(m.prev, nil, nil, nil)
	return m
}

// PrecheckSignatures caches exactly the signatures that verify, and Step
// refuses the others as it does without a cache.
func TestSignatureCachePrecheck(t *testing.T) {
	w := newWorld(t)
	for _, buys := range []int{5, 80} { // one batch; batches split over goroutines
		t.Run(fmt.Sprint(buys), func(t *testing.T) {
			m := newPrecheckMix(t, w, buys)
			cache := ticket.NewSignatureCache(0)
			ticket.PrecheckSignatures(m.recs, cache)
			for _, it := range m.good {
				require.True(t, ticket.CacheHoldsRBound(cache, it.PublicKey, it.Message, it.Signature))
			}
			for _, it := range m.bad {
				require.False(t, ticket.CacheHoldsRBound(cache, it.PublicKey, it.Message, it.Signature))
			}
			distinct := map[[32]byte]bool{}
			for _, it := range m.good {
				distinct[ticket.CacheKey(ticket.SchemeRBound, it.PublicKey.Bytes(), it.Message, it.Signature.Bytes())] = true
			}
			require.Equal(t, len(distinct), cache.Len())
			// Once more: nothing new, nothing lost.
			ticket.PrecheckSignatures(m.recs, cache)
			require.Equal(t, len(distinct), cache.Len())
			vc := withCache(w.v, cache)
			for i, rec := range m.recs {
				want, wantErr := ticket.Step(m.prev[i], rec, w.v)
				got, err := ticket.Step(m.prev[i], rec, vc)
				requireSameOutcome(t, want, wantErr, got, err, fmt.Sprintf("record %d", i))
			}
		})
	}
}

// Verifier.PrecheckSignatures batches the certificates, events and
// cancellations too, and Step then finds every R-bound signature cached.
func TestSignatureCacheVerifierPrecheck(t *testing.T) {
	s := newCancelled(t)
	refunded := *s.listed
	refunded.recs = slices.Clone(refunded.recs)
	refunded.refund(t)
	recs := slices.Concat(s.valid.recs, s.xfer.recs, refunded.recs)
	cache := ticket.NewSignatureCache(0)
	vc := withCache(s.w.v, cache)
	vc.PrecheckSignatures(recs)
	// Certificates of eve, bob and carol, the event, its cancellation, a
	// buy signature and a merchant signature for each ticket, and the
	// merchant signatures of the other records.
	n := 3 + 1 + 1 + 3*2 + (len(recs) - 3)
	require.Equal(t, n, cache.Len())
	for _, h := range [][]*ticket.Record{s.valid.recs, s.xfer.recs, refunded.recs} {
		_, err := ticket.Replay(h, vc)
		require.NoError(t, err)
	}
	// Only the ω were left: xfer's listing and transfer, refunded's
	// listing and refund.
	require.Equal(t, n+4, cache.Len())
	// Without a cache, or without a verifier, nothing happens.
	var nilVerifier *ticket.Verifier
	nilVerifier.PrecheckSignatures(recs)
	s.w.v.PrecheckSignatures(recs)
	require.Nil(t, s.w.v.Signatures)
}

// Eviction keeps the cache within its size, forgetting the oldest entries
// first.
func TestSignatureCacheEviction(t *testing.T) {
	w := newWorld(t)
	const size = 3
	c := ticket.NewSignatureCache(size)
	var added []ecdsa.BatchItem // in the order PrecheckSignatures adds them
	var hs []*hist
	for i := range 5 {
		h := w.buy(t, w.m, w.eve, "concert", fmt.Sprintf("E-%d", i))
		hs = append(hs, h)
		rec := h.recs[0]
		added = append(added,
			ecdsa.BatchItem{PublicKey: rec.Request.Cert.PublicKey(), Message: rec.Request.SignedBytes(), Signature: mustRBound(t, rec.Request.Sig)},
			ecdsa.BatchItem{PublicKey: rec.Request.Merchant, Message: rec.SignedBytes(), Signature: mustRBound(t, rec.MerchantSig)})
		ticket.PrecheckSignatures(h.recs, c)
		require.Equal(t, min(len(added), size), c.Len())
		for j, it := range added {
			held := ticket.CacheHoldsRBound(c, it.PublicKey, it.Message, it.Signature)
			require.Equal(t, j >= len(added)-size, held, "after buy %d, signature %d of %d", i, j, len(added))
		}
	}
	// Step through a full cache stays correct, and the cache stays full.
	vc := withCache(w.v, c)
	for _, h := range hs {
		_, err := ticket.Step(nil, h.recs[0], vc)
		require.NoError(t, err)
		require.Equal(t, size, c.Len())
	}
	require.Zero(t, ticket.NewSignatureCache(1).Len())
}

// mustRBound parses an R-bound signature.
func mustRBound(tb testing.TB, b []byte) *ecdsa.RBoundSignature {
	tb.Helper()
	sig, err := ecdsa.ParseRBoundSignature(b)
	require.NoError(tb, err)
	return sig
}

// One cache shared by goroutines that step records, replay histories and
// precheck blocks at once, with a small size so that entries are evicted
// meanwhile: every result is the one without a cache. Run it with -race.
func TestSignatureCacheConcurrent(t *testing.T) {
	w := newWorld(t)
	m := newPrecheckMix(t, w, 24)
	full := w.full(t)
	type outcome struct {
		tk  *ticket.Ticket
		err error
	}
	want := make([]outcome, len(m.recs))
	for i, rec := range m.recs {
		want[i].tk, want[i].err = ticket.Step(m.prev[i], rec, w.v)
	}
	wantFull, err := ticket.Replay(full.recs, w.v)
	require.NoError(t, err)
	cache := ticket.NewSignatureCache(16)
	vc := withCache(w.v, cache)
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for r := range rounds {
				for k := range m.recs {
					i := (k*(g+1) + r) % len(m.recs)
					tk, err := ticket.Step(m.prev[i], m.recs[i], vc)
					requireSameOutcome(t, want[i].tk, want[i].err, tk, err, fmt.Sprintf("goroutine %d record %d", g, i))
				}
				got, err := ticket.Replay(full.recs, vc)
				requireSameOutcome(t, wantFull, nil, got, err, "replay")
				ticket.PrecheckSignatures(m.recs, cache)
				vc.PrecheckSignatures(full.recs)
				require.LessOrEqual(t, cache.Len(), 16)
			}
		})
	}
	wg.Wait()
}
