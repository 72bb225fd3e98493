package proof_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/proof"
	"github.com/cbets/cbets/cometbft/scenario"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// fakeNode serves an application's "/store" answers and headers that its
// one validator signs, with the app hash it is given, from height ready
// on: a chain made up for the test, whatever state it holds.
type fakeNode struct {
	a       *app.App
	key     ed25519.PrivKey
	chainID string
	appHash []byte
	ready   atomic.Int64
}

func (f *fakeNode) ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*ctypes.ResultABCIQuery, error) {
	res, err := f.a.Query(ctx, &abci.RequestQuery{Path: path, Data: data, Height: opts.Height, Prove: opts.Prove})
	if err != nil {
		return nil, err
	}
	return &ctypes.ResultABCIQuery{Response: *res}, nil
}

func (f *fakeNode) Commit(_ context.Context, height *int64) (*ctypes.ResultCommit, error) {
	if *height > f.ready.Load() {
		return nil, errors.New("no such height yet")
	}
	pub := f.key.PubKey()
	vals := types.NewValidatorSet([]*types.Validator{types.NewValidator(pub, 10)})
	h := types.Header{Version: cmtversion.Consensus{Block: version.BlockProtocol}, ChainID: f.chainID, Height: *height,
		Time: time.Unix(1e9, 0).UTC(), ValidatorsHash: vals.Hash(), NextValidatorsHash: vals.Hash(),
		AppHash: f.appHash, ProposerAddress: pub.Address()}
	id := types.BlockID{Hash: h.Hash(), PartSetHeader: types.PartSetHeader{Total: 1, Hash: make([]byte, 32)}}
	vote := &types.Vote{Type: cmtproto.PrecommitType, Height: *height, BlockID: id, Timestamp: h.Time,
		ValidatorAddress: pub.Address()}
	sig, err := f.key.Sign(types.VoteSignBytes(f.chainID, vote.ToProto()))
	if err != nil {
		return nil, err
	}
	c := &types.Commit{Height: *height, BlockID: id, Signatures: []types.CommitSig{{BlockIDFlag: types.BlockIDFlagCommit,
		ValidatorAddress: pub.Address(), Timestamp: h.Time, Signature: sig}}}
	return ctypes.NewResultCommit(&h, c, true), nil
}

// fakeChain returns a node of a made-up chain whose state holds what write
// writes, and the checker of that chain.
func fakeChain(t *testing.T, write func(tx ledger.Tx) error) (*fakeNode, *proof.Checker) {
	t.Helper()
	cast, err := scenario.NewCast()
	require.NoError(t, err)
	db := dbm.NewMemDB()
	s := app.NewStore(db)
	require.NoError(t, s.Update(context.Background(), write))
	hash, err := s.AppHash()
	require.NoError(t, err)
	require.NoError(t, s.Flush())
	a, err := app.New(db)
	require.NoError(t, err)
	f := &fakeNode{a: a, key: ed25519.GenPrivKey(), chainID: "fake", appHash: hash}
	f.ready.Store(1)
	gen := &types.GenesisDoc{ChainID: "fake", AppState: cast.Genesis,
		Validators: []types.GenesisValidator{{PubKey: f.key.PubKey(), Power: 10}}}
	c, err := proof.NewChecker(gen, f)
	require.NoError(t, err)
	return f, c
}

// boughtTicket returns a ticket the cast's merchant sold, and its record.
func boughtTicket(t *testing.T) (*ticket.Ticket, *ticket.Record) {
	t.Helper()
	cast, err := scenario.NewCast()
	require.NoError(t, err)
	eve := cast.Users["eve"]
	req, err := ticket.NewBuyRequest(eve.Key, eve.Cert, cast.Merchant.PublicKey(), scenario.Event, "A-1", scenario.FaceValue, time.Now())
	require.NoError(t, err)
	tk, rec, err := cast.Merchant.Buy(req, ticket.Facts{Event: cast.Concert}, time.Now())
	require.NoError(t, err)
	return tk, rec
}

// TestFakeChain: a chain's headers are waited for; a ticket whose entry
// and records disagree is refused even when the chain signed it; a node
// that answers nothing is refused.
func TestFakeChain(t *testing.T) {
	tk, rec := boughtTicket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	f, c := fakeChain(t, func(tx ledger.Tx) error { return tx.Append(tk, rec) })
	f.ready.Store(0)
	go func() {
		time.Sleep(150 * time.Millisecond)
		f.ready.Store(1)
	}()
	got, recs, h, err := c.Ticket(ctx, tk.Event, tk.Serial)
	require.NoError(t, err, "the header at height 1 is waited for")
	require.Zero(t, h)
	require.Equal(t, tk.Head, got.Head)
	require.Equal(t, rec.Bytes(), recs[0].Bytes())

	other := *tk
	other.Head[0] ^= 1
	_, c = fakeChain(t, func(tx ledger.Tx) error { return tx.Append(&other, rec) })
	_, _, _, err = c.Ticket(ctx, tk.Event, tk.Serial)
	require.ErrorContains(t, err, "head")

	f, _ = fakeChain(t, func(tx ledger.Tx) error { return tx.Append(tk, rec) })
	silent := &liar{Node: f, silent: true}
	c, err = proof.NewChecker(&types.GenesisDoc{ChainID: "fake", AppState: mustCast(t).Genesis,
		Validators: []types.GenesisValidator{{PubKey: f.key.PubKey(), Power: 10}}}, silent)
	require.NoError(t, err)
	_, _, err = c.Get(ctx, app.TicketKey(tk.Event, tk.Serial))
	require.ErrorIs(t, err, proof.ErrProof)
}

func mustCast(t *testing.T) *scenario.Cast {
	t.Helper()
	cast, err := scenario.NewCast()
	require.NoError(t, err)
	return cast
}
