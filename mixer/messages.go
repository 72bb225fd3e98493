package mixer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ringsig"
)

// Domain-separation strings: the first field of every encoding.
const (
	announcementDomain = "CBETS/mixer/v1/announcement"
	requestDomain      = "CBETS/mixer/v1/request"
	rosterDomain       = "CBETS/mixer/v1/roster"
	registrationDomain = "CBETS/mixer/v1/registration"
	transactionDomain  = "CBETS/mixer/v1/transaction"
	confirmationDomain = "CBETS/mixer/v1/confirmation"
	refusalDomain      = "CBETS/mixer/v1/refusal"
	signedDomain       = "CBETS/mixer/v1/signed-transaction"
	bundleDomain       = "CBETS/mixer/v1/bundle"
	completionDomain   = "CBETS/mixer/v1/completion"
	nextDomain         = "CBETS/mixer/v1/next"
	outputKeyDomain    = "CBETS/mixer/v1/output-key"
	maxDomainLen       = 64
)

// Kind names a message type.
type Kind uint8

// The message types, in protocol order.
const (
	KindAnnouncement      Kind = 1  // server → everyone: phase 0
	KindRequest           Kind = 2  // client → server: phase 1
	KindRoster            Kind = 3  // server → each participant: end of phase 1, or a restart
	KindRegistration      Kind = 4  // client → server, anonymously: phase 2
	KindTransaction       Kind = 5  // server → participants: end of phase 2
	KindConfirmation      Kind = 6  // client → server: phase 3
	KindRefusal           Kind = 7  // client → server: phase 2 or 3
	KindSignedTransaction Kind = 8  // server → the ledger, published once: the completed transaction
	KindBundle            Kind = 9  // server → each participant that asked: the registrations, end of phase 2
	KindCompletion        Kind = 10 // server → each participant: the transaction completed
)

var kindDomains = map[string]Kind{
	announcementDomain: KindAnnouncement,
	requestDomain:      KindRequest,
	rosterDomain:       KindRoster,
	registrationDomain: KindRegistration,
	transactionDomain:  KindTransaction,
	confirmationDomain: KindConfirmation,
	refusalDomain:      KindRefusal,
	signedDomain:       KindSignedTransaction,
	bundleDomain:       KindBundle,
	completionDomain:   KindCompletion,
}

func (k Kind) String() string {
	switch k {
	case KindAnnouncement:
		return "announcement"
	case KindRequest:
		return "request"
	case KindRoster:
		return "roster"
	case KindRegistration:
		return "registration"
	case KindTransaction:
		return "transaction"
	case KindConfirmation:
		return "confirmation"
	case KindRefusal:
		return "refusal"
	case KindSignedTransaction:
		return "signed-transaction"
	case KindBundle:
		return "bundle"
	case KindCompletion:
		return "completion"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// KindOf reads the domain string that starts every encoding and returns the
// message type. It does not check the rest of the message.
func KindOf(b []byte) (Kind, error) {
	if len(b) < 4 {
		return 0, fmt.Errorf("%w: %w", ErrMalformed, wire.ErrShort)
	}
	n := binary.BigEndian.Uint32(b)
	if n > maxDomainLen || uint64(len(b)-4) < uint64(n) {
		return 0, fmt.Errorf("%w: no domain string", ErrMalformed)
	}
	k, ok := kindDomains[string(b[4:4+n])]
	if !ok {
		return 0, fmt.Errorf("%w: unknown domain %q", ErrMalformed, b[4:4+n])
	}
	return k, nil
}

// Message is an encoded message together with its routing. The library
// never sends anything: the caller delivers Data.
type Message struct {
	Kind Kind
	// To is the participant a server message is for; nil means every
	// participant of the session (or, with Publish, none of them). Client
	// messages have To nil: they go to the server.
	To *ecdsa.PublicKey
	// Anonymous marks a message that must reach the server over a channel
	// that does not reveal its sender, one such channel per message (see
	// the package documentation): the output registrations.
	Anonymous bool
	// Publish marks a server message for the ledger, or a bulletin board
	// anyone may read, rather than for the participants: the signed
	// transaction, published once. Its To is nil.
	Publish bool
	Data    []byte
}

// malformed wraps a decoding error.
func malformed(what string, err error) error {
	return wrap(ErrMalformed, what, err)
}

// asMalformed returns err, which made what malformed, under ErrMalformed
// (err itself when it already is).
func asMalformed(what string, err error) error {
	if errors.Is(err, ErrMalformed) {
		return err
	}
	return wrap(ErrMalformed, what, err)
}

// empty is the error of a method called on a nil message, or on a zero
// value that no constructor or parser made.
func empty(what string) error {
	return fmt.Errorf("%w: empty %s", ErrMalformed, what)
}

// Announcement opens a session (phase 0): its id, parameters, the bounds on
// the number of participants and the deadlines. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/announcement" ‖ session (32) ‖
//	denomination (i64) ‖ slots (u32) ‖ fee (i64) ‖ address version (1) ‖
//	min participants (u32) ‖ max participants (u32) ‖
//	request deadline ‖ register deadline ‖ confirm deadline (i64 Unix ns each)
type Announcement struct {
	session   SessionID
	params    Params
	min, max  int
	deadlines Deadlines
}

func (a *Announcement) check() error {
	if err := a.params.Validate(); err != nil {
		return err
	}
	if a.min < MinParticipants || a.max > MaxParticipants || a.min > a.max {
		return fmt.Errorf("%w: participants %d to %d, want within %d to %d", ErrParams, a.min, a.max, MinParticipants, MaxParticipants)
	}
	return a.deadlines.validate(true)
}

// Bytes returns the encoding (nil for a nil announcement).
func (a *Announcement) Bytes() []byte {
	if a == nil {
		return nil
	}
	w := wire.NewBuilder(announcementDomain)
	w.Fixed(a.session[:])
	a.params.put(w)
	w.U32(uint32(a.min))
	w.U32(uint32(a.max))
	putTime(w, a.deadlines.Request)
	putTime(w, a.deadlines.Register)
	putTime(w, a.deadlines.Confirm)
	return w.Bytes()
}

// ParseAnnouncement decodes Bytes strictly.
func ParseAnnouncement(b []byte) (*Announcement, error) {
	r := wire.NewReader(b, announcementDomain)
	a := &Announcement{}
	copy(a.session[:], r.Fixed(32))
	a.params = readParams(r)
	a.min, a.max = int(r.U32()), int(r.U32())
	a.deadlines.Request = readTime(r)
	a.deadlines.Register = readTime(r)
	a.deadlines.Confirm = readTime(r)
	if err := r.Done(); err != nil {
		return nil, malformed("announcement", err)
	}
	if err := a.check(); err != nil {
		return nil, malformed("announcement", err)
	}
	return a, nil
}

// Session returns the session id.
func (a *Announcement) Session() SessionID {
	if a == nil {
		return SessionID{}
	}
	return a.session
}

// Params returns the session's parameters.
func (a *Announcement) Params() Params {
	if a == nil {
		return Params{}
	}
	return a.params
}

// Deadlines returns the deadlines of the three phases.
func (a *Announcement) Deadlines() Deadlines {
	if a == nil {
		return Deadlines{}
	}
	return a.deadlines
}

// Participants returns the minimum and maximum number of participants.
func (a *Announcement) Participants() (min, max int) {
	if a == nil {
		return 0, 0
	}
	return a.min, a.max
}

// Request is a participant's phase-1 message: its key, the inputs it offers
// (sorted by id), its change — the address that takes what the inputs hold
// beyond Slots·Denomination + Fee, and that amount, present exactly when it
// is positive — whether it audits everything (and so asks for the bundle
// and every owner's signature), and its R-bound signature (UserSign) by
// that key over everything before the signature. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/request" ‖ session (32) ‖ pk (33) ‖
//	u32 count ‖ count × (u32 len ‖ id ‖ amount (i64)) ‖
//	change flag (1: 0 or 1) ‖
//	[address version (1) ‖ address hash (20) ‖ change amount (i64)] ‖
//	bundle flag (1: 1 for AuditAll, 0 for AuditOwn) ‖
//	u32 len ‖ signature (65)
//
// The bracketed part is present when the change flag is 1, and its change
// amount is then positive and below the inputs' total.
type Request struct {
	session      SessionID
	pk           *ecdsa.PublicKey
	inputs       []Input
	change       ecdsa.Address
	changeAmount int64
	hasChange    bool
	audit        Audit
	sig          *ecdsa.RBoundSignature
}

// NewRequest builds and signs a request for session under the parameters p.
// Inputs are sorted by id; an id offered twice is refused (ErrInputReused).
// Inputs that do not cover p.Due() give ErrFunds. change is the address that
// takes what they hold beyond p.Due(): it is required when they hold more
// and refused when they hold exactly that (ErrChangeAddress), and must have
// p's address version (ErrAddressVersion). audit is the participant's audit
// level: with AuditAll the server sends it the transaction's bundle and
// every owner's signature.
func NewRequest(key *ecdsa.PrivateKey, session SessionID, p Params, inputs []Input, change *ecdsa.Address, audit Audit, opts *ecdsa.SignOptions) (*Request, error) {
	if err := checkPrivateKey(key); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if audit > AuditOwn {
		return nil, fmt.Errorf("%w: unknown audit level %d", ErrParams, audit)
	}
	if len(inputs) == 0 || len(inputs) > MaxInputs {
		return nil, fmt.Errorf("%w: %d inputs, want 1 to %d", ErrParams, len(inputs), MaxInputs)
	}
	total, err := sumInputs(inputs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParams, err)
	}
	sorted, err := sortedInputs(inputs)
	if err != nil {
		return nil, err
	}
	amount, err := changeDue(p, total, change != nil)
	if err != nil {
		return nil, err
	}
	q := &Request{session: session, pk: key.PublicKey(), inputs: sorted, audit: audit}
	if change != nil {
		if change.Version() != p.AddressVersion {
			return nil, fmt.Errorf("%w: change address", ErrAddressVersion)
		}
		q.change, q.changeAmount, q.hasChange = *change, amount, true
	}
	if q.sig, err = ecdsa.SignRBound(key, q.signedBytes(), opts); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *Request) signedBytes() []byte {
	w := wire.NewBuilder(requestDomain)
	w.Fixed(q.session[:])
	w.Fixed(q.pk.Bytes())
	w.U32(uint32(len(q.inputs)))
	for _, in := range q.inputs {
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	if q.hasChange {
		w.U8(1)
		putAddress(w, q.change)
		w.I64(q.changeAmount)
	} else {
		w.U8(0)
	}
	if q.audit == AuditAll {
		w.U8(1)
	} else {
		w.U8(0)
	}
	return w.Bytes()
}

// valid reports whether q was made by NewRequest or ParseRequest.
func (q *Request) valid() bool { return q != nil && q.pk != nil && q.sig != nil }

// Bytes returns the encoding (nil for a nil or zero request).
func (q *Request) Bytes() []byte {
	if !q.valid() {
		return nil
	}
	w := wire.Builder{}
	w.Var(q.sig.Bytes())
	return append(q.signedBytes(), w.Bytes()...)
}

// ParseRequest decodes Bytes strictly: a valid key, 1 to MaxInputs inputs
// sorted by id with no repeat, positive amounts that do not overflow, a
// change amount that is positive (ErrChangeAddress otherwise) and below the
// inputs' total, flags of 0 or 1, and a well-formed signature. It does not verify the
// signature (Verify does).
func ParseRequest(b []byte) (*Request, error) {
	r := wire.NewReader(b, requestDomain)
	q := &Request{}
	copy(q.session[:], r.Fixed(32))
	pkb := r.Fixed(ecdsa.PublicKeySize)
	n := r.U32()
	if r.Err() == nil && (n == 0 || n > MaxInputs) {
		r.Fail(fmt.Errorf("%d inputs, want 1 to %d", n, MaxInputs))
	}
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		id := bytes.Clone(r.Var(MaxInputIDSize))
		q.inputs = append(q.inputs, Input{ID: id, Amount: r.I64()})
	}
	switch flag := r.U8(); flag {
	case 0:
	case 1:
		q.hasChange = true
		q.change = readAddress(r)
		q.changeAmount = r.I64()
	default:
		r.Fail(fmt.Errorf("change flag %d", flag))
	}
	switch flag := r.U8(); flag {
	case 0:
		q.audit = AuditOwn
	case 1:
		q.audit = AuditAll
	default:
		r.Fail(fmt.Errorf("bundle flag %d", flag))
	}
	sigb := r.Var(ecdsa.RBoundSignatureSize)
	if err := r.Done(); err != nil {
		return nil, malformed("request", err)
	}
	var err error
	if q.pk, err = ecdsa.ParsePublicKey(pkb); err != nil {
		return nil, malformed("request", err)
	}
	total, err := sumInputs(q.inputs)
	if err != nil {
		return nil, malformed("request", err)
	}
	for i := 1; i < len(q.inputs); i++ {
		if bytes.Compare(q.inputs[i-1].ID, q.inputs[i].ID) >= 0 {
			return nil, malformed("request", fmt.Errorf("inputs not sorted by id or repeated"))
		}
	}
	if q.hasChange && q.changeAmount <= 0 {
		return nil, malformed("request", fmt.Errorf("%w: change amount %d", ErrChangeAddress, q.changeAmount))
	}
	if q.hasChange && q.changeAmount >= total {
		return nil, malformed("request", fmt.Errorf("change %d not below the inputs' %d", q.changeAmount, total))
	}
	if q.sig, err = ecdsa.ParseRBoundSignature(sigb); err != nil {
		return nil, malformed("request", err)
	}
	return q, nil
}

// Verify checks the ownership signature under the request's key.
func (q *Request) Verify() error {
	if !q.valid() {
		return empty("request")
	}
	if err := ecdsa.VerifyRBound(q.pk, q.signedBytes(), q.sig, ecdsa.SHA256); err != nil {
		return restate(ErrBadSignature, "ownership signature", err)
	}
	return nil
}

// Session returns the session id.
func (q *Request) Session() SessionID {
	if q == nil {
		return SessionID{}
	}
	return q.session
}

// PublicKey returns the participant's key.
func (q *Request) PublicKey() *ecdsa.PublicKey {
	if q == nil {
		return nil
	}
	return q.pk
}

// Inputs returns a copy of the inputs, sorted by id.
func (q *Request) Inputs() []Input {
	if q == nil {
		return nil
	}
	out := make([]Input, len(q.inputs))
	for i, in := range q.inputs {
		out[i] = Input{ID: bytes.Clone(in.ID), Amount: in.Amount}
	}
	return out
}

// Audit returns the audit level the participant asked for: AuditAll when
// it asked for the bundle and every owner's signature (also for a nil
// request).
func (q *Request) Audit() Audit {
	if q == nil {
		return AuditAll
	}
	return q.audit
}

// Change returns the request's change — its owner (the request's key),
// address and amount — and whether there is one.
func (q *Request) Change() (Change, bool) {
	if q == nil || !q.hasChange {
		return Change{}, false
	}
	return Change{Owner: q.pk, Address: q.change, Amount: q.changeAmount}, true
}

// Roster is the server's answer at the end of phase 1 (and the start of a
// restarted session): the session, the session it restarts (zero for a
// first session), the parameters, the deadlines of phases 2 and 3, and the
// ring of every participant's key in ascending byte order. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/roster" ‖ session (32) ‖ previous (32) ‖
//	denomination (i64) ‖ slots (u32) ‖ fee (i64) ‖ address version (1) ‖
//	register deadline ‖ confirm deadline (i64 Unix ns each) ‖
//	u32 N ‖ N × pk (33)
type Roster struct {
	session, previous SessionID
	params            Params
	register, confirm time.Time
	keys              []*ecdsa.PublicKey
	ring              *ringsig.Ring
}

// NewRoster builds a roster. The keys are sorted; a repeated key, a ring
// outside MinParticipants to MaxParticipants, invalid parameters and
// deadlines not in order are refused.
func NewRoster(session, previous SessionID, p Params, register, confirm time.Time, ring []*ecdsa.PublicKey) (*Roster, error) {
	keys := slices.Clone(ring)
	sortKeys(keys)
	ro := &Roster{session: session, previous: previous, params: p, register: register, confirm: confirm, keys: keys}
	if err := ro.check(); err != nil {
		return nil, err
	}
	return ro, nil
}

func (ro *Roster) check() error {
	if err := ro.params.Validate(); err != nil {
		return err
	}
	if err := (Deadlines{Register: ro.register, Confirm: ro.confirm}).validate(false); err != nil {
		return err
	}
	if len(ro.keys) < MinParticipants || len(ro.keys) > MaxParticipants {
		return fmt.Errorf("%w: ring of %d, want %d to %d", ErrParams, len(ro.keys), MinParticipants, MaxParticipants)
	}
	var err error
	if ro.ring, err = ringsig.NewRing(ro.keys); err != nil {
		return fmt.Errorf("%w: %w", ErrParams, err)
	}
	return nil
}

// Bytes returns the encoding (nil for a nil or zero roster).
func (ro *Roster) Bytes() []byte {
	if !ro.valid() {
		return nil
	}
	w := wire.NewBuilder(rosterDomain)
	w.Fixed(ro.session[:])
	w.Fixed(ro.previous[:])
	ro.params.put(w)
	putTime(w, ro.register)
	putTime(w, ro.confirm)
	w.U32(uint32(len(ro.keys)))
	for _, k := range ro.keys {
		w.Fixed(k.Bytes())
	}
	return w.Bytes()
}

// ParseRoster decodes Bytes strictly: valid parameters, deadlines in order,
// and MinParticipants to MaxParticipants valid keys in strictly ascending
// order.
func ParseRoster(b []byte) (*Roster, error) {
	r := wire.NewReader(b, rosterDomain)
	ro := &Roster{}
	copy(ro.session[:], r.Fixed(32))
	copy(ro.previous[:], r.Fixed(32))
	ro.params = readParams(r)
	ro.register = readTime(r)
	ro.confirm = readTime(r)
	n := r.U32()
	if r.Err() == nil && (n < MinParticipants || n > MaxParticipants) {
		r.Fail(fmt.Errorf("ring of %d, want %d to %d", n, MinParticipants, MaxParticipants))
	}
	raw := make([][]byte, 0, min(n, MaxParticipants))
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		raw = append(raw, r.Fixed(ecdsa.PublicKeySize))
	}
	if err := r.Done(); err != nil {
		return nil, malformed("roster", err)
	}
	var err error
	if ro.keys, err = parseSortedKeys(raw); err != nil {
		return nil, malformed("roster", err)
	}
	if err := ro.check(); err != nil {
		return nil, malformed("roster", err)
	}
	return ro, nil
}

// valid reports whether ro was made by NewRoster or ParseRoster.
func (ro *Roster) valid() bool { return ro != nil && ro.ring != nil }

// Session returns the session id.
func (ro *Roster) Session() SessionID {
	if ro == nil {
		return SessionID{}
	}
	return ro.session
}

// Previous returns the id of the session this one restarts, or the zero id.
func (ro *Roster) Previous() SessionID {
	if ro == nil {
		return SessionID{}
	}
	return ro.previous
}

// Params returns the session's parameters.
func (ro *Roster) Params() Params {
	if ro == nil {
		return Params{}
	}
	return ro.params
}

// Deadlines returns the deadlines of phases 2 and 3 (Request is zero).
func (ro *Roster) Deadlines() Deadlines {
	if ro == nil {
		return Deadlines{}
	}
	return Deadlines{Register: ro.register, Confirm: ro.confirm}
}

// Ring returns a copy of the participants' keys, in ring order.
func (ro *Roster) Ring() []*ecdsa.PublicKey {
	if ro == nil {
		return nil
	}
	return slices.Clone(ro.keys)
}

// RingDigest returns the ring's digest D (SPEC section 6), or zero for a
// nil or zero roster.
func (ro *Roster) RingDigest() [32]byte {
	if ro == nil {
		return [32]byte{}
	}
	return ro.ring.Digest()
}

// sortKeys sorts keys by their compressed encoding.
func sortKeys(keys []*ecdsa.PublicKey) {
	slices.SortFunc(keys, func(a, b *ecdsa.PublicKey) int { return bytes.Compare(a.Bytes(), b.Bytes()) })
}

// parseSortedKeys parses compressed keys that must be strictly ascending.
func parseSortedKeys(raw [][]byte) ([]*ecdsa.PublicKey, error) {
	keys := make([]*ecdsa.PublicKey, len(raw))
	for i, b := range raw {
		if i > 0 && bytes.Compare(raw[i-1], b) >= 0 {
			return nil, fmt.Errorf("ring keys not strictly ascending")
		}
		k, err := ecdsa.ParsePublicKey(b)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}

// Registration is an output registration (phase 2): one output address and
// its amount in one slot, ring-signed over the session's ring with scope
// session ‖ u32be(slot). It names no participant. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/registration" ‖ session (32) ‖ slot (u32) ‖
//	address version (1) ‖ address hash (20) ‖ amount (i64) ‖
//	u32 len ‖ ring signature (33 + 32·(N+1))
//
// The ring signature's message is the encoding up to the amount.
type Registration struct {
	session SessionID
	slot    int
	address ecdsa.Address
	amount  int64
	sig     *ringsig.Signature
}

// NewRegistration signs a registration of address for amount (> 0) in slot of
// the roster's session, by the member holding key. opts may hedge the ring
// signature's nonces. A server also requires the amount to be the
// denomination and the address to have the session's version.
func NewRegistration(key *ecdsa.PrivateKey, roster *Roster, slot int, address ecdsa.Address, amount int64, opts *ringsig.SignOptions) (*Registration, error) {
	if err := checkPrivateKey(key); err != nil {
		return nil, err
	}
	if !roster.valid() {
		return nil, fmt.Errorf("%w: nil or zero roster", ErrParams)
	}
	if slot < 0 || slot >= roster.params.Slots {
		return nil, fmt.Errorf("%w: slot %d of %d", ErrParams, slot, roster.params.Slots)
	}
	if amount <= 0 {
		return nil, fmt.Errorf("%w: amount %d is not positive", ErrParams, amount)
	}
	scope, err := ringsig.NewScope(roster.session.scope(slot))
	if err != nil {
		return nil, err
	}
	return newRegistration(key, roster, scope, slot, address, amount, opts)
}

func newRegistration(key *ecdsa.PrivateKey, roster *Roster, scope *ringsig.Scope, slot int, address ecdsa.Address, amount int64, opts *ringsig.SignOptions) (*Registration, error) {
	idx := roster.ring.Index(key.PublicKey())
	if idx < 0 {
		return nil, fmt.Errorf("%w: key not in the ring", ErrNotParticipant)
	}
	g := &Registration{session: roster.session, slot: slot, address: address, amount: amount}
	var err error
	if g.sig, err = ringsig.Sign(key, roster.ring, idx, scope, g.signedBytes(), opts); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *Registration) signedBytes() []byte {
	return registrationMessage(g.session, g.slot, g.address, g.amount)
}

func registrationMessage(session SessionID, slot int, address ecdsa.Address, amount int64) []byte {
	w := wire.NewBuilder(registrationDomain)
	w.Fixed(session[:])
	w.U32(uint32(slot))
	putAddress(w, address)
	w.I64(amount)
	return w.Bytes()
}

// valid reports whether g was made by NewRegistration or ParseRegistration.
func (g *Registration) valid() bool { return g != nil && g.sig != nil }

// Bytes returns the encoding (nil for a nil or zero registration).
func (g *Registration) Bytes() []byte {
	if !g.valid() {
		return nil
	}
	w := wire.Builder{}
	w.Var(g.sig.Bytes())
	return append(g.signedBytes(), w.Bytes()...)
}

// ParseRegistration decodes Bytes strictly: a slot below MaxSlots, a
// positive amount and a well-formed ring signature. Whether the signature
// verifies is for the server to check (Server.Handle, Server.Check).
func ParseRegistration(b []byte) (*Registration, error) {
	r := wire.NewReader(b, registrationDomain)
	g := &Registration{}
	copy(g.session[:], r.Fixed(32))
	slot := r.U32()
	g.address = readAddress(r)
	g.amount = r.I64()
	sigb := r.Var(ringsig.SignatureSize(MaxParticipants))
	if err := r.Done(); err != nil {
		return nil, malformed("registration", err)
	}
	if slot >= MaxSlots {
		return nil, malformed("registration", fmt.Errorf("slot %d, want below %d", slot, MaxSlots))
	}
	g.slot = int(slot)
	if g.amount <= 0 {
		return nil, malformed("registration", fmt.Errorf("amount %d is not positive", g.amount))
	}
	var err error
	if g.sig, err = ringsig.ParseSignature(sigb); err != nil {
		return nil, malformed("registration", err)
	}
	return g, nil
}

// Session returns the session id.
func (g *Registration) Session() SessionID {
	if g == nil {
		return SessionID{}
	}
	return g.session
}

// Slot returns the output slot.
func (g *Registration) Slot() int {
	if g == nil {
		return 0
	}
	return g.slot
}

// Address returns the output address.
func (g *Registration) Address() ecdsa.Address {
	if g == nil {
		return ecdsa.Address{}
	}
	return g.address
}

// Amount returns the output amount.
func (g *Registration) Amount() int64 {
	if g == nil {
		return 0
	}
	return g.amount
}

// KeyImage returns the ring signature's key image (zero for a nil or zero
// registration).
func (g *Registration) KeyImage() [33]byte {
	if g == nil {
		return [33]byte{}
	}
	return g.sig.KeyImage()
}

// Confirmation is a participant's phase-3 signature (UserSign, R-bound) on
// the mix transaction. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/confirmation" ‖ session (32) ‖
//	transaction hash (32) ‖ pk (33) ‖ u32 len ‖ signature (65)
//
// The signature covers the encoding up to pk.
type Confirmation struct {
	st signedStatement
}

// NewConfirmation signs txHash of session with key.
func NewConfirmation(key *ecdsa.PrivateKey, session SessionID, txHash [32]byte, opts *ecdsa.SignOptions) (*Confirmation, error) {
	if err := checkPrivateKey(key); err != nil {
		return nil, err
	}
	c := &Confirmation{signedStatement{domain: confirmationDomain, session: session, txHash: txHash, pk: key.PublicKey()}}
	if err := c.st.sign(key, opts); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseConfirmation decodes Bytes strictly. It does not verify the
// signature (Verify does).
func ParseConfirmation(b []byte) (*Confirmation, error) {
	c := &Confirmation{signedStatement{domain: confirmationDomain}}
	if err := c.st.parse(b); err != nil {
		return nil, err
	}
	return c, nil
}

// statement returns the signed statement, or nil.
func (c *Confirmation) statement() *signedStatement {
	if c == nil {
		return nil
	}
	return &c.st
}

// Bytes returns the encoding (nil for a nil or zero confirmation).
func (c *Confirmation) Bytes() []byte { return c.statement().bytes() }

// Verify checks the signature under the participant's key.
func (c *Confirmation) Verify() error { return c.statement().verify() }

// Session returns the session id.
func (c *Confirmation) Session() SessionID { return c.statement().sessionID() }

// TxHash returns the hash of the transaction confirmed.
func (c *Confirmation) TxHash() [32]byte { return c.statement().hash() }

// PublicKey returns the participant's key.
func (c *Confirmation) PublicKey() *ecdsa.PublicKey { return c.statement().key() }

// Refusal is a participant's signed refusal to go on with a session, with
// its reason. It carries the hash of the transaction the participant was
// shown, or zero when it refuses before any. The server accepts a refusal
// whatever the hash, since it only takes its signer out of the session.
// Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/refusal" ‖ session (32) ‖
//	transaction hash (32) ‖ pk (33) ‖ reason (1) ‖ u32 len ‖ signature (65)
//
// The signature covers the encoding up to the reason.
type Refusal struct {
	st signedStatement
}

// NewRefusal signs a refusal of session (and of txHash, if not zero) with
// key.
func NewRefusal(key *ecdsa.PrivateKey, session SessionID, txHash [32]byte, reason Reason, opts *ecdsa.SignOptions) (*Refusal, error) {
	if err := checkPrivateKey(key); err != nil {
		return nil, err
	}
	if reason >= reasonCount {
		return nil, fmt.Errorf("%w: unknown reason %d", ErrParams, reason)
	}
	f := &Refusal{signedStatement{domain: refusalDomain, session: session, txHash: txHash, pk: key.PublicKey(), reason: reason}}
	if err := f.st.sign(key, opts); err != nil {
		return nil, err
	}
	return f, nil
}

// ParseRefusal decodes Bytes strictly, including a known reason. It does
// not verify the signature (Verify does).
func ParseRefusal(b []byte) (*Refusal, error) {
	f := &Refusal{signedStatement{domain: refusalDomain}}
	if err := f.st.parse(b); err != nil {
		return nil, err
	}
	return f, nil
}

// statement returns the signed statement, or nil.
func (f *Refusal) statement() *signedStatement {
	if f == nil {
		return nil
	}
	return &f.st
}

// Bytes returns the encoding (nil for a nil or zero refusal).
func (f *Refusal) Bytes() []byte { return f.statement().bytes() }

// Verify checks the signature under the participant's key.
func (f *Refusal) Verify() error { return f.statement().verify() }

// Session returns the session id.
func (f *Refusal) Session() SessionID { return f.statement().sessionID() }

// TxHash returns the hash of the transaction refused, or zero for a refusal
// before the transaction.
func (f *Refusal) TxHash() [32]byte { return f.statement().hash() }

// PublicKey returns the participant's key.
func (f *Refusal) PublicKey() *ecdsa.PublicKey { return f.statement().key() }

// Reason returns why the participant refused.
func (f *Refusal) Reason() Reason {
	if f == nil {
		return ReasonDeclined
	}
	return f.st.reason
}

// Completion is the server's word to a participant that every input owner
// has signed the transaction, whose signed form the server publishes once
// (SignedTransaction). To a participant that audits its own outputs it is a
// notice: the session and the transaction's hash, which the participant
// compares with the transaction it signed. To one that asked for
// everything it also carries every owner's confirmation signature, in ring
// order, which that participant verifies against the transaction and
// bundle it holds. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/completion" ‖ session (32) ‖
//	transaction hash (32) ‖ u32 n ‖ n × signature (65)
//
// n is 0 (a notice) or the number of owners, 2 to MaxParticipants. The
// message is not signed: like the roster and the transaction, it should
// come over a channel that authenticates the server.
type Completion struct {
	session SessionID
	txHash  [32]byte
	sigs    []*ecdsa.RBoundSignature
	raw     []byte
}

// newCompletion encodes a completion of txHash with sigs (none for a
// notice).
func newCompletion(session SessionID, txHash [32]byte, sigs []*ecdsa.RBoundSignature) *Completion {
	c := &Completion{session: session, txHash: txHash, sigs: sigs}
	w := wire.NewBuilder(completionDomain)
	w.Fixed(session[:])
	w.Fixed(txHash[:])
	w.U32(uint32(len(sigs)))
	for _, s := range sigs {
		w.Fixed(s.Bytes())
	}
	c.raw = w.Bytes()
	return c
}

// ParseCompletion decodes Bytes strictly: 0 or 2 to MaxParticipants
// well-formed signatures. It verifies nothing: a client checks a
// completion against the transaction it signed.
func ParseCompletion(b []byte) (*Completion, error) {
	r := wire.NewReader(b, completionDomain)
	c := &Completion{}
	copy(c.session[:], r.Fixed(32))
	copy(c.txHash[:], r.Fixed(32))
	n := r.U32()
	if r.Err() == nil && n != 0 && (n < MinParticipants || n > MaxParticipants) {
		r.Fail(fmt.Errorf("%d signatures, want 0 or %d to %d", n, MinParticipants, MaxParticipants))
	}
	raw := make([][]byte, 0, min(n, MaxParticipants))
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		raw = append(raw, r.Fixed(ecdsa.RBoundSignatureSize))
	}
	if err := r.Done(); err != nil {
		return nil, malformed("completion", err)
	}
	for _, sb := range raw {
		sig, err := ecdsa.ParseRBoundSignature(sb)
		if err != nil {
			return nil, malformed("completion", err)
		}
		c.sigs = append(c.sigs, sig)
	}
	c.raw = bytes.Clone(b)
	return c, nil
}

// valid reports whether c was made by the server or ParseCompletion.
func (c *Completion) valid() bool { return c != nil && c.raw != nil }

// Bytes returns the encoding (nil for a nil or zero completion).
func (c *Completion) Bytes() []byte {
	if !c.valid() {
		return nil
	}
	return bytes.Clone(c.raw)
}

// Session returns the session id.
func (c *Completion) Session() SessionID {
	if c == nil {
		return SessionID{}
	}
	return c.session
}

// TxHash returns the hash of the transaction completed.
func (c *Completion) TxHash() [32]byte {
	if c == nil {
		return [32]byte{}
	}
	return c.txHash
}

// Signatures returns the number of owner signatures carried: 0 for a
// notice.
func (c *Completion) Signatures() int {
	if c == nil {
		return 0
	}
	return len(c.sigs)
}

// signedStatement is the shared shape of confirmations and refusals.
type signedStatement struct {
	domain  string
	session SessionID
	txHash  [32]byte
	pk      *ecdsa.PublicKey
	reason  Reason // refusals only
	sig     *ecdsa.RBoundSignature
}

// valid reports whether s was made by a constructor or parser.
func (s *signedStatement) valid() bool {
	return s != nil && s.domain != "" && s.pk != nil && s.sig != nil
}

func (s *signedStatement) what() string {
	if s != nil && s.domain == refusalDomain {
		return "refusal"
	}
	return "confirmation"
}

func (s *signedStatement) signedBytes() []byte {
	w := wire.NewBuilder(s.domain)
	w.Fixed(s.session[:])
	w.Fixed(s.txHash[:])
	w.Fixed(s.pk.Bytes())
	if s.domain == refusalDomain {
		w.U8(uint8(s.reason))
	}
	return w.Bytes()
}

func (s *signedStatement) sign(key *ecdsa.PrivateKey, opts *ecdsa.SignOptions) error {
	var err error
	s.sig, err = ecdsa.SignRBound(key, s.signedBytes(), opts)
	return err
}

func (s *signedStatement) bytes() []byte {
	if !s.valid() {
		return nil
	}
	w := wire.Builder{}
	w.Var(s.sig.Bytes())
	return append(s.signedBytes(), w.Bytes()...)
}

func (s *signedStatement) parse(b []byte) error {
	r := wire.NewReader(b, s.domain)
	copy(s.session[:], r.Fixed(32))
	copy(s.txHash[:], r.Fixed(32))
	pkb := r.Fixed(ecdsa.PublicKeySize)
	if s.domain == refusalDomain {
		s.reason = Reason(r.U8())
	}
	sigb := r.Var(ecdsa.RBoundSignatureSize)
	what := s.what()
	if err := r.Done(); err != nil {
		return malformed(what, err)
	}
	if s.reason >= reasonCount {
		return malformed(what, fmt.Errorf("unknown reason %d", s.reason))
	}
	var err error
	if s.pk, err = ecdsa.ParsePublicKey(pkb); err != nil {
		return malformed(what, err)
	}
	if s.sig, err = ecdsa.ParseRBoundSignature(sigb); err != nil {
		return malformed(what, err)
	}
	return nil
}

func (s *signedStatement) verify() error {
	if !s.valid() {
		return empty(s.what())
	}
	if err := ecdsa.VerifyRBound(s.pk, s.signedBytes(), s.sig, ecdsa.SHA256); err != nil {
		return restate(ErrBadSignature, s.what()+" signature", err)
	}
	return nil
}

func (s *signedStatement) sessionID() SessionID {
	if s == nil {
		return SessionID{}
	}
	return s.session
}

func (s *signedStatement) hash() [32]byte {
	if s == nil {
		return [32]byte{}
	}
	return s.txHash
}

func (s *signedStatement) key() *ecdsa.PublicKey {
	if s == nil {
		return nil
	}
	return s.pk
}
