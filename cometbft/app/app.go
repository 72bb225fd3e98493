package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cbets/cbets/ledger"
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

	// AppVersion is the application protocol version reported by Info.
	AppVersion = 2
)

// The domain strings that begin the three kinds of transaction, each as
// u32 length ‖ domain (package ticket's encodings, SPEC section 8).
const (
	RecordDomain       = "CBETS/ticket/v1/record"
	EventDomain        = "CBETS/ticket/v1/event"
	CancellationDomain = "CBETS/ticket/v1/cancellation"
)

// ErrNotStarted: a transaction before InitChain.
var ErrNotStarted = errors.New("app: no genesis yet")

// Result codes of CheckTx and FinalizeBlock. Zero accepts. Code 14, the
// former cap on a ticket's history, is no longer used.
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
	CodeNotStarted    uint32 = 15
	CodeRejected      uint32 = 16 // another reason
	CodeInternal      uint32 = 17 // the store failed
	CodeUnknownQuery  uint32 = 18
	CodeNotFound      uint32 = 19 // no such ticket (a record for one, or a query)
	CodeBadQuery      uint32 = 20
	CodeUnknownEvent  uint32 = 21
	CodeEventExists   uint32 = 22
	CodeSoldOut       uint32 = 23
	CodeSerial        uint32 = 24
	CodeStale         uint32 = 25
	CodeSaleClosed    uint32 = 26
	CodeEvent         uint32 = 27
	CodeCancelled     uint32 = 28 // the event is cancelled: only refunds
	CodeExpired       uint32 = 29
	CodeClosed        uint32 = 30 // the event's terms forbid it now
	CodeResaleCap     uint32 = 31
)

var codes = []struct {
	err  error
	code uint32
}{
	{ledger.ErrStore, CodeInternal},
	{ledger.ErrConfig, CodeInternal},
	{ticket.ErrMalformed, CodeMalformed},
	{ticket.ErrSignature, CodeSignature},
	{ticket.ErrCertificate, CodeCertificate},
	{ticket.ErrWID, CodeCertificate},
	{ticket.ErrForeign, CodeForeign},
	{ticket.ErrState, CodeState},
	{ticket.ErrNotHolder, CodeNotHolder},
	{ticket.ErrTime, CodeTime},
	{ticket.ErrLimit, CodeLimit},
	{ticket.ErrTransferLimit, CodeTransferLimit},
	{ticket.ErrReputation, CodeReputation},
	{ticket.ErrPrice, CodePrice},
	{ticket.ErrMismatch, CodeMismatch},
	{ledger.ErrStanding, CodeStanding},
	{ErrNotStarted, CodeNotStarted},
	{ledger.ErrNotFound, CodeNotFound},
	{ledger.ErrUnknownEvent, CodeUnknownEvent},
	{ledger.ErrEventExists, CodeEventExists},
	{ledger.ErrSoldOut, CodeSoldOut},
	{ledger.ErrSerial, CodeSerial},
	{ledger.ErrStale, CodeStale},
	{ticket.ErrSaleClosed, CodeSaleClosed},
	{ticket.ErrEvent, CodeEvent},
	{ticket.ErrCancelled, CodeCancelled},
	{ticket.ErrExpired, CodeExpired},
	{ticket.ErrClosed, CodeClosed},
	{ticket.ErrResaleCap, CodeResaleCap},
}

// Code returns the result code for a rejection: CodeInternal for a failure
// of the store, whatever else the error matches.
func Code(err error) uint32 {
	if err == nil {
		return CodeOK
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
	genesisHash []byte
	config      *ledger.Config // nil before InitChain

	height  int64  // last committed height
	appHash []byte // last committed app hash
	initial int64  // the chain's first height, from InitChain

	commit  *commitment // the committed state's top tree (commit.go)
	changed int64       // the height whose block last changed the app hash

	block        *Store // the block finalized but not committed
	blockHeight  int64
	blockAppHash []byte
	blockChanged bool // the block changes the app hash

	// proposals are the blocks of the next height ProcessProposal
	// accepted, with their outcomes, for FinalizeBlock (proposal.go).
	proposals []*proposal
	// signatures is the cache of verified signatures the ledger's checks
	// use: CheckTx fills it, and a block's checks hit it.
	signatures *ticket.SignatureCache
	// decoded holds the events and ticket entries the application's
	// Stores decoded, by their stored bytes (decoded.go).
	decoded *decoded
	// records holds the records parsed from transactions, by their
	// bytes: a transaction is parsed by CheckTx and found here by its
	// rechecks and its block. They are the application's own: it never
	// hands one out.
	records *memo[*ticket.Record]
	// proposalBytes bounds a proposal's transactions: MaxProposalTxBytes.
	proposalBytes int64

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
	if db == nil {
		return nil, errors.New("app: nil database")
	}
	a := &App{db: db, now: time.Now, signatures: ticket.NewSignatureCache(0), decoded: newDecoded(),
		records: newMemo[*ticket.Record](decodedSize), proposalBytes: MaxProposalTxBytes}
	if err := a.resume(); err != nil {
		return nil, err
	}
	g, err := db.Get(keyGenesis)
	if err != nil {
		return nil, err
	}
	if g != nil {
		if _, err := a.setGenesis(g); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *App) setGenesis(raw []byte) (*Genesis, error) {
	g, err := ParseGenesis(raw)
	if err != nil {
		return nil, err
	}
	cfg, err := g.Config()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	a.genesisHash, a.config = sum[:], &cfg
	return g, nil
}

// ledger returns a Ledger over s, or ErrNotStarted before the genesis.
func (a *App) ledger(s *Store) (*ledger.Ledger, error) {
	if a.config == nil {
		return nil, ErrNotStarted
	}
	cfg := *a.config
	cfg.Signatures = a.signatures
	return ledger.New(s, cfg)
}

// Close closes the store. Calls after Close fail.
func (a *App) Close() error {
	if a == nil {
		return nil
	}
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

// errNilApp: a method called on a nil *App.
var errNilApp = errors.New("app: nil App")

// LastCommitted returns the last committed height and app hash.
func (a *App) LastCommitted() (int64, []byte) {
	if a == nil {
		return 0, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.height, append([]byte(nil), a.appHash...)
}

// Info reports the last committed height and app hash, where CometBFT's
// handshake resumes.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	if a == nil {
		return nil, errNilApp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return &abci.ResponseInfo{
		Data:             "cbets ticket ledger",
		Version:          strconv.Itoa(AppVersion),
		AppVersion:       AppVersion,
		LastBlockHeight:  a.height,
		LastBlockAppHash: append([]byte(nil), a.appHash...),
	}, nil
}

// InitChain stores the genesis app state and the genesis standings, and
// returns the app hash of the empty ledger.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	if a == nil {
		return nil, errNilApp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	g, err := a.setGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	a.initial = req.InitialHeight
	h, err := a.initState(g, req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	return &abci.ResponseInitChain{AppHash: h}, nil
}

// CheckTx runs the transaction against the committed state, with the
// validator's clock against MaxClockSkew; what it writes is dropped. The
// signatures it verifies are remembered, so that the transaction's block
// does not verify them again. A recheck (req.Type CheckTxType_Recheck),
// which CometBFT's mempool runs on each transaction it still holds after
// a commit, is the same check against the newly committed state, and
// cheap: its signatures are remembered from the first check. The node
// must run with the mempool's recheck on, so that the mempool drops what
// a block made invalid (a stale head, a serial sold).
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	if a == nil {
		return nil, errNilApp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	_, err := a.deliver(a.store(), req.Tx, nil, a.now())
	if err != nil {
		return &abci.ResponseCheckTx{Code: Code(err), Codespace: Codespace, Log: err.Error()}, nil
	}
	return &abci.ResponseCheckTx{Code: CodeOK}, nil
}

// FinalizeBlock applies each transaction of the block in turn to the state
// so far, through a Store whose pending writes are the block's, and
// returns the resulting app hash. A refused transaction writes nothing. It
// reads no clock. Nothing reaches the database before Commit. A block
// ProcessProposal accepted is not run again: its outcome, kept under the
// block's hash, is the same. A block it did not see (a validator catching
// up) is run here, its refused transactions recorded with their codes.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if a == nil {
		return nil, errNilApp
	}
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
	out, err := a.finalized(req) // ProcessProposal's, or run now
	if err != nil {
		return nil, err // the store failed: stop rather than diverge
	}
	res := &abci.ResponseFinalizeBlock{TxResults: out.results}
	if res.AppHash, err = a.finalize(out.store, req.Height); err != nil {
		return nil, err
	}
	return res, nil
}

// Commit writes the finalized block's state, height and app hash in one
// synchronous batch.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	if a == nil {
		return nil, errNilApp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, errClosed
	}
	if a.block == nil {
		return nil, errors.New("app: commit without a finalized block")
	}
	if err := a.commitBlock(); err != nil {
		return nil, err
	}
	a.proposals = nil
	return &abci.ResponseCommit{}, nil
}

// deliver applies one transaction to s: an event publication
// (Ledger.Publish), a record (Ledger.ApplyRecord, one step of the ticket's
// history) or an event's cancellation (Ledger.Cancel). A record tx is
// parsed into rec (parseRecord), unless rec is that already. A non-zero now is the
// validator's clock (CheckTx). It returns the ABCI event describing the
// change.
func (a *App) deliver(s *Store, tx []byte, rec *ticket.Record, now time.Time) (abci.Event, error) {
	l, err := a.ledger(s)
	if err != nil {
		return abci.Event{}, err
	}
	// The ledger's store is the app's, and its results must not depend on
	// CometBFT's contexts: it runs under one that is never cancelled.
	ctx := context.Background()
	switch {
	case hasDomain(tx, EventDomain):
		ev, err := l.Publish(ctx, tx)
		if err != nil {
			return abci.Event{}, err
		}
		return eventEvent(ev), nil
	case hasDomain(tx, RecordDomain):
		if rec == nil {
			if rec, err = a.parseRecord(tx); err != nil {
				return abci.Event{}, err
			}
		}
		if !now.IsZero() && rec.Time.After(now.Add(MaxClockSkew)) {
			return abci.Event{}, fmt.Errorf("%w: record time %v is after this validator's %v", ticket.ErrTime, rec.Time, now.UTC())
		}
		t, err := l.ApplyRecord(ctx, rec)
		if err != nil {
			return abci.Event{}, err
		}
		return ticketEvent(rec, t), nil
	case hasDomain(tx, CancellationDomain):
		c, err := ticket.ParseCancellation(tx)
		if err != nil {
			return abci.Event{}, err
		}
		if !now.IsZero() && c.Time().After(now.Add(MaxClockSkew)) {
			return abci.Event{}, fmt.Errorf("%w: cancellation time %v is after this validator's %v", ticket.ErrTime, c.Time(), now.UTC())
		}
		if c, err = l.Cancel(ctx, tx); err != nil {
			return abci.Event{}, err
		}
		return cancellationEvent(c), nil
	}
	return abci.Event{}, fmt.Errorf("%w: app: a transaction is a ticket record, an event or a cancellation, and this is none of them", ticket.ErrMalformed)
}

// parseRecord parses a record transaction (ticket.ParseRecord), or finds
// it parsed already in a.records. The record is the application's: it
// must not change, nor be handed out.
func (a *App) parseRecord(tx []byte) (*ticket.Record, error) {
	if rec, ok := a.records.get(tx); ok {
		return rec, nil
	}
	rec, err := ticket.ParseRecord(tx)
	if err != nil {
		return nil, err
	}
	a.records.put(tx, rec)
	return rec, nil
}

// hasDomain reports whether tx begins with u32 len(domain) ‖ domain.
func hasDomain(tx []byte, domain string) bool {
	p := binary.BigEndian.AppendUint32(nil, uint32(len(domain)))
	return bytes.HasPrefix(tx, append(p, domain...))
}

func ticketEvent(rec *ticket.Record, t *ticket.Ticket) abci.Event {
	req := rec.Request
	return abci.Event{Type: "ticket", Attributes: []abci.EventAttribute{
		{Key: "event", Value: req.Event, Index: true},
		{Key: "serial", Value: req.Serial, Index: true},
		{Key: "kind", Value: req.Kind.String()},
		{Key: "state", Value: t.State.String()},
		{Key: "holder", Value: t.Holder.ID()},
		{Key: "head", Value: hex.EncodeToString(t.Head[:])},
	}}
}

func eventEvent(ev *ticket.Event) abci.Event {
	terms := ev.Terms()
	hash := ev.Hash()
	return abci.Event{Type: "event", Attributes: []abci.EventAttribute{
		{Key: "event", Value: terms.ID, Index: true},
		{Key: "merchant", Value: hex.EncodeToString(ev.Merchant().Bytes())},
		{Key: "capacity", Value: strconv.FormatUint(uint64(terms.Capacity), 10)},
		{Key: "face_value", Value: strconv.FormatInt(int64(terms.FaceValue), 10)},
		{Key: "hash", Value: hex.EncodeToString(hash[:])},
	}}
}

func cancellationEvent(c *ticket.Cancellation) abci.Event {
	hash := c.Hash()
	return abci.Event{Type: "cancellation", Attributes: []abci.EventAttribute{
		{Key: "event", Value: c.Event(), Index: true},
		{Key: "time", Value: c.Time().Format(time.RFC3339Nano)},
		{Key: "hash", Value: hex.EncodeToString(hash[:])},
	}}
}
