package ringsig_test

// Every exported function and method of the package with nil and zero-value
// arguments and receivers. None may panic, none may read a zero value as the
// point at infinity: a value the constructors did not make is refused with
// an error where the API returns one, and gives an empty result where it
// does not. The one panic is Sign's with a key whose scalar is zero (wiped
// by Zero, or the zero value of ecdsa.PrivateKey): a programming error
// caught at the call, with a message naming the argument.

import (
	"errors"
	"strings"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

// requireOnePrefix checks that err says "ringsig:" once, at its start: each
// layer adds what it knows once.
func requireOnePrefix(t testing.TB, err error) {
	t.Helper()
	msg := err.Error()
	require.True(t, strings.HasPrefix(msg, "ringsig: "), "error %q", msg)
	require.Equal(t, 1, strings.Count(msg, "ringsig:"), "error %q", msg)
	for _, e := range []error{
		ringsig.ErrRingSize, ringsig.ErrRingMember, ringsig.ErrDuplicateMember, ringsig.ErrSigningKey,
		ringsig.ErrSignerIndex, ringsig.ErrScope, ringsig.ErrMalformedSignature, ringsig.ErrRingMismatch,
		ringsig.ErrInvalidSignature, ringsig.ErrZeroTag,
	} {
		tail := strings.TrimPrefix(e.Error(), "ringsig: ")
		require.LessOrEqual(t, strings.Count(msg, tail), 1, "error %q repeats %q", msg, tail)
	}
}

func TestNilAndZeroInputs(t *testing.T) {
	f := newFixture(t, 3)
	key := f.keys[0]
	sig := f.sign(t, 0)
	tag, err := ringsig.Verify(f.ring, f.scope, f.msg, sig)
	require.NoError(t, err)
	zeroPub := new(ecdsa.PublicKey)
	pk0, pk1 := f.pubs[0], f.pubs[1]

	// verify and sign wrap Verify and Sign: an error must come with the
	// zero Tag and a nil signature.
	verify := func(ring *ringsig.Ring, scope *ringsig.Scope, msg []byte, sig *ringsig.Signature) error {
		tg, err := ringsig.Verify(ring, scope, msg, sig)
		if err != nil && tg != (ringsig.Tag{}) {
			return errors.New("Verify returned a Tag with its error")
		}
		return err
	}
	sign := func(key *ecdsa.PrivateKey, ring *ringsig.Ring, index int, scope *ringsig.Scope, msg []byte, opts *ringsig.SignOptions) error {
		s, err := ringsig.Sign(key, ring, index, scope, msg, opts)
		if (s == nil) == (err == nil) {
			return errors.New("Sign must return exactly one of a signature and an error")
		}
		return err
	}
	newRing := func(keys ...*ecdsa.PublicKey) error {
		r, err := ringsig.NewRing(keys)
		if (r == nil) == (err == nil) {
			return errors.New("NewRing must return exactly one of a ring and an error")
		}
		return err
	}
	link := func(a, b ringsig.Tag) error {
		linked, err := ringsig.Link(a, b)
		if err != nil && linked {
			return errors.New("Link reported a link with its error")
		}
		return err
	}
	// emptyRing, emptyScope and emptySig check the empty results of a
	// receiver the constructors did not make.
	emptyRing := func(t *testing.T, r *ringsig.Ring) error {
		require.Nil(t, r.Bytes())
		require.Zero(t, r.Len())
		require.Nil(t, r.Key(0))
		require.Nil(t, r.Key(-1))
		require.Equal(t, -1, r.Index(pk0))
		require.Equal(t, -1, r.Index(nil))
		require.Equal(t, -1, r.Index(zeroPub))
		require.Equal(t, [32]byte{}, r.Digest())
		return nil
	}
	emptyScope := func(t *testing.T, s *ringsig.Scope) error {
		require.Nil(t, s.Bytes())
		require.Equal(t, [33]byte{}, s.Base())
		return nil
	}
	emptySig := func(t *testing.T, s *ringsig.Signature) error {
		require.Nil(t, s.Bytes())
		require.Zero(t, s.Len())
		require.Equal(t, [33]byte{}, s.KeyImage())
		return nil
	}

	cases := []struct {
		name string
		call func(t *testing.T) error
		want error // nil: must succeed
	}{
		// NewScope: any byte string is a scope; nil and empty are the same.
		{"NewScope(nil)", func(t *testing.T) error {
			s, err := ringsig.NewScope(nil)
			if err != nil {
				return err
			}
			e, err := ringsig.NewScope([]byte{})
			require.NoError(t, err)
			require.Equal(t, e.Base(), s.Base())
			require.Equal(t, []byte{}, s.Bytes())
			return nil
		}, nil},

		// NewRing and ParseRing.
		{"NewRing(nil)", func(t *testing.T) error { return newRing() }, ringsig.ErrRingSize},
		{"NewRing(empty)", func(t *testing.T) error { return newRing([]*ecdsa.PublicKey{}...) }, ringsig.ErrRingSize},
		{"NewRing(nil, nil)", func(t *testing.T) error { return newRing(nil, nil) }, ringsig.ErrRingMember},
		{"NewRing(pk, nil)", func(t *testing.T) error { return newRing(pk0, nil) }, ringsig.ErrRingMember},
		{"NewRing(nil, pk)", func(t *testing.T) error { return newRing(nil, pk0) }, ringsig.ErrRingMember},
		{"NewRing(zero, pk)", func(t *testing.T) error { return newRing(zeroPub, pk0) }, ringsig.ErrRingMember},
		{"NewRing(pk, pk, zero)", func(t *testing.T) error { return newRing(pk0, pk1, zeroPub) }, ringsig.ErrRingMember},
		{"NewRing(zero, zero): invalid, not duplicate", func(t *testing.T) error { return newRing(zeroPub, new(ecdsa.PublicKey)) }, ringsig.ErrRingMember},
		{"ParseRing(nil)", func(t *testing.T) error { _, err := ringsig.ParseRing(nil); return err }, ringsig.ErrRingSize},
		{"ParseRing(empty)", func(t *testing.T) error { _, err := ringsig.ParseRing([]byte{}); return err }, ringsig.ErrRingSize},

		// ParseSignature, SignatureSize.
		{"ParseSignature(nil)", func(t *testing.T) error { _, err := ringsig.ParseSignature(nil); return err }, ringsig.ErrMalformedSignature},
		{"ParseSignature(empty)", func(t *testing.T) error { _, err := ringsig.ParseSignature([]byte{}); return err }, ringsig.ErrMalformedSignature},
		{"SignatureSize(0)", func(t *testing.T) error { require.Equal(t, 65, ringsig.SignatureSize(0)); return nil }, nil},

		// Sign.
		{"Sign(nil key)", func(t *testing.T) error { return sign(nil, f.ring, 0, f.scope, f.msg, nil) }, ringsig.ErrSigningKey},
		{"Sign(nil ring)", func(t *testing.T) error { return sign(key, nil, 0, f.scope, f.msg, nil) }, ringsig.ErrRingSize},
		{"Sign(zero ring)", func(t *testing.T) error { return sign(key, &ringsig.Ring{}, 0, f.scope, f.msg, nil) }, ringsig.ErrRingSize},
		{"Sign(nil scope)", func(t *testing.T) error { return sign(key, f.ring, 0, nil, f.msg, nil) }, ringsig.ErrScope},
		{"Sign(zero scope)", func(t *testing.T) error { return sign(key, f.ring, 0, &ringsig.Scope{}, f.msg, nil) }, ringsig.ErrScope},
		{"Sign(all nil)", func(t *testing.T) error { return sign(nil, nil, 0, nil, nil, nil) }, ringsig.ErrSigningKey},
		{"Sign(nil msg, nil opts)", func(t *testing.T) error { return sign(key, f.ring, 0, f.scope, nil, nil) }, nil},
		{"Sign(zero opts)", func(t *testing.T) error { return sign(key, f.ring, 0, f.scope, nil, &ringsig.SignOptions{}) }, nil},

		// Verify.
		{"Verify(nil ring)", func(t *testing.T) error { return verify(nil, f.scope, f.msg, sig) }, ringsig.ErrRingSize},
		{"Verify(zero ring)", func(t *testing.T) error { return verify(&ringsig.Ring{}, f.scope, f.msg, sig) }, ringsig.ErrRingSize},
		{"Verify(nil scope)", func(t *testing.T) error { return verify(f.ring, nil, f.msg, sig) }, ringsig.ErrScope},
		{"Verify(zero scope)", func(t *testing.T) error { return verify(f.ring, &ringsig.Scope{}, f.msg, sig) }, ringsig.ErrScope},
		{"Verify(nil signature)", func(t *testing.T) error { return verify(f.ring, f.scope, f.msg, nil) }, ringsig.ErrMalformedSignature},
		{"Verify(zero signature)", func(t *testing.T) error { return verify(f.ring, f.scope, f.msg, &ringsig.Signature{}) }, ringsig.ErrMalformedSignature},
		{"Verify(zero ring, zero scope, nil msg, zero signature)", func(t *testing.T) error {
			return verify(&ringsig.Ring{}, &ringsig.Scope{}, nil, &ringsig.Signature{})
		}, ringsig.ErrRingSize},
		{"Verify(all nil)", func(t *testing.T) error { return verify(nil, nil, nil, nil) }, ringsig.ErrRingSize},
		{"Verify(nil msg)", func(t *testing.T) error { return verify(f.ring, f.scope, nil, sig) }, ringsig.ErrInvalidSignature},

		// Link and Tag.
		{"Link(zero, zero)", func(t *testing.T) error { return link(ringsig.Tag{}, ringsig.Tag{}) }, ringsig.ErrZeroTag},
		{"Link(tag, zero)", func(t *testing.T) error { return link(tag, ringsig.Tag{}) }, ringsig.ErrZeroTag},
		{"Link(zero, tag)", func(t *testing.T) error { return link(ringsig.Tag{}, tag) }, ringsig.ErrZeroTag},
		{"Tag{}.Image", func(t *testing.T) error { require.Equal(t, [33]byte{}, ringsig.Tag{}.Image()); return nil }, nil},

		// Methods of receivers the constructors did not make.
		{"nil *Ring methods", func(t *testing.T) error { return emptyRing(t, nil) }, nil},
		{"zero Ring methods", func(t *testing.T) error { return emptyRing(t, &ringsig.Ring{}) }, nil},
		{"nil *Scope methods", func(t *testing.T) error { return emptyScope(t, nil) }, nil},
		{"zero Scope methods", func(t *testing.T) error { return emptyScope(t, &ringsig.Scope{}) }, nil},
		{"nil *Signature methods", func(t *testing.T) error { return emptySig(t, nil) }, nil},
		{"zero Signature methods", func(t *testing.T) error { return emptySig(t, &ringsig.Signature{}) }, nil},

		// Methods of a ring with nil, zero-value and out-of-range arguments.
		{"Ring.Key(-1), Key(N)", func(t *testing.T) error {
			require.Nil(t, f.ring.Key(-1))
			require.Nil(t, f.ring.Key(f.ring.Len()))
			return nil
		}, nil},
		{"Ring.Index(nil), Index(zero)", func(t *testing.T) error {
			require.Equal(t, -1, f.ring.Index(nil))
			require.Equal(t, -1, f.ring.Index(zeroPub))
			return nil
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.call(t) })
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			requireOnePrefix(t, err)
		})
	}

	// The one panic: a key whose scalar is zero, however the other
	// arguments look.
	wiped, _ := testKeys(t, 0, 1)
	wiped[0].Zero()
	for _, k := range []*ecdsa.PrivateKey{wiped[0], new(ecdsa.PrivateKey)} {
		require.PanicsWithValue(t, wipedKeyPanic, func() { _, _ = ringsig.Sign(k, f.ring, 0, f.scope, f.msg, nil) })
		require.PanicsWithValue(t, wipedKeyPanic, func() { _, _ = ringsig.Sign(k, nil, 0, nil, nil, nil) })
	}
}
