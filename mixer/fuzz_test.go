package mixer_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cbets/cbets/mixer"
	"github.com/stretchr/testify/require"
)

// The fuzzers check that each decoder returns exactly one of a value and
// an error, that its errors are ErrMalformed (or, for a transaction parsed
// against the sample ring, ErrRingMismatch), that a decoded value encodes
// back to its input, and that nothing panics; and that the state machines
// take any bytes without panicking.

// addSeeds adds each seed, a truncation and a one-byte extension.
func addSeeds(f *testing.F, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(append(bytes.Clone(s), 0))
	}
	f.Add([]byte{})
}

func fuzzParser(f *testing.F, kind mixer.Kind) {
	addSeeds(f, samples(f).byKind()[kind])
	parse := parsers[kind]
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := parse(b)
		if err != nil {
			if kind != mixer.KindTransaction || !errors.Is(err, mixer.ErrRingMismatch) {
				require.ErrorIs(t, err, mixer.ErrMalformed)
			}
			requireReadable(t, err)
			require.Nil(t, out)
			return
		}
		require.Equal(t, b, out)
		k, err := mixer.KindOf(b)
		require.NoError(t, err)
		require.Equal(t, kind, k)
	})
}

func FuzzParseAnnouncement(f *testing.F)      { fuzzParser(f, mixer.KindAnnouncement) }
func FuzzParseRequest(f *testing.F)           { fuzzParser(f, mixer.KindRequest) }
func FuzzParseRoster(f *testing.F)            { fuzzParser(f, mixer.KindRoster) }
func FuzzParseRegistration(f *testing.F)      { fuzzParser(f, mixer.KindRegistration) }
func FuzzParseTransaction(f *testing.F)       { fuzzParser(f, mixer.KindTransaction) }
func FuzzParseConfirmation(f *testing.F)      { fuzzParser(f, mixer.KindConfirmation) }
func FuzzParseRefusal(f *testing.F)           { fuzzParser(f, mixer.KindRefusal) }
func FuzzParseSignedTransaction(f *testing.F) { fuzzParser(f, mixer.KindSignedTransaction) }
func FuzzParseBundle(f *testing.F)            { fuzzParser(f, mixer.KindBundle) }
func FuzzParseCompletion(f *testing.F)        { fuzzParser(f, mixer.KindCompletion) }

func FuzzKindOf(f *testing.F) {
	s := samples(f)
	for _, b := range s.byKind() {
		f.Add(b[:min(len(b), 40)])
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := mixer.KindOf(b)
		if err != nil {
			require.ErrorIs(t, err, mixer.ErrMalformed)
			return
		}
		require.NotContains(t, k.String(), "Kind(")
	})
}

// FuzzServerHandle hands a server in each phase arbitrary bytes.
func FuzzServerHandle(f *testing.F) {
	s := samples(f)
	addSeeds(f, s.req, s.reg, s.conf, s.ref)
	f.Fuzz(func(t *testing.T, b []byte) {
		w := newWorld(t, 2)
		at := func() {
			_, err := w.server.Handle(b, w.now)
			if err == nil {
				return
			}
			require.NotPanics(t, func() { _ = err.Error() })
		}
		at()
		if w.server.Phase() != mixer.PhaseRequesting {
			return
		}
		w.server.Tick(testDeadlines().Request.Add(time.Second))
		at()
	})
}

// FuzzClientHandle hands a client waiting for its roster, and one waiting
// for the transaction, arbitrary bytes.
func FuzzClientHandle(f *testing.F) {
	s := samples(f)
	addSeeds(f, s.ann, s.roster, s.tx, s.bundle, s.signed, s.completion, s.notice)
	f.Fuzz(func(t *testing.T, b []byte) {
		w := newWorld(t, 2)
		reqs := w.announce(t)
		_, _ = w.clients[0].Handle(b, w.now)
		roster := w.request(t, reqs)
		w.register(t, roster, 1)
		msgs, err := w.clients[1].Handle(b, w.now)
		if err == nil {
			for _, m := range msgs {
				require.NotEmpty(t, m.Data)
			}
		}
	})
}
