package ticket_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// Replay verifies the holders' inverse-s signatures side by side before
// its fold when it has more than one core: a history with a forged ω in
// its middle is refused at that record, with the error one core gives,
// whether the verifier has a cache or not, and the forged ω never enters
// the cache.
func TestReplayParallelForgedOmega(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	for len(h.recs) < 11 {
		h = h.list(t, resalePrice).delist(t)
	}
	const bad = 7 // a List or a Delist, signed by the holder with ω
	forged := cloneRecord(t, h.recs[bad])
	omega, err := ecdsa.SignInverseS(w.bob.key, forged.Request.SignedBytes(), nil)
	require.NoError(t, err)
	forged.Request.Sig = omega.Bytes()
	resign(t, w.merchantKey, forged)
	recs := append(append(append([]*ticket.Record(nil), h.recs[:bad]...), forged), h.recs[bad+1:]...)

	replay := func(procs int, cache *ticket.SignatureCache) error {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		_, err := ticket.Replay(recs, withCache(w.v, cache))
		return err
	}
	want := replay(1, nil)
	var re *ticket.RecordError
	require.True(t, errors.As(want, &re), "%v", want)
	require.Equal(t, bad, re.Index)
	require.ErrorIs(t, want, ticket.ErrSignature)
	for _, procs := range []int{1, 2, 4} {
		require.Equal(t, want.Error(), replay(procs, nil).Error(), "GOMAXPROCS %d, no cache", procs)
		cache := ticket.NewSignatureCache(0)
		require.Equal(t, want.Error(), replay(procs, cache).Error(), "GOMAXPROCS %d, a cache", procs)
		require.Equal(t, want.Error(), replay(procs, cache).Error(), "GOMAXPROCS %d, the cache warm", procs)
	}

	// The honest history replays to the same ticket either way.
	one := func(procs int) *ticket.Ticket {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		tk, err := ticket.Replay(h.recs, w.v)
		require.NoError(t, err)
		return tk
	}
	requireSameTicket(t, one(1), one(2))
}

// A history refused at its first record costs little more on several
// cores than on one: Replay verifies the holders' ω ahead of its fold 8
// records per core at first, not the whole history.
func TestReplayParallelRefusedEarly(t *testing.T) {
	w := newWorld(t)
	h := w.bought(t)
	for len(h.recs) < 201 {
		h = h.list(t, resalePrice).delist(t)
	}
	recs := append([]*ticket.Record{nil}, h.recs[1:]...)
	for _, procs := range []int{1, 2, 4} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			cache := ticket.NewSignatureCache(0)
			_, err := ticket.Replay(recs, withCache(w.v, cache))
			var re *ticket.RecordError
			require.True(t, errors.As(err, &re), "%v", err)
			require.Zero(t, re.Index)
			if procs == 1 {
				require.Zero(t, cache.Len())
			} else {
				require.LessOrEqual(t, cache.Len(), 8*procs, "GOMAXPROCS %d", procs)
			}
		}()
	}
}
