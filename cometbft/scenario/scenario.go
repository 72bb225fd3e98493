// Package scenario runs a ticket's life cycle through a local CometBFT
// network (package localnet): the merchant publishes the event (a second
// publication under its id is refused); buy, list, transfer and consume
// commit on every validator; a second transfer of the same listing and
// forged consumptions are refused; a validator is stopped while the others
// go on, then restarted and caught up. The command ticketnode prints it and
// the package's test checks it.
package scenario

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/desk"
	"github.com/cbets/cbets/cometbft/localnet"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/multisig"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// Event is the event of the scenario's tickets.
const Event = "concert-2026-12-01"

// FaceValue is the price of the event's tickets (in cents).
const FaceValue tax.Amount = 4500

// User is a registered user: a key and the registrar's certificate.
type User struct {
	Name string
	Key  *ecdsa.PrivateKey
	Cert *ticket.Certificate
}

// Cast holds the parties of the scenario and the genesis they make.
type Cast struct {
	Registrar   *ecdsa.PrivateKey
	MerchantKey *ecdsa.PrivateKey
	Merchant    *ticket.Merchant
	Verifier    *ticket.Verifier
	// Concert is the merchant's signed terms of Event: 500 seats at
	// FaceValue, on sale from an hour before NewCast for 30 days.
	Concert *ticket.Event
	Users   map[string]*User
	Scale   tax.Scale
	// Genesis is the app state: the registrar's and merchant's keys, the
	// paper's policy, and Eve's standing from before the ledger (the
	// paper's listing gate needs a reputation of 500).
	Genesis []byte
}

// NewCast makes the keys, certificates and genesis.
func NewCast() (*Cast, error) {
	c := &Cast{Users: map[string]*User{}}
	var err error
	if c.Scale, err = tax.NewScale(100); err != nil {
		return nil, err
	}
	if c.Registrar, err = ecdsa.GenerateKey(nil); err != nil {
		return nil, err
	}
	if c.MerchantKey, err = ecdsa.GenerateKey(nil); err != nil {
		return nil, err
	}
	for _, name := range []string{"alice", "eve", "frank", "grace"} {
		key, err := ecdsa.GenerateKey(nil)
		if err != nil {
			return nil, err
		}
		wid := key.PublicKey().Address(ecdsa.DefaultAddressVersion)
		cert, err := ticket.IssueCertificate(c.Registrar, name, key.PublicKey(), wid)
		if err != nil {
			return nil, err
		}
		c.Users[name] = &User{Name: name, Key: key, Cert: cert}
	}
	g := app.NewGenesis(c.Registrar.PublicKey(), []*ecdsa.PublicKey{c.MerchantKey.PublicKey()}, c.Scale.UnitsPerCoin())
	g.Standings = []app.GenesisStanding{{Certificate: "eve", Reputation: 620, Transfers: 1}}
	if c.Genesis, err = g.JSON(); err != nil {
		return nil, err
	}
	if c.Verifier, err = g.Verifier(); err != nil {
		return nil, err
	}
	if c.Merchant, err = ticket.NewMerchant(c.MerchantKey, c.Registrar.PublicKey(), c.Verifier.Policy); err != nil {
		return nil, err
	}
	if c.Concert, err = ticket.NewEvent(c.MerchantKey, concertTerms(500)); err != nil {
		return nil, err
	}
	return c, nil
}

// concertTerms returns terms of Event with the given capacity.
func concertTerms(capacity uint32) ticket.EventTerms {
	now := time.Now().UTC()
	start := now.Add(30 * 24 * time.Hour)
	return ticket.EventTerms{ID: Event, Capacity: capacity, FaceValue: FaceValue,
		SaleStart: now.Add(-time.Hour), SaleEnd: start, Start: start, End: start.Add(4 * time.Hour)}
}

// Step is one transaction of the scenario and its outcome.
type Step struct {
	Name string
	Via  int // the validator the transaction was sent to
	// Committed steps: the block height, and the height and app hash the
	// running validators then agreed on.
	Committed bool
	Height    int64
	Agreed    []int
	AgreedAt  int64
	AppHash   []byte
	// Refused steps: the result code and the log.
	Code uint32
	Log  string
}

// Report is what a run did.
type Report struct {
	Steps []Step
	// Stopped is the validator stopped and restarted (-1 if none: fewer
	// than 4 validators cannot lose one and keep a quorum), StoppedAt its
	// last committed height then, and Resumed the height its application
	// reported once restarted (at least StoppedAt: it resumes from its
	// store).
	Stopped            int
	StoppedAt, Resumed int64
	// Final is the ticket's state on the restarted validator (or
	// validator 0) at the end, with its history.
	Final   *ticket.Ticket
	History []*ticket.Record
	// CatchUp is how long the restarted validator took to agree again.
	CatchUp time.Duration
}

// Step returns the first step with the given name.
func (r *Report) Step(name string) *Step {
	for i := range r.Steps {
		if r.Steps[i].Name == name {
			return &r.Steps[i]
		}
	}
	return nil
}

// Step names.
const (
	StepPublish        = "publish the event"
	StepRepublish      = "publish another event under its id"
	StepBuy            = "buy"
	StepList           = "list"
	StepTransfer       = "transfer"
	StepSecondTransfer = "second transfer"
	StepForgedHolder   = "forged consumption (former holder)"
	StepForgedOmega    = "forged consumption (ω not the holder's)"
	StepConsume        = "consume"
	StepBuyWhileDown   = "buy while a validator is down"
	StepBuyAnother     = "another buy"
	StepRestart        = "restart"
	StepBuyAfter       = "buy through the restarted validator"
)

type runner struct {
	ctx  context.Context
	net  *localnet.Network
	cast *Cast
	out  io.Writer
	rep  *Report
	down int
}

// Run runs the scenario on a network started with cast.Genesis, printing
// each step to out.
func Run(ctx context.Context, net *localnet.Network, cast *Cast, out io.Writer) (*Report, error) {
	n := len(net.Validators())
	r := &runner{ctx: ctx, net: net, cast: cast, out: out, rep: &Report{Stopped: -1}, down: -1}
	if n >= 4 {
		r.rep.Stopped = n - 1
	}
	h, hash, err := net.WaitAgree(ctx, 1)
	if err != nil {
		return r.rep, err
	}
	fmt.Fprintf(out, "%d validators on loopback agree at height %d, app hash %s\n\n", n, h, short(hash))
	fmt.Fprintf(out, "%-40s %-4s %-28s %s\n", "step", "via", "outcome", "height / app hash agreed by")
	err = r.run()
	return r.rep, err
}

func (r *runner) via(i int) int { return i % len(r.net.Validators()) }

func (r *runner) desk(i int) *desk.Desk {
	return &desk.Desk{Merchant: r.cast.Merchant, Verifier: r.cast.Verifier, Ledger: r.net.Validator(i).Client()}
}

func (r *runner) running() []int {
	var out []int
	for i, v := range r.net.Validators() {
		if v.Running() {
			out = append(out, i)
		}
	}
	return out
}

// committed records a committed step once the running validators agree
// on its block or a later one.
func (r *runner) committed(name string, via int, height int64) error {
	s := Step{Name: name, Via: via, Committed: true, Height: height, Agreed: r.running()}
	var err error
	s.AgreedAt, s.AppHash, err = r.net.WaitAgree(r.ctx, height, s.Agreed...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	r.rep.Steps = append(r.rep.Steps, s)
	fmt.Fprintf(r.out, "%-40s v%-3d %-28s %d / %s by %s\n", name, via, fmt.Sprintf("committed at height %d", height),
		s.AgreedAt, short(s.AppHash), names(s.Agreed))
	return nil
}

// refused records a step the ledger must refuse with code want.
func (r *runner) refused(name string, via int, err error, want uint32) error {
	var rej *desk.RejectedError
	if !errors.As(err, &rej) {
		return fmt.Errorf("%s: want a refusal with code %d, got %v", name, want, err)
	}
	r.rep.Steps = append(r.rep.Steps, Step{Name: name, Via: via, Code: rej.Code, Log: rej.Log})
	fmt.Fprintf(r.out, "%-40s v%-3d %-28s %s\n", name, via, fmt.Sprintf("refused, code %d", rej.Code), rej.Log)
	if rej.Code != want {
		return fmt.Errorf("%s: refused with code %d, want %d", name, rej.Code, want)
	}
	return nil
}

func (r *runner) run() error {
	ctx, c := r.ctx, r.cast
	eve, frank, grace, alice := c.Users["eve"], c.Users["frank"], c.Users["grace"], c.Users["alice"]
	merchant := c.Merchant.PublicKey()
	const serial = "A-15"

	// The merchant publishes the event's terms, through validator 0; a
	// second publication under the same id is refused.
	v := r.via(0)
	h, err := r.desk(v).Publish(ctx, c.Concert)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := r.committed(StepPublish, v, h); err != nil {
		return err
	}
	again, err := ticket.NewEvent(c.MerchantKey, concertTerms(1000))
	if err != nil {
		return err
	}
	v = r.via(1)
	_, err = r.desk(v).Publish(ctx, again)
	if err := r.refused(StepRepublish, v, err, app.CodeEventExists); err != nil {
		return err
	}

	// Buy (Algorithm 1) at the event's face value, through validator 0.
	req, err := ticket.NewBuyRequest(eve.Key, eve.Cert, merchant, Event, serial, FaceValue, time.Now())
	if err != nil {
		return err
	}
	v = r.via(0)
	got, err := r.desk(v).Buy(ctx, req)
	if err != nil {
		return fmt.Errorf("buy: %w", err)
	}
	if err := r.committed(StepBuy, v, got.Height); err != nil {
		return err
	}

	// List (Algorithm 3, request 3), through validator 1.
	payee, err := ecdsa.GenerateKey(nil)
	if err != nil {
		return err
	}
	if req, err = ticket.NewListRequest(eve.Key, got.Ticket, 6200, payee.PublicKey().Address(ecdsa.DefaultAddressVersion), time.Now()); err != nil {
		return err
	}
	v = r.via(1)
	if got, err = r.desk(v).List(ctx, req); err != nil {
		return fmt.Errorf("list: %w", err)
	}
	listed := got.Ticket
	if err := r.committed(StepList, v, got.Height); err != nil {
		return err
	}

	// Transfer to Frank (Algorithm 3), through validator 2.
	if req, err = ticket.NewTransferRequest(frank.Key, frank.Cert, listed, time.Now()); err != nil {
		return err
	}
	v = r.via(2)
	if got, err = r.desk(v).Transfer(ctx, req); err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	transferred := got.Ticket
	if err := r.committed(StepTransfer, v, got.Height); err != nil {
		return err
	}

	// A second sale of the same listing: a merchant desk still holding the
	// listed state signs Grace's purchase. The signature is good; the
	// ledger has moved on.
	if req, err = ticket.NewTransferRequest(grace.Key, grace.Cert, listed, time.Now()); err != nil {
		return err
	}
	_, rec, err := c.Merchant.Transfer(listed, req, ticket.Facts{Seller: ticket.Standing{Reputation: 620, Transfers: 1}}, time.Now())
	if err != nil {
		return fmt.Errorf("second transfer: the merchant's own check: %w", err)
	}
	v = r.via(3)
	_, err = desk.Submit(ctx, r.net.Validator(v).Client(), rec)
	if err := r.refused(StepSecondTransfer, v, err, app.CodeStale); err != nil {
		return err
	}

	// Forged consumptions, signed by the merchant's key: Eve, no longer
	// the holder, signs ω; then ω by Eve's key under Frank's certificate.
	rec, err = forgeConsume(c, transferred, eve.Cert, eve.Key)
	if err != nil {
		return err
	}
	v = r.via(0)
	_, err = desk.Submit(ctx, r.net.Validator(v).Client(), rec)
	if err := r.refused(StepForgedHolder, v, err, app.CodeNotHolder); err != nil {
		return err
	}
	if rec, err = forgeConsume(c, transferred, frank.Cert, eve.Key); err != nil {
		return err
	}
	v = r.via(1)
	_, err = desk.Submit(ctx, r.net.Validator(v).Client(), rec)
	if err := r.refused(StepForgedOmega, v, err, app.CodeSignature); err != nil {
		return err
	}

	// One validator stops; the others keep committing.
	if r.rep.Stopped >= 0 {
		r.rep.StoppedAt, _, _ = r.net.Validator(r.rep.Stopped).LastCommitted()
		if err := r.net.Validator(r.rep.Stopped).Stop(); err != nil {
			return fmt.Errorf("stop validator %d: %w", r.rep.Stopped, err)
		}
		fmt.Fprintf(r.out, "%-40s v%-3d at height %d\n", "validator stopped", r.rep.Stopped, r.rep.StoppedAt)
	} else {
		fmt.Fprintf(r.out, "(with fewer than 4 validators none can stop: the rest would hold no more than 2/3 of the power)\n")
	}

	// Consume (Algorithm 2), through validator 0.
	if req, err = ticket.NewConsumeRequest(frank.Key, transferred, time.Now()); err != nil {
		return err
	}
	v = r.via(0)
	if got, err = r.desk(v).Consume(ctx, req); err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	if err := r.committed(StepConsume, v, got.Height); err != nil {
		return err
	}

	// Another purchase while the validator is down.
	if req, err = ticket.NewBuyRequest(alice.Key, alice.Cert, merchant, Event, "A-16", FaceValue, time.Now()); err != nil {
		return err
	}
	v = r.via(1)
	if got, err = r.desk(v).Buy(ctx, req); err != nil {
		return fmt.Errorf("buy: %w", err)
	}
	name := StepBuyWhileDown
	if r.rep.Stopped < 0 {
		name = StepBuyAnother
	}
	if err := r.committed(name, v, got.Height); err != nil {
		return err
	}

	final := 0
	if s := r.rep.Stopped; s >= 0 {
		final = s
		// Restart: the validator resumes from its stores and catches up.
		before, _, _ := r.net.WaitAgree(ctx, 0, r.running()...)
		start := time.Now()
		if err := r.net.Validator(s).Start(); err != nil {
			return fmt.Errorf("restart validator %d: %w", s, err)
		}
		r.rep.Resumed, _, _ = r.net.Validator(s).LastCommitted()
		fmt.Fprintf(r.out, "%-40s v%-3d from its stored height %d\n", "validator restarted", s, r.rep.Resumed)
		h, hash, err := r.net.WaitAgree(ctx, before)
		if err != nil {
			return fmt.Errorf("restart: %w", err)
		}
		r.rep.CatchUp = time.Since(start)
		r.rep.Steps = append(r.rep.Steps, Step{Name: StepRestart, Via: s, Committed: true, Height: h,
			Agreed: r.running(), AgreedAt: h, AppHash: hash})
		fmt.Fprintf(r.out, "%-40s v%-3d %-28s %d / %s by %s\n", "validator caught up", s,
			fmt.Sprintf("in %v", r.rep.CatchUp.Round(time.Millisecond)), h, short(hash), names(r.running()))

		// The restarted validator takes part again.
		if req, err = ticket.NewBuyRequest(grace.Key, grace.Cert, merchant, Event, "A-17", FaceValue, time.Now()); err != nil {
			return err
		}
		if got, err = r.desk(s).Buy(ctx, req); err != nil {
			return fmt.Errorf("buy after restart: %w", err)
		}
		if err := r.committed(StepBuyAfter, s, got.Height); err != nil {
			return err
		}
	}

	// The ticket's history, read back from a validator and replayed.
	t, hist, err := desk.History(ctx, r.net.Validator(final).Client(), c.Verifier, Event, serial)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	r.rep.Final, r.rep.History = t, hist
	var kinds []string
	for _, rec := range hist {
		kinds = append(kinds, rec.Request.Kind.String())
	}
	fmt.Fprintf(r.out, "\n%s/%s on validator %d: %s, held by %s, history %s (replayed)\n",
		Event, serial, final, t.State, t.Holder.ID(), strings.Join(kinds, " → "))
	return nil
}

// forgeConsume makes a consumption record of t whose request is signed by
// key under cert, completed and signed with the merchant's key, as a
// merchant colluding against the holder would.
func forgeConsume(c *Cast, t *ticket.Ticket, cert *ticket.Certificate, key *ecdsa.PrivateKey) (*ticket.Record, error) {
	now := time.Now().UTC()
	req := &ticket.Request{Kind: ticket.KindConsume, Event: t.Event, Serial: t.Serial, Merchant: t.Merchant,
		Prev: t.Head, Cert: cert, Time: now}
	omega, err := ecdsa.SignInverseS(key, req.SignedBytes(), nil)
	if err != nil {
		return nil, err
	}
	req.Sig = omega.Bytes()
	sigma, err := multisig.Complete(c.MerchantKey, key.PublicKey(), req.SignedBytes(), omega, nil)
	if err != nil {
		return nil, err
	}
	rec := &ticket.Record{Request: req, Time: now, Consumption: sigma.Bytes()}
	sig, err := ecdsa.SignRBound(c.MerchantKey, rec.SignedBytes(), nil)
	if err != nil {
		return nil, err
	}
	rec.MerchantSig = sig.Bytes()
	return rec, nil
}

func short(b []byte) string {
	if len(b) > 8 {
		return hex.EncodeToString(b[:8]) + "…"
	}
	return hex.EncodeToString(b)
}

func names(idx []int) string {
	var s []string
	for _, i := range idx {
		s = append(s, fmt.Sprintf("v%d", i))
	}
	return strings.Join(s, " ")
}
