package ticket_test

import (
	"testing"

	"github.com/cbets/cbets/ticket"
)

// BenchmarkReplayLong replays a 1,000-record history under one merchant
// key: a buy, then the holder listing and delisting the ticket in turn.
// Every merchant signature has the same key, which the batch merges into
// one term.
func BenchmarkReplayLong(b *testing.B) {
	w := newWorld(b)
	h := w.bought(b)
	for len(h.recs) < 999 {
		h = h.list(b, resalePrice).delist(b)
	}
	h = h.list(b, resalePrice)
	recs := parsedCopies(b, h.recs)
	if len(recs) != 1000 {
		b.Fatalf("%d records", len(recs))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ticket.Replay(recs, w.v); err != nil {
			b.Fatal(err)
		}
	}
}
