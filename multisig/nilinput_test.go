package multisig_test

import (
	"errors"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/stretchr/testify/require"
)

// errAny marks a case whose error wraps none of the sentinels (an unknown
// profile, which has none).
var errAny = errors.New("an error wrapping no sentinel")

// TestNilAndZeroInputs calls every exported function and method of the
// package with nil and zero-value arguments and receivers. None may panic
// except Complete with a zero-value or wiped merchant key, a programming
// error; a verifier returns an error wrapping the sentinel of the argument
// at fault.
func TestNilAndZeroInputs(t *testing.T) {
	f := newFixture(t, ecdsa.SHA256)
	pkU, pkM := f.user.PublicKey(), f.merchant.PublicKey()
	sig, err := multisig.ParseSignature(f.raw)
	require.NoError(t, err)
	omegaEmpty, err := ecdsa.SignInverseS(f.user, nil, nil)
	require.NoError(t, err)
	sigEmpty, err := multisig.Complete(f.merchant, pkU, nil, omegaEmpty, nil)
	require.NoError(t, err)
	wiped := keyFromLabel(t, labelMerchant1)
	wiped.Zero()
	const wipedPanic = "multisig: Complete: merchant key is the zero value or was wiped by Zero"

	var (
		nilSig   *multisig.Signature
		zeroSig  = new(multisig.Signature)
		zeroPK   = new(ecdsa.PublicKey)
		zeroSK   = new(ecdsa.PrivateKey)
		zeroW    = new(ecdsa.InverseSSignature)
		badProf  = ecdsa.Profile(7)
		malf     = multisig.ErrMalformedSignature
		badPK    = ecdsa.ErrInvalidPublicKey
		badSK    = ecdsa.ErrInvalidPrivateKey
		userErr  = multisig.ErrUserSignature
		sameKey  = multisig.ErrSameKey
		anyError = errAny
	)
	complete := func(sk *ecdsa.PrivateKey, pk *ecdsa.PublicKey, msg []byte, w *ecdsa.InverseSSignature, o *ecdsa.SignOptions) func() error {
		return func() error {
			sig, err := multisig.Complete(sk, pk, msg, w, o)
			if (sig == nil) == (err == nil) {
				t.Errorf("Complete returned sig %v and err %v: want exactly one", sig, err)
			}
			return err
		}
	}
	verify := func(pkU, pkM *ecdsa.PublicKey, msg []byte, s *multisig.Signature, p ecdsa.Profile) func() error {
		return func() error { return multisig.Verify(pkU, pkM, msg, s, p) }
	}
	parse := func(b []byte) func() error {
		return func() error {
			sig, err := multisig.ParseSignature(b)
			if (sig == nil) == (err == nil) {
				t.Errorf("ParseSignature returned sig %v and err %v: want exactly one", sig, err)
			}
			return err
		}
	}
	method := func(got func() any, want any) func() error {
		return func() error {
			require.Equal(t, want, got())
			return nil
		}
	}

	cases := []struct {
		name  string
		call  func() error
		want  error  // the sentinel the error wraps; nil: the call succeeds
		panic string // non-empty: the call panics with this value
	}{
		{"ParseSignature(nil)", parse(nil), malf, ""},
		{"ParseSignature(empty)", parse([]byte{}), malf, ""},
		{"ParseSignature(128 zero bytes)", parse(make([]byte, multisig.SignatureSize)), malf, ""},

		{"nil Signature: Bytes", method(func() any { return nilSig.Bytes() }, []byte(nil)), nil, ""},
		{"nil Signature: UserSignature", method(func() any { return nilSig.UserSignature() }, (*ecdsa.InverseSSignature)(nil)), nil, ""},
		{"zero Signature: Bytes", method(func() any { return zeroSig.Bytes() }, []byte(nil)), nil, ""},
		{"zero Signature: UserSignature", method(func() any { return zeroSig.UserSignature() }, (*ecdsa.InverseSSignature)(nil)), nil, ""},
		{"parsed Signature: Bytes", method(func() any { return sig.Bytes() }, f.raw), nil, ""},
		{"parsed Signature: UserSignature", method(func() any { return sig.UserSignature().Bytes() }, f.omega.Bytes()), nil, ""},

		{"Verify: all nil", verify(nil, nil, nil, nil, ecdsa.SHA256), malf, ""},
		{"Verify: nil Σ", verify(pkU, pkM, f.msg, nil, ecdsa.SHA256), malf, ""},
		{"Verify: zero Σ", verify(pkU, pkM, f.msg, zeroSig, ecdsa.SHA256), malf, ""},
		{"Verify: nil user key", verify(nil, pkM, f.msg, sig, ecdsa.SHA256), badPK, ""},
		{"Verify: zero user key", verify(zeroPK, pkM, f.msg, sig, ecdsa.SHA256), badPK, ""},
		{"Verify: nil merchant key", verify(pkU, nil, f.msg, sig, ecdsa.SHA256), badPK, ""},
		{"Verify: zero merchant key", verify(pkU, zeroPK, f.msg, sig, ecdsa.SHA256), badPK, ""},
		{"Verify: both keys nil", verify(nil, nil, f.msg, sig, ecdsa.SHA256), badPK, ""},
		{"Verify: both keys zero", verify(zeroPK, zeroPK, f.msg, sig, ecdsa.SHA256), badPK, ""},
		{"Verify: one key in both roles", verify(pkU, pkU, f.msg, sig, ecdsa.SHA256), sameKey, ""},
		{"Verify: unknown profile", verify(pkU, pkM, f.msg, sig, badProf), anyError, ""},
		{"Verify: nil msg, Σ on another msg", verify(pkU, pkM, nil, sig, ecdsa.SHA256), userErr, ""},
		{"Verify: nil msg, Σ on the empty msg", verify(pkU, pkM, nil, sigEmpty, ecdsa.SHA256), nil, ""},

		{"Complete: all nil", complete(nil, nil, nil, nil, nil), badSK, ""},
		{"Complete: nil merchant key", complete(nil, pkU, f.msg, f.omega, nil), badSK, ""},
		{"Complete: nil user key", complete(f.merchant, nil, f.msg, f.omega, nil), badPK, ""},
		{"Complete: zero user key", complete(f.merchant, zeroPK, f.msg, f.omega, nil), badPK, ""},
		{"Complete: user key is the merchant's", complete(f.merchant, pkM, f.msg, f.omega, nil), sameKey, ""},
		{"Complete: nil ω", complete(f.merchant, pkU, f.msg, nil, nil), userErr, ""},
		{"Complete: zero ω", complete(f.merchant, pkU, f.msg, zeroW, nil), userErr, ""},
		{"Complete: nil msg, ω on another msg", complete(f.merchant, pkU, nil, f.omega, nil), userErr, ""},
		{"Complete: nil msg, ω on the empty msg", complete(f.merchant, pkU, nil, omegaEmpty, nil), nil, ""},
		{"Complete: zero options", complete(f.merchant, pkU, f.msg, f.omega, &ecdsa.SignOptions{}), nil, ""},
		{"Complete: unknown profile", complete(f.merchant, pkU, f.msg, f.omega, &ecdsa.SignOptions{Profile: badProf}), anyError, ""},
		{"Complete: zero merchant key", complete(zeroSK, pkU, f.msg, f.omega, nil), nil, wipedPanic},
		{"Complete: zero merchant key, all else nil", complete(zeroSK, nil, nil, nil, nil), nil, wipedPanic},
		{"Complete: wiped merchant key", complete(wiped, pkU, f.msg, f.omega, nil), nil, wipedPanic},
	}
	// Each layer of these errors says what it knows once.
	texts := map[string]string{
		"Verify: nil Σ":                        "multisig: malformed signature: nil",
		"Verify: zero Σ":                       "multisig: malformed signature: zero value",
		"Verify: nil user key":                 "multisig: user key: ecdsa: invalid public key: nil",
		"Verify: zero merchant key":            "multisig: merchant key: ecdsa: invalid public key: zero value",
		"Verify: unknown profile":              "multisig: unknown hash profile Profile(7)",
		"Complete: nil merchant key":           "multisig: merchant key: ecdsa: invalid private key: nil",
		"Complete: nil user key":               "multisig: user key: ecdsa: invalid public key: nil",
		"Complete: user key is the merchant's": "multisig: user and merchant keys are the same",
		"Complete: nil ω":                      "multisig: user signature does not verify: ω is nil",
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.panic != "" {
				require.PanicsWithValue(t, tc.panic, func() { _ = tc.call() })
				return
			}
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			switch tc.want {
			case nil:
				require.NoError(t, err)
			case errAny:
				require.Error(t, err)
				for _, s := range []error{malf, badPK, badSK, userErr, sameKey, multisig.ErrMerchantSignature} {
					require.NotErrorIs(t, err, s)
				}
			default:
				requireOnly(t, err, tc.want)
			}
			if text, ok := texts[tc.name]; ok {
				require.EqualError(t, err, text)
				delete(texts, tc.name)
			}
		})
	}
	require.Empty(t, texts, "error texts of cases not in the table")
}
