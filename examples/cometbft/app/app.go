package app

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cbets/cbets/ticket"
)

const (
	// MaxClockSkew is how far a record's time may lie after a validator's
	// clock for CheckTx to admit it. A record from further ahead would hold
	// its ticket until then, since times never go back. FinalizeBlock does
	// not apply it: CometBFT's block time is the median of the previous
	// commit's vote times and, with empty blocks off, lags wall time after
	// an idle spell, so it cannot bound a record's time. A record's time is
	// the merchant's attestation, as in package ticket.
	MaxClockSkew = time.Minute
	// MaxHistory bounds a ticket's records: each transaction replays the
	// whole history (list and delist may repeat).
	MaxHistory = 64

	// AppVersion is the application protocol version reported by Info.
	AppVersion = 1
)

// Errors of the ledger's own rules, beside package ticket's.
var (
	ErrStanding   = errors.New("app: record's seller standing differs from the ledger's")
	ErrHistory    = errors.New("app: ticket history is full")
	ErrNotStarted = errors.New("app: no genesis yet")
)

// Result codes of CheckTx and FinalizeBlock. Zero accepts.
const (
	CodeOK            uint32 = 0
	CodeMalformed     uint32 = 1
	CodeSignature     uint32 = 2
	CodeCertificate   uint32 = 3
	CodeForeign       uint32 = 4
	CodeState         uint32 = 5
	CodeNotHolder     uint32 = 6
	CodeTime          uint32 = 7
	CodeLimit         uint32 = 8
	CodeTransferLimit uint32 = 9
	CodeReputation    uint32 = 10
	CodePrice         uint32 = 11
	CodeMismatch      uint32 = 12
	CodeStanding      uint32 = 13
	CodeHistory       uint32 = 14
	CodeNotStarted    uint32 = 15
	CodeRejected      uint32 = 16 // another reason
	CodeInternal      uint32 = 17 // the store failed
	CodeUnknownQuery  uint32 = 18
	CodeNotFound      uint32 = 19
	CodeBadQuery      uint32 = 20
)

var codes = []struct {
	err  error
	code uint32
}{
	{ticket.ErrMalformed, CodeMalformed},
	{ticket.ErrSignature, CodeSignature},
	{ticket.ErrCertificate, CodeCertificate},
	{ticket.ErrForeign, CodeForeign},
	{ticket.ErrState, CodeState},
	{ticket.ErrNotHolder, CodeNotHolder},
	{ticket.ErrTime, CodeTime},
	{ticket.ErrLimit, CodeLimit},
	{ticket.ErrTransferLimit, CodeTransferLimit},
	{ticket.ErrReputation, CodeReputation},
	{ticket.ErrPrice, CodePrice},
	{ticket.ErrMismatch, CodeMismatch},
	{ErrStanding, CodeStanding},
	{ErrHistory, CodeHistory},
	{ErrNotStarted, CodeNotStarted},
}

// Code returns the result code for a rejection.
func Code(err error) uint32 {
	if err == nil {
		return CodeOK
	}
	if errors.As(err, new(internalError)) {
		return CodeInternal
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeRejected
}

// Codespace is the codespace of the results.
const Codespace = "cbets"

// App is the ABCI application. Its methods are safe for concurrent use;
// CometBFT's local client serialises them anyway.
type App struct {
	abci.BaseApplication

	mu          sync.Mutex
	db          dbm.DB
	genesis     *Genesis
	genesisHash []byte
	verifier    *ticket.Verifier

	height  int64  // last committed height
	appHash []byte // last committed app hash
	initial int64  // the chain's first height, from InitChain

	block        *view // writes of the block finalized but not committed
	blockHeight  int64
	blockAppHash []byte

	now func() time.Time // the validator's clock, for CheckTx
}

var _ abci.Application = (*App)(nil)

// Open opens (or creates) the application's store, a goleveldb database
// named "app" in dir, and resumes from its last committed height.
func Open(dir string) (*App, error) {
	db, err := dbm.NewGoLevelDB("app", dir)
	if err != nil {
		return nil, err
	}
	a, err := New(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// New returns an application over db, resuming from its last committed
// height.
func New(db dbm.DB) (*App, error) {
	a := &App{db: db, now: time.Now}
	b, err := db.Get(keyHeight)
	if err != nil {
		return nil, err
	}
	if b != nil {
		if len(b) != 8 {
			return nil, errors.New("app: corrupt height")
		}
		a.height = int64(binary.BigEndian.Uint64(b))
		if a.appHash, err = db.Get(keyAppHash); err != nil {
			return nil, err
		}
	}
	g, err := db.Get(keyGenesis)
	if err != nil {
		return nil, err
	}
	if g != nil {
		if err := a.setGenesis(g); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *App) setGenesis(raw []byte) error {
	g, err := ParseGenesis(raw)
	if err != nil {
		return err
	}
	v, err := g.Verifier()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	a.genesis, a.genesisHash, a.verifier = g, sum[:], v
	return nil
}

// Close closes the store. Calls after Close fail.
func (a *App) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil
	}
	err := a.db.Close()
	a.db = nil
	return err
}

var errClosed = errors.New("app: closed")

// LastCommitted returns the last committed height and app hash.
func (a *App) LastCommitted() (int64, []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.height, append([]byte(nil), a.appHash...)
}

// Info reports the last committed height and app hash, where CometBFT's
// handshake resumes.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return &abci.ResponseInfo{
		Data:             "cbets ticket ledger",
		Version:          "1",
		AppVersion:       AppVersion,
		LastBlockHeight:  a.height,
		LastBlockAppHash: append([]byte(nil), a.appHash...),
	}, nil
}

// InitChain stores the genesis app state and the genesis standings, and
// returns the app hash of the empty ledger.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	if err := a.setGenesis(req.AppStateBytes); err != nil {
		return nil, err
	}
	a.initial = req.InitialHeight
	b := a.db.NewBatch()
	defer b.Close()
	if err := b.Set(keyGenesis, req.AppStateBytes); err != nil {
		return nil, err
	}
	for _, s := range a.genesis.Standings {
		st := ticket.Standing{Reputation: s.Reputation, Transfers: s.Transfers}
		if err := b.Set(standingKey(s.Certificate), standingBytes(st)); err != nil {
			return nil, err
		}
	}
	if err := b.WriteSync(); err != nil {
		return nil, err
	}
	h, err := newView(a.db).appHash(a.genesisHash)
	if err != nil {
		return nil, err
	}
	return &abci.ResponseInitChain{AppHash: h}, nil
}

// CheckTx runs the ledger's check against the committed state, and the
// validator's clock against MaxClockSkew.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	if _, err := a.check(newView(a.db), req.Tx, a.now()); err != nil {
		return &abci.ResponseCheckTx{Code: Code(err), Codespace: Codespace, Log: err.Error()}, nil
	}
	return &abci.ResponseCheckTx{Code: CodeOK}, nil
}

// FinalizeBlock re-verifies every transaction of the block against the
// state so far, applies the accepted ones and returns the resulting app
// hash. It reads no clock. Nothing is written before Commit.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	want := a.height + 1
	if a.height == 0 && a.initial > 1 {
		want = a.initial
	}
	if req.Height != want {
		return nil, fmt.Errorf("app: finalizing height %d, want %d", req.Height, want)
	}
	v := newView(a.db)
	res := &abci.ResponseFinalizeBlock{TxResults: make([]*abci.ExecTxResult, len(req.Txs))}
	applied := 0
	for i, tx := range req.Txs {
		t, err := a.check(v, tx, time.Time{})
		if err == nil {
			err = t.apply(v, tx)
		}
		if err != nil {
			if Code(err) == CodeInternal {
				return nil, err // the store failed: stop rather than diverge
			}
			res.TxResults[i] = &abci.ExecTxResult{Code: Code(err), Codespace: Codespace, Log: err.Error()}
			continue
		}
		applied++
		res.TxResults[i] = &abci.ExecTxResult{Code: CodeOK, Events: []abci.Event{t.event()}}
	}
	h := a.appHash
	if applied > 0 || len(h) == 0 {
		var err error
		if h, err = v.appHash(a.genesisHash); err != nil {
			return nil, err
		}
	}
	a.block, a.blockHeight, a.blockAppHash = v, req.Height, h
	res.AppHash = h
	return res, nil
}

// Commit writes the finalized block's state, height and app hash.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	if a.block == nil {
		return nil, errors.New("app: commit without a finalized block")
	}
	if err := a.block.commit(a.blockHeight, a.blockAppHash); err != nil {
		return nil, err
	}
	a.height, a.appHash, a.block = a.blockHeight, a.blockAppHash, nil
	return &abci.ResponseCommit{}, nil
}

// transition is a checked record and what it changes.
type transition struct {
	rec    *ticket.Record
	tk     []byte
	entry  entry // the ticket's entry before the record
	next   *ticket.Ticket
	seller string // the seller of a List or Transfer
}

// check decides whether tx is a record the ledger accepts in the state v.
// A non-zero now is the validator's clock (CheckTx).
func (a *App) check(v *view, tx []byte, now time.Time) (*transition, error) {
	if a.verifier == nil {
		return nil, ErrNotStarted
	}
	rec, err := ticket.ParseRecord(tx)
	if err != nil {
		return nil, err
	}
	req := rec.Request
	if !now.IsZero() && rec.Time.After(now.Add(MaxClockSkew)) {
		return nil, fmt.Errorf("%w: record time %v is after this validator's %v", ticket.ErrTime, rec.Time, now.UTC())
	}
	tk := ticketKey(req.Event, req.Serial)
	e, exists, err := v.entry(tk)
	if err != nil {
		return nil, internal(err)
	}
	switch {
	case req.Kind == ticket.KindBuy && exists:
		return nil, fmt.Errorf("%w: ticket %s/%s is already sold", ticket.ErrState, req.Event, req.Serial)
	case req.Kind != ticket.KindBuy && !exists:
		return nil, fmt.Errorf("%w: no ticket %s/%s on the ledger", ticket.ErrState, req.Event, req.Serial)
	case e.count >= MaxHistory:
		return nil, fmt.Errorf("%w: %d records", ErrHistory, e.count)
	}
	history, err := v.records(tk, e.count)
	if err != nil {
		return nil, internal(err)
	}
	next, err := ticket.Replay(append(history, rec), a.verifier)
	if err != nil {
		return nil, err
	}
	t := &transition{rec: rec, tk: tk, entry: e, next: next}

	// The facts Replay cannot check.
	switch req.Kind {
	case ticket.KindBuy, ticket.KindTransfer:
		held, err := v.held(req.Event, req.Cert.ID())
		if err != nil {
			return nil, internal(err)
		}
		if int64(held) >= int64(a.verifier.Policy.PerCertificateLimit) {
			return nil, fmt.Errorf("%w: %q holds %d", ticket.ErrLimit, req.Cert.ID(), held)
		}
	}
	switch req.Kind {
	case ticket.KindList, ticket.KindTransfer:
		t.seller = e.holder
		st, err := v.standing(t.seller)
		if err != nil {
			return nil, internal(err)
		}
		if st != rec.Seller {
			return nil, fmt.Errorf("%w: record says %+v, ledger has %+v for %q", ErrStanding, rec.Seller, st, t.seller)
		}
	}
	return t, nil
}

// apply writes a checked transition into v.
func (t *transition) apply(v *view, tx []byte) error {
	req := t.rec.Request
	v.set(recordKey(t.tk, t.entry.count), append([]byte(nil), tx...))
	v.set(entryKey(t.tk), entry{count: t.entry.count + 1, head: t.next.Head, holder: t.next.Holder.ID()}.bytes())
	var err error
	switch req.Kind {
	case ticket.KindBuy:
		err = errors.Join(
			v.addHeld(req.Event, req.Cert.ID(), 1),
			v.addStanding(req.Cert.ID(), t.rec.SignerReputation, false))
	case ticket.KindTransfer:
		err = errors.Join(
			v.addHeld(req.Event, t.seller, -1),
			v.addHeld(req.Event, req.Cert.ID(), 1),
			v.addStanding(t.seller, t.rec.SellerReputation, true),
			v.addStanding(req.Cert.ID(), t.rec.SignerReputation, false))
	}
	if err != nil {
		return internal(err)
	}
	return nil
}

func (t *transition) event() abci.Event {
	req := t.rec.Request
	return abci.Event{Type: "ticket", Attributes: []abci.EventAttribute{
		{Key: "event", Value: req.Event, Index: true},
		{Key: "serial", Value: req.Serial, Index: true},
		{Key: "kind", Value: req.Kind.String()},
		{Key: "state", Value: t.next.State.String()},
		{Key: "holder", Value: t.next.Holder.ID()},
		{Key: "head", Value: hex.EncodeToString(t.next.Head[:])},
	}}
}

type internalError struct{ err error }

func (e internalError) Error() string { return "app: store: " + e.err.Error() }
func (e internalError) Unwrap() error { return e.err }

func internal(err error) error { return internalError{err} }
