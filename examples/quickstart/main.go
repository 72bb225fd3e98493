// Command quickstart signs and verifies with each of the paper's signature
// schemes: a holder's UserSign, a merchant's MerchantSign, and the 2-of-2
// consumption signature that needs both.
package main

import (
	"fmt"
	"log"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
)

func main() {
	user, err := ecdsa.GenerateKey(nil)
	if err != nil {
		log.Fatal(err)
	}
	merchant, err := ecdsa.GenerateKey(nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("user wallet address (WID):    ", user.PublicKey().Address(ecdsa.DefaultAddressVersion))
	fmt.Println("merchant wallet address:      ", merchant.PublicKey().Address(ecdsa.DefaultAddressVersion))

	// Buying (Algorithm 1): the user signs its request, the merchant signs
	// the ticket it issues. Both are R-bound ECDSA (UserSign, MerchantSign).
	request := []byte("enroll: concert 2026-12-01, seat 14F")
	userSig, err := ecdsa.SignRBound(user, request, nil)
	if err != nil {
		log.Fatal(err)
	}
	check("UserSign verifies:            ", ecdsa.VerifyRBound(user.PublicKey(), request, userSig, ecdsa.SHA256))
	ticket := []byte("enroll: concert 2026-12-01, seat 14F, t1=1764547200")
	merchantSig, err := ecdsa.SignRBound(merchant, ticket, nil)
	if err != nil {
		log.Fatal(err)
	}
	check("MerchantSign verifies:        ", ecdsa.VerifyRBound(merchant.PublicKey(), ticket, merchantSig, ecdsa.SHA256))

	// Consuming (Algorithm 2): the holder signs ω, the merchant completes
	// it into the 2-of-2 signature Σ that anyone can verify.
	invalidate := []byte("invalidate: concert 2026-12-01, seat 14F, t2=1764600000")
	omega, err := ecdsa.SignInverseS(user, invalidate, nil)
	if err != nil {
		log.Fatal(err)
	}
	sigma, err := multisig.Complete(merchant, user.PublicKey(), invalidate, omega, nil)
	if err != nil {
		log.Fatal(err)
	}
	check("2-of-2 consumption verifies:  ", multisig.Verify(user.PublicKey(), merchant.PublicKey(), invalidate, sigma, ecdsa.SHA256))
	fmt.Printf("Σ (%d bytes):                  %x…\n", len(sigma.Bytes()), sigma.Bytes()[:16])

	// A signature over another message is refused.
	check("Σ on another message:         ", multisig.Verify(user.PublicKey(), merchant.PublicKey(), []byte("invalidate: another seat"), sigma, ecdsa.SHA256))
}

func check(label string, err error) {
	if err != nil {
		fmt.Println(label, "refused:", err)
		return
	}
	fmt.Println(label, "ok")
}
