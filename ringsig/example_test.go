package ringsig_test

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ringsig"
)

// exampleKey derives a fixed key from a name, so that the examples'
// output does not change from run to run. Real keys come from
// ecdsa.GenerateKey.
func exampleKey(name string) *ecdsa.PrivateKey {
	h := sha256.Sum256([]byte("cbets/ringsig/example/" + name))
	k, err := ecdsa.ParsePrivateKey(h[:])
	if err != nil {
		panic(err)
	}
	return k
}

// A member of a mixing round signs the output address it registers. The
// server learns that one of the ring's members signed, not which one.
func ExampleSign() {
	alice, bob, carol := exampleKey("alice"), exampleKey("bob"), exampleKey("carol")
	ring, err := ringsig.NewRing([]*ecdsa.PublicKey{alice.PublicKey(), bob.PublicKey(), carol.PublicKey()})
	if err != nil {
		fmt.Println(err)
		return
	}
	scope, err := ringsig.NewScope([]byte("session-42/output-slot-0"))
	if err != nil {
		fmt.Println(err)
		return
	}
	msg := []byte("output address 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")

	// Bob signs from his position in the ring.
	sig, err := ringsig.Sign(bob, ring, ring.Index(bob.PublicKey()), scope, msg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	wire := sig.Bytes()
	fmt.Println("signature bytes:", len(wire))

	// The server decodes what it received and verifies it against the ring.
	received, err := ringsig.ParseSignature(wire)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = ringsig.Verify(ring, scope, msg, received)
	fmt.Println("verified:", err == nil)
	_, err = ringsig.Verify(ring, scope, []byte("output address of someone else"), received)
	fmt.Println("other message rejected:", errors.Is(err, ringsig.ErrInvalidSignature))
	// Output:
	// signature bytes: 161
	// verified: true
	// other message rejected: true
}

// Two registrations by one member in one output slot link, even under
// different rings and messages; registrations by another member, or in
// another slot, do not.
func ExampleLink() {
	alice, bob, carol := exampleKey("alice"), exampleKey("bob"), exampleKey("carol")
	tag := func(signer *ecdsa.PrivateKey, members []*ecdsa.PrivateKey, slot, msg string) ringsig.Tag {
		pubs := make([]*ecdsa.PublicKey, len(members))
		for i, m := range members {
			pubs[i] = m.PublicKey()
		}
		ring, err := ringsig.NewRing(pubs)
		if err != nil {
			panic(err)
		}
		scope, err := ringsig.NewScope([]byte("session-42/" + slot))
		if err != nil {
			panic(err)
		}
		sig, err := ringsig.Sign(signer, ring, ring.Index(signer.PublicKey()), scope, []byte(msg), nil)
		if err != nil {
			panic(err)
		}
		t, err := ringsig.Verify(ring, scope, []byte(msg), sig)
		if err != nil {
			panic(err)
		}
		return t
	}
	everyone := []*ecdsa.PrivateKey{alice, bob, carol}
	first := tag(bob, everyone, "output-slot-0", "address A")
	second := tag(bob, []*ecdsa.PrivateKey{carol, bob}, "output-slot-0", "address B")
	other := tag(carol, everyone, "output-slot-0", "address C")
	nextSlot := tag(bob, everyone, "output-slot-1", "address A")

	for _, c := range []struct {
		name string
		b    ringsig.Tag
	}{
		{"bob twice in slot 0", second},
		{"bob and carol in slot 0", other},
		{"bob in slots 0 and 1", nextSlot},
		{"bob and a failed verification", ringsig.Tag{}},
	} {
		linked, err := ringsig.Link(first, c.b)
		if err != nil {
			fmt.Printf("%s: %v\n", c.name, err)
			continue
		}
		fmt.Printf("%s: %t\n", c.name, linked)
	}
	// Output:
	// bob twice in slot 0: true
	// bob and carol in slot 0: false
	// bob in slots 0 and 1: false
	// bob and a failed verification: ringsig: zero tag: not returned by a successful Verify
}
