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

// exampleUser is a user key with a certificate from the registrar, which
// binds the key's own address (its WID).
func exampleUser(registrar *ecdsa.PrivateKey, id string, b byte) (*ecdsa.PrivateKey, *ticket.Certificate) {
	key := exampleKey(b)
	wid := key.PublicKey().Address(ecdsa.DefaultAddressVersion)
	return key, must(ticket.IssueCertificate(registrar, id, key.PublicKey(), wid))
}

// t1 is when the examples' tickets are bought.
var t1 = time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)

// exampleShop is a registrar, a merchant selling "concert" at 100.00
// (amounts in cents) and its published event.
type exampleShop struct {
	registrar *ecdsa.PrivateKey
	scale     tax.Scale
	policy    ticket.Policy
	m         *ticket.Merchant
	concert   *ticket.Event
}

func newExampleShop() *exampleShop {
	s := &exampleShop{registrar: exampleKey(1), scale: must(tax.NewScale(100))}
	s.policy = ticket.DefaultPolicy(s.scale)
	merchantKey := exampleKey(2)
	s.m = must(ticket.NewMerchant(merchantKey, s.registrar.PublicKey(), s.policy))
	s.concert = must(ticket.NewEvent(merchantKey, ticket.EventTerms{
		ID: "concert", Capacity: 500, FaceValue: 10000,
		SaleStart: t1.Add(-30 * 24 * time.Hour), SaleEnd: t1.Add(48 * time.Hour),
		Start: t1.Add(48 * time.Hour), End: t1.Add(51 * time.Hour),
	}))
	return s
}

// buy has the user buy ticket serial of the concert at t1.
func (s *exampleShop) buy(key *ecdsa.PrivateKey, cert *ticket.Certificate, serial string) (*ticket.Ticket, *ticket.Record) {
	req := must(ticket.NewBuyRequest(key, cert, s.m.PublicKey(), "concert", serial, 10000, t1))
	tk, rec, err := s.m.Buy(req, ticket.Facts{Held: 0, Event: s.concert}, t1)
	if err != nil {
		log.Fatal(err)
	}
	return tk, rec
}

// A whole life cycle with the backend's bookkeeping: after each record the
// backend updates held counts and standings by the record's kind, as the
// package doc's "Facts the backend keeps" defines, and reads the next
// transition's facts from them.
func Example() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)
	aliceKey, alice := exampleUser(s.registrar, "alice", 4)

	// The backend's state. A certificate never seen holds nothing and
	// has the zero standing; this deployment carried eve's reputation
	// over from elsewhere.
	held := map[string]int{}                 // event + "/" + certificate id
	standing := map[string]ticket.Standing{} // certificate id
	standing["eve"] = ticket.Standing{Reputation: 600}
	apply := func(rec *ticket.Record, seller string) {
		req := rec.Request
		buyer := req.Cert.ID()
		switch req.Kind {
		case ticket.KindBuy:
			held[req.Event+"/"+buyer]++
			st := standing[buyer]
			st.Reputation += rec.SignerReputation
			standing[buyer] = st
		case ticket.KindTransfer:
			held[req.Event+"/"+seller]--
			held[req.Event+"/"+buyer]++
			st := standing[seller]
			st.Reputation += rec.SellerReputation
			st.Transfers++
			standing[seller] = st
			st = standing[buyer]
			st.Reputation += rec.SignerReputation
			standing[buyer] = st
		}
		fmt.Printf("%-8v held eve %d alice %d; standing eve %+v alice %+v\n", req.Kind,
			held["concert/eve"], held["concert/alice"], standing["eve"], standing["alice"])
	}

	buy := must(ticket.NewBuyRequest(eveKey, eve, s.m.PublicKey(), "concert", "A-1", 10000, t1))
	tk, rec, err := s.m.Buy(buy, ticket.Facts{Held: held["concert/eve"], Event: s.concert}, t1)
	if err != nil {
		log.Fatal(err)
	}
	apply(rec, "")

	t3 := t1.Add(time.Hour)
	list := must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), t3))
	tk, rec, err = s.m.List(tk, list, ticket.Facts{Seller: standing["eve"]}, t3)
	if err != nil {
		log.Fatal(err)
	}
	apply(rec, "eve")

	seller := tk.Holder.ID()
	transfer := must(ticket.NewTransferRequest(aliceKey, alice, tk, t3))
	tk, rec, err = s.m.Transfer(tk, transfer, ticket.Facts{Held: held["concert/alice"], Seller: standing[seller]}, t3)
	if err != nil {
		log.Fatal(err)
	}
	apply(rec, seller)

	t2 := t3.Add(time.Hour)
	tk, rec, err = s.m.Consume(tk, must(ticket.NewConsumeRequest(aliceKey, tk, t2)), t2)
	if err != nil {
		log.Fatal(err)
	}
	apply(rec, "")
	fmt.Println(tk.State, "by", tk.Holder.ID())
	// Output:
	// buy      held eve 1 alice 0; standing eve {Reputation:605 Transfers:0} alice {Reputation:0 Transfers:0}
	// list     held eve 1 alice 0; standing eve {Reputation:605 Transfers:0} alice {Reputation:0 Transfers:0}
	// transfer held eve 0 alice 1; standing eve {Reputation:585 Transfers:1} alice {Reputation:5 Transfers:0}
	// consume  held eve 0 alice 1; standing eve {Reputation:585 Transfers:1} alice {Reputation:5 Transfers:0}
	// consumed by alice
}

// The registrar binds a user's key to that key's own wallet address.
func ExampleIssueCertificate() {
	registrar := exampleKey(1)
	user := exampleKey(3).PublicKey()
	wid := user.Address(ecdsa.DefaultAddressVersion)
	cert := must(ticket.IssueCertificate(registrar, "eve", user, wid))
	fmt.Println(cert.ID(), cert.WID() == wid, cert.Verify(registrar.PublicKey()) == nil)

	// Any other WID is refused: another key's address, another version.
	_, err := ticket.IssueCertificate(registrar, "eve", user, exampleKey(4).PublicKey().Address(ecdsa.DefaultAddressVersion))
	fmt.Println(errors.Is(err, ticket.ErrWID))
	_, err = ticket.IssueCertificate(registrar, "eve", user, user.Address(0x6f))
	fmt.Println(errors.Is(err, ticket.ErrWID))
	// Output:
	// eve true true
	// true
	// true
}

// Buying (Algorithm 1): the buyer signs the request with UserSign, the
// merchant checks it against the event's published terms and the buyer's
// held count, and signs the record.
func ExampleMerchant_Buy() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)

	req := must(ticket.NewBuyRequest(eveKey, eve, s.m.PublicKey(), "concert", "A-1", 10000, t1))
	// Facts: eve holds no ticket of the event yet; the event's terms.
	tk, rec, err := s.m.Buy(req, ticket.Facts{Held: 0, Event: s.concert}, t1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "held by", tk.Holder.ID(), "at", s.scale.Format(tk.Price), "age", tk.Age)
	fmt.Println("reputation change", rec.SignerReputation)

	// The backend now counts one ticket of the event for eve: at the
	// default limit of one per certificate, a second Buy is refused.
	again := must(ticket.NewBuyRequest(eveKey, eve, s.m.PublicKey(), "concert", "A-2", 10000, t1))
	_, _, err = s.m.Buy(again, ticket.Facts{Held: 1, Event: s.concert}, t1)
	fmt.Println(errors.Is(err, ticket.ErrLimit))

	// A Buy must pay the event's face value.
	cheap := must(ticket.NewBuyRequest(eveKey, eve, s.m.PublicKey(), "concert", "A-3", 5000, t1))
	_, _, err = s.m.Buy(cheap, ticket.Facts{Event: s.concert}, t1)
	fmt.Println(errors.Is(err, ticket.ErrPrice))
	// Output:
	// valid held by eve at 100.00 age 0
	// reputation change 5
	// true
	// true
}

// Listing (request 3 of Algorithm 3): the holder signs ω over the ticket,
// the asking price Price' and the wallet (MID) to pay; the merchant checks
// the holder's standing against the listing threshold.
func ExampleMerchant_List() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)
	tk, _ := s.buy(eveKey, eve, "A-1")

	t3 := t1.Add(time.Hour)
	list := must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), t3))

	// Below the threshold of 500, eve may not list.
	_, _, err := s.m.List(tk, list, ticket.Facts{Seller: ticket.Standing{Reputation: 5}}, t3)
	fmt.Println(errors.Is(err, ticket.ErrReputation))

	// With the standing the backend keeps for her, she may; the record
	// carries the standing relied on.
	tk, rec, err := s.m.List(tk, list, ticket.Facts{Seller: ticket.Standing{Reputation: 600}}, t3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "at", s.scale.Format(tk.ListPrice), "paper code", tk.State.PaperCode())
	fmt.Printf("standing relied on: %+v\n", rec.Seller)
	// Output:
	// true
	// listed at 120.00 paper code -1
	// standing relied on: {Reputation:600 Transfers:0}
}

// Delisting: the holder takes a listing back; the ticket returns to the
// state it was listed from.
func ExampleMerchant_Delist() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)
	tk, _ := s.buy(eveKey, eve, "A-1")
	t3 := t1.Add(time.Hour)
	tk, _, err := s.m.List(tk, must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), t3)),
		ticket.Facts{Seller: ticket.Standing{Reputation: 600}}, t3)
	if err != nil {
		log.Fatal(err)
	}

	now := t3.Add(time.Minute)
	tk, _, err = s.m.Delist(tk, must(ticket.NewDelistRequest(eveKey, tk, now)), now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "listing", tk.ListPrice)

	// The ticket is no longer listed: delisting it again is refused.
	_, _, err = s.m.Delist(tk, must(ticket.NewDelistRequest(eveKey, tk, now)), now)
	fmt.Println(errors.Is(err, ticket.ErrState))
	// Output:
	// valid listing 0
	// true
}

// Transferring (Algorithm 3): the holder lists the ticket at Price', a
// buyer signs for it, and the merchant withholds the resale tax (eq. 24)
// and pays the seller the rest.
func ExampleMerchant_Transfer() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)
	aliceKey, alice := exampleUser(s.registrar, "alice", 4)
	tk, _ := s.buy(eveKey, eve, "A-1")

	// Eve lists at 120.00, paid to her wallet; her reputation (kept by
	// the backend) is 600, above the listing threshold of 500.
	eveStanding := ticket.Standing{Reputation: 600}
	t3 := t1.Add(24 * time.Hour)
	list := must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), t3))
	tk, _, err := s.m.List(tk, list, ticket.Facts{Seller: eveStanding}, t3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "at", s.scale.Format(tk.ListPrice))

	// Alice buys the listing at its price; she holds no ticket of the
	// event.
	t4 := t3.Add(time.Hour)
	transfer := must(ticket.NewTransferRequest(aliceKey, alice, tk, t4))
	tk, rec, err := s.m.Transfer(tk, transfer, ticket.Facts{Held: 0, Seller: eveStanding}, t4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "to", tk.Holder.ID(), "age", tk.Age)
	fmt.Println("alice pays", s.scale.Format(transfer.Price))
	fmt.Println("tax", s.scale.Format(rec.Tax), "payout to eve", s.scale.Format(rec.Payout))
	fmt.Println("reputation: alice", rec.SignerReputation, "eve", rec.SellerReputation)

	// The ticket cannot be listed again (one transfer by default).
	relist := must(ticket.NewListRequest(aliceKey, tk, 15000, alice.WID(), t4))
	_, _, err = s.m.List(tk, relist, ticket.Facts{Seller: ticket.Standing{Reputation: 900}}, t4)
	fmt.Println(errors.Is(err, ticket.ErrTransferLimit))
	// Output:
	// listed at 120.00
	// transferred to alice age 1
	// alice pays 120.00
	// tax 15.00 payout to eve 105.00
	// reputation: alice 5 eve -20
	// true
}

// Consuming (Algorithm 2): the holder signs ω, the merchant completes it
// into the 2-of-2 signature Σ that the record keeps.
func ExampleMerchant_Consume() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)
	malloryKey, _ := exampleUser(s.registrar, "mallory", 5)
	tk, _ := s.buy(eveKey, eve, "A-1")

	// Only the holder's key signs for the ticket.
	_, err := ticket.NewConsumeRequest(malloryKey, tk, t1)
	fmt.Println(errors.Is(err, ticket.ErrSignature))

	t2 := t1.Add(2 * time.Hour)
	omega := must(ticket.NewConsumeRequest(eveKey, tk, t2))
	tk, rec, err := s.m.Consume(tk, omega, t2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "paper code", tk.State.PaperCode(), "Σ", len(rec.Consumption), "bytes")

	// Consumed is final.
	again := must(ticket.NewConsumeRequest(eveKey, tk, t2))
	_, _, err = s.m.Consume(tk, again, t2)
	fmt.Println(errors.Is(err, ticket.ErrState))
	// Output:
	// true
	// consumed paper code 0 Σ 128 bytes
	// true
}

// Anyone with the registrar's and the merchants' public keys and the
// published events can rebuild a ticket from its stored records and verify
// every step.
func ExampleReplay() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)

	// The backend stores the encoding of each record.
	var stored [][]byte
	tk, rec := s.buy(eveKey, eve, "A-1")
	stored = append(stored, rec.Bytes())
	standing := ticket.Facts{Seller: ticket.Standing{Reputation: 600}}
	var err error
	for i, at := range []time.Duration{time.Hour, 2 * time.Hour} {
		now := t1.Add(at)
		if i == 0 {
			tk, rec, err = s.m.List(tk, must(ticket.NewListRequest(eveKey, tk, 12000, eve.WID(), now)), standing, now)
		} else {
			tk, rec, err = s.m.Delist(tk, must(ticket.NewDelistRequest(eveKey, tk, now)), now)
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
	v := must(ticket.NewVerifier(s.registrar.PublicKey(), []*ecdsa.PublicKey{s.m.PublicKey()}, s.policy))
	v.Events = []*ticket.Event{s.concert}
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
	fmt.Println(err)
	// Output:
	// 3 records: valid held by eve same head: true
	// record 1 delist true
	// ticket: record 1 (delist): request is for another ticket or an earlier state
}

// A capped resale: the event's terms bound the resale price to 110% of the
// face value, and close resale a day before the event starts. Below the
// cap the resale tax applies as to any resale.
func ExampleEventTerms_MaxResale() {
	registrar, merchantKey := exampleKey(1), exampleKey(2)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	aliceKey, alice := exampleUser(registrar, "alice", 4)
	scale := must(tax.NewScale(100))
	m := must(ticket.NewMerchant(merchantKey, registrar.PublicKey(), ticket.DefaultPolicy(scale)))
	start := t1.Add(7 * 24 * time.Hour)
	gala := must(ticket.NewEvent(merchantKey, ticket.EventTerms{
		ID: "gala", Capacity: 200, FaceValue: 10000,
		SaleStart: t1.Add(-time.Hour), SaleEnd: start, Start: start, End: start.Add(3 * time.Hour),
		ResaleCutoff:         start.Add(-24 * time.Hour),
		ResaleCapBasisPoints: 11000, // at most 110% of the face value
	}))
	limit, _ := gala.Terms().MaxResale()
	fmt.Println("resale at most", scale.Format(limit))

	req := must(ticket.NewBuyRequest(eveKey, eve, m.PublicKey(), "gala", "1", 10000, t1))
	tk, _, err := m.Buy(req, ticket.Facts{Event: gala}, t1)
	if err != nil {
		log.Fatal(err)
	}

	// Above the cap, the listing is refused; at the cap it is accepted.
	seller := ticket.Facts{Seller: ticket.Standing{Reputation: 600}}
	t3 := t1.Add(time.Hour)
	_, _, err = m.List(tk, must(ticket.NewListRequest(eveKey, tk, 15000, eve.WID(), t3)), seller, t3)
	fmt.Println(errors.Is(err, ticket.ErrResaleCap))
	tk, _, err = m.List(tk, must(ticket.NewListRequest(eveKey, tk, limit, eve.WID(), t3)), seller, t3)
	if err != nil {
		log.Fatal(err)
	}

	// After the resale cut-off, the listing cannot be bought.
	late := start.Add(-time.Hour)
	_, _, err = m.Transfer(tk, must(ticket.NewTransferRequest(aliceKey, alice, tk, late)), seller, late)
	fmt.Println(errors.Is(err, ticket.ErrClosed))

	t4 := t3.Add(time.Hour)
	tk, rec, err := m.Transfer(tk, must(ticket.NewTransferRequest(aliceKey, alice, tk, t4)), seller, t4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "to", tk.Holder.ID(), "at", scale.Format(tk.Price), "tax", scale.Format(rec.Tax))
	// Output:
	// resale at most 110.00
	// true
	// true
	// transferred to alice at 110.00 tax 7.00
}

// Cancellation with refunds: the merchant calls the event off with a
// signed Cancellation; from its time every ticket not used can only be
// refunded, to its current holder, for what that holder paid — to the
// address the holder names in a signed request. A listed ticket is
// refunded too, its listing ending. Nothing else is accepted.
func ExampleMerchant_Refund() {
	s := newExampleShop()
	eveKey, eve := exampleUser(s.registrar, "eve", 3)
	aliceKey, alice := exampleUser(s.registrar, "alice", 4)
	bobKey, bob := exampleUser(s.registrar, "bob", 6)
	standing := ticket.Facts{Seller: ticket.Standing{Reputation: 600}}

	// Eve resells her ticket to alice at 120.00; bob keeps his listed.
	eveTk, _ := s.buy(eveKey, eve, "A-1")
	bobTk, _ := s.buy(bobKey, bob, "A-2")
	t3 := t1.Add(time.Hour)
	eveTk, _, _ = s.m.List(eveTk, must(ticket.NewListRequest(eveKey, eveTk, 12000, eve.WID(), t3)), standing, t3)
	aliceTk, _, err := s.m.Transfer(eveTk, must(ticket.NewTransferRequest(aliceKey, alice, eveTk, t3)), standing, t3)
	if err != nil {
		log.Fatal(err)
	}
	bobTk, _, err = s.m.List(bobTk, must(ticket.NewListRequest(bobKey, bobTk, 11000, bob.WID(), t3)), standing, t3)
	if err != nil {
		log.Fatal(err)
	}

	// The merchant calls the concert off.
	off := t1.Add(6 * time.Hour)
	cancellation := must(ticket.NewCancellation(exampleKey(2), s.concert, off))
	facts := ticket.Facts{Cancellation: cancellation}

	// The backend records the cancellation on the event's tickets
	// (package ledger does), and their facts give it. Alice cannot use
	// her ticket any more; she claims her refund.
	aliceTk.Cancellation, bobTk.Cancellation = cancellation, cancellation
	_, _, err = s.m.Consume(aliceTk, must(ticket.NewConsumeRequest(aliceKey, aliceTk, off)), off)
	fmt.Println("consume:", errors.Is(err, ticket.ErrCancelled))
	claim := must(ticket.NewRefundRequest(aliceKey, aliceTk, alice.WID(), off))
	aliceTk, rec, err := s.m.Refund(aliceTk, claim, facts, off)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(aliceTk.State, "alice receives", s.scale.Format(rec.Payout), "at", rec.Request.Payee == alice.WID())

	// Bob's listed ticket: refunded at the face value he paid.
	listed := bobTk
	bobTk, rec, err = s.m.Refund(bobTk, must(ticket.NewRefundRequest(bobKey, bobTk, bob.WID(), off)), facts, off)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bobTk.State, "bob receives", s.scale.Format(rec.Payout), "listing", bobTk.ListPrice)

	// Anyone checks the refund against the published event and the
	// cancellation; without the cancellation it is refused.
	v := must(ticket.NewVerifier(s.registrar.PublicKey(), []*ecdsa.PublicKey{s.m.PublicKey()}, s.policy))
	v.Events = []*ticket.Event{s.concert}
	v.Cancellations = []*ticket.Cancellation{cancellation}
	_, err = ticket.Step(listed, rec, v)
	fmt.Println("verified:", err == nil)
	v.Cancellations = nil
	_, err = ticket.Step(listed, rec, v)
	fmt.Println("without the cancellation:", errors.Is(err, ticket.ErrState))
	// Output:
	// consume: true
	// refunded alice receives 120.00 at true
	// refunded bob receives 100.00 listing 0
	// verified: true
	// without the cancellation: true
}

// A return with a penalty: terms that take returns until a cut-off let the
// holder give a ticket back for the price paid minus the penalty. The
// holder signs the amount; the record carries it and the penalty withheld,
// and takes back the purchase's reputation reward.
func ExampleMerchant_Return() {
	registrar, merchantKey := exampleKey(1), exampleKey(2)
	eveKey, eve := exampleUser(registrar, "eve", 3)
	scale := must(tax.NewScale(100))
	m := must(ticket.NewMerchant(merchantKey, registrar.PublicKey(), ticket.DefaultPolicy(scale)))
	start := t1.Add(7 * 24 * time.Hour)
	gala := must(ticket.NewEvent(merchantKey, ticket.EventTerms{
		ID: "gala", Capacity: 200, FaceValue: 10000,
		SaleStart: t1.Add(-time.Hour), SaleEnd: start, Start: start, End: start.Add(3 * time.Hour),
		ReturnCutoff:             start.Add(-48 * time.Hour),
		ReturnPenaltyBasisPoints: 1500, // 15% withheld
	}))
	req := must(ticket.NewBuyRequest(eveKey, eve, m.PublicKey(), "gala", "1", 10000, t1))
	tk, _, err := m.Buy(req, ticket.Facts{Event: gala}, t1)
	if err != nil {
		log.Fatal(err)
	}

	// Too late: the return cut-off has passed.
	late := start.Add(-24 * time.Hour)
	_, _, err = m.Return(tk, must(ticket.NewReturnRequest(eveKey, tk, eve.WID(), late)), ticket.Facts{}, late)
	fmt.Println(errors.Is(err, ticket.ErrClosed))

	at := t1.Add(24 * time.Hour)
	back := must(ticket.NewReturnRequest(eveKey, tk, eve.WID(), at))
	fmt.Println("eve asks for", scale.Format(back.Price))
	tk, rec, err := m.Return(tk, back, ticket.Facts{}, at)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "refund", scale.Format(rec.Payout), "penalty", scale.Format(rec.Tax),
		"reputation", rec.SignerReputation)
	// Output:
	// true
	// eve asks for 85.00
	// returned refund 85.00 penalty 15.00 reputation -5
}
