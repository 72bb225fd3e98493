package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"

	"github.com/cbets/cbets/ecdsa"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// The paper's Table 8, in milliseconds (SPEC section 10).
const (
	paperRSAKeyGenMS   = 4850.712
	paperRSAVerifyMS   = 4.012
	paperRSASignMS     = 172.371
	paperECDSAKeyGenMS = 323.3808
	paperECDSAVerifyMS = 636.286
	paperECDSASignMS   = 214.902
)

// Security levels in bits, after NIST SP 800-57 Part 1, Table 2. The
// paper's rows are RSA with a 1024-bit modulus and ECDSA with a 160-bit
// one, both about 80 bits; cbets works on secp256k1, about 128 bits, the
// level of RSA-3072.
const (
	paperSecurityBits = 80
	rsa1024Bits       = 80
	rsa3072Bits       = 128
	secp256k1Bits     = 128
)

// Row ids the report derives figures from.
const (
	idRSA3072Verify = "rsa3072-verify"
	idRSA3072Sign   = "rsa3072-sign"
	idRSA3072KeyGen = "rsa3072-keygen"
	idECDSAKeyGen   = "ecdsa-keygen"
	idECDSAVerify   = "ecdsa-verify"
	idECDSASign     = "ecdsa-sign"
)

// operation is one row of Table 8 with what measures it here. Setup
// prepares its keys and signatures, outside the timing, and returns the
// operation to time.
type operation struct {
	ID       string
	Name     string
	Security int     // bits
	PaperMS  float64 // 0 when the paper has no such row
	Slow     bool    // about a second per operation: few samples, and its benchmark runs only with -paper.slow
	Setup    func(f *fixtures) (func() error, error)
}

// table8 lists the rows: the paper's six, RSA-3072 at the security level of
// secp256k1, our R-bound ECDSA (the paper's UserSign), and decred's
// standard ECDSA on the same curve as a reference.
func table8() []operation {
	return []operation{
		{ID: "rsa1024-keygen", Name: "RSA-1024 key generation", Security: rsa1024Bits, PaperMS: paperRSAKeyGenMS, Setup: rsaKeyGen(1024)},
		{ID: "rsa1024-verify", Name: "RSA-1024 encryption/verification", Security: rsa1024Bits, PaperMS: paperRSAVerifyMS, Setup: rsaVerify(1024)},
		{ID: "rsa1024-sign", Name: "RSA-1024 decryption/signing", Security: rsa1024Bits, PaperMS: paperRSASignMS, Setup: rsaSign(1024)},
		{ID: idRSA3072KeyGen, Name: "RSA-3072 key generation", Security: rsa3072Bits, Slow: true, Setup: rsaKeyGen(3072)},
		{ID: idRSA3072Verify, Name: "RSA-3072 encryption/verification", Security: rsa3072Bits, Setup: rsaVerify(3072)},
		{ID: idRSA3072Sign, Name: "RSA-3072 decryption/signing", Security: rsa3072Bits, Setup: rsaSign(3072)},
		{ID: idECDSAKeyGen, Name: "ECDSA key generation (cbets)", Security: secp256k1Bits, PaperMS: paperECDSAKeyGenMS, Setup: ecdsaKeyGen},
		{ID: idECDSAVerify, Name: "ECDSA verification (cbets UserSign)", Security: secp256k1Bits, PaperMS: paperECDSAVerifyMS, Setup: ecdsaVerify},
		{ID: idECDSASign, Name: "ECDSA signing (cbets UserSign)", Security: secp256k1Bits, PaperMS: paperECDSASignMS, Setup: ecdsaSign},
		{ID: "decred-keygen", Name: "ECDSA key generation (decred)", Security: secp256k1Bits, PaperMS: paperECDSAKeyGenMS, Setup: decredKeyGen},
		{ID: "decred-verify", Name: "ECDSA verification (decred)", Security: secp256k1Bits, PaperMS: paperECDSAVerifyMS, Setup: decredVerify},
		{ID: "decred-sign", Name: "ECDSA signing (decred)", Security: secp256k1Bits, PaperMS: paperECDSASignMS, Setup: decredSign},
	}
}

var table8Message = []byte("enroll: concert 2026-12-01, seat A-14")

// fixtures holds the keys and signatures the rows share, made on first
// use: an RSA-3072 key takes about a second to generate.
type fixtures struct {
	rsa map[int]*rsa.PrivateKey
}

func newFixtures() *fixtures { return &fixtures{rsa: map[int]*rsa.PrivateKey{}} }

func (f *fixtures) rsaKey(bits int) (*rsa.PrivateKey, error) {
	if k := f.rsa[bits]; k != nil {
		return k, nil
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	f.rsa[bits] = k
	return k, nil
}

// rsaKeyGen times key generation. The last key generated becomes the
// fixture of the verification and signing rows of the same size, which
// saves generating one more.
func rsaKeyGen(bits int) func(*fixtures) (func() error, error) {
	return func(f *fixtures) (func() error, error) {
		return func() error {
			k, err := rsa.GenerateKey(rand.Reader, bits)
			if err == nil {
				f.rsa[bits] = k
			}
			return err
		}, nil
	}
}

func rsaVerify(bits int) func(*fixtures) (func() error, error) {
	return func(f *fixtures) (func() error, error) {
		key, err := f.rsaKey(bits)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(table8Message)
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:])
		if err != nil {
			return nil, err
		}
		return func() error { return rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, h[:], sig) }, nil
	}
}

func rsaSign(bits int) func(*fixtures) (func() error, error) {
	return func(f *fixtures) (func() error, error) {
		key, err := f.rsaKey(bits)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(table8Message)
		return func() error {
			_, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:])
			return err
		}, nil
	}
}

func ecdsaKeyGen(*fixtures) (func() error, error) {
	return func() error {
		_, err := ecdsa.GenerateKey(rand.Reader)
		return err
	}, nil
}

func ecdsaFixture() (*ecdsa.PrivateKey, *ecdsa.RBoundSignature, error) {
	key, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sig, err := ecdsa.SignRBound(key, table8Message, nil)
	return key, sig, err
}

func ecdsaVerify(*fixtures) (func() error, error) {
	key, sig, err := ecdsaFixture()
	if err != nil {
		return nil, err
	}
	pub := key.PublicKey()
	return func() error { return ecdsa.VerifyRBound(pub, table8Message, sig, ecdsa.SHA256) }, nil
}

func ecdsaSign(*fixtures) (func() error, error) {
	key, _, err := ecdsaFixture()
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := ecdsa.SignRBound(key, table8Message, nil)
		return err
	}, nil
}

// decredKeyGen includes the public key, which decred computes only when
// asked and cbets computes with the key.
func decredKeyGen(*fixtures) (func() error, error) {
	return func() error {
		k, err := secp256k1.GeneratePrivateKey()
		if err != nil {
			return err
		}
		k.PubKey()
		return nil
	}, nil
}

func decredVerify(*fixtures) (func() error, error) {
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(table8Message)
	sig, pub := decdsa.Sign(key, h[:]), key.PubKey()
	return func() error {
		if !sig.Verify(h[:], pub) {
			return errors.New("paper: decred signature does not verify")
		}
		return nil
	}, nil
}

func decredSign(*fixtures) (func() error, error) {
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(table8Message)
	return func() error {
		decdsa.Sign(key, h[:])
		return nil
	}, nil
}
