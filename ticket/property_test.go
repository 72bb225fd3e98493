package ticket_test

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

var propertySeed = flag.Uint64("ticket.seed", 0, "seed of TestPropertyRandomSequences (0: from the clock)")

// The property test drives a small world — a registrar, one or two
// merchants, three or four users, a few tickets — through random requests,
// honest and forged, and checks each outcome against a model of the rules.
//
// The model (propSlot, propSeq.expect) knows the state of each ticket and
// each user's standing, and predicts the verdict of every request in the
// order the rules are written down: the request's kind, the merchant it
// names, the certificate, its time against now, the ticket it names and
// the ticket's head, the times against the latest record, the holder, the
// state rules, the signature, and the facts.

// propSlot is one ticket: the library's view (tk, records) and the model's.
type propSlot struct {
	event, serial string
	merchant      int
	// The library's ticket and history; parsed holds the records decoded
	// from their encodings, as a backend storing bytes would.
	tk     *ticket.Ticket
	recs   []*ticket.Record
	parsed []*ticket.Record
	// The model.
	exists    bool
	state     ticket.State
	holder    *party
	age       uint32
	price     tax.Amount
	listPrice tax.Amount
	payee     ecdsa.Address
	issued    time.Time
	updated   time.Time
	heads     [][32]byte
}

func (s *propSlot) head() [32]byte {
	if len(s.heads) == 0 {
		return [32]byte{}
	}
	return s.heads[len(s.heads)-1]
}

// propAction is one request and the call that submits it.
type propAction struct {
	slot     *propSlot
	method   ticket.Kind // the transition called
	exec     int         // the merchant called
	req      *ticket.Request
	now      time.Time
	facts    ticket.Facts
	keyOK    bool // signed with the certificate's key
	tampered bool // a byte of the encoding flipped
	forgery  string
}

type propSeq struct {
	t         *testing.T
	rng       *rand.Rand
	w         *world
	merchants []*ticket.Merchant
	users     []*party
	slots     []*propSlot
	standing  map[string]*ticket.Standing
	clock     time.Time
	serials   int
	stats     map[string]int
}

var propStandings = []int64{0, 300, 499, 500, 501, 600, 1500, 1501, 2500}

func newPropSeq(t *testing.T, rng *rand.Rand, stats map[string]int) *propSeq {
	var edits []func(*ticket.Policy)
	edits = append(edits, maxTransfers(uint32(1+rng.IntN(2))), perCertificate(1+rng.IntN(2)))
	w := newWorld(t, edits...)
	s := &propSeq{t: t, rng: rng, w: w, standing: map[string]*ticket.Standing{}, clock: t0, stats: stats}
	s.merchants = []*ticket.Merchant{w.m}
	if rng.IntN(2) == 0 {
		s.merchants = append(s.merchants, w.m2)
	}
	s.users = []*party{w.eve, w.alice, w.bob, w.carol}[:3+rng.IntN(2)]
	for _, u := range s.users {
		s.standing[u.cert.ID()] = &ticket.Standing{Reputation: propStandings[rng.IntN(len(propStandings))]}
	}
	events := []string{"E1", "E2"}
	n := 2 + rng.IntN(3)
	for i := range n {
		s.slots = append(s.slots, s.newSlot(events[i%2], rng.IntN(len(s.merchants))))
	}
	if len(s.merchants) == 2 {
		// Two tickets with the same event and serial at two merchants.
		s.slots[0].merchant = 0
		twin := s.newSlot(s.slots[0].event, 1)
		twin.serial = s.slots[0].serial
		s.slots = append(s.slots, twin)
	}
	return s
}

func (s *propSeq) newSlot(event string, merchant int) *propSlot {
	s.serials++
	return &propSlot{event: event, serial: fmt.Sprintf("S%d", s.serials), merchant: merchant}
}

// held is the model's count of tickets of the event that u holds.
func (s *propSeq) held(u *party, event string) int {
	n := 0
	for _, sl := range s.slots {
		if sl.exists && sl.event == event && sl.holder.cert.ID() == u.cert.ID() {
			n++
		}
	}
	return n
}

// otherUser returns a user other than u.
func (s *propSeq) otherUser(u *party) *party {
	for {
		o := s.users[s.rng.IntN(len(s.users))]
		if u == nil || o.cert.ID() != u.cert.ID() {
			return o
		}
	}
}

// nextAction draws a request: honest about half of the time, otherwise
// with one forgery.
func (s *propSeq) nextAction() *propAction {
	rng := s.rng
	sl := s.slots[rng.IntN(len(s.slots))]
	s.clock = s.clock.Add(time.Duration(rng.IntN(3)) * time.Minute).Add(time.Duration(rng.IntN(1000)))
	a := &propAction{slot: sl, exec: sl.merchant, now: s.clock, keyOK: true}
	var kind ticket.Kind
	switch {
	case !sl.exists && rng.IntN(8) != 0:
		kind = ticket.KindBuy
	case sl.state == ticket.Listed && rng.IntN(3) != 0:
		// Mostly what a listed ticket is for.
		kind = []ticket.Kind{ticket.KindTransfer, ticket.KindTransfer, ticket.KindDelist}[rng.IntN(3)]
	case (sl.state == ticket.Valid || sl.state == ticket.Transferred) && rng.IntN(3) != 0:
		kind = []ticket.Kind{ticket.KindList, ticket.KindList, ticket.KindConsume}[rng.IntN(3)]
	default:
		kind = ticket.Kind(2 + rng.IntN(4))
	}
	a.method = kind

	// The forgery, among those that make sense here.
	forgeries := []string{"wrong key", "foreign certificate", "tampered", "request from the future", "wrong method"}
	if len(s.merchants) == 2 {
		forgeries = append(forgeries, "names the other merchant", "other merchant runs it")
		if kind != ticket.KindBuy {
			forgeries = append(forgeries, "other merchant names and runs it")
		}
	}
	if kind != ticket.KindBuy && sl.exists {
		forgeries = append(forgeries, "request before the latest record", "now before the latest record")
		if len(sl.heads) > 1 {
			forgeries = append(forgeries, "stale prev")
		}
		for _, o := range s.slots {
			if o != sl && o.exists {
				forgeries = append(forgeries, "other ticket")
				break
			}
		}
		switch kind {
		case ticket.KindTransfer:
			forgeries = append(forgeries, "wrong price")
		default:
			forgeries = append(forgeries, "signed by a non-holder", "signed by the merchant")
		}
	}
	if rng.IntN(2) == 0 {
		a.forgery = forgeries[rng.IntN(len(forgeries))]
	}

	// The base ticket the request is drafted on.
	base := sl.tk
	switch {
	case a.forgery == "other ticket":
		for {
			if o := s.slots[rng.IntN(len(s.slots))]; o != sl && o.exists {
				base = o.tk
				break
			}
		}
	case a.forgery == "stale prev":
		old := *sl.tk
		old.Head = sl.heads[rng.IntN(len(sl.heads)-1)]
		base = &old
	case base == nil && kind != ticket.KindBuy:
		// A request on a ticket nobody bought.
		fake := ticket.Ticket{Event: sl.event, Serial: sl.serial, Merchant: s.merchants[sl.merchant].PublicKey()}
		fake.Head[0] = byte(1 + rng.IntN(255))
		base = &fake
	}

	// The signer and the times.
	var signer *party
	switch kind {
	case ticket.KindBuy:
		signer = s.users[rng.IntN(len(s.users))]
	case ticket.KindTransfer:
		signer = s.users[rng.IntN(len(s.users))]
	default:
		signer = sl.holder
		if signer == nil {
			signer = s.users[rng.IntN(len(s.users))]
		}
	}
	switch a.forgery {
	case "signed by a non-holder":
		signer = s.otherUser(sl.holder)
	case "signed by the merchant":
		signer = s.w.merchantUser
	case "foreign certificate":
		signer = s.w.mallory
	}
	reqTime := a.now.Add(-time.Duration(rng.IntN(90)) * time.Second)
	if reqTime.Before(sl.updated) {
		reqTime = sl.updated
	}
	switch a.forgery {
	case "request from the future":
		reqTime = a.now.Add(time.Duration(1 + rng.IntN(int(time.Minute))))
	case "request before the latest record":
		reqTime = sl.updated.Add(-time.Duration(1 + rng.IntN(int(time.Hour))))
	case "now before the latest record":
		a.now = sl.updated.Add(-time.Duration(1 + rng.IntN(int(time.Hour))))
		reqTime = a.now.Add(-time.Duration(rng.IntN(int(time.Minute))))
	}

	// The request.
	var q *ticket.Request
	if kind == ticket.KindBuy {
		q = &ticket.Request{Kind: kind, Event: sl.event, Serial: sl.serial, Merchant: s.merchants[sl.merchant].PublicKey(),
			Cert: signer.cert, Price: buyPrice, Time: reqTime}
	} else {
		q = &ticket.Request{Kind: kind, Event: base.Event, Serial: base.Serial, Merchant: base.Merchant,
			Prev: base.Head, Cert: signer.cert, Time: reqTime}
		switch kind {
		case ticket.KindList:
			q.Price = tax.Amount(rng.IntN(30000))
			q.Payee = signer.wid
		case ticket.KindTransfer:
			q.Price = base.ListPrice
			if a.forgery == "wrong price" {
				q.Price += tax.Amount(1 + rng.IntN(500))
				if rng.IntN(2) == 0 && base.ListPrice > 0 {
					q.Price = base.ListPrice - 1
				}
			}
		}
	}
	if len(s.merchants) == 2 {
		other := 1 - sl.merchant
		switch a.forgery {
		case "names the other merchant":
			q.Merchant = s.merchants[other].PublicKey()
		case "other merchant runs it":
			a.exec = other
		case "other merchant names and runs it":
			q.Merchant = s.merchants[other].PublicKey()
			a.exec = other
		}
	}
	key := signer.key
	if a.forgery == "wrong key" {
		for {
			key = []*ecdsa.PrivateKey{s.w.merchantKey, s.w.eve.key, s.w.alice.key, s.w.bob.key, s.w.carol.key}[rng.IntN(5)]
			if !key.PublicKey().Equal(signer.key.PublicKey()) {
				break
			}
		}
		a.keyOK = false
	}
	signAs(s.t, key, q)
	if a.forgery == "wrong method" {
		for a.method == kind {
			a.method = ticket.Kind(1 + rng.IntN(5))
		}
	}
	if a.forgery == "tampered" {
		b := q.Bytes()
		b[rng.IntN(len(b))] ^= byte(1 << rng.IntN(8))
		alt, err := ticket.ParseRequest(b)
		if err != nil {
			require.ErrorIs(s.t, err, ticket.ErrMalformed)
			s.stats["tampered request did not parse"]++
			return nil
		}
		q, a.tampered = alt, true
	}
	a.req = q

	// The facts the backend supplies.
	switch kind {
	case ticket.KindBuy:
		a.facts.Held = s.held(signer, sl.event)
		a.facts.Event = s.w.event(s.t, s.merchants[sl.merchant], sl.event)
	case ticket.KindTransfer:
		a.facts.Held = s.held(signer, sl.event)
	}
	if sl.holder != nil {
		a.facts.Seller = *s.standing[sl.holder.cert.ID()]
	}
	return a
}

// expect is the model's verdict: nil or the error the rules give first.
func (s *propSeq) expect(a *propAction) error {
	q, sl, p := a.req, a.slot, s.w.policy
	if a.method != q.Kind {
		return ticket.ErrMalformed
	}
	if !q.Merchant.Equal(s.merchants[a.exec].PublicKey()) {
		return ticket.ErrForeign
	}
	if q.Cert.ID() == s.w.mallory.cert.ID() {
		return ticket.ErrCertificate
	}
	if q.Time.After(a.now) {
		return ticket.ErrTime
	}
	if q.Kind == ticket.KindBuy {
		if !a.keyOK {
			return ticket.ErrSignature
		}
		if a.facts.Held >= p.PerCertificateLimit {
			return ticket.ErrLimit
		}
		return nil
	}
	if !sl.exists {
		return ticket.ErrState
	}
	if q.Event != sl.event || q.Serial != sl.serial || !q.Merchant.Equal(s.merchants[sl.merchant].PublicKey()) || q.Prev != sl.head() {
		return ticket.ErrForeign
	}
	if q.Time.Before(sl.updated) || a.now.Before(sl.updated) {
		return ticket.ErrTime
	}
	signer := q.Cert.ID()
	if q.Kind != ticket.KindTransfer && signer != sl.holder.cert.ID() {
		return ticket.ErrNotHolder
	}
	switch q.Kind {
	case ticket.KindList:
		if sl.state != ticket.Valid && sl.state != ticket.Transferred {
			return ticket.ErrState
		}
		if sl.age >= p.MaxTransfers {
			return ticket.ErrTransferLimit
		}
	case ticket.KindDelist:
		if sl.state != ticket.Listed {
			return ticket.ErrState
		}
	case ticket.KindTransfer:
		if sl.state != ticket.Listed {
			return ticket.ErrState
		}
		if q.Price != sl.listPrice {
			return ticket.ErrPrice
		}
		if signer == sl.holder.cert.ID() {
			return ticket.ErrState
		}
	case ticket.KindConsume:
		if sl.state != ticket.Valid && sl.state != ticket.Transferred {
			return ticket.ErrState
		}
	}
	if !a.keyOK {
		return ticket.ErrSignature
	}
	switch q.Kind {
	case ticket.KindTransfer:
		if a.facts.Held >= p.PerCertificateLimit {
			return ticket.ErrLimit
		}
	case ticket.KindList:
		if a.facts.Seller.Reputation < p.ListingThreshold {
			return ticket.ErrReputation
		}
	}
	return nil
}

func (s *propSeq) run(a *propAction) (*ticket.Ticket, *ticket.Record, error) {
	m := s.merchants[a.exec]
	cur := a.slot.tk
	switch a.method {
	case ticket.KindBuy:
		return m.Buy(a.req, a.facts, a.now)
	case ticket.KindList:
		return m.List(cur, a.req, a.facts, a.now)
	case ticket.KindDelist:
		return m.Delist(cur, a.req, a.now)
	case ticket.KindTransfer:
		return m.Transfer(cur, a.req, a.facts, a.now)
	default:
		return m.Consume(cur, a.req, a.now)
	}
}

// step draws one request, submits it and checks the outcome.
func (s *propSeq) step() {
	t := s.t
	a := s.nextAction()
	if a == nil {
		return
	}
	want := s.expect(a)
	tk, rec, err := s.run(a)
	label := fmt.Sprintf("%v on a %v ticket (%s)", a.req.Kind, a.slot.state, a.forgery)
	if err != nil {
		require.Nil(t, tk, label)
		require.Nil(t, rec, label)
		s.stats["refused: "+sentinelName(err)]++
	}
	if a.tampered {
		require.Error(t, err, label+": a tampered request was accepted")
		return
	}
	if want != nil {
		require.ErrorIs(t, err, want, label)
		return
	}
	require.NoError(t, err, label)
	s.stats["accepted: "+a.req.Kind.String()]++
	s.accepted(a, tk, rec)
}

// accepted checks an accepted transition against the model, updates the
// model, and checks the history.
func (s *propSeq) accepted(a *propAction, tk *ticket.Ticket, rec *ticket.Record) {
	t, sl, q, p := s.t, a.slot, a.req, s.w.policy
	old := sl.tk
	require.NotNil(t, tk)
	require.NotNil(t, rec)
	require.Equal(t, q.Bytes(), rec.Request.Bytes())
	require.True(t, rec.Time.Equal(a.now))
	require.False(t, rec.Time.Before(q.Time), "record before its request")
	require.Equal(t, rec.Hash(), tk.Head)
	if old != nil {
		require.NotEqual(t, ticket.Consumed, old.State, "Consumed is final")
		require.Equal(t, old.Head, q.Prev)
		require.False(t, tk.Updated.Before(old.Updated), "time went backwards")
		require.True(t, tk.Issued.Equal(old.Issued))
		if q.Kind != ticket.KindTransfer {
			require.True(t, tk.Holder.Equal(old.Holder), "holder changed by a %v", q.Kind)
		}
	}

	// The settlement and the standings.
	signer := s.standing[q.Cert.ID()]
	switch q.Kind {
	case ticket.KindBuy:
		require.Equal(t, p.PurchaseReward, rec.SignerReputation)
		require.Zero(t, rec.SellerReputation)
		require.Zero(t, rec.Tax)
		require.Zero(t, rec.Payout)
		signer.Reputation += p.PurchaseReward
	case ticket.KindTransfer:
		seller := s.standing[sl.holder.cert.ID()]
		require.Equal(t, *seller, rec.Seller)
		st, err := p.Schedule.SettleDiscounted(sl.price, q.Price, seller.Reputation, p.Discount)
		require.NoError(t, err)
		require.Equal(t, st.Tax, rec.Tax)
		require.Equal(t, q.Price-st.Tax, rec.Payout)
		var coins int64
		if d := q.Price - sl.price; d > 0 {
			coins = (int64(d) + 99) / 100
		}
		require.Equal(t, -coins*int64(seller.Transfers+1), rec.SellerReputation)
		require.Equal(t, p.PurchaseReward, rec.SignerReputation)
		seller.Reputation += rec.SellerReputation
		seller.Transfers++
		signer.Reputation += p.PurchaseReward
	case ticket.KindList:
		require.Equal(t, *s.standing[sl.holder.cert.ID()], rec.Seller)
		fallthrough
	default:
		require.Zero(t, rec.SignerReputation)
		require.Zero(t, rec.SellerReputation)
		require.Zero(t, rec.Tax)
		require.Zero(t, rec.Payout)
	}

	// The model's next state.
	switch q.Kind {
	case ticket.KindBuy:
		sl.exists, sl.state, sl.holder, sl.price, sl.issued = true, ticket.Valid, s.party(q.Cert), q.Price, a.now
	case ticket.KindList:
		sl.state, sl.listPrice, sl.payee = ticket.Listed, q.Price, q.Payee
	case ticket.KindDelist:
		sl.state, sl.listPrice, sl.payee = ticket.Valid, 0, ecdsa.Address{}
		if sl.age > 0 {
			sl.state = ticket.Transferred
		}
	case ticket.KindTransfer:
		sl.state, sl.holder, sl.price, sl.listPrice, sl.payee = ticket.Transferred, s.party(q.Cert), q.Price, 0, ecdsa.Address{}
		sl.age++
	case ticket.KindConsume:
		sl.state = ticket.Consumed
		require.Len(t, rec.Consumption, 128)
	}
	sl.updated = a.now
	sl.heads = append(sl.heads, rec.Hash())
	sl.tk = tk
	sl.recs = append(sl.recs, rec)
	parsed, err := ticket.ParseRecord(rec.Bytes())
	require.NoError(t, err)
	require.Equal(t, rec.Bytes(), parsed.Bytes())
	sl.parsed = append(sl.parsed, parsed)

	// The ticket agrees with the model.
	require.Equal(t, sl.state, tk.State)
	require.Equal(t, sl.age, tk.Age)
	require.LessOrEqual(t, tk.Age, p.MaxTransfers)
	require.True(t, tk.Holder.Equal(sl.holder.cert))
	require.Equal(t, sl.price, tk.Price)
	require.Equal(t, sl.listPrice, tk.ListPrice)
	require.Equal(t, sl.payee, tk.Payee)
	require.True(t, tk.Issued.Equal(sl.issued))
	require.True(t, tk.Updated.Equal(sl.updated))
	require.Equal(t, sl.event, tk.Event)
	require.Equal(t, sl.serial, tk.Serial)
	require.True(t, tk.Merchant.Equal(s.merchants[sl.merchant].PublicKey()))

	// The history replays to the ticket.
	got, err := ticket.Replay(sl.parsed, s.w.v)
	require.NoError(t, err)
	requireSameTicket(t, tk, got)

	// The record does not verify in another ticket's history.
	var others []*propSlot
	for _, o := range s.slots {
		if o != sl && len(o.parsed) > 0 {
			others = append(others, o)
		}
	}
	if len(others) > 0 {
		o := others[s.rng.IntN(len(others))]
		_, err := ticket.Replay(append(slices.Clip(o.parsed), parsed), s.w.v)
		requireRecordError(t, err, len(o.parsed), nil, "record spliced into another ticket")
		s.stats["spliced and refused"]++
	}

	// A consumed ticket is sometimes replaced by a new one.
	if sl.state == ticket.Consumed && s.rng.IntN(3) == 0 {
		for i, x := range s.slots {
			if x == sl {
				s.slots[i] = s.newSlot(sl.event, sl.merchant)
			}
		}
	}
}

func (s *propSeq) party(c *ticket.Certificate) *party {
	for _, u := range s.users {
		if u.cert.Equal(c) {
			return u
		}
	}
	s.t.Fatalf("no user holds certificate %q", c.ID())
	return nil
}

func sentinelName(err error) string {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other: " + err.Error()
}

func TestPropertyRandomSequences(t *testing.T) {
	seed := *propertySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -ticket.seed=%d)", seed, seed)
	sequences, steps := 1200, 20
	if testing.Short() {
		sequences = 100
	}
	rng := rand.New(rand.NewPCG(seed, 0x7469636b6574))
	stats := map[string]int{}
	for i := range sequences {
		s := newPropSeq(t, rng, stats)
		for range steps {
			s.step()
			if t.Failed() {
				t.Fatalf("sequence %d of seed %d failed", i, seed)
			}
		}
	}
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%6d %s", stats[k], k)
	}
	// Every transition was accepted, and the main refusals were met.
	for _, k := range []ticket.Kind{ticket.KindBuy, ticket.KindList, ticket.KindDelist, ticket.KindTransfer, ticket.KindConsume} {
		require.Positive(t, stats["accepted: "+k.String()], "no %v accepted", k)
	}
	for _, e := range []error{ticket.ErrMalformed, ticket.ErrSignature, ticket.ErrCertificate, ticket.ErrForeign,
		ticket.ErrState, ticket.ErrNotHolder, ticket.ErrTime} {
		require.Positive(t, stats["refused: "+e.Error()], "never refused with %v", e)
	}
}
