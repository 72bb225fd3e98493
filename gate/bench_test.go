package gate_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/ticket"
)

// BenchmarkCheck is the work of a gate for one pass: parsing, the rules,
// rebuilding the request and verifying ω (the target is under 1 ms).
func BenchmarkCheck(b *testing.B) {
	c := getCast(b)
	h := c.buy(b, c.users[0], concert, "1234")
	g := c.gate(b, "bench", c.snapshot(b, doors, h.tk))
	pass := h.pass(b, doors)
	now := doors.Add(10 * time.Second)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Check(pass, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParsePass is the parsing alone.
func BenchmarkParsePass(b *testing.B) {
	c := getCast(b)
	pass := c.buy(b, c.users[0], concert, "1234").pass(b, doors)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gate.ParsePass(pass); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewPass is the wallet's work for each slot.
func BenchmarkNewPass(b *testing.B) {
	c := getCast(b)
	h := c.buy(b, c.users[0], concert, "1234")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gate.NewPass(h.holder.key, h.tk, doors); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReconcile merges 100 admissions of 100 tickets from one gate.
func BenchmarkReconcile(b *testing.B) {
	c := getCast(b)
	var tks []*ticket.Ticket
	var hs []*held
	for i := range 100 {
		h := c.buy(b, c.users[i%len(c.users)], concert, strconv.Itoa(i+1))
		hs = append(hs, h)
		tks = append(tks, h.tk)
	}
	g := c.gate(b, "bench", c.snapshot(b, doors, tks...))
	for _, h := range hs {
		if _, err := g.Admit(h.pass(b, doors), doors); err != nil {
			b.Fatal(err)
		}
	}
	adms := g.Admissions()
	b.ReportAllocs()
	for b.Loop() {
		r, err := gate.Reconcile(tks, adms)
		if err != nil || len(r.Admitted) != len(tks) {
			b.Fatal(err)
		}
	}
}
