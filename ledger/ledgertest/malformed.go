package ledgertest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// mutations returns inputs derived from a valid encoding: nil, empty,
// random bytes, prefixes and single-bit flips of valid (every prefix and
// flips of every byte without -short, a sample with it).
func mutations(valid []byte, rng *rand.Rand) [][]byte {
	out := [][]byte{nil, {}}
	for range short(16, 64) {
		b := make([]byte, rng.IntN(2*len(valid)))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		out = append(out, b)
	}
	stride := short(7, 1)
	for n := 0; n < len(valid); n += stride {
		out = append(out, valid[:n:n])
	}
	flips := short(48, len(valid))
	for i := range flips {
		at := i
		if flips < len(valid) {
			at = rng.IntN(len(valid))
		}
		b := append([]byte(nil), valid...)
		b[at] ^= 1 << rng.IntN(8)
		out = append(out, b)
	}
	return out
}

func (s *suite) testMalformed(t *testing.T) {
	ctx := context.Background()
	u := s.f.Users[0]
	t.Run("Apply", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		tk := m.Buy(t, u, "concert")
		// A valid record not yet applied: no mutation of it may be.
		list := m.SignList(t, tk, ResalePrice)
		before := m.State(t)
		rng := rand.New(rand.NewChaCha8([32]byte{'a', 'p', 'p', 'l', 'y'}))
		for i, b := range mutations(list.Bytes(), rng) {
			require.NotPanics(t, func() {
				got, err := m.Ledger.Apply(ctx, b)
				require.Error(t, err, "mutation %d (%x) applied", i, b)
				require.Nil(t, got)
			})
		}
		require.Equal(t, before, m.State(t))
		m.Apply(t, list)
		m.Audit(t)
	})
	t.Run("Publish", func(t *testing.T) {
		m := s.market(t)
		m.Publish(t, "concert", 5)
		ev := m.NewEvent(t, "opera", 5)
		before := m.State(t)
		rng := rand.New(rand.NewChaCha8([32]byte{'p', 'u', 'b'}))
		for i, b := range mutations(ev.Bytes(), rng) {
			require.NotPanics(t, func() {
				got, err := m.Ledger.Publish(ctx, b)
				require.Error(t, err, "mutation %d (%x) published", i, b)
				require.Nil(t, got)
			})
		}
		require.Equal(t, before, m.State(t))
		_, err := m.Ledger.Event(ctx, "opera")
		require.Error(t, err)
		m.PublishEvent(t, ev)
	})
	t.Run("Cancel", func(t *testing.T) {
		s.cancels(t)
		m := s.market(t)
		m.PublishTerms(t, s.f.RuledTerms("gala", 5))
		m.Buy(t, u, "gala")
		c := m.SignCancel(t, "gala", m.Tick())
		before := m.State(t)
		rng := rand.New(rand.NewChaCha8([32]byte{'c', 'a', 'n', 'c', 'e', 'l'}))
		for i, b := range mutations(c.Bytes(), rng) {
			require.NotPanics(t, func() {
				got, err := m.Ledger.Cancel(ctx, b)
				require.Error(t, err, "mutation %d (%x) applied", i, b)
				require.Nil(t, got)
			})
		}
		require.Equal(t, before, m.State(t))
		m.Cancel(t, "gala", c.Time())
		m.Audit(t)
	})
}
