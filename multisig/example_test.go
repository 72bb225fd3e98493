package multisig_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
)

// Example shows the consumption of a ticket: the holder signs the
// invalidation message with ω, the merchant checks ω and completes it into
// Σ, and anyone holding both public keys verifies Σ.
func Example() {
	// Fixed keys keep the output reproducible; real keys come from
	// ecdsa.GenerateKey(nil).
	holder, err := ecdsa.ParsePrivateKey(bytes.Repeat([]byte{0x11}, 32))
	if err != nil {
		panic(err)
	}
	merchant, err := ecdsa.ParsePrivateKey(bytes.Repeat([]byte{0x22}, 32))
	if err != nil {
		panic(err)
	}
	msg := []byte("consume ticket 42 at gate 7")

	// The holder signs msg (paper eq. 11–13) and hands ω to the merchant.
	omega, err := ecdsa.SignInverseS(holder, msg, nil)
	if err != nil {
		panic(err)
	}

	// The merchant verifies ω under the holder's key and completes it
	// (eq. 18–22).
	sigma, err := multisig.Complete(merchant, holder.PublicKey(), msg, omega, nil)
	if err != nil {
		panic(err)
	}
	wire := sigma.Bytes()
	fmt.Printf("Σ is %d bytes and starts with ω: %t\n", len(wire), bytes.Equal(wire[:64], omega.Bytes()))

	// Anyone verifies the bytes under both public keys.
	parsed, err := multisig.ParseSignature(wire)
	if err != nil {
		panic(err)
	}
	err = multisig.Verify(holder.PublicKey(), merchant.PublicKey(), msg, parsed, ecdsa.SHA256)
	fmt.Println("valid:", err == nil)

	// Σ does not cover another message, nor the keys swapped.
	err = multisig.Verify(holder.PublicKey(), merchant.PublicKey(), []byte("consume ticket 43 at gate 7"), parsed, ecdsa.SHA256)
	fmt.Println("another message:", errors.Is(err, multisig.ErrUserSignature))
	err = multisig.Verify(merchant.PublicKey(), holder.PublicKey(), msg, parsed, ecdsa.SHA256)
	fmt.Println("keys swapped:", err)

	// Output:
	// Σ is 128 bytes and starts with ω: true
	// valid: true
	// another message: true
	// keys swapped: multisig: user signature does not verify: ecdsa: signature does not verify
}
