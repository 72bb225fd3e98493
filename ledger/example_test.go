package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
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

// A ticket's life in a ledger: the merchant publishes the event, the ledger
// hands out a serial, and every transition is run by the merchant with the
// facts the ledger gives and applied by the ledger, which keeps the records
// and the counts that span tickets.
func Example() {
	ctx := context.Background()
	registrar, merchantKey := exampleKey(1), exampleKey(2)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	aliceKey, alice := exampleUser(registrar, "alice", 4)
	scale := must(tax.NewScale(100)) // amounts in cents
	policy := ticket.DefaultPolicy(scale)
	m := must(ticket.NewMerchant(merchantKey, registrar.PublicKey(), policy))

	// This deployment grants new users the reputation the policy asks of
	// a seller.
	l := must(ledger.New(ledger.NewMemStore(), ledger.Config{
		Registrar:       registrar.PublicKey(),
		Merchants:       []*ecdsa.PublicKey{m.PublicKey()},
		Policy:          policy,
		InitialStanding: ticket.Standing{Reputation: policy.ListingThreshold},
	}))

	now := time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)
	ev := must(ticket.NewEvent(merchantKey, ticket.EventTerms{
		ID: "concert", Capacity: 100, FaceValue: 10000,
		SaleStart: now, SaleEnd: now.Add(7 * 24 * time.Hour),
		Start: now.Add(7 * 24 * time.Hour), End: now.Add(8 * 24 * time.Hour),
	}))
	must(l.Publish(ctx, ev.Bytes()))

	// Eve buys serial 1 at the face value. The merchant signs with the
	// facts the ledger gives (the event, how many tickets eve holds).
	serial := must(l.AllocateSerial(ctx, "concert"))
	now = now.Add(time.Minute)
	req := must(ticket.NewBuyRequest(eveKey, eve, m.PublicKey(), "concert", serial, ev.Terms().FaceValue, now))
	_, rec, err := m.Buy(req, must(l.Facts(ctx, req)), now)
	if err != nil {
		log.Fatal(err)
	}
	tk := must(l.Apply(ctx, rec.Bytes()))
	fmt.Println(tk.Event, tk.Serial, tk.State, "held by", tk.Holder.ID())

	// Eve lists it; alice buys the listing.
	now = now.Add(time.Hour)
	req = must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), now))
	_, rec, err = m.List(tk, req, must(l.Facts(ctx, req)), now)
	if err != nil {
		log.Fatal(err)
	}
	tk = must(l.Apply(ctx, rec.Bytes()))
	now = now.Add(time.Hour)
	req = must(ticket.NewTransferRequest(aliceKey, alice, tk, now))
	_, rec, err = m.Transfer(tk, req, must(l.Facts(ctx, req)), now)
	if err != nil {
		log.Fatal(err)
	}
	tk = must(l.Apply(ctx, rec.Bytes()))
	fmt.Println(tk.State, "to", tk.Holder.ID(), "tax", scale.Format(rec.Tax), "payout", scale.Format(rec.Payout))

	// Alice consumes it.
	now = now.Add(time.Hour)
	req = must(ticket.NewConsumeRequest(aliceKey, tk, now))
	_, rec, err = m.Consume(tk, req, now)
	if err != nil {
		log.Fatal(err)
	}
	must(l.Apply(ctx, rec.Bytes()))

	// The counts the ledger keeps.
	for _, c := range []*ticket.Certificate{eve, alice} {
		held := must(l.Held(ctx, "concert", c.ID()))
		s := must(l.Standing(ctx, c.ID()))
		fmt.Println(c.ID(), "holds", held, "reputation", s.Reputation, "transfers", s.Transfers)
	}

	// Anyone can read the ticket back and replay its records.
	stored, records, err := l.Ticket(ctx, "concert", serial)
	if err != nil {
		log.Fatal(err)
	}
	v := must(ticket.NewVerifier(registrar.PublicKey(), []*ecdsa.PublicKey{m.PublicKey()}, policy))
	v.Events = []*ticket.Event{ev}
	replayed, err := ticket.Replay(records, v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(records), "records replay to", replayed.State, "held by", replayed.Holder.ID(),
		"same head:", replayed.Head == stored.Head)
	// Output:
	// concert 1 valid held by eve
	// transferred to alice tax 15.00 payout 105.00
	// eve holds 0 reputation 485 transfers 1
	// alice holds 1 reputation 505 transfers 0
	// 4 records replay to consumed held by alice same head: true
}
