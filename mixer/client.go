package mixer

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ringsig"
)

// Audit selects how much of the transaction a client re-verifies before it
// signs.
type Audit uint8

const (
	// AuditAll asks the server, in the request, for the transaction's
	// bundle and for every owner's signature. Before signing, the client
	// checks that the bundle is the one the transaction commits to, that
	// its entries for the client's outputs are the client's own ring
	// signatures, that no key image repeats in a slot, and that every ring
	// signature verifies: it then knows that each output was registered by
	// a distinct member of the ring it was given, and detects a server that
	// gave another member a different ring. At the end it verifies every
	// owner's confirmation, so it knows that the transaction it is told is
	// complete is. It costs the bundle's download (N·S ring signatures of
	// 33 + 32·(N+1) bytes), one ring verification per output and one
	// R-bound verification per owner.
	AuditAll Audit = iota
	// AuditOwn checks everything that concerns the client — its inputs,
	// outputs, change and fee — and the amounts, address versions, outputs
	// per slot and balance of the whole transaction, but not the bundle of
	// ring signatures, which it never downloads, nor the other owners'
	// confirmations: the server tells it that the transaction completed.
	// That is enough to keep the client's coins safe (see the package
	// documentation), not to blame the server for what it did to others;
	// the ledger verifies the signed transaction in full.
	AuditOwn
)

// ClientConfig describes a participant.
type ClientConfig struct {
	// Key owns the inputs; it signs the request, the ring signatures and
	// the confirmation.
	Key *ecdsa.PrivateKey
	// Inputs are the coins to mix (1 to MaxInputs, distinct ids).
	Inputs []Input
	// Change receives what the inputs hold beyond Slots·Denomination +
	// Fee. It is required for a session that leaves change, and the
	// request of a session that leaves none names no change address even
	// when it is set.
	Change *ecdsa.Address
	// MaxFee is the highest per-participant fee the client accepts.
	MaxFee int64
	// Audit is how much of the transaction to re-verify (AuditAll by
	// default). The request tells the server, which sends the bundle and
	// the owners' signatures only to a client that audits everything.
	Audit Audit
	// Workers bounds the goroutines of the AuditAll verification (see
	// Transaction.VerifyBundle); 0 means GOMAXPROCS.
	Workers int
	// Rand, when not nil, hedges the output keys and every signature with
	// fresh randomness. When nil they are deterministic functions of Key and
	// the session, so that the wallet can derive its output keys again.
	Rand io.Reader
}

// Client is a participant's state. Like Server, it is a pure function of
// its state, the message handed to it and the time passed in, and it is
// not safe for concurrent use.
type Client struct {
	cfg    ClientConfig
	pk     *ecdsa.PublicKey
	inputs []Input // sorted
	total  int64
	phase  Phase
	err    error

	ann     *Announcement
	change  int64 // what the session's inputs leave beyond the amount due
	roster  *Roster
	session SessionID
	scopes  []*ringsig.Scope
	keys    []*ecdsa.PrivateKey // output keys, by slot
	regs    []*Registration
	pending *Transaction  // AuditAll: the transaction, waiting for its bundle
	bundle  *Bundle       // AuditAll: the bundle, once received
	tx      *Transaction  // the transaction the client signed
	conf    *Confirmation // its signature
	signed  *SignedTransaction
}

// NewClient checks the configuration and returns a client in PhaseNew,
// ready for an announcement.
func NewClient(cfg ClientConfig) (*Client, error) {
	if err := checkPrivateKey(cfg.Key); err != nil {
		return nil, err
	}
	if len(cfg.Inputs) == 0 || len(cfg.Inputs) > MaxInputs {
		return nil, fmt.Errorf("%w: %d inputs, want 1 to %d", ErrParams, len(cfg.Inputs), MaxInputs)
	}
	total, err := sumInputs(cfg.Inputs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParams, err)
	}
	inputs, err := sortedInputs(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	if cfg.MaxFee < 0 {
		return nil, fmt.Errorf("%w: negative fee cap", ErrParams)
	}
	if cfg.Audit > AuditOwn {
		return nil, fmt.Errorf("%w: unknown audit level %d", ErrParams, cfg.Audit)
	}
	if cfg.Change != nil {
		a := *cfg.Change
		cfg.Change = &a
	}
	return &Client{cfg: cfg, pk: cfg.Key.PublicKey(), inputs: inputs, total: total}, nil
}

// errClient is the error of a method called on a nil Client or on one that
// NewClient did not make.
var errClient = fmt.Errorf("%w: client not made by NewClient", ErrParams)

// made reports whether c was made by NewClient.
func (c *Client) made() bool { return c != nil && c.pk != nil }

// Phase returns the client's phase.
func (c *Client) Phase() Phase {
	if c == nil {
		return PhaseNew
	}
	return c.phase
}

// Err returns why the client failed, or nil.
func (c *Client) Err() error {
	if c == nil {
		return nil
	}
	return c.err
}

// Session returns the id of the client's current session (zero before it
// joins one). It changes when the session restarts.
func (c *Client) Session() SessionID {
	if c == nil {
		return SessionID{}
	}
	return c.session
}

// PublicKey returns the participant's key.
func (c *Client) PublicKey() *ecdsa.PublicKey {
	if c == nil {
		return nil
	}
	return c.pk
}

// OutputKeys returns the private keys of the current session's output
// addresses, by slot: what the wallet needs to spend the mixed coins.
func (c *Client) OutputKeys() []*ecdsa.PrivateKey {
	if c == nil {
		return nil
	}
	out := make([]*ecdsa.PrivateKey, len(c.keys))
	copy(out, c.keys)
	return out
}

// Addresses returns the current session's output addresses, by slot.
func (c *Client) Addresses() []ecdsa.Address {
	if c == nil {
		return nil
	}
	out := make([]ecdsa.Address, len(c.regs))
	for i, g := range c.regs {
		out[i] = g.address
	}
	return out
}

// Transaction returns the transaction the client signed, or nil.
func (c *Client) Transaction() *Transaction {
	if c == nil {
		return nil
	}
	return c.tx
}

// Signed returns the completed transaction, or nil. A client that audits
// everything assembles it from the transaction, the bundle and the owners'
// signatures; one that audits its own outputs has it only when handed the
// published SignedTransaction.
func (c *Client) Signed() *SignedTransaction {
	if c == nil {
		return nil
	}
	return c.signed
}

func (c *Client) signOpts() *ecdsa.SignOptions {
	if c.cfg.Rand == nil {
		return nil
	}
	return &ecdsa.SignOptions{Rand: c.cfg.Rand}
}

// Handle processes one message from the server received at time now and
// returns the messages to send:
//
//   - an Announcement (PhaseNew): the Request, if the terms suit the client
//     (the fee within MaxFee, the inputs covering what is due, the change
//     address of the session's version); otherwise an error and no change;
//   - a Roster (PhaseRequesting, or PhaseConfirming for a restart): one
//     Registration per slot, each to send anonymously;
//   - a Transaction and, for AuditAll, its Bundle, in either order
//     (PhaseRegistering): once it has what it checks, the Confirmation if
//     every check passes; otherwise the Refusal, together with an error
//     saying why;
//   - a Completion (PhaseConfirming): nothing; the client completes. A
//     client that audits everything needs the one with every owner's
//     signature, and refuses a bare notice (ErrIncomplete);
//   - a SignedTransaction (PhaseConfirming), from wherever it was
//     published: nothing; the client completes.
//
// Bytes that do not parse (ErrMalformed), a message of another session
// (ErrWrongSession, for example a replay) and a message out of phase
// (ErrPhase) are refused without changing the state: the client cannot tell
// who sent them, and a later deadline settles the session. A copy of a
// message the client has already taken — its bundle, the outcome of its
// completed transaction — is ignored. Any other error ends the client in
// PhaseFailed, but for ErrIncomplete on a Completion or SignedTransaction,
// which leaves it waiting.
func (c *Client) Handle(data []byte, now time.Time) ([]Message, error) {
	if !c.made() {
		return nil, errClient
	}
	kind, err := KindOf(data)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindAnnouncement:
		a, err := ParseAnnouncement(data)
		if err != nil {
			return nil, err
		}
		return c.handleAnnouncement(a, now)
	case KindRoster:
		ro, err := ParseRoster(data)
		if err != nil {
			return nil, err
		}
		return c.handleRoster(ro, now)
	case KindTransaction:
		return c.handleTransaction(data)
	case KindBundle:
		b, err := ParseBundle(data)
		if err != nil {
			return nil, err
		}
		return c.handleBundle(b)
	case KindCompletion:
		f, err := ParseCompletion(data)
		if err != nil {
			return nil, err
		}
		return nil, c.handleCompletion(f)
	case KindSignedTransaction:
		st, err := parseSigned(data, c.tx, c.bundle)
		if err != nil {
			return nil, err
		}
		return nil, c.handleSigned(st)
	}
	return nil, fmt.Errorf("%w: a client takes no %v", ErrPhase, kind)
}

// failWith ends the client with err.
func (c *Client) failWith(err error) error {
	c.phase, c.err = PhaseFailed, err
	return err
}

func (c *Client) handleAnnouncement(a *Announcement, now time.Time) ([]Message, error) {
	if c.phase != PhaseNew {
		return nil, fmt.Errorf("%w: client is %v", ErrPhase, c.phase)
	}
	p := a.params
	if p.Fee > c.cfg.MaxFee {
		return nil, fmt.Errorf("%w: fee %d, cap %d", ErrFee, p.Fee, c.cfg.MaxFee)
	}
	if now.After(a.deadlines.Request) {
		return nil, fmt.Errorf("%w: request deadline %v", ErrDeadline, a.deadlines.Request)
	}
	// The change address goes in the request only when there is change;
	// NewRequest checks the funds, the address and its version.
	var addr *ecdsa.Address
	if c.total > p.Due() {
		addr = c.cfg.Change
	}
	q, err := NewRequest(c.cfg.Key, a.session, p, c.inputs, addr, c.cfg.Audit, c.signOpts())
	if err != nil {
		return nil, err
	}
	c.ann, c.change, c.session, c.phase = a, c.total-p.Due(), a.session, PhaseRequesting
	return []Message{{Kind: KindRequest, Data: q.Bytes()}}, nil
}

func (c *Client) handleRoster(ro *Roster, now time.Time) ([]Message, error) {
	switch c.phase {
	case PhaseRequesting:
		if ro.session != c.session || ro.previous != (SessionID{}) {
			return nil, fmt.Errorf("%w: roster of %s", ErrWrongSession, ro.session)
		}
		d := c.ann.deadlines
		if ro.params != c.ann.params || !ro.register.Equal(d.Register) || !ro.confirm.Equal(d.Confirm) {
			return c.refuse([32]byte{}, fmt.Errorf("%w: roster", ErrParamsMismatch))
		}
	case PhaseConfirming:
		// A restart: the session that follows the one whose transaction
		// the client signed, with a subset of its ring.
		if ro.previous != c.session || ro.session != NextSessionID(c.session, c.tx.hash) {
			return nil, fmt.Errorf("%w: roster of %s is not the restart of %s", ErrWrongSession, ro.session, c.session)
		}
		if ro.params != c.roster.params {
			return c.refuseSession(ro.session, [32]byte{}, fmt.Errorf("%w: restart", ErrParamsMismatch))
		}
		for _, k := range ro.keys {
			if c.roster.ring.Index(k) < 0 {
				return c.refuseSession(ro.session, [32]byte{}, fmt.Errorf("%w: restart adds a key", ErrRingMismatch))
			}
		}
	default:
		return nil, fmt.Errorf("%w: client is %v", ErrPhase, c.phase)
	}
	if ro.ring.Index(c.pk) < 0 {
		c.phase, c.err = PhaseFailed, fmt.Errorf("%w: the ring leaves out the client", ErrRingMismatch)
		return nil, c.err
	}
	if now.After(ro.register) {
		c.phase, c.err = PhaseFailed, fmt.Errorf("%w: roster after the register deadline", ErrDeadline)
		return nil, c.err
	}
	return c.register(ro)
}

// register derives the output keys of the session and signs one
// registration per slot.
func (c *Client) register(ro *Roster) ([]Message, error) {
	scopes, err := newScopes(ro.session, ro.params.Slots)
	if err != nil {
		return nil, c.failWith(err)
	}
	var extra []byte
	var opts *ringsig.SignOptions
	if c.cfg.Rand != nil {
		extra = make([]byte, 32)
		if _, err := io.ReadFull(c.cfg.Rand, extra); err != nil {
			return nil, c.failWith(fmt.Errorf("mixer: reading randomness: %w", err))
		}
		opts = &ringsig.SignOptions{Rand: c.cfg.Rand}
	}
	keys := make([]*ecdsa.PrivateKey, ro.params.Slots)
	regs := make([]*Registration, ro.params.Slots)
	msgs := make([]Message, ro.params.Slots)
	for slot := range keys {
		if keys[slot], err = deriveOutputKey(c.cfg.Key, ro.session, ro.ring.Digest(), slot, extra); err != nil {
			return nil, c.failWith(err)
		}
		addr := keys[slot].PublicKey().Address(ro.params.AddressVersion)
		if regs[slot], err = newRegistration(c.cfg.Key, ro, scopes[slot], slot, addr, ro.params.Denomination, opts); err != nil {
			return nil, c.failWith(err)
		}
		msgs[slot] = Message{Kind: KindRegistration, Anonymous: true, Data: regs[slot].Bytes()}
	}
	c.roster, c.session, c.scopes, c.keys, c.regs = ro, ro.session, scopes, keys, regs
	c.pending, c.bundle, c.tx, c.conf = nil, nil, nil, nil
	c.phase, c.err = PhaseRegistering, nil
	return msgs, nil
}

// deriveOutputKey is the output key of a slot: the first valid scalar
// HMAC-SHA256(k, "CBETS/mixer/v1/output-key" ‖ session ‖ ring digest ‖
// u32be(slot) ‖ u32be(counter) ‖ extra). Binding the ring digest gives fresh
// keys if a server presents one session id with two rings.
func deriveOutputKey(key *ecdsa.PrivateKey, session SessionID, digest [32]byte, slot int, extra []byte) (*ecdsa.PrivateKey, error) {
	kb := key.Bytes()
	defer clear(kb)
	for ctr := range uint32(64) {
		m := hmac.New(sha256.New, kb)
		m.Write([]byte(outputKeyDomain))
		m.Write(session[:])
		m.Write(digest[:])
		var n [8]byte
		binary.BigEndian.PutUint32(n[:4], uint32(slot))
		binary.BigEndian.PutUint32(n[4:], ctr)
		m.Write(n[:])
		m.Write(extra)
		sum := m.Sum(nil)
		k, err := ecdsa.ParsePrivateKey(sum)
		clear(sum)
		if err == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("mixer: no valid output key") // probability below 2^-8000
}

// refuse ends the client and returns the signed Refusal of txHash (zero
// before the transaction) with the reason.
func (c *Client) refuse(txHash [32]byte, reason error) ([]Message, error) {
	return c.refuseSession(c.session, txHash, reason)
}

func (c *Client) refuseSession(session SessionID, txHash [32]byte, reason error) ([]Message, error) {
	c.phase, c.err = PhaseFailed, reason
	f, err := NewRefusal(c.cfg.Key, session, txHash, ReasonOf(reason), c.signOpts())
	if err != nil {
		return nil, reason
	}
	return []Message{{Kind: KindRefusal, Data: f.Bytes()}}, reason
}

// handleTransaction takes the transaction of phase 2. A client that audits
// everything keeps it until the bundle is there too.
func (c *Client) handleTransaction(data []byte) ([]Message, error) {
	if c.phase != PhaseRegistering {
		return nil, fmt.Errorf("%w: client is %v", ErrPhase, c.phase)
	}
	tx, err := decodeTransaction(data)
	if err != nil {
		return nil, err
	}
	if tx.session != c.session {
		return nil, fmt.Errorf("%w: transaction of %s", ErrWrongSession, tx.session)
	}
	if c.pending != nil {
		if bytes.Equal(c.pending.raw, tx.raw) {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: the client already holds a transaction of the session", ErrPhase)
	}
	if tx.ringDigest != c.roster.ring.Digest() {
		return c.refuse(sha256.Sum256(data), fmt.Errorf("%w: the transaction's ring digest is not the roster's", ErrRingMismatch))
	}
	if err := tx.bind(c.roster.keys, c.roster.ring.Digest()); err != nil {
		return nil, err
	}
	if c.cfg.Audit == AuditAll && c.bundle == nil {
		c.pending = tx
		return nil, nil
	}
	return c.decide(tx)
}

// handleBundle takes the bundle a client that audits everything asked for.
func (c *Client) handleBundle(b *Bundle) ([]Message, error) {
	if c.cfg.Audit != AuditAll {
		return nil, fmt.Errorf("%w: a client that audits its own outputs takes no bundle", ErrPhase)
	}
	if b.session != c.session {
		return nil, fmt.Errorf("%w: bundle of %s", ErrWrongSession, b.session)
	}
	if c.bundle != nil {
		if c.bundle.digest == b.digest {
			return nil, nil // a copy
		}
		return nil, fmt.Errorf("%w: the client already holds a bundle of the session", ErrPhase)
	}
	if c.phase != PhaseRegistering {
		return nil, fmt.Errorf("%w: client is %v", ErrPhase, c.phase)
	}
	c.bundle = b
	if c.pending == nil {
		return nil, nil
	}
	return c.decide(c.pending)
}

// decide checks the transaction and signs it, or refuses it.
func (c *Client) decide(tx *Transaction) ([]Message, error) {
	if err := c.checkTransaction(tx); err != nil {
		return c.refuse(tx.hash, err)
	}
	conf, err := NewConfirmation(c.cfg.Key, c.session, tx.hash, c.signOpts())
	if err != nil {
		return nil, c.failWith(err)
	}
	c.pending, c.tx, c.conf, c.phase = nil, tx, conf, PhaseConfirming
	return []Message{{Kind: KindConfirmation, Data: conf.Bytes()}}, nil
}

// checkTransaction is the client's confirmation check (phase 3).
func (c *Client) checkTransaction(tx *Transaction) error {
	p := c.roster.params
	if tx.params != p {
		return fmt.Errorf("%w: transaction", ErrParamsMismatch)
	}

	// Inputs: each of ours exactly once, under our key, with its amount;
	// nothing else in our name.
	mine := 0
	for _, in := range tx.inputs {
		own := in.Owner.Equal(c.pk)
		j, found := findInput(c.inputs, in.ID)
		switch {
		case found && (!own || in.Amount != c.inputs[j].Amount):
			return fmt.Errorf("%w: input %x changed", ErrInputMissing, in.ID)
		case !found && own:
			return fmt.Errorf("%w: input %x spent in the client's name", ErrInputMissing, in.ID)
		case found:
			mine++
		}
	}
	if mine != len(c.inputs) {
		return fmt.Errorf("%w: %d of %d inputs present", ErrInputMissing, mine, len(c.inputs))
	}

	// Fee: within the cap, and the announced rule.
	n := int64(len(tx.keys))
	if p.Fee > c.cfg.MaxFee {
		return fmt.Errorf("%w: fee %d, cap %d", ErrFee, p.Fee, c.cfg.MaxFee)
	}
	if p.Fee > math.MaxInt64/n || tx.fee != n*p.Fee {
		return fmt.Errorf("%w: transaction fee %d for %d participants at %d", ErrFee, tx.fee, n, p.Fee)
	}

	// Our outputs: each in its slot, at our address, of the denomination.
	// (Addresses are unique in a transaction, and ours are derived from our
	// key after the roster: nobody else registers them.)
	own := make([]int, len(c.regs))
	for slot, g := range c.regs {
		i := tx.findOutput(g.address)
		if i < 0 {
			return fmt.Errorf("%w: slot %d", ErrOutputMissing, slot)
		}
		o := tx.outputs[i]
		if o.Amount != p.Denomination {
			return fmt.Errorf("%w: own output holds %d", ErrWrongAmount, o.Amount)
		}
		if o.Slot != slot {
			return fmt.Errorf("%w: own output of slot %d in slot %d", ErrOutputMissing, slot, o.Slot)
		}
		own[slot] = i
	}
	// Every output: the denomination, and no more per slot than members.
	perSlot := make([]int, p.Slots)
	for _, o := range tx.outputs {
		if o.Amount != p.Denomination {
			return fmt.Errorf("%w: output %s holds %d", ErrWrongAmount, o.Address, o.Amount)
		}
		if o.Address.Version() != p.AddressVersion {
			return fmt.Errorf("%w: output %s", ErrAddressVersion, o.Address)
		}
		if perSlot[o.Slot]++; perSlot[o.Slot] > len(tx.keys) {
			return fmt.Errorf("%w: more outputs in slot %d than members", ErrKeyImageReused, o.Slot)
		}
	}

	// Change: the one entry under our key (change outputs are sorted by
	// owner, one per owner) holds exactly what our inputs leave beyond
	// what is due, at our address; none when they leave nothing.
	i := slices.IndexFunc(tx.change, func(ch Change) bool { return ch.Owner.Equal(c.pk) })
	switch {
	case c.change == 0 && i >= 0:
		return fmt.Errorf("%w: change of %d and none due", ErrChangeMismatch, tx.change[i].Amount)
	case c.change > 0 && i < 0:
		return fmt.Errorf("%w: no change, %d due", ErrChangeMismatch, c.change)
	case c.change > 0 && tx.change[i].Amount != c.change:
		return fmt.Errorf("%w: %d, want %d", ErrChangeMismatch, tx.change[i].Amount, c.change)
	case c.change > 0 && tx.change[i].Address != *c.cfg.Change:
		return fmt.Errorf("%w: paid to %s", ErrChangeMismatch, tx.change[i].Address)
	}

	if tx.Surplus() < 0 {
		return fmt.Errorf("%w: by %d", ErrUnbalanced, -tx.Surplus())
	}
	if c.cfg.Audit != AuditAll {
		return nil
	}

	// The bundle: the transaction's, with our own registrations for our
	// outputs, then every registration.
	if err := tx.matchBundle(c.bundle); err != nil {
		return err
	}
	for slot, g := range c.regs {
		if !bytes.Equal(c.bundle.sigs[own[slot]].Bytes(), g.sig.Bytes()) {
			return fmt.Errorf("%w: slot %d holds another registration", ErrOutputMissing, slot)
		}
	}
	return tx.verifyBundle(c.bundle, c.roster.ring, c.scopes, c.cfg.Workers)
}

// findInput returns the index of id in the sorted inputs.
func findInput(inputs []Input, id []byte) (int, bool) {
	for i, in := range inputs {
		if bytes.Equal(in.ID, id) {
			return i, true
		}
	}
	return 0, false
}

// findOutput returns the index of the output paid to address, or −1.
// Addresses are unique in a transaction.
func (tx *Transaction) findOutput(address ecdsa.Address) int {
	for i, o := range tx.outputs {
		if o.Address == address {
			return i
		}
	}
	return -1
}

// outcome checks the phase for a message that reports the completion of
// the transaction txHash of session. It returns done when the client has
// already completed with that transaction (a copy of the outcome, to
// ignore).
func (c *Client) outcome(session SessionID, txHash [32]byte, what string) (done bool, err error) {
	if session != c.session {
		return false, fmt.Errorf("%w: %s of %s", ErrWrongSession, what, session)
	}
	if c.phase == PhaseComplete && txHash == c.tx.hash {
		return true, nil
	}
	if c.phase != PhaseConfirming {
		return false, fmt.Errorf("%w: client is %v", ErrPhase, c.phase)
	}
	if txHash != c.tx.hash {
		return false, fmt.Errorf("%w: %s of a transaction the client did not sign", ErrIncomplete, what)
	}
	return false, nil
}

func (c *Client) handleCompletion(f *Completion) error {
	if done, err := c.outcome(f.session, f.txHash, "completion"); done || err != nil {
		return err
	}
	switch {
	case len(f.sigs) == 0 && c.cfg.Audit == AuditAll:
		return fmt.Errorf("%w: a bare completion notice, and the client audits every signature", ErrIncomplete)
	case len(f.sigs) == 0:
	case c.cfg.Audit == AuditAll:
		if err := verifyOwners(c.tx, f.sigs); err != nil {
			return err
		}
		c.signed = &SignedTransaction{tx: c.tx, bundle: c.bundle, sigs: f.sigs}
	default:
		i := slices.IndexFunc(c.tx.keys, c.pk.Equal)
		if len(f.sigs) != len(c.tx.keys) || !bytes.Equal(f.sigs[i].Bytes(), c.conf.st.sig.Bytes()) {
			return fmt.Errorf("%w: not the client's own confirmation", ErrIncomplete)
		}
	}
	c.phase = PhaseComplete
	return nil
}

func (c *Client) handleSigned(st *SignedTransaction) error {
	if done, err := c.outcome(st.tx.session, st.tx.hash, "signed transaction"); done || err != nil {
		return err
	}
	if c.cfg.Audit == AuditAll {
		// The transaction is the one the client signed, so the bundle is
		// the one it verified (parseSigned matched its digest).
		if err := st.verifyConfirmations(); err != nil {
			return err
		}
	} else if i := slices.IndexFunc(st.tx.keys, c.pk.Equal); i < 0 || !bytes.Equal(st.sigs[i].Bytes(), c.conf.st.sig.Bytes()) {
		return fmt.Errorf("%w: not the client's own confirmation", ErrIncomplete)
	}
	c.signed, c.phase = st, PhaseComplete
	return nil
}

// Tick tells the client the time. A client still waiting for its roster
// after the register deadline, or for the transaction (or its bundle) after
// the confirm deadline, fails with ErrDeadline, which Tick returns. A client that has
// signed waits without limit for the signed transaction or a restart; the
// caller decides when to give up.
func (c *Client) Tick(now time.Time) error {
	if !c.made() {
		return errClient
	}
	switch {
	case c.phase == PhaseRequesting && now.After(c.ann.deadlines.Register):
		c.phase, c.err = PhaseFailed, fmt.Errorf("%w: no roster by %v", ErrDeadline, c.ann.deadlines.Register)
		return c.err
	case c.phase == PhaseRegistering && now.After(c.roster.confirm) && c.pending != nil:
		c.phase, c.err = PhaseFailed, fmt.Errorf("%w: no bundle by %v", ErrDeadline, c.roster.confirm)
		return c.err
	case c.phase == PhaseRegistering && now.After(c.roster.confirm):
		c.phase, c.err = PhaseFailed, fmt.Errorf("%w: no transaction by %v", ErrDeadline, c.roster.confirm)
		return c.err
	}
	return nil
}

// Decline refuses the current session without waiting for (or without
// signing) its transaction: it returns the signed Refusal to send, and the
// client fails with ErrDeclined. The server leaves the client out of any
// restart. Only a client in PhaseRegistering can decline; after it signed,
// only a refusal to sign a later restart's transaction would help.
func (c *Client) Decline() ([]Message, error) {
	if !c.made() {
		return nil, errClient
	}
	if c.phase != PhaseRegistering {
		return nil, fmt.Errorf("%w: client is %v", ErrPhase, c.phase)
	}
	msgs, _ := c.refuse([32]byte{}, ErrDeclined)
	return msgs, nil
}
