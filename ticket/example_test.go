package ticket_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// must stops an example on an error.
func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// exampleKey returns a fixed key: the scalar with all 32 bytes set to b.
// Real keys come from ecdsa.GenerateKey.
func exampleKey(b byte) *ecdsa.PrivateKey {
	return must(ecdsa.ParsePrivateKey(bytes.Repeat([]byte{b}, 32)))
}

// exampleUser is a user key with a certificate from the registrar.
func exampleUser(registrar *ecdsa.PrivateKey, id string, b byte) (*ecdsa.PrivateKey, *ticket.Certificate) {
	key := exampleKey(b)
	wid := key.PublicKey().Address(ecdsa.DefaultAddressVersion)
	return key, must(ticket.IssueCertificate(registrar, id, key.PublicKey(), wid))
}

// Buying (Algorithm 1) and consuming (Algorithm 2): the holder signs ω, the
// merchant completes it into the 2-of-2 signature Σ that the record keeps.
func ExampleMerchant_Consume() {
	registrar := exampleKey(1)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	scale := must(tax.NewScale(100)) // amounts in cents
	m := must(ticket.NewMerchant(exampleKey(2), registrar.PublicKey(), ticket.DefaultPolicy(scale)))

	t1 := time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)
	buy := must(ticket.NewBuyRequest(eveKey, eve, m.PublicKey(), "concert", "A-1", 4500, t1))
	// Facts.Held: eve holds no other ticket of the event.
	tk, rec, err := m.Buy(buy, ticket.Facts{Held: 0}, t1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, tk.Holder.ID(), scale.Format(tk.Price), "reputation", rec.SignerReputation)

	t2 := t1.Add(2 * time.Hour)
	omega := must(ticket.NewConsumeRequest(eveKey, tk, t2))
	tk, rec, err = m.Consume(tk, omega, t2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "paper code", tk.State.PaperCode(), "Σ", len(rec.Consumption), "bytes")

	// Consumed is final.
	again := must(ticket.NewConsumeRequest(eveKey, tk, t2))
	_, _, err = m.Consume(tk, again, t2)
	fmt.Println(errors.Is(err, ticket.ErrState))
	// Output:
	// valid eve 45.00 reputation 5
	// consumed paper code 0 Σ 128 bytes
	// true
}

// Transferring (Algorithm 3): the holder lists the ticket at Price', a
// buyer signs for it, and the merchant withholds the resale tax (eq. 24)
// and pays the seller the rest.
func ExampleMerchant_Transfer() {
	registrar := exampleKey(1)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	aliceKey, alice := exampleUser(registrar, "alice", 4)
	scale := must(tax.NewScale(100))
	m := must(ticket.NewMerchant(exampleKey(2), registrar.PublicKey(), ticket.DefaultPolicy(scale)))
	t1 := time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)

	buy := must(ticket.NewBuyRequest(eveKey, eve, m.PublicKey(), "concert", "A-1", 10000, t1))
	tk, _, err := m.Buy(buy, ticket.Facts{}, t1)
	if err != nil {
		log.Fatal(err)
	}

	// Eve lists at 120.00, paid to her wallet; her reputation (kept by
	// the backend) is 600, above the listing threshold of 500.
	eveStanding := ticket.Standing{Reputation: 600}
	t3 := t1.Add(24 * time.Hour)
	list := must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), t3))
	tk, _, err = m.List(tk, list, ticket.Facts{Seller: eveStanding}, t3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "at", scale.Format(tk.ListPrice))

	// Alice buys the listing at its price.
	t4 := t3.Add(time.Hour)
	transfer := must(ticket.NewTransferRequest(aliceKey, alice, tk, t4))
	tk, rec, err := m.Transfer(tk, transfer, ticket.Facts{Held: 0, Seller: eveStanding}, t4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "to", tk.Holder.ID(), "age", tk.Age)
	fmt.Println("alice pays", scale.Format(transfer.Price))
	fmt.Println("tax", scale.Format(rec.Tax), "payout to eve", scale.Format(rec.Payout))
	fmt.Println("reputation: alice", rec.SignerReputation, "eve", rec.SellerReputation)

	// The ticket cannot be listed again (one transfer by default) ...
	relist := must(ticket.NewListRequest(aliceKey, tk, 15000, alice.WID(), t4))
	_, _, err = m.List(tk, relist, ticket.Facts{Seller: ticket.Standing{Reputation: 900}}, t4)
	fmt.Println(errors.Is(err, ticket.ErrTransferLimit))

	// ... and only its new holder can consume it.
	t2 := t4.Add(time.Hour)
	consume := must(ticket.NewConsumeRequest(aliceKey, tk, t2))
	tk, _, err = m.Consume(tk, consume, t2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "by", tk.Holder.ID())
	// Output:
	// listed at 120.00
	// transferred to alice age 1
	// alice pays 120.00
	// tax 15.00 payout to eve 105.00
	// reputation: alice 5 eve -20
	// true
	// consumed by alice
}

// Anyone with the registrar's and the merchants' public keys can rebuild
// a ticket from its stored records and verify every step.
func ExampleReplay() {
	registrar := exampleKey(1)
	merchantKey := exampleKey(2)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	scale := must(tax.NewScale(100))
	policy := ticket.DefaultPolicy(scale)
	m := must(ticket.NewMerchant(merchantKey, registrar.PublicKey(), policy))
	t1 := time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)

	// The backend stores the encoding of each record.
	var stored [][]byte
	buy := must(ticket.NewBuyRequest(eveKey, eve, m.PublicKey(), "concert", "A-1", 10000, t1))
	tk, rec, err := m.Buy(buy, ticket.Facts{}, t1)
	if err != nil {
		log.Fatal(err)
	}
	stored = append(stored, rec.Bytes())
	standing := ticket.Facts{Seller: ticket.Standing{Reputation: 600}}
	for i, at := range []time.Duration{time.Hour, 2 * time.Hour} {
		now := t1.Add(at)
		if i == 0 {
			tk, rec, err = m.List(tk, must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), now)), standing, now)
		} else {
			tk, rec, err = m.Delist(tk, must(ticket.NewDelistRequest(eveKey, tk, now)), now)
		}
		if err != nil {
			log.Fatal(err)
		}
		stored = append(stored, rec.Bytes())
	}

	// An auditor parses and replays them.
	var records []*ticket.Record
	for _, b := range stored {
		records = append(records, must(ticket.ParseRecord(b)))
	}
	v := &ticket.Verifier{Registrar: registrar.PublicKey(), Merchants: []*ecdsa.PublicKey{m.PublicKey()}, Policy: policy}
	got, err := ticket.Replay(records, v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(records), "records:", got.State, "held by", got.Holder.ID(), "same head:", got.Head == tk.Head)

	// A history with a record left out is refused, naming the record.
	_, err = ticket.Replay([]*ticket.Record{records[0], records[2]}, v)
	var re *ticket.RecordError
	if errors.As(err, &re) {
		fmt.Println("record", re.Index, re.Kind, errors.Is(err, ticket.ErrForeign))
	}
	// Output:
	// 3 records: valid held by eve same head: true
	// record 1 delist true
}
