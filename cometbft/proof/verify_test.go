package proof_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/proof"
	"github.com/cbets/cbets/cometbft/scenario"
	"github.com/cbets/cbets/ticket"
)

// answer is a "/store" answer: the value and its proof.
type answer struct {
	key, value []byte
	ops        *cmtcrypto.ProofOps
}

// appState returns an application (no consensus) with the cast's event
// published and one ticket bought, and its app hash.
func appState(t *testing.T) (*app.App, []byte) {
	t.Helper()
	cast, err := scenario.NewCast()
	require.NoError(t, err)
	a, err := app.New(dbm.NewMemDB())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = a.InitChain(ctx, &abci.RequestInitChain{ChainId: "test", InitialHeight: 1, AppStateBytes: cast.Genesis})
	require.NoError(t, err)
	eve := cast.Users["eve"]
	req, err := ticket.NewBuyRequest(eve.Key, eve.Cert, cast.Merchant.PublicKey(), scenario.Event, "A-1", scenario.FaceValue, time.Now())
	require.NoError(t, err)
	_, rec, err := cast.Merchant.Buy(req, ticket.Facts{Event: cast.Concert}, time.Now())
	require.NoError(t, err)
	res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Txs: [][]byte{cast.Concert.Bytes(), rec.Bytes()}})
	require.NoError(t, err)
	for _, r := range res.TxResults {
		require.Equal(t, app.CodeOK, r.Code, r.Log)
	}
	_, err = a.Commit(ctx, &abci.RequestCommit{})
	require.NoError(t, err)
	return a, res.AppHash
}

func ask(t *testing.T, a *app.App, key []byte) answer {
	t.Helper()
	res, err := a.Query(context.Background(), &abci.RequestQuery{Path: app.PathStore, Data: key, Prove: true})
	require.NoError(t, err)
	require.Equal(t, app.CodeOK, res.Code, res.Log)
	return answer{key: key, value: res.Value, ops: res.ProofOps}
}

// sameBucket returns a key of the committed state, absent, in key's bucket.
func sameBucket(key []byte) []byte {
	for i := 0; ; i++ {
		k := app.TicketKey("absent", fmt.Sprint(i))
		if app.Bucket(k) == app.Bucket(key) {
			return k
		}
	}
}

func cloneOps(ops *cmtcrypto.ProofOps) *cmtcrypto.ProofOps {
	out := &cmtcrypto.ProofOps{}
	for _, op := range ops.Ops {
		out.Ops = append(out.Ops, cmtcrypto.ProofOp{Type: op.Type, Key: slices.Clone(op.Key), Data: slices.Clone(op.Data)})
	}
	return out
}

// tampered returns the ways a node can lie about an answer: each must be
// refused.
func tampered(t *testing.T, ask func(key []byte) answer, present, absent answer) map[string]answer {
	t.Helper()
	flip := func(b []byte, i int) []byte {
		b = slices.Clone(b)
		b[(i%len(b)+len(b))%len(b)] ^= 1
		return b
	}
	out := map[string]answer{}
	with := func(name string, base answer, f func(*answer)) {
		x := answer{key: base.key, value: slices.Clone(base.value), ops: cloneOps(base.ops)}
		f(&x)
		out[name] = x
	}
	with("value changed", present, func(x *answer) { x.value = flip(x.value, -1) })
	with("value longer", present, func(x *answer) { x.value = append(x.value, 0) })
	with("present key claimed absent", present, func(x *answer) { x.value = nil })
	with("absent key claimed present", absent, func(x *answer) { x.value = []byte("made up") })
	with("no proof", present, func(x *answer) { x.ops = nil })
	with("no operator", present, func(x *answer) { x.ops.Ops = nil })
	with("one operator", present, func(x *answer) { x.ops.Ops = x.ops.Ops[:1] })
	with("three operators", present, func(x *answer) { x.ops.Ops = append(x.ops.Ops, x.ops.Ops[1]) })
	with("operators swapped", present, func(x *answer) { x.ops.Ops[0], x.ops.Ops[1] = x.ops.Ops[1], x.ops.Ops[0] })
	for i, name := range []string{"bucket operator", "top operator"} {
		for _, base := range []struct {
			name string
			a    answer
		}{{"present", present}, {"absent", absent}} {
			for _, pos := range []int{0, 7, -1} {
				with(fmt.Sprintf("%s data changed at %d (%s)", name, pos, base.name), base.a, func(x *answer) {
					x.ops.Ops[i].Data = flip(x.ops.Ops[i].Data, pos)
				})
			}
			with(name+" data cut ("+base.name+")", base.a, func(x *answer) {
				x.ops.Ops[i].Data = x.ops.Ops[i].Data[:len(x.ops.Ops[i].Data)-1]
			})
			with(name+" key changed ("+base.name+")", base.a, func(x *answer) { x.ops.Ops[i].Key = flip(x.ops.Ops[i].Key, 0) })
			with(name+" type changed ("+base.name+")", base.a, func(x *answer) { x.ops.Ops[i].Type = "other" })
		}
	}
	// Another key's answer, for this key: its value and proof, or its proof.
	other := ask(app.EventKey(scenario.Event))
	with("another key's value and proof", present, func(x *answer) { x.value, x.ops = other.value, cloneOps(other.ops) })
	with("another key's proof", present, func(x *answer) { x.ops = cloneOps(other.ops) })
	// An absence proof of a key in the same bucket, which lists the key;
	// then the same without the key's item.
	neighbour := ask(sameBucket(present.key))
	require.Nil(t, neighbour.value)
	op, err := app.BucketOpDecoder(neighbour.ops.Ops[0])
	require.NoError(t, err)
	items := op.(app.BucketOp).Items
	require.NotEmpty(t, items)
	with("absence from the bucket's items", present, func(x *answer) {
		x.value = nil
		x.ops.Ops[0] = app.NewBucketOp(x.key, items).ProofOp()
	})
	var without []app.BucketItem
	for _, it := range items {
		if string(it.Key) != string(present.key) {
			without = append(without, it)
		}
	}
	require.Len(t, without, len(items)-1)
	with("absence from the bucket's items less the key", present, func(x *answer) {
		x.value = nil
		x.ops.Ops[0] = app.NewBucketOp(x.key, without).ProofOp()
	})
	with("presence by a bucket operator", present, func(x *answer) {
		x.ops.Ops[0] = app.NewBucketOp(x.key, items).ProofOp()
	})
	// The top proof of another bucket.
	with("another bucket's top proof", present, func(x *answer) { x.ops.Ops[1] = other.ops.Ops[1] })
	// A top proof that is not of the bucket's index.
	topOp, err := merkle.ValueOpDecoder(present.ops.Ops[1])
	require.NoError(t, err)
	for name, f := range map[string]func(p *merkle.Proof){
		"index": func(p *merkle.Proof) { p.Index ^= 1 },
		"total": func(p *merkle.Proof) { p.Total = 1 << 17 },
		"aunts": func(p *merkle.Proof) { p.Aunts = p.Aunts[:15] },
	} {
		p := *topOp.(merkle.ValueOp).Proof
		p.Aunts = slices.Clone(p.Aunts)
		f(&p)
		with("top proof's "+name, present, func(x *answer) {
			x.ops.Ops[1] = merkle.NewValueOp(x.ops.Ops[1].Key, &p).ProofOp()
		})
	}
	return out
}

// TestVerify: the honest answers verify; every lie is refused with
// ErrProof, and so is the honest answer against another app hash.
func TestVerify(t *testing.T) {
	a, hash := appState(t)
	present := ask(t, a, app.TicketKey(scenario.Event, "A-1"))
	require.NotNil(t, present.value)
	absent := ask(t, a, app.TicketKey(scenario.Event, "A-2"))
	require.Nil(t, absent.value)
	for _, x := range []answer{present, absent, ask(t, a, app.GenesisKey()), ask(t, a, app.RecordKey(scenario.Event, "A-1", 0))} {
		require.NoError(t, proof.Verify(hash, x.key, x.value, x.ops), "%q", x.key)
		other := sha256.Sum256(hash)
		require.ErrorIs(t, proof.Verify(other[:], x.key, x.value, x.ops), proof.ErrProof)
		require.ErrorIs(t, proof.Verify(hash[:31], x.key, x.value, x.ops), proof.ErrProof)
		require.ErrorIs(t, proof.Verify(hash, nil, x.value, x.ops), proof.ErrProof)
	}
	for name, x := range tampered(t, func(k []byte) answer { return ask(t, a, k) }, present, absent) {
		require.ErrorIs(t, proof.Verify(hash, x.key, x.value, x.ops), proof.ErrProof, name)
	}
}

// FuzzVerify: proof operators from the network never crash Verify.
func FuzzVerify(f *testing.F) {
	key := app.TicketKey("e", "1")
	b := app.Bucket(key)
	f.Add([]byte{1, 2}, []byte{0}, []byte("v"), uint8(0))
	f.Add(app.NewBucketOp(key, nil).ProofOp().Data, merkle.NewValueOp([]byte{byte(b >> 8), byte(b)},
		&merkle.Proof{Total: 1 << 16, Index: int64(b), LeafHash: make([]byte, 32), Aunts: make([][]byte, 16)}).ProofOp().Data, []byte(nil), uint8(1))
	f.Fuzz(func(t *testing.T, first, top, value []byte, kinds uint8) {
		types := []string{merkle.ProofOpValue, app.ProofOpBucket}
		ops := &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{
			{Type: types[kinds&1], Key: key, Data: first},
			{Type: types[kinds>>1&1], Key: []byte{byte(b >> 8), byte(b)}, Data: top},
		}}
		if len(value) == 0 {
			value = nil
		}
		require.ErrorIs(t, proof.Verify(make([]byte, 32), key, value, ops), proof.ErrProof)
	})
}
