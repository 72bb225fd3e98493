package ticket_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// The fuzzers check that each decoder returns exactly one of a value and
// an error, that errors are ErrMalformed, that a decoded value encodes
// back to its input, and that nothing panics.

// fuzzSeeds returns valid encodings of certificates, requests of each
// kind and records of each kind.
func fuzzSeeds(f *testing.F) (certs, reqs, recs [][]byte) {
	w, rq, rc := samples(f)
	for _, c := range []*ticket.Certificate{w.eve.cert, w.alice.cert, w.mallory.cert} {
		certs = append(certs, c.Bytes())
	}
	for _, q := range rq {
		reqs = append(reqs, q.Bytes())
	}
	for _, r := range rc {
		recs = append(recs, r.Bytes())
	}
	return certs, reqs, recs
}

// addSeeds adds each seed, a truncation and a one-byte extension.
func addSeeds(f *testing.F, seeds [][]byte) {
	for _, s := range seeds {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(append(bytes.Clone(s), 0))
	}
	f.Add([]byte{})
}

// jsonIDsValid reports whether the strings a JSON form shows as text are
// UTF-8: json.Marshal replaces invalid bytes, so other values do not
// survive the JSON form (see TestJSONInvalidUTF8).
func jsonIDsValid(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func FuzzParseCertificate(f *testing.F) {
	certs, _, _ := fuzzSeeds(f)
	addSeeds(f, certs)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ticket.ParseCertificate(b)
		if (c == nil) == (err == nil) {
			t.Fatalf("ParseCertificate returned %v and %v", c, err)
		}
		if err != nil {
			require.ErrorIs(t, err, ticket.ErrMalformed)
			return
		}
		require.Equal(t, b, c.Bytes())
		if jsonIDsValid(c.ID()) {
			doc, err := json.Marshal(c)
			require.NoError(t, err)
			var back ticket.Certificate
			require.NoError(t, json.Unmarshal(doc, &back))
			require.Equal(t, b, back.Bytes())
		}
	})
}

func FuzzParseRequest(f *testing.F) {
	_, reqs, _ := fuzzSeeds(f)
	addSeeds(f, reqs)
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := ticket.ParseRequest(b)
		if (q == nil) == (err == nil) {
			t.Fatalf("ParseRequest returned %v and %v", q, err)
		}
		if err != nil {
			require.ErrorIs(t, err, ticket.ErrMalformed)
			return
		}
		require.Equal(t, b, q.Bytes())
		require.True(t, bytes.HasPrefix(b, q.SignedBytes()))
		require.Contains(t, []ticket.Kind{ticket.KindBuy, ticket.KindList, ticket.KindDelist, ticket.KindTransfer,
			ticket.KindConsume, ticket.KindRefund, ticket.KindReturn}, q.Kind)
		if jsonIDsValid(q.Event, q.Serial, q.Cert.ID()) {
			doc, err := json.Marshal(q)
			require.NoError(t, err)
			var back ticket.Request
			require.NoError(t, json.Unmarshal(doc, &back))
			require.Equal(t, b, back.Bytes())
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	_, _, recs := fuzzSeeds(f)
	addSeeds(f, recs)
	w, _, _ := samples(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := ticket.ParseRecord(b)
		if (rec == nil) == (err == nil) {
			t.Fatalf("ParseRecord returned %v and %v", rec, err)
		}
		if err != nil {
			require.ErrorIs(t, err, ticket.ErrMalformed)
			return
		}
		require.Equal(t, b, rec.Bytes())
		require.True(t, bytes.HasPrefix(b, rec.SignedBytes()))
		_ = rec.Hash()
		// Replaying a decoded record never panics.
		_, _ = ticket.Replay([]*ticket.Record{rec}, w.v)
		q := rec.Request
		if jsonIDsValid(q.Event, q.Serial, q.Cert.ID()) {
			doc, err := json.Marshal(rec)
			require.NoError(t, err)
			var back ticket.Record
			require.NoError(t, json.Unmarshal(doc, &back))
			require.Equal(t, b, back.Bytes())
		}
	})
}

// FuzzUnmarshalJSON feeds documents to the five JSON decoders.
func FuzzUnmarshalJSON(f *testing.F) {
	certs, reqs, recs := fuzzSeeds(f)
	w, _, _ := samples(f)
	for _, v := range []json.Marshaler{w.eve.cert, w.v.Events[0], w.v.Events[1], w.v.Cancellations[0]} {
		doc, err := v.MarshalJSON()
		require.NoError(f, err)
		f.Add(doc)
	}
	for _, raw := range reqs {
		q, err := ticket.ParseRequest(raw)
		require.NoError(f, err)
		doc, err := json.Marshal(q)
		require.NoError(f, err)
		f.Add(doc)
	}
	for _, raw := range recs {
		r, err := ticket.ParseRecord(raw)
		require.NoError(f, err)
		doc, err := json.Marshal(r)
		require.NoError(f, err)
		f.Add(doc)
	}
	f.Add([]byte(`{"encoding":"` + hex.EncodeToString(certs[0]) + `"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"request":{}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var c ticket.Certificate
		if err := json.Unmarshal(doc, &c); err == nil {
			again, err := json.Marshal(&c)
			require.NoError(t, err)
			var back ticket.Certificate
			require.NoError(t, json.Unmarshal(again, &back))
			require.Equal(t, c.Bytes(), back.Bytes())
		}
		var q ticket.Request
		if err := json.Unmarshal(doc, &q); err == nil {
			again, err := json.Marshal(&q)
			require.NoError(t, err)
			var back ticket.Request
			require.NoError(t, json.Unmarshal(again, &back))
			require.Equal(t, q.Bytes(), back.Bytes())
		}
		var r ticket.Record
		if err := json.Unmarshal(doc, &r); err == nil {
			again, err := json.Marshal(&r)
			require.NoError(t, err)
			var back ticket.Record
			require.NoError(t, json.Unmarshal(again, &back))
			require.Equal(t, r.Bytes(), back.Bytes())
		}
		var e ticket.Event
		if err := json.Unmarshal(doc, &e); err == nil {
			again, err := json.Marshal(&e)
			require.NoError(t, err)
			var back ticket.Event
			require.NoError(t, json.Unmarshal(again, &back))
			require.Equal(t, e.Bytes(), back.Bytes())
		}
		var x ticket.Cancellation
		if err := json.Unmarshal(doc, &x); err == nil {
			again, err := json.Marshal(&x)
			require.NoError(t, err)
			var back ticket.Cancellation
			require.NoError(t, json.Unmarshal(again, &back))
			require.Equal(t, x.Bytes(), back.Bytes())
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	w := newWorld(f)
	e := w.event(f, w.m, "concert")
	addSeeds(f, [][]byte{e.Bytes(), w.event(f, w.m2, "opera").Bytes(), w.publish(f, w.merchantKey, richTerms("gala")).Bytes()})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ticket.ParseEvent(b)
		if (e == nil) == (err == nil) {
			t.Fatalf("ParseEvent returned %v and %v", e, err)
		}
		if err != nil {
			require.True(t, errors.Is(err, ticket.ErrMalformed) || errors.Is(err, ticket.ErrEvent), "%v", err)
			return
		}
		require.Equal(t, b, e.Bytes())
		if jsonIDsValid(e.ID()) {
			doc, err := json.Marshal(e)
			require.NoError(t, err)
			var back ticket.Event
			require.NoError(t, json.Unmarshal(doc, &back))
			require.Equal(t, b, back.Bytes())
		}
	})
}

func FuzzParseCancellation(f *testing.F) {
	w, _, _ := samples(f)
	gala := w.v.Events[len(w.v.Events)-1]
	addSeeds(f, [][]byte{w.v.Cancellations[0].Bytes()})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ticket.ParseCancellation(b)
		if (c == nil) == (err == nil) {
			t.Fatalf("ParseCancellation returned %v and %v", c, err)
		}
		if err != nil {
			require.ErrorIs(t, err, ticket.ErrMalformed)
			return
		}
		require.Equal(t, b, c.Bytes())
		// Verifying a decoded cancellation never panics, and only the
		// seed verifies.
		if err := c.Verify(gala); err == nil {
			require.Equal(t, w.v.Cancellations[0].Bytes(), b)
		} else {
			require.ErrorIs(t, err, ticket.ErrEvent)
		}
		if jsonIDsValid(c.Event()) {
			doc, err := json.Marshal(c)
			require.NoError(t, err)
			var back ticket.Cancellation
			require.NoError(t, json.Unmarshal(doc, &back))
			require.Equal(t, b, back.Bytes())
		}
	})
}
