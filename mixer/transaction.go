package mixer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/ringsig"
)

// Bounds of a transaction's lists and of the encodings that carry them.
const (
	maxTxInputs  = MaxParticipants * MaxInputs
	maxTxOutputs = MaxParticipants * MaxSlots
	maxTxChange  = MaxParticipants
	// maxTxSize bounds the transaction inside a SignedTransaction; the
	// largest is 167 + 4096·(16 + 64) + 4096·33 + 256·33 bytes, under
	// 0.5 MB.
	maxTxSize = 1 << 20
	// maxBundleSize bounds the bundle inside a SignedTransaction; the
	// largest is 61 + 4096·(69 + 32·256) bytes, under 34 MB.
	maxBundleSize = 64 << 20
)

// TxInput is an input of the mix transaction with the key of its owner.
type TxInput struct {
	Owner  *ecdsa.PublicKey
	ID     []byte
	Amount int64
}

// Output is a mixed output: its slot, address and amount. The ring
// signature that registered it is in the transaction's Bundle, at the same
// position.
type Output struct {
	Slot    int
	Address ecdsa.Address
	Amount  int64
}

// Change is a change output: what a participant's inputs hold beyond
// Slots·Denomination + Fee, paid back to the address of its request. It is
// bound to its owner, the participant whose request named it, so two
// participants may name the same address without taking each other's
// place.
type Change struct {
	Owner   *ecdsa.PublicKey
	Address ecdsa.Address
	Amount  int64
}

// Transaction is the mix transaction of a session (end of phase 2): what
// every input owner signs. Its ring is the set of input owners in
// ascending byte order; it names each owner by its index in that ring and
// carries the ring's digest, which binds the keys, and the digest of its
// Bundle, which binds the ring signature of every output. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/transaction" ‖ session (32) ‖
//	denomination (i64) ‖ slots (u32) ‖ fee (i64) ‖ address version (1) ‖
//	ring digest (32) ‖ bundle digest (32) ‖
//	u32 count ‖ count × (owner (u32) ‖ u32 len ‖ id ‖ amount (i64)) ‖
//	u32 count ‖ count × (slot (u32) ‖ address version (1) ‖ hash (20) ‖
//	                     amount (i64)) ‖
//	u32 count ‖ count × (owner (u32) ‖ address version (1) ‖ hash (20) ‖
//	                     amount (i64)) ‖
//	fee (i64)
//
// An owner is an index into the ring. Inputs are sorted by id, outputs by
// (slot, address) (addresses compare by version byte, then hash) and
// change outputs by owner. No input id, and no output address, appears
// twice; every ring member owns an input; each change output's owner has
// at most one; change addresses may repeat but none is an output address.
// Its hash, what every owner signs, is SHA-256 of the encoding.
type Transaction struct {
	session      SessionID
	params       Params
	keys         []*ecdsa.PublicKey // the ring: distinct owners, ascending
	inputs       []TxInput
	inOwner      []int // ring index of each input's owner
	outputs      []Output
	change       []Change
	changeOwner  []int // ring index of each change output's owner
	fee          int64
	in, out      int64 // totals of inputs; of outputs and change
	raw          []byte
	hash         [32]byte
	ringDigest   [32]byte
	bundleDigest [32]byte
}

// NewTransaction assembles a transaction and its bundle: the inputs, one
// output for each registration (its slot, address and amount, with its
// ring signature in the bundle), the change outputs and the fee. It sorts
// the lists and checks everything the encoding requires (see
// ParseTransaction), and refuses a registration of another session. It
// does not check amounts against the parameters, the balance or the
// signatures: those are the clients' checks.
func NewTransaction(session SessionID, p Params, inputs []TxInput, regs []*Registration, change []Change, fee int64) (*Transaction, *Bundle, error) {
	tx := &Transaction{session: session, params: p, fee: fee}
	// A nil or zero-value owner sorts (its Bytes is nil) and is refused
	// by check, or by ringsig.NewRing.
	for _, in := range inputs {
		tx.inputs = append(tx.inputs, TxInput{Owner: in.Owner, ID: bytes.Clone(in.ID), Amount: in.Amount})
	}
	sortTxInputs(tx.inputs)
	type registered struct {
		o   Output
		sig *ringsig.Signature
	}
	outs := make([]registered, len(regs))
	for i, g := range regs {
		if !g.valid() {
			return nil, nil, fmt.Errorf("%w: registration %d is nil or zero", ErrParams, i)
		}
		if g.session != session {
			return nil, nil, wrap(ErrParams, fmt.Sprintf("registration %d", i), ErrWrongSession)
		}
		outs[i] = registered{Output{Slot: g.slot, Address: g.address, Amount: g.amount}, g.sig}
	}
	slices.SortFunc(outs, func(a, b registered) int { return compareOutput(a.o, b.o) })
	sigs := make([]*ringsig.Signature, len(outs))
	for i, r := range outs {
		tx.outputs = append(tx.outputs, r.o)
		sigs[i] = r.sig
	}
	tx.change = slices.Clone(change)
	slices.SortFunc(tx.change, compareChange)

	// The ring: the distinct input owners, ascending.
	seen := map[keyBytes]bool{}
	for i, in := range tx.inputs {
		if in.Owner == nil {
			return nil, nil, fmt.Errorf("%w: input %d without owner", ErrParams, i)
		}
		if k := keyOf(in.Owner); !seen[k] {
			seen[k] = true
			tx.keys = append(tx.keys, in.Owner)
		}
	}
	if len(tx.keys) < MinParticipants || len(tx.keys) > MaxParticipants {
		return nil, nil, fmt.Errorf("%w: %d input owners, want %d to %d", ErrParams, len(tx.keys), MinParticipants, MaxParticipants)
	}
	sortKeys(tx.keys)
	ring, err := ringsig.NewRing(tx.keys)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrParams, err)
	}
	tx.ringDigest = ring.Digest()
	if err := tx.indexOwners(); err != nil {
		return nil, nil, wrap(ErrParams, "", err)
	}
	b := newBundle(session, sigs)
	tx.bundleDigest = b.digest
	if err := tx.check(); err != nil {
		return nil, nil, wrap(ErrParams, "", err)
	}
	return tx, b, nil
}

// indexOwners sets the ring index of every input's and change output's
// owner; an owner outside the ring is an error.
func (tx *Transaction) indexOwners() error {
	idx := make(map[keyBytes]int, len(tx.keys))
	for i, k := range tx.keys {
		idx[keyOf(k)] = i
	}
	tx.inOwner = make([]int, len(tx.inputs))
	for i, in := range tx.inputs {
		tx.inOwner[i] = idx[keyOf(in.Owner)] // every owner is in the ring
	}
	tx.changeOwner = make([]int, len(tx.change))
	for i, c := range tx.change {
		j, ok := idx[keyOf(c.Owner)]
		if c.Owner == nil || !ok {
			return fmt.Errorf("change %d: owner owns no input", i)
		}
		tx.changeOwner[i] = j
	}
	return nil
}

// compareChange orders change outputs by their owners' keys.
func compareChange(a, b Change) int { return bytes.Compare(a.Owner.Bytes(), b.Owner.Bytes()) }

func sortInputs(in []Input) {
	slices.SortFunc(in, func(a, b Input) int { return bytes.Compare(a.ID, b.ID) })
}

func sortTxInputs(in []TxInput) {
	slices.SortFunc(in, func(a, b TxInput) int { return bytes.Compare(a.ID, b.ID) })
}

func compareOutput(a, b Output) int {
	if a.Slot != b.Slot {
		return a.Slot - b.Slot
	}
	return compareAddress(a.Address, b.Address)
}

// check validates the structure of a transaction whose ring, owners and
// digests are set, and computes the totals, the encoding and the hash.
func (tx *Transaction) check() error {
	if err := tx.params.Validate(); err != nil {
		return err
	}
	if len(tx.inputs) == 0 || len(tx.inputs) > maxTxInputs {
		return fmt.Errorf("%d inputs, want 1 to %d", len(tx.inputs), maxTxInputs)
	}
	if len(tx.outputs) > maxTxOutputs || len(tx.change) > maxTxChange {
		return fmt.Errorf("%d outputs and %d change outputs, want at most %d and %d", len(tx.outputs), len(tx.change), maxTxOutputs, maxTxChange)
	}
	if len(tx.keys) < MinParticipants || len(tx.keys) > MaxParticipants {
		return fmt.Errorf("ring of %d, want %d to %d", len(tx.keys), MinParticipants, MaxParticipants)
	}
	owns := make([]bool, len(tx.keys))
	tx.in = 0
	for i, in := range tx.inputs {
		if err := (Input{ID: in.ID, Amount: in.Amount}).check(); err != nil {
			return err
		}
		if i > 0 && bytes.Compare(tx.inputs[i-1].ID, in.ID) >= 0 {
			return fmt.Errorf("inputs not sorted by id or repeated")
		}
		var ok bool
		if tx.in, ok = addAmount(tx.in, in.Amount); !ok {
			return fmt.Errorf("input amounts overflow")
		}
		owns[tx.inOwner[i]] = true
	}
	if i := slices.Index(owns, false); i >= 0 {
		return fmt.Errorf("ring member %d owns no input", i)
	}

	addrs := map[ecdsa.Address]bool{}
	tx.out = 0
	var err error
	for i, o := range tx.outputs {
		if o.Slot < 0 || o.Slot >= tx.params.Slots {
			return fmt.Errorf("output %d in slot %d of %d", i, o.Slot, tx.params.Slots)
		}
		if i > 0 && compareOutput(tx.outputs[i-1], o) >= 0 {
			return fmt.Errorf("outputs not sorted by slot and address")
		}
		if o.Amount <= 0 {
			return fmt.Errorf("output %d: amount %d is not positive", i, o.Amount)
		}
		if addrs[o.Address] {
			return fmt.Errorf("%w: output address %s twice", ErrDuplicateAddress, o.Address)
		}
		addrs[o.Address] = true
		if tx.out, err = addChecked(tx.out, o.Amount); err != nil {
			return err
		}
	}
	for i, c := range tx.change {
		if i > 0 && tx.changeOwner[i-1] >= tx.changeOwner[i] {
			return fmt.Errorf("change not sorted by owner or an owner twice")
		}
		if c.Amount <= 0 {
			return fmt.Errorf("change %d: amount %d is not positive", i, c.Amount)
		}
		if addrs[c.Address] {
			return fmt.Errorf("%w: change address %s is also an output", ErrDuplicateAddress, c.Address)
		}
		if tx.out, err = addChecked(tx.out, c.Amount); err != nil {
			return err
		}
	}
	if tx.fee < 0 {
		return fmt.Errorf("negative fee %d", tx.fee)
	}
	if _, err = addChecked(tx.out, tx.fee); err != nil {
		return err
	}
	if tx.raw == nil {
		tx.raw = tx.encode()
	}
	tx.hash = sha256.Sum256(tx.raw)
	return nil
}

func addChecked(a, b int64) (int64, error) {
	s, ok := addAmount(a, b)
	if !ok {
		return 0, fmt.Errorf("amounts overflow")
	}
	return s, nil
}

func (tx *Transaction) encode() []byte {
	w := wire.NewBuilder(transactionDomain)
	w.Fixed(tx.session[:])
	tx.params.put(w)
	w.Fixed(tx.ringDigest[:])
	w.Fixed(tx.bundleDigest[:])
	w.U32(uint32(len(tx.inputs)))
	for i, in := range tx.inputs {
		w.U32(uint32(tx.inOwner[i]))
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	w.U32(uint32(len(tx.outputs)))
	for _, o := range tx.outputs {
		w.U32(uint32(o.Slot))
		putAddress(w, o.Address)
		w.I64(o.Amount)
	}
	w.U32(uint32(len(tx.change)))
	for i, c := range tx.change {
		w.U32(uint32(tx.changeOwner[i]))
		putAddress(w, c.Address)
		w.I64(c.Amount)
	}
	w.I64(tx.fee)
	return w.Bytes()
}

// ParseTransaction decodes Bytes strictly against ring, the keys of the
// session's ring (a Roster's Ring; any order). The ring's digest must be
// the transaction's (ErrRingMismatch otherwise; ErrParams for a ring
// NewRing refuses). The rest must be canonical (ErrMalformed otherwise):
// valid parameters; 1 to MaxParticipants·MaxInputs inputs, each owned by a
// ring member, with ids of 1 to MaxInputIDSize bytes in strictly ascending
// order and positive amounts; every ring member owning an input; outputs
// in slots below Slots, strictly ascending, with positive amounts and
// distinct addresses; change outputs in strictly ascending order of owner,
// with positive amounts and no address that is an output's; a fee ≥ 0;
// and totals that fit in an int64.
func ParseTransaction(b []byte, ring []*ecdsa.PublicKey) (*Transaction, error) {
	keys := slices.Clone(ring)
	sortKeys(keys)
	r, err := ringsig.NewRing(keys)
	if err != nil {
		return nil, fmt.Errorf("%w: ring: %w", ErrParams, err)
	}
	tx, err := decodeTransaction(b)
	if err != nil {
		return nil, err
	}
	if err := tx.bind(keys, r.Digest()); err != nil {
		return nil, err
	}
	return tx, nil
}

// decodeTransaction reads the encoding with its owners as ring indices,
// not yet bound to keys (see bind).
func decodeTransaction(b []byte) (*Transaction, error) {
	r := wire.NewReader(b, transactionDomain)
	tx := &Transaction{}
	copy(tx.session[:], r.Fixed(32))
	tx.params = readParams(r)
	copy(tx.ringDigest[:], r.Fixed(32))
	copy(tx.bundleDigest[:], r.Fixed(32))
	n := r.U32()
	if n > maxTxInputs {
		r.Fail(fmt.Errorf("%d inputs, want at most %d", n, maxTxInputs))
	}
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		owner := r.U32()
		id := bytes.Clone(r.Var(MaxInputIDSize))
		amount := r.I64()
		tx.inputs = append(tx.inputs, TxInput{ID: id, Amount: amount})
		tx.inOwner = append(tx.inOwner, int(min(owner, MaxParticipants)))
	}
	n = r.U32()
	if n > maxTxOutputs {
		r.Fail(fmt.Errorf("%d outputs, want at most %d", n, maxTxOutputs))
	}
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		var o Output
		slot := r.U32()
		o.Address = readAddress(r)
		o.Amount = r.I64()
		if slot >= MaxSlots {
			r.Fail(fmt.Errorf("output slot %d, want below %d", slot, MaxSlots))
		}
		o.Slot = int(slot)
		tx.outputs = append(tx.outputs, o)
	}
	n = r.U32()
	if n > maxTxChange {
		r.Fail(fmt.Errorf("%d change outputs, want at most %d", n, maxTxChange))
	}
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		var c Change
		owner := r.U32()
		c.Address = readAddress(r)
		c.Amount = r.I64()
		tx.change = append(tx.change, c)
		tx.changeOwner = append(tx.changeOwner, int(min(owner, MaxParticipants)))
	}
	tx.fee = r.I64()
	if err := r.Done(); err != nil {
		return nil, malformed("transaction", err)
	}
	// Every field was read in its one canonical form and check enforces
	// the order, so b is the encoding (the fuzzers check it).
	tx.raw = bytes.Clone(b)
	return tx, nil
}

// bind gives a decoded transaction its ring: keys in ascending order, whose
// digest is digest. A ring of another digest gives ErrRingMismatch; an
// owner index outside the ring, or any other structural fault,
// ErrMalformed.
func (tx *Transaction) bind(keys []*ecdsa.PublicKey, digest [32]byte) error {
	if digest != tx.ringDigest {
		return fmt.Errorf("%w: the transaction's ring digest is not the ring's", ErrRingMismatch)
	}
	tx.keys = keys
	for i, j := range tx.inOwner {
		if j >= len(keys) {
			return malformed("transaction", fmt.Errorf("input %d: owner %d of a ring of %d", i, j, len(keys)))
		}
		tx.inputs[i].Owner = keys[j]
	}
	for i, j := range tx.changeOwner {
		if j >= len(keys) {
			return malformed("transaction", fmt.Errorf("change %d: owner %d of a ring of %d", i, j, len(keys)))
		}
		tx.change[i].Owner = keys[j]
	}
	if err := tx.check(); err != nil {
		return malformed("transaction", err)
	}
	return nil
}

// valid reports whether tx was made by NewTransaction or ParseTransaction
// (or bound by a client or parseSigned).
func (tx *Transaction) valid() bool { return tx != nil && tx.raw != nil && tx.keys != nil }

// Bytes returns a copy of the encoding (nil for a nil or zero transaction).
func (tx *Transaction) Bytes() []byte {
	if tx == nil {
		return nil
	}
	return bytes.Clone(tx.raw)
}

// Hash returns SHA-256 of the encoding: what each input owner signs.
func (tx *Transaction) Hash() [32]byte {
	if tx == nil {
		return [32]byte{}
	}
	return tx.hash
}

// Session returns the session id.
func (tx *Transaction) Session() SessionID {
	if tx == nil {
		return SessionID{}
	}
	return tx.session
}

// Params returns the session's parameters.
func (tx *Transaction) Params() Params {
	if tx == nil {
		return Params{}
	}
	return tx.params
}

// RingDigest returns the digest of the ring of input owners.
func (tx *Transaction) RingDigest() [32]byte {
	if tx == nil {
		return [32]byte{}
	}
	return tx.ringDigest
}

// Ring returns the input owners in ascending byte order: the ring the
// outputs were signed over.
func (tx *Transaction) Ring() []*ecdsa.PublicKey {
	if tx == nil {
		return nil
	}
	return slices.Clone(tx.keys)
}

// Inputs returns a copy of the inputs, sorted by id.
func (tx *Transaction) Inputs() []TxInput {
	if tx == nil {
		return nil
	}
	out := make([]TxInput, len(tx.inputs))
	for i, in := range tx.inputs {
		out[i] = TxInput{Owner: in.Owner, ID: bytes.Clone(in.ID), Amount: in.Amount}
	}
	return out
}

// Outputs returns a copy of the mixed outputs, sorted by slot and address.
func (tx *Transaction) Outputs() []Output {
	if tx == nil {
		return nil
	}
	return slices.Clone(tx.outputs)
}

// Change returns a copy of the change outputs, sorted by owner key.
func (tx *Transaction) Change() []Change {
	if tx == nil {
		return nil
	}
	return slices.Clone(tx.change)
}

// Fee returns the fee the transaction leaves to the server.
func (tx *Transaction) Fee() int64 {
	if tx == nil {
		return 0
	}
	return tx.fee
}

// Surplus returns inputs − outputs − change − fee. It is 0 for a
// transaction that every registration reached; positive when outputs are
// missing (the coins of the members who did not register, who must not
// sign); negative when the transaction overspends, which no client signs.
func (tx *Transaction) Surplus() int64 {
	if tx == nil {
		return 0
	}
	return tx.in - tx.out - tx.fee
}

// BundleDigest returns the digest of the transaction's bundle, SHA-256 of
// the Bundle encoding: the transaction's commitment to the ring signature
// of every output.
func (tx *Transaction) BundleDigest() [32]byte {
	if tx == nil {
		return [32]byte{}
	}
	return tx.bundleDigest
}

// VerifyBundle checks that b is the bundle the transaction commits to and
// that it registers every output: b's digest is the transaction's, it has
// one ring signature per output, no key image repeats within a slot
// (ErrKeyImageReused), and every signature verifies over the
// transaction's ring in its slot's scope on the output's registration
// message (ErrBadRingSignature, also for a bundle that is not the
// transaction's). It runs up to workers verifications at once (GOMAXPROCS
// when workers ≤ 0) and returns the first failure in output order.
func (tx *Transaction) VerifyBundle(b *Bundle, workers int) error {
	if !tx.valid() {
		return empty("transaction")
	}
	if !b.valid() {
		return empty("bundle")
	}
	ring, err := ringsig.NewRing(tx.keys)
	if err != nil {
		return err
	}
	scopes, err := newScopes(tx.session, tx.params.Slots)
	if err != nil {
		return err
	}
	return tx.verifyBundle(b, ring, scopes, workers)
}

// verifyBundle is VerifyBundle with a ring whose digest is the
// transaction's and the scopes of its session.
func (tx *Transaction) verifyBundle(b *Bundle, ring *ringsig.Ring, scopes []*ringsig.Scope, workers int) error {
	if err := tx.matchBundle(b); err != nil {
		return err
	}
	if err := tx.checkKeyImages(b); err != nil {
		return err
	}
	errs := make([]error, len(tx.outputs))
	parallel(len(tx.outputs), workers, func(i int) {
		o := tx.outputs[i]
		msg := registrationMessage(tx.session, o.Slot, o.Address, o.Amount)
		if _, err := ringsig.Verify(ring, scopes[o.Slot], msg, b.sigs[i]); err != nil {
			errs[i] = restate(ErrBadRingSignature, fmt.Sprintf("output %s in slot %d", o.Address, o.Slot), err)
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// matchBundle checks that b is the bundle the transaction commits to and
// has one signature per output.
func (tx *Transaction) matchBundle(b *Bundle) error {
	if b.digest != tx.bundleDigest {
		return fmt.Errorf("%w: the bundle is not the one the transaction commits to", ErrBadRingSignature)
	}
	// The digest covers the bundle's session and count, so these hold for
	// any bundle that an honest server built for the transaction.
	if b.session != tx.session || len(b.sigs) != len(tx.outputs) {
		return fmt.Errorf("%w: the transaction commits to a bundle of another session or size", ErrBadRingSignature)
	}
	return nil
}

// checkKeyImages refuses a key image used twice in one slot.
func (tx *Transaction) checkKeyImages(b *Bundle) error {
	seen := map[[34]byte]bool{}
	for i, o := range tx.outputs {
		var k [34]byte
		k[0] = byte(o.Slot)
		img := b.sigs[i].KeyImage()
		copy(k[1:], img[:])
		if seen[k] {
			return fmt.Errorf("%w: slot %d", ErrKeyImageReused, o.Slot)
		}
		seen[k] = true
	}
	return nil
}

// newScopes hashes the scope of every slot of a session.
func newScopes(session SessionID, slots int) ([]*ringsig.Scope, error) {
	scopes := make([]*ringsig.Scope, slots)
	for i := range scopes {
		var err error
		if scopes[i], err = ringsig.NewScope(session.scope(i)); err != nil {
			return nil, err
		}
	}
	return scopes, nil
}

// Bundle is the evidence behind a transaction's outputs: the ring
// signature of each output's registration, in the transaction's output
// order. The transaction commits to it by its digest, SHA-256 of this
// encoding, so that a participant that audits only its own outputs never
// downloads it, while one that audits everything, and whoever verifies the
// signed transaction, checks every registration. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/bundle" ‖ session (32) ‖
//	u32 count ‖ count × (u32 len ‖ ring signature (33 + 32·(N+1)))
//
// Signature i registered output i: its message is the Registration
// encoding up to the signature, rebuilt from the session and the output.
type Bundle struct {
	session SessionID
	sigs    []*ringsig.Signature
	raw     []byte
	digest  [32]byte
}

// newBundle encodes the signatures of a transaction's outputs.
func newBundle(session SessionID, sigs []*ringsig.Signature) *Bundle {
	w := wire.NewBuilder(bundleDomain)
	w.Fixed(session[:])
	w.U32(uint32(len(sigs)))
	for _, s := range sigs {
		w.Var(s.Bytes())
	}
	b := &Bundle{session: session, sigs: sigs, raw: w.Bytes()}
	b.digest = sha256.Sum256(b.raw)
	return b
}

// ParseBundle decodes Bytes strictly: at most MaxParticipants·MaxSlots
// well-formed ring signatures, all over rings of one size. Whether they
// verify is for VerifyBundle to say, with the transaction.
func ParseBundle(b []byte) (*Bundle, error) {
	r := wire.NewReader(b, bundleDomain)
	g := &Bundle{}
	copy(g.session[:], r.Fixed(32))
	n := r.U32()
	if n > maxTxOutputs {
		r.Fail(fmt.Errorf("%d signatures, want at most %d", n, maxTxOutputs))
	}
	raw := make([][]byte, 0, min(n, maxTxOutputs))
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		raw = append(raw, r.Var(ringsig.SignatureSize(MaxParticipants)))
	}
	if err := r.Done(); err != nil {
		return nil, malformed("bundle", err)
	}
	for i, sb := range raw {
		if len(sb) != len(raw[0]) {
			return nil, malformed("bundle", fmt.Errorf("signature %d over another ring size than signature 0", i))
		}
		sig, err := ringsig.ParseSignature(sb)
		if err != nil {
			return nil, malformed("bundle", fmt.Errorf("signature %d: %w", i, err))
		}
		g.sigs = append(g.sigs, sig)
	}
	g.raw = bytes.Clone(b)
	g.digest = sha256.Sum256(g.raw)
	return g, nil
}

// valid reports whether b was made by NewTransaction or ParseBundle.
func (b *Bundle) valid() bool { return b != nil && b.raw != nil }

// Bytes returns a copy of the encoding (nil for a nil or zero bundle).
func (b *Bundle) Bytes() []byte {
	if !b.valid() {
		return nil
	}
	return bytes.Clone(b.raw)
}

// Session returns the session id.
func (b *Bundle) Session() SessionID {
	if b == nil {
		return SessionID{}
	}
	return b.session
}

// Digest returns SHA-256 of the encoding, what a transaction commits to
// (zero for a nil or zero bundle).
func (b *Bundle) Digest() [32]byte {
	if !b.valid() {
		return [32]byte{}
	}
	return b.digest
}

// Len returns the number of ring signatures.
func (b *Bundle) Len() int {
	if b == nil {
		return 0
	}
	return len(b.sigs)
}

// SignedTransaction is a completed mix transaction, everything a ledger
// needs to check it offline: the transaction, the confirmation signature
// of every input owner in ring order (their keys are the ring), and the
// bundle of ring signatures the transaction commits to. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/signed-transaction" ‖ u32 len ‖ transaction ‖
//	u32 N ‖ N × (pk (33) ‖ signature (65)) ‖ u32 len ‖ bundle
//
// Each signature is the owner's Confirmation signature over (session,
// transaction hash, pk).
type SignedTransaction struct {
	tx     *Transaction
	bundle *Bundle
	sigs   []*ecdsa.RBoundSignature // in ring order
}

// NewSignedTransaction gathers one confirmation per input owner of tx with
// tx's bundle, and verifies them all (see Verify).
func NewSignedTransaction(tx *Transaction, bundle *Bundle, confirmations []*Confirmation) (*SignedTransaction, error) {
	if !tx.valid() {
		return nil, fmt.Errorf("%w: nil or zero transaction", ErrParams)
	}
	if !bundle.valid() {
		return nil, fmt.Errorf("%w: nil or zero bundle", ErrParams)
	}
	st, err := assemble(tx, bundle, confirmations)
	if err != nil {
		return nil, err
	}
	if err := st.Verify(); err != nil {
		return nil, err
	}
	return st, nil
}

// assemble puts the confirmations in ring order without verifying them.
func assemble(tx *Transaction, bundle *Bundle, confirmations []*Confirmation) (*SignedTransaction, error) {
	st := &SignedTransaction{tx: tx, bundle: bundle, sigs: make([]*ecdsa.RBoundSignature, len(tx.keys))}
	idx := map[keyBytes]int{}
	for i, k := range tx.keys {
		idx[keyOf(k)] = i
	}
	for j, c := range confirmations {
		if !c.statement().valid() {
			return nil, fmt.Errorf("%w: confirmation %d is nil or zero", ErrParams, j)
		}
		i, ok := idx[keyOf(c.st.pk)]
		if !ok {
			return nil, fmt.Errorf("%w: confirmation by a key that owns no input", ErrNotParticipant)
		}
		if c.st.session != tx.session || c.st.txHash != tx.hash {
			return nil, fmt.Errorf("%w: confirmation of another transaction", ErrWrongSession)
		}
		st.sigs[i] = c.st.sig
	}
	for i, sig := range st.sigs {
		if sig == nil {
			return nil, fmt.Errorf("%w: no confirmation by owner %d", ErrIncomplete, i)
		}
	}
	return st, nil
}

// valid reports whether st was made by NewSignedTransaction or
// ParseSignedTransaction (or by the server or a client).
func (st *SignedTransaction) valid() bool {
	return st != nil && st.tx.valid() && st.bundle.valid() && len(st.sigs) == len(st.tx.keys)
}

// Bytes returns the encoding (nil for a nil or zero signed transaction).
func (st *SignedTransaction) Bytes() []byte {
	if !st.valid() {
		return nil
	}
	w := wire.NewBuilder(signedDomain)
	w.Var(st.tx.raw)
	w.U32(uint32(len(st.sigs)))
	for i, s := range st.sigs {
		if s == nil {
			return nil
		}
		w.Fixed(st.tx.keys[i].Bytes())
		w.Fixed(s.Bytes())
	}
	w.Var(st.bundle.raw)
	return w.Bytes()
}

// ParseSignedTransaction decodes Bytes strictly: 2 to MaxParticipants
// owners' keys in strictly ascending order, each with a well-formed
// signature; a transaction that decodes (see ParseTransaction) over the
// ring of those keys; and a bundle that decodes (see ParseBundle) and is
// the one the transaction commits to. It verifies no signature (Verify
// does).
func ParseSignedTransaction(b []byte) (*SignedTransaction, error) {
	return parseSigned(b, nil, nil)
}

// parseSigned is ParseSignedTransaction that reuses a known transaction
// and bundle when the encoding embeds them byte for byte.
func parseSigned(b []byte, knownTx *Transaction, knownBundle *Bundle) (*SignedTransaction, error) {
	r := wire.NewReader(b, signedDomain)
	txb := r.Var(maxTxSize)
	n := r.U32()
	if r.Err() == nil && (n < MinParticipants || n > MaxParticipants) {
		r.Fail(fmt.Errorf("%d owners, want %d to %d", n, MinParticipants, MaxParticipants))
	}
	pks := make([][]byte, 0, min(n, MaxParticipants))
	sigs := make([][]byte, 0, min(n, MaxParticipants))
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		pks = append(pks, r.Fixed(ecdsa.PublicKeySize))
		sigs = append(sigs, r.Fixed(ecdsa.RBoundSignatureSize))
	}
	bb := r.Var(maxBundleSize)
	if err := r.Done(); err != nil {
		return nil, malformed("signed transaction", err)
	}
	st := &SignedTransaction{tx: knownTx, bundle: knownBundle, sigs: make([]*ecdsa.RBoundSignature, n)}
	if !knownTx.valid() || !bytes.Equal(txb, knownTx.raw) {
		keys, err := parseSortedKeys(pks)
		if err != nil {
			return nil, malformed("signed transaction", err)
		}
		ring, err := ringsig.NewRing(keys)
		if err != nil {
			return nil, malformed("signed transaction", err)
		}
		if st.tx, err = decodeTransaction(txb); err != nil {
			return nil, err
		}
		if err := st.tx.bind(keys, ring.Digest()); err != nil {
			return nil, asMalformed("signed transaction", err)
		}
	} else {
		for i, pkb := range pks {
			if i >= len(knownTx.keys) || !bytes.Equal(pkb, knownTx.keys[i].Bytes()) {
				return nil, malformed("signed transaction", fmt.Errorf("signature %d is not by owner %d", i, i))
			}
		}
		if len(pks) != len(knownTx.keys) {
			return nil, malformed("signed transaction", fmt.Errorf("%d signatures for %d owners", len(pks), len(knownTx.keys)))
		}
	}
	if !knownBundle.valid() || !bytes.Equal(bb, knownBundle.raw) {
		var err error
		if st.bundle, err = ParseBundle(bb); err != nil {
			return nil, err
		}
	}
	if err := st.tx.matchBundle(st.bundle); err != nil {
		return nil, asMalformed("signed transaction", err)
	}
	for i, sb := range sigs {
		var err error
		if st.sigs[i], err = ecdsa.ParseRBoundSignature(sb); err != nil {
			return nil, malformed("signed transaction", err)
		}
	}
	return st, nil
}

// Transaction returns the transaction (nil for a nil signed transaction).
func (st *SignedTransaction) Transaction() *Transaction {
	if st == nil {
		return nil
	}
	return st.tx
}

// Bundle returns the bundle of the transaction's ring signatures (nil for
// a nil signed transaction).
func (st *SignedTransaction) Bundle() *Bundle {
	if st == nil {
		return nil
	}
	return st.bundle
}

// Verify checks the whole signed transaction: every input owner's
// confirmation signature (ErrIncomplete), in one batch, then its bundle as
// VerifyBundle does (ErrKeyImageReused, ErrBadRingSignature), with up to
// GOMAXPROCS ring verifications at once. It is what a ledger runs before
// applying the transaction (besides checking its inputs).
func (st *SignedTransaction) Verify() error {
	if err := st.verifyConfirmations(); err != nil {
		return err
	}
	ring, err := ringsig.NewRing(st.tx.keys)
	if err != nil {
		return err
	}
	scopes, err := newScopes(st.tx.session, st.tx.params.Slots)
	if err != nil {
		return err
	}
	return st.tx.verifyBundle(st.bundle, ring, scopes, 0)
}

// verifyConfirmations checks every owner's confirmation signature in one
// batch (UserSign is R-bound).
func (st *SignedTransaction) verifyConfirmations() error {
	if !st.valid() {
		return empty("signed transaction")
	}
	return verifyOwners(st.tx, st.sigs)
}

// verifyOwners checks that sigs, in ring order, are every owner's
// confirmation signature of tx.
func verifyOwners(tx *Transaction, sigs []*ecdsa.RBoundSignature) error {
	if len(sigs) != len(tx.keys) {
		return fmt.Errorf("%w: %d signatures for %d owners", ErrIncomplete, len(sigs), len(tx.keys))
	}
	items := make([]ecdsa.BatchItem, len(sigs))
	for i, s := range sigs {
		if s == nil {
			return fmt.Errorf("%w: no signature by owner %d", ErrIncomplete, i)
		}
		c := signedStatement{domain: confirmationDomain, session: tx.session, txHash: tx.hash, pk: tx.keys[i], sig: s}
		items[i] = ecdsa.BatchItem{PublicKey: c.pk, Message: c.signedBytes(), Signature: c.sig}
	}
	err := ecdsa.VerifyRBoundBatch(items, ecdsa.SHA256, nil)
	var be *ecdsa.BatchError
	if errors.As(err, &be) {
		return wrap(ErrIncomplete, fmt.Sprintf("owner %d", be.Invalid[0]), ErrBadSignature)
	}
	return err
}
