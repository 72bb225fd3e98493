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

// Bounds of a transaction's lists.
const (
	maxTxInputs  = MaxParticipants * MaxInputs
	maxTxOutputs = MaxParticipants * MaxSlots
	maxTxChange  = MaxParticipants
	// maxTxSize bounds the transaction inside a SignedTransaction.
	maxTxSize = 64 << 20
)

// TxInput is an input of the mix transaction with the key of its owner.
type TxInput struct {
	Owner  *ecdsa.PublicKey
	ID     []byte
	Amount int64
}

// Output is a mixed output: its slot, address, amount and the ring
// signature of its registration, so that anyone can re-verify it.
type Output struct {
	Slot      int
	Address   ecdsa.Address
	Amount    int64
	Signature []byte
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

// Transaction is the mix transaction of a session (end of phase 2). Its
// ring is the set of input owners in ascending byte order, and it carries
// that ring's digest, the session's parameters and, with each output, the
// ring signature that registered it. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/transaction" ‖ session (32) ‖
//	denomination (i64) ‖ slots (u32) ‖ fee (i64) ‖ address version (1) ‖
//	ring digest (32) ‖
//	u32 count ‖ count × (owner pk (33) ‖ u32 len ‖ id ‖ amount (i64)) ‖
//	u32 count ‖ count × (slot (u32) ‖ address version (1) ‖ hash (20) ‖
//	                     amount (i64) ‖ u32 len ‖ ring signature) ‖
//	u32 count ‖ count × (owner pk (33) ‖ address version (1) ‖ hash (20) ‖
//	                     amount (i64)) ‖
//	fee (i64)
//
// Inputs are sorted by id, outputs by (slot, address) (addresses compare by
// version byte, then hash) and change outputs by owner key (compressed
// encoding, byte order). No input id, and no output address, appears twice;
// each change output's owner owns an input and has at most one change
// output; change addresses may repeat but none is an output address. Its
// hash, what every owner signs, is SHA-256 of the encoding.
type Transaction struct {
	session    SessionID
	params     Params
	keys       []*ecdsa.PublicKey // the ring: distinct owners, ascending
	inputs     []TxInput
	outputs    []Output
	sigs       []*ringsig.Signature
	change     []Change
	fee        int64
	in, out    int64 // totals of inputs; of outputs and change
	raw        []byte
	hash       [32]byte
	ringDigest [32]byte
}

// NewTransaction assembles a transaction: it sorts the lists and checks
// everything the encoding requires (see ParseTransaction). It does not
// check amounts against the parameters, the balance or the signatures:
// those are the clients' checks.
func NewTransaction(session SessionID, p Params, inputs []TxInput, outputs []Output, change []Change, fee int64) (*Transaction, error) {
	tx := &Transaction{session: session, params: p, fee: fee}
	// A nil or zero-value owner sorts (its Bytes is nil) and is refused
	// by check, or by ringsig.NewRing.
	for _, in := range inputs {
		tx.inputs = append(tx.inputs, TxInput{Owner: in.Owner, ID: bytes.Clone(in.ID), Amount: in.Amount})
	}
	sortTxInputs(tx.inputs)
	for _, o := range outputs {
		o.Signature = bytes.Clone(o.Signature)
		tx.outputs = append(tx.outputs, o)
	}
	sortOutputs(tx.outputs)
	tx.change = slices.Clone(change)
	slices.SortFunc(tx.change, compareChange)
	if err := tx.check(); err != nil {
		return nil, wrap(ErrParams, "", err)
	}
	return tx, nil
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

func sortOutputs(out []Output) { slices.SortFunc(out, compareOutput) }

// check validates the structure, derives the ring, parses the signatures,
// and computes the totals, the encoding and the hash.
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
	owners := map[keyBytes]bool{}
	tx.keys = tx.keys[:0]
	for i, in := range tx.inputs {
		if in.Owner == nil {
			return fmt.Errorf("input %d without owner", i)
		}
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
		if k := keyOf(in.Owner); !owners[k] {
			owners[k] = true
			tx.keys = append(tx.keys, in.Owner)
		}
	}
	if len(tx.keys) < MinParticipants || len(tx.keys) > MaxParticipants {
		return fmt.Errorf("%d input owners, want %d to %d", len(tx.keys), MinParticipants, MaxParticipants)
	}
	sortKeys(tx.keys)
	ring, err := ringsig.NewRing(tx.keys)
	if err != nil {
		return err
	}
	tx.ringDigest = ring.Digest()

	addrs := map[ecdsa.Address]bool{}
	tx.out = 0
	tx.sigs = make([]*ringsig.Signature, len(tx.outputs))
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
		if tx.sigs[i], err = ringsig.ParseSignature(o.Signature); err != nil {
			return fmt.Errorf("output %d: %w", i, err)
		}
	}
	for i, c := range tx.change {
		if c.Owner == nil || !owners[keyOf(c.Owner)] {
			return fmt.Errorf("change %d: owner owns no input", i)
		}
		if i > 0 && compareChange(tx.change[i-1], c) >= 0 {
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
	w.U32(uint32(len(tx.inputs)))
	for _, in := range tx.inputs {
		w.Fixed(in.Owner.Bytes())
		w.Var(in.ID)
		w.I64(in.Amount)
	}
	w.U32(uint32(len(tx.outputs)))
	for _, o := range tx.outputs {
		w.U32(uint32(o.Slot))
		putAddress(w, o.Address)
		w.I64(o.Amount)
		w.Var(o.Signature)
	}
	w.U32(uint32(len(tx.change)))
	for _, c := range tx.change {
		w.Fixed(c.Owner.Bytes())
		putAddress(w, c.Address)
		w.I64(c.Amount)
	}
	w.I64(tx.fee)
	return w.Bytes()
}

// ParseTransaction decodes Bytes strictly: valid parameters; 1 to
// MaxParticipants·MaxInputs inputs with valid owner keys, ids of 1 to
// MaxInputIDSize bytes in strictly ascending order and positive amounts;
// 2 to MaxParticipants distinct owners whose ring has the stated digest;
// outputs in slots below Slots, strictly ascending, with positive amounts,
// distinct addresses and well-formed ring signatures; change outputs owned
// by input owners, in strictly ascending order of owner key, with positive
// amounts and no address that is an output's; a fee ≥ 0; and totals that
// fit in an int64.
func ParseTransaction(b []byte) (*Transaction, error) {
	return parseTransaction(b, nil)
}

// parseTransaction is ParseTransaction with keys already parsed (a
// roster's), which saves decompressing them again.
func parseTransaction(b []byte, known []*ecdsa.PublicKey) (*Transaction, error) {
	r := wire.NewReader(b, transactionDomain)
	tx := &Transaction{}
	copy(tx.session[:], r.Fixed(32))
	tx.params = readParams(r)
	var digest [32]byte
	copy(digest[:], r.Fixed(32))
	n := r.U32()
	if n > maxTxInputs {
		r.Fail(fmt.Errorf("%d inputs, want at most %d", n, maxTxInputs))
	}
	pks := make(map[string]*ecdsa.PublicKey, len(known))
	for _, k := range known {
		pks[string(k.Bytes())] = k
	}
	// owner returns the parsed key of pkb, parsing each key once.
	owner := func(pkb []byte) *ecdsa.PublicKey {
		if pk, ok := pks[string(pkb)]; ok {
			return pk
		}
		pk, err := ecdsa.ParsePublicKey(pkb)
		if err != nil {
			r.Fail(err)
			return nil
		}
		if !bytes.Equal(pk.Bytes(), pkb) {
			r.Fail(fmt.Errorf("owner key not canonical"))
			return nil
		}
		pks[string(pkb)] = pk
		return pk
	}
	for i := uint32(0); i < n && r.Err() == nil; i++ {
		pkb := r.Fixed(ecdsa.PublicKeySize)
		id := bytes.Clone(r.Var(MaxInputIDSize))
		amount := r.I64()
		if r.Err() != nil {
			break
		}
		pk := owner(pkb)
		if pk == nil {
			break
		}
		tx.inputs = append(tx.inputs, TxInput{Owner: pk, ID: id, Amount: amount})
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
		o.Signature = bytes.Clone(r.Var(ringsig.SignatureSize(MaxParticipants)))
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
		pkb := r.Fixed(ecdsa.PublicKeySize)
		c.Address = readAddress(r)
		c.Amount = r.I64()
		if r.Err() != nil {
			break
		}
		if c.Owner = owner(pkb); c.Owner == nil {
			break
		}
		tx.change = append(tx.change, c)
	}
	tx.fee = r.I64()
	if err := r.Done(); err != nil {
		return nil, malformed("transaction", err)
	}
	// Every field was read in its one canonical form and check enforces
	// the order, so b is the encoding (the fuzzers check it).
	tx.raw = bytes.Clone(b)
	if err := tx.check(); err != nil {
		return nil, malformed("transaction", err)
	}
	if digest != tx.ringDigest {
		return nil, malformed("transaction", fmt.Errorf("ring digest is not the digest of the input owners"))
	}
	return tx, nil
}

// valid reports whether tx was made by NewTransaction or ParseTransaction.
func (tx *Transaction) valid() bool { return tx != nil && tx.raw != nil }

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
	out := make([]Output, len(tx.outputs))
	for i, o := range tx.outputs {
		o.Signature = bytes.Clone(o.Signature)
		out[i] = o
	}
	return out
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

// VerifySignatures re-verifies the ring signature of every output over the
// transaction's ring in its slot's scope, and checks that no key image
// repeats within a slot. It runs up to workers verifications at once (see
// Verify) and returns the first failure in output order, wrapping
// ErrBadRingSignature or ErrKeyImageReused.
func (tx *Transaction) VerifySignatures(workers int) error {
	if !tx.valid() {
		return empty("transaction")
	}
	if err := tx.checkKeyImages(); err != nil {
		return err
	}
	ring, err := ringsig.NewRing(tx.keys)
	if err != nil {
		return err
	}
	scopes, err := newScopes(tx.session, tx.params.Slots)
	if err != nil {
		return err
	}
	return tx.verifySignatures(ring, scopes, workers)
}

// verifySignatures verifies the ring signatures with a ring whose digest is
// the transaction's and the scopes of its session.
func (tx *Transaction) verifySignatures(ring *ringsig.Ring, scopes []*ringsig.Scope, workers int) error {
	errs := make([]error, len(tx.outputs))
	parallel(len(tx.outputs), workers, func(i int) {
		o := tx.outputs[i]
		msg := registrationMessage(tx.session, o.Slot, o.Address, o.Amount)
		if _, err := ringsig.Verify(ring, scopes[o.Slot], msg, tx.sigs[i]); err != nil {
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

// checkKeyImages refuses a key image used twice in one slot.
func (tx *Transaction) checkKeyImages() error {
	seen := map[[34]byte]bool{}
	for i, o := range tx.outputs {
		var k [34]byte
		k[0] = byte(o.Slot)
		img := tx.sigs[i].KeyImage()
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

// SignedTransaction is a completed mix transaction: the transaction and the
// confirmation signature of every input owner, in ring order. Layout:
//
//	u32 len ‖ "CBETS/mixer/v1/signed-transaction" ‖ u32 len ‖ transaction ‖
//	u32 N ‖ N × (pk (33) ‖ signature (65))
//
// Each signature is the owner's Confirmation signature over (session,
// transaction hash, pk).
type SignedTransaction struct {
	tx   *Transaction
	sigs []*ecdsa.RBoundSignature // in ring order
}

// NewSignedTransaction gathers one confirmation per input owner of tx and
// verifies them all.
func NewSignedTransaction(tx *Transaction, confirmations []*Confirmation) (*SignedTransaction, error) {
	if !tx.valid() {
		return nil, fmt.Errorf("%w: nil or zero transaction", ErrParams)
	}
	st, err := assemble(tx, confirmations)
	if err != nil {
		return nil, err
	}
	if err := st.Verify(); err != nil {
		return nil, err
	}
	return st, nil
}

// assemble puts the confirmations in ring order without verifying them.
func assemble(tx *Transaction, confirmations []*Confirmation) (*SignedTransaction, error) {
	st := &SignedTransaction{tx: tx, sigs: make([]*ecdsa.RBoundSignature, len(tx.keys))}
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
// ParseSignedTransaction (or by the server).
func (st *SignedTransaction) valid() bool {
	return st != nil && st.tx.valid() && len(st.sigs) == len(st.tx.keys)
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
	return w.Bytes()
}

// ParseSignedTransaction decodes Bytes strictly: a valid transaction and
// exactly one well-formed signature per input owner, in ring order. It does
// not verify the signatures (Verify does).
func ParseSignedTransaction(b []byte) (*SignedTransaction, error) {
	return parseSigned(b, nil)
}

// parseSigned is ParseSignedTransaction that reuses known when the
// embedded transaction is its encoding.
func parseSigned(b []byte, known *Transaction) (*SignedTransaction, error) {
	r := wire.NewReader(b, signedDomain)
	txb := r.Var(maxTxSize)
	n := r.U32()
	if r.Err() != nil {
		return nil, malformed("signed transaction", r.Err())
	}
	tx := known
	if tx == nil || !bytes.Equal(txb, tx.raw) {
		var keys []*ecdsa.PublicKey
		if known != nil {
			keys = known.keys
		}
		var err error
		if tx, err = parseTransaction(txb, keys); err != nil {
			return nil, err
		}
	}
	var err error
	if int(n) != len(tx.keys) {
		return nil, malformed("signed transaction", fmt.Errorf("%d signatures for %d owners", n, len(tx.keys)))
	}
	st := &SignedTransaction{tx: tx, sigs: make([]*ecdsa.RBoundSignature, n)}
	for i := range st.sigs {
		pkb := r.Fixed(ecdsa.PublicKeySize)
		sigb := r.Fixed(ecdsa.RBoundSignatureSize)
		if r.Err() != nil {
			break
		}
		if !bytes.Equal(pkb, tx.keys[i].Bytes()) {
			return nil, malformed("signed transaction", fmt.Errorf("signature %d is not by owner %d", i, i))
		}
		if st.sigs[i], err = ecdsa.ParseRBoundSignature(sigb); err != nil {
			return nil, malformed("signed transaction", err)
		}
	}
	if err := r.Done(); err != nil {
		return nil, malformed("signed transaction", err)
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

// Verify checks that every input owner's confirmation signature is present
// and verifies. It does not re-verify the ring signatures (use
// Transaction().VerifySignatures).
func (st *SignedTransaction) Verify() error {
	if !st.valid() {
		return empty("signed transaction")
	}
	items := make([]ecdsa.BatchItem, len(st.sigs))
	for i, s := range st.sigs {
		if s == nil {
			return fmt.Errorf("%w: no signature by owner %d", ErrIncomplete, i)
		}
		c := signedStatement{domain: confirmationDomain, session: st.tx.session, txHash: st.tx.hash, pk: st.tx.keys[i], sig: s}
		items[i] = ecdsa.BatchItem{PublicKey: c.pk, Message: c.signedBytes(), Signature: c.sig}
	}
	// One batch for all the owners' confirmations (UserSign is R-bound).
	err := ecdsa.VerifyRBoundBatch(items, ecdsa.SHA256, nil)
	var be *ecdsa.BatchError
	if errors.As(err, &be) {
		return wrap(ErrIncomplete, fmt.Sprintf("owner %d", be.Invalid[0]), ErrBadSignature)
	}
	return err
}
