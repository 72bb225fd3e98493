package multisig_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
)

// fuzzSeeds returns the honest Σ of each profile and a few boundary
// encodings.
func fuzzSeeds(f *testing.F) [][]byte {
	user := keyFromLabel(f, labelUser1)
	merchant := keyFromLabel(f, labelMerchant1)
	var seeds [][]byte
	for _, p := range profiles {
		_, sig := consume(f, user, merchant, baseMsg, p)
		raw := sig.Bytes()
		seeds = append(seeds, raw, withHighSU(raw), withHighT(raw), withT(raw, modN(curveN)))
	}
	n := curveN.Bytes()
	return append(seeds,
		nil,
		make([]byte, multisig.SignatureSize),
		bytes.Repeat([]byte{0xff}, multisig.SignatureSize),
		bytes.Repeat(n, 4),
		sigFromScalars(halfN, halfN, halfN, new(big.Int).Sub(curveN, big.NewInt(1))),
	)
}

func FuzzParseSignature(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := multisig.ParseSignature(b)
		if (sig == nil) == (err == nil) {
			t.Fatalf("ParseSignature returned sig %v and err %v: want exactly one", sig, err)
		}
		if err != nil {
			return
		}
		if !bytes.Equal(sig.Bytes(), b) {
			t.Fatalf("Bytes() = %x, want the input %x", sig.Bytes(), b)
		}
		if !bytes.Equal(sig.UserSignature().Bytes(), b[:64]) {
			t.Fatalf("UserSignature() = %x, want %x", sig.UserSignature().Bytes(), b[:64])
		}
		// A parsed Σ has s_u, t ∈ [1, (n−1)/2], so s_m = s_u + t exactly.
		su, sm, tm := field(b, fieldSU), field(b, fieldSM), merchantScalar(b)
		if tm.Sign() == 0 || tm.Cmp(halfN) > 0 || su.Cmp(halfN) > 0 || new(big.Int).Add(su, tm).Cmp(sm) != 0 {
			t.Fatalf("accepted Σ with s_u = %x, s_m = %x", su, sm)
		}
	})
}

// FuzzVerify mutates an honest Σ and its msg. Verify must never panic, and
// must accept only the honest (msg, Σ) pair of the profile it checks: any
// other accepted pair would be a forgery or a malleated signature.
func FuzzVerify(f *testing.F) {
	user := keyFromLabel(f, labelUser1)
	merchant := keyFromLabel(f, labelMerchant1)
	pkU, pkM := user.PublicKey(), merchant.PublicKey()
	honest := map[ecdsa.Profile][]byte{}
	for _, p := range profiles {
		_, sig := consume(f, user, merchant, baseMsg, p)
		honest[p] = sig.Bytes()
		f.Add(baseMsg, sig.Bytes())
		f.Add(baseMsg[1:], sig.Bytes())
		f.Add(baseMsg, flipByte(sig.Bytes(), 100, 0x10))
	}
	for _, s := range fuzzSeeds(f) {
		f.Add(baseMsg, s)
	}
	f.Fuzz(func(t *testing.T, msg, raw []byte) {
		sig, err := multisig.ParseSignature(raw)
		if err != nil {
			return
		}
		for _, p := range profiles {
			err := multisig.Verify(pkU, pkM, msg, sig, p)
			isHonest := bytes.Equal(msg, baseMsg) && bytes.Equal(raw, honest[p])
			if (err == nil) != isHonest {
				t.Fatalf("%s: Verify(msg %x, Σ %x) = %v, honest pair: %v", p, msg, raw, err, isHonest)
			}
			// Other keys never accept.
			if multisig.Verify(pkM, pkU, msg, sig, p) == nil {
				t.Fatalf("%s: Σ %x verifies under swapped keys", p, raw)
			}
		}
	})
}

// FuzzComplete hands Complete arbitrary ω: it must refuse any that does not
// verify under the holder's key, and what it returns must verify.
func FuzzComplete(f *testing.F) {
	user := keyFromLabel(f, labelUser1)
	merchant := keyFromLabel(f, labelMerchant1)
	pkU, pkM := user.PublicKey(), merchant.PublicKey()
	for _, p := range profiles {
		omega, err := ecdsa.SignInverseS(user, baseMsg, opts(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(baseMsg, omega.Bytes(), p == ecdsa.PaperSHA1)
		f.Add(baseMsg[1:], omega.Bytes(), p == ecdsa.PaperSHA1)
	}
	f.Fuzz(func(t *testing.T, msg, omegaBytes []byte, sha1 bool) {
		omega, err := ecdsa.ParseInverseSSignature(omegaBytes)
		if err != nil {
			return
		}
		p := ecdsa.SHA256
		if sha1 {
			p = ecdsa.PaperSHA1
		}
		userOK := ecdsa.VerifyInverseS(pkU, msg, omega, p) == nil
		sig, err := multisig.Complete(merchant, pkU, msg, omega, opts(p))
		if !userOK {
			if err == nil {
				t.Fatalf("%s: Complete accepted ω %x on msg %x", p, omegaBytes, msg)
			}
			requireOnly(t, err, multisig.ErrUserSignature)
			return
		}
		if err != nil {
			t.Fatalf("%s: Complete refused a valid ω: %v", p, err)
		}
		if err := multisig.Verify(pkU, pkM, msg, sig, p); err != nil {
			t.Fatalf("%s: completed Σ does not verify: %v", p, err)
		}
	})
}
