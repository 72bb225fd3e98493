package mixer

import (
	"bytes"
	"fmt"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ringsig"
)

// Phase is the state of a server session or a client.
type Phase uint8

// The phases, in order. A server starts in PhaseRequesting (a restarted one
// in PhaseRegistering); a client starts in PhaseNew.
const (
	// PhaseNew: a client that has not joined a session yet.
	PhaseNew Phase = iota
	// PhaseRequesting: phase 1. The server gathers requests; a client has
	// sent its request and waits for the roster.
	PhaseRequesting
	// PhaseRegistering: phase 2. The server gathers output registrations;
	// a client has sent its registrations and waits for the transaction.
	PhaseRegistering
	// PhaseConfirming: phase 3. The server gathers confirmations; a client
	// has signed and waits for the signed transaction or a restart.
	PhaseConfirming
	// PhaseComplete: every input owner signed.
	PhaseComplete
	// PhaseFailed: the session ended without a signed transaction; Err
	// says why.
	PhaseFailed
)

func (p Phase) String() string {
	switch p {
	case PhaseNew:
		return "new"
	case PhaseRequesting:
		return "requesting"
	case PhaseRegistering:
		return "registering"
	case PhaseConfirming:
		return "confirming"
	case PhaseComplete:
		return "complete"
	case PhaseFailed:
		return "failed"
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// ServerConfig sets up a session.
type ServerConfig struct {
	// Session is the session id: from NewSessionID, or any 32 bytes the
	// caller never uses twice.
	Session SessionID
	// Params are the session's terms.
	Params Params
	// Deadlines end the three phases; they must increase.
	Deadlines Deadlines
	// MinParticipants and MaxParticipants bound the ring (0: the package's
	// MinParticipants and MaxParticipants). Requesting ends early when
	// MaxParticipants have joined.
	MinParticipants, MaxParticipants int
	// Inputs decides whether an input exists and belongs to its claimed
	// owner. Required (a nil InputSourceFunc is refused too).
	Inputs InputSource
}

// Server is the hybrid server's state for one session. Its methods are pure
// functions of its state, their arguments and the time passed in: it reads
// no clock, starts no goroutine (but Check's, which end before it returns)
// and sends nothing. A Server is not safe for concurrent use.
type Server struct {
	cfg               ServerConfig
	session, previous SessionID
	phase             Phase
	err               error

	parts    map[keyBytes]*participant
	inputIDs map[string]bool
	changes  map[ecdsa.Address]bool // change addresses, which outputs may not use
	total    int64

	roster *Roster
	scopes []*ringsig.Scope
	images []map[[33]byte]bool
	regs   []*Registration // accepted, in order of arrival
	addrs  map[ecdsa.Address]bool

	tx       *Transaction
	bundle   *Bundle
	confirms map[keyBytes]*Confirmation
	refusals map[keyBytes]Reason
	signed   *SignedTransaction
}

type participant struct {
	req    *Request
	total  int64 // of its inputs
	change int64 // total − due
}

// NewServer opens a session in PhaseRequesting.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.MinParticipants == 0 {
		cfg.MinParticipants = MinParticipants
	}
	if cfg.MaxParticipants == 0 {
		cfg.MaxParticipants = MaxParticipants
	}
	if f, ok := cfg.Inputs.(InputSourceFunc); cfg.Inputs == nil || (ok && f == nil) {
		return nil, fmt.Errorf("%w: no input source", ErrParams)
	}
	s := &Server{cfg: cfg, session: cfg.Session, phase: PhaseRequesting}
	if err := s.Announcement().check(); err != nil {
		return nil, err
	}
	s.reset()
	return s, nil
}

func (s *Server) reset() {
	s.parts = map[keyBytes]*participant{}
	s.inputIDs = map[string]bool{}
	s.changes = map[ecdsa.Address]bool{}
	s.addrs = map[ecdsa.Address]bool{}
	s.confirms = map[keyBytes]*Confirmation{}
	s.refusals = map[keyBytes]Reason{}
}

// errServer is the error of a method called on a nil Server or on one that
// NewServer did not make.
var errServer = fmt.Errorf("%w: server not made by NewServer", ErrParams)

// made reports whether s was made by NewServer or Restart.
func (s *Server) made() bool { return s != nil && s.parts != nil }

// Announcement returns the session's announcement (phase 0), to send to
// everyone who may join, or nil for a Server that NewServer did not make.
func (s *Server) Announcement() *Announcement {
	if s == nil {
		return nil
	}
	return &Announcement{session: s.session, params: s.cfg.Params, min: s.cfg.MinParticipants, max: s.cfg.MaxParticipants, deadlines: s.cfg.Deadlines}
}

// Session returns the session id.
func (s *Server) Session() SessionID {
	if s == nil {
		return SessionID{}
	}
	return s.session
}

// Previous returns the id of the session this one restarts, or zero.
func (s *Server) Previous() SessionID {
	if s == nil {
		return SessionID{}
	}
	return s.previous
}

// Phase returns the session's phase (PhaseNew for a Server that NewServer
// did not make).
func (s *Server) Phase() Phase {
	if s == nil {
		return PhaseNew
	}
	return s.phase
}

// Err returns why the session failed, or nil.
func (s *Server) Err() error {
	if s == nil {
		return nil
	}
	return s.err
}

// Roster returns the roster once requesting has ended, or nil.
func (s *Server) Roster() *Roster {
	if s == nil {
		return nil
	}
	return s.roster
}

// Transaction returns the mix transaction once built, or nil.
func (s *Server) Transaction() *Transaction {
	if s == nil {
		return nil
	}
	return s.tx
}

// Signed returns the signed transaction once complete, or nil.
func (s *Server) Signed() *SignedTransaction {
	if s == nil {
		return nil
	}
	return s.signed
}

// Participants returns the keys of the participants, in ascending byte
// order: the recipients of the messages with a nil To.
func (s *Server) Participants() []*ecdsa.PublicKey {
	if s == nil {
		return nil
	}
	keys := make([]*ecdsa.PublicKey, 0, len(s.parts))
	for _, p := range s.parts {
		keys = append(keys, p.req.pk)
	}
	sortKeys(keys)
	return keys
}

// Confirmed returns the participants whose confirmation the server
// accepted, in ascending byte order.
func (s *Server) Confirmed() []*ecdsa.PublicKey {
	if s == nil {
		return nil
	}
	return s.filter(func(k keyBytes) bool { return s.confirms[k] != nil })
}

// Excluded returns the participants without an accepted confirmation, in
// ascending byte order: after a failure, those a restart leaves out.
func (s *Server) Excluded() []*ecdsa.PublicKey {
	if s == nil {
		return nil
	}
	return s.filter(func(k keyBytes) bool { return s.confirms[k] == nil })
}

// Refusal returns the reason pk gave for refusing, if it did.
func (s *Server) Refusal(pk *ecdsa.PublicKey) (Reason, bool) {
	if s == nil {
		return 0, false
	}
	r, ok := s.refusals[keyOf(pk)]
	return r, ok
}

func (s *Server) filter(keep func(keyBytes) bool) []*ecdsa.PublicKey {
	var out []*ecdsa.PublicKey
	for _, pk := range s.Participants() {
		if keep(keyOf(pk)) {
			out = append(out, pk)
		}
	}
	return out
}

// Handle processes one message received at time now and returns the
// messages to send in answer. A message that is refused leaves the state
// unchanged and returns an error saying why; replays of another session's
// messages give ErrWrongSession.
func (s *Server) Handle(data []byte, now time.Time) ([]Message, error) {
	if !s.made() {
		return nil, errServer
	}
	kind, err := KindOf(data)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindRequest:
		q, err := ParseRequest(data)
		if err != nil {
			return nil, err
		}
		return s.handleRequest(q, now)
	case KindRegistration:
		return s.Accept(s.Check([][]byte{data}, 1)[0], now)
	case KindConfirmation:
		c, err := ParseConfirmation(data)
		if err != nil {
			return nil, err
		}
		return s.handleConfirmation(c, now)
	case KindRefusal:
		f, err := ParseRefusal(data)
		if err != nil {
			return nil, err
		}
		return s.handleRefusal(f, now)
	}
	return nil, fmt.Errorf("%w: a server takes no %v", ErrPhase, kind)
}

// Tick moves the session on at time now: past the request deadline it
// closes requesting and answers with the roster (or fails with
// ErrTooFewParticipants); past the register deadline it builds and publishes
// the transaction; past the confirm deadline it fails, and Excluded names
// those who did not sign.
func (s *Server) Tick(now time.Time) []Message {
	if s == nil {
		return nil
	}
	switch {
	case s.phase == PhaseRequesting && now.After(s.cfg.Deadlines.Request):
		return s.closeRequests()
	case s.phase == PhaseRegistering && now.After(s.cfg.Deadlines.Register):
		return s.buildTransaction()
	case s.phase == PhaseConfirming && now.After(s.cfg.Deadlines.Confirm):
		s.fail(fmt.Errorf("%w: %d of %d owners signed by the deadline", ErrDeadline, len(s.confirms), len(s.parts)))
	}
	return nil
}

func (s *Server) fail(err error) {
	s.phase, s.err = PhaseFailed, err
}

// accepting checks the session, the phase and the deadline of a message.
func (s *Server) accepting(session SessionID, phase Phase, deadline, now time.Time) error {
	if session != s.session {
		return fmt.Errorf("%w: %s, this is %s", ErrWrongSession, session, s.session)
	}
	if s.phase != phase {
		return fmt.Errorf("%w: session is %v", ErrPhase, s.phase)
	}
	if now.After(deadline) {
		return fmt.Errorf("%w: %v after %v", ErrDeadline, now, deadline)
	}
	return nil
}

func (s *Server) handleRequest(q *Request, now time.Time) ([]Message, error) {
	if err := s.accepting(q.session, PhaseRequesting, s.cfg.Deadlines.Request, now); err != nil {
		return nil, err
	}
	if err := q.Verify(); err != nil {
		return nil, err
	}
	k := keyOf(q.pk)
	if s.parts[k] != nil {
		return nil, ErrDuplicateParticipant
	}
	if len(s.parts) >= s.cfg.MaxParticipants {
		return nil, ErrSessionFull
	}
	for _, in := range q.inputs {
		if s.inputIDs[string(in.ID)] {
			return nil, fmt.Errorf("%w: %x", ErrInputReused, in.ID)
		}
	}
	for _, in := range q.inputs {
		if err := s.cfg.Inputs.CheckInput(q.pk, Input{ID: bytes.Clone(in.ID), Amount: in.Amount}); err != nil {
			return nil, fmt.Errorf("%w: %x: %w", ErrUnknownInput, in.ID, err)
		}
	}
	total, err := sumInputs(q.inputs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFunds, err)
	}
	// A change address only with change: one named without change is
	// refused, so that nobody can name one just to claim it. Another
	// request naming the same address is no conflict, since each change
	// output is bound to its owner.
	change, err := changeDue(s.cfg.Params, total, q.hasChange)
	if err != nil {
		return nil, err
	}
	if q.hasChange {
		if q.changeAmount != change {
			return nil, fmt.Errorf("%w: request states change %d, inputs leave %d", ErrFunds, q.changeAmount, change)
		}
		if q.change.Version() != s.cfg.Params.AddressVersion {
			return nil, fmt.Errorf("%w: change address", ErrAddressVersion)
		}
	}
	sum, ok := addAmount(s.total, total)
	if !ok {
		return nil, fmt.Errorf("%w: session total overflows", ErrFunds)
	}
	s.total = sum
	s.parts[k] = &participant{req: q, total: total, change: change}
	for _, in := range q.inputs {
		s.inputIDs[string(in.ID)] = true
	}
	if q.hasChange {
		s.changes[q.change] = true
	}
	if len(s.parts) == s.cfg.MaxParticipants {
		return s.closeRequests(), nil
	}
	return nil, nil
}

// closeRequests ends phase 1: the roster goes to every participant.
func (s *Server) closeRequests() []Message {
	if len(s.parts) < s.cfg.MinParticipants {
		s.fail(fmt.Errorf("%w: %d joined, %d needed", ErrTooFewParticipants, len(s.parts), s.cfg.MinParticipants))
		return nil
	}
	return s.openRegistration()
}

func (s *Server) openRegistration() []Message {
	d := s.cfg.Deadlines
	ro, err := NewRoster(s.session, s.previous, s.cfg.Params, d.Register, d.Confirm, s.Participants())
	if err == nil {
		s.scopes, err = newScopes(s.session, s.cfg.Params.Slots)
	}
	if err != nil {
		s.fail(err)
		return nil
	}
	s.roster = ro
	s.images = make([]map[[33]byte]bool, s.cfg.Params.Slots)
	for i := range s.images {
		s.images[i] = map[[33]byte]bool{}
	}
	s.phase = PhaseRegistering
	return []Message{{Kind: KindRoster, Data: ro.Bytes()}}
}

// CheckedRegistration is an output registration whose encoding and ring
// signature Server.Check has examined; Server.Accept records it.
type CheckedRegistration struct {
	by  *Server
	reg *Registration
	err error
}

// Err returns why the registration was refused, or nil when it may be
// accepted. A CheckedRegistration that Check did not make gives ErrParams.
func (c *CheckedRegistration) Err() error {
	if c == nil || (c.reg == nil && c.err == nil) {
		return errChecked
	}
	return c.err
}

// errChecked is the error of a CheckedRegistration that Check did not make.
var errChecked = fmt.Errorf("%w: registration not checked by Server.Check", ErrParams)

// Check parses a batch of output registrations and verifies their ring
// signatures over the session's ring, using up to workers goroutines
// (GOMAXPROCS when workers ≤ 0) that all end before Check returns. It
// reads the session (its id, parameters, ring and scopes, which do not
// change during phase 2) and changes nothing: pass each result to Accept,
// in any order, to record it. It is the only place the package runs
// goroutines, and must not run at the same time as another method of s.
func (s *Server) Check(batch [][]byte, workers int) []*CheckedRegistration {
	out := make([]*CheckedRegistration, len(batch))
	parallel(len(batch), workers, func(i int) {
		out[i] = s.check(batch[i])
	})
	return out
}

func (s *Server) check(data []byte) *CheckedRegistration {
	c := &CheckedRegistration{by: s}
	if !s.made() {
		c.err = errServer
		return c
	}
	g, err := ParseRegistration(data)
	if err != nil {
		c.err = err
		return c
	}
	c.reg = g
	p := s.cfg.Params
	switch {
	case g.session != s.session:
		c.err = fmt.Errorf("%w: %s, this is %s", ErrWrongSession, g.session, s.session)
	case s.phase != PhaseRegistering:
		c.err = fmt.Errorf("%w: session is %v", ErrPhase, s.phase)
	case g.slot >= p.Slots:
		c.err = fmt.Errorf("%w: slot %d of %d", ErrMalformed, g.slot, p.Slots)
	case g.amount != p.Denomination:
		c.err = fmt.Errorf("%w: %d, denomination %d", ErrWrongAmount, g.amount, p.Denomination)
	case g.address.Version() != p.AddressVersion:
		c.err = fmt.Errorf("%w: output address", ErrAddressVersion)
	default:
		if _, err := ringsig.Verify(s.roster.ring, s.scopes[g.slot], g.signedBytes(), g.sig); err != nil {
			c.err = restate(ErrBadRingSignature, fmt.Sprintf("registration in slot %d", g.slot), err)
		}
	}
	return c
}

// Accept records a registration that Check examined, at time now: it
// refuses one Check refused, one after the register deadline, a key image
// already used in the slot (ErrKeyImageReused: one output per member per
// slot), and an address already registered or named as a change address
// (ErrDuplicateAddress). When every member has registered in every slot it
// builds the transaction and returns it to publish.
func (s *Server) Accept(c *CheckedRegistration, now time.Time) ([]Message, error) {
	if !s.made() {
		return nil, errServer
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	if c.by != s {
		return nil, fmt.Errorf("%w: checked by another session", ErrWrongSession)
	}
	g := c.reg
	if err := s.accepting(g.session, PhaseRegistering, s.cfg.Deadlines.Register, now); err != nil {
		return nil, err
	}
	img := g.sig.KeyImage()
	if s.images[g.slot][img] {
		return nil, fmt.Errorf("%w: slot %d", ErrKeyImageReused, g.slot)
	}
	// Change addresses are fixed before the roster, and an honest
	// member's output addresses are derived after it from its secret
	// key, so refusing an output at a change address only ever refuses a
	// registration that chose one.
	if s.addrs[g.address] {
		return nil, fmt.Errorf("%w: output %s", ErrDuplicateAddress, g.address)
	}
	if s.changes[g.address] {
		return nil, fmt.Errorf("%w: output %s is a change address", ErrDuplicateAddress, g.address)
	}
	s.images[g.slot][img] = true
	s.addrs[g.address] = true
	s.regs = append(s.regs, g)
	if len(s.regs) == len(s.parts)*s.cfg.Params.Slots {
		return s.buildTransaction(), nil
	}
	return nil, nil
}

// buildTransaction ends phase 2 with the outputs registered so far. Missing
// outputs leave a surplus that only their owners' signatures could release;
// an honest owner refuses (ErrOutputMissing), and the round restarts
// without it. The transaction goes to every participant, its bundle only
// to those that asked for it (AuditAll), in ascending key order.
func (s *Server) buildTransaction() []Message {
	var inputs []TxInput
	var change []Change
	for _, p := range s.parts {
		for _, in := range p.req.inputs {
			inputs = append(inputs, TxInput{Owner: p.req.pk, ID: in.ID, Amount: in.Amount})
		}
		if p.change > 0 {
			change = append(change, Change{Owner: p.req.pk, Address: p.req.change, Amount: p.change})
		}
	}
	fee := int64(len(s.parts)) * s.cfg.Params.Fee
	tx, bundle, err := NewTransaction(s.session, s.cfg.Params, inputs, s.regs, change, fee)
	if err != nil {
		s.fail(err)
		return nil
	}
	s.tx, s.bundle = tx, bundle
	s.phase = PhaseConfirming
	s.failIfAllAnswered()
	msgs := []Message{{Kind: KindTransaction, Data: tx.Bytes()}}
	var raw []byte
	for _, pk := range s.Participants() {
		if s.parts[keyOf(pk)].req.audit == AuditAll {
			if raw == nil {
				raw = bundle.Bytes()
			}
			msgs = append(msgs, Message{Kind: KindBundle, To: pk, Data: raw})
		}
	}
	return msgs
}

// member returns the participant with key pk.
func (s *Server) member(pk *ecdsa.PublicKey) (keyBytes, error) {
	k := keyOf(pk)
	if s.parts[k] == nil {
		return k, ErrNotParticipant
	}
	if s.confirms[k] != nil {
		return k, fmt.Errorf("%w: already confirmed", ErrDuplicateParticipant)
	}
	if _, refused := s.refusals[k]; refused {
		return k, fmt.Errorf("%w: already refused", ErrDuplicateParticipant)
	}
	return k, nil
}

func (s *Server) handleConfirmation(c *Confirmation, now time.Time) ([]Message, error) {
	if err := s.accepting(c.st.session, PhaseConfirming, s.cfg.Deadlines.Confirm, now); err != nil {
		return nil, err
	}
	if c.st.txHash != s.tx.hash {
		return nil, fmt.Errorf("%w: confirmation of another transaction", ErrWrongSession)
	}
	k, err := s.member(c.st.pk)
	if err != nil {
		return nil, err
	}
	if err := c.Verify(); err != nil {
		return nil, err
	}
	s.confirms[k] = c
	if len(s.confirms) == len(s.parts) {
		all := make([]*Confirmation, 0, len(s.confirms))
		for _, c := range s.confirms {
			all = append(all, c)
		}
		// Each confirmation verified as it came.
		st, err := assemble(s.tx, s.bundle, all)
		if err != nil {
			s.fail(err)
			return nil, err
		}
		s.signed, s.phase = st, PhaseComplete
		return s.completion(st), nil
	}
	s.failIfAllAnswered()
	return nil, nil
}

// completion returns the messages of a completed session: the signed
// transaction, published once, and to each participant in ascending key
// order a Completion — with every owner's signature for those that asked
// for everything (AuditAll), a bare notice for the others.
func (s *Server) completion(st *SignedTransaction) []Message {
	msgs := []Message{{Kind: KindSignedTransaction, Publish: true, Data: st.Bytes()}}
	var notice, full []byte
	for _, pk := range s.Participants() {
		if s.parts[keyOf(pk)].req.audit == AuditAll {
			if full == nil {
				full = newCompletion(s.session, s.tx.hash, st.sigs).raw
			}
			msgs = append(msgs, Message{Kind: KindCompletion, To: pk, Data: full})
		} else {
			if notice == nil {
				notice = newCompletion(s.session, s.tx.hash, nil).raw
			}
			msgs = append(msgs, Message{Kind: KindCompletion, To: pk, Data: notice})
		}
	}
	return msgs
}

func (s *Server) handleRefusal(f *Refusal, now time.Time) ([]Message, error) {
	if f.st.session != s.session {
		return nil, fmt.Errorf("%w: %s, this is %s", ErrWrongSession, f.st.session, s.session)
	}
	// The transaction hash is not checked: a participant that refuses
	// whatever it was shown is out of the session, and only it can sign
	// that.
	if s.phase != PhaseRegistering && s.phase != PhaseConfirming {
		return nil, fmt.Errorf("%w: session is %v", ErrPhase, s.phase)
	}
	if now.After(s.cfg.Deadlines.Confirm) {
		return nil, fmt.Errorf("%w: %v after %v", ErrDeadline, now, s.cfg.Deadlines.Confirm)
	}
	k, err := s.member(f.st.pk)
	if err != nil {
		return nil, err
	}
	if err := f.Verify(); err != nil {
		return nil, err
	}
	s.refusals[k] = f.st.reason
	if s.phase == PhaseConfirming {
		s.failIfAllAnswered()
	}
	return nil, nil
}

// failIfAllAnswered ends phase 3 early once every participant confirmed or
// refused and some refused.
func (s *Server) failIfAllAnswered() {
	if len(s.refusals) > 0 && len(s.confirms)+len(s.refusals) == len(s.parts) {
		s.fail(fmt.Errorf("%w: %d of %d participants refused", ErrIncomplete, len(s.refusals), len(s.parts)))
	}
}

// Restart opens the session that follows a failed confirmation phase, with
// only the participants whose confirmation was accepted (their inputs are
// checked again with the InputSource; no new participant or input joins).
// The new session's id is NextSessionID(old id, old transaction hash), its
// parameters are the old ones, and it starts in PhaseRegistering with the
// given deadlines; the returned roster, which names the old session as
// Previous, goes to the survivors.
func (s *Server) Restart(register, confirm time.Time) (*Server, []Message, error) {
	if !s.made() {
		return nil, nil, errServer
	}
	if s.phase != PhaseFailed || s.tx == nil {
		return nil, nil, fmt.Errorf("%w: only a session that failed to collect signatures restarts", ErrPhase)
	}
	cfg := s.cfg
	cfg.Session = NextSessionID(s.session, s.tx.hash)
	cfg.Deadlines.Register, cfg.Deadlines.Confirm = register, confirm
	if err := cfg.Deadlines.validate(false); err != nil {
		return nil, nil, err
	}
	n := &Server{cfg: cfg, session: cfg.Session, previous: s.session}
	n.reset()
	for k, c := range s.confirms {
		p := s.parts[k]
		ok := true
		for _, in := range p.req.inputs {
			if cfg.Inputs.CheckInput(c.st.pk, Input{ID: bytes.Clone(in.ID), Amount: in.Amount}) != nil {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		n.parts[k] = p
		n.total += p.total // no overflow: a subset of s.total
		for _, in := range p.req.inputs {
			n.inputIDs[string(in.ID)] = true
		}
		if p.req.hasChange {
			n.changes[p.req.change] = true
		}
	}
	if len(n.parts) < cfg.MinParticipants {
		return nil, nil, fmt.Errorf("%w: %d survivors, %d needed", ErrTooFewParticipants, len(n.parts), cfg.MinParticipants)
	}
	msgs := n.openRegistration()
	if n.phase != PhaseRegistering {
		return nil, nil, n.err
	}
	return n, msgs, nil
}
