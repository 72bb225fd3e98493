package ticket_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// requireRecordError checks that err is a *RecordError for record index
// and, if want is not nil, that it wraps want.
func requireRecordError(tb testing.TB, err error, index int, want error, what ...string) {
	tb.Helper()
	require.Error(tb, err, what)
	var re *ticket.RecordError
	require.True(tb, errors.As(err, &re), "%v: not a *RecordError: %v", what, err)
	require.Equal(tb, index, re.Index, "%v: %v", what, err)
	requireMessage(tb, err)
	require.Contains(tb, err.Error(), fmt.Sprintf("ticket: record %d (%v): ", index, re.Kind))
	if want != nil {
		require.ErrorIs(tb, err, want, what)
	}
}

func TestReplayFullHistory(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	require.Len(t, h.recs, 6)
	for _, recs := range [][]*ticket.Record{h.recs, parsedCopies(t, h.recs)} {
		got, err := ticket.Replay(recs, w.v)
		require.NoError(t, err)
		requireSameTicket(t, h.tk, got)
		require.Equal(t, ticket.Consumed, got.State)
		require.True(t, got.Holder.Equal(w.alice.cert))
		require.Equal(t, uint32(1), got.Age)
		require.Equal(t, resalePrice, got.Price)
	}
	// Every prefix is a history too, and replays to the ticket the
	// transitions returned at that point.
	for i := range h.recs {
		got, err := ticket.Replay(h.recs[:i+1], w.v)
		require.NoError(t, err, "prefix %d", i+1)
		requireSameTicket(t, h.tks[i], got, "prefix %d", i+1)
	}
}

// Replay refuses each record of a flipped byte that still parses, naming
// it; the bytes that do not parse are refused by ParseRecord.
func TestReplayByteFlips(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	stride := 1
	if testing.Short() {
		stride = 29
	}
	parsed, refused := 0, 0
	for i, rec := range h.recs {
		raw := rec.Bytes()
		for j := i % stride; j < len(raw); j += stride {
			for _, mask := range []byte{0x01, 0x80} {
				b := slices.Clone(raw)
				b[j] ^= mask
				alt, err := ticket.ParseRecord(b)
				if err != nil {
					require.ErrorIs(t, err, ticket.ErrMalformed)
					refused++
					continue
				}
				parsed++
				recs := slices.Clone(h.recs)
				recs[i] = alt
				_, err = ticket.Replay(recs, w.v)
				requireRecordError(t, err, i, nil, fmt.Sprintf("record %d byte %d mask %#x", i, j, mask))
			}
		}
	}
	t.Logf("%d altered records parsed and were refused by Replay, %d did not parse", parsed, refused)
	require.Positive(t, parsed)
}

// A field of a record changed and the record signed again: by another
// known merchant, by an unknown key, or by the ticket's own merchant. The
// last is accepted only for fields the merchant chooses freely.
func TestReplayResigned(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	stranger := keyFromLabel(t, "cbets/ticket/test/merchant/stranger")
	always := func(ticket.Kind) bool { return true }
	never := func(ticket.Kind) bool { return false }
	listing := func(k ticket.Kind) bool { return k == ticket.KindList }
	fields := []struct {
		name string
		edit func(*ticket.Record)
		// free tells for which kinds of record the ticket's merchant
		// may sign any value: the record time, and the standing it
		// relied on for a listing that still passes the gate.
		free func(ticket.Kind) bool
	}{
		{"time +1ns", func(r *ticket.Record) { r.Time = r.Time.Add(time.Nanosecond) }, always},
		{"seller reputation", func(r *ticket.Record) { r.Seller.Reputation += 1000 }, listing},
		{"seller transfers", func(r *ticket.Record) { r.Seller.Transfers++ }, listing},
		{"tax", func(r *ticket.Record) { r.Tax++ }, never},
		{"payout", func(r *ticket.Record) { r.Payout++ }, never},
		{"signer reputation", func(r *ticket.Record) { r.SignerReputation++ }, never},
		{"seller reputation change", func(r *ticket.Record) { r.SellerReputation-- }, never},
		{"request price", func(r *ticket.Record) { r.Request.Price++ }, never},
	}
	for i := range h.recs {
		for _, f := range fields {
			for _, signer := range []struct {
				name string
				key  *ecdsa.PrivateKey
			}{{"other merchant", w.merchant2Key}, {"stranger", stranger}, {"own merchant", w.merchantKey}} {
				name := fmt.Sprintf("record %d %s by %s", i, f.name, signer.name)
				alt := cloneRecord(t, h.recs[i])
				f.edit(alt)
				resign(t, signer.key, alt)
				recs := slices.Clone(h.recs)
				recs[i] = alt
				_, err := ticket.Replay(recs, w.v)
				free := f.free(alt.Request.Kind)
				switch {
				case signer.key != w.merchantKey:
					requireRecordError(t, err, i, nil, name)
				case free && i+1 < len(recs):
					// The record verifies; the next one names the
					// original hash.
					requireRecordError(t, err, i+1, ticket.ErrForeign, name)
				case free:
					require.NoError(t, err, name)
				default:
					requireRecordError(t, err, i, nil, name)
				}
			}
		}
	}
	// The own merchant's re-signed settlements: ErrMismatch where the
	// field is one the policy computes.
	for _, i := range []int{0, 4} {
		alt := cloneRecord(t, h.recs[i])
		alt.SignerReputation += 10
		resign(t, w.merchantKey, alt)
		recs := slices.Clone(h.recs)
		recs[i] = alt
		_, err := ticket.Replay(recs, w.v)
		requireRecordError(t, err, i, ticket.ErrMismatch)
	}
}

// Records missing, swapped or duplicated are refused at the first record
// out of place.
func TestReplayOrder(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	n := len(h.recs)
	for i := 0; i < n-1; i++ {
		// Missing record i: the record now at i names another head (or,
		// for i = 0, there is no ticket yet).
		recs := slices.Delete(slices.Clone(h.recs), i, i+1)
		_, err := ticket.Replay(recs, w.v)
		want := ticket.ErrForeign
		if i == 0 {
			want = ticket.ErrState
		}
		requireRecordError(t, err, i, want, fmt.Sprintf("missing %d", i))

		// Records i and i+1 swapped.
		recs = slices.Clone(h.recs)
		recs[i], recs[i+1] = recs[i+1], recs[i]
		_, err = ticket.Replay(recs, w.v)
		requireRecordError(t, err, i, nil, fmt.Sprintf("swapped %d", i))

		// Record i duplicated.
		recs = slices.Insert(slices.Clone(h.recs), i, h.recs[i])
		_, err = ticket.Replay(recs, w.v)
		requireRecordError(t, err, i+1, nil, fmt.Sprintf("duplicated %d", i))
	}
	// The last record duplicated.
	_, err := ticket.Replay(append(slices.Clone(h.recs), h.recs[n-1]), w.v)
	requireRecordError(t, err, n, ticket.ErrForeign)
	// The whole history reversed.
	rev := slices.Clone(h.recs)
	slices.Reverse(rev)
	_, err = ticket.Replay(rev, w.v)
	requireRecordError(t, err, 0, ticket.ErrState)
	// A truncated history is a valid history of an earlier state: only a
	// store that keeps every record can tell.
	got, err := ticket.Replay(h.recs[:n-1], w.v)
	require.NoError(t, err)
	requireSameTicket(t, h.tks[n-2], got)
}

// Records of another ticket are refused where they are spliced in.
func TestReplaySpliced(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	// The same life at another serial, same holder and merchant, same
	// times: only the ticket identity and heads differ.
	o := w.buy(t, w.m, w.eve, "concert", "A-2").list(t, resalePrice).delist(t).list(t, resalePrice).transfer(t, w.alice).consume(t)
	for i := range h.recs {
		recs := slices.Clone(h.recs)
		recs[i] = o.recs[i]
		_, err := ticket.Replay(recs, w.v)
		want := ticket.ErrForeign
		idx := i
		if i == 0 {
			// A Buy of another ticket starts a valid history; the
			// next record is for another ticket.
			idx = 1
		}
		requireRecordError(t, err, idx, want, fmt.Sprintf("replaced %d", i))

		recs = slices.Insert(slices.Clone(h.recs), i, o.recs[i])
		_, err = ticket.Replay(recs, w.v)
		if i == 0 {
			requireRecordError(t, err, 1, ticket.ErrState, fmt.Sprintf("inserted %d", i))
		} else {
			requireRecordError(t, err, i, ticket.ErrForeign, fmt.Sprintf("inserted %d", i))
		}
	}
}

// Records of one merchant are refused in another merchant's history, and
// records of an unknown merchant are refused.
func TestReplayMerchants(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	// The same ticket id, holder and times at the second merchant.
	o := w.buy(t, w.m2, w.eve, "concert", "A-1").list(t, resalePrice).delist(t).list(t, resalePrice).transfer(t, w.alice).consume(t)
	got, err := ticket.Replay(o.recs, w.v)
	require.NoError(t, err)
	requireSameTicket(t, o.tk, got)
	for i := range h.recs {
		recs := slices.Clone(h.recs)
		recs[i] = o.recs[i]
		_, err := ticket.Replay(recs, w.v)
		idx := i
		if i == 0 {
			idx = 1 // the second merchant's Buy is a valid start
		}
		requireRecordError(t, err, idx, ticket.ErrForeign, fmt.Sprintf("record %d of the other merchant", i))

		// A verifier that knows only the first merchant.
		only := *w.v
		only.Merchants = []*ecdsa.PublicKey{w.m.PublicKey()}
		_, err = ticket.Replay(recs, &only)
		requireRecordError(t, err, i, ticket.ErrForeign, fmt.Sprintf("record %d of an unknown merchant", i))
	}
	for _, ms := range [][]*ecdsa.PublicKey{{w.m2.PublicKey()}, {w.registrar.PublicKey()}} {
		v := *w.v
		v.Merchants = ms
		_, err := ticket.Replay(h.recs, &v)
		requireRecordError(t, err, 0, ticket.ErrForeign)
	}
	// A verifier without a usable merchant key is refused before any
	// record.
	for _, ms := range [][]*ecdsa.PublicKey{nil, {nil}, {new(ecdsa.PublicKey)}} {
		v := *w.v
		v.Merchants = ms
		_, err := ticket.Replay(h.recs, &v)
		require.ErrorIs(t, err, ticket.ErrKey)
		var re *ticket.RecordError
		require.False(t, errors.As(err, &re))
	}
	// A verifier trusting another registrar refuses the certificates.
	v := *w.v
	v.Registrar = w.otherRegistrar.PublicKey()
	_, err = ticket.Replay(h.recs, &v)
	requireRecordError(t, err, 0, ticket.ErrCertificate)
}

func TestReplayStructure(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	_, err := ticket.Replay(nil, w.v)
	require.ErrorIs(t, err, ticket.ErrMalformed)
	var re *ticket.RecordError
	require.False(t, errors.As(err, &re), "an empty history names no record")

	_, err = ticket.Replay([]*ticket.Record{h.recs[0], nil}, w.v)
	requireRecordError(t, err, 1, ticket.ErrMalformed)
	_, err = ticket.Replay([]*ticket.Record{h.recs[0], {}}, w.v)
	requireRecordError(t, err, 1, ticket.ErrMalformed)

	// A second Buy of the same ticket.
	b := w.buy(t, w.m, w.bob, "concert", "A-1")
	_, err = ticket.Replay([]*ticket.Record{h.recs[0], b.recs[0]}, w.v)
	requireRecordError(t, err, 1, ticket.ErrState)
	_, err = ticket.Replay([]*ticket.Record{h.recs[0], h.recs[0]}, w.v)
	requireRecordError(t, err, 1, ticket.ErrState)
	// A history that does not start with a Buy.
	_, err = ticket.Replay(h.recs[1:], w.v)
	requireRecordError(t, err, 0, ticket.ErrState)

	// The error names the record and its kind.
	_, err = ticket.Replay(h.recs[2:], w.v)
	require.True(t, errors.As(err, &re))
	require.Equal(t, ticket.KindDelist, re.Kind)
	require.Contains(t, err.Error(), "record 0 (delist)")
	require.ErrorIs(t, re, ticket.ErrState)
}

// What the ticket's own merchant cannot sign into a history: Replay
// re-checks every rule, not only the signatures.
func TestReplayMerchantForgeries(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	// mutate returns the history with record i edited and re-signed by
	// the ticket's merchant.
	mutate := func(i int, edit func(*ticket.Record)) []*ticket.Record {
		alt := cloneRecord(t, h.recs[i])
		edit(alt)
		resign(t, w.merchantKey, alt)
		recs := slices.Clone(h.recs)
		recs[i] = alt
		return recs
	}
	for _, tc := range []struct {
		name  string
		index int
		want  error
		edit  func(*ticket.Record)
	}{
		{"listing at a standing below the gate", 1, ticket.ErrReputation, func(r *ticket.Record) { r.Seller.Reputation = 499 }},
		{"record time before the previous record", 2, ticket.ErrTime, func(r *ticket.Record) { r.Time = h.recs[1].Time.Add(-time.Nanosecond) }},
		{"record time before its request", 3, ticket.ErrTime, func(r *ticket.Record) { r.Time = r.Request.Time.Add(-time.Nanosecond) }},
		{"transfer taxed less", 4, ticket.ErrMismatch, func(r *ticket.Record) { r.Tax, r.Payout = 0, r.Request.Price }},
		{"transfer without the seller's penalty", 4, ticket.ErrMismatch, func(r *ticket.Record) { r.SellerReputation = 0 }},
		{"transfer discounted for a standing not recorded", 4, ticket.ErrMismatch, func(r *ticket.Record) {
			r.Tax = r.Tax * 8 / 10
			r.Payout = r.Request.Price - r.Tax
		}},
		{"buy with a settlement", 0, ticket.ErrMismatch, func(r *ticket.Record) { r.Tax = 1 }},
		{"buy with a standing", 0, ticket.ErrMismatch, func(r *ticket.Record) { r.Seller.Reputation = 1 }},
		{"consume without Σ", 5, ticket.ErrMalformed, func(r *ticket.Record) { r.Consumption = nil }},
		{"delist with Σ", 2, ticket.ErrMalformed, func(r *ticket.Record) { r.Consumption = h.recs[5].Consumption }},
		{"malformed merchant signature", 3, ticket.ErrMalformed, func(*ticket.Record) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := mutate(tc.index, tc.edit)
			if tc.name == "malformed merchant signature" {
				recs[tc.index].MerchantSig = recs[tc.index].MerchantSig[:64]
			}
			_, err := ticket.Replay(recs, w.v)
			requireRecordError(t, err, tc.index, tc.want)
		})
	}

	t.Run("Σ completed over another ω of the holder", func(t *testing.T) {
		// The holder's ω on another message, completed by the
		// merchant: Σ verifies on that message but does not contain
		// the request's ω.
		cons := h.recs[5]
		msg := []byte("another message")
		omega, err := ecdsa.SignInverseS(w.alice.key, msg, nil)
		require.NoError(t, err)
		sigma, err := multisig.Complete(w.merchantKey, w.alice.key.PublicKey(), msg, omega, nil)
		require.NoError(t, err)
		recs := mutate(5, func(r *ticket.Record) { r.Consumption = sigma.Bytes() })
		_, err = ticket.Replay(recs, w.v)
		requireRecordError(t, err, 5, ticket.ErrMismatch)
		require.NotEqual(t, cons.Consumption, sigma.Bytes())
	})
	t.Run("Σ completed by another merchant", func(t *testing.T) {
		req := h.recs[5].Request
		omega, err := ecdsa.ParseInverseSSignature(req.Sig)
		require.NoError(t, err)
		sigma, err := multisig.Complete(w.merchant2Key, w.alice.key.PublicKey(), req.SignedBytes(), omega, nil)
		require.NoError(t, err)
		recs := mutate(5, func(r *ticket.Record) { r.Consumption = sigma.Bytes() })
		_, err = ticket.Replay(recs, w.v)
		requireRecordError(t, err, 5, ticket.ErrSignature)
	})
	t.Run("merchant signature of another record", func(t *testing.T) {
		recs := slices.Clone(h.recs)
		alt := cloneRecord(t, recs[3])
		alt.MerchantSig = recs[2].MerchantSig
		recs[3] = alt
		_, err := ticket.Replay(recs, w.v)
		requireRecordError(t, err, 3, ticket.ErrSignature)
	})
	t.Run("consumption of a listed ticket", func(t *testing.T) {
		// The holder signs a consume request on a listed ticket; the
		// merchant records it against the rules.
		l := w.bought(t).list(t, resalePrice)
		q := signAs(t, w.eve.key, l.draft(ticket.KindConsume, w.eve.cert, 0, ecdsa.Address{}, l.tick()))
		_, _, err := w.m.Consume(l.tk, q, l.now)
		require.ErrorIs(t, err, ticket.ErrState)
		omega, err := ecdsa.ParseInverseSSignature(q.Sig)
		require.NoError(t, err)
		sigma, err := multisig.Complete(w.merchantKey, w.eve.key.PublicKey(), q.SignedBytes(), omega, nil)
		require.NoError(t, err)
		rec := resign(t, w.merchantKey, &ticket.Record{Request: q, Time: l.now, Consumption: sigma.Bytes()})
		_, err = ticket.Replay(append(l.recs, rec), w.v)
		requireRecordError(t, err, 2, ticket.ErrState)
	})
	t.Run("listing of a transferred ticket", func(t *testing.T) {
		l := w.bought(t).list(t, resalePrice).transfer(t, w.alice)
		q := signAs(t, w.alice.key, l.draft(ticket.KindList, w.alice.cert, resalePrice, w.alice.wid, l.tick()))
		_, _, err := w.m.List(l.tk, q, goodStanding, l.now)
		require.ErrorIs(t, err, ticket.ErrTransferLimit)
		rec := resign(t, w.merchantKey, &ticket.Record{Request: q, Time: l.now, Seller: goodStanding.Seller})
		_, err = ticket.Replay(append(l.recs, rec), w.v)
		requireRecordError(t, err, 3, ticket.ErrTransferLimit)
		// The same record is valid under a policy allowing two
		// transfers.
		v := *w.v
		v.Policy.MaxTransfers = 2
		got, err := ticket.Replay(append(l.recs, rec), &v)
		require.NoError(t, err)
		require.Equal(t, ticket.Listed, got.State)
	})
	t.Run("transfer without the buyer's request", func(t *testing.T) {
		// The merchant cannot move a ticket to a buyer who did not sign.
		l := w.bought(t).list(t, resalePrice)
		q := signAs(t, w.merchantKey, l.draft(ticket.KindTransfer, w.bob.cert, resalePrice, ecdsa.Address{}, l.tick()))
		rec := resign(t, w.merchantKey, &ticket.Record{Request: q, Time: l.now, Seller: goodStanding.Seller,
			Tax: 1500, Payout: 10500, SignerReputation: 5, SellerReputation: -20})
		_, err := ticket.Replay(append(l.recs, rec), w.v)
		requireRecordError(t, err, 2, ticket.ErrSignature)
	})
}

// The verifier's policy is the one the records are checked against.
func TestReplayPolicy(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	v := *w.v
	v.Policy.ListingThreshold = 700 // the listings relied on 600
	_, err := ticket.Replay(h.recs, &v)
	requireRecordError(t, err, 1, ticket.ErrReputation)
	v = *w.v
	v.Policy.PurchaseReward = 6
	_, err = ticket.Replay(h.recs, &v)
	requireRecordError(t, err, 0, ticket.ErrMismatch)
	v = *w.v
	v.Policy.Discount = w.policy.Discount
	v.Policy.Schedule = nil
	_, err = ticket.Replay(h.recs, &v)
	require.Error(t, err)
}

// Hand-built records and verifiers with nil keys are refused, never a
// panic.
func TestReplayNilKeys(t *testing.T) {
	w := newWorld(t)
	h := w.full(t)
	v := *w.v
	v.Merchants = append([]*ecdsa.PublicKey{nil}, v.Merchants...)
	_, err := ticket.Replay(h.recs, &v)
	require.NoError(t, err, "a nil entry among the merchants is skipped")

	rec := cloneRecord(t, h.recs[1])
	rec.Request.Merchant = nil
	recs := append([]*ticket.Record{h.recs[0], rec}, h.recs[2:]...)
	_, err = ticket.Replay(recs, w.v)
	var re *ticket.RecordError
	require.ErrorAs(t, err, &re)
	require.Equal(t, 1, re.Index)
	require.ErrorIs(t, err, ticket.ErrMalformed)
}

// Fields a record's kind does not use must be zero in its encoding.
func TestParseRecordUnusedFields(t *testing.T) {
	w, _, recs := samples(t)
	for i, rec := range recs {
		kind := rec.Request.Kind
		for name, edit := range map[string]func(*ticket.Record){
			"tax":              func(r *ticket.Record) { r.Tax = 1 },
			"payout":           func(r *ticket.Record) { r.Payout = 1 },
			"seller change":    func(r *ticket.Record) { r.SellerReputation = -1 },
			"seller standing":  func(r *ticket.Record) { r.Seller.Reputation = 1 },
			"signer reward":    func(r *ticket.Record) { r.SignerReputation = 1 },
			"seller transfers": func(r *ticket.Record) { r.Seller.Transfers = 1 },
		} {
			settles := kind == ticket.KindTransfer || kind == ticket.KindRefund || kind == ticket.KindReturn
			used := map[string]bool{
				"tax": settles, "payout": settles,
				"seller change":    kind == ticket.KindTransfer,
				"seller standing":  kind == ticket.KindList || kind == ticket.KindTransfer,
				"seller transfers": kind == ticket.KindList || kind == ticket.KindTransfer,
				"signer reward":    kind == ticket.KindBuy || kind == ticket.KindTransfer || kind == ticket.KindReturn,
			}[name]
			if used {
				continue
			}
			c := cloneRecord(t, rec)
			edit(c)
			_, err := ticket.ParseRecord(resign(t, w.merchantKey, c).Bytes())
			require.ErrorIs(t, err, ticket.ErrMalformed, "record %d (%v): %s", i, kind, name)
		}
	}
}
