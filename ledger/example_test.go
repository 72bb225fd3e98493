package ledger_test

import (
	"bytes"
	"context"
	"errors"
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

// A cancelled event in a ledger: the merchant cancels it, the ledger lists
// the refunds it owes — to each ticket's current holder, what that holder
// paid — and applies the holders' claims; nothing else is accepted for the
// event's tickets.
func ExampleLedger_Cancel() {
	ctx := context.Background()
	registrar, merchantKey := exampleKey(1), exampleKey(2)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	aliceKey, alice := exampleUser(registrar, "alice", 4)
	bobKey, bob := exampleUser(registrar, "bob", 5)
	scale := must(tax.NewScale(100))
	policy := ticket.DefaultPolicy(scale)
	m := must(ticket.NewMerchant(merchantKey, registrar.PublicKey(), policy))
	l := must(ledger.New(ledger.NewMemStore(), ledger.Config{
		Registrar: registrar.PublicKey(), Merchants: []*ecdsa.PublicKey{m.PublicKey()}, Policy: policy,
		InitialStanding: ticket.Standing{Reputation: policy.ListingThreshold},
	}))
	now := time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)
	ev := must(ticket.NewEvent(merchantKey, ticket.EventTerms{
		ID: "concert", Capacity: 100, FaceValue: 10000,
		SaleStart: now, SaleEnd: now.Add(7 * 24 * time.Hour),
		Start: now.Add(7 * 24 * time.Hour), End: now.Add(8 * 24 * time.Hour),
	}))
	must(l.Publish(ctx, ev.Bytes()))
	apply := func(_ *ticket.Ticket, rec *ticket.Record, err error) *ticket.Ticket {
		if err != nil {
			log.Fatal(err)
		}
		return must(l.Apply(ctx, rec.Bytes()))
	}
	buy := func(key *ecdsa.PrivateKey, cert *ticket.Certificate) *ticket.Ticket {
		now = now.Add(time.Minute)
		req := must(ticket.NewBuyRequest(key, cert, m.PublicKey(), "concert", must(l.AllocateSerial(ctx, "concert")), 10000, now))
		return apply(m.Buy(req, must(l.Facts(ctx, req)), now))
	}

	// Eve resells her ticket to alice at 115.00; bob keeps his.
	tk := buy(eveKey, eve)
	buy(bobKey, bob)
	now = now.Add(time.Minute)
	req := must(ticket.NewListRequest(eveKey, tk, 11500, eve.WID(), now))
	tk = apply(m.List(tk, req, must(l.Facts(ctx, req)), now))
	req = must(ticket.NewTransferRequest(aliceKey, alice, tk, now))
	apply(m.Transfer(tk, req, must(l.Facts(ctx, req)), now))

	// The merchant calls the concert off.
	now = now.Add(time.Hour)
	must(l.Cancel(ctx, must(ticket.NewCancellation(merchantKey, ev, now)).Bytes()))
	owed := must(l.RefundsOwed(ctx, "concert"))
	for _, t := range owed {
		fmt.Println("ticket", t.Serial, "owes", t.Holder.ID(), scale.Format(t.Price))
	}

	// Each holder claims a refund to its own wallet; the ledger's tickets
	// carry the cancellation the merchant checks.
	keys := map[string]*ecdsa.PrivateKey{"alice": aliceKey, "bob": bobKey}
	for _, t := range owed {
		cur, _, err := l.Ticket(ctx, "concert", t.Serial)
		if err != nil {
			log.Fatal(err)
		}
		req := must(ticket.NewRefundRequest(keys[cur.Holder.ID()], cur, cur.Holder.WID(), now))
		apply(m.Refund(cur, req, must(l.Facts(ctx, req)), now))
	}
	fmt.Println("still owed:", len(must(l.RefundsOwed(ctx, "concert"))))

	// A ticket of the cancelled event can no longer be sold.
	_, err := l.AllocateSerial(ctx, "concert")
	fmt.Println(errors.Is(err, ticket.ErrCancelled))
	// Output:
	// ticket 1 owes alice 115.00
	// ticket 2 owes bob 100.00
	// still owed: 0
	// true
}
