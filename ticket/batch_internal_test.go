package ticket

import (
	"crypto/rand"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/ecdsa"
)

// TestBatchBlame checks which record a failed batch blames: the earliest
// whose signature fails on its own, and, should the batch and the single
// check ever disagree, still a refusal — never an accepted history.
func TestBatchBlame(t *testing.T) {
	key, err := ecdsa.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sig, err := ecdsa.SignRBound(key, []byte("signed"), nil)
	require.NoError(t, err)
	bad := func(b *rbounds, rec int, msg string, check func() error) {
		b.at = rec
		require.NoError(t, b.verify(key.PublicKey(), []byte(msg), sig, check))
	}
	records := make([]*Record, 3)
	errSingle := errors.New("fails alone")

	// Record 0's signature fails in the batch but its single check (here
	// made to disagree) passes; record 1's fails both ways: record 1.
	b := &rbounds{deferred: true}
	bad(b, 0, "zero", func() error { return nil })
	bad(b, 1, "one", func() error { return errSingle })
	var re *RecordError
	require.ErrorAs(t, b.before(records, 3, nil), &re)
	require.Equal(t, 1, re.Index)
	require.ErrorIs(t, re, errSingle)

	// Only disagreement: refused at the earliest invalid record.
	b = &rbounds{deferred: true}
	bad(b, 2, "two", func() error { return nil })
	bad(b, 1, "one", func() error { return nil })
	require.ErrorAs(t, b.before(records, 3, nil), &re)
	require.Equal(t, 1, re.Index)
	require.ErrorIs(t, re, ErrSignature)
}
