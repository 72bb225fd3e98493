package gate_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cbets/cbets/gate"
	"github.com/stretchr/testify/require"
)

// The fuzzers check that each parser returns exactly one of a value and an
// error, that errors are ErrMalformed, that a parsed value encodes back to
// its input, and that nothing panics.

// fuzzWorld is a gate with two tickets and the encodings around it.
type fuzzWorld struct {
	g          *gate.Gate
	passes     [][]byte
	snapshot   []byte
	admissions [][]byte
}

func newFuzzWorld(tb testing.TB) *fuzzWorld {
	c := getCast(tb)
	a := c.buy(tb, c.users[0], concert, "1234")
	b := c.buy(tb, c.users[1], concert, "7")
	s := c.snapshot(tb, doors, a.tk, b.tk)
	w := &fuzzWorld{g: c.gate(tb, "fuzz", s), snapshot: s.Bytes()}
	w.passes = [][]byte{a.pass(tb, doors), b.pass(tb, doors.Add(-time.Second))}
	other := c.gate(tb, "other", s)
	for _, p := range w.passes {
		adm, err := other.Admit(p, doors)
		require.NoError(tb, err)
		w.admissions = append(w.admissions, adm.Bytes())
	}
	return w
}

// addSeeds adds each seed, a truncation and a one-byte extension.
func addSeeds(f *testing.F, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(append(bytes.Clone(s), 0))
	}
	f.Add([]byte{})
}

func FuzzParsePass(f *testing.F) {
	addSeeds(f, newFuzzWorld(f).passes...)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := gate.ParsePass(b)
		if (p == nil) == (err == nil) {
			t.Fatalf("ParsePass returned %v and %v", p, err)
		}
		if err != nil {
			require.ErrorIs(t, err, gate.ErrMalformed)
			return
		}
		require.Equal(t, b, p.Bytes())
		require.LessOrEqual(t, len(b), gate.MaxPassSize)
	})
}

func FuzzParseSnapshot(f *testing.F) {
	addSeeds(f, newFuzzWorld(f).snapshot)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := gate.ParseSnapshot(b)
		if (s == nil) == (err == nil) {
			t.Fatalf("ParseSnapshot returned %v and %v", s, err)
		}
		if err != nil {
			require.ErrorIs(t, err, gate.ErrMalformed)
			return
		}
		require.Equal(t, b, s.Bytes())
	})
}

func FuzzParseAdmission(f *testing.F) {
	addSeeds(f, newFuzzWorld(f).admissions...)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := gate.ParseAdmission(b)
		if (a == nil) == (err == nil) {
			t.Fatalf("ParseAdmission returned %v and %v", a, err)
		}
		if err != nil {
			require.ErrorIs(t, err, gate.ErrMalformed)
			return
		}
		require.Equal(t, b, a.Bytes())
		require.Equal(t, a.Request().Bytes(), a.Request().Bytes())
		_, err = gate.ParsePass(a.Pass().Bytes())
		require.NoError(t, err)
	})
}

// FuzzCheck feeds a gate arbitrary passes at arbitrary times: every
// refusal carries one of the package's sentinels, and an admission names
// a ticket of the snapshot and its own pass.
func FuzzCheck(f *testing.F) {
	w := newFuzzWorld(f)
	for _, p := range w.passes {
		f.Add(p, doors.Unix())
		f.Add(p, doors.Unix()+60)
	}
	f.Add([]byte{gate.PassVersion}, int64(0))
	f.Fuzz(func(t *testing.T, b []byte, unix int64) {
		adm, err := w.g.Check(b, time.Unix(unix, 0))
		if err != nil {
			require.Nil(t, adm)
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error without a sentinel: %v", err)
		}
		require.Equal(t, b, adm.Pass().Bytes())
		require.Contains(t, []string{"1234", "7"}, adm.Request().Serial)
	})
}
