package gate_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
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

// exampleShop is a registrar, a merchant, its event and the tickets
// bought: eve holds serial "1234", alice serial "1235".
type exampleShop struct {
	merchantKey *ecdsa.PrivateKey
	m           *ticket.Merchant
	event       *ticket.Event
	keys        map[string]*ecdsa.PrivateKey
	tickets     map[string]*ticket.Ticket
}

func newExampleShop() *exampleShop {
	registrar := exampleKey(1)
	s := &exampleShop{merchantKey: exampleKey(2), keys: map[string]*ecdsa.PrivateKey{}, tickets: map[string]*ticket.Ticket{}}
	scale := must(tax.NewScale(100))
	s.m = must(ticket.NewMerchant(s.merchantKey, registrar.PublicKey(), ticket.DefaultPolicy(scale)))
	bought := time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)
	s.event = must(ticket.NewEvent(s.merchantKey, ticket.EventTerms{
		ID: "concert-2026-12-01", Capacity: 500, FaceValue: 10000,
		SaleStart: bought, SaleEnd: bought.Add(29 * 24 * time.Hour),
		Start: bought.Add(30 * 24 * time.Hour), End: bought.Add(30*24*time.Hour + 3*time.Hour),
	}))
	for i, who := range []string{"eve", "alice"} {
		key := exampleKey(byte(3 + i))
		cert := must(ticket.IssueCertificate(registrar, who, key.PublicKey(), key.PublicKey().Address(ecdsa.DefaultAddressVersion)))
		serial := fmt.Sprint(1234 + i)
		req := must(ticket.NewBuyRequest(key, cert, s.m.PublicKey(), s.event.ID(), serial, 10000, bought))
		tk, _, err := s.m.Buy(req, ticket.Facts{Event: s.event}, bought)
		if err != nil {
			log.Fatal(err)
		}
		s.keys[serial], s.tickets[serial] = key, tk
	}
	return s
}

// A pass from a wallet, through a gate, to the merchant's Consume.
func Example() {
	shop := newExampleShop()
	doors := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)

	// Before the doors open, the merchant signs a snapshot of the event's
	// tickets, as the ledger has them, and loads it into the gate.
	snap := must(gate.NewSnapshot(shop.merchantKey, shop.event,
		[]*ticket.Ticket{shop.tickets["1234"], shop.tickets["1235"]}, doors.Add(-time.Hour)))
	g := must(gate.New("north-1", must(gate.ParseSnapshot(snap.Bytes())), shop.m.PublicKey()))

	// Eve's wallet signs a pass for the current 30-second slot and shows
	// it as a QR code.
	now := doors.Add(42 * time.Second)
	pass := must(gate.NewPass(shop.keys["1234"], shop.tickets["1234"], now)).Bytes()
	fmt.Println("pass:", len(pass), "bytes, slot starting", must(gate.ParsePass(pass)).Time().Format(time.TimeOnly))

	// The gate, offline, admits the ticket once.
	adm := must(g.Admit(pass, now.Add(2*time.Second)))
	fmt.Println("admitted", adm.Request().Serial, "held by", adm.Request().Cert.ID())
	_, err := g.Admit(pass, now.Add(20*time.Second))
	var again *gate.AdmittedError
	fmt.Println("shown again:", errors.As(err, &again), "first at", again.First.Time().Format(time.TimeOnly))
	// A screenshot is worthless a minute later, at any gate.
	_, err = g.Check(pass, now.Add(time.Minute))
	fmt.Println("a minute later:", errors.Is(err, gate.ErrSlot))

	// Back online, the merchant completes the holder's ω into the 2-of-2
	// consumption signature, at the time the ticket entered.
	tk, rec, err := shop.m.Consume(shop.tickets["1234"], adm.Request(), adm.Time())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tk.State, "with a", len(rec.Consumption), "byte Σ")
	// Output:
	// pass: 101 bytes, slot starting 19:00:30
	// admitted 1234 held by eve
	// shown again: true first at 19:00:44
	// a minute later: true
	// consumed with a 128 byte Σ
}

// Two gates admit offline; a screenshot of eve's pass gets in at the
// second. Reconcile keeps one admission and reports the other: both passes
// are of one slot, so the smaller gate id is kept, whatever the gates'
// clocks said.
func ExampleReconcile() {
	shop := newExampleShop()
	doors := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	current := []*ticket.Ticket{shop.tickets["1234"], shop.tickets["1235"]}
	snap := must(gate.NewSnapshot(shop.merchantKey, shop.event, current, doors.Add(-time.Hour)))
	north := must(gate.New("north", snap, shop.m.PublicKey()))
	south := must(gate.New("south", snap, shop.m.PublicKey()))

	eve := must(gate.NewPass(shop.keys["1234"], shop.tickets["1234"], doors)).Bytes()
	alice := must(gate.NewPass(shop.keys["1235"], shop.tickets["1235"], doors.Add(time.Minute))).Bytes()
	must(south.Admit(eve, doors.Add(5*time.Second)))
	must(north.Admit(eve, doors.Add(9*time.Second))) // the screenshot
	must(north.Admit(alice, doors.Add(time.Minute)))

	// The gates sync their admissions as bytes.
	var synced []*gate.Admission
	for _, g := range []*gate.Gate{north, south} {
		for _, a := range g.Admissions() {
			synced = append(synced, must(gate.ParseAdmission(a.Bytes())))
		}
	}
	r := must(gate.Reconcile(current, synced))
	for _, a := range r.Admitted {
		fmt.Println("consume", a.Request().Serial, "admitted at", a.Gate())
	}
	for _, d := range r.Duplicates {
		fmt.Println("duplicate of", d.Other.Request().Serial, "at", d.Other.Gate(), "kept", d.Kept.Gate(),
			"same pass:", bytes.Equal(d.Other.Pass().Bytes(), d.Kept.Pass().Bytes()))
	}
	// Output:
	// consume 1234 admitted at north
	// consume 1235 admitted at north
	// duplicate of 1234 at south kept north same pass: true
}
