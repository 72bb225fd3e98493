package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// maxProposals bounds the accepted proposals kept for one height. A height
// has a proposal per round, and a round fails only when its proposal does
// not gather the votes in time, so a few cover every usual case; a block
// decided beyond them is run again by FinalizeBlock.
const maxProposals = 4

var errNilRequest = errors.New("app: nil request")

// MaxProposalTxBytes bounds the transactions PrepareProposal puts in a
// block, counted as CometBFT counts MaxTxBytes, below the consensus
// parameters' bound when that is larger: about 450 records of the usual
// size. Every validator runs a block's records through ProcessProposal
// before it votes, several validators may share a machine, and a record
// the validator has not checked yet costs a full verification; a block
// whose execution does not fit within the consensus timeouts fails its
// round and delays every transaction in it. Smaller blocks, one after
// the other, carry the same transactions sooner. A proposer never adds a
// transaction past this budget: the mempool keeps it for the next block.
const MaxProposalTxBytes = 256 << 10

// outcome is a block's transactions applied in turn to a Store over the
// committed state: the Store, whose pending writes are the block's, and
// each transaction's result.
type outcome struct {
	store   *Store
	results []*abci.ExecTxResult
	refused int // the first refused transaction, -1 when none
}

// proposal is a block ProcessProposal accepted, kept until FinalizeBlock or
// Commit so that finalizing that block does not run it again.
type proposal struct {
	height int64
	hash   []byte
	txs    [][]byte
	out    *outcome
}

// PrepareProposal builds the block this validator proposes from the
// mempool's transactions: it runs them in order against the state the
// block builds (the committed state and the transactions kept before
// them), with the rules of FinalizeBlock and no clock, and keeps those
// that are accepted and fit within req.MaxTxBytes and the application's
// own budget, MaxProposalTxBytes (counted as CometBFT counts a block's
// data). It leaves out the others: a transaction refused against that
// state (a stale head, a serial sold earlier in the block, a bad
// signature, ...) and one too large for the room left. Nothing reaches
// the database. A failure of the store is an error, not a smaller block.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	if a == nil {
		return nil, errNilApp
	}
	if req == nil {
		return nil, errNilRequest
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.checkHeight("proposing", req.Height); err != nil {
		return nil, err
	}
	budget := min(req.MaxTxBytes, a.proposalBytes)
	recs := a.precheck(req.Txs)
	s := a.store()
	txs := make([][]byte, 0, len(req.Txs))
	var size int64
	for i, tx := range req.Txs {
		n := protoSize(tx)
		if size+n > budget {
			continue
		}
		if _, err := a.deliver(s, tx, recs[i], time.Time{}); err != nil {
			if Code(err) == CodeInternal {
				return nil, err
			}
			continue
		}
		size += n
		txs = append(txs, tx)
	}
	return &abci.ResponsePrepareProposal{Txs: txs}, nil
}

// ProcessProposal accepts a proposed block when every one of its
// transactions, run in order against the state the block builds with the
// rules of FinalizeBlock, is accepted, and rejects it otherwise: a correct
// proposer (PrepareProposal) leaves refused transactions out. The block's
// R-bound signatures are verified first in one batch. An accepted block's
// outcome is kept, under its hash and height, for FinalizeBlock. A
// failure of the store is an error, not a rejection.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	if a == nil {
		return nil, errNilApp
	}
	if req == nil {
		return nil, errNilRequest
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.checkHeight("processing a proposal of", req.Height); err != nil {
		return nil, err
	}
	out, err := a.run(req.Txs, true)
	if err != nil {
		return nil, err
	}
	if out.refused >= 0 {
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
	}
	if len(a.proposals) > 0 && a.proposals[0].height != req.Height {
		a.proposals = nil
	}
	if len(a.proposals) == maxProposals {
		a.proposals = a.proposals[1:]
	}
	a.proposals = append(a.proposals, &proposal{height: req.Height, hash: slices.Clone(req.Hash),
		txs: slices.Clone(req.Txs), out: out})
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// checkHeight refuses a height other than the next one to commit.
func (a *App) checkHeight(doing string, height int64) error {
	if a.db == nil {
		return errClosed
	}
	want := a.height + 1
	if a.height == 0 && a.initial > 1 {
		want = a.initial
	}
	if height != want {
		return fmt.Errorf("app: %s height %d, want %d", doing, height, want)
	}
	return nil
}

// finalized returns the outcome of the block FinalizeBlock is given: the
// one ProcessProposal kept for it when it accepted this very block (same
// height, hash and transactions), else the outcome of running it, every
// transaction recorded with its result as a validator catching up needs.
// Either way the kept proposals are forgotten: only one block of a height
// is finalized.
func (a *App) finalized(req *abci.RequestFinalizeBlock) (*outcome, error) {
	kept := a.proposals
	a.proposals = nil
	for _, p := range kept {
		if p.height == req.Height && bytes.Equal(p.hash, req.Hash) &&
			slices.EqualFunc(p.txs, req.Txs, bytes.Equal) {
			return p.out, nil
		}
	}
	return a.run(req.Txs, false)
}

// run applies txs in turn to a new Store over the committed state, with no
// clock, after verifying their R-bound signatures in one batch. A refused
// transaction writes nothing and gets its result code; with stop, run
// stops at the first. A failure of the store is returned as an error: the
// block's outcome is then unknown, and a validator must stop rather than
// diverge.
func (a *App) run(txs [][]byte, stop bool) (*outcome, error) {
	recs := a.precheck(txs)
	out := &outcome{store: a.store(), results: make([]*abci.ExecTxResult, len(txs)), refused: -1}
	for i, tx := range txs {
		ev, err := a.deliver(out.store, tx, recs[i], time.Time{})
		if err == nil {
			out.results[i] = &abci.ExecTxResult{Code: CodeOK, Events: []abci.Event{ev}}
			continue
		}
		if Code(err) == CodeInternal {
			return nil, err
		}
		out.results[i] = &abci.ExecTxResult{Code: Code(err), Codespace: Codespace, Log: err.Error()}
		if out.refused < 0 {
			out.refused = i
		}
		if stop {
			break
		}
	}
	return out, nil
}

// precheck parses the records among txs (parseRecord) and verifies their
// R-bound signatures in one batch (ticket.Verifier.PrecheckSignatures)
// into the application's signature cache, which the ledger's checks then
// hit: those the records carry with their keys, their certificates' under
// the registrar's key, and those of the committed events (and
// cancellations) they name. It returns the records parsed, by index (nil
// for a transaction that is not a record or does not parse), for deliver.
// It refuses nothing: a transaction that does not parse, or whose
// signature fails, is left to deliver to refuse, and an event it cannot
// read is left to the ledger's checks.
func (a *App) precheck(txs [][]byte) []*ticket.Record {
	recs := make([]*ticket.Record, len(txs))
	for i, tx := range txs {
		if !hasDomain(tx, RecordDomain) {
			continue
		}
		if rec, err := a.parseRecord(tx); err == nil {
			recs[i] = rec
		}
	}
	if a.config == nil {
		ticket.PrecheckSignatures(recs, a.signatures)
		return recs
	}
	v, err := ticket.NewVerifier(a.config.Registrar, a.config.Merchants, a.config.Policy)
	if err != nil {
		ticket.PrecheckSignatures(recs, a.signatures)
		return recs
	}
	v.Signatures = a.signatures
	v.Events, v.Cancellations = a.blockEvents(recs)
	v.PrecheckSignatures(recs)
	return recs
}

// blockEvents reads the committed events the records name, and their
// cancellations, once each. One it cannot read is left out.
func (a *App) blockEvents(recs []*ticket.Record) ([]*ticket.Event, []*ticket.Cancellation) {
	var (
		evs   []*ticket.Event
		cancs []*ticket.Cancellation
		seen  = map[string]bool{}
	)
	_ = a.store().View(context.Background(), func(tx ledger.Tx) error {
		for _, rec := range recs {
			if rec == nil || rec.Request == nil || seen[rec.Request.Event] {
				continue
			}
			id := rec.Request.Event
			seen[id] = true
			s, err := tx.Event(id)
			if err != nil {
				continue
			}
			evs = append(evs, s.Event)
			if c, err := tx.(ledger.CancellationTx).Cancellation(id); err == nil {
				cancs = append(cancs, c)
			}
		}
		return nil
	})
	return evs, cancs
}

// protoSize is the size tx adds to a block's data as CometBFT counts it
// against MaxTxBytes (types.ComputeProtoSizeForTxs): its bytes, their
// length as a uvarint and the field's one-byte tag.
func protoSize(tx []byte) int64 {
	return int64(1 + len(binary.AppendUvarint(nil, uint64(len(tx)))) + len(tx))
}
