package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

type config struct {
	users int // participants in the mixing round
}

// report is what a run produced, for -json.
type report struct {
	Steps       []step  `json:"steps"`
	Phases      []phase `json:"phases"`
	TotalMillis float64 `json:"total_ms"`
	Ticket      any     `json:"final_ticket"`
}

type step struct {
	Phase  string `json:"phase"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Result string `json:"result"`
}

type phase struct {
	Name   string  `json:"name"`
	Millis float64 `json:"ms"`
	Steps  int     `json:"steps"`
}

// narrator prints steps and times phases.
type narrator struct {
	w       io.Writer
	rep     *report
	current string
	start   time.Time
	begun   time.Time
}

func (n *narrator) phase(name, title string) {
	n.end()
	n.current, n.start = name, time.Now()
	n.rep.Phases = append(n.rep.Phases, phase{Name: name})
	fmt.Fprintf(n.w, "\n== %s\n", title)
}

func (n *narrator) end() {
	if n.current == "" {
		return
	}
	p := &n.rep.Phases[len(n.rep.Phases)-1]
	p.Millis = float64(time.Since(n.start).Microseconds()) / 1000
}

func (n *narrator) say(actor, action, result string) {
	n.rep.Steps = append(n.rep.Steps, step{Phase: n.current, Actor: actor, Action: action, Result: result})
	n.rep.Phases[len(n.rep.Phases)-1].Steps++
	fmt.Fprintf(n.w, "  %-9s %s", actor, action)
	if result != "" {
		fmt.Fprintf(n.w, " → %s", result)
	}
	fmt.Fprintln(n.w)
}

type user struct {
	name string
	key  *ecdsa.PrivateKey
	cert *ticket.Certificate
}

func run(w io.Writer, cfg config) (*report, error) {
	if cfg.users < 3 {
		return nil, errors.New("lifecycle: the mixing round needs at least 3 users")
	}
	rep := &report{}
	n := &narrator{w: w, rep: rep, begun: time.Now()}
	scale, err := tax.NewScale(100)
	if err != nil {
		return nil, err
	}
	money := scale.Format
	ctx := context.Background()
	clock := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	tick := func(d time.Duration) time.Time { clock = clock.Add(d); return clock }

	// System initialization: keys (eq. 1), wallet addresses, certificates.
	n.phase("initialisation", "System initialisation (eq. 1, KYC certificates)")
	registrar, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	n.say("registrar", "generates its key", short(registrar.PublicKey().Bytes()))
	merchantKey, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	merchant, err := ticket.NewMerchant(merchantKey, registrar.PublicKey(), ticket.DefaultPolicy(scale))
	if err != nil {
		return nil, err
	}
	n.say("merchant", "generates (sk_M, pk_M)", short(merchant.PublicKey().Bytes()))
	// The backend: a ledger that applies every record atomically with the
	// checks that span tickets. The paper's reputation gate (500 to list)
	// needs a history; this deployment starts every user at 620.
	policy := ticket.DefaultPolicy(scale)
	book, err := ledger.New(ledger.NewMemStore(), ledger.Config{Registrar: registrar.PublicKey(),
		Merchants: []*ecdsa.PublicKey{merchant.PublicKey()}, Policy: policy,
		InitialStanding: ticket.Standing{Reputation: 620}})
	if err != nil {
		return nil, err
	}
	names := []string{"alice", "eve", "frank"}
	for i := len(names); i < cfg.users; i++ {
		names = append(names, fmt.Sprintf("user%d", i+1))
	}
	users := map[string]*user{}
	for _, name := range names {
		key, err := ecdsa.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		wid := key.PublicKey().Address(ecdsa.DefaultAddressVersion)
		cert, err := ticket.IssueCertificate(registrar, name, key.PublicKey(), wid)
		if err != nil {
			return nil, err
		}
		users[name] = &user{name: name, key: key, cert: cert}
		n.say(name, "registers; the registrar signs (id, pk, WID)", "WID "+wid.String())
	}
	// Buying: the event, then Algorithm 1.
	n.phase("buying", "Buying (the event's terms, then Algorithm 1)")
	alice, eve, frank := users["alice"], users["eve"], users["frank"]
	price := tax.Amount(4500)
	const eventID = "concert-2026-12-01"
	event, err := ticket.NewEvent(merchantKey, ticket.EventTerms{ID: eventID, Capacity: 500, FaceValue: price,
		SaleStart: clock, SaleEnd: clock.Add(20 * 24 * time.Hour), Start: clock.Add(21 * 24 * time.Hour),
		End: clock.Add(21*24*time.Hour + 4*time.Hour)})
	if err != nil {
		return nil, err
	}
	if _, err := book.Publish(ctx, event.Bytes()); err != nil {
		return nil, err
	}
	n.say("merchant", "signs and publishes the event's terms", fmt.Sprintf("%s: 500 seats at %s coins", eventID, money(price)))

	// buy has u buy the next serial through the ledger.
	buy := func(u *user) (*ticket.Ticket, *ticket.Record, error) {
		serial, err := book.AllocateSerial(ctx, eventID)
		if err != nil {
			return nil, nil, err
		}
		req, err := ticket.NewBuyRequest(u.key, u.cert, merchant.PublicKey(), eventID, serial, price, tick(time.Minute))
		if err != nil {
			return nil, nil, err
		}
		facts, err := book.Facts(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		_, rec, err := merchant.Buy(req, facts, clock)
		if err != nil {
			return nil, nil, err
		}
		tk, err := book.Apply(ctx, rec.Bytes())
		return tk, rec, err
	}
	aliceTicket, aliceRec, err := buy(alice)
	if err != nil {
		return nil, err
	}
	n.say("alice", "UserSign over (enroll, cert, pk_M, pk_i, ticket, price, t1)", short(aliceRec.Request.Sig))
	n.say("merchant", "checks cert_alice, UserSign and the terms; MerchantSign; the ledger applies it",
		fmt.Sprintf("serial %s %s (code %d), %s coins, record %s", aliceTicket.Serial, aliceTicket.State,
			aliceTicket.State.PaperCode(), money(price), shortHash(aliceRec.Hash())))

	tk, rec, err := buy(eve)
	if err != nil {
		return nil, err
	}
	history := []*ticket.Record{rec}
	st, err := book.Standing(ctx, eve.cert.ID())
	if err != nil {
		return nil, err
	}
	n.say("eve", "buys serial "+tk.Serial+" the same way", fmt.Sprintf("%s, reputation %d", tk.State, st.Reputation))

	_, _, err = buy(eve)
	n.say("eve", "tries to buy a second ticket of the event", refused(err, ticket.ErrLimit))

	// Paying through the mixer.
	n.phase("paying", "Paying through a mixing round (ring signatures, fresh MID addresses)")
	if err := pay(n, users, names, merchant, scale, tick); err != nil {
		return nil, err
	}

	// Transferring: Algorithm 3.
	n.phase("transferring", "Transferring (Algorithm 3, resale tax eq. 24)")
	mid, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	payee := mid.PublicKey().Address(ecdsa.DefaultAddressVersion)
	resale := tax.Amount(6200)
	list, err := ticket.NewListRequest(eve.key, tk, resale, payee, tick(time.Hour))
	if err != nil {
		return nil, err
	}
	facts, err := book.Facts(ctx, list)
	if err != nil {
		return nil, err
	}
	if _, rec, err = merchant.List(tk, list, facts, clock); err != nil {
		return nil, err
	}
	if tk, err = book.Apply(ctx, rec.Bytes()); err != nil {
		return nil, err
	}
	history = append(history, rec)
	n.say("eve", "ω over (ticket, Price', MID, t3)", fmt.Sprintf("listed at %s coins, paper code %d", money(resale), tk.State.PaperCode()))
	xfer, err := ticket.NewTransferRequest(frank.key, frank.cert, tk, tick(time.Hour))
	if err != nil {
		return nil, err
	}
	if facts, err = book.Facts(ctx, xfer); err != nil {
		return nil, err
	}
	listed := tk
	if _, rec, err = merchant.Transfer(tk, xfer, facts, clock); err != nil {
		return nil, err
	}
	if tk, err = book.Apply(ctx, rec.Bytes()); err != nil {
		return nil, err
	}
	history = append(history, rec)
	n.say("frank", "ω over (T*, Price', t3); merchant verifies and MerchantSigns; the ledger applies it",
		fmt.Sprintf("holder frank, age %d, tax %s, Eve's MID receives %s", tk.Age, money(rec.Tax), money(rec.Payout)))
	if st, err = book.Standing(ctx, eve.cert.ID()); err != nil {
		return nil, err
	}
	n.say("ledger", "applies Eve's reputation", fmt.Sprintf("Δ %d → %d", rec.SellerReputation, st.Reputation))
	// A second buyer signed for the same listing: the merchant's transition
	// accepts it against the stale ticket, the ledger does not.
	xferAlice, err := ticket.NewTransferRequest(alice.key, alice.cert, listed, clock)
	if err != nil {
		return nil, err
	}
	_, stale, err := merchant.Transfer(listed, xferAlice, ticket.Facts{Seller: facts.Seller}, clock)
	if err != nil {
		return nil, err
	}
	_, err = book.Apply(ctx, stale.Bytes())
	n.say("alice", "buys the same listing against the stale ticket", refused(err, ledger.ErrStale))
	relist, err := ticket.NewListRequest(frank.key, tk, resale+1000, payee, tick(time.Minute))
	if err != nil {
		return nil, err
	}
	_, _, err = merchant.List(tk, relist, ticket.Facts{Seller: ticket.Standing{Reputation: 10_000}}, clock)
	n.say("frank", "tries to list the transferred ticket again", refused(err, ticket.ErrTransferLimit))

	// Consuming: Algorithm 2.
	n.phase("consuming", "Consuming at the door (gate pass, Algorithm 2, 2-of-2 signature eq. 19–22)")
	tickets, err := book.Tickets(ctx, eventID)
	if err != nil {
		return nil, err
	}
	snap, err := gate.NewSnapshot(merchantKey, event, tickets, tick(time.Hour))
	if err != nil {
		return nil, err
	}
	door, err := gate.New("north", snap, merchant.PublicKey())
	if err != nil {
		return nil, err
	}
	n.say("merchant", "signs a snapshot of the event for the gate", fmt.Sprintf("%d tickets, heads and holders", len(tickets)))
	pass, err := gate.NewPass(frank.key, tk, tick(time.Hour))
	if err != nil {
		return nil, err
	}
	n.say("frank", "his wallet shows a pass: ω over (invalidate, ticket, 30-second slot)", fmt.Sprintf("%d bytes, a QR code", len(pass.Bytes())))
	adm, err := door.Admit(pass.Bytes(), clock.Add(5*time.Second))
	if err != nil {
		return nil, err
	}
	n.say("gate", "verifies the pass offline against the snapshot", "admitted at "+adm.Gate())
	_, err = door.Admit(pass.Bytes(), clock.Add(10*time.Second))
	n.say("eve", "shows a screenshot of frank's pass", refused(err, gate.ErrAdmitted))
	use := adm.Request()
	if _, rec, err = merchant.Consume(tk, use, adm.Time()); err != nil {
		return nil, err
	}
	if tk, err = book.Apply(ctx, rec.Bytes()); err != nil {
		return nil, err
	}
	history = append(history, rec)
	n.say("merchant", "verifies ω, completes Σ = ω ‖ σ2, MerchantSigns", fmt.Sprintf("%s (code %d), Σ %s", tk.State, tk.State.PaperCode(), short(rec.Consumption)))
	use2, err := ticket.NewConsumeRequest(frank.key, tk, tick(time.Minute))
	if err != nil {
		return nil, err
	}
	_, _, err = merchant.Consume(tk, use2, clock)
	n.say("frank", "tries to consume it again", refused(err, ticket.ErrState))
	xfer2, err := ticket.NewTransferRequest(alice.key, alice.cert, tk, tick(time.Minute))
	if err != nil {
		return nil, err
	}
	_, _, err = merchant.Transfer(tk, xfer2, ticket.Facts{}, clock)
	n.say("alice", "tries to buy the consumed ticket", refused(err, ticket.ErrState))

	// Cancellation: the merchant calls the event off; every unconsumed
	// ticket is owed what its holder paid.
	n.phase("cancellation", "Cancellation and refunds")
	called, err := ticket.NewCancellation(merchantKey, event, tick(time.Hour))
	if err != nil {
		return nil, err
	}
	if _, err := book.Cancel(ctx, called.Bytes()); err != nil {
		return nil, err
	}
	owed, err := book.RefundsOwed(ctx, eventID)
	if err != nil {
		return nil, err
	}
	n.say("merchant", "signs and publishes the event's cancellation", fmt.Sprintf("%d ticket owed a refund", len(owed)))
	for _, t := range owed {
		holder := users[t.Holder.ID()]
		claim, err := ticket.NewRefundRequest(holder.key, t, holder.key.PublicKey().Address(ecdsa.DefaultAddressVersion), tick(time.Minute))
		if err != nil {
			return nil, err
		}
		facts, err := book.Facts(ctx, claim)
		if err != nil {
			return nil, err
		}
		_, rec, err := merchant.Refund(t, claim, facts, clock)
		if err != nil {
			return nil, err
		}
		done, err := book.Apply(ctx, rec.Bytes())
		if err != nil {
			return nil, err
		}
		n.say(holder.name, "claims the refund to her wallet; the merchant pays what she paid", fmt.Sprintf("serial %s %s, %s coins", done.Serial, done.State, money(rec.Payout)))
	}
	if owed, err = book.RefundsOwed(ctx, eventID); err != nil {
		return nil, err
	}
	_, err = book.AllocateSerial(ctx, eventID)
	n.say("user4", fmt.Sprintf("tries to buy a ticket (%d refunds still owed)", len(owed)), refused(err, ticket.ErrCancelled))

	// Replay: anyone with the public keys audits the history offline.
	n.phase("replay", "Replaying Eve's ticket from its records alone")
	_, wire, err := book.Ticket(ctx, eventID, tk.Serial)
	if err != nil {
		return nil, err
	}
	if len(wire) != len(history) {
		return nil, fmt.Errorf("lifecycle: the ledger holds %d records, %d were applied", len(wire), len(history))
	}
	v, err := ticket.NewVerifier(registrar.PublicKey(), []*ecdsa.PublicKey{merchant.PublicKey()}, policy)
	if err != nil {
		return nil, err
	}
	v.Events = []*ticket.Event{event}
	replayed, err := ticket.Replay(wire, v)
	if err != nil {
		return nil, err
	}
	n.say("auditor", fmt.Sprintf("replays %d records", len(wire)), fmt.Sprintf("%s, holder %s, head %s matches: %v",
		replayed.State, replayed.Holder.ID(), shortHash(replayed.Head), replayed.Head == tk.Head))
	wire[1], wire[2] = wire[2], wire[1]
	_, err = ticket.Replay(wire, v)
	n.say("auditor", "replays the records with two swapped", refusedAny(err))
	n.end()
	rep.TotalMillis = float64(time.Since(n.begun).Microseconds()) / 1000
	rep.Ticket = replayed
	return rep, nil
}

func refused(err, want error) string {
	if err == nil {
		return "ACCEPTED (unexpected)"
	}
	if !errors.Is(err, want) {
		return "refused for an unexpected reason: " + err.Error()
	}
	return "refused: " + err.Error()
}

func refusedAny(err error) string {
	if err == nil {
		return "ACCEPTED (unexpected)"
	}
	return "refused: " + err.Error()
}

func short(b []byte) string {
	if len(b) > 8 {
		b = b[:8]
	}
	return fmt.Sprintf("%x…", b)
}

func shortHash(h [32]byte) string { return short(h[:]) }
