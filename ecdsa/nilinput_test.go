package ecdsa_test

// Every exported function and method of the package, called with nil and
// zero-value arguments and receivers: nothing may panic but the signers on
// a zero-value or wiped key (a documented programming error), and a call
// that can fail on such input returns an error wrapping the sentinel that
// names it. TestNilInputCoversAPI keeps the table complete.

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
)

type nilCase struct {
	api  string // the function or method called: "Name" or "Type.Method"
	args string
	call func() (any, error)
	// err is the sentinel the call's error must wrap; nil means the call
	// succeeds (nil is a valid argument there) or returns no error.
	err error
	// want is the result the call must return, unless check is set.
	want  any
	check func(t *testing.T, got any)
	// panics is the value the call panics with instead of returning.
	panics string
}

// wipedPanic is the message of the signers' panic on a key holding 0.
func wipedPanic(signer string) string {
	return "ecdsa: " + signer + ": key is the zero value or was wiped by Zero"
}

func nilInputCases(t *testing.T) []nilCase {
	key := keyFromLabel(t, "cbets/ecdsa/test/nil-input")
	pub := key.PublicKey()
	wiped := keyFromLabel(t, "cbets/ecdsa/test/nil-input")
	wiped.Zero()
	msg := []byte("m")
	rsig, err := ecdsa.SignRBound(key, msg, nil)
	require.NoError(t, err)
	isig, err := ecdsa.SignInverseS(key, msg, nil)
	require.NoError(t, err)

	var (
		nilPriv     *ecdsa.PrivateKey
		nilPub      *ecdsa.PublicKey
		nilRSig     *ecdsa.RBoundSignature
		nilISig     *ecdsa.InverseSSignature
		nilOpts     *ecdsa.SignOptions
		nilBatchErr *ecdsa.BatchError
		zeroProfile ecdsa.Profile
		zeroAddress ecdsa.Address
		nilBytes    []byte
		nilItems    []ecdsa.BatchItem
	)
	empty := func() *bytes.Reader { return bytes.NewReader(nil) }
	batchOf := func(n int, item ecdsa.BatchItem) []ecdsa.BatchItem {
		items := make([]ecdsa.BatchItem, n)
		for i := range items {
			items[i] = item
		}
		return items
	}
	good := ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: rsig}
	invalidAt := func(idx ...int) func(*testing.T, any) {
		return func(t *testing.T, got any) {
			var be *ecdsa.BatchError
			require.ErrorAs(t, got.(error), &be)
			require.Equal(t, idx, be.Invalid)
			require.Len(t, be.Errors, len(idx))
		}
	}
	validKey := func(t *testing.T, got any) {
		k := got.(*ecdsa.PrivateKey)
		require.NotNil(t, k)
		require.Len(t, k.Bytes(), ecdsa.PrivateKeySize)
	}
	sameRBound := func(t *testing.T, got any) {
		require.Equal(t, rsig.Bytes(), got.(*ecdsa.RBoundSignature).Bytes())
	}
	sameInverseS := func(t *testing.T, got any) {
		require.Equal(t, isig.Bytes(), got.(*ecdsa.InverseSSignature).Bytes())
	}
	signsMsg := func(verify func(*ecdsa.PublicKey, []byte, []byte) error) func(*testing.T, any) {
		return func(t *testing.T, got any) {
			b := got.(interface{ Bytes() []byte }).Bytes()
			require.NoError(t, verify(pub, nil, b))
		}
	}
	verifyRBoundBytes := func(p *ecdsa.PublicKey, m, b []byte) error {
		sig, err := ecdsa.ParseRBoundSignature(b)
		if err != nil {
			return err
		}
		return ecdsa.VerifyRBound(p, m, sig, ecdsa.SHA256)
	}
	verifyInverseSBytes := func(p *ecdsa.PublicKey, m, b []byte) error {
		sig, err := ecdsa.ParseInverseSSignature(b)
		if err != nil {
			return err
		}
		return ecdsa.VerifyInverseS(p, m, sig, ecdsa.SHA256)
	}

	return []nilCase{
		// Keys.
		{api: "GenerateKey", args: "nil reader: crypto/rand", call: func() (any, error) { return ecdsa.GenerateKey(nil) }, check: validKey},
		{api: "GenerateKey", args: "empty reader", call: func() (any, error) { return ecdsa.GenerateKey(empty()) }, err: errAny, want: nilPriv},
		{api: "ParsePrivateKey", args: "nil", call: func() (any, error) { return ecdsa.ParsePrivateKey(nil) }, err: ecdsa.ErrInvalidPrivateKey, want: nilPriv},
		{api: "ParsePrivateKey", args: "empty", call: func() (any, error) { return ecdsa.ParsePrivateKey([]byte{}) }, err: ecdsa.ErrInvalidPrivateKey, want: nilPriv},
		{api: "ParsePrivateKey", args: "zero scalar", call: func() (any, error) { return ecdsa.ParsePrivateKey(make([]byte, ecdsa.PrivateKeySize)) }, err: ecdsa.ErrInvalidPrivateKey, want: nilPriv},
		{api: "ParsePublicKey", args: "nil", call: func() (any, error) { return ecdsa.ParsePublicKey(nil) }, err: ecdsa.ErrInvalidPublicKey, want: nilPub},
		{api: "ParsePublicKey", args: "empty", call: func() (any, error) { return ecdsa.ParsePublicKey([]byte{}) }, err: ecdsa.ErrInvalidPublicKey, want: nilPub},
		{api: "ParsePublicKey", args: "compressed, all zero", call: func() (any, error) { return ecdsa.ParsePublicKey(make([]byte, ecdsa.PublicKeySize)) }, err: ecdsa.ErrInvalidPublicKey, want: nilPub},
		{api: "ParsePublicKey", args: "prefix 02, x = 0", call: func() (any, error) { return ecdsa.ParsePublicKey(append([]byte{2}, make([]byte, 32)...)) }, err: ecdsa.ErrInvalidPublicKey, want: nilPub},
		{api: "ParsePublicKey", args: "prefix 04, (0, 0)", call: func() (any, error) {
			return ecdsa.ParsePublicKey(append([]byte{4}, make([]byte, ecdsa.UncompressedPublicKeySize-1)...))
		}, err: ecdsa.ErrInvalidPublicKey, want: nilPub},

		{api: "PrivateKey.Bytes", args: "nil receiver", call: func() (any, error) { return nilPriv.Bytes(), nil }, want: nilBytes},
		{api: "PrivateKey.Bytes", args: "zero value", call: func() (any, error) { return (&ecdsa.PrivateKey{}).Bytes(), nil }, want: nilBytes},
		{api: "PrivateKey.Bytes", args: "wiped", call: func() (any, error) { return wiped.Bytes(), nil }, want: nilBytes},
		{api: "PrivateKey.PublicKey", args: "nil receiver", call: func() (any, error) { return nilPriv.PublicKey(), nil }, want: nilPub},
		{api: "PrivateKey.PublicKey", args: "zero value", call: func() (any, error) { return (&ecdsa.PrivateKey{}).PublicKey(), nil }, want: nilPub},
		{api: "PrivateKey.PublicKey", args: "wiped: the public key stays", call: func() (any, error) { return wiped.PublicKey(), nil }, want: pub},
		{api: "PrivateKey.Equal", args: "nil, nil", call: func() (any, error) { return nilPriv.Equal(nil), nil }, want: true},
		{api: "PrivateKey.Equal", args: "nil, zero value", call: func() (any, error) { return nilPriv.Equal(&ecdsa.PrivateKey{}), nil }, want: true},
		{api: "PrivateKey.Equal", args: "zero value, wiped", call: func() (any, error) { return (&ecdsa.PrivateKey{}).Equal(wiped), nil }, want: true},
		{api: "PrivateKey.Equal", args: "key, nil", call: func() (any, error) { return key.Equal(nil), nil }, want: false},
		{api: "PrivateKey.Equal", args: "zero value, key", call: func() (any, error) { return (&ecdsa.PrivateKey{}).Equal(key), nil }, want: false},
		{api: "PrivateKey.Zero", args: "nil receiver", call: func() (any, error) { nilPriv.Zero(); return nil, nil }},
		{api: "PrivateKey.Zero", args: "zero value", call: func() (any, error) {
			k := &ecdsa.PrivateKey{}
			k.Zero()
			return k.Bytes(), nil
		}, want: nilBytes},

		{api: "PublicKey.Bytes", args: "nil receiver", call: func() (any, error) { return nilPub.Bytes(), nil }, want: nilBytes},
		{api: "PublicKey.Bytes", args: "zero value", call: func() (any, error) { return (&ecdsa.PublicKey{}).Bytes(), nil }, want: nilBytes},
		{api: "PublicKey.UncompressedBytes", args: "nil receiver", call: func() (any, error) { return nilPub.UncompressedBytes(), nil }, want: nilBytes},
		{api: "PublicKey.UncompressedBytes", args: "zero value", call: func() (any, error) { return (&ecdsa.PublicKey{}).UncompressedBytes(), nil }, want: nilBytes},
		{api: "PublicKey.Equal", args: "nil, nil", call: func() (any, error) { return nilPub.Equal(nil), nil }, want: true},
		{api: "PublicKey.Equal", args: "nil, zero value", call: func() (any, error) { return nilPub.Equal(&ecdsa.PublicKey{}), nil }, want: true},
		{api: "PublicKey.Equal", args: "key, nil", call: func() (any, error) { return pub.Equal(nil), nil }, want: false},
		{api: "PublicKey.Equal", args: "zero value, key", call: func() (any, error) { return (&ecdsa.PublicKey{}).Equal(pub), nil }, want: false},
		{api: "PublicKey.Address", args: "nil receiver", call: func() (any, error) { return nilPub.Address(ecdsa.DefaultAddressVersion), nil }, want: zeroAddress},
		{api: "PublicKey.Address", args: "zero value, version 0x6f", call: func() (any, error) { return (&ecdsa.PublicKey{}).Address(0x6f), nil }, want: zeroAddress},

		// Addresses.
		{api: "ParseAddress", args: "empty string", call: func() (any, error) { return ecdsa.ParseAddress("", 0) }, err: ecdsa.ErrAddressEncoding, want: zeroAddress},
		{api: "ParseAddress", args: "one zero byte", call: func() (any, error) { return ecdsa.ParseAddress("1", 0) }, err: ecdsa.ErrAddressLength, want: zeroAddress},
		{api: "ParseAddress", args: "25 zero bytes", call: func() (any, error) { return ecdsa.ParseAddress(strings.Repeat("1", 25), 0) }, err: ecdsa.ErrAddressChecksum, want: zeroAddress},
		{api: "ParseAddress", args: "the zero Address, version 0x05", call: func() (any, error) { return ecdsa.ParseAddress(zeroAddress.String(), 0x05) }, err: ecdsa.ErrAddressVersion, want: zeroAddress},
		{api: "ParseAddress", args: "the zero Address, version 0", call: func() (any, error) { return ecdsa.ParseAddress(zeroAddress.String(), 0) }, want: zeroAddress},
		{api: "AddressFromHash", args: "zero", call: func() (any, error) { return ecdsa.AddressFromHash(0, [20]byte{}), nil }, want: zeroAddress},
		{api: "Address.String", args: "zero value", call: func() (any, error) { return zeroAddress.String(), nil }, want: "1111111111111111111114oLvT2"},
		{api: "Address.Version", args: "zero value", call: func() (any, error) { return zeroAddress.Version(), nil }, want: byte(0)},
		{api: "Address.Hash", args: "zero value", call: func() (any, error) { return zeroAddress.Hash(), nil }, want: [20]byte{}},

		// Profiles and options.
		{api: "Profile.String", args: "zero value", call: func() (any, error) { return zeroProfile.String(), nil }, want: "sha256"},
		{api: "Profile.IsSHA1", args: "zero value", call: func() (any, error) { return zeroProfile.IsSHA1(), nil }, want: false},
		{api: "Profile.IsSHA1", args: "PaperSHA1", call: func() (any, error) { return ecdsa.PaperSHA1.IsSHA1(), nil }, want: true},

		// R-bound signatures.
		{api: "ParseRBoundSignature", args: "nil", call: func() (any, error) { return ecdsa.ParseRBoundSignature(nil) }, err: ecdsa.ErrMalformedSignature, want: nilRSig},
		{api: "ParseRBoundSignature", args: "empty", call: func() (any, error) { return ecdsa.ParseRBoundSignature([]byte{}) }, err: ecdsa.ErrMalformedSignature, want: nilRSig},
		{api: "ParseRBoundSignature", args: "all zero", call: func() (any, error) { return ecdsa.ParseRBoundSignature(make([]byte, ecdsa.RBoundSignatureSize)) }, err: ecdsa.ErrMalformedSignature, want: nilRSig},
		{api: "RBoundSignature.Bytes", args: "nil receiver", call: func() (any, error) { return nilRSig.Bytes(), nil }, want: nilBytes},
		{api: "RBoundSignature.Bytes", args: "zero value", call: func() (any, error) { return (&ecdsa.RBoundSignature{}).Bytes(), nil }, want: nilBytes},
		{api: "SignRBound", args: "nil key", call: func() (any, error) { return ecdsa.SignRBound(nil, msg, nil) }, err: ecdsa.ErrInvalidPrivateKey, want: nilRSig},
		{api: "SignRBound", args: "nil key, nil message, zero options", call: func() (any, error) { return ecdsa.SignRBound(nil, nil, &ecdsa.SignOptions{}) }, err: ecdsa.ErrInvalidPrivateKey, want: nilRSig},
		{api: "SignRBound", args: "zero-value key", call: func() (any, error) { return ecdsa.SignRBound(&ecdsa.PrivateKey{}, msg, nil) }, panics: wipedPanic("SignRBound")},
		{api: "SignRBound", args: "wiped key", call: func() (any, error) { return ecdsa.SignRBound(wiped, msg, nil) }, panics: wipedPanic("SignRBound")},
		{api: "SignRBound", args: "wiped key, broken hedging: the key is checked first", call: func() (any, error) {
			return ecdsa.SignRBound(wiped, msg, &ecdsa.SignOptions{Rand: empty()})
		}, panics: wipedPanic("SignRBound")},
		{api: "SignRBound", args: "zero options sign as nil ones", call: func() (any, error) { return ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: zeroProfile}) }, check: sameRBound},
		{api: "SignRBound", args: "nil message, nil options", call: func() (any, error) { return ecdsa.SignRBound(key, nil, nilOpts) }, check: signsMsg(verifyRBoundBytes)},
		{api: "SignRBound", args: "empty hedging reader", call: func() (any, error) { return ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Rand: empty()}) }, err: errAny, want: nilRSig},
		{api: "VerifyRBound", args: "nil key", call: func() (any, error) { return nil, ecdsa.VerifyRBound(nil, msg, rsig, ecdsa.SHA256) }, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyRBound", args: "zero-value key", call: func() (any, error) { return nil, ecdsa.VerifyRBound(&ecdsa.PublicKey{}, msg, rsig, ecdsa.SHA256) }, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyRBound", args: "nil signature", call: func() (any, error) { return nil, ecdsa.VerifyRBound(pub, msg, nil, ecdsa.SHA256) }, err: ecdsa.ErrMalformedSignature},
		{api: "VerifyRBound", args: "zero-value signature", call: func() (any, error) {
			return nil, ecdsa.VerifyRBound(pub, msg, &ecdsa.RBoundSignature{}, ecdsa.SHA256)
		}, err: ecdsa.ErrMalformedSignature},
		{api: "VerifyRBound", args: "all nil, zero profile", call: func() (any, error) { return nil, ecdsa.VerifyRBound(nil, nil, nil, zeroProfile) }, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyRBound", args: "nil message", call: func() (any, error) { return nil, ecdsa.VerifyRBound(pub, nil, rsig, ecdsa.SHA256) }, err: ecdsa.ErrInvalidSignature},
		{api: "VerifyRBound", args: "zero profile is SHA256", call: func() (any, error) { return nil, ecdsa.VerifyRBound(pub, msg, rsig, zeroProfile) }},

		// Batches.
		{api: "VerifyRBoundBatch", args: "nil items", call: func() (any, error) { return nil, ecdsa.VerifyRBoundBatch(nilItems, zeroProfile, nil) }},
		{api: "VerifyRBoundBatch", args: "no items, empty reader", call: func() (any, error) { return nil, ecdsa.VerifyRBoundBatch([]ecdsa.BatchItem{}, zeroProfile, empty()) }},
		{api: "VerifyRBoundBatch", args: "one BatchItem{}", call: func() (any, error) {
			return nil, ecdsa.VerifyRBoundBatch([]ecdsa.BatchItem{{}}, ecdsa.SHA256, nil)
		}, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyRBoundBatch", args: "17 BatchItem{}", call: func() (any, error) {
			err := ecdsa.VerifyRBoundBatch(batchOf(17, ecdsa.BatchItem{}), ecdsa.SHA256, nil)
			return err, err
		}, err: ecdsa.ErrInvalidPublicKey, check: invalidAt(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)},
		{api: "VerifyRBoundBatch", args: "BatchItem{} among 16 valid", call: func() (any, error) {
			items := batchOf(17, good)
			items[3] = ecdsa.BatchItem{}
			err := ecdsa.VerifyRBoundBatch(items, ecdsa.SHA256, nil)
			return err, err
		}, err: ecdsa.ErrInvalidPublicKey, check: invalidAt(3)},
		{api: "VerifyRBoundBatch", args: "key only", call: func() (any, error) {
			return nil, ecdsa.VerifyRBoundBatch([]ecdsa.BatchItem{{PublicKey: pub}}, ecdsa.SHA256, nil)
		}, err: ecdsa.ErrMalformedSignature},
		{api: "VerifyRBoundBatch", args: "signature only", call: func() (any, error) {
			return nil, ecdsa.VerifyRBoundBatch([]ecdsa.BatchItem{{Signature: rsig}}, ecdsa.SHA256, nil)
		}, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyRBoundBatch", args: "nil message", call: func() (any, error) {
			return nil, ecdsa.VerifyRBoundBatch([]ecdsa.BatchItem{{PublicKey: pub, Signature: rsig}}, ecdsa.SHA256, nil)
		}, err: ecdsa.ErrInvalidSignature},
		{api: "VerifyRBoundBatch", args: "17 valid items, empty reader", call: func() (any, error) {
			return nil, ecdsa.VerifyRBoundBatch(batchOf(17, good), ecdsa.SHA256, empty())
		}, err: errAny},
		{api: "BatchError.Error", args: "nil receiver", call: func() (any, error) { return nilBatchErr.Error(), nil }, want: "ecdsa: 0 of the batch's signatures do not verify: []"},
		{api: "BatchError.Error", args: "zero value", call: func() (any, error) { return (&ecdsa.BatchError{}).Error(), nil }, want: "ecdsa: 0 of the batch's signatures do not verify: []"},
		{api: "BatchError.Unwrap", args: "nil receiver", call: func() (any, error) { return nilBatchErr.Unwrap(), nil }, want: []error{ecdsa.ErrInvalidSignature}},
		{api: "BatchError.Unwrap", args: "zero value", call: func() (any, error) { return (&ecdsa.BatchError{Invalid: nil, Errors: nil}).Unwrap(), nil }, want: []error{ecdsa.ErrInvalidSignature}},

		// Inverse-s signatures.
		{api: "ParseInverseSSignature", args: "nil", call: func() (any, error) { return ecdsa.ParseInverseSSignature(nil) }, err: ecdsa.ErrMalformedSignature, want: nilISig},
		{api: "ParseInverseSSignature", args: "empty", call: func() (any, error) { return ecdsa.ParseInverseSSignature([]byte{}) }, err: ecdsa.ErrMalformedSignature, want: nilISig},
		{api: "ParseInverseSSignature", args: "all zero", call: func() (any, error) {
			return ecdsa.ParseInverseSSignature(make([]byte, ecdsa.InverseSSignatureSize))
		}, err: ecdsa.ErrMalformedSignature, want: nilISig},
		{api: "InverseSSignature.Bytes", args: "nil receiver", call: func() (any, error) { return nilISig.Bytes(), nil }, want: nilBytes},
		{api: "InverseSSignature.Bytes", args: "zero value", call: func() (any, error) { return (&ecdsa.InverseSSignature{}).Bytes(), nil }, want: nilBytes},
		{api: "SignInverseS", args: "nil key", call: func() (any, error) { return ecdsa.SignInverseS(nil, msg, nil) }, err: ecdsa.ErrInvalidPrivateKey, want: nilISig},
		{api: "SignInverseS", args: "nil key, nil message, zero options", call: func() (any, error) { return ecdsa.SignInverseS(nil, nil, &ecdsa.SignOptions{}) }, err: ecdsa.ErrInvalidPrivateKey, want: nilISig},
		{api: "SignInverseS", args: "zero-value key", call: func() (any, error) { return ecdsa.SignInverseS(&ecdsa.PrivateKey{}, msg, nil) }, panics: wipedPanic("SignInverseS")},
		{api: "SignInverseS", args: "wiped key", call: func() (any, error) { return ecdsa.SignInverseS(wiped, msg, nil) }, panics: wipedPanic("SignInverseS")},
		{api: "SignInverseS", args: "wiped key, broken hedging: the key is checked first", call: func() (any, error) {
			return ecdsa.SignInverseS(wiped, msg, &ecdsa.SignOptions{Rand: empty()})
		}, panics: wipedPanic("SignInverseS")},
		{api: "SignInverseS", args: "zero options sign as nil ones", call: func() (any, error) { return ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{}) }, check: sameInverseS},
		{api: "SignInverseS", args: "nil message, nil options", call: func() (any, error) { return ecdsa.SignInverseS(key, nil, nilOpts) }, check: signsMsg(verifyInverseSBytes)},
		{api: "SignInverseS", args: "empty hedging reader", call: func() (any, error) { return ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Rand: empty()}) }, err: errAny, want: nilISig},
		{api: "VerifyInverseS", args: "nil key", call: func() (any, error) { return nil, ecdsa.VerifyInverseS(nil, msg, isig, ecdsa.SHA256) }, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyInverseS", args: "zero-value key", call: func() (any, error) { return nil, ecdsa.VerifyInverseS(&ecdsa.PublicKey{}, msg, isig, ecdsa.SHA256) }, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyInverseS", args: "nil signature", call: func() (any, error) { return nil, ecdsa.VerifyInverseS(pub, msg, nil, ecdsa.SHA256) }, err: ecdsa.ErrMalformedSignature},
		{api: "VerifyInverseS", args: "zero-value signature", call: func() (any, error) {
			return nil, ecdsa.VerifyInverseS(pub, msg, &ecdsa.InverseSSignature{}, ecdsa.SHA256)
		}, err: ecdsa.ErrMalformedSignature},
		{api: "VerifyInverseS", args: "all nil, zero profile", call: func() (any, error) { return nil, ecdsa.VerifyInverseS(nil, nil, nil, zeroProfile) }, err: ecdsa.ErrInvalidPublicKey},
		{api: "VerifyInverseS", args: "nil message", call: func() (any, error) { return nil, ecdsa.VerifyInverseS(pub, nil, isig, ecdsa.SHA256) }, err: ecdsa.ErrInvalidSignature},
		{api: "VerifyInverseS", args: "zero profile is SHA256", call: func() (any, error) { return nil, ecdsa.VerifyInverseS(pub, msg, isig, zeroProfile) }},
	}
}

// errAny marks a call that must fail without a sentinel of this package:
// its error comes from the randomness source.
var errAny = errorString("any error")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestNilInput(t *testing.T) {
	for _, c := range nilInputCases(t) {
		t.Run(c.api+"/"+c.args, func(t *testing.T) {
			if c.panics != "" {
				require.PanicsWithValue(t, c.panics, func() { _, _ = c.call() })
				return
			}
			var got any
			var err error
			require.NotPanics(t, func() { got, err = c.call() })
			switch c.err {
			case nil:
				require.NoError(t, err)
			case errAny:
				require.Error(t, err)
				requireNoRepeatedPrefix(t, err)
			default:
				require.ErrorIs(t, err, c.err)
				requireNoRepeatedPrefix(t, err)
			}
			switch {
			case c.check != nil:
				c.check(t, got)
			case c.want == nil:
				require.Nil(t, got)
			default:
				require.Equal(t, c.want, got)
			}
		})
	}
}

// TestNilInputCoversAPI requires every exported function and method of
// the package to be called in TestNilInput, and every other exported
// identifier (types, constants, variables, struct fields) to be named in
// this file.
func TestNilInputCoversAPI(t *testing.T) {
	fset := token.NewFileSet()
	var exported, funcs []string
	paths, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					recv := d.Recv.List[0].Type
					if star, ok := recv.(*ast.StarExpr); ok {
						recv = star.X
					}
					if !recv.(*ast.Ident).IsExported() {
						continue // unreachable from outside the package
					}
					name = recv.(*ast.Ident).Name + "." + name
				}
				funcs = append(funcs, name)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						exported = append(exported, s.Name.Name)
						if st, ok := s.Type.(*ast.StructType); ok {
							for _, field := range st.Fields.List {
								for _, n := range field.Names {
									if n.IsExported() {
										exported = append(exported, n.Name)
									}
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								exported = append(exported, n.Name)
							}
						}
					}
				}
			}
		}
	}
	require.NotEmpty(t, funcs)

	called := map[string]bool{}
	for _, c := range nilInputCases(t) {
		called[c.api] = true
	}
	for _, name := range funcs {
		require.True(t, called[name], "TestNilInput does not call %s", name)
	}

	src, err := os.ReadFile("nilinput_test.go")
	require.NoError(t, err)
	f, err := parser.ParseFile(fset, "nilinput_test.go", src, 0)
	require.NoError(t, err)
	named := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			named[id.Name] = true
		}
		return true
	})
	slices.Sort(exported)
	for _, name := range slices.Compact(exported) {
		require.True(t, named[name], "nilinput_test.go does not name %s", name)
	}
}
