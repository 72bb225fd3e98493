package ecdsa_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/cbets/cbets/ecdsa"
)

// exampleKey returns a fixed private key so that the examples print the same
// output on every run. Real keys come from GenerateKey.
func exampleKey(label byte) *ecdsa.PrivateKey {
	key, err := ecdsa.ParsePrivateKey(bytes.Repeat([]byte{label}, ecdsa.PrivateKeySize))
	if err != nil {
		panic(err)
	}
	return key
}

func ExampleGenerateKey() {
	key, err := ecdsa.GenerateKey(nil) // crypto/rand
	if err != nil {
		panic(err)
	}
	// A key survives a round trip through its 32-byte encoding.
	back, err := ecdsa.ParsePrivateKey(key.Bytes())
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Equal(key), len(key.PublicKey().Bytes()))
	// Output: true 33
}

func ExampleParsePrivateKey() {
	one := make([]byte, ecdsa.PrivateKeySize)
	one[31] = 1
	key, err := ecdsa.ParsePrivateKey(one)
	if err != nil {
		panic(err)
	}
	pub := key.PublicKey()
	fmt.Println("pk:  ", hex.EncodeToString(pub.Bytes()))
	fmt.Println("WID: ", pub.Address(ecdsa.DefaultAddressVersion))

	// Scalars are never reduced: n itself is refused.
	n, _ := hex.DecodeString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	_, err = ecdsa.ParsePrivateKey(n)
	fmt.Println(errors.Is(err, ecdsa.ErrInvalidPrivateKey))
	// Output:
	// pk:   0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798
	// WID:  1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH
	// true
}

func ExampleParseAddress() {
	mid := exampleKey(0x11).PublicKey().Address(ecdsa.DefaultAddressVersion)
	s := mid.String()
	fmt.Println(s)

	a, err := ecdsa.ParseAddress(s, ecdsa.DefaultAddressVersion)
	fmt.Println(a == mid, err)

	_, err = ecdsa.ParseAddress(s, 0x05)
	fmt.Println(errors.Is(err, ecdsa.ErrAddressVersion))
	_, err = ecdsa.ParseAddress(s[:len(s)-1]+"1", ecdsa.DefaultAddressVersion)
	fmt.Println(errors.Is(err, ecdsa.ErrAddressChecksum))
	// Output:
	// 1Q1pE5vPGEEMqRcVRMbtBK842Y6Pzo6nK9
	// true <nil>
	// true
	// true
}

// The user signs a ticket request (UserSign); the merchant signs its answer
// under its own key (MerchantSign). Both are R-bound signatures.
func ExampleSignRBound() {
	user, merchant := exampleKey(0x11), exampleKey(0x22)
	request := []byte("buy: seat 12A")
	userSig, err := ecdsa.SignRBound(user, request, nil)
	if err != nil {
		panic(err)
	}
	wire := userSig.Bytes() // compressed R ‖ s
	fmt.Println(len(wire), hex.EncodeToString(wire))

	// The merchant parses and verifies, then answers.
	parsed, err := ecdsa.ParseRBoundSignature(wire)
	if err != nil {
		panic(err)
	}
	fmt.Println("UserSign:", ecdsa.VerifyRBound(user.PublicKey(), request, parsed, ecdsa.SHA256))
	answer := []byte("ticket: seat 12A")
	merchantSig, err := ecdsa.SignRBound(merchant, answer, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("MerchantSign:", ecdsa.VerifyRBound(merchant.PublicKey(), answer, merchantSig, ecdsa.SHA256))

	// Another message, or the other profile, does not verify.
	err = ecdsa.VerifyRBound(user.PublicKey(), []byte("buy: seat 12B"), parsed, ecdsa.SHA256)
	fmt.Println(errors.Is(err, ecdsa.ErrInvalidSignature))
	err = ecdsa.VerifyRBound(user.PublicKey(), request, parsed, ecdsa.PaperSHA1)
	fmt.Println(errors.Is(err, ecdsa.ErrInvalidSignature))
	// Output:
	// 65 033bb77f8bbd780279ca417da3fe0faacc7f8fb7a2970ba40e749a26cfa48f363303eb26765672cc4effe8acdf5174ef7726bc2ee0ce0eda3aa2a0237df0ec29ef
	// UserSign: <nil>
	// MerchantSign: <nil>
	// true
	// true
}

// The ticket holder signs the consumption message m3 = (m2, t2) with the
// inverse-s scheme; the merchant verifies ω before completing it (package
// multisig).
func ExampleSignInverseS() {
	holder := exampleKey(0x33)
	m3 := []byte("consume: ticket 42 at t2")
	omega, err := ecdsa.SignInverseS(holder, m3, nil)
	if err != nil {
		panic(err)
	}
	wire := omega.Bytes() // a ‖ s
	fmt.Println(len(wire), hex.EncodeToString(wire))

	parsed, err := ecdsa.ParseInverseSSignature(wire)
	if err != nil {
		panic(err)
	}
	fmt.Println(ecdsa.VerifyInverseS(holder.PublicKey(), m3, parsed, ecdsa.SHA256))

	// The paper's SHA-1 profile is chosen by the verifier too.
	sha1Omega, err := ecdsa.SignInverseS(holder, m3, &ecdsa.SignOptions{Profile: ecdsa.PaperSHA1})
	if err != nil {
		panic(err)
	}
	fmt.Println(ecdsa.VerifyInverseS(holder.PublicKey(), m3, sha1Omega, ecdsa.PaperSHA1))
	fmt.Println(errors.Is(ecdsa.VerifyInverseS(holder.PublicKey(), m3, sha1Omega, ecdsa.SHA256), ecdsa.ErrInvalidSignature))
	// Output:
	// 64 e9c3d2b9d16720fc4eb73a01258d612397e5ff991c37a3a6216f61fa042fc7711c8fb4054a9927e994d25b3ba0b2c593129bde5c306facb82664a370d5a8c750
	// <nil>
	// <nil>
	// true
}
