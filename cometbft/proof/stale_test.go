package proof_test

import (
	"context"
	"testing"
	"time"

	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/proof"
	"github.com/cbets/cbets/cometbft/scenario"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// staleNode is a node with two genuine states: headers up to height 1
// carry the old state's app hash, later ones the new state's (answered as
// height 5). stale picks the state it answers from.
type staleNode struct {
	old, cur *fakeNode
	stale    bool
}

func (s *staleNode) ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*ctypes.ResultABCIQuery, error) {
	if s.stale {
		return s.old.ABCIQueryWithOptions(ctx, path, data, opts) // Height 0: header 1 (old hash)
	}
	r, err := s.cur.ABCIQueryWithOptions(ctx, path, data, opts)
	if err == nil {
		r.Response.Height = 5 // header 6 (new hash)
	}
	return r, err
}

func (s *staleNode) Commit(ctx context.Context, h *int64) (*ctypes.ResultCommit, error) {
	if *h <= 1 {
		return s.old.Commit(ctx, h)
	}
	return s.cur.Commit(ctx, h)
}

func TestStaleStateRefused(t *testing.T) {
	tk, rec := boughtTicket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cur, _ := fakeChain(t, func(tx ledger.Tx) error { return tx.Append(tk, rec) })
	old, _ := fakeChain(t, func(tx ledger.Tx) error { return nil })
	old.key = cur.key // one validator signs both
	cur.ready.Store(100)
	n := &staleNode{old: old, cur: cur}
	c, err := proof.NewChecker(&types.GenesisDoc{ChainID: "fake", AppState: mustCast(t).Genesis,
		Validators: []types.GenesisValidator{{PubKey: cur.key.PubKey(), Power: 10}}}, n)
	require.NoError(t, err)

	v, h, err := c.Get(ctx, app.TicketKey(tk.Event, tk.Serial))
	require.NoError(t, err)
	require.NotNil(t, v)
	require.EqualValues(t, 5, h)

	n.stale = true // after height 5, a proof of absence from height 0
	_, _, err = c.Get(ctx, app.TicketKey(tk.Event, tk.Serial))
	require.ErrorIs(t, err, proof.ErrProof)
	_, _, _, err = c.Ticket(ctx, tk.Event, tk.Serial)
	require.ErrorIs(t, err, proof.ErrProof)

	// A fresh checker has seen nothing newer: the old state is all it can
	// know of, and it checks.
	c2, err := proof.NewChecker(&types.GenesisDoc{ChainID: "fake", AppState: mustCast(t).Genesis,
		Validators: []types.GenesisValidator{{PubKey: cur.key.PubKey(), Power: 10}}}, n)
	require.NoError(t, err)
	v, h, err = c2.Get(ctx, app.TicketKey(tk.Event, tk.Serial))
	require.NoError(t, err)
	require.Nil(t, v)
	require.EqualValues(t, 0, h)
}

// The reads of cmd/cbets' conn.ticket: records at one height, then the
// cancellation in a separate Get, which the node may not answer from an
// older state to hide the cancellation.
func TestStaleCancellationRefused(t *testing.T) {
	cast := mustCast(t)
	eve := cast.Users["eve"]
	now := time.Now()
	req, err := ticket.NewBuyRequest(eve.Key, eve.Cert, cast.Merchant.PublicKey(), scenario.Event, "A-1", scenario.FaceValue, now)
	require.NoError(t, err)
	tk, rec, err := cast.Merchant.Buy(req, ticket.Facts{Event: cast.Concert}, now)
	require.NoError(t, err)
	canc, err := ticket.NewCancellation(cast.MerchantKey, cast.Concert, now.Add(time.Minute))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := func(tx ledger.Tx) error {
		if err := tx.PutEvent(ledger.EventState{Event: cast.Concert}); err != nil {
			return err
		}
		return tx.Append(tk, rec)
	}
	cur, _ := fakeChain(t, func(tx ledger.Tx) error {
		if err := base(tx); err != nil {
			return err
		}
		return tx.(ledger.CancellationTx).PutCancellation(canc)
	})
	old, _ := fakeChain(t, base)
	old.key = cur.key
	cur.ready.Store(100)
	n := &staleNode{old: old, cur: cur}
	c, err := proof.NewChecker(&types.GenesisDoc{ChainID: "fake", AppState: cast.Genesis,
		Validators: []types.GenesisValidator{{PubKey: cur.key.PubKey(), Power: 10}}}, n)
	require.NoError(t, err)

	_, _, h, err := c.Ticket(ctx, tk.Event, tk.Serial)
	require.NoError(t, err)
	require.EqualValues(t, 5, h)
	got, _, err := c.Cancellation(ctx, tk.Event) // honest: cancelled
	require.NoError(t, err)
	require.NotNil(t, got)

	n.stale = true
	_, _, err = c.Cancellation(ctx, tk.Event)
	require.ErrorIs(t, err, proof.ErrProof)
}
