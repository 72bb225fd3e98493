package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// Errors of the ledger; test for them with errors.Is. A refused record
// may also carry one of package ticket's sentinels: ticket.ErrMalformed
// for bytes that do not parse, ticket.ErrLimit for a certificate at its
// limit, and every rule of ticket.Step.
var (
	// ErrNotFound: no such event or ticket.
	ErrNotFound = errors.New("ledger: not found")
	// ErrEventExists: an event with this id is already published.
	ErrEventExists = errors.New("ledger: event already published")
	// ErrUnknownEvent: a Buy or an allocation for an event the ledger
	// does not have.
	ErrUnknownEvent = errors.New("ledger: unknown event")
	// ErrSoldOut: the event's capacity is reached.
	ErrSoldOut = errors.New("ledger: event sold out")
	// ErrSerial: a Buy for a serial the ledger did not allocate, or one
	// already sold.
	ErrSerial = errors.New("ledger: serial not allocated or already sold")
	// ErrStale: the record does not name the ticket's current head (the
	// ticket moved on since the request was signed).
	ErrStale = errors.New("ledger: record does not follow the ticket's current head")
	// ErrStanding: the standing the record relied on is not the ledger's.
	ErrStanding = errors.New("ledger: record's seller standing differs from the ledger's")
	// ErrConfig: New was given a nil store or an unusable configuration,
	// or a method was called on a Ledger not made by New or with a nil
	// context.
	ErrConfig = errors.New("ledger: invalid configuration")
	// ErrStore: the store failed or was misused.
	ErrStore = errors.New("ledger: store failure")
)

// Config is what a Ledger checks records against.
type Config struct {
	// Registrar signs the certificates.
	Registrar *ecdsa.PublicKey
	// Merchants are the merchants whose events and records are accepted.
	Merchants []*ecdsa.PublicKey
	// Policy is the policy the merchants apply.
	Policy ticket.Policy
	// InitialStanding is the standing of a certificate the ledger has no
	// record of (package ticket's doc: a new user starts at zero unless
	// the deployment grants more).
	InitialStanding ticket.Standing
	// MerchantSerials lets a Buy name any serial not yet sold, for
	// deployments where each merchant allocates its own events' serials
	// (a consensus network, where allocation is not a transaction of its
	// own). By default a Buy must name a serial from AllocateSerial.
	MerchantSerials bool
	// Signatures, when not nil, is the cache of verified signatures
	// Apply's checks use (ticket.Verifier.Signatures): a record whose
	// signatures were verified before — by an earlier Apply of the same
	// record refused for another reason, by ticket.PrecheckSignatures, by
	// a read-only check of it in a mempool — is not verified again. The
	// ledger's answers are the same with or without it. It may be shared
	// with other ledgers and goroutines.
	Signatures *ticket.SignatureCache
}

// Ledger applies records to a Store, each atomically, after every check
// of package ticket and the checks that span tickets. It is safe for
// concurrent use when its Store is.
type Ledger struct {
	store Store
	cfg   Config
}

// New returns a Ledger over store. The configuration must name a valid
// registrar key, at least one valid merchant key, and a valid policy.
func New(store Store, cfg Config) (*Ledger, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrConfig)
	}
	cfg.Merchants = append([]*ecdsa.PublicKey(nil), cfg.Merchants...)
	if _, err := ticket.NewVerifier(cfg.Registrar, cfg.Merchants, cfg.Policy); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &Ledger{store: store, cfg: cfg}, nil
}

// ok refuses a Ledger not made by New and a nil context.
func (l *Ledger) ok(ctx context.Context) error {
	switch {
	case l == nil || l.store == nil:
		return fmt.Errorf("%w: Ledger not made by New", ErrConfig)
	case ctx == nil:
		return fmt.Errorf("%w: nil context", ErrConfig)
	}
	return nil
}

// verifier returns the ticket verifier for records of ev (nil before any
// event is known), cancelled by c when c is not nil.
func (l *Ledger) verifier(ev *ticket.Event, c *ticket.Cancellation) *ticket.Verifier {
	v, _ := ticket.NewVerifier(l.cfg.Registrar, l.cfg.Merchants, l.cfg.Policy)
	v.Signatures = l.cfg.Signatures
	if ev != nil {
		v.Events = []*ticket.Event{ev}
	}
	if c != nil {
		v.Cancellations = []*ticket.Cancellation{c}
	}
	return v
}

// cancellation returns the event's cancellation, nil when it has none or
// when tx does not keep cancellations.
func cancellation(tx Tx, event string) (*ticket.Cancellation, error) {
	ctx, ok := tx.(CancellationTx)
	if !ok {
		return nil, nil
	}
	c, err := ctx.Cancellation(event)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// cancellationTx returns tx as a CancellationTx, an ErrStore error when it
// is not one.
func cancellationTx(tx Tx) (CancellationTx, error) {
	ctx, ok := tx.(CancellationTx)
	if !ok {
		return nil, fmt.Errorf("%w: the store does not keep cancellations: %w", ErrStore, errors.ErrUnsupported)
	}
	return ctx, nil
}

func (l *Ledger) known(pub *ecdsa.PublicKey) bool {
	for _, m := range l.cfg.Merchants {
		if m != nil && m.Equal(pub) {
			return true
		}
	}
	return false
}

// Publish parses an event's encoding (ticket.Event.Bytes), checks that a
// known merchant signed it and that no event with its id exists, and
// stores it with no ticket sold.
func (l *Ledger) Publish(ctx context.Context, b []byte) (*ticket.Event, error) {
	if err := l.ok(ctx); err != nil {
		return nil, err
	}
	ev, err := ticket.ParseEvent(b)
	if err != nil {
		return nil, err
	}
	if !l.known(ev.Merchant()) {
		return nil, fmt.Errorf("%w: event %q of an unknown merchant", ticket.ErrForeign, ev.ID())
	}
	if err := ev.Verify(ev.Merchant()); err != nil {
		return nil, err
	}
	err = l.store.Update(ctx, func(tx Tx) error {
		switch _, err := tx.Event(ev.ID()); {
		case err == nil:
			return fmt.Errorf("%w: %q", ErrEventExists, ev.ID())
		case !errors.Is(err, ErrNotFound):
			return err
		}
		return tx.PutEvent(EventState{Event: ev})
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// AllocateSerial hands out the next serial of the event, "1", "2", …:
// each serial once, so two buyers are never given the same one. A Buy must
// name a serial allocated here. Allocation is refused once the event is
// sold out (ErrSoldOut) or cancelled (ticket.ErrCancelled); a serial whose
// Buy never comes is simply unused, and a seat given back by a Return is
// sold under a new serial.
func (l *Ledger) AllocateSerial(ctx context.Context, event string) (string, error) {
	if err := l.ok(ctx); err != nil {
		return "", err
	}
	// A sold-out or cancelled event is refused from a read-only view
	// first: after a sell-out most attempts end here, and need not queue
	// for the event's write lock.
	err := l.store.View(ctx, func(tx Tx) error {
		_, err := l.allocatable(tx, event)
		return err
	})
	if err != nil {
		return "", err
	}
	var serial uint64
	err = l.store.Update(ctx, func(tx Tx) error {
		s, err := l.allocatable(tx, event)
		if err != nil {
			return err
		}
		s.Serials++
		serial = s.Serials
		return tx.PutEvent(s)
	})
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(serial, 10), nil
}

// allocatable reads an event that may still hand out a serial: published
// (ErrUnknownEvent), not sold out (ErrSoldOut), not cancelled
// (ticket.ErrCancelled).
func (l *Ledger) allocatable(tx Tx, event string) (EventState, error) {
	s, err := l.event(tx, event)
	if err != nil {
		return s, err
	}
	if s.Sold >= s.Event.Terms().Capacity {
		return s, fmt.Errorf("%w: %q sold %d of %d", ErrSoldOut, event, s.Sold, s.Event.Terms().Capacity)
	}
	switch c, err := cancellation(tx, event); {
	case err != nil:
		return s, err
	case c != nil:
		return s, fmt.Errorf("%w: %q", ticket.ErrCancelled, event)
	}
	return s, nil
}

// event reads an event, ErrUnknownEvent when the store has none.
func (l *Ledger) event(tx Tx, id string) (EventState, error) {
	s, err := tx.Event(id)
	if errors.Is(err, ErrNotFound) {
		return s, fmt.Errorf("%w: %q", ErrUnknownEvent, id)
	}
	return s, err
}

// Facts returns what a merchant's transition needs to know about other
// tickets for req: for a Buy the buyer's held count, for a Transfer the
// buyer's held count and the seller's standing, for a List the holder's
// standing; and for these and a Refund or Return, the event's terms and
// its cancellation, if any. A Delist or Consume needs no facts: the
// merchant takes the terms from the ticket (Ledger.Ticket sets them).
func (l *Ledger) Facts(ctx context.Context, req *ticket.Request) (ticket.Facts, error) {
	var f ticket.Facts
	if err := l.ok(ctx); err != nil {
		return f, err
	}
	if req == nil || req.Cert.ID() == "" {
		return f, fmt.Errorf("%w: Facts of a nil request or one without a certificate", ticket.ErrMalformed)
	}
	switch req.Kind {
	case ticket.KindBuy, ticket.KindList, ticket.KindTransfer, ticket.KindRefund, ticket.KindReturn:
	case ticket.KindDelist, ticket.KindConsume:
		return f, nil
	default:
		return f, fmt.Errorf("%w: Facts of a request of %v", ticket.ErrMalformed, req.Kind)
	}
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		switch req.Kind {
		case ticket.KindBuy:
			f.Held, err = tx.Held(req.Event, req.Cert.ID())
		case ticket.KindTransfer:
			if f.Held, err = tx.Held(req.Event, req.Cert.ID()); err != nil {
				return err
			}
			t, err := tx.Ticket(req.Event, req.Serial)
			if err != nil {
				return err
			}
			f.Seller, err = l.standing(tx, t.Holder.ID())
			if err != nil {
				return err
			}
		case ticket.KindList:
			f.Seller, err = l.standing(tx, req.Cert.ID())
		}
		if err != nil {
			return err
		}
		s, err := l.event(tx, req.Event)
		if err != nil {
			return err
		}
		f.Event = s.Event
		f.Cancellation, err = cancellation(tx, req.Event)
		return err
	})
	if err != nil {
		return ticket.Facts{}, err
	}
	return f, nil
}

func (l *Ledger) standing(tx Tx, cert string) (ticket.Standing, error) {
	s, ok, err := tx.Standing(cert)
	if err != nil || !ok {
		return l.cfg.InitialStanding, err
	}
	return s, nil
}

// Apply applies one record, given as its encoding (ticket.Record.Bytes):
// it parses it; checks it against the ticket's current state with one step
// of ticket.Replay (ticket.Step: signatures, certificates, rules,
// settlement, the event's terms — sale window, resale cut-off and cap,
// admission window, returns, expiry — and its cancellation); then, in one
// store transaction, checks what spans tickets — the ticket's head has not
// moved (ErrStale), a Buy's serial was allocated and is not sold
// (ErrSerial) and the event has a seat left (ErrSoldOut), the buyer's held
// count is below the policy's limit (ticket.ErrLimit), the seller standing
// the record relied on is the ledger's (ErrStanding), the event was not
// cancelled since before the record's time (ticket.ErrCancelled) — and
// writes the record, the ticket's new state, and the held counts,
// standings and sold count the record changes (the rules are in the
// package doc). It returns the ticket after the record.
func (l *Ledger) Apply(ctx context.Context, b []byte) (*ticket.Ticket, error) {
	if err := l.ok(ctx); err != nil {
		return nil, err
	}
	rec, err := ticket.ParseRecord(b)
	if err != nil {
		return nil, err
	}
	return l.apply(ctx, rec)
}

// ApplyRecord is Apply of a record already parsed: rec as
// ticket.ParseRecord returned it, and not changed since. It makes every
// check of Apply but the parsing, and stores rec.Bytes(); a caller that
// parsed the record for its own reasons (a block's signatures checked in
// one batch, say) saves parsing it again, which costs a point
// decompression per key and signature. A nil record, or one without a
// request, is refused with ticket.ErrMalformed.
func (l *Ledger) ApplyRecord(ctx context.Context, rec *ticket.Record) (*ticket.Ticket, error) {
	if err := l.ok(ctx); err != nil {
		return nil, err
	}
	if rec == nil || rec.Request == nil {
		return nil, fmt.Errorf("%w: ledger: ApplyRecord of a nil record or one without a request", ticket.ErrMalformed)
	}
	return l.apply(ctx, rec)
}

// apply is Apply of the parsed record rec.
func (l *Ledger) apply(ctx context.Context, rec *ticket.Record) (*ticket.Ticket, error) {
	req := rec.Request
	var (
		cur  *ticket.Ticket
		ev   EventState
		canc *ticket.Cancellation
	)
	// The signatures are checked outside the store transaction, against
	// a snapshot; the transaction then checks that nothing it relied on
	// moved.
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		if ev, err = l.event(tx, req.Event); err != nil {
			return err
		}
		if canc, err = cancellation(tx, req.Event); err != nil {
			return err
		}
		if req.Kind == ticket.KindBuy {
			return nil
		}
		cur, err = tx.Ticket(req.Event, req.Serial)
		return err
	})
	if err != nil {
		return nil, err
	}
	if cur != nil && req.Prev != cur.Head {
		return nil, fmt.Errorf("%w: %q/%q", ErrStale, req.Event, req.Serial)
	}
	next, err := ticket.Step(cur, rec, l.verifier(ev.Event, canc))
	if err != nil {
		return nil, err
	}
	err = l.store.Update(ctx, func(tx Tx) error {
		return l.commit(tx, cur, next, rec, canc)
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// commit checks the cross-ticket facts of rec inside tx and writes it;
// checked is the cancellation rec was checked against.
func (l *Ledger) commit(tx Tx, cur, next *ticket.Ticket, rec *ticket.Record, checked *ticket.Cancellation) error {
	req := rec.Request
	ev, err := l.event(tx, req.Event)
	if err != nil {
		return err
	}
	// A cancellation stored since the checks: the record stands only if
	// it was made before the cancellation's time (a Refund was checked
	// against one, which never changes).
	c, err := cancellation(tx, req.Event)
	if err != nil {
		return err
	}
	if c != nil && checked == nil && !rec.Time.Before(c.Time()) {
		return fmt.Errorf("%w: %v of %q/%q at %v, cancelled at %v", ticket.ErrCancelled, req.Kind, req.Event,
			req.Serial, rec.Time, c.Time())
	}
	next.Cancellation = c
	limit := l.cfg.Policy.PerCertificateLimit
	switch stored, err := tx.Ticket(req.Event, req.Serial); {
	case req.Kind == ticket.KindBuy && err == nil:
		return fmt.Errorf("%w: %q/%q is sold", ErrSerial, req.Event, req.Serial)
	case req.Kind == ticket.KindBuy && !errors.Is(err, ErrNotFound):
		return err
	case req.Kind != ticket.KindBuy && err != nil:
		return err
	case req.Kind != ticket.KindBuy && stored.Head != cur.Head:
		return fmt.Errorf("%w: %q/%q", ErrStale, req.Event, req.Serial)
	}
	buyer := req.Cert.ID()
	switch req.Kind {
	case ticket.KindBuy:
		if !l.cfg.MerchantSerials {
			n, err := strconv.ParseUint(req.Serial, 10, 64)
			if err != nil || n == 0 || n > ev.Serials || strconv.FormatUint(n, 10) != req.Serial {
				return fmt.Errorf("%w: %q/%q was not allocated", ErrSerial, req.Event, req.Serial)
			}
		}
		if ev.Sold >= ev.Event.Terms().Capacity {
			return fmt.Errorf("%w: %q", ErrSoldOut, req.Event)
		}
		if err := l.addHeld(tx, req.Event, buyer, +1, limit); err != nil {
			return err
		}
		if err := l.addStanding(tx, buyer, rec.SignerReputation, false); err != nil {
			return err
		}
		ev.Sold++
		if err := tx.PutEvent(ev); err != nil {
			return err
		}
	case ticket.KindList:
		if err := l.checkStanding(tx, cur.Holder.ID(), rec.Seller); err != nil {
			return err
		}
	case ticket.KindTransfer:
		seller := cur.Holder.ID()
		if err := l.checkStanding(tx, seller, rec.Seller); err != nil {
			return err
		}
		if err := l.addHeld(tx, req.Event, buyer, +1, limit); err != nil {
			return err
		}
		if err := l.addHeld(tx, req.Event, seller, -1, 0); err != nil {
			return err
		}
		if err := l.addStanding(tx, seller, rec.SellerReputation, true); err != nil {
			return err
		}
		if err := l.addStanding(tx, buyer, rec.SignerReputation, false); err != nil {
			return err
		}
	case ticket.KindRefund:
		if err := l.addHeld(tx, req.Event, cur.Holder.ID(), -1, 0); err != nil {
			return err
		}
	case ticket.KindReturn:
		holder := cur.Holder.ID()
		if err := l.addHeld(tx, req.Event, holder, -1, 0); err != nil {
			return err
		}
		if err := l.addStanding(tx, holder, rec.SignerReputation, false); err != nil {
			return err
		}
		if ev.Sold == 0 {
			return fmt.Errorf("%w: sold count of %q would go below zero", ErrStore, req.Event)
		}
		ev.Sold--
		if err := tx.PutEvent(ev); err != nil {
			return err
		}
	}
	return tx.Append(next, rec)
}

// addHeld changes a held count by d, refusing to go above limit when d is
// positive.
func (l *Ledger) addHeld(tx Tx, event, cert string, d, limit int) error {
	n, err := tx.Held(event, cert)
	if err != nil {
		return err
	}
	if d > 0 && n+d > limit {
		return fmt.Errorf("%w: %q holds %d of event %q", ticket.ErrLimit, cert, n, event)
	}
	if n+d < 0 {
		return fmt.Errorf("%w: held count of %q for %q would go below zero", ErrStore, cert, event)
	}
	return tx.SetHeld(event, cert, n+d)
}

func (l *Ledger) checkStanding(tx Tx, cert string, relied ticket.Standing) error {
	s, err := l.standing(tx, cert)
	if err != nil {
		return err
	}
	if s != relied {
		return fmt.Errorf("%w: record says %+v, the ledger has %+v for %q", ErrStanding, relied, s, cert)
	}
	return nil
}

// addStanding applies a reputation change, saturating at the int64 range,
// and counts a transfer made as a seller.
func (l *Ledger) addStanding(tx Tx, cert string, delta int64, sold bool) error {
	s, err := l.standing(tx, cert)
	if err != nil {
		return err
	}
	switch {
	case delta > 0 && s.Reputation > math.MaxInt64-delta:
		s.Reputation = math.MaxInt64
	case delta < 0 && s.Reputation < math.MinInt64-delta:
		s.Reputation = math.MinInt64
	default:
		s.Reputation += delta
	}
	if sold && s.Transfers < math.MaxUint32 {
		s.Transfers++
	}
	return tx.SetStanding(cert, s)
}

// Ticket returns a ticket's state, with its event's terms and
// cancellation (Ticket.Terms, Ticket.Cancellation), and its records;
// ErrNotFound when the ledger has no such ticket.
func (l *Ledger) Ticket(ctx context.Context, event, serial string) (*ticket.Ticket, []*ticket.Record, error) {
	if err := l.ok(ctx); err != nil {
		return nil, nil, err
	}
	var (
		t    *ticket.Ticket
		recs []*ticket.Record
	)
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		if t, err = tx.Ticket(event, serial); err != nil {
			return err
		}
		if err := l.withEvent(tx, t); err != nil {
			return err
		}
		recs, err = tx.Records(event, serial)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return t, recs, nil
}

// withEvent sets the terms and cancellation of t's event on t, which a
// store need not keep.
func (l *Ledger) withEvent(tx Tx, t *ticket.Ticket) error {
	ev, err := l.event(tx, t.Event)
	if err != nil {
		return err
	}
	t.Terms = ev.Event
	t.Cancellation, err = cancellation(tx, t.Event)
	return err
}

// Cancel parses an event's cancellation (ticket.Cancellation.Bytes), checks
// it — its event is the ledger's (ErrUnknownEvent) and it verifies as that
// event's merchant's (ticket.Cancellation.Verify: ticket.ErrEvent) — and,
// in one transaction, checks that the event is not cancelled already
// (ticket.ErrCancelled) and that every ticket's latest record is older
// than the cancellation (ticket.ErrTime: a cancellation never voids a
// record the ledger holds), and stores it. From the cancellation's time on,
// the event's tickets can only be refunded (Apply), and no serial is
// allocated. A store whose transactions do not implement CancellationTx
// cannot keep it (ErrStore).
func (l *Ledger) Cancel(ctx context.Context, b []byte) (*ticket.Cancellation, error) {
	if err := l.ok(ctx); err != nil {
		return nil, err
	}
	c, err := ticket.ParseCancellation(b)
	if err != nil {
		return nil, err
	}
	var ev EventState
	err = l.store.View(ctx, func(tx Tx) error {
		var err error
		ev, err = l.event(tx, c.Event())
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := c.Verify(ev.Event); err != nil {
		return nil, err
	}
	err = l.store.Update(ctx, func(tx Tx) error {
		ctx, err := cancellationTx(tx)
		if err != nil {
			return err
		}
		switch _, err := ctx.Cancellation(c.Event()); {
		case err == nil:
			return fmt.Errorf("%w: %q is already cancelled", ticket.ErrCancelled, c.Event())
		case !errors.Is(err, ErrNotFound):
			return err
		}
		tks, err := ctx.Tickets(c.Event())
		if err != nil {
			return err
		}
		for _, t := range tks {
			if !t.Updated.Before(c.Time()) {
				return fmt.Errorf("%w: cancellation of %q at %v, not after the record of ticket %q at %v",
					ticket.ErrTime, c.Event(), c.Time(), t.Serial, t.Updated)
			}
		}
		return ctx.PutCancellation(c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Cancellation returns an event's cancellation: ErrUnknownEvent when the
// ledger has no such event, ErrNotFound when it is not cancelled.
func (l *Ledger) Cancellation(ctx context.Context, event string) (*ticket.Cancellation, error) {
	if err := l.ok(ctx); err != nil {
		return nil, err
	}
	var c *ticket.Cancellation
	err := l.store.View(ctx, func(tx Tx) error {
		if _, err := l.event(tx, event); err != nil {
			return err
		}
		var err error
		if c, err = cancellation(tx, event); err == nil && c == nil {
			err = fmt.Errorf("%w: %q is not cancelled", ErrNotFound, event)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RefundsOwed returns the tickets of a cancelled event still owed a refund
// — valid, listed or transferred — with their terms and cancellation, in
// the order of their serials (shorter first, then bytewise: "2" before
// "10"). Each is owed its Price, to its holder. An event that is not
// cancelled owes none; ErrUnknownEvent when the ledger has no such event,
// ErrStore when its store cannot list an event's tickets.
func (l *Ledger) RefundsOwed(ctx context.Context, event string) ([]*ticket.Ticket, error) {
	tks, c, err := l.tickets(ctx, event)
	if err != nil || c == nil {
		return nil, err
	}
	var owed []*ticket.Ticket
	for _, t := range tks {
		if t.State == ticket.Valid || t.State == ticket.Listed || t.State == ticket.Transferred {
			owed = append(owed, t)
		}
	}
	return owed, nil
}

// Tickets returns every ticket of the event, in any state, with its terms
// and cancellation, in the order of RefundsOwed: what a merchant signs into
// a gate's snapshot (package gate). ErrUnknownEvent when the ledger has no
// such event, ErrStore when its store cannot list an event's tickets.
func (l *Ledger) Tickets(ctx context.Context, event string) ([]*ticket.Ticket, error) {
	tks, _, err := l.tickets(ctx, event)
	return tks, err
}

// tickets reads the event's tickets, sorted by serial, and its
// cancellation (nil when there is none).
func (l *Ledger) tickets(ctx context.Context, event string) ([]*ticket.Ticket, *ticket.Cancellation, error) {
	if err := l.ok(ctx); err != nil {
		return nil, nil, err
	}
	var (
		tks []*ticket.Ticket
		c   *ticket.Cancellation
	)
	err := l.store.View(ctx, func(tx Tx) error {
		ev, err := l.event(tx, event)
		if err != nil {
			return err
		}
		ctx, err := cancellationTx(tx)
		if err != nil {
			return err
		}
		if c, err = cancellation(tx, event); err != nil {
			return err
		}
		if tks, err = ctx.Tickets(event); err != nil {
			return err
		}
		for _, t := range tks {
			t.Terms, t.Cancellation = ev.Event, c
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(tks, func(a, b *ticket.Ticket) int {
		return cmp.Or(cmp.Compare(len(a.Serial), len(b.Serial)), cmp.Compare(a.Serial, b.Serial))
	})
	return tks, c, nil
}

// Event returns a published event and its counters, ErrUnknownEvent when
// the ledger has none.
func (l *Ledger) Event(ctx context.Context, id string) (EventState, error) {
	if err := l.ok(ctx); err != nil {
		return EventState{}, err
	}
	var s EventState
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		s, err = l.event(tx, id)
		return err
	})
	if err != nil {
		return EventState{}, err
	}
	return s, nil
}

// Standing returns a certificate's standing (Config.InitialStanding when
// the ledger has none recorded).
func (l *Ledger) Standing(ctx context.Context, cert string) (ticket.Standing, error) {
	if err := l.ok(ctx); err != nil {
		return ticket.Standing{}, err
	}
	var s ticket.Standing
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		s, err = l.standing(tx, cert)
		return err
	})
	if err != nil {
		return ticket.Standing{}, err
	}
	return s, nil
}

// Held returns how many tickets of event the certificate holds.
func (l *Ledger) Held(ctx context.Context, event, cert string) (int, error) {
	if err := l.ok(ctx); err != nil {
		return 0, err
	}
	var n int
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		n, err = tx.Held(event, cert)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
